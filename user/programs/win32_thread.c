/*
 * Win32 threads, user APCs and sleeping: CreateThread's thread runs, has
 * the ID CreateThread reported, and its handle is signalled when it ends;
 * QueueUserAPC's routine runs only in alertable waits and sleeps, which
 * then return WAIT_IO_COMPLETION.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <windows.h>
#include <stdio.h>

#define PROGRAM "win32_thread"
#include "win32_check.h"

/* ---- Threads ------------------------------------------------------------- */

static HANDLE started, go;
static volatile DWORD worker_id;
static volatile int after_exit_thread;

static DWORD WINAPI worker(LPVOID parameter)
{
    worker_id = GetCurrentThreadId();
    SetEvent(started);
    WaitForSingleObject(go, INFINITE);
    return (DWORD)(ULONG_PTR)parameter;
}

static DWORD WINAPI exits_early(LPVOID parameter)
{
    (void)parameter;
    ExitThread(3);
    after_exit_thread = 1;
    return 0;
}

static int threads(void)
{
    HANDLE thread;
    DWORD id = 0;

    CHECK(1, GetCurrentThread() == (HANDLE)(LONG_PTR)-2);
    CHECK(2, GetCurrentThreadId() ==
                 (DWORD)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueThread);
    started = CreateEventW(NULL, FALSE, FALSE, NULL);
    go = CreateEventW(NULL, TRUE, FALSE, NULL);
    CHECK(3, started != NULL && go != NULL);
    thread = CreateThread(NULL, 0, worker, (LPVOID)7, 0, &id);
    CHECK(4, thread != NULL);
    CHECK(5, WaitForSingleObject(started, 5000) == WAIT_OBJECT_0);
    CHECK(6, id != 0 && id == worker_id && id != GetCurrentThreadId());
    /* It waits for go: its handle is not signalled yet. */
    CHECK(7, WaitForSingleObject(thread, 20) == WAIT_TIMEOUT);
    CHECK(8, SetEvent(go) && WaitForSingleObject(thread, 5000) == 0);
    CHECK(9, CloseHandle(thread));

    thread = CreateThread(NULL, 64 * 1024, exits_early, NULL,
                          STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
    CHECK(10, thread != NULL &&
                  WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0 &&
                  after_exit_thread == 0);
    CHECK(11, CloseHandle(thread));
    FAILS(12, CreateThread(NULL, 0, worker, NULL, CREATE_SUSPENDED, &id), NULL,
          ERROR_INVALID_PARAMETER);
    return 0;
}

/* ---- User APCs ----------------------------------------------------------- */

static volatile int apc_runs;
static volatile ULONG_PTR apc_data;
static volatile DWORD apc_thread;

static VOID NTAPI apc(ULONG_PTR data)
{
    apc_runs++;
    apc_data = data;
    apc_thread = GetCurrentThreadId();
}

static volatile DWORD alertable_result;

static DWORD WINAPI wait_alertably(LPVOID event)
{
    SetEvent(started);
    alertable_result = WaitForSingleObjectEx(event, INFINITE, TRUE);
    return 0;
}

static DWORD WINAPI sleep_alertably(LPVOID unused)
{
    (void)unused;
    SetEvent(started);
    alertable_result = SleepEx(INFINITE, TRUE);
    return 0;
}

/* Queues apc(data) to a new thread running routine once it has started,
 * and waits for the thread to end. */
static BOOL apc_to_thread(LPTHREAD_START_ROUTINE routine, HANDLE event,
                          ULONG_PTR data)
{
    HANDLE thread = CreateThread(NULL, 0, routine, event, 0, NULL);
    BOOL ok;

    if (thread == NULL)
        return FALSE;
    ok = WaitForSingleObject(started, 5000) == WAIT_OBJECT_0 &&
         QueueUserAPC(apc, thread, data) != 0 &&
         WaitForSingleObject(thread, 5000) == WAIT_OBJECT_0;
    CloseHandle(thread);
    return ok;
}

static int apcs(void)
{
    HANDLE never = CreateEventW(NULL, TRUE, FALSE, NULL);

    CHECK(20, QueueUserAPC(apc, GetCurrentThread(), 1234) != 0);
    Sleep(10);
    CHECK(21, SleepEx(10, FALSE) == 0 && apc_runs == 0);
    CHECK(22, WaitForSingleObject(never, 10) == WAIT_TIMEOUT && apc_runs == 0);
    CHECK(23, SleepEx(5000, TRUE) == WAIT_IO_COMPLETION);
    CHECK(24, apc_runs == 1 && apc_data == 1234 &&
                  apc_thread == GetCurrentThreadId());
    /* A pending APC ends even a wait with no time to wait. */
    CHECK(25, QueueUserAPC(apc, GetCurrentThread(), 5) != 0);
    CHECK(26, WaitForSingleObjectEx(never, 0, TRUE) == WAIT_IO_COMPLETION &&
                  apc_runs == 2 && apc_data == 5);
    CHECK(27, QueueUserAPC(apc, GetCurrentThread(), 6) != 0);
    CHECK(28, WaitForMultipleObjectsEx(1, &never, FALSE, INFINITE, TRUE) ==
                      WAIT_IO_COMPLETION &&
                  apc_runs == 3);
    /* To other threads, in an alertable wait and an endless sleep. */
    CHECK(29, apc_to_thread(wait_alertably, never, 7) &&
                  alertable_result == WAIT_IO_COMPLETION && apc_runs == 4 &&
                  apc_data == 7 && apc_thread != GetCurrentThreadId());
    CHECK(30, apc_to_thread(sleep_alertably, NULL, 8) &&
                  alertable_result == WAIT_IO_COMPLETION && apc_runs == 5 &&
                  apc_data == 8);
    FAILS(31, QueueUserAPC(apc, (HANDLE)(ULONG_PTR)0x1230, 0), 0,
          ERROR_INVALID_HANDLE);
    CHECK(32, CloseHandle(never));
    return 0;
}

int main(void)
{
    int failed;

    if ((failed = threads()) != 0 || (failed = apcs()) != 0)
        return failed;
    Sleep(0);
    return 0;
}
