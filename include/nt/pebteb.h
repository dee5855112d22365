/*
 * What the kernel and user mode share: the user-visible layout of a
 * process (PEB), of a thread (TEB), and KUSER_SHARED_DATA, with NT's field
 * names and, for the fields ntlab fills in, NT's offsets on x86-64.
 *
 * User space layout (NT's, x86): the PEB at 0x7FFDF000, the first thread's
 * TEB at 0x7FFDE000 and the next ones a page lower each, KUSER_SHARED_DATA
 * read-only at 0x7FFE0000 (the kernel's view, writable, is at 0xFFDF0000).
 * Pointers inside these structures are the values user code uses (on the
 * sanitizer build, host addresses of the guest window).
 */
#ifndef NT_PEBTEB_H
#define NT_PEBTEB_H

#include <nt/ntdef.h>
#include <nt/seh.h>

#define MM_USER_SHARED_DATA_VA   0x7FFE0000u
#define MM_KERNEL_SHARED_DATA_VA 0xFFDF0000u
#define MM_PEB_VA                0x7FFDF000u
#define MM_FIRST_TEB_VA          0x7FFDE000u

typedef struct _NT_TIB {
    PVOID ExceptionList; /* unused: ntlab keeps its chain in NtlabSeh */
    PVOID StackBase;
    PVOID StackLimit;
    PVOID SubSystemTib;
    PVOID FiberData;
    PVOID ArbitraryUserPointer;
    struct _NT_TIB *Self;
} NT_TIB, *PNT_TIB;

typedef struct _CLIENT_ID_USER {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID_USER;

typedef struct _TEB {
    NT_TIB NtTib;                         /* 0x000 */
    PVOID EnvironmentPointer;             /* 0x038 */
    CLIENT_ID_USER ClientId;              /* 0x040 */
    PVOID ActiveRpcHandle;                /* 0x050 */
    PVOID ThreadLocalStoragePointer;      /* 0x058 */
    struct _PEB *ProcessEnvironmentBlock; /* 0x060 */
    ULONG LastErrorValue;                 /* 0x068 */
    ULONG CountOfOwnedCriticalSections;
    UCHAR Reserved[0x800 - 0x070];
    SEH_THREAD_STATE NtlabSeh; /* 0x800: ntlab's own: the __try chain */
    NTSTATUS NtlabLastStatus;  /* the status behind LastErrorValue */
} TEB, *PTEB;

typedef struct _CURDIR {
    UNICODE_STRING DosPath;
    HANDLE Handle;
} CURDIR;

typedef struct _RTL_USER_PROCESS_PARAMETERS {
    ULONG MaximumLength; /* 0x000 */
    ULONG Length;
    ULONG Flags;
    ULONG DebugFlags;
    HANDLE ConsoleHandle; /* 0x010 */
    ULONG ConsoleFlags;
    HANDLE StandardInput; /* 0x020 */
    HANDLE StandardOutput;
    HANDLE StandardError;
    CURDIR CurrentDirectory;      /* 0x038 */
    UNICODE_STRING DllPath;       /* 0x050 */
    UNICODE_STRING ImagePathName; /* 0x060 */
    UNICODE_STRING CommandLine;   /* 0x070 */
    PVOID Environment;            /* 0x080 */
} RTL_USER_PROCESS_PARAMETERS, *PRTL_USER_PROCESS_PARAMETERS;

typedef struct _PEB {
    BOOLEAN InheritedAddressSpace; /* 0x000 */
    BOOLEAN ReadImageFileExecOptions;
    BOOLEAN BeingDebugged;
    UCHAR BitField;
    PVOID Mutant;                                   /* 0x008 */
    PVOID ImageBaseAddress;                         /* 0x010 */
    PVOID Ldr;                                      /* 0x018 */
    PRTL_USER_PROCESS_PARAMETERS ProcessParameters; /* 0x020 */
    PVOID SubSystemData;
    PVOID ProcessHeap; /* 0x030 */
    UCHAR Reserved[0xB8 - 0x38];
    ULONG NumberOfProcessors; /* 0x0B8 */
    ULONG NtGlobalFlag;
} PEB, *PPEB;

/*
 * What the kernel pushes on a thread's user stack when it makes user mode
 * run a user APC: KiUserApcDispatcher(record) calls
 * NormalRoutine(NormalContext, SystemArgument1, SystemArgument2), then
 * NtContinue(&record->Context, TRUE) resumes where the thread was.
 */
typedef struct _NTLAB_APC_RECORD {
    PVOID NormalRoutine;
    PVOID NormalContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
    CONTEXT Context;
} NTLAB_APC_RECORD, *PNTLAB_APC_RECORD;

/* What the kernel pushes for KiUserExceptionDispatcher(record, context). */
typedef struct _NTLAB_EXCEPTION_FRAME {
    CONTEXT Context;
    EXCEPTION_RECORD Record;
} NTLAB_EXCEPTION_FRAME;

typedef struct _KSYSTEM_TIME {
    ULONG LowPart;
    LONG High1Time;
    LONG High2Time;
} KSYSTEM_TIME;

/*
 * One page the kernel writes and every process can read. ntlab fills in
 * the times, the version, the number of pages, SystemCall (the routine
 * user code calls to enter the kernel) and, at NtlabCurrentTeb, the TEB of
 * the thread that runs now (what NtCurrentTeb reads; the kernel rewrites it
 * at every thread switch).
 */
typedef struct _KUSER_SHARED_DATA {
    ULONG TickCountLowDeprecated;        /* 0x000 */
    ULONG TickCountMultiplier;           /* 0x004 */
    volatile KSYSTEM_TIME InterruptTime; /* 0x008 */
    volatile KSYSTEM_TIME SystemTime;    /* 0x014 */
    volatile KSYSTEM_TIME TimeZoneBias;  /* 0x020 */
    USHORT ImageNumberLow;               /* 0x02C */
    USHORT ImageNumberHigh;
    WCHAR NtSystemRoot[260]; /* 0x030 */
    UCHAR Reserved1[0x26C - 0x238];
    ULONG NtMajorVersion; /* 0x26C */
    ULONG NtMinorVersion; /* 0x270 */
    UCHAR Reserved2[0x2E8 - 0x274];
    ULONG NumberOfPhysicalPages; /* 0x2E8 */
    UCHAR Reserved3[0x300 - 0x2EC];
    ULONG_PTR SystemCall; /* 0x300 */
    UCHAR Reserved4[0x320 - 0x300 - sizeof(ULONG_PTR)];
    volatile KSYSTEM_TIME TickCount; /* 0x320 */
    UCHAR Reserved5[0x800 - 0x32C];
    volatile ULONG_PTR NtlabCurrentTeb; /* 0x800 */
} KUSER_SHARED_DATA, *PKUSER_SHARED_DATA;

#endif
