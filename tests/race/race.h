/*
 * What race.sys and raceapp.exe share: the device's Win32 name (\\.\Race)
 * and the IOCTLs.
 */
#ifndef RACE_H
#define RACE_H

#define RACE_DEVICE_TYPE 0x9100

/* Starts the timer (a DPC every millisecond); no buffers. */
#define IOCTL_RACE_START \
    CTL_CODE(RACE_DEVICE_TYPE, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* One request: adds 1 to the counter Increments times (input: a
 * RACE_REQUEST), with or without the lock. */
#define IOCTL_RACE_BUMP \
    CTL_CODE(RACE_DEVICE_TYPE, 0x901, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Stops the timer and answers with a RACE_RESULT. */
#define IOCTL_RACE_STOP \
    CTL_CODE(RACE_DEVICE_TYPE, 0x902, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _RACE_REQUEST {
    ULONG Increments;
    ULONG Locked; /* nonzero: under the spin lock (the fix) */
} RACE_REQUEST;

typedef struct _RACE_RESULT {
    ULONG Counter;       /* what the counter says */
    ULONG DispatchAdds;  /* what the dispatch routine added */
    ULONG DpcAdds;       /* what the timer DPC added */
    ULONG DpcsInside;    /* DPCs that ran while a request was in its loop */
    ULONG DpcProcessors; /* bit n: the DPC ran on processor n */
    ULONG BumpProcessors; /* bit n: a request ran on processor n */
} RACE_RESULT;

#endif
