/*
 * The scheduler: priorities, preemption (also from a DPC), round robin,
 * boosts, and a run that repeats exactly for the same seed.
 */
#include "kt_util.h"

/* What ran, in order: one letter per step. */
static char trail[64];
static int trail_length;

static void step(char c)
{
    if (trail_length + 1 < (int)sizeof trail)
        trail[trail_length++] = c;
    trail[trail_length] = '\0';
}

static void reset_trail(void)
{
    trail_length = 0;
    trail[0] = '\0';
}

static KEVENT wake;

static void wait_then_step(PVOID letter)
{
    KeWaitForSingleObject(&wake, Executive, KernelMode, FALSE, NULL);
    step((char)(ULONG_PTR)letter);
}

static VOID set_wake_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    step('d');
    KeSetEvent(&wake, IO_NO_INCREMENT, FALSE);
    step('D');
}

/* A higher-priority thread readied from a DPC runs as soon as the DPC is
 * done, before the thread the DPC interrupted resumes. */
KTEST(sched, thread_readied_by_a_dpc_runs_before_the_dpc_thread)
{
    ETHREAD *high;
    KDPC dpc;

    reset_trail();
    KeInitializeEvent(&wake, SynchronizationEvent, FALSE);
    high = kt_start_thread(wait_then_step, (PVOID)'H', 12);
    KT_ASSERT(high != NULL);
    KT_EXPECT_EQ(high->Tcb.State, Waiting);
    KeInitializeDpc(&dpc, set_wake_dpc, NULL);
    step('a');
    KeInsertQueueDpc(&dpc, NULL, NULL);
    step('z');
    kt_join(high);
    KT_EXPECT_STR_EQ(trail, "adDHz");
}

static void just_step(PVOID letter)
{
    step((char)(ULONG_PTR)letter);
}

KTEST(sched, higher_priority_preempts_at_once)
{
    ETHREAD *t;

    reset_trail();
    step('a');
    t = kt_start_thread(just_step, (PVOID)'h', 9);
    step('z');
    kt_join(t);
    KT_EXPECT_STR_EQ(trail, "ahz");
}

KTEST(sched, lower_priority_waits_until_the_cpu_is_free)
{
    ETHREAD *t;

    reset_trail();
    t = kt_start_thread(just_step, (PVOID)'l', 6);
    step('a');
    KeStallExecutionProcessor(100000); /* ten ticks of work */
    step('z');
    kt_join(t);
    KT_EXPECT_STR_EQ(trail, "azl");
}

/* A zero delay yields to a ready thread of the same priority. */
KTEST(sched, zero_delay_yields_to_a_peer)
{
    LARGE_INTEGER zero = kt_relative(0);
    ETHREAD *t;

    reset_trail();
    t = kt_start_thread(just_step, (PVOID)'p', 8);
    step('a');
    KT_EXPECT_EQ(KeDelayExecutionThread(KernelMode, FALSE, &zero),
                 STATUS_SUCCESS);
    step('z');
    kt_join(t);
    KT_EXPECT_STR_EQ(trail, "apz");
}

static void busy_steps(PVOID letter)
{
    int i;

    for (i = 0; i < 8; i++) {
        step((char)(ULONG_PTR)letter);
        KeStallExecutionProcessor(10000); /* about one tick */
    }
}

/* Equal priorities take turns at quantum end (two ticks). */
KTEST(sched, round_robin_at_equal_priority)
{
    ETHREAD *a = kt_start_thread(busy_steps, (PVOID)'a', 8);
    ETHREAD *b = kt_start_thread(busy_steps, (PVOID)'b', 8);
    int i, run = 1, longest = 1, switches = 0;

    reset_trail();
    kt_join(a);
    kt_join(b);
    for (i = 1; i < trail_length; i++) {
        run = trail[i] == trail[i - 1] ? run + 1 : 1;
        switches += trail[i] != trail[i - 1];
        longest = run > longest ? run : longest;
    }
    KT_EXPECT_EQ(trail_length, 16);
    KT_EXPECT(switches >= 4);
    KT_EXPECT(longest <= 3);
}

static PKTHREAD self;

static void sleep_briefly(PVOID unused)
{
    LARGE_INTEGER delay = kt_relative(KT_MS(5));

    UNREFERENCED_PARAMETER(unused);
    KeDelayExecutionThread(KernelMode, FALSE, &delay);
}

KTEST(sched, set_and_query_priority)
{
    PKTHREAD thread = KeGetCurrentThread();

    self = thread;
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 8);
    KT_EXPECT_EQ(KeSetPriorityThread(thread, 11), 8);
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 11);
    KT_EXPECT_EQ(KeSetPriorityThread(thread, 8), 11);
    /* The base moves the priority by as much, within 1-15. */
    KT_EXPECT_EQ(KeSetBasePriorityThread(thread, 2), 0);
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 10);
    KT_EXPECT_EQ(KeSetBasePriorityThread(thread, 20), 2);
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 15);
    KT_EXPECT_EQ(KeSetBasePriorityThread(thread, 0), 7);
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 8);
    kt_join(kt_start_thread(sleep_briefly, NULL, 8));
}

static KPRIORITY woken_at, later_at;

