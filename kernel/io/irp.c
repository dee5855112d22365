/*
 * IRPs: allocation, calling drivers, completion, and the finishing of a
 * request in its requester's context.
 *
 * IofCompleteRequest walks up the stack from the completing driver's
 * location, calling the completion routine each upper driver set (a
 * routine that returns STATUS_MORE_PROCESSING_REQUIRED takes the IRP
 * back). A threaded IRP then finishes in its requester: at once, in the
 * service that sent it, when the driver completed it before returning
 * (IRP_DEFER_IO_COMPLETION and no pending); otherwise through a special
 * kernel APC queued to the requesting thread, so that the buffered copy
 * back, the status block and the event happen in the requester's process
 * whatever context completed the IRP (a DPC in another process).
 */
#include "io.h"

#include "../mm/mm.h"
#include "../tr/tr.h"
#include "../vf/vf.h"

#define TAG_IRP    'prI '
#define TAG_BUFFER 'fbI '

io_finish_observer io_test_finish_observer;

/* ---- Allocation ---------------------------------------------------------- */

VOID NTAPI IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    RtlZeroMemory(Irp, PacketSize);
    Irp->Type = IO_TYPE_IRP;
    Irp->Size = PacketSize;
    Irp->StackCount = StackSize;
    Irp->CurrentLocation = (CHAR)(StackSize + 1);
    Irp->Tail.Overlay.CurrentStackLocation =
        (PIO_STACK_LOCATION)(Irp + 1) + StackSize;
    InitializeListHead(&Irp->ThreadListEntry);
}

PIRP NTAPI IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    USHORT size = IoSizeOfIrp(StackSize);
    PIRP irp;

    UNREFERENCED_PARAMETER(ChargeQuota);
    if (StackSize < 1 || vf_hook_fail(__builtin_return_address(0)))
        return NULL;
    irp = ExAllocatePoolWithTag(NonPagedPool, size, TAG_IRP);
    if (irp != NULL)
        IoInitializeIrp(irp, size, StackSize);
    return irp;
}

VOID NTAPI IoFreeIrp(PIRP Irp)
{
    if (Irp->Type != IO_TYPE_IRP)
        KeBugCheckEx(MULTIPLE_IRP_COMPLETE_REQUESTS, (ULONG_PTR)Irp, 1, 0, 0);
    vf_hook_free_irp(Irp, __builtin_return_address(0));
    Irp->Type = 0;
    ExFreePoolWithTag(Irp, TAG_IRP);
}

VOID NTAPI IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    UCHAR flags = Irp->AllocationFlags;

    IoInitializeIrp(Irp, Irp->Size, Irp->StackCount);
    Irp->AllocationFlags = flags;
    Irp->IoStatus.Status = Iostatus;
}

PIRP io_allocate_threaded_irp(CCHAR stack_size, KPROCESSOR_MODE mode)
{
    PIRP irp = IoAllocateIrp(stack_size, FALSE);

    if (irp == NULL)
        return NULL;
    irp->AllocationFlags = IO_IRP_THREADED;
    irp->RequestorMode = mode;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    return irp;
}

/* ---- Calling drivers ----------------------------------------------------- */

/* IofCallDriver under the verifier: the call, watched (vf/io.c). */
static NTSTATUS call_verified(PDEVICE_OBJECT device, PIRP irp,
                              PIO_STACK_LOCATION stack, const void *caller)
{
    PDRIVER_DISPATCH routine =
        device->DriverObject->MajorFunction[stack->MajorFunction];
    KIRQL irql = KeGetCurrentIrql();
    ULONG frame = vf_io_call(device, irp, stack, caller);
    NTSTATUS status = routine(device, irp);

    vf_io_called(frame, device, irp, stack, status, irql,
                 (const void *)routine);
    return status;
}

/* IofCallDriver under --trace: the call, timed. The IRP may be gone when
 * the routine returns: its major function is read first. */
