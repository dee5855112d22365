/*
 * Threads: creation, the first instructions of a thread, and its end.
 * Alerts live here too.
 */
#include "ke.h"

#include "../mm/mm.h"

LIST_ENTRY ki_all_threads = {&ki_all_threads, &ki_all_threads};

/* The first code of every thread, at DISPATCH_LEVEL. */
static void thread_start(void *arg)
{
    KTHREAD *thread = arg;

    KfLowerIrql(PASSIVE_LEVEL);
    thread->StartRoutine(thread->StartContext);
    ke_terminate_thread();
}

NTSTATUS ke_init_thread(KTHREAD *thread, KPROCESS *process,
                        PKSTART_ROUTINE start, PVOID context, SCHAR priority)
{
    ULONG base = mm_create_kernel_stack();
    KIRQL irql;

    if (base == 0)
        return STATUS_INSUFFICIENT_RESOURCES;
    ki_init_header(&thread->Header, ThreadObject,
                   sizeof(KTHREAD) / sizeof(ULONG), 0);
    thread->InitialStack = HAL_VA_PTR(base);
    thread->StackLimit = HAL_VA_PTR(base - KERNEL_STACK_SIZE);
    hal_context_init(&thread->Context, thread->InitialStack, thread->StackLimit,
                     thread_start, thread);
    thread->Process = process;
    ki_init_apc_state(thread);
    InitializeListHead(&thread->MutantListHead);
    KeInitializeTimer(&thread->Timer);
    thread->State = Initialized;
    thread->Priority = thread->BasePriority = priority;
    thread->Quantum = THREAD_QUANTUM;
    thread->StartRoutine = start;
    thread->StartContext = context;
    irql = ki_lock_dispatcher();
    InsertTailList(&process->ThreadListHead, &thread->ThreadListEntry);
    InsertTailList(&ki_all_threads, &thread->AllThreadsEntry);
    ki_unlock_dispatcher(irql);
    return STATUS_SUCCESS;
}

/* Signals a thread or process object: it stays signalled (notification). */
static void signal_locked(DISPATCHER_HEADER *header)
{
    header->SignalState = 1;
    ki_wait_test_locked(header, IO_NO_INCREMENT);
}

void ke_check_exit(KTHREAD *thread)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql != PASSIVE_LEVEL)
        KeBugCheckEx(KERNEL_APC_PENDING_DURING_EXIT, 0,
                     (ULONG_PTR)(LONG)thread->KernelApcDisable, irql, 0);
    if (thread->ApcStateIndex != OriginalApcEnvironment)
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT,
                     (ULONG_PTR)thread->ApcState.Process,
                     (ULONG_PTR)thread->Process, thread->ApcStateIndex,
                     KeIsExecutingDpc());
}

void ke_terminate_thread(void)
{
    KTHREAD *thread = ke_current_thread();
    KPROCESS *process = thread->Process;
    KIRQL irql;

    ke_check_exit(thread);
    irql = ki_lock_dispatcher();
    thread->ApcQueueable = FALSE;
    ki_rundown_mutants_locked(thread);
    ki_unlock_dispatcher(irql);
    /* Still in a critical or guarded region: NT stops (mutexes released
     * above do not count; a kernel mutex held stopped it already). */
    if (thread->KernelApcDisable != 0 || thread->SpecialApcDisable != 0)
        KeBugCheckEx(KERNEL_APC_PENDING_DURING_EXIT, 0,
                     (ULONG_PTR)(LONG)(thread->KernelApcDisable != 0
                                           ? thread->KernelApcDisable
                                           : thread->SpecialApcDisable),
                     PASSIVE_LEVEL, 0);
    ki_flush_apcs(thread);
    irql = ki_lock_dispatcher();
    signal_locked(&thread->Header);
    RemoveEntryList(&thread->ThreadListEntry);
    RemoveEntryList(&thread->AllThreadsEntry);
    if (IsListEmpty(&process->ThreadListHead))
        signal_locked(&process->Header);
    thread->State = Terminated;
    ki_swap_thread_locked();
    /* Nothing switches back to a terminated thread. */
    UNREFERENCED_PARAMETER(irql);
    __builtin_unreachable();
}

void ke_signal_process(KPROCESS *process)
{
    KIRQL irql = ki_lock_dispatcher();

    signal_locked(&process->Header);
    ki_unlock_dispatcher(irql);
}

void ke_forget_thread(KTHREAD *thread)
{
    KIRQL irql = ki_lock_dispatcher();

    RemoveEntryList(&thread->ThreadListEntry);
    RemoveEntryList(&thread->AllThreadsEntry);
    ki_unlock_dispatcher(irql);
}

void ke_init_process(KPROCESS *process, ULONG directory_pfn)
{
    ki_init_header(&process->Header, ProcessObject,
                   sizeof(KPROCESS) / sizeof(ULONG), 0);
    process->DirectoryTableBase = directory_pfn;
    InitializeListHead(&process->ThreadListHead);
    process->BasePriority = 8;
}

/*
 * Alerts a thread for AlertMode: an alertable wait in that mode or a less
 * privileged one ends with STATUS_ALERTED; otherwise the alert is kept for
 * the next alertable wait. Returns whether it was already alerted.
 */
BOOLEAN NTAPI KeAlertThread(PKTHREAD Thread, KPROCESSOR_MODE AlertMode)
{
    KIRQL irql = ki_lock_dispatcher();
    BOOLEAN was = Thread->Alerted[(int)AlertMode];

    if (!was) {
        if (Thread->State == Waiting && Thread->Alertable &&
            AlertMode <= Thread->WaitMode)
            ki_unwait_thread_locked(Thread, STATUS_ALERTED, ALERT_INCREMENT);
        else
            Thread->Alerted[(int)AlertMode] = TRUE;
    }
    ki_unlock_dispatcher(irql);
    return was;
}

/* Returns and clears the current thread's alert for AlertMode. */
BOOLEAN NTAPI KeTestAlertThread(KPROCESSOR_MODE AlertMode)
{
    KTHREAD *thread = ke_current_thread();
    KIRQL irql = ki_lock_dispatcher();
    BOOLEAN was = thread->Alerted[(int)AlertMode];

    if (was)
        thread->Alerted[(int)AlertMode] = FALSE;
    else if (AlertMode == UserMode && ke_user_apc_pending(thread))
        thread->ApcState.UserApcPending = TRUE;
    ki_unlock_dispatcher(irql);
    return was;
}
