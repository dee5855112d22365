/*
 * What boot leaves behind: the Idle and System processes, the first
 * threads, the PCR, the PFN database, kernel stacks with guard pages.
 */
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/ps/ps.h"
#include "../../kernel/rtl/rtl.h"

KTEST(boot, system_process_is_pid_4)
{
    PEPROCESS system = PsInitialSystemProcess;

    KT_ASSERT(system != NULL);
    KT_EXPECT_EQ(system->UniqueProcessId, 4);
    KT_EXPECT_PTR_EQ(PsGetProcessId(system), 4);
    KT_EXPECT_STR_EQ(system->ImageFileName, "System");
    KT_EXPECT(system->Pcb.DirectoryTableBase !=
              ps_idle_process.Pcb.DirectoryTableBase);
}

/* Nothing is mapped in the System process's user half. */
KTEST(boot, system_process_has_an_empty_user_half)
{
    ULONG pd = PsInitialSystemProcess->Pcb.DirectoryTableBase, i, pde;
    ULONG used = 0;

    for (i = 0; i < (MM_SYSTEM_RANGE_START >> 22); i++) {
        hal_phys_read((ULONGLONG)pd * PAGE_SIZE + i * 4, &pde, 4);
        if (pde != 0)
            used++;
    }
    KT_EXPECT_EQ(used, 0);
}

/* A system thread runs in the System process, at PASSIVE_LEVEL, with the
 * System page directory loaded. */
KTEST(boot, system_thread_context)
{
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), PsInitialSystemProcess);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcessId(), 4);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    KT_EXPECT_EQ(hal_mmu_active(),
                 PsInitialSystemProcess->Pcb.DirectoryTableBase);
    KT_EXPECT(((ULONG_PTR)PsGetCurrentThreadId() & 3) == 0);
    KT_EXPECT((ULONG_PTR)PsGetCurrentThreadId() > 4);
    KT_EXPECT(KeGetCurrentThread()->SystemThread);
}

KTEST(boot, idle_thread_belongs_to_the_idle_process)
{
    KTHREAD *idle = KeGetPcr()->IdleThread;

    KT_ASSERT(idle != NULL);
    KT_EXPECT(idle != KeGetCurrentThread());
    KT_EXPECT_PTR_EQ(idle->Process, &ps_idle_process.Pcb);
    KT_EXPECT_EQ(ps_thread_id(idle), 0);
    KT_EXPECT_EQ(ps_idle_process.UniqueProcessId, 0);
    KT_EXPECT_STR_EQ(ps_idle_process.ImageFileName, "Idle");
    KT_EXPECT_EQ(idle->Priority, 0);
}

/* The Idle process and thread are objects in nonpaged pool, at
 * system-space addresses, as NT's are. */
KTEST(boot, idle_objects_are_in_nonpaged_pool)
{
    ULONG thread = HAL_PTR_VA(KeGetPcr()->IdleThread);
    ULONG process = HAL_PTR_VA(&ps_idle_process);

    KT_EXPECT(HAL_PTR_IN_WINDOW(KeGetPcr()->IdleThread));
    KT_EXPECT(thread >= MM_NONPAGED_POOL_START && thread < MM_NONPAGED_POOL_END);
    KT_EXPECT(process >= MM_NONPAGED_POOL_START &&
              process < MM_NONPAGED_POOL_END);
}

KTEST(boot, pcr_is_at_ffdff000)
{
    KT_EXPECT_PTR_EQ(KeGetPcr(), HAL_VA_PTR(MM_KPCR_VA));
    KT_EXPECT_PTR_EQ(KeGetPcr()->CurrentThread, KeGetCurrentThread());
    KT_EXPECT(mm_read_pte(MM_KPCR_VA) & X86_PTE_GLOBAL);
}

/* The stack is resident and Global; the page below it is a guard. */
KTEST(boot, kernel_stack_has_a_guard_page)
{
    KTHREAD *self = KeGetCurrentThread();
    ULONG base = HAL_PTR_VA(self->InitialStack);
    ULONG limit = HAL_PTR_VA(self->StackLimit), va;
    volatile char probe = 0;

    KT_EXPECT_EQ(base - limit, KERNEL_STACK_SIZE);
    KT_EXPECT(HAL_PTR_VA(&probe) < base && HAL_PTR_VA(&probe) >= limit);
    KT_EXPECT(base >= MM_SYSTEM_PTE_START && base <= MM_SYSTEM_PTE_END);
    for (va = limit; va < base; va += PAGE_SIZE)
        KT_EXPECT_EQ(mm_read_pte(va) & (X86_PTE_VALID | X86_PTE_GLOBAL),
                     X86_PTE_VALID | X86_PTE_GLOBAL);
    KT_EXPECT_EQ(mm_read_pte(limit - PAGE_SIZE), 0);
}