static void wait_and_watch_priority(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeWaitForSingleObject(&wake, Executive, KernelMode, FALSE, NULL);
    woken_at = KeQueryPriorityThread(KeGetCurrentThread());
    KeStallExecutionProcessor(200000); /* many quanta */
    later_at = KeQueryPriorityThread(KeGetCurrentThread());
}

/* A variable-priority thread whose wait a signal satisfies is boosted by
 * the signal's increment, then decays back one level per quantum. */
KTEST(sched, wait_satisfaction_boosts_then_decays)
{
    ETHREAD *t;

    KeInitializeEvent(&wake, SynchronizationEvent, FALSE);
    t = kt_start_thread(wait_and_watch_priority, NULL, 8);
    KeDelayExecutionThread(KernelMode, FALSE, &(LARGE_INTEGER){.QuadPart = -1});
    KeSetEvent(&wake, 4, FALSE);
    kt_join(t);
    KT_EXPECT_EQ(woken_at, 12);
    KT_EXPECT_EQ(later_at, 8);
}

/* The idle thread runs when nothing else can, and the clock moves on. */
KTEST(sched, idle_thread_runs_the_clock_forward)
{
    LARGE_INTEGER delay = kt_relative(KT_MS(1000));
    ULONGLONG before = KeQueryInterruptTime();
    ULONG switches = KeGetPcr()->ContextSwitches;

    KeDelayExecutionThread(KernelMode, FALSE, &delay);
    KT_EXPECT(KeQueryInterruptTime() - before >= 10000000);
    KT_EXPECT(KeGetPcr()->ContextSwitches >= switches + 2);
}

static void mixed_work(PVOID letter)
{
    ULONG i;

    for (i = 0; i < 6; i++) {
        step((char)(ULONG_PTR)letter);
        KeStallExecutionProcessor(3000 + 1000 * i);
        (void)KeQueryInterruptTime();
    }
}

/*
 * Three threads share the CPU; the order they ran in depends on where the
 * clock's ticks fall, which the seed decides. tests/ke.t boots twice with
 * the same seed and compares the trails printed here.
 */
KTEST(sched, run_is_determined_by_the_seed)
{
    static ULONG switches[512];
    ETHREAD *t[3];
    ULONG i, first = ke_switch_trace(0, NULL, 0), last, hash = 2166136261u;

    reset_trail();
    for (i = 0; i < 3; i++)
        t[i] = kt_start_thread(mixed_work, (PVOID)(ULONG_PTR)('a' + i), 8);
    for (i = 0; i < 3; i++)
        kt_join(t[i]);
    last = ke_switch_trace(first, switches, ARRAYSIZE(switches));
    KT_ASSERT(last - first <= ARRAYSIZE(switches));
    for (i = 0; i < last - first; i++)
        hash = (hash ^ switches[i]) * 16777619u;
    ktest_note("trail %s, %u context switches, hash %08X", trail, last - first,
               hash);
    KT_EXPECT_EQ(trail_length, 18);
    KT_EXPECT(last - first >= 6);
}

KTEST_HANG(sched, every_thread_waiting_is_a_hang)
{
    static KEVENT never;

    KeInitializeEvent(&never, NotificationEvent, FALSE);
    KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, NULL);
}

static void step_and_end(PVOID letter)
{
    step((char)(ULONG_PTR)letter);
}

/* A preempted thread goes back to the head of its ready queue, ahead of
 * the peers that were waiting already. */
KTEST(sched, preempted_thread_resumes_before_its_peers)
{
    ETHREAD *peer, *high;

    reset_trail();
    peer = kt_start_thread(step_and_end, (PVOID)'b', 8);
    high = kt_start_thread(step_and_end, (PVOID)'H', 12);
    step('m');
    kt_join(peer);
    kt_join(high);
    KT_EXPECT_STR_EQ(trail, "Hmb");
}

/* Sleep(0) drops a boosted thread to its base priority first. */
KTEST(sched, zero_delay_drops_to_the_base_priority)
{
    LARGE_INTEGER zero = kt_relative(0);
    PKTHREAD thread = KeGetCurrentThread();

    KeSetPriorityThread(thread, 11);
    KeDelayExecutionThread(KernelMode, FALSE, &zero);
    KT_EXPECT_EQ(KeQueryPriorityThread(thread), 8);
}

static void end_at_dispatch_level(PVOID unused)
{
    static KSPIN_LOCK lock;
    KIRQL old;

    UNREFERENCED_PARAMETER(unused);
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
}

/* A thread that returns holding a spin lock (at DISPATCH_LEVEL). */
KTEST_STOP(sched, thread_ends_holding_a_spin_lock,
           KERNEL_APC_PENDING_DURING_EXIT)
{
    ktest_expect_params(KTEST_P3, 0, 0, DISPATCH_LEVEL, 0);
    kt_join(kt_start_thread(end_at_dispatch_level, NULL, 9));
}

static void end_in_critical_region(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeEnterCriticalRegion();
}

KTEST_STOP(sched, thread_ends_in_a_critical_region,
           KERNEL_APC_PENDING_DURING_EXIT)
{
    ktest_expect_params(KTEST_P2 | KTEST_P3, 0, (ULONG_PTR)(LONG)-1,
                        PASSIVE_LEVEL, 0);
    kt_join(kt_start_thread(end_in_critical_region, NULL, 9));
}
