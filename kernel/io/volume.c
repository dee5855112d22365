/*
 * The C: drive: a built-in file system driver (\Driver\Volume) whose one
 * device, \Device\HarddiskVolume1, shows the platform's volume (hal.h:
 * on the hosted platform, a read-only view of the directory ntlab was
 * started in), and the link \??\C: to it.
 *
 * A file is opened with IRP_MJ_CREATE on the name left after the device
 * (\dir\file.sys); the name's components are checked here (none empty,
 * "." or "..", none with a character NT does not allow in a name) and the
 * platform makes sure nothing outside the view is reached. The volume is
 * read-only: an open that asks for a right that changes anything, or a
 * disposition that creates or overwrites, is STATUS_ACCESS_DENIED. Reads
 * go to the platform; a synchronous file's position moves on with them.
 */
#include "io.h"

#include "../rtl/rtl.h"

#define TAG 'loVI'
#define PATH_MAX_BYTES 1024

/* What a file open on the volume holds (FsContext). */
typedef struct volume_file {
    ULONG handle;
    ULONGLONG size;
    BOOLEAN directory;
} volume_file;

/* Rights that would change a file or its attributes. */
#define WRITE_RIGHTS                                                           \
    (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |                      \
     FILE_WRITE_ATTRIBUTES | FILE_DELETE_CHILD | DELETE | WRITE_DAC |          \
     WRITE_OWNER)

static NTSTATUS complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

/* Whether c may be in a name component (NT's rule for file names). */
static BOOLEAN name_char(WCHAR c)
{
    return c >= 0x20 && c != L'/' && c != L':' && c != L'*' && c != L'?' &&
           c != L'"' && c != L'<' && c != L'>' && c != L'|';
}

/*
 * The platform's path for the NT name left after the device ("" or "\"
 * for the root, else \a\b with an optional trailing '\'): components
 * joined by '/', in UTF-8, into path (PATH_MAX_BYTES).
 * STATUS_OBJECT_NAME_INVALID for a name the volume cannot hold.
 */
static NTSTATUS host_path(const UNICODE_STRING *name, char *path)
{
    ULONG n = name->Length / sizeof(WCHAR), i = 0, out = 0, start;
    const WCHAR *s = name->Buffer;

    if (n > 0 && s[0] != L'\\')
        return STATUS_OBJECT_NAME_INVALID;
    while (i < n) {
        i++; /* the '\' */
        if (i == n)
            break; /* a trailing '\' */
        start = i;
        for (; i < n && s[i] != L'\\'; i++) {
            WCHAR c = s[i];

            if (!name_char(c) || out + 4 >= PATH_MAX_BYTES)
                return STATUS_OBJECT_NAME_INVALID;
            if (c < 0x80) {
                path[out++] = (char)c;
            } else if (c < 0x800) {
                path[out++] = (char)(0xC0 | (c >> 6));
                path[out++] = (char)(0x80 | (c & 0x3F));
            } else if (c >= 0xD800 && c < 0xE000) {
                return STATUS_OBJECT_NAME_INVALID; /* no surrogates */
            } else {
                path[out++] = (char)(0xE0 | (c >> 12));
                path[out++] = (char)(0x80 | ((c >> 6) & 0x3F));
                path[out++] = (char)(0x80 | (c & 0x3F));
            }
        }
        if (i == start || (i - start == 1 && s[start] == L'.') ||
            (i - start == 2 && s[start] == L'.' && s[start + 1] == L'.'))
            return STATUS_OBJECT_NAME_INVALID;
        if (i < n && i + 1 < n)
            path[out++] = '/';
    }
    path[out] = '\0';
    return STATUS_SUCCESS;
}

/* The checks an open must pass before the platform is asked. */
static NTSTATUS check_open(PIO_STACK_LOCATION stack)
{
    ULONG disposition = stack->Parameters.Create.Options >> 24;
    PIO_SECURITY_CONTEXT security = stack->Parameters.Create.SecurityContext;

    if (security != NULL && (security->DesiredAccess & WRITE_RIGHTS))
        return STATUS_ACCESS_DENIED;
    if (disposition != FILE_OPEN && disposition != FILE_OPEN_IF)
        return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}

