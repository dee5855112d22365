/*
 * Faults and misuse that stop the system, each in a child boot, with NT's
 * stop code and parameters.
 */
#include "../../kernel/kd/kd.h"
#include "../../kernel/ke/ke.h"
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/ps/ps.h"

KTEST_STOP(stop, bugcheck_screen, MANUALLY_INITIATED_CRASH)
{
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4, 1, 2, 3,
                        0xFFFFFFFF);
    KeBugCheckEx(MANUALLY_INITIATED_CRASH, 1, 2, 3, 0xFFFFFFFF);
}

/* Recurses until limit, which is never reached: the stack ends first. */
static ULONG recurse(volatile char *above, ULONG depth, ULONG limit)
{
    volatile char frame[256];

    frame[0] = (char)depth;
    frame[255] = above[0];
    if (depth == limit)
        return frame[0];
    return recurse(frame, depth + 1, limit) + frame[1];
}

/* Running off the stack into its guard page is a double fault, 0x7F(8). */
KTEST_STOP(stop, kernel_stack_overflow, UNEXPECTED_KERNEL_MODE_TRAP)
{
    volatile char start = 0;

    ktest_expect_params(KTEST_P1, EXCEPTION_DOUBLE_FAULT, 0, 0, 0);
    recurse(&start, 0, 0xFFFFFFFF);
}

/* A pointer into the guard page, with the stack fine: 0x50. */
KTEST_STOP(stop, guard_page_touched, PAGE_FAULT_IN_NONPAGED_AREA)
{
    ULONG guard = HAL_PTR_VA(KeGetCurrentThread()->StackLimit) - 16;

    ktest_expect_params(KTEST_P1 | KTEST_P2, guard, 1, 0, 0);
    *(volatile ULONG *)HAL_VA_PTR(guard) = 1;
}

KTEST_STOP(stop, nonpaged_area, PAGE_FAULT_IN_NONPAGED_AREA)
{
    ULONG va = MM_PAGED_POOL_START + 0x123450;

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P4, va, 0, 0, 0);
    (void)*(volatile ULONG *)HAL_VA_PTR(va);
}

KTEST_STOP(stop, invalid_pte_at_dispatch_level, IRQL_NOT_LESS_OR_EQUAL)
{
    ULONG va = MM_PAGED_POOL_START + 0x2000;
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, va, DISPATCH_LEVEL, 1,
                        0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    *(volatile ULONG *)HAL_VA_PTR(va) = 1;
}

KTEST_STOP(stop, write_to_read_only_page, ATTEMPTED_WRITE_TO_READONLY_MEMORY)
{
    ULONG va = mm_reserve_system_ptes(1);

    mm_map_page(va, mm_alloc_frame(TRUE), X86_PTE_GLOBAL);
    ktest_expect_params(KTEST_P1 | KTEST_P2, va + 4, mm_read_pte(va), 0, 0);
    *(volatile ULONG *)HAL_VA_PTR(va + 4) = 1;
}

/* A NULL pointer in a system thread: an unhandled access violation. */
KTEST_STOP(stop, null_pointer, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    ktest_expect_params(KTEST_P1, (ULONG)STATUS_ACCESS_VIOLATION, 0, 0, 0);
    (void)*(volatile ULONG *)HAL_VA_PTR(0);
}

KTEST_STOP(stop, raise_irql_to_lower_level, IRQL_NOT_GREATER_OR_EQUAL)
{
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2, DISPATCH_LEVEL, APC_LEVEL, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeRaiseIrql(APC_LEVEL, &old);
}

KTEST_STOP(stop, lower_irql_to_higher_level, IRQL_NOT_LESS_OR_EQUAL)
{
    ktest_expect_params(KTEST_P1 | KTEST_P2, DISPATCH_LEVEL, PASSIVE_LEVEL, 0,
                        0);
    KeLowerIrql(DISPATCH_LEVEL);
}

