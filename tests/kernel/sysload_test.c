/*
 * Driver images: the test drivers (drivers/test*) loaded into the system
 * image region with their imports bound and relocations applied, their
 * DriverEntry called (with NULL arguments: the I/O manager is not in the
 * way here); PAGE sections trimmed to the paging file and faulted back;
 * loads that must fail; everything given back at unload.
 */
#include "../../kernel/ex/ex.h"
#include "../../kernel/mm/pager.h"
#include "kt_util.h"

#define LOADER_TAG 'dLmM' /* the loader's pool tag */
#define DRIVER_TAG 'lTsT' /* testload.sys's */

typedef NTSTATUS(NTAPI *entry_routine)(PVOID DriverObject, PVOID RegistryPath);
typedef ULONG (*paged_routine)(ULONG x);

static NTSTATUS call_entry(const mm_system_image *image)
{
    return ((entry_routine)image->entry)(NULL, NULL);
}

static ULONG peek(const volatile ULONG *p)
{
    ULONG v;

    KT_BARRIER();
    v = *p;
    KT_BARRIER();
    return v;
}

static ULONG pte_of(const void *p)
{
    return mm_read_pte(HAL_PTR_VA(p));
}

/* What an image holds in the region: pages mapped or paged out. */
static ULONG region_pages_in_use(void)
{
    ULONG va, n = 0;

    for (va = MM_SYSTEM_IMAGES_START; va < MM_SYSTEM_IMAGES_END;
         va += PAGE_SIZE)
        n += mm_read_pte(va) != 0;
    return n;
}

/* DriverEntry runs: pool, strings, an exported variable and the C runtime
 * through bound imports, its own routines through relocated pointers. */
KTEST(sysload, driver_entry_runs_with_its_imports_bound)
{
    ULONG allocs = ex_pool_tag_usage(DRIVER_TAG, TRUE).allocs;
    mm_system_image *image = NULL;
    PULONG count;

    KT_ASSERT_EQ(mm_load_system_image("TESTLOAD.SYS", &image), STATUS_SUCCESS);
    KT_EXPECT_STR_EQ(image->name, "testload.sys");
    KT_EXPECT(mm_is_system_image(image->base));
    KT_EXPECT_EQ(image->base & (PAGE_SIZE - 1), 0);
    KT_EXPECT(mm_image_at(HAL_PTR_VA(image->entry)) == image);
    count = mm_image_symbol(image, "TestLoadCount");
    KT_ASSERT(count != NULL);
    KT_EXPECT_EQ(*count, 40);
    KT_EXPECT_EQ(call_entry(image), STATUS_SUCCESS);
    KT_EXPECT_EQ(call_entry(image), STATUS_SUCCESS);
    KT_EXPECT_EQ(*count, 42);
    KT_EXPECT_EQ(ex_pool_tag_usage(DRIVER_TAG, TRUE).bytes, 0);
    KT_EXPECT_EQ(ex_pool_tag_usage(DRIVER_TAG, TRUE).allocs - allocs, 2);
    mm_unload_system_image(image);
}

/* Relocations hold the image's own addresses; imports the kernel's. */
KTEST(sysload, relocations_point_into_the_image_and_at_the_exports)
{
    mm_system_image *image = NULL;
    paged_routine *pointer;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    pointer = mm_image_symbol(image, "TestPagedRoutine");
    KT_ASSERT(pointer != NULL);
    KT_EXPECT_PTR_EQ(*pointer, mm_image_symbol(image, "TestPagedTwice"));
    KT_EXPECT(mm_image_at(HAL_PTR_VA(*pointer)) == image);
    KT_EXPECT_PTR_EQ(mm_find_export("ExAllocatePoolWithTag"),
                     &ExAllocatePoolWithTag);
    KT_EXPECT_PTR_EQ(mm_find_export("PsInitialSystemProcess"),
                     &PsInitialSystemProcess);
    KT_EXPECT(mm_find_export("memcpy") != NULL);
    KT_EXPECT(mm_find_export("wcslen") != NULL);
    KT_EXPECT(mm_find_export("NtlabNoSuchRoutine") == NULL);
    KT_EXPECT(mm_find_export("mm_find_export") == NULL);
    mm_unload_system_image(image);
}

/* mm_find_export searches the generated table by halves: it must be
 * sorted, and then finds every name in it. */
