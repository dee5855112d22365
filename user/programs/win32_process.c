/*
 * Win32 processes, handles, errors and time: GetLastError after failing
 * calls, the current process and its ID, OpenProcess, DuplicateHandle,
 * exit codes of child processes (which end by ExitProcess, by returning,
 * or by TerminateProcess), a named event shared with a child, the
 * clocks, CreateProcess and GetExitCodeThread.
 *
 * Run without arguments it is the parent; "exit", "sleep" and "signal"
 * make it one of the children.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define PROGRAM "win32_process"
#include "win32_check.h"

#define BOGUS_HANDLE ((HANDLE)(ULONG_PTR)0x1230)
#define SHARED_EVENT L"Win32ProcessShared"

/* ---- Children ------------------------------------------------------------ */

static int child(const char *role)
{
    HANDLE event;

    if (strcmp(role, "exit") == 0)
        ExitProcess(5);
    if (strcmp(role, "sleep") == 0)
        Sleep(INFINITE);
    if (strcmp(role, "signal") == 0) {
        event = OpenEventW(EVENT_MODIFY_STATE, FALSE, SHARED_EVENT);
        return event != NULL && SetEvent(event) ? 0 : 1;
    }
    return 99;
}

/* Starts program (this one if NULL) with argument; NULL if it cannot. */
static HANDLE start(const WCHAR *program, const WCHAR *command_line)
{
    UNICODE_STRING image, line;
    HANDLE process, thread;

    RtlInitUnicodeString(&image,
                         program != NULL ? program : L"win32_process.exe");
    RtlInitUnicodeString(&line, command_line);
    if (!NT_SUCCESS(NtlabCreateProcess(&process, &thread, &image, &line, 0)))
        return NULL;
    CloseHandle(thread);
    return process;
}

/* Waits for process to end; its exit code, or 0xDEAD if that fails. */
static DWORD exit_code_of(HANDLE process)
{
    DWORD code = 0xDEAD;

    if (WaitForSingleObject(process, 10000) != WAIT_OBJECT_0 ||
        !GetExitCodeProcess(process, &code))
        code = 0xDEAD;
    CloseHandle(process);
    return code;
}

/* ---- The parent's checks ------------------------------------------------- */

static int last_error(void)
{
    SetLastError(42);
    CHECK(1, GetLastError() == 42);
    FAILS(2, CloseHandle(BOGUS_HANDLE), FALSE, ERROR_INVALID_HANDLE);
    CHECK(3, NtCurrentTeb()->NtlabLastStatus == STATUS_INVALID_HANDLE);
    /* SetLastError leaves the status behind the last error alone. */
    SetLastError(7);
    CHECK(4, GetLastError() == 7 &&
                 NtCurrentTeb()->NtlabLastStatus == STATUS_INVALID_HANDLE);
    FAILS(5, WaitForSingleObject(BOGUS_HANDLE, 0), WAIT_FAILED,
          ERROR_INVALID_HANDLE);
    FAILS(6, SetEvent(NULL), FALSE, ERROR_INVALID_HANDLE);
    return 0;
}

static int current_process(void)
{
    DWORD pid = GetCurrentProcessId(), code = 0;
    HANDLE self, copy;

    CHECK(10, GetCurrentProcess() == (HANDLE)(LONG_PTR)-1);
    CHECK(11,
          pid != 0 &&
              pid == (DWORD)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueProcess);
    self = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, pid);
    CHECK(12, self != NULL && GetExitCodeProcess(self, &code) &&
                  code == STILL_ACTIVE);
    CHECK(13, WaitForSingleObject(self, 0) == WAIT_TIMEOUT);
    CHECK(14, CloseHandle(self));
    FAILS(15, OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, 0x7FFFFFF0), NULL,
          ERROR_INVALID_PARAMETER);
    /* Duplicating the pseudo-handle gives a real handle to the process. */
    CHECK(16, DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(),
                              GetCurrentProcess(), &copy, 0, FALSE,
                              DUPLICATE_SAME_ACCESS));
    code = 0;
    CHECK(17, copy != GetCurrentProcess() && GetExitCodeProcess(copy, &code) &&
                  code == STILL_ACTIVE && CloseHandle(copy));
    FAILS(18, GetExitCodeProcess(BOGUS_HANDLE, &code), FALSE,
          ERROR_INVALID_HANDLE);
    return 0;
}