static volatile ULONG zero;

/* The x86 divide instruction itself (C's division by zero is undefined,
 * and the sanitizer build would catch it before the CPU does). */
KTEST_STOP(stop, divide_by_zero, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    ULONG quotient, divisor = zero;

    ktest_expect_params(KTEST_P1, (ULONG)STATUS_INTEGER_DIVIDE_BY_ZERO, 0, 0,
                        0);
    __asm__ volatile("divl %2"
                     : "=a"(quotient)
                     : "a"(10u), "r"(divisor), "d"(0u));
    zero = quotient;
}

/*
 * Assertions stop the system as on NT with no kernel debugger: the
 * breakpoint of a failed ASSERT, unhandled in a system thread, is 0x7E with
 * STATUS_BREAKPOINT; NT_ASSERT raises STATUS_ASSERTION_FAILURE.
 */
KTEST_STOP(stop, failed_assert, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    volatile ULONG two = 2;

    /* The breakpoint's address is nt's, in system space, in RtlAssert. */
    ktest_expect_params(KTEST_P1, (ULONG)STATUS_BREAKPOINT, 0, 0, 0);
    ktest_expect_param_in(2, kd_system_address((ULONG_PTR)RtlAssert),
                          kd_system_address((ULONG_PTR)RtlAssert) + 0x200);
    ktest_expect_param_in(3, (ULONG_PTR)HAL_VA_PTR(MM_SYSTEM_RANGE_START),
                          (ULONG_PTR)HAL_VA_PTR(0xFFFFFFFFu));
    ASSERT(two == 3);
}

KTEST_STOP(stop, failed_nt_assert, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    volatile ULONG two = 2;

    ktest_expect_params(KTEST_P1, (ULONG)STATUS_ASSERTION_FAILURE, 0, 0, 0);
    NT_ASSERT(two == 3);
}

/* PAGED_CODE() at DISPATCH_LEVEL fails even though this code is resident. */
KTEST_STOP(stop, paged_code_at_dispatch_level,
           SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    KIRQL old;

    ktest_expect_params(KTEST_P1, (ULONG)STATUS_BREAKPOINT, 0, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    PAGED_CODE();
}

/* A DPC may not wait: NT's 0xB8 gives the thread it ran on, the thread a
 * switch would have run and the stack it was on. */
static VOID waiting_dpc(PKDPC dpc, PVOID context, PVOID a1, PVOID a2)
{
    static KEVENT never;
    LARGE_INTEGER timeout = {.QuadPart = -10000};
    KTHREAD *thread = KeGetCurrentThread();

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    KeInitializeEvent(&never, NotificationEvent, FALSE);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P4, (ULONG_PTR)thread,
                        (ULONG_PTR)ki_peek_next_thread(), 0, 0);
    ktest_expect_param_in(3, (ULONG_PTR)thread->StackLimit,
                          (ULONG_PTR)thread->InitialStack);
    KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, &timeout);
}

KTEST_STOP(stop, wait_in_dpc, ATTEMPTED_SWITCH_FROM_DPC)
{
    static KDPC dpc;

    KeInitializeDpc(&dpc, waiting_dpc, NULL);
    KeInsertQueueDpc(&dpc, NULL, NULL);
}

/* A service that returns above PASSIVE_LEVEL: 0x4A with the service's
 * address (nt's, in system space) and the IRQL. */
KTEST_STOP(stop, irql_gt_zero_at_system_service,
           IRQL_GT_ZERO_AT_SYSTEM_SERVICE)
{
    KIRQL old;

    ktest_expect_params(
        KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
        kd_system_address((ULONG_PTR)NtGetCurrentProcessorNumber),
        DISPATCH_LEVEL, 0, 0);
    ktest_expect_param_in(1, MM_SYSTEM_RANGE_START, 0xFFFFFFFFu);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ki_system_call(0, NULL);
}