KTEST(sysload, the_export_table_is_sorted)
{
    ULONG i;

    KT_EXPECT(mm_export_count > 100);
    for (i = 0; i < mm_export_count; i++) {
        if (i > 0 &&
            rtl_strcmp(mm_exports[i - 1].name, mm_exports[i].name) >= 0)
            ktest_fail(__FILE__, __LINE__, "%s is listed before %s",
                       mm_exports[i - 1].name, mm_exports[i].name);
        if (mm_find_export(mm_exports[i].name) != mm_exports[i].address)
            ktest_fail(__FILE__, __LINE__, "%s is not found",
                       mm_exports[i].name);
    }
}

/* Code and read-only data are mapped read-only, data writable. */
KTEST(sysload, code_is_read_only_and_data_writable)
{
    mm_system_image *image = NULL;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    KT_EXPECT_EQ(pte_of(image->entry) & (X86_PTE_VALID | X86_PTE_WRITE),
                 X86_PTE_VALID);
    KT_EXPECT_EQ(mm_read_pte(image->base) & (X86_PTE_VALID | X86_PTE_WRITE),
                 X86_PTE_VALID);
    KT_EXPECT_EQ(pte_of(mm_image_symbol(image, "TestLoadCount")) &
                     (X86_PTE_VALID | X86_PTE_WRITE),
                 X86_PTE_VALID | X86_PTE_WRITE);
    /* The guard page after the image maps nothing. */
    KT_EXPECT_EQ(mm_read_pte(image->base + image->size), 0);
    mm_unload_system_image(image);
}

/* A PAGE routine and PAGEDATA variable leave memory when trimmed (to the
 * paging file) while the rest of the image stays; touched at PASSIVE_LEVEL
 * they come back intact. */
KTEST(sysload, paged_sections_are_trimmed_and_faulted_back)
{
    mm_system_image *image = NULL;
    mm_paging_stats before, after;
    paged_routine twice;
    PULONG paged_count, count;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    KT_EXPECT_EQ(image->pageable_pages, 2);
    twice = (paged_routine)mm_image_symbol(image, "TestPagedTwice");
    paged_count = mm_image_symbol(image, "TestPagedCount");
    count = mm_image_symbol(image, "TestLoadCount");
    KT_ASSERT(twice != NULL && paged_count != NULL && count != NULL);
    KT_EXPECT_EQ(call_entry(image), STATUS_SUCCESS);
    KT_EXPECT(MmIsAddressValid((PVOID)twice));
    mm_trim_all(TRUE);
    KT_EXPECT(!MmIsAddressValid((PVOID)twice));
    KT_EXPECT(!MmIsAddressValid(paged_count));
    KT_EXPECT(mm_pte_slot(pte_of((PVOID)twice)) != 0);
    KT_EXPECT(MmIsAddressValid(image->entry));
    KT_EXPECT(MmIsAddressValid(count));
    mm_get_paging_stats(&before);
    KT_EXPECT_EQ(twice(21), 42);
    KT_EXPECT_EQ(peek(paged_count), 8);
    mm_get_paging_stats(&after);
    KT_EXPECT_EQ(after.page_ins - before.page_ins, 2);
    KT_EXPECT(MmIsAddressValid((PVOID)twice));
    /* Still read-only once back. */
    KT_EXPECT_EQ(pte_of((PVOID)twice) & X86_PTE_WRITE, 0);
    mm_trim_all(TRUE);
    KT_EXPECT_EQ(call_entry(image), STATUS_SUCCESS);
    KT_EXPECT_EQ(peek(paged_count), 9);
    mm_unload_system_image(image);
}

/* A driver that imports what ntlab does not export is refused, named on
 * the console, and leaves nothing behind. */
KTEST(sysload, a_missing_import_fails_the_load)
{
    mm_system_image *image = NULL;

    KT_EXPECT_EQ(mm_load_system_image("testmissing.sys", &image),
                 STATUS_PROCEDURE_NOT_FOUND);
    KT_EXPECT(image == NULL);
    KT_EXPECT(mm_image_at(MM_SYSTEM_IMAGES_START) == NULL);
    KT_EXPECT_EQ(region_pages_in_use(), 0);
    KT_EXPECT_EQ(ex_pool_tag_usage(LOADER_TAG, FALSE).bytes, 0);
    KT_EXPECT_EQ(ex_pool_tag_usage(LOADER_TAG, TRUE).bytes, 0);
}

