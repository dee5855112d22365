/*
 * Paging: paged pool reached from every context, trimmed to the paging
 * file and brought back, and what happens at DISPATCH_LEVEL.
 */
#include "../../kernel/mm/pager.h"
#include "kt_util.h"

#define TAG 'gpsT'

static ULONG peek(volatile ULONG *p)
{
    ULONG v;

    KT_BARRIER();
    v = *p;
    KT_BARRIER();
    return v;
}

static volatile ULONG *shared;
static ULONG seen_in_dpc;

static VOID read_in_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    seen_in_dpc = *shared;
}

static ULONG seen_in_thread;

static void read_in_thread(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    seen_in_thread = *shared;
}

/* Paged pool is in system space: the same in every process's context, in
 * a system thread, and in a DPC (while it is resident). */
KTEST(paging, paged_pool_is_the_same_in_every_context)
{
    static EPROCESS *a, *b;
    KAPC_STATE state;
    KDPC dpc;

    shared = ExAllocatePoolWithTag(PagedPool, sizeof(ULONG), TAG);
    KT_ASSERT(shared != NULL);
    KT_ASSERT((a = kt_make_process("procA")) != NULL);
    KT_ASSERT((b = kt_make_process("procB")) != NULL);
    KeStackAttachProcess(&a->Pcb, &state);
    *shared = 0x5A5A1234;
    KeUnstackDetachProcess(&state);
    KeStackAttachProcess(&b->Pcb, &state);
    KT_EXPECT_EQ(peek(shared), 0x5A5A1234);
    KeInitializeDpc(&dpc, read_in_dpc, NULL);
    KeInsertQueueDpc(&dpc, NULL, NULL); /* runs here, in process B */
    KeUnstackDetachProcess(&state);
    KT_EXPECT_EQ(seen_in_dpc, 0x5A5A1234);
    kt_join(kt_start_thread(read_in_thread, NULL, 8));
    KT_EXPECT_EQ(seen_in_thread, 0x5A5A1234);
    ExFreePoolWithTag((PVOID)shared, TAG);
    kt_delete_process(a);
    kt_delete_process(b);
}

/* Trimmed and purged, a page lives only in the paging file; touched at
 * PASSIVE_LEVEL it is read back intact. */
KTEST(paging, trimmed_to_the_paging_file_and_back)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, 3 * PAGE_SIZE, TAG);
    mm_paging_stats before, after;
    ULONG i, pte;

    KT_ASSERT(p != NULL);
    for (i = 0; i < 3 * PAGE_SIZE / 4; i++)
        p[i] = i * 2654435761u;
    mm_get_paging_stats(&before);
    mm_trim_all(TRUE);
    pte = mm_read_pte(HAL_PTR_VA(p));
    KT_EXPECT_EQ(pte & X86_PTE_VALID, 0);
    KT_EXPECT(!mm_pte_is_transition(pte));
    KT_EXPECT(mm_pte_slot(pte) != 0);
    for (i = 0; i < 3 * PAGE_SIZE / 4; i++) {
        if (peek(&p[i]) != i * 2654435761u) {
            KT_EXPECT_EQ(p[i], i * 2654435761u);
            break;
        }
    }
    mm_get_paging_stats(&after);
    KT_EXPECT_EQ(after.page_ins - before.page_ins, 3);
    KT_EXPECT(after.page_outs - before.page_outs >= 3);
    ExFreePoolWithTag(p, TAG);
}

/* Trimmed but not purged, the page waits on a list: a soft fault. */
KTEST(paging, trimmed_page_comes_back_from_the_standby_list)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, PAGE_SIZE, TAG);
    mm_paging_stats before, after;

    KT_ASSERT(p != NULL);
    p[7] = 77;
    mm_get_paging_stats(&before);
    mm_trim_all(FALSE);
    KT_EXPECT(mm_pte_is_transition(mm_read_pte(HAL_PTR_VA(p))));
    KT_EXPECT_EQ(peek(&p[7]), 77);
    mm_get_paging_stats(&after);
    KT_EXPECT_EQ(after.soft_faults - before.soft_faults, 1);
    KT_EXPECT_EQ(after.page_ins, before.page_ins);
    ExFreePoolWithTag(p, TAG);
}

/* A trim gives pages used since the last one a second chance. */
KTEST(paging, recently_used_pages_survive_a_trim)
{
    PULONG p = ExAllocatePoolWithTag(PagedPool, 2 * PAGE_SIZE, TAG);
    ULONG va = HAL_PTR_VA(p);

    KT_ASSERT(p != NULL);
    p[0] = 1;
    p[PAGE_SIZE / 4] = 2;
    /* A first pass clears Accessed on both; then only page 0 is used. */
    mm_trim_working_set(&mm_system_ws, mm_system_ws.count, FALSE);
    KT_EXPECT(mm_read_pte(va + PAGE_SIZE) & X86_PTE_VALID);
    p[1] = 3;
    mm_trim_working_set(&mm_system_ws, mm_system_ws.count, FALSE);
    KT_EXPECT(mm_read_pte(va) & X86_PTE_VALID);
    KT_EXPECT(!(mm_read_pte(va + PAGE_SIZE) & X86_PTE_VALID));
    KT_EXPECT_EQ(peek(&p[PAGE_SIZE / 4]), 2);
    ExFreePoolWithTag(p, TAG);
}

