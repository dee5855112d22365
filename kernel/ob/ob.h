/*
 * The object manager (Ob), private interface.
 *
 * An object is a body with an ob_header in front of it, in pool memory:
 *
 *   +-----------------------------+ <- ob_header
 *   | pointer_count, handle_count |
 *   | type                        |
 *   | name, directory (if named)  |
 *   +-----------------------------+ <- the body drivers see (PVOID Object)
 *   | EPROCESS, KEVENT, ...       |
 *   +-----------------------------+
 *
 * pointer_count counts references (ObReferenceObject*, and one for each
 * handle); handle_count counts handles. The object is deleted when
 * pointer_count reaches zero; a named object that is not permanent leaves
 * its directory when handle_count reaches zero. Counts change with
 * interlocked operations; names and directories change under the
 * namespace lock; a handle table's entries under its own lock.
 */
#ifndef KERNEL_OB_H
#define KERNEL_OB_H

#include <ntddk.h>

struct ob_directory;

/* A handle of object (with granted access) was closed in process. */
typedef void (*ob_close_fn)(PEPROCESS process, PVOID object,
                            ACCESS_MASK granted, ULONG handle_count);
/* The last reference went: release what the body holds (PASSIVE_LEVEL). */
typedef void (*ob_delete_fn)(PVOID object);
/*
 * A name was looked up through object and remaining (non-empty, starting
 * with '\') is left over: return the object to open, referenced, in
 * *result. Devices use this to open files. PASSIVE_LEVEL, no lock held.
 */
typedef NTSTATUS (*ob_parse_fn)(PVOID object, PUNICODE_STRING remaining,
                                ULONG attributes, KPROCESSOR_MODE mode,
                                PVOID context, PVOID *result);

/* What ob_create_type needs to know about a type. */
typedef struct ob_type_info {
    const WCHAR *name;
    POOL_TYPE pool_type;
    GENERIC_MAPPING mapping;
    ACCESS_MASK valid_access;
    /* Offset of the DISPATCHER_HEADER waits use, or -1: not waitable. */
    LONG wait_offset;
    BOOLEAN case_insensitive; /* its names compare without case */
    ob_close_fn close;
    ob_delete_fn delete_object;
    ob_parse_fn parse;
} ob_type_info;

typedef struct _OBJECT_TYPE {
    UNICODE_STRING Name;
    ob_type_info info;
    ULONG pool_tag; /* of its objects: the name's first four letters */
    LONG TotalNumberOfObjects;
    LONG TotalNumberOfHandles;
} OBJECT_TYPE;

/* ob_header.flags */
#define OB_FLAG_PERMANENT 0x1u /* stays named without handles */
#define OB_FLAG_EXCLUSIVE 0x2u /* one process may hold handles */
#define OB_FLAG_INSERTED  0x4u /* ob_insert_object has run */

typedef struct ob_header {
    LONG pointer_count;
    LONG handle_count;
    OBJECT_TYPE *type;
    struct ob_directory *directory; /* where its name is; NULL if unnamed */
    struct ob_header *next_in_bucket;
    UNICODE_STRING name; /* its last component, from paged pool */
    ULONG flags;
    PEPROCESS exclusive_process; /* OB_FLAG_EXCLUSIVE: the one process */
} __attribute__((aligned(16))) ob_header;

#define OB_HEADER(body) ((ob_header *)(body)-1)
#define OB_BODY(header) ((PVOID)((ob_header *)(header) + 1))

/* A directory: the headers of the objects named in it, hashed. */
#define OB_DIRECTORY_BUCKETS 37
typedef struct ob_directory {
    ob_header *buckets[OB_DIRECTORY_BUCKETS];
} ob_directory;

/* A symbolic link: the path it stands for. */
typedef struct ob_symbolic_link {
    UNICODE_STRING target; /* paged pool */
} ob_symbolic_link;

/* Guards every directory and every header's name and directory fields. */
extern FAST_MUTEX ob_namespace_lock;

/* The types Ob itself defines. */
extern POBJECT_TYPE ob_directory_type;
extern POBJECT_TYPE ob_symbolic_link_type;

/* ---- Objects (object.c) -------------------------------------------------- */

/* Sets up the types, the root directory and its standard directories
 * (phase 1, before anything makes objects). */
void ob_init(void);

