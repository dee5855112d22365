/*
 * pagedpool.sys: one block of pool, read from three contexts.
 *
 * The lesson. DriverEntry runs in the System process; it allocates a block
 * of paged pool and writes PAGEDPOOL_VALUE into it. Each request then reads
 * that block, at the same system address, from three contexts:
 *
 *   - the dispatch routine, in the thread of the program that asked;
 *   - a system thread, in the System process;
 *   - a timer DPC, at DISPATCH_LEVEL, in whatever thread was current.
 *
 * All three find the same data. The address space of a process has two
 * halves: the user half (below 0x80000000) is the process's own, but the
 * system half is mapped the same way in every process. Pool, driver images
 * and kernel stacks live in the system half, so a system address means the
 * same thing whichever process's page tables are loaded.
 *
 * What context cannot fix is paging. Paged pool may be written to the
 * paging file and its page table entry made invalid; the next access
 * faults and the pager reads it back, which means waiting for I/O. A
 * thread may wait only below DISPATCH_LEVEL. At DISPATCH_LEVEL (the DPC)
 * the fault cannot be resolved and the system stops with 0xD1
 * DRIVER_IRQL_NOT_LESS_OR_EQUAL. While the page happens to be resident it
 * works, which is why this bug hides until the machine is short of memory:
 * ntlab's --trim pages pageable memory out at every clock tick to show it.
 *
 * The fix is the second block: data touched at DISPATCH_LEVEL or above
 * belongs in NonPagedPool, which is never paged out.
 */
#include <ntddk.h>

#define LESSON_DRIVER "pagedpool"
#include "../lesson.h"
#include "../lessondevice.h"

#include "pagedpool.h"

#define PAGEDPOOL_TAG 'lPpP'

#define DEVICE_NAME L"\\Device\\PagedPool"
#define LINK_NAME   L"\\DosDevices\\PagedPool" /* \\.\PagedPool */

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD PagedPoolUnload;
static DRIVER_DISPATCH PagedPoolDeviceControl;

/* Both written once by DriverEntry and freed by the unload routine. */
static PULONG PagedBlock;    /* may be paged out whenever it is not in use */
static PULONG NonPagedBlock; /* always resident */

/* One request's reads in the other two contexts. It lives on the dispatch
 * routine's kernel stack: that stack stays resident while its thread waits
 * in KernelMode, so the DPC may write here at DISPATCH_LEVEL. */
typedef struct READER {
    PULONG Block;
    ULONG Seen;
    KEVENT Done;
    KTIMER Timer;
    KDPC Dpc;
} READER;

/* ---- The three readers --------------------------------------------------- */

static VOID ReaderThread(PVOID Context)
{
    READER *Reader = Context;

    LessonWhere("system thread");
    /* At PASSIVE_LEVEL a page that is out is simply read back in. */
    Reader->Seen = *Reader->Block;
    DbgPrint("pagedpool: system thread: read 0x%X at %p\n", Reader->Seen,
             Reader->Block);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID ReaderDpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    READER *Reader = Context;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    LessonWhere("DPC");
    /* DISPATCH_LEVEL: no page fault can be resolved here. A paged-out
     * PagedBlock stops the system on this line (0xD1, with the address,
     * IRQL 2, 0 for a read, and this instruction's address). */
    Reader->Seen = *Reader->Block;
    DbgPrint("pagedpool: DPC: read 0x%X at %p\n", Reader->Seen, Reader->Block);
    KeSetEvent(&Reader->Done, IO_NO_INCREMENT, FALSE);
}

