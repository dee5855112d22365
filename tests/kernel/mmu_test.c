/*
 * The MMU as kernel code sees it: page directories per address space,
 * shared system mappings, protection, the translation cache and the
 * self-map. Each test builds what it needs, checks it through the window
 * and through physical memory, and takes it down again.
 */
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/ps/ps.h"
#include "../../kernel/rtl/rtl.h"

#define USER_VA    0x10000000u
#define USER_FLAGS (X86_PTE_WRITE | X86_PTE_OWNER)

/*
 * An access that may fault runs kernel code the compiler cannot see (here a
 * fault observer that changes test state), so it is fenced by compiler
 * barriers on both sides.
 */
#define BARRIER() __asm__ volatile("" ::: "memory")

static ULONG peek(ULONG va)
{
    ULONG v;

    BARRIER();
    v = *(volatile ULONG *)HAL_VA_PTR(va);
    BARRIER();
    return v;
}

static void poke(ULONG va, ULONG value)
{
    BARRIER();
    *(volatile ULONG *)HAL_VA_PTR(va) = value;
    BARRIER();
}

static ULONG phys_peek(ULONG pfn)
{
    ULONG v;

    hal_phys_read((ULONGLONG)pfn * PAGE_SIZE, &v, sizeof v);
    return v;
}

static void phys_poke(ULONG pfn, ULONG value)
{
    hal_phys_write((ULONGLONG)pfn * PAGE_SIZE, &value, sizeof value);
}

static const mm_space *system_space(void)
{
    return &PsInitialSystemProcess->Space;
}

/* A page of system space with frame pfn mapped by flags; returns its VA. */
static ULONG map_system_page(ULONG pfn, ULONG flags)
{
    ULONG va = mm_reserve_system_ptes(1);

    if (va != 0 && !NT_SUCCESS(mm_map_page(va, pfn, flags))) {
        mm_release_system_ptes(va, 1);
        va = 0;
    }
    return va;
}

static void unmap_system_page(ULONG va)
{
    mm_unmap_page(va);
    mm_release_system_ptes(va, 1);
}

KTEST(mmu, user_address_differs_per_space)
{
    mm_space a, b;
    ULONG fa = mm_alloc_frame(TRUE), fb = mm_alloc_frame(TRUE);

    KT_ASSERT(fa != MM_FRAME_NONE && fb != MM_FRAME_NONE);
    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    KT_ASSERT(NT_SUCCESS(mm_create_space(&b)));
    mm_activate_space(&a);
    KT_EXPECT(NT_SUCCESS(mm_map_page(USER_VA, fa, USER_FLAGS)));
    poke(USER_VA, 0xAAAA0001);
    mm_activate_space(&b);
    KT_EXPECT(NT_SUCCESS(mm_map_page(USER_VA, fb, USER_FLAGS)));
    poke(USER_VA, 0xBBBB0002);
    mm_activate_space(&a);
    KT_EXPECT_EQ(peek(USER_VA), 0xAAAA0001);
    mm_activate_space(&b);
    KT_EXPECT_EQ(peek(USER_VA), 0xBBBB0002);
    mm_activate_space(system_space());
    KT_EXPECT_EQ(phys_peek(fa), 0xAAAA0001);
    KT_EXPECT_EQ(phys_peek(fb), 0xBBBB0002);
    /* The System process has nothing at that address. */
    KT_EXPECT_EQ(mm_read_pte(USER_VA), 0);
    mm_delete_space(&a);
    mm_delete_space(&b);
}

KTEST(mmu, system_address_same_in_every_space)
{
    mm_space a, b;
    ULONG pfn = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(pfn, PTE_KERNEL_RW);

    KT_ASSERT(va != 0);
    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    KT_ASSERT(NT_SUCCESS(mm_create_space(&b)));
    mm_activate_space(&a);
    poke(va, 0x5157E301);
    mm_activate_space(&b);
    KT_EXPECT_EQ(peek(va), 0x5157E301);
    poke(va, 0x5157E302);
    mm_activate_space(system_space());
    KT_EXPECT_EQ(peek(va), 0x5157E302);
    mm_delete_space(&a);
    mm_delete_space(&b);
    unmap_system_page(va);
    mm_free_frame(pfn);
}

