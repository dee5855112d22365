/*
 * Page faults the platform could not resolve (MmAccessFault).
 *
 * At IRQL <= APC_LEVEL a fault on pageable system memory (paged pool, the
 * PAGE sections of driver images) is resolved by the pager: demand zero,
 * transition or paging file. Otherwise a fault is resolved only when the
 * PTE turns out valid by now (a spurious fault); everything else is an
 * error, reported as NT reports it:
 *   - a write through a valid read-only PTE of system space: 0xBE
 *     ATTEMPTED_WRITE_TO_READONLY_MEMORY (address, PTE);
 *   - any invalid PTE at DISPATCH_LEVEL or above: 0xA IRQL_NOT_LESS_OR_EQUAL,
 *     or 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL when the instruction is in a
 *     loaded image (address, IRQL, 0 read / 1 write, instruction);
 *   - a system address with nothing behind it: 0x50
 *     PAGE_FAULT_IN_NONPAGED_AREA (address, 0 read / 1 write, instruction);
 *   - a user address with nothing behind it: an access violation exception
 *     (which a __try around ProbeForRead and the access catches).
 */
#include "mm.h"

#include "../ke/ke.h"
#include "../vf/vf.h"
#include "pager.h"

mm_fault_observer mm_test_fault_observer;

/* True when va's PTE now allows the access (another path fixed it). */
static BOOLEAN now_valid(ULONG va, BOOLEAN write)
{
    ULONG pde = *mm_pde_address(va), pte;

    if (!(pde & X86_PTE_VALID))
        return FALSE;
    pte = *mm_pte_address(va);
    return (pte & X86_PTE_VALID) && (!write || (pde & pte & X86_PTE_WRITE));
}

/* Is the faulting instruction in a loaded driver's image? (Kernel code,
 * user code called from kernel mode and code in pool are not.) */
static BOOLEAN in_driver(const hal_trap *trap)
{
    return trap->ip_guest && mm_image_at((ULONG)trap->ip) != NULL;
}

/* A fault on a system address at IRQL <= APC_LEVEL. */
static void system_fault(const hal_trap *trap)
{
    ULONGLONG pa = mm_pte_pa(trap->va);
    NTSTATUS status = STATUS_ACCESS_VIOLATION;

    if (pa != 0 && (mm_is_paged_pool(trap->va) || mm_is_system_image(trap->va)))
        status = mm_page_in(trap->va, pa, &mm_system_ws);
    if (status == STATUS_IN_PAGE_ERROR)
        KeBugCheckEx(KERNEL_DATA_INPAGE_ERROR, (ULONG)status, trap->va, 0, 0);
    if (status == STATUS_NO_MEMORY)
        KeBugCheckEx(NO_PAGES_AVAILABLE, mm_total_frames(),
                     mm_free_frame_count(), 0, 0);
    if (!NT_SUCCESS(status))
        KeBugCheckEx(PAGE_FAULT_IN_NONPAGED_AREA, trap->va, trap->write,
                     trap->ip, 0);
}

void mm_access_fault(const hal_trap *trap)
{
    KIRQL irql = KeGetCurrentIrql();
    ULONG va = trap->va;

    if (mm_test_fault_observer != NULL && mm_test_fault_observer(trap))
        return;
    if (trap->user && mm_is_system_address(va)) {
        /* User code gets no help with system space: what its translation
         * did not allow is an access violation. */
        ke_trap_exception(STATUS_ACCESS_VIOLATION, trap, trap->write, va);
        return;
    }
    vf_hook_fault(trap);
    if (trap->present && trap->write && mm_is_system_address(va))
        KeBugCheckEx(ATTEMPTED_WRITE_TO_READONLY_MEMORY, va, mm_read_pte(va), 0,
                     0);
    if (!trap->present && now_valid(va, trap->write))
        return;
    if (irql >= DISPATCH_LEVEL)
        KeBugCheckEx(in_driver(trap) ? DRIVER_IRQL_NOT_LESS_OR_EQUAL
                                     : IRQL_NOT_LESS_OR_EQUAL,
                     va, irql, trap->write, trap->ip);
    if (mm_is_system_address(va)) {
        system_fault(trap);
        return;
    }
    mm_user_fault(trap);
}
