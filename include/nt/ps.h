/*
 * Processes and threads (Ps), as drivers see them.
 */
#ifndef NT_PS_H
#define NT_PS_H

#include <nt/ke.h>
#include <nt/ob.h>

#define PROCESS_TERMINATE                 0x0001u
#define PROCESS_CREATE_THREAD             0x0002u
#define PROCESS_VM_OPERATION              0x0008u
#define PROCESS_VM_READ                   0x0010u
#define PROCESS_VM_WRITE                  0x0020u
#define PROCESS_DUP_HANDLE                0x0040u
#define PROCESS_CREATE_PROCESS            0x0080u
#define PROCESS_SET_QUOTA                 0x0100u
#define PROCESS_SET_INFORMATION           0x0200u
#define PROCESS_QUERY_INFORMATION         0x0400u
#define PROCESS_SUSPEND_RESUME            0x0800u
#define PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define PROCESS_ALL_ACCESS                (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFFu)

#define THREAD_TERMINATE                 0x0001u
#define THREAD_SUSPEND_RESUME            0x0002u
#define THREAD_ALERT                     0x0004u
#define THREAD_GET_CONTEXT               0x0008u
#define THREAD_SET_CONTEXT               0x0010u
#define THREAD_SET_INFORMATION           0x0020u
#define THREAD_QUERY_INFORMATION         0x0040u
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define THREAD_ALL_ACCESS                (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFFu)

typedef struct _CLIENT_ID {
    HANDLE UniqueProcess;
    HANDLE UniqueThread;
} CLIENT_ID, *PCLIENT_ID;

/*
 * The process whose address space is current (for a thread attached to
 * another process, that process), the current thread, and their IDs.
 * Callable at any IRQL.
 */
NTKERNELAPI PEPROCESS NTAPI PsGetCurrentProcess(VOID);
NTKERNELAPI PETHREAD NTAPI PsGetCurrentThread(VOID);
NTKERNELAPI HANDLE NTAPI PsGetCurrentProcessId(VOID);
NTKERNELAPI HANDLE NTAPI PsGetCurrentThreadId(VOID);
NTKERNELAPI HANDLE NTAPI PsGetProcessId(PEPROCESS Process);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI HANDLE NTAPI PsGetThreadId(PETHREAD Thread);
NTKERNELAPI HANDLE NTAPI PsGetThreadProcessId(PETHREAD Thread);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread);
/* STATUS_PENDING while the process runs, then how it ended. */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI PsGetProcessExitStatus(PEPROCESS Process);
/* The process's image name (at most 15 characters: "System", "hello.exe"). */
NTKERNELAPI PCHAR NTAPI PsGetProcessImageFileName(PEPROCESS Process);
/* The I/O manager's name for PsGetCurrentProcess. */
NTKERNELAPI PEPROCESS NTAPI IoGetCurrentProcess(VOID);
/* The current thread's kernel stack: its initial (highest) address, its
 * limits (LowLimit inclusive, HighLimit the initial stack), and how many
 * bytes of it are left below the caller's frame. */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI PVOID NTAPI IoGetInitialStack(VOID);
NTKERNELAPI VOID NTAPI IoGetStackLimits(PULONG_PTR LowLimit,
                                        PULONG_PTR HighLimit);
NTKERNELAPI ULONG_PTR NTAPI IoGetRemainingStackSize(VOID);
/* The System process (PID 4). */
extern NTKERNELAPI PEPROCESS PsInitialSystemProcess;

/* The process or thread with an ID, referenced (ObDereferenceObject when
 * done); STATUS_INVALID_PARAMETER when there is none. */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI PsLookupProcessByProcessId(HANDLE ProcessId,
                                                      PEPROCESS *Process);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI PsLookupThreadByThreadId(HANDLE ThreadId,
                                                    PETHREAD *Thread);

/*
 * Creates a kernel-mode thread running StartRoutine(StartContext) at
 * PASSIVE_LEVEL, at priority 8, in the process ProcessHandle names (NULL:
 * the System process), and returns a handle to it (close it with ZwClose;
 * OBJ_KERNEL_HANDLE in ObjectAttributes makes it a kernel handle). The
 * thread ends when StartRoutine returns or calls PsTerminateSystemThread.
 * PASSIVE_LEVEL.
 */
