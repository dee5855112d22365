/*
 * raceapp.exe [locked] [REQUESTS [INCREMENTS]]: drives race.sys. Starts its
 * timer, sends REQUESTS requests (default 10) of INCREMENTS increments
 * each (default 200000), sleeping a millisecond after each (the timer's DPC
 * runs then, outside the requests), stops the timer, and checks the
 * counter against
 * what the dispatch routine and the DPC added. "locked" asks for the
 * locked form (the fix).
 * Prints one line; exit status 0 when no update was lost, 1 when one was,
 * 2 for a bad argument or a device that cannot be used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "race.h"

static BOOL ioctl(HANDLE device, DWORD code, PVOID in, DWORD in_length,
                  PVOID out, DWORD out_length)
{
    DWORD got = 0;

    return DeviceIoControl(device, code, in, in_length, out, out_length, &got,
                           NULL);
}

int main(int argc, char **argv)
{
    RACE_REQUEST request = {200000, 0};
    RACE_RESULT r;
    ULONG requests = 10, i, wanted;
    int a = 1;
    HANDLE device;

    if (a < argc && strcmp(argv[a], "locked") == 0) {
        request.Locked = 1;
        a++;
    }
    if (a < argc)
        requests = (ULONG)strtoul(argv[a++], NULL, 0);
    if (a < argc)
        request.Increments = (ULONG)strtoul(argv[a++], NULL, 0);
    if (a < argc || requests == 0 || requests > 100000 ||
        request.Increments == 0 || request.Increments > 1000000) {
        printf("usage: raceapp.exe [locked] [REQUESTS [INCREMENTS]]\n");
        return 2;
    }
    device = CreateFileA("\\\\.\\Race", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE) {
        printf("raceapp: cannot open \\\\.\\Race: error %u (load race.sys)\n",
               (unsigned)GetLastError());
        return 2;
    }
    if (!ioctl(device, IOCTL_RACE_START, NULL, 0, NULL, 0))
        return 2;
    for (i = 0; i < requests; i++) {
        if (!ioctl(device, IOCTL_RACE_BUMP, &request, sizeof request, NULL, 0))
            return 2;
        Sleep(1);
    }
    if (!ioctl(device, IOCTL_RACE_STOP, NULL, 0, &r, sizeof r))
        return 2;
    CloseHandle(device);
    wanted = r.DispatchAdds + r.DpcAdds;
    printf("raceapp: %s: counter %lu, wanted %lu (%lu from requests, %lu "
           "from %lu DPCs, %lu of them inside a request; DPC CPUs 0x%lx, "
           "request CPUs 0x%lx): %lu lost\n",
           request.Locked ? "locked" : "unlocked", (unsigned long)r.Counter,
           (unsigned long)wanted, (unsigned long)r.DispatchAdds,
           (unsigned long)r.DpcAdds, (unsigned long)r.DpcAdds,
           (unsigned long)r.DpcsInside, (unsigned long)r.DpcProcessors,
           (unsigned long)r.BumpProcessors,
           (unsigned long)(wanted - r.Counter));
    return r.Counter == wanted ? 0 : 1;
}
