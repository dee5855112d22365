/*
 * ntlab's user-mode native API: what a user program includes to call the
 * system services (the Nt* functions, through ntdll's stubs), the Rtl
 * routines ntlab's user runtime provides, NtCurrentTeb and NtCurrentPeb,
 * and structured exception handling (__try, as in the kernel).
 *
 * The headers it shares with drivers also declare kernel routines (Ke*,
 * Ex*, Mm*, ...): those do not exist in user mode, and a program that
 * calls one fails to link, naming it.
 */
#ifndef NTDLL_H
#define NTDLL_H

#define NTLAB_USER_MODE 1

#include <ntddk.h>
#include <nt/pebteb.h>

#ifndef NTLAB_VA_BASE
#define NTLAB_VA_BASE 0
#endif

/* KUSER_SHARED_DATA as user mode sees it (read-only). */
#define USER_SHARED_DATA                                    \
    ((const KUSER_SHARED_DATA *)((ULONG_PTR)NTLAB_VA_BASE + \
                                 MM_USER_SHARED_DATA_VA))

/* The running thread's TEB (the kernel publishes it at every switch). */
static inline PTEB NtCurrentTeb(void)
{
    return (PTEB)USER_SHARED_DATA->NtlabCurrentTeb;
}

#define NtCurrentPeb() (NtCurrentTeb()->ProcessEnvironmentBlock)

typedef ULONG(NTAPI *PUSER_THREAD_START_ROUTINE)(PVOID ThreadParameter);

/* Where every thread starts: calls StartRoutine(Argument), then ends the
 * thread with what it returned. */
NTSYSAPI DECLSPEC_NORETURN VOID NTAPI
RtlUserThreadStart(PUSER_THREAD_START_ROUTINE StartRoutine, PVOID Argument);
NTSYSAPI DECLSPEC_NORETURN VOID NTAPI RtlExitUserThread(NTSTATUS ExitStatus);
/* Where the kernel sends a thread for an exception and for a user APC. */
NTSYSAPI VOID NTAPI KiUserExceptionDispatcher(PEXCEPTION_RECORD ExceptionRecord,
                                              PCONTEXT ContextRecord);
NTSYSAPI VOID NTAPI KiUserApcDispatcher(PNTLAB_APC_RECORD Record);
NTSYSAPI DECLSPEC_NORETURN VOID NTAPI RtlRaiseStatus(NTSTATUS Status);
NTSYSAPI VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);

/* The heap behind malloc (one per process, from NtAllocateVirtualMemory). */
NTSYSAPI PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags,
                                     SIZE_T Size);
NTSYSAPI BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags,
                                   PVOID BaseAddress);
NTSYSAPI SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags,
                                  PVOID BaseAddress);
#define HEAP_ZERO_MEMORY 0x00000008u
#define RtlProcessHeap() ((PVOID)NULL)

/* The Win32 error code for a status (what GetLastError reports). */
NTSYSAPI ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);

#endif
