/*
 * Directory and symbolic link objects, the standard directories made at
 * boot, and their services.
 */
#include "ob.h"

#include "../ke/ke.h"

static void delete_link(PVOID object)
{
    ob_free_name(&((ob_symbolic_link *)object)->target);
}

/* Makes a permanent directory or link named path (kernel use, boot). */
static PVOID make_permanent(POBJECT_TYPE type, ULONG size, const WCHAR *path)
{
    OBJECT_ATTRIBUTES attributes;
    UNICODE_STRING name;
    PVOID object;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(
        &attributes, &name, OBJ_PERMANENT | OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (!NT_SUCCESS(ob_create_object(type, size, &object)) ||
        !NT_SUCCESS(ob_insert_object(object, &attributes, 0, KernelMode, NULL)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, STATUS_OBJECT_NAME_INVALID,
                     0, 0, 0);
    ObfDereferenceObject(object); /* the namespace keeps it */
    return object;
}

static NTSTATUS set_target(ob_symbolic_link *link, const UNICODE_STRING *target,
                           KPROCESSOR_MODE mode)
{
    return ob_copy_name(target, mode, &link->target);
}

void ob_init_namespace(void)
{
    static const ob_type_info directory = {
        .name = L"Directory",
        .pool_type = PagedPool,
        .mapping = {STANDARD_RIGHTS_READ | DIRECTORY_QUERY | DIRECTORY_TRAVERSE,
                    STANDARD_RIGHTS_WRITE | DIRECTORY_CREATE_OBJECT |
                        DIRECTORY_CREATE_SUBDIRECTORY,
                    STANDARD_RIGHTS_EXECUTE | DIRECTORY_QUERY |
                        DIRECTORY_TRAVERSE,
                    DIRECTORY_ALL_ACCESS},
        .valid_access = DIRECTORY_ALL_ACCESS,
        .wait_offset = -1,
        .case_insensitive = TRUE,
    };
    static const ob_type_info link = {
        .name = L"SymbolicLink",
        .pool_type = PagedPool,
        .mapping = {STANDARD_RIGHTS_READ | SYMBOLIC_LINK_QUERY,
                    STANDARD_RIGHTS_WRITE,
                    STANDARD_RIGHTS_EXECUTE | SYMBOLIC_LINK_QUERY,
                    SYMBOLIC_LINK_ALL_ACCESS},
        .valid_access = SYMBOLIC_LINK_ALL_ACCESS,
        .wait_offset = -1,
        .case_insensitive = TRUE,
        .delete_object = delete_link,
    };
    static const WCHAR *const standard[] = {L"\\Device", L"\\Driver", L"\\??",
                                            L"\\BaseNamedObjects",
                                            L"\\KernelObjects"};
    ob_symbolic_link *dos_devices;
    UNICODE_STRING target;
    PVOID root;
    ULONG i;

    ExInitializeFastMutex(&ob_namespace_lock);
    ob_directory_type = ob_create_type(&directory);
    ob_symbolic_link_type = ob_create_type(&link);
    if (!NT_SUCCESS(
            ob_create_object(ob_directory_type, sizeof(ob_directory), &root)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    ob_root_directory = root; /* its one reference is the system's */
    for (i = 0; i < ARRAYSIZE(standard); i++)
        make_permanent(ob_directory_type, sizeof(ob_directory), standard[i]);
    dos_devices = make_permanent(ob_symbolic_link_type, sizeof *dos_devices,
                                 L"\\DosDevices");
    RtlInitUnicodeString(&target, L"\\??");
    if (!NT_SUCCESS(set_target(dos_devices, &target, KernelMode)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
}

/* ---- Directory services -------------------------------------------------- */

NTSTATUS NTAPI NtCreateDirectoryObject(PHANDLE DirectoryHandle,
                                       ACCESS_MASK DesiredAccess,
                                       POBJECT_ATTRIBUTES ObjectAttributes)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_captured captured;
    PVOID directory;
    NTSTATUS status = ob_capture(ObjectAttributes, mode, &captured);

    if (NT_SUCCESS(status))
        status = ob_create_object(ob_directory_type, sizeof(ob_directory),
                                  &directory);
    if (NT_SUCCESS(status))
        status = ob_create_service(directory, DirectoryHandle, DesiredAccess,
                                   &captured, mode);
    ob_release_captured(&captured);
    return status;
}

NTSTATUS NTAPI NtOpenDirectoryObject(PHANDLE DirectoryHandle,
                                     ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(ob_directory_type, DirectoryHandle, DesiredAccess,
                           ObjectAttributes);
}

/* ---- Symbolic link services ---------------------------------------------- */

NTSTATUS NTAPI NtCreateSymbolicLinkObject(PHANDLE LinkHandle,
                                          ACCESS_MASK DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes,
                                          PUNICODE_STRING LinkTarget)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    UNICODE_STRING target = {0, 0, NULL};
    ob_symbolic_link *link;
    ob_captured captured;
    NTSTATUS status = ob_capture(ObjectAttributes, mode, &captured);

    if (NT_SUCCESS(status))
        status = ob_capture_string(LinkTarget, mode, &target);
    if (NT_SUCCESS(status) && target.Length == 0)
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = ob_create_object(ob_symbolic_link_type, sizeof *link,
                                  (PVOID *)&link);
    if (NT_SUCCESS(status)) {
        link->target = target;
        target.Buffer = NULL;
        status =
            ob_create_service(link, LinkHandle, DesiredAccess, &captured, mode);
    }
    ob_free_name(&target);
    ob_release_captured(&captured);
    return status;
}

NTSTATUS NTAPI NtOpenSymbolicLinkObject(PHANDLE LinkHandle,
                                        ACCESS_MASK DesiredAccess,
                                        POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(ob_symbolic_link_type, LinkHandle, DesiredAccess,
                           ObjectAttributes);
}

/*
 * Copies the link's target into LinkTarget's buffer. STATUS_BUFFER_TOO_SMALL
 * (with *ReturnedLength the bytes needed) when it does not fit.
 */
NTSTATUS NTAPI NtQuerySymbolicLinkObject(HANDLE LinkHandle,
                                         PUNICODE_STRING LinkTarget,
                                         PULONG ReturnedLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_symbolic_link *link;
    UNICODE_STRING out;
    NTSTATUS status = ObReferenceObjectByHandle(LinkHandle, SYMBOLIC_LINK_QUERY,
                                                ob_symbolic_link_type, mode,
                                                (PVOID *)&link, NULL);

    if (!NT_SUCCESS(status))
        return status;
    __try {
        if (mode == UserMode) {
            ProbeForWrite(LinkTarget, sizeof *LinkTarget, sizeof(ULONG));
            if (ReturnedLength != NULL)
                ProbeForWrite(ReturnedLength, sizeof(ULONG), sizeof(ULONG));
        }
        out = *LinkTarget;
        if (ReturnedLength != NULL)
            *ReturnedLength = link->target.Length;
        if (out.MaximumLength < link->target.Length) {
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            if (mode == UserMode)
                ProbeForWrite(out.Buffer, link->target.Length, sizeof(WCHAR));
            RtlCopyMemory(out.Buffer, link->target.Buffer, link->target.Length);
            LinkTarget->Length = link->target.Length;
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    ObfDereferenceObject(link);
    return status;
}