/* Runs ReaderThread in a new system thread and waits for it to end. */
static NTSTATUS ReadInSystemThread(READER *Reader)
{
    OBJECT_ATTRIBUTES Attributes;
    HANDLE Handle;
    PVOID Thread;
    NTSTATUS Status;

    /* A kernel handle: this code runs in the program's process, and a
     * handle in its table would be the program's to close. */
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    Status = PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, &Attributes, NULL,
                                  NULL, ReaderThread, Reader);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, *PsThreadType,
                                       KernelMode, &Thread, NULL);
    ZwClose(Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    KeWaitForSingleObject(Thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(Thread);
    return STATUS_SUCCESS;
}

/* Sets a timer whose DPC runs ReaderDpc in 30 ms and waits for it. By
 * then this thread waits and another (often the idle thread) is current:
 * the DPC borrows it. */
static VOID ReadInDpc(READER *Reader)
{
    LARGE_INTEGER Due;

    KeInitializeEvent(&Reader->Done, NotificationEvent, FALSE);
    KeInitializeDpc(&Reader->Dpc, ReaderDpc, Reader);
    KeInitializeTimer(&Reader->Timer);
    Due.QuadPart = -30 * 10000; /* relative, in 100 ns units */
    KeSetTimer(&Reader->Timer, Due, &Reader->Dpc);
    KeWaitForSingleObject(&Reader->Done, Executive, KernelMode, FALSE, NULL);
}

/* ---- Dispatch routines --------------------------------------------------- */

static NTSTATUS PagedPoolDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PAGEDPOOL_QUERY *Query = Irp->AssociatedIrp.SystemBuffer;
    PAGEDPOOL_SEEN *Seen = Irp->AssociatedIrp.SystemBuffer;
    READER Reader;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    LessonWhere("dispatch routine");
    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_PAGEDPOOL_READ)
        return LessonComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof *Query ||
        Stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof *Seen)
        return LessonComplete(Irp, STATUS_BUFFER_TOO_SMALL, 0);

    /* One system buffer holds the query, then the answer. */
    Reader.Block = Query->NonPaged ? NonPagedBlock : PagedBlock;
    RtlZeroMemory(Seen, sizeof *Seen);
    Seen->Address = (ULONG_PTR)Reader.Block;
    /* This program's process is current, yet the System process's
     * allocation is right there: the system half is shared. */
    Seen->Dispatch = *Reader.Block;
    DbgPrint("pagedpool: dispatch routine: read 0x%X at %p\n", Seen->Dispatch,
             Reader.Block);

    Status = ReadInSystemThread(&Reader);
    if (!NT_SUCCESS(Status))
        return LessonComplete(Irp, Status, 0);
    Seen->SystemThread = Reader.Seen;

    ReadInDpc(&Reader);
    Seen->Dpc = Reader.Seen;
    return LessonComplete(Irp, STATUS_SUCCESS, sizeof *Seen);
}

/* ---- Loading and unloading ----------------------------------------------- */

static VOID PagedPoolUnload(PDRIVER_OBJECT DriverObject)
{
    LessonWhere("unload");
    LessonDeleteDevice(DriverObject->DeviceObject, LINK_NAME);
    ExFreePoolWithTag(PagedBlock, PAGEDPOOL_TAG);
    ExFreePoolWithTag(NonPagedBlock, PAGEDPOOL_TAG);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    LessonWhere("DriverEntry");
    PagedBlock = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG), PAGEDPOOL_TAG);
    NonPagedBlock =
        ExAllocatePoolWithTag(NonPagedPool, sizeof(ULONG), PAGEDPOOL_TAG);
    if (PagedBlock == NULL || NonPagedBlock == NULL) {
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto failed;
    }
    *PagedBlock = PAGEDPOOL_VALUE;
    *NonPagedBlock = PAGEDPOOL_VALUE;
    DbgPrint("pagedpool: DriverEntry: wrote 0x%X to paged pool at %p\n",
             *PagedBlock, PagedBlock);
    DbgPrint("pagedpool: DriverEntry: wrote 0x%X to nonpaged pool at %p\n",
             *NonPagedBlock, NonPagedBlock);

    Status = LessonCreateDevice(DriverObject, DEVICE_NAME, LINK_NAME,
                                FILE_DEVICE_UNKNOWN, 0, &Device);
    if (!NT_SUCCESS(Status))
        goto failed;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = PagedPoolDeviceControl;
    DriverObject->DriverUnload = PagedPoolUnload;
    return STATUS_SUCCESS;

failed:
    if (PagedBlock != NULL)
        ExFreePoolWithTag(PagedBlock, PAGEDPOOL_TAG);
    if (NonPagedBlock != NULL)
        ExFreePoolWithTag(NonPagedBlock, PAGEDPOOL_TAG);
    return Status;
}
