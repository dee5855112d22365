/*
 * I/O verification: IoCallDriver and IoCompleteRequest watched for the
 * mistakes of verified drivers, stopping with 0xC9
 * DRIVER_VERIFIER_IOMANAGER_VIOLATION and Driver Verifier's subcode.
 *
 * While a verified driver's dispatch routine runs, a frame here remembers
 * the IRP and the stack location it was called with. A completion of that
 * IRP notes in each such frame that it was completed, and whether the
 * location was marked pending (IoMarkIrpPending) at that moment, before the
 * completion clears the location. When the dispatch routine returns, the
 * frame says whether what it returned agrees:
 *   STATUS_PENDING without IoMarkIrpPending        0x23D
 *   IoMarkIrpPending without STATUS_PENDING        0x23E
 *   neither completed nor pending                  0x226
 *   IRQL not what it was before the call           0x05
 * (these give the dispatch routine, the IRP and the device, as Driver
 * Verifier's WDM driver errors do). A verified driver's IoCompleteRequest
 * with STATUS_PENDING is 0x06, with a cancel routine still set 0x07, above
 * DISPATCH_LEVEL 0x0E; its IoCallDriver above DISPATCH_LEVEL is 0x10, with
 * the IRP's cancel routine set 0x203; its IoFreeIrp of an IRP still
 * queued against a thread is 0x20C, of one a verified dispatch routine is
 * at work on (not completed) 0x20B (these give the caller and the IRP).
 */
#include "vf.h"

#include "../ke/ke.h"
#include "../rtl/rtl.h"

#define MAX_FRAMES 64

/* A verified driver's dispatch routine at work on irp (slot free when irp
 * is NULL). */
typedef struct dispatch_frame {
    PIRP irp;
    PIO_STACK_LOCATION stack;
    BOOLEAN completed, marked;
    BOOLEAN forwarded; /* passed on, and the driver below said pending */
} dispatch_frame;

static dispatch_frame frames[MAX_FRAMES];

/* Stops with 0xC9 (subcode, p2, p3, p4), saying what the code at code (a
 * return address, or a routine's entry when entry) did. */
static void io_stop(ULONG subcode, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4,
                    const char *what, const void *code, BOOLEAN entry)
{
    char where[96];

    if (entry)
        vf_describe_instruction(where, sizeof where, (ULONG_PTR)code);
    else
        vf_describe_code(where, sizeof where, (ULONG_PTR)code);
    vf_stop(DRIVER_VERIFIER_IOMANAGER_VIOLATION, subcode, p2, p3, p4, "%s %s",
            where, what);
}

/* A free frame for irp at stack, or 0 when all are taken: its index + 1. */
static ULONG open_frame(PIRP irp, PIO_STACK_LOCATION stack)
{
    BOOLEAN enabled = hal_interrupts_disable();
    ULONG i;

    for (i = 0; i < MAX_FRAMES && frames[i].irp != NULL; i++)
        ;
    if (i < MAX_FRAMES)
        frames[i] = (dispatch_frame){irp, stack, FALSE, FALSE, FALSE};
    hal_interrupts_restore(enabled);
    return i < MAX_FRAMES ? i + 1 : 0;
}

ULONG vf_io_call(PDEVICE_OBJECT device, PIRP irp, PIO_STACK_LOCATION stack,
                 const void *caller)
{
    PDRIVER_DISPATCH routine =
        device->DriverObject->MajorFunction[stack->MajorFunction];
    KIRQL irql = KeGetCurrentIrql();

    if (irql > DISPATCH_LEVEL && vf_verified_address(caller))
        io_stop(0x10, irql, 0, 0, "called IoCallDriver above DISPATCH_LEVEL",
                caller, FALSE);
    if (irp->CancelRoutine != NULL && vf_verified_address(caller))
        io_stop(0x203, vf_va(caller), vf_va(irp), 0,
                "called IoCallDriver with the IRP's cancel routine still set",
                caller, FALSE);
    return vf_verified_address((const void *)routine) ? open_frame(irp, stack)
                                                      : 0;
}

/* What the frames above stack learn from a call that returned status. */
static void note_forwarded(PIRP irp, PIO_STACK_LOCATION stack, NTSTATUS status)
{
    BOOLEAN enabled = hal_interrupts_disable();
    ULONG i;

    for (i = 0; i < MAX_FRAMES && status == STATUS_PENDING; i++)
        if (frames[i].irp == irp && frames[i].stack > stack)
            frames[i].forwarded = TRUE;
    hal_interrupts_restore(enabled);
}

