/*
 * direct.sys: METHOD_OUT_DIRECT, completed later from a DPC, done right.
 *
 * For METHOD_OUT_DIRECT the I/O manager does the two things that make a
 * buffer usable anywhere, before the driver sees the request, in the
 * program's own thread:
 *   - the input is copied into Irp->AssociatedIrp.SystemBuffer (nonpaged
 *     pool: a system address, valid in every process);
 *   - the output buffer is probed and its pages locked in memory
 *     (MmProbeAndLockPages), and the MDL that lists their physical pages
 *     is Irp->MdlAddress.
 * MmGetSystemAddressForMdlSafe maps those same physical pages at a system
 * address. That address means the program's buffer in whatever process
 * is current, and the pages cannot be paged out while locked: so a DPC,
 * at DISPATCH_LEVEL in an arbitrary process, may write there.
 *
 * Compare neither.sys: its DPC used the program's user address, which in
 * another process is another process's memory, or nothing at all.
 */
#include <ntddk.h>

#define LESSON_DRIVER "direct"
#include "../lesson.h"

#include "direct.h"

typedef struct _DIRECT_EXTENSION {
    PIRP Irp; /* the request the DPC completes */
    KTIMER Timer;
    KDPC Dpc;
} DIRECT_EXTENSION, *PDIRECT_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DirectUnload;
static DRIVER_DISPATCH DirectCreateClose;
static DRIVER_DISPATCH DirectDeviceControl;

static NTSTATUS DirectComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* DISPATCH_LEVEL, in whatever process was current when the timer expired:
 * only system addresses are safe here, and only resident memory. */
static VOID DirectDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PDIRECT_EXTENSION Extension = Context;
    PIRP Irp = Extension->Irp;
    PULONG Input, Output;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    LessonWhere("DPC");
    Extension->Irp = NULL;
    /* The I/O manager's copy of the input, in nonpaged pool. */
    Input = Irp->AssociatedIrp.SystemBuffer;
    /* The output's locked pages at a system address (mapped on the first
     * call; may be called at DISPATCH_LEVEL). NULL when no system PTEs
     * are left: the request fails, the system does not. */
    Output = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority);
    if (Output == NULL) {
        DirectComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
        return;
    }
    *Output = *Input + 1;
    DbgPrint("direct: wrote 0x%08X at %p, the system address of the "
             "program's buffer at %p\n",
             *Output, (PVOID)Output, MmGetMdlVirtualAddress(Irp->MdlAddress));
    /* Completion may happen at DISPATCH_LEVEL, in any process: the I/O
     * manager finishes it in the requester's thread (an APC). */
    DirectComplete(Irp, STATUS_SUCCESS, sizeof(ULONG));
}

/* The requester's thread, PASSIVE_LEVEL: check, keep the request, and
 * leave the work to the DPC. */
static NTSTATUS NTAPI DirectDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PDIRECT_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    LARGE_INTEGER DueTime = {.QuadPart = -50 * 10000}; /* 50 ms */

    LessonWhere("dispatch routine");
    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_DIRECT_LATER)
        return DirectComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    /* An output length of zero gives no MDL. */
    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG) ||
        Irp->MdlAddress == NULL)
        return DirectComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    if (Extension->Irp != NULL)
        return DirectComplete(Irp, STATUS_DEVICE_BUSY, 0);
    Extension->Irp = Irp;
    IoMarkIrpPending(Irp);
    KeSetTimer(&Extension->Timer, DueTime, &Extension->Dpc);
    return STATUS_PENDING;
}

static NTSTATUS NTAPI DirectCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return DirectComplete(Irp, STATUS_SUCCESS, 0);
}

static VOID NTAPI DirectUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT DeviceObject = DriverObject->DeviceObject;
    PDIRECT_EXTENSION Extension = DeviceObject->DeviceExtension;
    UNICODE_STRING Link;

    KeCancelTimer(&Extension->Timer);
    RtlInitUnicodeString(&Link, L"\\DosDevices\\Direct");
    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(DeviceObject);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                           PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name, Link;
    PDEVICE_OBJECT DeviceObject;
    PDIRECT_EXTENSION Extension;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    RtlInitUnicodeString(&Name, L"\\Device\\Direct");
    Status = IoCreateDevice(DriverObject, sizeof(DIRECT_EXTENSION), &Name,
                            DIRECT_DEVICE_TYPE, 0, FALSE, &DeviceObject);
    if (!NT_SUCCESS(Status))
        return Status;
    Extension = DeviceObject->DeviceExtension;
    RtlZeroMemory(Extension, sizeof *Extension);
    KeInitializeTimer(&Extension->Timer);
    KeInitializeDpc(&Extension->Dpc, DirectDpc, Extension);
    RtlInitUnicodeString(&Link, L"\\DosDevices\\Direct");
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(DeviceObject);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = DirectCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = DirectCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DirectDeviceControl;
    DriverObject->DriverUnload = DirectUnload;
    DeviceObject->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}
