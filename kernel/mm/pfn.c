/*
 * The PFN database: one MMPFN per frame of RAM, mapped at MM_PFN_DATABASE.
 *
 * Until it exists, frames come from a bump allocator starting at frame 1
 * (frame 0 is never handed out; it marks list ends). mm_init_pfn maps the
 * database with such frames, records every frame taken so far as active and
 * puts the rest on the free list in ascending order, so that a boot with
 * the same inputs always hands out the same frames. Frames go back to the
 * tail of a list: frames freed in order come back in order, so a process's
 * pages tend to sit in runs of consecutive frames (which the hosted MMU
 * maps in one piece).
 *
 * The free, standby and modified lists are guarded by DISPATCH_LEVEL (NT's
 * PFN lock).
 */
#include "mm.h"

#include "pager.h"

static ULONG boot_next = 1;
static ULONG total_frames;
static BOOLEAN pfn_ready;

static struct {
    ULONG head, tail, count;
} lists[MM_TRANSITION + 1];

ULONG mm_boot_frame(void)
{
    if (boot_next >= hal_ram_pages())
        KeBugCheckEx(INSTALL_MORE_MEMORY, hal_ram_pages(), boot_next, 0, 0);
    return boot_next++;
}

MMPFN *mm_pfn(ULONG pfn)
{
    return (MMPFN *)HAL_VA_PTR(MM_PFN_DATABASE) + pfn;
}

void mm_pfn_list_insert(ULONG pfn, mm_page_state state)
{
    MMPFN *e = mm_pfn(pfn);

    e->state = (UCHAR)state;
    e->flink = MM_FRAME_NONE;
    e->blink = lists[state].tail;
    if (lists[state].tail != MM_FRAME_NONE)
        mm_pfn(lists[state].tail)->flink = pfn;
    else
        lists[state].head = pfn;
    lists[state].tail = pfn;
    lists[state].count++;
}

void mm_pfn_list_remove(ULONG pfn)
{
    MMPFN *e = mm_pfn(pfn);
    mm_page_state state = (mm_page_state)e->state;

    if (e->flink != MM_FRAME_NONE)
        mm_pfn(e->flink)->blink = e->blink;
    else
        lists[state].tail = e->blink;
    if (e->blink != MM_FRAME_NONE)
        mm_pfn(e->blink)->flink = e->flink;
    else
        lists[state].head = e->flink;
    lists[state].count--;
    e->flink = e->blink = MM_FRAME_NONE;
}

ULONG mm_pfn_list_head(mm_page_state state)
{
    return lists[state].head;
}

ULONG mm_frames_in_state(mm_page_state state)
{
    return lists[state].count;
}

void mm_init_pfn(ULONG ram_pages)
{
    ULONG bytes = ram_pages * (ULONG)sizeof(MMPFN), va, pfn;

    if (MM_PFN_DATABASE + bytes > MM_PFN_DATABASE_END)
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x1000, ram_pages, 0, 0);
    for (va = MM_PFN_DATABASE; va < MM_PFN_DATABASE + bytes; va += PAGE_SIZE) {
        if (!NT_SUCCESS(mm_map_page(va, mm_alloc_frame(TRUE), PTE_KERNEL_RW)))
            KeBugCheckEx(INSTALL_MORE_MEMORY, ram_pages, boot_next, 0, 0);
    }
    total_frames = ram_pages;
    /* Frames [0, boot_next) are in use; the rest go on the list in order. */
    for (pfn = 0; pfn < boot_next; pfn++) {
        mm_pfn(pfn)->state = pfn == 0 ? MM_BAD : MM_ACTIVE;
        mm_pfn(pfn)->reference_count = pfn == 0 ? 0 : 1;
        mm_pfn(pfn)->ws_id = MM_WS_NONE;
    }
    for (pfn = boot_next; pfn < ram_pages; pfn++)
        mm_pfn_list_insert(pfn, MM_FREE);
    pfn_ready = TRUE;
}

/* Takes a frame off the free list, reclaiming pageable memory if need be. */
static ULONG take_frame(void)
{
    ULONG pfn = lists[MM_FREE].head;

    if (pfn == MM_FRAME_NONE)
        pfn = mm_pager_reclaim_frame();
    else
        mm_pfn_list_remove(pfn);
    return pfn;
}

ULONG mm_alloc_frame(BOOLEAN zeroed)
{
    KIRQL irql;
    ULONG pfn;

    if (!pfn_ready) {
        pfn = mm_boot_frame();
        hal_phys_zero(pfn);
        return pfn;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    pfn = take_frame();
    if (pfn != MM_FRAME_NONE)
        *mm_pfn(pfn) = (MMPFN){
            .state = MM_ACTIVE, .reference_count = 1, .ws_id = MM_WS_NONE};
    KfLowerIrql(irql);
    if (pfn != MM_FRAME_NONE && zeroed)
        hal_phys_zero(pfn);
    return pfn;
}

void mm_free_frame(ULONG pfn)
{
    KIRQL irql;
    MMPFN *e;

    if (pfn == MM_FRAME_NONE || pfn >= total_frames)
        KeBugCheckEx(PFN_LIST_CORRUPT, 0x99, pfn, 0, 0);
    e = mm_pfn(pfn);
    if (e->state != MM_ACTIVE || e->ws_id != MM_WS_NONE)
        KeBugCheckEx(PFN_LIST_CORRUPT, 0x99, pfn, e->state, e->ws_id);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    *e = (MMPFN){0};
    mm_pfn_list_insert(pfn, MM_FREE);
    KfLowerIrql(irql);
}

void mm_pfn_note_mapping(ULONG pfn, ULONG pte_va)
{
    if (pfn_ready && pfn < total_frames) {
        mm_pfn(pfn)->pte_va = pte_va;
        mm_pfn(pfn)->pte_frame =
            *mm_pde_address(mm_pte_va_to_va(pte_va)) >> PAGE_SHIFT;
    }
}

ULONG mm_free_frame_count(void)
{
    return lists[MM_FREE].count;
}

ULONG mm_total_frames(void)
{
    return total_frames;
}
