/*
 * Waits.
 *
 * A thread waits by linking one wait block per object into the objects'
 * wait lists (the blocks form a ring through NextWaitBlock) and, for a
 * timeout, one more block on its own timer. It is then off the ready queues
 * until a signal ends the wait: ki_wait_test_locked walks an object's
 * waiters in order; a WaitAny waiter is satisfied there (its status is the
 * block's key: the object's index, or STATUS_TIMEOUT for the timer); a
 * WaitAll waiter is woken with STATUS_KERNEL_APC and checks its whole set
 * again itself, as NT does. STATUS_KERNEL_APC also ends a wait so that a
 * kernel APC can run in the waiting thread; the wait then starts over with
 * the time that is left.
 */
#include "ke.h"

#include "../ps/ps.h"
#include "../tr/tr.h"
#include "../vf/vf.h"

void ki_init_header(DISPATCHER_HEADER *header, UCHAR type, UCHAR size,
                    LONG state)
{
    header->Type = type;
    header->Absolute = FALSE;
    header->Size = size;
    header->Inserted = FALSE;
    header->SignalState = state;
    InitializeListHead(&header->WaitListHead);
}

BOOLEAN ki_is_signaled(const DISPATCHER_HEADER *object, const KTHREAD *thread)
{
    if (object->Type == MutantObject)
        return object->SignalState > 0 ||
               ((const KMUTANT *)object)->OwnerThread == thread;
    return object->SignalState > 0;
}

/* The boost and quantum charge NT gives a thread whose wait ended. */
static void adjust_after_wait(KTHREAD *thread, NTSTATUS status,
                              KPRIORITY increment)
{
    SCHAR boosted;

    if (thread->Priority >= LOW_REALTIME_PRIORITY) {
        thread->Quantum = THREAD_QUANTUM;
        return;
    }
    boosted = (SCHAR)(thread->BasePriority + increment);
    if (boosted > thread->Priority)
        thread->Priority = boosted > 15 ? 15 : boosted;
    if (status == STATUS_KERNEL_APC)
        return;
    thread->Quantum -= WAIT_QUANTUM_DECREMENT;
    if (thread->Quantum <= 0) {
        thread->Quantum = THREAD_QUANTUM;
        if (thread->Priority > thread->BasePriority)
            thread->Priority--;
    }
}

void ki_unwait_thread_locked(KTHREAD *thread, NTSTATUS status,
                             KPRIORITY increment)
{
    KWAIT_BLOCK *block = thread->WaitBlockList;

    do {
        RemoveEntryList(&block->WaitListEntry);
        block = block->NextWaitBlock;
    } while (block != thread->WaitBlockList);
    if (thread->Timer.Header.Inserted)
        ki_remove_timer_locked(&thread->Timer);
    thread->WaitStatus = status;
    TR(tr_unwait(thread, status));
    adjust_after_wait(thread, status, increment);
    ki_ready_thread_locked(thread);
}

void ki_wait_test_locked(PVOID object, KPRIORITY increment)
{
    DISPATCHER_HEADER *header = object;

    while (header->SignalState > 0 && !IsListEmpty(&header->WaitListHead)) {
        KWAIT_BLOCK *block = CONTAINING_RECORD(header->WaitListHead.Flink,
                                               KWAIT_BLOCK, WaitListEntry);
        KTHREAD *thread = block->Thread;
        NTSTATUS status = STATUS_KERNEL_APC;

        if (block->WaitType == WaitAny) {
            status = block->WaitKey;
            if (ki_wait_satisfy_locked(header, thread) == STATUS_ABANDONED)
                status += STATUS_ABANDONED_WAIT_0;
        }
        ki_unwait_thread_locked(thread, status, increment);
    }
}

/* Would a wait on these objects be satisfied now? Returns its status, or
 * STATUS_PENDING. Takes what the satisfied wait takes. */
