/*
 * vfbugs.sys: one bug per request, each quiet on an ordinary run and each
 * caught by the verifier (ntlab --verifier). vfbugs.exe names the bug.
 */
#include <ntddk.h>

#include "../lessondevice.h"
#include "vfbugs.h"

#define TAG 'gbfV' /* "Vfbg" */

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD VfBugsUnload;
static DRIVER_DISPATCH VfBugsControl;
static DRIVER_DISPATCH VfBugsInternal;
static IO_COMPLETION_ROUTINE FreeOwnIrp;
static DRIVER_CANCEL CancelNothing;

static KSPIN_LOCK LockA, LockB;
static KTIMER Timer;
static KDPC TimerDpc;
static PVOID Kept[2];

static VOID TimerRoutine(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    DbgPrint("vfbugs: the timer's DPC ran\n");
}

/* The off-by-one reader: sums Length + 1 bytes of a Length-byte block. */
static ULONG Overrun(void)
{
    volatile UCHAR *Buffer = ExAllocatePoolWithTag(NonPagedPool, 32, TAG);
    ULONG Sum = 0, i;

    if (Buffer == NULL)
        return 0;
    for (i = 0; i < 32; i++)
        Buffer[i] = (UCHAR)i;
    for (i = 0; i <= 32; i++)
        Sum += Buffer[i];
    ExFreePoolWithTag((PVOID)Buffer, TAG);
    return Sum;
}

/* The off-by-one writer: a 24-byte string and its terminator. */
static ULONG Overwrite(void)
{
    PCHAR Name = ExAllocatePoolWithTag(NonPagedPool, 24, TAG);

    if (Name == NULL)
        return 0;
    RtlFillMemory(Name, 24, 'v');
    Name[24] = '\0';
    ExFreePoolWithTag(Name, TAG);
    return 24;
}

static ULONG UseAfterFree(void)
{
    volatile ULONG *Block = ExAllocatePoolWithTag(NonPagedPool, 64, TAG);

    if (Block == NULL)
        return 0;
    Block[0] = 7;
    ExFreePoolWithTag((PVOID)Block, TAG);
    return Block[0];
}

static ULONG Leak(void)
{
    Kept[0] = ExAllocatePoolWithTag(NonPagedPool, 40, 'kaeL');
    Kept[1] = ExAllocatePoolWithTag(PagedPool, 100, 'kaeL');
    return 2;
}

static ULONG SetTimer(void)
{
    LARGE_INTEGER Due;

    Due.QuadPart = -600000000LL; /* a minute from now */
    KeSetTimer(&Timer, Due, &TimerDpc);
    return 1;
}

static ULONG PoolTimer(void)
{
    PKTIMER Block = ExAllocatePoolWithTag(NonPagedPool, sizeof *Block, TAG);
    LARGE_INTEGER Due;

    if (Block == NULL)
        return 0;
    Due.QuadPart = -600000000LL;
    KeInitializeTimer(Block);
    KeSetTimer(Block, Due, NULL);
    ExFreePoolWithTag(Block, TAG);
    return 1;
}

/* Paged memory touched at DISPATCH_LEVEL: it works while the page happens
 * to be resident. */
static ULONG PagedUnderLock(void)
{
    volatile ULONG *Block = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    ULONG Value;
    KIRQL Irql;

    if (Block == NULL)
        return 0;
    Block[0] = 0x1234;
    KeAcquireSpinLock(&LockA, &Irql);
    Value = Block[0];
    KeReleaseSpinLock(&LockA, Irql);
    ExFreePoolWithTag((PVOID)Block, TAG);
    return Value;
}

/* A then B here, B then A there: two threads doing both at once would
 * wait for each other for ever. */
static ULONG LockOrder(void)
{
    KIRQL Irql;

    KeAcquireSpinLock(&LockA, &Irql);
    KeAcquireSpinLockAtDpcLevel(&LockB);
    KeReleaseSpinLockFromDpcLevel(&LockB);
    KeReleaseSpinLock(&LockA, Irql);
    KeAcquireSpinLock(&LockB, &Irql);
    KeAcquireSpinLockAtDpcLevel(&LockA);
    KeReleaseSpinLockFromDpcLevel(&LockA);
    KeReleaseSpinLock(&LockB, Irql);
    return 2;
}

/* Eight allocations, each used before anyone asks whether it failed. */
static ULONG Unchecked(void)
{
    ULONG i;

    for (i = 0; i < 8; i++) {
        volatile PULONG Block = ExAllocatePoolWithTag(NonPagedPool, 16, TAG);

        *Block = i;
        ExFreePoolWithTag((PVOID)Block, TAG);
    }
    return i;
}

/* The list is freed with its block, but never deleted. */
static ULONG Lookaside(void)
{
    PNPAGED_LOOKASIDE_LIST List =
        ExAllocatePoolWithTag(NonPagedPool, sizeof *List, TAG);

    if (List == NULL)
        return 0;
    ExInitializeNPagedLookasideList(List, NULL, NULL, 0, 64, TAG, 0);
    ExFreePoolWithTag(List, TAG);
    return 1;
}

/* The program's handle, referenced with KernelMode: no access check, and
 * any handle the program names is taken, even one it could not use. */
static ULONG KernelHandle(ULONG Handle)
{
    PVOID Object;
    NTSTATUS Status = ObReferenceObjectByHandle(
        (HANDLE)(ULONG_PTR)Handle, EVENT_MODIFY_STATE, *ExEventObjectType,
        KernelMode, &Object, NULL);

    if (!NT_SUCCESS(Status))
        return 0;
    ObDereferenceObject(Object);
    return 1;
}

/* ProbeForRead is for APC_LEVEL and below (its page faults may need to
 * wait); a zero-length probe does nothing, so only the verifier sees it. */
static ULONG ProbeAtDispatch(PVOID Buffer)
{
    KIRQL OldIrql = KeRaiseIrqlToDpcLevel();

    ProbeForRead(Buffer, 0, 1);
    KeLowerIrql(OldIrql);
    return 1;
}

/* RtlCompareUnicodeString is pageable code: PASSIVE_LEVEL only, even
 * when both strings are resident, as here. */
static ULONG CompareAtDispatch(void)
{
    static UNICODE_STRING A = RTL_CONSTANT_STRING(L"vfbugs");
    static UNICODE_STRING B = RTL_CONSTANT_STRING(L"VFBUGS");
    KIRQL OldIrql = KeRaiseIrqlToDpcLevel();
    LONG Order = RtlCompareUnicodeString(&A, &B, TRUE);

    KeLowerIrql(OldIrql);
    return Order == 0;
}

/* The unsafe fast mutex needs APCs off (APC_LEVEL or a critical region):
 * here a kernel APC could run in the middle and take it again. */
static ULONG UnsafeMutex(void)
{
    static FAST_MUTEX Mutex;

    ExInitializeFastMutex(&Mutex);
    ExAcquireFastMutexUnsafe(&Mutex);
    ExReleaseFastMutexUnsafe(&Mutex);
    return 1;
}

static VOID NothingToDo(PVOID Parameter)
{
    UNREFERENCED_PARAMETER(Parameter);
}

/* The item is queued and its memory freed before a worker thread runs it
 * (DISPATCH_LEVEL keeps the worker from running in between). */
static ULONG FreedWorkItem(void)
{
    PWORK_QUEUE_ITEM Item =
        ExAllocatePoolWithTag(NonPagedPool, sizeof *Item, TAG);
    KIRQL OldIrql;

    if (Item == NULL)
        return 0;
    ExInitializeWorkItem(Item, NothingToDo, NULL);
    KeRaiseIrql(DISPATCH_LEVEL, &OldIrql);
    ExQueueWorkItem(Item, DelayedWorkQueue);
    ExFreePoolWithTag(Item, TAG);
    KeLowerIrql(OldIrql);
    return 1;
}

/* ExQueueWorkItem reads the item at DISPATCH_LEVEL: it must be resident. */
static ULONG PagedWorkItem(void)
{
    PWORK_QUEUE_ITEM Item = ExAllocatePoolWithTag(PagedPool, sizeof *Item, TAG);

    if (Item == NULL)
        return 0;
    ExInitializeWorkItem(Item, NothingToDo, NULL);
    ExQueueWorkItem(Item, DelayedWorkQueue);
    return 1; /* the item is never freed: the run stops first */
}

/* The kernel signals events at DISPATCH_LEVEL: an event must not be paged.
 * A zero timeout: the wait returns at once. */
static ULONG PagedEvent(void)
{
    PKEVENT Event = ExAllocatePoolWithTag(PagedPool, sizeof *Event, TAG);
    LARGE_INTEGER Zero = {0};
    NTSTATUS Status;

    if (Event == NULL)
        return 0;
    KeInitializeEvent(Event, NotificationEvent, FALSE);
    Status = KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, &Zero);
    ExFreePoolWithTag(Event, TAG);
    return Status == STATUS_TIMEOUT;
}

