/*
 * User address space: VADs and user page faults.
 *
 * Each address space keeps its reservations (VADs) in a list sorted by
 * address. The list and the user PTEs are changed at DISPATCH_LEVEL, so a
 * fault in another thread never sees them half done. A fault on a user
 * address (from user mode, or from kernel code touching a user buffer) is
 * resolved from the VAD and the PTE: a committed page comes in through the
 * pager; an uncommitted one, a forbidden access or a guard page raises an
 * exception in the faulting thread.
 */
#include "mm.h"

#include "../ke/ke.h"
#include "pager.h"

mm_space *mm_current_space(void)
{
    return mm_space_of_directory(hal_mmu_active());
}

mm_vad *mm_find_vad(mm_space *space, ULONG va)
{
    PLIST_ENTRY e;

    for (e = space->vads.Flink; e != &space->vads; e = e->Flink) {
        mm_vad *vad = CONTAINING_RECORD(e, mm_vad, link);

        if (va < vad->start)
            return NULL;
        if (va < vad->end)
            return vad;
    }
    return NULL;
}

void mm_delete_vads(mm_space *space)
{
    while (!IsListEmpty(&space->vads))
        ExFreePoolWithTag(
            CONTAINING_RECORD(RemoveHeadList(&space->vads), mm_vad, link),
            'daV ');
}

BOOLEAN mm_user_page_info(const mm_vad *vad, ULONG pte, ULONG *protection)
{
    if (pte & X86_PTE_VALID) {
        *protection =
            mm_pte_protection(mm_pfn(pte >> PAGE_SHIFT)->original_pte);
        return TRUE;
    }
    if (pte == 0) {
        *protection = vad->protection;
        return vad->committed;
    }
    *protection = mm_pte_protection(pte);
    return *protection != MM_DECOMMIT;
}

/* A guard page: this first access raises, and the page loses its guard.
 * Returns the PTE to write. */
static ULONG unguard(ULONG pte, ULONG protection)
{
    return pte == 0 ? mm_demand_zero_pte(protection & ~MM_GUARD_PAGE)
                    : pte & ~(MM_GUARD_PAGE << MM_PROTECT_SHIFT);
}

/*
 * Decides a user fault at DISPATCH_LEVEL: returns STATUS_SUCCESS when the
 * access may go on (after a page-in if *page_in), or the exception to
 * raise. Updates the PTE where the decision needs it.
 */
static NTSTATUS decide(const hal_trap *trap, mm_space *space, ULONGLONG *pa,
                       BOOLEAN *page_in)
{
    mm_vad *vad = space != NULL ? mm_find_vad(space, trap->va) : NULL;
    ULONG pte, protection;

    *page_in = FALSE;
    if (vad == NULL || !NT_SUCCESS(mm_ensure_page_table(trap->va)))
        return STATUS_ACCESS_VIOLATION;
    *pa = mm_pte_pa(trap->va);
    hal_phys_read(*pa, &pte, sizeof pte);
    if (!mm_user_page_info(vad, pte, &protection) || protection == MM_NOACCESS)
        return STATUS_ACCESS_VIOLATION;
    if (protection & MM_GUARD_PAGE) {
        pte = unguard(pte, protection);
        hal_phys_write(*pa, &pte, sizeof pte);
        return STATUS_GUARD_PAGE_VIOLATION;
    }
    if ((protection & 7) == MM_ZERO_ACCESS ||
        (trap->write && !mm_protection_writable(protection)))
        return STATUS_ACCESS_VIOLATION;
    if (pte & X86_PTE_VALID) {
        /* Valid but read-only in the PTE: writable by its protection. */
        pte |= X86_PTE_WRITE;
        hal_phys_write(*pa, &pte, sizeof pte);
        hal_mmu_invalidate(trap->va);
        return STATUS_SUCCESS;
    }
    if (pte == 0) {
        pte = mm_demand_zero_pte(protection);
        hal_phys_write(*pa, &pte, sizeof pte);
    }
    *page_in = TRUE;
    return STATUS_SUCCESS;
}

void mm_user_fault(const hal_trap *trap)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    mm_space *space = mm_current_space();
    BOOLEAN page_in;
    ULONGLONG pa = 0;
    NTSTATUS status = decide(trap, space, &pa, &page_in);

    KfLowerIrql(irql);
    if (NT_SUCCESS(status) && page_in)
        status = mm_page_in(trap->va, pa, &space->ws);
    if (status == STATUS_NO_MEMORY && !trap->user)
        KeBugCheckEx(NO_PAGES_AVAILABLE, mm_total_frames(),
                     mm_free_frame_count(), 0, 0);
    if (!NT_SUCCESS(status))
        ke_trap_exception(status, trap, trap->write, trap->va);
}