static NTSTATUS satisfy_now(KTHREAD *thread, ULONG count, PVOID objects[],
                            WAIT_TYPE type)
{
    NTSTATUS result = STATUS_SUCCESS;
    ULONG i;

    for (i = 0; i < count; i++) {
        DISPATCHER_HEADER *object = objects[i];
        BOOLEAN signaled = ki_is_signaled(object, thread);

        if (type == WaitAny && signaled)
            return (ki_wait_satisfy_locked(object, thread) == STATUS_ABANDONED
                        ? STATUS_ABANDONED_WAIT_0
                        : STATUS_SUCCESS) +
                   (NTSTATUS)i;
        if (type == WaitAll && !signaled)
            return STATUS_PENDING;
    }
    if (type == WaitAny)
        return STATUS_PENDING;
    for (i = 0; i < count; i++) {
        if (ki_wait_satisfy_locked(objects[i], thread) == STATUS_ABANDONED)
            result = STATUS_ABANDONED_WAIT_0;
    }
    return result;
}

/* An alertable wait ends at once for a pending alert or user APC. */
static NTSTATUS alert_status(KTHREAD *thread, KPROCESSOR_MODE mode,
                             BOOLEAN alertable)
{
    if (alertable) {
        if (thread->Alerted[(int)mode]) {
            thread->Alerted[(int)mode] = FALSE;
            return STATUS_ALERTED;
        }
        if (mode == UserMode && ke_user_apc_pending(thread)) {
            thread->ApcState.UserApcPending = TRUE;
            return STATUS_USER_APC;
        }
        if (thread->Alerted[KernelMode]) {
            thread->Alerted[KernelMode] = FALSE;
            return STATUS_ALERTED;
        }
    } else if (mode == UserMode && thread->ApcState.UserApcPending) {
        return STATUS_USER_APC;
    }
    return STATUS_PENDING;
}

/* A wait on a mutant its owner holds MINLONG times would overflow. */
static void check_mutant_limit(KTHREAD *thread, ULONG count, PVOID objects[],
                               KIRQL irql)
{
    ULONG i;

    for (i = 0; i < count; i++) {
        KMUTANT *m = objects[i];

        if (m->Header.Type == MutantObject && m->OwnerThread == thread &&
            m->Header.SignalState == (LONG)0x80000000) {
            ki_unlock_dispatcher(irql);
            ke_raise_status(STATUS_MUTANT_LIMIT_EXCEEDED);
        }
    }
}

/* Links the thread's wait blocks into the objects (and its timer). */
static void link_wait_blocks(KTHREAD *thread, ULONG count, PVOID objects[],
                             KWAIT_BLOCK blocks[], WAIT_TYPE type,
                             BOOLEAN timeout)
{
    KWAIT_BLOCK *timer_block = &thread->WaitBlock[TIMER_WAIT_BLOCK];
    ULONG i;

    for (i = 0; i < count; i++) {
        blocks[i].Thread = thread;
        blocks[i].Object = objects[i];
        blocks[i].WaitKey = (USHORT)i;
        blocks[i].WaitType = (USHORT)type;
        blocks[i].NextWaitBlock = i + 1 < count ? &blocks[i + 1] : &blocks[0];
        InsertTailList(&((DISPATCHER_HEADER *)objects[i])->WaitListHead,
                       &blocks[i].WaitListEntry);
    }
    if (timeout) {
        timer_block->Thread = thread;
        timer_block->Object = &thread->Timer;
        timer_block->WaitKey = (USHORT)STATUS_TIMEOUT;
        timer_block->WaitType = WaitAny;
        timer_block->NextWaitBlock = &blocks[0];
        blocks[count - 1].NextWaitBlock = timer_block;
        InsertTailList(&thread->Timer.Header.WaitListHead,
                       &timer_block->WaitListEntry);
    }
    thread->WaitBlockList = &blocks[0];
}

/*
 * The wait's IRQL rules: a wait that may block needs IRQL <= APC_LEVEL.
 * Inside a DPC that is ATTEMPTED_SWITCH_FROM_DPC; elsewhere at
 * DISPATCH_LEVEL or above, IRQL_NOT_LESS_OR_EQUAL (object, IRQL, 0,
 * caller). A zero timeout never blocks and is allowed at DISPATCH_LEVEL.
 */
