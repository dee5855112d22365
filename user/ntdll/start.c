/*
 * Where the kernel enters user mode: the start of every thread, the
 * exception dispatcher and the APC dispatcher; and the user side of SEH
 * (the port of the runtime in kernel/rtl/seh.c: the chain lives in the
 * TEB, and an exception no handler takes goes back to the kernel, which
 * ends the process).
 */
#include <ntdll.h>

#include "../../kernel/rtl/seh.h"

DECLSPEC_NORETURN void ntdll_longjmp(ULONG_PTR *buf, int value);

VOID NTAPI RtlExitUserThread(NTSTATUS ExitStatus)
{
    NtTerminateThread(NtCurrentThread(), ExitStatus);
    for (;;)
        ;
}

VOID NTAPI RtlUserThreadStart(PUSER_THREAD_START_ROUTINE StartRoutine,
                              PVOID Argument)
{
    RtlExitUserThread((NTSTATUS)StartRoutine(Argument));
}

/* An exception in this thread: the handlers run here, in user mode; if
 * one continues execution, the thread resumes at context. */
VOID NTAPI KiUserExceptionDispatcher(PEXCEPTION_RECORD ExceptionRecord,
                                     PCONTEXT ContextRecord)
{
    rtl_dispatch_exception(ExceptionRecord, ContextRecord);
    NtContinue(ContextRecord, FALSE);
}

/* A user APC: its routine runs, then the thread resumes where it was (and
 * the next APC, if any, runs first). */
VOID NTAPI KiUserApcDispatcher(PNTLAB_APC_RECORD Record)
{
    ((PKNORMAL_ROUTINE)Record->NormalRoutine)(Record->NormalContext,
                                              Record->SystemArgument1,
                                              Record->SystemArgument2);
    NtContinue(&Record->Context, TRUE);
}

/* ---- Raising
 * ------------------------------------------------------------------- */

VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord)
{
    CONTEXT context;

    RtlZeroMemory(&context, sizeof context);
    context.ContextFlags = CONTEXT_CONTROL;
    if (ExceptionRecord->ExceptionAddress == NULL)
        ExceptionRecord->ExceptionAddress = __builtin_return_address(0);
    CONTEXT_TO_PROGRAM_COUNTER(&context) =
        (ULONG_PTR)ExceptionRecord->ExceptionAddress;
    CONTEXT_TO_STACK_POINTER(&context) = (ULONG_PTR)__builtin_frame_address(0);
    rtl_dispatch_exception(ExceptionRecord, &context);
}

VOID NTAPI RtlRaiseStatus(NTSTATUS Status)
{
    EXCEPTION_RECORD record;

    RtlZeroMemory(&record, sizeof record);
    record.ExceptionCode = Status;
    record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    record.ExceptionAddress = __builtin_return_address(0);
    RtlRaiseException(&record);
    /* A non-continuable exception does not come back. */
    for (;;)
        ;
}

/* ---- The port of the SEH runtime
 * ------------------------------------------------ */

SEH_THREAD_STATE *rtl_seh_state(void)
{
    return &NtCurrentTeb()->NtlabSeh;
}

void rtl_seh_longjmp(ULONG_PTR *jump, int value)
{
    ntdll_longjmp(jump, value);
}

void rtl_seh_unhandled(EXCEPTION_RECORD *record, CONTEXT *context)
{
    NtRaiseException(record, context, FALSE);
    for (;;)
        ;
}

void rtl_seh_bad_exit(PSEH_FRAME frame)
{
    static const WCHAR text[] =
        L"ntlab: a __try block with a __finally was left by return, break "
        L"or goto; ntlab cannot run the __finally: use __leave\n";
    UNICODE_STRING message = {sizeof text - sizeof(WCHAR), sizeof text,
                              (PWCHAR)text};

    UNREFERENCED_PARAMETER(frame);
    NtDisplayString(&message);
    NtTerminateProcess(NtCurrentProcess(), STATUS_INVALID_DISPOSITION);
    for (;;)
        ;
}

void rtl_seh_raise(NTSTATUS status)
{
    RtlRaiseStatus(status);
}
