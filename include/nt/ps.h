/*
 * Processes and threads (Ps), as drivers see them.
 */
#ifndef NT_PS_H
#define NT_PS_H

#include <nt/ke.h>

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
/* The System process (PID 4). */
extern NTKERNELAPI PEPROCESS PsInitialSystemProcess;

#endif
