/*
 * sameaddr VALUE: puts VALUE at user address 0x10000000, tells the kernel
 * test it is there (event \BaseNamedObjects\SameAddrReady-VALUE), waits for
 * \BaseNamedObjects\SameAddrGo, and checks the value is still its own.
 * Exit status: 0 when it is; 1 bad arguments; 2 no memory at that
 * address; 3 no events; 4 another process's value showed through.
 */
#include <ntdll.h>
#include <stdio.h>
#include <stdlib.h>

#define WHERE ((ULONG_PTR)NTLAB_VA_BASE + 0x10000000u)

static NTSTATUS event(const char *name, BOOLEAN create, HANDLE *handle)
{
    WCHAR wide[64];
    UNICODE_STRING s;
    OBJECT_ATTRIBUTES a;
    int i;

    for (i = 0; name[i] != '\0' && i < 63; i++)
        wide[i] = (WCHAR)name[i];
    s.Buffer = wide;
    s.Length = s.MaximumLength = (USHORT)(i * sizeof(WCHAR));
    InitializeObjectAttributes(&a, &s, OBJ_OPENIF, NULL, NULL);
    return create ? NtCreateEvent(handle, EVENT_ALL_ACCESS, &a,
                                  NotificationEvent, FALSE)
                  : NtOpenEvent(handle, EVENT_ALL_ACCESS, &a);
}

int main(int argc, char **argv)
{
    PVOID base = (PVOID)WHERE;
    SIZE_T size = 0x1000;
    volatile ULONG *slot = (volatile ULONG *)WHERE;
    HANDLE ready, go;
    char name[64];
    ULONG value;

    if (argc != 2)
        return 1;
    value = (ULONG)strtoul(argv[1], NULL, 0);
    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                            MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)))
        return 2;
    *slot = value;
    snprintf(name, sizeof name, "\\BaseNamedObjects\\SameAddrReady-%s",
             argv[1]);
    if (!NT_SUCCESS(event(name, TRUE, &ready)) ||
        !NT_SUCCESS(event("\\BaseNamedObjects\\SameAddrGo", TRUE, &go)))
        return 3;
    NtSetEvent(ready, NULL);
    NtWaitForSingleObject(go, FALSE, NULL);
    if (*slot != value) {
        printf("sameaddr: 0x%08X where 0x%08X was written\n", *slot, value);
        return 4;
    }
    return 0;
}
