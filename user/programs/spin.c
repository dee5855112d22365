/*
 * spin: a thread that computes forever without entering the kernel is
 * still preempted at clock ticks, so its process's other thread gets to
 * run, and can end it.
 * Exit status: 0; 1 if the spinning thread could not be made; 2 if it did
 * not end when told to.
 */
#include <ntdll.h>

static volatile ULONGLONG spins;

static ULONG NTAPI spin_forever(PVOID unused)
{
    (void)unused;
    while (spins != ~0ull)
        spins++;
    return 0;
}

int main(void)
{
    LARGE_INTEGER brief = {.QuadPart = -300000},
                  patience = {.QuadPart = -50000000};
    HANDLE thread;

    if (!NT_SUCCESS(NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL,
                                     NtCurrentProcess(), spin_forever, NULL, 0,
                                     0, 0, 0, NULL)))
        return 1;
    NtDelayExecution(FALSE, &brief); /* the spinner has the CPU meanwhile */
    NtTerminateThread(thread, 7);
    if (NtWaitForSingleObject(thread, FALSE, &patience) != STATUS_SUCCESS ||
        spins == 0)
        return 2;
    NtClose(thread);
    return 0;
}
