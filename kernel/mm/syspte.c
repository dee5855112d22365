/*
 * System PTEs: the region MM_SYSTEM_PTE_START-MM_SYSTEM_PTE_END, handed out
 * in runs of pages for kernel stacks and, later, MDL mappings. A bitmap
 * records which PTEs are reserved; a reservation makes sure the page tables
 * under it exist, so that it can be mapped at any IRQL up to DISPATCH_LEVEL.
 */
#include "mm.h"

#include "../rtl/rtl.h"

#define SYSTEM_PTES ((MM_SYSTEM_PTE_END - MM_SYSTEM_PTE_START) >> PAGE_SHIFT)

static ULONG reserved_bits[SYSTEM_PTES / 32];
static RTL_BITMAP reserved = {SYSTEM_PTES, reserved_bits};
static ULONG hint;

ULONG mm_reserve_system_ptes(ULONG n)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG first =
        n == 0 ? 0xFFFFFFFFu : RtlFindClearBitsAndSet(&reserved, n, hint);
    ULONG va, p;

    if (first != 0xFFFFFFFFu)
        hint = first + n;
    KfLowerIrql(irql);
    if (first == 0xFFFFFFFFu)
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

    RtlClearBits(&reserved, (va - MM_SYSTEM_PTE_START) >> PAGE_SHIFT, n);
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
