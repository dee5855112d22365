/*
 * Memory descriptor lists: a buffer described by the frames behind it.
 *
 * MmProbeAndLockPages faults the pages in, in the context of the process
 * that owns them, and raises each frame's lock count, which keeps the pager
 * from taking it. MmMapLockedPagesSpecifyCache then maps those frames again
 * in system space (system PTEs), so the buffer can be reached from any
 * process and at DISPATCH_LEVEL: from a DPC while another process is
 * current, the system address still lands in the owner's pages.
 */
#include "mm.h"

#include "../ke/ke.h"
#include "../vf/vf.h"

#define TAG_MDL   'ldM '
#define MAX_BYTES (64u * 1024 * 1024 - PAGE_SIZE)

static ULONG span(const MDL *mdl)
{
    return ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
                                          mdl->ByteCount);
}

PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length,
                         BOOLEAN SecondaryBuffer, BOOLEAN ChargeQuota,
                         struct _IRP *Irp)
{
    ULONG pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, Length);
    PMDL mdl;

    PMDL *last;

    UNREFERENCED_PARAMETER(ChargeQuota);
    if (Length == 0 || Length > MAX_BYTES ||
        vf_hook_fail(__builtin_return_address(0)))
        return NULL;
    mdl = ExAllocatePoolWithTag(
        NonPagedPool, sizeof(MDL) + pages * sizeof(PFN_NUMBER), TAG_MDL);
    if (mdl == NULL)
        return NULL;
    mdl->Next = NULL;
    mdl->Size = (CSHORT)(sizeof(MDL) + pages * sizeof(PFN_NUMBER));
    mdl->MdlFlags = 0;
    mdl->Process = NULL;
    mdl->MappedSystemVa = NULL;
    mdl->StartVa = PAGE_ALIGN_PTR(VirtualAddress);
    mdl->ByteOffset = BYTE_OFFSET(VirtualAddress);
    mdl->ByteCount = Length;
    /* With an IRP: its buffer's MDL, or one more at the end of its chain. */
    if (Irp != NULL && !SecondaryBuffer) {
        Irp->MdlAddress = mdl;
    } else if (Irp != NULL) {
        for (last = &Irp->MdlAddress; *last != NULL; last = &(*last)->Next)
            ;
        *last = mdl;
    }
    return mdl;
}

VOID NTAPI IoFreeMdl(PMDL Mdl)
{
    ExFreePoolWithTag(Mdl, TAG_MDL);
}

/* Locks the frame behind page va if it is resident now; returns it or 0. */
static ULONG lock_if_resident(ULONG va)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG pte = mm_read_pte(va), pfn = 0;

    if (pte & X86_PTE_VALID) {
        pfn = pte >> PAGE_SHIFT;
        mm_pfn(pfn)->lock_count++;
    }
    KfLowerIrql(irql);
    return pfn;
}

static void unlock_frames(PPFN_NUMBER pfns, ULONG n)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG i;

    for (i = 0; i < n; i++) {
        MMPFN *e = mm_pfn(pfns[i]);

        /* Its page was freed while locked: the frame goes now. */
        if (--e->lock_count == 0 && (e->flags & MM_PFN_ORPHANED)) {
            *e = (MMPFN){.state = MM_ACTIVE, .ws_id = MM_WS_NONE};
            mm_free_frame(pfns[i]);
        }
    }
    KfLowerIrql(irql);
}

/* Touches page p as the operation will, so that it is brought in. */
static void touch(volatile UCHAR *p, LOCK_OPERATION operation)
{
    if (operation == IoReadAccess)
        (void)*p;
    else
        *p = *p;
}

