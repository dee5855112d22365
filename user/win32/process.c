/*
 * Processes: the current one, opening others by ID, their exit codes, and
 * ending them.
 */
#include "win32.h"

/* Ends the other threads first, then the process with the caller, as
 * Windows does (ntlab has no DLLs to tell in between). */
VOID WINAPI ExitProcess(UINT uExitCode)
{
    NtTerminateProcess(NULL, (NTSTATUS)uExitCode);
    NtTerminateProcess(NtCurrentProcess(), (NTSTATUS)uExitCode);
    for (;;)
        ;
}

/* A NULL handle would mean "the other threads of this process" to the
 * native service; to Win32 it is no handle. */
BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode)
{
    if (hProcess == NULL) {
        win32_set_nt_error(STATUS_INVALID_HANDLE);
        return FALSE;
    }
    return win32_check(NtTerminateProcess(hProcess, (NTSTATUS)uExitCode));
}

BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode)
{
    PROCESS_BASIC_INFORMATION info;

    if (!win32_check(NtQueryInformationProcess(
            hProcess, ProcessBasicInformation, &info, sizeof info, NULL)))
        return FALSE;
    *lpExitCode = (DWORD)info.ExitStatus; /* STATUS_PENDING: STILL_ACTIVE */
    return TRUE;
}

HANDLE WINAPI GetCurrentProcess(VOID)
{
    return NtCurrentProcess();
}

DWORD WINAPI GetCurrentProcessId(VOID)
{
    return (DWORD)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueProcess;
}

/* An ID that names no process fails with ERROR_INVALID_PARAMETER. */
HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
                          DWORD dwProcessId)
{
    OBJECT_ATTRIBUTES attributes;
    CLIENT_ID id = {(HANDLE)(ULONG_PTR)dwProcessId, NULL};
    HANDLE process;

    InitializeObjectAttributes(&attributes, NULL,
                               bInheritHandle ? OBJ_INHERIT : 0, NULL, NULL);
    if (!win32_check(
            NtOpenProcess(&process, dwDesiredAccess, &attributes, &id)))
        return NULL;
    return process;
}
