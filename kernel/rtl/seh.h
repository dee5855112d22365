/*
 * The SEH runtime (seh.c), shared by the kernel and ntlab's user runtime,
 * and the port each of them supplies.
 */
#ifndef KERNEL_RTL_SEH_H
#define KERNEL_RTL_SEH_H

#include <nt/seh.h>

/*
 * Dispatches an exception to the current thread's __try blocks: filters
 * first, innermost first; the first that takes it gets control after the
 * __finally blocks inside it have run. Returns only when a filter said
 * EXCEPTION_CONTINUE_EXECUTION for a continuable exception; with no taker,
 * calls rtl_seh_unhandled.
 */
void rtl_dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context);

/* ---- The port -------------------------------------------------------------
 */

/* The current thread's SEH state (NULL when there is no thread yet). */
SEH_THREAD_STATE *rtl_seh_state(void);
/* Resumes the hal_setjmp-style buffer jump with value. */
DECLSPEC_NORETURN void rtl_seh_longjmp(ULONG_PTR *jump, int value);
/* No handler took the exception. */
DECLSPEC_NORETURN void rtl_seh_unhandled(EXCEPTION_RECORD *record,
                                         CONTEXT *context);
/* A __try with a __finally was left by return, break or goto. */
DECLSPEC_NORETURN void rtl_seh_bad_exit(PSEH_FRAME frame);
/* Raises a new, non-continuable exception with status. */
DECLSPEC_NORETURN void rtl_seh_raise(NTSTATUS status);

#endif
