/*
 * A driver that breaks into the debugger in its dispatch path (see
 * kdbreak.h): with --kd each break stops at the kd> prompt and g goes on;
 * without it a breakpoint nobody handles stops the system, as on NT with
 * no debugger attached. DriverEntry prints where its known data is, so
 * that a kd session can look at it: KdBreakMarker (four known double
 * words in the image) and a nonpaged pool block tagged 'kdBk' of 64 bytes
 * filled with 0x5A.
 */
#include <ntddk.h>

#include "kdbreak.h"

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD KdBreakUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH KdBreakCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH KdBreakControl;
KDEFERRED_ROUTINE KdBreakDpc;

ULONG KdBreakMarker[4] = {0x6B646272, 0x65616B21, 0x0BADF00D, 0x12345678};
static PVOID Block;
static KDPC Dpc;
static KEVENT DpcDone;

VOID KdBreakDpc(PKDPC ThisDpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(ThisDpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KdBreakPoint();
    DbgPrint("kdbreak: the DPC goes on after its breakpoint\n");
    KeSetEvent(&DpcDone, IO_NO_INCREMENT, FALSE);
}

NTSTATUS KdBreakCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS KdBreakControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS Status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (Stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_KDBREAK_PASSIVE:
        DbgBreakPoint();
        DbgPrint("kdbreak: the dispatch routine goes on after its "
                 "breakpoint\n");
        break;
    case IOCTL_KDBREAK_DPC:
        KeInitializeEvent(&DpcDone, NotificationEvent, FALSE);
        KeInsertQueueDpc(&Dpc, NULL, NULL);
        KeWaitForSingleObject(&DpcDone, Executive, KernelMode, FALSE, NULL);
        break;
    case IOCTL_KDBREAK_STATUS:
        DbgBreakPointWithStatus(KDBREAK_STATUS);
        DbgPrint("kdbreak: the dispatch routine goes on after "
                 "DbgBreakPointWithStatus\n");
        break;
    case IOCTL_KDBREAK_CRASH:
        KeBugCheckEx(MANUALLY_INITIATED_CRASH, (ULONG_PTR)Block, KDBREAK_STATUS,
                     0, 0);
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

VOID KdBreakUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\KdBreak");

    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(DriverObject->DeviceObject);
    ExFreePoolWithTag(Block, 'kBdk');
    DbgPrint("kdbreak: unloaded\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\KdBreak");
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\KdBreak");
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Block = ExAllocatePoolWithTag(NonPagedPool, 64, 'kBdk');
    if (Block == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlFillMemory(Block, 64, 0x5A);
    Status = IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &Device);
    if (NT_SUCCESS(Status)) {
        Status = IoCreateSymbolicLink(&Link, &Name);
        if (!NT_SUCCESS(Status))
            IoDeleteDevice(Device);
    }
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Block, 'kBdk');
        return Status;
    }
    KeInitializeDpc(&Dpc, KdBreakDpc, NULL);
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KdBreakCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KdBreakCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KdBreakControl;
    DriverObject->DriverUnload = KdBreakUnload;
    DbgPrint("kdbreak: marker at %p, pool block at %p\n", KdBreakMarker,
             Block);
    return STATUS_SUCCESS;
}
