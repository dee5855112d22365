/*
 * The software MMU. The guest's 4 GiB virtual address space is a window of
 * the host address space, reserved PROT_NONE. A guest page becomes
 * accessible when the fault handler (trap.c) finds a valid PTE for it and
 * calls mmu_fill, which maps the frame from the RAM memfd at that place with
 * the PTE's protection. The set of pages mapped this way is the TLB: it
 * keeps each translation until hal_mmu_invalidate or a flush drops it, so a
 * PTE rewritten without invalidation keeps its old meaning, as on x86.
 *
 * Accessed and Dirty are kept exactly: a fill sets Accessed; a writable page
 * whose Dirty bit is clear is mapped read-only, so its first write faults
 * again and sets Dirty.
 *
 * Host mappings are tracked per page in tlb[] (frame | TLB_* flags) and
 * counted per 4 MiB region, so a flush can drop a region whole with one mmap
 * call when it holds no Global page.
 *
 * With a host debugger attached (debug.c), read-only pages of system space
 * (a driver's code) are mapped as private copy-on-write views of their
 * frames: the debugger's writes of breakpoints cannot go into a read-only
 * shared mapping, and a private one takes them without the guest seeing a
 * writable page. When such a page leaves the TLB, what the debugger wrote
 * into it is written to its frame, so the breakpoints it holds come back
 * with the next fill (as they would stay in a real machine's memory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "hosted.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define TLB_MAPPED 0x1u
#define TLB_WRITE  0x2u
#define TLB_GLOBAL 0x4u
#define TLB_PRIVATE 0x8u /* a private view: the debugger may have written */

#define MM_SYSTEM_START        0x80000000u
#define MM_SYSTEM_REGION_FIRST (MM_SYSTEM_START >> 22)

static struct {
    uint32_t *tlb;         /* per guest page */
    uint16_t local[1024];  /* non-Global pages mapped, per region */
    uint16_t global[1024]; /* Global pages mapped, per region */
    ULONG pd_pfn;
} mmu;

const ULONG window_low = WINDOW_LOW;

/* --strict: user accesses honour the Owner bit (else user code is trusted
 * with every valid page, as documented). */
bool mmu_user_strict;

/* Counts whole-TLB evictions; trap.c re-checks its frame after one. */
unsigned long mmu_evictions;

static void *host(ULONG va)
{
    return HAL_VA_PTR(va);
}

void mmu_init(void)
{
    void *want = host(WINDOW_LOW);
    size_t len = ((size_t)1 << 32) - WINDOW_LOW;
    void *got =
        mmap(want, len, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
             -1, 0);

    if (got != want) {
        if (got != MAP_FAILED)
            munmap(got, len);
        hosted_die("cannot reserve the guest address window %p-%p "
                   "(something is mapped there, or vm.mmap_min_addr > %#x)",
                   want, (void *)((char *)want + len - 1), WINDOW_LOW);
    }
    mmu.tlb = mmap(NULL, WINDOW_PAGES * sizeof(uint32_t),
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mmu.tlb == MAP_FAILED)
        hosted_die("cannot allocate the TLB table (%m)");
}

/* Writes what a debugger changed in the private views among the pages
 * [va, va + pages) to their frames. */
static void keep_debugger_writes(ULONG va, ULONG pages)
{
    ULONG page = va >> PAGE_SHIFT, i;

    for (i = 0; i < pages; i++) {
        uint32_t e = mmu.tlb[page + i];
        uint8_t *frame = ram_frame(e >> PAGE_SHIFT);
        const void *view = host((page + i) << PAGE_SHIFT);

        if ((e & TLB_PRIVATE) && frame != NULL &&
            memcmp(frame, view, PAGE_SIZE) != 0)
            memcpy(frame, view, PAGE_SIZE);
    }
}

/* Returns the range [va, va + pages) to PROT_NONE and forgets it. */
static void drop(ULONG va, ULONG pages)
{
    ULONG i;

    if (debug_attached)
        keep_debugger_writes(va, pages);
    if (mmap(host(va), (size_t)pages * PAGE_SIZE, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
             0) == MAP_FAILED)
        hosted_die("cannot unmap guest pages at %#x (%m)", va);
    UNPOISON(host(va), (size_t)pages * PAGE_SIZE);
    for (i = 0; i < pages; i++) {
        ULONG page = (va >> PAGE_SHIFT) + i;
        uint32_t e = mmu.tlb[page];

        if (!(e & TLB_MAPPED))
            continue;
        if (e & TLB_GLOBAL)
            mmu.global[page >> 10]--;
        else
            mmu.local[page >> 10]--;
        mmu.tlb[page] = 0;
    }
}

