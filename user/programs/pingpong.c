/*
 * pingpong N: an event ping-pong of N round trips between this process
 * and a child it starts (pingpong child N), through two named events; for
 * the process_switch benchmark. Exit status 0, or 1 when something failed.
 */
#include <ntdll.h>
#include <stdlib.h>
#include <string.h>

static NTSTATUS event(const WCHAR *name, HANDLE *handle)
{
    UNICODE_STRING s;
    OBJECT_ATTRIBUTES a;

    RtlInitUnicodeString(&s, name);
    InitializeObjectAttributes(&a, &s, OBJ_OPENIF, NULL, NULL);
    return NtCreateEvent(handle, EVENT_ALL_ACCESS, &a, SynchronizationEvent,
                         FALSE);
}

/* Starts this program again as the child, with line as its command line. */
static NTSTATUS start_child(const char *line, HANDLE *process)
{
    WCHAR wide[64];
    UNICODE_STRING image, command;
    HANDLE thread;
    NTSTATUS status;
    ULONG i;

    for (i = 0; line[i] != '\0' && i < 63; i++)
        wide[i] = (WCHAR)line[i];
    wide[i] = 0;
    RtlInitUnicodeString(&image, L"pingpong.exe");
    RtlInitUnicodeString(&command, wide);
    status = NtlabCreateProcess(process, &thread, &image, &command, 0);
    if (NT_SUCCESS(status))
        NtClose(thread);
    return status;
}

int main(int argc, char **argv)
{
    BOOLEAN child = argc > 2 && strcmp(argv[1], "child") == 0;
    ULONG n = (ULONG)strtoul(argv[argc - 1], NULL, 0), i;
    HANDLE ping, pong, process = NULL;
    char line[48];

    if (argc < 2 || !NT_SUCCESS(event(L"\\BaseNamedObjects\\Ping", &ping)) ||
        !NT_SUCCESS(event(L"\\BaseNamedObjects\\Pong", &pong)))
        return 1;
    if (!child) {
        strcpy(line, "pingpong.exe child ");
        strcat(line, argv[1]);
        if (!NT_SUCCESS(start_child(line, &process)))
            return 1;
    }
    for (i = 0; i < n; i++) {
        if (child) {
            NtWaitForSingleObject(ping, FALSE, NULL);
            NtSetEvent(pong, NULL);
        } else {
            NtSetEvent(ping, NULL);
            NtWaitForSingleObject(pong, FALSE, NULL);
        }
    }
    if (process != NULL)
        NtWaitForSingleObject(process, FALSE, NULL);
    return 0;
}
