/*
 * The object namespace: directories, symbolic links and name lookup.
 *
 * A directory is a hash table of the headers of the objects named in it
 * (37 buckets, hashed without case). A named object's header holds its
 * last name component and its directory, and the directory object is kept
 * alive by a reference from each object named in it. A symbolic link holds
 * a target path; a lookup that meets one continues from the root with the
 * target followed by the rest of the name (at most 32 times). A lookup that
 * meets an object whose type has a parse procedure (a device) hands it the
 * rest of the name. The namespace lock (a fast mutex) guards every
 * directory and every header's name and directory fields; it is never held
 * while references are dropped or parse procedures run.
 */
#include "ob.h"

#include "../ke/ke.h"

#define BUCKETS      OB_DIRECTORY_BUCKETS
#define MAX_REPARSES 32

POBJECT_TYPE ob_directory_type;
POBJECT_TYPE ob_symbolic_link_type;
ob_directory *ob_root_directory;
FAST_MUTEX ob_namespace_lock;

/* ---- Names --------------------------------------------------------------- */

static ULONG hash_name(const UNICODE_STRING *name)
{
    ULONG h = 0, i;

    for (i = 0; i < name->Length / sizeof(WCHAR); i++)
        h = h * 31 + RtlUpcaseUnicodeChar(name->Buffer[i]);
    return h % BUCKETS;
}

static BOOLEAN case_insensitive(const ob_header *h, ULONG attributes)
{
    return (attributes & OBJ_CASE_INSENSITIVE) ||
           h->type->info.case_insensitive;
}

/* The object named component in dir, or NULL. Lock held. */
static ob_header *find_locked(ob_directory *dir,
                              const UNICODE_STRING *component, ULONG attributes)
{
    ob_header *h;

    for (h = dir->buckets[hash_name(component)]; h != NULL;
         h = h->next_in_bucket) {
        if (RtlEqualUnicodeString(&h->name, component,
                                  case_insensitive(h, attributes)))
            return h;
    }
    return NULL;
}

/* Splits the first component off *rest (which does not start with '\');
 * *separated says whether a '\' followed it. */
static UNICODE_STRING next_component(UNICODE_STRING *rest, BOOLEAN *separated)
{
    UNICODE_STRING c = *rest;
    USHORT i, n = rest->Length / sizeof(WCHAR);

    for (i = 0; i < n && rest->Buffer[i] != L'\\'; i++)
        ;
    c.Length = c.MaximumLength = (USHORT)(i * sizeof(WCHAR));
    *separated = i < n;
    if (i < n)
        i++;
    rest->Buffer += i;
    rest->Length = rest->MaximumLength = (USHORT)((n - i) * sizeof(WCHAR));
    return c;
}

/* ---- Lookup -------------------------------------------------------------- */

/* Where a lookup stands: the path left and the buffer a reparse made. */
typedef struct walk {
    UNICODE_STRING rest;
    PWCHAR buffer;
    ULONG reparses;
} walk;

/* Continues walk w at the root with link's target followed by the rest. */
static NTSTATUS reparse(walk *w, ob_symbolic_link *link, BOOLEAN more)
{
    USHORT tail = more ? (USHORT)(w->rest.Length + sizeof(WCHAR)) : 0;
    ULONG bytes = link->target.Length + tail;
    PWCHAR buffer;

    if (++w->reparses > MAX_REPARSES || bytes > 0xFFFE)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    buffer = ExAllocatePoolWithTag(PagedPool, bytes ? bytes : 2, 'pRbO');
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(buffer, link->target.Buffer, link->target.Length);
    if (more) {
        buffer[link->target.Length / sizeof(WCHAR)] = L'\\';
        RtlCopyMemory(buffer + link->target.Length / sizeof(WCHAR) + 1,
                      w->rest.Buffer, w->rest.Length);
    }
    if (w->buffer != NULL)
        ExFreePool(w->buffer);
    w->buffer = buffer;
    w->rest.Buffer = buffer;
    w->rest.Length = w->rest.MaximumLength = (USHORT)bytes;
    return STATUS_SUCCESS;
}

/* Sets up walk w for name relative to root; returns the starting object,
 * referenced. */
static NTSTATUS start_walk(walk *w, PVOID root, const UNICODE_STRING *name,
                           PVOID *start)
{
    BOOLEAN absolute = name->Length > 0 && name->Buffer[0] == L'\\';

    w->rest = *name;
    if (root == NULL) {
        if (!absolute)
            return STATUS_OBJECT_PATH_SYNTAX_BAD;
        root = ob_root_directory;
    } else if (absolute) {
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    }
    if (absolute) {
        w->rest.Buffer++;
        w->rest.Length -= sizeof(WCHAR);
    }
    ObfReferenceObject(root);
    *start = root;
    return STATUS_SUCCESS;
}

/* Does meeting object o at the end of a name open o itself? */
static BOOLEAN opens_itself(ob_header *o, ULONG attributes, POBJECT_TYPE type)
{
    if (o->type == ob_symbolic_link_type)
        return (attributes & OBJ_OPENLINK) && type == ob_symbolic_link_type;
    return o->type->info.parse == NULL || type == NULL || type == o->type;
}