static NTSTATUS call_traced(PDEVICE_OBJECT device, PIRP irp,
                            PIO_STACK_LOCATION stack, const void *caller)
{
    ULONGLONG start = tr_now();
    UCHAR major = stack->MajorFunction;
    NTSTATUS status =
        vf_io_on() ? call_verified(device, irp, stack, caller)
                   : device->DriverObject->MajorFunction[major](device, irp);

    tr_irp_dispatch(start, device, irp, major, status);
    return status;
}

NTSTATUS FASTCALL IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack;

    if (--Irp->CurrentLocation <= 0)
        KeBugCheckEx(NO_MORE_IRP_STACK_LOCATIONS, (ULONG_PTR)Irp, 0, 0, 0);
    stack = --Irp->Tail.Overlay.CurrentStackLocation;
    stack->DeviceObject = DeviceObject;
    if (tr_enabled)
        return call_traced(DeviceObject, Irp, stack,
                           __builtin_return_address(0));
    if (vf_io_on())
        return call_verified(DeviceObject, Irp, stack,
                             __builtin_return_address(0));
    return DeviceObject->DriverObject->MajorFunction[stack->MajorFunction](
        DeviceObject, Irp);
}

NTSTATUS NTAPI IoSetCompletionRoutineEx(
    PDEVICE_OBJECT DeviceObject, PIRP Irp,
    PIO_COMPLETION_ROUTINE CompletionRoutine, PVOID Context,
    BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError, BOOLEAN InvokeOnCancel)
{
    /* ntlab never unloads a driver while one of its routines can run. */
    UNREFERENCED_PARAMETER(DeviceObject);
    IoSetCompletionRoutine(Irp, CompletionRoutine, Context, InvokeOnSuccess,
                           InvokeOnError, InvokeOnCancel);
    return STATUS_SUCCESS;
}

/* ---- Completion ---------------------------------------------------------- */

/* Does a stack location's control ask for its routine on this outcome? */
static BOOLEAN wanted(const IRP *irp, UCHAR control)
{
    NTSTATUS status = irp->IoStatus.Status;

    if (irp->Cancel && (control & SL_INVOKE_ON_CANCEL))
        return TRUE;
    return NT_SUCCESS(status) ? (control & SL_INVOKE_ON_SUCCESS) != 0
                              : (control & SL_INVOKE_ON_ERROR) != 0;
}

/* Runs the completion routines; FALSE when one took the IRP back. When
 * none did, the IRP is left one location past its stack. */
static BOOLEAN run_completion_routines(PIRP irp)
{
    while (irp->CurrentLocation <= irp->StackCount) {
        PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
        PIO_COMPLETION_ROUTINE routine = stack->CompletionRoutine;
        PVOID context = stack->Context;
        UCHAR control = stack->Control;
        PDEVICE_OBJECT upper;

        irp->PendingReturned = (control & SL_PENDING_RETURNED) != 0;
        stack->CompletionRoutine = NULL;
        stack->Context = NULL;
        stack->Control = 0;
        IoSkipCurrentIrpStackLocation(irp);
        upper = irp->CurrentLocation <= irp->StackCount
                    ? IoGetCurrentIrpStackLocation(irp)->DeviceObject
                    : NULL;
        if (routine != NULL && wanted(irp, control)) {
            if (routine(upper, irp, context) == STATUS_MORE_PROCESSING_REQUIRED)
                return FALSE;
        } else if (irp->PendingReturned &&
                   irp->CurrentLocation <= irp->StackCount) {
            IoMarkIrpPending(irp);
        }
    }
    /* Past the last location, as NT leaves it: completing the IRP again
     * is then a MULTIPLE_IRP_COMPLETE_REQUESTS. */
    IoSkipCurrentIrpStackLocation(irp);
    return TRUE;
}

static VOID completion_apc(PKAPC apc, PKNORMAL_ROUTINE *normal, PVOID *context,
                           PVOID *arg1, PVOID *arg2)
{
    PIRP irp = CONTAINING_RECORD(apc, IRP, Tail.Apc);

    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg2);
    irp->Tail.Overlay.OriginalFileObject = *arg1;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    io_finish_request(irp);
}

