/*
 * Timers and time on the virtual clock.
 */
#include "kt_util.h"

KTEST(time, increment_tick_count_and_interrupt_time_agree)
{
    LARGE_INTEGER t0, t1;
    ULONGLONG i0, i1;

    KT_EXPECT_EQ(KeQueryTimeIncrement(), 100144);
    KeQueryTickCount(&t0);
    i0 = KeQueryInterruptTime();
    KeStallExecutionProcessor(50000); /* five ticks */
    KeQueryTickCount(&t1);
    i1 = KeQueryInterruptTime();
    KT_EXPECT(t1.QuadPart - t0.QuadPart >= 4 && t1.QuadPart - t0.QuadPart <= 6);
    KT_EXPECT_EQ(i1 - i0, (ULONGLONG)(t1.QuadPart - t0.QuadPart) *
                              KeQueryTimeIncrement());
}

/* The virtual machine's clock starts at 2000-01-01 and follows interrupt
 * time. */
KTEST(time, system_time_follows_interrupt_time)
{
    LARGE_INTEGER now;
    ULONGLONG it;

    KeQuerySystemTime(&now);
    it = KeQueryInterruptTime();
    KT_EXPECT_EQ((ULONGLONG)now.QuadPart - it, 125911584000000000ull);
}

KTEST(time, delay_waits_at_least_the_interval)
{
    LARGE_INTEGER delay = kt_relative(KT_MS(100));
    ULONGLONG before = KeQueryInterruptTime();

    KT_EXPECT_EQ(KeDelayExecutionThread(KernelMode, FALSE, &delay),
                 STATUS_SUCCESS);
    KT_EXPECT(KeQueryInterruptTime() - before >= 1000000);
    KT_EXPECT(KeQueryInterruptTime() - before < 1000000 + 2 * 100144);
}

KTEST(timer, signals_when_due)
{
    KTIMER timer;
    LARGE_INTEGER due = kt_relative(KT_MS(30));

    KeInitializeTimer(&timer);
    KT_EXPECT(!KeReadStateTimer(&timer));
    KT_EXPECT(!KeSetTimer(&timer, due, NULL));
    KT_EXPECT(!KeReadStateTimer(&timer));
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
    KT_EXPECT(KeReadStateTimer(&timer));
    /* A notification timer stays signalled. */
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
}

KTEST(timer, set_and_cancel_report_whether_it_was_set)
{
    KTIMER timer;
    LARGE_INTEGER due = kt_relative(KT_MS(500));

    KeInitializeTimer(&timer);
    KT_EXPECT(!KeCancelTimer(&timer));
    KT_EXPECT(!KeSetTimer(&timer, due, NULL));
    KT_EXPECT(KeSetTimer(&timer, due, NULL));
    KT_EXPECT(KeCancelTimer(&timer));
    KT_EXPECT(!KeCancelTimer(&timer));
    KT_EXPECT(!KeReadStateTimer(&timer));
}

KTEST(timer, synchronization_timer_resets_on_wait)
{
    KTIMER timer;
    LARGE_INTEGER zero = kt_relative(0), due = kt_relative(KT_MS(20));

    KeInitializeTimerEx(&timer, SynchronizationTimer);
    KeSetTimer(&timer, due, NULL);
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
    KT_EXPECT(!KeReadStateTimer(&timer));
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, &zero),
        STATUS_TIMEOUT);
}

static struct {
    char order[8];
    int n;
    LARGE_INTEGER time;
    KIRQL irql;
    BOOLEAN in_dpc;
} fired;

static VOID timer_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    fired.order[fired.n++] = (char)(ULONG_PTR)ctx;
    fired.time.LowPart = (ULONG)(ULONG_PTR)a1;
    fired.time.HighPart = (LONG)(ULONG_PTR)a2;
    fired.irql = KeGetCurrentIrql();
    fired.in_dpc = KeIsExecutingDpc();
}

/* Timers set in any order fire in the order they are due. */
KTEST(timer, fire_in_due_time_order)
{
    KTIMER t[3];
    KDPC d[3];
    static const LONG ms[3] = {70, 20, 45};
    static const char names[3] = {'c', 'a', 'b'};
    LARGE_INTEGER now;
    int i;

    RtlZeroMemory(&fired, sizeof fired);
    for (i = 0; i < 3; i++) {
        KeInitializeTimer(&t[i]);
        KeInitializeDpc(&d[i], timer_dpc, (PVOID)(ULONG_PTR)names[i]);
        KeSetTimer(&t[i], kt_relative(KT_MS(ms[i])), &d[i]);
    }
    KeWaitForSingleObject(&t[0], Executive, KernelMode, FALSE, NULL);
    KeQuerySystemTime(&now);
    KT_EXPECT_STR_EQ(fired.order, "abc");
    KT_EXPECT_EQ(fired.irql, DISPATCH_LEVEL);
    KT_EXPECT(fired.in_dpc);
    /* The DPC's arguments are the system time at expiry. */
    KT_EXPECT(fired.time.QuadPart <= now.QuadPart);
    KT_EXPECT(now.QuadPart - fired.time.QuadPart < 2 * 100144);
}

