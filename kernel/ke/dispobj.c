/*
 * The dispatcher objects drivers use: events, semaphores, mutexes and
 * mutants, and what a satisfied wait takes from each.
 *
 * Signal states: an event or timer is 0 or 1; a semaphore holds its count;
 * a mutant is 1 when free and 1 - n when its owner holds it n times. A
 * kernel mutex (KMUTEX) is a mutant whose owner runs with normal kernel APCs
 * disabled.
 *
 * Each Set/Release routine with Wait TRUE returns at DISPATCH_LEVEL with
 * the dispatcher lock held, for a wait routine to follow at once.
 */
#include "ke.h"

#include "../vf/vf.h"

/* Ends a Set/Release: unlocks, or keeps the lock for a wait that follows. */
static void finish_signal(KIRQL irql, BOOLEAN wait)
{
    KTHREAD *thread = ke_current_thread();

    if (wait) {
        thread->WaitNext = TRUE;
        thread->WaitIrql = irql;
    } else {
        ki_unlock_dispatcher(irql);
    }
}

NTSTATUS ki_wait_satisfy_locked(DISPATCHER_HEADER *object, KTHREAD *thread)
{
    KMUTANT *mutant = (KMUTANT *)object;

    switch (object->Type) {
    case EventSynchronizationObject:
    case TimerSynchronizationObject:
        object->SignalState = 0;
        break;
    case SemaphoreObject:
        object->SignalState--;
        break;
    case MutantObject:
        object->SignalState--;
        if (object->SignalState == 0) {
            mutant->OwnerThread = thread;
            thread->KernelApcDisable -= mutant->ApcDisable;
            InsertTailList(&thread->MutantListHead, &mutant->MutantListEntry);
        }
        if (mutant->Abandoned) {
            mutant->Abandoned = FALSE;
            return STATUS_ABANDONED;
        }
        break;
    default:
        break;
    }
    return STATUS_SUCCESS;
}

/* ---- Events -------------------------------------------------------------- */

VOID NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type, BOOLEAN State)
{
    ki_init_header(&Event->Header,
                   Type == SynchronizationEvent ? EventSynchronizationObject
                                                : EventNotificationObject,
                   sizeof(KEVENT) / sizeof(ULONG), State ? 1 : 0);
}

/*
 * Signals the event. A notification event wakes every waiter and stays
 * signalled; a synchronization event wakes one waiter and is reset by it
 * (when the first waiter waits for it alone, it is handed over directly).
 * Returns the previous state.
 */
LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG old = Event->Header.SignalState;
    KWAIT_BLOCK *first;

    if (IsListEmpty(&Event->Header.WaitListHead)) {
        Event->Header.SignalState = 1;
    } else {
        first = CONTAINING_RECORD(Event->Header.WaitListHead.Flink, KWAIT_BLOCK,
                                  WaitListEntry);
        if (Event->Header.Type == EventNotificationObject ||
            first->WaitType == WaitAll) {
            if (old == 0) {
                Event->Header.SignalState = 1;
                ki_wait_test_locked(Event, Increment);
            }
        } else {
            ki_unwait_thread_locked(first->Thread, first->WaitKey, Increment);
        }
    }
    finish_signal(irql, Wait);
    return old;
}

/* Signals the event for the waiters there are now, then resets it. */
LONG NTAPI KePulseEvent(PRKEVENT Event, KPRIORITY Increment, BOOLEAN Wait)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG old = Event->Header.SignalState;

    if (old == 0 && !IsListEmpty(&Event->Header.WaitListHead)) {
        Event->Header.SignalState = 1;
        ki_wait_test_locked(Event, Increment);
    }
    Event->Header.SignalState = 0;
    finish_signal(irql, Wait);
    return old;
}

LONG NTAPI KeResetEvent(PRKEVENT Event)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG old = Event->Header.SignalState;

    Event->Header.SignalState = 0;
    ki_unlock_dispatcher(irql);
    return old;
}

VOID NTAPI KeClearEvent(PRKEVENT Event)
{
    Event->Header.SignalState = 0;
}

LONG NTAPI KeReadStateEvent(PRKEVENT Event)
{
    return Event->Header.SignalState;
}

/* ---- Semaphores ---------------------------------------------------------- */

VOID NTAPI KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count, LONG Limit)
{
    ki_init_header(&Semaphore->Header, SemaphoreObject,
                   sizeof(KSEMAPHORE) / sizeof(ULONG), Count);
    Semaphore->Limit = Limit;
}

/*
 * Adds Adjustment to the count and returns the previous count. A count
 * that would pass the limit (or a negative adjustment) raises
 * STATUS_SEMAPHORE_LIMIT_EXCEEDED, with the semaphore unchanged.
 */