static int duplicates(void)
{
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL), copy, moved;

    CHECK(20, event != NULL);
    CHECK(21, DuplicateHandle(GetCurrentProcess(), event, GetCurrentProcess(),
                              &copy, EVENT_MODIFY_STATE, FALSE, 0));
    CHECK(22, SetEvent(copy) && WaitForSingleObject(event, 0) == 0);
    /* The copy has only the access asked for. */
    FAILS(23, WaitForSingleObject(copy, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    /* The source may be closed first, and its slot reused for the copy. */
    CHECK(24, DuplicateHandle(GetCurrentProcess(), copy, GetCurrentProcess(),
                              &moved, 0, FALSE,
                              DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(25,
          ResetEvent(moved) && WaitForSingleObject(event, 0) == WAIT_TIMEOUT);
    /* With no target, DUPLICATE_CLOSE_SOURCE just closes the source. */
    CHECK(26, DuplicateHandle(GetCurrentProcess(), moved, NULL, NULL, 0, FALSE,
                              DUPLICATE_CLOSE_SOURCE));
    FAILS(27, CloseHandle(moved), FALSE, ERROR_INVALID_HANDLE);
    CHECK(28, CloseHandle(event));
    return 0;
}

static int children(void)
{
    HANDLE process, shared;
    DWORD code = 0;

    CHECK(30, exit_code_of(start(NULL, L"win32_process.exe exit")) == 5);
    CHECK(31, exit_code_of(start(L"hello.exe", L"hello.exe")) == 42);
    process = start(NULL, L"win32_process.exe sleep");
    CHECK(32, process != NULL);
    CHECK(33, WaitForSingleObject(process, 30) == WAIT_TIMEOUT &&
                  GetExitCodeProcess(process, &code) && code == STILL_ACTIVE);
    CHECK(34, TerminateProcess(process, 7));
    CHECK(35, WaitForSingleObject(process, 10000) == WAIT_OBJECT_0);
    FAILS(36, TerminateProcess(process, 8), FALSE, ERROR_ACCESS_DENIED);
    CHECK(37, exit_code_of(process) == 7);
    FAILS(38, TerminateProcess(NULL, 1), FALSE, ERROR_INVALID_HANDLE);

    shared = CreateEventW(NULL, TRUE, FALSE, SHARED_EVENT);
    CHECK(39, shared != NULL);
    CHECK(40, exit_code_of(start(NULL, L"win32_process.exe signal")) == 0);
    CHECK(41, WaitForSingleObject(shared, 0) == WAIT_OBJECT_0 &&
                  CloseHandle(shared));
    return 0;
}

static ULONGLONG file_time(void)
{
    FILETIME t;

    GetSystemTimeAsFileTime(&t);
    return ((ULONGLONG)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

static int clocks(void)
{
    /* 2000-01-01, when ntlab's virtual clock starts. */
    const ULONGLONG y2000 = 125911584000000000ull;
    ULONGLONG t0 = GetTickCount64(), f0 = file_time(), t1, f1;
    DWORD d0 = GetTickCount();

    Sleep(200);
    t1 = GetTickCount64();
    f1 = file_time();
    CHECK(50, f0 >= y2000);
    /* Tick resolution: 10 ms here, up to 16 ms on Windows. */
    CHECK(51, f1 - f0 >= 1900000 && f1 - f0 <= 2600000);
    CHECK(52, t1 - t0 >= 190 && t1 - t0 <= 260);
    CHECK(53, GetTickCount() - d0 >= 190);
    return 0;
}

static DWORD WINAPI returns_seven(LPVOID unused)
{
    (void)unused;
    Sleep(20);
    return 7;
}

/* CreateProcessA/W with hello.exe (which exits with 42), their failures,
 * and a thread's exit code. */
static int create_process(void)
{
    char command_line[] = "hello one \"two three\"";
    STARTUPINFOA si = {.cb = sizeof si};
    STARTUPINFOW siw = {.cb = sizeof siw};
    PROCESS_INFORMATION pi;
    HANDLE thread, opened;
    DWORD code = 0;

    CHECK(60, CreateProcessA(NULL, command_line, NULL, NULL, FALSE, 0, NULL,
                             NULL, &si, &pi));
    CHECK(61, pi.dwProcessId != 0 && pi.dwThreadId != 0 &&
                  pi.dwProcessId != GetCurrentProcessId());
    opened = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pi.dwProcessId);
    CHECK(62, opened != NULL);
    CHECK(63, exit_code_of(pi.hProcess) == 42);
    CHECK(64, GetExitCodeThread(pi.hThread, &code) && code == 42);
    CloseHandle(opened);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CHECK(65, CreateProcessW(L"C:\\programs\\hello.exe", NULL, NULL, NULL,
                             FALSE, CREATE_NO_WINDOW, NULL, NULL, &siw, &pi));
    CHECK(66, exit_code_of(pi.hProcess) == 42);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    FAILS(67,
          CreateProcessW(L"nosuch.exe", NULL, NULL, NULL, FALSE, 0, NULL, NULL,
                         &siw, &pi),
          FALSE, ERROR_FILE_NOT_FOUND);
    FAILS(68,
          CreateProcessW(L"hello.exe", NULL, NULL, NULL, FALSE,
                         CREATE_SUSPENDED, NULL, NULL, &siw, &pi),
          FALSE, ERROR_INVALID_PARAMETER);
    FAILS(69,
          CreateProcessW(L"hello.exe", NULL, NULL, NULL, FALSE, 0, NULL,
                         L"C:\\", &siw, &pi),
          FALSE, ERROR_NOT_SUPPORTED);
    thread = CreateThread(NULL, 0, returns_seven, NULL, 0, NULL);
    CHECK(70, thread != NULL);
    CHECK(71, GetExitCodeThread(thread, &code) && code == STILL_ACTIVE);
    CHECK(72, WaitForSingleObject(thread, 10000) == WAIT_OBJECT_0);
    CHECK(73, GetExitCodeThread(thread, &code) && code == 7);
    CloseHandle(thread);
    FAILS(74, GetExitCodeThread(BOGUS_HANDLE, &code), FALSE,
          ERROR_INVALID_HANDLE);
    return 0;
}

int main(int argc, char **argv)
{
    int failed;

    if (argc > 1)
        return child(argv[1]);
    if ((failed = last_error()) != 0 || (failed = current_process()) != 0 ||
        (failed = duplicates()) != 0 || (failed = children()) != 0 ||
        (failed = clocks()) != 0 || (failed = create_process()) != 0)
        return failed;
    return 0;
}
