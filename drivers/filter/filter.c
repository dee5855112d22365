/*
 * filter.sys: a filter device sees, and changes, what passes to the
 * device below it.
 *
 * The lesson: IoAttachDeviceToDeviceStack puts a device on top of
 * another one's stack. A request sent to the lower device's name goes to
 * the top of its stack, so the filter's dispatch routine sees every
 * request first (the open included) and decides what goes on: here it
 * prints each one, upper-cases an IOCTL's input before passing it down
 * with IoCallDriver, and in a completion routine (IoSetCompletionRoutine)
 * appends FILTER_SUFFIX to the result on its way back up.
 *
 * The completion routine runs wherever the lower device completes the
 * request: in the requester's thread at PASSIVE_LEVEL when the lower
 * device completes it in its dispatch routine (IOCTL_FILTER_ECHO), in
 * arbitrary context at DISPATCH_LEVEL when it completes it from a DPC
 * (IOCTL_FILTER_ECHO_LATER). It may only touch what is valid in both: the
 * system buffer (nonpaged pool), never the program's own addresses.
 *
 * One driver makes both devices, to keep the example in one file; the
 * dispatch routines tell them apart by the device object they are given.
 */
#define LESSON_DRIVER "filter"
#include "../lesson.h"
#include "../lessondevice.h"

#include "filter.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD unload;
static DRIVER_DISPATCH dispatch;
static IO_COMPLETION_ROUTINE filter_done;
static KDEFERRED_ROUTINE lower_timer_dpc;

static PDEVICE_OBJECT lower_device;  /* \Device\FilterLower */
static PDEVICE_OBJECT filter_device; /* attached over it */
static PDEVICE_OBJECT below_filter;  /* what IoAttachDeviceToDeviceStack gave */
static KTIMER lower_timer;           /* ends IOCTL_FILTER_ECHO_LATER */
static KDPC lower_dpc;
static PIRP lower_waiting; /* the request lower_dpc ends (one at a time) */

/* LessonWhere names one routine: a name for each device and major
 * function the example shows. */
static const char *where_name(BOOLEAN filter, UCHAR major)
{
    switch (major) {
    case IRP_MJ_CREATE:
        return filter ? "filter dispatch, IRP_MJ_CREATE"
                      : "lower dispatch, IRP_MJ_CREATE";
    case IRP_MJ_DEVICE_CONTROL:
        return filter ? "filter dispatch, IRP_MJ_DEVICE_CONTROL"
                      : "lower dispatch, IRP_MJ_DEVICE_CONTROL";
    case IRP_MJ_CLEANUP:
        return filter ? "filter dispatch, IRP_MJ_CLEANUP"
                      : "lower dispatch, IRP_MJ_CLEANUP";
    case IRP_MJ_CLOSE:
        return filter ? "filter dispatch, IRP_MJ_CLOSE"
                      : "lower dispatch, IRP_MJ_CLOSE";
    default:
        return filter ? "filter dispatch, other" : "lower dispatch, other";
    }
}

/* ---- The lower device ---------------------------------------------------- */

/* Ends the request the lower device left pending: at DISPATCH_LEVEL, in
 * whatever thread the clock interrupted. IoCompleteRequest from here runs
 * the filter's completion routine here too. */
static VOID lower_timer_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    PIRP irp = lower_waiting;
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    LessonWhere("lower device's timer DPC");
    lower_waiting = NULL;
    LessonComplete(irp, STATUS_SUCCESS,
                   stack->Parameters.DeviceIoControl.InputBufferLength);
}

/* The lower device knows nothing of the filter: it echoes what it got. */
static NTSTATUS lower_dispatch(PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;
    LARGE_INTEGER due = {.QuadPart = -200000}; /* 20 ms */

    LessonWhere(where_name(FALSE, stack->MajorFunction));
    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL)
        return LessonComplete(Irp, STATUS_SUCCESS, 0);
    if ((code != IOCTL_FILTER_ECHO && code != IOCTL_FILTER_ECHO_LATER) ||
        out < in)
        return LessonComplete(Irp, STATUS_INVALID_PARAMETER, 0);
    DbgPrint("filter: lower device echoes \"%.*s\"\n", (int)in,
             (PCHAR)Irp->AssociatedIrp.SystemBuffer);
    /* METHOD_BUFFERED: input and output share the system buffer, so the
     * echo is already in place; Information says how much goes back. */
    if (code == IOCTL_FILTER_ECHO)
        return LessonComplete(Irp, STATUS_SUCCESS, in);
    if (lower_waiting != NULL)
        return LessonComplete(Irp, STATUS_DEVICE_BUSY, 0);
    IoMarkIrpPending(Irp);
    lower_waiting = Irp;
    KeSetTimer(&lower_timer, due, &lower_dpc);
    return STATUS_PENDING;
}

/* ---- The filter ---------------------------------------------------------- */

/*
 * The filter's completion routine: the lower device has completed the
 * request, and it is on its way back up. DeviceObject is the filter's
 * device; the current stack location is the filter's own.
 */
static NTSTATUS filter_done(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                            PVOID Context)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG done = (ULONG)Irp->IoStatus.Information;
    ULONG add = sizeof FILTER_SUFFIX - 1;
    PCHAR buffer = Irp->AssociatedIrp.SystemBuffer;

    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    LessonWhere("filter completion routine");
    /* The lower driver returned STATUS_PENDING: say so at this level too,
     * or the I/O manager would not wait for the end. */
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    if (NT_SUCCESS(Irp->IoStatus.Status) && done + add <= out) {
        /* The system buffer is nonpaged pool, valid in any process and at
         * DISPATCH_LEVEL; the program's buffer would be neither. */
        RtlCopyMemory(buffer + done, FILTER_SUFFIX, add);
        Irp->IoStatus.Information = done + add;
        DbgPrint("filter: completion routine: output now \"%.*s\"\n",
                 (int)(done + add), buffer);
    }
    return STATUS_CONTINUE_COMPLETION;
}

/* An IOCTL on its way down: shown, changed, passed on with a completion
 * routine. */
static NTSTATUS filter_device_control(PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength, i;
    PCHAR buffer = Irp->AssociatedIrp.SystemBuffer;

    DbgPrint("filter: IOCTL 0x%08X, input \"%.*s\"\n",
             stack->Parameters.DeviceIoControl.IoControlCode, (int)in, buffer);
    if (stack->Parameters.DeviceIoControl.IoControlCode == IOCTL_FILTER_ECHO ||
        stack->Parameters.DeviceIoControl.IoControlCode ==
            IOCTL_FILTER_ECHO_LATER) {
        for (i = 0; i < in; i++)
            if (buffer[i] >= 'a' && buffer[i] <= 'z')
                buffer[i] = (CHAR)(buffer[i] - 'a' + 'A');
        DbgPrint("filter: passed down as \"%.*s\"\n", (int)in, buffer);
    }
    /* The next location (the lower device's) gets the same parameters;
     * the completion routine goes in it, to be called when it is done. */
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, filter_done, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(below_filter, Irp);
}

static NTSTATUS filter_dispatch(PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);

    LessonWhere(where_name(TRUE, stack->MajorFunction));
    if (stack->MajorFunction == IRP_MJ_DEVICE_CONTROL)
        return filter_device_control(Irp);
    /* Anything else goes down untouched: the lower device uses this
     * location as it is, and the filter asks for no completion call. */
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(below_filter, Irp);
}

/* Every major function of both devices comes here. */
static NTSTATUS dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    if (DeviceObject == filter_device)
        return filter_dispatch(Irp);
    return lower_dispatch(Irp);
}

/* ---- Loading and unloading ----------------------------------------------- */

static VOID unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    LessonWhere("unload");
    KeCancelTimer(&lower_timer);
    /* The filter comes off the stack before either device goes. */
    IoDetachDevice(below_filter);
    IoDeleteDevice(filter_device);
    LessonDeleteDevice(lower_device, L"\\DosDevices\\FilterLower");
}

/* The filter device, attached over the lower one. */
static NTSTATUS attach_filter(PDRIVER_OBJECT DriverObject)
{
    NTSTATUS status = IoCreateDevice(DriverObject, 0, NULL, FILTER_DEVICE_TYPE,
                                     0, FALSE, &filter_device);

    if (!NT_SUCCESS(status))
        return status;
    /* Returns the device that was on top (here the lower device itself):
     * the one the filter passes requests to. */
    below_filter = IoAttachDeviceToDeviceStack(filter_device, lower_device);
    /* The I/O manager buffers for the top device: it must ask for what
     * the device below expects. */
    filter_device->Flags |=
        below_filter->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO);
    filter_device->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;
    ULONG i;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    KeInitializeTimer(&lower_timer);
    KeInitializeDpc(&lower_dpc, lower_timer_dpc, NULL);
    status = LessonCreateDevice(DriverObject, L"\\Device\\FilterLower",
                                L"\\DosDevices\\FilterLower",
                                FILTER_DEVICE_TYPE, 0, &lower_device);
    if (!NT_SUCCESS(status))
        return status;
    lower_device->Flags |= DO_BUFFERED_IO;
    status = attach_filter(DriverObject);
    if (!NT_SUCCESS(status)) {
        LessonDeleteDevice(lower_device, L"\\DosDevices\\FilterLower");
        return status;
    }
    /* Both devices' requests, every kind, come to dispatch, which tells
     * them apart (this replaces the create and close LessonCreateDevice
     * set: the filter must see those too). */
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = dispatch;
    DriverObject->DriverUnload = unload;
    return STATUS_SUCCESS;
}
