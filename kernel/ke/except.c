/*
 * Structured exception handling: the runtime behind __try, __except,
 * __finally and __leave (include/nt/seh.h), and the exception dispatcher.
 *
 * Each thread keeps a chain of its live __try frames, innermost first (NT
 * keeps it at FS:[0]). A frame's life:
 *
 *   NEW -> REGISTERING: _ntlab_seh_loop links it into the chain; the setjmp
 *       in the __try returns 0, so control falls to the __except/__finally
 *       test, which records the filter (a nested function; NULL for
 *       __finally) and jumps back with SEH_RUN_BODY;
 *   TRY: the body runs. Ending it (or __leave) unlinks the frame; a
 *       __finally frame then jumps back to run its block (FINALLY_NORMAL);
 *   on an exception, the dispatcher calls the filters of the frames in
 *       chain order, on the stack where the exception happened (pass one).
 *       The first that says EXCEPTION_EXECUTE_HANDLER gets control: the
 *       frames inside it are unlinked, their __finally blocks run
 *       (FINALLY_UNWIND), innermost first, each jumping on to the next when
 *       done; then the handler runs (HANDLING).
 *
 * A DPC runs with an empty chain: its exceptions never reach the __try
 * blocks of the thread it interrupted.
 */
#include "ke.h"

#include "../rtl/rtl.h"

/* The __try macro's setjmp is the platform's: its caller's frame is the
 * one resumed, so it is reached by a tail jump, not a call. */
__asm__(".text\n"
        ".globl _ntlab_seh_setjmp\n"
        ".type _ntlab_seh_setjmp, @function\n"
        "_ntlab_seh_setjmp:\n"
        "    jmp hal_setjmp\n"
        ".size _ntlab_seh_setjmp, . - _ntlab_seh_setjmp\n");

PSEH_FRAME _ntlab_seh_active(VOID)
{
    return ke_current_thread()->SehActive;
}

static void unlink(KTHREAD *thread, SEH_FRAME *frame)
{
    thread->SehChain = frame->Next;
}

static DECLSPEC_NORETURN void jump_to(KTHREAD *thread, SEH_FRAME *frame,
                                      LONG state, int value)
{
    frame->State = state;
    thread->SehActive = frame;
    hal_longjmp(frame->Jump, value);
}

/* Unwinds towards thread->SehTarget: runs the next __finally, or the
 * handler once the target is reached. */
static DECLSPEC_NORETURN void continue_unwind(KTHREAD *thread)
{
    for (;;) {
        SEH_FRAME *frame = thread->SehChain;

        unlink(thread, frame);
        if (frame == thread->SehTarget) {
            frame->Record = thread->SehRecord;
            frame->Pointers.ContextRecord = NULL;
            thread->SehTarget = NULL;
            jump_to(thread, frame, SEH_STATE_HANDLING, 1);
        }
        if (frame->Filter == NULL)
            jump_to(thread, frame, SEH_STATE_FINALLY_UNWIND, 1);
        frame->State = SEH_STATE_DONE;
    }
}

BOOLEAN _ntlab_seh_loop(PSEH_FRAME Frame)
{
    KTHREAD *thread = ke_current_thread();

    switch (Frame->State) {
    case SEH_STATE_NEW:
        Frame->Next = thread->SehChain;
        Frame->PrevActive = thread->SehActive;
        thread->SehChain = Frame;
        thread->SehActive = Frame;
        Frame->State = SEH_STATE_REGISTERING;
        return TRUE;
    case SEH_STATE_TRY: /* the body ended */
        unlink(thread, Frame);
        if (Frame->Filter == NULL)
            jump_to(thread, Frame, SEH_STATE_FINALLY_NORMAL, 1);
        break;
    case SEH_STATE_FINALLY_UNWIND:
        Frame->State = SEH_STATE_DONE;
        thread->SehActive = Frame->PrevActive;
        continue_unwind(thread);
    default:
        break;
    }
    Frame->State = SEH_STATE_DONE;
    thread->SehActive = Frame->PrevActive;
    return FALSE;
}

/* Records the filter, then runs the body. */
static DECLSPEC_NORETURN void registered(KTHREAD *thread, SEH_FRAME *frame,
                                         LONG (*filter)(void))
{
    frame->Filter = filter;
    frame->State = SEH_STATE_TRY;
    thread->SehActive = frame;
    hal_longjmp(frame->Jump, SEH_RUN_BODY);
}

