/*
 * race.sys: a lost update, held in for testing (docs/races.md).
 *
 * A counter is shared by the dispatch routine of IOCTL_RACE_BUMP and a
 * timer DPC that runs every millisecond. The DPC takes the spin lock; the
 * dispatch routine, in its unlocked form, does not: it reads the counter,
 * does a little work, and writes it back. The window between the read and
 * the write holds no kernel call, so without preemption points no DPC can
 * ever run inside it on one processor, and the count always comes out
 * right. With points (the SDK's default) the clock can interrupt the
 * window, and with --cpus 2 the DPC can run on the other processor while
 * the window is open: an update is lost, and raceapp.exe says so. The
 * locked form (RACE_REQUEST.Locked) holds the lock across the window,
 * which is the fix.
 */
#include <ntddk.h>

#include "race.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD race_unload;
static DRIVER_DISPATCH race_create_close;
static DRIVER_DISPATCH race_device_control;
static KDEFERRED_ROUTINE race_dpc;

static const WCHAR device_name[] = L"\\Device\\Race";
static const WCHAR link_name[] = L"\\DosDevices\\Race";

static KTIMER timer;
static KDPC dpc;
static KSPIN_LOCK lock;          /* guards counter (when taken) */
static volatile ULONG counter;   /* the shared counter */
static volatile ULONG in_loop;   /* a request is in its loop */
static volatile ULONG scratch;   /* the window's work */
static RACE_RESULT result;       /* the tallies but Counter */

/* Adds one to counter: read, a little work with branches (basic blocks,
 * each a place a point can fall), write. No kernel call in between. */
static __attribute__((noinline)) void add_one(void)
{
    ULONG value = counter, i;

    for (i = 0; i < (value & 3) + 1; i++) {
        if ((value + i) & 1)
            scratch += i;
        else
            scratch ^= i;
    }
    counter = value + 1;
}

static VOID race_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    KeAcquireSpinLockAtDpcLevel(&lock);
    add_one();
    result.DpcAdds++;
    if (in_loop)
        result.DpcsInside++;
    result.DpcProcessors |= 1u << KeGetCurrentProcessorNumber();
    KeReleaseSpinLockFromDpcLevel(&lock);
}

static NTSTATUS bump(const RACE_REQUEST *request)
{
    ULONG i;
    KIRQL irql;

    result.BumpProcessors |= 1u << KeGetCurrentProcessorNumber();
    in_loop = 1;
    for (i = 0; i < request->Increments; i++) {
        if (request->Locked) {
            KeAcquireSpinLock(&lock, &irql);
            add_one();
            KeReleaseSpinLock(&lock, irql);
        } else {
            add_one(); /* the bug: no lock */
        }
    }
    in_loop = 0;
    result.DispatchAdds += request->Increments;
    return STATUS_SUCCESS;
}

static NTSTATUS race_device_control(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID buffer = Irp->AssociatedIrp.SystemBuffer;
    LARGE_INTEGER due = {.QuadPart = -10000}; /* 1 ms */
    NTSTATUS status = STATUS_SUCCESS;
    ULONG_PTR information = 0;
    KIRQL irql;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_RACE_START:
        RtlZeroMemory(&result, sizeof result);
        counter = 0;
        KeSetTimerEx(&timer, due, 1, &dpc);
        break;
    case IOCTL_RACE_BUMP:
        if (in < sizeof(RACE_REQUEST) ||
            ((const RACE_REQUEST *)buffer)->Increments > 1000000)
            status = STATUS_INVALID_PARAMETER;
        else
            status = bump(buffer);
        break;
    case IOCTL_RACE_STOP:
        if (out < sizeof(RACE_RESULT)) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        KeCancelTimer(&timer);
        KeRemoveQueueDpc(&dpc);
        KeFlushQueuedDpcs();
        KeAcquireSpinLock(&lock, &irql);
        result.Counter = counter;
        RtlCopyMemory(buffer, &result, sizeof result);
        KeReleaseSpinLock(&lock, irql);
        information = sizeof result;
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

static NTSTATUS race_create_close(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static VOID race_unload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING link;

    KeCancelTimer(&timer);
    KeRemoveQueueDpc(&dpc);
    KeFlushQueuedDpcs();
    RtlInitUnicodeString(&link, link_name);
    IoDeleteSymbolicLink(&link);
    if (DriverObject->DeviceObject != NULL)
        IoDeleteDevice(DriverObject->DeviceObject);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name, link;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeSpinLock(&lock);
    KeInitializeTimerEx(&timer, NotificationTimer);
    KeInitializeDpc(&dpc, race_dpc, NULL);
    RtlInitUnicodeString(&name, device_name);
    status = IoCreateDevice(DriverObject, 0, &name, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    device->Flags |= DO_BUFFERED_IO;
    RtlInitUnicodeString(&link, link_name);
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = race_create_close;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = race_create_close;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = race_device_control;
    DriverObject->DriverUnload = race_unload;
    return STATUS_SUCCESS;
}
