/*
 * The virtual memory services: NtAllocateVirtualMemory,
 * NtFreeVirtualMemory, NtProtectVirtualMemory, NtQueryVirtualMemory, and
 * their Zw forms.
 *
 * Private memory only. Reservations start on 64 KiB boundaries and cover
 * whole pages; committing writes demand-zero PTEs (a page gets a frame when
 * first touched); decommitting gives the pages back; releasing removes the
 * reservation. The arguments of a user-mode caller are probed and captured
 * inside __try before use, and results written back the same way.
 */
#include "mm.h"

#include "../ke/ke.h"
#include "../ps/ps.h"
#include "pager.h"

#define GRANULARITY 0x10000u
#define USER_END    (MM_HIGHEST_USER_ADDRESS + 1)
#define TAG_VAD     'daV '

/* ---- Protections --------------------------------------------------------- */

static const ULONG page_to_mm[] = {
    [0x01] = MM_NOACCESS,          [0x02] = MM_READONLY,
    [0x04] = MM_READWRITE,         [0x08] = MM_WRITECOPY,
    [0x10] = MM_EXECUTE,           [0x20] = MM_EXECUTE_READ,
    [0x40] = MM_EXECUTE_READWRITE, [0x80] = MM_EXECUTE_WRITECOPY,
};

/* PAGE_* to MM_*; FALSE for a combination NT refuses. */
static BOOLEAN to_mm_protection(ULONG page, ULONG *mm)
{
    ULONG base = page & 0xFF, extra = page & ~0xFFu;

    if (base == 0 || (base & (base - 1)) != 0 ||
        (extra & ~(ULONG)(PAGE_GUARD | PAGE_NOCACHE)) != 0 ||
        (base == PAGE_NOACCESS && extra != 0))
        return FALSE;
    *mm = page_to_mm[base] | ((extra & PAGE_GUARD) ? MM_GUARD_PAGE : 0) |
          ((extra & PAGE_NOCACHE) ? MM_NOCACHE : 0);
    return TRUE;
}

static ULONG to_page_protection(ULONG mm)
{
    static const ULONG base[8] = {
        PAGE_NOACCESS,          PAGE_READONLY,         PAGE_EXECUTE,
        PAGE_EXECUTE_READ,      PAGE_READWRITE,        PAGE_WRITECOPY,
        PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY};

    if (mm == MM_NOACCESS || mm == MM_DECOMMIT)
        return PAGE_NOACCESS;
    return base[mm & 7] | ((mm & MM_GUARD_PAGE) ? PAGE_GUARD : 0) |
           ((mm & MM_NOCACHE) ? PAGE_NOCACHE : 0);
}

/* ---- Arguments ----------------------------------------------------------- */

/* The process a service works on: referenced, and attached to unless it is
 * the current one (the caller's arguments are read before and written
 * after, in the caller's own address space). */
typedef struct vm_target {
    EPROCESS *process;
    mm_space *space;
    KAPC_STATE state;
    BOOLEAN attached;
} vm_target;

static NTSTATUS enter(HANDLE handle, KPROCESSOR_MODE mode, ACCESS_MASK access,
                      vm_target *t)
{
    NTSTATUS status = ObReferenceObjectByHandle(
        handle, access, *PsProcessType, mode, (PVOID *)&t->process, NULL);

    if (!NT_SUCCESS(status))
        return status;
    if (t->process->SpaceCleaned || t->process == &ps_idle_process) {
        ObDereferenceObject(t->process);
        return STATUS_PROCESS_IS_TERMINATING;
    }
    t->attached = t->process != PsGetCurrentProcess();
    if (t->attached)
        KeStackAttachProcess(&t->process->Pcb, &t->state);
    t->space = &t->process->Space;
    return STATUS_SUCCESS;
}

static void vm_leave(vm_target *t)
{
    if (t->attached)
        KeUnstackDetachProcess(&t->state);
    ObDereferenceObject(t->process);
}

/*
 * The user address a pointer argument names: NULL is address 0 (on the
 * sanitizer build guest address 0 is not the null pointer). FALSE when it
 * is not a user address.
 */
static BOOLEAN user_va(PVOID p, ULONG *va)
{
    if (p == NULL) {
        *va = 0;
        return TRUE;
    }
    if (!HAL_PTR_IN_WINDOW(p) || HAL_PTR_VA(p) > MM_HIGHEST_USER_ADDRESS)
        return FALSE;
    *va = HAL_PTR_VA(p);
    return TRUE;
}

