/*
 * IRQL and spin locks: levels, what is held back while IRQL is high, and
 * the misuse that stops the system.
 */
#include "kt_util.h"

KTEST(irql, raise_and_lower_return_the_levels)
{
    KIRQL old, older;

    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, &old);
    KT_EXPECT_EQ(old, PASSIVE_LEVEL);
    KT_EXPECT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &older);
    KT_EXPECT_EQ(older, APC_LEVEL);
    KeLowerIrql(older);
    KT_EXPECT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeLowerIrql(old);
    old = KeRaiseIrqlToDpcLevel();
    KT_EXPECT_EQ(old, PASSIVE_LEVEL);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeRaiseIrql(HIGH_LEVEL, &older);
    KT_EXPECT_EQ(older, DISPATCH_LEVEL);
    KeLowerIrql(old);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static int dpc_runs;
static KIRQL dpc_irql;

static VOID count_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    dpc_runs++;
    dpc_irql = KeGetCurrentIrql();
}

/* The DISPATCH interrupt is held while IRQL is DISPATCH_LEVEL or above and
 * runs as soon as IRQL drops below it, here to APC_LEVEL. */
KTEST(irql, dispatch_interrupt_is_held_until_irql_drops)
{
    KDPC dpc;
    KIRQL old, apc;

    dpc_runs = 0;
    KeInitializeDpc(&dpc, count_dpc, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KT_EXPECT_EQ(dpc_runs, 0);
    KeLowerIrql(APC_LEVEL);
    KT_EXPECT_EQ(dpc_runs, 1);
    KT_EXPECT_EQ(dpc_irql, DISPATCH_LEVEL);
    KeRaiseIrql(CLOCK_LEVEL, &apc);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeLowerIrql(DISPATCH_LEVEL);
    KT_EXPECT_EQ(dpc_runs, 1);
    KeLowerIrql(old);
    KT_EXPECT_EQ(dpc_runs, 2);
}

KTEST(spinlock, acquire_raises_to_dispatch_level)
{
    KSPIN_LOCK lock;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    KT_EXPECT(KeTestSpinLock(&lock));
    KeAcquireSpinLock(&lock, &old);
    KT_EXPECT_EQ(old, PASSIVE_LEVEL);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_EXPECT(!KeTestSpinLock(&lock));
    KeReleaseSpinLock(&lock, old);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KT_EXPECT(KeTestSpinLock(&lock));
}

KTEST(spinlock, at_dpc_level_forms_leave_irql_alone)
{
    KSPIN_LOCK lock;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(&lock);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_EXPECT(!KeTryToAcquireSpinLockAtDpcLevel(&lock));
    KeReleaseSpinLockFromDpcLevel(&lock);
    KT_EXPECT(KeTryToAcquireSpinLockAtDpcLevel(&lock));
    KeReleaseSpinLockFromDpcLevel(&lock);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KeLowerIrql(old);
}

KTEST(spinlock, in_stack_queued)
{
    KSPIN_LOCK lock;
    KLOCK_QUEUE_HANDLE handle, inner;
    KIRQL old;

    KeInitializeSpinLock(&lock);
    KeAcquireInStackQueuedSpinLock(&lock, &handle);
    KT_EXPECT_EQ(handle.OldIrql, PASSIVE_LEVEL);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_EXPECT(!KeTestSpinLock(&lock));
    KeReleaseInStackQueuedSpinLock(&handle);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    old = KeRaiseIrqlToDpcLevel();
    KeAcquireInStackQueuedSpinLockAtDpcLevel(&lock, &inner);
    KT_EXPECT(!KeTestSpinLock(&lock));
    KeReleaseInStackQueuedSpinLockFromDpcLevel(&inner);
    KT_EXPECT(KeTestSpinLock(&lock));
    KeLowerIrql(old);
}

KTEST_STOP(spinlock, acquired_twice, SPIN_LOCK_ALREADY_OWNED)
{
    static KSPIN_LOCK lock;
    KIRQL old;

    ktest_expect_params(KTEST_P1, (ULONG_PTR)&lock, 0, 0, 0);
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLock(&lock, &old);
    KeAcquireSpinLock(&lock, &old);
}

KTEST_STOP(spinlock, released_when_not_held, SPIN_LOCK_NOT_OWNED)
{
    static KSPIN_LOCK lock;

    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)&lock, 0, 0, 0);
    KeInitializeSpinLock(&lock);
    KeReleaseSpinLock(&lock, PASSIVE_LEVEL);
}

KTEST_STOP(spinlock, at_dpc_level_from_passive, IRQL_NOT_GREATER_OR_EQUAL)
{
    static KSPIN_LOCK lock;

    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)&lock, PASSIVE_LEVEL, 0,
                        0);
    KeInitializeSpinLock(&lock);
    KeAcquireSpinLockAtDpcLevel(&lock);
}

KTEST_STOP(spinlock, acquire_above_dispatch_level, IRQL_NOT_GREATER_OR_EQUAL)
{
    static KSPIN_LOCK lock;
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2, CLOCK_LEVEL, DISPATCH_LEVEL, 0, 0);
    KeInitializeSpinLock(&lock);
    KeRaiseIrql(CLOCK_LEVEL, &old);
    KeAcquireSpinLock(&lock, &old);
}