/* A new page table for system space appears in spaces made before it. */
KTEST(mmu, new_system_page_table_reaches_old_spaces)
{
    mm_space a;
    ULONG pfn = mm_alloc_frame(TRUE), va = MM_PAGED_POOL_END - PAGE_SIZE;

    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    KT_ASSERT_EQ(*mm_pde_address(va) & X86_PTE_VALID, 0);
    KT_ASSERT(NT_SUCCESS(mm_map_page(va, pfn, PTE_KERNEL_RW)));
    poke(va, 0x0123ABCD);
    mm_activate_space(&a);
    KT_EXPECT_EQ(peek(va), 0x0123ABCD);
    mm_activate_space(system_space());
    mm_delete_space(&a);
    mm_unmap_page(va);
    mm_free_frame(pfn);
}

static struct {
    ULONG va;
    int calls;
    hal_trap trap;
    KIRQL irql;
} seen;

/* Records the fault and makes the page writable, so the write restarts. */
static BOOLEAN make_writable(const hal_trap *trap)
{
    if (trap->va != seen.va)
        return FALSE;
    seen.calls++;
    seen.trap = *trap;
    seen.irql = KeGetCurrentIrql();
    *mm_pte_address(trap->va) |= X86_PTE_WRITE;
    hal_mmu_invalidate(trap->va);
    return TRUE;
}

static void write_read_only_page(KIRQL irql)
{
    ULONG pfn = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(pfn, X86_PTE_GLOBAL);
    KIRQL old;

    KT_ASSERT(va != 0);
    phys_poke(pfn, 0x00C0FFEE);
    KT_EXPECT_EQ(peek(va), 0x00C0FFEE);
    seen.va = va + 8;
    seen.calls = 0;
    mm_test_fault_observer = make_writable;
    KeRaiseIrql(irql, &old);
    poke(va + 8, 0x0000BEEF);
    KeLowerIrql(old);
    mm_test_fault_observer = NULL;
    KT_EXPECT_EQ(seen.calls, 1);
    KT_EXPECT_EQ(seen.trap.kind, HAL_TRAP_PAGE_FAULT);
    KT_EXPECT_EQ(seen.trap.va, va + 8);
    KT_EXPECT(seen.trap.write);
    KT_EXPECT(seen.trap.present);
    KT_EXPECT(!seen.trap.user);
    KT_EXPECT(!seen.trap.ip_guest);
    KT_EXPECT(seen.trap.ip != 0);
    KT_EXPECT_EQ(seen.irql, irql);
    KT_EXPECT_EQ(peek(va + 8), 0x0000BEEF);
    unmap_system_page(va);
    mm_free_frame(pfn);
}

KTEST(mmu, read_only_pte_faults_on_write)
{
    write_read_only_page(PASSIVE_LEVEL);
}

KTEST(mmu, fault_reports_the_irql)
{
    write_read_only_page(DISPATCH_LEVEL);
}

static struct {
    ULONG va;
    ULONG pfn;
    int calls;
    hal_trap trap;
} demand;

/* Maps a frame when the page is first touched, then lets the read restart. */
static BOOLEAN map_on_demand(const hal_trap *trap)
{
    if (MM_PAGE_ALIGN(trap->va) != demand.va)
        return FALSE;
    demand.calls++;
    demand.trap = *trap;
    return NT_SUCCESS(mm_map_page(demand.va, demand.pfn, PTE_KERNEL_RW));
}

KTEST(mmu, not_present_fault_restarts_the_access)
{
    ULONG pfn = mm_alloc_frame(TRUE), va = mm_reserve_system_ptes(1);

    KT_ASSERT(va != 0);
    phys_poke(pfn, 0x600D0001);
    demand.va = va;
    demand.pfn = pfn;
    demand.calls = 0;
    mm_test_fault_observer = map_on_demand;
    KT_EXPECT_EQ(peek(va), 0x600D0001);
    mm_test_fault_observer = NULL;
    KT_EXPECT_EQ(demand.calls, 1);
    KT_EXPECT_EQ(demand.trap.va, va);
    KT_EXPECT(!demand.trap.write);
    KT_EXPECT(!demand.trap.present);
    unmap_system_page(va);
    mm_free_frame(pfn);
}

KTEST(mmu, rewritten_pte_is_stale_until_invalidated)
{
    ULONG f1 = mm_alloc_frame(TRUE), f2 = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(f1, PTE_KERNEL_RW);
    volatile ULONG *pte = mm_pte_address(va);

    KT_ASSERT(va != 0);
    phys_poke(f1, 1111);
    phys_poke(f2, 2222);
    KT_EXPECT_EQ(peek(va), 1111);
    *pte = (f2 << PAGE_SHIFT) | PTE_KERNEL_RW;
    KT_EXPECT_EQ(peek(va), 1111);
    hal_mmu_invalidate(va);
    KT_EXPECT_EQ(peek(va), 2222);
    unmap_system_page(va);
    mm_free_frame(f1);
    mm_free_frame(f2);
}

