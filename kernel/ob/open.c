/*
 * Turning objects and names into handles and references: inserting new
 * objects, opening existing ones by pointer or by name, duplicating
 * handles, and the helpers the Nt services share.
 */
#include "ob.h"

#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../ps/ps.h"

/* The table a new handle goes to: the kernel's for OBJ_KERNEL_HANDLE from
 * kernel mode, else the current process's (NULL in the Idle process). */
static ob_handle_table *new_handle_table(ULONG attributes, KPROCESSOR_MODE mode)
{
    if ((attributes & OBJ_KERNEL_HANDLE) && mode == KernelMode)
        return ob_kernel_handle_table;
    return ob_process_table(PsGetCurrentProcess());
}

/*
 * Makes a handle in table to object, which the caller referenced for it;
 * counts it. On failure the reference is dropped.
 */
static NTSTATUS make_handle(ob_handle_table *table, PVOID object,
                            ACCESS_MASK access, ULONG attributes,
                            HANDLE *handle)
{
    NTSTATUS status;

    if (table == NULL) {
        ObfDereferenceObject(object);
        return STATUS_INVALID_HANDLE;
    }
    status = ob_count_handle(object, table->process);
    if (NT_SUCCESS(status)) {
        status = ob_create_handle(
            table, object, ob_map_access(ob_type_of(object), access),
            attributes & (OBJ_INHERIT | OBJ_KERNEL_HANDLE), handle);
        if (!NT_SUCCESS(status))
            ob_uncount_handle(object, table->process, 0);
    }
    if (!NT_SUCCESS(status))
        ObfDereferenceObject(object);
    return status;
}

/* The root directory object of attributes, referenced, or NULL. */
static NTSTATUS reference_root(const OBJECT_ATTRIBUTES *attributes,
                               KPROCESSOR_MODE mode, PVOID *root)
{
    *root = NULL;
    if (attributes == NULL || attributes->RootDirectory == NULL)
        return STATUS_SUCCESS;
    return ObReferenceObjectByHandle(attributes->RootDirectory, 0, NULL, mode,
                                     root, NULL);
}

/* ---- Inserting new objects ----------------------------------------------- */

/* Opens existing (referenced), met when inserting a new object of type
 * under its name, in place of the new one. */