KTEST(timer, periodic_timer_fires_again)
{
    KTIMER timer;
    KDPC dpc;
    int i;

    RtlZeroMemory(&fired, sizeof fired);
    KeInitializeTimerEx(&timer, SynchronizationTimer);
    KeInitializeDpc(&dpc, timer_dpc, (PVOID)'p');
    KeSetTimerEx(&timer, kt_relative(KT_MS(10)), 25, &dpc);
    for (i = 0; i < 4; i++)
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT(KeCancelTimer(&timer));
    KT_EXPECT_EQ(fired.n, 4);
    KT_EXPECT_STR_EQ(fired.order, "pppp");
}

/* An absolute due time is a system time; one in the past fires at once. */
KTEST(timer, absolute_due_times)
{
    KTIMER timer;
    KDPC dpc;
    LARGE_INTEGER now, due;

    RtlZeroMemory(&fired, sizeof fired);
    KeInitializeTimer(&timer);
    KeInitializeDpc(&dpc, timer_dpc, (PVOID)'x');
    KeQuerySystemTime(&now);
    due.QuadPart = now.QuadPart + 300000; /* 30 ms from now */
    KeSetTimer(&timer, due, &dpc);
    KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL);
    KeQuerySystemTime(&now);
    KT_EXPECT(now.QuadPart >= due.QuadPart);
    KT_EXPECT_EQ(fired.n, 1);
    due.QuadPart = now.QuadPart - 10;
    KT_EXPECT(!KeSetTimer(&timer, due, &dpc));
    KT_EXPECT(KeReadStateTimer(&timer));
    KT_EXPECT_EQ(fired.n, 2);
}

static LONGLONG expiry_times[4];
static int expiries;

static VOID note_expiry(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    LARGE_INTEGER t;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    t.LowPart = (ULONG)(ULONG_PTR)a1;
    t.HighPart = (LONG)(ULONG_PTR)a2;
    if (expiries < 4)
        expiry_times[expiries++] = t.QuadPart;
}

/* Expiries of a periodic timer are a period apart (and at most a tick
 * more: timers expire at clock ticks). */
KTEST(timer, periodic_expiries_are_a_period_apart)
{
    KTIMER timer;
    KDPC dpc;
    int i;

    expiries = 0;
    KeInitializeTimerEx(&timer, SynchronizationTimer);
    KeInitializeDpc(&dpc, note_expiry, NULL);
    KeSetTimerEx(&timer, kt_relative(KT_MS(10)), 40, &dpc);
    for (i = 0; i < 4; i++)
        KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL);
    KeCancelTimer(&timer);
    KT_ASSERT_EQ(expiries, 4);
    for (i = 1; i < 4; i++) {
        LONGLONG gap = expiry_times[i] - expiry_times[i - 1];

        KT_EXPECT(gap >= 400000);
        KT_EXPECT(gap <= 400000 + 100144);
    }
}

static KTIMER slow_timer;
static KDPC slow_dpc;

static VOID stall_in_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    KeStallExecutionProcessor(15000);
}

/* A timer that comes due while the idle CPU runs a slow DPC still fires at
 * the first tick after it is due. */
KTEST(timer, due_during_a_slow_dpc_fires_on_time)
{
    KTIMER timer;
    ULONGLONG start = KeQueryInterruptTime(), due = start + 350000;

    KeInitializeTimer(&slow_timer);
    KeInitializeDpc(&slow_dpc, stall_in_dpc, NULL);
    KeInitializeTimer(&timer);
    KeSetTimer(&slow_timer, kt_relative(KT_MS(30)), &slow_dpc);
    KeSetTimer(&timer, kt_relative(KT_MS(35)), NULL);
    KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT(KeQueryInterruptTime() >= due);
    KT_EXPECT(KeQueryInterruptTime() <= due + 2 * 100144);
}

/* Stalling with the clock held off does not hang: the ticks are taken
 * when IRQL drops. */
KTEST(time, stall_at_high_level_takes_the_ticks_later)
{
    LARGE_INTEGER before, during, after;
    KIRQL old;

    KeQueryTickCount(&before);
    KeRaiseIrql(HIGH_LEVEL, &old);
    KeStallExecutionProcessor(30000);
    KeQueryTickCount(&during);
    KeLowerIrql(old);
    KeQueryTickCount(&after);
    KT_EXPECT_EQ(during.QuadPart, before.QuadPart);
    KT_EXPECT(after.QuadPart > before.QuadPart);
}
