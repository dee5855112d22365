/*
 * Pools: where blocks come from, per-tag accounting, lookaside lists, fast
 * mutexes, and the misuse that stops the system with BAD_POOL_CALLER.
 */
#include "../../kernel/ex/ex.h"
#include "kt_util.h"

#define TAG_A 'AtsT' /* shows as "TstA" */
#define TAG_B 'BtsT'

static ULONG va_of(PVOID p)
{
    return HAL_PTR_VA(p);
}

KTEST(pool, small_blocks_share_a_page)
{
    static PUCHAR block[256];
    ULONG i, j, pages = 0;

    for (i = 0; i < 256; i++) {
        block[i] = ExAllocatePoolWithTag(NonPagedPool, 100, TAG_A);
        KT_ASSERT(block[i] != NULL);
        KT_EXPECT(mm_is_nonpaged_pool(va_of(block[i])));
        KT_EXPECT_EQ(va_of(block[i]) & 15, 0);
        RtlFillMemory(block[i], 100, (UCHAR)i);
    }
    /* 256 blocks of 128 bytes with their headers: eight pages, if nothing
     * was free before; fewer than half as many pages as blocks, however
     * scattered the free blocks they started from. */
    for (i = 0; i < 256; i++) {
        for (j = 0; j < i &&
                    MM_PAGE_ALIGN(va_of(block[j])) != MM_PAGE_ALIGN(va_of(block[i]));
             j++)
            ;
        pages += j == i;
        KT_EXPECT_EQ(block[i][0], (UCHAR)i);
        KT_EXPECT_EQ(block[i][99], (UCHAR)i);
    }
    KT_EXPECT(pages < 128);
    for (i = 0; i < 256; i++)
        ExFreePoolWithTag(block[i], TAG_A);
}

KTEST(pool, large_blocks_start_on_a_page)
{
    PUCHAR p = ExAllocatePoolWithTag(NonPagedPool, 3 * PAGE_SIZE + 5, TAG_A);
    PUCHAR q = ExAllocatePoolWithTag(NonPagedPoolCacheAligned, 64, TAG_A);

    KT_ASSERT(p != NULL && q != NULL);
    KT_EXPECT_EQ(va_of(p) & (PAGE_SIZE - 1), 0);
    KT_EXPECT_EQ(va_of(q) & (PAGE_SIZE - 1), 0);
    p[3 * PAGE_SIZE + 4] = 7;
    KT_EXPECT_EQ(p[3 * PAGE_SIZE + 4], 7);
    ExFreePool(p);
    ExFreePool(q);
}

/* The largest blocks that share pages, and the smallest that do not. */
KTEST(pool, small_and_large_meet_at_4064_bytes)
{
    static const SIZE_T sizes[] = {4063, 4064, 4065, 4080, 4096, 4097};
    PUCHAR p[6];
    int i;

    for (i = 0; i < 6; i++) {
        p[i] = ExAllocatePoolWithTag(NonPagedPool, sizes[i], TAG_A);
        KT_ASSERT(p[i] != NULL);
        RtlFillMemory(p[i], sizes[i], (UCHAR)i);
    }
    KT_EXPECT((va_of(p[0]) & (PAGE_SIZE - 1)) != 0);
    KT_EXPECT((va_of(p[1]) & (PAGE_SIZE - 1)) != 0);
    for (i = 2; i < 6; i++)
        KT_EXPECT_EQ(va_of(p[i]) & (PAGE_SIZE - 1), 0);
    for (i = 0; i < 6; i++) {
        KT_EXPECT_EQ(p[i][sizes[i] - 1], i);
        ExFreePoolWithTag(p[i], TAG_A);
    }
}

