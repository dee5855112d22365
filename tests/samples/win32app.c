/*
 * win32app.exe: the Win32 and C runtime forms a program written for
 * Windows uses, checked one by one against parking.sys; prints one line
 * per check and exits with the number that failed.
 */
#include <DriverSpecs.h>
#include <windows.h>
#include <winioctl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strsafe.h>
#include <tchar.h>

#include "parking.h"

static int failures;

static void expect(const char *what, BOOL held)
{
    fprintf(stdout, "%-40s %s\n", what, held ? "ok" : "WRONG");
    if (!held)
        failures++;
}

static DWORD completed_error = 99, completed_bytes;

static VOID WINAPI Done(DWORD Error, DWORD Bytes, LPOVERLAPPED Overlapped)
{
    UNREFERENCED_PARAMETER(Overlapped);
    completed_error = Error;
    completed_bytes = Bytes;
}

static void strings(void)
{
    TCHAR buf[8];
    WCHAR wide[4];
    size_t n;

    expect("StringCbCopy", SUCCEEDED(StringCbCopy(buf, sizeof buf, _T("abc"))));
    expect("StringCbCat cuts and says so",
           StringCbCat(buf, sizeof buf, TEXT("defgh")) ==
                   STRSAFE_E_INSUFFICIENT_BUFFER &&
               strcmp(buf, "abcdefg") == 0);
    expect("StringCchLength", SUCCEEDED(StringCchLength(buf, 8, &n)) && n == 7);
    expect("StringCchCopyW", StringCchCopyW(wide, 4, L"xy") == S_OK &&
                                 wide[1] == L'y' && wide[2] == 0);
    expect("StringCchPrintf", SUCCEEDED(StringCchPrintf(buf, 8, "%d-%s", 7, "x")) &&
                                  strcmp(buf, "7-x") == 0);
    expect("StringCbCopy of size 0 is invalid",
           StringCbCopy(buf, 0, "a") == STRSAFE_E_INVALID_PARAMETER);
}

static void runtime(void)
{
    int i = 0, got;
    unsigned x = 0;
    float f = 0;
    char word[4];
    UCHAR block[4] = {1, 2, 3, 4};
    LARGE_INTEGER freq, t0, t1;

    got = sscanf_s("12 0x1f 2.5", "%d %x %f", &i, &x, &f);
    expect("sscanf_s %d %x %f", got == 3 && i == 12 && x == 31 && f == 2.5f);
    expect("sscanf_s %s checks its size",
           sscanf_s("toolong", "%s", word, (unsigned)sizeof word) == 0 &&
               word[0] == 0);
    expect("sscanf of no input is EOF", sscanf("", "%d", &i) == EOF);
    expect("isalpha", isalpha('k') && !isalpha('7') && !isalpha('-'));
    ZeroMemory(block, 2);
    FillMemory(block + 2, 1, 9);
    expect("ZeroMemory, FillMemory", block[0] == 0 && block[1] == 0 &&
                                         block[2] == 9 && block[3] == 4);
    CopyMemory(block, "wxyz", 4);
    MoveMemory(block + 1, block, 2);
    SecureZeroMemory(block + 3, 1);
    expect("CopyMemory, MoveMemory, SecureZeroMemory",
           memcmp(block, "wwx\0", 4) == 0);
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    Sleep(30);
    QueryPerformanceCounter(&t1);
    expect("QueryPerformanceCounter follows the clock",
           freq.QuadPart == 10000000 &&
               t1.QuadPart - t0.QuadPart >= 200000); /* 20 ms or more */
}

static void completion_routine(void)
{
    HANDLE Device = CreateFile(PARKING_WIN32_NAME, GENERIC_READ, 0, NULL,
                               OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    OVERLAPPED ov;
    char data[8] = {0};

    ZeroMemory(&ov, sizeof ov);
    expect("CreateFile (unsuffixed)", Device != INVALID_HANDLE_VALUE);
    expect("ReadFileEx queues the read",
           ReadFileEx(Device, data, sizeof data, &ov, Done));
    expect("its routine waits for an alertable wait", completed_error == 99);
    expect("SleepEx runs it", SleepEx(0, TRUE) == WAIT_IO_COMPLETION);
    expect("it got the bytes", completed_error == 0 && completed_bytes == 4 &&
                                   memcmp(data, "PARK", 4) == 0);
    CloseHandle(Device);
}

VOID __cdecl main(ULONG argc, PCHAR argv[])
{
    UNREFERENCED_PARAMETER(argc);
    UNREFERENCED_PARAMETER(argv);
    strings();
    runtime();
    completion_routine();
    fprintf(stderr, "%d wrong\n", failures);
    ExitProcess((UINT)failures);
}
