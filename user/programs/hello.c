/*
 * The smallest user program: says where it runs and exits with 42.
 */
#include <ntdll.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    PTEB teb = NtCurrentTeb();

    printf("hello from %s: PID %u, TID %u, TEB %p, %d argument(s)\n",
           argc > 0 ? argv[0] : "?",
           (ULONG)(ULONG_PTR)teb->ClientId.UniqueProcess,
           (ULONG)(ULONG_PTR)teb->ClientId.UniqueThread, (PVOID)teb, argc);
    return 42;
}