KTEST(pool, paged_pool_is_demand_zero_and_pageable)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, 2 * PAGE_SIZE, TAG_A);
    ULONG va = va_of(p);

    KT_ASSERT(p != NULL);
    KT_EXPECT(mm_is_paged_pool(va));
    KT_EXPECT_EQ(mm_read_pte(va + PAGE_SIZE), mm_demand_zero_pte(MM_READWRITE));
    KT_EXPECT_EQ(p[PAGE_SIZE / 4], 0);
    KT_EXPECT(mm_read_pte(va + PAGE_SIZE) & X86_PTE_VALID);
    KT_EXPECT_EQ(mm_pfn(mm_read_pte(va + PAGE_SIZE) >> PAGE_SHIFT)->ws_id,
                 0); /* the system working set */
    ExFreePoolWithTag(p, TAG_A);
    KT_EXPECT_EQ(mm_read_pte(va + PAGE_SIZE), 0);
}

KTEST(pool, accounting_per_tag)
{
    ex_tag_usage before = ex_pool_tag_usage(TAG_B, FALSE), after;
    PVOID p = ExAllocatePoolWithTag(NonPagedPool, 40, TAG_B);
    PVOID q = ExAllocatePoolWithTag(NonPagedPool, 5000, TAG_B);

    after = ex_pool_tag_usage(TAG_B, FALSE);
    KT_EXPECT_EQ(after.allocs - before.allocs, 2);
    KT_EXPECT_EQ(after.bytes - before.bytes, 5040);
    KT_EXPECT_EQ(ex_pool_tag_usage(TAG_B, TRUE).allocs, 0);
    ExFreePoolWithTag(p, TAG_B);
    ExFreePoolWithTag(q, TAG_B);
    after = ex_pool_tag_usage(TAG_B, FALSE);
    KT_EXPECT_EQ(after.frees - before.frees, 2);
    KT_EXPECT_EQ(after.bytes, before.bytes);
}

KTEST(pool, untagged_allocations_are_charged_to_none)
{
    ex_tag_usage before = ex_pool_tag_usage('enoN', TRUE);
    PVOID p = ExAllocatePool(PagedPool, 10);

    KT_EXPECT_EQ(ex_pool_tag_usage('enoN', TRUE).allocs, before.allocs + 1);
    ExFreePool(p);
}

/* Pool pages holding blocks, not counting wholly free ones kept. */
static ULONG busy_pages(void)
{
    return mm_pool_pages_in_use(FALSE) - ex_pool_empty_pages(FALSE);
}

/* Freed neighbours merge; a page wholly free is free again. */
KTEST(pool, freed_blocks_merge_and_pages_go_back)
{
    PVOID block[16];
    ULONG before;
    int i;

    ex_pool_flush();
    before = busy_pages();
    /* Fill whole pages with blocks of 1008 bytes (64 units: 4 a page). */
    for (i = 0; i < 16; i++)
        block[i] = ExAllocatePoolWithTag(NonPagedPool, 1008, TAG_A);
    KT_EXPECT(busy_pages() >= before + 3);
    for (i = 0; i < 16; i += 2)
        ExFreePoolWithTag(block[i], TAG_A);
    for (i = 1; i < 16; i += 2)
        ExFreePoolWithTag(block[i], TAG_A);
    ex_pool_flush();
    KT_EXPECT_EQ(ex_pool_quick_bytes(FALSE), 0);
    KT_EXPECT(busy_pages() <= before + 1);
}

/* A freed small block waits on its size's quick list for the next
 * allocation of that size, as on NT's lookaside lists. */
KTEST(pool, freed_small_block_is_reused_for_its_size)
{
    ex_tag_usage before = ex_pool_tag_usage(TAG_B, FALSE), after;
    PVOID p = ExAllocatePoolWithTag(NonPagedPool, 200, TAG_B), q;

    ex_pool_flush();
    ExFreePoolWithTag(p, TAG_B);
    /* 208 bytes and the header, or a unit more where the block's page had
     * no room left for a 1-unit free block. */
    KT_EXPECT(ex_pool_quick_bytes(FALSE) == 224 ||
              ex_pool_quick_bytes(FALSE) == 240);
    q = ExAllocatePoolWithTag(NonPagedPool, 193, TAG_B); /* same 14 units */
    KT_EXPECT_EQ(va_of(q), va_of(p));
    KT_EXPECT_EQ(ex_pool_quick_bytes(FALSE), 0);
    ExFreePoolWithTag(q, TAG_B);
    after = ex_pool_tag_usage(TAG_B, FALSE);
    KT_EXPECT_EQ(after.allocs, before.allocs + 2);
    KT_EXPECT_EQ(after.frees, before.frees + 2);
    KT_EXPECT_EQ(after.bytes, before.bytes);
}

