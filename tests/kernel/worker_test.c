/*
 * System worker threads: where and how ExQueueWorkItem's routines run.
 */
#include "kt_util.h"

static struct {
    char order[8];
    int runs;
    KIRQL irql;
    PEPROCESS process;
    PKTHREAD thread;
    KEVENT done;
} seen;

static VOID record_item(PVOID parameter)
{
    seen.order[seen.runs++] = (char)(ULONG_PTR)parameter;
    seen.irql = KeGetCurrentIrql();
    seen.process = PsGetCurrentProcess();
    seen.thread = KeGetCurrentThread();
    if (seen.runs == 3)
        KeSetEvent(&seen.done, IO_NO_INCREMENT, FALSE);
}

static void reset(void)
{
    RtlZeroMemory(&seen, sizeof seen);
    KeInitializeEvent(&seen.done, NotificationEvent, FALSE);
}

/* Items run in order, at PASSIVE_LEVEL, in the System process, on a
 * worker thread, even when queued by a thread attached elsewhere. */
KTEST(worker, items_run_in_order_in_the_system_process)
{
    static EPROCESS *other;
    WORK_QUEUE_ITEM item[3];
    KAPC_STATE state;
    int i;

    reset();
    KT_ASSERT((other = kt_make_process("other")) != NULL);
    KeStackAttachProcess(&other->Pcb, &state);
    for (i = 0; i < 3; i++) {
        ExInitializeWorkItem(&item[i], record_item,
                             (PVOID)(ULONG_PTR)('a' + i));
        ExQueueWorkItem(&item[i], DelayedWorkQueue);
    }
    KeUnstackDetachProcess(&state);
    KeWaitForSingleObject(&seen.done, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT_STR_EQ(seen.order, "abc");
    KT_EXPECT_EQ(seen.irql, PASSIVE_LEVEL);
    KT_EXPECT_PTR_EQ(seen.process, PsInitialSystemProcess);
    KT_EXPECT(seen.thread != KeGetCurrentThread());
    kt_delete_process(other);
}

static WORK_QUEUE_ITEM dpc_items[3];

static VOID queue_from_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    int i;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    for (i = 0; i < 3; i++) {
        ExInitializeWorkItem(&dpc_items[i], record_item,
                             (PVOID)(ULONG_PTR)('x' + i));
        ExQueueWorkItem(&dpc_items[i], CriticalWorkQueue);
    }
}

/* The usual way out of DISPATCH_LEVEL: a DPC queues the work that needs
 * PASSIVE_LEVEL. */
KTEST(worker, a_dpc_hands_work_to_passive_level)
{
    KDPC dpc;

    reset();
    KeInitializeDpc(&dpc, queue_from_dpc, NULL);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeWaitForSingleObject(&seen.done, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT_STR_EQ(seen.order, "xyz");
    KT_EXPECT_EQ(seen.irql, PASSIVE_LEVEL);
}

static VOID return_raised(PVOID parameter)
{
    KIRQL old;

    UNREFERENCED_PARAMETER(parameter);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
}

KTEST_STOP(worker, routine_returning_at_dispatch_level,
           WORKER_THREAD_RETURNED_AT_BAD_IRQL)
{
    static WORK_QUEUE_ITEM item;
    LARGE_INTEGER delay = kt_relative(KT_MS(50));

    ExInitializeWorkItem(&item, return_raised, (PVOID)0x1234);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
                        (ULONG_PTR)return_raised, DISPATCH_LEVEL, 0x1234,
                        (ULONG_PTR)&item);
    ExQueueWorkItem(&item, DelayedWorkQueue);
    KeDelayExecutionThread(KernelMode, FALSE, &delay);
}

KTEST_STOP(worker, item_queued_twice, WORKER_INVALID)
{
    static WORK_QUEUE_ITEM item;

    ExInitializeWorkItem(&item, record_item, NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, 1, (ULONG_PTR)&item,
                        DelayedWorkQueue, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &seen.irql); /* so the worker cannot run */
    ExQueueWorkItem(&item, DelayedWorkQueue);
    ExQueueWorkItem(&item, DelayedWorkQueue);
}
