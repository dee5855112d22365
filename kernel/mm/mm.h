/*
 * The memory manager's private interface: the system address space layout,
 * PTE access through the self-map, the PFN database, address spaces, system
 * PTEs and kernel stacks, and the bootstrap allocator.
 *
 * Locking: on this single-CPU kernel the structures here are guarded by
 * raising to DISPATCH_LEVEL (the PFN lock of NT becomes that raise); the
 * functions say which level their caller must be at.
 */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <hal.h>
#include <ntddk.h>

/* ---- Layout (DESIGN.md section 1) ---------------------------------------- */

#define MM_LOWEST_USER_ADDRESS  0x00010000u
#define MM_HIGHEST_USER_ADDRESS 0x7FFEFFFFu
#define MM_USER_PROBE_ADDRESS   0x7FFF0000u
#define MM_SYSTEM_RANGE_START   0x80000000u
#define MM_PFN_DATABASE         0x81000000u /* up to 0x82000000 */
#define MM_PFN_DATABASE_END     0x82000000u
#define PTE_BASE                0xC0000000u /* the self-map: every PTE */
#define PDE_BASE                0xC0300000u /* the page directory itself */
#define MM_HYPERSPACE           0xC0400000u /* per process, 4 MiB */
#define MM_HYPERSPACE_END       0xC0800000u
#define MM_PAGED_POOL_START     0xE1000000u
#define MM_PAGED_POOL_END       0xEB000000u
#define MM_NONPAGED_POOL_START  0xEB000000u
#define MM_NONPAGED_POOL_END    0xF0000000u
#define MM_SYSTEM_PTE_START     0xF0000000u /* kernel stacks, mappings */
#define MM_SYSTEM_PTE_END       0xFFC00000u
#define MM_SHARED_USER_DATA_VA  0xFFDF0000u /* KUSER_SHARED_DATA */
#define MM_KPCR_VA              0xFFDFF000u

#define MM_PDE_SELF_MAP   (PTE_BASE >> 22)      /* 0x300 */
#define MM_PDE_HYPERSPACE (MM_HYPERSPACE >> 22) /* 0x301 */

/* NT's software bits of a PTE (Valid clear, or alongside it). */
#define PTE_COPY_ON_WRITE 0x200u
#define PTE_PROTOTYPE     0x400u
#define PTE_TRANSITION    0x800u

/* What kernel mappings get: valid, writable, global, accessed, dirty. */
#define PTE_KERNEL_RW                                                    \
    (X86_PTE_VALID | X86_PTE_WRITE | X86_PTE_GLOBAL | X86_PTE_ACCESSED | \
     X86_PTE_DIRTY)

#define BYTES_TO_PAGES(n) (((n) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PAGE_ALIGN(va)    ((va) & ~(PAGE_SIZE - 1))

/* The PTE and PDE of va, through the self-map of the current directory. */
static inline volatile ULONG *mm_pte_address(ULONG va)
{
    return HAL_VA_PTR(PTE_BASE + ((va >> PAGE_SHIFT) << 2));
}

static inline volatile ULONG *mm_pde_address(ULONG va)
{
    return HAL_VA_PTR(PDE_BASE + ((va >> 22) << 2));
}

static inline BOOLEAN mm_is_system_address(ULONG va)
{
    return va >= MM_SYSTEM_RANGE_START;
}

/* ---- PFN database (pfn.c) ---------------------------------------------- */

/* Where a frame is: NT's MMLISTS page locations. */
typedef enum mm_page_state {
    MM_ZEROED = 0,
    MM_FREE = 1,
    MM_STANDBY = 2,
    MM_MODIFIED = 3,
    MM_MODIFIED_NO_WRITE = 4,
    MM_BAD = 5,
    MM_ACTIVE = 6,
    MM_TRANSITION = 7,
} mm_page_state;

/*
 * One entry per frame. List links are frame numbers, not pointers, so the
 * entry has one size on every platform; frame 0 is never allocated and
 * serves as the list end.
 */
typedef struct mmpfn {
    ULONG flink;        /* next frame on the state list */
    ULONG blink;        /* previous frame on the state list */
    ULONG pte_va;       /* the PTE that maps this frame, 0 if none */
    ULONG original_pte; /* what that PTE held before (paging) */
    USHORT reference_count;
    USHORT lock_count;
    UCHAR state; /* mm_page_state */
    UCHAR flags;
    USHORT spare;
} MMPFN;