/* When Mm has no page left, the pool empties its quick lists and gives its
 * kept pages back before it fails an allocation. */
KTEST(pool, quick_lists_empty_when_memory_runs_out)
{
    static PVOID pages[65536];
    ULONG n = 0, size;

    for (size = 16; size <= 4064; size += 16)
        ExFreePoolWithTag(ExAllocatePoolWithTag(NonPagedPool, size, TAG_A),
                          TAG_A);
    KT_EXPECT(ex_pool_quick_bytes(FALSE) > 0);
    while (n < ARRAYSIZE(pages) &&
           (pages[n] = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, TAG_A)) !=
               NULL)
        n++;
    KT_EXPECT(n < ARRAYSIZE(pages));
    KT_EXPECT_EQ(ex_pool_quick_bytes(FALSE), 0);
    KT_EXPECT_EQ(ex_pool_empty_pages(FALSE), 0);
    while (n > 0)
        ExFreePoolWithTag(pages[--n], TAG_A);
}

static PVOID counting_allocate(POOL_TYPE type, SIZE_T bytes, ULONG tag)
{
    return ExAllocatePoolWithTag(type, bytes, tag);
}

KTEST(pool, lookaside_list_reuses_blocks)
{
    static NPAGED_LOOKASIDE_LIST list;
    PVOID a, b;

    ExInitializeNPagedLookasideList(&list, counting_allocate, NULL, 0, 48,
                                    TAG_A, 2);
    a = ExAllocateFromNPagedLookasideList(&list);
    KT_ASSERT(a != NULL);
    ExFreeToNPagedLookasideList(&list, a);
    b = ExAllocateFromNPagedLookasideList(&list);
    KT_EXPECT_PTR_EQ(b, a);
    KT_EXPECT_EQ(list.L.TotalAllocates, 2);
    KT_EXPECT_EQ(list.L.AllocateMisses, 1);
    ExFreeToNPagedLookasideList(&list, b);
    ExDeleteNPagedLookasideList(&list);
    KT_EXPECT_EQ(ExQueryDepthSList(&list.L.ListHead), 0);
}

static FAST_MUTEX mutex;
static int inside, most_inside;

static void hold_mutex(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    ExAcquireFastMutex(&mutex);
    most_inside = ++inside > most_inside ? inside : most_inside;
    KT_EXPECT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    KeStallExecutionProcessor(30000); /* through several quanta */
    inside--;
    ExReleaseFastMutex(&mutex);
}

KTEST(pool, fast_mutex_excludes_and_raises_to_apc_level)
{
    ETHREAD *t[3];
    int i;

    ExInitializeFastMutex(&mutex);
    inside = most_inside = 0;
    for (i = 0; i < 3; i++)
        t[i] = kt_start_thread(hold_mutex, NULL, 8);
    for (i = 0; i < 3; i++)
        kt_join(t[i]);
    KT_EXPECT_EQ(most_inside, 1);
    KT_EXPECT(mutex.Contention >= 1);
    KT_EXPECT(ExTryToAcquireFastMutex(&mutex));
    KT_EXPECT_EQ(KeGetCurrentIrql(), APC_LEVEL);
    ExReleaseFastMutex(&mutex);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
}

/* ---- Misuse -------------------------------------------------------------- */

