/*
 * The registry's keys and values, and their services (include/nt/cm.h).
 */
#include "cm.h"

#include "../mm/mm.h"
#include "../ob/ob.h"
#include "../rtl/rtl.h"

#define TAG 'yeKC'
#define MAX_VALUE_DATA 0x10000u
#define MAX_VALUE_NAME 16383u /* characters, as on NT */

static const WCHAR services_path[] =
    L"\\Registry\\Machine\\System\\CurrentControlSet\\Services";

/* A value: its name's characters follow the structure, then its data. */
typedef struct cm_value {
    struct cm_value *next;
    ULONG type;
    ULONG data_size;
    USHORT name_length; /* bytes */
    WCHAR name[];
} cm_value;

typedef struct cm_key {
    cm_value *values;
    BOOLEAN deleted;
} cm_key;

static POBJECT_TYPE key_type;
static FAST_MUTEX values_lock;

static PUCHAR value_data(cm_value *v)
{
    return (PUCHAR)v->name + ((v->name_length + 7u) & ~7u);
}

static void delete_key(PVOID object)
{
    cm_key *key = object;
    cm_value *v;

    while ((v = key->values) != NULL) {
        key->values = v->next;
        ExFreePoolWithTag(v, TAG);
    }
}

/* Makes a permanent object directory at path (boot). */
static void make_directory(const WCHAR *path)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    HANDLE handle;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attributes, &name,
                               OBJ_PERMANENT | OBJ_KERNEL_HANDLE |
                                   OBJ_CASE_INSENSITIVE,
                               NULL, NULL);
    if (!NT_SUCCESS(ZwCreateDirectoryObject(&handle, DIRECTORY_ALL_ACCESS,
                                            &attributes)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, STATUS_UNSUCCESSFUL, 0, 0,
                     0);
    ZwClose(handle);
}

void cm_init(void)
{
    static const ob_type_info key = {
        .name = L"Key",
        .pool_type = PagedPool,
        .mapping = {KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS},
        .valid_access = KEY_ALL_ACCESS | SYNCHRONIZE,
        .wait_offset = -1,
        .case_insensitive = TRUE,
        .delete_object = delete_key,
    };

    ExInitializeFastMutex(&values_lock);
    key_type = ob_create_type(&key);
    make_directory(L"\\Registry");
    make_directory(L"\\Registry\\Machine");
    make_directory(L"\\Registry\\Machine\\System");
    make_directory(L"\\Registry\\Machine\\System\\CurrentControlSet");
    make_directory(services_path);
}

/* ---- Keys ------------------------------------------------------------------ */

/* Whether name (a full path) names a service's key: the services key's
 * path, '\', and a last component with no '\'. */
static BOOLEAN service_key_name(const UNICODE_STRING *name)
{
    UNICODE_STRING prefix;
    USHORT i;

    RtlInitUnicodeString(&prefix, services_path);
    if (name->Length <= prefix.Length + sizeof(WCHAR) ||
        !RtlPrefixUnicodeString(&prefix, name, TRUE) ||
        name->Buffer[prefix.Length / sizeof(WCHAR)] != L'\\')
        return FALSE;
    for (i = prefix.Length / sizeof(WCHAR) + 1;
         i < name->Length / sizeof(WCHAR); i++)
        if (name->Buffer[i] == L'\\')
            return FALSE;
    return TRUE;
}

