/*
 * Files: opening a device (NtCreateFile, NtOpenFile), the requests made on
 * an open file (NtReadFile, NtWriteFile, NtDeviceIoControlFile,
 * NtCancelIoFile), and closing (IRP_MJ_CLEANUP when the last handle goes,
 * IRP_MJ_CLOSE when the last reference does).
 *
 * A request's buffers are described to the driver as NT's I/O manager
 * does: for a device with DO_BUFFERED_IO (reads, writes) or an IOCTL with
 * METHOD_BUFFERED, one system buffer in nonpaged pool, filled from the
 * caller's input and copied back to the caller's output (Information
 * bytes) in the caller's context when the request finishes; for
 * DO_DIRECT_IO or METHOD_IN_DIRECT / METHOD_OUT_DIRECT, the caller's buffer
 * probed and locked and described by an MDL (an IOCTL's input buffered);
 * otherwise (METHOD_NEITHER) the caller's addresses as they are, good only
 * in the caller's context. Everything a user passes is probed first; a bad
 * address fails the service with the probe's status and reaches no driver.
 *
 * A file opened for synchronous I/O (FILE_SYNCHRONOUS_IO_[NON]ALERT) takes
 * one request at a time, and its services wait for pending requests;
 * otherwise a pending request returns STATUS_PENDING and the caller learns
 * of its end from the status block, the event, the file itself (a waitable
 * object, signalled when a request on it ends) or its APC routine.
 */
#include "io.h"

#include "../mm/mm.h"

/* ---- Requests the I/O manager makes for itself ---------------------------- */

static NTSTATUS NTAPI signal_done(PDEVICE_OBJECT device, PIRP irp,
                                  PVOID event)
{
    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(irp);
    KeSetEvent(event, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Sends major (cleanup or close) for file down its device's stack and
 * waits for it: any context at or below APC_LEVEL. */
static void send_file_request(PFILE_OBJECT file, UCHAR major)
{
    PDEVICE_OBJECT top = io_top_of(file->DeviceObject);
    PIRP irp = IoAllocateIrp(top->StackSize, FALSE);
    PIO_STACK_LOCATION stack;
    KEVENT done;

    if (irp == NULL)
        return; /* the driver misses a cleanup or close it cannot fail */
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp->Flags = IRP_CLOSE_OPERATION | IRP_SYNCHRONOUS_API;
    irp->RequestorMode = KernelMode;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    irp->Tail.Overlay.OriginalFileObject = file;
    stack = IoGetNextIrpStackLocation(irp);
    stack->MajorFunction = major;
    stack->FileObject = file;
    IoSetCompletionRoutine(irp, signal_done, &done, TRUE, TRUE, TRUE);
    IoCallDriver(top, irp);
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, NULL);
    IoFreeIrp(irp);
}

/* The last handle to a file went: IRP_MJ_CLEANUP, in the process that held
 * it. */
void io_close_file(PEPROCESS process, PVOID object, ACCESS_MASK granted,
                   ULONG handle_count)
{
    PFILE_OBJECT file = object;
    BOOLEAN attach;
    KAPC_STATE state;

    UNREFERENCED_PARAMETER(granted);
    if (handle_count != 0 || file->DeviceObject == NULL)
        return;
    attach = process != NULL && process != PsGetCurrentProcess();
    if (attach)
        KeStackAttachProcess(&process->Pcb, &state);
    send_file_request(file, IRP_MJ_CLEANUP);
    file->Flags |= FO_CLEANUP_COMPLETE;
    if (attach)
        KeUnstackDetachProcess(&state);
}

/* The last reference to a file went: IRP_MJ_CLOSE, in whatever context. */
void io_delete_file(PVOID object)
{
    PFILE_OBJECT file = object;
    PDEVICE_OBJECT device = file->DeviceObject;

    if (device != NULL) {
        if (!(file->Flags & FO_CLEANUP_COMPLETE))
            send_file_request(file, IRP_MJ_CLEANUP);
        send_file_request(file, IRP_MJ_CLOSE);
        InterlockedDecrement(&device->ReferenceCount);
        ObDereferenceObject(device);
    }
    ob_free_name(&file->FileName);
}

void io_init_files(void)
{
}

/* ---- Opening -------------------------------------------------------------- */

NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                            POBJECT_ATTRIBUTES ObjectAttributes,
                            PIO_STATUS_BLOCK IoStatusBlock,
                            PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
                            ULONG ShareAccess, ULONG CreateDisposition,
                            ULONG CreateOptions, PVOID EaBuffer, ULONG EaLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    io_open_packet open;
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(AllocationSize);
    UNREFERENCED_PARAMETER(FileAttributes);
    UNREFERENCED_PARAMETER(EaBuffer);
    if (CreateDisposition > FILE_OVERWRITE_IF || ShareAccess > 7 ||
        EaLength != 0 || CreateOptions > 0x00FFFFFF)
        return STATUS_INVALID_PARAMETER;
    RtlZeroMemory(&open, sizeof open);
    open.access = ob_map_access(io_file_type, DesiredAccess);
    if ((CreateOptions & FILE_SYNCHRONOUS_IO_ALERT) &&
        (CreateOptions & FILE_SYNCHRONOUS_IO_NONALERT))
        return STATUS_INVALID_PARAMETER;
    /* As asked, before generic rights are mapped (NT's rule). */
    if ((CreateOptions &
         (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT)) &&
        !(DesiredAccess & SYNCHRONIZE))
        return STATUS_INVALID_PARAMETER;
    /* The status block and the handle must be writable before any driver
     * sees the open. */
    iosb.Status = STATUS_PENDING;
    iosb.Information = 0;
    status = mm_give_back(mode, IoStatusBlock, sizeof iosb, sizeof(ULONG),
                          &iosb);
    if (NT_SUCCESS(status))
        status = mm_give_back(mode, FileHandle, sizeof handle, sizeof(ULONG),
                              &(HANDLE){NULL});
    if (!NT_SUCCESS(status))
        return status;
    open.options = CreateOptions;
    open.share_access = ShareAccess;
    open.disposition = CreateDisposition;
    open.mode = mode;
    status = ObOpenObjectByName(ObjectAttributes, io_file_type, mode, NULL,
                                open.access, &open, &handle);
    if (!NT_SUCCESS(status))
        return status;
    iosb.Status = STATUS_SUCCESS;
    iosb.Information =
        open.status.Information != 0 ? open.status.Information : FILE_OPENED;
    mm_give_back(mode, IoStatusBlock, sizeof iosb, sizeof(ULONG), &iosb);
    return ob_return_handle(FileHandle, handle, mode);
}

NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
                          POBJECT_ATTRIBUTES ObjectAttributes,
                          PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess,
                          ULONG OpenOptions)
{
    return NtCreateFile(FileHandle, DesiredAccess, ObjectAttributes,
                        IoStatusBlock, NULL, 0, ShareAccess, FILE_OPEN,
                        OpenOptions, NULL, 0);
}

/* ---- Requests on open files ----------------------------------------------- */

/* A request being put together by a service. */
typedef struct request {
    KPROCESSOR_MODE mode;
    PFILE_OBJECT file; /* referenced by the service */
    PDEVICE_OBJECT device; /* the top of the file's stack */
    PIRP irp;
} request;

/* Probes a caller's buffer for reading or writing: its status. */
static NTSTATUS probe(KPROCESSOR_MODE mode, PVOID p, ULONG length,
                      BOOLEAN for_write)
{
    return mm_probe(mode, p, length, 1, for_write);
}

/*
 * Starts request r on the file FileHandle names (with access): the file
 * referenced, the caller's status block checked, the event (may be NULL)
 * referenced and reset, the IRP made for the current thread with major
 * as its function. On failure nothing is left.
 */
static NTSTATUS begin(request *r, HANDLE handle, ACCESS_MASK access,
                      HANDLE event_handle, PIO_APC_ROUTINE apc_routine,
                      PVOID apc_context, PIO_STATUS_BLOCK iosb, UCHAR major)
{
    PKEVENT event = NULL;
    PIO_STACK_LOCATION stack;
    NTSTATUS status;

    r->mode = ExGetPreviousMode();
    status = ObReferenceObjectByHandle(handle, access, io_file_type, r->mode,
                                       (PVOID *)&r->file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = probe(r->mode, iosb, sizeof *iosb, TRUE);
    if (NT_SUCCESS(status) && r->mode == UserMode && ((ULONG_PTR)iosb & 3))
        status = STATUS_DATATYPE_MISALIGNMENT;
    if (NT_SUCCESS(status) && event_handle != NULL) {
        status = ObReferenceObjectByHandle(event_handle, EVENT_MODIFY_STATE,
                                           *ExEventObjectType, r->mode,
                                           (PVOID *)&event, NULL);
        if (NT_SUCCESS(status))
            KeClearEvent(event);
    }
    r->device = NT_SUCCESS(status) ? io_top_of(r->file->DeviceObject) : NULL;
    r->irp = NT_SUCCESS(status)
                 ? io_allocate_threaded_irp(r->device->StackSize, r->mode)
                 : NULL;
    if (NT_SUCCESS(status) && r->irp == NULL)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (!NT_SUCCESS(status)) {
        if (event != NULL)
            ObDereferenceObject(event);
        ObDereferenceObject(r->file);
        return status;
    }
    ObfReferenceObject(r->file); /* the IRP's */
    r->irp->AllocationFlags |= IO_IRP_FILE_REFERENCED | IO_IRP_FILE_EVENT;
    if (event != NULL)
        r->irp->AllocationFlags |= IO_IRP_EVENT_OBJECT;
    if (apc_routine != NULL)
        r->irp->AllocationFlags |= IO_IRP_USER_APC;
    r->irp->UserEvent = event;
    r->irp->UserIosb = iosb;
    r->irp->Overlay.AsynchronousParameters.UserApcRoutine = apc_routine;
    r->irp->Overlay.AsynchronousParameters.UserApcContext = apc_context;
    r->irp->Tail.Overlay.OriginalFileObject = r->file;
    stack = IoGetNextIrpStackLocation(r->irp);
    stack->MajorFunction = major;
    stack->FileObject = r->file;
    return STATUS_SUCCESS;
}

/* Gives up a request that failed before reaching a driver. */
static NTSTATUS give_up(request *r, NTSTATUS status)
{
    r->irp->IoStatus.Status = status;
    io_abandon_request(r->irp);
    ObDereferenceObject(r->file);
    return status;
}

/*
 * A system buffer of length bytes for irp, of which the first input_length
 * are copied from the caller's input and the first output_length go back
 * to output when the request ends.
 */
static NTSTATUS buffer(PIRP irp, KPROCESSOR_MODE mode, PVOID input,
                       ULONG input_length, PVOID output, ULONG output_length,
                       ULONG length)
{
    NTSTATUS status = probe(mode, input, input_length, FALSE);

    if (NT_SUCCESS(status))
        status = probe(mode, output, output_length, TRUE);
    if (!NT_SUCCESS(status) || length == 0)
        return status;
    irp->AssociatedIrp.SystemBuffer =
        io_allocate_system_buffer(length, output_length);
    if (irp->AssociatedIrp.SystemBuffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
    if (output_length != 0) {
        irp->Flags |= IRP_INPUT_OPERATION;
        irp->UserBuffer = output;
    }
    status = mm_capture(mode, input, input_length, 1,
                        irp->AssociatedIrp.SystemBuffer);
    if (NT_SUCCESS(status) && input_length < length)
        RtlZeroMemory((PUCHAR)irp->AssociatedIrp.SystemBuffer + input_length,
                      length - input_length);
    return status;
}

/* Describes the caller's buffer by an MDL, probed and locked for op. */
static NTSTATUS lock(PIRP irp, KPROCESSOR_MODE mode, PVOID address,
                     ULONG length, LOCK_OPERATION op)
{
    volatile NTSTATUS status = STATUS_SUCCESS;
    PMDL mdl;

    if (length == 0)
        return STATUS_SUCCESS;
    mdl = IoAllocateMdl(address, length, FALSE, TRUE, irp);
    if (mdl == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    __try {
        MmProbeAndLockPages(mdl, mode, op);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    return status;
}

NTSTATUS io_describe_transfer(PIRP irp, KPROCESSOR_MODE mode,
                              PDEVICE_OBJECT device, BOOLEAN write,
                              PVOID buffer_address, ULONG length)
{
    irp->UserBuffer = buffer_address;
    irp->Flags |= write ? IRP_WRITE_OPERATION : IRP_READ_OPERATION;
    if (device->Flags & DO_BUFFERED_IO)
        return write ? buffer(irp, mode, buffer_address, length, NULL, 0,
                              length)
                     : buffer(irp, mode, NULL, 0, buffer_address, length,
                              length);
    if (device->Flags & DO_DIRECT_IO)
        return lock(irp, mode, buffer_address, length,
                    write ? IoReadAccess : IoWriteAccess);
    return probe(mode, buffer_address, length, !write);
}

NTSTATUS io_describe_ioctl(PIRP irp, KPROCESSOR_MODE mode, ULONG code,
                           PVOID input, ULONG input_length, PVOID output,
                           ULONG output_length)
{
    PIO_STACK_LOCATION stack = IoGetNextIrpStackLocation(irp);
    ULONG in = input_length, out = output_length;
    NTSTATUS status;

    stack->Parameters.DeviceIoControl.IoControlCode = code;
    stack->Parameters.DeviceIoControl.InputBufferLength = in;
    stack->Parameters.DeviceIoControl.OutputBufferLength = out;
    stack->Parameters.DeviceIoControl.Type3InputBuffer = input;
    switch (METHOD_FROM_CTL_CODE(code)) {
    case METHOD_BUFFERED:
        return buffer(irp, mode, input, in, output, out, in > out ? in : out);
    case METHOD_IN_DIRECT:
    case METHOD_OUT_DIRECT:
        status = buffer(irp, mode, input, in, NULL, 0, in);
        if (!NT_SUCCESS(status))
            return status;
        return lock(irp, mode, output, out,
                    METHOD_FROM_CTL_CODE(code) == METHOD_IN_DIRECT
                        ? IoReadAccess
                        : IoWriteAccess);
    default: /* METHOD_NEITHER: the driver probes, in this context */
        irp->UserBuffer = output;
        return STATUS_SUCCESS;
    }
}

/*
 * A synchronous file takes one request at a time: Busy says one is under
 * way, and the Lock event (a synchronization event) wakes those that wait
 * for it, counted in Waiters, so that an uncontended request costs two
 * interlocked operations.
 */
static void lock_file(PFILE_OBJECT file)
{
    if (InterlockedExchange((PLONG)&file->Busy, 1) == 0)
        return;
    InterlockedIncrement((PLONG)&file->Waiters);
    while (InterlockedExchange((PLONG)&file->Busy, 1) != 0)
        KeWaitForSingleObject(&file->Lock, Executive, KernelMode, FALSE, NULL);
    InterlockedDecrement((PLONG)&file->Waiters);
}

static void unlock_file(PFILE_OBJECT file)
{
    InterlockedExchange((PLONG)&file->Busy, 0);
    if (file->Waiters != 0)
        KeSetEvent(&file->Lock, IO_NO_INCREMENT, FALSE);
}

/*
 * Sends the request and, for a synchronous file, waits for it and returns
 * its final status; an asynchronous one may return STATUS_PENDING. The
 * service's reference to the file is dropped.
 */
static NTSTATUS send(request *r)
{
    PFILE_OBJECT file = r->file;
    BOOLEAN synchronous = (file->Flags & FO_SYNCHRONOUS_IO) != 0;
    NTSTATUS status;

    if (synchronous)
        lock_file(file);
    KeClearEvent(&file->Event);
    status = io_send_and_finish(r->device, r->irp, NULL, NULL);
    if (synchronous) {
        if (status == STATUS_PENDING) {
            status = KeWaitForSingleObject(&file->Event, Executive, r->mode,
                                           (file->Flags & FO_ALERTABLE_IO) != 0,
                                           NULL);
            if (status == STATUS_ALERTED || status == STATUS_USER_APC) {
                /* An alerted wait cancels the request, as on NT. */
                io_cancel_own_irps(file);
                KeWaitForSingleObject(&file->Event, Executive, KernelMode,
                                      FALSE, NULL);
            }
            status = file->FinalStatus;
        }
        unlock_file(file);
    }
    ObDereferenceObject(file);
    return status;
}

/* NtReadFile and NtWriteFile. */
static NTSTATUS read_write(BOOLEAN write, HANDLE FileHandle, HANDLE Event,
                           PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                           ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    LARGE_INTEGER offset = {.QuadPart = 0};
    PIO_STACK_LOCATION stack;
    ULONG key = 0;
    request r;
    NTSTATUS status = begin(&r, FileHandle, write ? FILE_WRITE_DATA
                                                  : FILE_READ_DATA,
                            Event, ApcRoutine, ApcContext, IoStatusBlock,
                            write ? IRP_MJ_WRITE : IRP_MJ_READ);

    if (!NT_SUCCESS(status))
        return status;
    if (ByteOffset != NULL)
        status = mm_capture(r.mode, ByteOffset, sizeof offset, sizeof(ULONG),
                            &offset);
    else if (r.file->Flags & FO_SYNCHRONOUS_IO)
        offset = r.file->CurrentByteOffset;
    if (NT_SUCCESS(status) && Key != NULL)
        status = mm_capture(r.mode, Key, sizeof key, sizeof(ULONG), &key);
    if (NT_SUCCESS(status))
        status = io_describe_transfer(r.irp, r.mode, r.device, write, Buffer,
                                      Length);
    if (!NT_SUCCESS(status))
        return give_up(&r, status);
    stack = IoGetNextIrpStackLocation(r.irp);
    stack->Parameters.Read.Length = Length;
    stack->Parameters.Read.Key = key;
    stack->Parameters.Read.ByteOffset = offset;
    return send(&r);
}

NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event,
                          PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                          PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                          ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    return read_write(FALSE, FileHandle, Event, ApcRoutine, ApcContext,
                      IoStatusBlock, Buffer, Length, ByteOffset, Key);
}

NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event,
                           PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
                           ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key)
{
    return read_write(TRUE, FileHandle, Event, ApcRoutine, ApcContext,
                      IoStatusBlock, Buffer, Length, ByteOffset, Key);
}

/* The rights an I/O control code asks of the handle. */
static ACCESS_MASK ioctl_access(ULONG code)
{
    ULONG access = (code >> 14) & 3;

    return ((access & FILE_READ_ACCESS) ? FILE_READ_DATA : 0) |
           ((access & FILE_WRITE_ACCESS) ? FILE_WRITE_DATA : 0);
}

NTSTATUS NTAPI NtDeviceIoControlFile(HANDLE FileHandle, HANDLE Event,
                                     PIO_APC_ROUTINE ApcRoutine,
                                     PVOID ApcContext,
                                     PIO_STATUS_BLOCK IoStatusBlock,
                                     ULONG IoControlCode, PVOID InputBuffer,
                                     ULONG InputBufferLength,
                                     PVOID OutputBuffer,
                                     ULONG OutputBufferLength)
{
    request r;
    NTSTATUS status = begin(&r, FileHandle, ioctl_access(IoControlCode), Event,
                            ApcRoutine, ApcContext, IoStatusBlock,
                            IRP_MJ_DEVICE_CONTROL);

    if (!NT_SUCCESS(status))
        return status;
    status = io_describe_ioctl(r.irp, r.mode, IoControlCode, InputBuffer,
                               InputBufferLength, OutputBuffer,
                               OutputBufferLength);
    if (!NT_SUCCESS(status))
        return give_up(&r, status);
    return send(&r);
}

/* Cancels the calling thread's requests on the file and waits for them. */
NTSTATUS NTAPI NtCancelIoFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    IO_STATUS_BLOCK iosb = {.Status = STATUS_SUCCESS};
    PFILE_OBJECT file;
    NTSTATUS status = ObReferenceObjectByHandle(FileHandle, 0, io_file_type,
                                                mode, (PVOID *)&file, NULL);

    if (!NT_SUCCESS(status))
        return status;
    status = probe(mode, IoStatusBlock, sizeof iosb, TRUE);
    if (NT_SUCCESS(status)) {
        io_cancel_own_irps(file);
        status = mm_give_back(mode, IoStatusBlock, sizeof iosb, sizeof(ULONG),
                              &iosb);
    }
    ObDereferenceObject(file);
    return status;
}
