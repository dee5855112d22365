/*
 * Exceptions in kernel mode: the kernel's port of the SEH runtime
 * (rtl/seh.c: a thread's state is in its KTHREAD, an exception nothing
 * handles stops the system) and the routines that raise exceptions.
 *
 * A DPC runs with an empty chain: its exceptions never reach the __try
 * blocks of the thread it interrupted (dpc.c).
 */
#include "ke.h"

#include "../rtl/rtl.h"
#include "../rtl/seh.h"

/* The __try macro's setjmp is the platform's: its caller's frame is the
 * one resumed, so it is reached by a tail jump, not a call. */
__asm__(".text\n"
        ".globl _ntlab_seh_setjmp\n"
        ".type _ntlab_seh_setjmp, @function\n"
        "_ntlab_seh_setjmp:\n"
        "    jmp hal_setjmp\n"
        ".size _ntlab_seh_setjmp, . - _ntlab_seh_setjmp\n");

/* ---- The port of the SEH runtime (rtl/seh.c) -------------------------------
 */

SEH_THREAD_STATE *rtl_seh_state(void)
{
    KTHREAD *thread = ke_current_thread();

    return thread != NULL ? &thread->Seh : NULL;
}

/* The traps whose handling the jump leaves are those deeper on the stack
 * than the __try's jump buffer. */
void rtl_seh_longjmp(ULONG_PTR *jump, int value)
{
    KTHREAD *thread = ke_current_thread();

    while (thread != NULL && thread->Traps != NULL &&
           (ULONG_PTR)thread->Traps < (ULONG_PTR)jump)
        thread->Traps = thread->Traps->next;
    hal_longjmp(jump, value);
}

void rtl_seh_unhandled(EXCEPTION_RECORD *record, CONTEXT *context)
{
    KTHREAD *thread = ke_current_thread();
    ULONG_PTR ip = (ULONG_PTR)record->ExceptionAddress;

    /* In a system thread, NT gives the exception and context records. */
    if (thread != NULL && thread->SystemThread)
        KeBugCheckEx(SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
                     (ULONG)record->ExceptionCode, ip, (ULONG_PTR)record,
                     (ULONG_PTR)context);
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)record->ExceptionCode, ip,
                 record->ExceptionInformation[0],
                 record->ExceptionInformation[1]);
}

void rtl_seh_bad_exit(PSEH_FRAME frame)
{
    ke_bugcheck_note(NO_EXCEPTION_HANDLING_SUPPORT, (ULONG_PTR)frame, 0, 0, 0,
                     "a __try block with a __finally was left by return, "
                     "break or goto; ntlab cannot run the __finally: use "
                     "__leave");
}

void rtl_seh_raise(NTSTATUS status)
{
    ke_raise_status(status);
}

void ke_dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context)
{
    rtl_dispatch_exception(record, context);
}

/* ---- Raising ------------------------------------------------------------- */

/* The context an exception raised by software records: where it was
 * raised from, and the stack there. */
static void raise_context(CONTEXT *context, PVOID address, PVOID frame)
{
    RtlZeroMemory(context, sizeof *context);
    context->ContextFlags = CONTEXT_CONTROL;
    CONTEXT_TO_PROGRAM_COUNTER(context) = (ULONG_PTR)address;
    CONTEXT_TO_STACK_POINTER(context) = (ULONG_PTR)frame;
}

VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord)
{
    CONTEXT context;

    if (ExceptionRecord->ExceptionAddress == NULL)
        ExceptionRecord->ExceptionAddress = __builtin_return_address(0);
    raise_context(&context, ExceptionRecord->ExceptionAddress,
                  __builtin_frame_address(0));
    ke_dispatch_exception(ExceptionRecord, &context);
}

static DECLSPEC_NORETURN void raise_from(NTSTATUS status, PVOID address)
{
    EXCEPTION_RECORD record;
    CONTEXT context;

    RtlZeroMemory(&record, sizeof record);
    record.ExceptionCode = status;
    record.ExceptionFlags = EXCEPTION_NONCONTINUABLE;
    record.ExceptionAddress = address;
    raise_context(&context, address, __builtin_frame_address(0));
    ke_dispatch_exception(&record, &context);
    /* A non-continuable exception does not come back. */
    __builtin_unreachable();
}

void ke_raise_status(NTSTATUS status)
{
    raise_from(status, __builtin_return_address(0));
}

VOID NTAPI ExRaiseStatus(NTSTATUS Status)
{
    raise_from(Status, __builtin_return_address(0));
}

VOID NTAPI ExRaiseAccessViolation(VOID)
{
    raise_from(STATUS_ACCESS_VIOLATION, __builtin_return_address(0));
}

VOID NTAPI ExRaiseDatatypeMisalignment(VOID)
{
    raise_from(STATUS_DATATYPE_MISALIGNMENT, __builtin_return_address(0));
}
