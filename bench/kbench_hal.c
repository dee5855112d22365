/*
 * Benchmarks of the hosted machine itself (issue: foundation): the thread
 * switch, the first touch of a guest page, and an address-space switch with
 * its user pages touched again. Kernel-side code; the host baselines are in
 * baseline.c.
 */
#include "../kernel/ktest/ktest.h"
#include "../kernel/mm/mm.h"
#include "../kernel/ps/ps.h"
#include "baseline.h"

#define RUNS        5
#define SWITCHES    200000
#define TOUCH_PAGES 1024

static hal_context bench_main, bench_partner;

static void partner_loop(void *unused)
{
    (void)unused;
    for (;;)
        hal_context_switch(&bench_partner, &bench_main);
}

static ULONGLONG min_of(ULONGLONG a, ULONGLONG b)
{
    return a < b ? a : b;
}

KBENCH(thread_switch)
{
    ULONG stack = mm_create_kernel_stack();
    ULONGLONG best = ~0ull, start;
    int run, i;

    if (stack == 0)
        return;
    hal_context_init(&bench_partner, HAL_VA_PTR(stack),
                     HAL_VA_PTR(stack - KERNEL_STACK_SIZE), partner_loop, NULL);
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < SWITCHES; i++)
            hal_context_switch(&bench_main, &bench_partner);
        best =
            min_of(best, (hal_clock_ns() - start) * 1000 / (2ull * SWITCHES));
    }
    mm_delete_kernel_stack(stack);
    kbench_report("thread_switch", best, baseline_futex_handoff_ps(),
                  "futex handoff between two Linux threads on one CPU", "0.02");
}

static void touch(ULONG va, ULONG pages, BOOLEAN write)
{
    ULONG i;

    for (i = 0; i < pages; i++) {
        volatile ULONG *p = HAL_VA_PTR(va + (i << PAGE_SHIFT));

        if (write)
            *p = i;
        else
            (void)*p;
    }
}

/*
 * The first touch of a page whose PTE is valid but has never been used
 * (Accessed clear): one fault, one host mapping. Pages used before are
 * mapped in runs (see hal/hosted/mmu.c) and cost less.
 */
KBENCH(first_touch)
{
    ULONG va = mm_reserve_system_ptes(TOUCH_PAGES), i, pfn[TOUCH_PAGES];
    ULONGLONG best = ~0ull, start;
    int run;

    if (va == 0)
        return;
    for (i = 0; i < TOUCH_PAGES; i++)
        pfn[i] = mm_alloc_frame(TRUE);
    for (run = 0; run < RUNS; run++) {
        for (i = 0; i < TOUCH_PAGES; i++)
            mm_map_page(va + (i << PAGE_SHIFT), pfn[i],
                        X86_PTE_WRITE | X86_PTE_DIRTY | X86_PTE_GLOBAL);
        start = hal_clock_ns();
        touch(va, TOUCH_PAGES, TRUE);
        best = min_of(best, (hal_clock_ns() - start) * 1000 / TOUCH_PAGES);
        for (i = 0; i < TOUCH_PAGES; i++)
            mm_unmap_page(va + (i << PAGE_SHIFT));
    }
    for (i = 0; i < TOUCH_PAGES; i++)
        mm_free_frame(pfn[i]);
    mm_release_system_ptes(va, TOUCH_PAGES);
    kbench_report("first_touch", best, baseline_minor_fault_ps(),
                  "Linux minor fault on fresh anonymous memory", "-");
}

#define USER_BASE 0x00400000u

/* Maps pages fresh frames at USER_BASE in the current space. */
static BOOLEAN populate(ULONG pages)
{
    ULONG i, pfn;

    for (i = 0; i < pages; i++) {
        pfn = mm_alloc_frame(TRUE);
        if (pfn == MM_FRAME_NONE ||
            !NT_SUCCESS(mm_map_page(USER_BASE + (i << PAGE_SHIFT), pfn,
                                    X86_PTE_WRITE | X86_PTE_OWNER)))
            return FALSE;
    }
    touch(USER_BASE, pages, TRUE);
    return TRUE;
}

static void space_switch(const char *name, ULONG pages)
{
    mm_space a, b;
    ULONGLONG best = ~0ull, start;
    int run, rounds = pages >= 1000 ? 4 : 40, r;

    if (!NT_SUCCESS(mm_create_space(&a)) || !NT_SUCCESS(mm_create_space(&b)))
        return;
    mm_activate_space(&a);
    populate(pages);
    mm_activate_space(&b);
    populate(pages);
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (r = 0; r < rounds; r++) {
            mm_activate_space(&a);
            touch(USER_BASE, pages, FALSE);
            mm_activate_space(&b);
            touch(USER_BASE, pages, FALSE);
        }
        best = min_of(best, (hal_clock_ns() - start) * 1000 / (2ull * rounds));
    }
    mm_activate_space(&PsInitialSystemProcess->Space);
    mm_delete_space(&a);
    mm_delete_space(&b);
    kbench_report(name, best, baseline_minor_fault_ps() * pages,
                  "as many Linux minor faults", "-");
}

KBENCH(space_switch_10)
{
    space_switch("space_switch_10", 10);
}

KBENCH(space_switch_100)
{
    space_switch("space_switch_100", 100);
}

KBENCH(space_switch_1000)
{
    space_switch("space_switch_1000", 1000);
}
