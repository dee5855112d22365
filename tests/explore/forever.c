/*
 * forever: a program that never ends, for --timeout's tests. A second
 * thread waits on an event nobody sets; the first computes for ever
 * without entering the kernel.
 */
#include <ntdll.h>

static volatile ULONGLONG spins;

static ULONG NTAPI wait_forever(PVOID event)
{
    NtWaitForSingleObject(event, FALSE, NULL);
    return 0;
}

int main(void)
{
    HANDLE event, thread;

    if (!NT_SUCCESS(NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL,
                                  NotificationEvent, FALSE)) ||
        !NT_SUCCESS(NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL,
                                     NtCurrentProcess(), wait_forever, event, 0,
                                     0, 0, 0, NULL)))
        return 1;
    for (;;)
        spins++;
}