/*
 * Maps frames pfn.. at pages va.. (n of them, one host mapping). Linux
 * limits the number of host mappings (vm.max_map_count); when it is reached
 * the TLB is emptied, as a real TLB would evict, and the mapping is tried
 * once more.
 */
static void map(ULONG va, ULONG pfn, ULONG n, bool writable, bool global)
{
    int prot = PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0);
    bool private = debug_attached && !writable && va >= MM_SYSTEM_START;
    ULONG page = va >> PAGE_SHIFT, i;
    int tries;

    for (i = 0; i < n; i++) {
        if (mmu.tlb[page + i] & TLB_MAPPED)
            drop((page + i) << PAGE_SHIFT, 1);
    }
    for (tries = 0;; tries++) {
        if (mmap(host(va), (size_t)n * PAGE_SIZE, prot,
                 (private ? MAP_PRIVATE : MAP_SHARED) | MAP_FIXED, ram_fd(),
                 (off_t)pfn * PAGE_SIZE) != MAP_FAILED)
            break;
        if (errno != ENOMEM || tries == 1)
            hosted_die("cannot map a guest page at %#x: %m "
                       "(host mapping limit: see vm.max_map_count)",
                       va);
        hal_mmu_flush(TRUE);
        mmu_evictions++;
    }
    for (i = 0; i < n; i++) {
        mmu.tlb[page + i] = ((pfn + i) << PAGE_SHIFT) | TLB_MAPPED |
                            (writable ? TLB_WRITE : 0) |
                            (global ? TLB_GLOBAL : 0) |
                            (private ? TLB_PRIVATE : 0);
        if (global)
            mmu.global[(page + i) >> 10]++;
        else
            mmu.local[(page + i) >> 10]++;
    }
}

/* How a valid PTE would be mapped: its host-visible attributes. */
static uint32_t map_attributes(uint32_t pde, uint32_t pte)
{
    bool writable = (pde & pte & X86_PTE_WRITE) && (pte & X86_PTE_DIRTY);

    return (writable ? X86_PTE_WRITE : 0) | (pte & X86_PTE_GLOBAL) |
           (pde & pte & X86_PTE_OWNER);
}

/* Can entry i of the page table at pt_pa join a run: used before, not
 * mapped now, frame want, mapped with attributes attr? */
static bool joins_run(uint64_t pt_pa, ULONG va_page, int i, uint32_t pde,
                      ULONG want, uint32_t attr)
{
    uint32_t e;
    ULONG page = (va_page & ~0x3FFu) | (ULONG)i;

    if (i < 0 || i > 1023 || (page << PAGE_SHIFT) < window_low ||
        (mmu.tlb[page] & TLB_MAPPED) || want >= hal_ram_pages())
        return false;
    e = ram_read32(pt_pa + (uint64_t)i * 4);
    return (e & (X86_PTE_VALID | X86_PTE_ACCESSED)) ==
               (X86_PTE_VALID | X86_PTE_ACCESSED) &&
           (e >> PAGE_SHIFT) == want && map_attributes(pde, e) == attr;
}

/*
 * Maps the faulting page of a page table together with its neighbours that
 * were used before (Accessed set) and whose frames follow on, with one host
 * mapping: after an address-space switch a process's pages come back in
 * runs rather than one fault each. Pages never accessed are left alone, so
 * Accessed stays exact.
 */
#define RUN_REACH 32
static void map_with_neighbours(ULONG va, uint64_t pt_pa, uint32_t pde,
                                uint32_t pte)
{
    ULONG page = va >> PAGE_SHIFT, pfn = pte >> PAGE_SHIFT;
    uint32_t attr = map_attributes(pde, pte);
    int index = (int)(page & 0x3FF), lo = 0, hi = 0;

    while (lo < RUN_REACH && joins_run(pt_pa, page, index - lo - 1, pde,
                                       pfn - (ULONG)lo - 1, attr))
        lo++;
    while (hi < RUN_REACH && joins_run(pt_pa, page, index + hi + 1, pde,
                                       pfn + (ULONG)hi + 1, attr))
        hi++;
    map((page - (ULONG)lo) << PAGE_SHIFT, pfn - (ULONG)lo, (ULONG)(lo + hi + 1),
        attr & X86_PTE_WRITE, attr & X86_PTE_GLOBAL);
}

