/*
 * The iomech suite, queues and cancellation: StartIo and its device queue
 * (in order, by key, with queued packets cancelled), cancel routines, and
 * the misuse of IRPs and device queues that NT stops the system for.
 */
#include "iomech.h"

/* ---- Cancellation -------------------------------------------------------- */

static struct {
    ULONG calls;
    KIRQL irql;
    KIRQL cancel_irql;
    BOOLEAN cancel;
    PDEVICE_OBJECT device;
    BOOLEAN removed; /* from the device queue */
} cancel_saw;

static void note_cancel(PDEVICE_OBJECT device, PIRP irp)
{
    cancel_saw.calls++;
    cancel_saw.irql = KeGetCurrentIrql();
    cancel_saw.cancel_irql = irp->CancelIrql;
    cancel_saw.cancel = irp->Cancel;
    cancel_saw.device = device;
}

static VOID NTAPI cancel_held(PDEVICE_OBJECT device, PIRP irp)
{
    note_cancel(device, irp);
    mech_ext(device)->held = NULL;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    mech_complete(irp, STATUS_CANCELLED, 0);
}

/* Keeps the request pending, cancelable with cancel_held. */
static NTSTATUS NTAPI hold_cancelable(PDEVICE_OBJECT device, PIRP irp)
{
    KIRQL irql;

    IoMarkIrpPending(irp);
    IoAcquireCancelSpinLock(&irql);
    mech_ext(device)->held = irp;
    IoSetCancelRoutine(irp, cancel_held);
    IoReleaseCancelSpinLock(irql);
    return STATUS_PENDING;
}

/* A READ of the driver's own sent to device, pending there; NULL when it
 * is not. */
static PIRP send_read(PDEVICE_OBJECT device, PLONG completions)
{
    PIRP irp = mech_own_irp(device, IRP_MJ_READ, completions);

    if (irp != NULL && IoCallDriver(device, irp) != STATUS_PENDING)
        return NULL;
    return irp;
}

/* IoCancelIrp calls the cancel routine at DISPATCH_LEVEL with the
 * caller's IRQL in CancelIrql, and returns TRUE; without a routine it
 * only marks the IRP and returns FALSE. */
KTEST(iomech, cancelling_calls_the_cancel_routine)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, hold_cancelable);
    LONG completions = 0;
    KIRQL irql;
    PIRP irp;

    KT_ASSERT(device != NULL);
    RtlZeroMemory(&cancel_saw, sizeof cancel_saw);
    KT_ASSERT((irp = send_read(device, &completions)) != NULL);
    KT_EXPECT(irp->CancelRoutine == cancel_held);
    KeRaiseIrql(APC_LEVEL, &irql);
    KT_EXPECT(IoCancelIrp(irp));
    KeLowerIrql(irql);
    KT_EXPECT_EQ(cancel_saw.calls, 1);
    KT_EXPECT_EQ(cancel_saw.irql, DISPATCH_LEVEL);
    KT_EXPECT_EQ(cancel_saw.cancel_irql, APC_LEVEL);
    KT_EXPECT(cancel_saw.cancel);
    KT_EXPECT(cancel_saw.device == device);
    KT_EXPECT(irp->CancelRoutine == NULL);
    KT_EXPECT_EQ(completions, 1);
    KT_EXPECT_EQ(irp->IoStatus.Status, STATUS_CANCELLED);
    KT_EXPECT(!IoCancelIrp(irp)); /* no routine any more */
    IoFreeIrp(irp);

    mech_ext(device)->handler = mech_hold;
    KT_ASSERT((irp = send_read(device, &completions)) != NULL);
    KT_EXPECT(!IoCancelIrp(irp));
    KT_EXPECT(irp->Cancel);
    KT_EXPECT_EQ(cancel_saw.calls, 1);
    KT_EXPECT_EQ(completions, 1); /* still the driver's */
    mech_complete(irp, STATUS_SUCCESS, 0);
    KT_EXPECT_EQ(completions, 2);
    IoFreeIrp(irp);
    IoDeleteDevice(device);
}

