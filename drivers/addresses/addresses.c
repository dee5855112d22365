/*
 * addresses.sys: one user address, two processes; one system address,
 * every process.
 *
 * The lesson: the lower half of the address space (user space) belongs to
 * the current process. Two processes can hold different data at the same
 * user address, backed by different physical pages, and kernel code sees
 * whichever process is current (or attached: KeStackAttachProcess puts
 * another process's user half under the calling thread for a while). The
 * upper half (system space: driver images, pools) is mapped the same in
 * every process, so a paged pool buffer the driver allocated has the same
 * address and the same contents whichever process is current.
 *
 * addresses.exe puts a value at ADDRESSES_WHERE, starts a copy of itself
 * that puts another value at the same address, and asks the driver to look
 * at that address in each. Attached to each process, the driver reads the
 * user address and writes what it read into its pool buffer; attached to
 * the second, it still sees what it wrote while attached to the first.
 */
#include <ntddk.h>

#define LESSON_DRIVER "addresses"
#include "../lesson.h"
#include "../lessondevice.h"

#include "addresses.h"

#define ADDRESSES_TAG 'rddA'

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD AddressesUnload;
static DRIVER_DISPATCH AddressesDeviceControl;

static const WCHAR DeviceName[] = L"\\Device\\Addresses";
static const WCHAR LinkName[] = L"\\DosDevices\\Addresses";
static PULONG Pool; /* paged pool, two ULONGs: a system address */

/* Reads the ULONG at a user address of the current process; the address
 * came from user mode, so it is probed and read under __try. */
static NTSTATUS ReadUser(PVOID Address, PULONG Value)
{
    volatile NTSTATUS Status = STATUS_SUCCESS;

    __try {
        ProbeForRead(Address, sizeof(ULONG), sizeof(ULONG));
        *Value = *(volatile ULONG *)Address;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Status = GetExceptionCode();
    }
    return Status;
}

/*
 * Attaches to the process with the given ID, reads the user address there,
 * stores the value in the pool buffer's slot Index, and records what it
 * saw. While attached, the user half is that process's; system space, the
 * pool buffer included, is the same as before.
 */
static NTSTATUS LookInProcess(ULONG ProcessId, PVOID Address, ULONG Index,
                              ADDRESSES_VIEW *View)
{
    PEPROCESS Process;
    KAPC_STATE ApcState;
    NTSTATUS Status;

    Status = PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)ProcessId, &Process);
    if (!NT_SUCCESS(Status))
        return Status;
    /* The KPROCESS is the start of the EPROCESS, as on NT. */
    KeStackAttachProcess((PRKPROCESS)Process, &ApcState);
    LessonWhere(Index == 0 ? "attached to the first process"
                           : "attached to the second process");
    View->Status = ReadUser(Address, &View->Value);
    if (NT_SUCCESS(View->Status)) {
        /* The same virtual address, another physical page per process. */
        View->UserFrame =
            (ULONG)(MmGetPhysicalAddress(Address).QuadPart >> PAGE_SHIFT);
        Pool[Index] = View->Value;
    }
    /* The pool buffer: one physical page, whichever process is mapped
     * (read first: paged pool is resident once touched). */
    View->PoolValue[0] = Pool[0];
    View->PoolValue[1] = Pool[1];
    View->PoolFrame =
        (ULONG)(MmGetPhysicalAddress(Pool).QuadPart >> PAGE_SHIFT);
    DbgPrint("addresses:   user %p holds 0x%08X (page frame 0x%X)\n", Address,
             View->Value, View->UserFrame);
    DbgPrint("addresses:   pool %p holds 0x%08X 0x%08X (page frame 0x%X)\n",
             (PVOID)Pool, View->PoolValue[0], View->PoolValue[1],
             View->PoolFrame);
    KeUnstackDetachProcess(&ApcState);
    ObDereferenceObject(Process);
    return STATUS_SUCCESS;
}

/*
 * The top-level dispatch routine, in the requesting program's thread at
 * PASSIVE_LEVEL (attaching needs IRQL below DISPATCH_LEVEL). Unattached,
 * the user address is the requester's own.
 */
static NTSTATUS NTAPI AddressesDeviceControl(PDEVICE_OBJECT DeviceObject,
                                             PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ADDRESSES_REQUEST Request;
    ADDRESSES_RESULT *Result = Irp->AssociatedIrp.SystemBuffer;
    NTSTATUS Status = STATUS_SUCCESS;
    ULONG i;

    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();
    LessonWhere("dispatch routine");
    Irp->IoStatus.Information = 0;
    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_ADDRESSES_LOOK)
        Status = STATUS_INVALID_DEVICE_REQUEST;
    else if (Stack->Parameters.DeviceIoControl.InputBufferLength <
                 sizeof Request ||
             Stack->Parameters.DeviceIoControl.OutputBufferLength <
                 sizeof *Result)
        Status = STATUS_BUFFER_TOO_SMALL;
    if (NT_SUCCESS(Status)) {
        /* One buffer holds the input, then the output: copy it first. */
        Request = *(ADDRESSES_REQUEST *)Irp->AssociatedIrp.SystemBuffer;
        RtlZeroMemory(Result, sizeof *Result);
        Pool[0] = Pool[1] = 0;
        Result->PoolAddress = Pool;
        Status = ReadUser(Request.Address, &Result->OwnValue);
    }
    for (i = 0; i < 2 && NT_SUCCESS(Status); i++)
        Status = LookInProcess(Request.ProcessId[i], Request.Address, i,
                               &Result->View[i]);
    if (NT_SUCCESS(Status))
        Irp->IoStatus.Information = sizeof *Result;
    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static VOID NTAPI AddressesUnload(PDRIVER_OBJECT DriverObject)
{
    LessonDeleteDevice(DriverObject->DeviceObject, LinkName);
    ExFreePoolWithTag(Pool, ADDRESSES_TAG);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject,
                           PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    /* Paged pool is enough: only PASSIVE_LEVEL code touches it. */
    Pool = ExAllocatePoolWithTag(PagedPool, 2 * sizeof(ULONG), ADDRESSES_TAG);
    if (Pool == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = LessonCreateDevice(DriverObject, DeviceName, LinkName,
                                FILE_DEVICE_UNKNOWN, 0, &Device);
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(Pool, ADDRESSES_TAG);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = AddressesDeviceControl;
    DriverObject->DriverUnload = AddressesUnload;
    return STATUS_SUCCESS;
}