static void check_wait_irql(KIRQL irql, PVOID object, PLARGE_INTEGER timeout,
                            PVOID caller)
{
    if (timeout != NULL && timeout->QuadPart == 0 && irql <= DISPATCH_LEVEL)
        return;
    if (irql <= APC_LEVEL)
        return;
    if (KeGetPcr()->DpcRoutineActive)
        ki_switch_from_dpc();
    KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)object, irql, 0,
                 (ULONG_PTR)caller);
}

/* Sets the thread's own timer for a timeout; FALSE when already due. */
static BOOLEAN arm_timer(KTHREAD *thread, ULONGLONG due)
{
    thread->Timer.Header.SignalState = 0;
    return ki_insert_timer_locked(&thread->Timer, due);
}

/* Starts one attempt of a wait: at DISPATCH_LEVEL, returning the IRQL to
 * go back to. */
static KIRQL begin_wait(KTHREAD *thread)
{
    if (thread->WaitNext) {
        thread->WaitNext = FALSE;
        return thread->WaitIrql;
    }
    return ki_lock_dispatcher();
}

/* Blocks until the wait ends; returns its status. DISPATCH_LEVEL. */
static NTSTATUS block(KTHREAD *thread, KIRQL irql, KPROCESSOR_MODE mode,
                      BOOLEAN alertable, KWAIT_REASON reason)
{
    ULONGLONG start = tr_now();
    const KWAIT_BLOCK *b = thread->WaitBlockList;
    const void *object = b->Object;
    ULONG count = 0;
    NTSTATUS status;

    do {
        count++;
        b = b->NextWaitBlock;
    } while (b != thread->WaitBlockList && count < THREAD_WAIT_OBJECTS + 1);
    thread->WaitIrql = irql;
    thread->WaitMode = mode;
    thread->Alertable = alertable;
    thread->WaitReason = (UCHAR)reason;
    thread->State = Waiting;
    status = ki_swap_thread_locked();
    TR(tr_wait(start, count, object, reason == DelayExecution, status));
    return status;
}

/* One wait, start to end. */
static NTSTATUS wait_loop(ULONG count, PVOID objects[], KWAIT_BLOCK blocks[],
                     WAIT_TYPE type, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                     BOOLEAN alertable, PLARGE_INTEGER timeout, PVOID caller)
{
    KTHREAD *thread = ke_current_thread();
    ULONGLONG due = 0;
    NTSTATUS status;
    KIRQL irql;

    check_wait_irql(thread->WaitNext ? thread->WaitIrql : KeGetCurrentIrql(),
                    objects[0], timeout, caller);
    if (timeout != NULL && timeout->QuadPart != 0)
        due = ki_due_time(timeout->QuadPart);
    for (;;) {
        irql = begin_wait(thread);
        if (ki_kernel_apc_deliverable(thread) && irql < APC_LEVEL) {
            ki_unlock_dispatcher(irql); /* runs the APC, then try again */
            continue;
        }
        check_mutant_limit(thread, count, objects, irql);
        status = satisfy_now(thread, count, objects, type);
        if (status == STATUS_PENDING)
            status = alert_status(thread, mode, alertable);
        if (status == STATUS_PENDING && timeout != NULL &&
            (timeout->QuadPart == 0 || !arm_timer(thread, due)))
            status = STATUS_TIMEOUT;
        if (status != STATUS_PENDING) {
            ki_unlock_dispatcher(irql);
            return status;
        }
        link_wait_blocks(thread, count, objects, blocks, type, timeout != NULL);
        status = block(thread, irql, mode, alertable, reason);
        ki_unlock_dispatcher(irql);
        if (status != STATUS_KERNEL_APC)
            return status;
    }
}

/* The same; afterwards WaitMode is KernelMode again, so that WaitMode is
 * UserMode only inside a user-mode wait (and the APCs run in it). */
static NTSTATUS wait(ULONG count, PVOID objects[], KWAIT_BLOCK blocks[],
                     WAIT_TYPE type, KWAIT_REASON reason, KPROCESSOR_MODE mode,
                     BOOLEAN alertable, PLARGE_INTEGER timeout, PVOID caller)
{
    NTSTATUS status = wait_loop(count, objects, blocks, type, reason, mode,
                                alertable, timeout, caller);

    ke_current_thread()->WaitMode = KernelMode;
    return status;
}

