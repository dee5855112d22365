/*
 * Starting a second copy of the running program, for the example programs
 * whose lesson needs two processes with the same code at the same
 * addresses (kmcall.exe, addresses.exe).
 */
#ifndef SECOND_COPY_H
#define SECOND_COPY_H

#include <windows.h>

/*
 * Starts command_line (its first word is the program, such as
 * L"kmcall.exe copy") in a new process and waits up to ten seconds until
 * the copy sets ready, an event the caller created. Returns the process's
 * handle and sets *pid to its ID; NULL (and no process left) if the copy
 * cannot be started or did not get ready.
 */
static inline HANDLE StartSecondCopy(const WCHAR *image,
                                     const WCHAR *command_line, HANDLE ready,
                                     ULONG *pid)
{
    WCHAR line[256];
    STARTUPINFOW si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    ULONG i;

    /* CreateProcessW may write into its command line, as on Windows. */
    for (i = 0; command_line[i] != 0 && i + 1 < ARRAYSIZE(line); i++)
        line[i] = command_line[i];
    line[i] = 0;
    if (!CreateProcessW(image, line, NULL, NULL, FALSE, 0, NULL, NULL, &si,
                        &pi))
        return NULL;
    CloseHandle(pi.hThread);
    if (WaitForSingleObject(ready, 10000) != WAIT_OBJECT_0) {
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 10000);
        CloseHandle(pi.hProcess);
        return NULL;
    }
    *pid = pi.dwProcessId;
    return pi.hProcess;
}

#endif
