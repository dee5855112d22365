/*
 * Structured exception handling for C drivers built with gcc:
 *
 *     __try {
 *         ProbeForRead(UserBuffer, Length, 1);
 *         ...
 *     } __except (EXCEPTION_EXECUTE_HANDLER) {
 *         Status = GetExceptionCode();
 *     }
 *
 *     __try { ... __leave; ... } __finally { ... AbnormalTermination() ... }
 *
 * The semantics are NT's two passes: when an exception is raised, the
 * filters of the enclosing __try blocks are evaluated, innermost first,
 * before anything is unwound (a filter may return
 * EXCEPTION_CONTINUE_EXECUTION to resume where the exception was raised);
 * then the __finally blocks between the raise and the chosen handler run,
 * innermost first, and the handler runs.
 *
 * What differs from MSVC, and what a C driver must do about it:
 *   - A local variable changed inside a __try body and read in the handler
 *     or after the statement must be volatile (the jump back into the
 *     function restores registers, not variables kept in them). gcc's
 *     -Wclobbered, part of -Wextra, warns about the ones at risk.
 *   - Leave a __try body with __leave, not return, break or goto: a
 *     __finally block cannot run for those, so ntlab stops the system when
 *     a __try with a __finally is left that way (a __try with an __except
 *     may be left by return).
 *   - Filters are gcc nested functions: the compiler builds a trampoline on
 *     the (executable) kernel stack. A __try needs gcc, not clang.
 *   - GetExceptionCode() and GetExceptionInformation() are valid in the
 *     filter and in the handler; AbnormalTermination() in a __finally.
 */
#ifndef NT_SEH_H
#define NT_SEH_H

#include <nt/context.h>
#include <nt/ntdef.h>

#define EXCEPTION_EXECUTE_HANDLER    1
#define EXCEPTION_CONTINUE_SEARCH    0
#define EXCEPTION_CONTINUE_EXECUTION (-1)

#define EXCEPTION_NONCONTINUABLE     0x01
#define EXCEPTION_MAXIMUM_PARAMETERS 15

typedef struct _EXCEPTION_RECORD {
    NTSTATUS ExceptionCode;
    ULONG ExceptionFlags;
    struct _EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    ULONG NumberParameters;
    /* For STATUS_ACCESS_VIOLATION: [0] 0 read / 1 write, [1] the address. */
    ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _EXCEPTION_POINTERS {
    PEXCEPTION_RECORD ExceptionRecord;
    PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

/* One __try block, on the stack of the function that holds it. */
typedef struct _SEH_FRAME {
    struct _SEH_FRAME *Next;       /* the enclosing __try */
    struct _SEH_FRAME *PrevActive; /* what GetExceptionCode() saw before */
    LONG (*Filter)(void);          /* NULL for a __try/__finally */
    ULONG_PTR Jump[8];
    LONG State;
    EXCEPTION_RECORD Record;
    EXCEPTION_POINTERS Pointers; /* the context only while filtering */
} SEH_FRAME, *PSEH_FRAME;

/* A thread's SEH state: the kernel keeps it in the KTHREAD, user mode in
 * the TEB. */
typedef struct _SEH_THREAD_STATE {
    PSEH_FRAME Chain;        /* innermost live __try */
    PSEH_FRAME Active;       /* what GetExceptionCode() reads */
    PSEH_FRAME Filtering;    /* whose filter runs now */
    PSEH_FRAME Target;       /* the handler an unwind goes to */
    EXCEPTION_RECORD Record; /* the exception being unwound for */
} SEH_THREAD_STATE, *PSEH_THREAD_STATE;

/* SEH_FRAME.State */
#define SEH_STATE_NEW            0
#define SEH_STATE_REGISTERING    1 /* the filter is being recorded */
#define SEH_STATE_TRY            2 /* the body runs; the frame is live */
#define SEH_STATE_DONE           3
#define SEH_STATE_FINALLY_NORMAL 4 /* the __finally runs: body ended */
#define SEH_STATE_FINALLY_UNWIND 5 /* the __finally runs: unwinding */
#define SEH_STATE_HANDLING       6 /* the __except block runs */
#define SEH_STATE_SKIP           7 /* left by __leave: no handler */

/* What _ntlab_seh_setjmp returns when the body is to run. */
#define SEH_RUN_BODY 2

/* The runtime behind the macros (exported by the kernel). */
NTKERNELAPI int _ntlab_seh_setjmp(ULONG_PTR Jump[8])
    __attribute__((returns_twice));
NTKERNELAPI BOOLEAN _ntlab_seh_loop(PSEH_FRAME Frame);
NTKERNELAPI BOOLEAN _ntlab_seh_except(LONG (*Filter)(void));
NTKERNELAPI BOOLEAN _ntlab_seh_finally(VOID);
NTKERNELAPI DECLSPEC_NORETURN VOID _ntlab_seh_leave(VOID);
NTKERNELAPI VOID _ntlab_seh_cleanup(PSEH_FRAME Frame);
NTKERNELAPI PSEH_FRAME _ntlab_seh_active(VOID);

/* clang-format off */
/* (clang-format reads __try and __except as keywords.) */
#define _SEH_CAT2(a, b) a##b
#define _SEH_CAT(a, b)  _SEH_CAT2(a, b)

#define __try _SEH_TRY(_SEH_CAT(_seh_frame_, __COUNTER__))
#define _SEH_TRY(f)                                                          \
    for (SEH_FRAME f __attribute__((cleanup(_ntlab_seh_cleanup))) = {0};      \
         _ntlab_seh_loop(&f);)                                                \
        if (_ntlab_seh_setjmp(f.Jump) == SEH_RUN_BODY)

/* Variadic so that a filter may be a comma expression, as with MSVC. */
#define __except(...) _SEH_EXCEPT((__VA_ARGS__), __COUNTER__)
#define _SEH_EXCEPT(filter, n) _SEH_EXCEPT2(filter, n)
#define _SEH_EXCEPT2(filter, n)                                              \
    else if (_ntlab_seh_except(({                                            \
                 LONG _seh_filter_##n(void) { return (LONG)(filter); }      \
                 _seh_filter_##n;                                            \
             })))

#define __finally else if (_ntlab_seh_finally())

#define __leave _ntlab_seh_leave()

/* The spellings without underscores that C drivers use (excpt.h's). */
#define try     __try
#define except  __except
#define finally __finally
#define leave   __leave
/* clang-format on */

#define GetExceptionCode()        (_ntlab_seh_active()->Record.ExceptionCode)
#define GetExceptionInformation() (&_ntlab_seh_active()->Pointers)
#define AbnormalTermination() \
    (_ntlab_seh_active()->State == SEH_STATE_FINALLY_UNWIND)

/* Raising exceptions. */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI ExRaiseStatus(NTSTATUS Status);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI ExRaiseAccessViolation(VOID);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI ExRaiseDatatypeMisalignment(VOID);
NTSYSAPI VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);

#endif