NTSTATUS NTAPI NtCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                           POBJECT_ATTRIBUTES ObjectAttributes,
                           ULONG TitleIndex, PUNICODE_STRING Class,
                           ULONG CreateOptions, PULONG Disposition)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_captured captured;
    cm_key *key;
    ULONG disposition = REG_CREATED_NEW_KEY;
    NTSTATUS status = mm_probe(mode, KeyHandle, sizeof *KeyHandle,
                               sizeof(ULONG), TRUE);

    UNREFERENCED_PARAMETER(TitleIndex);
    UNREFERENCED_PARAMETER(Class);
    if (NT_SUCCESS(status) && Disposition != NULL)
        status = mm_probe(mode, Disposition, sizeof *Disposition,
                          sizeof(ULONG), TRUE);
    if (!NT_SUCCESS(status))
        return status;
    if (CreateOptions & ~(ULONG)(REG_OPTION_VOLATILE))
        return STATUS_INVALID_PARAMETER;
    status = ob_capture(ObjectAttributes, mode, &captured);
    if (!NT_SUCCESS(status))
        return status;
    if (captured.attributes.ObjectName == NULL ||
        captured.attributes.RootDirectory != NULL ||
        !service_key_name(&captured.name))
        status = STATUS_OBJECT_PATH_NOT_FOUND; /* no such key to make */
    if (NT_SUCCESS(status))
        status = ob_create_object(key_type, sizeof *key, (PVOID *)&key);
    if (NT_SUCCESS(status)) {
        captured.attributes.Attributes |= OBJ_OPENIF | OBJ_PERMANENT;
        status = ob_create_service(key, KeyHandle, DesiredAccess, &captured,
                                   mode);
        if (status == STATUS_OBJECT_NAME_EXISTS) {
            disposition = REG_OPENED_EXISTING_KEY;
            status = STATUS_SUCCESS;
        }
    }
    ob_release_captured(&captured);
    if (NT_SUCCESS(status) && Disposition != NULL)
        mm_give_back(mode, Disposition, sizeof disposition, sizeof(ULONG),
                     &disposition);
    return status;
}

NTSTATUS NTAPI NtOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(key_type, KeyHandle, DesiredAccess,
                           ObjectAttributes);
}

/* References the key handle names, with access; STATUS_KEY_DELETED for
 * a deleted one. */
static NTSTATUS reference_key(HANDLE handle, ACCESS_MASK access, cm_key **key)
{
    NTSTATUS status = ObReferenceObjectByHandle(
        handle, access, key_type, ExGetPreviousMode(), (PVOID *)key, NULL);

    if (NT_SUCCESS(status) && (*key)->deleted) {
        ObDereferenceObject(*key);
        status = STATUS_KEY_DELETED;
    }
    return status;
}

NTSTATUS NTAPI NtDeleteKey(HANDLE KeyHandle)
{
    cm_key *key;
    NTSTATUS status = reference_key(KeyHandle, DELETE, &key);

    if (!NT_SUCCESS(status))
        return status;
    ExAcquireFastMutex(&values_lock);
    status = key->deleted ? STATUS_KEY_DELETED : STATUS_SUCCESS;
    key->deleted = TRUE;
    ExReleaseFastMutex(&values_lock);
    if (NT_SUCCESS(status)) {
        /* Out of the namespace now, not when its last handle goes. */
        ObMakeTemporaryObject(key);
        ob_remove_name(OB_HEADER(key));
    }
    ObDereferenceObject(key);
    return status;
}

/* ---- Values ---------------------------------------------------------------- */

/* The value of key named name, or NULL. Holds values_lock. */
static cm_value *find_value_locked(cm_key *key, const UNICODE_STRING *name)
{
    cm_value *v;
    UNICODE_STRING seen;

    for (v = key->values; v != NULL; v = v->next) {
        seen.Buffer = v->name;
        seen.Length = seen.MaximumLength = v->name_length;
        if (RtlEqualUnicodeString(&seen, name, TRUE))
            return v;
    }
    return NULL;
}

/* Captures a value name (NULL: the default value, ""). */
static NTSTATUS capture_value_name(PUNICODE_STRING name, KPROCESSOR_MODE mode,
                                   UNICODE_STRING *copy)
{
    NTSTATUS status;

    if (name == NULL) {
        RtlZeroMemory(copy, sizeof *copy);
        return STATUS_SUCCESS;
    }
    status = ob_capture_string(name, mode, copy);
    if (NT_SUCCESS(status) && copy->Length > MAX_VALUE_NAME * sizeof(WCHAR)) {
        ob_free_name(copy);
        status = STATUS_INVALID_PARAMETER;
    }
    return status;
}

static void release_value_name(UNICODE_STRING *copy)
{
    if (copy->Buffer != NULL)
        ob_free_name(copy);
}