#define MM_FRAME_NONE 0u

/* Reserves frames with the bump allocator; only before mm_init_pfn. */
ULONG mm_boot_frame(void);
void mm_init_pfn(ULONG ram_pages);
MMPFN *mm_pfn(ULONG pfn);

/*
 * Takes a free frame off the free lists and makes it active, zeroed when
 * zeroed is TRUE. Returns MM_FRAME_NONE when none is left. IRQL <=
 * DISPATCH_LEVEL.
 */
ULONG mm_alloc_frame(BOOLEAN zeroed);
/* Returns an active frame with no references left to the free list. */
void mm_free_frame(ULONG pfn);
ULONG mm_free_frame_count(void);
/* Records in frame pfn's entry the PTE (by address) that now maps it. */
void mm_pfn_note_mapping(ULONG pfn, ULONG pte_va);
ULONG mm_total_frames(void);

/* ---- Page tables and address spaces (pte.c, space.c) -------------------- */

/*
 * An address space: a page directory whose system PDEs are shared with
 * every other one, and its private hyperspace page table.
 */
typedef struct mm_space {
    ULONG pd_pfn;
    ULONG hyperspace_pfn;
    LIST_ENTRY link; /* all spaces, for system PDE propagation */
} mm_space;

/* Builds the first directory and turns on translation (boot only). */
void mm_init_paging(mm_space *boot_space);

/*
 * Makes sure va has a page table in the current directory (for a system
 * address: in every directory). Returns STATUS_INSUFFICIENT_RESOURCES when
 * no frame is left. IRQL <= DISPATCH_LEVEL.
 */
NTSTATUS mm_ensure_page_table(ULONG va);

/*
 * Maps frame pfn at va in the current directory with PTE bits flags
 * (X86_PTE_VALID is implied), replacing an invalid PTE. The caller
 * invalidates if it replaces a valid one. IRQL <= DISPATCH_LEVEL.
 */
NTSTATUS mm_map_page(ULONG va, ULONG pfn, ULONG flags);

/* Clears va's PTE and invalidates it; returns what the PTE held. */
ULONG mm_unmap_page(ULONG va);
/* va's PTE in the current directory, or 0 when it has no page table. */
ULONG mm_read_pte(ULONG va);

/* Creates an address space with an empty user half. */
NTSTATUS mm_create_space(mm_space *space);
/* Frees a space's directory, page tables and user frames; not current. */
void mm_delete_space(mm_space *space);
/* Loads space's directory (CR3). IRQL >= DISPATCH_LEVEL or attach rules. */
void mm_activate_space(const mm_space *space);

/* ---- System PTEs, kernel stacks, bootstrap pool (syspte.c, pool.c) ------ */

/* Reserves n contiguous system PTEs (invalid); returns their VA or 0. */
ULONG mm_reserve_system_ptes(ULONG n);
void mm_release_system_ptes(ULONG va, ULONG n);

/*
 * Kernel stacks: KERNEL_STACK_SIZE bytes (12 KiB as on NT x86; twice that
 * where pointers are 64 bits) of resident memory with one
 * no-access guard page below. mm_create_kernel_stack returns the stack's
 * base (its highest address) or 0.
 */
#ifndef NTLAB_STACK_SCALE
#define NTLAB_STACK_SCALE 1 /* the sanitizer build needs bigger stacks */
#endif
#define KERNEL_STACK_PAGES \
    (3u * (ULONG)(sizeof(void *) / 4u) * NTLAB_STACK_SCALE)
#define KERNEL_STACK_SIZE (KERNEL_STACK_PAGES * PAGE_SIZE)
ULONG mm_create_kernel_stack(void);
void mm_delete_kernel_stack(ULONG base);

/*
 * The bootstrap nonpaged allocator: zeroed, 16-byte aligned, never freed.
 * The pools of the Mm issue replace it. Returns NULL when memory runs out.
 */
void *mm_boot_alloc(ULONG bytes);

/* ---- Faults (fault.c) -------------------------------------------------- */

void mm_access_fault(const hal_trap *trap);

/*
 * A test hook: when set, sees every page fault the MMU delivers before Mm
 * does, and returns TRUE when it has resolved it.
 */
typedef BOOLEAN (*mm_fault_observer)(const hal_trap *trap);
extern mm_fault_observer mm_test_fault_observer;

/* Boot, in order: paging, PFN database, the rest. */
void mm_init(ULONG ram_pages, mm_space *boot_space);

#endif