/*
 * Translates va through the active page directory for an access of the
 * given kind, and on success maps the page into the window. Sets Accessed
 * (and Dirty for a write) in guest RAM. Runs in the signal handler: it must
 * not fault.
 */
fill_result mmu_fill(ULONG va, bool write, bool user)
{
    uint64_t pde_pa = (uint64_t)mmu.pd_pfn * PAGE_SIZE + (va >> 22) * 4;
    uint32_t pde = ram_read32(pde_pa), pte;
    uint64_t pte_pa;
    ULONG pfn;
    bool writable;

    if (!(pde & X86_PTE_VALID))
        return FILL_NOT_PRESENT;
    if (pde & X86_PTE_LARGE) {
        pte = pde;
        pte_pa = pde_pa;
        pfn = ((pde & X86_PDE_LARGE_FRAME) >> PAGE_SHIFT) |
              ((va >> PAGE_SHIFT) & 0x3FF);
    } else {
        pte_pa = (pde & X86_PTE_FRAME) + ((va >> PAGE_SHIFT) & 0x3FF) * 4;
        pte = ram_read32(pte_pa);
        if (!(pte & X86_PTE_VALID))
            return FILL_NOT_PRESENT;
        pfn = pte >> PAGE_SHIFT;
    }
    writable = (pde & pte & X86_PTE_WRITE) != 0;
    if ((write && !writable) ||
        (user && mmu_user_strict && !(pde & pte & X86_PTE_OWNER)) ||
        pfn >= hal_ram_pages())
        return FILL_PROTECTION;
    if (!(pde & X86_PTE_ACCESSED))
        ram_write32(pde_pa, pde | X86_PTE_ACCESSED);
    pte |= X86_PTE_ACCESSED | (write ? X86_PTE_DIRTY : 0);
    ram_write32(pte_pa, pte);
    if (pde & X86_PTE_LARGE)
        map(va & ~(PAGE_SIZE - 1), pfn, 1, writable && (pte & X86_PTE_DIRTY),
            (pte & X86_PTE_GLOBAL) != 0);
    else
        map_with_neighbours(va & ~(PAGE_SIZE - 1), pde & X86_PTE_FRAME, pde,
                            pte);
    return FILL_OK;
}

/* True when va is mapped writable in the window now. */
bool mmu_writable(ULONG va)
{
    return (mmu.tlb[va >> PAGE_SHIFT] & (TLB_MAPPED | TLB_WRITE)) ==
           (TLB_MAPPED | TLB_WRITE);
}

void hal_mmu_invalidate(ULONG va)
{
    va &= ~(PAGE_SIZE - 1);
    if (mmu.tlb[va >> PAGE_SHIFT] & TLB_MAPPED)
        drop(va, 1);
}

/* Drops the non-Global pages of region r (4 MiB), whole when it can. */
static void flush_region(ULONG r, bool all)
{
    ULONG first = r << 10, i;

    if (all || mmu.global[r] == 0) {
        ULONG skip = r == 0 ? WINDOW_LOW >> PAGE_SHIFT : 0;

        drop((first + skip) << PAGE_SHIFT, 1024 - skip);
        return;
    }
    for (i = 0; i < 1024 && mmu.local[r] > 0; i++) {
        uint32_t e = mmu.tlb[first + i];

        if ((e & TLB_MAPPED) && !(e & TLB_GLOBAL))
            drop((first + i) << PAGE_SHIFT, 1);
    }
}

void hal_mmu_flush(BOOLEAN all)
{
    ULONG r;

    for (r = 0; r < 1024; r++) {
        if (mmu.local[r] != 0 || (all && mmu.global[r] != 0))
            flush_region(r, all);
    }
}

void mmu_drop_system(void)
{
    ULONG r;

    for (r = MM_SYSTEM_REGION_FIRST; r < 1024; r++) {
        if (mmu.local[r] != 0 || mmu.global[r] != 0)
            flush_region(r, true);
    }
}

void hal_mmu_activate(ULONG pd_pfn)
{
    mmu.pd_pfn = pd_pfn;
    hal_mmu_flush(FALSE);
}

ULONG hal_mmu_active(void)
{
    return mmu.pd_pfn;
}