/* Hands object (referenced; dropped here) the rest of walk w; separated:
 * a '\' came before the rest, and the parse procedure gets it. */
static NTSTATUS parse(PVOID object, walk *w, BOOLEAN separated,
                      ULONG attributes, KPROCESSOR_MODE mode, PVOID context,
                      PVOID *result)
{
    UNICODE_STRING rest = w->rest;
    NTSTATUS status;

    if (separated) {
        rest.Buffer--;
        rest.Length += sizeof(WCHAR);
    }
    rest.MaximumLength = rest.Length;
    status = ob_type_of(object)->info.parse(object, &rest, attributes, mode,
                                            context, result);
    ObfDereferenceObject(object);
    return status;
}

/* One step of a walk from directory current (referenced; dropped here). */
static NTSTATUS step(walk *w, PVOID *current, ULONG attributes,
                     POBJECT_TYPE type, KPROCESSOR_MODE mode, PVOID context,
                     PVOID *result)
{
    BOOLEAN more;
    UNICODE_STRING component = next_component(&w->rest, &more);
    ob_header *found;
    PVOID object = NULL;
    NTSTATUS status;

    /* An empty component: "\\" inside, or a '\' at the end. */
    if (component.Length == 0 || (more && w->rest.Length == 0))
        status = STATUS_OBJECT_NAME_INVALID;
    else {
        ExAcquireFastMutex(&ob_namespace_lock);
        found = find_locked(*current, &component, attributes);
        if (found != NULL && ob_reference_if_alive(OB_BODY(found)))
            object = OB_BODY(found);
        ExReleaseFastMutex(&ob_namespace_lock);
        status = object != NULL ? STATUS_SUCCESS
                 : more         ? STATUS_OBJECT_PATH_NOT_FOUND
                                : STATUS_OBJECT_NAME_NOT_FOUND;
    }
    ObfDereferenceObject(*current);
    *current = NULL;
    if (!NT_SUCCESS(status))
        return status;
    found = OB_HEADER(object);
    if (found->type == ob_symbolic_link_type &&
        (more || !opens_itself(found, attributes, type))) {
        status = reparse(w, object, more);
        ObfDereferenceObject(object);
        return NT_SUCCESS(status) ? STATUS_REPARSE : status;
    }
    if (more && found->type == ob_directory_type) {
        *current = object;
        return STATUS_PENDING; /* go on */
    }
    if (found->type->info.parse != NULL &&
        (more || !opens_itself(found, attributes, type)))
        return parse(object, w, more, attributes, mode, context, result);
    if (more) {
        ObfDereferenceObject(object);
        return STATUS_OBJECT_PATH_NOT_FOUND;
    }
    *result = object;
    return STATUS_SUCCESS;
}

NTSTATUS ob_lookup(PVOID root, PUNICODE_STRING name, ULONG attributes,
                   POBJECT_TYPE type, KPROCESSOR_MODE mode, PVOID context,
                   PVOID *object)
{
    walk w = {{0, 0, NULL}, NULL, 0};
    PVOID current = NULL;
    NTSTATUS status;

    *object = NULL;
    status = start_walk(&w, root, name, &current);
    while (NT_SUCCESS(status)) {
        if (w.rest.Length == 0) { /* the name was the start itself */
            *object = current;
            break;
        }
        if (ob_type_of(current) != ob_directory_type) {
            status = ob_type_of(current)->info.parse != NULL
                         ? parse(current, &w, FALSE, attributes, mode, context,
                                 object)
                         : (ObfDereferenceObject(current),
                            STATUS_OBJECT_TYPE_MISMATCH);
            break;
        }
        status = step(&w, &current, attributes, type, mode, context, object);
        if (status == STATUS_REPARSE)
            status = start_walk(&w, NULL, &w.rest, &current);
        else if (status != STATUS_PENDING)
            break;
        else
            status = STATUS_SUCCESS;
    }
    if (w.buffer != NULL)
        ExFreePool(w.buffer);
    return status;
}

/* ---- Entering and removing names ----------------------------------------- */

/* Splits path into its directory part and last component (no '\'). */
static void split_last(const UNICODE_STRING *path, UNICODE_STRING *parent,
                       UNICODE_STRING *last)
{
    USHORT n = path->Length / sizeof(WCHAR), i = n;

    while (i > 0 && path->Buffer[i - 1] != L'\\')
        i--;
    last->Buffer = path->Buffer + i;
    last->Length = last->MaximumLength = (USHORT)((n - i) * sizeof(WCHAR));
    *parent = *path;
    /* "\name" keeps its '\': the parent is the root. */
    parent->Length = (USHORT)((i > 1 ? i - 1 : i) * sizeof(WCHAR));
    parent->MaximumLength = parent->Length;
}

