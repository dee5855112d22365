/*
 * The PFN database: one MMPFN per frame of RAM, mapped at MM_PFN_DATABASE.
 *
 * Until it exists, frames come from a bump allocator starting at frame 1
 * (frame 0 is never handed out; it marks list ends). mm_init_pfn maps the
 * database with such frames, records every frame taken so far as active and
 * puts the rest on the free list in ascending order, so that a boot with
 * the same inputs always hands out the same frames. Freed frames go to the
 * tail: frames freed in order come back in order, so a process's pages tend
 * to sit in runs of consecutive frames (which the hosted MMU maps in one
 * piece).
 */
#include "mm.h"

static ULONG boot_next = 1;
static ULONG total_frames;
static BOOLEAN pfn_ready;
static ULONG free_head, free_tail, free_count;

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

/* Puts frame pfn at the tail of the free list. DISPATCH_LEVEL. */
static void append_free(ULONG pfn)
{
    *mm_pfn(pfn) = (MMPFN){.state = MM_FREE, .blink = free_tail};
    if (free_tail != MM_FRAME_NONE)
        mm_pfn(free_tail)->flink = pfn;
    else
        free_head = pfn;
    free_tail = pfn;
    free_count++;
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
    }
    for (pfn = boot_next; pfn < ram_pages; pfn++)
        append_free(pfn);
    pfn_ready = TRUE;
}

ULONG mm_alloc_frame(BOOLEAN zeroed)
{
    KIRQL irql;
    ULONG pfn;
    MMPFN *e;

    if (!pfn_ready) {
        pfn = mm_boot_frame();
        hal_phys_zero(pfn);
        return pfn;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    pfn = free_head;
    if (pfn != MM_FRAME_NONE) {
        e = mm_pfn(pfn);
        free_head = e->flink;
        if (free_head != MM_FRAME_NONE)
            mm_pfn(free_head)->blink = MM_FRAME_NONE;
        else
            free_tail = MM_FRAME_NONE;
        free_count--;
        *e = (MMPFN){.state = MM_ACTIVE, .reference_count = 1};
    }
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
    if (e->state != MM_ACTIVE)
        KeBugCheckEx(PFN_LIST_CORRUPT, 0x99, pfn, e->state, 0);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    append_free(pfn);
    KfLowerIrql(irql);
}

void mm_pfn_note_mapping(ULONG pfn, ULONG pte_va)
{
    if (pfn_ready && pfn < total_frames)
        mm_pfn(pfn)->pte_va = pte_va;
}

ULONG mm_free_frame_count(void)
{
    return free_count;
}

ULONG mm_total_frames(void)
{
    return total_frames;
}
