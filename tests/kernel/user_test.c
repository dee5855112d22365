/*
 * User mode: programs built with ntlab's user runtime (user/programs),
 * run in processes of their own.
 */
#include "../../kernel/ob/ob.h"
#include "kt_util.h"

KTEST(user, hello_runs_and_exits_with_its_status)
{
    KT_EXPECT_EQ(kt_run_program(L"hello.exe", L"hello.exe one two"), 42);
}

KTEST(user, a_missing_program_is_not_found)
{
    KT_EXPECT_EQ(kt_run_program(L"nosuch.exe", L"nosuch.exe"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

/* An event named \BaseNamedObjects\name (made if missing). */
static HANDLE named_event(const WCHAR *name)
{
    UNICODE_STRING s;
    OBJECT_ATTRIBUTES a;
    HANDLE h = NULL;

    RtlInitUnicodeString(&s, name);
    InitializeObjectAttributes(&a, &s, OBJ_OPENIF | OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    ZwCreateEvent(&h, EVENT_ALL_ACCESS, &a, NotificationEvent, FALSE);
    return h;
}

static ULONG read_user_word_in(HANDLE process_handle, ULONG va)
{
    PEPROCESS process;
    KAPC_STATE state;
    ULONG value = 0;

    if (NT_SUCCESS(ObReferenceObjectByHandle(process_handle, 0, *PsProcessType,
                                             KernelMode, (PVOID *)&process,
                                             NULL))) {
        KeStackAttachProcess(&process->Pcb, &state);
        value = *(volatile ULONG *)HAL_VA_PTR(va);
        KeUnstackDetachProcess(&state);
        ObDereferenceObject(process);
    }
    return value;
}

/* Two processes write different values at the same user address: each
 * reads back its own, and kernel code attached to one or the other sees
 * that one's. */
KTEST(user, two_processes_have_their_own_memory_at_the_same_address)
{
    HANDLE go = named_event(L"\\BaseNamedObjects\\SameAddrGo");
    HANDLE ready[2] = {
        named_event(L"\\BaseNamedObjects\\SameAddrReady-0xAAAA1111"),
        named_event(L"\\BaseNamedObjects\\SameAddrReady-0xBBBB2222")};
    HANDLE a, b;

    KT_ASSERT(go != NULL && ready[0] != NULL && ready[1] != NULL);
    KT_ASSERT(NT_SUCCESS(
        kt_start_program(L"sameaddr.exe", L"sameaddr.exe 0xAAAA1111", &a)));
    KT_ASSERT(NT_SUCCESS(
        kt_start_program(L"sameaddr.exe", L"sameaddr.exe 0xBBBB2222", &b)));
    KT_EXPECT_EQ(ZwWaitForMultipleObjects(2, ready, WaitAll, FALSE, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(read_user_word_in(a, 0x10000000), 0xAAAA1111);
    KT_EXPECT_EQ(read_user_word_in(b, 0x10000000), 0xBBBB2222);
    ZwSetEvent(go, NULL);
    KT_EXPECT_EQ(kt_wait_program(a), 0);
    KT_EXPECT_EQ(kt_wait_program(b), 0);
    ZwClose(go);
    ZwClose(ready[0]);
    ZwClose(ready[1]);
}

/* Runs usehandle.exe with handle's value; returns its exit status. */
static NTSTATUS use_handle_elsewhere(HANDLE handle)
{
    WCHAR line[64];
    UNICODE_STRING s = {0, sizeof line, line};
    CHAR text[40];
    ANSI_STRING t;

    rtl_snprintf(text, sizeof text, "usehandle.exe 0x%p", handle);
    RtlInitAnsiString(&t, text);
    RtlAnsiStringToUnicodeString(&s, &t, FALSE); /* NUL-terminated */
    return kt_run_program(L"usehandle.exe", line);
}

/* A handle value from process A means nothing in process B, or B's own
 * object: never A's. */
KTEST(user, a_handle_from_another_process_is_not_its_object)
{
    EPROCESS *a = kt_make_process("procA");
    KAPC_STATE state;
    HANDLE in_a;
    PKEVENT event;

    KT_ASSERT(a != NULL);
    KeStackAttachProcess(&a->Pcb, &state);
    KT_ASSERT(NT_SUCCESS(ZwCreateEvent(&in_a, EVENT_ALL_ACCESS, NULL,
                                       NotificationEvent, FALSE)));
    KT_ASSERT(NT_SUCCESS(ObReferenceObjectByHandle(in_a, 0, NULL, KernelMode,
                                                   (PVOID *)&event, NULL)));
    KeUnstackDetachProcess(&state);
    /* B's first handle has the same value: B sets its own event. */
    KT_EXPECT_EQ(use_handle_elsewhere(in_a), 0x100);
    /* A value B never handed out is invalid there. */
    KT_EXPECT_EQ(use_handle_elsewhere((HANDLE)((ULONG_PTR)in_a + 0x40)),
                 STATUS_INVALID_HANDLE);
    KT_EXPECT_EQ(KeReadStateEvent(event), 0);
    ObDereferenceObject(event);
    kt_delete_process(a);
}

/* A kernel handle means nothing to user mode. */
KTEST(user, a_kernel_handle_fails_from_user_mode)
{
    HANDLE h;
    PKEVENT event;
    OBJECT_ATTRIBUTES a;

    InitializeObjectAttributes(&a, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    KT_ASSERT(NT_SUCCESS(
        ZwCreateEvent(&h, EVENT_ALL_ACCESS, &a, NotificationEvent, FALSE)));
    KT_ASSERT(NT_SUCCESS(ObReferenceObjectByHandle(h, 0, NULL, KernelMode,
                                                   (PVOID *)&event, NULL)));
    KT_EXPECT_EQ(use_handle_elsewhere(h), STATUS_INVALID_HANDLE);
    KT_EXPECT_EQ(KeReadStateEvent(event), 0);
    ObDereferenceObject(event);
    ZwClose(h);
}

/* Faults and raised statuses in user mode go to the program's handlers. */
KTEST(user, exceptions_reach_the_programs_handlers)
{
    KT_EXPECT_EQ(kt_run_program(L"exceptions.exe", L"exceptions.exe"), 0);
}

/* An exception nothing handles ends the process with its code; the kernel
 * runs on. */
KTEST(user, an_unhandled_exception_ends_only_the_process)
{
    KT_EXPECT_EQ(kt_run_program(L"crash.exe", L"crash.exe"),
                 STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(kt_run_program(L"hello.exe", L"hello.exe"), 42);
}

KTEST(user, user_apcs_run_in_alertable_waits)
{
    KT_EXPECT_EQ(kt_run_program(L"apcs.exe", L"apcs.exe"), 0);
}

KTEST(user, threads_share_the_process)
{
    KT_EXPECT_EQ(kt_run_program(L"threads.exe", L"threads.exe"), 0);
}

/* Bad pointers, handles and sizes to every service: a status each time
 * (NT's own for the chosen ones), never a stop or a crash. */
KTEST(user, every_service_refuses_bad_arguments_with_a_status)
{
    KT_EXPECT_EQ(kt_run_program(L"badargs.exe", L"badargs.exe"), 0);
}

/* User code that never enters the kernel is preempted at clock ticks: its
 * process's other thread runs, and ends it. */
KTEST(user, a_spinning_thread_is_preempted_and_can_be_ended)
{
    KT_EXPECT_EQ(kt_run_program(L"spin.exe", L"spin.exe"), 0);
}

/* Processes and threads made for programs go away when they end and
 * their handles are closed. */
KTEST(user, programs_leave_no_processes_or_threads_behind)
{
    LONG processes = (*PsProcessType)->TotalNumberOfObjects;
    LONG threads = (*PsThreadType)->TotalNumberOfObjects;
    LARGE_INTEGER brief = kt_relative(KT_MS(50));
    int i;

    for (i = 0; i < 20; i++)
        KT_ASSERT_EQ(kt_run_program(L"threads.exe", L"threads.exe"), 0);
    KeDelayExecutionThread(KernelMode, FALSE, &brief); /* the reaper */
    KT_EXPECT_EQ((*PsProcessType)->TotalNumberOfObjects, processes);
    KT_EXPECT_EQ((*PsThreadType)->TotalNumberOfObjects, threads);
}
