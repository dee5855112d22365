/*
 * Benchmarks of memory management (issue: Mm): pool allocation, the
 * demand-zero fault of a user page, and a page's trip to the paging file
 * and back.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../kernel/mm/pager.h"
#include "../kernel/ps/ps.h"
#include "baseline.h"

#define RUNS        5
#define POOL_ROUNDS 200000
#define FAULT_PAGES 2048
#define IO_PAGES    1000

static ULONGLONG min_of(ULONGLONG a, ULONGLONG b)
{
    return a < b ? a : b;
}

KBENCH(pool_alloc_free)
{
    ULONGLONG best = ~0ull, start, state;
    int run, i;

    for (run = 0; run < RUNS; run++) {
        state = 1;
        start = hal_clock_ns();
        for (i = 0; i < POOL_ROUNDS; i++) {
            PVOID p =
                ExAllocatePoolWithTag(NonPagedPool, bench_size(&state), 'hcnB');

            ExFreePoolWithTag(p, 'hcnB');
        }
        best = min_of(best, (hal_clock_ns() - start) * 1000 / POOL_ROUNDS);
    }
    kbench_report("pool_alloc_free", best, baseline_malloc_free_ps(),
                  "glibc malloc + free of the same sizes", "1.0");
}

KBENCH(demand_zero_fault)
{
    EPROCESS *process;
    ULONGLONG best = ~0ull, start;
    KAPC_STATE state;
    PVOID base;
    SIZE_T size, zero;
    int run, i;

    if (!NT_SUCCESS(ps_create_process("bench", &process)))
        return;
    KeStackAttachProcess(&process->Pcb, &state);
    for (run = 0; run < RUNS; run++) {
        base = NULL;
        size = FAULT_PAGES * PAGE_SIZE;
        zero = 0;
        ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        start = hal_clock_ns();
        for (i = 0; i < FAULT_PAGES; i++)
            ((volatile PUCHAR)base)[i * PAGE_SIZE] = 1;
        best = min_of(best, (hal_clock_ns() - start) * 1000 / FAULT_PAGES);
        ZwFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE);
    }
    KeUnstackDetachProcess(&state);
    ObDereferenceObject(process);
    kbench_report("demand_zero_fault", best, baseline_minor_fault_ps(),
                  "Linux minor fault on fresh anonymous memory", "-");
}

KBENCH(page_out_in)
{
    volatile ULONG *p =
        ExAllocatePoolWithTag(PagedPool, IO_PAGES * PAGE_SIZE, 'hcnB');
    ULONGLONG best = ~0ull, start;
    int run, i;

    if (p == NULL)
        return;
    for (i = 0; i < IO_PAGES; i++)
        p[i * PAGE_SIZE / 4] = (ULONG)i;
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        mm_trim_all(TRUE);
        for (i = 0; i < IO_PAGES; i++)
            p[i * PAGE_SIZE / 4] += 1; /* in, and dirty for the next out */
        best = min_of(best, (hal_clock_ns() - start) * 1000 / IO_PAGES);
    }
    ExFreePoolWithTag((PVOID)p, 'hcnB');
    kbench_report("page_out_in", best, baseline_file_page_io_ps(),
                  "4 KiB pwrite + pread of a host file", "-");
}