VOID NTAPI MmProbeAndLockPages(PMDL MemoryDescriptorList,
                               KPROCESSOR_MODE AccessMode,
                               LOCK_OPERATION Operation)
{
    PMDL mdl = MemoryDescriptorList;
    PUCHAR start = MmGetMdlVirtualAddress(mdl);
    PPFN_NUMBER pfns = MmGetMdlPfnArray(mdl);
    volatile ULONG done = 0;
    ULONG n = span(mdl);

    if (AccessMode == UserMode)
        ProbeForRead(start, mdl->ByteCount, 1);
    __try {
        while (done < n) {
            PUCHAR page = (PUCHAR)mdl->StartVa + done * PAGE_SIZE;

            touch(done == 0 ? start : page, Operation);
            pfns[done] = lock_if_resident(HAL_PTR_VA(page));
            if (pfns[done] != 0)
                done++;
        }
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        unlock_frames(pfns, done);
        ExRaiseStatus(GetExceptionCode());
    }
    mdl->Process = PsGetCurrentProcess();
    mdl->MdlFlags |= MDL_PAGES_LOCKED;
    if (Operation != IoReadAccess)
        mdl->MdlFlags |= MDL_WRITE_OPERATION;
}

VOID NTAPI MmUnlockPages(PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;

    if (!(mdl->MdlFlags & MDL_PAGES_LOCKED))
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x1236, (ULONG_PTR)mdl, 0, 0);
    if (mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA)
        MmUnmapLockedPages(mdl->MappedSystemVa, mdl);
    unlock_frames(MmGetMdlPfnArray(mdl), span(mdl));
    mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}

VOID NTAPI MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    ULONG i, va = HAL_PTR_VA(mdl->StartVa);

    for (i = 0; i < span(mdl); i++)
        MmGetMdlPfnArray(mdl)[i] =
            mm_read_pte(va + i * PAGE_SIZE) >> PAGE_SHIFT;
    mdl->MappedSystemVa = MmGetMdlVirtualAddress(mdl);
    mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
}

PVOID NTAPI MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
                                         KPROCESSOR_MODE AccessMode,
                                         MEMORY_CACHING_TYPE CacheType,
                                         PVOID RequestedAddress,
                                         ULONG BugCheckOnFailure,
                                         ULONG Priority)
{
    PMDL mdl = MemoryDescriptorList;
    ULONG n = span(mdl), va, i;
    ULONG flags =
        PTE_KERNEL_RW | (CacheType == MmNonCached ? X86_PTE_CACHE_DISABLE : 0);

    UNREFERENCED_PARAMETER(RequestedAddress);
    UNREFERENCED_PARAMETER(Priority);
    if (AccessMode != KernelMode)
        ExRaiseStatus(STATUS_NOT_SUPPORTED);
    if (!(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL)))
        KeBugCheckEx(MEMORY_MANAGEMENT, 0x1236, (ULONG_PTR)mdl, 0, 0);
    if (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
        return mdl->MappedSystemVa;
    va = mm_reserve_system_ptes(n);
    if (va == 0) {
        if (BugCheckOnFailure)
            KeBugCheckEx(NO_MORE_SYSTEM_PTES, 0, n, 0, 0);
        return NULL;
    }
    for (i = 0; i < n; i++)
        mm_map_alias(va + i * PAGE_SIZE, MmGetMdlPfnArray(mdl)[i], flags);
    mdl->MappedSystemVa = (PUCHAR)HAL_VA_PTR(va) + mdl->ByteOffset;
    mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
    return mdl->MappedSystemVa;
}

PVOID NTAPI MmMapLockedPages(PMDL MemoryDescriptorList,
                             KPROCESSOR_MODE AccessMode)
{
    return MmMapLockedPagesSpecifyCache(MemoryDescriptorList, AccessMode,
                                        MmCached, NULL, TRUE,
                                        NormalPagePriority);
}

VOID NTAPI MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList)
{
    PMDL mdl = MemoryDescriptorList;
    ULONG va = HAL_PTR_VA(BaseAddress) & ~(PAGE_SIZE - 1), n = span(mdl), i;

    if (!(mdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA))
        return;
    for (i = 0; i < n; i++)
        mm_unmap_page(va + i * PAGE_SIZE);
    mm_release_system_ptes(va, n);
    mdl->MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
    mdl->MappedSystemVa = NULL;
}