/* Enters h as last in dir (referenced by the caller, for h). Lock held. */
static void link_locked(ob_directory *dir, ob_header *h)
{
    ULONG b = hash_name(&h->name);

    h->directory = dir;
    h->next_in_bucket = dir->buckets[b];
    dir->buckets[b] = h;
}

NTSTATUS ob_enter_name(PVOID root, ob_header *h, PUNICODE_STRING path,
                       ULONG attributes, PVOID *existing)
{
    UNICODE_STRING parent_path, last;
    PVOID parent = NULL;
    ob_header *other;
    NTSTATUS status;

    *existing = NULL;
    split_last(path, &parent_path, &last);
    if (last.Length == 0)
        return STATUS_OBJECT_NAME_INVALID;
    if (parent_path.Length == 0 && root != NULL) {
        ObfReferenceObject(root);
        parent = root;
        status = STATUS_SUCCESS;
    } else {
        status = ob_lookup(root, &parent_path, attributes, ob_directory_type,
                           KernelMode, NULL, &parent);
    }
    if (!NT_SUCCESS(status))
        return status == STATUS_OBJECT_NAME_NOT_FOUND
                   ? STATUS_OBJECT_PATH_NOT_FOUND
                   : status;
    if (ob_type_of(parent) != ob_directory_type) {
        ObfDereferenceObject(parent);
        return STATUS_OBJECT_TYPE_MISMATCH;
    }
    status = ob_copy_name(&last, KernelMode, &h->name);
    if (!NT_SUCCESS(status)) {
        ObfDereferenceObject(parent);
        return status;
    }
    ExAcquireFastMutex(&ob_namespace_lock);
    other = find_locked(parent, &h->name, attributes);
    if (other != NULL) {
        if (ob_reference_if_alive(OB_BODY(other)))
            *existing = OB_BODY(other);
        status = STATUS_OBJECT_NAME_COLLISION;
    } else {
        link_locked(parent, h);
    }
    ExReleaseFastMutex(&ob_namespace_lock);
    if (!NT_SUCCESS(status)) {
        ob_free_name(&h->name);
        ObfDereferenceObject(parent); /* the directory holds no h */
    }
    return status;
}

void ob_remove_name(ob_header *h)
{
    ob_directory *dir;
    ob_header **link;

    ExAcquireFastMutex(&ob_namespace_lock);
    dir = h->directory;
    if (dir != NULL) {
        for (link = &dir->buckets[hash_name(&h->name)]; *link != h;
             link = &(*link)->next_in_bucket)
            ;
        *link = h->next_in_bucket;
        h->directory = NULL;
    }
    ExReleaseFastMutex(&ob_namespace_lock);
    if (dir != NULL)
        ObfDereferenceObject(dir);
}

void ob_free_name(UNICODE_STRING *name)
{
    if (name->Buffer != NULL)
        ExFreePool(name->Buffer);
    name->Buffer = NULL;
    name->Length = name->MaximumLength = 0;
}

/* ---- ObQueryNameString --------------------------------------------------- */

/* Bytes of the full path of h ("\A\B\name"), the lock held; 0 if unnamed. */
static ULONG path_bytes_locked(const ob_header *h)
{
    ULONG bytes = 0;

    for (; h->directory != NULL; h = OB_HEADER(h->directory))
        bytes += sizeof(WCHAR) + h->name.Length;
    return bytes;
}

NTSTATUS NTAPI ObQueryNameString(PVOID Object,
                                 POBJECT_NAME_INFORMATION ObjectNameInfo,
                                 ULONG Length, PULONG ReturnLength)
{
    const ob_header *h = OB_HEADER(Object);
    NTSTATUS status = STATUS_SUCCESS;
    ULONG bytes, needed;
    PWCHAR end;

    ExAcquireFastMutex(&ob_namespace_lock);
    bytes = Object == ob_root_directory ? sizeof(WCHAR) : path_bytes_locked(h);
    needed = sizeof *ObjectNameInfo + bytes + (bytes ? sizeof(WCHAR) : 0);
    if (ReturnLength != NULL)
        *ReturnLength = needed;
    if (Length < needed || bytes > 0xFFFC) {
        status = STATUS_INFO_LENGTH_MISMATCH;
    } else {
        ObjectNameInfo->Name.Buffer = (PWCHAR)(ObjectNameInfo + 1);
        ObjectNameInfo->Name.Length = (USHORT)bytes;
        ObjectNameInfo->Name.MaximumLength =
            (USHORT)(bytes + (bytes ? sizeof(WCHAR) : 0));
        end = ObjectNameInfo->Name.Buffer + bytes / sizeof(WCHAR);
        if (bytes)
            *end = 0;
        if (Object == ob_root_directory)
            ObjectNameInfo->Name.Buffer[0] = L'\\';
        for (; h->directory != NULL; h = OB_HEADER(h->directory)) {
            end -= h->name.Length / sizeof(WCHAR);
            RtlCopyMemory(end, h->name.Buffer, h->name.Length);
            *--end = L'\\';
        }
    }
    ExReleaseFastMutex(&ob_namespace_lock);
    return status;
}
