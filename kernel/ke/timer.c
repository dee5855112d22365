/*
 * Timers.
 *
 * Set timers wait in one queue sorted by due time (interrupt time; equal
 * times keep the order they were set in). The clock interrupt notices when
 * the first is due and requests expiry, which the DISPATCH interrupt does:
 * each due timer, in order, is signalled (waking its waiters), re-armed if
 * periodic (from now, as NT does, so periods drift by the expiry latency),
 * and its DPC, if any, is called with the system time as its two arguments.
 */
#include "ke.h"

#include "../tr/tr.h"

static LIST_ENTRY timer_queue = {&timer_queue, &timer_queue};

VOID NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type)
{
    ki_init_header(
        &Timer->Header,
        (UCHAR)(TimerNotificationObject + (Type == SynchronizationTimer)),
        sizeof(KTIMER) / sizeof(ULONG), 0);
    Timer->DueTime = 0;
    Timer->Dpc = NULL;
    Timer->Period = 0;
}

VOID NTAPI KeInitializeTimer(PKTIMER Timer)
{
    KeInitializeTimerEx(Timer, NotificationTimer);
}

/* Past this interrupt time the system time would no longer fit a
 * LARGE_INTEGER: a timer due later never expires. */
static ULONGLONG last_due_time(void)
{
    return (ULONGLONG)0x7FFFFFFFFFFFFFFFll -
           (ki_system_time() - ki_interrupt_time());
}

ULONGLONG ki_due_time(LONGLONG due_time)
{
    ULONGLONG boot = ki_system_time() - ki_interrupt_time(), due;

    if (due_time < 0) {
        /* The interval without negating it (-(2^63) has no negation). */
        due = 0 - (ULONGLONG)due_time;
        return due > last_due_time() - ki_interrupt_time()
                   ? KI_NEVER
                   : ki_interrupt_time() + due;
    }
    return (ULONGLONG)due_time <= boot ? 0 : (ULONGLONG)due_time - boot;
}

BOOLEAN ki_insert_timer_locked(KTIMER *timer, ULONGLONG due)
{
    PLIST_ENTRY e;

    if (due <= ki_interrupt_time())
        return FALSE;
    timer->DueTime = due;
    for (e = timer_queue.Blink; e != &timer_queue; e = e->Blink) {
        if (CONTAINING_RECORD(e, KTIMER, TimerListEntry)->DueTime <= due)
            break;
    }
    InsertHeadList(e, &timer->TimerListEntry);
    timer->Header.Inserted = TRUE;
    return TRUE;
}

void ki_remove_timer_locked(KTIMER *timer)
{
    RemoveEntryList(&timer->TimerListEntry);
    timer->Header.Inserted = FALSE;
}

ULONGLONG ki_next_timer_due(void)
{
    if (IsListEmpty(&timer_queue))
        return KI_NEVER;
    return CONTAINING_RECORD(timer_queue.Flink, KTIMER, TimerListEntry)
        ->DueTime;
}

ULONGLONG ki_next_waking_timer_due(void)
{
    PLIST_ENTRY e;

    for (e = timer_queue.Flink; e != &timer_queue; e = e->Flink) {
        KTIMER *timer = CONTAINING_RECORD(e, KTIMER, TimerListEntry);

        if (timer->Dpc != NULL || !IsListEmpty(&timer->Header.WaitListHead))
            return timer->DueTime;
    }
    return KI_NEVER;
}

/* Signals a timer that has come due; re-arms it when periodic. */
static void signal_timer_locked(KTIMER *timer)
{
    timer->Header.SignalState = 1;
    if (!IsListEmpty(&timer->Header.WaitListHead))
        ki_wait_test_locked(timer, IO_NO_INCREMENT);
    if (timer->Period != 0)
        ki_insert_timer_locked(timer, ki_interrupt_time() +
                                          (ULONGLONG)timer->Period * 10000);
}

void ki_expire_timers_locked(void)
{
    ULONGLONG now = ki_interrupt_time(), system_time = ki_system_time();

    while (ki_next_timer_due() <= now) {
        KTIMER *timer =
            CONTAINING_RECORD(timer_queue.Flink, KTIMER, TimerListEntry);
        /* Taken first: a waiter woken below may free the timer. */
        KDPC *dpc = timer->Dpc;

        ki_remove_timer_locked(timer);
        TR(tr_timer_expired(timer));
        signal_timer_locked(timer);
        if (dpc != NULL)
            ki_call_timer_dpc(dpc, system_time);
    }
}

BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime, LONG Period,
                           PKDPC Dpc)
{
    KIRQL irql = ki_lock_dispatcher();
    BOOLEAN was_set = Timer->Header.Inserted;

    if (was_set)
        ki_remove_timer_locked(Timer);
    Timer->Header.SignalState = 0;
    Timer->Header.Absolute = DueTime.QuadPart >= 0;
    Timer->Dpc = Dpc;
    Timer->Period = Period < 0 ? 0 : Period;
    if (!ki_insert_timer_locked(Timer, ki_due_time(DueTime.QuadPart))) {
        /* Already due: it expires now, its DPC queued as usual. */
        signal_timer_locked(Timer);
        if (Dpc != NULL) {
            ULONGLONG t = ki_system_time();

            KeInsertQueueDpc(Dpc, (PVOID)(ULONG_PTR)(ULONG)t,
                             (PVOID)(ULONG_PTR)(ULONG)(t >> 32));
        }
    }
    ki_unlock_dispatcher(irql);
    return was_set;
}

BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime, PKDPC Dpc)
{
    return KeSetTimerEx(Timer, DueTime, 0, Dpc);
}

BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer)
{
    KIRQL irql = ki_lock_dispatcher();
    BOOLEAN was_set = Timer->Header.Inserted;

    if (was_set)
        ki_remove_timer_locked(Timer);
    ki_unlock_dispatcher(irql);
    return was_set;
}

BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer)
{
    return Timer->Header.SignalState != 0;
}

/* The first set timer, its DPC or its DPC routine in [lo, hi), or else a
 * queued DPC or its routine there, as TIMER_OR_DPC_INVALID's parameter 1
 * counts them: 0 a timer, 1 a DPC, 2 a DPC routine. Caller at
 * DISPATCH_LEVEL or above. */
BOOLEAN ke_timer_or_dpc_in(ULONG_PTR lo, ULONG_PTR hi, ULONG *kind,
                           ULONG_PTR *object)
{
    const void *found[3];
    PLIST_ENTRY e;
    ULONG k;

    for (e = timer_queue.Flink; e != &timer_queue; e = e->Flink) {
        KTIMER *t = CONTAINING_RECORD(e, KTIMER, TimerListEntry);

        found[0] = t;
        found[1] = t->Dpc;
        found[2] = t->Dpc != NULL ? (const void *)t->Dpc->DeferredRoutine
                                  : NULL;
        for (k = 0; k < 3; k++) {
            if ((ULONG_PTR)found[k] >= lo && (ULONG_PTR)found[k] < hi) {
                *kind = k;
                *object = (ULONG_PTR)found[k];
                return TRUE;
            }
        }
    }
    return ki_dpc_in(lo, hi, kind, object);
}
