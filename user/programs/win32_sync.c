/*
 * Win32 events, mutexes, semaphores and waits: named objects are created,
 * found again (ERROR_ALREADY_EXISTS) and opened by name; waits time out,
 * pick the signalled object, and see abandoned mutexes; failures set
 * GetLastError.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define PROGRAM "win32_sync"
#include "win32_check.h"

#define NAME L"Win32SyncEvent"

/* ---- Named events -------------------------------------------------------- */

static int named_events(void)
{
    HANDLE a, b, c, d;
    char long_name[300];

    SetLastError(12345);
    a = CreateEventW(NULL, TRUE, FALSE, NAME);
    CHECK(1, a != NULL && GetLastError() == ERROR_SUCCESS);
    b = CreateEventW(NULL, FALSE, TRUE, NAME);
    CHECK(2, b != NULL && b != a && GetLastError() == ERROR_ALREADY_EXISTS);
    /* The second create opened the first event: its state is untouched. */
    CHECK(3, WaitForSingleObject(b, 0) == WAIT_TIMEOUT);
    c = OpenEventA(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, "Win32SyncEvent");
    CHECK(4, c != NULL && SetEvent(c));
    /* Manual reset: it stays signalled until reset. */
    CHECK(5, WaitForSingleObject(a, 0) == WAIT_OBJECT_0 &&
                 WaitForSingleObject(b, 0) == WAIT_OBJECT_0);
    CHECK(6, ResetEvent(b) && WaitForSingleObject(a, 0) == WAIT_TIMEOUT);
    d = OpenEventW(SYNCHRONIZE, FALSE, L"Global\\" NAME);
    CHECK(7, d != NULL && SetEvent(a) && WaitForSingleObject(d, 0) == 0);
    FAILS(8, OpenEventW(SYNCHRONIZE, FALSE, L"win32syncevent"), NULL,
          ERROR_FILE_NOT_FOUND);
    FAILS(9, CreateMutexW(NULL, FALSE, NAME), NULL, ERROR_INVALID_HANDLE);
    FAILS(10, CreateEventW(NULL, TRUE, FALSE, L"NoDir\\X"), NULL,
          ERROR_PATH_NOT_FOUND);
    FAILS(11, OpenEventW(SYNCHRONIZE, FALSE, NULL), NULL,
          ERROR_INVALID_PARAMETER);
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    FAILS(12, CreateEventA(NULL, TRUE, FALSE, long_name), NULL,
          ERROR_FILENAME_EXCED_RANGE);
    CHECK(13,
          CloseHandle(a) && CloseHandle(b) && CloseHandle(c) && CloseHandle(d));
    /* The name went with the last handle. */
    FAILS(14, OpenEventW(SYNCHRONIZE, FALSE, NAME), NULL, ERROR_FILE_NOT_FOUND);
    return 0;
}

/* ---- Waits --------------------------------------------------------------- */

