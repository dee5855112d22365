/*
 * nullcall N: makes N null system calls (NtGetCurrentProcessorNumber),
 * for the null_syscall benchmark. Exit status 0.
 */
#include <ntdll.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    ULONG n = argc > 1 ? (ULONG)strtoul(argv[1], NULL, 0) : 0, i;

    for (i = 0; i < n; i++)
        NtGetCurrentProcessorNumber();
    return 0;
}