/* The PTE read through the self-map is the one in the page table's frame. */
KTEST(mmu, self_map_shows_the_page_tables)
{
    ULONG pfn = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(pfn, PTE_KERNEL_RW | X86_PTE_CACHE_DISABLE);
    ULONG pde, pt_pfn, pte_in_ram, pd_pfn = hal_mmu_active(), pde_in_ram;

    KT_ASSERT(va != 0);
    pde = *mm_pde_address(va);
    pt_pfn = pde >> PAGE_SHIFT;
    hal_phys_read((ULONGLONG)pt_pfn * PAGE_SIZE + ((va >> 12) & 0x3FF) * 4,
                  &pte_in_ram, 4);
    KT_EXPECT_EQ(*mm_pte_address(va), pte_in_ram);
    KT_EXPECT_EQ(pte_in_ram >> PAGE_SHIFT, pfn);
    KT_EXPECT_EQ(pte_in_ram & 0xFFF,
                 PTE_KERNEL_RW | X86_PTE_CACHE_DISABLE | X86_PTE_VALID);
    hal_phys_read((ULONGLONG)pd_pfn * PAGE_SIZE + (va >> 22) * 4, &pde_in_ram,
                  4);
    KT_EXPECT_EQ(pde, pde_in_ram);
    /* The directory maps itself: PDE 0x300 holds the directory's frame. */
    KT_EXPECT_EQ(*mm_pde_address(PTE_BASE) >> PAGE_SHIFT, pd_pfn);
    unmap_system_page(va);
    mm_free_frame(pfn);
}

KTEST(mmu, accessed_and_dirty_are_set_by_use)
{
    ULONG pfn = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(pfn, X86_PTE_WRITE | X86_PTE_GLOBAL);
    volatile ULONG *pte = mm_pte_address(va);

    KT_ASSERT(va != 0);
    KT_EXPECT_EQ(*pte & (X86_PTE_ACCESSED | X86_PTE_DIRTY), 0);
    (void)peek(va);
    KT_EXPECT_EQ(*pte & (X86_PTE_ACCESSED | X86_PTE_DIRTY), X86_PTE_ACCESSED);
    poke(va, 7);
    KT_EXPECT_EQ(*pte & (X86_PTE_ACCESSED | X86_PTE_DIRTY),
                 X86_PTE_ACCESSED | X86_PTE_DIRTY);
    unmap_system_page(va);
    mm_free_frame(pfn);
}

/*
 * Pages used before are mapped back in runs after an activation, but a page
 * never touched keeps Accessed clear even when its neighbours are used.
 */
KTEST(mmu, accessed_stays_exact_next_to_used_pages)
{
    ULONG va = mm_reserve_system_ptes(3), pfn[3], i;
    mm_space a;

    KT_ASSERT(va != 0);
    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    for (i = 0; i < 3; i++) {
        pfn[i] = mm_alloc_frame(TRUE);
        KT_ASSERT(NT_SUCCESS(mm_map_page(va + i * PAGE_SIZE, pfn[i],
                                         X86_PTE_WRITE | X86_PTE_OWNER)));
    }
    poke(va, 1);
    poke(va + 2 * PAGE_SIZE, 3);
    mm_activate_space(&a);
    mm_activate_space(system_space());
    KT_EXPECT_EQ(peek(va), 1);
    KT_EXPECT_EQ(peek(va + 2 * PAGE_SIZE), 3);
    KT_EXPECT(mm_read_pte(va) & X86_PTE_ACCESSED);
    KT_EXPECT_EQ(mm_read_pte(va + PAGE_SIZE) & X86_PTE_ACCESSED, 0);
    KT_EXPECT(mm_read_pte(va + 2 * PAGE_SIZE) & X86_PTE_ACCESSED);
    for (i = 0; i < 3; i++) {
        mm_unmap_page(va + i * PAGE_SIZE);
        mm_free_frame(pfn[i]);
    }
    mm_release_system_ptes(va, 3);
    mm_delete_space(&a);
}

/*
 * Loading a directory drops non-Global translations only: a rewritten user
 * PTE takes effect at the next activation, a rewritten Global one does not.
 */
