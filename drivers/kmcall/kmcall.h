/*
 * kmcall.sys and kmcall.exe: a program asks the driver to call one of the
 * program's own functions in kernel mode. This header is what both sides
 * agree on: the device, the I/O control codes, the table of kernel
 * services the driver hands the function, and what the function answers.
 */
#ifndef KMCALL_H
#define KMCALL_H

/* \Device\KmCall, \\.\KmCall for a program. */
#define KMCALL_DEVICE_TYPE 0x8000
#define KMCALL_CTL(function)                                          \
    CTL_CODE(KMCALL_DEVICE_TYPE, 0x800 + (function), METHOD_BUFFERED, \
             FILE_ANY_ACCESS)

/* Input: a KMCALL_REQUEST. Output: a KMCALL_ANSWER. The function is called
 * from the dispatch routine (the program's own thread); from a work item
 * (a system thread), under __try or not; from a timer's DPC (whatever
 * thread is current when the timer expires). */
#define IOCTL_KMCALL_FROM_DISPATCH       KMCALL_CTL(0)
#define IOCTL_KMCALL_FROM_WORK_ITEM      KMCALL_CTL(1)
#define IOCTL_KMCALL_FROM_WORK_UNGUARDED KMCALL_CTL(2)
#define IOCTL_KMCALL_FROM_DPC            KMCALL_CTL(3)

/* The ULONG the driver keeps in nonpaged pool for the function to read. */
#define KMCALL_SECRET 0x5EC2E700u

/* What the function writes (into the driver's nonpaged memory). */
typedef struct _KMCALL_ANSWER {
    ULONG Copy;      /* which copy of the program's code and data ran */
    ULONG ProcessId; /* the current process while it ran */
    ULONG Irql;      /* the IRQL it ran at */
    ULONG Secret;    /* what it read at the system address */
} KMCALL_ANSWER;

/* The kernel services the driver hands the function: kernel routines
 * user mode cannot call, a system address and where to answer. */
typedef struct _KMCALL_KERNEL {
    HANDLE(NTAPI *GetCurrentProcessId)(VOID); /* PsGetCurrentProcessId */
    UCHAR(NTAPI *GetCurrentIrql)(VOID);       /* KeGetCurrentIrql */
    ULONG (*Print)(const char *Format, ...);  /* DbgPrint */
    const ULONG *Secret;                      /* KMCALL_SECRET, system space */
    KMCALL_ANSWER *Answer;
} KMCALL_KERNEL;

typedef VOID (*KMCALL_FUNCTION)(const KMCALL_KERNEL *Kernel);

typedef struct _KMCALL_REQUEST {
    KMCALL_FUNCTION Function; /* a user address: the program's own code */
} KMCALL_REQUEST;

/* The output of every IOCTL: how the call went, and the answer. */
typedef struct _KMCALL_RESULT {
    NTSTATUS Status; /* STATUS_SUCCESS, or the exception the call raised */
    KMCALL_ANSWER Answer;
} KMCALL_RESULT;

#endif