/* A UserMode wait lets the kernel stack be paged out with the event on it.
 * A zero timeout: the wait returns at once. */
static ULONG UserWaitOnStack(void)
{
    KEVENT Event;
    LARGE_INTEGER Zero = {0};

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    return KeWaitForSingleObject(&Event, UserRequest, UserMode, FALSE, &Zero) ==
           STATUS_TIMEOUT;
}

/* The waiter gives up after 50 ms: the kernel then unlinks its wait from
 * the event, which is freed memory by then. */
static VOID Waiter(PVOID Context)
{
    LARGE_INTEGER Fifty = {.QuadPart = -50 * 10000};

    KeWaitForSingleObject(Context, Executive, KernelMode, FALSE, &Fifty);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static ULONG FreedEvent(void)
{
    PKEVENT Event = ExAllocatePoolWithTag(NonPagedPool, sizeof *Event, TAG);
    LARGE_INTEGER One = {.QuadPart = -1 * 10000};
    LARGE_INTEGER Hundred = {.QuadPart = -100 * 10000};
    HANDLE Thread;

    if (Event == NULL)
        return 0;
    KeInitializeEvent(Event, NotificationEvent, FALSE);
    if (!NT_SUCCESS(PsCreateSystemThread(&Thread, THREAD_ALL_ACCESS, NULL,
                                         NULL, NULL, Waiter, Event))) {
        ExFreePoolWithTag(Event, TAG);
        return 0;
    }
    ZwClose(Thread);
    KeDelayExecutionThread(KernelMode, FALSE, &One); /* the waiter waits */
    ExFreePoolWithTag(Event, TAG);                     /* still waiting */
    KeDelayExecutionThread(KernelMode, FALSE, &Hundred);
    return 1;
}

/* The IRPs vfbugs sends itself (IRP_MJ_INTERNAL_DEVICE_CONTROL, the bug in
 * Argument1). For VFBUGS_FREE_SENT_IRP the receiver frees the IRP it was
 * sent, which its sender still owns; the sender does not touch it again,
 * so an ordinary run goes on. */
static NTSTATUS VfBugsInternal(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);

    UNREFERENCED_PARAMETER(DeviceObject);
    if ((ULONG_PTR)Stack->Parameters.Others.Argument1 == VFBUGS_FREE_SENT_IRP) {
        IoFreeIrp(Irp);
        return STATUS_SUCCESS;
    }
    IoSetCancelRoutine(Irp, NULL);
    return LessonComplete(Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS FreeOwnIrp(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    IoFreeIrp(Irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID CancelNothing(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    IoReleaseCancelSpinLock(Irp->CancelIrql);
}

/* Sends the device an IRP of its own. For VFBUGS_SEND_CANCELABLE the IRP
 * still has the cancel routine its sender set: the receiver's own cancel
 * routine would overwrite it (DV's 0xC9 0x203). */
static ULONG SendOwnIrp(PDEVICE_OBJECT Device, ULONG Bug)
{
    PIRP Irp = IoAllocateIrp(Device->StackSize, FALSE);
    PIO_STACK_LOCATION Next;

    if (Irp == NULL)
        return 0;
    Next = IoGetNextIrpStackLocation(Irp);
    Next->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
    Next->Parameters.Others.Argument1 = (PVOID)(ULONG_PTR)Bug;
    if (Bug == VFBUGS_SEND_CANCELABLE) {
        IoSetCompletionRoutine(Irp, FreeOwnIrp, NULL, TRUE, TRUE, TRUE);
        IoSetCancelRoutine(Irp, CancelNothing);
    }
    IoCallDriver(Device, Irp);
    return 1;
}

/* An IRP from IoBuildDeviceIoControlRequest is queued against the thread
 * and belongs to the I/O manager, which finishes it after its completion:
 * the driver must send it, never free it. */
static ULONG FreeThreadedIrp(PDEVICE_OBJECT Device)
{
    IO_STATUS_BLOCK Iosb;
    KEVENT Event;
    PIRP Irp;

    KeInitializeEvent(&Event, NotificationEvent, FALSE);
    Irp = IoBuildDeviceIoControlRequest(IOCTL_VFBUGS, Device, NULL, 0, NULL, 0,
                                        TRUE, &Event, &Iosb);
    if (Irp == NULL)
        return 0;
    IoFreeIrp(Irp);
    return 1;
}

static NTSTATUS VfBugsControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    VFBUGS_REQUEST *Request = Irp->AssociatedIrp.SystemBuffer;
    ULONG Result = 0;

    if (Stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_VFBUGS ||
        Stack->Parameters.DeviceIoControl.InputBufferLength < sizeof *Request)
        return LessonComplete(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    switch (Request->Bug) {
    case VFBUGS_OVERRUN:
        Result = Overrun();
        break;
    case VFBUGS_OVERWRITE:
        Result = Overwrite();
        break;
    case VFBUGS_USE_AFTER_FREE:
        Result = UseAfterFree();
        break;
    case VFBUGS_LEAK:
        Result = Leak();
        break;
    case VFBUGS_TIMER:
        Result = SetTimer();
        break;
    case VFBUGS_POOL_TIMER:
        Result = PoolTimer();
        break;
    case VFBUGS_PAGED_UNDER_LOCK:
        Result = PagedUnderLock();
        break;
    case VFBUGS_LOCK_ORDER:
        Result = LockOrder();
        break;
    case VFBUGS_UNCHECKED:
        Result = Unchecked();
        break;
    case VFBUGS_LOOKASIDE:
        Result = Lookaside();
        break;
    case VFBUGS_KERNEL_HANDLE:
        Result = Request->Handle != 0 ? KernelHandle(Request->Handle) : 0;
        break;
    case VFBUGS_PROBE_DISPATCH:
        Result = ProbeAtDispatch(Request);
        break;
    case VFBUGS_COMPARE_DISPATCH:
        Result = CompareAtDispatch();
        break;
    case VFBUGS_UNSAFE_MUTEX:
        Result = UnsafeMutex();
        break;
    case VFBUGS_FREED_WORK_ITEM:
        Result = FreedWorkItem();
        break;
    case VFBUGS_PAGED_WORK_ITEM:
        Result = PagedWorkItem();
        break;
    case VFBUGS_PAGED_EVENT:
        Result = PagedEvent();
        break;
    case VFBUGS_USER_WAIT_STACK:
        Result = UserWaitOnStack();
        break;
    case VFBUGS_FREED_EVENT:
        Result = FreedEvent();
        break;
    case VFBUGS_FREE_SENT_IRP:
    case VFBUGS_SEND_CANCELABLE:
        Result = SendOwnIrp(DeviceObject, Request->Bug);
        break;
    case VFBUGS_FREE_THREADED:
        Result = FreeThreadedIrp(DeviceObject);
        break;
    case VFBUGS_PENDING:
        /* Completed, then STATUS_PENDING returned: the requester waits
         * for a completion that has already happened. */
        DbgPrint("vfbugs: bug %u done (pending)\n", Request->Bug);
        LessonComplete(Irp, STATUS_SUCCESS, 0);
        return STATUS_PENDING;
    case VFBUGS_COMPLETE_PENDING:
        DbgPrint("vfbugs: bug %u done (completed with STATUS_PENDING)\n",
                 Request->Bug);
        return LessonComplete(Irp, STATUS_PENDING, 0);
    default:
        return LessonComplete(Irp, STATUS_INVALID_PARAMETER, 0);
    }
    DbgPrint("vfbugs: bug %u done (%u)\n", Request->Bug, Result);
    return LessonComplete(Irp, STATUS_SUCCESS, 0);
}

static VOID VfBugsUnload(PDRIVER_OBJECT DriverObject)
{
    LessonDeleteDevice(DriverObject->DeviceObject, L"\\DosDevices\\VfBugs");
    DbgPrint("vfbugs: unloaded\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeSpinLock(&LockA);
    KeInitializeSpinLock(&LockB);
    KeInitializeTimer(&Timer);
    KeInitializeDpc(&TimerDpc, TimerRoutine, NULL);
    Status = LessonCreateDevice(DriverObject, L"\\Device\\VfBugs",
                                L"\\DosDevices\\VfBugs", FILE_DEVICE_UNKNOWN, 0,
                                &Device);
    if (!NT_SUCCESS(Status))
        return Status;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = VfBugsControl;
    DriverObject->MajorFunction[IRP_MJ_INTERNAL_DEVICE_CONTROL] = VfBugsInternal;
    DriverObject->DriverUnload = VfBugsUnload;
    return STATUS_SUCCESS;
}
