/*
 * Objects: types, creation, references and deletion, and the exported
 * routines that turn pointers and names into references and handles.
 */
#include "ob.h"

#include "../ex/ex.h"
#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../ps/ps.h"

/* Objects whose last reference went at DISPATCH_LEVEL, waiting for a
 * worker thread to delete them (linked through next_in_bucket). */
static struct {
    ob_header *first;
    WORK_QUEUE_ITEM item;
    BOOLEAN queued;
} deferred;

/* Guards every object's handle_count and exclusive_process. A fast mutex,
 * not DISPATCH_LEVEL: the header of a paged object (a directory, a link)
 * may have to be brought back from the paging file while it is held. */
static FAST_MUTEX handle_count_lock;

void ob_init(void)
{
    ExInitializeFastMutex(&handle_count_lock);
    ob_init_namespace();
}

/* ---- Types --------------------------------------------------------------- */

/* A pool tag from the first four characters of a type's name, padded
 * with spaces ("Proc", "Even", "Key "). */
static ULONG type_tag(const WCHAR *name)
{
    ULONG tag = 0, i;
    BOOLEAN ended = FALSE;

    for (i = 0; i < 4; i++) {
        ended = ended || name[i] == 0;
        tag |= (ULONG)(ended ? ' ' : name[i] & 0x7F) << (8 * i);
    }
    return tag;
}

POBJECT_TYPE ob_create_type(const ob_type_info *info)
{
    OBJECT_TYPE *type =
        ExAllocatePoolWithTag(NonPagedPool, sizeof *type, 'TjbO');

    if (type == NULL)
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    RtlZeroMemory(type, sizeof *type);
    type->info = *info;
    RtlInitUnicodeString(&type->Name, info->name);
    type->pool_tag = type_tag(info->name);
    return type;
}

POBJECT_TYPE ob_type_of(PVOID object)
{
    return OB_HEADER(object)->type;
}

LONG ob_pointer_count(PVOID object)
{
    return OB_HEADER(object)->pointer_count;
}

LONG ob_handle_count(PVOID object)
{
    return OB_HEADER(object)->handle_count;
}

ACCESS_MASK ob_map_access(POBJECT_TYPE type, ACCESS_MASK access)
{
    const GENERIC_MAPPING *m = &type->info.mapping;

    if (access & GENERIC_READ)
        access |= m->GenericRead;
    if (access & GENERIC_WRITE)
        access |= m->GenericWrite;
    if (access & GENERIC_EXECUTE)
        access |= m->GenericExecute;
    if (access & (GENERIC_ALL | MAXIMUM_ALLOWED))
        access |= m->GenericAll;
    return access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE |
                      GENERIC_ALL | MAXIMUM_ALLOWED);
}

/* ---- Creation and deletion ----------------------------------------------- */