static VOID NTAPI lock_again(PDEVICE_OBJECT device, PIRP irp)
{
    KIRQL irql;

    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(irp);
    IoAcquireCancelSpinLock(&irql);
}

static NTSTATUS NTAPI hold_with_lock_again(PDEVICE_OBJECT device, PIRP irp)
{
    mech_hold(device, irp);
    IoSetCancelRoutine(irp, lock_again);
    return STATUS_PENDING;
}

/* The cancel routine runs holding the cancel spin lock: taking it again
 * is a lock already owned. */
KTEST_STOP(iomech, a_cancel_routine_holds_the_cancel_lock,
           SPIN_LOCK_ALREADY_OWNED)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, hold_with_lock_again);
    LONG completions = 0;
    PIRP irp;

    KT_ASSERT(device != NULL);
    KT_ASSERT((irp = send_read(device, &completions)) != NULL);
    IoCancelIrp(irp);
}

/* ---- StartIo ------------------------------------------------------------- */

static struct {
    PIRP order[8];
    ULONG count;
    KIRQL irql;
    PIRP current; /* the device's CurrentIrp, as StartIo saw it */
} started;

static BOOLEAN by_key;

/* StartIo: the packet is no longer cancelable; it waits for the test to
 * end it. */
static VOID NTAPI note_start(PDEVICE_OBJECT device, PIRP irp)
{
    KIRQL irql;

    started.irql = KeGetCurrentIrql();
    started.current = device->CurrentIrp;
    IoAcquireCancelSpinLock(&irql);
    IoSetCancelRoutine(irp, NULL);
    IoReleaseCancelSpinLock(irql);
    if (started.count < ARRAYSIZE(started.order))
        started.order[started.count++] = irp;
}

/* A queued packet's cancel routine: out of the device queue, cancelled. */
static VOID NTAPI cancel_queued(PDEVICE_OBJECT device, PIRP irp)
{
    note_cancel(device, irp);
    cancel_saw.removed = KeRemoveEntryDeviceQueue(
        &device->DeviceQueue, &irp->Tail.Overlay.DeviceQueueEntry);
    IoReleaseCancelSpinLock(irp->CancelIrql);
    mech_complete(irp, STATUS_CANCELLED, 0);
}

static NTSTATUS NTAPI start_packet(PDEVICE_OBJECT device, PIRP irp)
{
    ULONG key = IoGetCurrentIrpStackLocation(irp)->Parameters.Read.Key;

    IoMarkIrpPending(irp);
    IoStartPacket(device, irp, by_key ? &key : NULL, cancel_queued);
    return STATUS_PENDING;
}

/* A device with StartIo and the READs sent to it. */
typedef struct startio_run {
    PDEVICE_OBJECT device;
    PIRP irps[5];
    ULONG n;
    LONG completions;
} startio_run;

/* Makes run's device and sends it n READs (keys[i], by key if keyed), in
 * order. FALSE when memory is short. */
static BOOLEAN start_reads(startio_run *run, const ULONG *keys, ULONG n,
                           BOOLEAN keyed)
{
    ULONG i;

    RtlZeroMemory(run, sizeof *run);
    RtlZeroMemory(&started, sizeof started);
    RtlZeroMemory(&cancel_saw, sizeof cancel_saw);
    by_key = keyed;
    run->device = mech_create_device(NULL, start_packet);
    if (run->device == NULL)
        return FALSE;
    mech_ext(run->device)->start_io = note_start;
    for (; run->n < n; run->n++) {
        i = run->n;
        run->irps[i] =
            mech_own_irp(run->device, IRP_MJ_READ, &run->completions);
        if (run->irps[i] == NULL)
            return FALSE;
        IoGetNextIrpStackLocation(run->irps[i])->Parameters.Read.Key = keys[i];
        IoCallDriver(run->device, run->irps[i]);
    }
    return TRUE;
}