BOOLEAN _ntlab_seh_except(LONG (*Filter)(void))
{
    KTHREAD *thread = ke_current_thread();
    SEH_FRAME *frame = thread->SehActive;

    if (frame->State == SEH_STATE_REGISTERING)
        registered(thread, frame, Filter);
    return frame->State == SEH_STATE_HANDLING;
}

BOOLEAN _ntlab_seh_finally(VOID)
{
    KTHREAD *thread = ke_current_thread();
    SEH_FRAME *frame = thread->SehActive;

    if (frame->State == SEH_STATE_REGISTERING)
        registered(thread, frame, NULL);
    return frame->State == SEH_STATE_FINALLY_NORMAL ||
           frame->State == SEH_STATE_FINALLY_UNWIND;
}

/* __leave: the innermost __try ends as if its body had. */
VOID _ntlab_seh_leave(VOID)
{
    KTHREAD *thread = ke_current_thread();
    SEH_FRAME *frame = thread->SehChain;

    unlink(thread, frame);
    if (frame->Filter == NULL)
        jump_to(thread, frame, SEH_STATE_FINALLY_NORMAL, 1);
    jump_to(thread, frame, SEH_STATE_SKIP, 1);
}

/* The frame's scope ends: normally DONE; a body left by return, break or
 * goto leaves the frame linked. */
VOID _ntlab_seh_cleanup(PSEH_FRAME Frame)
{
    KTHREAD *thread = ke_current_thread();

    if (Frame->State == SEH_STATE_DONE || Frame->State == SEH_STATE_NEW)
        return;
    if (Frame->State == SEH_STATE_TRY && Frame->Filter == NULL)
        ke_bugcheck_note(NO_EXCEPTION_HANDLING_SUPPORT, (ULONG_PTR)Frame, 0, 0,
                         0,
                         "a __try block with a __finally was left by return, "
                         "break or goto; ntlab cannot run the __finally: use "
                         "__leave");
    if (Frame->State == SEH_STATE_TRY)
        unlink(thread, Frame);
    Frame->State = SEH_STATE_DONE;
    thread->SehActive = Frame->PrevActive;
}

/* ---- Dispatch ------------------------------------------------------------ */

/* Calls frame's filter, as pass one does; returns its disposition. */
static LONG call_filter(KTHREAD *thread, SEH_FRAME *frame,
                        const EXCEPTION_RECORD *record, CONTEXT *context)
{
    SEH_FRAME *active = thread->SehActive, *filtering = thread->SehFiltering;
    LONG disposition;

    frame->Record = *record;
    frame->Pointers.ExceptionRecord = &frame->Record;
    frame->Pointers.ContextRecord = context;
    thread->SehActive = frame;
    thread->SehFiltering = frame;
    disposition = frame->Filter();
    thread->SehFiltering = filtering;
    thread->SehActive = active;
    return disposition;
}

/* The frame pass one starts from: past a frame whose filter is running
 * (an exception raised inside a filter). */
static SEH_FRAME *first_candidate(KTHREAD *thread)
{
    return thread->SehFiltering != NULL ? thread->SehFiltering->Next
                                        : thread->SehChain;
}

static DECLSPEC_NORETURN void unhandled(KTHREAD *thread,
                                        EXCEPTION_RECORD *record)
{
    ULONG_PTR ip = (ULONG_PTR)record->ExceptionAddress;

    if (thread != NULL && thread->SystemThread)
        KeBugCheckEx(SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
                     (ULONG)record->ExceptionCode, ip, (ULONG_PTR)record, 0);
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)record->ExceptionCode, ip,
                 record->ExceptionInformation[0],
                 record->ExceptionInformation[1]);
}

void ke_dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context)
{
    KTHREAD *thread = ke_current_thread();
    SEH_FRAME *frame;

    for (frame = thread != NULL ? first_candidate(thread) : NULL; frame != NULL;
         frame = frame->Next) {
        LONG disposition;

        if (frame->Filter == NULL || frame->State != SEH_STATE_TRY)
            continue;
        disposition = call_filter(thread, frame, record, context);
        if (disposition == EXCEPTION_CONTINUE_EXECUTION) {
            if (!(record->ExceptionFlags & EXCEPTION_NONCONTINUABLE))
                return;
            /* Raised as if from inside this filter: the search for it
             * starts outside this frame. */
            thread->SehFiltering = frame;
            ke_raise_status(STATUS_NONCONTINUABLE_EXCEPTION);
        }
        if (disposition == EXCEPTION_EXECUTE_HANDLER) {
            thread->SehTarget = frame;
            thread->SehRecord = *record;
            thread->SehFiltering = NULL;
            continue_unwind(thread);
        }
    }
    unhandled(thread, record);
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
