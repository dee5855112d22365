/*
 * The iomech suite, IRPs: completion routines and how the completion walk
 * honours them, IRPs drivers allocate, pending requests, requests drivers
 * build for other drivers, StartIo's device queue, cancellation, and the
 * misuse NT stops the system for.
 */
#include "iomech.h"

/* ---- Completion routines ------------------------------------------------- */

#define ON_SUCCESS 1u
#define ON_ERROR   2u
#define ON_CANCEL  4u

/* How the lower driver completes, and when the filter wants its routine. */
static struct {
    NTSTATUS status;
    BOOLEAN cancel;
    ULONG invoke_on;
} how;

static struct {
    ULONG calls;
    PVOID context;
    PDEVICE_OBJECT device;
    KIRQL irql;
    BOOLEAN pending;
} routine_saw;

static void note(PDEVICE_OBJECT device, PIRP irp, PVOID context)
{
    routine_saw.calls++;
    routine_saw.context = context;
    routine_saw.device = device;
    routine_saw.irql = KeGetCurrentIrql();
    routine_saw.pending = irp->PendingReturned;
}

/* A filter's completion routine: notes, and lets the walk go on. */
static NTSTATUS NTAPI note_completion(PDEVICE_OBJECT device, PIRP irp,
                                      PVOID context)
{
    note(device, irp, context);
    if (irp->PendingReturned)
        IoMarkIrpPending(irp);
    return STATUS_SUCCESS;
}

/* The sender's: notes, and keeps its IRP (which has no location of the
 * sender's to mark pending). */
