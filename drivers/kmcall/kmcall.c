/*
 * kmcall.sys: runs a user program's function in kernel mode.
 *
 * The lesson: a driver's top-level dispatch routine runs in the thread of
 * the program that sent the request, so the program's user half (its code
 * and data) is mapped there, below the kernel half. A pointer to the
 * program's function, called from the dispatch routine, runs the program's
 * code, but in kernel mode: at the dispatch routine's IRQL, with the
 * kernel's own routines at hand and system memory open to it.
 *
 * The same pointer means nothing anywhere else. A work item runs in the
 * System process, whose user half is empty: the call faults (an access
 * violation, caught by __try or stopping the system). A DPC runs on
 * whatever thread the clock interrupted: if another copy of the program is
 * current, the call runs that copy's code with that copy's data.
 */
#include <ntddk.h>

#define LESSON_DRIVER "kmcall"
#include "../lesson.h"
#include "../lessondevice.h"

#include "kmcall.h"

#define KMCALL_TAG 'laCK'

/* The device's state, in nonpaged memory: the DPC touches all of it. */
typedef struct _KMCALL_EXTENSION {
    KMCALL_KERNEL Kernel; /* what the function is handed */
    KMCALL_ANSWER Answer; /* what it writes */
    KMCALL_FUNCTION Function;
    PIRP Irp; /* the request a work item or the DPC ends */
    PIO_WORKITEM WorkItem;
    KTIMER Timer;
    KDPC Dpc;
} KMCALL_EXTENSION, *PKMCALL_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD KmCallUnload;
static DRIVER_DISPATCH KmCallDeviceControl;
static IO_WORKITEM_ROUTINE KmCallWorkItem;
static KDEFERRED_ROUTINE KmCallDpc;

static const WCHAR DeviceName[] = L"\\Device\\KmCall";
static const WCHAR LinkName[] = L"\\DosDevices\\KmCall";
static PULONG Secret; /* nonpaged pool: a system address */

/* Calls the program's function with the kernel's table. */
static VOID CallFunction(PKMCALL_EXTENSION Ext)
{
    RtlZeroMemory(&Ext->Answer, sizeof Ext->Answer);
    /* The jump to a user address: whatever is mapped there now runs. */
    Ext->Function(&Ext->Kernel);
}

/* Completes the request with how the call went and what it answered. */
static VOID CompleteCall(PKMCALL_EXTENSION Ext, PIRP Irp, NTSTATUS Status)
{
    KMCALL_RESULT *Result = Irp->AssociatedIrp.SystemBuffer;

    Result->Status = Status;
    Result->Answer = Ext->Answer;
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = sizeof *Result;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

/*
 * A system worker thread, in the System process, at PASSIVE_LEVEL. No
 * program is mapped in the user half here: the function's address has
 * nothing behind it, and the call faults on its first instruction. At
 * PASSIVE_LEVEL a kernel-mode fault on a user address is an access
 * violation, which __try catches; unguarded, the system thread dies with
 * it and the system stops (0x7E).
 */
static VOID NTAPI KmCallWorkItem(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    PKMCALL_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIRP Irp = Ext->Irp;
    volatile NTSTATUS Status = STATUS_SUCCESS;

    LessonWhere("work item");
    Ext->Irp = NULL;
    if (Context == NULL) {
        CallFunction(Ext); /* unguarded: the fault goes unhandled */
        CompleteCall(Ext, Irp, STATUS_SUCCESS);
        return;
    }
    __try {
        CallFunction(Ext);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Status = GetExceptionCode();
    }
    CompleteCall(Ext, Irp, Status);
}

/*
 * The timer's DPC, at DISPATCH_LEVEL, in whatever thread the clock
 * interrupted: not the program's, which is waiting for this request. If
 * another copy of the program is running, its user half is the one mapped,
 * and the call runs its code on its data. __try cannot help here: a fault
 * at DISPATCH_LEVEL stops the system before any handler runs.
 */
static VOID KmCallDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PKMCALL_EXTENSION Ext = Context;
    PIRP Irp = Ext->Irp;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    LessonWhere("DPC");
    Ext->Irp = NULL;
    CallFunction(Ext);
    CompleteCall(Ext, Irp, STATUS_SUCCESS);
}

