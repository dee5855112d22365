/*
 * iotest: the user side of the I/O manager's tests. With iotest.sys
 * loaded, sends its device every kind of request through the native API
 * and checks what comes back: each buffering method's data, the status
 * blocks, NT's statuses for bad buffers, lengths, handles and access,
 * requests that end later (synchronous and overlapped, with an event, the
 * file object or an APC), and cancellation. Prints a line per check that
 * failed (with -v, per check) and exits with the number that failed.
 */
#include <ntdll.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/iotest/iotest.h"
#include "iotest_data.h"

static int failures;
static BOOLEAN verbose; /* -v: a line for the checks that held too */

static void check(const char *name, ULONG_PTR got, ULONG_PTR expected)
{
    if (got == expected) {
        if (verbose)
            printf("held: %s\n", name);
        return;
    }
    printf("FAIL %s: got 0x%lx, expected 0x%lx\n", name, (unsigned long)got,
           (unsigned long)expected);
    failures++;
}

#define CHECK(name, got, expected)                                             \
    check(name, (ULONG_PTR)(got), (ULONG_PTR)(expected))

/* An address in system space, one nothing maps in user space, and one
 * that is read-only (this program's code). */
#define SYSTEM_ADDRESS ((PVOID)((ULONG_PTR)NTLAB_VA_BASE + 0x80100000u))
#define UNMAPPED       ((PVOID)((ULONG_PTR)NTLAB_VA_BASE + 0x1000u))
#define READ_ONLY      ((PVOID)(ULONG_PTR)main)

int main(int argc, char **argv);

