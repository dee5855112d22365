/*
 * The object manager (Ob), as drivers see it: object attributes, access
 * masks, handles and references.
 *
 * Every executive object (process, thread, event, file, device ...) has a
 * header the object manager keeps in front of it: its type, a pointer count
 * and a handle count, and, if it is named, its name and directory. An
 * object lives while either count is non-zero. A handle is an index into
 * the handle table of the process that was current when it was made; the
 * same value means another object, or nothing, in another process. Handles
 * made with OBJ_KERNEL_HANDLE live in the kernel's table instead (the
 * System process's): they work from any process, in kernel mode only.
 */
#ifndef NT_OB_H
#define NT_OB_H

#include <nt/ntdef.h>

/* ---- Access masks -------------------------------------------------------- */

#define DELETE                   0x00010000u
#define READ_CONTROL             0x00020000u
#define WRITE_DAC                0x00040000u
#define WRITE_OWNER              0x00080000u
#define SYNCHRONIZE              0x00100000u
#define STANDARD_RIGHTS_REQUIRED 0x000F0000u
#define STANDARD_RIGHTS_READ     READ_CONTROL
#define STANDARD_RIGHTS_WRITE    READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE  READ_CONTROL
#define STANDARD_RIGHTS_ALL      0x001F0000u
#define SPECIFIC_RIGHTS_ALL      0x0000FFFFu
#define MAXIMUM_ALLOWED          0x02000000u
#define GENERIC_READ             0x80000000u
#define GENERIC_WRITE            0x40000000u
#define GENERIC_EXECUTE          0x20000000u
#define GENERIC_ALL              0x10000000u

typedef ACCESS_MASK *PACCESS_MASK;

/* How a type's generic rights map to its specific ones. */
typedef struct _GENERIC_MAPPING {
    ACCESS_MASK GenericRead;
    ACCESS_MASK GenericWrite;
    ACCESS_MASK GenericExecute;
    ACCESS_MASK GenericAll;
} GENERIC_MAPPING, *PGENERIC_MAPPING;

/* Rights of the object types. */
#define EVENT_QUERY_STATE             0x0001u
#define EVENT_MODIFY_STATE            0x0002u
#define EVENT_ALL_ACCESS              (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define SEMAPHORE_QUERY_STATE         0x0001u
#define SEMAPHORE_MODIFY_STATE        0x0002u
#define SEMAPHORE_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define MUTANT_QUERY_STATE            0x0001u
#define MUTANT_ALL_ACCESS             (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1u)
#define TIMER_QUERY_STATE             0x0001u
#define TIMER_MODIFY_STATE            0x0002u
#define TIMER_ALL_ACCESS              (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3u)
#define DIRECTORY_QUERY               0x0001u
#define DIRECTORY_TRAVERSE            0x0002u
#define DIRECTORY_CREATE_OBJECT       0x0004u
#define DIRECTORY_CREATE_SUBDIRECTORY 0x0008u
#define DIRECTORY_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | 0xFu)
#define SYMBOLIC_LINK_QUERY           0x0001u
#define SYMBOLIC_LINK_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | 0x1u)

/* ---- Object attributes --------------------------------------------------- */

#define OBJ_INHERIT            0x00000002u
#define OBJ_PERMANENT          0x00000010u
#define OBJ_EXCLUSIVE          0x00000020u
#define OBJ_CASE_INSENSITIVE   0x00000040u
#define OBJ_OPENIF             0x00000080u
#define OBJ_OPENLINK           0x00000100u
#define OBJ_KERNEL_HANDLE      0x00000200u
#define OBJ_FORCE_ACCESS_CHECK 0x00000400u
#define OBJ_VALID_ATTRIBUTES   0x000007F2u

typedef struct _OBJECT_ATTRIBUTES {
    ULONG Length;
    HANDLE RootDirectory;
    PUNICODE_STRING ObjectName;
    ULONG Attributes;
    PVOID SecurityDescriptor;
    PVOID SecurityQualityOfService;
} OBJECT_ATTRIBUTES, *POBJECT_ATTRIBUTES;

#define InitializeObjectAttributes(p, n, a, r, s) \
    do {                                          \
        (p)->Length = sizeof(OBJECT_ATTRIBUTES);  \
        (p)->RootDirectory = (r);                 \
        (p)->Attributes = (a);                    \
        (p)->ObjectName = (n);                    \
        (p)->SecurityDescriptor = (s);            \
        (p)->SecurityQualityOfService = NULL;     \
    } while (0)

/* ---- Handles and references ---------------------------------------------- */

typedef struct _OBJECT_TYPE *POBJECT_TYPE;

/* The object types drivers may name (each a pointer to the type). */
extern NTKERNELAPI POBJECT_TYPE *PsProcessType;
extern NTKERNELAPI POBJECT_TYPE *PsThreadType;
extern NTKERNELAPI POBJECT_TYPE *ExEventObjectType;
extern NTKERNELAPI POBJECT_TYPE *ExSemaphoreObjectType;