/* IRP_MJ_CREATE: opens the file the name names, read-only. */
static NTSTATUS NTAPI volume_create(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG options = stack->Parameters.Create.Options & 0x00FFFFFF;
    PFILE_OBJECT file = stack->FileObject;
    volume_file *v;
    char *path;
    NTSTATUS status = check_open(stack);

    UNREFERENCED_PARAMETER(device);
    if (!NT_SUCCESS(status))
        return complete(irp, status, 0);
    path = ExAllocatePoolWithTag(PagedPool, PATH_MAX_BYTES, TAG);
    v = ExAllocatePoolWithTag(NonPagedPool, sizeof *v, TAG);
    if (path == NULL || v == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        status = host_path(&file->FileName, path);
        if (NT_SUCCESS(status))
            status = hal_volume_open(path, &v->handle, &v->size,
                                     &v->directory);
    }
    if (path != NULL)
        ExFreePoolWithTag(path, TAG);
    if (NT_SUCCESS(status) && ((v->directory && (options & FILE_NON_DIRECTORY_FILE)) ||
                               (!v->directory && (options & FILE_DIRECTORY_FILE)))) {
        hal_volume_close(v->handle);
        status = v->directory ? STATUS_FILE_IS_A_DIRECTORY
                              : STATUS_NOT_A_DIRECTORY;
    }
    if (!NT_SUCCESS(status)) {
        if (v != NULL)
            ExFreePoolWithTag(v, TAG);
        return complete(irp, status, 0);
    }
    file->FsContext = v;
    return complete(irp, STATUS_SUCCESS, FILE_OPENED);
}

/* IRP_MJ_READ: from the file's ByteOffset; STATUS_END_OF_FILE at or past
 * its end. */
static NTSTATUS NTAPI volume_read(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    PFILE_OBJECT file = stack->FileObject;
    volume_file *v = file->FsContext;
    LONGLONG offset = stack->Parameters.Read.ByteOffset.QuadPart;
    ULONG length = stack->Parameters.Read.Length, done;

    UNREFERENCED_PARAMETER(device);
    if (v->directory)
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (offset < 0)
        return complete(irp, STATUS_INVALID_PARAMETER, 0);
    if (length == 0)
        return complete(irp, STATUS_SUCCESS, 0);
    if ((ULONGLONG)offset >= v->size)
        return complete(irp, STATUS_END_OF_FILE, 0);
    if (length > v->size - (ULONGLONG)offset)
        length = (ULONG)(v->size - (ULONGLONG)offset);
    if (!hal_volume_read(v->handle, (ULONGLONG)offset,
                         irp->AssociatedIrp.SystemBuffer, length, &done))
        return complete(irp, STATUS_IO_DEVICE_ERROR, 0);
    if (file->Flags & FO_SYNCHRONOUS_IO)
        file->CurrentByteOffset.QuadPart = offset + done;
    return complete(irp, done != 0 ? STATUS_SUCCESS : STATUS_END_OF_FILE, done);
}

/* IRP_MJ_CLEANUP and IRP_MJ_CLOSE (the platform's file goes with the
 * close). */
static NTSTATUS NTAPI volume_close(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    volume_file *v = stack->FileObject->FsContext;

    UNREFERENCED_PARAMETER(device);
    if (stack->MajorFunction == IRP_MJ_CLOSE && v != NULL) {
        hal_volume_close(v->handle);
        ExFreePoolWithTag(v, TAG);
        stack->FileObject->FsContext = NULL;
    }
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI volume_entry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
{
    UNICODE_STRING device_name, link;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(path);
    RtlInitUnicodeString(&device_name, L"\\Device\\HarddiskVolume1");
    RtlInitUnicodeString(&link, L"\\??\\C:");
    status = IoCreateDevice(driver, 0, &device_name,
                            0x00000008 /* FILE_DEVICE_DISK_FILE_SYSTEM */,
                            0x00000002 /* FILE_READ_ONLY_DEVICE */, FALSE,
                            &device);
    if (!NT_SUCCESS(status))
        return status;
    device->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&link, &device_name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    driver->MajorFunction[IRP_MJ_CREATE] = volume_create;
    driver->MajorFunction[IRP_MJ_READ] = volume_read;
    driver->MajorFunction[IRP_MJ_CLEANUP] = volume_close;
    driver->MajorFunction[IRP_MJ_CLOSE] = volume_close;
    return STATUS_SUCCESS;
}

void io_init_volume(void)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, L"\\Driver\\Volume");
    if (!NT_SUCCESS(IoCreateDriver(&name, volume_entry)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, STATUS_UNSUCCESSFUL, 0, 0,
                     0);
}

NTSTATUS io_volume_module(const UNICODE_STRING *name, ULONG *module)
{
    char *path = ExAllocatePoolWithTag(PagedPool, PATH_MAX_BYTES, TAG);
    const char *last;
    ULONGLONG size;
    BOOLEAN directory;
    ULONG handle;
    LONG index;
    NTSTATUS status;

    if (path == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = host_path(name, path);
    if (NT_SUCCESS(status))
        status = hal_volume_open(path, &handle, &size, &directory);
    if (NT_SUCCESS(status)) {
        for (last = path + rtl_strlen(path); last > path && last[-1] != '/';)
            last--;
        index = directory ? -1 : hal_volume_module(handle, last);
        hal_volume_close(handle);
        if (directory)
            status = STATUS_FILE_IS_A_DIRECTORY;
        else if (index < 0)
            status = STATUS_INSUFFICIENT_RESOURCES;
        else
            *module = (ULONG)index;
    }
    ExFreePoolWithTag(path, TAG);
    return status;
}
