/*
 * IRQL, the processor control region, and the software interrupts.
 *
 * IRQL is a byte in the PCR. Raising it only stores the new level. Work that
 * the level holds back is recorded and done when IRQL drops below it:
 *   - the DISPATCH_LEVEL software interrupt (a bit in PendingSoftware):
 *     expired timers, the DPC queue, quantum end and preemption;
 *   - kernel APCs for the current thread (its KernelApcPending flag, so the
 *     request follows the thread across switches).
 * Lowering below DISPATCH_LEVEL is also a clock checkpoint (clock.c): the
 * clock interrupt that came due while IRQL was high is taken there.
 */
#include "ke.h"

#include "../mm/mm.h"
#include "../tr/tr.h"
#include "../vf/vf.h"

/* Boot runs at DISPATCH_LEVEL, with interrupts off, until the idle thread. */
static KPCR boot_pcr = {.Irql = DISPATCH_LEVEL};
KPCR *ki_pcr = &boot_pcr;

/* Moves the PCR to its fixed address, 0xFFDFF000 (boot, after Mm). */
void ke_init_pcr(void)
{
    ULONG pfn = mm_alloc_frame(TRUE);
    KPCR *pcr = HAL_VA_PTR(MM_KPCR_VA);

    if (pfn == MM_FRAME_NONE ||
        !NT_SUCCESS(mm_map_page(MM_KPCR_VA, pfn, PTE_KERNEL_RW)))
        KeBugCheckEx(INSTALL_MORE_MEMORY, mm_total_frames(), 0, 0, 0);
    *pcr = boot_pcr;
    InitializeListHead(&pcr->DpcListHead);
    ki_pcr = pcr;
}

KIRQL NTAPI KeGetCurrentIrql(VOID)
{
    return KeGetPcr()->Irql;
}

KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql)
{
    KPCR *pcr = KeGetPcr();
    KIRQL old;

    vf_hook_raise(NewIrql, __builtin_return_address(0));
    old = pcr->Irql;
    if (NewIrql < old || NewIrql > HIGH_LEVEL)
        KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, old, NewIrql, 0, 0);
    pcr->Irql = NewIrql;
    TR(tr_irql(NewIrql));
    return old;
}

void ki_request_dispatch_interrupt(void)
{
    KeGetPcr()->PendingSoftware |= KI_PENDING_DISPATCH;
}

/* Runs the software interrupts that IRQL irql no longer holds back. */
static void deliver_software_interrupts(KIRQL irql)
{
    KPCR *pcr = KeGetPcr();

    for (;;) {
        if (irql < DISPATCH_LEVEL &&
            (pcr->PendingSoftware & KI_PENDING_DISPATCH)) {
            pcr->PendingSoftware &= (UCHAR)~KI_PENDING_DISPATCH;
            pcr->Irql = DISPATCH_LEVEL;
            TR(tr_irql(DISPATCH_LEVEL));
            ki_dispatch_interrupt();
            pcr->Irql = irql;
            TR(tr_irql(irql));
        } else if (irql < APC_LEVEL && pcr->CurrentThread != NULL &&
                   ki_kernel_apc_deliverable(pcr->CurrentThread)) {
            pcr->Irql = APC_LEVEL;
            TR(tr_irql(APC_LEVEL));
            ki_deliver_apc();
            pcr->Irql = irql;
            TR(tr_irql(irql));
        } else {
            return;
        }
    }
}

VOID FASTCALL KfLowerIrql(KIRQL NewIrql)
{
    KPCR *pcr = KeGetPcr();

    if (NewIrql > pcr->Irql)
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, NewIrql, pcr->Irql, 0,
                     (ULONG_PTR)__builtin_return_address(0));
    pcr->Irql = NewIrql;
    TR(tr_irql(NewIrql));
    if (ki_device_pending != 0)
        ki_take_device_interrupts();
    if (NewIrql >= DISPATCH_LEVEL)
        return;
    ki_checkpoint();
    if (pcr->PendingSoftware != 0 ||
        (pcr->CurrentThread != NULL &&
         pcr->CurrentThread->ApcState.KernelApcPending))
        deliver_software_interrupts(NewIrql);
}

KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID)
{
    vf_hook_raise(DISPATCH_LEVEL, __builtin_return_address(0));
    return KfRaiseIrql(DISPATCH_LEVEL);
}

KIRQL NTAPI KeRaiseIrqlToSynchLevel(VOID)
{
    vf_hook_raise(SYNCH_LEVEL, __builtin_return_address(0));
    return KfRaiseIrql(SYNCH_LEVEL);
}

const char *ke_irql_name(KIRQL irql)
{
    static const char *const names[] = {"PASSIVE_LEVEL", "APC_LEVEL",
                                        "DISPATCH_LEVEL"};

    if (irql < 3)
        return names[irql];
    if (irql == PROFILE_LEVEL)
        return "PROFILE_LEVEL";
    if (irql == CLOCK_LEVEL)
        return "CLOCK_LEVEL";
    if (irql == IPI_LEVEL)
        return "IPI_LEVEL";
    if (irql == POWER_LEVEL)
        return "POWER_LEVEL";
    if (irql == HIGH_LEVEL)
        return "HIGH_LEVEL";
    return "device IRQL";
}
