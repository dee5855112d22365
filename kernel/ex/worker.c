/*
 * System worker threads: ExQueueWorkItem.
 *
 * One thread per queue (critical, delayed, hypercritical) waits on a
 * semaphore that counts the items queued and runs them in order, at
 * PASSIVE_LEVEL in the System process. A routine that returns with IRQL
 * raised stops the system with WORKER_THREAD_RETURNED_AT_BAD_IRQL (0xE1);
 * one that returns attached to another process, with
 * INVALID_PROCESS_ATTACH_ATTEMPT (0x5), as NT checks both.
 */
#include "ex.h"

#include "../ke/ke.h"
#include "../ps/ps.h"

typedef struct work_queue {
    LIST_ENTRY items; /* DISPATCH_LEVEL */
    KSEMAPHORE count;
    KPRIORITY priority;
} work_queue;

static work_queue queues[MaximumWorkQueue];

static void run_item(WORK_QUEUE_ITEM *item)
{
    PWORKER_THREAD_ROUTINE routine = item->WorkerRoutine;
    PVOID parameter = item->Parameter;
    KTHREAD *thread = ke_current_thread();
    KIRQL irql;

    /* The item may be freed or queued again by its routine. */
    item->List.Flink = NULL;
    routine(parameter);
    irql = KeGetCurrentIrql();
    if (irql != PASSIVE_LEVEL)
        KeBugCheckEx(WORKER_THREAD_RETURNED_AT_BAD_IRQL, (ULONG_PTR)routine,
                     irql, (ULONG_PTR)parameter, (ULONG_PTR)item);
    if (thread->ApcStateIndex != OriginalApcEnvironment)
        KeBugCheckEx(INVALID_PROCESS_ATTACH_ATTEMPT, (ULONG_PTR)routine,
                     (ULONG_PTR)thread->ApcState.Process, 0, 0);
}

static VOID worker_thread(PVOID context)
{
    work_queue *q = context;
    WORK_QUEUE_ITEM *item;
    KIRQL irql;

    KeSetPriorityThread(ke_current_thread(), q->priority);
    for (;;) {
        KeWaitForSingleObject(&q->count, Executive, KernelMode, FALSE, NULL);
        irql = KfRaiseIrql(DISPATCH_LEVEL);
        item =
            CONTAINING_RECORD(RemoveHeadList(&q->items), WORK_QUEUE_ITEM, List);
        KfLowerIrql(irql);
        run_item(item);
    }
}

PWORK_QUEUE_ITEM ex_queued_work_item(const void *lo, const void *hi)
{
    PWORK_QUEUE_ITEM found = NULL;
    PLIST_ENTRY e;
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG i;

    for (i = 0; i < MaximumWorkQueue && found == NULL; i++)
        for (e = queues[i].items.Flink; e != &queues[i].items && found == NULL;
             e = e->Flink)
            if ((const void *)e >= lo && (const void *)e < hi)
                found = CONTAINING_RECORD(e, WORK_QUEUE_ITEM, List);
    KfLowerIrql(irql);
    return found;
}

void ex_init_workers(void)
{
    static const KPRIORITY priority[MaximumWorkQueue] = {13, 12, 15};
    ULONG i;

    for (i = 0; i < MaximumWorkQueue; i++) {
        InitializeListHead(&queues[i].items);
        KeInitializeSemaphore(&queues[i].count, 0, MAXLONG);
        queues[i].priority = priority[i];
        if (!NT_SUCCESS(
                ps_create_system_thread(worker_thread, &queues[i], NULL)))
            KeBugCheckEx(PHASE1_INITIALIZATION_FAILED,
                         STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    }
}

VOID NTAPI ExQueueWorkItem(PWORK_QUEUE_ITEM WorkItem, WORK_QUEUE_TYPE QueueType)
{
    KIRQL irql = KeGetCurrentIrql();
    work_queue *q;

    if (irql > DISPATCH_LEVEL)
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, (ULONG_PTR)WorkItem, irql, 0,
                     (ULONG_PTR)__builtin_return_address(0));
    /* NT's parameters: 6 for a queue that does not exist, 1 for an item
     * already queued; the item and the queue. */
    if ((ULONG)QueueType >= MaximumWorkQueue)
        KeBugCheckEx(WORKER_INVALID, 6, (ULONG_PTR)WorkItem, QueueType, 0);
    if (WorkItem->List.Flink != NULL)
        KeBugCheckEx(WORKER_INVALID, 1, (ULONG_PTR)WorkItem, QueueType, 0);
    q = &queues[QueueType];
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    InsertTailList(&q->items, &WorkItem->List);
    KfLowerIrql(irql);
    KeReleaseSemaphore(&q->count, IO_NO_INCREMENT, 1, FALSE);
}