static NTSTATUS NTAPI note_and_keep(PDEVICE_OBJECT device, PIRP irp,
                                    PVOID context)
{
    note(device, irp, context);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* A filter that copies its location down with note_completion set. */
static NTSTATUS NTAPI watch(PDEVICE_OBJECT device, PIRP irp)
{
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(
        irp, note_completion, &how, (how.invoke_on & ON_SUCCESS) != 0,
        (how.invoke_on & ON_ERROR) != 0, (how.invoke_on & ON_CANCEL) != 0);
    return IoCallDriver(mech_ext(device)->lower, irp);
}

static NTSTATUS NTAPI complete_as_told(PDEVICE_OBJECT device, PIRP irp)
{
    UNREFERENCED_PARAMETER(device);
    irp->Cancel = how.cancel;
    return mech_complete(irp, how.status, 0);
}

/* filter on bottom (both unnamed; NULL on failure). */
static PDEVICE_OBJECT make_filter(PDRIVER_DISPATCH filter,
                                  PDRIVER_DISPATCH bottom_handler,
                                  PDEVICE_OBJECT *bottom)
{
    PDEVICE_OBJECT top;

    *bottom = mech_create_device(NULL, bottom_handler);
    top = mech_create_device(NULL, filter);
    if (*bottom == NULL || top == NULL)
        return NULL;
    mech_ext(top)->lower = IoAttachDeviceToDeviceStack(top, *bottom);
    return top;
}

static void delete_filter(PDEVICE_OBJECT top, PDEVICE_OBJECT bottom)
{
    IoDetachDevice(bottom);
    IoDeleteDevice(top);
    IoDeleteDevice(bottom);
}

/* Sends a READ of the driver's own to top: its final status, or -1. */
static NTSTATUS send_read(PDEVICE_OBJECT top, PLONG completions)
{
    PIRP irp = mech_own_irp(top, IRP_MJ_READ, completions);
    NTSTATUS status;

    if (irp == NULL)
        return -1;
    IoCallDriver(top, irp);
    status = irp->IoStatus.Status;
    IoFreeIrp(irp);
    return status;
}

/* A completion routine runs, with its context and the device of the
 * driver that set it, exactly when its InvokeOn flags ask. */
KTEST(iomech, completion_routines_run_as_their_flags_ask)
{
    static const struct {
        NTSTATUS status;
        BOOLEAN cancel;
        ULONG invoke_on;
        ULONG calls;
    } cases[] = {
        {STATUS_SUCCESS, FALSE, ON_SUCCESS, 1},
        {STATUS_SUCCESS, FALSE, ON_ERROR | ON_CANCEL, 0},
        {STATUS_UNSUCCESSFUL, FALSE, ON_ERROR, 1},
        {STATUS_UNSUCCESSFUL, FALSE, ON_SUCCESS | ON_CANCEL, 0},
        {STATUS_CANCELLED, TRUE, ON_CANCEL, 1},
        {STATUS_CANCELLED, TRUE, ON_SUCCESS, 0},
        {STATUS_CANCELLED, TRUE, ON_ERROR, 1},
        {STATUS_SUCCESS, TRUE, ON_CANCEL, 1},
        {STATUS_SUCCESS, TRUE, ON_ERROR, 0},
    };
    PDEVICE_OBJECT bottom, top = make_filter(watch, complete_as_told, &bottom);
    LONG completions = 0;
    ULONG i;

    KT_ASSERT(top != NULL);
    for (i = 0; i < ARRAYSIZE(cases); i++) {
        how.status = cases[i].status;
        how.cancel = cases[i].cancel;
        how.invoke_on = cases[i].invoke_on;
        RtlZeroMemory(&routine_saw, sizeof routine_saw);
        KT_EXPECT_EQ(send_read(top, &completions), cases[i].status);
        if (routine_saw.calls != cases[i].calls)
            ktest_note("case %lu", (unsigned long)i);
        KT_EXPECT_EQ(routine_saw.calls, cases[i].calls);
        KT_EXPECT_EQ(completions, (LONG)i + 1); /* the sender's, always */
        if (routine_saw.calls == 0)
            continue;
        KT_EXPECT(routine_saw.context == &how);
        KT_EXPECT(routine_saw.device == top);
        KT_EXPECT_EQ(routine_saw.irql, PASSIVE_LEVEL);
        KT_EXPECT(!routine_saw.pending);
    }
    delete_filter(top, bottom);
}

static PLONG watched_completions;
static LONG completions_seen_in_filter;

static NTSTATUS NTAPI signal_event(PDEVICE_OBJECT device, PIRP irp, PVOID event)
{
    UNREFERENCED_PARAMETER(device);
    if (irp->PendingReturned)
        KeSetEvent(event, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Forwards the request, takes it back in its completion routine, then
 * completes it again with a result of its own. */
static NTSTATUS NTAPI forward_and_wait(PDEVICE_OBJECT device, PIRP irp)
{
    KEVENT back;
    NTSTATUS status;

    KeInitializeEvent(&back, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, signal_event, &back, TRUE, TRUE, TRUE);
    status = IoCallDriver(mech_ext(device)->lower, irp);
    if (status == STATUS_PENDING)
        KeWaitForSingleObject(&back, Executive, KernelMode, FALSE, NULL);
    completions_seen_in_filter = *watched_completions;
    return mech_complete(irp, STATUS_SUCCESS, 42);
}

/* STATUS_MORE_PROCESSING_REQUIRED stops the walk: the routines above do
 * not run until the driver completes the IRP again. */
KTEST(iomech, more_processing_required_stops_the_walk)
{
    PDEVICE_OBJECT bottom,
        top = make_filter(forward_and_wait, mech_succeed, &bottom);
    LONG completions = 0;
    PIRP irp;

    KT_ASSERT(top != NULL);
    irp = mech_own_irp(top, IRP_MJ_READ, &completions);
    KT_ASSERT(irp != NULL);
    watched_completions = &completions;
    completions_seen_in_filter = -1;
    KT_EXPECT_EQ(IoCallDriver(top, irp), STATUS_SUCCESS);
    KT_EXPECT_EQ(completions_seen_in_filter, 0);
    KT_EXPECT_EQ(completions, 1);
    KT_EXPECT_EQ(irp->IoStatus.Information, 42);
    KT_EXPECT_EQ(mech_ext(bottom)->seen[IRP_MJ_READ], 1);
    IoFreeIrp(irp);
    delete_filter(top, bottom);
}

static NTSTATUS NTAPI free_in_routine(PDEVICE_OBJECT device, PIRP irp,
                                      PVOID completions)
{
    NTSTATUS status = mech_take_back(device, irp, completions);

    IoFreeIrp(irp);
    return status;
}

/* Sends irp (fresh or reused) as a major request to device; its
 * completion routine frees it. */
static NTSTATUS send_and_free(PDEVICE_OBJECT device, PIRP irp, UCHAR major,
                              PLONG completions)
{
    IoGetNextIrpStackLocation(irp)->MajorFunction = major;
    IoSetCompletionRoutine(irp, free_in_routine, completions, TRUE, TRUE, TRUE);
    return IoCallDriver(device, irp);
}

/* A driver's own IRP: freed in its completion routine, or reused with
 * IoReuseIrp and sent again. */
KTEST(iomech, an_allocated_irp_is_freed_or_reused_by_its_driver)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, mech_succeed);
    LONG completions = 0;
    PIRP irp;

    KT_ASSERT(device != NULL);
    irp = IoAllocateIrp(device->StackSize, FALSE);
    KT_ASSERT(irp != NULL);
    KT_EXPECT_EQ(irp->StackCount, 1);
    KT_EXPECT_EQ(irp->CurrentLocation, 2);
    KT_EXPECT_EQ(send_and_free(device, irp, IRP_MJ_WRITE, &completions),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(completions, 1);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_WRITE], 1);

    irp = mech_own_irp(device, IRP_MJ_READ, &completions);
    KT_ASSERT(irp != NULL);
    irp->Cancel = TRUE;
    KT_EXPECT_EQ(IoCallDriver(device, irp), STATUS_SUCCESS);
    IoReuseIrp(irp, STATUS_NOT_SUPPORTED);
    KT_EXPECT_EQ(irp->IoStatus.Status, STATUS_NOT_SUPPORTED);
    KT_EXPECT_EQ(irp->IoStatus.Information, 0);
    KT_EXPECT_EQ(irp->CurrentLocation, irp->StackCount + 1);
    KT_EXPECT(!irp->Cancel);
    KT_EXPECT(IoGetNextIrpStackLocation(irp)->CompletionRoutine == NULL);
    KT_EXPECT_EQ(send_and_free(device, irp, IRP_MJ_READ, &completions),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(completions, 3);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_READ], 2);
    IoDeleteDevice(device);
}

