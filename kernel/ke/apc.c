/*
 * APCs: work queued to one thread and run in that thread's own context.
 *
 * A thread has two APC environments: the original one (its own process) and,
 * while attached to another process, the attached one. ApcStatePointer maps
 * an environment index to the KAPC_STATE holding it; ApcState is always the
 * current environment. Each state has a kernel and a user queue.
 *
 * Kernel APCs run when the thread's IRQL drops below APC_LEVEL: special
 * ones (no NormalRoutine) first, at APC_LEVEL, unless the thread is in a
 * guarded region; then normal ones, whose KernelRoutine runs at APC_LEVEL
 * and NormalRoutine at PASSIVE_LEVEL, one at a time, unless the thread is in
 * a critical region. A thread waiting at PASSIVE_LEVEL is taken out of its
 * wait to run them. User APCs end alertable user-mode waits with
 * STATUS_USER_APC and run on the way back to user mode (which comes with
 * the user-mode issue).
 */
#include "ke.h"

#include "../tr/tr.h"

static void init_state(KAPC_STATE *state, KPROCESS *process)
{
    InitializeListHead(&state->ApcListHead[KernelMode]);
    InitializeListHead(&state->ApcListHead[UserMode]);
    state->Process = process;
    state->KernelApcInProgress = FALSE;
    state->KernelApcPending = FALSE;
    state->UserApcPending = FALSE;
}

void ki_init_apc_state(KTHREAD *thread)
{
    init_state(&thread->ApcState, thread->Process);
    init_state(&thread->SavedApcState, NULL);
    thread->ApcStatePointer[OriginalApcEnvironment] = &thread->ApcState;
    thread->ApcStatePointer[AttachedApcEnvironment] = &thread->SavedApcState;
    thread->ApcStateIndex = OriginalApcEnvironment;
    thread->ApcQueueable = TRUE;
}

BOOLEAN ki_kernel_apc_deliverable(const KTHREAD *thread)
{
    return thread->ApcState.KernelApcPending && thread->SpecialApcDisable == 0;
}

BOOLEAN ke_user_apc_pending(const KTHREAD *thread)
{
    return !IsListEmpty(&thread->ApcState.ApcListHead[UserMode]);
}

VOID NTAPI KeInitializeApc(PRKAPC Apc, PRKTHREAD Thread,
                           KAPC_ENVIRONMENT Environment,
                           PKKERNEL_ROUTINE KernelRoutine,
                           PKRUNDOWN_ROUTINE RundownRoutine,
                           PKNORMAL_ROUTINE NormalRoutine,
                           KPROCESSOR_MODE ApcMode, PVOID NormalContext)
{
    Apc->Type = ApcObject;
    Apc->Thread = Thread;
    Apc->ApcStateIndex = Environment == CurrentApcEnvironment
                             ? Thread->ApcStateIndex
                             : (UCHAR)Environment;
    Apc->KernelRoutine = KernelRoutine;
    Apc->RundownRoutine = RundownRoutine;
    Apc->NormalRoutine = NormalRoutine;
    Apc->ApcMode = NormalRoutine == NULL ? KernelMode : ApcMode;
    Apc->NormalContext = NormalRoutine == NULL ? NULL : NormalContext;
    Apc->Inserted = FALSE;
}

/* Special kernel APCs go after the special ones already queued; the rest
 * go to the tail. */
static void enqueue(KAPC_STATE *state, KAPC *apc)
{
    PLIST_ENTRY head = &state->ApcListHead[(int)apc->ApcMode], e;

    if (apc->NormalRoutine != NULL) {
        InsertTailList(head, &apc->ApcListEntry);
        return;
    }
    for (e = head->Flink; e != head; e = e->Flink) {
        if (CONTAINING_RECORD(e, KAPC, ApcListEntry)->NormalRoutine != NULL)
            break;
    }
    InsertTailList(e, &apc->ApcListEntry);
}