KTEST(sysload, images_that_cannot_be_loaded)
{
    mm_system_image *image = NULL;

    KT_EXPECT_EQ(mm_load_system_image("testnoentry.sys", &image),
                 STATUS_DRIVER_ENTRYPOINT_NOT_FOUND);
    KT_EXPECT_EQ(mm_load_system_image("hello.exe", &image),
                 STATUS_INVALID_IMAGE_FORMAT);
    KT_EXPECT_EQ(mm_load_system_image("nosuch.sys", &image),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT(image == NULL);
    KT_EXPECT_EQ(ex_pool_tag_usage(LOADER_TAG, TRUE).bytes, 0);
}

static ULONG frames_left(void)
{
    ex_pool_flush();
    mm_trim_all(TRUE);
    return mm_free_frame_count();
}

/* Loaded, run, paged out and unloaded many times, images give back every
 * frame, paging file slot, pool block and page of the region. */
KTEST(sysload, load_and_unload_give_everything_back)
{
    mm_system_image *image = NULL, *again = NULL;
    mm_paging_stats before, after;
    ULONG frames, base, i;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    base = image->base;
    mm_unload_system_image(image);
    KT_EXPECT_EQ(region_pages_in_use(), 0);
    frames = frames_left();
    mm_get_paging_stats(&before);
    for (i = 0; i < 100; i++) {
        KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image),
                     STATUS_SUCCESS);
        KT_ASSERT_EQ(mm_load_system_image("testload.sys", &again),
                     STATUS_SUCCESS);
        KT_EXPECT_EQ(image->base, base);
        KT_EXPECT(again->base >= base + image->size + PAGE_SIZE);
        KT_EXPECT_EQ(call_entry(again), STATUS_SUCCESS);
        if (i % 10 == 0)
            mm_trim_all(i % 20 == 0);
        mm_unload_system_image(image);
        mm_unload_system_image(again);
        if (i % 25 == 0)
            KT_EXPECT_EQ(mm_load_system_image("testmissing.sys", &image),
                         STATUS_PROCEDURE_NOT_FOUND);
    }
    KT_EXPECT_EQ(region_pages_in_use(), 0);
    KT_EXPECT(mm_image_at(base) == NULL);
    KT_EXPECT_EQ(frames_left(), frames);
    mm_get_paging_stats(&after);
    KT_EXPECT_EQ(after.slots_in_use, before.slots_in_use);
    KT_EXPECT_EQ(ex_pool_tag_usage(LOADER_TAG, FALSE).bytes, 0);
    KT_EXPECT_EQ(ex_pool_tag_usage(LOADER_TAG, TRUE).bytes, 0);
}

static mm_system_image *load_trimmed(paged_routine *twice)
{
    mm_system_image *image = NULL;

    if (!NT_SUCCESS(mm_load_system_image("testload.sys", &image)))
        return NULL;
    *twice = (paged_routine)mm_image_symbol(image, "TestPagedTwice");
    mm_trim_all(TRUE);
    return image;
}

/* Paged code called at DISPATCH_LEVEL when it is out: 0xD1, with the
 * routine as address and instruction (the stop screen names the driver). */
KTEST_STOP(sysload, paged_code_at_dispatch_level_stops,
           DRIVER_IRQL_NOT_LESS_OR_EQUAL)
{
    paged_routine twice = NULL;
    mm_system_image *image = load_trimmed(&twice);

    KT_ASSERT(image != NULL && twice != NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
                        HAL_PTR_VA(twice), DISPATCH_LEVEL, 0,
                        HAL_PTR_VA(twice));
    KfRaiseIrql(DISPATCH_LEVEL);
    twice(1);
}

/* Writing to a driver's code: 0xBE with the address. */
KTEST_STOP(sysload, writing_driver_code_stops,
           ATTEMPTED_WRITE_TO_READONLY_MEMORY)
{
    mm_system_image *image = NULL;

    KT_ASSERT_EQ(mm_load_system_image("testload.sys", &image), STATUS_SUCCESS);
    ktest_expect_params(KTEST_P1, HAL_PTR_VA(image->entry), 0, 0, 0);
    *(volatile UCHAR *)image->entry = 0xCC;
}
