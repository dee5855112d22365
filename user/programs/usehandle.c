/*
 * usehandle HANDLE: makes an event of its own, then sets the event HANDLE
 * (a value from another process, or a kernel handle) names, as this
 * process sees it. Exit status: the status NtSetEvent returned when it
 * failed; 0x100 when HANDLE turned out to be this process's own event;
 * 0x200 when it set something else; 1 for bad arguments.
 */
#include <ntdll.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    HANDLE own, given;
    LARGE_INTEGER zero = {.QuadPart = 0};
    NTSTATUS status;

    if (argc != 2)
        return 1;
    given = (HANDLE)(ULONG_PTR)strtoul(argv[1], NULL, 0);
    if (!NT_SUCCESS(NtCreateEvent(&own, EVENT_ALL_ACCESS, NULL,
                                  NotificationEvent, FALSE)))
        return 1;
    status = NtSetEvent(given, NULL);
    if (!NT_SUCCESS(status))
        return status;
    return NtWaitForSingleObject(own, FALSE, &zero) == STATUS_SUCCESS ? 0x100
                                                                      : 0x200;
}