static void free_mdls(PIRP irp)
{
    PMDL mdl = irp->MdlAddress, next;

    for (; mdl != NULL; mdl = next) {
        next = mdl->Next;
        if (mdl->MdlFlags & MDL_PAGES_LOCKED)
            MmUnlockPages(mdl);
        IoFreeMdl(mdl);
    }
    irp->MdlAddress = NULL;
}

VOID FASTCALL IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    PETHREAD thread;
    PFILE_OBJECT file;

    if (Irp->Type != IO_TYPE_IRP || Irp->CurrentLocation > Irp->StackCount + 1)
        KeBugCheckEx(MULTIPLE_IRP_COMPLETE_REQUESTS, (ULONG_PTR)Irp, 0, 0, 0);
    vf_hook_complete(Irp, __builtin_return_address(0));
    if (tr_enabled) {
        PIO_STACK_LOCATION at = Irp->CurrentLocation <= Irp->StackCount
                                    ? IoGetCurrentIrpStackLocation(Irp)
                                    : NULL;

        tr_irp_complete(at != NULL ? at->DeviceObject : NULL, Irp,
                        at != NULL ? at->MajorFunction : 0xFF,
                        Irp->IoStatus.Status);
    }
    if (!run_completion_routines(Irp))
        return;
    if (!(Irp->AllocationFlags & IO_IRP_THREADED)) {
        /* A driver's own IRP that no routine took back: ntlab frees it. */
        free_mdls(Irp);
        IoFreeIrp(Irp);
        return;
    }
    if ((Irp->Flags & IRP_DEFER_IO_COMPLETION) && !Irp->PendingReturned)
        return; /* the service that sent it finishes it */
    if (Irp->AllocationFlags & IO_IRP_ORPHANED) {
        io_finish_request(Irp);
        return;
    }
    thread = Irp->Tail.Overlay.Thread;
    file = Irp->Tail.Overlay.OriginalFileObject;
    KeInitializeApc(&Irp->Tail.Apc, &thread->Tcb, OriginalApcEnvironment,
                    completion_apc, NULL, NULL, KernelMode, NULL);
    KeInsertQueueApc(&Irp->Tail.Apc, file, NULL, PriorityBoost);
}

/* ---- Finishing in the requester ------------------------------------------ */

PVOID io_allocate_system_buffer(ULONG length, ULONG output_length)
{
    PULONG block = ExAllocatePoolWithTag(NonPagedPool, 16 + length, TAG_BUFFER);

    if (block == NULL)
        return NULL;
    block[0] = output_length; /* what may be copied back */
    return (PUCHAR)block + 16;
}

static void free_system_buffer(PVOID buffer)
{
    ExFreePoolWithTag((PUCHAR)buffer - 16, TAG_BUFFER);
}

/* Copies a buffered request's output back to the requester's buffer. */
static void copy_back(PIRP irp)
{
    ULONG limit = *(PULONG)((PUCHAR)irp->AssociatedIrp.SystemBuffer - 16);
    ULONG_PTR n =
        irp->IoStatus.Information < limit ? irp->IoStatus.Information : limit;
    NTSTATUS status;

    if (n == 0 || irp->UserBuffer == NULL || NT_ERROR(irp->IoStatus.Status))
        return;
    status = mm_give_back(irp->RequestorMode, irp->UserBuffer, n, 1,
                          irp->AssociatedIrp.SystemBuffer);
    if (!NT_SUCCESS(status))
        irp->IoStatus.Status = status;
}

static VOID free_user_apc(PKAPC apc, PKNORMAL_ROUTINE *normal, PVOID *context,
                          PVOID *arg1, PVOID *arg2)
{
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    ExFreePoolWithTag(apc, 'cpAI');
}

static VOID rundown_user_apc(PKAPC apc)
{
    ExFreePoolWithTag(apc, 'cpAI');
}

