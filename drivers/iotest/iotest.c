/*
 * iotest.sys: the I/O manager's test driver. Every kind of routine a
 * driver has records the process, thread and IRQL it ran in
 * (IoTestRecords), and its requests exercise each buffering method, the
 * ways a request can end later (a DPC, a lower driver, a work item,
 * StartIo, an interrupt, the I/O timer), cancellation and a filter.
 *
 * Devices (one driver, told apart by their extension's role):
 *   \Device\IoTest        buffered reads and writes and every IOCTL;
 *   \Device\IoTestDirect  direct reads and writes;
 *   \Device\IoTestNeither reads and writes with neither, under a filter;
 *   \Device\IoTestLower   (unnamed role "lower") what IoTest forwards to.
 */
#include <ntddk.h>

#include "iotest.h"

#define TAG 'tsTI'

typedef enum device_role {
    ROLE_MAIN,
    ROLE_DIRECT,
    ROLE_NEITHER,
    ROLE_LOWER,
    ROLE_FILTER
} device_role;

typedef struct extension {
    device_role role;
    PDEVICE_OBJECT below; /* LOWER for MAIN; the filtered one for FILTER */
    ULONG length;         /* what was written (data devices) */
    UCHAR data[256];
    PIRP waiting; /* a request the DPC, the ISR or the timer ends */
    PIRP parked;  /* IOCTL_IOTEST_PARK's */
    KTIMER timer;
    KDPC timer_dpc;
    KDPC forward_dpc;
    PIO_WORKITEM work;
} extension;

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD unload;
static DRIVER_DISPATCH dispatch;
static DRIVER_STARTIO start_io;

iotest_record IoTestRecords[IOTEST_KINDS];

static PDEVICE_OBJECT main_device, lower_device, filter_device;
static PKINTERRUPT interrupt;

static void record(enum iotest_kind kind)
{
    iotest_record *r = &IoTestRecords[kind];
    PEPROCESS process = PsGetCurrentProcess();
    PCHAR image = PsGetProcessImageFileName(process);
    ULONG i;

    r->count++;
    r->process = process;
    r->thread = KeGetCurrentThread();
    r->process_id = PsGetCurrentProcessId();
    r->irql = KeGetCurrentIrql();
    for (i = 0; i < sizeof r->image - 1 && image[i] != 0; i++)
        r->image[i] = image[i];
    r->image[i] = 0;
}

static extension *ext(PDEVICE_OBJECT device)
{
    return device->DeviceExtension;
}

/* Output byte i = input byte i + 1: the IOCTLs' work. */
static ULONG bump(const UCHAR *in, ULONG in_length, UCHAR *out,
                  ULONG out_length)
{
    ULONG n = in_length < out_length ? in_length : out_length, i;

    for (i = 0; i < n; i++)
        out[i] = (UCHAR)(in[i] + 1);
    return n;
}

/* bump on a METHOD_BUFFERED request's system buffer. */
static ULONG bump_buffered(PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    PUCHAR buffer = irp->AssociatedIrp.SystemBuffer;

    return bump(buffer, stack->Parameters.DeviceIoControl.InputBufferLength,
                buffer, stack->Parameters.DeviceIoControl.OutputBufferLength);
}

static NTSTATUS complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

/* ---- Requests ended later ------------------------------------------------ */

static VOID timer_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    extension *e = context;
    PIRP irp = e->waiting;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    record(IOTEST_TIMER_DPC);
    e->waiting = NULL;
    complete(irp, STATUS_SUCCESS, bump_buffered(irp));
}

static NTSTATUS NTAPI forwarded(PDEVICE_OBJECT device, PIRP irp, PVOID context)
{
    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(context);
    record(IOTEST_COMPLETION);
    if (irp->PendingReturned)
        IoMarkIrpPending(irp);
    return STATUS_CONTINUE_COMPLETION;
}

/* The lower device ended the IRP the DPC made: the original ends too. */
static NTSTATUS NTAPI own_irp_done(PDEVICE_OBJECT device, PIRP irp,
                                   PVOID context)
{
    PIRP original = context;

    UNREFERENCED_PARAMETER(device);
    record(IOTEST_COMPLETION);
    complete(original, irp->IoStatus.Status, bump_buffered(original));
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static VOID forward_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    PIRP original = context, irp;
    PIO_STACK_LOCATION next;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    irp = IoAllocateIrp(lower_device->StackSize, FALSE);
    if (irp == NULL) {
        complete(original, STATUS_INSUFFICIENT_RESOURCES, 0);
        return;
    }
    next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_INTERNAL_DEVICE_CONTROL;
    next->Parameters.DeviceIoControl.IoControlCode =
        IOCTL_IOTEST_FORWARD_FROM_DPC;
    IoSetCompletionRoutine(irp, own_irp_done, original, TRUE, TRUE, TRUE);
    IoCallDriver(lower_device, irp);
}

