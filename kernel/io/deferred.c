/*
 * Deferred work for drivers: I/O work items (run by the system worker
 * threads, in the System process at PASSIVE_LEVEL, with the device
 * referenced), device timers (a routine once a second at DISPATCH_LEVEL,
 * in whatever context), DpcForIsr, and connecting to the simulated
 * device's interrupts.
 */
#include "io.h"

#define TAG_WORK  'kwoI'
#define TAG_TIMER 'mtoI'
#define TAG_INT   'tnoI'

/* ---- Work items ---------------------------------------------------------- */

typedef struct _IO_WORKITEM {
    WORK_QUEUE_ITEM item;
    PDEVICE_OBJECT device;
    PIO_WORKITEM_ROUTINE routine;
    PVOID context;
    BOOLEAN queued;
} IO_WORKITEM;

PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject)
{
    PIO_WORKITEM w = ExAllocatePoolWithTag(NonPagedPool, sizeof *w, TAG_WORK);

    if (w != NULL) {
        RtlZeroMemory(w, sizeof *w);
        w->device = DeviceObject;
    }
    return w;
}

/* Freeing a work item still queued stops the system, as NT's verifier
 * would: the worker would run freed memory. */
VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem)
{
    if (IoWorkItem->queued)
        KeBugCheckEx(WORKER_INVALID, 2, (ULONG_PTR)IoWorkItem,
                     (ULONG_PTR)IoWorkItem->routine, 0);
    ExFreePoolWithTag(IoWorkItem, TAG_WORK);
}

static VOID run_work_item(PVOID context)
{
    PIO_WORKITEM w = context;
    PDEVICE_OBJECT device = w->device;

    w->queued = FALSE;
    /* The routine may free the item: nothing of it is used after. */
    w->routine(device, w->context);
    ObDereferenceObject(device);
}

VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem,
                           PIO_WORKITEM_ROUTINE WorkerRoutine,
                           WORK_QUEUE_TYPE QueueType, PVOID Context)
{
    if (IoWorkItem->queued)
        KeBugCheckEx(WORKER_INVALID, 1, (ULONG_PTR)IoWorkItem, QueueType, 0);
    ObfReferenceObject(IoWorkItem->device);
    IoWorkItem->queued = TRUE;
    IoWorkItem->routine = WorkerRoutine;
    IoWorkItem->context = Context;
    ExInitializeWorkItem(&IoWorkItem->item, run_work_item, IoWorkItem);
    ExQueueWorkItem(&IoWorkItem->item, QueueType);
}

/* ---- Device timers ------------------------------------------------------- */

typedef struct _IO_TIMER {
    LIST_ENTRY link; /* all device timers; DISPATCH_LEVEL */
    PDEVICE_OBJECT device;
    PIO_TIMER_ROUTINE routine;
    PVOID context;
    BOOLEAN running;
} IO_TIMER;

/* One kernel timer serves them all; it is set only while some device
 * timer runs (an idle system with nothing due is a hung one). */
static struct {
    LIST_ENTRY timers;
    ULONG running;
    KTIMER timer;
    KDPC dpc;
} io_timers;

/* Once a second: every started device timer's routine. */
static VOID second(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    PLIST_ENTRY e;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    for (e = io_timers.timers.Flink; e != &io_timers.timers; e = e->Flink) {
        IO_TIMER *t = CONTAINING_RECORD(e, IO_TIMER, link);

        if (t->running)
            t->routine(t->device, t->context);
    }
}

