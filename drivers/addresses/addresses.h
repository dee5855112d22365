/*
 * addresses.sys and addresses.exe: the driver attaches to two processes in
 * turn and reads the same user address in each, and the same paged pool
 * buffer. This header is what both sides agree on.
 */
#ifndef ADDRESSES_H
#define ADDRESSES_H

/* \Device\Addresses, \\.\Addresses for a program. */
#define ADDRESSES_DEVICE_TYPE 0x8000

/* Input: an ADDRESSES_REQUEST. Output: an ADDRESSES_RESULT. */
#define IOCTL_ADDRESSES_LOOK \
    CTL_CODE(ADDRESSES_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The user address both processes put their value at. */
#define ADDRESSES_WHERE ((ULONG_PTR)NTLAB_VA_BASE + 0x10000000u)

typedef struct _ADDRESSES_REQUEST {
    PVOID Address;      /* a user address, the same in both */
    ULONG ProcessId[2]; /* the processes to attach to, in order */
} ADDRESSES_REQUEST;

/* What the driver saw while attached to one process. */
typedef struct _ADDRESSES_VIEW {
    NTSTATUS Status;    /* reading the user address */
    ULONG Value;        /* the ULONG at the user address */
    ULONG UserFrame;    /* the physical page behind it */
    ULONG PoolFrame;    /* the physical page behind the pool buffer */
    ULONG PoolValue[2]; /* the pool buffer, after this view's write */
} ADDRESSES_VIEW;

typedef struct _ADDRESSES_RESULT {
    PVOID PoolAddress; /* the driver's paged pool buffer */
    ULONG OwnValue;    /* the user address, read unattached */
    ADDRESSES_VIEW View[2];
} ADDRESSES_RESULT;

#endif
