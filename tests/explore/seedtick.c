/*
 * seedtick: a program that fails for some seeds only, for explore's tests.
 *
 * It makes CALLS system calls (NtYieldExecution) and then reads the tick
 * count from KUSER_SHARED_DATA, as GetTickCount does. Where the first
 * clock tick falls, and what each kernel checkpoint costs, are drawn from
 * --seed, so how many ticks the same work spans depends on the seed: it
 * prints "seedtick: N ticks" and exits with FAIL when N is at least
 * LIMIT, else 0.
 *
 * usage: seedtick [CALLS [LIMIT [FAIL]]] (defaults 1000, 1 and 1)
 */
#include <ntdll.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    long limit = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
    long fail = argc > 3 ? strtol(argv[3], NULL, 10) : 1;
    ULONG ticks;
    long i;

    for (i = 0; i < calls; i++)
        NtYieldExecution();
    ticks = USER_SHARED_DATA->TickCount.LowPart;
    printf("seedtick: %lu ticks\n", (unsigned long)ticks);
    return (long)ticks >= limit ? (int)fail : 0;
}
