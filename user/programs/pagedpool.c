/*
 * pagedpool.exe: asks pagedpool.sys to read one of its pool blocks from
 * three contexts (its dispatch routine in this thread, a system thread, a
 * DPC) and prints what each found at the block's system address.
 *
 *   pagedpool.exe [paged]   the block in paged pool (the mistake)
 *   pagedpool.exe nonpaged  the block in nonpaged pool (the fix)
 *
 * Exits 0 when every context read PAGEDPOOL_VALUE, 1 otherwise, 2 on bad
 * arguments. With --trim and the paged block the system stops instead:
 * the DPC touches paged pool that has been paged out.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "../../drivers/pagedpool/pagedpool.h"
#include "lesson.h"

static int Report(const char *Who, ULONG Value)
{
    printf("pagedpool.exe: %s read 0x%X\n", Who, (unsigned)Value);
    return Value == PAGEDPOOL_VALUE;
}

int main(int argc, char **argv)
{
    PAGEDPOOL_QUERY Query = {0};
    PAGEDPOOL_SEEN Seen;
    const char *Pool = argc > 1 ? argv[1] : "paged";
    HANDLE Device;
    DWORD Got = 0;
    int Same;

    if (strcmp(Pool, "nonpaged") == 0) {
        Query.NonPaged = 1;
    } else if (strcmp(Pool, "paged") != 0) {
        printf("usage: pagedpool.exe [paged|nonpaged]\n");
        return 2;
    }
    Device = OpenLessonDevice("pagedpool.exe", "PagedPool");
    if (Device == INVALID_HANDLE_VALUE)
        return 1;
    printf("pagedpool.exe: asking the driver to read its %s pool block\n",
           Pool);
    if (!DeviceIoControl(Device, IOCTL_PAGEDPOOL_READ, &Query, sizeof Query,
                         &Seen, sizeof Seen, &Got, NULL) ||
        Got != sizeof Seen) {
        printf("pagedpool.exe: the request failed: error %u\n",
               (unsigned)GetLastError());
        CloseHandle(Device);
        return 1;
    }
    CloseHandle(Device);

    /* An address above 0x80000000: in the system half, which this
     * program cannot touch, but which every process shares. */
    printf("pagedpool.exe: the block is at system address %lX\n",
           (unsigned long)Seen.Address);
    Same = Report("dispatch routine (this program's thread)", Seen.Dispatch);
    Same &= Report("system thread (System process)", Seen.SystemThread);
    Same &= Report("DPC (arbitrary thread, DISPATCH_LEVEL)", Seen.Dpc);
    if (!Same) {
        printf("pagedpool.exe: the contexts disagree\n");
        return 1;
    }
    printf("pagedpool.exe: the same address gave the same data everywhere\n");
    return 0;
}
