/*
 * Probing user buffers, and MDLs: locked pages, system mappings that work
 * from any context.
 */
#include "../../kernel/mm/pager.h"
#include "kt_util.h"

#define USER_VA 0x10000000u

static NTSTATUS probe(BOOLEAN write, ULONG va, SIZE_T length, ULONG align)
{
    volatile NTSTATUS status = STATUS_SUCCESS;

    __try {
        if (write)
            ProbeForWrite(HAL_VA_PTR(va), length, align);
        else
            ProbeForRead(HAL_VA_PTR(va), length, align);
    } __except (status = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    return status;
}

KTEST(probe, read_edge_cases)
{
    KT_EXPECT_EQ(probe(FALSE, 0x10000, 16, 4), STATUS_SUCCESS);
    KT_EXPECT_EQ(probe(FALSE, 0x80000000, 0, 1), STATUS_SUCCESS);
    KT_EXPECT_EQ(probe(FALSE, 0x80000000, 1, 1), STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(probe(FALSE, 0x7FFEFFF0, 16, 1), STATUS_SUCCESS);
    KT_EXPECT_EQ(probe(FALSE, 0x7FFEFFF0, 17, 1), STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(probe(FALSE, 0x7FFF0000, 1, 1), STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(probe(FALSE, 0x10001, 4, 4), STATUS_DATATYPE_MISALIGNMENT);
    KT_EXPECT_EQ(probe(FALSE, 0x10002, 4, 2), STATUS_SUCCESS);
    KT_EXPECT_EQ(probe(FALSE, 0x10000, 0xFFFFFFF0u, 1),
                 STATUS_ACCESS_VIOLATION);
    /* Reading probes do not touch: nothing needs to be there. */
    KT_EXPECT_EQ(probe(FALSE, 0x30000000, 0x100000, 1), STATUS_SUCCESS);
}

static EPROCESS *owner, *other;
static KAPC_STATE attached;

static BOOLEAN two_processes(void)
{
    return (owner = kt_make_process("owner")) != NULL &&
           (other = kt_make_process("other")) != NULL &&
           kt_map_user_page(owner, USER_VA, 0x11111111) &&
           kt_map_user_page(other, USER_VA, 0x22222222);
}

static void delete_both(void)
{
    kt_delete_process(owner);
    kt_delete_process(other);
}

KTEST(probe, write_touches_every_page)
{
    PVOID base = NULL;
    SIZE_T size = 2 * PAGE_SIZE;
    ULONG old;

    KT_ASSERT((owner = kt_make_process("owner")) != NULL);
    KeStackAttachProcess(&owner->Pcb, &attached);
    ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                            MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    KT_EXPECT_EQ(probe(TRUE, HAL_PTR_VA(base), 2 * PAGE_SIZE, 1),
                 STATUS_SUCCESS);
    KT_EXPECT(mm_read_pte(HAL_PTR_VA(base) + PAGE_SIZE) & X86_PTE_DIRTY);
    size = PAGE_SIZE;
    base = (PUCHAR)base + PAGE_SIZE;
    ZwProtectVirtualMemory(NtCurrentProcess(), &base, &size, PAGE_READONLY,
                           &old);
    KT_EXPECT_EQ(probe(TRUE, HAL_PTR_VA(base) - 8, 16, 1),
                 STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(probe(TRUE, 0x30000000, 4, 1), STATUS_ACCESS_VIOLATION);
    KeUnstackDetachProcess(&attached);
    kt_delete_process(owner);
}

KTEST(mdl, describes_a_buffer)
{
    PMDL mdl = IoAllocateMdl(HAL_VA_PTR(0x10000FF0), 0x20, FALSE, FALSE, NULL);

    KT_ASSERT(mdl != NULL);
    KT_EXPECT_EQ(HAL_PTR_VA(MmGetMdlVirtualAddress(mdl)), 0x10000FF0);
    KT_EXPECT_EQ(MmGetMdlByteCount(mdl), 0x20);
    KT_EXPECT_EQ(MmGetMdlByteOffset(mdl), 0xFF0);
    KT_EXPECT_EQ(mdl->Size, sizeof(MDL) + 2 * sizeof(PFN_NUMBER));
    KT_EXPECT_EQ(mdl->MdlFlags, 0);
    IoFreeMdl(mdl);
    KT_EXPECT(IoAllocateMdl(HAL_VA_PTR(0x10000000), 0, FALSE, FALSE, NULL) ==
              NULL);
}

static PULONG system_view;

static VOID write_through_mdl(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    system_view[1] = 0xD9C0FFEE;
}

/*
 * A user buffer locked and mapped in system space, written from a DPC
 * while another process is current, lands in its owner's page; the other
 * process's page at the same address is untouched.
 */
KTEST(mdl, mapped_user_buffer_written_from_a_dpc_in_another_process)
{
    PMDL mdl;
    KDPC dpc;
    KIRQL irql;
    volatile ULONG seen;

    KT_ASSERT(two_processes());
    mdl = IoAllocateMdl(HAL_VA_PTR(USER_VA), 8, FALSE, FALSE, NULL);
    KeStackAttachProcess(&owner->Pcb, &attached);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    KeUnstackDetachProcess(&attached);
    system_view = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    KT_ASSERT(system_view != NULL);
    KT_EXPECT(mm_is_system_address(HAL_PTR_VA(system_view)));
    KT_EXPECT_EQ(system_view[0], 0x11111111);
    KeInitializeDpc(&dpc, write_through_mdl, NULL);
    KeStackAttachProcess(&other->Pcb, &attached);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeLowerIrql(irql);
    seen = *(volatile ULONG *)HAL_VA_PTR(USER_VA + 4);
    KeUnstackDetachProcess(&attached);
    KT_EXPECT_EQ(seen, 0); /* the other process's page */
    KeStackAttachProcess(&owner->Pcb, &attached);
    KT_EXPECT_EQ(*(volatile ULONG *)HAL_VA_PTR(USER_VA + 4), 0xD9C0FFEE);
    KeUnstackDetachProcess(&attached);
    MmUnlockPages(mdl);
    KT_EXPECT_EQ(mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA),
                 0);
    IoFreeMdl(mdl);
    delete_both();
}

/* Locked pages stay in memory through a trim of everything pageable. */
KTEST(mdl, locked_pages_are_not_trimmed)
{
    PVOID base = NULL;
    SIZE_T size = 3 * PAGE_SIZE;
    PMDL mdl;
    ULONG va;

    KT_ASSERT((owner = kt_make_process("owner")) != NULL);
    KeStackAttachProcess(&owner->Pcb, &attached);
    ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                            MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    va = HAL_PTR_VA(base);
    mdl = IoAllocateMdl(base, 2 * PAGE_SIZE, FALSE, FALSE, NULL);
    MmProbeAndLockPages(mdl, UserMode, IoReadAccess);
    *(volatile ULONG *)HAL_VA_PTR(va + 2 * PAGE_SIZE) = 1; /* not locked */
    mm_trim_all(TRUE);
    KT_EXPECT(mm_read_pte(va) & X86_PTE_VALID);
    KT_EXPECT(mm_read_pte(va + PAGE_SIZE) & X86_PTE_VALID);
    KT_EXPECT(!(mm_read_pte(va + 2 * PAGE_SIZE) & X86_PTE_VALID));
    KT_EXPECT_EQ(MmGetMdlPfnArray(mdl)[0], mm_read_pte(va) >> PAGE_SHIFT);
    MmUnlockPages(mdl);
    mm_trim_all(TRUE);
    KT_EXPECT(!(mm_read_pte(va) & X86_PTE_VALID));
    IoFreeMdl(mdl);
    KeUnstackDetachProcess(&attached);
    kt_delete_process(owner);
}

/* A bad range raises, with nothing left locked. */
KTEST(mdl, probe_and_lock_of_a_bad_range_raises)
{
    PMDL mdl =
        IoAllocateMdl(HAL_VA_PTR(0x7FFEF000), 0x2000, FALSE, FALSE, NULL);
    PMDL kernel = IoAllocateMdl(HAL_VA_PTR(0x30000000), 8, FALSE, FALSE, NULL);
    volatile NTSTATUS a = 0, b = 0;

    KT_ASSERT(mdl != NULL && kernel != NULL);
    __try {
        MmProbeAndLockPages(mdl, UserMode, IoReadAccess);
    } __except (a = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    __try {
        MmProbeAndLockPages(kernel, KernelMode, IoReadAccess);
    } __except (b = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    KT_EXPECT_EQ(a, STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(b, STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(mdl->MdlFlags & MDL_PAGES_LOCKED, 0);
    IoFreeMdl(mdl);
    IoFreeMdl(kernel);
}

KTEST(mdl, nonpaged_pool_needs_no_locking)
{
    PUCHAR buffer = ExAllocatePoolWithTag(NonPagedPool, 100, 'ldMT');
    PMDL mdl = IoAllocateMdl(buffer, 100, FALSE, FALSE, NULL);
    PHYSICAL_ADDRESS pa = MmGetPhysicalAddress(buffer);

    KT_ASSERT(mdl != NULL);
    MmBuildMdlForNonPagedPool(mdl);
    KT_EXPECT(mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
    KT_EXPECT_PTR_EQ(MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority),
                     buffer);
    KT_EXPECT_EQ(MmGetMdlPfnArray(mdl)[0], pa.QuadPart >> PAGE_SHIFT);
    KT_EXPECT_EQ(pa.QuadPart & (PAGE_SIZE - 1), HAL_PTR_VA(buffer) & 0xFFF);
    KT_EXPECT(MmIsAddressValid(buffer));
    KT_EXPECT(!MmIsAddressValid(HAL_VA_PTR(0x30000000)));
    IoFreeMdl(mdl);
    ExFreePoolWithTag(buffer, 'ldMT');
}

/* Memory freed while an MDL locks it keeps its frame until the unlock. */
KTEST(mdl, frame_outlives_its_page_until_unlocked)
{
    PVOID base = NULL;
    SIZE_T size = PAGE_SIZE, zero = 0;
    PMDL mdl;
    ULONG pfn;

    KT_ASSERT((owner = kt_make_process("owner")) != NULL);
    KeStackAttachProcess(&owner->Pcb, &attached);
    ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                            MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    mdl = IoAllocateMdl(base, 4, FALSE, FALSE, NULL);
    MmProbeAndLockPages(mdl, KernelMode, IoWriteAccess);
    pfn = MmGetMdlPfnArray(mdl)[0];
    ZwFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE);
    KT_EXPECT_EQ(mm_pfn(pfn)->state, MM_ACTIVE);
    MmUnlockPages(mdl);
    KT_EXPECT(mm_pfn(pfn)->state != MM_ACTIVE);
    IoFreeMdl(mdl);
    KeUnstackDetachProcess(&attached);
    kt_delete_process(owner);
}
