/*
 * handles.sys: the same handle value, looked up from two contexts.
 *
 * The lesson. A handle is an index into the handle table of a process:
 * the value 0x8 means one object in one process and something else, or
 * nothing, in another. ObReferenceObjectByHandle looks a handle up in the
 * table of the process that is current when it is called.
 *
 *   - A handle from the program (IOCTL_HANDLES_USER_HANDLE) is found by
 *     the dispatch routine, which runs in the program's thread and so in
 *     its process. The work item runs in a system worker thread of the
 *     System process: there the same value is looked up in System's
 *     table, which does not have it (STATUS_INVALID_HANDLE) or has
 *     something else under it.
 *   - A kernel handle (OBJ_KERNEL_HANDLE; IOCTL_HANDLES_KERNEL_HANDLE)
 *     lives in the kernel's own table, which is the same from every
 *     process: the dispatch routine and the work item both find the event.
 *     User mode cannot use it: handed a kernel handle value, a UserMode
 *     lookup refuses it, so a program cannot reach the kernel's handles.
 *
 * The usual cure for the first case is not a kernel handle but a pointer:
 * reference the object in the requester's context (as the dispatch routine
 * does) and hand the object pointer, valid in every context, to the code
 * that runs elsewhere.
 */
#include <ntddk.h>

#define LESSON_DRIVER "handles"
#include "../lesson.h"
#include "../lessondevice.h"

#include "handles.h"

#define HANDLES_TAG 'dnaH'

#define DEVICE_NAME L"\\Device\\Handles"
#define LINK_NAME   L"\\DosDevices\\Handles" /* \\.\Handles */

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD HandlesUnload;
static DRIVER_DISPATCH HandlesDeviceControl;
static IO_WORKITEM_ROUTINE HandlesWorkItem;

/* The kernel handle of the last IOCTL_HANDLES_KERNEL_HANDLE, kept open so
 * that the program can try its value; closed at the next one or at unload.
 * (One program at a time: this lesson does not lock it.) */
static HANDLE KernelHandle;

/* What the dispatch routine hands its work item. */
typedef struct LOOKUP {
    PIO_WORKITEM Item;
    PIRP Irp;
    HANDLE Handle;
    KPROCESSOR_MODE Mode; /* who the handle is from: UserMode or KernelMode */
    PKEVENT Event;        /* what the dispatch routine found, or NULL */
} LOOKUP;

/* ObReferenceObjectByHandle for an event, with a line saying what it
 * gave; Mode says whose handle it is. */
static NTSTATUS Lookup(const char *Where, HANDLE Handle, KPROCESSOR_MODE Mode,
                       PKEVENT *Event)
{
    NTSTATUS Status = ObReferenceObjectByHandle(Handle, EVENT_MODIFY_STATE,
                                                *ExEventObjectType, Mode,
                                                (PVOID *)Event, NULL);

    DbgPrint("handles: %s: handle 0x%X (%s): %s\n", Where,
             (ULONG)(ULONG_PTR)Handle,
             Mode == UserMode ? "UserMode" : "KernelMode",
             HandlesStatusName(Status));
    return Status;
}

/* ---- The work item: System process, PASSIVE_LEVEL ------------------------ */

static VOID HandlesWorkItem(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    LOOKUP *Work = Context;
    HANDLES_RESULT *Result = Work->Irp->AssociatedIrp.SystemBuffer;
    PKEVENT Event;

    UNREFERENCED_PARAMETER(DeviceObject);
    LessonWhere("work item");
    /* The same call as in the dispatch routine; only the process differs.
     * The system buffer, in system space, is reachable from here. */
    Result->WorkItem = Lookup("work item", Work->Handle, Work->Mode, &Event);
    if (NT_SUCCESS(Result->WorkItem)) {
        /* A user handle value can name one of System's own events here:
         * compare before touching it. */
        Result->SameObject = Event == Work->Event;
        if (Result->SameObject)
            KeSetEvent(Event, IO_NO_INCREMENT, FALSE);
        ObDereferenceObject(Event);
    }
    if (Work->Event != NULL)
        ObDereferenceObject(Work->Event);
    IoFreeWorkItem(Work->Item);
    LessonComplete(Work->Irp, STATUS_SUCCESS, sizeof *Result);
    ExFreePoolWithTag(Work, HANDLES_TAG);
}