LONG NTAPI KeReleaseSemaphore(PRKSEMAPHORE Semaphore, KPRIORITY Increment,
                              LONG Adjustment, BOOLEAN Wait)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG old = Semaphore->Header.SignalState;
    LONGLONG count = (LONGLONG)old + Adjustment;

    if (count > Semaphore->Limit || count < old) {
        ki_unlock_dispatcher(irql);
        ke_raise_status(STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    }
    Semaphore->Header.SignalState = (LONG)count;
    if (old == 0 && !IsListEmpty(&Semaphore->Header.WaitListHead))
        ki_wait_test_locked(Semaphore, Increment);
    finish_signal(irql, Wait);
    return old;
}

LONG NTAPI KeReadStateSemaphore(PRKSEMAPHORE Semaphore)
{
    return Semaphore->Header.SignalState;
}

/* ---- Mutexes and mutants ------------------------------------------------- */

static void init_mutant(KMUTANT *mutant, UCHAR apc_disable)
{
    ki_init_header(&mutant->Header, MutantObject,
                   sizeof(KMUTANT) / sizeof(ULONG), 1);
    mutant->OwnerThread = NULL;
    mutant->Abandoned = FALSE;
    mutant->ApcDisable = apc_disable;
}

/* Level is accepted and ignored, as on NT. */
VOID NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level)
{
    UNREFERENCED_PARAMETER(Level);
    init_mutant(Mutex, 1);
}

VOID NTAPI KeInitializeMutant(PRKMUTANT Mutant, BOOLEAN InitialOwner)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    init_mutant(Mutant, 0);
    if (InitialOwner) {
        irql = ki_lock_dispatcher();
        Mutant->Header.SignalState = 0;
        Mutant->OwnerThread = thread;
        InsertTailList(&thread->MutantListHead, &Mutant->MutantListEntry);
        ki_unlock_dispatcher(irql);
    }
}

/* The mutant is free again: it leaves its owner, whose APCs come back. */
static void disown_locked(KMUTANT *mutant)
{
    KTHREAD *owner = mutant->OwnerThread;

    RemoveEntryList(&mutant->MutantListEntry);
    owner->KernelApcDisable += mutant->ApcDisable;
    if (owner->KernelApcDisable == 0 &&
        !IsListEmpty(&owner->ApcState.ApcListHead[KernelMode]))
        owner->ApcState.KernelApcPending = TRUE;
    mutant->OwnerThread = NULL;
}

/*
 * Releases one level of ownership and returns the previous state. A caller
 * that does not own the mutant raises STATUS_MUTANT_NOT_OWNED
 * (STATUS_ABANDONED if it was abandoned), with the mutant unchanged.
 * Abandoned TRUE frees it whoever holds it and marks it abandoned.
 */
LONG NTAPI KeReleaseMutant(PRKMUTANT Mutant, KPRIORITY Increment,
                           BOOLEAN Abandoned, BOOLEAN Wait)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG old = Mutant->Header.SignalState;

    if (Abandoned) {
        Mutant->Header.SignalState = 1;
        Mutant->Abandoned = TRUE;
    } else if (Mutant->OwnerThread != ke_current_thread()) {
        ki_unlock_dispatcher(irql);
        ke_raise_status(Mutant->Abandoned ? STATUS_ABANDONED
                                          : STATUS_MUTANT_NOT_OWNED);
    } else {
        Mutant->Header.SignalState++;
    }
    if (Mutant->Header.SignalState == 1) {
        if (old <= 0 && Mutant->OwnerThread != NULL)
            disown_locked(Mutant);
        if (!IsListEmpty(&Mutant->Header.WaitListHead))
            ki_wait_test_locked(Mutant, Increment);
    }
    finish_signal(irql, Wait);
    return old;
}

LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait)
{
    vf_hook_lock_release(Mutex);
    return KeReleaseMutant(Mutex, MUTANT_INCREMENT, FALSE, Wait);
}

LONG NTAPI KeReadStateMutex(PRKMUTEX Mutex)
{
    return Mutex->Header.SignalState;
}

LONG NTAPI KeReadStateMutant(PRKMUTANT Mutant)
{
    return Mutant->Header.SignalState;
}

/*
 * A thread ends owning mutants: each is abandoned, and its next owner is
 * told so. Ending while holding a kernel mutex stops the system
 * (THREAD_TERMINATE_HELD_MUTEX).
 */
void ki_rundown_mutants_locked(KTHREAD *thread)
{
    while (!IsListEmpty(&thread->MutantListHead)) {
        KMUTANT *mutant = CONTAINING_RECORD(thread->MutantListHead.Flink,
                                            KMUTANT, MutantListEntry);

        if (mutant->ApcDisable)
            KeBugCheckEx(THREAD_TERMINATE_HELD_MUTEX, (ULONG_PTR)thread,
                         (ULONG_PTR)mutant, 0, 0);
        RemoveEntryList(&mutant->MutantListEntry);
        mutant->Header.SignalState = 1;
        mutant->Abandoned = TRUE;
        mutant->OwnerThread = NULL;
        if (!IsListEmpty(&mutant->Header.WaitListHead))
            ki_wait_test_locked(mutant, MUTANT_INCREMENT);
    }
}
