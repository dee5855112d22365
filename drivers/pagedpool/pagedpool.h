/*
 * What pagedpool.sys and pagedpool.exe share: the device's Win32 name
 * (\\.\PagedPool) and the one IOCTL. The program says which of the
 * driver's two blocks to read (paged or nonpaged pool); the driver reads
 * it from three contexts and answers with the block's system address and
 * what each context found there.
 */
#ifndef PAGEDPOOL_H
#define PAGEDPOOL_H

#define PAGEDPOOL_DEVICE_TYPE 0x8000

#define IOCTL_PAGEDPOOL_READ \
    CTL_CODE(PAGEDPOOL_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* What DriverEntry writes into both blocks. */
#define PAGEDPOOL_VALUE 0x1234

/* The input: which block. */
typedef struct PAGEDPOOL_QUERY {
    ULONG NonPaged; /* 0: the paged pool block; 1: the nonpaged one */
} PAGEDPOOL_QUERY;

/* The output: where the block is and what each context read there. */
typedef struct PAGEDPOOL_SEEN {
    ULONGLONG Address;  /* the block's system address */
    ULONG Dispatch;     /* read in the dispatch routine (program's thread) */
    ULONG SystemThread; /* read in a system thread (System process) */
    ULONG Dpc;          /* read in a timer DPC (whatever thread was current) */
} PAGEDPOOL_SEEN;

#endif