/* ---- Pending requests ---------------------------------------------------- */

/* A lower driver's IoMarkIrpPending reaches the sender's routine as
 * PendingReturned through a filter without a routine of its own;
 * completion at DISPATCH_LEVEL runs the routines there. */
KTEST(iomech, pending_returned_propagates_up_the_stack)
{
    PDEVICE_OBJECT bottom,
        top = make_filter(mech_copy_down, mech_hold, &bottom);
    LONG completions = 0;
    PIRP irp;
    KIRQL irql;

    KT_ASSERT(top != NULL);
    irp = mech_own_irp(top, IRP_MJ_READ, &completions);
    KT_ASSERT(irp != NULL);
    IoSetCompletionRoutine(irp, note_and_keep, NULL, TRUE, TRUE, TRUE);
    RtlZeroMemory(&routine_saw, sizeof routine_saw);
    KT_EXPECT_EQ(IoCallDriver(top, irp), STATUS_PENDING);
    KT_EXPECT_EQ(routine_saw.calls, 0);
    KT_ASSERT(mech_ext(bottom)->held == irp);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    mech_complete(irp, STATUS_SUCCESS, 7);
    KeLowerIrql(irql);
    KT_EXPECT_EQ(routine_saw.calls, 1);
    KT_EXPECT(routine_saw.pending);
    KT_EXPECT_EQ(routine_saw.irql, DISPATCH_LEVEL);
    KT_EXPECT(routine_saw.device == NULL); /* the sender has no device */
    KT_EXPECT_EQ(irp->IoStatus.Information, 7);

    /* Completed before returning: nothing pending. */
    IoReuseIrp(irp, STATUS_SUCCESS);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_READ;
    IoSetCompletionRoutine(irp, note_and_keep, NULL, TRUE, TRUE, TRUE);
    mech_ext(bottom)->handler = mech_succeed;
    KT_EXPECT_EQ(IoCallDriver(top, irp), STATUS_SUCCESS);
    KT_EXPECT_EQ(routine_saw.calls, 2);
    KT_EXPECT(!routine_saw.pending);
    IoFreeIrp(irp);
    delete_filter(top, bottom);
}

/* ---- Requests built for other drivers ------------------------------------ */

