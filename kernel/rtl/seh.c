/*
 * Structured exception handling: the runtime behind __try, __except,
 * __finally and __leave (include/nt/seh.h), and the exception dispatcher.
 * The kernel and ntlab's user runtime both build this file; each supplies
 * the port (seh.h's rtl_seh_* routines): where a thread's state lives, the
 * jump, and what an unhandled exception does.
 *
 * Each seh keeps a chain of its live __try frames, innermost first (NT
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
 */
#include "seh.h"

#include <nt/ntstatus.h>

PSEH_FRAME _ntlab_seh_active(VOID)
{
    return rtl_seh_state()->Active;
}

static void unlink(SEH_THREAD_STATE *seh, SEH_FRAME *frame)
{
    seh->Chain = frame->Next;
}

static DECLSPEC_NORETURN void jump_to(SEH_THREAD_STATE *seh, SEH_FRAME *frame,
                                      LONG state, int value)
{
    frame->State = state;
    seh->Active = frame;
    rtl_seh_longjmp(frame->Jump, value);
}

/* Unwinds towards seh->Target: runs the next __finally, or the
 * handler once the target is reached. */
static DECLSPEC_NORETURN void continue_unwind(SEH_THREAD_STATE *seh)
{
    for (;;) {
        SEH_FRAME *frame = seh->Chain;

        unlink(seh, frame);
        if (frame == seh->Target) {
            frame->Record = seh->Record;
            frame->Pointers.ContextRecord = NULL;
            seh->Target = NULL;
            jump_to(seh, frame, SEH_STATE_HANDLING, 1);
        }
        if (frame->Filter == NULL)
            jump_to(seh, frame, SEH_STATE_FINALLY_UNWIND, 1);
        frame->State = SEH_STATE_DONE;
    }
}

BOOLEAN _ntlab_seh_loop(PSEH_FRAME Frame)
{
    SEH_THREAD_STATE *seh = rtl_seh_state();

    switch (Frame->State) {
    case SEH_STATE_NEW:
        Frame->Next = seh->Chain;
        Frame->PrevActive = seh->Active;
        seh->Chain = Frame;
        seh->Active = Frame;
        Frame->State = SEH_STATE_REGISTERING;
        return TRUE;
    case SEH_STATE_TRY: /* the body ended */
        unlink(seh, Frame);
        if (Frame->Filter == NULL)
            jump_to(seh, Frame, SEH_STATE_FINALLY_NORMAL, 1);
        break;
    case SEH_STATE_FINALLY_UNWIND:
        Frame->State = SEH_STATE_DONE;
        seh->Active = Frame->PrevActive;
        continue_unwind(seh);
    default:
        break;
    }
    Frame->State = SEH_STATE_DONE;
    seh->Active = Frame->PrevActive;
    return FALSE;
}

/* Records the filter, then runs the body. */
static DECLSPEC_NORETURN void registered(SEH_THREAD_STATE *seh,
                                         SEH_FRAME *frame, LONG (*filter)(void))
{
    frame->Filter = filter;
    frame->State = SEH_STATE_TRY;
    seh->Active = frame;
    rtl_seh_longjmp(frame->Jump, SEH_RUN_BODY);
}

BOOLEAN _ntlab_seh_except(LONG (*Filter)(void))
{
    SEH_THREAD_STATE *seh = rtl_seh_state();
    SEH_FRAME *frame = seh->Active;

    if (frame->State == SEH_STATE_REGISTERING)
        registered(seh, frame, Filter);
    return frame->State == SEH_STATE_HANDLING;
}

BOOLEAN _ntlab_seh_finally(VOID)
{
    SEH_THREAD_STATE *seh = rtl_seh_state();
    SEH_FRAME *frame = seh->Active;

    if (frame->State == SEH_STATE_REGISTERING)
        registered(seh, frame, NULL);
    return frame->State == SEH_STATE_FINALLY_NORMAL ||
           frame->State == SEH_STATE_FINALLY_UNWIND;
}

/* __leave: the innermost __try ends as if its body had. */
VOID _ntlab_seh_leave(VOID)
{
    SEH_THREAD_STATE *seh = rtl_seh_state();
    SEH_FRAME *frame = seh->Chain;

    unlink(seh, frame);
    if (frame->Filter == NULL)
        jump_to(seh, frame, SEH_STATE_FINALLY_NORMAL, 1);
    jump_to(seh, frame, SEH_STATE_SKIP, 1);
}

/* The frame's scope ends: normally DONE; a body left by return, break or
 * goto leaves the frame linked. */
VOID _ntlab_seh_cleanup(PSEH_FRAME Frame)
{
    SEH_THREAD_STATE *seh = rtl_seh_state();

    if (Frame->State == SEH_STATE_DONE || Frame->State == SEH_STATE_NEW)
        return;
    if (Frame->State == SEH_STATE_TRY && Frame->Filter == NULL)
        rtl_seh_bad_exit(Frame);
    if (Frame->State == SEH_STATE_TRY)
        unlink(seh, Frame);
    Frame->State = SEH_STATE_DONE;
    seh->Active = Frame->PrevActive;
}

/* ---- Dispatch ------------------------------------------------------------ */

/* Calls frame's filter, as pass one does; returns its disposition. */
static LONG call_filter(SEH_THREAD_STATE *seh, SEH_FRAME *frame,
                        const EXCEPTION_RECORD *record, CONTEXT *context)
{
    SEH_FRAME *active = seh->Active, *filtering = seh->Filtering;
    LONG disposition;

    frame->Record = *record;
    frame->Pointers.ExceptionRecord = &frame->Record;
    frame->Pointers.ContextRecord = context;
    seh->Active = frame;
    seh->Filtering = frame;
    disposition = frame->Filter();
    seh->Filtering = filtering;
    seh->Active = active;
    return disposition;
}

/* The frame pass one starts from: past a frame whose filter is running
 * (an exception raised inside a filter). */
static SEH_FRAME *first_candidate(SEH_THREAD_STATE *seh)
{
    return seh->Filtering != NULL ? seh->Filtering->Next : seh->Chain;
}

void rtl_dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context)
{
    SEH_THREAD_STATE *seh = rtl_seh_state();
    SEH_FRAME *frame;

    for (frame = seh != NULL ? first_candidate(seh) : NULL; frame != NULL;
         frame = frame->Next) {
        LONG disposition;

        if (frame->Filter == NULL || frame->State != SEH_STATE_TRY)
            continue;
        disposition = call_filter(seh, frame, record, context);
        if (disposition == EXCEPTION_CONTINUE_EXECUTION) {
            if (!(record->ExceptionFlags & EXCEPTION_NONCONTINUABLE))
                return;
            /* Raised as if from inside this filter: the search for it
             * starts outside this frame. */
            seh->Filtering = frame;
            rtl_seh_raise(STATUS_NONCONTINUABLE_EXCEPTION);
        }
        if (disposition == EXCEPTION_EXECUTE_HANDLER) {
            seh->Target = frame;
            seh->Record = *record;
            seh->Filtering = NULL;
            continue_unwind(seh);
        }
    }
    rtl_seh_unhandled(record, context);
}
