/*
 * The pager: working sets, the paging file, page-in and page-out.
 *
 * A pageable page is in one of four places, and its PTE says which:
 *   valid       a frame, in its working set;
 *   transition  a frame on the standby list (the paging file has a copy)
 *               or the modified list (it has none, or an old one);
 *   paging file a slot holds it, no frame does;
 *   demand zero never touched: the first fault gives it a zeroed frame.
 * Trimming moves valid pages to transition; the modified page writer moves
 * modified pages to standby by writing them to the paging file; taking a
 * standby frame for another use puts its page's PTE back to the slot. A
 * fault undoes each step. Each frame's PFN entry records where its PTE is
 * (page table frame and offset) and, in original_pte, its protection and
 * paging file slot, so the pager can reach any PTE of any address space
 * through physical memory.
 */
#include "pager.h"

#include "../ke/ke.h"
#include "../rtl/rtl.h"
#include "../tr/tr.h"

#define MAX_WORKING_SETS 1024
#define WRITE_BATCH      16
#define TRIM_BATCH       32

mm_working_set mm_system_ws;

static struct {
    mm_working_set *table[MAX_WORKING_SETS];
    ULONG table_used;
    RTL_BITMAP slots; /* paging file slots in use; bit 0 stands for slot 0 */
    ULONG slot_hint;
    mm_paging_stats stats;
} pager;

static ULONG read_pte(ULONGLONG pa)
{
    ULONG v;

    hal_phys_read(pa, &v, sizeof v);
    return v;
}

static void write_pte(ULONGLONG pa, ULONG v)
{
    hal_phys_write(pa, &v, sizeof v);
}

/* Drops the translation of va if the MMU may hold it (system pages and the
 * current address space's pages). */
static void invalidate(const mm_working_set *ws, ULONG va)
{
    if (ws->space == NULL || ws->space->pd_pfn == hal_mmu_active())
        hal_mmu_invalidate(va);
}

void mm_init_pager(void)
{
    ULONG n = hal_pagefile_slots() + 1;
    PULONG bits =
        n > 1 ? ExAllocatePoolWithTag(NonPagedPool,
                                      (n + 31) / 32 * sizeof(ULONG), 'fgaP')
              : NULL;

    if (n > 1 && bits == NULL)
        KeBugCheckEx(INSTALL_MORE_MEMORY, mm_total_frames(), n, 0, 0);
    RtlInitializeBitMap(&pager.slots, bits, bits != NULL ? n : 0);
    if (bits != NULL) {
        RtlClearAllBits(&pager.slots);
        RtlSetBits(&pager.slots, 0, 1);
    }
    mm_ws_create(&mm_system_ws, NULL);
}

static ULONG alloc_slot(void)
{
    ULONG slot;

    if (pager.slots.SizeOfBitMap == 0)
        return 0;
    slot = RtlFindClearBitsAndSet(&pager.slots, 1, pager.slot_hint);
    if (slot == 0xFFFFFFFFu)
        return 0;
    pager.slot_hint = slot + 1;
    pager.stats.slots_in_use++;
    return slot;
}

static void release_slot(ULONG slot)
{
    if (slot != 0) {
        RtlClearBits(&pager.slots, slot, 1);
        pager.stats.slots_in_use--;
    }
}

/* ---- Working sets -------------------------------------------------------- */

NTSTATUS mm_ws_create(mm_working_set *ws, mm_space *space)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG id;

    for (id = 0; id < MAX_WORKING_SETS && pager.table[id] != NULL; id++)
        ;
    if (id == MAX_WORKING_SETS) {
        KfLowerIrql(irql);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *ws = (mm_working_set){.id = id, .space = space};
    pager.table[id] = ws;
    if (id >= pager.table_used)
        pager.table_used = id + 1;
    KfLowerIrql(irql);
    return STATUS_SUCCESS;
}

void mm_ws_delete(mm_working_set *ws)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    if (ws->count != 0)
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x2001, (ULONG_PTR)ws, ws->count, 0);
    pager.table[ws->id] = NULL;
    KfLowerIrql(irql);
}

static void ws_append(mm_working_set *ws, ULONG pfn)
{
    MMPFN *e = mm_pfn(pfn);

    e->ws_id = ws->id;
    e->flink = MM_FRAME_NONE;
    e->blink = ws->last;
    if (ws->last != MM_FRAME_NONE)
        mm_pfn(ws->last)->flink = pfn;
    else
        ws->first = pfn;
    ws->last = pfn;
    ws->count++;
}