/* Takes v (made by the caller) into key in place of a value of its name. */
static void replace_value(cm_key *key, cm_value *v)
{
    UNICODE_STRING name = {v->name_length, v->name_length, v->name};
    cm_value **link, *old;

    ExAcquireFastMutex(&values_lock);
    old = find_value_locked(key, &name);
    for (link = &key->values; *link != old && *link != NULL;
         link = &(*link)->next)
        ;
    if (old != NULL)
        *link = old->next;
    v->next = key->values;
    key->values = v;
    ExReleaseFastMutex(&values_lock);
    if (old != NULL)
        ExFreePoolWithTag(old, TAG);
}

NTSTATUS NTAPI NtSetValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                             ULONG TitleIndex, ULONG Type, PVOID Data,
                             ULONG DataSize)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    UNICODE_STRING name;
    cm_value *v = NULL;
    cm_key *key;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(TitleIndex);
    if (DataSize > MAX_VALUE_DATA)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = reference_key(KeyHandle, KEY_SET_VALUE, &key);
    if (!NT_SUCCESS(status))
        return status;
    status = capture_value_name(ValueName, mode, &name);
    if (NT_SUCCESS(status)) {
        v = ExAllocatePoolWithTag(PagedPool,
                                  sizeof *v + ((name.Length + 7u) & ~7u) +
                                      DataSize,
                                  TAG);
        if (v == NULL)
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (v != NULL) {
        v->type = Type;
        v->data_size = DataSize;
        v->name_length = name.Length;
        RtlCopyMemory(v->name, name.Buffer, name.Length);
        status = mm_capture(mode, Data, DataSize, 1, value_data(v));
        if (NT_SUCCESS(status))
            replace_value(key, v);
        else
            ExFreePoolWithTag(v, TAG);
    }
    release_value_name(&name);
    ObDereferenceObject(key);
    return status;
}

/*
 * Lays value v out as class asks into a fresh paged pool buffer (*size
 * bytes, *fixed of them the part without name and data). Holds
 * values_lock.
 */
static NTSTATUS lay_out_locked(cm_value *v, KEY_VALUE_INFORMATION_CLASS class,
                               PVOID *result, ULONG *size, ULONG *fixed)
{
    ULONG name_at, data_at = 0;
    PUCHAR buffer;

    switch (class) {
    case KeyValueBasicInformation:
        *fixed = name_at = FIELD_OFFSET(KEY_VALUE_BASIC_INFORMATION, Name);
        *size = name_at + v->name_length;
        break;
    case KeyValueFullInformation:
        *fixed = name_at = FIELD_OFFSET(KEY_VALUE_FULL_INFORMATION, Name);
        data_at = (name_at + v->name_length + 7u) & ~7u;
        *size = data_at + v->data_size;
        break;
    case KeyValuePartialInformation:
        *fixed = data_at = FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data);
        *size = data_at + v->data_size;
        name_at = 0;
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    buffer = ExAllocatePoolWithTag(PagedPool, *size, TAG);
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(buffer, *size);
    ((PULONG)buffer)[1] = v->type; /* after TitleIndex, in every class */
    if (class == KeyValueBasicInformation) {
        ((PKEY_VALUE_BASIC_INFORMATION)buffer)->NameLength = v->name_length;
    } else if (class == KeyValueFullInformation) {
        PKEY_VALUE_FULL_INFORMATION full = (PVOID)buffer;

        full->DataOffset = data_at;
        full->DataLength = v->data_size;
        full->NameLength = v->name_length;
    } else {
        ((PKEY_VALUE_PARTIAL_INFORMATION)buffer)->DataLength = v->data_size;
    }
    if (class != KeyValuePartialInformation)
        RtlCopyMemory(buffer + name_at, v->name, v->name_length);
    if (class != KeyValueBasicInformation)
        RtlCopyMemory(buffer + data_at, value_data(v), v->data_size);
    *result = buffer;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI NtQueryValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName,
                               KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
                               PVOID KeyValueInformation, ULONG Length,
                               PULONG ResultLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    UNICODE_STRING name;
    PVOID laid_out = NULL;
    ULONG size = 0, fixed = 0;
    cm_value *v;
    cm_key *key;
    NTSTATUS status = mm_probe(mode, ResultLength, sizeof *ResultLength,
                               sizeof(ULONG), TRUE);

    if (NT_SUCCESS(status))
        status = mm_probe(mode, KeyValueInformation, Length, sizeof(ULONG),
                          TRUE);
    if (NT_SUCCESS(status))
        status = reference_key(KeyHandle, KEY_QUERY_VALUE, &key);
    if (!NT_SUCCESS(status))
        return status;
    status = capture_value_name(ValueName, mode, &name);
    if (NT_SUCCESS(status)) {
        ExAcquireFastMutex(&values_lock);
        v = find_value_locked(key, &name);
        status = v == NULL ? STATUS_OBJECT_NAME_NOT_FOUND
                           : lay_out_locked(v, KeyValueInformationClass,
                                            &laid_out, &size, &fixed);
        ExReleaseFastMutex(&values_lock);
        release_value_name(&name);
    }
    ObDereferenceObject(key);
    if (!NT_SUCCESS(status))
        return status;
    if (Length < fixed)
        status = STATUS_BUFFER_TOO_SMALL;
    else
        status = mm_give_back(mode, KeyValueInformation,
                              Length < size ? fixed : size, 1, laid_out);
    if (NT_SUCCESS(status) && Length < size)
        status = STATUS_BUFFER_OVERFLOW;
    ExFreePoolWithTag(laid_out, TAG);
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW ||
        status == STATUS_BUFFER_TOO_SMALL) {
        NTSTATUS written = mm_give_back(mode, ResultLength, sizeof size,
                                        sizeof(ULONG), &size);

        if (!NT_SUCCESS(written))
            status = written;
    }
    return status;
}