/* Ends the device's current packet and starts the next. */
static void end_packet(PDEVICE_OBJECT device)
{
    PIRP irp = device->CurrentIrp;

    IoStartNextPacket(device, TRUE);
    mech_complete(irp, STATUS_SUCCESS, 0);
}

static void end_run(startio_run *run)
{
    ULONG i;

    for (i = 0; i < run->n; i++)
        IoFreeIrp(run->irps[i]);
    IoDeleteDevice(run->device);
}

static const ULONG no_keys[3] = {0, 0, 0};

/* The first packet starts at once (StartIo at DISPATCH_LEVEL, as the
 * device's CurrentIrp); the others wait their turn, first come first
 * started. */
KTEST(iomech, start_packet_queues_while_the_device_is_busy)
{
    startio_run run;

    KT_ASSERT(start_reads(&run, no_keys, 3, FALSE));
    KT_EXPECT_EQ(started.count, 1);
    KT_EXPECT(started.order[0] == run.irps[0]);
    KT_EXPECT(started.current == run.irps[0]);
    KT_EXPECT_EQ(started.irql, DISPATCH_LEVEL);
    KT_EXPECT(run.device->DeviceQueue.Busy);
    end_packet(run.device);
    KT_EXPECT_EQ(started.count, 2);
    KT_EXPECT(started.order[1] == run.irps[1]);
    KT_EXPECT(run.device->CurrentIrp == run.irps[1]);
    end_packet(run.device);
    end_packet(run.device);
    KT_EXPECT_EQ(started.count, 3);
    KT_EXPECT(started.order[2] == run.irps[2]);
    KT_EXPECT(run.device->CurrentIrp == NULL);
    KT_EXPECT(!run.device->DeviceQueue.Busy);
    KT_EXPECT_EQ(run.completions, 3);
    end_run(&run);
}

/* Packets started with a key wait in key order (equal keys in arrival
 * order). */
KTEST(iomech, start_packet_with_a_key_sorts_the_queue)
{
    static const ULONG keys[5] = {50, 30, 10, 20, 20};
    static const ULONG expected[5] = {0, 2, 3, 4, 1};
    startio_run run;
    ULONG i;

    KT_ASSERT(start_reads(&run, keys, 5, TRUE));
    for (i = 0; i < 5; i++)
        end_packet(run.device);
    KT_EXPECT_EQ(started.count, 5);
    for (i = 0; i < 5; i++)
        KT_EXPECT(started.order[i] == run.irps[expected[i]]);
    KT_EXPECT_EQ(run.completions, 5);
    end_run(&run);
}

/* IoStartNextPacketByKey starts the first packet whose key is at least
 * the one given, or, when there is none, the first in the queue. */
KTEST(iomech, start_next_packet_by_key)
{
    static const ULONG keys[5] = {50, 30, 10, 20, 20};
    static const ULONG next_keys[4] = {25, 100, 15, 0};
    startio_run run;
    PIRP irp;
    ULONG i;

    KT_ASSERT(start_reads(&run, keys, 5, TRUE));
    for (i = 0; i < 4; i++) {
        irp = run.device->CurrentIrp;
        IoStartNextPacketByKey(run.device, TRUE, next_keys[i]);
        mech_complete(irp, STATUS_SUCCESS, 0);
    }
    KT_EXPECT_EQ(started.count, 5);
    for (i = 0; i < 5; i++)
        KT_EXPECT(started.order[i] == run.irps[i]);
    end_packet(run.device);
    KT_EXPECT(!run.device->DeviceQueue.Busy);
    KT_EXPECT_EQ(run.completions, 5);
    end_run(&run);
}

/* Cancelling a queued packet calls the CancelFunction given to
 * IoStartPacket, which takes it out of the device queue; the started
 * packet is no longer cancelable. */
