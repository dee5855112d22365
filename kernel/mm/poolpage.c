/*
 * Pool pages: the page-level allocator under the pools (ex/pool.c).
 *
 * Each pool region has a bitmap of pages in use and one marking the last
 * page of each run, so a free needs only the address. Nonpaged pool pages
 * get frames at once and keep them. Paged pool pages start as demand-zero
 * PTEs: a frame comes with the first touch, and the pager may take it away
 * again (the page is in the system working set), so paged pool may only be
 * touched at IRQL <= APC_LEVEL. The bitmaps are guarded by DISPATCH_LEVEL.
 */
#include "mm.h"

#include "../rtl/rtl.h"
#include "pager.h"

#define NONPAGED_PAGES ((MM_NONPAGED_POOL_END - MM_NONPAGED_POOL_START) >> 12)
#define PAGED_PAGES    ((MM_PAGED_POOL_END - MM_PAGED_POOL_START) >> 12)

static ULONG np_used_bits[NONPAGED_PAGES / 32],
    np_end_bits[NONPAGED_PAGES / 32];
static ULONG pp_used_bits[PAGED_PAGES / 32], pp_end_bits[PAGED_PAGES / 32];

static struct region {
    ULONG base;
    RTL_BITMAP used, end;
    ULONG hint;
    ULONG in_use;
} regions[2] = {
    {MM_NONPAGED_POOL_START,
     {NONPAGED_PAGES, np_used_bits},
     {NONPAGED_PAGES, np_end_bits},
     0,
     0},
    {MM_PAGED_POOL_START,
     {PAGED_PAGES, pp_used_bits},
     {PAGED_PAGES, pp_end_bits},
     0,
     0},
};

ULONG mm_pool_pages_in_use(BOOLEAN paged)
{
    return regions[paged ? 1 : 0].in_use;
}

/* Gives page va of the pool what it starts with; FALSE if out of memory. */
static BOOLEAN back_page(BOOLEAN paged, ULONG va)
{
    ULONG pfn;

    if (!NT_SUCCESS(mm_ensure_page_table(va)))
        return FALSE;
    if (paged) {
        /* A paged pool page is promised a place: its commit is charged. */
        if (!mm_charge_commit(1))
            return FALSE;
        *mm_pte_address(va) = mm_demand_zero_pte(MM_READWRITE);
        return TRUE;
    }
    pfn = mm_alloc_frame(FALSE);
    if (pfn == MM_FRAME_NONE)
        return FALSE;
    mm_map_page(va, pfn, PTE_KERNEL_RW);
    return TRUE;
}

/* Takes away what backs page va of the pool. */
static void unback_page(BOOLEAN paged, ULONG va)
{
    ULONG pte;

    if (paged) {
        mm_release_pageable(
            va,
            ((ULONGLONG)(*mm_pde_address(va) >> PAGE_SHIFT) << PAGE_SHIFT) +
                ((va >> PAGE_SHIFT) & 0x3FF) * 4,
            &mm_system_ws);
        mm_return_commit(1);
        return;
    }
    pte = mm_unmap_page(va);
    if (pte & X86_PTE_VALID)
        mm_free_frame(pte >> PAGE_SHIFT);
}

ULONG mm_allocate_pool_pages(BOOLEAN paged, ULONG pages)
{
    struct region *r = &regions[paged ? 1 : 0];
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG first = RtlFindClearBitsAndSet(&r->used, pages, r->hint), i, va;

    if (first != 0xFFFFFFFFu) {
        RtlSetBits(&r->end, first + pages - 1, 1);
        r->hint = first + pages;
        r->in_use += pages;
    }
    KfLowerIrql(irql);
    if (first == 0xFFFFFFFFu)
        return 0;
    va = r->base + (first << PAGE_SHIFT);
    for (i = 0; i < pages; i++) {
        if (!back_page(paged, va + (i << PAGE_SHIFT))) {
            while (i-- > 0)
                unback_page(paged, va + (i << PAGE_SHIFT));
            irql = KfRaiseIrql(DISPATCH_LEVEL);
            RtlClearBits(&r->used, first, pages);
            RtlClearBits(&r->end, first + pages - 1, 1);
            r->in_use -= pages;
            KfLowerIrql(irql);
            return 0;
        }
    }
    return va;
}

void mm_pool_page_noaccess(ULONG va)
{
    unback_page(mm_is_paged_pool(va), va);
}

ULONG mm_free_pool_pages(ULONG va)
{
    BOOLEAN paged = mm_is_paged_pool(va);
    struct region *r = &regions[paged ? 1 : 0];
    ULONG first = (va - r->base) >> PAGE_SHIFT, last, i;
    KIRQL irql;

    if ((!paged && !mm_is_nonpaged_pool(va)) || (va & (PAGE_SIZE - 1)) ||
        !RtlTestBit(&r->used, first) ||
        (first > 0 && RtlTestBit(&r->used, first - 1) &&
         !RtlTestBit(&r->end, first - 1)))
        return 0;
    for (last = first; !RtlTestBit(&r->end, last); last++)
        ;
    for (i = first; i <= last; i++)
        unback_page(paged, r->base + (i << PAGE_SHIFT));
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RtlClearBits(&r->used, first, last - first + 1);
    RtlClearBits(&r->end, last, 1);
    r->in_use -= last - first + 1;
    if (first < r->hint)
        r->hint = first;
    KfLowerIrql(irql);
    return last - first + 1;
}
