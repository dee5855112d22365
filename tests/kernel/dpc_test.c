/*
 * DPCs: when they run, at what IRQL, in which context, in what order.
 */
#include "kt_util.h"

static struct {
    int runs;
    KIRQL irql;
    PEPROCESS process;
    PKTHREAD thread;
    BOOLEAN in_dpc;
    ULONG processor;
    PVOID args[3];
    char order[8];
} seen;

static VOID record_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    seen.order[seen.runs++] = (char)(ULONG_PTR)ctx;
    seen.irql = KeGetCurrentIrql();
    seen.process = PsGetCurrentProcess();
    seen.thread = KeGetCurrentThread();
    seen.in_dpc = KeIsExecutingDpc();
    seen.processor = KeGetCurrentProcessorNumber();
    seen.args[0] = ctx;
    seen.args[1] = a1;
    seen.args[2] = a2;
}

static void reset(void)
{
    RtlZeroMemory(&seen, sizeof seen);
}

/* One processor (ntlab has no --cpus yet): number 0, the only bit of the
 * active set, for threads and DPCs alike. */
KTEST(dpc, one_processor_runs_threads_and_dpcs)
{
    KDPC dpc;

    reset();
    seen.processor = 0xFFFFFFFF;
    KT_EXPECT_EQ(KeQueryActiveProcessors(), 1);
    KT_EXPECT_EQ(KeGetCurrentProcessorNumber(), 0);
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'p');
    KT_EXPECT(KeInsertQueueDpc(&dpc, NULL, NULL));
    KT_EXPECT_EQ(seen.runs, 1);
    KT_EXPECT_EQ(seen.processor, 0);
}

/* Queued at PASSIVE_LEVEL, a DPC runs before KeInsertQueueDpc returns. */
KTEST(dpc, runs_at_once_from_passive_level)
{
    KDPC dpc;

    reset();
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'a');
    KT_EXPECT(KeInsertQueueDpc(&dpc, (PVOID)11, (PVOID)22));
    KT_EXPECT_EQ(seen.runs, 1);
    KT_EXPECT_EQ(seen.irql, DISPATCH_LEVEL);
    KT_EXPECT(seen.in_dpc);
    KT_EXPECT(!KeIsExecutingDpc());
    KT_EXPECT_PTR_EQ(seen.args[1], 11);
    KT_EXPECT_PTR_EQ(seen.args[2], 22);
    KT_EXPECT_PTR_EQ(seen.thread, KeGetCurrentThread());
}

/* A DPC runs in whatever context is current: here a thread attached to
 * another process, so the DPC sees that process. */
KTEST(dpc, runs_in_the_process_that_was_current)
{
    static EPROCESS *other;
    KAPC_STATE state;
    KDPC dpc;
    KIRQL old;

    reset();
    KT_ASSERT((other = kt_make_process("other")) != NULL);
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'a');
    KeStackAttachProcess(&other->Pcb, &state);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KT_EXPECT_EQ(seen.runs, 0);
    KeLowerIrql(old);
    KeUnstackDetachProcess(&state);
    KT_EXPECT_EQ(seen.runs, 1);
    KT_EXPECT_PTR_EQ(seen.process, other);
    KT_EXPECT_PTR_EQ(seen.thread, KeGetCurrentThread());
    kt_delete_process(other);
}

KTEST(dpc, queued_once_until_it_runs)
{
    KDPC dpc;
    KIRQL old;

    reset();
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'a');
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KT_EXPECT(KeInsertQueueDpc(&dpc, (PVOID)1, NULL));
    KT_EXPECT(!KeInsertQueueDpc(&dpc, (PVOID)2, NULL));
    KeLowerIrql(old);
    KT_EXPECT_EQ(seen.runs, 1);
    KT_EXPECT_PTR_EQ(seen.args[1], 1); /* the second insert changed nothing */
    KT_EXPECT(KeInsertQueueDpc(&dpc, NULL, NULL));
    KT_EXPECT_EQ(seen.runs, 2);
}

KTEST(dpc, removed_before_it_runs)
{
    KDPC dpc;
    KIRQL old;

    reset();
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'a');
    KT_EXPECT(!KeRemoveQueueDpc(&dpc));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KT_EXPECT(KeRemoveQueueDpc(&dpc));
    KT_EXPECT(!KeRemoveQueueDpc(&dpc));
    KeLowerIrql(old);
    KT_EXPECT_EQ(seen.runs, 0);
}

/* High importance goes to the head of the queue, the rest to the tail. */
KTEST(dpc, importance_orders_the_queue)
{
    KDPC a, b, c;
    KIRQL old;

    reset();
    KeInitializeDpc(&a, record_dpc, (PVOID)'a');
    KeInitializeDpc(&b, record_dpc, (PVOID)'b');
    KeInitializeDpc(&c, record_dpc, (PVOID)'c');
    KeSetImportanceDpc(&c, HighImportance);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeInsertQueueDpc(&a, NULL, NULL);
    KeInsertQueueDpc(&b, NULL, NULL);
    KeInsertQueueDpc(&c, NULL, NULL);
    KeLowerIrql(old);
    KT_EXPECT_STR_EQ(seen.order, "cab");
}

/* A low-importance DPC does not ask for the interrupt: it runs at the next
 * clock tick. */
KTEST(dpc, low_importance_waits_for_the_clock)
{
    KDPC dpc;
    LARGE_INTEGER before, after;

    reset();
    KeInitializeDpc(&dpc, record_dpc, (PVOID)'a');
    KeSetImportanceDpc(&dpc, LowImportance);
    KeQueryTickCount(&before);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KT_EXPECT_EQ(seen.runs, 0);
    KeStallExecutionProcessor(20000);
    KeQueryTickCount(&after);
    KT_EXPECT(after.QuadPart > before.QuadPart);
    KT_EXPECT_EQ(seen.runs, 1);
}

static KDPC again;
static int again_runs;

static VOID queue_again(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    if (++again_runs < 3)
        KeInsertQueueDpc(dpc, NULL, NULL);
}

/* A DPC is off the queue while its routine runs, so it can queue itself. */
KTEST(dpc, may_queue_itself_again)
{
    again_runs = 0;
    KeInitializeDpc(&again, queue_again, NULL);
    KeInsertQueueDpc(&again, NULL, NULL);
    KT_EXPECT_EQ(again_runs, 3);
}

static VOID lower_irql_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    KeLowerIrql(PASSIVE_LEVEL);
    KeRaiseIrql(APC_LEVEL, (KIRQL *)&seen.irql);
}

/* A DPC routine must return at DISPATCH_LEVEL. */
KTEST_STOP(dpc, returns_at_another_irql, IRQL_UNEXPECTED_VALUE)
{
    static KDPC dpc;

    ktest_expect_params(KTEST_P1 | KTEST_P2,
                        (APC_LEVEL << 16) | (DISPATCH_LEVEL << 8),
                        (ULONG_PTR)lower_irql_dpc, 0, 0);
    KeInitializeDpc(&dpc, lower_irql_dpc, NULL);
    KeInsertQueueDpc(&dpc, NULL, NULL);
}
