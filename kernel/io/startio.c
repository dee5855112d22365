/*
 * StartIo (IoStartPacket, IoStartNextPacket) and the requests drivers
 * build for other drivers (IoBuildDeviceIoControlRequest,
 * IoBuildSynchronousFsdRequest).
 */
#include "io.h"

/* ---- StartIo ------------------------------------------------------------- */

/*
 * Starts Irp on the device now (its StartIo, at DISPATCH_LEVEL) if the
 * device is idle, else queues it (by Key if given). CancelFunction, if
 * given, becomes the IRP's cancel routine while it waits.
 */
VOID NTAPI IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp, PULONG Key,
                         PDRIVER_CANCEL CancelFunction)
{
    PKDEVICE_QUEUE_ENTRY entry = &Irp->Tail.Overlay.DeviceQueueEntry;
    BOOLEAN queued;
    KIRQL irql;

    IoAcquireCancelSpinLock(&irql);
    if (CancelFunction != NULL)
        IoSetCancelRoutine(Irp, CancelFunction);
    queued =
        Key != NULL
            ? KeInsertByKeyDeviceQueue(&DeviceObject->DeviceQueue, entry, *Key)
            : KeInsertDeviceQueue(&DeviceObject->DeviceQueue, entry);
    if (!queued) {
        DeviceObject->CurrentIrp = Irp;
        IoReleaseCancelSpinLock(DISPATCH_LEVEL);
        DeviceObject->DriverObject->DriverStartIo(DeviceObject, Irp);
    } else if (Irp->Cancel && CancelFunction != NULL &&
               IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* Cancelled while it was being queued: the routine takes it out
         * and releases the lock. */
        Irp->CancelIrql = DISPATCH_LEVEL;
        CancelFunction(DeviceObject, Irp);
    } else {
        IoReleaseCancelSpinLock(DISPATCH_LEVEL);
    }
    KfLowerIrql(irql);
}

/* The device is done with its current IRP: starts the next queued one
 * (the first with a key of at least *key, when key is given). */
static void start_next(PDEVICE_OBJECT device, BOOLEAN cancelable,
                       const ULONG *key)
{
    PKDEVICE_QUEUE_ENTRY entry;
    KIRQL irql;
    PIRP irp;

    if (cancelable)
        IoAcquireCancelSpinLock(&irql);
    else
        irql = KfRaiseIrql(DISPATCH_LEVEL > KeGetCurrentIrql()
                               ? DISPATCH_LEVEL
                               : KeGetCurrentIrql());
    device->CurrentIrp = NULL;
    entry = key != NULL ? KeRemoveByKeyDeviceQueue(&device->DeviceQueue, *key)
                        : KeRemoveDeviceQueue(&device->DeviceQueue);
    irp = entry != NULL
              ? CONTAINING_RECORD(entry, IRP, Tail.Overlay.DeviceQueueEntry)
              : NULL;
    device->CurrentIrp = irp;
    if (cancelable)
        IoReleaseCancelSpinLock(DISPATCH_LEVEL);
    if (irp != NULL)
        device->DriverObject->DriverStartIo(device, irp);
    KfLowerIrql(irql);
}

VOID NTAPI IoStartNextPacket(PDEVICE_OBJECT DeviceObject, BOOLEAN Cancelable)
{
    start_next(DeviceObject, Cancelable, NULL);
}

VOID NTAPI IoStartNextPacketByKey(PDEVICE_OBJECT DeviceObject,
                                  BOOLEAN Cancelable, ULONG Key)
{
    start_next(DeviceObject, Cancelable, &Key);
}

/* ---- Requests for other drivers ------------------------------------------ */

/* A threaded IRP for the current thread, on its list, that tells event
 * and iosb (kernel memory) when it is done. */
static PIRP build(PDEVICE_OBJECT device, PKEVENT event, PIO_STATUS_BLOCK iosb,
                  UCHAR major)
{
    PIRP irp = io_allocate_threaded_irp(device->StackSize, KernelMode);
    PETHREAD thread = PsGetCurrentThread();
    KIRQL irql;

    if (irp == NULL)
        return NULL;
    irp->UserEvent = event;
    irp->UserIosb = iosb;
    irp->Flags |= IRP_SYNCHRONOUS_API;
    IoGetNextIrpStackLocation(irp)->MajorFunction = major;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    InsertTailList(&thread->IrpList, &irp->ThreadListEntry);
    KfLowerIrql(irql);
    return irp;
}

/* The built IRP, or NULL (freed) when describing its buffers failed. */
static PIRP built(PIRP irp, NTSTATUS status)
{
    if (NT_SUCCESS(status))
        return irp;
    irp->IoStatus.Status = status;
    io_abandon_request(irp);
    return NULL;
}

/*
 * An IRP_MJ_[INTERNAL_]DEVICE_CONTROL request for DeviceObject, with its
 * buffers described as IoControlCode's method asks (kernel buffers). Send
 * it with IoCallDriver; when it ends, IoStatusBlock is written and Event
 * set, in this thread. PASSIVE_LEVEL. NULL when memory is short.
 */
PIRP NTAPI IoBuildDeviceIoControlRequest(
    ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
    ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
    BOOLEAN InternalDeviceIoControl, PKEVENT Event,
    PIO_STATUS_BLOCK IoStatusBlock)
{
    PIRP irp = build(DeviceObject, Event, IoStatusBlock,
                     InternalDeviceIoControl ? IRP_MJ_INTERNAL_DEVICE_CONTROL
                                             : IRP_MJ_DEVICE_CONTROL);

    if (irp == NULL)
        return NULL;
    return built(irp, io_describe_ioctl(irp, KernelMode, IoControlCode,
                                        InputBuffer, InputBufferLength,
                                        OutputBuffer, OutputBufferLength));
}

/*
 * A read, write, flush or shutdown request for DeviceObject, its buffer
 * described as the device's flags ask. As IoBuildDeviceIoControlRequest.
 */
PIRP NTAPI IoBuildSynchronousFsdRequest(ULONG MajorFunction,
                                        PDEVICE_OBJECT DeviceObject,
                                        PVOID Buffer, ULONG Length,
                                        PLARGE_INTEGER StartingOffset,
                                        PKEVENT Event,
                                        PIO_STATUS_BLOCK IoStatusBlock)
{
    PIO_STACK_LOCATION stack;
    PIRP irp;

    if (MajorFunction != IRP_MJ_READ && MajorFunction != IRP_MJ_WRITE &&
        MajorFunction != IRP_MJ_FLUSH_BUFFERS &&
        MajorFunction != IRP_MJ_SHUTDOWN)
        return NULL;
    irp = build(DeviceObject, Event, IoStatusBlock, (UCHAR)MajorFunction);
    if (irp == NULL ||
        (MajorFunction != IRP_MJ_READ && MajorFunction != IRP_MJ_WRITE))
        return irp;
    stack = IoGetNextIrpStackLocation(irp);
    stack->Parameters.Read.Length = Length;
    if (StartingOffset != NULL)
        stack->Parameters.Read.ByteOffset = *StartingOffset;
    return built(irp, io_describe_transfer(irp, KernelMode, DeviceObject,
                                           MajorFunction == IRP_MJ_WRITE,
                                           Buffer, Length));
}
