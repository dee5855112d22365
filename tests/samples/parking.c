/*
 * parking.sys: a cancel-safe queue (IoCsq) of pending requests, and a
 * remove lock held by each request from dispatch to completion, which
 * DriverUnload waits out with IoReleaseRemoveLockAndWait. The IOCTLs are
 * in parking.h. Cancellation is the I/O manager's: the driver only
 * completes what CsqCompleteCanceledIrp hands it.
 */
#include <ntddk.h>
#include <wdmsec.h>

#include "parking.h"

#define PARKING_TAG 'krPt'

typedef struct _PARKING_EXTENSION {
    IO_CSQ Queue;
    LIST_ENTRY Parked;
    KSPIN_LOCK Lock;
    IO_REMOVE_LOCK RemoveLock;
    IO_CSQ_IRP_CONTEXT Tracked;
} PARKING_EXTENSION, *PPARKING_EXTENSION;

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD ParkingUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH ParkingCreateClose;
_Dispatch_type_(IRP_MJ_CLEANUP) DRIVER_DISPATCH ParkingCleanup;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH ParkingControl;
_Dispatch_type_(IRP_MJ_READ) DRIVER_DISPATCH ParkingRead;

static IO_CSQ_INSERT_IRP ParkInsert;
static IO_CSQ_REMOVE_IRP ParkRemove;
static IO_CSQ_PEEK_NEXT_IRP ParkPeek;
static IO_CSQ_ACQUIRE_LOCK ParkLock;
static IO_CSQ_RELEASE_LOCK ParkUnlock;
static IO_CSQ_COMPLETE_CANCELED_IRP ParkCancelled;

static PPARKING_EXTENSION ExtensionOf(PIO_CSQ Csq)
{
    return CONTAINING_RECORD(Csq, PARKING_EXTENSION, Queue);
}

static ULONG KeyOf(PIRP Irp)
{
    return *(PULONG)Irp->AssociatedIrp.SystemBuffer;
}

static VOID ParkInsert(PIO_CSQ Csq, PIRP Irp)
{
    InsertTailList(&ExtensionOf(Csq)->Parked, &Irp->Tail.Overlay.ListEntry);
}

static VOID ParkRemove(PIO_CSQ Csq, PIRP Irp)
{
    UNREFERENCED_PARAMETER(Csq);
    RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
}

/* The next parked request after Irp whose key is *PeekContext (any key
 * when PeekContext is NULL). */
static PIRP ParkPeek(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext)
{
    PLIST_ENTRY Head = &ExtensionOf(Csq)->Parked, Entry;
    PIRP Next;

    Entry = Irp != NULL ? Irp->Tail.Overlay.ListEntry.Flink : Head->Flink;
    for (; Entry != Head; Entry = Entry->Flink) {
        Next = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);
        if (PeekContext == NULL || KeyOf(Next) == *(PULONG)PeekContext)
            return Next;
    }
    return NULL;
}

static VOID ParkLock(PIO_CSQ Csq, PKIRQL Irql)
{
    KeAcquireSpinLock(&ExtensionOf(Csq)->Lock, Irql);
}

static VOID ParkUnlock(PIO_CSQ Csq, KIRQL Irql)
{
    KeReleaseSpinLock(&ExtensionOf(Csq)->Lock, Irql);
}

/* Completes a request and gives back its hold on the remove lock. */
static VOID Finish(PPARKING_EXTENSION Ext, PIRP Irp, NTSTATUS Status,
                   ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
}

static VOID ParkCancelled(PIO_CSQ Csq, PIRP Irp)
{
    KdPrint(("parking: request with key %u cancelled\n", KeyOf(Irp)));
    Finish(ExtensionOf(Csq), Irp, STATUS_CANCELLED, 0);
}

