/*
 * Physical memory and the MMU on pc: real page tables, CR3 and invlpg.
 *
 * The kernel's frames are physical frames 0 .. hal_ram_pages() - 1 (the
 * chipset is told to put RAM under the legacy hole at 0xA0000-0xFFFFF, so
 * that they all are RAM). The platform reaches a frame through a window: a
 * PTE of its own page table at PC_WINDOW_VA pointed at the frame, used with
 * interrupts off. A copy may fault on its kernel-memory side (a pageable
 * buffer) and the fault's handler use windows of its own, so each nesting
 * level has its own pair.
 *
 * The paging file is physical memory past the image and the modules: the
 * host sizes the machine's memory for it.
 */
#include "pc.h"

ULONG pc_boot_directory[1024] __attribute__((aligned(4096)));
ULONG pc_window_table[1024] __attribute__((aligned(4096)));

#define WINDOW_LEVELS 16
static ULONG window_depth;
static ULONG ram_pages;
static ULONG pagefile_base, pagefile_pages;

static ULONG read_cr3(void)
{
    ULONG v;

    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static void invlpg(ULONG va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* Maps frame pfn at window slot and returns its address. */
static void *window_map(ULONG slot, ULONG pfn)
{
    ULONG va = PC_WINDOW_VA + slot * PAGE_SIZE;

    pc_window_table[slot] = (pfn << PAGE_SHIFT) | PDE_TABLE_KERNEL;
    invlpg(va);
    return (void *)va;
}

/* Takes the next nesting level's pair of windows; interrupts go off. */
static ULONG window_enter(BOOLEAN *was)
{
    *was = hal_interrupts_disable();
    if (window_depth >= WINDOW_LEVELS)
        hal_power_off(3);
    return 2 * window_depth++;
}

static void window_leave(BOOLEAN was)
{
    window_depth--;
    hal_interrupts_restore(was);
}

/* Copies len bytes between physical pa and kernel memory buf, page by
 * page; to_phys says which way. */
static void phys_transfer(ULONGLONG pa, void *buf, ULONG len, BOOLEAN to_phys)
{
    BOOLEAN was;
    ULONG slot = window_enter(&was);
    char *b = buf;

    while (len > 0) {
        ULONG off = (ULONG)pa & (PAGE_SIZE - 1);
        ULONG n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        char *w = (char *)window_map(slot, (ULONG)(pa >> PAGE_SHIFT)) + off;

        if (to_phys)
            __builtin_memcpy(w, b, n);
        else
            __builtin_memcpy(b, w, n);
        pa += n;
        b += n;
        len -= n;
    }
    window_leave(was);
}

void pc_phys_read(ULONGLONG pa, void *buf, ULONG len)
{
    phys_transfer(pa, buf, len, FALSE);
}

void pc_phys_write(ULONGLONG pa, const void *buf, ULONG len)
{
    phys_transfer(pa, (void *)buf, len, TRUE);
}

ULONG hal_ram_pages(void)
{
    return ram_pages;
}

/* The kernel's RAM: set once by the boot, from the command line. */
void pc_set_ram_pages(ULONG pages)
{
    ram_pages = pages;
}

void hal_phys_zero(ULONG pfn)
{
    BOOLEAN was;
    ULONG slot = window_enter(&was);

    __builtin_memset(window_map(slot, pfn), 0, PAGE_SIZE);
    window_leave(was);
}

void hal_phys_copy(ULONG dst_pfn, ULONG src_pfn)
{
    BOOLEAN was;
    ULONG slot = window_enter(&was);
    void *dst = window_map(slot, dst_pfn);

    __builtin_memcpy(dst, window_map(slot + 1, src_pfn), PAGE_SIZE);
    window_leave(was);
}

void hal_phys_read(ULONGLONG pa, void *buf, ULONG len)
{
    pc_phys_read(pa, buf, len);
}

void hal_phys_write(ULONGLONG pa, const void *buf, ULONG len)
{
    pc_phys_write(pa, buf, len);
}

/* ---- The paging file ------------------------------------------------------ */

void pc_pagefile_init(ULONG pages)
{
    pagefile_base = (pc_free_physical + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    pagefile_pages = pages;
}

ULONG hal_pagefile_slots(void)
{
    return pagefile_pages;
}

/* Slot s (1 .. slots) is the frame at pagefile_base + (s - 1) pages. */
static ULONG slot_pfn(ULONG slot)
{
    return (pagefile_base >> PAGE_SHIFT) + slot - 1;
}

BOOLEAN hal_pagefile_read(ULONG slot, ULONG pfn)
{
    if (slot == 0 || slot > pagefile_pages)
        return FALSE;
    hal_phys_copy(pfn, slot_pfn(slot));
    return TRUE;
}

BOOLEAN hal_pagefile_write(ULONG slot, ULONG pfn)
{
    if (slot == 0 || slot > pagefile_pages)
        return FALSE;
    hal_phys_copy(slot_pfn(slot), pfn);
    return TRUE;
}

/* ---- The MMU ------------------------------------------------------------- */

/* The directory entries every address space needs for the platform: the
 * kernel image and the frame windows. */
static ULONG own_pde(ULONG index)
{
    return pc_boot_directory[index];
}

void pc_mmu_adopt(ULONG pd_pfn)
{
    static const ULONG own[] = {PC_KERNEL_VIRTUAL >> 22, PC_WINDOW_VA >> 22};
    ULONGLONG pd = (ULONGLONG)pd_pfn << PAGE_SHIFT;
    ULONG i, value;

    for (i = 0; i < sizeof own / sizeof own[0]; i++) {
        pc_phys_read(pd + own[i] * 4, &value, 4);
        if (value != own_pde(own[i])) {
            value = own_pde(own[i]);
            pc_phys_write(pd + own[i] * 4, &value, 4);
        }
    }
}

void hal_mmu_activate(ULONG pd_pfn)
{
    pc_mmu_adopt(pd_pfn);
    pc_set_double_fault_cr3(pd_pfn << PAGE_SHIFT);
    __asm__ volatile("mov %0, %%cr3" : : "r"(pd_pfn << PAGE_SHIFT) : "memory");
}

ULONG hal_mmu_active(void)
{
    return read_cr3() >> PAGE_SHIFT;
}

void hal_mmu_invalidate(ULONG va)
{
    invlpg(va);
}

void hal_mmu_flush(BOOLEAN all)
{
    ULONG cr4;

    if (!all) {
        __asm__ volatile("mov %0, %%cr3" : : "r"(read_cr3()) : "memory");
        return;
    }
    /* Turning CR4.PGE off and on drops the Global translations too. */
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 & ~CR4_PGE) : "memory");
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}
