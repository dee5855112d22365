/*
 * kdbreak.sys and kdbreakapp.exe: breakpoints and a stop for --kd to meet
 * (tests/kd.t). Each IOCTL does one thing in the driver's dispatch path.
 */
#ifndef KDBREAK_H
#define KDBREAK_H

#define KDBREAK_WIN32_NAME "\\\\.\\KdBreak"

/* DbgBreakPoint in the dispatch routine, at PASSIVE_LEVEL. */
#define IOCTL_KDBREAK_PASSIVE \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* KdBreakPoint (DbgBreakPoint in a checked build) in a DPC the dispatch
 * routine queues (DISPATCH_LEVEL). */
#define IOCTL_KDBREAK_DPC \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* DbgBreakPointWithStatus(KDBREAK_STATUS) in the dispatch routine. */
#define IOCTL_KDBREAK_STATUS \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x903, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define KDBREAK_STATUS 0x4B44
/* KeBugCheckEx(MANUALLY_INITIATED_CRASH) from the dispatch routine. */
#define IOCTL_KDBREAK_CRASH \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif
