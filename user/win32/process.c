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

/* ---- Creating processes ---- */

#define ALLOWED_FLAGS                                                \
    (DETACHED_PROCESS | CREATE_NEW_CONSOLE | NORMAL_PRIORITY_CLASS | \
     CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW)

/* The program's file name in *image (within text): the last part of the
 * application name, or of the command line's first word. */
static void program_name(LPCWSTR application, LPCWSTR command_line,
                         UNICODE_STRING *image)
{
    LPCWSTR start = application != NULL ? application : command_line;
    LPCWSTR end, p;
    WCHAR stop = L'\0';

    if (application == NULL) {
        while (*start == L' ' || *start == L'\t')
            start++;
        stop = *start == L'"' ? L'"' : L' ';
        start += *start == L'"';
    }
    for (end = start; *end != L'\0' && *end != stop; end++)
        if (stop == L' ' && *end == L'\t')
            break;
    for (p = start; p < end; p++)
        if (*p == L'\\' || *p == L'/')
            start = p + 1;
    image->Buffer = (PWSTR)start;
    image->Length = image->MaximumLength =
        (USHORT)((end - start) * sizeof(WCHAR));
}

static BOOL has_extension(const UNICODE_STRING *name)
{
    USHORT i;

    for (i = 0; i < name->Length / sizeof(WCHAR); i++)
        if (name->Buffer[i] == L'.')
            return TRUE;
    return FALSE;
}

/* Fills info from the new process's and thread's handles. */
static BOOL describe(HANDLE process, HANDLE thread, LPPROCESS_INFORMATION info)
{
    PROCESS_BASIC_INFORMATION p;
    THREAD_BASIC_INFORMATION t;

    if (!win32_check(NtQueryInformationProcess(process, ProcessBasicInformation,
                                               &p, sizeof p, NULL)) ||
        !win32_check(NtQueryInformationThread(thread, ThreadBasicInformation,
                                              &t, sizeof t, NULL)))
        return FALSE;
    info->hProcess = process;
    info->hThread = thread;
    info->dwProcessId = (DWORD)p.UniqueProcessId;
    info->dwThreadId = (DWORD)(ULONG_PTR)t.ClientId.UniqueThread;
    return TRUE;
}

BOOL WINAPI CreateProcessW(LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
                           LPSECURITY_ATTRIBUTES lpProcessAttributes,
                           LPSECURITY_ATTRIBUTES lpThreadAttributes,
                           BOOL bInheritHandles, DWORD dwCreationFlags,
                           LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory,
                           LPSTARTUPINFOW lpStartupInfo,
                           LPPROCESS_INFORMATION lpProcessInformation)
{
    WCHAR exe_name[MAX_PATH + 1];
    UNICODE_STRING image, text;
    HANDLE process, thread;

    UNREFERENCED_PARAMETER(lpProcessAttributes);
    UNREFERENCED_PARAMETER(lpThreadAttributes);
    UNREFERENCED_PARAMETER(bInheritHandles);
    UNREFERENCED_PARAMETER(lpStartupInfo);
    if ((dwCreationFlags & ~ALLOWED_FLAGS) != 0 ||
        (lpApplicationName == NULL && lpCommandLine == NULL) ||
        lpProcessInformation == NULL) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return FALSE;
    }
    if (lpEnvironment != NULL || lpCurrentDirectory != NULL) {
        win32_set_nt_error(STATUS_NOT_SUPPORTED);
        return FALSE;
    }
    program_name(lpApplicationName, lpCommandLine, &image);
    if (lpApplicationName == NULL && !has_extension(&image)) {
        /* As Windows does for the command line's first word. */
        if (image.Length > sizeof exe_name - sizeof L".exe") {
            win32_set_nt_error(STATUS_NAME_TOO_LONG);
            return FALSE;
        }
        RtlCopyMemory(exe_name, image.Buffer, image.Length);
        RtlCopyMemory((PCHAR)exe_name + image.Length, L".exe",
                      sizeof L".exe" - sizeof(WCHAR));
        image.Buffer = exe_name;
        image.Length += sizeof L".exe" - sizeof(WCHAR);
        image.MaximumLength = image.Length;
    }
    RtlInitUnicodeString(&text, lpCommandLine != NULL ? lpCommandLine
                                                      : lpApplicationName);
    if (!win32_check(NtlabCreateProcess(&process, &thread, &image, &text, 0)))
        return FALSE;
    if (describe(process, thread, lpProcessInformation))
        return TRUE;
    NtClose(thread);
    NtClose(process);
    return FALSE;
}

BOOL WINAPI CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine,
                           LPSECURITY_ATTRIBUTES lpProcessAttributes,
                           LPSECURITY_ATTRIBUTES lpThreadAttributes,
                           BOOL bInheritHandles, DWORD dwCreationFlags,
                           LPVOID lpEnvironment, LPCSTR lpCurrentDirectory,
                           LPSTARTUPINFOA lpStartupInfo,
                           LPPROCESS_INFORMATION lpProcessInformation)
{
    WCHAR application[MAX_PATH + 1], command_line[1024];
    LPCWSTR wide_application, wide_command_line;

    UNREFERENCED_PARAMETER(lpStartupInfo);
    if (lpCurrentDirectory != NULL) {
        win32_set_nt_error(STATUS_NOT_SUPPORTED);
        return FALSE;
    }
    if (!win32_unicode_name(lpApplicationName, application,
                            &wide_application) ||
        !win32_widen(lpCommandLine, command_line, ARRAYSIZE(command_line),
                     &wide_command_line))
        return FALSE;
    return CreateProcessW(wide_application, (LPWSTR)wide_command_line,
                          lpProcessAttributes, lpThreadAttributes,
                          bInheritHandles, dwCreationFlags, lpEnvironment, NULL,
                          NULL, lpProcessInformation);
}
