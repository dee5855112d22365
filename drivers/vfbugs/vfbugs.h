/*
 * vfbugs.sys and vfbugs.exe: a driver with one bug per request, each the
 * kind Driver Verifier exists to catch (docs/verifier.md).
 */
#ifndef DRIVERS_VFBUGS_H
#define DRIVERS_VFBUGS_H

#include <ntddk.h>

/* The request: which bug (VFBUGS_REQUEST). */
#define IOCTL_VFBUGS \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x840, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The bugs, one a request. */
#define VFBUGS_OVERRUN          1  /* reads a byte past a block's end */
#define VFBUGS_OVERWRITE        2  /* writes a byte past a 24-byte block */
#define VFBUGS_USE_AFTER_FREE   3  /* reads a block it has freed */
#define VFBUGS_LEAK             4  /* keeps two blocks when it unloads */
#define VFBUGS_TIMER            5  /* leaves a timer set when it unloads */
#define VFBUGS_POOL_TIMER       6  /* frees pool holding a set timer */
#define VFBUGS_PAGED_UNDER_LOCK 7  /* reads paged pool under a spin lock */
#define VFBUGS_PENDING          8  /* STATUS_PENDING, no IoMarkIrpPending */
#define VFBUGS_COMPLETE_PENDING 9  /* completes with STATUS_PENDING */
#define VFBUGS_LOCK_ORDER       10 /* two spin locks in both orders */
#define VFBUGS_UNCHECKED        11 /* uses allocations without a NULL test */
#define VFBUGS_LOOKASIDE        12 /* frees pool holding a lookaside list */
#define VFBUGS_KERNEL_HANDLE    13 /* a user's handle with KernelMode access */
#define VFBUGS_PROBE_DISPATCH   14 /* ProbeForRead at DISPATCH_LEVEL */
#define VFBUGS_COMPARE_DISPATCH 15 /* RtlCompareUnicodeString at DISPATCH */
#define VFBUGS_UNSAFE_MUTEX     16 /* ExAcquireFastMutexUnsafe, APCs on */
#define VFBUGS_FREED_WORK_ITEM  17 /* frees a work item before it runs */
#define VFBUGS_PAGED_WORK_ITEM  18 /* queues a work item in paged pool */
#define VFBUGS_PAGED_EVENT      19 /* waits on an event in paged pool */
#define VFBUGS_USER_WAIT_STACK  20 /* UserMode wait, event on the stack */
#define VFBUGS_FREED_EVENT      21 /* frees an event a thread waits on */
#define VFBUGS_FREE_SENT_IRP    22 /* frees an IRP it was sent, in use */
#define VFBUGS_SEND_CANCELABLE  23 /* sends an IRP with a cancel routine */
#define VFBUGS_FREE_THREADED    24 /* IoFreeIrp of a threaded IRP */

/* The request's input: the bug, and for VFBUGS_KERNEL_HANDLE a handle of
 * the program's. */
typedef struct _VFBUGS_REQUEST {
    ULONG Bug;
    ULONG Handle;
} VFBUGS_REQUEST;

#endif