KTEST(paging, resident_paged_pool_works_at_dispatch_level)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    KIRQL old;

    KT_ASSERT(p != NULL);
    *p = 5;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KT_EXPECT_EQ(peek(p), 5);
    *p = 6;
    KeLowerIrql(old);
    KT_EXPECT_EQ(peek(p), 6);
    ExFreePoolWithTag((PVOID)p, TAG);
}

KTEST_STOP(paging, trimmed_paged_pool_at_dispatch_level_from_the_kernel,
           IRQL_NOT_LESS_OR_EQUAL)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    KIRQL old;

    *p = 5;
    mm_trim_all(FALSE);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, HAL_PTR_VA(p),
                        DISPATCH_LEVEL, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    (void)peek(p);
}

#if defined(__x86_64__)
/* "mov (%rdi),%eax; ret": code placed in nonpaged pool is in no driver's
 * image, so NT reports the kernel's code: 0xA, with the exact four. */
static const UCHAR load_code[] = {0x8B, 0x07, 0xC3};

KTEST_STOP(paging, trimmed_paged_pool_at_dispatch_level_from_code_in_pool,
           IRQL_NOT_LESS_OR_EQUAL)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    PUCHAR code = ExAllocatePoolWithTag(NonPagedPool, sizeof load_code, TAG);
    ULONG (*load)(volatile ULONG *) = (ULONG(*)(volatile ULONG *))code;
    KIRQL old;

    RtlCopyMemory(code, load_code, sizeof load_code);
    *p = 5;
    mm_trim_all(FALSE);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
                        HAL_PTR_VA(p), DISPATCH_LEVEL, 0, HAL_PTR_VA(code));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    load(p);
}
#endif

/* A driver's routine (testload.sys's TestRead, whose first instruction is
 * the load) touching trimmed paged pool at DISPATCH_LEVEL: 0xD1 with the
 * address, the IRQL, 0 for a read and the driver's instruction. */
KTEST_STOP(paging, trimmed_paged_pool_at_dispatch_level_from_a_driver,
           DRIVER_IRQL_NOT_LESS_OR_EQUAL)
{
    volatile ULONG *p = ExAllocatePoolWithTag(PagedPool, 16, TAG);
    mm_system_image *image = NULL;
    ULONG (*read)(volatile ULONG *);
    KIRQL old;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    read = (ULONG(*)(volatile ULONG *))mm_image_symbol(image, "TestRead");
    KT_ASSERT(read != NULL && p != NULL);
    *p = 5;
    KT_EXPECT_EQ(read(p), 5);
    mm_trim_all(FALSE);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
                        HAL_PTR_VA(p), DISPATCH_LEVEL, 0, HAL_PTR_VA(read));
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    read(p);
}

/*
 * More paged pool than there is RAM (when the paged pool region allows; else
 * a purge between the passes forces the same), every word written and
 * checked twice: pages go out to the paging file and come back under
 * pressure, and what comes back is what went out.
 */
KTEST(paging, stress_more_paged_pool_than_memory)
{
    ULONG region = (MM_PAGED_POOL_END - MM_PAGED_POOL_START) >> PAGE_SHIFT;
    ULONG chunk = 256, pages = mm_total_frames() + 1024, n, b, i, pass;
    ULONG bad = 0, made = 0;
    PULONG *blocks;
    mm_paging_stats before, after;

    if (pages > region / 2)
        pages = region / 2;
    n = pages / chunk;
    blocks = ExAllocatePoolWithTag(NonPagedPool, n * sizeof(PULONG), TAG);
    KT_ASSERT(blocks != NULL);
    KT_ASSERT(hal_pagefile_slots() >= pages);
    mm_get_paging_stats(&before);
    for (made = 0; made < n; made++) {
        blocks[made] = ExAllocatePoolWithTag(PagedPool, chunk * PAGE_SIZE, TAG);
        if (blocks[made] == NULL)
            break;
        for (i = 0; i < chunk * PAGE_SIZE / 4; i++)
            blocks[made][i] = (made << 20) ^ i;
    }
    KT_EXPECT_EQ(made, n);
    for (pass = 0; pass < 2; pass++) {
        if (pages <= mm_total_frames())
            mm_trim_all(TRUE);
        for (b = 0; b < made; b++) {
            for (i = 0; i < chunk * PAGE_SIZE / 4; i++)
                bad += blocks[b][i] != ((b << 20) ^ i);
        }
    }
    mm_get_paging_stats(&after);
    for (b = 0; b < made; b++)
        ExFreePoolWithTag(blocks[b], TAG);
    ExFreePoolWithTag(blocks, TAG);
    KT_EXPECT_EQ(bad, 0);
    KT_EXPECT(after.page_outs - before.page_outs > 1024);
    KT_EXPECT(after.page_ins - before.page_ins > 1024);
    ktest_note("%u pages through %u frames: %u written out, %u read back",
               pages, mm_total_frames(), after.page_outs - before.page_outs,
               after.page_ins - before.page_ins);
}
