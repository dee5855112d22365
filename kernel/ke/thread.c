/*
 * Threads and the scheduler.
 *
 * Ready threads wait in one FIFO queue per priority (0-31); a summary word
 * has bit p set when queue p is not empty, so the highest ready priority is
 * one bit scan away. A switch happens at DISPATCH_LEVEL: the outgoing thread
 * saves its context where it stands and the incoming one resumes where it
 * stopped, with the page directory of its process loaded when that differs.
 *
 * This is the foundation's scheduler: threads run until they yield or end.
 * Quantum, preemption, waits and priority boosts come with the Ke issue.
 */
#include "ke.h"

#include "../mm/mm.h"

static LIST_ENTRY ready_queue[MAXIMUM_PRIORITY];
static ULONG ready_summary;
/* A thread that has ended and whose stack the next thread frees. */
static KTHREAD *dead_thread;

static void init_ready_queues(void)
{
    ULONG i;

    for (i = 0; i < MAXIMUM_PRIORITY; i++)
        InitializeListHead(&ready_queue[i]);
}

/* Runs on the incoming thread right after every switch. */
static void finish_switch(void)
{
    if (dead_thread != NULL) {
        mm_delete_kernel_stack(HAL_PTR_VA(dead_thread->InitialStack));
        dead_thread = NULL;
    }
}

/* The first code of every thread, at DISPATCH_LEVEL. */
static void thread_start(void *arg)
{
    KTHREAD *thread = arg;

    finish_switch();
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
    thread->InitialStack = HAL_VA_PTR(base);
    thread->StackLimit = HAL_VA_PTR(base - KERNEL_STACK_SIZE);
    hal_context_init(&thread->Context, thread->InitialStack, thread->StackLimit,
                     thread_start, thread);
    InitializeListHead(&thread->ApcState.ApcListHead[KernelMode]);
    InitializeListHead(&thread->ApcState.ApcListHead[UserMode]);
    thread->ApcState.Process = process;
    thread->Process = process;
    thread->State = Initialized;
    thread->Priority = thread->BasePriority = priority;
    thread->StartRoutine = start;
    thread->StartContext = context;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    InsertTailList(&process->ThreadListHead, &thread->ThreadListEntry);
    KfLowerIrql(irql);
    return STATUS_SUCCESS;
}

/* Queues thread at the tail of its priority's ready queue. DISPATCH_LEVEL. */
static void ready_locked(KTHREAD *thread)
{
    thread->State = Ready;
    InsertTailList(&ready_queue[thread->Priority], &thread->WaitListEntry);
    ready_summary |= 1u << thread->Priority;
}

void ke_ready_thread(KTHREAD *thread)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    ready_locked(thread);
    KfLowerIrql(irql);
}

/* Takes the highest-priority ready thread off its queue, or NULL. */
static KTHREAD *select_ready(void)
{
    ULONG priority;
    PLIST_ENTRY entry;

    if (ready_summary == 0)
        return NULL;
    priority = 31u - (ULONG)__builtin_clz(ready_summary);
    entry = RemoveHeadList(&ready_queue[priority]);
    if (IsListEmpty(&ready_queue[priority]))
        ready_summary &= ~(1u << priority);
    return CONTAINING_RECORD(entry, KTHREAD, WaitListEntry);
}

/* Switches from the current thread to next. DISPATCH_LEVEL. */
static void swap_context(KTHREAD *next)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *current = pcr->CurrentThread;

    next->State = Running;
    if (next == current)
        return;
    pcr->CurrentThread = next;
    pcr->ContextSwitches++;
    if (next->ApcState.Process != current->ApcState.Process)
        hal_mmu_activate(next->ApcState.Process->DirectoryTableBase);
    hal_set_kernel_stack(next->InitialStack);
    hal_context_switch(&current->Context, &next->Context);
    finish_switch();
}

void ke_yield(void)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    KTHREAD *current = KeGetPcr()->CurrentThread;

    KTHREAD *next;

    if (current != KeGetPcr()->IdleThread)
        ready_locked(current);
    next = select_ready();
    swap_context(next != NULL ? next : current);
    KfLowerIrql(irql);
}

void ke_terminate_thread(void)
{
    KTHREAD *current, *next;

    KfRaiseIrql(DISPATCH_LEVEL);
    current = KeGetPcr()->CurrentThread;
    current->State = Terminated;
    RemoveEntryList(&current->ThreadListEntry);
    dead_thread = current;
    next = select_ready();
    swap_context(next != NULL ? next : KeGetPcr()->IdleThread);
    /* Nothing switches back to a terminated thread. */
    __builtin_unreachable();
}

void ke_start_idle_thread(KTHREAD *idle, KPROCESS *process,
                          PKSTART_ROUTINE continue_boot)
{
    static hal_context boot_context;
    KPCR *pcr = KeGetPcr();

    init_ready_queues();
    if (!NT_SUCCESS(ke_init_thread(idle, process, continue_boot, NULL, 0)))
        KeBugCheckEx(INSTALL_MORE_MEMORY, mm_total_frames(), 0, 0, 0);
    idle->State = Running;
    pcr->IdleThread = idle;
    pcr->CurrentThread = idle;
    pcr->Irql = DISPATCH_LEVEL;
    hal_set_kernel_stack(idle->InitialStack);
    hal_context_switch(&boot_context, &idle->Context);
    KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, 0, 0, 0, 0);
}

void ke_idle_loop(void)
{
    static const char message[] =
        "ntlab: every thread has ended or is waiting, and nothing can wake "
        "them\n";
    KTHREAD *next;

    KfRaiseIrql(DISPATCH_LEVEL);
    for (;;) {
        next = select_ready();
        if (next == NULL) {
            hal_console_write(message, sizeof message - 1);
            hal_power_off(KE_STOP_EXIT_STATUS);
        }
        swap_context(next);
    }
}

PKTHREAD NTAPI KeGetCurrentThread(VOID)
{
    return KeGetPcr()->CurrentThread;
}

void ke_init_process(KPROCESS *process, ULONG directory_pfn)
{
    process->DirectoryTableBase = directory_pfn;
    InitializeListHead(&process->ThreadListHead);
    process->BasePriority = 8;
}