/*
 * The top-level dispatch routine: the program's own thread, at
 * PASSIVE_LEVEL, so its user half is mapped and the function's address
 * means what the program meant. Requests that run the function later
 * are marked pending and ended by the work item or the DPC.
 */
static NTSTATUS NTAPI KmCallDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PKMCALL_EXTENSION Ext = DeviceObject->DeviceExtension;
    KMCALL_REQUEST *Request = Irp->AssociatedIrp.SystemBuffer;
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    NTSTATUS Status = STATUS_SUCCESS;
    LARGE_INTEGER Due;

    LessonWhere("dispatch routine");
    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof *Request ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength <
            sizeof(KMCALL_RESULT))
        Status = STATUS_BUFFER_TOO_SMALL;
    else if (Ext->Irp != NULL)
        Status = STATUS_DEVICE_BUSY; /* one deferred call at a time */
    if (!NT_SUCCESS(Status)) {
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    }
    /* Only the address is taken: nothing checks what is there. */
    Ext->Function = Request->Function;

    switch (Code) {
    case IOCTL_KMCALL_FROM_DISPATCH:
        CallFunction(Ext);
        CompleteCall(Ext, Irp, STATUS_SUCCESS);
        return STATUS_SUCCESS;
    case IOCTL_KMCALL_FROM_WORK_ITEM:
    case IOCTL_KMCALL_FROM_WORK_UNGUARDED:
        Ext->Irp = Irp;
        IoMarkIrpPending(Irp);
        /* The work item's context says whether to guard the call. */
        IoQueueWorkItem(Ext->WorkItem, KmCallWorkItem, DelayedWorkQueue,
                        Code == IOCTL_KMCALL_FROM_WORK_ITEM ? Ext : NULL);
        return STATUS_PENDING;
    case IOCTL_KMCALL_FROM_DPC:
        Ext->Irp = Irp;
        IoMarkIrpPending(Irp);
        Due.QuadPart = -20 * 10000; /* 20 ms from now: two clock ticks */
        KeSetTimer(&Ext->Timer, Due, &Ext->Dpc);
        return STATUS_PENDING;
    default:
        Irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

static VOID NTAPI KmCallUnload(PDRIVER_OBJECT DriverObject)
{
    PKMCALL_EXTENSION Ext = DriverObject->DeviceObject->DeviceExtension;

    KeCancelTimer(&Ext->Timer);
    IoFreeWorkItem(Ext->WorkItem);
    LessonDeleteDevice(DriverObject->DeviceObject, LinkName);
    ExFreePoolWithTag(Secret, KMCALL_TAG);
}

/* Fills in the table the function is handed: kernel routines by address,
 * and two system addresses (the secret in pool, the answer). */
static VOID KmCallFillKernel(PKMCALL_EXTENSION Ext)
{
    Ext->Kernel.GetCurrentProcessId = PsGetCurrentProcessId;
    Ext->Kernel.GetCurrentIrql = KeGetCurrentIrql;
    Ext->Kernel.Print = DbgPrint;
    Ext->Kernel.Secret = Secret;
    Ext->Kernel.Answer = &Ext->Answer;
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                           PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    PKMCALL_EXTENSION Ext;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    Secret = ExAllocatePoolWithTag(NonPagedPool, sizeof *Secret, KMCALL_TAG);
    if (Secret == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    *Secret = KMCALL_SECRET;

    Status = LessonCreateDevice(DriverObject, DeviceName, LinkName,
                                FILE_DEVICE_UNKNOWN, sizeof *Ext, &Device);
    if (!NT_SUCCESS(Status))
        goto fail;
    Ext = Device->DeviceExtension;
    KmCallFillKernel(Ext);
    KeInitializeTimer(&Ext->Timer);
    KeInitializeDpc(&Ext->Dpc, KmCallDpc, Ext);
    Ext->WorkItem = IoAllocateWorkItem(Device);
    if (Ext->WorkItem == NULL) {
        LessonDeleteDevice(Device, LinkName);
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmCallDeviceControl;
    DriverObject->DriverUnload = KmCallUnload;
    return STATUS_SUCCESS;

fail:
    ExFreePoolWithTag(Secret, KMCALL_TAG);
    return Status;
}
