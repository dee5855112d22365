/*
 * neither.sys: METHOD_NEITHER done right, and done wrong.
 *
 * With METHOD_NEITHER the I/O manager copies nothing and checks nothing:
 * the driver gets the program's own addresses (Type3InputBuffer for the
 * input, UserBuffer for the output). A user address means something only
 * in its own process, and only while that process is current.
 *
 * Right (IOCTL_NEITHER_NOW): the dispatch routine of the top driver runs
 * in the requester's thread, so the program's addresses are valid there.
 * It probes them (are they user addresses?) and touches them inside
 * __try (a bad one raises an exception that becomes the request's status).
 *
 * Wrong: keeping the address and using it later, somewhere else.
 *   - From a work item (IOCTL_NEITHER_WORK_ITEM, ..._NO_TRY): it runs in
 *     the System process, whose user half is empty, so the read faults:
 *     __try turns that into STATUS_ACCESS_VIOLATION for a good buffer;
 *     without __try the system stops (0x7E).
 *   - From a DPC (IOCTL_NEITHER_DPC): it runs in whatever process is
 *     current. If that process has memory at the same address, the driver
 *     reads that process's data without a murmur; if it has nothing there,
 *     the fault at DISPATCH_LEVEL stops the system (0xD1): __try does not
 *     help, a page fault cannot be served at that IRQL.
 */
#include <ntddk.h>

#define LESSON_DRIVER "neither"
#include "../lesson.h"
#include "../lessondevice.h"

#include "neither.h"

typedef struct _NEITHER_EXTENSION {
    PIRP Irp;         /* the request the work item or the DPC ends */
    PULONG KeptInput; /* its Type3InputBuffer, kept for later: the bug */
    PIO_WORKITEM WorkItem;
    KTIMER Timer;
    KDPC Dpc;
} NEITHER_EXTENSION, *PNEITHER_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD NeitherUnload;
static DRIVER_DISPATCH NeitherDeviceControl;

/* The right way: in the requester's context, probed, inside __try. */
static NTSTATUS NeitherNow(PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PULONG Input = Stack->Parameters.DeviceIoControl.Type3InputBuffer;
    PULONG Output = Irp->UserBuffer;
    volatile NTSTATUS Status = STATUS_SUCCESS;

    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG))
        return LessonComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    __try {
        /* The probes raise if the range is not all in user space: without
         * them a program could have the driver read or write the kernel. */
        if (Irp->RequestorMode == UserMode) {
            ProbeForRead(Input, sizeof(ULONG), sizeof(ULONG));
            ProbeForWrite(Output, sizeof(ULONG), sizeof(ULONG));
        }
        /* A user address that passed the probe may still be unmapped, or
         * be freed by another thread right now: the touch can fault, and
         * __except catches it. Here the addresses are the program's own:
         * this thread is the program's, its process is current. */
        *Output = *Input + 1;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Status = GetExceptionCode();
    }
    DbgPrint("neither: dispatch routine: status 0x%08X\n", Status);
    return LessonComplete(Irp, Status, NT_SUCCESS(Status) ? sizeof(ULONG) : 0);
}

/* Reads the kept address, with or without __try, and ends the request
 * with what it read (or the exception's status). */
static VOID NeitherReadKept(PNEITHER_EXTENSION Extension, BOOLEAN UseTry)
{
    PIRP Irp = Extension->Irp;
    volatile NTSTATUS Status = STATUS_SUCCESS;
    volatile ULONG Value = 0;

    if (UseTry) {
        __try {
            Value = *Extension->KeptInput;
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            Status = GetExceptionCode();
        }
    } else {
        Value = *Extension->KeptInput; /* nothing catches a fault here */
    }
    DbgPrint("neither: read 0x%08X at %p: status 0x%08X\n", Value,
             Extension->KeptInput, Status);
    Extension->Irp = NULL;
    LessonComplete(Irp, Status, Value);
}

/* A system worker thread: System process, PASSIVE_LEVEL. The System
 * process has no user half, so the program's address is unmapped here. */
static VOID NTAPI NeitherWorkItem(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    LessonWhere("work item");
    /* Context: non-NULL to read inside __try. */
    NeitherReadKept(DeviceObject->DeviceExtension, Context != NULL);
}

/* DISPATCH_LEVEL, in whatever process was current when the timer
 * expired: its user half, not the requester's, is mapped. */
static VOID NeitherDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    LessonWhere("DPC");
    /* __try is no help at DISPATCH_LEVEL: an unmapped address stops the
     * system before any exception is raised. */
    NeitherReadKept(Context, TRUE);
}

/* The wrong way: keep the user address, end the request later. */
static NTSTATUS NeitherLater(PDEVICE_OBJECT DeviceObject, PIRP Irp, ULONG Code)
{
    PNEITHER_EXTENSION Extension = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    LARGE_INTEGER DueTime = {.QuadPart = -50 * 10000}; /* 50 ms */

    if (Extension->Irp != NULL)
        return LessonComplete(Irp, STATUS_DEVICE_BUSY, 0);
    Extension->Irp = Irp;
    Extension->KeptInput = Stack->Parameters.DeviceIoControl.Type3InputBuffer;
    IoMarkIrpPending(Irp);
    if (Code == IOCTL_NEITHER_DPC) {
        KeSetTimer(&Extension->Timer, DueTime, &Extension->Dpc);
    } else {
        IoQueueWorkItem(Extension->WorkItem, NeitherWorkItem, DelayedWorkQueue,
                        (PVOID)(ULONG_PTR)(Code == IOCTL_NEITHER_WORK_ITEM));
    }
    return STATUS_PENDING;
}

static NTSTATUS NTAPI NeitherDeviceControl(PDEVICE_OBJECT DeviceObject,
                                           PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;

    LessonWhere("dispatch routine");
    switch (Code) {
    case IOCTL_NEITHER_NOW:
        return NeitherNow(Irp);
    case IOCTL_NEITHER_WORK_ITEM:
    case IOCTL_NEITHER_WORK_ITEM_NO_TRY:
    case IOCTL_NEITHER_DPC:
        return NeitherLater(DeviceObject, Irp, Code);
    default:
        return LessonComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

static VOID NTAPI NeitherUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT DeviceObject = DriverObject->DeviceObject;
    PNEITHER_EXTENSION Extension = DeviceObject->DeviceExtension;

    KeCancelTimer(&Extension->Timer);
    IoFreeWorkItem(Extension->WorkItem);
    LessonDeleteDevice(DeviceObject, L"\\DosDevices\\Neither");
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                           PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT DeviceObject;
    PNEITHER_EXTENSION Extension;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    /* Neither DO_BUFFERED_IO nor DO_DIRECT_IO: those are for reads and
     * writes; a device control's buffers follow its code's method. */
    Status = LessonCreateDevice(DriverObject, L"\\Device\\Neither",
                                L"\\DosDevices\\Neither", NEITHER_DEVICE_TYPE,
                                sizeof(NEITHER_EXTENSION), &DeviceObject);
    if (!NT_SUCCESS(Status))
        return Status;
    Extension = DeviceObject->DeviceExtension;
    KeInitializeTimer(&Extension->Timer);
    KeInitializeDpc(&Extension->Dpc, NeitherDpc, Extension);
    Extension->WorkItem = IoAllocateWorkItem(DeviceObject);
    if (Extension->WorkItem == NULL) {
        LessonDeleteDevice(DeviceObject, L"\\DosDevices\\Neither");
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = NeitherDeviceControl;
    DriverObject->DriverUnload = NeitherUnload;
    return STATUS_SUCCESS;
}
