/*
 * Commit charge: how much memory the system has promised, against how much
 * it can keep (NT's commit limit).
 *
 * Every page that may need a place of its own is charged when it is
 * promised, not when it is first touched: committed private pages of user
 * address spaces, paged pool pages, and the pageable pages of driver
 * images. Resident memory that can never be paged (nonpaged pool, kernel
 * stacks, page tables, the PFN database) is charged by what it holds now.
 * The limit is RAM plus the paging file, less a reserve for the resident
 * memory the kernel may still need (stacks and page tables of threads yet
 * to come). A charge that would pass the limit is refused
 * (STATUS_COMMITMENT_LIMIT for the services), so that a page promised can
 * always be given a frame or a paging-file slot later: the system never
 * runs out of pages for memory it has promised.
 *
 * The counts are guarded by DISPATCH_LEVEL.
 */
#include "mm.h"

#include "pager.h"

/* Frames kept back for resident kernel memory: 1/32 of RAM, at least
 * 64 frames (256 KiB). */
#define RESERVE_SHARE 32u
#define RESERVE_MIN   64u

static struct {
    ULONG charged; /* pageable pages promised */
    ULONG peak;    /* the highest total seen */
} commit;

/* Frames that hold resident memory no trimming can take back. */
static ULONG resident_frames(void)
{
    ULONG used = mm_total_frames() - mm_free_frame_count();
    ULONG pageable = mm_pageable_frame_count();

    return used > pageable ? used - pageable : 0;
}

static ULONG limit_pages(void)
{
    ULONG total = mm_total_frames(), reserve = total / RESERVE_SHARE;

    if (reserve < RESERVE_MIN)
        reserve = RESERVE_MIN;
    total += hal_pagefile_slots();
    return total > reserve ? total - reserve : 0;
}

BOOLEAN mm_charge_commit(ULONG pages)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONGLONG total = (ULONGLONG)commit.charged + resident_frames() + pages;
    BOOLEAN granted = total <= limit_pages();

    if (granted) {
        commit.charged += pages;
        if (total > commit.peak)
            commit.peak = (ULONG)total;
    }
    KfLowerIrql(irql);
    return granted;
}

void mm_return_commit(ULONG pages)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    if (pages > commit.charged)
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x3001, pages, commit.charged, 0);
    commit.charged -= pages;
    KfLowerIrql(irql);
}

void mm_query_memory(mm_memory_info *info)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    mm_paging_stats paging;

    info->commit_total = commit.charged + resident_frames();
    info->commit_limit = limit_pages();
    if (info->commit_total > commit.peak)
        commit.peak = info->commit_total;
    info->commit_peak = commit.peak;
    info->available = mm_free_frame_count() + mm_frames_in_state(MM_STANDBY);
    KfLowerIrql(irql);
    mm_get_paging_stats(&paging);
    info->soft_faults = paging.soft_faults;
    info->demand_zero = paging.demand_zero;
    info->page_ins = paging.page_ins;
    info->page_outs = paging.page_outs;
    info->paged_pool = mm_pool_pages_in_use(TRUE);
    info->nonpaged_pool = mm_pool_pages_in_use(FALSE);
}
