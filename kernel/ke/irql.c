/*
 * IRQL and the processor control region.
 *
 * This is the first cut that the foundation needs: the level is recorded
 * and checked. Software interrupts held while IRQL is high (DPCs, APCs) and
 * their delivery when it drops come with the Ke issue.
 */
#include "ke.h"

#include "../mm/mm.h"

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
    ki_pcr = pcr;
}

KIRQL NTAPI KeGetCurrentIrql(VOID)
{
    return KeGetPcr()->Irql;
}

KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql)
{
    KPCR *pcr = KeGetPcr();
    KIRQL old = pcr->Irql;

    if (NewIrql < old || NewIrql > HIGH_LEVEL)
        KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, old, NewIrql, 0, 0);
    pcr->Irql = NewIrql;
    return old;
}

VOID FASTCALL KfLowerIrql(KIRQL NewIrql)
{
    KPCR *pcr = KeGetPcr();

    if (NewIrql > pcr->Irql)
        KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, NewIrql, pcr->Irql, 0,
                     (ULONG_PTR)__builtin_return_address(0));
    pcr->Irql = NewIrql;
}

KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
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
