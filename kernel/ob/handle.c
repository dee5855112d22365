/*
 * Handle tables.
 *
 * A process's handle table is an array of entries in paged pool, indexed
 * by handle value / 4 (entry 0 is never used, so no handle is 0; the low
 * two bits of a value are ignored, as on NT). Free entries are chained
 * through their granted field. The table grows by doubling, up to 2^24
 * entries, under its fast mutex, which guards every field.
 *
 * Kernel handles (OBJ_KERNEL_HANDLE) live in the System process's table
 * and carry bit 31 in their 32-bit value (so a HANDLE, sign-extended on
 * 64-bit hosts, looks like 0xFFFFFFFF80000004): they mean the same from
 * every process, and nothing to a UserMode caller.
 */
#include "ob.h"

#include "../ke/ke.h"
#include "../ps/ps.h"
#include "../vf/vf.h"

#define KERNEL_HANDLE_BIT 0x80000000u
#define FIRST_CAPACITY    32u
#define MAX_CAPACITY      (1u << 24)

ob_handle_table *ob_kernel_handle_table;

/* ---- Values -------------------------------------------------------------- */

/* The 32-bit value of h, or 0 when h cannot be a handle at all. */
static ULONG handle_value(HANDLE h)
{
    LONG_PTR v = (LONG_PTR)h;

    return v == (LONG_PTR)(LONG)v ? (ULONG)v : 0;
}

static BOOLEAN is_kernel_handle(HANDLE h)
{
    return (handle_value(h) & KERNEL_HANDLE_BIT) != 0;
}

static ULONG handle_index(HANDLE h)
{
    return (handle_value(h) & ~KERNEL_HANDLE_BIT) >> 2;
}

static HANDLE make_handle(ULONG index, BOOLEAN kernel)
{
    ULONG v = index << 2;

    if (kernel)
        v |= KERNEL_HANDLE_BIT;
    return (HANDLE)(LONG_PTR)(LONG)v;
}

/* ---- Tables -------------------------------------------------------------- */

ob_handle_table *ob_process_table(PEPROCESS process)
{
    return process->ObjectTable;
}

ob_handle_table *ob_table_for(HANDLE handle, KPROCESSOR_MODE mode)
{
    if (is_kernel_handle(handle))
        return mode == KernelMode ? ob_kernel_handle_table : NULL;
    return ob_process_table(PsGetCurrentProcess());
}

