/*
 * timerdpc.sys and timerdpc.exe: what they share. The device is
 * \Device\TimerDpc, opened by programs as \\.\TimerDpc.
 */
#ifndef TIMERDPC_H
#define TIMERDPC_H

#define TIMERDPC_DEVICE_TYPE 0x8001

/* At most this many runs of the timer's DPC are recorded. */
#define TIMERDPC_MAX_TICKS 8
/* The timer's period, in milliseconds (about three clock ticks). */
#define TIMERDPC_PERIOD_MS 30

/* Input: a ULONG, how many times the DPC is to run (1 to
 * TIMERDPC_MAX_TICKS). Starts the periodic timer; the DPC stops it after
 * that many runs. Fails with STATUS_DEVICE_BUSY while it is running. */
#define IOCTL_TIMERDPC_START \
    CTL_CODE(TIMERDPC_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Output: a TIMERDPC_RUNS, what the DPC has seen so far. */
#define IOCTL_TIMERDPC_QUERY \
    CTL_CODE(TIMERDPC_DEVICE_TYPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef struct _TIMERDPC_RUNS {
    ULONG Runs;                          /* how many times the DPC ran */
    ULONG ProcessId[TIMERDPC_MAX_TICKS]; /* the process current at each */
} TIMERDPC_RUNS;

#endif