NTSTATUS NTAPI IoInitializeTimer(PDEVICE_OBJECT DeviceObject,
                                 PIO_TIMER_ROUTINE TimerRoutine, PVOID Context)
{
    IO_TIMER *t = DeviceObject->Timer;
    KIRQL irql;

    if (t == NULL) {
        t = ExAllocatePoolWithTag(NonPagedPool, sizeof *t, TAG_TIMER);
        if (t == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        RtlZeroMemory(t, sizeof *t);
        t->device = DeviceObject;
        irql = KfRaiseIrql(DISPATCH_LEVEL);
        InsertTailList(&io_timers.timers, &t->link);
        KfLowerIrql(irql);
        DeviceObject->Timer = t;
    }
    t->routine = TimerRoutine;
    t->context = Context;
    return STATUS_SUCCESS;
}

/* Starts or stops a device timer. */
static void set_running(IO_TIMER *t, BOOLEAN running)
{
    LARGE_INTEGER due = {.QuadPart = -10000000}; /* 1 s */
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    if (t->running != running) {
        t->running = running;
        if (running && io_timers.running++ == 0)
            KeSetTimerEx(&io_timers.timer, due, 1000, &io_timers.dpc);
        else if (!running && --io_timers.running == 0)
            KeCancelTimer(&io_timers.timer);
    }
    KfLowerIrql(irql);
}

VOID NTAPI IoStartTimer(PDEVICE_OBJECT DeviceObject)
{
    set_running(DeviceObject->Timer, TRUE);
}

VOID NTAPI IoStopTimer(PDEVICE_OBJECT DeviceObject)
{
    set_running(DeviceObject->Timer, FALSE);
}

/* A device going away takes its timer with it. */
void io_free_timer(PDEVICE_OBJECT device)
{
    IO_TIMER *t = device->Timer;
    KIRQL irql;

    if (t == NULL)
        return;
    set_running(t, FALSE);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RemoveEntryList(&t->link);
    KfLowerIrql(irql);
    device->Timer = NULL;
    ExFreePoolWithTag(t, TAG_TIMER);
}

void io_init_timers(void)
{
    InitializeListHead(&io_timers.timers);
    KeInitializeTimerEx(&io_timers.timer, NotificationTimer);
    KeInitializeDpc(&io_timers.dpc, second, NULL);
}

/* ---- DpcForIsr ----------------------------------------------------------- */

VOID NTAPI IoInitializeDpcRequest(PDEVICE_OBJECT DeviceObject,
                                  PIO_DPC_ROUTINE DpcRoutine)
{
    KeInitializeDpc(&DeviceObject->Dpc, (PKDEFERRED_ROUTINE)(PVOID)DpcRoutine,
                    DeviceObject);
}

/* ---- Interrupts ---------------------------------------------------------- */

NTSTATUS NTAPI IoConnectInterrupt(PKINTERRUPT *InterruptObject,
                                  PKSERVICE_ROUTINE ServiceRoutine,
                                  PVOID ServiceContext, PKSPIN_LOCK SpinLock,
                                  ULONG Vector, KIRQL Irql,
                                  KIRQL SynchronizeIrql,
                                  KINTERRUPT_MODE InterruptMode,
                                  BOOLEAN ShareVector,
                                  KAFFINITY ProcessorEnableMask,
                                  BOOLEAN FloatingSave)
{
    KINTERRUPT *interrupt;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(InterruptMode);
    UNREFERENCED_PARAMETER(FloatingSave);
    *InterruptObject = NULL;
    if (ServiceRoutine == NULL || (ProcessorEnableMask & 1) == 0)
        return STATUS_INVALID_PARAMETER;
    interrupt = ExAllocatePoolWithTag(NonPagedPool, sizeof *interrupt, TAG_INT);
    if (interrupt == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(interrupt, sizeof *interrupt);
    interrupt->routine = ServiceRoutine;
    interrupt->context = ServiceContext;
    interrupt->lock = SpinLock != NULL ? SpinLock : &interrupt->own_lock;
    interrupt->vector = Vector;
    interrupt->irql = Irql;
    interrupt->synchronize_irql = SynchronizeIrql;
    interrupt->shared = ShareVector;
    status = ke_connect_interrupt(interrupt);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(interrupt, TAG_INT);
        return status;
    }
    *InterruptObject = interrupt;
    return STATUS_SUCCESS;
}

VOID NTAPI IoDisconnectInterrupt(PKINTERRUPT InterruptObject)
{
    ke_disconnect_interrupt(InterruptObject);
    ExFreePoolWithTag(InterruptObject, TAG_INT);
}

void io_init_interrupts(void)
{
}
