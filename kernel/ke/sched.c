/*
 * The scheduler.
 *
 * Ready threads wait in one FIFO queue per priority (0-31); bit p of
 * ready_summary is set when queue p is not empty. The running thread keeps
 * the CPU until it waits, ends, yields, uses up its quantum (and another
 * thread of its priority is ready), or a thread of higher priority becomes
 * ready: that one is chosen as NextThread and the DISPATCH interrupt
 * switches to it as soon as IRQL drops below DISPATCH_LEVEL, so preemption
 * from a DPC or an ISR takes effect when the DPC or ISR is done. A
 * preempted thread goes back to the head of its queue; a thread whose
 * quantum ended goes to the tail (round robin).
 *
 * A switch happens at DISPATCH_LEVEL. It loads the page directory of the
 * incoming thread's current process when that differs, so user addresses
 * change meaning with the thread.
 */
#include "ke.h"

#include "../mm/mm.h"
#include "../tr/tr.h"

static LIST_ENTRY ready_queue[MAXIMUM_PRIORITY];
static ULONG ready_summary;

/* The threads switched to, by address, in order (determinism tests): the
 * last TRACE_SIZE of them. */
#define TRACE_SIZE 4096
static ULONG trace[TRACE_SIZE];
static ULONG trace_length;

void ki_init_scheduler(void)
{
    ULONG i;

    for (i = 0; i < MAXIMUM_PRIORITY; i++)
        InitializeListHead(&ready_queue[i]);
}

ULONG ke_switch_trace(ULONG from, ULONG *ids, ULONG max)
{
    ULONG i, oldest = trace_length > TRACE_SIZE ? trace_length - TRACE_SIZE : 0;

    if (from < oldest)
        from = oldest;
    for (i = 0; from + i < trace_length && i < max; i++)
        ids[i] = trace[(from + i) % TRACE_SIZE];
    return trace_length;
}

static void queue_ready(KTHREAD *thread)
{
    thread->State = Ready;
    if (thread->Preempted)
        InsertHeadList(&ready_queue[thread->Priority], &thread->WaitListEntry);
    else
        InsertTailList(&ready_queue[thread->Priority], &thread->WaitListEntry);
    thread->Preempted = FALSE;
    ready_summary |= 1u << thread->Priority;
}

static void unqueue_ready(KTHREAD *thread)
{
    if (RemoveEntryList(&thread->WaitListEntry))
        ready_summary &= ~(1u << thread->Priority);
}

/* The highest ready priority, or -1. */
static LONG highest_ready(void)
{
    return ready_summary ? 31 - __builtin_clz(ready_summary) : -1;
}

/* Takes the first thread of the highest ready priority >= floor, or NULL. */
static KTHREAD *take_ready(LONG floor)
{
    LONG priority = highest_ready();
    KTHREAD *thread;

    if (priority < floor)
        return NULL;
    thread =
        CONTAINING_RECORD(ready_queue[priority].Flink, KTHREAD, WaitListEntry);
    unqueue_ready(thread);
    return thread;
}

/* The priority a thread must beat to take the CPU from thread. */
static LONG priority_of(const KTHREAD *thread)
{
    return thread == KeGetPcr()->IdleThread ? -1 : thread->Priority;
}

/* Makes thread the one to switch to when IRQL drops. */
static void choose_next(KTHREAD *thread)
{
    thread->State = Standby;
    KeGetPcr()->NextThread = thread;
    ki_request_dispatch_interrupt();
}

void ki_ready_thread_locked(KTHREAD *thread)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *next = pcr->NextThread;
    KTHREAD *running = next != NULL ? next : pcr->CurrentThread;

    if (thread->Priority <= priority_of(running)) {
        queue_ready(thread);
        return;
    }
    if (next != NULL) {
        next->Preempted = TRUE;
        queue_ready(next);
    } else if (running->State == Running) {
        running->Preempted = TRUE;
    }
    choose_next(thread);
}

/* Switches from the current thread to next. DISPATCH_LEVEL. */
static void swap_context(KTHREAD *next)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *current = pcr->CurrentThread;

    next->State = Running;
    if (next == current)
        return;
    TR(tr_switch(next));
    pcr->CurrentThread = next;
    pcr->ContextSwitches++;
    trace[trace_length % TRACE_SIZE] = HAL_PTR_VA(next);
    trace_length++;
    if (next->ApcState.Process != current->ApcState.Process)
        hal_mmu_activate(next->ApcState.Process->DirectoryTableBase);
    hal_set_kernel_stack(next->InitialStack);
    ke_publish_teb(next);
    hal_context_switch(&current->Context, &next->Context);
}

