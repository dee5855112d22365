/*
 * The object manager: handles per process and kernel handles, references,
 * names, directories and symbolic links, duplication, and what NtClose
 * does with a bad handle.
 */
#include "../../kernel/mm/pager.h"
#include "../../kernel/ob/ob.h"
#include "kt_util.h"

static OBJECT_ATTRIBUTES attributes_for(UNICODE_STRING *name, const WCHAR *text,
                                        ULONG flags)
{
    OBJECT_ATTRIBUTES a;

    RtlInitUnicodeString(name, text);
    InitializeObjectAttributes(&a, text ? name : NULL, flags, NULL, NULL);
    return a;
}

/* An event named text (NULL: unnamed) and a handle to it. */
static NTSTATUS make_event(const WCHAR *text, ULONG flags, HANDLE *handle)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, text, flags);

    return ZwCreateEvent(handle, EVENT_ALL_ACCESS, &a, NotificationEvent,
                         FALSE);
}

static NTSTATUS open_event(const WCHAR *text, ULONG flags, HANDLE *handle)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, text, flags);

    return ZwOpenEvent(handle, EVENT_ALL_ACCESS, &a);
}

static PVOID object_of(HANDLE handle)
{
    PVOID object = NULL;

    if (NT_SUCCESS(ObReferenceObjectByHandle(handle, 0, NULL, KernelMode,
                                             &object, NULL)))
        ObDereferenceObject(object);
    return object;
}

/* ---- Handles ------------------------------------------------------------- */

KTEST(ob, handles_are_multiples_of_four_and_name_their_object)
{
    HANDLE a, b;
    PVOID object;
    OBJECT_HANDLE_INFORMATION info;

    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &a)));
    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &b)));
    KT_EXPECT(a != NULL && b != NULL && a != b);
    KT_EXPECT_EQ((ULONG_PTR)a % 4, 0);
    KT_EXPECT(NT_SUCCESS(
        ObReferenceObjectByHandle(a, EVENT_MODIFY_STATE, *ExEventObjectType,
                                  KernelMode, &object, &info)));
    KT_EXPECT_PTR_EQ(ob_type_of(object), *ExEventObjectType);
    KT_EXPECT_EQ(info.GrantedAccess, EVENT_ALL_ACCESS);
    KT_EXPECT_EQ(ob_handle_count(object), 1);
    KT_EXPECT_EQ(ob_pointer_count(object), 2); /* the handle's and ours */
    KeSetEvent(object, 0, FALSE);
    KT_EXPECT_EQ(ZwWaitForSingleObject(a, FALSE, NULL), STATUS_SUCCESS);
    ObDereferenceObject(object);
    KT_EXPECT_EQ(ZwClose(a), STATUS_SUCCESS);
    KT_EXPECT_EQ(ZwClose(b), STATUS_SUCCESS);
}

KTEST(ob, the_last_reference_deletes_the_object)
{
    LONG before = (*ExEventObjectType)->TotalNumberOfObjects;
    HANDLE h;
    PVOID object;

    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &h)));
    KT_EXPECT_EQ((*ExEventObjectType)->TotalNumberOfObjects, before + 1);
    KT_ASSERT(NT_SUCCESS(
        ObReferenceObjectByHandle(h, 0, NULL, KernelMode, &object, NULL)));
    ZwClose(h);
    KT_EXPECT_EQ(ob_handle_count(object), 0);
    KT_EXPECT_EQ((*ExEventObjectType)->TotalNumberOfObjects, before + 1);
    ObDereferenceObject(object);
    KT_EXPECT_EQ((*ExEventObjectType)->TotalNumberOfObjects, before);
}

