/*
 * DPCs and the DISPATCH_LEVEL software interrupt.
 *
 * KeInsertQueueDpc queues a DPC and, unless it is of low importance (and
 * the queue short), requests the DISPATCH interrupt, which runs when IRQL
 * drops below DISPATCH_LEVEL: at once for a caller at PASSIVE_LEVEL, later
 * for one at DISPATCH_LEVEL or in an ISR. Low-importance DPCs wait for the
 * next clock tick. The interrupt runs on whatever thread is current, so a
 * DPC sees that thread and its (possibly attached) process: an arbitrary
 * context.
 */
#include "ke.h"

#include "../tr/tr.h"
#include "../vf/vf.h"

/* Past this queue depth even low-importance DPCs ask for the interrupt. */
#define MAXIMUM_DPC_QUEUE_DEPTH 4

VOID NTAPI KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                           PVOID DeferredContext)
{
    Dpc->Type = DpcObject;
    Dpc->Importance = MediumImportance;
    Dpc->Number = 0;
    Dpc->Inserted = FALSE;
    Dpc->DeferredRoutine = DeferredRoutine;
    Dpc->DeferredContext = DeferredContext;
    Dpc->SystemArgument1 = NULL;
    Dpc->SystemArgument2 = NULL;
}

VOID NTAPI KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance)
{
    Dpc->Importance = (UCHAR)Importance;
}

/* Any IRQL: the queue is guarded by masking interrupts at HIGH_LEVEL. */
BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
                               PVOID SystemArgument2)
{
    KPCR *pcr = KeGetPcr();
    KIRQL irql = KfRaiseIrql(HIGH_LEVEL);
    BOOLEAN enabled = hal_interrupts_disable(), inserted = !Dpc->Inserted;

    if (inserted) {
        Dpc->Inserted = TRUE;
        Dpc->SystemArgument1 = SystemArgument1;
        Dpc->SystemArgument2 = SystemArgument2;
        pcr->DpcQueueDepth++;
        pcr->DpcCount++;
        if (Dpc->Importance == HighImportance)
            InsertHeadList(&pcr->DpcListHead, &Dpc->DpcListEntry);
        else
            InsertTailList(&pcr->DpcListHead, &Dpc->DpcListEntry);
        if (!pcr->DpcRoutineActive && !pcr->DpcInterruptRequested &&
            (Dpc->Importance != LowImportance ||
             pcr->DpcQueueDepth >= MAXIMUM_DPC_QUEUE_DEPTH)) {
            pcr->DpcInterruptRequested = TRUE;
            ki_request_dispatch_interrupt();
        }
    }
    hal_interrupts_restore(enabled);
    KfLowerIrql(irql);
    return inserted;
}

BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc)
{
    KPCR *pcr = KeGetPcr();
    BOOLEAN enabled = hal_interrupts_disable(), removed = Dpc->Inserted;

    if (removed) {
        RemoveEntryList(&Dpc->DpcListEntry);
        pcr->DpcQueueDepth--;
        Dpc->Inserted = FALSE;
    }
    hal_interrupts_restore(enabled);
    return removed;
}

/* The DISPATCH interrupt, requested now, runs every queued DPC when IRQL
 * drops back to PASSIVE_LEVEL. */
VOID NTAPI KeFlushQueuedDpcs(VOID)
{
    KPCR *pcr = KeGetPcr();
    KIRQL irql;
    BOOLEAN enabled;

    PAGED_CODE();
    irql = KfRaiseIrql(HIGH_LEVEL);
    enabled = hal_interrupts_disable();
    if (!IsListEmpty(&pcr->DpcListHead) && !pcr->DpcInterruptRequested) {
        pcr->DpcInterruptRequested = TRUE;
        ki_request_dispatch_interrupt();
    }
    hal_interrupts_restore(enabled);
    KfLowerIrql(irql);
}

BOOLEAN NTAPI KeIsExecutingDpc(VOID)
{
    return KeGetPcr()->DpcRoutineActive;
}

/* Calls one DPC routine (a timer's when timer), with an exception chain
 * of its own, and checks it left IRQL where it found it. */