/* The checks on a verified dispatch routine's return (frame f). */
static void check_return(const dispatch_frame *f, PDEVICE_OBJECT device,
                         NTSTATUS status, KIRQL irql_before,
                         const void *routine)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql != irql_before)
        io_stop(0x05, vf_va(device), irql_before, irql,
                "returned at another IRQL than it was called at", routine,
                TRUE);
    if (status == STATUS_PENDING && !f->marked && !f->forwarded)
        io_stop(0x23D, vf_va(routine), vf_va(f->irp), vf_va(device),
                "returned STATUS_PENDING without IoMarkIrpPending", routine,
                TRUE);
    if (status != STATUS_PENDING && f->marked)
        io_stop(0x23E, vf_va(routine), vf_va(f->irp), vf_va(device),
                "called IoMarkIrpPending but did not return STATUS_PENDING",
                routine, TRUE);
    if (status != STATUS_PENDING && !f->completed)
        io_stop(0x226, vf_va(routine), vf_va(f->irp), vf_va(device),
                "returned without completing the IRP, passing it on or "
                "returning STATUS_PENDING",
                routine, TRUE);
}

void vf_io_called(ULONG frame, PDEVICE_OBJECT device, PIRP irp,
                  PIO_STACK_LOCATION stack, NTSTATUS status, KIRQL irql_before,
                  const void *routine)
{
    dispatch_frame f;
    BOOLEAN enabled;

    note_forwarded(irp, stack, status);
    if (frame == 0)
        return;
    enabled = hal_interrupts_disable();
    f = frames[frame - 1];
    frames[frame - 1].irp = NULL;
    hal_interrupts_restore(enabled);
    if (!f.completed)
        f.marked = (f.stack->Control & SL_PENDING_RETURNED) != 0;
    check_return(&f, device, status, irql_before, routine);
}

/* Notes irp's completion in the frames at work on it. */
static void note_completion(PIRP irp)
{
    BOOLEAN enabled = hal_interrupts_disable();
    ULONG i;

    for (i = 0; i < MAX_FRAMES; i++) {
        if (frames[i].irp == irp) {
            frames[i].completed = TRUE;
            frames[i].marked =
                (frames[i].stack->Control & SL_PENDING_RETURNED) != 0;
        }
    }
    hal_interrupts_restore(enabled);
}

void vf_io_complete(PIRP irp, const void *caller)
{
    KIRQL irql = KeGetCurrentIrql();

    if (vf_verified_address(caller)) {
        if (irp->IoStatus.Status == STATUS_PENDING ||
            irp->IoStatus.Status == (NTSTATUS)-1)
            io_stop(0x06, (ULONG_PTR)irp->IoStatus.Status, vf_va(irp), 0,
                    "completed an IRP with STATUS_PENDING", caller, FALSE);
        if (irp->CancelRoutine != NULL)
            io_stop(0x07, vf_va((const void *)irp->CancelRoutine), vf_va(irp),
                    0, "completed an IRP whose cancel routine is still set",
                    caller, FALSE);
        if (irql > DISPATCH_LEVEL)
            io_stop(0x0E, irql, vf_va(irp), 0,
                    "completed an IRP above DISPATCH_LEVEL", caller, FALSE);
    }
    note_completion(irp);
}

/* Is irp at work in a verified dispatch routine that has not completed it? */
static BOOLEAN dispatching(PIRP irp)
{
    BOOLEAN enabled = hal_interrupts_disable();
    BOOLEAN found = FALSE;
    ULONG i;

    for (i = 0; i < MAX_FRAMES; i++)
        found |= frames[i].irp == irp && !frames[i].completed;
    hal_interrupts_restore(enabled);
    return found;
}

void vf_io_free(PIRP irp, const void *caller)
{
    if (!vf_verified_address(caller))
        return;
    if (!IsListEmpty(&irp->ThreadListEntry))
        io_stop(0x20C, vf_va(caller), vf_va(irp), 0,
                "freed an IRP that is still queued against a thread (the I/O "
                "manager finishes it)",
                caller, FALSE);
    if (dispatching(irp))
        io_stop(0x20B, vf_va(caller), vf_va(irp), 0,
                "freed an IRP that is still in use: a dispatch routine is at "
                "work on it and has not completed it",
                caller, FALSE);
}
