/*
 * Attaching a thread to another process: the user half of the address
 * space becomes that process's until the thread detaches, while the thread
 * stays itself. The thread's APC state for its own process is set aside
 * (in SavedApcState, or in the caller's KAPC_STATE when attaches nest) so
 * that APCs queued to it wait until the thread is home again.
 *
 * Attaching from a DPC or at DISPATCH_LEVEL or above, or with
 * KeAttachProcess while already attached, stops the system with
 * INVALID_PROCESS_ATTACH_ATTEMPT (process, current process, APC state
 * index, executing a DPC); a detach that does not match an attach, or with
 * APCs still queued, with INVALID_PROCESS_DETACH_ATTEMPT.
 */
#include "ke.h"

/* Moves an APC state, list heads and all, from src to dst. */
static void move_state(KAPC_STATE *dst, KAPC_STATE *src)
{
    int mode;

    *dst = *src;
    for (mode = KernelMode; mode <= UserMode; mode++) {
        PLIST_ENTRY from = &src->ApcListHead[mode],
                    to = &dst->ApcListHead[mode];

        if (IsListEmpty(from)) {
            InitializeListHead(to);
        } else {
            to->Flink->Blink = to;
            to->Blink->Flink = to;
        }
    }
}

static void fresh_state(KAPC_STATE *state, KPROCESS *process)
{
    InitializeListHead(&state->ApcListHead[KernelMode]);
    InitializeListHead(&state->ApcListHead[UserMode]);
    state->Process = process;
    state->KernelApcInProgress = FALSE;
    state->KernelApcPending = FALSE;
    state->UserApcPending = FALSE;
}

static void check_attach(KTHREAD *thread, KPROCESS *process)
{
    if (KeIsExecutingDpc() || KeGetCurrentIrql() >= DISPATCH_LEVEL)
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)process,
                     (ULONG_PTR)thread->ApcState.Process, thread->ApcStateIndex,
                     KeIsExecutingDpc());
}

/* Saves the current state in save and makes process current. */
static void attach_locked(KTHREAD *thread, KPROCESS *process, KAPC_STATE *save)
{
    move_state(save, &thread->ApcState);
    fresh_state(&thread->ApcState, process);
    if (save == &thread->SavedApcState) {
        thread->ApcStatePointer[OriginalApcEnvironment] =
            &thread->SavedApcState;
        thread->ApcStatePointer[AttachedApcEnvironment] = &thread->ApcState;
        thread->ApcStateIndex = AttachedApcEnvironment;
    }
    hal_mmu_activate(process->DirectoryTableBase);
}

/* Puts back the state saved in save. */
static void detach_locked(KTHREAD *thread, KAPC_STATE *save)
{
    if (thread->ApcState.KernelApcInProgress ||
        !IsListEmpty(&thread->ApcState.ApcListHead[KernelMode]) ||
        !IsListEmpty(&thread->ApcState.ApcListHead[UserMode]))
        KeBugCheckEx(INVALID_PROCESS_DETACH_ATTEMPT, 0, 0, 0, 0);
    move_state(&thread->ApcState, save);
    if (save == &thread->SavedApcState) {
        fresh_state(&thread->SavedApcState, NULL);
        thread->ApcStatePointer[OriginalApcEnvironment] = &thread->ApcState;
        thread->ApcStatePointer[AttachedApcEnvironment] =
            &thread->SavedApcState;
        thread->ApcStateIndex = OriginalApcEnvironment;
    }
    if (!IsListEmpty(&thread->ApcState.ApcListHead[KernelMode]))
        thread->ApcState.KernelApcPending = TRUE;
    hal_mmu_activate(thread->ApcState.Process->DirectoryTableBase);
}

VOID NTAPI KeStackAttachProcess(PRKPROCESS Process, PRKAPC_STATE ApcState)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    check_attach(thread, Process);
    if (thread->ApcState.Process == Process) {
        ApcState->Process = (PRKPROCESS)1; /* nothing to undo */
        return;
    }
    irql = ki_lock_dispatcher();
    if (thread->ApcStateIndex != OriginalApcEnvironment) {
        attach_locked(thread, Process, ApcState);
    } else {
        attach_locked(thread, Process, &thread->SavedApcState);
        ApcState->Process = NULL;
    }
    ki_unlock_dispatcher(irql);
}

VOID NTAPI KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    if (ApcState->Process == (PRKPROCESS)1)
        return;
    irql = ki_lock_dispatcher();
    if (thread->ApcStateIndex == OriginalApcEnvironment)
        KeBugCheckEx(INVALID_PROCESS_DETACH_ATTEMPT, 0, 0, 0, 0);
    detach_locked(thread, ApcState->Process != NULL ? ApcState
                                                    : &thread->SavedApcState);
    ki_unlock_dispatcher(irql);
}

VOID NTAPI KeAttachProcess(PRKPROCESS Process)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    check_attach(thread, Process);
    if (thread->ApcState.Process == Process)
        return;
    if (thread->ApcStateIndex != OriginalApcEnvironment)
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)Process,
                     (ULONG_PTR)thread->ApcState.Process, thread->ApcStateIndex,
                     KeIsExecutingDpc());
    irql = ki_lock_dispatcher();
    attach_locked(thread, Process, &thread->SavedApcState);
    ki_unlock_dispatcher(irql);
}

VOID NTAPI KeDetachProcess(VOID)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    if (thread->ApcStateIndex == OriginalApcEnvironment)
        return;
    irql = ki_lock_dispatcher();
    detach_locked(thread, &thread->SavedApcState);
    ki_unlock_dispatcher(irql);
}
