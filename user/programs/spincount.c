/*
 * spincount [TICKS]: spins without entering the kernel, reading the tick
 * count KUSER_SHARED_DATA publishes, and prints how many iterations of
 * its loop ran between one tick and the next, for TICKS ticks (default
 * 8). The loop is preempted only at its preemption points, so the counts
 * are the same in every run with the same --seed, and move with the seed.
 * Exit status 0; 1 for a bad argument.
 */
#include <ntdll.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TICKS 64

int main(int argc, char **argv)
{
    ULONG ticks = argc > 1 ? (ULONG)strtoul(argv[1], NULL, 0) : 8;
    ULONG counts[MAX_TICKS], i, last;

    if (ticks == 0 || ticks > MAX_TICKS) {
        printf("spincount: TICKS is 1 to %d\n", MAX_TICKS);
        return 1;
    }
    last = USER_SHARED_DATA->TickCount.LowPart;
    /* Until the first tick: where in a tick the program starts is not
     * its loop's business. */
    while (USER_SHARED_DATA->TickCount.LowPart == last)
        ;
    for (i = 0; i < ticks; i++) {
        ULONG n = 0;

        last = USER_SHARED_DATA->TickCount.LowPart;
        while (USER_SHARED_DATA->TickCount.LowPart == last)
            n++;
        counts[i] = n;
    }
    for (i = 0; i < ticks; i++)
        printf("%lu%c", (unsigned long)counts[i], i + 1 < ticks ? ' ' : '\n');
    return 0;
}