/* Makes a type; the name is kept by reference. Boot and driver init. */
POBJECT_TYPE ob_create_type(const ob_type_info *info);

/* OBJECT_ATTRIBUTES captured from a caller: kernel copies, checked. */
typedef struct ob_captured {
    OBJECT_ATTRIBUTES attributes; /* ObjectName is &name, or NULL */
    UNICODE_STRING name;          /* paged pool copy */
} ob_captured;

/*
 * Checks and copies source (may be NULL: no name, no attributes) for the
 * caller's mode: a UserMode structure and name are probed, and
 * OBJ_KERNEL_HANDLE is dropped. STATUS_INVALID_PARAMETER for a bad length
 * or attribute bits, STATUS_OBJECT_NAME_INVALID for a bad name. Release
 * with ob_release_captured.
 */
NTSTATUS ob_capture(const OBJECT_ATTRIBUTES *source, KPROCESSOR_MODE mode,
                    ob_captured *captured);
void ob_release_captured(ob_captured *captured);

/*
 * Makes an object of type with a zeroed body of size bytes and one
 * reference, the caller's. Its name and flags come later, from
 * ob_insert_object. PASSIVE_LEVEL.
 */
NTSTATUS ob_create_object(POBJECT_TYPE type, ULONG size, PVOID *object);

/*
 * Enters object (fresh from ob_create_object) in the namespace if
 * attributes (captured; may be NULL) names it, then, if handle is not
 * NULL, makes a handle to it with access in the current process (or the
 * kernel's table for OBJ_KERNEL_HANDLE) and drops the caller's reference,
 * which the handle now holds. On failure the caller's reference is dropped
 * too: the object is gone. With OBJ_OPENIF and the name taken by an object
 * of the same type, opens that one instead (the new one is dropped) and
 * returns STATUS_OBJECT_NAME_EXISTS. With handle NULL the caller keeps its
 * reference. PASSIVE_LEVEL.
 */
NTSTATUS ob_insert_object(PVOID object, const OBJECT_ATTRIBUTES *attributes,
                          ACCESS_MASK access, KPROCESSOR_MODE mode,
                          HANDLE *handle);

/* Copies the UNICODE_STRING at source and its characters (both probed for
 * UserMode) into copy, from paged pool. */
NTSTATUS ob_capture_string(const UNICODE_STRING *source, KPROCESSOR_MODE mode,
                           UNICODE_STRING *copy);

/* Copies name (its characters probed for UserMode) into paged pool. */
NTSTATUS ob_copy_name(const UNICODE_STRING *name, KPROCESSOR_MODE mode,
                      UNICODE_STRING *copy);

/* References object unless its last reference has already gone (a name
 * lookup racing with deletion). */
BOOLEAN ob_reference_if_alive(PVOID object);

/* The type and the counts of an object (for tests and inspection). */
POBJECT_TYPE ob_type_of(PVOID object);
LONG ob_pointer_count(PVOID object);
LONG ob_handle_count(PVOID object);

/* Maps the generic rights in access to type's specific ones. */
ACCESS_MASK ob_map_access(POBJECT_TYPE type, ACCESS_MASK access);

/* ---- Handle tables (handle.c) -------------------------------------------- */

typedef struct ob_handle_entry {
    ob_header *object; /* NULL: free, and granted is the next free index */
    ACCESS_MASK granted;
    ULONG attributes; /* OBJ_INHERIT, OBJ_PROTECT_CLOSE */
} ob_handle_entry;

#define OBJ_PROTECT_CLOSE 0x00000001u /* NtClose fails on this handle */

typedef struct ob_handle_table {
    FAST_MUTEX lock;
    ob_handle_entry *entries; /* paged pool, capacity entries; [0] unused */
    ULONG capacity;
    ULONG free_head; /* first free index, 0 when none */
    ULONG count;     /* handles in use */
    PEPROCESS process;
} ob_handle_table;

/* The kernel's table: the System process's (OBJ_KERNEL_HANDLE). */
extern ob_handle_table *ob_kernel_handle_table;

/* Makes an empty table for process. PASSIVE_LEVEL. */
NTSTATUS ob_create_handle_table(PEPROCESS process, ob_handle_table **table);
/* Closes every handle left in table and frees it (process exit). */
void ob_destroy_handle_table(ob_handle_table *table);