typedef struct _OBJECT_HANDLE_INFORMATION {
    ULONG HandleAttributes;
    ACCESS_MASK GrantedAccess;
} OBJECT_HANDLE_INFORMATION, *POBJECT_HANDLE_INFORMATION;

typedef struct _OBJECT_NAME_INFORMATION {
    UNICODE_STRING Name;
} OBJECT_NAME_INFORMATION, *POBJECT_NAME_INFORMATION;

/* Security is not modelled: every access a type defines is granted. */
typedef struct _ACCESS_STATE *PACCESS_STATE;

#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#define NtCurrentThread()  ((HANDLE)(LONG_PTR)-2)
#define ZwCurrentProcess() NtCurrentProcess()
#define ZwCurrentThread()  NtCurrentThread()

/*
 * Takes a reference to the object Handle names in the current process (or
 * the kernel's table for a kernel handle), checking its type (NULL: any)
 * and, for AccessMode UserMode, that the handle grants DesiredAccess and is
 * not a kernel handle. IRQL <= APC_LEVEL (PASSIVE_LEVEL for user handles on
 * NT; ntlab allows APC_LEVEL for both).
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByHandle(
    HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PVOID *Object,
    POBJECT_HANDLE_INFORMATION HandleInformation);
/* Drivers pass the address of a typed pointer (&thread, a PKTHREAD *) for
 * Object, which MSVC takes as a PVOID * without a word; so does this. */
#define ObReferenceObjectByHandle(h, a, t, m, o, i)                          \
    (ObReferenceObjectByHandle)(h, a, t, m, (PVOID *)(o), i)
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI
ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess,
                           POBJECT_TYPE ObjectType, KPROCESSOR_MODE AccessMode);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI ObReferenceObjectByName(
    PUNICODE_STRING ObjectName, ULONG Attributes, PACCESS_STATE AccessState,
    ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PVOID ParseContext, PVOID *Object);

/* Adds or drops a pointer reference; any IRQL <= DISPATCH_LEVEL. The last
 * reference deletes the object (at DISPATCH_LEVEL, from a worker thread). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG_PTR FASTCALL ObfReferenceObject(PVOID Object);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG_PTR FASTCALL ObfDereferenceObject(PVOID Object);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI ObDereferenceObjectDeferDelete(PVOID Object);
#define ObReferenceObject(o)   ObfReferenceObject(o)
#define ObDereferenceObject(o) ObfDereferenceObject(o)

/* Makes a handle to Object in the current process (or the kernel's table,
 * with OBJ_KERNEL_HANDLE in HandleAttributes). */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI ObOpenObjectByPointer(
    PVOID Object, ULONG HandleAttributes, PACCESS_STATE PassedAccessState,
    ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PHANDLE Handle);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI ObOpenObjectByName(
    POBJECT_ATTRIBUTES ObjectAttributes, POBJECT_TYPE ObjectType,
    KPROCESSOR_MODE AccessMode, PACCESS_STATE AccessState,
    ACCESS_MASK DesiredAccess, PVOID ParseContext, PHANDLE Handle);

/* Takes away OBJ_PERMANENT: the name goes with the last handle. */
NTKERNELAPI VOID NTAPI ObMakeTemporaryObject(PVOID Object);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI
ObQueryNameString(PVOID Object, POBJECT_NAME_INFORMATION ObjectNameInfo,
                  ULONG Length, PULONG ReturnLength);

/* ---- Services ------------------------------------------------------------ */

#define DUPLICATE_CLOSE_SOURCE    0x00000001u
#define DUPLICATE_SAME_ACCESS     0x00000002u
#define DUPLICATE_SAME_ATTRIBUTES 0x00000004u

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtClose(HANDLE Handle);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwClose(HANDLE Handle);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtDuplicateObject(
    HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
    PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
    ULONG Options);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwDuplicateObject(
    HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
    PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
    ULONG Options);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtMakeTemporaryObject(HANDLE Handle);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwMakeTemporaryObject(HANDLE Handle);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
NtCreateDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                        POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
ZwCreateDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                        POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
NtOpenDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                      POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
ZwOpenDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                      POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtCreateSymbolicLinkObject(
    PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PUNICODE_STRING LinkTarget);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwCreateSymbolicLinkObject(
    PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PUNICODE_STRING LinkTarget);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
NtOpenSymbolicLinkObject(PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI
ZwOpenSymbolicLinkObject(PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
                         POBJECT_ATTRIBUTES ObjectAttributes);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtQuerySymbolicLinkObject(HANDLE LinkHandle,
                                                  PUNICODE_STRING LinkTarget,
                                                  PULONG ReturnedLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwQuerySymbolicLinkObject(HANDLE LinkHandle,
                                                  PUNICODE_STRING LinkTarget,
                                                  PULONG ReturnedLength);

#endif
