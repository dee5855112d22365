/*
 * Cancel-safe queues. The driver's queue and lock, the I/O manager's
 * cancellation: each queued IRP carries the queue's cancel routine, set
 * and cleared under the driver's lock, and whoever clears it (the cancel
 * routine by being called, or a removal by IoSetCancelRoutine(NULL)
 * returning it) owns the IRP. DriverContext[3] of a queued IRP points at
 * its IO_CSQ_IRP_CONTEXT, or at the IO_CSQ itself when it has none; both
 * start with their Type, which tells them apart.
 */
#include "io.h"

#define CSQ_SLOT 3 /* the IRP's DriverContext entry the queue uses */

static NTSTATUS init(PIO_CSQ Csq, ULONG type, PVOID insert,
                     PIO_CSQ_REMOVE_IRP remove, PIO_CSQ_PEEK_NEXT_IRP peek,
                     PIO_CSQ_ACQUIRE_LOCK acquire, PIO_CSQ_RELEASE_LOCK release,
                     PIO_CSQ_COMPLETE_CANCELED_IRP complete)
{
    Csq->Type = type;
    Csq->CsqInsertIrp = (PIO_CSQ_INSERT_IRP)insert;
    Csq->CsqRemoveIrp = remove;
    Csq->CsqPeekNextIrp = peek;
    Csq->CsqAcquireLock = acquire;
    Csq->CsqReleaseLock = release;
    Csq->CsqCompleteCanceledIrp = complete;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI IoCsqInitialize(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return init(Csq, IO_TYPE_CSQ, (PVOID)CsqInsertIrp, CsqRemoveIrp,
                CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                CsqCompleteCanceledIrp);
}

NTSTATUS NTAPI IoCsqInitializeEx(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    return init(Csq, IO_TYPE_CSQ_EX, (PVOID)CsqInsertIrp, CsqRemoveIrp,
                CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                CsqCompleteCanceledIrp);
}

/* The context of a queued IRP, or NULL when it was inserted without. */
static PIO_CSQ_IRP_CONTEXT context_of(PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT c = Irp->Tail.Overlay.DriverContext[CSQ_SLOT];

    return c != NULL && c->Type == IO_TYPE_CSQ_IRP_CONTEXT ? c : NULL;
}

/* The queue of an IRP that is in one. */
static PIO_CSQ queue_of(PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT c = context_of(Irp);

    return c != NULL ? c->Csq : Irp->Tail.Overlay.DriverContext[CSQ_SLOT];
}

/* Takes Irp (its cancel routine already cleared) out of Csq: the driver's
 * list, the context and the IRP's slot. Under the driver's lock. */
static void take_out(PIO_CSQ Csq, PIRP Irp)
{
    PIO_CSQ_IRP_CONTEXT c = context_of(Irp);

    Csq->CsqRemoveIrp(Csq, Irp);
    if (c != NULL)
        c->Irp = NULL;
    Irp->Tail.Overlay.DriverContext[CSQ_SLOT] = NULL;
}

/* The cancel routine of every queued IRP. */
static VOID NTAPI csq_cancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_CSQ csq = queue_of(Irp);
    KIRQL irql;

    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    csq->CsqAcquireLock(csq, &irql);
    take_out(csq, Irp);
    csq->CsqReleaseLock(csq, irql);
    csq->CsqCompleteCanceledIrp(csq, Irp);
}

/* Queues Irp (under the lock), unless the driver's insert routine
 * refuses; an IRP already cancelled is taken out again and completed as
 * cancelled. */
NTSTATUS NTAPI IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp,
                                PIO_CSQ_IRP_CONTEXT Context,
                                PVOID InsertContext)
{
    NTSTATUS status = STATUS_SUCCESS;
    BOOLEAN cancelled = FALSE;
    KIRQL irql;

    Csq->CsqAcquireLock(Csq, &irql);
    if (Context != NULL) {
        Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
        Context->Irp = Irp;
        Context->Csq = Csq;
    }
    Irp->Tail.Overlay.DriverContext[CSQ_SLOT] =
        Context != NULL ? (PVOID)Context : (PVOID)Csq;
    if (Csq->Type == IO_TYPE_CSQ_EX)
        status = ((PIO_CSQ_INSERT_IRP_EX)(PVOID)Csq->CsqInsertIrp)(Csq, Irp,
                                                            InsertContext);
    else
        Csq->CsqInsertIrp(Csq, Irp);
    if (!NT_SUCCESS(status)) {
        if (Context != NULL)
            Context->Irp = NULL;
        Irp->Tail.Overlay.DriverContext[CSQ_SLOT] = NULL;
    } else {
        IoMarkIrpPending(Irp);
        IoSetCancelRoutine(Irp, csq_cancel);
        /* Cancelled before the routine was set: if the routine is still
         * there, nobody called it, and the IRP is ours to cancel. */
        if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
            take_out(Csq, Irp);
            cancelled = TRUE;
        }
    }
    Csq->CsqReleaseLock(Csq, irql);
    if (cancelled)
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
    return status;
}

VOID NTAPI IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    IoCsqInsertIrpEx(Csq, Irp, Context, NULL);
}

PIRP NTAPI IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    PIRP irp;
    KIRQL irql;

    Csq->CsqAcquireLock(Csq, &irql);
    irp = Context->Irp;
    /* A cleared cancel routine means the cancellation owns it now. */
    if (irp != NULL && IoSetCancelRoutine(irp, NULL) != NULL)
        take_out(Csq, irp);
    else
        irp = NULL;
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}

PIRP NTAPI IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    PIRP irp;
    KIRQL irql;

    Csq->CsqAcquireLock(Csq, &irql);
    irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext);
    /* Skip those being cancelled: their cancel routine takes them out. */
    while (irp != NULL && IoSetCancelRoutine(irp, NULL) == NULL)
        irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext);
    if (irp != NULL)
        take_out(Csq, irp);
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}