KTHREAD *ki_peek_next_thread(void)
{
    KPCR *pcr = KeGetPcr();
    LONG priority = highest_ready();

    if (pcr->NextThread != NULL)
        return pcr->NextThread;
    if (priority < 0)
        return pcr->IdleThread;
    return CONTAINING_RECORD(ready_queue[priority].Flink, KTHREAD,
                             WaitListEntry);
}

void ki_switch_from_dpc(void)
{
    KTHREAD *current = KeGetPcr()->CurrentThread;

    KeBugCheckEx(ATTEMPTED_SWITCH_FROM_DPC, (ULONG_PTR)current,
                 (ULONG_PTR)ki_peek_next_thread(),
                 (ULONG_PTR)__builtin_frame_address(0), 0);
}

NTSTATUS ki_swap_thread_locked(void)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *current = pcr->CurrentThread, *next = pcr->NextThread;

    if (pcr->DpcRoutineActive)
        ki_switch_from_dpc();
    if (next != NULL)
        pcr->NextThread = NULL;
    else
        next = take_ready(0);
    swap_context(next != NULL ? next : pcr->IdleThread);
    return current->WaitStatus;
}

/* A variable-priority thread decays by one per quantum towards its base;
 * then it gives way to a ready thread of its (new) priority: round robin. */
static void quantum_end_locked(KTHREAD *thread)
{
    KPCR *pcr = KeGetPcr();

    if (thread == pcr->IdleThread || thread->Quantum > 0)
        return;
    thread->Quantum = THREAD_QUANTUM;
    if (thread->Priority < LOW_REALTIME_PRIORITY &&
        thread->Priority > thread->BasePriority)
        ki_set_priority_locked(thread, (SCHAR)(thread->Priority - 1));
    if (pcr->NextThread == NULL && highest_ready() >= thread->Priority)
        choose_next(take_ready(thread->Priority));
}

void ki_reschedule_locked(void)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *current = pcr->CurrentThread, *next;

    if (pcr->QuantumEnd) {
        pcr->QuantumEnd = FALSE;
        quantum_end_locked(current);
    }
    next = pcr->NextThread;
    if (next == NULL)
        return;
    pcr->NextThread = NULL;
    if (current != pcr->IdleThread)
        queue_ready(current);
    swap_context(next);
}

void ki_set_priority_locked(KTHREAD *thread, SCHAR priority)
{
    KPCR *pcr = KeGetPcr();
    SCHAR old = thread->Priority;

    if (thread->State == Ready) {
        unqueue_ready(thread);
        thread->Priority = priority;
        if (priority < old)
            queue_ready(thread);
        else
            ki_ready_thread_locked(thread);
        return;
    }
    thread->Priority = priority;
    if (priority >= old || highest_ready() <= priority)
        return;
    if (thread->State == Standby) {
        choose_next(take_ready(priority + 1));
        queue_ready(thread);
    } else if (thread->State == Running && pcr->NextThread == NULL) {
        choose_next(take_ready(priority + 1));
    }
}

void ke_ready_thread(KTHREAD *thread)
{
    KIRQL irql = ki_lock_dispatcher();

    ki_ready_thread_locked(thread);
    ki_unlock_dispatcher(irql);
}

BOOLEAN ke_yield(void)
{
    KIRQL irql = ki_lock_dispatcher();
    KTHREAD *current = ke_current_thread(), *next;
    BOOLEAN yielded = FALSE;

    if (current != KeGetPcr()->IdleThread && KeGetPcr()->NextThread == NULL &&
        highest_ready() >= current->Priority) {
        next = take_ready(current->Priority);
        queue_ready(current);
        swap_context(next);
        yielded = TRUE;
    }
    ki_unlock_dispatcher(irql);
    return yielded;
}

