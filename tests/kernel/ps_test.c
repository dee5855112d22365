/*
 * Processes and threads: system threads and their handles, IDs and lookup,
 * what a thread sees of its process, and the end of threads and processes.
 */
#include "../../kernel/ob/ob.h"
#include "kt_util.h"

static struct {
    PEPROCESS process;
    HANDLE process_id;
    HANDLE thread_id;
    KIRQL irql;
    NTSTATUS user_read;
} seen;

static VOID look_around(PVOID context)
{
    UNREFERENCED_PARAMETER(context);
    seen.process = PsGetCurrentProcess();
    seen.process_id = PsGetCurrentProcessId();
    seen.thread_id = PsGetCurrentThreadId();
    seen.irql = KeGetCurrentIrql();
}

KTEST(ps, system_threads_run_in_the_system_process_and_return_a_handle)
{
    HANDLE h;
    CLIENT_ID cid;
    PETHREAD thread;

    RtlZeroMemory(&seen, sizeof seen);
    KT_ASSERT(NT_SUCCESS(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL,
                                              &cid, look_around, NULL)));
    KT_EXPECT_EQ(ZwWaitForSingleObject(h, FALSE, NULL), STATUS_SUCCESS);
    KT_EXPECT_PTR_EQ(seen.process, PsInitialSystemProcess);
    KT_EXPECT_PTR_EQ(seen.process_id, 4);
    KT_EXPECT_PTR_EQ(seen.thread_id, cid.UniqueThread);
    KT_EXPECT_PTR_EQ(cid.UniqueProcess, 4);
    KT_EXPECT_EQ(seen.irql, PASSIVE_LEVEL);
    KT_ASSERT(NT_SUCCESS(ObReferenceObjectByHandle(
        h, 0, *PsThreadType, KernelMode, (PVOID *)&thread, NULL)));
    KT_EXPECT(PsIsSystemThread(thread));
    KT_EXPECT_PTR_EQ(PsGetThreadId(thread), cid.UniqueThread);
    ObDereferenceObject(thread);
    ZwClose(h);
}

/* A kernel-mode thread in another process sees that process as its own. */
KTEST(ps, a_system_thread_may_run_in_another_process)
{
    EPROCESS *process = kt_make_process("host");
    HANDLE to_process, h;

    KT_ASSERT(process != NULL);
    KT_ASSERT(NT_SUCCESS(ObOpenObjectByPointer(
        process, OBJ_KERNEL_HANDLE, NULL, PROCESS_ALL_ACCESS, *PsProcessType,
        KernelMode, &to_process)));
    RtlZeroMemory(&seen, sizeof seen);
    KT_ASSERT(NT_SUCCESS(PsCreateSystemThread(
        &h, THREAD_ALL_ACCESS, NULL, to_process, NULL, look_around, NULL)));
    ZwWaitForSingleObject(h, FALSE, NULL);
    KT_EXPECT_PTR_EQ(seen.process, process);
    KT_EXPECT_PTR_EQ(seen.process_id, PsGetProcessId(process));
    ZwClose(h);
    ZwClose(to_process);
    kt_delete_process(process);
}

static VOID end_with(PVOID status)
{
    PsTerminateSystemThread((NTSTATUS)(ULONG_PTR)status);
    KT_EXPECT(FALSE); /* never reached */
}

