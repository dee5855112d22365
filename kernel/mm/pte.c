/*
 * Page tables and address spaces.
 *
 * Every page directory maps itself at PDE 0x300, so the PTE of any address
 * is an ordinary kernel variable at PTE_BASE + (va >> 12) * 4 and the PDE at
 * PDE_BASE + (va >> 22) * 4 (the self-map). The kernel reads and writes
 * page tables of the current space that way, as NT does. Page directories of
 * other spaces are reached through physical access.
 *
 * System PDEs (0x200-0x3FF, except the self-map and hyperspace slots) are
 * the same in every directory: a new directory copies them, and a new system
 * page table is written into every directory on the spaces list.
 */
#include "mm.h"

#include "pager.h"

static LIST_ENTRY spaces = {&spaces, &spaces};
static mm_space *boot_space;
/* The boot directory's space until the Idle process, in nonpaged pool,
 * takes it over (mm_adopt_boot_space). */
static mm_space boot_storage;

#define PDE_TABLE_FLAGS \
    (X86_PTE_VALID | X86_PTE_WRITE | X86_PTE_ACCESSED | X86_PTE_DIRTY)

static void write_pde(ULONG pd_pfn, ULONG index, ULONG value)
{
    hal_phys_write((ULONGLONG)pd_pfn * PAGE_SIZE + index * 4, &value, 4);
}

static ULONG read_pde(ULONG pd_pfn, ULONG index)
{
    ULONG value;

    hal_phys_read((ULONGLONG)pd_pfn * PAGE_SIZE + index * 4, &value, 4);
    return value;
}

static BOOLEAN is_shared_pde(ULONG index)
{
    return index >= (MM_SYSTEM_RANGE_START >> 22) && index != MM_PDE_SELF_MAP &&
           index != MM_PDE_HYPERSPACE;
}

