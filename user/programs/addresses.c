/*
 * addresses.exe: two processes with different data at the same user
 * address, and addresses.sys looking at it attached to each.
 *
 * It puts FIRST at ADDRESSES_WHERE, starts a second copy of itself
 * ("addresses.exe second") that puts SECOND at the same address, and asks
 * the driver to attach to both in turn. The driver should see each
 * process's own value at the user address, backed by different physical
 * pages, and its paged pool buffer at one address and one physical page,
 * holding what it wrote there while attached to either.
 * Exit status: 0 when it saw all that, 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/addresses/addresses.h"
#include "lesson.h"
#include "second_copy.h"

#define FIRST     0x11111111u
#define SECOND    0x22222222u
#define READY     L"AddressesSecondReady"
#define DONE      L"AddressesDone"
#define WHERE_PTR ((volatile ULONG *)ADDRESSES_WHERE)

/* Commits the page at ADDRESSES_WHERE in this process and puts value
 * there; FALSE if the address is taken. */
static BOOL put(ULONG value)
{
    if (VirtualAlloc((LPVOID)ADDRESSES_WHERE, 0x1000, MEM_RESERVE | MEM_COMMIT,
                     PAGE_READWRITE) == NULL)
        return FALSE;
    *WHERE_PTR = value;
    printf("addresses.exe: process %lu put 0x%08lX at %p\n",
           (unsigned long)GetCurrentProcessId(), (unsigned long)value,
           (void *)ADDRESSES_WHERE);
    return TRUE;
}

/* The second process: its own value at the same address, until told. */
static int second(void)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, READY);
    HANDLE done = OpenEventW(SYNCHRONIZE, FALSE, DONE);

    if (ready == NULL || done == NULL || !put(SECOND) || !SetEvent(ready))
        return 1;
    WaitForSingleObject(done, INFINITE);
    return *WHERE_PTR == SECOND ? 0 : 1;
}

/* Asks the driver to look at the address in both processes. */
static BOOL look(ULONG second_pid, ADDRESSES_RESULT *result)
{
    ADDRESSES_REQUEST request;
    HANDLE device = OpenLessonDevice("addresses.exe", "Addresses");
    DWORD bytes = 0;
    BOOL ok;

    if (device == INVALID_HANDLE_VALUE)
        return FALSE;
    request.Address = (PVOID)ADDRESSES_WHERE;
    request.ProcessId[0] = GetCurrentProcessId();
    request.ProcessId[1] = second_pid;
    ok = DeviceIoControl(device, IOCTL_ADDRESSES_LOOK, &request, sizeof request,
                         result, sizeof *result, &bytes, NULL) &&
         bytes == sizeof *result;
    CloseHandle(device);
    return ok;
}

/* Prints what the driver saw and says whether it is what the lesson says. */
static BOOL judge(const ADDRESSES_RESULT *r)
{
    const ADDRESSES_VIEW *a = &r->View[0], *b = &r->View[1];
    BOOL user_differs =
        a->Value == FIRST && b->Value == SECOND && a->UserFrame != b->UserFrame;
    BOOL pool_same = a->PoolFrame == b->PoolFrame && b->PoolValue[0] == FIRST &&
                     b->PoolValue[1] == SECOND;

    printf("addresses.exe: unattached, the driver read 0x%08lX: mine\n",
           (unsigned long)r->OwnValue);
    printf("addresses.exe: attached to each, it read 0x%08lX and 0x%08lX\n",
           (unsigned long)a->Value, (unsigned long)b->Value);
    printf("addresses.exe: the user address's page frames %s\n",
           a->UserFrame != b->UserFrame ? "differ" : "are the same");
    printf("addresses.exe: the pool buffer at %p is %s page frame in both\n",
           r->PoolAddress, a->PoolFrame == b->PoolFrame ? "one" : "not one");
    printf("addresses.exe: attached to the second, pool held the first's "
           "0x%08lX\n",
           (unsigned long)b->PoolValue[0]);
    return r->OwnValue == FIRST && user_differs && pool_same;
}

int main(int argc, char **argv)
{
    HANDLE ready, done, process;
    ADDRESSES_RESULT result;
    ULONG pid = 0;
    DWORD code = 1;
    BOOL ok;

    if (argc > 1 && strcmp(argv[1], "second") == 0)
        return second();
    ready = CreateEventW(NULL, TRUE, FALSE, READY);
    done = CreateEventW(NULL, TRUE, FALSE, DONE);
    if (ready == NULL || done == NULL || !put(FIRST))
        return 1;
    process =
        StartSecondCopy(L"addresses.exe", L"addresses.exe second", ready, &pid);
    if (process == NULL) {
        printf("addresses.exe: cannot start the second process\n");
        return 1;
    }
    ok = look(pid, &result);
    if (!ok)
        printf("addresses.exe: the request failed (error %lu)\n",
               (unsigned long)GetLastError());
    SetEvent(done);
    WaitForSingleObject(process, 10000);
    GetExitCodeProcess(process, &code);
    CloseHandle(process);
    if (!ok || !judge(&result))
        return 1;
    /* The second process still found its own value there when it ended. */
    return code == 0 && *WHERE_PTR == FIRST ? 0 : 1;
}