#define IOCTL_MECH_ADD_ONE \
    CTL_CODE(0x8000, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define LATER_OFFSET 0x1000 /* a read there is completed later */

static KTIMER later_timer;
static KDPC later_dpc;
static KIRQL later_irql;

/* The answer to a request: an IOCTL adds one to its ULONG; a read fills
 * its buffer with bytes offset + i. Returns Information. */
static ULONG_PTR answer(PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    PUCHAR buffer = irp->AssociatedIrp.SystemBuffer;
    ULONG i;

    if (stack->MajorFunction == IRP_MJ_DEVICE_CONTROL) {
        *(PULONG)buffer += 1;
        return sizeof(ULONG);
    }
    for (i = 0; i < stack->Parameters.Read.Length; i++)
        buffer[i] = (UCHAR)(stack->Parameters.Read.ByteOffset.LowPart + i);
    return stack->Parameters.Read.Length;
}

static VOID complete_later(PKDPC dpc, PVOID device, PVOID arg1, PVOID arg2)
{
    PIRP irp = mech_ext(device)->held;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    later_irql = KeGetCurrentIrql();
    mech_complete(irp, STATUS_SUCCESS, answer(irp));
}

/* Answers at once, or (an IOCTL with input 100, a read at LATER_OFFSET)
 * 10 ms later from a timer's DPC. */
static NTSTATUS NTAPI answer_now_or_later(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    BOOLEAN later =
        stack->MajorFunction == IRP_MJ_DEVICE_CONTROL
            ? *(PULONG)irp->AssociatedIrp.SystemBuffer == 100
            : stack->Parameters.Read.ByteOffset.QuadPart == LATER_OFFSET;

    if (!later)
        return mech_complete(irp, STATUS_SUCCESS, answer(irp));
    mech_hold(device, irp);
    KeInitializeDpc(&later_dpc, complete_later, device);
    KeSetTimer(&later_timer, kt_relative(KT_MS(10)), &later_dpc);
    return STATUS_PENDING;
}

/* Sends a built request as NT's drivers do (call, wait if pending) and
 * checks its end: pending when later, the event set, the status block
 * written with success and information. */
static void send_built(PDEVICE_OBJECT device, PIRP irp, PKEVENT event,
                       const IO_STATUS_BLOCK *iosb, BOOLEAN later,
                       ULONG_PTR information)
{
    NTSTATUS status;

    KT_ASSERT(irp != NULL);
    status = IoCallDriver(device, irp);
    KT_EXPECT_EQ(status, later ? STATUS_PENDING : STATUS_SUCCESS);
    if (status == STATUS_PENDING)
        KeWaitForSingleObject(event, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT(KeReadStateEvent(event));
    KT_EXPECT_EQ(iosb->Status, STATUS_SUCCESS);
    KT_EXPECT_EQ(iosb->Information, information);
}

/* IoBuildDeviceIoControlRequest: the event is set and the status block
 * and output written whether the lower driver completes at once or later
 * from a DPC. */
KTEST(iomech, a_built_ioctl_signals_its_event_when_done)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, answer_now_or_later);
    ULONG inputs[] = {5, 100}, out;
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    ULONG i;
    PIRP irp;

    KT_ASSERT(device != NULL);
    KeInitializeTimer(&later_timer);
    for (i = 0; i < ARRAYSIZE(inputs); i++) {
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        iosb.Status = -1;
        out = 0;
        later_irql = 0xFF;
        irp = IoBuildDeviceIoControlRequest(IOCTL_MECH_ADD_ONE, device,
                                            &inputs[i], sizeof inputs[i], &out,
                                            sizeof out, FALSE, &event, &iosb);
        send_built(device, irp, &event, &iosb, i == 1, sizeof out);
        KT_EXPECT_EQ(out, inputs[i] + 1);
        KT_EXPECT_EQ(later_irql, i == 0 ? 0xFF : DISPATCH_LEVEL);
    }
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_DEVICE_CONTROL], 2);
    IoDeleteDevice(device);
}

/* IoBuildSynchronousFsdRequest: a buffered read's data reaches the
 * caller's buffer, at once or from a DPC. */
KTEST(iomech, a_built_read_fills_the_buffer_and_signals)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, answer_now_or_later);
    LARGE_INTEGER offsets[] = {{.QuadPart = 7}, {.QuadPart = LATER_OFFSET}};
    UCHAR buffer[16];
    IO_STATUS_BLOCK iosb;
    KEVENT event;
    ULONG i;
    PIRP irp;

    KT_ASSERT(device != NULL);
    device->Flags |= DO_BUFFERED_IO;
    KeInitializeTimer(&later_timer);
    KT_EXPECT(IoBuildSynchronousFsdRequest(IRP_MJ_DEVICE_CONTROL, device,
                                           buffer, sizeof buffer, NULL, &event,
                                           &iosb) == NULL);
    for (i = 0; i < ARRAYSIZE(offsets); i++) {
        KeInitializeEvent(&event, NotificationEvent, FALSE);
        RtlZeroMemory(buffer, sizeof buffer);
        iosb.Status = -1;
        irp = IoBuildSynchronousFsdRequest(IRP_MJ_READ, device, buffer,
                                           sizeof buffer, &offsets[i], &event,
                                           &iosb);
        send_built(device, irp, &event, &iosb, i == 1, sizeof buffer);
        KT_EXPECT_EQ(buffer[0], (UCHAR)offsets[i].LowPart);
        KT_EXPECT_EQ(buffer[15], (UCHAR)(offsets[i].LowPart + 15));
    }
    IoDeleteDevice(device);
}