_Use_decl_annotations_
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(L"\\Device\\Parking");
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\Parking");
    PDEVICE_OBJECT Device;
    PPARKING_EXTENSION Ext;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = IoCreateDeviceSecure(DriverObject, sizeof(PARKING_EXTENSION),
                                  &Name, FILE_DEVICE_UNKNOWN,
                                  FILE_DEVICE_SECURE_OPEN, FALSE,
                                  &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, NULL, &Device);
    if (!NT_SUCCESS(Status))
        return Status;
    Ext = Device->DeviceExtension;
    InitializeListHead(&Ext->Parked);
    KeInitializeSpinLock(&Ext->Lock);
    IoInitializeRemoveLock(&Ext->RemoveLock, PARKING_TAG, 0, 0);
    IoCsqInitialize(&Ext->Queue, ParkInsert, ParkRemove, ParkPeek, ParkLock,
                    ParkUnlock, ParkCancelled);
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(Device);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = ParkingCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = ParkingCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = ParkingCleanup;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = ParkingControl;
    DriverObject->MajorFunction[IRP_MJ_READ] = ParkingRead;
    DriverObject->DriverUnload = ParkingUnload;
    Device->Flags |= DO_BUFFERED_IO;
    Device->Flags &= ~DO_DEVICE_INITIALIZING;
    KdPrint(("parking: loaded\n"));
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID ParkingUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING Link = RTL_CONSTANT_STRING(L"\\DosDevices\\Parking");
    PDEVICE_OBJECT Device = DriverObject->DeviceObject;
    PPARKING_EXTENSION Ext = Device->DeviceExtension;

    PAGED_CODE();
    if (NT_SUCCESS(IoAcquireRemoveLock(&Ext->RemoveLock, DriverObject)))
        IoReleaseRemoveLockAndWait(&Ext->RemoveLock, DriverObject);
    /* Removed: from now on an acquire is refused. */
    KdPrint(("parking: acquire after removal: 0x%08X\n",
             IoAcquireRemoveLock(&Ext->RemoveLock, Device)));
    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(Device);
    KdPrint(("parking: unloaded\n"));
}

_Use_decl_annotations_
NTSTATUS ParkingCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/* The last handle closed: cancel whatever is still parked. */
_Use_decl_annotations_
NTSTATUS ParkingCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPARKING_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIRP Parked;

    while ((Parked = IoCsqRemoveNextIrp(&Ext->Queue, NULL)) != NULL) {
        KdPrint(("parking: cleanup cancels key %u\n", KeyOf(Parked)));
        Finish(Ext, Parked, STATUS_CANCELLED, 0);
    }
    return ParkingCreateClose(DeviceObject, Irp);
}

/* Releases: out, how many requests were completed. */
static NTSTATUS Release(PPARKING_EXTENSION Ext, PIRP Irp, ULONG Code)
{
    ULONG Key = KeyOf(Irp);
    PIRP Parked;

    if (Code == IOCTL_RELEASE)
        Parked = IoCsqRemoveNextIrp(&Ext->Queue, &Key);
    else
        Parked = IoCsqRemoveIrp(&Ext->Queue, &Ext->Tracked);
    if (Parked != NULL)
        Finish(Ext, Parked, STATUS_SUCCESS, sizeof(ULONG));
    *(PULONG)Irp->AssociatedIrp.SystemBuffer = Parked != NULL;
    Finish(Ext, Irp, STATUS_SUCCESS, sizeof(ULONG));
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS ParkingControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PPARKING_EXTENSION Ext = DeviceObject->DeviceExtension;
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    NTSTATUS Status = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    if (!NT_SUCCESS(Status)) {
        Irp->IoStatus.Status = Status;
        IoCompleteRequest(Irp, IO_NO_INCREMENT);
        return Status;
    }
    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof(ULONG) ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG)) {
        Finish(Ext, Irp, STATUS_BUFFER_TOO_SMALL, 0);
        return STATUS_BUFFER_TOO_SMALL;
    }
    switch (Code) {
    case IOCTL_PARK:
    case IOCTL_PARK_TRACKED:
        IoCsqInsertIrp(&Ext->Queue, Irp,
                       Code == IOCTL_PARK_TRACKED ? &Ext->Tracked : NULL);
        return STATUS_PENDING;
    case IOCTL_RELEASE:
    case IOCTL_RELEASE_TRACKED:
        return Release(Ext, Irp, Code);
    default:
        Finish(Ext, Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

/* A read answers at once with the bytes "PARK" (as many as fit). */
_Use_decl_annotations_
NTSTATUS ParkingRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG Length = IoGetCurrentIrpStackLocation(Irp)->Parameters.Read.Length;

    UNREFERENCED_PARAMETER(DeviceObject);
    Length = min(Length, 4);
    RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, "PARK", Length);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = Length;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}