static void ws_remove(mm_working_set *ws, ULONG pfn)
{
    MMPFN *e = mm_pfn(pfn);

    if (e->flink != MM_FRAME_NONE)
        mm_pfn(e->flink)->blink = e->blink;
    else
        ws->last = e->blink;
    if (e->blink != MM_FRAME_NONE)
        mm_pfn(e->blink)->flink = e->flink;
    else
        ws->first = e->flink;
    ws->count--;
    e->flink = e->blink = MM_FRAME_NONE;
    e->ws_id = MM_WS_NONE;
}

/* ---- Page-in ------------------------------------------------------------- */

/* The valid PTE for frame pfn mapped with protection, in ws's space. */
static ULONG valid_pte(const mm_working_set *ws, ULONG pfn, ULONG protection)
{
    ULONG pte = (pfn << PAGE_SHIFT) | X86_PTE_VALID | X86_PTE_ACCESSED;

    if (mm_protection_writable(protection))
        pte |= X86_PTE_WRITE;
    pte |= ws->space == NULL ? X86_PTE_GLOBAL : X86_PTE_OWNER;
    return pte;
}

/*
 * A page coming back into memory keeps its paging-file copy, so that it
 * need not be written again if it stays clean, unless slots run short:
 * then the copy goes (the page counts as modified), since a frame and a
 * slot holding the same page would leave less room than the commit limit
 * promised (as NT gives back the paging-file space of pages it reads in
 * when the paging file runs low).
 */
static void drop_copy_if_short(MMPFN *e)
{
    ULONG slot = mm_pte_slot(e->original_pte);

    if (slot == 0 || hal_pagefile_slots() - pager.stats.slots_in_use >=
                         mm_total_frames())
        return;
    release_slot(slot);
    e->original_pte = mm_demand_zero_pte(mm_pte_protection(e->original_pte));
    e->flags |= MM_PFN_MODIFIED;
}

/* Gives a frame for a page that is not in memory: zeroed, or read back. */
static NTSTATUS fill_frame(ULONG pte, ULONG *pfn_out)
{
    ULONG slot = mm_pte_slot(pte), pfn = mm_alloc_frame(slot == 0);

    if (pfn == MM_FRAME_NONE)
        return STATUS_NO_MEMORY;
    if (slot != 0) {
        if (!hal_pagefile_read(slot, pfn)) {
            mm_free_frame(pfn);
            return STATUS_IN_PAGE_ERROR;
        }
        mm_pfn(pfn)->original_pte = pte;
        drop_copy_if_short(mm_pfn(pfn));
        pager.stats.page_ins++;
    } else {
        mm_pfn(pfn)->original_pte = mm_demand_zero_pte(mm_pte_protection(pte));
        mm_pfn(pfn)->flags = MM_PFN_MODIFIED;
        pager.stats.demand_zero++;
    }
    *pfn_out = pfn;
    return STATUS_SUCCESS;
}

NTSTATUS mm_page_in(ULONG va, ULONGLONG pte_pa, mm_working_set *ws)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG pte = read_pte(pte_pa), pfn = MM_FRAME_NONE, protection;
    NTSTATUS status = STATUS_SUCCESS;
    MMPFN *e;

    protection = mm_pte_protection(pte);
    if (pte & X86_PTE_VALID) {
        KfLowerIrql(irql);
        return STATUS_SUCCESS;
    }
    if (mm_pte_is_transition(pte)) {
        pfn = pte >> PAGE_SHIFT;
        mm_pfn_list_remove(pfn);
        mm_pfn(pfn)->state = MM_ACTIVE;
        drop_copy_if_short(mm_pfn(pfn));
        pager.stats.soft_faults++;
        TR(tr_page_in(va, TR_PAGE_IN_TRANSITION));
    } else if (pte == 0 || protection == MM_DECOMMIT ||
               (mm_pte_slot(pte) == 0 && protection == MM_ZERO_ACCESS)) {
        status = STATUS_ACCESS_VIOLATION;
    } else {
        status = fill_frame(pte, &pfn);
        if (NT_SUCCESS(status))
            TR(tr_page_in(va, mm_pte_slot(pte) != 0 ? TR_PAGE_IN_FILE
                                                    : TR_PAGE_IN_ZERO));
    }
    if (NT_SUCCESS(status)) {
        e = mm_pfn(pfn);
        e->pte_va = PTE_BASE + ((va >> PAGE_SHIFT) << 2);
        e->pte_frame = (ULONG)(pte_pa >> PAGE_SHIFT);
        ws_append(ws, pfn);
        write_pte(pte_pa, valid_pte(ws, pfn, protection));
    }
    KfLowerIrql(irql);
    return status;
}