static NTSTATUS open_existing(PVOID existing, POBJECT_TYPE type,
                              const OBJECT_ATTRIBUTES *attributes,
                              ACCESS_MASK access, KPROCESSOR_MODE mode,
                              HANDLE *handle)
{
    NTSTATUS status;

    if (!(attributes->Attributes & OBJ_OPENIF)) {
        ObfDereferenceObject(existing);
        return STATUS_OBJECT_NAME_COLLISION;
    }
    if (ob_type_of(existing) != type) {
        ObfDereferenceObject(existing);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    if (handle == NULL) {
        ObfDereferenceObject(existing);
        return STATUS_OBJECT_NAME_EXISTS;
    }
    status = make_handle(new_handle_table(attributes->Attributes, mode),
                         existing, access, attributes->Attributes, handle);
    return NT_SUCCESS(status) ? STATUS_OBJECT_NAME_EXISTS : status;
}

/* Enters h in the namespace under attributes' name. */
static NTSTATUS enter_name(ob_header *h, const OBJECT_ATTRIBUTES *attributes,
                           KPROCESSOR_MODE mode, PVOID *existing)
{
    PVOID root;
    NTSTATUS status = reference_root(attributes, mode, &root);

    if (!NT_SUCCESS(status))
        return status;
    h->flags |= attributes->Attributes & OBJ_PERMANENT ? OB_FLAG_PERMANENT : 0;
    h->flags |= attributes->Attributes & OBJ_EXCLUSIVE ? OB_FLAG_EXCLUSIVE : 0;
    status = ob_enter_name(root, h, attributes->ObjectName,
                           attributes->Attributes, existing);
    if (root != NULL)
        ObfDereferenceObject(root);
    /* The namespace holds a permanent object by a reference of its own. */
    if (NT_SUCCESS(status) && (h->flags & OB_FLAG_PERMANENT))
        ObfReferenceObject(OB_BODY(h));
    return status;
}

NTSTATUS ob_insert_object(PVOID object, const OBJECT_ATTRIBUTES *attributes,
                          ACCESS_MASK access, KPROCESSOR_MODE mode,
                          HANDLE *handle)
{
    ob_header *h = OB_HEADER(object);
    ULONG flags = attributes != NULL ? attributes->Attributes : 0;
    PVOID existing = NULL;
    NTSTATUS status = STATUS_SUCCESS;

    h->flags |= OB_FLAG_INSERTED;
    if (attributes != NULL && attributes->ObjectName != NULL &&
        attributes->ObjectName->Length > 0) {
        status = enter_name(h, attributes, mode, &existing);
        if (existing != NULL) {
            ObfDereferenceObject(object);
            return open_existing(existing, h->type, attributes, access, mode,
                                 handle);
        }
        if (!NT_SUCCESS(status)) {
            ObfDereferenceObject(object);
            return status;
        }
    }
    if (handle == NULL)
        return STATUS_SUCCESS;
    return make_handle(new_handle_table(flags, mode), object, access, flags,
                       handle);
}

/* ---- Opening ------------------------------------------------------------- */

NTSTATUS NTAPI ObReferenceObjectByPointer(PVOID Object,
                                          ACCESS_MASK DesiredAccess,
                                          POBJECT_TYPE ObjectType,
                                          KPROCESSOR_MODE AccessMode)
{
    UNREFERENCED_PARAMETER(DesiredAccess);
    UNREFERENCED_PARAMETER(AccessMode);
    if (ObjectType != NULL && ob_type_of(Object) != ObjectType)
        return STATUS_OBJECT_TYPE_MISMATCH;
    ObfReferenceObject(Object);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI ObOpenObjectByPointer(PVOID Object, ULONG HandleAttributes,
                                     PACCESS_STATE PassedAccessState,
                                     ACCESS_MASK DesiredAccess,
                                     POBJECT_TYPE ObjectType,
                                     KPROCESSOR_MODE AccessMode, PHANDLE Handle)
{
    NTSTATUS status =
        ObReferenceObjectByPointer(Object, 0, ObjectType, AccessMode);

    UNREFERENCED_PARAMETER(PassedAccessState);
    if (!NT_SUCCESS(status))
        return status;
    return make_handle(new_handle_table(HandleAttributes, AccessMode), Object,
                       DesiredAccess, HandleAttributes, Handle);
}

/* Looks up the object attributes name (captured) and checks its type. */
static NTSTATUS lookup(const OBJECT_ATTRIBUTES *attributes, POBJECT_TYPE type,
                       KPROCESSOR_MODE mode, PVOID context, PVOID *object)
{
    PVOID root;
    NTSTATUS status;

    *object = NULL;
    if (attributes->ObjectName == NULL)
        return attributes->RootDirectory == NULL ? STATUS_OBJECT_PATH_SYNTAX_BAD
                                                 : STATUS_OBJECT_NAME_INVALID;
    status = reference_root(attributes, mode, &root);
    if (!NT_SUCCESS(status))
        return status;
    status = ob_lookup(root, attributes->ObjectName, attributes->Attributes,
                       type, mode, context, object);
    if (root != NULL)
        ObfDereferenceObject(root);
    if (NT_SUCCESS(status) && type != NULL && ob_type_of(*object) != type) {
        ObfDereferenceObject(*object);
        *object = NULL;
        status = STATUS_OBJECT_TYPE_MISMATCH;
    }
    return status;
}

NTSTATUS NTAPI ObOpenObjectByName(POBJECT_ATTRIBUTES ObjectAttributes,
                                  POBJECT_TYPE ObjectType,
                                  KPROCESSOR_MODE AccessMode,
                                  PACCESS_STATE AccessState,
                                  ACCESS_MASK DesiredAccess, PVOID ParseContext,
                                  PHANDLE Handle)
{
    ob_captured captured;
    PVOID object;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(AccessState);
    *Handle = NULL;
    if (ObjectAttributes == NULL)
        return STATUS_INVALID_PARAMETER;
    status = ob_capture(ObjectAttributes, AccessMode, &captured);
    if (NT_SUCCESS(status))
        status = lookup(&captured.attributes, ObjectType, AccessMode,
                        ParseContext, &object);
    if (NT_SUCCESS(status))
        status = make_handle(
            new_handle_table(captured.attributes.Attributes, AccessMode),
            object, DesiredAccess, captured.attributes.Attributes, Handle);
    ob_release_captured(&captured);
    return status;
}

NTSTATUS NTAPI ObReferenceObjectByName(
    PUNICODE_STRING ObjectName, ULONG Attributes, PACCESS_STATE AccessState,
    ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PVOID ParseContext, PVOID *Object)
{
    OBJECT_ATTRIBUTES attributes;

    UNREFERENCED_PARAMETER(AccessState);
    UNREFERENCED_PARAMETER(DesiredAccess);
    InitializeObjectAttributes(&attributes, ObjectName, Attributes, NULL, NULL);
    if (ObjectName == NULL || ObjectName->Length == 0)
        return STATUS_OBJECT_NAME_INVALID;
    return lookup(&attributes, ObjectType, AccessMode, ParseContext, Object);
}

/* ---- Temporary objects --------------------------------------------------- */

VOID NTAPI ObMakeTemporaryObject(PVOID Object)
{
    ob_header *h = OB_HEADER(Object);
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    BOOLEAN was = (h->flags & OB_FLAG_PERMANENT) != 0;
    BOOLEAN unnamed_now = was && h->handle_count == 0;

    h->flags &= ~OB_FLAG_PERMANENT;
    KfLowerIrql(irql);
    if (unnamed_now)
        ob_remove_name(h);
    if (was)
        ObfDereferenceObject(Object); /* the namespace's reference */
}

NTSTATUS NTAPI NtMakeTemporaryObject(HANDLE Handle)
{
    PVOID object;
    NTSTATUS status = ObReferenceObjectByHandle(
        Handle, DELETE, NULL, ExGetPreviousMode(), &object, NULL);

    if (!NT_SUCCESS(status))
        return status;
    ObMakeTemporaryObject(object);
    ObfDereferenceObject(object);
    return STATUS_SUCCESS;
}

/* ---- Helpers for services ------------------------------------------------ */

NTSTATUS ob_return_handle_in(ob_handle_table *table, PHANDLE out, HANDLE handle,
                             KPROCESSOR_MODE mode)
{
    NTSTATUS status =
        mm_give_back(mode, out, sizeof *out, sizeof(ULONG), &handle);

    if (!NT_SUCCESS(status))
        ob_close_handle(table, handle, UserMode);
    return status;
}

NTSTATUS ob_return_handle(PHANDLE out, HANDLE handle, KPROCESSOR_MODE mode)
{
    return ob_return_handle_in(ob_table_for(handle, KernelMode), out, handle,
                               mode);
}

NTSTATUS ob_open_service(POBJECT_TYPE type, PHANDLE out, ACCESS_MASK access,
                         POBJECT_ATTRIBUTES attributes)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    HANDLE handle;
    NTSTATUS status =
        ObOpenObjectByName(attributes, type, mode, NULL, access, NULL, &handle);

    if (!NT_SUCCESS(status))
        return status;
    return ob_return_handle(out, handle, mode);
}

NTSTATUS ob_create_service(PVOID object, PHANDLE out, ACCESS_MASK access,
                           const ob_captured *captured, KPROCESSOR_MODE mode)
{
    HANDLE handle;
    NTSTATUS status =
        ob_insert_object(object, &captured->attributes, access, mode, &handle);
    NTSTATUS written;

    if (!NT_SUCCESS(status))
        return status;
    written = ob_return_handle(out, handle, mode);
    return NT_SUCCESS(written) ? status : written;
}