/* Reads or writes a caller's argument (alignment 1: NT's services align
 * their own checks). */
static NTSTATUS capture(KPROCESSOR_MODE mode, const volatile void *p,
                        SIZE_T size, void *out)
{
    return mm_capture(mode, p, size, 1, out);
}

static NTSTATUS give_back(KPROCESSOR_MODE mode, volatile void *p, SIZE_T size,
                          const void *value)
{
    return mm_give_back(mode, p, size, 1, value);
}

/* ---- Reservations -------------------------------------------------------- */

/* The first VAD ending after va (DISPATCH_LEVEL). */
static mm_vad *vad_after(mm_space *space, ULONG va)
{
    PLIST_ENTRY e;

    for (e = space->vads.Flink; e != &space->vads; e = e->Flink) {
        if (CONTAINING_RECORD(e, mm_vad, link)->end > va)
            return CONTAINING_RECORD(e, mm_vad, link);
    }
    return NULL;
}

static BOOLEAN range_free(mm_space *space, ULONG start, ULONG end)
{
    mm_vad *v = vad_after(space, start);

    return v == NULL || v->start >= end;
}

/* A free, 64 KiB aligned range of size bytes, lowest (or highest) first. */
static ULONG find_free(mm_space *space, ULONG size, BOOLEAN top_down)
{
    ULONG start;

    if (!top_down) {
        for (start = MM_LOWEST_USER_ADDRESS;
             start + size <= USER_END && start + size > start;
             start += GRANULARITY) {
            if (range_free(space, start, start + size))
                return start;
        }
        return 0;
    }
    for (start = (USER_END - size) & ~(GRANULARITY - 1);
         start >= MM_LOWEST_USER_ADDRESS && start < USER_END;
         start -= GRANULARITY) {
        if (range_free(space, start, start + size))
            return start;
    }
    return 0;
}

static void insert_vad(mm_space *space, mm_vad *vad)
{
    mm_vad *next = vad_after(space, vad->start);

    InsertTailList(next != NULL ? &next->link : &space->vads, &vad->link);
}

/* Is page va of vad committed? (DISPATCH) */
static BOOLEAN page_committed(const mm_vad *vad, ULONG va)
{
    ULONG protection;

    return mm_user_page_info(vad, mm_read_pte(va), &protection);
}

/* How many pages of [start, end) of vad are committed (DISPATCH). */
static ULONG committed_pages(const mm_vad *vad, ULONG start, ULONG end)
{
    ULONG va, n = 0;

    for (va = start; va < end; va += PAGE_SIZE)
        n += page_committed(vad, va);
    return n;
}

/* Charges the commit of pages for space; STATUS_COMMITMENT_LIMIT when they
 * would pass the limit. */
static NTSTATUS charge(mm_space *space, ULONG pages)
{
    if (!mm_charge_commit(pages))
        return STATUS_COMMITMENT_LIMIT;
    space->commit += pages;
    return STATUS_SUCCESS;
}

static void uncharge(mm_space *space, ULONG pages)
{
    space->commit -= pages;
    mm_return_commit(pages);
}

/* Commits the pages of [start, end) of vad not committed yet: charged
 * first, then their PTEs set (DISPATCH). */
static NTSTATUS commit_range(mm_space *space, mm_vad *vad, ULONG start,
                             ULONG end, ULONG protection)
{
    ULONG va, left = (end - start) / PAGE_SIZE - committed_pages(vad, start, end);
    NTSTATUS status = charge(space, left);

    for (va = start; NT_SUCCESS(status) && va < end; va += PAGE_SIZE) {
        if (page_committed(vad, va))
            continue; /* already committed: left as it is */
        if (!NT_SUCCESS(mm_ensure_page_table(va))) {
            status = STATUS_NO_MEMORY;
            break;
        }
        *mm_pte_address(va) = mm_demand_zero_pte(protection);
        left--;
    }
    if (!NT_SUCCESS(status))
        uncharge(space, left);
    return status;
}

/* Gives back what backs [start, end) of vad and its commit; marks the
 * pages decommitted unless the reservation goes too. */