KTEST(ob, wrong_type_and_missing_access_are_refused)
{
    HANDLE h;
    PVOID object;
    PKTHREAD self = KeGetCurrentThread();
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, NULL, 0);

    KT_ASSERT(NT_SUCCESS(
        ZwCreateEvent(&h, SYNCHRONIZE, &a, NotificationEvent, FALSE)));
    KT_EXPECT_EQ(ObReferenceObjectByHandle(h, 0, *PsProcessType, KernelMode,
                                           &object, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
    KT_EXPECT_PTR_EQ(object, NULL);
    KT_EXPECT_EQ(ObReferenceObjectByHandle(h, EVENT_MODIFY_STATE, NULL,
                                           UserMode, &object, NULL),
                 STATUS_ACCESS_DENIED);
    /* Kernel mode is trusted with any access. */
    KT_EXPECT(NT_SUCCESS(ObReferenceObjectByHandle(h, EVENT_MODIFY_STATE, NULL,
                                                   KernelMode, &object, NULL)));
    ObDereferenceObject(object);
    self->PreviousMode = UserMode;
    KT_EXPECT_EQ(NtSetEvent(h, NULL), STATUS_ACCESS_DENIED);
    self->PreviousMode = KernelMode;
    KT_EXPECT_EQ(ZwSetEvent(h, NULL), STATUS_SUCCESS);
    ZwClose(h);
}

/* A handle means something only in the process that made it. */
KTEST(ob, a_handle_from_one_process_is_not_valid_in_another)
{
    EPROCESS *a = kt_make_process("procA"), *b = kt_make_process("procB");
    HANDLE in_a, in_b;
    PVOID object_a, object_b, seen;
    KAPC_STATE state;

    KT_ASSERT(a != NULL && b != NULL);
    KeStackAttachProcess(&a->Pcb, &state);
    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &in_a)));
    object_a = object_of(in_a);
    KeUnstackDetachProcess(&state);

    KeStackAttachProcess(&b->Pcb, &state);
    KT_EXPECT_EQ(
        ObReferenceObjectByHandle(in_a, 0, NULL, KernelMode, &seen, NULL),
        STATUS_INVALID_HANDLE); /* B has no handles yet */
    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &in_b)));
    object_b = object_of(in_b);
    KT_EXPECT_PTR_EQ(in_b, in_a);                /* the same first value ... */
    KT_EXPECT_PTR_EQ(object_of(in_a), object_b); /* ... B's own object */
    KT_EXPECT(object_b != object_a);
    ZwClose(in_b);
    KeUnstackDetachProcess(&state);

    KeStackAttachProcess(&a->Pcb, &state);
    KT_EXPECT_PTR_EQ(object_of(in_a), object_a);
    ZwClose(in_a);
    KeUnstackDetachProcess(&state);
    kt_delete_process(a);
    kt_delete_process(b);
}

/* OBJ_KERNEL_HANDLE: the same handle from any process in kernel mode;
 * nothing from user mode. */
KTEST(ob, kernel_handles_work_from_every_process_in_kernel_mode_only)
{
    EPROCESS *other = kt_make_process("other");
    HANDLE h;
    PVOID object, seen;
    KAPC_STATE state;

    KT_ASSERT(other != NULL);
    KT_ASSERT(NT_SUCCESS(make_event(NULL, OBJ_KERNEL_HANDLE, &h)));
    KT_EXPECT(((ULONG)(ULONG_PTR)h & 0x80000000u) != 0);
    KT_EXPECT((LONG_PTR)h < 0); /* sign-extended, as on 64-bit NT */
    object = object_of(h);
    KeStackAttachProcess(&other->Pcb, &state);
    KT_EXPECT_PTR_EQ(object_of(h), object);
    KT_EXPECT_EQ(ObReferenceObjectByHandle(h, 0, NULL, UserMode, &seen, NULL),
                 STATUS_INVALID_HANDLE);
    KeUnstackDetachProcess(&state);
    KT_EXPECT_EQ(ZwClose(h), STATUS_SUCCESS);
    kt_delete_process(other);
}

/* From user mode OBJ_KERNEL_HANDLE is ignored: the handle is the
 * process's own. And a user caller's pointers must be user addresses. */
