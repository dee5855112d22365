/*
 * Asks kdbreak.sys to break (or stop): kdbreakapp passive|dpc|status|crash
 * (one or more, in turn).
 * Prints what each request returned, then "kdbreakapp: done".
 */
#include <windows.h>
#include <winioctl.h>
#include <stdio.h>
#include <string.h>

#include "kdbreak.h"

static DWORD CodeOf(const char *Word)
{
    if (strcmp(Word, "passive") == 0)
        return IOCTL_KDBREAK_PASSIVE;
    if (strcmp(Word, "dpc") == 0)
        return IOCTL_KDBREAK_DPC;
    if (strcmp(Word, "status") == 0)
        return IOCTL_KDBREAK_STATUS;
    if (strcmp(Word, "crash") == 0)
        return IOCTL_KDBREAK_CRASH;
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE Device;
    DWORD Bytes, Code;
    int i;

    Device = CreateFileA(KDBREAK_WIN32_NAME, GENERIC_READ | GENERIC_WRITE, 0,
                         NULL, OPEN_EXISTING, 0, NULL);
    if (Device == INVALID_HANDLE_VALUE) {
        printf("cannot open %s: error %u\n", KDBREAK_WIN32_NAME,
               (unsigned)GetLastError());
        return 100;
    }
    for (i = 1; i < argc; i++) {
        Code = CodeOf(argv[i]);
        if (Code == 0) {
            printf("kdbreakapp: unknown request '%s'\n", argv[i]);
            return 2;
        }
        if (!DeviceIoControl(Device, Code, NULL, 0, NULL, 0, &Bytes, NULL)) {
            printf("kdbreakapp: %s failed: error %u\n", argv[i],
                   (unsigned)GetLastError());
            return 1;
        }
        printf("kdbreakapp: %s returned\n", argv[i]);
    }
    CloseHandle(Device);
    printf("kdbreakapp: done\n");
    return 0;
}