/* Gives a new directory its self-map and a hyperspace page table. */
static NTSTATUS init_directory(mm_space *space)
{
    space->pd_pfn = mm_alloc_frame(TRUE);
    if (space->pd_pfn == MM_FRAME_NONE)
        return STATUS_INSUFFICIENT_RESOURCES;
    space->hyperspace_pfn = mm_alloc_frame(TRUE);
    if (space->hyperspace_pfn == MM_FRAME_NONE) {
        mm_free_frame(space->pd_pfn);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    write_pde(space->pd_pfn, MM_PDE_SELF_MAP,
              (space->pd_pfn << PAGE_SHIFT) | PDE_TABLE_FLAGS);
    write_pde(space->pd_pfn, MM_PDE_HYPERSPACE,
              (space->hyperspace_pfn << PAGE_SHIFT) | PDE_TABLE_FLAGS);
    InitializeListHead(&space->vads);
    return STATUS_SUCCESS;
}

void mm_init_paging(mm_space *space)
{
    if (!NT_SUCCESS(init_directory(space)))
        KeBugCheckEx(INSTALL_MORE_MEMORY, hal_ram_pages(), 0, 0, 0);
    InsertTailList(&spaces, &space->link);
    boot_space = space;
    hal_mmu_activate(space->pd_pfn);
}

NTSTATUS mm_ensure_page_table(ULONG va)
{
    volatile ULONG *pde = mm_pde_address(va);
    ULONG pfn, entry;
    PLIST_ENTRY e;

    if (*pde & X86_PTE_VALID)
        return STATUS_SUCCESS;
    pfn = mm_alloc_frame(TRUE);
    if (pfn == MM_FRAME_NONE)
        return STATUS_INSUFFICIENT_RESOURCES;
    entry = (pfn << PAGE_SHIFT) | PDE_TABLE_FLAGS;
    if (!mm_is_system_address(va)) {
        *pde = entry | X86_PTE_OWNER;
    } else {
        KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);

        for (e = spaces.Flink; e != &spaces; e = e->Flink)
            write_pde(CONTAINING_RECORD(e, mm_space, link)->pd_pfn, va >> 22,
                      entry);
        KfLowerIrql(irql);
    }
    mm_pfn_note_mapping(pfn, HAL_PTR_VA(pde));
    /* The page table's own self-map page may hold an old translation. */
    hal_mmu_invalidate(HAL_PTR_VA(mm_pte_address(va)));
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_page(ULONG va, ULONG pfn, ULONG flags)
{
    NTSTATUS status = mm_ensure_page_table(va);
    volatile ULONG *pte = mm_pte_address(va);

    if (!NT_SUCCESS(status))
        return status;
    *pte = (pfn << PAGE_SHIFT) | (flags & ~X86_PTE_FRAME) | X86_PTE_VALID;
    mm_pfn_note_mapping(pfn, HAL_PTR_VA(pte));
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_alias(ULONG va, ULONG pfn, ULONG flags)
{
    NTSTATUS status = mm_ensure_page_table(va);

    if (NT_SUCCESS(status))
        *mm_pte_address(va) =
            (pfn << PAGE_SHIFT) | (flags & ~X86_PTE_FRAME) | X86_PTE_VALID;
    return status;
}

ULONG mm_unmap_page(ULONG va)
{
    volatile ULONG *pte = mm_pte_address(va);
    ULONG old;

    if (!(*mm_pde_address(va) & X86_PTE_VALID))
        return 0;
    old = *pte;
    *pte = 0;
    hal_mmu_invalidate(va);
    return old;
}

ULONGLONG mm_pte_pa(ULONG va)
{
    ULONG pde = *mm_pde_address(va);

    if (!(pde & X86_PTE_VALID) || (pde & X86_PTE_LARGE))
        return 0;
    return (ULONGLONG)(pde & X86_PTE_FRAME) + ((va >> PAGE_SHIFT) & 0x3FF) * 4;
}

ULONG mm_read_pte(ULONG va)
{
    if (!(*mm_pde_address(va) & X86_PTE_VALID))
        return 0;
    return *mm_pte_address(va);
}

ULONG mm_debug_read(ULONG va, void *buf, ULONG len)
{
    ULONG done = 0;

    while (done < len) {
        ULONG at = va + done, pde = *mm_pde_address(at), entry, frame;
        ULONG in_page = PAGE_SIZE - (at & (PAGE_SIZE - 1)), n;

        if (at < va || !(pde & X86_PTE_VALID))
            break;
        if (pde & X86_PTE_LARGE) {
            frame = (pde & X86_PDE_LARGE_FRAME) + (at & 0x3FF000u);
        } else {
            entry = *mm_pte_address(at);
            if (!(entry & X86_PTE_VALID))
                break;
            frame = entry & X86_PTE_FRAME;
        }
        if ((frame >> PAGE_SHIFT) >= hal_ram_pages())
            break;
        n = len - done < in_page ? len - done : in_page;
        hal_phys_read((ULONGLONG)frame + (at & (PAGE_SIZE - 1)),
                      (PUCHAR)buf + done, n);
        done += n;
    }
    return done;
}

NTSTATUS mm_create_space(mm_space *space)
{
    NTSTATUS status = init_directory(space);
    KIRQL irql;
    ULONG i;

    if (!NT_SUCCESS(status))
        return status;
    space->commit = 0;
    status = mm_ws_create(&space->ws, space);
    if (!NT_SUCCESS(status)) {
        mm_free_frame(space->hyperspace_pfn);
        mm_free_frame(space->pd_pfn);
        return status;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    for (i = MM_SYSTEM_RANGE_START >> 22; i < 1024; i++) {
        if (is_shared_pde(i))
            write_pde(space->pd_pfn, i, read_pde(boot_space->pd_pfn, i));
    }
    InsertTailList(&spaces, &space->link);
    KfLowerIrql(irql);
    return STATUS_SUCCESS;
}

/* Frees what a user page table maps (the process's own pages: frames,
 * standby copies, paging file slots), then the table. */
static void free_page_table(mm_space *space, ULONG pde_index, ULONG pt_pfn)
{
    ULONG i, pte;
    ULONGLONG pa;

    for (i = 0; i < 1024; i++) {
        pa = (ULONGLONG)pt_pfn * PAGE_SIZE + i * 4;
        hal_phys_read(pa, &pte, 4);
        if ((pte & X86_PTE_VALID) &&
            mm_pfn(pte >> PAGE_SHIFT)->ws_id == MM_WS_NONE) {
            if (!(mm_pfn(pte >> PAGE_SHIFT)->flags & MM_PFN_SHARED))
                mm_free_frame(pte >> PAGE_SHIFT);
        } else if (pte != 0)
            mm_release_pageable((pde_index << 22) | (i << PAGE_SHIFT), pa,
                                &space->ws);
    }
    mm_free_frame(pt_pfn);
}

void mm_clean_space(mm_space *space)
{
    ULONG i, pde;

    mm_delete_vads(space);
    mm_return_commit(space->commit);
    space->commit = 0;
    for (i = 0; i < (MM_SYSTEM_RANGE_START >> 22); i++) {
        pde = read_pde(space->pd_pfn, i);
        if (pde & X86_PTE_VALID) {
            free_page_table(space, i, pde >> PAGE_SHIFT);
            write_pde(space->pd_pfn, i, 0);
        }
    }
    if (space->pd_pfn == hal_mmu_active())
        hal_mmu_flush(FALSE);
}

void mm_delete_space(mm_space *space)
{
    KIRQL irql;

    if (space->pd_pfn == hal_mmu_active() || space == boot_space)
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x1001, space->pd_pfn, 0, 0);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RemoveEntryList(&space->link);
    KfLowerIrql(irql);
    mm_clean_space(space);
    /* Hyperspace only ever borrows frames: free just its table. */
    mm_free_frame(space->hyperspace_pfn);
    mm_free_frame(space->pd_pfn);
    mm_ws_delete(&space->ws);
}

mm_space *mm_space_of_directory(ULONG pd_pfn)
{
    PLIST_ENTRY e;

    for (e = spaces.Flink; e != &spaces; e = e->Flink) {
        if (CONTAINING_RECORD(e, mm_space, link)->pd_pfn == pd_pfn)
            return CONTAINING_RECORD(e, mm_space, link);
    }
    return NULL;
}

void mm_activate_space(const mm_space *space)
{
    hal_mmu_activate(space->pd_pfn);
}

void mm_init(ULONG ram_pages)
{
    mm_init_paging(&boot_storage);
    mm_init_pfn(ram_pages);
}

void mm_adopt_boot_space(mm_space *to)
{
    *to = *boot_space;
    InitializeListHead(&to->vads);
    RemoveEntryList(&boot_space->link);
    InsertTailList(&spaces, &to->link);
    RtlZeroMemory(boot_space, sizeof *boot_space);
    boot_space = to;
}

void mm_init_phase1(void)
{
    mm_init_pager();
    mm_ws_create(&boot_space->ws, boot_space);
}