KTEST(ob, user_mode_cannot_make_kernel_handles)
{
    PKTHREAD self = KeGetCurrentThread();
    EPROCESS *process = kt_make_process("user");
    struct {
        OBJECT_ATTRIBUTES a;
        HANDLE h;
    } * u;
    PVOID base = NULL;
    SIZE_T size = PAGE_SIZE;
    KAPC_STATE state;
    HANDLE kernel_slot;
    NTSTATUS made, refused;

    KT_ASSERT(process != NULL);
    KeStackAttachProcess(&process->Pcb, &state);
    KT_ASSERT(NT_SUCCESS(
        ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)));
    u = base;
    InitializeObjectAttributes(&u->a, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    self->PreviousMode = UserMode;
    made =
        NtCreateEvent(&u->h, EVENT_ALL_ACCESS, &u->a, NotificationEvent, FALSE);
    refused = NtCreateEvent(&kernel_slot, EVENT_ALL_ACCESS, &u->a,
                            NotificationEvent, FALSE);
    self->PreviousMode = KernelMode;
    KT_EXPECT_EQ(made, STATUS_SUCCESS);
    KT_EXPECT_EQ((ULONG)(ULONG_PTR)u->h & 0x80000000u, 0);
    KT_EXPECT(object_of(u->h) != NULL);
    KT_EXPECT_EQ(refused, STATUS_ACCESS_VIOLATION);
    ZwClose(u->h);
    KeUnstackDetachProcess(&state);
    kt_delete_process(process);
}

KTEST(ob, pseudo_handles_name_the_current_process_and_thread)
{
    PVOID object;

    KT_ASSERT(NT_SUCCESS(ObReferenceObjectByHandle(
        NtCurrentProcess(), 0, *PsProcessType, KernelMode, &object, NULL)));
    KT_EXPECT_PTR_EQ(object, PsGetCurrentProcess());
    ObDereferenceObject(object);
    KT_ASSERT(NT_SUCCESS(ObReferenceObjectByHandle(
        NtCurrentThread(), 0, *PsThreadType, KernelMode, &object, NULL)));
    KT_EXPECT_PTR_EQ(object, PsGetCurrentThread());
    ObDereferenceObject(object);
    KT_EXPECT_EQ(ObReferenceObjectByHandle(NtCurrentThread(), 0, *PsProcessType,
                                           KernelMode, &object, NULL),
                 STATUS_OBJECT_TYPE_MISMATCH);
}

/* ---- Closing ------------------------------------------------------------- */

KTEST(ob, user_mode_close_of_a_bad_handle_is_a_status)
{
    PKTHREAD self = KeGetCurrentThread();
    HANDLE h;
    NTSTATUS twice, bogus;

    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &h)));
    ZwClose(h);
    self->PreviousMode = UserMode;
    twice = NtClose(h);
    bogus = NtClose((HANDLE)(ULONG_PTR)0x12345678);
    self->PreviousMode = KernelMode;
    KT_EXPECT_EQ(twice, STATUS_INVALID_HANDLE);
    KT_EXPECT_EQ(bogus, STATUS_INVALID_HANDLE);
}

/* A kernel-mode close of a handle that is not open is a driver bug. */
KTEST_STOP(ob, kernel_mode_close_of_a_bad_handle, INVALID_KERNEL_HANDLE)
{
    HANDLE h;

    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &h)));
    ZwClose(h);
    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)h, 1, 0, 0);
    ZwClose(h);
}

/* ---- Names --------------------------------------------------------------- */

KTEST(ob, named_objects_are_found_by_name_until_the_last_handle_goes)
{
    HANDLE a, b, c;

    KT_ASSERT(
        NT_SUCCESS(make_event(L"\\BaseNamedObjects\\ObTestEvent", 0, &a)));
    KT_ASSERT(
        NT_SUCCESS(open_event(L"\\BaseNamedObjects\\ObTestEvent", 0, &b)));
    KT_EXPECT(a != b);
    KT_EXPECT_PTR_EQ(object_of(a), object_of(b));
    /* Event names compare with case unless the caller says otherwise. */
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\obtestevent", 0, &c),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT(NT_SUCCESS(open_event(L"\\basenamedobjects\\obtestevent",
                                    OBJ_CASE_INSENSITIVE, &c)));
    ZwClose(c);
    ZwClose(a);
    ZwClose(b);
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\ObTestEvent", 0, &c),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

