/*
 * The last error, ANSI names, handles, and time.
 */
#include "win32.h"

/* ---- The last error ------------------------------------------------------ */

void win32_set_nt_error(NTSTATUS status)
{
    PTEB teb = NtCurrentTeb();

    teb->LastErrorValue = RtlNtStatusToDosError(status);
    teb->NtlabLastStatus = status;
}

BOOL win32_check(NTSTATUS status)
{
    if (NT_SUCCESS(status))
        return TRUE;
    win32_set_nt_error(status);
    return FALSE;
}

DWORD WINAPI GetLastError(VOID)
{
    return NtCurrentTeb()->LastErrorValue;
}

/* As on Windows, the status behind the last error is left as it was. */
VOID WINAPI SetLastError(DWORD dwErrCode)
{
    NtCurrentTeb()->LastErrorValue = dwErrCode;
}

/* ---- Names --------------------------------------------------------------- */

BOOL win32_widen(LPCSTR text, WCHAR *buffer, USHORT chars, LPCWSTR *out)
{
    ANSI_STRING ansi;
    UNICODE_STRING unicode = {0, (USHORT)(chars * sizeof(WCHAR)), buffer};
    NTSTATUS status;

    *out = NULL;
    if (text == NULL)
        return TRUE;
    RtlInitAnsiString(&ansi, text);
    status = RtlAnsiStringToUnicodeString(&unicode, &ansi, FALSE);
    if (status == STATUS_BUFFER_OVERFLOW) {
        win32_set_nt_error(STATUS_NAME_TOO_LONG);
        return FALSE;
    }
    if (!win32_check(status))
        return FALSE;
    *out = buffer;
    return TRUE;
}

BOOL win32_unicode_name(LPCSTR name, WCHAR buffer[MAX_PATH + 1], LPCWSTR *out)
{
    return win32_widen(name, buffer, MAX_PATH + 1, out);
}

/* ---- Handles ------------------------------------------------------------- */

BOOL WINAPI CloseHandle(HANDLE hObject)
{
    return win32_check(NtClose(hObject));
}

BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle,
                            LPHANDLE lpTargetHandle, DWORD dwDesiredAccess,
                            BOOL bInheritHandle, DWORD dwOptions)
{
    return win32_check(
        NtDuplicateObject(hSourceProcessHandle, hSourceHandle,
                          hTargetProcessHandle, lpTargetHandle, dwDesiredAccess,
                          bInheritHandle ? OBJ_INHERIT : 0, dwOptions));
}

/* ---- Time ---------------------------------------------------------------- */

PLARGE_INTEGER win32_timeout(LARGE_INTEGER *time, DWORD milliseconds)
{
    if (milliseconds == INFINITE)
        return NULL;
    time->QuadPart = -(LONGLONG)milliseconds * 10000;
    return time;
}

/*
 * Reads a time the kernel updates while we read: it writes High2Time, then
 * LowPart, then High1Time, so a read that sees the same high part before
 * and after LowPart saw one value.
 */
static ULONGLONG read_time(volatile const KSYSTEM_TIME *t)
{
    LONG high;
    ULONG low;

    do {
        high = t->High1Time;
        low = t->LowPart;
    } while (high != t->High2Time);
    return ((ULONGLONG)(ULONG)high << 32) | low;
}

/*
 * Windows' definition: the tick count times TickCountMultiplier (the
 * milliseconds per tick, as a fixed-point number with 24 fraction bits),
 * computed in halves so that it does not overflow.
 */
ULONGLONG WINAPI GetTickCount64(VOID)
{
    ULONGLONG ticks = read_time(&USER_SHARED_DATA->TickCount);
    ULONGLONG multiplier = USER_SHARED_DATA->TickCountMultiplier;

    return (((ticks & 0xFFFFFFFFu) * multiplier) >> 24) +
           (((ticks >> 32) * multiplier) << 8);
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount)
{
    lpPerformanceCount->QuadPart =
        (LONGLONG)read_time(&USER_SHARED_DATA->InterruptTime);
    return TRUE;
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency)
{
    lpFrequency->QuadPart = 10000000; /* the interrupt time's 100 ns */
    return TRUE;
}

DWORD WINAPI GetTickCount(VOID)
{
    return (DWORD)GetTickCount64();
}

VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime)
{
    ULONGLONG now = read_time(&USER_SHARED_DATA->SystemTime);

    lpSystemTimeAsFileTime->dwLowDateTime = (DWORD)now;
    lpSystemTimeAsFileTime->dwHighDateTime = (DWORD)(now >> 32);
}