/* A kernel APC was queued in the thread's current environment. */
static void kernel_apc_queued(KTHREAD *thread, const KAPC *apc,
                              KPRIORITY increment)
{
    thread->ApcState.KernelApcPending = TRUE;
    if (thread->State == Waiting && thread->WaitIrql == PASSIVE_LEVEL &&
        thread->SpecialApcDisable == 0 &&
        (apc->NormalRoutine == NULL || (thread->KernelApcDisable == 0 &&
                                        !thread->ApcState.KernelApcInProgress)))
        ki_unwait_thread_locked(thread, STATUS_KERNEL_APC, increment);
}

BOOLEAN NTAPI KeInsertQueueApc(PRKAPC Apc, PVOID SystemArgument1,
                               PVOID SystemArgument2, KPRIORITY Increment)
{
    KIRQL irql = ki_lock_dispatcher();
    KTHREAD *thread = Apc->Thread;

    if (!thread->ApcQueueable || Apc->Inserted) {
        ki_unlock_dispatcher(irql);
        return FALSE;
    }
    if (Apc->ApcStateIndex == InsertApcEnvironment)
        Apc->ApcStateIndex = thread->ApcStateIndex;
    Apc->SystemArgument1 = SystemArgument1;
    Apc->SystemArgument2 = SystemArgument2;
    Apc->Inserted = TRUE;
    enqueue(thread->ApcStatePointer[Apc->ApcStateIndex], Apc);
    if (Apc->ApcStateIndex == thread->ApcStateIndex) {
        if (Apc->ApcMode == KernelMode) {
            kernel_apc_queued(thread, Apc, Increment);
        } else if (thread->State == Waiting && thread->WaitMode == UserMode &&
                   (thread->Alertable || thread->ApcState.UserApcPending)) {
            thread->ApcState.UserApcPending = TRUE;
            ki_unwait_thread_locked(thread, STATUS_USER_APC, Increment);
        }
    }
    ki_unlock_dispatcher(irql);
    return TRUE;
}

/*
 * Takes Apc off its thread's queue if it is queued there (its routines will
 * not run); TRUE if it was. When its queue empties in the thread's current
 * environment, nothing of that kind is pending any more. Any IRQL up to
 * DISPATCH_LEVEL.
 */
BOOLEAN ke_remove_queue_apc(KAPC *apc)
{
    KIRQL irql = ki_lock_dispatcher();
    KTHREAD *thread = apc->Thread;
    KAPC_STATE *state = thread->ApcStatePointer[apc->ApcStateIndex];
    BOOLEAN was = apc->Inserted;

    if (was) {
        RemoveEntryList(&apc->ApcListEntry);
        apc->Inserted = FALSE;
        if (IsListEmpty(&state->ApcListHead[(int)apc->ApcMode]) &&
            state == &thread->ApcState) {
            if (apc->ApcMode == KernelMode)
                state->KernelApcPending = FALSE;
            else
                state->UserApcPending = FALSE;
        }
    }
    ki_unlock_dispatcher(irql);
    return was;
}

/* Calls an APC's kernel routine; it may change what runs next. */
static void call_kernel_routine(KAPC *apc, PKNORMAL_ROUTINE *normal,
                                PVOID *context, PVOID *arg1, PVOID *arg2)
{
    PKKERNEL_ROUTINE routine = apc->KernelRoutine;
    BOOLEAN special = *normal == NULL;

    routine(apc, normal, context, arg1, arg2);
    if (KeGetCurrentIrql() != APC_LEVEL)
        KeBugCheckEx(IRQL_UNEXPECTED_VALUE,
                     ((ULONG_PTR)KeGetCurrentIrql() << 16) | (APC_LEVEL << 8) |
                         (special ? 0 : 1),
                     (ULONG_PTR)routine, (ULONG_PTR)apc, (ULONG_PTR)*normal);
}

/*
 * Takes the first kernel APC that may run now off the queue, or returns
 * FALSE. Its routine and arguments are copied out first: the kernel
 * routine may free the APC.
 */