/* Starts the idle thread: the boot context never runs again. */
void ke_start_idle_thread(KTHREAD *idle, KPROCESS *process,
                          PKSTART_ROUTINE continue_boot)
{
    static hal_context boot_context;
    KPCR *pcr = KeGetPcr();

    ki_init_scheduler();
    if (!NT_SUCCESS(ke_init_thread(idle, process, continue_boot, NULL, 0)))
        KeBugCheckEx(INSTALL_MORE_MEMORY, mm_total_frames(), 0, 0, 0);
    idle->State = Running;
    pcr->IdleThread = idle;
    TR(tr_switch(idle));
    pcr->CurrentThread = idle;
    pcr->Irql = DISPATCH_LEVEL;
    hal_set_kernel_stack(idle->InitialStack);
    hal_context_switch(&boot_context, &idle->Context);
    KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, 0, 0, 0, 0);
}

KPRIORITY NTAPI KeQueryPriorityThread(PKTHREAD Thread)
{
    return Thread->Priority;
}

/* Sets the current priority (the base stays; a variable-priority thread
 * decays back to it). Returns the old one. */
KPRIORITY NTAPI KeSetPriorityThread(PKTHREAD Thread, KPRIORITY Priority)
{
    KIRQL irql = ki_lock_dispatcher();
    KPRIORITY old = Thread->Priority;

    if (Priority < 0)
        Priority = 0;
    if (Priority > HIGH_PRIORITY)
        Priority = HIGH_PRIORITY;
    if (Priority != old) {
        Thread->Quantum = THREAD_QUANTUM;
        ki_set_priority_locked(Thread, (SCHAR)Priority);
    }
    ki_unlock_dispatcher(irql);
    return old;
}

/*
 * Sets the base priority to the process's base plus Increment (clamped to
 * 1-15 for a variable-priority process, 16-31 for a real-time one) and
 * moves the current priority by as much. Returns the old increment.
 */
LONG NTAPI KeSetBasePriorityThread(PKTHREAD Thread, LONG Increment)
{
    KIRQL irql = ki_lock_dispatcher();
    LONG process_base = Thread->Process->BasePriority;
    LONG old_base = Thread->BasePriority, base = process_base + Increment;
    LONG low = process_base >= LOW_REALTIME_PRIORITY ? 16 : 1;
    LONG high = process_base >= LOW_REALTIME_PRIORITY ? 31 : 15;
    LONG priority;

    base = base < low ? low : base > high ? high : base;
    if (base >= LOW_REALTIME_PRIORITY || Increment >= 16 || Increment <= -16) {
        priority = base;
    } else {
        priority = Thread->Priority + (base - old_base);
        priority = priority > 15 ? 15 : priority < base ? base : priority;
    }
    Thread->BasePriority = (SCHAR)base;
    if (priority != Thread->Priority) {
        Thread->Quantum = THREAD_QUANTUM;
        ki_set_priority_locked(Thread, (SCHAR)priority);
    }
    ki_unlock_dispatcher(irql);
    return old_base - process_base;
}

PKTHREAD NTAPI KeGetCurrentThread(VOID)
{
    return ke_current_thread();
}

ULONG NTAPI KeGetCurrentProcessorNumber(VOID)
{
    return KeGetPcr()->Number;
}

/* A KAFFINITY: bit n for processor n. */
ULONG_PTR NTAPI KeQueryActiveProcessors(VOID)
{
    return 1;
}

KPROCESSOR_MODE NTAPI KeGetPreviousMode(VOID)
{
    return ke_current_thread()->PreviousMode;
}

KPROCESSOR_MODE NTAPI ExGetPreviousMode(VOID)
{
    return ke_current_thread()->PreviousMode;
}

/* ---- The idle thread ----------------------------------------------------- */

void ke_idle_loop(void)
{
    KPCR *pcr = KeGetPcr();
    ULONG idle_waits = 0; /* in a row, no thread woken */

    KfRaiseIrql(DISPATCH_LEVEL);
    for (;;) {
        pcr->PendingSoftware &= (UCHAR)~KI_PENDING_DISPATCH;
        ki_dispatch_interrupt();
        /* A DPC may have let a tick pass: expire before moving time on. */
        if (pcr->PendingSoftware & KI_PENDING_DISPATCH)
            continue;
        if (ready_summary != 0) {
            idle_waits = 0;
            swap_context(take_ready(0));
            continue;
        }
        if (++idle_waits > KI_IDLE_EXPIRIES || !ki_idle_wait())
            ke_report_hang();
    }
}