KTEST(ob, a_second_create_collides_or_opens_with_openif)
{
    HANDLE a, b;

    KT_ASSERT(NT_SUCCESS(make_event(L"\\BaseNamedObjects\\ObTwice", 0, &a)));
    KT_EXPECT_EQ(make_event(L"\\BaseNamedObjects\\ObTwice", 0, &b),
                 STATUS_OBJECT_NAME_COLLISION);
    KT_EXPECT_EQ(make_event(L"\\BaseNamedObjects\\ObTwice", OBJ_OPENIF, &b),
                 STATUS_OBJECT_NAME_EXISTS);
    KT_EXPECT_PTR_EQ(object_of(b), object_of(a));
    ZwClose(b);
    ZwClose(a);
}

KTEST(ob, bad_paths_get_nt_status_codes)
{
    HANDLE h;

    KT_EXPECT_EQ(open_event(L"\\NoSuchDirectory\\X", 0, &h),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\NoSuchEvent", 0, &h),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT_EQ(open_event(L"NoBackslash", 0, &h),
                 STATUS_OBJECT_PATH_SYNTAX_BAD);
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\", 0, &h),
                 STATUS_OBJECT_NAME_INVALID);
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\\\X", 0, &h),
                 STATUS_OBJECT_NAME_INVALID);
    KT_EXPECT_EQ(open_event(L"\\Device", 0, &h), STATUS_OBJECT_TYPE_MISMATCH);
    KT_EXPECT_EQ(make_event(L"\\NoSuchDirectory\\X", 0, &h),
                 STATUS_OBJECT_PATH_NOT_FOUND);
}

KTEST(ob, permanent_objects_keep_their_name_without_handles)
{
    HANDLE h;
    PVOID object;

    KT_ASSERT(NT_SUCCESS(
        make_event(L"\\BaseNamedObjects\\ObKept", OBJ_PERMANENT, &h)));
    object = object_of(h);
    ZwClose(h);
    KT_ASSERT(NT_SUCCESS(open_event(L"\\BaseNamedObjects\\ObKept", 0, &h)));
    KT_EXPECT_PTR_EQ(object_of(h), object);
    KT_EXPECT_EQ(ZwMakeTemporaryObject(h), STATUS_SUCCESS);
    ZwClose(h);
    KT_EXPECT_EQ(open_event(L"\\BaseNamedObjects\\ObKept", 0, &h),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

KTEST(ob, names_are_relative_to_a_root_directory_handle)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, L"\\BaseNamedObjects", 0);
    HANDLE dir, ev, again;

    KT_ASSERT(
        NT_SUCCESS(ZwOpenDirectoryObject(&dir, DIRECTORY_ALL_ACCESS, &a)));
    RtlInitUnicodeString(&name, L"ObRelative");
    InitializeObjectAttributes(&a, &name, 0, dir, NULL);
    KT_ASSERT(NT_SUCCESS(
        ZwCreateEvent(&ev, EVENT_ALL_ACCESS, &a, SynchronizationEvent, TRUE)));
    KT_ASSERT(
        NT_SUCCESS(open_event(L"\\BaseNamedObjects\\ObRelative", 0, &again)));
    KT_EXPECT_PTR_EQ(object_of(again), object_of(ev));
    RtlInitUnicodeString(&name, L"\\Absolute");
    KT_EXPECT_EQ(ZwOpenEvent(&again, EVENT_ALL_ACCESS, &a),
                 STATUS_OBJECT_PATH_SYNTAX_BAD); /* relative names only */
    ZwClose(ev);
    ZwClose(dir);
}

/* Directories live in paged pool: a handle to one is counted in and out
 * while its object may be out of memory, so the counts are kept below
 * DISPATCH_LEVEL, where the page can be brought back. */
