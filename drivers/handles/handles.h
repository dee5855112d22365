/*
 * What handles.sys and handles.exe share: the device's Win32 name
 * (\\.\Handles), the two IOCTLs and what they answer.
 *
 * Each request names a handle to an event; the driver looks it up with
 * ObReferenceObjectByHandle twice: in its dispatch routine (the program's
 * thread and process) and in a work item (a system worker thread, in the
 * System process). The work item sets the event if it found the same one.
 */
#ifndef HANDLES_H
#define HANDLES_H

#define HANDLES_DEVICE_TYPE 0x8000

/* In: HANDLES_REQUEST, a handle value from the program, looked up as the
 * program's (UserMode). Out: HANDLES_RESULT. */
#define IOCTL_HANDLES_USER_HANDLE \
    CTL_CODE(HANDLES_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* No input. The driver opens HANDLES_EVENT_NAME as a kernel handle
 * (OBJ_KERNEL_HANDLE) and looks that up (KernelMode). Out: HANDLES_RESULT,
 * with the kernel handle's value; the driver keeps it open until unload. */
#define IOCTL_HANDLES_KERNEL_HANDLE \
    CTL_CODE(HANDLES_DEVICE_TYPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The named event of the kernel handle part (the program creates it). */
#define HANDLES_EVENT_WIN32_NAME "HandlesLesson"
#define HANDLES_EVENT_NAME       L"\\BaseNamedObjects\\HandlesLesson"

typedef struct HANDLES_REQUEST {
    ULONGLONG Handle;
} HANDLES_REQUEST;

typedef struct HANDLES_RESULT {
    ULONGLONG Handle;  /* the value both contexts looked up */
    NTSTATUS Dispatch; /* ObReferenceObjectByHandle in the dispatch routine */
    NTSTATUS WorkItem; /* the same call in the work item */
    ULONG SameObject;  /* the work item found the dispatch routine's event */
} HANDLES_RESULT;

/* The names of the statuses this lesson meets. */
static inline const char *HandlesStatusName(NTSTATUS Status)
{
    switch (Status) {
    case STATUS_SUCCESS:
        return "STATUS_SUCCESS";
    case STATUS_INVALID_HANDLE:
        return "STATUS_INVALID_HANDLE";
    case STATUS_OBJECT_TYPE_MISMATCH:
        return "STATUS_OBJECT_TYPE_MISMATCH";
    case STATUS_ACCESS_DENIED:
        return "STATUS_ACCESS_DENIED";
    default:
        return "another status";
    }
}

#endif