KTEST(mmu, activation_keeps_only_global_translations)
{
    ULONG f1 = mm_alloc_frame(TRUE), f2 = mm_alloc_frame(TRUE);
    ULONG f3 = mm_alloc_frame(TRUE), f4 = mm_alloc_frame(TRUE);
    ULONG kva = map_system_page(f1, PTE_KERNEL_RW);
    mm_space a;

    KT_ASSERT(kva != 0);
    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    phys_poke(f1, 1);
    phys_poke(f2, 2);
    phys_poke(f3, 3);
    phys_poke(f4, 4);
    mm_activate_space(&a);
    KT_EXPECT(NT_SUCCESS(mm_map_page(USER_VA, f3, USER_FLAGS)));
    KT_EXPECT_EQ(peek(USER_VA), 3);
    KT_EXPECT_EQ(peek(kva), 1);
    *mm_pte_address(USER_VA) = (f4 << PAGE_SHIFT) | USER_FLAGS | X86_PTE_VALID;
    *mm_pte_address(kva) = (f2 << PAGE_SHIFT) | PTE_KERNEL_RW;
    mm_activate_space(&a);
    KT_EXPECT_EQ(peek(USER_VA), 4);
    KT_EXPECT_EQ(peek(kva), 1);
    hal_mmu_invalidate(kva);
    KT_EXPECT_EQ(peek(kva), 2);
    mm_activate_space(system_space());
    mm_delete_space(&a); /* frees f4, the frame mapped at USER_VA */
    unmap_system_page(kva);
    mm_free_frame(f1);
    mm_free_frame(f2);
    mm_free_frame(f3);
}

/* A full flush drops Global translations too; a plain one does not. */
KTEST(mmu, full_flush_drops_global_translations)
{
    ULONG f1 = mm_alloc_frame(TRUE), f2 = mm_alloc_frame(TRUE);
    ULONG va = map_system_page(f1, PTE_KERNEL_RW);

    KT_ASSERT(va != 0);
    phys_poke(f1, 1);
    phys_poke(f2, 2);
    KT_EXPECT_EQ(peek(va), 1);
    *mm_pte_address(va) = (f2 << PAGE_SHIFT) | PTE_KERNEL_RW;
    hal_mmu_flush(FALSE);
    KT_EXPECT_EQ(peek(va), 1);
    hal_mmu_flush(TRUE);
    KT_EXPECT_EQ(peek(va), 2);
    unmap_system_page(va);
    mm_free_frame(f1);
    mm_free_frame(f2);
}

KTEST(mmu, hyperspace_is_per_space)
{
    ULONG fa = mm_alloc_frame(TRUE), fb = mm_alloc_frame(TRUE);
    ULONG flags = X86_PTE_WRITE;
    mm_space a, b;

    KT_ASSERT(NT_SUCCESS(mm_create_space(&a)));
    KT_ASSERT(NT_SUCCESS(mm_create_space(&b)));
    phys_poke(fa, 0xA);
    phys_poke(fb, 0xB);
    mm_activate_space(&a);
    KT_EXPECT(NT_SUCCESS(mm_map_page(MM_HYPERSPACE, fa, flags)));
    mm_activate_space(&b);
    KT_EXPECT_EQ(mm_read_pte(MM_HYPERSPACE), 0);
    KT_EXPECT(NT_SUCCESS(mm_map_page(MM_HYPERSPACE, fb, flags)));
    KT_EXPECT_EQ(peek(MM_HYPERSPACE), 0xB);
    mm_activate_space(&a);
    KT_EXPECT_EQ(peek(MM_HYPERSPACE), 0xA);
    mm_unmap_page(MM_HYPERSPACE);
    mm_activate_space(&b);
    mm_unmap_page(MM_HYPERSPACE);
    mm_activate_space(system_space());
    mm_delete_space(&a);
    mm_delete_space(&b);
    mm_free_frame(fa);
    mm_free_frame(fb);
}

/* A large PDE maps 4 MiB: frame (pde frame + page index) backs each page.
 * The test reads only its own frame through it, read-only. */
KTEST(mmu, large_page_maps_4_mib)
{
    ULONG va = MM_PAGED_POOL_END - 0x800000u; /* a free 4 MiB slot */
    volatile ULONG *pde = mm_pde_address(va);
    ULONG pfn = mm_alloc_frame(TRUE), base = pfn & ~0x3FFu, old = *pde;
    ULONG page_va = va + ((pfn - base) << PAGE_SHIFT);

    KT_ASSERT_EQ(old & X86_PTE_VALID, 0);
    phys_poke(pfn, 0x1A26E005);
    *pde = (base << PAGE_SHIFT) | X86_PTE_VALID | X86_PTE_LARGE;
    KT_EXPECT_EQ(peek(page_va), 0x1A26E005);
    KT_EXPECT(*pde & X86_PTE_ACCESSED);
    *pde = old;
    hal_mmu_invalidate(page_va);
    hal_mmu_invalidate(HAL_PTR_VA(mm_pte_address(va)));
    mm_free_frame(pfn);
}
