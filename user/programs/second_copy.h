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
    UNICODE_STRING image_name, line;
    HANDLE process, thread;
    PROCESS_BASIC_INFORMATION info;

    RtlInitUnicodeString(&image_name, image);
    RtlInitUnicodeString(&line, command_line);
    if (!NT_SUCCESS(
            NtlabCreateProcess(&process, &thread, &image_name, &line, 0)))
        return NULL;
    CloseHandle(thread);
    if (WaitForSingleObject(ready, 10000) != WAIT_OBJECT_0 ||
        !NT_SUCCESS(NtQueryInformationProcess(process, ProcessBasicInformation,
                                              &info, sizeof info, NULL))) {
        TerminateProcess(process, 1);
        WaitForSingleObject(process, 10000);
        CloseHandle(process);
        return NULL;
    }
    *pid = (ULONG)info.UniqueProcessId;
    return process;
}

#endif
