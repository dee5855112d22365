/*
 * Waiting and sleeping.
 *
 * The native wait's status is the Win32 result: STATUS_WAIT_0 + i is
 * WAIT_OBJECT_0 + i, STATUS_ABANDONED_WAIT_0 + i is WAIT_ABANDONED_0 + i,
 * STATUS_USER_APC is WAIT_IO_COMPLETION and STATUS_TIMEOUT is
 * WAIT_TIMEOUT. An alertable wait that ends for an alert (NtAlertThread;
 * Win32 itself never alerts) starts again, as on Windows.
 */
#include "win32.h"

/* The Win32 result of a wait that ended with status. */
static DWORD wait_result(NTSTATUS status)
{
    if (!NT_SUCCESS(status)) {
        win32_set_nt_error(status);
        return WAIT_FAILED;
    }
    return (DWORD)status;
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
                                   BOOL bAlertable)
{
    LARGE_INTEGER time;
    PLARGE_INTEGER timeout = win32_timeout(&time, dwMilliseconds);
    NTSTATUS status;

    do
        status = NtWaitForSingleObject(hHandle, bAlertable != FALSE, timeout);
    while (bAlertable && status == STATUS_ALERTED);
    return wait_result(status);
}

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return WaitForSingleObjectEx(hHandle, dwMilliseconds, FALSE);
}

/* More than MAXIMUM_WAIT_OBJECTS handles, or none, fail with
 * ERROR_INVALID_PARAMETER (the native service says so). */
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, CONST HANDLE *lpHandles,
                                      BOOL bWaitAll, DWORD dwMilliseconds,
                                      BOOL bAlertable)
{
    LARGE_INTEGER time;
    PLARGE_INTEGER timeout = win32_timeout(&time, dwMilliseconds);
    NTSTATUS status;

    /* The service only reads the array (it copies it before use). */
    do
        status = NtWaitForMultipleObjects(nCount, (HANDLE *)lpHandles,
                                          bWaitAll ? WaitAll : WaitAny,
                                          bAlertable != FALSE, timeout);
    while (bAlertable && status == STATUS_ALERTED);
    return wait_result(status);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, CONST HANDLE *lpHandles,
                                    BOOL bWaitAll, DWORD dwMilliseconds)
{
    return WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds,
                                    FALSE);
}

/*
 * Sleep(0) gives the processor to another ready thread, if any. INFINITE
 * sleeps for the longest relative interval there is (the most negative
 * one), as Windows does.
 */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    LARGE_INTEGER time;
    PLARGE_INTEGER interval = win32_timeout(&time, dwMilliseconds);
    NTSTATUS status;

    if (interval == NULL) {
        time.QuadPart = INT64_MIN;
        interval = &time;
    }
    do
        status = NtDelayExecution(bAlertable != FALSE, interval);
    while (bAlertable && status == STATUS_ALERTED);
    return status == STATUS_USER_APC ? WAIT_IO_COMPLETION : 0;
}

VOID WINAPI Sleep(DWORD dwMilliseconds)
{
    SleepEx(dwMilliseconds, FALSE);
}