KTEST(ob, handles_to_paged_objects_are_counted_while_trimmed)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, L"\\BaseNamedObjects", 0);
    PEPROCESS process = PsGetCurrentProcess();
    HANDLE dir;
    PVOID object;

    KT_ASSERT(
        NT_SUCCESS(ZwOpenDirectoryObject(&dir, DIRECTORY_ALL_ACCESS, &a)));
    object = object_of(dir);
    mm_trim_all(TRUE);
    KT_EXPECT(!(mm_read_pte(HAL_PTR_VA(object)) & X86_PTE_VALID));
    KT_EXPECT_EQ(ob_count_handle(object, process), STATUS_SUCCESS);
    KT_EXPECT_EQ(ob_handle_count(object), 2);
    mm_trim_all(TRUE);
    KT_EXPECT(!(mm_read_pte(HAL_PTR_VA(object)) & X86_PTE_VALID));
    ob_uncount_handle(object, process, 0);
    KT_EXPECT_EQ(ob_handle_count(object), 1);
    ZwClose(dir);
}

KTEST(ob, query_name_gives_the_full_path)
{
    HANDLE h;
    UCHAR buffer[256];
    POBJECT_NAME_INFORMATION info = (POBJECT_NAME_INFORMATION)buffer;
    UNICODE_STRING want;
    ULONG length;

    KT_ASSERT(NT_SUCCESS(make_event(L"\\BaseNamedObjects\\ObNamed", 0, &h)));
    KT_ASSERT(NT_SUCCESS(
        ObQueryNameString(object_of(h), info, sizeof buffer, &length)));
    RtlInitUnicodeString(&want, L"\\BaseNamedObjects\\ObNamed");
    KT_EXPECT(RtlEqualUnicodeString(&info->Name, &want, FALSE));
    KT_EXPECT_EQ(ObQueryNameString(object_of(h), info, 8, &length),
                 STATUS_INFO_LENGTH_MISMATCH);
    KT_EXPECT_EQ(length, sizeof *info + want.Length + sizeof(WCHAR));
    ZwClose(h);
}

/* ---- Symbolic links ------------------------------------------------------ */

KTEST(ob, symbolic_links_are_followed)
{
    UNICODE_STRING name, target;
    OBJECT_ATTRIBUTES a = attributes_for(&name, L"\\??\\ObLink", 0);
    HANDLE link, ev, through, opened;
    WCHAR buffer[64];
    UNICODE_STRING out = {0, sizeof buffer, buffer};
    ULONG length;

    RtlInitUnicodeString(&target, L"\\BaseNamedObjects");
    KT_ASSERT(NT_SUCCESS(ZwCreateSymbolicLinkObject(
        &link, SYMBOLIC_LINK_ALL_ACCESS, &a, &target)));
    KT_ASSERT(NT_SUCCESS(make_event(L"\\BaseNamedObjects\\ObViaLink", 0, &ev)));
    KT_ASSERT(NT_SUCCESS(open_event(L"\\??\\ObLink\\ObViaLink", 0, &through)));
    KT_EXPECT_PTR_EQ(object_of(through), object_of(ev));
    /* \DosDevices is itself a link, to \??. */
    ZwClose(through);
    KT_ASSERT(NT_SUCCESS(
        open_event(L"\\DosDevices\\ObLink\\ObViaLink", 0, &through)));
    KT_EXPECT_PTR_EQ(object_of(through), object_of(ev));
    /* The link itself, with OBJ_OPENLINK. */
    a = attributes_for(&name, L"\\??\\ObLink", OBJ_OPENLINK);
    KT_ASSERT(
        NT_SUCCESS(ZwOpenSymbolicLinkObject(&opened, SYMBOLIC_LINK_QUERY, &a)));
    KT_EXPECT_PTR_EQ(object_of(opened), object_of(link));
    KT_ASSERT(NT_SUCCESS(ZwQuerySymbolicLinkObject(opened, &out, &length)));
    KT_EXPECT(RtlEqualUnicodeString(&out, &target, FALSE));
    KT_EXPECT_EQ(length, target.Length);
    out.MaximumLength = 4;
    KT_EXPECT_EQ(ZwQuerySymbolicLinkObject(opened, &out, &length),
                 STATUS_BUFFER_TOO_SMALL);
    ZwClose(opened);
    ZwClose(through);
    ZwClose(ev);
    ZwClose(link);
}

