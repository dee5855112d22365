/*
 * vfbugs.sys and vfbugs.exe: a driver with one bug per request, each the
 * kind Driver Verifier exists to catch (docs/verifier.md).
 */
#ifndef DRIVERS_VFBUGS_H
#define DRIVERS_VFBUGS_H

#include <ntddk.h>

/* The request's input: which bug (VFBUGS_*). */
#define IOCTL_VFBUGS \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x840, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define VFBUGS_OVERRUN   1 /* reads one byte past the end of a pool block */
#define VFBUGS_OVERWRITE 2 /* writes one byte past the end of a 24-byte block \
                            */
#define VFBUGS_USE_AFTER_FREE 3 /* reads a block it has freed */
#define VFBUGS_LEAK           4 /* keeps two blocks when it unloads */
#define VFBUGS_TIMER          5 /* leaves a timer set when it unloads */
#define VFBUGS_POOL_TIMER     6 /* frees pool holding a set timer */

#endif