static VOID NTAPI work_routine(PDEVICE_OBJECT device, PVOID context)
{
    PIRP original = context, irp;
    extension *e = ext(device);
    UCHAR in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8];
    IO_STATUS_BLOCK iosb;
    KEVENT done;
    NTSTATUS status;

    record(IOTEST_WORK_ITEM);
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp = IoBuildDeviceIoControlRequest(IOCTL_IOTEST_WORK_ITEM, e->below, in,
                                        sizeof in, out, sizeof out, TRUE, &done,
                                        &iosb);
    if (irp == NULL) {
        complete(original, STATUS_INSUFFICIENT_RESOURCES, 0);
        return;
    }
    status = IoCallDriver(e->below, irp);
    if (status == STATUS_PENDING) {
        KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
        status = iosb.Status;
    }
    /* The lower device bumped in into out: check it came back. */
    if (NT_SUCCESS(status) && (iosb.Information != 8 || out[7] != 9))
        status = STATUS_UNSUCCESSFUL;
    complete(original, status,
             NT_SUCCESS(status) ? bump_buffered(original) : 0);
}

static VOID NTAPI start_io(PDEVICE_OBJECT device, PIRP irp)
{
    record(IOTEST_STARTIO);
    complete(irp, STATUS_SUCCESS, bump_buffered(irp));
    IoStartNextPacket(device, FALSE);
}

static BOOLEAN NTAPI isr(PKINTERRUPT object, PVOID context)
{
    PDEVICE_OBJECT device = context;
    extension *e = ext(device);

    UNREFERENCED_PARAMETER(object);
    record(IOTEST_ISR);
    if (e->waiting == NULL)
        return FALSE;
    IoRequestDpc(device, e->waiting, NULL);
    e->waiting = NULL;
    return TRUE;
}

static VOID dpc_for_isr(PKDPC dpc, PDEVICE_OBJECT device, PIRP irp,
                        PVOID context)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(context);
    record(IOTEST_DPC_FOR_ISR);
    complete(irp, STATUS_SUCCESS, bump_buffered(irp));
}

static VOID NTAPI io_timer(PDEVICE_OBJECT device, PVOID context)
{
    extension *e = ext(device);
    PIRP irp = e->waiting;

    UNREFERENCED_PARAMETER(context);
    record(IOTEST_IO_TIMER);
    if (irp == NULL)
        return;
    e->waiting = NULL;
    IoStopTimer(device);
    complete(irp, STATUS_SUCCESS, bump_buffered(irp));
}

static VOID NTAPI cancel_parked(PDEVICE_OBJECT device, PIRP irp)
{
    record(IOTEST_CANCEL);
    ext(device)->parked = NULL;
    IoReleaseCancelSpinLock(irp->CancelIrql);
    complete(irp, STATUS_CANCELLED, 0);
}

static NTSTATUS park(PDEVICE_OBJECT device, PIRP irp)
{
    extension *e = ext(device);
    KIRQL irql;

    IoAcquireCancelSpinLock(&irql);
    if (e->parked != NULL) {
        IoReleaseCancelSpinLock(irql);
        return complete(irp, STATUS_DEVICE_BUSY, 0);
    }
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, cancel_parked);
    if (irp->Cancel && IoSetCancelRoutine(irp, NULL) != NULL) {
        IoReleaseCancelSpinLock(irql);
        complete(irp, STATUS_CANCELLED, 0);
        return STATUS_PENDING;
    }
    e->parked = irp;
    IoReleaseCancelSpinLock(irql);
    return STATUS_PENDING;
}

