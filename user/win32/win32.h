/*
 * What the files of ntlab's Win32 subset share: recording a failure for
 * GetLastError, and turning Win32 arguments into native ones.
 */
#ifndef USER_WIN32_H
#define USER_WIN32_H

#include <windows.h>

/* Records status (a failure) as the thread's last error: the Win32 code in
 * LastErrorValue, the status in NtlabLastStatus. */
void win32_set_nt_error(NTSTATUS status);

/* TRUE if status is a success; else records it and returns FALSE. */
BOOL win32_check(NTSTATUS status);

/* Converts an ANSI name (may be NULL: *out is NULL) into buffer, as the A
 * functions do, and points *out at it; FALSE, with the last error set
 * (ERROR_FILENAME_EXCED_RANGE when it is longer than MAX_PATH), if it
 * cannot. */
BOOL win32_unicode_name(LPCSTR name, WCHAR buffer[MAX_PATH + 1], LPCWSTR *out);

/* The same for any text, into buffer of chars WCHARs (at most 32767). */
BOOL win32_widen(LPCSTR text, WCHAR *buffer, USHORT chars, LPCWSTR *out);

/* The NT name of a Win32 path (\\.\X, \\?\X, UNC, or a DOS path made
 * full from the current directory, C:\), in a process heap buffer the
 * caller frees with RtlFreeHeap. */
NTSTATUS win32_nt_name(LPCWSTR path, UNICODE_STRING *name);

/* The native timeout for milliseconds, stored in *time: NULL for INFINITE
 * (no timeout), else a relative interval. */
PLARGE_INTEGER win32_timeout(LARGE_INTEGER *time, DWORD milliseconds);

#endif