KTEST(boot, pfn_database_accounts_for_every_frame)
{
    ULONG pfn, active = 0, free = 0, bad = 0, other = 0;

    for (pfn = 0; pfn < mm_total_frames(); pfn++) {
        switch (mm_pfn(pfn)->state) {
        case MM_ACTIVE:
            active++;
            break;
        case MM_FREE:
            free++;
            break;
        case MM_BAD:
            bad++;
            break;
        default:
            other++;
        }
    }
    KT_EXPECT_EQ(mm_total_frames(), hal_ram_pages());
    KT_EXPECT_EQ(free, mm_free_frame_count());
    KT_EXPECT_EQ(active + free + bad + other, mm_total_frames());
    KT_EXPECT_EQ(bad, 1);
    KT_EXPECT_EQ(mm_pfn(0)->state, MM_BAD);
    KT_EXPECT_EQ(other, 0);
}

KTEST(boot, frames_come_and_go)
{
    ULONG before = mm_free_frame_count();
    ULONG pfn = mm_alloc_frame(TRUE), word;

    KT_ASSERT(pfn != MM_FRAME_NONE);
    KT_EXPECT_EQ(mm_free_frame_count(), before - 1);
    KT_EXPECT_EQ(mm_pfn(pfn)->state, MM_ACTIVE);
    KT_EXPECT_EQ(mm_pfn(pfn)->reference_count, 1);
    hal_phys_read((ULONGLONG)pfn * PAGE_SIZE + PAGE_SIZE - 4, &word, 4);
    KT_EXPECT_EQ(word, 0);
    mm_free_frame(pfn);
    KT_EXPECT_EQ(mm_free_frame_count(), before);
    KT_EXPECT_EQ(mm_pfn(pfn)->state, MM_FREE);
}

/* The PFN entry of a mapped frame points back at its PTE. */
KTEST(boot, pfn_entry_knows_its_pte)
{
    KTHREAD *self = KeGetCurrentThread();
    ULONG va = HAL_PTR_VA(self->StackLimit);
    ULONG pfn = mm_read_pte(va) >> PAGE_SHIFT;

    KT_EXPECT_EQ(mm_pfn(pfn)->pte_va, HAL_PTR_VA(mm_pte_address(va)));
}

static volatile ULONG ran_in;

static void note_thread(PVOID context)
{
    ran_in = (ULONG)(ULONG_PTR)PsGetCurrentThreadId();
    *(ULONG *)context = ps_process_id(KeGetCurrentThread()->Process);
}

/* A new system thread runs once the creator yields, then ends; its stack
 * goes with the last reference to it. */
KTEST(boot, system_threads_run_and_end)
{
    LARGE_INTEGER brief = {.QuadPart = -300000}; /* 30 ms */
    ETHREAD *thread;
    ULONG pid = 0, va, low, high;

    ran_in = 0;
    KT_ASSERT(NT_SUCCESS(ps_create_system_thread(note_thread, &pid, &thread)));
    KT_EXPECT_EQ(thread->Tcb.State, Ready);
    while (thread->Tcb.State != Terminated)
        ke_yield();
    KT_EXPECT_EQ(ran_in, thread->UniqueThread);
    KT_EXPECT_EQ(pid, 4);
    low = HAL_PTR_VA(thread->Tcb.StackLimit);
    high = HAL_PTR_VA(thread->Tcb.InitialStack);
    KT_EXPECT(mm_read_pte(low) != 0);
    ObDereferenceObject(thread);
    KeDelayExecutionThread(KernelMode, FALSE, &brief); /* the reaper's turn */
    for (va = low; va < high; va += PAGE_SIZE)
        KT_EXPECT_EQ(mm_read_pte(va), 0);
}

/* Interrupts are on once boot is done; disabling returns the old state. */
KTEST(boot, interrupts_disable_and_restore)
{
    BOOLEAN was = hal_interrupts_disable();

    KT_EXPECT(was);
    KT_EXPECT(!hal_interrupts_disable());
    hal_interrupts_restore(FALSE);
    KT_EXPECT(!hal_interrupts_disable());
    hal_interrupts_restore(was);
    KT_EXPECT(hal_interrupts_disable());
    hal_interrupts_restore(TRUE);
}