/* ---- Dispatch routines: the program's thread, PASSIVE_LEVEL -------------- */

/* Opens the program's named event as a kernel handle. Without
 * OBJ_KERNEL_HANDLE the handle would go into the table of the process
 * that is current: here, the program's, where the program could close it
 * and where the work item could not find it. */
static NTSTATUS OpenKernelHandle(VOID)
{
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;

    if (KernelHandle != NULL) {
        ZwClose(KernelHandle);
        KernelHandle = NULL;
    }
    RtlInitUnicodeString(&Name, HANDLES_EVENT_NAME);
    InitializeObjectAttributes(&Attributes, &Name,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    return ZwOpenEvent(&KernelHandle, EVENT_MODIFY_STATE, &Attributes);
}

/* Which handle this request is about, and whose: Mode is UserMode for the
 * program's handles (Irp->RequestorMode), KernelMode for the driver's. */
static NTSTATUS ChooseHandle(PIRP Irp, ULONG Code, ULONG InLength, LOOKUP *Work)
{
    HANDLES_REQUEST *Request = Irp->AssociatedIrp.SystemBuffer;
    NTSTATUS Status;

    if (Code == IOCTL_HANDLES_USER_HANDLE) {
        if (InLength < sizeof *Request)
            return STATUS_BUFFER_TOO_SMALL;
        Work->Handle = (HANDLE)(ULONG_PTR)Request->Handle;
        Work->Mode = Irp->RequestorMode;
        return STATUS_SUCCESS;
    }
    if (Code != IOCTL_HANDLES_KERNEL_HANDLE)
        return STATUS_INVALID_DEVICE_REQUEST;
    Status = OpenKernelHandle();
    if (!NT_SUCCESS(Status))
        return Status;
    DbgPrint("handles: dispatch routine: opened kernel handle 0x%X\n",
             (ULONG)(ULONG_PTR)KernelHandle);
    Work->Handle = KernelHandle;
    Work->Mode = KernelMode;
    return STATUS_SUCCESS;
}

static NTSTATUS HandlesDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    HANDLES_RESULT *Result = Irp->AssociatedIrp.SystemBuffer;
    LOOKUP *Work;
    NTSTATUS Status;

    LessonWhere("dispatch routine");
    if (Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof *Result)
        return LessonComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    Work = ExAllocatePoolWithTag(NonPagedPool, sizeof *Work, HANDLES_TAG);
    if (Work == NULL)
        return LessonComplete(Irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    RtlZeroMemory(Work, sizeof *Work);
    Status =
        ChooseHandle(Irp, Stack->Parameters.DeviceIoControl.IoControlCode,
                     Stack->Parameters.DeviceIoControl.InputBufferLength, Work);
    if (NT_SUCCESS(Status)) {
        Work->Item = IoAllocateWorkItem(DeviceObject);
        if (Work->Item == NULL)
            Status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Work, HANDLES_TAG);
        return LessonComplete(Irp, Status, 0);
    }

    /* Here, in the program's process, its handles are the ones that count.
     * The reference (Work->Event) stays valid in every context. */
    RtlZeroMemory(Result, sizeof *Result);
    Result->Handle = (ULONG_PTR)Work->Handle;
    Result->Dispatch =
        Lookup("dispatch routine", Work->Handle, Work->Mode, &Work->Event);
    Work->Irp = Irp;
    IoMarkIrpPending(Irp);
    IoQueueWorkItem(Work->Item, HandlesWorkItem, DelayedWorkQueue, Work);
    return STATUS_PENDING;
}

/* ---- Loading and unloading: the System process --------------------------- */

static VOID HandlesUnload(PDRIVER_OBJECT DriverObject)
{
    LessonWhere("unload");
    /* A kernel handle may be closed from any process. */
    if (KernelHandle != NULL)
        ZwClose(KernelHandle);
    LessonDeleteDevice(DriverObject->DeviceObject, LINK_NAME);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    Status = LessonCreateDevice(DriverObject, DEVICE_NAME, LINK_NAME,
                                FILE_DEVICE_UNKNOWN, 0, &Device);
    if (!NT_SUCCESS(Status))
        return Status;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = HandlesDeviceControl;
    DriverObject->DriverUnload = HandlesUnload;
    return STATUS_SUCCESS;
}
