/*
 * vfbugs.exe BUG: asks vfbugs.sys to make one mistake (drivers/vfbugs):
 * overrun, overwrite, use-after-free, leak, timer, pool-timer,
 * paged-under-lock, pending, complete-pending, lock-order, unchecked,
 * lookaside, kernel-handle, probe-dispatch, compare-dispatch, unsafe-mutex,
 * freed-work-item, paged-work-item, paged-event, user-wait-stack,
 * freed-event, free-sent-irp, send-cancelable or free-threaded-irp.
 * Exits 0 when the request came back, 1 when it failed, 2 on a bad BUG.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "../../drivers/vfbugs/vfbugs.h"
#include "lesson.h"

static const char *const Bugs[] = {
    "",           "overrun",
    "overwrite",  "use-after-free",
    "leak",       "timer",
    "pool-timer", "paged-under-lock",
    "pending",    "complete-pending",
    "lock-order", "unchecked",
    "lookaside",  "kernel-handle",
    "probe-dispatch", "compare-dispatch",
    "unsafe-mutex", "freed-work-item",
    "paged-work-item", "paged-event",
    "user-wait-stack", "freed-event",
    "free-sent-irp", "send-cancelable",
    "free-threaded-irp",
};

int main(int argc, char **argv)
{
    VFBUGS_REQUEST Request = {0, 0};
    ULONG Bug;
    DWORD Got;
    HANDLE Device;

    for (Bug = 1; argc == 2 && Bug < sizeof Bugs / sizeof Bugs[0]; Bug++)
        if (strcmp(argv[1], Bugs[Bug]) == 0)
            break;
    if (argc != 2 || Bug == sizeof Bugs / sizeof Bugs[0]) {
        printf("usage: vfbugs.exe overrun|overwrite|use-after-free|leak|"
               "timer|pool-timer|paged-under-lock|pending|complete-pending|"
               "lock-order|unchecked|lookaside|kernel-handle|probe-dispatch|"
               "compare-dispatch|unsafe-mutex|freed-work-item|paged-work-item|"
               "paged-event|user-wait-stack|freed-event|free-sent-irp|"
               "send-cancelable|free-threaded-irp\n");
        return 2;
    }
    Device = OpenLessonDevice("vfbugs.exe", "VfBugs");
    if (Device == INVALID_HANDLE_VALUE)
        return 1;
    Request.Bug = Bug;
    if (Bug == VFBUGS_KERNEL_HANDLE)
        Request.Handle =
            (ULONG)(ULONG_PTR)CreateEventA(NULL, FALSE, FALSE, NULL);
    if (!DeviceIoControl(Device, IOCTL_VFBUGS, &Request, sizeof Request, NULL,
                         0, &Got, NULL)) {
        printf("vfbugs.exe: the request failed: error %u\n",
               (unsigned)GetLastError());
        CloseHandle(Device);
        return 1;
    }
    CloseHandle(Device);
    printf("vfbugs.exe: %s done\n", argv[1]);
    return 0;
}
