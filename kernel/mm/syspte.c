/*
 * System PTEs: the region MM_SYSTEM_PTE_START-MM_SYSTEM_PTE_END, handed out
 * in runs of pages for kernel stacks and, later, MDL mappings. A bitmap
 * records which PTEs are reserved; a reservation makes sure the page tables
 * under it exist, so that it can be mapped at any IRQL up to DISPATCH_LEVEL.
 */
#include "mm.h"

#define SYSTEM_PTES ((MM_SYSTEM_PTE_END - MM_SYSTEM_PTE_START) >> PAGE_SHIFT)

static ULONG reserved[SYSTEM_PTES / 32];
static ULONG hint;

static BOOLEAN is_reserved(ULONG i)
{
    return (reserved[i / 32] >> (i % 32)) & 1;
}

static void set_reserved(ULONG first, ULONG n, BOOLEAN on)
{
    ULONG i;

    for (i = first; i < first + n; i++) {
        if (on)
            reserved[i / 32] |= 1u << (i % 32);
        else
            reserved[i / 32] &= ~(1u << (i % 32));
    }
}

/* First fit from the hint, wrapping once. Returns the index or SYSTEM_PTES. */
static ULONG find_run(ULONG n)
{
    ULONG start = hint, i, run = 0, pass;

    for (pass = 0; pass < 2; pass++) {
        for (i = start, run = 0; i < SYSTEM_PTES; i++) {
            run = is_reserved(i) ? 0 : run + 1;
            if (run == n)
                return i + 1 - n;
        }
        start = 0;
    }
    return SYSTEM_PTES;
}

ULONG mm_reserve_system_ptes(ULONG n)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG first = n == 0 ? SYSTEM_PTES : find_run(n), va, p;

    if (first != SYSTEM_PTES) {
        set_reserved(first, n, TRUE);
        hint = first + n;
    }
    KfLowerIrql(irql);
    if (first == SYSTEM_PTES)
        return 0;
    va = MM_SYSTEM_PTE_START + (first << PAGE_SHIFT);
    for (p = va; p < va + (n << PAGE_SHIFT); p += PAGE_SIZE) {
        if (!NT_SUCCESS(mm_ensure_page_table(p))) {
            mm_release_system_ptes(va, n);
            return 0;
        }
    }
    return va;
}

void mm_release_system_ptes(ULONG va, ULONG n)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    set_reserved((va - MM_SYSTEM_PTE_START) >> PAGE_SHIFT, n, FALSE);
    KfLowerIrql(irql);
}

/* Unmaps and frees the frames of [va, va + n pages). */
static void unmap_and_free(ULONG va, ULONG n)
{
    ULONG i, pte;

    for (i = 0; i < n; i++) {
        pte = mm_unmap_page(va + (i << PAGE_SHIFT));
        if (pte & X86_PTE_VALID)
            mm_free_frame(pte >> PAGE_SHIFT);
    }
}

ULONG mm_create_kernel_stack(void)
{
    ULONG n = KERNEL_STACK_PAGES + 1, va = mm_reserve_system_ptes(n), i, pfn;

    if (va == 0)
        return 0;
    /* Page 0 is the guard: its PTE stays zero, so touching it faults. */
    for (i = 1; i < n; i++) {
        pfn = mm_alloc_frame(FALSE);
        if (pfn == MM_FRAME_NONE ||
            !NT_SUCCESS(
                mm_map_page(va + (i << PAGE_SHIFT), pfn, PTE_KERNEL_RW))) {
            if (pfn != MM_FRAME_NONE)
                mm_free_frame(pfn);
            unmap_and_free(va + PAGE_SIZE, i - 1);
            mm_release_system_ptes(va, n);
            return 0;
        }
    }
    return va + (n << PAGE_SHIFT);
}

void mm_delete_kernel_stack(ULONG base)
{
    ULONG n = KERNEL_STACK_PAGES + 1, va = base - (n << PAGE_SHIFT);

    unmap_and_free(va + PAGE_SIZE, KERNEL_STACK_PAGES);
    mm_release_system_ptes(va, n);
}
