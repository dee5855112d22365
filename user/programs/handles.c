/*
 * handles.exe: shows handles.sys which handles mean what, where.
 *
 *   handles.exe user    an event handle of this program, looked up by the
 *                       driver's dispatch routine (found) and by its work
 *                       item in the System process (not found there)
 *   handles.exe kernel  the driver opens this program's named event as a
 *                       kernel handle: found in both contexts; this program
 *                       then tries that kernel handle itself (refused)
 *   handles.exe         both
 *
 * Exits 0 when every lookup went as the lesson says, 1 otherwise, 2 on bad
 * arguments.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "../../drivers/handles/handles.h"
#include "lesson.h"

/* Sends code (with the handle Value for IOCTL_HANDLES_USER_HANDLE). */
static BOOL Ask(HANDLE Device, DWORD Code, HANDLE Value, HANDLES_RESULT *Result)
{
    HANDLES_REQUEST Request = {(ULONG_PTR)Value};
    DWORD Got = 0;

    if (!DeviceIoControl(Device, Code, &Request, sizeof Request, Result,
                         sizeof *Result, &Got, NULL) ||
        Got != sizeof *Result) {
        printf("handles.exe: the request failed: error %u\n",
               (unsigned)GetLastError());
        return FALSE;
    }
    printf("handles.exe: dispatch routine (my process): %s\n",
           HandlesStatusName(Result->Dispatch));
    printf("handles.exe: work item (System process): %s%s\n",
           HandlesStatusName(Result->WorkItem),
           NT_SUCCESS(Result->WorkItem) && !Result->SameObject
               ? ", but another object"
               : "");
    return TRUE;
}

static BOOL IsSet(HANDLE Event)
{
    return WaitForSingleObject(Event, 0) == WAIT_OBJECT_0;
}

/* A handle from this program: good in the dispatch routine only. */
static int UserHandle(HANDLE Device)
{
    HANDLE Event = CreateEventA(NULL, TRUE, FALSE, NULL);
    HANDLES_RESULT Result;
    BOOL Good;

    printf("handles.exe: my event's handle is 0x%X\n",
           (unsigned)(ULONG_PTR)Event);
    if (Event == NULL ||
        !Ask(Device, IOCTL_HANDLES_USER_HANDLE, Event, &Result))
        return 0;
    Good = Result.Dispatch == STATUS_SUCCESS && !Result.SameObject &&
           !IsSet(Event);
    if (Good)
        printf("handles.exe: the work item could not reach my event\n");
    CloseHandle(Event);
    return Good;
}

/* A kernel handle: good in every context in kernel mode, and refused to
 * user mode, whether this program uses it or passes it as its own. */
static int KernelHandle(HANDLE Device)
{
    HANDLE Event = CreateEventA(NULL, TRUE, FALSE, HANDLES_EVENT_WIN32_NAME);
    HANDLE Kernel;
    HANDLES_RESULT Result;
    NTSTATUS Status;
    BOOL Good;

    if (Event == NULL ||
        !Ask(Device, IOCTL_HANDLES_KERNEL_HANDLE, NULL, &Result))
        return 0;
    Kernel = (HANDLE)(ULONG_PTR)Result.Handle;
    Good =
        Result.Dispatch == STATUS_SUCCESS && Result.SameObject && IsSet(Event);
    if (Good)
        printf("handles.exe: the work item set my event through kernel "
               "handle 0x%X\n",
               (unsigned)(ULONG_PTR)Kernel);

    Status = NtSetEvent(Kernel, NULL);
    printf("handles.exe: NtSetEvent(0x%X) from user mode: %s\n",
           (unsigned)(ULONG_PTR)Kernel, HandlesStatusName(Status));
    Good &= Status == STATUS_INVALID_HANDLE;
    printf("handles.exe: passing 0x%X to the driver as my own handle\n",
           (unsigned)(ULONG_PTR)Kernel);
    if (!Ask(Device, IOCTL_HANDLES_USER_HANDLE, Kernel, &Result))
        return 0;
    Good &= Result.Dispatch == STATUS_INVALID_HANDLE &&
            Result.WorkItem == STATUS_INVALID_HANDLE;
    if (Good)
        printf("handles.exe: a kernel handle is no handle in user mode\n");
    CloseHandle(Event);
    return Good;
}

int main(int argc, char **argv)
{
    const char *Part = argc > 1 ? argv[1] : "both";
    BOOL User = strcmp(Part, "user") == 0 || strcmp(Part, "both") == 0;
    BOOL Kernel = strcmp(Part, "kernel") == 0 || strcmp(Part, "both") == 0;
    HANDLE Device;
    int Good = 1;

    if (!User && !Kernel) {
        printf("usage: handles.exe [user|kernel]\n");
        return 2;
    }
    Device = OpenLessonDevice("handles.exe", "Handles");
    if (Device == INVALID_HANDLE_VALUE)
        return 1;
    if (User)
        Good &= UserHandle(Device);
    if (Kernel)
        Good &= KernelHandle(Device);
    CloseHandle(Device);
    printf("handles.exe: %s\n",
           Good ? "every lookup went as expected" : "something unexpected");
    return Good ? 0 : 1;
}