/* Cleanup: a parked request of this file ends. */
static void unpark(PDEVICE_OBJECT device, PFILE_OBJECT file)
{
    extension *e = ext(device);
    PIRP irp;
    KIRQL irql;

    IoAcquireCancelSpinLock(&irql);
    irp = e->parked;
    if (irp == NULL || IoGetCurrentIrpStackLocation(irp)->FileObject != file ||
        IoSetCancelRoutine(irp, NULL) == NULL) {
        IoReleaseCancelSpinLock(irql);
        return;
    }
    e->parked = NULL;
    IoReleaseCancelSpinLock(irql);
    complete(irp, STATUS_CANCELLED, 0);
}

/* ---- Dispatch ------------------------------------------------------------ */

static NTSTATUS later(PDEVICE_OBJECT device, PIRP irp, ULONG code)
{
    extension *e = ext(device);
    LARGE_INTEGER due = {.QuadPart = -200000}; /* 20 ms */

    IoMarkIrpPending(irp);
    switch (code) {
    case IOCTL_IOTEST_LATER_DPC:
        e->waiting = irp;
        KeSetTimer(&e->timer, due, &e->timer_dpc);
        break;
    case IOCTL_IOTEST_FORWARD_FROM_DPC:
        KeInitializeDpc(&e->forward_dpc, forward_dpc, irp);
        KeInsertQueueDpc(&e->forward_dpc, NULL, NULL);
        break;
    case IOCTL_IOTEST_WORK_ITEM:
        IoQueueWorkItem(e->work, work_routine, DelayedWorkQueue, irp);
        break;
    case IOCTL_IOTEST_STARTIO:
        IoStartPacket(device, irp, NULL, NULL);
        break;
    case IOCTL_IOTEST_INTERRUPT:
        e->waiting = irp;
        NtlabRaiseInterrupt(IOTEST_VECTOR);
        break;
    default: /* IOCTL_IOTEST_IO_TIMER */
        e->waiting = irp;
        IoStartTimer(device);
        break;
    }
    return STATUS_PENDING;
}

/* METHOD_NEITHER: the caller's addresses, probed and used here, in its
 * context, inside __try. */
static NTSTATUS neither(PIRP irp, ULONG_PTR *information)
{
    volatile NTSTATUS status = STATUS_SUCCESS;

    __try {
        PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
        PVOID input = stack->Parameters.DeviceIoControl.Type3InputBuffer;
        ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
        ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;

        if (irp->RequestorMode == UserMode) {
            ProbeForRead(input, in, 1);
            ProbeForWrite(irp->UserBuffer, out, 1);
        }
        *information = bump(input, in, irp->UserBuffer, out);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
        *information = 0;
    }
    return status;
}