KTEST_STOP(pool, double_free, BAD_POOL_CALLER)
{
    PVOID p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);
    PVOID guard = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);

    UNREFERENCED_PARAMETER(guard);
    ktest_expect_params(KTEST_P1 | KTEST_P4, 0x07, 0, 0, va_of(p));
    ExFreePool(p);
    ExFreePool(p);
}

/* The same, once the block has left its quick list and merged. */
KTEST_STOP(pool, double_free_after_merge, BAD_POOL_CALLER)
{
    PVOID guard = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);
    PVOID p = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);
    PVOID guard2 = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);

    UNREFERENCED_PARAMETER(guard);
    UNREFERENCED_PARAMETER(guard2);
    ktest_expect_params(KTEST_P1 | KTEST_P4, 0x07, 0, 0, va_of(p));
    ExFreePool(p);
    ex_pool_flush();
    ExFreePool(p);
}

KTEST_STOP(pool, free_with_the_wrong_tag, BAD_POOL_CALLER)
{
    PVOID p = ExAllocatePoolWithTag(PagedPool, 64, TAG_A);

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4, 0x0A,
                        va_of(p), TAG_A, TAG_B);
    ExFreePoolWithTag(p, TAG_B);
}

KTEST_STOP(pool, paged_allocation_at_dispatch_level, BAD_POOL_CALLER)
{
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4, 0x08,
                        DISPATCH_LEVEL, PagedPool, 32);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExAllocatePoolWithTag(PagedPool, 32, TAG_A);
}

KTEST_STOP(pool, nonpaged_allocation_above_dispatch_level, BAD_POOL_CALLER)
{
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2, 0x08, CLOCK_LEVEL, 0, 0);
    KeRaiseIrql(CLOCK_LEVEL, &old);
    ExAllocatePoolWithTag(NonPagedPool, 32, TAG_A);
}

KTEST_STOP(pool, paged_free_at_dispatch_level, BAD_POOL_CALLER)
{
    PVOID p = ExAllocatePoolWithTag(PagedPool, 32, TAG_A);
    KIRQL old;

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P4, 0x09, DISPATCH_LEVEL, 0,
                        va_of(p));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    ExFreePool(p);
}

KTEST_STOP(pool, free_of_a_user_address, BAD_POOL_CALLER)
{
    PVOID p = HAL_VA_PTR(0x00400000);

    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, 0x40, va_of(p),
                        MM_SYSTEM_RANGE_START, 0);
    ExFreePool(p);
}

KTEST_STOP(pool, free_of_an_address_in_no_pool, BAD_POOL_CALLER)
{
    PVOID p = HAL_VA_PTR(MM_SYSTEM_PTE_START + 0x1010);

    ktest_expect_params(KTEST_P1 | KTEST_P2, 0x42, va_of(p), 0, 0);
    ExFreePool(p);
}

KTEST_STOP(pool, free_of_a_page_never_allocated, BAD_POOL_CALLER)
{
    PVOID p = HAL_VA_PTR(MM_NONPAGED_POOL_END - 16 * PAGE_SIZE);

    ktest_expect_params(KTEST_P1 | KTEST_P2, 0x44, va_of(p), 0, 0);
    ExFreePool(p);
}

KTEST_STOP(pool, must_succeed_pool_is_refused, BAD_POOL_CALLER)
{
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4, 0x9A,
                        NonPagedPoolMustSucceed, 100, TAG_A);
    ExAllocatePoolWithTag(NonPagedPoolMustSucceed, 100, TAG_A);
}

KTEST_STOP(pool, zero_tag_is_refused, BAD_POOL_CALLER)
{
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, 0x9B, PagedPool, 100,
                        0);
    ExAllocatePoolWithTag(PagedPool, 100, 0);
}

KTEST_STOP(pool, zero_bytes_are_refused, BAD_POOL_CALLER)
{
    ktest_expect_params(KTEST_P1 | KTEST_P3 | KTEST_P4, 0x00, 0, PagedPool,
                        TAG_A);
    ExAllocatePoolWithTag(PagedPool, 0, TAG_A);
}
