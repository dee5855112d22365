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
#include "../lessondevice.h"

#include "direct.h"

typedef struct _DIRECT_EXTENSION {
    PIRP Irp; /* the request the DPC completes */
    KTIMER Timer;
    KDPC Dpc;
} DIRECT_EXTENSION, *PDIRECT_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD DirectUnload;
static DRIVER_DISPATCH DirectDeviceControl;

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
        LessonComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
        return;
    }
    *Output = *Input + 1;
    DbgPrint("direct: wrote 0x%08X at %p, the system address for %p\n", *Output,
             (PVOID)Output, MmGetMdlVirtualAddress(Irp->MdlAddress));
    /* Completion may happen at DISPATCH_LEVEL, in any process: the I/O
     * manager finishes it in the requester's thread (an APC). */
    LessonComplete(Irp, STATUS_SUCCESS, sizeof(ULONG));
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
        return LessonComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    /* An output length of zero gives no MDL. */
    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG) ||
        Irp->MdlAddress == NULL)
        return LessonComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    if (Extension->Irp != NULL)
        return LessonComplete(Irp, STATUS_DEVICE_BUSY, 0);
    Extension->Irp = Irp;
    IoMarkIrpPending(Irp);
    KeSetTimer(&Extension->Timer, DueTime, &Extension->Dpc);
    return STATUS_PENDING;
}

static VOID NTAPI DirectUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT DeviceObject = DriverObject->DeviceObject;
    PDIRECT_EXTENSION Extension = DeviceObject->DeviceExtension;

    KeCancelTimer(&Extension->Timer);
    LessonDeleteDevice(DeviceObject, L"\\DosDevices\\Direct");
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                           PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT DeviceObject;
    PDIRECT_EXTENSION Extension;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = LessonCreateDevice(DriverObject, L"\\Device\\Direct",
                                L"\\DosDevices\\Direct", DIRECT_DEVICE_TYPE,
                                sizeof(DIRECT_EXTENSION), &DeviceObject);
    if (!NT_SUCCESS(Status))
        return Status;
    Extension = DeviceObject->DeviceExtension;
    KeInitializeTimer(&Extension->Timer);
    KeInitializeDpc(&Extension->Dpc, DirectDpc, Extension);
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DirectDeviceControl;
    DriverObject->DriverUnload = DirectUnload;
    return STATUS_SUCCESS;
}