static void call_dpc(PKDEFERRED_ROUTINE routine, KDPC *dpc, PVOID context,
                     PVOID arg1, PVOID arg2, BOOLEAN timer)
{
    ULONGLONG start = tr_now();
    KTHREAD *thread = ke_current_thread();
    SEH_FRAME *chain = thread->Seh.Chain, *active = thread->Seh.Active;
    SEH_FRAME *filtering = thread->Seh.Filtering;
    KIRQL irql;

    thread->Seh.Chain = thread->Seh.Active = thread->Seh.Filtering = NULL;
    vf_hook_dpc((const void *)routine);
    routine(dpc, context, arg1, arg2);
    TR(tr_dpc(start, dpc, (const void *)routine, timer));
    thread->Seh.Chain = chain;
    thread->Seh.Active = active;
    thread->Seh.Filtering = filtering;
    irql = KeGetCurrentIrql();
    if (irql != DISPATCH_LEVEL)
        KeBugCheckEx(IRQL_UNEXPECTED_VALUE,
                     ((ULONG_PTR)irql << 16) | (DISPATCH_LEVEL << 8),
                     (ULONG_PTR)routine, (ULONG_PTR)dpc, 0);
}

void ki_retire_dpc_list(void)
{
    KPCR *pcr = KeGetPcr();

    for (;;) {
        BOOLEAN enabled = hal_interrupts_disable();
        KDPC *dpc;

        if (IsListEmpty(&pcr->DpcListHead)) {
            pcr->DpcInterruptRequested = FALSE;
            hal_interrupts_restore(enabled);
            return;
        }
        dpc = CONTAINING_RECORD(RemoveHeadList(&pcr->DpcListHead), KDPC,
                                DpcListEntry);
        /* Unqueued before the call, so the routine may queue it again. */
        dpc->Inserted = FALSE;
        pcr->DpcQueueDepth--;
        hal_interrupts_restore(enabled);
        call_dpc(dpc->DeferredRoutine, dpc, dpc->DeferredContext,
                 dpc->SystemArgument1, dpc->SystemArgument2, FALSE);
    }
}

/* Timer DPCs are called straight from expiry, as NT does on one CPU. */
void ki_call_timer_dpc(KDPC *dpc, ULONGLONG system_time)
{
    call_dpc(dpc->DeferredRoutine, dpc, dpc->DeferredContext,
             (PVOID)(ULONG_PTR)(ULONG)system_time,
             (PVOID)(ULONG_PTR)(ULONG)(system_time >> 32), TRUE);
}

void ki_dispatch_interrupt(void)
{
    KPCR *pcr = KeGetPcr();

    pcr->DpcRoutineActive = TRUE;
    if (pcr->TimerExpiryPending) {
        pcr->TimerExpiryPending = FALSE;
        ki_expire_timers_locked();
    }
    ki_retire_dpc_list();
    pcr->DpcRoutineActive = FALSE;
    ki_reschedule_locked();
}

/* A queued DPC (kind 1) or its routine (kind 2) in [lo, hi). Any IRQL. */
BOOLEAN ki_dpc_in(ULONG_PTR lo, ULONG_PTR hi, ULONG *kind, ULONG_PTR *object)
{
    KPCR *pcr = KeGetPcr();
    BOOLEAN enabled = hal_interrupts_disable(), found = FALSE;
    PLIST_ENTRY e;

    for (e = pcr->DpcListHead.Flink; e != &pcr->DpcListHead && !found;
         e = e->Flink) {
        KDPC *dpc = CONTAINING_RECORD(e, KDPC, DpcListEntry);
        ULONG_PTR routine = (ULONG_PTR)dpc->DeferredRoutine;

        found = TRUE;
        if ((ULONG_PTR)dpc >= lo && (ULONG_PTR)dpc < hi) {
            *kind = 1;
            *object = (ULONG_PTR)dpc;
        } else if (routine >= lo && routine < hi) {
            *kind = 2;
            *object = routine;
        } else {
            found = FALSE;
        }
    }
    hal_interrupts_restore(enabled);
    return found;
}
