/*
 * Structured exception handling: __try, __except, __finally, __leave, the
 * two passes, continuing execution, and where exceptions do not go.
 */
#include "kt_util.h"

#define UNMAPPED_USER_VA 0x10000000u

static char log_text[64];
static int log_length;

static void note(char c)
{
    if (log_length + 1 < (int)sizeof log_text)
        log_text[log_length++] = c;
    log_text[log_length] = '\0';
}

static void reset_log(void)
{
    log_length = 0;
    log_text[0] = '\0';
}

/* Evaluates to value after logging c: for filters. */
static LONG say(char c, LONG value)
{
    note(c);
    return value;
}

KTEST(seh, except_catches_a_raised_status)
{
    volatile NTSTATUS seen = 0, in_filter = 0;

    __try {
        ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
        seen = 1;
    } __except ((in_filter = GetExceptionCode()), EXCEPTION_EXECUTE_HANDLER) {
        seen = GetExceptionCode();
    }
    KT_EXPECT_EQ(seen, STATUS_INSUFFICIENT_RESOURCES);
    KT_EXPECT_EQ(in_filter, STATUS_INSUFFICIENT_RESOURCES);
}

/* A kernel read of a user address with nothing behind it is an access
 * violation, with read/write and the address in the record. */
KTEST(seh, except_catches_an_access_violation)
{
    volatile ULONG_PTR info[2] = {9, 9};
    volatile NTSTATUS code = 0;

    __try {
        (void)*(volatile ULONG *)HAL_VA_PTR(UNMAPPED_USER_VA + 4);
    } __except (
        code = GetExceptionCode(),
        info[0] =
            GetExceptionInformation()->ExceptionRecord->ExceptionInformation[0],
        info[1] =
            GetExceptionInformation()->ExceptionRecord->ExceptionInformation[1],
        EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(code, STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(info[0], 0);
    KT_EXPECT_EQ(info[1], UNMAPPED_USER_VA + 4);
}

/* Pass one asks every filter, innermost first, before anything unwinds;
 * then the inner __finally runs, then the handler. */
KTEST(seh, filters_run_before_finally_blocks)
{
    reset_log();
    __try {
        __try {
            __try {
                ExRaiseStatus(STATUS_UNSUCCESSFUL);
            } __finally {
                note(AbnormalTermination() ? 'F' : 'f');
            }
        } __except (say('1', EXCEPTION_CONTINUE_SEARCH)) {
            note('x');
        }
    } __except (say('2', EXCEPTION_EXECUTE_HANDLER)) {
        note('H');
    }
    KT_EXPECT_STR_EQ(log_text, "12FH");
}

static ULONG fix_frame;

/* Maps a page where the access failed, so that it can run again. */
static LONG map_and_continue(PEXCEPTION_POINTERS info)
{
    ULONG va = (ULONG)info->ExceptionRecord->ExceptionInformation[1];

    note('m');
    fix_frame = mm_alloc_frame(TRUE);
    mm_map_page(MM_PAGE_ALIGN(va), fix_frame, X86_PTE_WRITE);
    return EXCEPTION_CONTINUE_EXECUTION;
}

KTEST(seh, filter_may_continue_execution)
{
    static EPROCESS *process;
    KAPC_STATE state;
    volatile ULONG v = 0;

    reset_log();
    KT_ASSERT((process = kt_make_process("continue")) != NULL);
    KeStackAttachProcess(&process->Pcb, &state);
    __try {
        *(volatile ULONG *)HAL_VA_PTR(UNMAPPED_USER_VA) = 42;
        v = *(volatile ULONG *)HAL_VA_PTR(UNMAPPED_USER_VA);
        note('b');
    } __except (map_and_continue(GetExceptionInformation())) {
        note('x');
    }
    KeUnstackDetachProcess(&state);
    KT_EXPECT_STR_EQ(log_text, "mb");
    KT_EXPECT_EQ(v, 42);
    kt_delete_process(process);
}

/* A raised status cannot be continued: trying raises
 * STATUS_NONCONTINUABLE_EXCEPTION. */
KTEST(seh, raised_status_is_not_continuable)
{
    volatile NTSTATUS outer = 0;

    __try {
        __try {
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __except (EXCEPTION_CONTINUE_EXECUTION) {
        }
    } __except (outer = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(outer, STATUS_NONCONTINUABLE_EXCEPTION);
}

KTEST(seh, finally_runs_on_every_way_out)
{
    reset_log();
    __try {
        note('a');
    } __finally {
        note(AbnormalTermination() ? 'A' : 'n');
    }
    __try {
        note('b');
        __leave;
        note('x');
    } __finally {
        note(AbnormalTermination() ? 'A' : 'l');
    }
    __try {
        __try {
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __finally {
            note(AbnormalTermination() ? 'u' : 'x');
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        note('h');
    }
    KT_EXPECT_STR_EQ(log_text, "anblu"
                               "h");
}

KTEST(seh, leave_skips_the_handler)
{
    reset_log();
    __try {
        note('a');
        __leave;
        note('x');
    } __except (say('f', EXCEPTION_EXECUTE_HANDLER)) {
        note('h');
    }
    note('z');
    KT_EXPECT_STR_EQ(log_text, "az");
}

static volatile BOOLEAN really = TRUE;

static int raise_deep(int depth)
{
    volatile char pad[64];

    pad[0] = (char)depth;
    if (depth > 0)
        return raise_deep(depth - 1) + pad[0];
    if (really)
        ExRaiseStatus(STATUS_INVALID_PARAMETER);
    return 0;
}

KTEST(seh, handler_in_a_caller_catches_a_deep_raise)
{
    volatile int after = 0;
    volatile NTSTATUS code = 0;

    __try {
        raise_deep(20);
        after = 1;
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(code, STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(after, 0);
    KT_EXPECT(KeGetCurrentThread()->Seh.Chain == NULL);
}

/* An exception in a handler goes to the blocks around that __try. */
KTEST(seh, exception_in_a_handler_goes_outward)
{
    reset_log();
    __try {
        __try {
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __except (EXCEPTION_EXECUTE_HANDLER) {
            note('1');
            ExRaiseStatus(STATUS_NO_MEMORY);
        }
    } __except (say(GetExceptionCode() == STATUS_NO_MEMORY ? '2' : 'x',
                    EXCEPTION_EXECUTE_HANDLER)) {
        note('3');
    }
    KT_EXPECT_STR_EQ(log_text, "123");
}

/* An exception raised in a filter skips the __try that filter belongs
 * to (and any inside it). */
KTEST(seh, exception_in_a_filter_goes_outward)
{
    reset_log();
    __try {
        __try {
            ExRaiseStatus(STATUS_UNSUCCESSFUL);
        } __except (note('f'), ExRaiseStatus(STATUS_NO_MEMORY),
                    EXCEPTION_EXECUTE_HANDLER) {
            note('x');
        }
    } __except (say(GetExceptionCode() == STATUS_NO_MEMORY ? 'o' : 'x',
                    EXCEPTION_EXECUTE_HANDLER)) {
        note('h');
    }
    KT_EXPECT_STR_EQ(log_text, "foh");
}

static int return_from_try(void)
{
    __try {
        return 7;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        return 8;
    }
    return 9;
}

/* A __try/__except may be left by return; its frame goes with it. */
KTEST(seh, return_from_a_try_except)
{
    volatile NTSTATUS code = 0;

    KT_EXPECT_EQ(return_from_try(), 7);
    KT_EXPECT(KeGetCurrentThread()->Seh.Chain == NULL);
    __try {
        ExRaiseStatus(STATUS_UNSUCCESSFUL);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(code, STATUS_UNSUCCESSFUL);
}

/* What NT raises can now be caught: a semaphore released past its limit
 * raises and stays as it was. */
KTEST(seh, semaphore_limit_is_a_catchable_exception)
{
    KSEMAPHORE sem;
    volatile NTSTATUS code = 0;

    KeInitializeSemaphore(&sem, 1, 2);
    __try {
        KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 5, FALSE);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(code, STATUS_SEMAPHORE_LIMIT_EXCEEDED);
    KT_EXPECT_EQ(KeReadStateSemaphore(&sem), 1);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

static int finally_return(void)
{
    __try {
        return 1;
    } __finally {
        note('f');
    }
    return 0;
}

/* ntlab cannot run a __finally for a return: it says so. */
KTEST_STOP(seh, return_from_a_try_finally, NO_EXCEPTION_HANDLING_SUPPORT)
{
    finally_return();
}

static VOID raise_in_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    ExRaiseStatus(STATUS_UNSUCCESSFUL);
}

/* A DPC's exception does not reach the __try of the thread it ran on. */
KTEST_STOP(seh, dpc_exception_does_not_reach_the_thread,
           SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    static KDPC dpc;

    ktest_expect_params(KTEST_P1, (ULONG)STATUS_UNSUCCESSFUL, 0, 0, 0);
    KeInitializeDpc(&dpc, raise_in_dpc, NULL);
    __try {
        KeInsertQueueDpc(&dpc, NULL, NULL);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
    }
}

/* A breakpoint is an exception a __try block may take; assertions that
 * hold evaluate to TRUE and do nothing, and PAGED_CODE() is quiet at
 * PASSIVE_LEVEL and APC_LEVEL. */
KTEST(seh, breakpoint_and_assertions_that_hold)
{
    volatile NTSTATUS code = STATUS_SUCCESS;
    volatile ULONG two = 2;
    KIRQL old;

    __try {
        DbgBreakPoint();
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    KT_EXPECT_EQ(code, STATUS_BREAKPOINT);
    code = STATUS_SUCCESS;
    __try {
        DbgBreakPointWithStatus(7);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    KT_EXPECT_EQ(code, STATUS_BREAKPOINT);
    KT_EXPECT(ASSERT(two == 2));
    KT_EXPECT(NT_VERIFY(two == 2));
    PAGED_CODE();
    KeRaiseIrql(APC_LEVEL, &old);
    PAGED_CODE();
    KeLowerIrql(old);
}