/* Tells the requester: status block, event, file event, APC routine. */
static void notify(PIRP irp, PFILE_OBJECT file)
{
    KAPC *apc;

    if (irp->UserIosb != NULL)
        mm_give_back(irp->RequestorMode, irp->UserIosb, sizeof *irp->UserIosb,
                     sizeof(ULONG), &irp->IoStatus);
    if (irp->UserEvent != NULL)
        KeSetEvent(irp->UserEvent, IO_NO_INCREMENT, FALSE);
    if (file != NULL && (irp->AllocationFlags & IO_IRP_FILE_EVENT)) {
        file->FinalStatus = irp->IoStatus.Status;
        KeSetEvent(&file->Event, IO_NO_INCREMENT, FALSE);
    }
    if (!(irp->AllocationFlags & IO_IRP_USER_APC) ||
        (irp->AllocationFlags & IO_IRP_ORPHANED))
        return;
    apc = ExAllocatePoolWithTag(NonPagedPool, sizeof *apc, 'cpAI');
    if (apc == NULL)
        return;
    KeInitializeApc(apc, &irp->Tail.Overlay.Thread->Tcb, OriginalApcEnvironment,
                    free_user_apc, rundown_user_apc,
                    (PKNORMAL_ROUTINE)(PVOID)
                        irp->Overlay.AsynchronousParameters.UserApcRoutine,
                    UserMode,
                    irp->Overlay.AsynchronousParameters.UserApcContext);
    if (!KeInsertQueueApc(apc, irp->UserIosb, NULL, IO_NO_INCREMENT))
        ExFreePoolWithTag(apc, 'cpAI');
}

static void finish(PIRP irp, BOOLEAN synchronous_error)
{
    PFILE_OBJECT file = irp->Tail.Overlay.OriginalFileObject;
    KIRQL irql;

    BOOLEAN orphaned = (irp->AllocationFlags & IO_IRP_ORPHANED) != 0;

    /* An orphan's requester is gone: nothing goes back to it. */
    if (irp->Flags & IRP_BUFFERED_IO) {
        if ((irp->Flags & IRP_INPUT_OPERATION) && !orphaned)
            copy_back(irp);
        if (irp->Flags & IRP_DEALLOCATE_BUFFER)
            free_system_buffer(irp->AssociatedIrp.SystemBuffer);
    }
    free_mdls(irp);
    if (!synchronous_error && !orphaned)
        notify(irp, file);
    if (io_test_finish_observer != NULL)
        io_test_finish_observer(irp);
    if (irp->UserEvent != NULL && (irp->AllocationFlags & IO_IRP_EVENT_OBJECT))
        ObDereferenceObject(irp->UserEvent);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RemoveEntryList(&irp->ThreadListEntry);
    KfLowerIrql(irql);
    if (file != NULL && (irp->AllocationFlags & IO_IRP_FILE_REFERENCED))
        ObDereferenceObject(file);
    IoFreeIrp(irp);
}

void io_finish_request(PIRP irp)
{
    finish(irp, FALSE);
}

void io_abandon_request(PIRP irp)
{
    finish(irp, TRUE);
}

NTSTATUS io_send_and_finish(PDEVICE_OBJECT device, PIRP irp, PKEVENT wait_on,
                            volatile NTSTATUS *final)
{
    PETHREAD thread = PsGetCurrentThread();
    NTSTATUS status;
    KIRQL irql;

    irp->Flags |= IRP_DEFER_IO_COMPLETION;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    InsertTailList(&thread->IrpList, &irp->ThreadListEntry);
    KfLowerIrql(irql);
    status = IoCallDriver(device, irp);
    if (status != STATUS_PENDING) {
        /* Completed, and not marked pending: finished here, no APC. A
         * request that failed at once leaves the status block alone. */
        finish(irp, NT_ERROR(status));
        return status;
    }
    if (wait_on == NULL)
        return status;
    KeWaitForSingleObject(wait_on, Executive, KernelMode, FALSE, NULL);
    return *final;
}

/* ---- Cancellation -------------------------------------------------------- */

static KSPIN_LOCK cancel_lock;

VOID NTAPI IoAcquireCancelSpinLock(PKIRQL Irql)
{
    KeAcquireSpinLock(&cancel_lock, Irql);
}

VOID NTAPI IoReleaseCancelSpinLock(KIRQL Irql)
{
    KeReleaseSpinLock(&cancel_lock, Irql);
}