static BOOLEAN next_kernel_apc(KTHREAD *thread, KAPC **apc_out,
                               PKNORMAL_ROUTINE *normal, PVOID *context,
                               PVOID *arg1, PVOID *arg2)
{
    KIRQL irql = ki_lock_dispatcher();
    PLIST_ENTRY head = &thread->ApcState.ApcListHead[KernelMode];
    KAPC *apc;
    BOOLEAN found = FALSE;

    if (!IsListEmpty(head)) {
        apc = CONTAINING_RECORD(head->Flink, KAPC, ApcListEntry);
        found = apc->NormalRoutine == NULL ||
                (!thread->ApcState.KernelApcInProgress &&
                 thread->KernelApcDisable == 0);
        if (found) {
            RemoveEntryList(&apc->ApcListEntry);
            apc->Inserted = FALSE;
            *apc_out = apc;
            *normal = apc->NormalRoutine;
            *context = apc->NormalContext;
            *arg1 = apc->SystemArgument1;
            *arg2 = apc->SystemArgument2;
        }
    }
    ki_unlock_dispatcher(irql);
    return found;
}

void ki_deliver_apc(void)
{
    KTHREAD *thread = ke_current_thread();
    KPROCESS *process = thread->ApcState.Process;
    PKNORMAL_ROUTINE normal;
    PVOID context, arg1, arg2;
    KAPC *apc;

    thread->ApcState.KernelApcPending = FALSE;
    while (next_kernel_apc(thread, &apc, &normal, &context, &arg1, &arg2)) {
        ULONGLONG start = tr_now();
        const void *routine = (const void *)apc->KernelRoutine;

        call_kernel_routine(apc, &normal, &context, &arg1, &arg2);
        if (normal != NULL) {
            thread->ApcState.KernelApcInProgress = TRUE;
            KfLowerIrql(PASSIVE_LEVEL);
            normal(context, arg1, arg2);
            KfRaiseIrql(APC_LEVEL);
            thread->ApcState.KernelApcInProgress = FALSE;
        }
        TR(tr_apc(start, routine, normal != NULL));
    }
    if (thread->ApcState.Process != process)
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)process,
                     (ULONG_PTR)thread->ApcState.Process, thread->ApcStateIndex,
                     KeIsExecutingDpc());
}

/* Runs down the APCs still queued to a thread that is ending. */
void ki_flush_apcs(KTHREAD *thread)
{
    ULONG s, mode;

    for (s = 0; s < 2; s++) {
        for (mode = KernelMode; mode <= UserMode; mode++) {
            PLIST_ENTRY head = &thread->ApcStatePointer[s]->ApcListHead[mode];

            while (!IsListEmpty(head)) {
                KIRQL irql = ki_lock_dispatcher();
                KAPC *apc =
                    CONTAINING_RECORD(RemoveHeadList(head), KAPC, ApcListEntry);

                apc->Inserted = FALSE;
                ki_unlock_dispatcher(irql);
                if (apc->RundownRoutine != NULL)
                    apc->RundownRoutine(apc);
            }
        }
    }
}

/* Re-examines the kernel queue after a region ends or a mutex is freed. */
static void recheck_kernel_apcs(KTHREAD *thread)
{
    if (!IsListEmpty(&thread->ApcState.ApcListHead[KernelMode])) {
        thread->ApcState.KernelApcPending = TRUE;
        KfLowerIrql(KeGetCurrentIrql()); /* delivers at PASSIVE_LEVEL */
    }
}

VOID NTAPI KeEnterCriticalRegion(VOID)
{
    ke_current_thread()->KernelApcDisable--;
}

VOID NTAPI KeLeaveCriticalRegion(VOID)
{
    KTHREAD *thread = ke_current_thread();

    if (++thread->KernelApcDisable == 0 && thread->SpecialApcDisable == 0)
        recheck_kernel_apcs(thread);
}

VOID NTAPI KeEnterGuardedRegion(VOID)
{
    ke_current_thread()->SpecialApcDisable--;
}

VOID NTAPI KeLeaveGuardedRegion(VOID)
{
    KTHREAD *thread = ke_current_thread();

    if (++thread->SpecialApcDisable == 0)
        recheck_kernel_apcs(thread);
}

BOOLEAN NTAPI KeAreApcsDisabled(VOID)
{
    KTHREAD *thread = ke_current_thread();

    return thread->KernelApcDisable != 0 || thread->SpecialApcDisable != 0;
}