KTEST(iomech, cancelling_a_queued_packet_takes_it_off_the_queue)
{
    startio_run run;
    PIRP *irps = run.irps;

    KT_ASSERT(start_reads(&run, no_keys, 3, FALSE));
    KT_EXPECT(irps[1]->CancelRoutine == cancel_queued);
    KT_EXPECT(IoCancelIrp(irps[1]));
    KT_EXPECT_EQ(cancel_saw.calls, 1);
    KT_EXPECT(cancel_saw.removed);
    KT_EXPECT_EQ(cancel_saw.irql, DISPATCH_LEVEL);
    KT_EXPECT_EQ(cancel_saw.cancel_irql, PASSIVE_LEVEL);
    KT_EXPECT_EQ(irps[1]->IoStatus.Status, STATUS_CANCELLED);
    KT_EXPECT_EQ(run.completions, 1);
    KT_EXPECT(!IoCancelIrp(irps[0])); /* started: not cancelable */
    KT_EXPECT(irps[0]->Cancel);
    end_packet(run.device);
    KT_EXPECT_EQ(started.count, 2);
    KT_EXPECT(started.order[1] == irps[2]); /* the cancelled one skipped */
    end_packet(run.device);
    KT_EXPECT(!run.device->DeviceQueue.Busy);
    KT_EXPECT_EQ(cancel_saw.calls, 1);
    KT_EXPECT_EQ(run.completions, 3);
    end_run(&run);
}

/* ---- What stops the system ----------------------------------------------- */

static NTSTATUS NTAPI complete_twice(PDEVICE_OBJECT device, PIRP irp)
{
    if (IoGetCurrentIrpStackLocation(irp)->MajorFunction !=
        IRP_MJ_DEVICE_CONTROL)
        return mech_succeed(device, irp);
    ktest_expect_params(KTEST_P1, (ULONG_PTR)irp, 0, 0, 0);
    mech_complete(irp, STATUS_SUCCESS, 0);
    return mech_complete(irp, STATUS_SUCCESS, 0);
}

/* A driver that completes the same request twice. */
KTEST_STOP(iomech, completing_an_irp_twice, MULTIPLE_IRP_COMPLETE_REQUESTS)
{
    IO_STATUS_BLOCK iosb;
    HANDLE handle;

    KT_ASSERT(mech_create_device(L"\\Device\\IoMechTwice", complete_twice) !=
              NULL);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechTwice", &handle), STATUS_SUCCESS);
    ZwDeviceIoControlFile(handle, NULL, NULL, NULL, &iosb, 0, NULL, 0, NULL, 0);
}

/* An IRP with too few stack locations for the stack it is sent to (the
 * bottom's StackSize, not the top's): the filter's call runs out. */
KTEST_STOP(iomech, calling_past_the_last_stack_location,
           NO_MORE_IRP_STACK_LOCATIONS)
{
    PDEVICE_OBJECT bottom = mech_create_device(NULL, mech_succeed);
    PDEVICE_OBJECT top = mech_create_device(NULL, mech_copy_down);
    LONG completions = 0;
    PIRP irp;

    KT_ASSERT(bottom != NULL && top != NULL);
    mech_ext(top)->lower = IoAttachDeviceToDeviceStack(top, bottom);
    irp = mech_own_irp(bottom, IRP_MJ_READ, &completions);
    KT_ASSERT(irp != NULL);
    ktest_expect_params(KTEST_P1, (ULONG_PTR)irp, 0, 0, 0);
    IoCallDriver(top, irp);
}

KTEST_STOP(iomech, freeing_an_irp_twice, MULTIPLE_IRP_COMPLETE_REQUESTS)
{
    PIRP irp = IoAllocateIrp(1, FALSE);

    KT_ASSERT(irp != NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)irp, 1, 0, 0);
    IoFreeIrp(irp);
    IoFreeIrp(irp);
}

/* Device queues are used at DISPATCH_LEVEL. */
KTEST_STOP(iomech, inserting_into_a_device_queue_below_dispatch_level,
           IRQL_NOT_GREATER_OR_EQUAL)
{
    static KDEVICE_QUEUE queue;
    static KDEVICE_QUEUE_ENTRY entry;

    KeInitializeDeviceQueue(&queue);
    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)&queue, PASSIVE_LEVEL,
                        0, 0);
    KeInsertDeviceQueue(&queue, &entry);
}