/* ---- Page-out ------------------------------------------------------------ */

/* Takes a valid page out of ws: its PTE goes to transition. */
static void page_out(mm_working_set *ws, ULONG pfn, ULONG pte)
{
    MMPFN *e = mm_pfn(pfn);
    ULONG protection = mm_pte_protection(e->original_pte);

    ws_remove(ws, pfn);
    if ((pte & X86_PTE_DIRTY) || (e->flags & MM_PFN_MODIFIED)) {
        /* The paging file copy, if any, is stale now. */
        release_slot(mm_pte_slot(e->original_pte));
        e->original_pte = mm_demand_zero_pte(protection);
        e->flags |= MM_PFN_MODIFIED;
        mm_pfn_list_insert(pfn, MM_MODIFIED);
    } else {
        mm_pfn_list_insert(pfn, MM_STANDBY);
    }
    write_pte(mm_pfn_pte_pa(e), mm_transition_pte(pfn, protection));
    invalidate(ws, mm_pte_va_to_va(e->pte_va));
    pager.stats.trimmed++;
}

void mm_page_out_page(mm_working_set *ws, ULONG pfn)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

    page_out(ws, pfn, read_pte(mm_pfn_pte_pa(mm_pfn(pfn))));
    KfLowerIrql(irql);
}

/* Moves the first page of ws to its end (it stays in). */
static void second_chance(mm_working_set *ws, ULONG pfn)
{
    ws_remove(ws, pfn);
    ws_append(ws, pfn);
}

ULONG mm_trim_working_set(mm_working_set *ws, ULONG target, BOOLEAN all)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG trimmed = 0, looked = 0, limit = ws->count; /* one pass */

    while (trimmed < target && ws->count > 0 && looked++ < limit) {
        ULONG pfn = ws->first;
        MMPFN *e = mm_pfn(pfn);
        ULONGLONG pa = mm_pfn_pte_pa(e);
        ULONG pte = read_pte(pa);

        if (e->lock_count != 0) {
            second_chance(ws, pfn);
        } else if (!all && (pte & X86_PTE_ACCESSED)) {
            write_pte(pa, pte & ~X86_PTE_ACCESSED);
            invalidate(ws, mm_pte_va_to_va(e->pte_va));
            second_chance(ws, pfn);
        } else {
            page_out(ws, pfn, pte);
            trimmed++;
        }
    }
    KfLowerIrql(irql);
    return trimmed;
}

ULONG mm_trim_system_pages(BOOLEAN (*wanted)(ULONG va))
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG trimmed = 0, pfn = mm_system_ws.first, next;

    for (; pfn != MM_FRAME_NONE; pfn = next) {
        MMPFN *e = mm_pfn(pfn);

        next = e->flink;
        if (e->lock_count == 0 && wanted(mm_pte_va_to_va(e->pte_va))) {
            page_out(&mm_system_ws, pfn, read_pte(mm_pfn_pte_pa(e)));
            trimmed++;
        }
    }
    KfLowerIrql(irql);
    return trimmed;
}

/* Writes up to max modified pages to the paging file; returns how many. */
static ULONG write_modified(ULONG max)
{
    ULONG written = 0, pfn, slot;

    while (written < max &&
           (pfn = mm_pfn_list_head(MM_MODIFIED)) != MM_FRAME_NONE) {
        MMPFN *e = mm_pfn(pfn);

        slot = alloc_slot();
        if (slot == 0)
            break;
        if (!hal_pagefile_write(slot, pfn)) {
            release_slot(slot);
            break;
        }
        e->original_pte =
            mm_pagefile_pte(slot, mm_pte_protection(e->original_pte));
        e->flags &= (UCHAR)~MM_PFN_MODIFIED;
        mm_pfn_list_remove(pfn);
        mm_pfn_list_insert(pfn, MM_STANDBY);
        pager.stats.page_outs++;
        written++;
    }
    return written;
}