NTSTATUS NTAPI NtDeleteValueKey(HANDLE KeyHandle, PUNICODE_STRING ValueName)
{
    UNICODE_STRING name;
    cm_value **link, *v = NULL;
    cm_key *key;
    NTSTATUS status = reference_key(KeyHandle, KEY_SET_VALUE, &key);

    if (!NT_SUCCESS(status))
        return status;
    status = capture_value_name(ValueName, ExGetPreviousMode(), &name);
    if (NT_SUCCESS(status)) {
        ExAcquireFastMutex(&values_lock);
        v = find_value_locked(key, &name);
        for (link = &key->values; v != NULL && *link != v;
             link = &(*link)->next)
            ;
        if (v != NULL)
            *link = v->next;
        ExReleaseFastMutex(&values_lock);
        release_value_name(&name);
        status = v != NULL ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
        if (v != NULL)
            ExFreePoolWithTag(v, TAG);
    }
    ObDereferenceObject(key);
    return status;
}

/* ---- For the kernel -------------------------------------------------------- */

NTSTATUS cm_query_string(const UNICODE_STRING *path, const WCHAR *value,
                         UNICODE_STRING *result)
{
    UNICODE_STRING name, text;
    cm_key *key;
    cm_value *v;
    NTSTATUS status = ObReferenceObjectByName(
        (PUNICODE_STRING)path, OBJ_CASE_INSENSITIVE, NULL, 0, key_type,
        KernelMode, NULL, (PVOID *)&key);

    if (!NT_SUCCESS(status))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    RtlInitUnicodeString(&name, value);
    ExAcquireFastMutex(&values_lock);
    v = key->deleted ? NULL : find_value_locked(key, &name);
    if (v == NULL) {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    } else if (v->type != REG_SZ && v->type != REG_EXPAND_SZ) {
        status = STATUS_OBJECT_TYPE_MISMATCH;
    } else {
        text.Buffer = (PWSTR)value_data(v);
        text.Length = (USHORT)(v->data_size & ~1u);
        if (v->data_size > 0xFFFE)
            text.Length = 0xFFFE;
        /* The terminator, if it was stored, is no part of the string. */
        while (text.Length >= sizeof(WCHAR) &&
               text.Buffer[text.Length / sizeof(WCHAR) - 1] == 0)
            text.Length -= sizeof(WCHAR);
        text.MaximumLength = text.Length;
        status = ob_copy_name(&text, KernelMode, result);
    }
    ExReleaseFastMutex(&values_lock);
    ObDereferenceObject(key);
    return status;
}