/*
 * Marks Irp cancelled and calls its cancel routine, if it has one, with
 * the cancel spin lock held (the routine releases it, with CancelIrql).
 * Returns whether there was a routine.
 */
BOOLEAN NTAPI IoCancelIrp(PIRP Irp)
{
    PDRIVER_CANCEL routine;
    KIRQL irql;

    IoAcquireCancelSpinLock(&irql);
    Irp->Cancel = TRUE;
    routine = IoSetCancelRoutine(Irp, NULL);
    if (routine == NULL) {
        IoReleaseCancelSpinLock(irql);
        return FALSE;
    }
    Irp->CancelIrql = irql;
    routine(IoGetCurrentIrpStackLocation(Irp)->DeviceObject, Irp);
    return TRUE;
}

/* The first IRP of thread's list that is not yet cancelled, or NULL. */
static PIRP next_to_cancel(PETHREAD thread, PFILE_OBJECT file)
{
    PLIST_ENTRY e;
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    PIRP found = NULL;

    for (e = thread->IrpList.Flink; e != &thread->IrpList && !found;
         e = e->Flink) {
        PIRP irp = CONTAINING_RECORD(e, IRP, ThreadListEntry);

        if (!irp->Cancel &&
            (file == NULL || irp->Tail.Overlay.OriginalFileObject == file))
            found = irp;
    }
    KfLowerIrql(irql);
    return found;
}

/* Whether thread still has IRPs (on file, when not NULL). */
static BOOLEAN has_irps(PETHREAD thread, PFILE_OBJECT file)
{
    PLIST_ENTRY e;
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    BOOLEAN any = FALSE;

    for (e = thread->IrpList.Flink; e != &thread->IrpList && !any; e = e->Flink)
        any = file == NULL || CONTAINING_RECORD(e, IRP, ThreadListEntry)
                                      ->Tail.Overlay.OriginalFileObject == file;
    KfLowerIrql(irql);
    return any;
}

/* Cancels the current thread's IRPs (on file, or all) and waits up to a
 * second for them to finish. Returns whether they all did. */
BOOLEAN io_cancel_own_irps(PFILE_OBJECT file)
{
    PETHREAD thread = PsGetCurrentThread();
    LARGE_INTEGER brief = {.QuadPart = -100000}; /* 10 ms */
    PIRP irp;
    int waits;

    while ((irp = next_to_cancel(thread, file)) != NULL)
        IoCancelIrp(irp);
    for (waits = 0; waits < 100 && has_irps(thread, file); waits++)
        KeDelayExecutionThread(KernelMode, FALSE, &brief);
    return !has_irps(thread, file);
}

/*
 * A thread that ends: its requests are cancelled; those that do not finish
 * in time are orphaned (when they complete, they are freed without an APC
 * to a thread that is gone), as NT does after its own wait.
 */
void io_cancel_thread_io(PETHREAD thread)
{
    PLIST_ENTRY e;
    KIRQL irql;

    if (thread->IrpList.Flink == NULL || IsListEmpty(&thread->IrpList) ||
        io_cancel_own_irps(NULL))
        return;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    while (!IsListEmpty(&thread->IrpList)) {
        e = RemoveHeadList(&thread->IrpList);
        InitializeListHead(e);
        CONTAINING_RECORD(e, IRP, ThreadListEntry)->AllocationFlags |=
            IO_IRP_ORPHANED;
    }
    KfLowerIrql(irql);
}

/* ---- Small routines ------------------------------------------------------ */

PEPROCESS NTAPI IoGetRequestorProcess(PIRP Irp)
{
    PETHREAD thread = Irp->Tail.Overlay.Thread;

    return thread != NULL
               ? CONTAINING_RECORD(thread->Tcb.Process, EPROCESS, Pcb)
               : NULL;
}

BOOLEAN NTAPI IoIsOperationSynchronous(PIRP Irp)
{
    PFILE_OBJECT file = IoGetCurrentIrpStackLocation(Irp)->FileObject;

    return (Irp->Flags & IRP_SYNCHRONOUS_API) ||
           (file != NULL && (file->Flags & FO_SYNCHRONOUS_IO));
}