/* Takes the first standby frame: its page now lives in the paging file. */
static ULONG repurpose_standby(void)
{
    ULONG pfn = mm_pfn_list_head(MM_STANDBY);
    MMPFN *e;

    if (pfn == MM_FRAME_NONE)
        return MM_FRAME_NONE;
    e = mm_pfn(pfn);
    mm_pfn_list_remove(pfn);
    write_pte(mm_pfn_pte_pa(e), e->original_pte);
    return pfn;
}

/* Trims some of every working set; returns how many pages left. */
static ULONG trim_some(BOOLEAN all)
{
    ULONG id, trimmed = 0;

    for (id = 0; id < pager.table_used; id++) {
        if (pager.table[id] != NULL)
            trimmed += mm_trim_working_set(pager.table[id], TRIM_BATCH, all);
    }
    return trimmed;
}

ULONG mm_pager_reclaim_frame(void)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG pfn = MM_FRAME_NONE, round;

    /* The first trims may only clear Accessed bits (second chances); from
     * the third on, recent use no longer protects a page. */
    for (round = 0; round < 6; round++) {
        pfn = repurpose_standby();
        if (pfn != MM_FRAME_NONE)
            break;
        if (write_modified(WRITE_BATCH) > 0)
            continue;
        if (trim_some(round >= 2) == 0 && round >= 2 &&
            mm_frames_in_state(MM_MODIFIED) == 0)
            break;
    }
    KfLowerIrql(irql);
    return pfn;
}

ULONG mm_trim_all(BOOLEAN purge)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG id, trimmed = 0, pfn;

    for (id = 0; id < pager.table_used; id++) {
        if (pager.table[id] != NULL)
            trimmed += mm_trim_working_set(pager.table[id],
                                           pager.table[id]->count, TRUE);
    }
    while (write_modified(WRITE_BATCH) > 0)
        ;
    while (purge && (pfn = repurpose_standby()) != MM_FRAME_NONE) {
        *mm_pfn(pfn) = (MMPFN){.state = MM_ACTIVE, .ws_id = MM_WS_NONE};
        mm_free_frame(pfn);
    }
    KfLowerIrql(irql);
    return trimmed;
}

static VOID trim_dpc_routine(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    mm_trim_all(FALSE);
}

void mm_trim_every_tick(void)
{
    static KDPC dpc;

    KeInitializeDpc(&dpc, trim_dpc_routine, NULL);
    ke_set_tick_dpc(&dpc);
}

/* ---- Release ------------------------------------------------------------- */

void mm_release_pageable(ULONG va, ULONGLONG pte_pa, mm_working_set *ws)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG pte = read_pte(pte_pa), pfn = pte >> PAGE_SHIFT;
    MMPFN *e;

    if ((pte & X86_PTE_VALID) && (mm_pfn(pfn)->flags & MM_PFN_SHARED)) {
        /* KUSER_SHARED_DATA's user view: only the mapping goes. */
        write_pte(pte_pa, 0);
        invalidate(ws, va);
        KfLowerIrql(irql);
        return;
    }
    if (pte & X86_PTE_VALID) {
        ws_remove(ws, pfn);
        invalidate(ws, va);
    } else if (mm_pte_is_transition(pte)) {
        mm_pfn_list_remove(pfn);
    } else {
        release_slot(mm_pte_slot(pte));
        pfn = MM_FRAME_NONE;
    }
    write_pte(pte_pa, 0);
    if (pfn != MM_FRAME_NONE) {
        e = mm_pfn(pfn);
        release_slot(mm_pte_slot(e->original_pte));
        e->original_pte = 0;
        e->pte_frame = 0;
        e->ws_id = MM_WS_NONE;
        /* A frame an MDL still locks is freed when it is unlocked. */
        e->flags |= MM_PFN_ORPHANED;
        if (e->lock_count == 0) {
            *e = (MMPFN){.state = MM_ACTIVE, .ws_id = MM_WS_NONE};
            mm_free_frame(pfn);
        }
    }
    KfLowerIrql(irql);
}

ULONG mm_pageable_frame_count(void)
{
    ULONG id, n = mm_frames_in_state(MM_STANDBY) + mm_frames_in_state(MM_MODIFIED);

    for (id = 0; id < pager.table_used; id++) {
        if (pager.table[id] != NULL)
            n += pager.table[id]->count;
    }
    return n;
}

void mm_get_paging_stats(mm_paging_stats *stats)
{
    *stats = pager.stats;
}