/*
 * Makes a handle in table for object, which the caller has referenced for
 * it. OBJ_KERNEL_HANDLE in attributes (with the kernel's table) gives the
 * value the kernel bit; without it, a handle in the System process's table
 * is an ordinary one of that process. On failure the caller keeps the
 * reference.
 */
NTSTATUS ob_create_handle(ob_handle_table *table, PVOID object,
                          ACCESS_MASK granted, ULONG attributes,
                          HANDLE *handle);

/*
 * The table a handle value refers to from the current context: the kernel
 * table for kernel handles (KernelMode only), else the current process's.
 * NULL when there is none (the handle is invalid).
 */
ob_handle_table *ob_table_for(HANDLE handle, KPROCESSOR_MODE mode);

/* Looks handle up in table and references its object. */
NTSTATUS ob_reference_handle(ob_handle_table *table, HANDLE handle,
                             PVOID *object, ACCESS_MASK *granted,
                             ULONG *attributes);

/* Closes handle in table (checks OBJ_PROTECT_CLOSE for UserMode). */
NTSTATUS ob_close_handle(ob_handle_table *table, HANDLE handle,
                         KPROCESSOR_MODE mode);

/* The handle table of a process (NULL for Idle). */
ob_handle_table *ob_process_table(PEPROCESS process);

/* Counts a new handle to object held by process (the counts and the
 * exclusive rule). Below DISPATCH_LEVEL: the header may be paged. */
NTSTATUS ob_count_handle(PVOID object, PEPROCESS process);
/* A handle to object with granted access, held by process, went away.
 * Below DISPATCH_LEVEL, as for ob_count_handle. */
void ob_uncount_handle(PVOID object, PEPROCESS process, ACCESS_MASK granted);

/* ---- The namespace (namespace.c) ----------------------------------------- */

/* The root directory, \. */
extern struct ob_directory *ob_root_directory;

void ob_init_namespace(void);

/*
 * Finds the object name (relative to root, if not NULL) refers to, following
 * symbolic links and handing leftovers to a parse procedure, and references
 * it. type (may be NULL) is what the caller wants: a final symbolic link is
 * opened itself only with OBJ_OPENLINK and type == ob_symbolic_link_type.
 * PASSIVE_LEVEL.
 */
NTSTATUS ob_lookup(PVOID root, PUNICODE_STRING name, ULONG attributes,
                   POBJECT_TYPE type, KPROCESSOR_MODE mode, PVOID context,
                   PVOID *object);

/*
 * Enters named object header h in the directory its path names (relative to
 * root, if not NULL), under the namespace lock. On a collision, returns
 * STATUS_OBJECT_NAME_COLLISION and the existing object, referenced, in
 * *existing.
 */
NTSTATUS ob_enter_name(PVOID root, ob_header *h, PUNICODE_STRING path,
                       ULONG attributes, PVOID *existing);

/* Frees a name from ob_copy_name. */
void ob_free_name(UNICODE_STRING *name);

/* Takes named object h out of its directory (its handle count is zero, or
 * it was made temporary with none). */
void ob_remove_name(ob_header *h);

/* ---- Helpers for services (open.c) --------------------------------------- */

/* Stores handle at out (probed for UserMode); closes it if that fails. */
NTSTATUS ob_return_handle(PHANDLE out, HANDLE handle, KPROCESSOR_MODE mode);
/* The same for a handle in table (not necessarily the current process's). */
NTSTATUS ob_return_handle_in(ob_handle_table *table, PHANDLE out, HANDLE handle,
                             KPROCESSOR_MODE mode);

/* NtOpenXxx: opens the object of type that attributes names, for the
 * previous mode, and stores the handle at out. */
NTSTATUS ob_open_service(POBJECT_TYPE type, PHANDLE out, ACCESS_MASK access,
                         POBJECT_ATTRIBUTES attributes);

/* NtCreateXxx, once object is made: ob_insert_object with captured, and
 * the handle stored at out. Returns STATUS_OBJECT_NAME_EXISTS when an
 * existing object was opened (OBJ_OPENIF). */
NTSTATUS ob_create_service(PVOID object, PHANDLE out, ACCESS_MASK access,
                           const ob_captured *captured, KPROCESSOR_MODE mode);

/* Handles in a table (for tests). */
ULONG ob_handle_table_count(ob_handle_table *table);

#endif