static int waits(void)
{
    HANDLE both[2], many[MAXIMUM_WAIT_OBJECTS + 1];
    HANDLE automatic = CreateEventW(NULL, FALSE, TRUE, NULL);
    DWORD start, i;

    CHECK(20, automatic != NULL);
    CHECK(21, WaitForSingleObject(automatic, 0) == WAIT_OBJECT_0 &&
                  WaitForSingleObject(automatic, 0) == WAIT_TIMEOUT);
    start = GetTickCount();
    CHECK(22, WaitForSingleObject(automatic, 50) == WAIT_TIMEOUT);
    CHECK(23, GetTickCount() - start >= 40);

    both[0] = automatic;
    both[1] = CreateEventA(NULL, TRUE, TRUE, NULL);
    CHECK(24, both[1] != NULL);
    CHECK(25, WaitForMultipleObjects(2, both, FALSE, 0) == WAIT_OBJECT_0 + 1);
    CHECK(26, WaitForMultipleObjects(2, both, TRUE, 10) == WAIT_TIMEOUT);
    CHECK(27, SetEvent(automatic) &&
                  WaitForMultipleObjects(2, both, TRUE, 0) == WAIT_OBJECT_0);
    /* Waiting for all took the auto-reset event. */
    CHECK(28, WaitForSingleObject(automatic, 0) == WAIT_TIMEOUT);
    /* A pulse with nobody waiting leaves the event as it was: reset. */
    CHECK(29, PulseEvent(both[1]) &&
                  WaitForSingleObject(both[1], 0) == WAIT_TIMEOUT);
    FAILS(30, WaitForMultipleObjects(0, both, FALSE, 0), WAIT_FAILED,
          ERROR_INVALID_PARAMETER);
    for (i = 0; i < ARRAYSIZE(many); i++)
        many[i] = automatic;
    FAILS(31, WaitForMultipleObjects(ARRAYSIZE(many), many, FALSE, 0),
          WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK(32, CloseHandle(automatic) && CloseHandle(both[1]));
    return 0;
}

/* ---- Mutexes ------------------------------------------------------------- */

static DWORD WINAPI take_and_leave(LPVOID mutex)
{
    return WaitForSingleObject(mutex, INFINITE);
}

static volatile DWORD foreign_release_error;

static DWORD WINAPI release_foreign(LPVOID mutex)
{
    foreign_release_error = ReleaseMutex(mutex) ? 0 : GetLastError();
    return 0;
}

static volatile LONG counter;

static DWORD WINAPI count_under_mutex(LPVOID mutex)
{
    int i;

    for (i = 0; i < 100; i++) {
        LONG seen;

        if (WaitForSingleObject(mutex, INFINITE) != WAIT_OBJECT_0)
            return 1;
        seen = counter;
        Sleep(0); /* let the others try to get in */
        counter = seen + 1;
        ReleaseMutex(mutex);
    }
    return 0;
}

static BOOL run_threads(int n, LPTHREAD_START_ROUTINE routine, LPVOID arg)
{
    HANDLE threads[8];
    int i;
    BOOL ok = TRUE;

    for (i = 0; i < n; i++)
        if ((threads[i] = CreateThread(NULL, 0, routine, arg, 0, NULL)) == NULL)
            return FALSE;
    ok = WaitForMultipleObjects(n, threads, TRUE, 10000) == WAIT_OBJECT_0;
    for (i = 0; i < n; i++)
        CloseHandle(threads[i]);
    return ok;
}

static int mutexes(void)
{
    HANDLE m = CreateMutexW(NULL, TRUE, L"Win32SyncMutex"), opened;

    CHECK(40, m != NULL && GetLastError() == ERROR_SUCCESS);
    /* The owner may take it again, and must release it as often. */
    CHECK(41, WaitForSingleObject(m, 0) == WAIT_OBJECT_0);
    CHECK(42, run_threads(1, release_foreign, m) &&
                  foreign_release_error == ERROR_NOT_OWNER);
    CHECK(43, ReleaseMutex(m) && ReleaseMutex(m));
    FAILS(44, ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    opened =
        OpenMutexA(SYNCHRONIZE | MUTEX_MODIFY_STATE, FALSE, "Win32SyncMutex");
    CHECK(45, opened != NULL);
    /* A thread that ends owning it abandons it. */
    CHECK(46, run_threads(1, take_and_leave, opened));
    CHECK(47, WaitForSingleObject(m, 1000) == WAIT_ABANDONED_0);
    CHECK(48, ReleaseMutex(opened));
    counter = 0;
    CHECK(49, run_threads(4, count_under_mutex, m) && counter == 400);
    CHECK(50, CloseHandle(m) && CloseHandle(opened));
    return 0;
}

/* ---- Semaphores ---------------------------------------------------------- */

static int semaphores(void)
{
    HANDLE s = CreateSemaphoreA(NULL, 1, 2, "Win32SyncSemaphore"), opened;
    LONG previous = -1;

    CHECK(60, s != NULL);
    CHECK(61, WaitForSingleObject(s, 0) == WAIT_OBJECT_0 &&
                  WaitForSingleObject(s, 0) == WAIT_TIMEOUT);
    CHECK(62, ReleaseSemaphore(s, 2, &previous) && previous == 0);
    FAILS(63, ReleaseSemaphore(s, 1, &previous), FALSE, ERROR_TOO_MANY_POSTS);
    opened = OpenSemaphoreW(SYNCHRONIZE, FALSE, L"Win32SyncSemaphore");
    CHECK(64, opened != NULL);
    CHECK(65, WaitForSingleObject(opened, 0) == WAIT_OBJECT_0 &&
                  WaitForSingleObject(opened, 0) == WAIT_OBJECT_0 &&
                  WaitForSingleObject(s, 0) == WAIT_TIMEOUT);
    FAILS(66, CreateSemaphoreW(NULL, 3, 2, NULL), NULL,
          ERROR_INVALID_PARAMETER);
    SetLastError(0);
    FAILS(67, ReleaseSemaphore(opened, 1, NULL), FALSE, ERROR_ACCESS_DENIED);
    CHECK(68, CloseHandle(s) && CloseHandle(opened));
    return 0;
}

int main(void)
{
    int failed;

    if ((failed = named_events()) != 0 || (failed = waits()) != 0 ||
        (failed = mutexes()) != 0 || (failed = semaphores()) != 0)
        return failed;
    return 0;
}
