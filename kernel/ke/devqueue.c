/*
 * Device queues: the entries waiting for a busy device (StartIo).
 *
 * A queue is busy while its device works on an entry. Inserting into a
 * queue that is not busy makes it busy and inserts nothing (the caller
 * starts the entry itself); removing from an empty queue makes it idle.
 * Callers are at DISPATCH_LEVEL; each queue has its spin lock.
 */
#include "ke.h"

static void require_dispatch(PKDEVICE_QUEUE queue)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql < DISPATCH_LEVEL)
        KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, (ULONG_PTR)queue, irql, 0, 0);
}

VOID NTAPI KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    DeviceQueue->Type = 20; /* DeviceQueueObject */
    DeviceQueue->Size = sizeof *DeviceQueue;
    InitializeListHead(&DeviceQueue->DeviceListHead);
    KeInitializeSpinLock(&DeviceQueue->Lock);
    DeviceQueue->Busy = FALSE;
}

/* Inserts entry before the first entry whose key is greater than key (at
 * the tail when by_key is FALSE), unless the queue was idle. */
static BOOLEAN insert(PKDEVICE_QUEUE queue, PKDEVICE_QUEUE_ENTRY entry,
                      BOOLEAN by_key, ULONG key)
{
    PLIST_ENTRY before = &queue->DeviceListHead;
    BOOLEAN inserted;

    require_dispatch(queue);
    KeAcquireSpinLockAtDpcLevel(&queue->Lock);
    inserted = queue->Busy;
    if (!inserted) {
        queue->Busy = TRUE;
    } else {
        if (by_key) {
            entry->SortKey = key;
            for (before = queue->DeviceListHead.Flink;
                 before != &queue->DeviceListHead; before = before->Flink)
                if (CONTAINING_RECORD(before, KDEVICE_QUEUE_ENTRY,
                                      DeviceListEntry)
                        ->SortKey > key)
                    break;
        }
        InsertTailList(before, &entry->DeviceListEntry);
    }
    entry->Inserted = inserted;
    KeReleaseSpinLockFromDpcLevel(&queue->Lock);
    return inserted;
}

BOOLEAN NTAPI KeInsertDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                  PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    return insert(DeviceQueue, DeviceQueueEntry, FALSE, 0);
}

BOOLEAN NTAPI KeInsertByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                       PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
                                       ULONG SortKey)
{
    return insert(DeviceQueue, DeviceQueueEntry, TRUE, SortKey);
}

/* Removes the first entry whose key is at least key (by_key), else the
 * head; an empty queue becomes idle and gives NULL. */
static PKDEVICE_QUEUE_ENTRY remove(PKDEVICE_QUEUE queue, BOOLEAN by_key,
                                   ULONG key)
{
    PKDEVICE_QUEUE_ENTRY entry = NULL;
    PLIST_ENTRY e;

    require_dispatch(queue);
    KeAcquireSpinLockAtDpcLevel(&queue->Lock);
    if (IsListEmpty(&queue->DeviceListHead)) {
        queue->Busy = FALSE;
    } else {
        e = queue->DeviceListHead.Flink;
        while (by_key && e != &queue->DeviceListHead &&
               CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry)
                       ->SortKey < key)
            e = e->Flink;
        if (e == &queue->DeviceListHead)
            e = queue->DeviceListHead.Flink;
        RemoveEntryList(e);
        entry = CONTAINING_RECORD(e, KDEVICE_QUEUE_ENTRY, DeviceListEntry);
        entry->Inserted = FALSE;
    }
    KeReleaseSpinLockFromDpcLevel(&queue->Lock);
    return entry;
}

PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue)
{
    return remove(DeviceQueue, FALSE, 0);
}

PKDEVICE_QUEUE_ENTRY NTAPI KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                                    ULONG SortKey)
{
    return remove(DeviceQueue, TRUE, SortKey);
}

BOOLEAN NTAPI KeRemoveEntryDeviceQueue(PKDEVICE_QUEUE DeviceQueue,
                                       PKDEVICE_QUEUE_ENTRY DeviceQueueEntry)
{
    BOOLEAN was;
    KIRQL irql =
        KfRaiseIrql(DISPATCH_LEVEL > KeGetCurrentIrql() ? DISPATCH_LEVEL
                                                        : KeGetCurrentIrql());

    KeAcquireSpinLockAtDpcLevel(&DeviceQueue->Lock);
    was = DeviceQueueEntry->Inserted;
    if (was) {
        RemoveEntryList(&DeviceQueueEntry->DeviceListEntry);
        DeviceQueueEntry->Inserted = FALSE;
    }
    KeReleaseSpinLockFromDpcLevel(&DeviceQueue->Lock);
    KfLowerIrql(irql);
    return was;
}