static NTSTATUS device_control(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG code = stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG_PTR information = 0, i;
    NTSTATUS status;
    PUCHAR system;

    record(IOTEST_DISPATCH);
    switch (code) {
    case IOCTL_IOTEST_BUFFERED:
        return complete(irp, STATUS_SUCCESS, bump_buffered(irp));
    case IOCTL_IOTEST_OUT_DIRECT:
    case IOCTL_IOTEST_IN_DIRECT:
        system = irp->MdlAddress != NULL
                     ? MmGetSystemAddressForMdlSafe(irp->MdlAddress,
                                                    NormalPagePriority)
                     : NULL;
        if (out != 0 && system == NULL)
            return complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
        if (code == IOCTL_IOTEST_OUT_DIRECT)
            return complete(
                irp, STATUS_SUCCESS,
                bump(irp->AssociatedIrp.SystemBuffer, in, system, out));
        for (i = 0; i < out; i++)
            information += system[i];
        return complete(irp, STATUS_SUCCESS, information);
    case IOCTL_IOTEST_NEITHER:
        status = neither(irp, &information);
        return complete(irp, status, information);
    case IOCTL_IOTEST_NEEDS_READ:
    case IOCTL_IOTEST_NEEDS_WRITE:
        return complete(irp, STATUS_SUCCESS, 0);
    case IOCTL_IOTEST_FORWARD:
        IoCopyCurrentIrpStackLocationToNext(irp);
        IoSetCompletionRoutine(irp, forwarded, NULL, TRUE, TRUE, TRUE);
        return IoCallDriver(ext(device)->below, irp);
    case IOCTL_IOTEST_LATER_DPC:
    case IOCTL_IOTEST_FORWARD_FROM_DPC:
    case IOCTL_IOTEST_WORK_ITEM:
    case IOCTL_IOTEST_STARTIO:
    case IOCTL_IOTEST_INTERRUPT:
    case IOCTL_IOTEST_IO_TIMER:
        return later(device, irp, code);
    case IOCTL_IOTEST_PARK:
        return park(device, irp);
    default:
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

/* The lower device: INTERNAL_DEVICE_CONTROL (and what IoTest forwards). */
static NTSTATUS lower(PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);

    switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_IOTEST_FORWARD:
        record(IOTEST_LOWER_DIRECT);
        return complete(irp, STATUS_SUCCESS, bump_buffered(irp));
    case IOCTL_IOTEST_FORWARD_FROM_DPC:
        record(IOTEST_LOWER_FROM_DPC);
        return complete(irp, STATUS_SUCCESS, 0);
    case IOCTL_IOTEST_WORK_ITEM:
        record(IOTEST_LOWER_FROM_WORK);
        return complete(irp, STATUS_SUCCESS, bump_buffered(irp));
    default:
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

/* Copies n bytes; a bad address (a neither device's user buffer) gives
 * the exception's status. */
static NTSTATUS copy(PVOID to, const VOID *from, ULONG n)
{
    volatile NTSTATUS status = STATUS_SUCCESS;

    __try {
        RtlCopyMemory(to, from, n);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

/* Reads and writes on the data devices, through whichever buffer their
 * flags gave. */
static NTSTATUS read_write(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    extension *e = ext(device);
    BOOLEAN write = stack->MajorFunction == IRP_MJ_WRITE;
    ULONG length = stack->Parameters.Write.Length, n;
    NTSTATUS status;
    PUCHAR buffer;

    if (write && length > (ULONG)sizeof e->data)
        return complete(irp, STATUS_INVALID_BUFFER_SIZE, 0);
    n = write ? length : (length < e->length ? length : e->length);
    if (device->Flags & DO_BUFFERED_IO)
        buffer = irp->AssociatedIrp.SystemBuffer;
    else if (device->Flags & DO_DIRECT_IO)
        buffer = irp->MdlAddress != NULL
                     ? MmGetSystemAddressForMdlSafe(irp->MdlAddress,
                                                    NormalPagePriority)
                     : NULL;
    else
        buffer = irp->UserBuffer;
    if (n == 0)
        return complete(irp, STATUS_SUCCESS, 0);
    status = write ? copy(e->data, buffer, n) : copy(buffer, e->data, n);
    if (!NT_SUCCESS(status))
        return complete(irp, status, 0);
    if (write)
        e->length = n;
    return complete(irp, STATUS_SUCCESS, n);
}

static NTSTATUS NTAPI filter(PDEVICE_OBJECT device, PIRP irp)
{
    record(IOTEST_FILTER);
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(ext(device)->below, irp);
}

static NTSTATUS NTAPI dispatch(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    extension *e = ext(device);

    if (e->role == ROLE_FILTER)
        return filter(device, irp);
    switch (stack->MajorFunction) {
    case IRP_MJ_CREATE:
        return complete(irp, STATUS_SUCCESS, 0);
    case IRP_MJ_CLEANUP:
        record(IOTEST_CLEANUP);
        if (e->role == ROLE_MAIN)
            unpark(device, stack->FileObject);
        return complete(irp, STATUS_SUCCESS, 0);
    case IRP_MJ_CLOSE:
        record(IOTEST_CLOSE);
        return complete(irp, STATUS_SUCCESS, 0);
    case IRP_MJ_READ:
    case IRP_MJ_WRITE:
        if (e->role == ROLE_LOWER)
            break;
        return read_write(device, irp);
    case IRP_MJ_DEVICE_CONTROL:
        if (e->role == ROLE_MAIN)
            return device_control(device, irp);
        if (e->role == ROLE_LOWER)
            return lower(irp);
        break;
    case IRP_MJ_INTERNAL_DEVICE_CONTROL:
        if (e->role == ROLE_LOWER)
            return lower(irp);
        break;
    default:
        break;
    }
    return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
}

/* ---- Loading and unloading ----------------------------------------------- */

static VOID system_thread(PVOID context)
{
    UNREFERENCED_PARAMETER(context);
    record(IOTEST_SYSTEM_THREAD);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* Runs system_thread and waits for it. */
static NTSTATUS run_system_thread(void)
{
    HANDLE handle;
    PVOID thread;
    NTSTATUS status = PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL,
                                           NULL, NULL, system_thread, NULL);

    if (!NT_SUCCESS(status))
        return status;
    status = ObReferenceObjectByHandle(handle, SYNCHRONIZE, NULL, KernelMode,
                                       &thread, NULL);
    ZwClose(handle);
    if (!NT_SUCCESS(status))
        return status;
    KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(thread);
    return STATUS_SUCCESS;
}

static NTSTATUS make_device(PDRIVER_OBJECT driver, const WCHAR *name,
                            device_role role, ULONG flags,
                            PDEVICE_OBJECT *result)
{
    UNICODE_STRING device_name;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    if (name != NULL)
        RtlInitUnicodeString(&device_name, name);
    status = IoCreateDevice(driver, sizeof(extension),
                            name != NULL ? &device_name : NULL,
                            IOTEST_DEVICE_TYPE, 0, FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    RtlZeroMemory(device->DeviceExtension, sizeof(extension));
    ext(device)->role = role;
    device->Flags |= flags;
    *result = device;
    return STATUS_SUCCESS;
}

static void delete_devices(PDRIVER_OBJECT driver)
{
    UNICODE_STRING link;

    RtlInitUnicodeString(&link, L"\\DosDevices\\IoTest");
    IoDeleteSymbolicLink(&link);
    if (filter_device != NULL)
        IoDetachDevice(ext(filter_device)->below);
    if (main_device != NULL && ext(main_device)->work != NULL)
        IoFreeWorkItem(ext(main_device)->work);
    while (driver->DeviceObject != NULL)
        IoDeleteDevice(driver->DeviceObject);
    main_device = lower_device = filter_device = NULL;
}

static VOID NTAPI unload(PDRIVER_OBJECT driver)
{
    record(IOTEST_UNLOAD);
    IoDisconnectInterrupt(interrupt);
    delete_devices(driver);
}

/* The devices and their wiring: see the top of the file. */
static NTSTATUS make_devices(PDRIVER_OBJECT driver)
{
    UNICODE_STRING link, target;
    PDEVICE_OBJECT direct, neither_device;
    extension *e;
    NTSTATUS status;

    status = make_device(driver, L"\\Device\\IoTestLower", ROLE_LOWER, 0,
                         &lower_device);
    if (NT_SUCCESS(status))
        status = make_device(driver, L"\\Device\\IoTest", ROLE_MAIN,
                             DO_BUFFERED_IO, &main_device);
    if (NT_SUCCESS(status))
        status = make_device(driver, L"\\Device\\IoTestDirect", ROLE_DIRECT,
                             DO_DIRECT_IO, &direct);
    if (NT_SUCCESS(status))
        status = make_device(driver, L"\\Device\\IoTestNeither", ROLE_NEITHER,
                             0, &neither_device);
    if (NT_SUCCESS(status))
        status = make_device(driver, NULL, ROLE_FILTER, 0, &filter_device);
    if (!NT_SUCCESS(status))
        return status;
    ext(filter_device)->below =
        IoAttachDeviceToDeviceStack(filter_device, neither_device);
    filter_device->Flags &= ~DO_DEVICE_INITIALIZING;
    e = ext(main_device);
    e->below = lower_device;
    main_device->StackSize = (CCHAR)(lower_device->StackSize + 1);
    KeInitializeTimer(&e->timer);
    KeInitializeDpc(&e->timer_dpc, timer_dpc, e);
    IoInitializeDpcRequest(main_device, dpc_for_isr);
    e->work = IoAllocateWorkItem(main_device);
    if (e->work == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = IoInitializeTimer(main_device, io_timer, NULL);
    if (!NT_SUCCESS(status))
        return status;
    RtlInitUnicodeString(&link, L"\\DosDevices\\IoTest");
    RtlInitUnicodeString(&target, L"\\Device\\IoTest");
    return IoCreateSymbolicLink(&link, &target);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registry)
{
    ULONG i;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(registry);
    record(IOTEST_DRIVER_ENTRY);
    status = run_system_thread();
    if (!NT_SUCCESS(status))
        return status;
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        driver->MajorFunction[i] = dispatch;
    driver->DriverStartIo = start_io;
    driver->DriverUnload = unload;
    status = make_devices(driver);
    if (NT_SUCCESS(status))
        status = IoConnectInterrupt(&interrupt, isr, main_device, NULL,
                                    IOTEST_VECTOR, IOTEST_DIRQL, IOTEST_DIRQL,
                                    Latched, FALSE, 1, FALSE);
    if (!NT_SUCCESS(status))
        delete_devices(driver);
    return status;
}