KTEST(ob, a_link_to_itself_ends)
{
    UNICODE_STRING name, target;
    OBJECT_ATTRIBUTES a = attributes_for(&name, L"\\??\\ObLoop", 0);
    HANDLE link, h;

    RtlInitUnicodeString(&target, L"\\??\\ObLoop");
    KT_ASSERT(NT_SUCCESS(ZwCreateSymbolicLinkObject(
        &link, SYMBOLIC_LINK_ALL_ACCESS, &a, &target)));
    KT_EXPECT_EQ(open_event(L"\\??\\ObLoop\\X", 0, &h),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    ZwClose(link);
}

/* ---- Duplication --------------------------------------------------------- */

/* A handle to process in the current process. */
static HANDLE open_process(EPROCESS *process)
{
    HANDLE h = NULL;

    ObOpenObjectByPointer(process, 0, NULL, PROCESS_ALL_ACCESS, *PsProcessType,
                          KernelMode, &h);
    return h;
}

KTEST(ob, duplicate_into_another_process)
{
    EPROCESS *other = kt_make_process("other");
    HANDLE to_other, ev, dup, same;
    PVOID object;
    KAPC_STATE state;

    KT_ASSERT(other != NULL);
    KT_ASSERT((to_other = open_process(other)) != NULL);
    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &ev)));
    object = object_of(ev);
    KT_ASSERT(NT_SUCCESS(ZwDuplicateObject(NtCurrentProcess(), ev, to_other,
                                           &dup, 0, 0, DUPLICATE_SAME_ACCESS)));
    KT_EXPECT_EQ(ob_handle_count(object), 2);
    KeStackAttachProcess(&other->Pcb, &state);
    KT_EXPECT_PTR_EQ(object_of(dup), object);
    KeUnstackDetachProcess(&state);
    /* Within the process, closing the source. */
    KT_ASSERT(NT_SUCCESS(
        ZwDuplicateObject(NtCurrentProcess(), ev, NtCurrentProcess(), &same, 0,
                          0, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)));
    KT_EXPECT_PTR_EQ(object_of(same), object);
    KT_EXPECT_EQ(ob_handle_count(object), 2);
    ZwClose(same);
    ZwClose(to_other);
    kt_delete_process(other); /* its handle table goes with it */
}

/* A process's handles close when it ends. */
KTEST(ob, handles_close_when_the_process_ends)
{
    EPROCESS *other = kt_make_process("other");
    HANDLE to_other, ev, dup;
    PVOID object;

    KT_ASSERT(other != NULL);
    KT_ASSERT((to_other = open_process(other)) != NULL);
    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &ev)));
    object = object_of(ev);
    KT_ASSERT(NT_SUCCESS(ZwDuplicateObject(NtCurrentProcess(), ev, to_other,
                                           &dup, 0, 0, DUPLICATE_SAME_ACCESS)));
    KT_EXPECT_EQ(ob_handle_count(object), 2);
    ZwClose(to_other);
    kt_delete_process(other);
    KT_EXPECT_EQ(ob_handle_count(object), 1);
    ZwClose(ev);
}

/* ---- Waits by handle ----------------------------------------------------- */

KTEST(ob, wait_for_multiple_handles)
{
    HANDLE h[2];
    LARGE_INTEGER zero = {.QuadPart = 0};
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a = attributes_for(&name, NULL, 0);

    KT_ASSERT(NT_SUCCESS(make_event(NULL, 0, &h[0])));
    KT_ASSERT(
        NT_SUCCESS(ZwCreateSemaphore(&h[1], SEMAPHORE_ALL_ACCESS, &a, 1, 2)));
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(2, h, WaitAny, FALSE, &zero),
                 STATUS_WAIT_0 + 1);
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(2, h, WaitAll, FALSE, &zero),
                 STATUS_TIMEOUT);
    ZwSetEvent(h[0], NULL);
    ZwReleaseSemaphore(h[1], 1, NULL);
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(2, h, WaitAll, FALSE, &zero),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(0, h, WaitAll, FALSE, &zero),
                 STATUS_INVALID_PARAMETER_1);
    ZwClose(h[1]);
    h[1] = h[0];
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(2, h, WaitAll, FALSE, &zero),
                 STATUS_INVALID_PARAMETER_MIX);
    ZwClose(h[0]);
}