NTSTATUS ob_create_object(POBJECT_TYPE type, ULONG size, PVOID *object)
{
    ob_header *h = ExAllocatePoolWithTag(type->info.pool_type, sizeof *h + size,
                                         type->pool_tag);

    if (h == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(h, sizeof *h + size);
    h->pointer_count = 1;
    h->type = type;
    InterlockedIncrement(&type->TotalNumberOfObjects);
    *object = OB_BODY(h);
    return STATUS_SUCCESS;
}

static void delete_now(ob_header *h)
{
    OBJECT_TYPE *type = h->type;

    if (h->directory != NULL)
        ob_remove_name(h);
    if (type->info.delete_object != NULL)
        type->info.delete_object(OB_BODY(h));
    if (h->name.Buffer != NULL)
        ExFreePool(h->name.Buffer);
    InterlockedDecrement(&type->TotalNumberOfObjects);
    ExFreePoolWithTag(h, type->pool_tag);
}

static VOID delete_deferred(PVOID unused)
{
    ob_header *h;
    KIRQL irql;

    UNREFERENCED_PARAMETER(unused);
    for (;;) {
        irql = KfRaiseIrql(DISPATCH_LEVEL);
        h = deferred.first;
        if (h != NULL)
            deferred.first = h->next_in_bucket;
        else
            deferred.queued = FALSE;
        KfLowerIrql(irql);
        if (h == NULL)
            return;
        delete_now(h);
    }
}

/* The last reference to h went: delete it now, or from a worker thread
 * when IRQL is too high for the delete routine and pool frees. */
static void last_reference(ob_header *h, BOOLEAN defer)
{
    KIRQL irql;

    if (!defer && KeGetCurrentIrql() <= APC_LEVEL) {
        delete_now(h);
        return;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    h->next_in_bucket = deferred.first;
    deferred.first = h;
    if (!deferred.queued) {
        deferred.queued = TRUE;
        ExInitializeWorkItem(&deferred.item, delete_deferred, NULL);
        ExQueueWorkItem(&deferred.item, CriticalWorkQueue);
    }
    KfLowerIrql(irql);
}

LONG_PTR FASTCALL ObfReferenceObject(PVOID Object)
{
    return InterlockedIncrement(&OB_HEADER(Object)->pointer_count);
}

static LONG_PTR dereference(PVOID object, BOOLEAN defer)
{
    ob_header *h = OB_HEADER(object);
    LONG left = InterlockedDecrement(&h->pointer_count);

    if (left < 0)
        KeBugCheckEx(REFERENCE_BY_POINTER, (ULONG_PTR)h->type, 0, 0,
                     (ULONG_PTR)object);
    if (left == 0)
        last_reference(h, defer);
    return left;
}

LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object)
{
    return dereference(Object, FALSE);
}

VOID NTAPI ObDereferenceObjectDeferDelete(PVOID Object)
{
    dereference(Object, TRUE);
}

BOOLEAN ob_reference_if_alive(PVOID object)
{
    volatile LONG *count = &OB_HEADER(object)->pointer_count;
    LONG seen;

    do {
        seen = *count;
        if (seen == 0)
            return FALSE;
    } while (InterlockedCompareExchange(count, seen + 1, seen) != seen);
    return TRUE;
}

/* ---- Handle counts ------------------------------------------------------- */

NTSTATUS ob_count_handle(PVOID object, PEPROCESS process)
{
    ob_header *h = OB_HEADER(object);
    NTSTATUS status = STATUS_SUCCESS;

    ExAcquireFastMutex(&handle_count_lock);
    if ((h->flags & OB_FLAG_EXCLUSIVE) && h->exclusive_process != NULL &&
        h->exclusive_process != process) {
        status = STATUS_ACCESS_DENIED;
    } else {
        if (h->flags & OB_FLAG_EXCLUSIVE)
            h->exclusive_process = process;
        h->handle_count++;
        h->type->TotalNumberOfHandles++;
    }
    ExReleaseFastMutex(&handle_count_lock);
    return status;
}

void ob_uncount_handle(PVOID object, PEPROCESS process, ACCESS_MASK granted)
{
    ob_header *h = OB_HEADER(object);
    LONG left;

    ExAcquireFastMutex(&handle_count_lock);
    left = --h->handle_count;
    h->type->TotalNumberOfHandles--;
    if (left == 0)
        h->exclusive_process = NULL;
    ExReleaseFastMutex(&handle_count_lock);
    if (h->type->info.close != NULL)
        h->type->info.close(process, object, granted, (ULONG)left);
    if (left == 0 && h->directory != NULL && !(h->flags & OB_FLAG_PERMANENT))
        ob_remove_name(h);
}

/* ---- Attributes ---------------------------------------------------------- */

NTSTATUS ob_capture_string(const UNICODE_STRING *source, KPROCESSOR_MODE mode,
                           UNICODE_STRING *copy)
{
    UNICODE_STRING seen;
    NTSTATUS status;

    copy->Length = copy->MaximumLength = 0;
    copy->Buffer = NULL;
    if (source == NULL)
        return STATUS_SUCCESS;
    status = mm_capture(mode, source, sizeof seen, sizeof(ULONG), &seen);
    if (!NT_SUCCESS(status))
        return status;
    if ((seen.Length & 1) != 0 || seen.Length > seen.MaximumLength)
        return STATUS_OBJECT_NAME_INVALID;
    return ob_copy_name(&seen, mode, copy);
}

NTSTATUS ob_capture(const OBJECT_ATTRIBUTES *source, KPROCESSOR_MODE mode,
                    ob_captured *captured)
{
    NTSTATUS status;

    RtlZeroMemory(captured, sizeof *captured);
    if (source == NULL)
        return STATUS_SUCCESS;
    status = mm_capture(mode, source, sizeof captured->attributes,
                        sizeof(ULONG), &captured->attributes);
    if (!NT_SUCCESS(status))
        return status;
    if (captured->attributes.Length != sizeof(OBJECT_ATTRIBUTES) ||
        (captured->attributes.Attributes & ~OBJ_VALID_ATTRIBUTES) != 0)
        return STATUS_INVALID_PARAMETER;
    if (mode == UserMode)
        captured->attributes.Attributes &= ~OBJ_KERNEL_HANDLE;
    status = ob_capture_string(captured->attributes.ObjectName, mode,
                               &captured->name);
    captured->attributes.ObjectName =
        captured->name.Length != 0 ? &captured->name : NULL;
    return status;
}

void ob_release_captured(ob_captured *captured)
{
    if (captured->name.Buffer != NULL)
        ExFreePool(captured->name.Buffer);
    captured->name.Buffer = NULL;
    captured->attributes.ObjectName = NULL;
}

NTSTATUS ob_copy_name(const UNICODE_STRING *name, KPROCESSOR_MODE mode,
                      UNICODE_STRING *copy)
{
    NTSTATUS status;
    PWCHAR buffer;

    copy->Length = copy->MaximumLength = 0;
    copy->Buffer = NULL;
    if (name->Length == 0)
        return STATUS_SUCCESS;
    buffer = ExAllocatePoolWithTag(PagedPool, name->Length, 'mNbO');
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status =
        mm_capture(mode, name->Buffer, name->Length, sizeof(WCHAR), buffer);
    if (!NT_SUCCESS(status)) {
        ExFreePool(buffer);
        return status;
    }
    copy->Buffer = buffer;
    copy->Length = copy->MaximumLength = name->Length;
    return STATUS_SUCCESS;
}
