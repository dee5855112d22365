/*
 * The bootstrap nonpaged allocator: a bump pointer at the start of the
 * nonpaged pool region, backed by frames as it grows. It serves the boot
 * and the foundation's processes and threads, and never frees; the pools of
 * the Mm issue (ExAllocatePoolWithTag) take over the region after it.
 */
#include "mm.h"

static ULONG next = MM_NONPAGED_POOL_START;
static ULONG mapped_end = MM_NONPAGED_POOL_START;

void *mm_boot_alloc(ULONG bytes)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG start = next, end = next + ((bytes + 15) & ~15u);
    void *result = NULL;

    while (mapped_end < end && mapped_end < MM_NONPAGED_POOL_END) {
        ULONG pfn = mm_alloc_frame(TRUE);

        if (pfn == MM_FRAME_NONE)
            break;
        if (!NT_SUCCESS(mm_map_page(mapped_end, pfn, PTE_KERNEL_RW))) {
            mm_free_frame(pfn);
            break;
        }
        mapped_end += PAGE_SIZE;
    }
    if (end <= mapped_end && end > start) {
        next = end;
        result = HAL_VA_PTR(start);
    }
    KfLowerIrql(irql);
    return result;
}
