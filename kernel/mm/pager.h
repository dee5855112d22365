/*
 * The pager, inside Mm: working sets, the paging file, page-in and
 * page-out. Everything here runs at DISPATCH_LEVEL (it raises to it), does
 * its paging I/O synchronously, and never touches pageable memory, so it
 * may be called from a page fault at any IRQL <= APC_LEVEL and from frame
 * allocation at DISPATCH_LEVEL.
 */
#ifndef KERNEL_MM_PAGER_H
#define KERNEL_MM_PAGER_H

#include "mm.h"

/* The working set of pageable system memory (paged pool). */
extern mm_working_set mm_system_ws;

/* Sets up the paging file's slot map (after the pools are up). */
void mm_init_pager(void);

/* Registers a working set for space (NULL: system space). */
NTSTATUS mm_ws_create(mm_working_set *ws, mm_space *space);
/* Unregisters an empty working set. */
void mm_ws_delete(mm_working_set *ws);

/*
 * Brings in the page at va whose invalid PTE is at physical address pte_pa
 * (demand zero, transition or paging file) and makes it valid in ws.
 * Returns STATUS_SUCCESS (also when it is valid by now),
 * STATUS_ACCESS_VIOLATION when nothing backs the PTE, STATUS_NO_MEMORY, or
 * STATUS_IN_PAGE_ERROR when the paging file cannot be read.
 */
NTSTATUS mm_page_in(ULONG va, ULONGLONG pte_pa, mm_working_set *ws);

/* Takes one valid page (frame pfn) out of ws, to transition. */
void mm_page_out_page(mm_working_set *ws, ULONG pfn);

/* Gives back whatever backs a pageable PTE (frame, standby copy, paging
 * file slot) and clears the PTE. */
void mm_release_pageable(ULONG va, ULONGLONG pte_pa, mm_working_set *ws);

/*
 * Makes one pass over ws, moving up to target pages out of it: to the
 * standby list when the paging file holds their contents, else to the
 * modified list. A page used since the last pass (Accessed) has its
 * Accessed bit cleared and stays, unless all is TRUE; locked pages always
 * stay. Returns how many pages left.
 */
ULONG mm_trim_working_set(mm_working_set *ws, ULONG target, BOOLEAN all);

/*
 * Trims every working set whole and writes modified pages to the paging
 * file; with purge, also gives up the frames of standby pages, so the next
 * touch of any pageable page reads the paging file. Returns the number of
 * pages trimmed.
 */
ULONG mm_trim_all(BOOLEAN purge);

/* Takes the pages of the system working set for which wanted(va) is TRUE
 * (and no MDL locks) out of it, as a trim does; returns how many. wanted
 * is called at DISPATCH_LEVEL. At or below DISPATCH_LEVEL. */
ULONG mm_trim_system_pages(BOOLEAN (*wanted)(ULONG va));

/* ntlab --trim: trims everything pageable (mm_trim_all) at every clock
 * tick, so that paged memory a driver touches at DISPATCH_LEVEL or above is
 * seldom resident and the touch stops the system. */
void mm_trim_every_tick(void);

/* A frame for reuse when the free list is empty: from standby (its owner's
 * PTE goes back to the paging file), after writing modified pages or
 * trimming working sets if need be. Off every list; the caller sets it up.
 * MM_FRAME_NONE when nothing can be reclaimed. */
ULONG mm_pager_reclaim_frame(void);

/* Frames pageable memory holds now: in working sets, standby, modified.
 * DISPATCH_LEVEL. */
ULONG mm_pageable_frame_count(void);

/* Paging statistics. */
typedef struct mm_paging_stats {
    ULONG page_ins;    /* from the paging file */
    ULONG soft_faults; /* from standby or modified */
    ULONG demand_zero;
    ULONG page_outs; /* writes to the paging file */
    ULONG trimmed;
    ULONG slots_in_use;
} mm_paging_stats;
void mm_get_paging_stats(mm_paging_stats *stats);

#endif