NTSTATUS ob_create_handle_table(PEPROCESS process, ob_handle_table **result)
{
    ob_handle_table *table =
        ExAllocatePoolWithTag(PagedPool, sizeof *table, 'tHbO');

    if (table == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(table, sizeof *table);
    ExInitializeFastMutex(&table->lock);
    table->process = process;
    *result = table;
    return STATUS_SUCCESS;
}

/* Doubles table's entries, chaining the new ones as free. Lock held. */
static NTSTATUS grow_locked(ob_handle_table *table)
{
    ULONG capacity = table->capacity ? table->capacity * 2 : FIRST_CAPACITY;
    ob_handle_entry *entries;
    ULONG i;

    if (capacity > MAX_CAPACITY)
        return STATUS_INSUFFICIENT_RESOURCES;
    entries =
        ExAllocatePoolWithTag(PagedPool, capacity * sizeof *entries, 'eHbO');
    if (entries == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(entries, capacity * sizeof *entries);
    if (table->entries != NULL) {
        RtlCopyMemory(entries, table->entries,
                      table->capacity * sizeof *entries);
        ExFreePool(table->entries);
    }
    for (i = capacity - 1; i >= table->capacity && i > 0; i--) {
        entries[i].granted = table->free_head;
        table->free_head = i;
    }
    table->entries = entries;
    table->capacity = capacity;
    return STATUS_SUCCESS;
}

NTSTATUS ob_create_handle(ob_handle_table *table, PVOID object,
                          ACCESS_MASK granted, ULONG attributes, HANDLE *handle)
{
    NTSTATUS status = STATUS_SUCCESS;
    ULONG index;

    ExAcquireFastMutex(&table->lock);
    if (table->free_head == 0)
        status = grow_locked(table);
    if (NT_SUCCESS(status)) {
        index = table->free_head;
        table->free_head = table->entries[index].granted;
        table->entries[index].object = OB_HEADER(object);
        table->entries[index].granted = granted;
        table->entries[index].attributes = attributes & ~OBJ_KERNEL_HANDLE;
        table->count++;
        *handle = make_handle(index, table == ob_kernel_handle_table &&
                                         (attributes & OBJ_KERNEL_HANDLE));
    }
    ExReleaseFastMutex(&table->lock);
    return status;
}

/* The entry for handle in table, or NULL. Lock held. */
static ob_handle_entry *entry_locked(ob_handle_table *table, HANDLE handle)
{
    ULONG index = handle_index(handle);

    if (handle_value(handle) == 0 || index == 0 || index >= table->capacity ||
        table->entries[index].object == NULL)
        return NULL;
    return &table->entries[index];
}

NTSTATUS ob_reference_handle(ob_handle_table *table, HANDLE handle,
                             PVOID *object, ACCESS_MASK *granted,
                             ULONG *attributes)
{
    ob_handle_entry *e;
    NTSTATUS status = STATUS_INVALID_HANDLE;

    ExAcquireFastMutex(&table->lock);
    e = entry_locked(table, handle);
    if (e != NULL) {
        *object = OB_BODY(e->object);
        ObfReferenceObject(*object);
        if (granted != NULL)
            *granted = e->granted;
        if (attributes != NULL)
            *attributes = e->attributes;
        status = STATUS_SUCCESS;
    }
    ExReleaseFastMutex(&table->lock);
    return status;
}

/* Empties entry e of table (lock held); returns what it held. */
static ob_handle_entry take_locked(ob_handle_table *table, ob_handle_entry *e)
{
    ob_handle_entry was = *e;

    e->object = NULL;
    e->granted = table->free_head;
    e->attributes = 0;
    table->free_head = (ULONG)(e - table->entries);
    table->count--;
    return was;
}

/* What closing a handle does once it is out of its table. */
static void release(ob_handle_table *table, ob_handle_entry was)
{
    PVOID object = OB_BODY(was.object);

    ob_uncount_handle(object, table->process, was.granted);
    ObfDereferenceObject(object);
}

NTSTATUS ob_close_handle(ob_handle_table *table, HANDLE handle,
                         KPROCESSOR_MODE mode)
{
    ob_handle_entry *e, was;

    ExAcquireFastMutex(&table->lock);
    e = entry_locked(table, handle);
    if (e == NULL || (e->attributes & OBJ_PROTECT_CLOSE)) {
        ExReleaseFastMutex(&table->lock);
        if (mode == KernelMode)
            KeBugCheckEx(INVALID_KERNEL_HANDLE, (ULONG_PTR)handle,
                         e == NULL ? 1 : 0, 0, 0);
        return e == NULL ? STATUS_INVALID_HANDLE : STATUS_HANDLE_NOT_CLOSABLE;
    }
    was = take_locked(table, e);
    ExReleaseFastMutex(&table->lock);
    release(table, was);
    return STATUS_SUCCESS;
}

void ob_destroy_handle_table(ob_handle_table *table)
{
    ob_handle_entry was;
    ULONG i;

    for (i = 1; i < table->capacity; i++) {
        ExAcquireFastMutex(&table->lock);
        was.object = NULL;
        if (i < table->capacity && table->entries[i].object != NULL)
            was = take_locked(table, &table->entries[i]);
        ExReleaseFastMutex(&table->lock);
        if (was.object != NULL)
            release(table, was);
    }
    if (table->entries != NULL)
        ExFreePool(table->entries);
    ExFreePool(table);
}

ULONG ob_handle_table_count(ob_handle_table *table)
{
    return table->count;
}

/* ---- ObReferenceObjectByHandle ------------------------------------------- */

/* The pseudo-handles NtCurrentProcess() and NtCurrentThread(). */
static BOOLEAN pseudo_handle(HANDLE handle, PVOID *object, POBJECT_TYPE *type)
{
    if (handle == NtCurrentProcess()) {
        *object = PsGetCurrentProcess();
        *type = *PsProcessType;
        return TRUE;
    }
    if (handle == NtCurrentThread()) {
        *object = PsGetCurrentThread();
        *type = *PsThreadType;
        return TRUE;
    }
    return FALSE;
}

NTSTATUS NTAPI(ObReferenceObjectByHandle)(
    HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PVOID *Object,
    POBJECT_HANDLE_INFORMATION HandleInformation)
{
    ob_handle_table *table;
    POBJECT_TYPE type;
    ACCESS_MASK granted = 0;
    ULONG attributes = 0;
    PVOID object;
    NTSTATUS status;

    *Object = NULL;
    if (pseudo_handle(Handle, &object, &type)) {
        if (ObjectType != NULL && ObjectType != type)
            return STATUS_OBJECT_TYPE_MISMATCH;
        ObfReferenceObject(object);
        granted = type->info.mapping.GenericAll;
    } else {
        vf_hook_reference_handle(Handle, AccessMode == KernelMode,
                                 is_kernel_handle(Handle),
                                 __builtin_return_address(0));
        table = ob_table_for(Handle, AccessMode);
        if (table == NULL)
            return STATUS_INVALID_HANDLE;
        status =
            ob_reference_handle(table, Handle, &object, &granted, &attributes);
        if (!NT_SUCCESS(status))
            return status;
        type = ob_type_of(object);
        if (ObjectType != NULL && ObjectType != type) {
            ObfDereferenceObject(object);
            return STATUS_OBJECT_TYPE_MISMATCH;
        }
        if (AccessMode == UserMode &&
            (ob_map_access(type, DesiredAccess) & ~granted) != 0) {
            ObfDereferenceObject(object);
            return STATUS_ACCESS_DENIED;
        }
    }
    if (HandleInformation != NULL) {
        HandleInformation->GrantedAccess = granted;
        HandleInformation->HandleAttributes = attributes & OBJ_INHERIT;
    }
    *Object = object;
    return STATUS_SUCCESS;
}

/* ---- NtClose ------------------------------------------------------------- */

/*
 * A kernel-mode caller closing a handle that is not valid (or protected
 * from closing) stops the system with INVALID_KERNEL_HANDLE (0x93), as NT
 * does: such a close is a driver bug. A user-mode caller gets a status.
 */
NTSTATUS NTAPI NtClose(HANDLE Handle)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_handle_table *table = ob_table_for(Handle, mode);

    if (table == NULL) {
        if (mode == KernelMode)
            KeBugCheckEx(INVALID_KERNEL_HANDLE, (ULONG_PTR)Handle, 1, 0, 0);
        return STATUS_INVALID_HANDLE;
    }
    return ob_close_handle(table, Handle, mode);
}

/* ---- NtDuplicateObject --------------------------------------------------- */

/* The object source names in source_process (referenced), with the access
 * and attributes of the handle. */
static NTSTATUS duplicate_source(EPROCESS *source_process, HANDLE source,
                                 KPROCESSOR_MODE mode, PVOID *object,
                                 ACCESS_MASK *granted, ULONG *attributes)
{
    ob_handle_table *table;
    POBJECT_TYPE type;

    *attributes = 0;
    if (source_process == PsGetCurrentProcess() &&
        pseudo_handle(source, object, &type)) {
        ObfReferenceObject(*object);
        *granted = type->info.mapping.GenericAll;
        return STATUS_SUCCESS;
    }
    if (is_kernel_handle(source))
        table = mode == KernelMode ? ob_kernel_handle_table : NULL;
    else
        table = ob_process_table(source_process);
    if (table == NULL)
        return STATUS_INVALID_HANDLE;
    return ob_reference_handle(table, source, object, granted, attributes);
}

/* Closes source in source_process's table (DUPLICATE_CLOSE_SOURCE). */
static void close_source(EPROCESS *source_process, HANDLE source,
                         KPROCESSOR_MODE mode)
{
    ob_handle_table *table =
        is_kernel_handle(source)
            ? (mode == KernelMode ? ob_kernel_handle_table : NULL)
            : ob_process_table(source_process);

    if (table != NULL)
        ob_close_handle(table, source, UserMode);
}

/*
 * Makes a handle in TargetProcessHandle's process to the object SourceHandle
 * names in SourceProcessHandle's process: with the same access
 * (DUPLICATE_SAME_ACCESS) or DesiredAccess, and the same attributes
 * (DUPLICATE_SAME_ATTRIBUTES) or HandleAttributes. DUPLICATE_CLOSE_SOURCE
 * closes the source handle whatever happens. Duplicating NtCurrentProcess()
 * or NtCurrentThread() gives a real handle to the current process or
 * thread.
 */
NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle,
                                 HANDLE SourceHandle,
                                 HANDLE TargetProcessHandle,
                                 PHANDLE TargetHandle,
                                 ACCESS_MASK DesiredAccess,
                                 ULONG HandleAttributes, ULONG Options)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    EPROCESS *source_process, *target_process = NULL;
    ob_handle_table *target;
    PVOID object = NULL;
    ACCESS_MASK granted;
    ULONG attributes;
    HANDLE handle;
    NTSTATUS status;

    status = ObReferenceObjectByHandle(SourceProcessHandle, PROCESS_DUP_HANDLE,
                                       *PsProcessType, mode,
                                       (PVOID *)&source_process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = duplicate_source(source_process, SourceHandle, mode, &object,
                              &granted, &attributes);
    if (Options & DUPLICATE_CLOSE_SOURCE)
        close_source(source_process, SourceHandle, mode);
    ObfDereferenceObject(source_process);
    if (NT_SUCCESS(status) && TargetProcessHandle == NULL)
        status = (Options & DUPLICATE_CLOSE_SOURCE) ? STATUS_SUCCESS
                                                    : STATUS_INVALID_HANDLE;
    else if (NT_SUCCESS(status))
        status = ObReferenceObjectByHandle(
            TargetProcessHandle, PROCESS_DUP_HANDLE, *PsProcessType, mode,
            (PVOID *)&target_process, NULL);
    if (!NT_SUCCESS(status) || target_process == NULL) {
        if (object != NULL)
            ObfDereferenceObject(object);
        return status;
    }
    if (!(Options & DUPLICATE_SAME_ACCESS))
        granted = ob_map_access(ob_type_of(object), DesiredAccess);
    if (!(Options & DUPLICATE_SAME_ATTRIBUTES))
        attributes = HandleAttributes & OBJ_INHERIT;
    target = (HandleAttributes & OBJ_KERNEL_HANDLE) && mode == KernelMode
                 ? ob_kernel_handle_table
                 : ob_process_table(target_process);
    status = target == NULL ? STATUS_PROCESS_IS_TERMINATING
                            : ob_count_handle(object, target->process);
    if (NT_SUCCESS(status)) {
        status = ob_create_handle(
            target, object, granted,
            attributes | (target == ob_kernel_handle_table &&
                                  (HandleAttributes & OBJ_KERNEL_HANDLE)
                              ? OBJ_KERNEL_HANDLE
                              : 0),
            &handle);
        if (!NT_SUCCESS(status))
            ob_uncount_handle(object, target->process, 0);
    }
    ObfDereferenceObject(target_process);
    if (!NT_SUCCESS(status)) {
        ObfDereferenceObject(object);
        return status;
    }
    if (TargetHandle == NULL)
        return STATUS_SUCCESS;
    return ob_return_handle_in(target, TargetHandle, handle, mode);
}
