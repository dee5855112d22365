/*
 * filter.exe: talks to the lower device of filter.sys by its name, and
 * gets answers a filter has had its hands on.
 *
 *   filter.exe         opens \\.\FilterLower and sends IOCTL_FILTER_ECHO
 *                      with a lower-case text; the lower device completes
 *                      it at once, so the filter's completion routine runs
 *                      in this program's thread.
 *   filter.exe later   the same with IOCTL_FILTER_ECHO_LATER: the lower
 *                      device completes it from a DPC while this program
 *                      waits, so the completion routine runs in that DPC,
 *                      at DISPATCH_LEVEL.
 *
 * Either way the answer comes back upper-cased (the filter changed the
 * input on its way down) with FILTER_SUFFIX appended (the filter's
 * completion routine changed the output on its way up).
 * Exit status: 0 when the answer is that, 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/filter/filter.h"
#include "lesson.h"

static const char text[] = "hello, lower device";
static const char expected[] = "HELLO, LOWER DEVICE" FILTER_SUFFIX;

int main(int argc, char **argv)
{
    BOOL later = argc > 1 && strcmp(argv[1], "later") == 0;
    DWORD code = later ? IOCTL_FILTER_ECHO_LATER : IOCTL_FILTER_ECHO, got = 0;
    char out[64];
    HANDLE device;
    BOOL ok;

    /* The lower device's name: the filter has none of its own. */
    device = OpenLessonDevice("filter.exe", "FilterLower");
    if (device == INVALID_HANDLE_VALUE)
        return 1;
    printf("filter.exe: opened \\\\.\\FilterLower\n");
    printf("filter.exe: sending \"%s\"%s\n", text,
           later ? " (completed later)" : "");
    memset(out, 0, sizeof out);
    ok = DeviceIoControl(device, code, (PVOID)text, sizeof text - 1, out,
                         sizeof out - 1, &got, NULL);
    CloseHandle(device);
    if (!ok) {
        printf("filter.exe: the request failed: error %u\n",
               (unsigned)GetLastError());
        return 1;
    }
    printf("filter.exe: got \"%s\" (%u bytes)\n", out, (unsigned)got);
    if (got != sizeof expected - 1 || strcmp(out, expected) != 0) {
        printf("filter.exe: expected \"%s\"\n", expected);
        return 1;
    }
    printf("filter.exe: the filter changed the request and its answer\n");
    return 0;
}
