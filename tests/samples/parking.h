/*
 * What parking.sys and parkapp.exe share: the device's Win32 name and the
 * IOCTLs. A request parks with a key (a ULONG) in the driver's cancel-safe
 * queue and stays pending until a release names its key, its context
 * takes it back, the program cancels it, or the handle is closed.
 */
#ifndef PARKING_H
#define PARKING_H

#define PARKING_TYPE 0x8123
#define PARKING_WIN32_NAME "\\\\.\\Parking"

/* In: the key. Pending until released; then out: the key. */
#define IOCTL_PARK CTL_CODE(PARKING_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The same, remembered by the driver's one IO_CSQ_IRP_CONTEXT. */
#define IOCTL_PARK_TRACKED                                                   \
    CTL_CODE(PARKING_TYPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* In: a key. Completes the first parked request with that key; out: how
 * many it completed (0 or 1). */
#define IOCTL_RELEASE                                                        \
    CTL_CODE(PARKING_TYPE, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Completes the tracked request by its context; out: 1, or 0 when it was
 * no longer queued. */
#define IOCTL_RELEASE_TRACKED                                                \
    CTL_CODE(PARKING_TYPE, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS)

#endif
