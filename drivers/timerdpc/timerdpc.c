/*
 * timerdpc.sys: a DPC runs in whatever context it finds.
 *
 * The lesson: a periodic kernel timer (KeSetTimerEx) queues its DPC at
 * every expiry, and the DPC runs at DISPATCH_LEVEL on whatever thread
 * happened to be running when the clock interrupt came: its process is
 * arbitrary. The program (timerdpc.exe) makes two processes take turns
 * being busy while the other waits, and the DPC's LessonWhere line names
 * the busy one each time. A waiting thread is off the ready queue, so the
 * DPC never finds it current; when every thread waits, it finds Idle.
 *
 * So a DPC must not touch user addresses (they would be the wrong
 * process's) nor use handles (they would be looked up in the wrong handle
 * table), and it may not wait or touch pageable memory (DISPATCH_LEVEL).
 * This one only reads the current process's ID and its own nonpaged data.
 */
#define LESSON_DRIVER "timerdpc"
#include <ntstrsafe.h>

#include "../lesson.h"
#include "../lessondevice.h"

#include "timerdpc.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD unload;
static DRIVER_DISPATCH device_control;
static KDEFERRED_ROUTINE timer_dpc;

/* Everything here is in the driver's image, which is nonpaged: the DPC
 * may touch it at DISPATCH_LEVEL. */
static PDEVICE_OBJECT device;
static KTIMER timer;
static KDPC dpc;
static KSPIN_LOCK lock; /* guards runs and wanted */
static TIMERDPC_RUNS runs;
static ULONG wanted; /* runs to make; 0 while the timer is stopped */

/*
 * The timer's DPC: at DISPATCH_LEVEL, in the context of the thread the
 * clock interrupted. Nobody asked for it from that thread; it is there by
 * chance, which is what "arbitrary context" means.
 */
static VOID timer_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    char name[32];
    ULONG n;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    /* Already at DISPATCH_LEVEL: take the lock without raising. */
    KeAcquireSpinLockAtDpcLevel(&lock);
    n = runs.Runs;
    if (n >= wanted) { /* an expiry that was queued before the cancel */
        KeReleaseSpinLockFromDpcLevel(&lock);
        return;
    }
    RtlStringCbPrintfA(name, sizeof name, "timer DPC, tick %u", n + 1);
    LessonWhere(name);
    /* PsGetCurrentProcessId is whatever process the CPU was in. */
    runs.ProcessId[n] = (ULONG)(ULONG_PTR)PsGetCurrentProcessId();
    runs.Runs = n + 1;
    if (runs.Runs == wanted) {
        /* A DPC may cancel its own periodic timer. */
        KeCancelTimer(&timer);
        wanted = 0;
    }
    KeReleaseSpinLockFromDpcLevel(&lock);
}

/* IOCTL_TIMERDPC_START, in the program's thread at PASSIVE_LEVEL. */
static NTSTATUS start(PIRP Irp, ULONG InputLength)
{
    LARGE_INTEGER due = {.QuadPart = -10000LL * TIMERDPC_PERIOD_MS};
    ULONG ticks;
    KIRQL irql;

    LessonWhere("dispatch, start the timer");
    if (InputLength < sizeof(ULONG))
        return STATUS_INVALID_PARAMETER;
    /* METHOD_BUFFERED: the input was copied into a system buffer. */
    ticks = *(ULONG *)Irp->AssociatedIrp.SystemBuffer;
    if (ticks == 0 || ticks > TIMERDPC_MAX_TICKS)
        return STATUS_INVALID_PARAMETER;
    KeAcquireSpinLock(&lock, &irql);
    if (wanted != 0) {
        KeReleaseSpinLock(&lock, irql);
        return STATUS_DEVICE_BUSY;
    }
    RtlZeroMemory(&runs, sizeof runs);
    wanted = ticks;
    /* Due in one period (relative: negative), then every period, in
     * milliseconds; each expiry queues dpc. */
    KeSetTimerEx(&timer, due, TIMERDPC_PERIOD_MS, &dpc);
    KeReleaseSpinLock(&lock, irql);
    return STATUS_SUCCESS;
}

/* IOCTL_TIMERDPC_QUERY: a copy of the DPC's record. The DPC can run at
 * any moment IRQL is below DISPATCH_LEVEL, between any two of these
 * lines: the spin lock raises IRQL so the copy is whole. */
static NTSTATUS query(PIRP Irp, ULONG OutputLength)
{
    KIRQL irql;

    if (OutputLength < sizeof(TIMERDPC_RUNS))
        return STATUS_BUFFER_TOO_SMALL;
    KeAcquireSpinLock(&lock, &irql);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, &runs, sizeof runs);
    KeReleaseSpinLock(&lock, irql);
    return STATUS_SUCCESS;
}

/* IRP_MJ_DEVICE_CONTROL: the two IOCTLs. */
static NTSTATUS device_control(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_TIMERDPC_START:
        return LessonComplete(Irp, start(Irp, in), 0);
    case IOCTL_TIMERDPC_QUERY:
        status = query(Irp, out);
        return LessonComplete(Irp, status,
                              NT_SUCCESS(status) ? sizeof runs : 0);
    default:
        return LessonComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

static VOID unload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    LessonWhere("unload");
    /* The timer, the DPC and its routine live in this image: none may
     * outlive it. Cancel the timer, then take out a DPC an expiry may
     * have queued (on one CPU, none can be running while we are here). */
    KeCancelTimer(&timer);
    KeRemoveQueueDpc(&dpc);
    LessonDeleteDevice(device, L"\\DosDevices\\TimerDpc");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    KeInitializeSpinLock(&lock);
    /* A notification timer with a DPC: the DPC is what runs on expiry. */
    KeInitializeTimerEx(&timer, NotificationTimer);
    KeInitializeDpc(&dpc, timer_dpc, NULL);
    status = LessonCreateDevice(DriverObject, L"\\Device\\TimerDpc",
                                L"\\DosDevices\\TimerDpc", TIMERDPC_DEVICE_TYPE,
                                0, &device);
    if (!NT_SUCCESS(status))
        return status;
    device->Flags |= DO_BUFFERED_IO;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = device_control;
    DriverObject->DriverUnload = unload;
    return STATUS_SUCCESS;
}