typedef VOID KSTART_ROUTINE(PVOID StartContext);
typedef KSTART_ROUTINE *PKSTART_ROUTINE;
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI PsCreateSystemThread(
    PHANDLE ThreadHandle, ULONG DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
    PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext);
/* Ends the calling system thread; STATUS_INVALID_PARAMETER from any other. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus);

/* ---- Services ------------------------------------------------------------ */

typedef enum _PROCESSINFOCLASS {
    ProcessBasicInformation = 0,
} PROCESSINFOCLASS;

typedef struct _PROCESS_BASIC_INFORMATION {
    NTSTATUS ExitStatus; /* STATUS_PENDING while it runs */
    PVOID PebBaseAddress;
    ULONG_PTR AffinityMask;
    KPRIORITY BasePriority;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
} PROCESS_BASIC_INFORMATION, *PPROCESS_BASIC_INFORMATION;

typedef enum _THREADINFOCLASS {
    ThreadBasicInformation = 0,
} THREADINFOCLASS;

typedef struct _THREAD_BASIC_INFORMATION {
    NTSTATUS ExitStatus; /* STATUS_PENDING while it runs */
    PVOID TebBaseAddress; /* NULL for a system thread */
    CLIENT_ID ClientId;
    ULONG_PTR AffinityMask;
    KPRIORITY Priority;
    KPRIORITY BasePriority;
} THREAD_BASIC_INFORMATION, *PTHREAD_BASIC_INFORMATION;

typedef VOID(NTAPI *PPS_APC_ROUTINE)(PVOID ApcArgument1, PVOID ApcArgument2,
                                     PVOID ApcArgument3);

/*
 * ntlab's process-creation service (NT's own needs sections and a loader
 * ntlab does not have): starts the program ImageName (a boot module's name,
 * such as L"hello.exe"; case does not matter) in a new process whose PEB
 * gives CommandLine, and returns handles to the process and its first
 * thread (with all access). Flags must be 0.
 */
NTSYSAPI NTSTATUS NTAPI NtlabCreateProcess(PHANDLE ProcessHandle,
                                           PHANDLE ThreadHandle,
                                           PUNICODE_STRING ImageName,
                                           PUNICODE_STRING CommandLine,
                                           ULONG Flags);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle,
                                      ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes,
                                      PCLIENT_ID ClientId);
/* Ends every thread of the process (NULL: every thread of the current
 * process but the caller). */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle,
                                           NTSTATUS ExitStatus);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtQueryInformationProcess(
    HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
    PVOID ProcessInformation, ULONG ProcessInformationLength,
    PULONG ReturnLength);
/* Starts a user thread at StartRoutine(Argument). CreateFlags and
 * AttributeList must be 0; StackSize and MaximumStackSize (0: 256 KiB)
 * give the stack's reservation. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtCreateThreadEx(
    PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
    PVOID StartRoutine, PVOID Argument, ULONG CreateFlags, SIZE_T ZeroBits,
    SIZE_T StackSize, SIZE_T MaximumStackSize, PVOID AttributeList);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtOpenThread(PHANDLE ThreadHandle,
                                     ACCESS_MASK DesiredAccess,
                                     POBJECT_ATTRIBUTES ObjectAttributes,
                                     PCLIENT_ID ClientId);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle,
                                          NTSTATUS ExitStatus);
/* ThreadBasicInformation only (THREAD_QUERY_INFORMATION access). */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtQueryInformationThread(
    HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
    PVOID ThreadInformation, ULONG ThreadInformationLength,
    PULONG ReturnLength);
/* Queues ApcRoutine(ApcArgument1..3) to run in the thread's user mode at
 * its next alertable wait (or NtTestAlert). */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtQueueApcThread(HANDLE ThreadHandle,
                                         PPS_APC_ROUTINE ApcRoutine,
                                         PVOID ApcArgument1, PVOID ApcArgument2,
                                         PVOID ApcArgument3);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwTerminateProcess(HANDLE ProcessHandle,
                                           NTSTATUS ExitStatus);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwQueryInformationProcess(
    HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
    PVOID ProcessInformation, ULONG ProcessInformationLength,
    PULONG ReturnLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwQueryInformationThread(
    HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
    PVOID ThreadInformation, ULONG ThreadInformationLength,
    PULONG ReturnLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwOpenProcess(PHANDLE ProcessHandle,
                                      ACCESS_MASK DesiredAccess,
                                      POBJECT_ATTRIBUTES ObjectAttributes,
                                      PCLIENT_ID ClientId);

#endif
