/*
 * The I/O manager's test driver (iotest.sys), as its user program
 * (user/programs/iotest.c) and the kernel tests (tests/kernel/io_test.c)
 * see it: its devices, its I/O control codes and the contexts it records.
 */
#ifndef IOTEST_H
#define IOTEST_H

/* \Device\IoTest (buffered reads and writes, and the IOCTLs), also
 * \DosDevices\IoTest; \Device\IoTestDirect (DO_DIRECT_IO) and
 * \Device\IoTestNeither (neither; a filter device sits on it). */
#define IOTEST_DEVICE_TYPE 0x8000

#define IOTEST_CTL(function, method, access)                                   \
    CTL_CODE(IOTEST_DEVICE_TYPE, 0x800 + (function), (method), (access))

/* Output byte i = input byte i + 1, for min(in, out) bytes (Information). */
#define IOCTL_IOTEST_BUFFERED   IOTEST_CTL(0, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_OUT_DIRECT IOTEST_CTL(1, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_NEITHER    IOTEST_CTL(2, METHOD_NEITHER, FILE_ANY_ACCESS)
/* Information = the sum of the bytes of the output buffer (data in). */
#define IOCTL_IOTEST_IN_DIRECT  IOTEST_CTL(3, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
/* Complete at once with nothing: the handle needs the access. */
#define IOCTL_IOTEST_NEEDS_READ IOTEST_CTL(4, METHOD_BUFFERED, FILE_READ_ACCESS)
#define IOCTL_IOTEST_NEEDS_WRITE                                               \
    IOTEST_CTL(5, METHOD_BUFFERED, FILE_WRITE_ACCESS)
/* As BUFFERED, but completed later: from a timer's DPC; by a lower device
 * (with a completion routine on the way back); by a lower device called
 * from a DPC; from a work item that sends the lower device an IRP built
 * with IoBuildDeviceIoControlRequest; through StartIo; from the DpcForIsr
 * of an interrupt the request raises; from the device's I/O timer. */
#define IOCTL_IOTEST_LATER_DPC  IOTEST_CTL(6, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_FORWARD    IOTEST_CTL(7, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_FORWARD_FROM_DPC                                          \
    IOTEST_CTL(8, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_WORK_ITEM  IOTEST_CTL(9, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_STARTIO    IOTEST_CTL(10, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_INTERRUPT  IOTEST_CTL(11, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_IOTEST_IO_TIMER   IOTEST_CTL(12, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Waits, cancelable, until cancelled or the file is cleaned up. */
#define IOCTL_IOTEST_PARK       IOTEST_CTL(13, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* Not a code the driver knows. */
#define IOCTL_IOTEST_UNKNOWN    IOTEST_CTL(99, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define IOTEST_VECTOR 5
#define IOTEST_DIRQL  8

/* The kinds of routine the driver records the context of. */
enum iotest_kind {
    IOTEST_DRIVER_ENTRY,
    IOTEST_SYSTEM_THREAD,
    IOTEST_DISPATCH,       /* top-level dispatch (an IOCTL) */
    IOTEST_LOWER_DIRECT,   /* lower device, called by the top-level one */
    IOTEST_LOWER_FROM_DPC, /* lower device, called from a DPC */
    IOTEST_LOWER_FROM_WORK,
    IOTEST_COMPLETION, /* completion routine */
    IOTEST_TIMER_DPC,
    IOTEST_WORK_ITEM,
    IOTEST_STARTIO,
    IOTEST_ISR,
    IOTEST_DPC_FOR_ISR,
    IOTEST_IO_TIMER,
    IOTEST_CANCEL,
    IOTEST_CLEANUP,
    IOTEST_CLOSE,
    IOTEST_FILTER, /* the filter device saw a request */
    IOTEST_UNLOAD,
    IOTEST_KINDS
};

/* The last call of a kind (IoTestRecords[kind], in the driver). */
typedef struct iotest_record {
    ULONG count; /* calls so far */
    PVOID process;
    PVOID thread;
    HANDLE process_id;
    KIRQL irql;
    CHAR image[16];
} iotest_record;

#endif
