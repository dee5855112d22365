/*
 * Threads and user APCs.
 *
 * A Win32 thread routine, DWORD WINAPI (LPVOID), has the native start
 * routine's calling convention, so the kernel starts it directly (through
 * RtlUserThreadStart, which ends the thread with what it returns). Only
 * when the caller wants the thread's ID does the thread start in
 * start_reporting_id: NtCreateThreadEx does not say what the ID is, so the
 * new thread reads it from its own TEB and hands it over.
 */
#include "win32.h"

/* What CreateThread and a new thread that reports its ID share (on the
 * creator's stack: the creator waits until the thread has reported). */
typedef struct thread_start {
    LPTHREAD_START_ROUTINE routine;
    LPVOID parameter;
    HANDLE reported; /* an event, set once id is stored */
    DWORD id;
} thread_start;

static DWORD WINAPI start_reporting_id(LPVOID argument)
{
    thread_start *start = argument;
    LPTHREAD_START_ROUTINE routine = start->routine;
    LPVOID parameter = start->parameter;

    start->id = GetCurrentThreadId();
    /* After this, start may be gone. */
    NtSetEvent(start->reported, NULL);
    return routine(parameter);
}

/* Starts the thread; *start is on the caller's stack. */
static NTSTATUS create_thread(POBJECT_ATTRIBUTES attributes, SIZE_T stack,
                              thread_start *start, BOOL want_id, HANDLE *thread)
{
    HANDLE both[2];
    NTSTATUS status;

    if (!want_id)
        return NtCreateThreadEx(thread, THREAD_ALL_ACCESS, attributes,
                                NtCurrentProcess(), (PVOID)start->routine,
                                start->parameter, 0, 0, stack, 0, NULL);
    status = NtCreateEvent(&start->reported, EVENT_ALL_ACCESS, NULL,
                           NotificationEvent, FALSE);
    if (!NT_SUCCESS(status))
        return status;
    status = NtCreateThreadEx(thread, THREAD_ALL_ACCESS, attributes,
                              NtCurrentProcess(), (PVOID)start_reporting_id,
                              start, 0, 0, stack, 0, NULL);
    if (NT_SUCCESS(status)) {
        /* A thread ended before it ran (terminated) has no ID to give. */
        both[0] = start->reported;
        both[1] = *thread;
        NtWaitForMultipleObjects(2, both, WaitAny, FALSE, NULL);
    }
    NtClose(start->reported);
    return status;
}

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
                           SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress,
                           LPVOID lpParameter, DWORD dwCreationFlags,
                           LPDWORD lpThreadId)
{
    thread_start start = {lpStartAddress, lpParameter, NULL, 0};
    OBJECT_ATTRIBUTES attributes;
    HANDLE thread;

    if ((dwCreationFlags & ~STACK_SIZE_PARAM_IS_A_RESERVATION) != 0) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return NULL;
    }
    InitializeObjectAttributes(&attributes, NULL,
                               lpThreadAttributes != NULL &&
                                       lpThreadAttributes->bInheritHandle
                                   ? OBJ_INHERIT
                                   : 0,
                               NULL, NULL);
    if (!win32_check(create_thread(&attributes, dwStackSize, &start,
                                   lpThreadId != NULL, &thread)))
        return NULL;
    if (lpThreadId != NULL)
        *lpThreadId = start.id;
    return thread;
}

VOID WINAPI ExitThread(DWORD dwExitCode)
{
    RtlExitUserThread((NTSTATUS)dwExitCode);
}

HANDLE WINAPI GetCurrentThread(VOID)
{
    return NtCurrentThread();
}

DWORD WINAPI GetCurrentThreadId(VOID)
{
    return (DWORD)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueThread;
}

/* The native APC routine gets three arguments; a Win32 one gets one. */
static VOID NTAPI run_user_apc(PVOID routine, PVOID data, PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    ((PAPCFUNC)routine)((ULONG_PTR)data);
}

DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
    return win32_check(NtQueueApcThread(hThread, run_user_apc, (PVOID)pfnAPC,
                                        (PVOID)dwData, NULL));
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode)
{
    THREAD_BASIC_INFORMATION info;

    if (!win32_check(NtQueryInformationThread(hThread, ThreadBasicInformation,
                                              &info, sizeof info, NULL)))
        return FALSE;
    *lpExitCode = (DWORD)info.ExitStatus; /* STATUS_PENDING: STILL_ACTIVE */
    return TRUE;
}
