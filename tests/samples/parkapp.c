/*
 * parkapp.exe: parks requests in parking.sys and ends each a different
 * way: released by key, taken back by its context, cancelled with
 * CancelIo, and cancelled by closing the handle. Prints one line per
 * request; exits with the number of results that were not as expected.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "parking.h"

typedef struct {
    OVERLAPPED Overlapped;
    ULONG Key;
    ULONG Out;
} PARKED;

static int failures;

static void expect(const char *what, BOOL held)
{
    printf("%-44s %s\n", what, held ? "ok" : "WRONG");
    if (!held)
        failures++;
}

/* Sends Code with Key, overlapped: TRUE when it is left pending. */
static BOOL Park(HANDLE Device, DWORD Code, PARKED *P, ULONG Key)
{
    memset(P, 0, sizeof *P);
    P->Key = Key;
    P->Overlapped.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    return !DeviceIoControl(Device, Code, &P->Key, sizeof P->Key, &P->Out,
                            sizeof P->Out, NULL, &P->Overlapped) &&
           GetLastError() == ERROR_IO_PENDING;
}

static BOOL StillPending(PARKED *P)
{
    return WaitForSingleObject(P->Overlapped.hEvent, 0) == WAIT_TIMEOUT;
}

/* Waits for P: its error (0 for success) and the bytes it returned. */
static DWORD Result(HANDLE Device, PARKED *P, DWORD *Bytes)
{
    *Bytes = 0;
    if (GetOverlappedResult(Device, &P->Overlapped, Bytes, TRUE))
        return 0;
    return GetLastError();
}

/* A synchronous release (on a second, synchronous handle). */
static ULONG Release(HANDLE Device, DWORD Code, ULONG Key)
{
    ULONG Done = 99;
    DWORD Got;

    if (!DeviceIoControl(Device, Code, &Key, sizeof Key, &Done, sizeof Done,
                         &Got, NULL))
        return 99;
    return Done;
}

int main(void)
{
    PARKED P[5];
    HANDLE Device, Control;
    DWORD Bytes;

    Device = CreateFileA(PARKING_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0,
                         NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    Control = CreateFileA(PARKING_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0,
                          NULL, OPEN_EXISTING, 0, NULL);
    if (Device == INVALID_HANDLE_VALUE || Control == INVALID_HANDLE_VALUE) {
        printf("cannot open %s: error %u\n", PARKING_WIN32_NAME,
               (unsigned)GetLastError());
        return 100;
    }
    expect("three requests park (pending)", Park(Device, IOCTL_PARK, &P[0], 1) &&
                                         Park(Device, IOCTL_PARK, &P[1], 2) &&
                                         Park(Device, IOCTL_PARK, &P[2], 3));
    expect("releasing key 2 completes one request", Release(Control, IOCTL_RELEASE, 2) == 1);
    expect("key 2 ends with success and its key",
           Result(Device, &P[1], &Bytes) == 0 && Bytes == 4 && P[1].Out == 2);
    expect("keys 1 and 3 are still pending", StillPending(&P[0]) && StillPending(&P[2]));
    expect("releasing key 7 completes nothing", Release(Control, IOCTL_RELEASE, 7) == 0);
    expect("a tracked request parks", Park(Device, IOCTL_PARK_TRACKED, &P[3], 4));
    expect("its context takes it back", Release(Control, IOCTL_RELEASE_TRACKED, 0) == 1);
    expect("key 4 ends with success", Result(Device, &P[3], &Bytes) == 0 && P[3].Out == 4);
    expect("a second take-back finds nothing", Release(Control, IOCTL_RELEASE_TRACKED, 0) == 0);
    expect("CancelIo succeeds", CancelIo(Device));
    expect("key 1 ends cancelled", Result(Device, &P[0], &Bytes) == ERROR_OPERATION_ABORTED);
    expect("key 3 ends cancelled", Result(Device, &P[2], &Bytes) == ERROR_OPERATION_ABORTED);
    expect("a fifth request parks", Park(Device, IOCTL_PARK, &P[4], 5));
    CloseHandle(Device);
    expect("closing the handle cancels it",
           WaitForSingleObject(P[4].Overlapped.hEvent, INFINITE) == WAIT_OBJECT_0 &&
               (NTSTATUS)P[4].Overlapped.Internal == STATUS_CANCELLED);
    CloseHandle(Control);
    printf("%d wrong\n", failures);
    return failures;
}
