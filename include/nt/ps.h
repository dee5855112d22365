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
NTKERNELAPI HANDLE NTAPI PsGetThreadId(PETHREAD Thread);
NTKERNELAPI HANDLE NTAPI PsGetThreadProcessId(PETHREAD Thread);
NTKERNELAPI BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread);
/* STATUS_PENDING while the process runs, then how it ended. */
NTKERNELAPI NTSTATUS NTAPI PsGetProcessExitStatus(PEPROCESS Process);
/* The I/O manager's name for PsGetCurrentProcess. */
NTKERNELAPI PEPROCESS NTAPI IoGetCurrentProcess(VOID);
/* The System process (PID 4). */
extern NTKERNELAPI PEPROCESS PsInitialSystemProcess;

/* The process or thread with an ID, referenced (ObDereferenceObject when
 * done); STATUS_INVALID_PARAMETER when there is none. */
NTKERNELAPI NTSTATUS NTAPI PsLookupProcessByProcessId(HANDLE ProcessId,
                                                      PEPROCESS *Process);
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
typedef VOID (*PKSTART_ROUTINE)(PVOID StartContext);
NTKERNELAPI NTSTATUS NTAPI PsCreateSystemThread(
    PHANDLE ThreadHandle, ULONG DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,
    PCLIENT_ID ClientId, PKSTART_ROUTINE StartRoutine, PVOID StartContext);
/* Ends the calling system thread; STATUS_INVALID_PARAMETER from any other. */
NTKERNELAPI NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus);

#endif
