/*
 * Probing user buffers, and the variables that say where user space ends.
 */
#include "mm.h"

PVOID MmHighestUserAddress = HAL_VA_PTR(MM_HIGHEST_USER_ADDRESS);
ULONG_PTR MmUserProbeAddress = (ULONG_PTR)HAL_VA_PTR(MM_USER_PROBE_ADDRESS);
PVOID MmSystemRangeStart = HAL_VA_PTR(MM_SYSTEM_RANGE_START);

/* STATUS_DATATYPE_MISALIGNMENT or STATUS_ACCESS_VIOLATION unless
 * [p, p + size) is aligned and in user space: what ProbeForRead and
 * ProbeForWrite raise, as a status. */
static NTSTATUS check_user_range(const volatile void *p, SIZE_T size,
                                 ULONG alignment)
{
    ULONG_PTR a = (ULONG_PTR)p;

    if (alignment == 0 || (alignment & (alignment - 1)) != 0 ||
        alignment > 16 || (a & (alignment - 1)) != 0)
        return STATUS_DATATYPE_MISALIGNMENT;
    if (!HAL_PTR_IN_WINDOW(p) || size > MM_USER_PROBE_ADDRESS - HAL_PTR_VA(p) ||
        HAL_PTR_VA(p) >= MM_USER_PROBE_ADDRESS)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

/* Calls touch on one byte of each page [p, p + size) covers (size > 0),
 * the last byte included; stops at the first failure. */
static NTSTATUS touch_pages(volatile UCHAR *p, SIZE_T size,
                            NTSTATUS (*touch)(volatile UCHAR *byte))
{
    volatile UCHAR *last = p + size - 1;
    NTSTATUS status;

    for (;;) {
        status = touch(p);
        if (!NT_SUCCESS(status) ||
            (ULONG_PTR)p >= ((ULONG_PTR)last & ~(ULONG_PTR)(PAGE_SIZE - 1)))
            break;
        p = (volatile UCHAR *)(((ULONG_PTR)p & ~(ULONG_PTR)(PAGE_SIZE - 1)) +
                               PAGE_SIZE);
    }
    return NT_SUCCESS(status) ? touch(last) : status;
}

VOID NTAPI ProbeForRead(const volatile VOID *Address, SIZE_T Length,
                        ULONG Alignment)
{
    NTSTATUS status;

    if (Length == 0)
        return;
    status = check_user_range(Address, Length, Alignment);
    if (!NT_SUCCESS(status))
        ExRaiseStatus(status);
}

/* A write of what the byte holds: a fault raises in the caller's __try. */
static NTSTATUS rewrite(volatile UCHAR *byte)
{
    *byte = *byte;
    return STATUS_SUCCESS;
}

/* Touches each page for writing, so that a read-only or uncommitted page
 * raises now, inside the caller's __try. */
VOID NTAPI ProbeForWrite(volatile VOID *Address, SIZE_T Length, ULONG Alignment)
{
    NTSTATUS status;

    if (Length == 0)
        return;
    status = check_user_range(Address, Length, Alignment);
    if (!NT_SUCCESS(status))
        ExRaiseStatus(status);
    touch_pages(Address, Length, rewrite);
}

BOOLEAN NTAPI MmIsAddressValid(PVOID VirtualAddress)
{
    ULONG va = HAL_PTR_VA(VirtualAddress);
    ULONG pde;

    if (!HAL_PTR_IN_WINDOW(VirtualAddress))
        return FALSE;
    pde = *mm_pde_address(va);
    if (!(pde & X86_PTE_VALID))
        return FALSE;
    return (pde & X86_PTE_LARGE) || (*mm_pte_address(va) & X86_PTE_VALID);
}

BOOLEAN mm_is_pageable_address(ULONG va)
{
    ULONG pde, pte;

    if (mm_is_paged_pool(va))
        return TRUE;
    pde = *mm_pde_address(va);
    if (!(pde & X86_PTE_VALID) || (pde & X86_PTE_LARGE))
        return FALSE;
    pte = *mm_pte_address(va);
    if (!(pte & X86_PTE_VALID))
        return pte != 0; /* paged out or in transition: a working set's */
    return mm_pfn(pte >> PAGE_SHIFT)->ws_id != MM_WS_NONE;
}

PHYSICAL_ADDRESS NTAPI MmGetPhysicalAddress(PVOID BaseAddress)
{
    PHYSICAL_ADDRESS pa = {.QuadPart = 0};
    ULONG va = HAL_PTR_VA(BaseAddress), pde, pte;

    if (!MmIsAddressValid(BaseAddress))
        return pa;
    pde = *mm_pde_address(va);
    if (pde & X86_PTE_LARGE) {
        pa.QuadPart = (pde & X86_PDE_LARGE_FRAME) + (va & 0x3FFFFF);
        return pa;
    }
    pte = *mm_pte_address(va);
    pa.QuadPart = (pte & X86_PTE_FRAME) + (va & (PAGE_SIZE - 1));
    return pa;
}

/* ---- Capturing a caller's arguments -------------------------------------- */

/*
 * These copy with hal_copy_guarded rather than inside a __try: a bad user
 * address ends the copy with the exception's code just the same
 * (STATUS_ACCESS_VIOLATION; STATUS_GUARD_PAGE_VIOLATION for the first
 * touch of a guard page, which then loses its guard), and
 * the hot paths of the system services (the I/O manager's above all) do
 * not pay for a frame per copy.
 */

static NTSTATUS guarded(void *to, const volatile void *from, SIZE_T size)
{
    return (NTSTATUS)hal_copy_guarded(to, (const void *)from, size);
}

/* The same write as rewrite, which a fault ends with a status. */
static NTSTATUS rewrite_guarded(volatile UCHAR *byte)
{
    return guarded((void *)byte, byte, 1);
}

NTSTATUS mm_probe(KPROCESSOR_MODE mode, volatile void *p, SIZE_T size,
                  ULONG alignment, BOOLEAN write)
{
    NTSTATUS status;

    if (mode == KernelMode || size == 0)
        return STATUS_SUCCESS;
    status = check_user_range(p, size, alignment);
    if (!NT_SUCCESS(status) || !write)
        return status;
    /* Each page written with what it holds: a read-only or uncommitted
     * page fails now. */
    return touch_pages(p, size, rewrite_guarded);
}

/* Copies size bytes from from to to, once user (one of the two) has
 * passed the checks for a user-mode caller. */
static NTSTATUS copy_checked(KPROCESSOR_MODE mode, const volatile void *user,
                             SIZE_T size, ULONG alignment, void *to,
                             const volatile void *from)
{
    NTSTATUS status;

    if (size == 0)
        return STATUS_SUCCESS;
    if (mode == UserMode) {
        status = check_user_range(user, size, alignment);
        if (!NT_SUCCESS(status))
            return status;
    }
    return guarded(to, from, size);
}

NTSTATUS mm_capture(KPROCESSOR_MODE mode, const volatile void *p, SIZE_T size,
                    ULONG alignment, void *out)
{
    return copy_checked(mode, p, size, alignment, out, p);
}

NTSTATUS mm_give_back(KPROCESSOR_MODE mode, volatile void *p, SIZE_T size,
                      ULONG alignment, const void *value)
{
    return copy_checked(mode, p, size, alignment, (void *)p, value);
}
