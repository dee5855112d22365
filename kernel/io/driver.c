/*
 * Driver objects: the I/O manager's types, built-in drivers
 * (IoCreateDriver), and loading and unloading driver images
 * (NtLoadDriver, NtUnloadDriver).
 *
 * A driver's DriverEntry and DriverUnload run in a system thread of the
 * System process at PASSIVE_LEVEL, whoever asked for the load: nothing of
 * the requester's user address space is mapped while they run. A loaded
 * driver's object is named \Driver\NAME and kept by its name until it is
 * unloaded; its image goes with the object's last reference, once its
 * devices and every file opened on them are gone.
 */
#include "io.h"

#include "../cm/cm.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

POBJECT_TYPE io_driver_type, io_file_type;
POBJECT_TYPE *IoDriverObjectType = &io_driver_type;
POBJECT_TYPE *IoFileObjectType = &io_file_type;

static const WCHAR services_key[] =
    L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

/* Serializes loads and unloads. */
static FAST_MUTEX load_lock;
/* A service's key path, for image_module (under load_lock). */
static WCHAR d_key_buffer[160];

/* What a major function no driver routine handles does. */
static NTSTATUS NTAPI invalid_request(PDEVICE_OBJECT device, PIRP irp)
{
    UNREFERENCED_PARAMETER(device);
    irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

/* ---- Driver objects ------------------------------------------------------ */

/* Copies the characters of s (no terminator) to a fresh string in buffer. */
static void set_string(UNICODE_STRING *s, WCHAR *buffer, ULONG capacity,
                       const WCHAR *a, USHORT a_len, const WCHAR *b,
                       USHORT b_len)
{
    ULONG n = a_len + b_len;

    if (n > capacity)
        n = capacity;
    RtlCopyMemory(buffer, a, a_len < n ? a_len : n);
    if (n > a_len)
        RtlCopyMemory((PUCHAR)buffer + a_len, b, n - a_len);
    s->Buffer = buffer;
    s->Length = s->MaximumLength = (USHORT)n;
}

/*
 * Makes the driver object \Driver\<name> (name: the characters after
 * \Driver\), permanent, with one reference for the caller.
 * STATUS_OBJECT_NAME_COLLISION when such a driver exists.
 */
static NTSTATUS make_driver(const UNICODE_STRING *name, io_driver **result)
{
    static const WCHAR prefix[] = L"\\Driver\\";
    OBJECT_ATTRIBUTES attributes;
    io_driver *d;
    ULONG i;
    NTSTATUS status;

    if (name->Length == 0 || name->Length > 100)
        return STATUS_OBJECT_NAME_INVALID;
    status = ob_create_object(io_driver_type, sizeof *d, (PVOID *)&d);
    if (!NT_SUCCESS(status))
        return status;
    d->object.Type = IO_TYPE_DRIVER;
    d->object.Size = sizeof d->object;
    d->object.DriverExtension = &d->extension;
    d->extension.DriverObject = &d->object;
    set_string(&d->object.DriverName, d->name_buffer,
               sizeof d->name_buffer, prefix, sizeof prefix - sizeof(WCHAR),
               name->Buffer, name->Length);
    set_string(&d->registry_path, d->service_buffer, sizeof d->service_buffer,
               services_key, sizeof services_key - sizeof(WCHAR),
               name->Buffer, name->Length);
    d->extension.ServiceKeyName.Buffer =
        d->service_buffer + (sizeof services_key / sizeof(WCHAR) - 1);
    d->extension.ServiceKeyName.Length = name->Length;
    d->extension.ServiceKeyName.MaximumLength = name->Length;
    d->object.HardwareDatabase = NULL;
    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        d->object.MajorFunction[i] = invalid_request;
    InitializeObjectAttributes(&attributes, &d->object.DriverName,
                               OBJ_PERMANENT | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = ob_insert_object(d, &attributes, 0, KernelMode, NULL);
    if (!NT_SUCCESS(status))
        return status; /* gone */
    *result = d;
    return STATUS_SUCCESS;
}

/* Lets opens reach the devices DriverEntry made. */
static void finish_initializing(PDRIVER_OBJECT driver)
{
    PDEVICE_OBJECT device;

    for (device = driver->DeviceObject; device != NULL;
         device = device->NextDevice)
        device->Flags &= ~DO_DEVICE_INITIALIZING;
}

/* Takes a driver whose initialization failed, or that was unloaded, out of
 * the namespace; with the caller's reference dropped, it goes when its
 * last device does. */
static void retire_driver(io_driver *d)
{
    ObMakeTemporaryObject(d);
    ObDereferenceObject(d);
}

void io_delete_driver(PVOID object)
{
    io_driver *d = object;

    if (d->image != NULL)
        mm_unload_system_image(d->image);
}

/* ---- Built-in drivers ---------------------------------------------------- */

/*
 * Makes a driver without an image: DriverName (\Driver\NAME; NULL: a
 * made-up name) and InitializationFunction, called at once in the caller's
 * context as its DriverEntry.
 */
NTSTATUS NTAPI IoCreateDriver(PUNICODE_STRING DriverName,
                              PDRIVER_INITIALIZE InitializationFunction)
{
    static LONG serial;
    WCHAR made_up[24];
    UNICODE_STRING name;
    io_driver *d;
    NTSTATUS status;

    if (DriverName != NULL) {
        static const WCHAR prefix[] = L"\\Driver\\";
        USHORT skip = sizeof prefix - sizeof(WCHAR);

        if (DriverName->Length <= skip ||
            RtlCompareMemory(DriverName->Buffer, prefix, skip) != skip)
            return STATUS_OBJECT_NAME_INVALID;
        name.Buffer = DriverName->Buffer + skip / sizeof(WCHAR);
        name.Length = name.MaximumLength = DriverName->Length - skip;
    } else {
        char text[24];
        ULONG i, n = rtl_snprintf(text, sizeof text, "NTLAB%ld",
                                  (long)InterlockedIncrement(&serial));

        for (i = 0; i < n; i++)
            made_up[i] = (WCHAR)text[i];
        name.Buffer = made_up;
        name.Length = name.MaximumLength = (USHORT)(n * sizeof(WCHAR));
    }
    ExAcquireFastMutex(&load_lock);
    status = make_driver(&name, &d);
    if (NT_SUCCESS(status)) {
        d->object.DriverInit = InitializationFunction;
        status = InitializationFunction(&d->object, &d->registry_path);
        if (NT_SUCCESS(status)) {
            finish_initializing(&d->object);
            ObDereferenceObject(d); /* the name keeps it */
        } else {
            retire_driver(d);
        }
    }
    ExReleaseFastMutex(&load_lock);
    return status;
}

VOID NTAPI IoDeleteDriver(PDRIVER_OBJECT DriverObject)
{
    ObMakeTemporaryObject(DriverObject);
}

/* ---- Loading and unloading ----------------------------------------------- */

/* Work for a system thread: DriverEntry or DriverUnload. */
typedef struct driver_call {
    io_driver *driver;
    BOOLEAN unload;
    NTSTATUS status;
} driver_call;

static VOID call_driver_routine(PVOID context)
{
    driver_call *call = context;
    PDRIVER_OBJECT driver = &call->driver->object;

    if (call->unload)
        driver->DriverUnload(driver);
    else
        call->status = driver->DriverInit(driver, &call->driver->registry_path);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* Runs DriverEntry or DriverUnload in a new system thread and waits. */
static NTSTATUS call_in_system(io_driver *d, BOOLEAN unload)
{
    driver_call call = {d, unload, STATUS_SUCCESS};
    ETHREAD *thread;
    NTSTATUS status = ps_create_system_thread(call_driver_routine, &call,
                                              &thread);

    if (!NT_SUCCESS(status))
        return status;
    KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(thread);
    return call.status;
}

/*
 * The NAME a service key path names: the characters after the last '\'
 * of \Registry\Machine\System\CurrentControlSet\Services\NAME (the prefix
 * compared without case).
 */
static NTSTATUS service_name(const UNICODE_STRING *key, UNICODE_STRING *name)
{
    UNICODE_STRING prefix;
    USHORT n;

    RtlInitUnicodeString(&prefix, services_key);
    n = prefix.Length;
    if (!RtlPrefixUnicodeString(&prefix, key, TRUE))
        return STATUS_OBJECT_NAME_NOT_FOUND; /* no such service key */
    if (key->Length == n || key->Length > n + 100)
        return STATUS_OBJECT_NAME_INVALID;
    name->Buffer = key->Buffer + n / sizeof(WCHAR);
    name->Length = name->MaximumLength = key->Length - n;
    for (n = 0; n < name->Length / sizeof(WCHAR); n++)
        if (name->Buffer[n] == L'\\' || name->Buffer[n] == L'.')
            return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

/* The driver object loaded for service name, referenced, or NULL. */
static io_driver *find_driver(const UNICODE_STRING *name)
{
    WCHAR buffer[64];
    UNICODE_STRING path;
    PVOID object;

    set_string(&path, buffer, sizeof buffer, L"\\Driver\\", 16, name->Buffer,
               name->Length);
    if (!NT_SUCCESS(ObReferenceObjectByName(&path, OBJ_CASE_INSENSITIVE, NULL,
                                            0, io_driver_type, KernelMode,
                                            NULL, &object)))
        return NULL;
    return object;
}

/* Whether s begins with prefix (without case); *rest is what follows. */
static BOOLEAN has_prefix(const UNICODE_STRING *s, const WCHAR *prefix,
                          UNICODE_STRING *rest)
{
    UNICODE_STRING p;

    RtlInitUnicodeString(&p, prefix);
    if (!RtlPrefixUnicodeString(&p, s, TRUE))
        return FALSE;
    rest->Buffer = s->Buffer + p.Length / sizeof(WCHAR);
    rest->Length = rest->MaximumLength = s->Length - p.Length;
    return TRUE;
}

/* The boot module built with ntlab (or named by --program) called name
 * (ASCII characters, at most 63). */
static NTSTATUS built_in_module(const UNICODE_STRING *name, ULONG *module)
{
    char text[64];
    ULONG i, n = name->Length / sizeof(WCHAR);

    if (n == 0 || n >= sizeof text)
        return STATUS_OBJECT_NAME_INVALID;
    for (i = 0; i < n; i++) {
        if (name->Buffer[i] >= 0x80 || name->Buffer[i] == L'\\')
            return STATUS_OBJECT_NAME_INVALID;
        text[i] = (char)name->Buffer[i];
    }
    text[n] = '\0';
    return ps_find_module(text, module);
}

/*
 * The boot module a service's driver image is in. A service key with an
 * ImagePath names it: \??\C:\PATH (or \DosDevices\C:\PATH) is the file
 * PATH of the C: drive; \SystemRoot\System32\drivers\X.sys or
 * System32\drivers\X.sys is the driver X.sys built with ntlab (ntlab's
 * drivers directory); any other form is STATUS_OBJECT_PATH_NOT_FOUND.
 * Without a key, or without ImagePath, it is NAME.sys built with ntlab,
 * NT's default ImagePath.
 */
static NTSTATUS image_module(const UNICODE_STRING *name, ULONG *module)
{
    WCHAR buffer[64 + 5];
    UNICODE_STRING key, image, rest;
    NTSTATUS status;

    set_string(&key, d_key_buffer, sizeof d_key_buffer, services_key,
               sizeof services_key - sizeof(WCHAR), name->Buffer,
               name->Length);
    status = cm_query_string(&key, L"ImagePath", &image);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
        set_string(&rest, buffer, sizeof buffer, name->Buffer,
                   name->Length < 128 ? name->Length : 128, L".sys",
                   4 * sizeof(WCHAR));
        return built_in_module(&rest, module);
    }
    if (!NT_SUCCESS(status))
        return status;
    if (has_prefix(&image, L"\\??\\C:", &rest) ||
        has_prefix(&image, L"\\DosDevices\\C:", &rest))
        status = io_volume_module(&rest, module);
    else if (has_prefix(&image, L"\\SystemRoot\\System32\\drivers\\", &rest) ||
             has_prefix(&image, L"System32\\drivers\\", &rest))
        status = built_in_module(&rest, module);
    else
        status = STATUS_OBJECT_PATH_NOT_FOUND;
    ob_free_name(&image);
    return status;
}

/* Loads the service name's driver image and runs its DriverEntry. Holds
 * load_lock. */
static NTSTATUS load_driver(const UNICODE_STRING *name)
{
    mm_system_image *image;
    io_driver *d;
    ULONG module;
    NTSTATUS status;

    d = find_driver(name);
    if (d != NULL) {
        ObDereferenceObject(d);
        return STATUS_IMAGE_ALREADY_LOADED;
    }
    status = image_module(name, &module);
    if (NT_SUCCESS(status))
        status = mm_load_system_module(module, &image);
    if (!NT_SUCCESS(status))
        return status;
    status = make_driver(name, &d);
    if (!NT_SUCCESS(status)) {
        mm_unload_system_image(image);
        return status;
    }
    d->image = image;
    d->object.DriverStart = HAL_VA_PTR(image->base);
    d->object.DriverSize = image->size;
    d->object.DriverSection = image;
    d->object.DriverInit = (PDRIVER_INITIALIZE)image->entry;
    status = call_in_system(d, FALSE);
    if (!NT_SUCCESS(status)) {
        /* A failed DriverEntry must leave nothing behind; what it does
         * leave keeps the driver (and its image) alive. */
        retire_driver(d);
        return status;
    }
    finish_initializing(&d->object);
    ObDereferenceObject(d); /* its name keeps it until it is unloaded */
    return STATUS_SUCCESS;
}

static NTSTATUS unload_driver(const UNICODE_STRING *name)
{
    io_driver *d = find_driver(name);
    NTSTATUS status;

    if (d == NULL)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (d->image == NULL || d->object.DriverUnload == NULL) {
        /* Built-in drivers and drivers without an unload routine stay. */
        ObDereferenceObject(d);
        return STATUS_INVALID_DEVICE_REQUEST;
    }
    status = call_in_system(d, TRUE);
    if (NT_SUCCESS(status))
        retire_driver(d);
    else
        ObDereferenceObject(d);
    return status;
}

/* Captures the service key name and runs load or unload on it: for a
 * caller that holds SeLoadDriverPrivilege (user mode must, as on NT). */
static NTSTATUS driver_service(PUNICODE_STRING key,
                               NTSTATUS (*action)(const UNICODE_STRING *))
{
    UNICODE_STRING copy, name;
    NTSTATUS status;

    if (!SeSinglePrivilegeCheck(RtlConvertLongToLuid(SE_LOAD_DRIVER_PRIVILEGE),
                                ExGetPreviousMode()))
        return STATUS_PRIVILEGE_NOT_HELD;
    if (key == NULL)
        return STATUS_INVALID_PARAMETER;
    status = ob_capture_string(key, ExGetPreviousMode(), &copy);
    if (!NT_SUCCESS(status))
        return status;
    status = service_name(&copy, &name);
    if (NT_SUCCESS(status)) {
        ExAcquireFastMutex(&load_lock);
        status = action(&name);
        ExReleaseFastMutex(&load_lock);
    }
    ob_free_name(&copy);
    return status;
}

NTSTATUS NTAPI NtLoadDriver(PUNICODE_STRING DriverServiceName)
{
    return driver_service(DriverServiceName, load_driver);
}

NTSTATUS NTAPI NtUnloadDriver(PUNICODE_STRING DriverServiceName)
{
    return driver_service(DriverServiceName, unload_driver);
}

/* ---- Boot ---------------------------------------------------------------- */


void io_init(void)
{
    static const ob_type_info driver = {
        .name = L"Driver",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ, STANDARD_RIGHTS_WRITE,
                    STANDARD_RIGHTS_EXECUTE, 0x1F01FF},
        .valid_access = 0x1F01FF,
        .wait_offset = -1,
        .case_insensitive = TRUE,
        .delete_object = io_delete_driver,
    };
    static const ob_type_info device = {
        .name = L"Device",
        .pool_type = NonPagedPool,
        .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                    FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS},
        .valid_access = FILE_ALL_ACCESS,
        .wait_offset = -1,
        .case_insensitive = TRUE,
        .delete_object = io_delete_device,
        .parse = io_parse_device,
    };
    static const ob_type_info file = {
        .name = L"File",
        .pool_type = NonPagedPool,
        .mapping = {FILE_GENERIC_READ, FILE_GENERIC_WRITE,
                    FILE_GENERIC_EXECUTE, FILE_ALL_ACCESS},
        .valid_access = FILE_ALL_ACCESS,
        .wait_offset = FIELD_OFFSET(FILE_OBJECT, Event),
        .case_insensitive = TRUE,
        .close = io_close_file,
        .delete_object = io_delete_file,
    };

    ExInitializeFastMutex(&load_lock);
    io_driver_type = ob_create_type(&driver);
    io_device_type = ob_create_type(&device);
    io_file_type = ob_create_type(&file);
    io_init_devices();
    io_init_files();
    io_init_timers();
    io_init_interrupts();
}