static NTSTATUS open_device(const WCHAR *name, ACCESS_MASK access,
                            ULONG options, HANDLE *handle)
{
    UNICODE_STRING path;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;

    RtlInitUnicodeString(&path, name);
    InitializeObjectAttributes(&attributes, &path, OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    return NtCreateFile(handle, access | SYNCHRONIZE, &attributes, &iosb, NULL,
                        0, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN,
                        options, NULL, 0);
}

static NTSTATUS ioctl(HANDLE file, ULONG code, PVOID in, ULONG in_length,
                      PVOID out, ULONG out_length, IO_STATUS_BLOCK *iosb)
{
    return NtDeviceIoControlFile(file, NULL, NULL, NULL, iosb, code, in,
                                 in_length, out, out_length);
}

/* ---- The buffering methods ----------------------------------------------- */

static void methods(HANDLE file)
{
    static const struct {
        const char *name;
        ULONG code;
    } echo[] = {{"buffered", IOCTL_IOTEST_BUFFERED},
                {"out_direct", IOCTL_IOTEST_OUT_DIRECT},
                {"neither", IOCTL_IOTEST_NEITHER}};
    UCHAR in[64], out[80];
    IO_STATUS_BLOCK iosb;
    char name[64];
    ULONG i, sum = 0;

    fill(in, sizeof in, 10);
    for (i = 0; i < ARRAYSIZE(echo); i++) {
        memset(out, 0xEE, sizeof out);
        snprintf(name, sizeof name, "%s: status", echo[i].name);
        CHECK(name, ioctl(file, echo[i].code, in, 64, out, 80, &iosb),
              STATUS_SUCCESS);
        snprintf(name, sizeof name, "%s: information", echo[i].name);
        CHECK(name, iosb.Information, 64);
        snprintf(name, sizeof name, "%s: data, nothing past it", echo[i].name);
        CHECK(name, bumped(in, out, 64, 80, 0xEE), TRUE);
        /* A short output buffer: only what fits comes back. */
        memset(out, 0xEE, sizeof out);
        ioctl(file, echo[i].code, in, 64, out, 16, &iosb);
        snprintf(name, sizeof name, "%s: short output", echo[i].name);
        CHECK(name, iosb.Information == 16 && bumped(in, out, 16, 80, 0xEE),
              TRUE);
    }
    for (i = 0; i < 64; i++)
        sum += in[i];
    CHECK("in_direct: status",
          ioctl(file, IOCTL_IOTEST_IN_DIRECT, NULL, 0, in, 64, &iosb),
          STATUS_SUCCESS);
    CHECK("in_direct: the driver read the buffer", iosb.Information, sum);
    CHECK("unknown code",
          ioctl(file, IOCTL_IOTEST_UNKNOWN, in, 4, out, 4, &iosb),
          STATUS_INVALID_DEVICE_REQUEST);
}

/* ---- Bad buffers, handles and access ------------------------------------- */

static void bad_arguments(HANDLE file)
{
    UCHAR in[16], out[16];
    IO_STATUS_BLOCK iosb;
    HANDLE event, reader, writer;

    fill(in, sizeof in, 1);
    CHECK("buffered: input unmapped",
          ioctl(file, IOCTL_IOTEST_BUFFERED, UNMAPPED, 16, out, 16, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("buffered: input in system space",
          ioctl(file, IOCTL_IOTEST_BUFFERED, SYSTEM_ADDRESS, 16, out, 16,
                &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("buffered: output read-only",
          ioctl(file, IOCTL_IOTEST_BUFFERED, in, 16, READ_ONLY, 16, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("buffered: output past the end of user space",
          ioctl(file, IOCTL_IOTEST_BUFFERED, in, 16, out, 0x7FFFFFFF, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("out_direct: output read-only",
          ioctl(file, IOCTL_IOTEST_OUT_DIRECT, in, 16, READ_ONLY, 16, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("out_direct: output in system space",
          ioctl(file, IOCTL_IOTEST_OUT_DIRECT, in, 16, SYSTEM_ADDRESS, 16,
                &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("in_direct: buffer unmapped",
          ioctl(file, IOCTL_IOTEST_IN_DIRECT, NULL, 0, UNMAPPED, 16, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("in_direct: read-only buffer is fine",
          ioctl(file, IOCTL_IOTEST_IN_DIRECT, NULL, 0, READ_ONLY, 16, &iosb),
          STATUS_SUCCESS);
    /* Neither reaches the driver unchecked: its own __try catches it. */
    CHECK("neither: driver catches unmapped input",
          ioctl(file, IOCTL_IOTEST_NEITHER, UNMAPPED, 16, out, 16, &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("neither: driver's probe refuses system space",
          ioctl(file, IOCTL_IOTEST_NEITHER, in, 16, SYSTEM_ADDRESS, 16,
                &iosb),
          STATUS_ACCESS_VIOLATION);
    CHECK("status block unmapped",
          ioctl(file, IOCTL_IOTEST_BUFFERED, in, 16, out, 16, UNMAPPED),
          STATUS_ACCESS_VIOLATION);
    CHECK("status block misaligned",
          ioctl(file, IOCTL_IOTEST_BUFFERED, in, 16, out, 16,
                (IO_STATUS_BLOCK *)(out + 1)),
          STATUS_DATATYPE_MISALIGNMENT);
    CHECK("bad handle",
          ioctl((HANDLE)0x1234, IOCTL_IOTEST_BUFFERED, in, 16, out, 16, &iosb),
          STATUS_INVALID_HANDLE);
    NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    CHECK("an event is not a file",
          ioctl(event, IOCTL_IOTEST_BUFFERED, in, 16, out, 16, &iosb),
          STATUS_OBJECT_TYPE_MISMATCH);
    NtClose(event);

    CHECK("open for reading",
          open_device(L"\\??\\IoTest", GENERIC_READ,
                      FILE_SYNCHRONOUS_IO_NONALERT, &reader),
          STATUS_SUCCESS);
    CHECK("open for writing",
          open_device(L"\\??\\IoTest", GENERIC_WRITE,
                      FILE_SYNCHRONOUS_IO_NONALERT, &writer),
          STATUS_SUCCESS);
    CHECK("FILE_READ_ACCESS code, read handle",
          ioctl(reader, IOCTL_IOTEST_NEEDS_READ, NULL, 0, NULL, 0, &iosb),
          STATUS_SUCCESS);
    CHECK("FILE_WRITE_ACCESS code, read handle",
          ioctl(reader, IOCTL_IOTEST_NEEDS_WRITE, NULL, 0, NULL, 0, &iosb),
          STATUS_ACCESS_DENIED);
    CHECK("FILE_READ_ACCESS code, write handle",
          ioctl(writer, IOCTL_IOTEST_NEEDS_READ, NULL, 0, NULL, 0, &iosb),
          STATUS_ACCESS_DENIED);
    CHECK("write on a read handle",
          NtWriteFile(reader, NULL, NULL, NULL, &iosb, in, 4, NULL, NULL),
          STATUS_ACCESS_DENIED);
    CHECK("read on a write handle",
          NtReadFile(writer, NULL, NULL, NULL, &iosb, out, 4, NULL, NULL),
          STATUS_ACCESS_DENIED);
    NtClose(reader);
    NtClose(writer);
    CHECK("no such device",
          open_device(L"\\Device\\NoSuchDevice", GENERIC_READ, 0, &reader),
          STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK("synchronous I/O needs SYNCHRONIZE",
          ({
              UNICODE_STRING path;
              OBJECT_ATTRIBUTES attributes;

              RtlInitUnicodeString(&path, L"\\Device\\IoTest");
              InitializeObjectAttributes(&attributes, &path, 0, NULL, NULL);
              NtCreateFile(&reader, GENERIC_READ, &attributes, &iosb, NULL, 0,
                           0, FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL,
                           0);
          }),
          STATUS_INVALID_PARAMETER);
}

/* ---- Reads and writes ------------------------------------------------------ */

static void reads_and_writes(void)
{
    static const struct {
        const WCHAR *path;
        const char *name;
    } devices[] = {{L"\\Device\\IoTest", "buffered device"},
                   {L"\\Device\\IoTestDirect", "direct device"},
                   {L"\\Device\\IoTestNeither", "neither device"}};
    UCHAR data[40], back[64];
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    char name[80];
    ULONG i;

    fill(data, sizeof data, 100);
    for (i = 0; i < ARRAYSIZE(devices); i++) {
        snprintf(name, sizeof name, "%s: open", devices[i].name);
        CHECK(name,
              open_device(devices[i].path, GENERIC_READ | GENERIC_WRITE,
                          FILE_SYNCHRONOUS_IO_NONALERT, &file),
              STATUS_SUCCESS);
        snprintf(name, sizeof name, "%s: write", devices[i].name);
        CHECK(name,
              NtWriteFile(file, NULL, NULL, NULL, &iosb, data, sizeof data,
                          NULL, NULL),
              STATUS_SUCCESS);
        CHECK(name, iosb.Information, sizeof data);
        memset(back, 0, sizeof back);
        snprintf(name, sizeof name, "%s: read back", devices[i].name);
        CHECK(name,
              NtReadFile(file, NULL, NULL, NULL, &iosb, back, sizeof back,
                         NULL, NULL),
              STATUS_SUCCESS);
        CHECK(name,
              iosb.Information == sizeof data &&
                  memcmp(back, data, sizeof data) == 0,
              TRUE);
        snprintf(name, sizeof name, "%s: read into read-only memory",
                 devices[i].name);
        CHECK(name,
              NtReadFile(file, NULL, NULL, NULL, &iosb, READ_ONLY, 16, NULL,
                         NULL),
              STATUS_ACCESS_VIOLATION);
        snprintf(name, sizeof name, "%s: write from system space",
                 devices[i].name);
        CHECK(name,
              NtWriteFile(file, NULL, NULL, NULL, &iosb, SYSTEM_ADDRESS, 16,
                          NULL, NULL),
              STATUS_ACCESS_VIOLATION);
        NtClose(file);
    }
}

/* ---- Requests that end later ----------------------------------------------- */

static void later(HANDLE file)
{
    static const struct {
        const char *name;
        ULONG code;
    } kinds[] = {{"timer DPC", IOCTL_IOTEST_LATER_DPC},
                 {"lower device, completion routine", IOCTL_IOTEST_FORWARD},
                 {"lower device from a DPC", IOCTL_IOTEST_FORWARD_FROM_DPC},
                 {"work item, driver-built IRP", IOCTL_IOTEST_WORK_ITEM},
                 {"StartIo", IOCTL_IOTEST_STARTIO},
                 {"interrupt, DpcForIsr", IOCTL_IOTEST_INTERRUPT},
                 {"I/O timer", IOCTL_IOTEST_IO_TIMER}};
    UCHAR in[64], out[64];
    IO_STATUS_BLOCK iosb;
    char name[80];
    ULONG i;

    fill(in, sizeof in, 200);
    for (i = 0; i < ARRAYSIZE(kinds); i++) {
        memset(out, 0, sizeof out);
        iosb.Status = -1;
        iosb.Information = 0;
        snprintf(name, sizeof name, "%s: synchronous", kinds[i].name);
        CHECK(name, ioctl(file, kinds[i].code, in, 64, out, 64, &iosb),
              STATUS_SUCCESS);
        snprintf(name, sizeof name, "%s: status block and data",
                 kinds[i].name);
        CHECK(name,
              iosb.Status == STATUS_SUCCESS && iosb.Information == 64 &&
                  bumped(in, out, 64, 64, 0),
              TRUE);
    }
}

static ULONG apc_calls;
static PIO_STATUS_BLOCK apc_iosb;

static VOID NTAPI io_apc(PVOID context, PIO_STATUS_BLOCK iosb, ULONG reserved)
{
    (void)reserved;
    apc_calls += (ULONG)(ULONG_PTR)context;
    apc_iosb = iosb;
}

static void overlapped(void)
{
    UCHAR in[32], out[32];
    IO_STATUS_BLOCK iosb, cancel_iosb;
    LARGE_INTEGER second = {.QuadPart = -10000000};
    HANDLE file, event;

    fill(in, sizeof in, 7);
    CHECK("overlapped: open",
          open_device(L"\\??\\IoTest", GENERIC_READ | GENERIC_WRITE, 0, &file),
          STATUS_SUCCESS);
    NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL, NotificationEvent, TRUE);
    /* With an event: pending, then the event and the status block. */
    memset(out, 0, sizeof out);
    iosb.Status = -1;
    CHECK("overlapped: pending",
          NtDeviceIoControlFile(file, event, NULL, NULL, &iosb,
                                IOCTL_IOTEST_LATER_DPC, in, 32, out, 32),
          STATUS_PENDING);
    CHECK("overlapped: event reset while pending",
          NtWaitForSingleObject(event, FALSE, &(LARGE_INTEGER){.QuadPart = 0}),
          STATUS_TIMEOUT);
    CHECK("overlapped: event set",
          NtWaitForSingleObject(event, FALSE, &second), STATUS_SUCCESS);
    CHECK("overlapped: status block and data",
          iosb.Status == STATUS_SUCCESS && iosb.Information == 32 &&
              bumped(in, out, 32, 32, 0),
          TRUE);
    /* Without one: the file object itself is signalled. */
    iosb.Status = -1;
    CHECK("overlapped, no event: pending",
          NtDeviceIoControlFile(file, NULL, NULL, NULL, &iosb,
                                IOCTL_IOTEST_LATER_DPC, in, 32, out, 32),
          STATUS_PENDING);
    CHECK("overlapped, no event: the file is signalled",
          NtWaitForSingleObject(file, FALSE, &second), STATUS_SUCCESS);
    CHECK("overlapped, no event: status", iosb.Status, STATUS_SUCCESS);
    /* With an APC routine: it runs in an alertable wait. */
    CHECK("overlapped, APC: pending",
          NtDeviceIoControlFile(file, NULL, io_apc, (PVOID)5, &iosb,
                                IOCTL_IOTEST_LATER_DPC, in, 32, out, 32),
          STATUS_PENDING);
    CHECK("overlapped, APC: alertable wait",
          NtDelayExecution(TRUE, &second), STATUS_USER_APC);
    CHECK("overlapped, APC: called once, with context and status block",
          apc_calls == 5 && apc_iosb == &iosb, TRUE);
    /* Cancelling. */
    iosb.Status = -1;
    CHECK("park: pending",
          NtDeviceIoControlFile(file, NULL, NULL, NULL, &iosb,
                                IOCTL_IOTEST_PARK, NULL, 0, NULL, 0),
          STATUS_PENDING);
    CHECK("park: still waiting",
          NtWaitForSingleObject(file, FALSE, &(LARGE_INTEGER){.QuadPart = 0}),
          STATUS_TIMEOUT);
    CHECK("NtCancelIoFile", NtCancelIoFile(file, &cancel_iosb),
          STATUS_SUCCESS);
    CHECK("park: cancelled", iosb.Status, STATUS_CANCELLED);
    /* Closing the last handle cleans up: the driver ends the request. */
    iosb.Status = -1;
    NtDeviceIoControlFile(file, NULL, NULL, NULL, &iosb, IOCTL_IOTEST_PARK,
                          NULL, 0, NULL, 0);
    NtClose(file);
    CHECK("park: ended by cleanup", iosb.Status, STATUS_CANCELLED);
    NtClose(event);
}

/* A thread that parks a request and ends: its request is cancelled. */
static ULONG NTAPI parker(PVOID file)
{
    static IO_STATUS_BLOCK iosb;

    return NtDeviceIoControlFile(file, NULL, NULL, NULL, &iosb,
                                 IOCTL_IOTEST_PARK, NULL, 0, NULL, 0);
}

static void thread_exit(void)
{
    HANDLE file, thread;

    open_device(L"\\??\\IoTest", GENERIC_READ, 0, &file);
    CHECK("parker thread",
          NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL, NtCurrentProcess(),
                           (PVOID)parker, file, 0, 0, 0, 0, NULL),
          STATUS_SUCCESS);
    CHECK("parker thread ends",
          NtWaitForSingleObject(thread, FALSE,
                                &(LARGE_INTEGER){.QuadPart = -50000000}),
          STATUS_SUCCESS);
    NtClose(thread);
    NtClose(file);
}

int main(int argc, char **argv)
{
    HANDLE file;

    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    CHECK("open \\??\\IoTest",
          open_device(L"\\??\\IoTest", GENERIC_READ | GENERIC_WRITE,
                      FILE_SYNCHRONOUS_IO_NONALERT, &file),
          STATUS_SUCCESS);
    methods(file);
    bad_arguments(file);
    later(file);
    NtClose(file);
    reads_and_writes();
    overlapped();
    thread_exit();
    printf("iotest: %d failed\n", failures);
    return failures;
}