static void decommit_range(mm_space *space, mm_vad *vad, ULONG start, ULONG end,
                           BOOLEAN release)
{
    ULONG va, released = 0;

    for (va = start; va < end; va += PAGE_SIZE) {
        ULONGLONG pa;

        if (!page_committed(vad, va))
            continue;
        /* A committed page without a page table needs one to say it is
         * decommitted; without a frame for it, it stays committed. */
        if (!release && !NT_SUCCESS(mm_ensure_page_table(va)))
            continue;
        pa = mm_pte_pa(va);
        if (pa != 0)
            mm_release_pageable(va, pa, &space->ws);
        if (!release)
            *mm_pte_address(va) = mm_demand_zero_pte(MM_DECOMMIT);
        released++;
    }
    uncharge(space, released);
}

/* ---- NtAllocateVirtualMemory --------------------------------------------- */

static NTSTATUS check_allocate(ULONG_PTR zero_bits, ULONG type, ULONG protect,
                               ULONG *protection)
{
    if (zero_bits > 21)
        return STATUS_INVALID_PARAMETER_3;
    if ((type & ~(ULONG)(MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN)) != 0 ||
        (type & (MEM_COMMIT | MEM_RESERVE)) == 0)
        return STATUS_INVALID_PARAMETER_5;
    if (!to_mm_protection(protect, protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    return STATUS_SUCCESS;
}

/* Reserves [base, base + size) (anywhere when base is 0). DISPATCH. */
static NTSTATUS reserve(mm_space *space, ULONG *base, ULONG *size, ULONG type,
                        ULONG protection)
{
    ULONG start = *base & ~(GRANULARITY - 1);
    ULONG end = (*base + *size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    mm_vad *vad;

    if (*base == 0) {
        end = (*size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        start = find_free(space, end, (type & MEM_TOP_DOWN) != 0);
        if (start == 0)
            return STATUS_NO_MEMORY;
        end += start;
    } else if (!range_free(space, start, end)) {
        return STATUS_CONFLICTING_ADDRESSES;
    }
    if ((type & MEM_COMMIT) &&
        !NT_SUCCESS(charge(space, (end - start) / PAGE_SIZE)))
        return STATUS_COMMITMENT_LIMIT;
    vad = ExAllocatePoolWithTag(NonPagedPool, sizeof *vad, TAG_VAD);
    if (vad == NULL) {
        if (type & MEM_COMMIT)
            uncharge(space, (end - start) / PAGE_SIZE);
        return STATUS_NO_MEMORY;
    }
    vad->start = start;
    vad->end = end;
    vad->protection = protection;
    vad->committed = (type & MEM_COMMIT) != 0;
    insert_vad(space, vad);
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

/* Commits [base, base + size), which one reservation must hold. DISPATCH. */
static NTSTATUS commit(mm_space *space, ULONG *base, ULONG *size,
                       ULONG protection)
{
    ULONG start = *base & ~(PAGE_SIZE - 1);
    ULONG end = (*base + *size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    mm_vad *vad = mm_find_vad(space, start);
    NTSTATUS status;

    if (vad == NULL || end > vad->end)
        return STATUS_CONFLICTING_ADDRESSES;
    status = commit_range(space, vad, start, end, protection);
    *base = start;
    *size = end - start;
    return status;
}

static NTSTATUS allocate(KPROCESSOR_MODE mode, HANDLE process, PVOID *base_ptr,
                         ULONG_PTR zero_bits, PSIZE_T size_ptr, ULONG type,
                         ULONG protect)
{
    vm_target t;
    PVOID base_in;
    SIZE_T size_in;
    ULONG base, size, protection;
    NTSTATUS status = check_allocate(zero_bits, type, protect, &protection);
    KIRQL irql;

    if (!NT_SUCCESS(status))
        return status;
    status = capture(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = capture(mode, size_ptr, sizeof size_in, &size_in);
    if (!NT_SUCCESS(status))
        return status;
    if (!user_va(base_in, &base))
        return STATUS_INVALID_PARAMETER_2;
    if (size_in == 0 || size_in > USER_END - base)
        return STATUS_INVALID_PARAMETER_4;
    size = (ULONG)size_in;
    if (base == 0)
        type |= MEM_RESERVE; /* a commit anywhere reserves as well */
    status = enter(process, mode, PROCESS_VM_OPERATION, &t);
    if (!NT_SUCCESS(status))
        return status;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    status = (type & MEM_RESERVE)
                 ? reserve(t.space, &base, &size, type, protection)
                 : commit(t.space, &base, &size, protection);
    KfLowerIrql(irql);
    vm_leave(&t);
    if (!NT_SUCCESS(status))
        return status;
    base_in = HAL_VA_PTR(base);
    size_in = size;
    status = give_back(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = give_back(mode, size_ptr, sizeof size_in, &size_in);
    return status;
}

NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                       ULONG_PTR ZeroBits, PSIZE_T RegionSize,
                                       ULONG AllocationType, ULONG Protect)
{
    return allocate(ExGetPreviousMode(), ProcessHandle, BaseAddress, ZeroBits,
                    RegionSize, AllocationType, Protect);
}

NTSTATUS NTAPI ZwAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                       ULONG_PTR ZeroBits, PSIZE_T RegionSize,
                                       ULONG AllocationType, ULONG Protect)
{
    return allocate(KernelMode, ProcessHandle, BaseAddress, ZeroBits,
                    RegionSize, AllocationType, Protect);
}

/* ---- NtFreeVirtualMemory ------------------------------------------------- */

/* Decommits or releases in space (DISPATCH). */
static NTSTATUS free_range(mm_space *space, ULONG *base, ULONG *size,
                           ULONG type)
{
    mm_vad *vad = mm_find_vad(space, *base);
    ULONG start = *base & ~(PAGE_SIZE - 1), end;

    if (vad == NULL)
        return STATUS_MEMORY_NOT_ALLOCATED;
    end = *size == 0 ? vad->end
                     : (*base + *size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (type == MEM_RELEASE && *size == 0 && start != vad->start)
        return STATUS_FREE_VM_NOT_AT_BASE;
    if (end > vad->end || end <= start)
        return STATUS_UNABLE_TO_FREE_VM;
    if (type == MEM_RELEASE && (start != vad->start || end != vad->end))
        return STATUS_FREE_VM_NOT_AT_BASE;
    decommit_range(space, vad, start, end, type == MEM_RELEASE);
    if (type == MEM_RELEASE) {
        RemoveEntryList(&vad->link);
        ExFreePoolWithTag(vad, TAG_VAD);
    }
    *base = start;
    *size = end - start;
    return STATUS_SUCCESS;
}

static NTSTATUS free_memory(KPROCESSOR_MODE mode, HANDLE process,
                            PVOID *base_ptr, PSIZE_T size_ptr, ULONG type)
{
    vm_target t;
    PVOID base_in;
    SIZE_T size_in;
    ULONG base, size;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL irql;

    if (type != MEM_DECOMMIT && type != MEM_RELEASE)
        return STATUS_INVALID_PARAMETER_4;
    status = capture(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = capture(mode, size_ptr, sizeof size_in, &size_in);
    if (!NT_SUCCESS(status))
        return status;
    if (!user_va(base_in, &base))
        return STATUS_INVALID_PARAMETER_2;
    if (size_in > USER_END - base)
        return STATUS_INVALID_PARAMETER_3;
    size = (ULONG)size_in;
    status = enter(process, mode, PROCESS_VM_OPERATION, &t);
    if (!NT_SUCCESS(status))
        return status;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    status = free_range(t.space, &base, &size, type);
    KfLowerIrql(irql);
    vm_leave(&t);
    if (!NT_SUCCESS(status))
        return status;
    base_in = HAL_VA_PTR(base);
    size_in = size;
    status = give_back(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = give_back(mode, size_ptr, sizeof size_in, &size_in);
    return status;
}

NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                   PSIZE_T RegionSize, ULONG FreeType)
{
    return free_memory(ExGetPreviousMode(), ProcessHandle, BaseAddress,
                       RegionSize, FreeType);
}

NTSTATUS NTAPI ZwFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                   PSIZE_T RegionSize, ULONG FreeType)
{
    return free_memory(KernelMode, ProcessHandle, BaseAddress, RegionSize,
                       FreeType);
}

/* ---- NtProtectVirtualMemory ---------------------------------------------- */

/* Gives one committed page a new protection (DISPATCH). */
static void reprotect(mm_space *space, ULONG va, ULONG protection)
{
    ULONG pte = *mm_pte_address(va), p = protection << MM_PROTECT_SHIFT;
    MMPFN *e;

    if (!(pte & X86_PTE_VALID)) {
        *mm_pte_address(va) = pte == 0 ? mm_demand_zero_pte(protection)
                                       : (pte & ~MM_PROTECT_MASK) | p;
        return;
    }
    e = mm_pfn(pte >> PAGE_SHIFT);
    e->original_pte = (e->original_pte & ~MM_PROTECT_MASK) | p;
    if ((protection & MM_GUARD_PAGE) || (protection & 7) == MM_ZERO_ACCESS) {
        /* Such pages stay out of the working set until touched. */
        mm_page_out_page(&space->ws, pte >> PAGE_SHIFT);
        return;
    }
    *mm_pte_address(va) = mm_protection_writable(protection)
                              ? pte | X86_PTE_WRITE
                              : pte & ~X86_PTE_WRITE;
    hal_mmu_invalidate(va);
}

static NTSTATUS protect_range(mm_space *space, ULONG start, ULONG end,
                              ULONG protection, ULONG *old)
{
    mm_vad *vad = mm_find_vad(space, start);
    ULONG va, p;

    if (vad == NULL || end > vad->end)
        return STATUS_CONFLICTING_ADDRESSES;
    for (va = start; va < end; va += PAGE_SIZE) {
        if (!mm_user_page_info(vad, mm_read_pte(va), &p))
            return STATUS_NOT_COMMITTED;
        if (va == start)
            *old = p;
    }
    for (va = start; va < end; va += PAGE_SIZE) {
        if (!NT_SUCCESS(mm_ensure_page_table(va)))
            return STATUS_NO_MEMORY;
        reprotect(space, va, protection);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS protect(KPROCESSOR_MODE mode, HANDLE process, PVOID *base_ptr,
                        PSIZE_T size_ptr, ULONG new_protect, PULONG old_ptr)
{
    vm_target t;
    PVOID base_in;
    SIZE_T size_in;
    ULONG start, end, protection, old = 0;
    NTSTATUS status;
    KIRQL irql;

    if (!to_mm_protection(new_protect, &protection))
        return STATUS_INVALID_PAGE_PROTECTION;
    status = capture(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = capture(mode, size_ptr, sizeof size_in, &size_in);
    if (!NT_SUCCESS(status))
        return status;
    if (!user_va(base_in, &start))
        return STATUS_INVALID_PARAMETER_2;
    if (size_in == 0 || size_in > USER_END - start)
        return STATUS_INVALID_PARAMETER_3;
    end = (start + (ULONG)size_in + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    start &= ~(PAGE_SIZE - 1);
    status = enter(process, mode, PROCESS_VM_OPERATION, &t);
    if (!NT_SUCCESS(status))
        return status;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    status = protect_range(t.space, start, end, protection, &old);
    KfLowerIrql(irql);
    vm_leave(&t);
    if (!NT_SUCCESS(status))
        return status;
    old = to_page_protection(old);
    base_in = HAL_VA_PTR(start);
    size_in = end - start;
    status = give_back(mode, base_ptr, sizeof base_in, &base_in);
    if (NT_SUCCESS(status))
        status = give_back(mode, size_ptr, sizeof size_in, &size_in);
    if (NT_SUCCESS(status))
        status = give_back(mode, old_ptr, sizeof old, &old);
    return status;
}

NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                      PSIZE_T NumberOfBytesToProtect,
                                      ULONG NewAccessProtection,
                                      PULONG OldAccessProtection)
{
    return protect(ExGetPreviousMode(), ProcessHandle, BaseAddress,
                   NumberOfBytesToProtect, NewAccessProtection,
                   OldAccessProtection);
}

NTSTATUS NTAPI ZwProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress,
                                      PSIZE_T NumberOfBytesToProtect,
                                      ULONG NewAccessProtection,
                                      PULONG OldAccessProtection)
{
    return protect(KernelMode, ProcessHandle, BaseAddress,
                   NumberOfBytesToProtect, NewAccessProtection,
                   OldAccessProtection);
}

/* ---- NtQueryVirtualMemory ------------------------------------------------ */

/* Describes the run of pages like the one at va (DISPATCH). */
static void describe(mm_space *space, ULONG va, MEMORY_BASIC_INFORMATION *mbi)
{
    mm_vad *vad = mm_find_vad(space, va), *next;
    ULONG page = va & ~(PAGE_SIZE - 1), end, p, q;
    BOOLEAN committed;

    RtlZeroMemory(mbi, sizeof *mbi);
    mbi->BaseAddress = HAL_VA_PTR(page);
    if (vad == NULL) {
        next = vad_after(space, page);
        end = next != NULL ? next->start : USER_END;
        mbi->State = MEM_FREE;
        mbi->Protect = PAGE_NOACCESS;
        mbi->RegionSize = end - page;
        return;
    }
    committed = mm_user_page_info(vad, mm_read_pte(page), &p);
    for (end = page + PAGE_SIZE; end < vad->end; end += PAGE_SIZE) {
        if (mm_user_page_info(vad, mm_read_pte(end), &q) != committed ||
            (committed && q != p))
            break;
    }
    mbi->AllocationBase = HAL_VA_PTR(vad->start);
    mbi->AllocationProtect = to_page_protection(vad->protection);
    mbi->RegionSize = end - page;
    mbi->State = committed ? MEM_COMMIT : MEM_RESERVE;
    mbi->Protect = committed ? to_page_protection(p) : 0;
    mbi->Type = MEM_PRIVATE;
}

static NTSTATUS query(KPROCESSOR_MODE mode, HANDLE process, PVOID base,
                      MEMORY_INFORMATION_CLASS class, PVOID info, SIZE_T length,
                      PSIZE_T returned)
{
    vm_target t;
    MEMORY_BASIC_INFORMATION mbi;
    SIZE_T size = sizeof mbi;
    NTSTATUS status;
    KIRQL irql;
    ULONG va;

    if (class != MemoryBasicInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (length < sizeof mbi)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (!user_va(base, &va))
        return STATUS_INVALID_PARAMETER;
    status = enter(process, mode, PROCESS_QUERY_INFORMATION, &t);
    if (!NT_SUCCESS(status))
        return status;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    describe(t.space, va, &mbi);
    KfLowerIrql(irql);
    vm_leave(&t);
    status = give_back(mode, info, sizeof mbi, &mbi);
    if (NT_SUCCESS(status) && returned != NULL)
        status = give_back(mode, returned, sizeof size, &size);
    return status;
}

NTSTATUS NTAPI NtQueryVirtualMemory(
    HANDLE ProcessHandle, PVOID BaseAddress,
    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength)
{
    return query(ExGetPreviousMode(), ProcessHandle, BaseAddress,
                 MemoryInformationClass, MemoryInformation,
                 MemoryInformationLength, ReturnLength);
}

NTSTATUS NTAPI ZwQueryVirtualMemory(
    HANDLE ProcessHandle, PVOID BaseAddress,
    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength)
{
    return query(KernelMode, ProcessHandle, BaseAddress, MemoryInformationClass,
                 MemoryInformation, MemoryInformationLength, ReturnLength);
}

/* ---- Fixed allocations for Ps -------------------------------------------- */

/* Enters a committed reservation [va, va + size) in the current space. */
static NTSTATUS fixed_vad(ULONG va, ULONG size, ULONG protection)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    mm_space *space = mm_current_space();
    mm_vad *vad = NULL;
    NTSTATUS status = STATUS_CONFLICTING_ADDRESSES;

    if (range_free(space, va, va + size))
        status = charge(space, size / PAGE_SIZE);
    if (NT_SUCCESS(status)) {
        vad = ExAllocatePoolWithTag(NonPagedPool, sizeof *vad, TAG_VAD);
        if (vad == NULL) {
            uncharge(space, size / PAGE_SIZE);
            status = STATUS_NO_MEMORY;
        }
    }
    if (vad != NULL) {
        vad->start = va;
        vad->end = va + size;
        vad->protection = protection;
        vad->committed = TRUE;
        insert_vad(space, vad);
    }
    KfLowerIrql(irql);
    return status;
}

NTSTATUS mm_allocate_fixed(ULONG va, ULONG size, ULONG page_protection)
{
    ULONG protection;

    if ((va & (PAGE_SIZE - 1)) != 0 || size == 0 ||
        !to_mm_protection(page_protection, &protection) ||
        va + size > USER_END || va + size < va)
        return STATUS_INVALID_PARAMETER;
    return fixed_vad(va, (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), protection);
}

NTSTATUS mm_map_shared_page(ULONG va, ULONG pfn)
{
    NTSTATUS status = fixed_vad(va, PAGE_SIZE, MM_READONLY);

    if (!NT_SUCCESS(status))
        return status;
    mm_pfn(pfn)->flags |= MM_PFN_SHARED;
    return mm_map_page(va, pfn, X86_PTE_OWNER);
}
