/*
 * Win32 file I/O on iotest.sys's device (run with the driver loaded):
 * CreateFileA and CreateFileW on \\.\IoTest and the names that fail,
 * DeviceIoControl, ReadFile and WriteFile, synchronous and overlapped,
 * GetOverlappedResult, CancelIo and CloseHandle, and the last error of
 * each failure.
 * Every group of checks runs; a group stops at its first failed check.
 * Exit status: the number of checks that failed (0 when all held).
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/iotest/iotest.h"
#include "iotest_data.h"

#define PROGRAM "win32_io"
#include "win32_check.h"

#define DEVICE_A "\\\\.\\IoTest"
#define DEVICE_W L"\\\\.\\IoTest"
#define SHARE    (FILE_SHARE_READ | FILE_SHARE_WRITE)

/* Read-only memory: this program's code. */
#define READ_ONLY ((LPVOID)(ULONG_PTR)main)

int main(void);

static HANDLE open_device(LPCWSTR name, DWORD access, DWORD flags)
{
    return CreateFileW(name, access, SHARE, NULL, OPEN_EXISTING, flags, NULL);
}

/* ---- Opening ------------------------------------------------------------- */

static int names_that_open(void)
{
    static const LPCWSTR names[] = {L"\\\\.\\iotest", L"\\\\?\\IoTest",
                                    L"//./IoTest"};
    HANDLE a, w;
    ULONG i;

    SetLastError(12345);
    a = CreateFileA(DEVICE_A, GENERIC_READ | GENERIC_WRITE, SHARE, NULL,
                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(1, a != INVALID_HANDLE_VALUE && a != NULL);
    CHECK(2, GetLastError() == ERROR_SUCCESS);
    w = CreateFileW(DEVICE_W, GENERIC_READ, SHARE, NULL, OPEN_EXISTING, 0,
                    NULL);
    CHECK(3, w != INVALID_HANDLE_VALUE && w != a);
    CHECK(4, CloseHandle(w));
    for (i = 0; i < ARRAYSIZE(names); i++) {
        w = open_device(names[i], 0, 0);
        CHECK(5, w != INVALID_HANDLE_VALUE && CloseHandle(w));
    }
    /* OPEN_ALWAYS finds the device there: ERROR_ALREADY_EXISTS. */
    w = CreateFileW(DEVICE_W, GENERIC_READ, SHARE, NULL, OPEN_ALWAYS, 0, NULL);
    CHECK(6, w != INVALID_HANDLE_VALUE &&
                 GetLastError() == ERROR_ALREADY_EXISTS && CloseHandle(w));
    CHECK(7, CloseHandle(a));
    /* The handle is gone. */
    FAILS(8, CloseHandle(a), FALSE, ERROR_INVALID_HANDLE);
    return 0;
}

/* A name longer than a UNICODE_STRING holds (32767 characters). */
static int too_long_a_name(void)
{
    SIZE_T n = 40000, i;
    WCHAR *name = VirtualAlloc(NULL, (n + 1) * sizeof(WCHAR),
                               MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

    CHECK(21, name != NULL);
    memcpy(name, DEVICE_W, sizeof DEVICE_W - sizeof(WCHAR));
    for (i = ARRAYSIZE(DEVICE_W) - 1; i < n; i++)
        name[i] = L'x';
    name[n] = 0;
    FAILS(22, open_device(name, GENERIC_READ, 0), INVALID_HANDLE_VALUE,
          ERROR_FILENAME_EXCED_RANGE);
    CHECK(23, VirtualFree(name, 0, MEM_RELEASE));
    return 0;
}

static int names_that_fail(void)
{
    char long_name[MAX_PATH + 10];

    FAILS(10, open_device(L"\\\\.\\NoSuchDevice", GENERIC_READ, 0),
          INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    /* Relative and DOS paths are on C:, the directory ntlab started in
     * (which has no such files); there is no network. */
    FAILS(11, open_device(L"IoTest", GENERIC_READ, 0), INVALID_HANDLE_VALUE,
          ERROR_FILE_NOT_FOUND);
    FAILS(12, open_device(L"C:\\no-such-file.txt", GENERIC_READ, 0),
          INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    FAILS(13, open_device(L"D:\\file.txt", GENERIC_READ, 0),
          INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    FAILS(14, open_device(L"\\\\server\\share\\f", GENERIC_READ, 0),
          INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    FAILS(15, open_device(L"", GENERIC_READ, 0), INVALID_HANDLE_VALUE,
          ERROR_PATH_NOT_FOUND);
    FAILS(16, open_device(NULL, GENERIC_READ, 0), INVALID_HANDLE_VALUE,
          ERROR_PATH_NOT_FOUND);
    FAILS(17, open_device(L"\\\\.\\", GENERIC_READ, 0), INVALID_HANDLE_VALUE,
          ERROR_INVALID_NAME);
    FAILS(18, CreateFileW(DEVICE_W, GENERIC_READ, SHARE, NULL, 0, 0, NULL),
          INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    FAILS(19,
          CreateFileW(DEVICE_W, GENERIC_READ, 0x100, NULL, OPEN_EXISTING, 0,
                      NULL),
          INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    FAILS(20,
          CreateFileA(long_name, GENERIC_READ, SHARE, NULL, OPEN_EXISTING, 0,
                      NULL),
          INVALID_HANDLE_VALUE, ERROR_FILENAME_EXCED_RANGE);
    return too_long_a_name();
}

/* The handle's access decides which requests it may make. */
static int handle_access(void)
{
    HANDLE reader = open_device(DEVICE_W, GENERIC_READ, 0);
    HANDLE none = open_device(DEVICE_W, 0, 0);
    UCHAR in[4] = {1, 2, 3, 4}, out[4];
    DWORD n;

    CHECK(30, reader != INVALID_HANDLE_VALUE && none != INVALID_HANDLE_VALUE);
    CHECK(31, DeviceIoControl(reader, IOCTL_IOTEST_NEEDS_READ, NULL, 0, NULL, 0,
                              &n, NULL));
    FAILS(32,
          DeviceIoControl(reader, IOCTL_IOTEST_NEEDS_WRITE, NULL, 0, NULL, 0,
                          &n, NULL),
          FALSE, ERROR_ACCESS_DENIED);
    FAILS(33, WriteFile(reader, in, sizeof in, &n, NULL), FALSE,
          ERROR_ACCESS_DENIED);
    CHECK(34, DeviceIoControl(none, IOCTL_IOTEST_BUFFERED, in, 4, out, 4, &n,
                              NULL) &&
                  n == 4 && bumped(in, out, 4, 4, 0));
    FAILS(35,
          DeviceIoControl(none, IOCTL_IOTEST_NEEDS_READ, NULL, 0, NULL, 0, &n,
                          NULL),
          FALSE, ERROR_ACCESS_DENIED);
    FAILS(36, ReadFile(none, out, sizeof out, &n, NULL), FALSE,
          ERROR_ACCESS_DENIED);
    CHECK(37, CloseHandle(reader) && CloseHandle(none));
    return 0;
}

/* ---- Synchronous requests ------------------------------------------------ */

static int synchronous_ioctls(void)
{
    HANDLE file = open_device(DEVICE_W, GENERIC_READ | GENERIC_WRITE, 0);
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    UCHAR in[64], out[80];
    DWORD n = 77;

    fill(in, sizeof in, 10);
    memset(out, 0xEE, sizeof out);
    CHECK(40, file != INVALID_HANDLE_VALUE && event != NULL);
    CHECK(41, DeviceIoControl(file, IOCTL_IOTEST_BUFFERED, in, 64, out, 80, &n,
                              NULL));
    CHECK(42, n == 64 && bumped(in, out, 64, 80, 0xEE));
    /* A short output buffer: the driver returns what fits. */
    memset(out, 0xEE, sizeof out);
    CHECK(43, DeviceIoControl(file, IOCTL_IOTEST_BUFFERED, in, 64, out, 16, &n,
                              NULL) &&
                  n == 16 && bumped(in, out, 16, 80, 0xEE));
    /* Ended later, from a DPC: the call waits for it. */
    memset(out, 0, sizeof out);
    CHECK(44, DeviceIoControl(file, IOCTL_IOTEST_LATER_DPC, in, 64, out, 64, &n,
                              NULL) &&
                  n == 64 && bumped(in, out, 64, 64, 0));
    FAILS(45,
          DeviceIoControl(file, IOCTL_IOTEST_UNKNOWN, in, 4, out, 4, &n, NULL),
          FALSE, ERROR_INVALID_FUNCTION);
    FAILS(46,
          DeviceIoControl(file, IOCTL_IOTEST_BUFFERED, in, 16, READ_ONLY, 16,
                          &n, NULL),
          FALSE, ERROR_NOACCESS);
    FAILS(
        47,
        DeviceIoControl(event, IOCTL_IOTEST_BUFFERED, in, 4, out, 4, &n, NULL),
        FALSE, ERROR_INVALID_HANDLE);
    CHECK(48, CloseHandle(file) && CloseHandle(event));
    return 0;
}

static int synchronous_reads_and_writes(void)
{
    HANDLE file = open_device(DEVICE_W, GENERIC_READ | GENERIC_WRITE, 0);
    UCHAR data[40], back[64], big[300];
    DWORD n;

    fill(data, sizeof data, 100);
    memset(big, 1, sizeof big);
    CHECK(50, file != INVALID_HANDLE_VALUE);
    CHECK(51, WriteFile(file, data, sizeof data, &n, NULL) && n == sizeof data);
    memset(back, 0, sizeof back);
    CHECK(52, ReadFile(file, back, sizeof back, &n, NULL) && n == sizeof data &&
                  memcmp(back, data, sizeof data) == 0);
    /* More than the device holds: its STATUS_INVALID_BUFFER_SIZE. */
    n = 77;
    FAILS(53, WriteFile(file, big, sizeof big, &n, NULL), FALSE,
          ERROR_INVALID_USER_BUFFER);
    CHECK(54, n == 0);
    FAILS(55, ReadFile(file, READ_ONLY, 16, &n, NULL), FALSE, ERROR_NOACCESS);
    CHECK(56, CloseHandle(file));
    return 0;
}

/* ---- Overlapped requests ------------------------------------------------- */

/* Pending, then ended by a timer's DPC: the event, the OVERLAPPED and the
 * data say so. */
static int overlapped_ioctls(HANDLE file, HANDLE event)
{
    OVERLAPPED ov = {.hEvent = event};
    UCHAR in[32], out[32];
    DWORD n = 77;

    fill(in, sizeof in, 7);
    memset(out, 0, sizeof out);
    FAILS(
        60,
        DeviceIoControl(file, IOCTL_IOTEST_LATER_DPC, in, 32, out, 32, &n, &ov),
        FALSE, ERROR_IO_PENDING);
    CHECK(61, n == 77);
    CHECK(62, GetOverlappedResult(file, &ov, &n, TRUE) && n == 32 &&
                  bumped(in, out, 32, 32, 0));
    CHECK(63, (NTSTATUS)ov.Internal == STATUS_SUCCESS &&
                  ov.InternalHigh == 32 &&
                  WaitForSingleObject(event, 0) == WAIT_OBJECT_0);
    /* Done: asking again without waiting gives the same answer. */
    CHECK(64, GetOverlappedResult(file, &ov, &n, FALSE) && n == 32);
    /* No event: GetOverlappedResult waits for the file. */
    ov.hEvent = NULL;
    FAILS(
        65,
        DeviceIoControl(file, IOCTL_IOTEST_WORK_ITEM, in, 32, out, 32, &n, &ov),
        FALSE, ERROR_IO_PENDING);
    CHECK(66, GetOverlappedResult(file, &ov, &n, TRUE) && n == 32);
    /* Ended at once: success now, and the event is set. */
    ov.hEvent = event;
    CHECK(67, DeviceIoControl(file, IOCTL_IOTEST_BUFFERED, in, 8, out, 8, &n,
                              &ov) &&
                  n == 8 && WaitForSingleObject(event, 0) == WAIT_OBJECT_0);
    FAILS(68,
          DeviceIoControl(file, IOCTL_IOTEST_UNKNOWN, in, 4, out, 4, &n, &ov),
          FALSE, ERROR_INVALID_FUNCTION);
    /* No OVERLAPPED on an overlapped handle: the call waits. */
    CHECK(69, DeviceIoControl(file, IOCTL_IOTEST_LATER_DPC, in, 32, out, 32, &n,
                              NULL) &&
                  n == 32);
    return 0;
}

/* A parked request is under way until CancelIo or CloseHandle ends it. */
static int cancelling(HANDLE file, HANDLE event)
{
    OVERLAPPED ov = {.hEvent = event};
    DWORD n;

    FAILS(70,
          DeviceIoControl(file, IOCTL_IOTEST_PARK, NULL, 0, NULL, 0, &n, &ov),
          FALSE, ERROR_IO_PENDING);
    FAILS(71, GetOverlappedResult(file, &ov, &n, FALSE), FALSE,
          ERROR_IO_INCOMPLETE);
    CHECK(72, (NTSTATUS)ov.Internal == STATUS_PENDING &&
                  WaitForSingleObject(event, 0) == WAIT_TIMEOUT);
    CHECK(73, CancelIo(file));
    n = 77;
    FAILS(74, GetOverlappedResult(file, &ov, &n, TRUE), FALSE,
          ERROR_OPERATION_ABORTED);
    CHECK(75, n == 0 && (NTSTATUS)ov.Internal == STATUS_CANCELLED);
    /* Closing the last handle cleans up: the driver ends the request. */
    FAILS(76,
          DeviceIoControl(file, IOCTL_IOTEST_PARK, NULL, 0, NULL, 0, &n, &ov),
          FALSE, ERROR_IO_PENDING);
    CHECK(77, CloseHandle(file));
    FAILS(78, GetOverlappedResult(file, &ov, &n, TRUE), FALSE,
          ERROR_OPERATION_ABORTED);
    FAILS(79, CancelIo(file), FALSE, ERROR_INVALID_HANDLE);
    return 0;
}

static int overlapped_reads_and_writes(HANDLE file)
{
    OVERLAPPED ov = {.Offset = 0};
    UCHAR data[16], back[16];
    DWORD n;

    fill(data, sizeof data, 50);
    CHECK(80, WriteFile(file, data, sizeof data, &n, &ov) && n == sizeof data);
    CHECK(81, GetOverlappedResult(file, &ov, &n, FALSE) && n == sizeof data);
    memset(back, 0, sizeof back);
    CHECK(82, ReadFile(file, back, sizeof back, &n, &ov) && n == sizeof data &&
                  memcmp(back, data, sizeof data) == 0);
    return 0;
}

static int overlapped(void)
{
    HANDLE file = open_device(DEVICE_W, GENERIC_READ | GENERIC_WRITE,
                              FILE_FLAG_OVERLAPPED);
    HANDLE event = CreateEventW(NULL, TRUE, TRUE, NULL);
    int failed;

    CHECK(59, file != INVALID_HANDLE_VALUE && event != NULL);
    failed = overlapped_ioctls(file, event);
    if (failed == 0)
        failed = overlapped_reads_and_writes(file);
    if (failed == 0)
        failed = cancelling(file, event); /* closes file */
    CloseHandle(event);
    return failed;
}

int main(void)
{
    int (*const groups[])(void) = {
        names_that_open,
        names_that_fail,
        handle_access,
        synchronous_ioctls,
        synchronous_reads_and_writes,
        overlapped,
    };
    int failures = 0;
    ULONG i;

    for (i = 0; i < ARRAYSIZE(groups); i++)
        failures += groups[i]() != 0;
    return failures;
}