KTEST(ps, terminate_system_thread_ends_it_with_a_status)
{
    ETHREAD *thread;

    KT_ASSERT(NT_SUCCESS(ps_create_system_thread(
        end_with, (PVOID)(ULONG_PTR)STATUS_CANCELLED, &thread)));
    KeWaitForSingleObject(&thread->Tcb, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT_EQ(thread->ExitStatus, STATUS_CANCELLED);
    ObDereferenceObject(thread);
}

/* ZwQueryInformationThread: a system thread's ID and priority, no TEB,
 * STATUS_PENDING while it runs and its status once it has ended; NT's
 * statuses for another class or length. */
KTEST(ps, query_information_thread)
{
    THREAD_BASIC_INFORMATION info;
    HANDLE handle;
    ULONG length = 0;

    KT_ASSERT_EQ(ZwQueryInformationThread(NtCurrentThread(),
                                          ThreadBasicInformation, &info,
                                          sizeof info, &length),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(length, sizeof info);
    KT_EXPECT_EQ(info.ExitStatus, STATUS_PENDING);
    KT_EXPECT(info.TebBaseAddress == NULL);
    KT_EXPECT(info.ClientId.UniqueThread == PsGetCurrentThreadId());
    KT_EXPECT(info.ClientId.UniqueProcess == PsGetCurrentProcessId());
    KT_EXPECT_EQ(info.Priority, KeQueryPriorityThread(KeGetCurrentThread()));
    KT_EXPECT_EQ(ZwQueryInformationThread(NtCurrentThread(), 1, &info,
                                          sizeof info, NULL),
                 STATUS_INVALID_INFO_CLASS);
    KT_EXPECT_EQ(ZwQueryInformationThread(NtCurrentThread(),
                                          ThreadBasicInformation, &info,
                                          sizeof info - 1, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    KT_ASSERT(NT_SUCCESS(
        PsCreateSystemThread(&handle, THREAD_ALL_ACCESS, NULL, NULL, NULL,
                             end_with, (PVOID)(ULONG_PTR)STATUS_CANCELLED)));
    ZwWaitForSingleObject(handle, FALSE, NULL);
    KT_EXPECT_EQ(ZwQueryInformationThread(handle, ThreadBasicInformation, &info,
                                          sizeof info, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(info.ExitStatus, STATUS_CANCELLED);
    ZwClose(handle);
}

KTEST(ps, lookup_by_id)
{
    EPROCESS *process = kt_make_process("lookup");
    PEPROCESS found;
    PETHREAD thread;

    KT_ASSERT(process != NULL);
    KT_EXPECT_EQ((ULONG_PTR)PsGetProcessId(process) % 4, 0);
    KT_ASSERT(NT_SUCCESS(
        PsLookupProcessByProcessId(PsGetProcessId(process), &found)));
    KT_EXPECT_PTR_EQ(found, process);
    ObDereferenceObject(found);
    KT_ASSERT(
        NT_SUCCESS(PsLookupThreadByThreadId(PsGetCurrentThreadId(), &thread)));
    KT_EXPECT_PTR_EQ(thread, PsGetCurrentThread());
    ObDereferenceObject(thread);
    /* A thread's ID is not a process's. */
    KT_EXPECT_EQ(PsLookupProcessByProcessId(PsGetCurrentThreadId(), &found),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(PsLookupProcessByProcessId((HANDLE)0, &found),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(
        PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)0x7FFFFFF0u, &found),
        STATUS_INVALID_PARAMETER);
    KT_EXPECT_PTR_EQ(found, NULL);
    kt_delete_process(process);
}

/* Once a thread has ended and nobody holds it, its ID is gone, and the
 * next thread may get it. */
KTEST(ps, a_deleted_thread_leaves_no_id)
{
    ETHREAD *thread;
    HANDLE id;
    PETHREAD found;
    LARGE_INTEGER brief = kt_relative(KT_MS(30));

    KT_ASSERT(NT_SUCCESS(ps_create_system_thread(look_around, NULL, &thread)));
    id = PsGetThreadId(thread);
    kt_join(thread); /* drops our reference */
    /* The reaper lets go once the thread has switched away for good. */
    KeDelayExecutionThread(KernelMode, FALSE, &brief);
    KT_EXPECT_EQ(PsLookupThreadByThreadId(id, &found),
                 STATUS_INVALID_PARAMETER);
}

/* Threads come and go without leaking their stacks or objects. */
KTEST(ps, many_threads_come_and_go)
{
    LONG objects = (*PsThreadType)->TotalNumberOfObjects;
    LARGE_INTEGER brief = kt_relative(KT_MS(30));
    ETHREAD *thread;
    int i;

    for (i = 0; i < 200; i++) {
        KT_ASSERT(
            NT_SUCCESS(ps_create_system_thread(look_around, NULL, &thread)));
        kt_join(thread);
    }
    KeDelayExecutionThread(KernelMode, FALSE, &brief);
    KT_EXPECT_EQ((*PsThreadType)->TotalNumberOfObjects, objects);
}

static VOID read_user_memory(PVOID context)
{
    UNREFERENCED_PARAMETER(context);
    seen.user_read = STATUS_SUCCESS;
    __try {
        (void)*(volatile ULONG *)HAL_VA_PTR(0x00400000);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        seen.user_read = GetExceptionCode();
    }
}

/* The System process has no user space: a system thread that reads a user
 * address gets an access violation (for its __try to catch). */
KTEST(ps, a_system_thread_reading_user_memory_gets_an_access_violation)
{
    ETHREAD *thread;

    KT_ASSERT(
        NT_SUCCESS(ps_create_system_thread(read_user_memory, NULL, &thread)));
    kt_join(thread);
    KT_EXPECT_EQ(seen.user_read, STATUS_ACCESS_VIOLATION);
}

/* When its last thread ends, a process's handles and user memory go and it
 * is signalled with that thread's status; the object stays while held. */
static VOID end_process(PVOID status)
{
    PsTerminateSystemThread((NTSTATUS)(ULONG_PTR)status);
}

KTEST(ps, the_last_thread_takes_the_process_with_it)
{
    EPROCESS *process = kt_make_process("ending");
    HANDLE ev, to_process, thread;
    PVOID event;
    KAPC_STATE state;

    KT_ASSERT(process != NULL);
    KT_ASSERT(kt_map_user_page(process, 0x00400000, 0x1234));
    KeStackAttachProcess(&process->Pcb, &state);
    KT_ASSERT(NT_SUCCESS(
        ZwCreateEvent(&ev, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE)));
    KT_ASSERT(NT_SUCCESS(
        ObReferenceObjectByHandle(ev, 0, NULL, KernelMode, &event, NULL)));
    KeUnstackDetachProcess(&state);
    KT_EXPECT_EQ(ob_handle_count(event), 1);
    KT_ASSERT(NT_SUCCESS(ObOpenObjectByPointer(
        process, OBJ_KERNEL_HANDLE, NULL, PROCESS_ALL_ACCESS, *PsProcessType,
        KernelMode, &to_process)));
    KT_ASSERT(NT_SUCCESS(
        PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, to_process, NULL,
                             end_process, (PVOID)(ULONG_PTR)STATUS_ABANDONED)));
    KeWaitForSingleObject(&process->Pcb, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT_EQ(PsGetProcessExitStatus(process), STATUS_ABANDONED);
    KT_EXPECT_EQ(ob_handle_count(event), 0);
    KeStackAttachProcess(&process->Pcb, &state);
    KT_EXPECT(!MmIsAddressValid(HAL_VA_PTR(0x00400000)));
    KeUnstackDetachProcess(&state);
    /* No new threads in a process that has ended. */
    KT_EXPECT_EQ(ps_create_thread(process, look_around, NULL, NULL),
                 STATUS_PROCESS_IS_TERMINATING);
    ObDereferenceObject(event);
    ZwClose(thread);
    ZwClose(to_process);
    kt_delete_process(process);
}

static NTSTATUS terminate_result;

static VOID try_to_terminate(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    terminate_result = PsTerminateSystemThread(STATUS_SUCCESS);
}

/* A thread that is not a system thread (as user threads will be) may not
 * end itself that way. */
KTEST(ps, terminate_system_thread_refuses_other_threads)
{
    EPROCESS *process = kt_make_process("plain");
    ETHREAD *thread;

    KT_ASSERT(process != NULL);
    terminate_result = STATUS_PENDING;
    KT_ASSERT(
        NT_SUCCESS(ps_create_thread(process, try_to_terminate, NULL, &thread)));
    kt_join(thread);
    KT_EXPECT_EQ(terminate_result, STATUS_INVALID_PARAMETER);
    kt_delete_process(process);
}

/* PsCreateSystemThread's handle holds the thread; closing it lets go. */
KTEST(ps, system_thread_handles_leave_nothing_behind)
{
    LONG threads = (*PsThreadType)->TotalNumberOfObjects;
    LARGE_INTEGER brief = kt_relative(KT_MS(30));
    HANDLE h;
    int i;

    for (i = 0; i < 50; i++) {
        KT_ASSERT(NT_SUCCESS(PsCreateSystemThread(
            &h, THREAD_ALL_ACCESS, NULL, NULL, NULL, look_around, NULL)));
        ZwWaitForSingleObject(h, FALSE, NULL);
        ZwClose(h);
    }
    KeDelayExecutionThread(KernelMode, FALSE, &brief);
    KT_EXPECT_EQ((*PsThreadType)->TotalNumberOfObjects, threads);
}