NTSTATUS NTAPI KeWaitForMultipleObjects(
    ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
    KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
    PKWAIT_BLOCK WaitBlockArray)
{
    KTHREAD *thread = ke_current_thread();

    if (Count > MAXIMUM_WAIT_OBJECTS ||
        (WaitBlockArray == NULL && Count > THREAD_WAIT_OBJECTS))
        KeBugCheck(MAXIMUM_WAIT_OBJECTS_EXCEEDED);
    if (Count == 0 || (WaitType != WaitAll && WaitType != WaitAny)) {
        if (thread->WaitNext) {
            thread->WaitNext = FALSE;
            ki_unlock_dispatcher(thread->WaitIrql);
        }
        ke_raise_status(STATUS_INVALID_PARAMETER);
    }
    return wait(Count, Object,
                WaitBlockArray != NULL ? WaitBlockArray : thread->WaitBlock,
                WaitType, WaitReason, WaitMode, Alertable, Timeout,
                __builtin_return_address(0));
}

NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object, KWAIT_REASON WaitReason,
                                     KPROCESSOR_MODE WaitMode,
                                     BOOLEAN Alertable, PLARGE_INTEGER Timeout)
{
    NTSTATUS status =
        wait(1, &Object, ke_current_thread()->WaitBlock, WaitAny, WaitReason,
             WaitMode, Alertable, Timeout, __builtin_return_address(0));

    if (status == STATUS_SUCCESS &&
        ((DISPATCHER_HEADER *)Object)->Type == MutantObject)
        vf_hook_lock_acquire(Object, VF_MUTEX, __builtin_return_address(0));
    return status;
}

/*
 * Waits on nothing but the thread's timer. A zero (or past) interval
 * yields to a ready thread of the same or higher priority instead.
 */
static NTSTATUS delay_loop(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                           PLARGE_INTEGER Interval, PVOID caller)
{
    KTHREAD *thread = ke_current_thread();
    ULONGLONG due = ki_due_time(Interval->QuadPart);
    NTSTATUS status;
    KIRQL irql;

    check_wait_irql(thread->WaitNext ? thread->WaitIrql : KeGetCurrentIrql(),
                    thread, NULL, caller);
    for (;;) {
        irql = begin_wait(thread);
        status = alert_status(thread, WaitMode, Alertable);
        if (status != STATUS_PENDING) {
            ki_unlock_dispatcher(irql);
            return status;
        }
        if (!arm_timer(thread, due)) {
            if (thread->Priority < LOW_REALTIME_PRIORITY)
                ki_set_priority_locked(thread, thread->BasePriority);
            ki_unlock_dispatcher(irql);
            ke_yield();
            return STATUS_SUCCESS;
        }
        thread->WaitBlock[TIMER_WAIT_BLOCK].NextWaitBlock =
            &thread->WaitBlock[TIMER_WAIT_BLOCK];
        thread->WaitBlockList = &thread->WaitBlock[TIMER_WAIT_BLOCK];
        thread->WaitBlock[TIMER_WAIT_BLOCK].Thread = thread;
        thread->WaitBlock[TIMER_WAIT_BLOCK].Object = &thread->Timer;
        thread->WaitBlock[TIMER_WAIT_BLOCK].WaitKey = (USHORT)STATUS_TIMEOUT;
        thread->WaitBlock[TIMER_WAIT_BLOCK].WaitType = WaitAny;
        InsertTailList(&thread->Timer.Header.WaitListHead,
                       &thread->WaitBlock[TIMER_WAIT_BLOCK].WaitListEntry);
        status = block(thread, irql, WaitMode, Alertable, DelayExecution);
        ki_unlock_dispatcher(irql);
        if (status == STATUS_TIMEOUT)
            return STATUS_SUCCESS;
        if (status != STATUS_KERNEL_APC)
            return status;
    }
}

NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode,
                                      BOOLEAN Alertable,
                                      PLARGE_INTEGER Interval)
{
    NTSTATUS status = delay_loop(WaitMode, Alertable, Interval,
                                 __builtin_return_address(0));

    ke_current_thread()->WaitMode = KernelMode;
    return status;
}
