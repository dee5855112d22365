/*
 * What ntlab's options change, run by tests/cli.t with the option given.
 * Suites named option_* are left out of a plain 'ntlab test'.
 *
 * option_trim (ntlab --trim): everything pageable is trimmed at every tick.
 */
#include "../../kernel/mm/mm.h"
#include "kt_util.h"

#define TAG 'mirT'

/* Two ticks, so that at least one whole tick passes. */
static void sleep_two_ticks(void)
{
    LARGE_INTEGER delay = {.QuadPart = -2 * (LONGLONG)KeQueryTimeIncrement()};

    KeDelayExecutionThread(KernelMode, FALSE, &delay);
}

KTEST(option_trim, paged_pool_leaves_memory_at_the_next_tick)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, TAG);

    KT_ASSERT(p != NULL);
    *p = 0x7217;
    KT_EXPECT(MmIsAddressValid((PVOID)p));
    sleep_two_ticks();
    KT_EXPECT(!MmIsAddressValid((PVOID)p));
    KT_EXPECT_EQ(*p, 0x7217); /* and comes back when touched */
    ExFreePoolWithTag((PVOID)p, TAG);
}

/* No explicit trim here: the option's tick did it. */
KTEST_STOP(option_trim, paged_pool_touched_at_dispatch_level_stops,
           IRQL_NOT_LESS_OR_EQUAL)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    KIRQL old;

    *p = 5;
    sleep_two_ticks();
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, HAL_PTR_VA(p),
                        DISPATCH_LEVEL, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    (void)*p;
}

static VOID touch_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    (void)*(volatile ULONG *)context;
}

/* The CPU idles while the timer runs down, yet each tick still trims: the
 * timer's DPC finds the block paged out. */
KTEST_STOP(option_trim, paged_pool_touched_by_a_timer_dpc_after_idling_stops,
           IRQL_NOT_LESS_OR_EQUAL)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    LARGE_INTEGER due = {.QuadPart = -3 * (LONGLONG)KeQueryTimeIncrement()};
    static KTIMER timer;
    static KDPC dpc;

    *p = 5;
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, HAL_PTR_VA(p),
                        DISPATCH_LEVEL, 0, 0);
    KeInitializeTimer(&timer);
    KeInitializeDpc(&dpc, touch_dpc, (PVOID)p);
    KeSetTimer(&timer, due, &dpc);
    KeWaitForSingleObject(&timer, Executive, KernelMode, FALSE, NULL);
}

/* option_strict (ntlab --strict): user code cannot reach system space; by
 * default it can (it is trusted). */
KTEST(option_strict, user_code_cannot_read_kernel_memory)
{
    KT_EXPECT_EQ(kt_run_program(L"peek.exe", L"peek.exe"), 1);
}
