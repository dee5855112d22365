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
#define MM_SYSTEM_IMAGES_START  0x80000000u /* drivers (.sys) */
#define MM_SYSTEM_IMAGES_END    0x81000000u
#define MM_PFN_DATABASE         0x81000000u /* up to 0x82000000 */
#define MM_PFN_DATABASE_END     0x82000000u
#define MM_KERNEL_IMAGE_START   0x82800000u /* nt, where Windows 7 x86 has it */
#define MM_KERNEL_IMAGE_END     0x88000000u
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

/*
 * NT's software PTE formats, when Valid is clear:
 *
 *   31               12 11 10 9        5 4    1 0
 *  +-------------------+--+--+----------+------+-+
 *  | paging file slot  | 0| 0|protection|  0   |0|  in the paging file
 *  | 0                 | 0| 0|protection|  0   |0|  demand zero
 *  | frame             | 1| 0|protection|  0   |0|  transition: still in
 *  +-------------------+--+--+----------+------+-+  a frame, off the WS
 *
 * A PTE of all zeroes maps nothing. Protection is MM_* below.
 */
#define PTE_COPY_ON_WRITE 0x200u
#define PTE_PROTOTYPE     0x400u
#define PTE_TRANSITION    0x800u
#define MM_PROTECT_SHIFT  5
#define MM_PROTECT_MASK   (0x1Fu << MM_PROTECT_SHIFT)

/* The protection field: NT's MM_ values. */
#define MM_ZERO_ACCESS       0
#define MM_READONLY          1
#define MM_EXECUTE           2
#define MM_EXECUTE_READ      3
#define MM_READWRITE         4
#define MM_WRITECOPY         5
#define MM_EXECUTE_READWRITE 6
#define MM_EXECUTE_WRITECOPY 7
#define MM_NOCACHE           0x08
#define MM_GUARD_PAGE        0x10
#define MM_DECOMMIT          0x10 /* reserved, not committed */
#define MM_NOACCESS          0x18 /* committed, PAGE_NOACCESS */

static inline ULONG mm_pte_protection(ULONG pte)
{
    return (pte & MM_PROTECT_MASK) >> MM_PROTECT_SHIFT;
}

static inline ULONG mm_demand_zero_pte(ULONG protection)
{
    return protection << MM_PROTECT_SHIFT;
}

static inline ULONG mm_pagefile_pte(ULONG slot, ULONG protection)
{
    return (slot << PAGE_SHIFT) | (protection << MM_PROTECT_SHIFT);
}

static inline ULONG mm_transition_pte(ULONG pfn, ULONG protection)
{
    return (pfn << PAGE_SHIFT) | PTE_TRANSITION |
           (protection << MM_PROTECT_SHIFT);
}

static inline BOOLEAN mm_pte_is_transition(ULONG pte)
{
    return (pte & (X86_PTE_VALID | PTE_TRANSITION | PTE_PROTOTYPE)) ==
           PTE_TRANSITION;
}

/* The paging file slot of an invalid, non-transition PTE (0: none). */
static inline ULONG mm_pte_slot(ULONG pte)
{
    return pte >> PAGE_SHIFT;
}

static inline BOOLEAN mm_protection_writable(ULONG protection)
{
    ULONG p = protection & 7;

    return p == MM_READWRITE || p == MM_WRITECOPY ||
           p == MM_EXECUTE_READWRITE || p == MM_EXECUTE_WRITECOPY;
}

/* What kernel mappings get: valid, writable, global, accessed, dirty. */
#define PTE_KERNEL_RW                                                    \
    (X86_PTE_VALID | X86_PTE_WRITE | X86_PTE_GLOBAL | X86_PTE_ACCESSED | \
     X86_PTE_DIRTY)

#define MM_PAGE_ALIGN(va) ((va) & ~(PAGE_SIZE - 1))

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

/* ---- PFN database (pfn.c) ------------------------------------------------ */

/* Where a frame is: NT's MMLISTS page locations. */
typedef enum mm_page_state {
    MM_ZEROED = 0,
    MM_FREE = 1,
    MM_STANDBY = 2,  /* unmapped, its contents also in the paging file */
    MM_MODIFIED = 3, /* unmapped, its contents only here */
    MM_MODIFIED_NO_WRITE = 4,
    MM_BAD = 5,
    MM_ACTIVE = 6,
    MM_TRANSITION = 7,
} mm_page_state;

/* MMPFN.flags */
#define MM_PFN_MODIFIED 0x01 /* newer than its paging-file copy, or none */
#define MM_PFN_ORPHANED 0x02 /* its page was freed while an MDL locked it */
#define MM_PFN_SHARED   0x04 /* mapped in every process, freed with none */

/*
 * One entry per frame. Links are frame numbers, not pointers, so the entry
 * has one size on every platform; frame 0 is never allocated and serves as
 * the list end. A frame on the free, standby or modified list is linked
 * there through flink/blink; an active pageable frame is linked through the
 * same fields into its working set.
 */
typedef struct mmpfn {
    ULONG flink;        /* next frame on its list */
    ULONG blink;        /* previous frame on its list */
    ULONG pte_va;       /* the PTE that maps it, by self-map address */
    ULONG pte_frame;    /* the page table holding that PTE, 0 if none */
    ULONG original_pte; /* invalid PTE for when it leaves memory: slot and
                           protection */
    ULONG ws_id;        /* its working set, MM_WS_NONE if not pageable */
    USHORT reference_count;
    USHORT lock_count; /* locked by MmProbeAndLockPages: never trimmed */
    UCHAR state;       /* mm_page_state */
    UCHAR flags;       /* MM_PFN_* */
    USHORT spare;
} MMPFN;

#define MM_FRAME_NONE 0u
#define MM_WS_NONE    0xFFFFFFFFu

/* Reserves frames with the bump allocator; only before mm_init_pfn. */
ULONG mm_boot_frame(void);
void mm_init_pfn(ULONG ram_pages);
MMPFN *mm_pfn(ULONG pfn);

/*
 * Takes a frame for a new use and makes it active (zeroed when zeroed is
 * TRUE): from the free list, else by reclaiming pageable memory (standby
 * pages, modified pages written to the paging file, working sets trimmed).
 * Returns MM_FRAME_NONE when nothing can be reclaimed. IRQL <=
 * DISPATCH_LEVEL.
 */
ULONG mm_alloc_frame(BOOLEAN zeroed);
/* Returns an active frame to the free list. */
void mm_free_frame(ULONG pfn);
ULONG mm_free_frame_count(void);
ULONG mm_total_frames(void);
/* Frames on a state list (MM_FREE, MM_STANDBY, MM_MODIFIED). */
ULONG mm_frames_in_state(mm_page_state state);
/* Records in frame pfn's entry the PTE (by self-map address) mapping it. */
void mm_pfn_note_mapping(ULONG pfn, ULONG pte_va);

/* State lists, for the pager. DISPATCH_LEVEL. */
void mm_pfn_list_insert(ULONG pfn, mm_page_state state);
void mm_pfn_list_remove(ULONG pfn);
ULONG mm_pfn_list_head(mm_page_state state);

/* The physical address of the PTE that maps frame pfn. */
static inline ULONGLONG mm_pfn_pte_pa(const MMPFN *e)
{
    return (ULONGLONG)e->pte_frame * PAGE_SIZE + (e->pte_va & (PAGE_SIZE - 1));
}

/* The virtual address a PTE (by self-map address) maps. */
static inline ULONG mm_pte_va_to_va(ULONG pte_va)
{
    return ((pte_va - PTE_BASE) >> 2) << PAGE_SHIFT;
}

/* ---- Page tables and address spaces (pte.c, space.c) --------------------- */

/*
 * A working set: the pageable pages of one address space (or of system
 * space) that are in memory now, oldest first, linked through their PFN
 * entries. The pager trims from the front. DISPATCH_LEVEL.
 */
typedef struct mm_working_set {
    ULONG first, last; /* frames */
    ULONG count;
    ULONG id;               /* index in the pager's table */
    struct mm_space *space; /* NULL for system space */
} mm_working_set;

/*
 * An address space: a page directory whose system PDEs are shared with
 * every other one, its private hyperspace page table, and the working set
 * of its user pages.
 */
typedef struct mm_space {
    ULONG pd_pfn;
    ULONG hyperspace_pfn;
    LIST_ENTRY link; /* all spaces, for system PDE propagation */
    mm_working_set ws;
    LIST_ENTRY vads; /* mm_vad, by address; DISPATCH_LEVEL */
    ULONG commit;    /* committed pages of the user half (charged) */
} mm_space;

/*
 * A virtual address descriptor: one reservation of user space, [start,
 * end), private memory. With committed, every page is committed unless its
 * PTE says MM_DECOMMIT; without, a page is committed when its PTE holds a
 * protection.
 */
typedef struct mm_vad {
    LIST_ENTRY link;
    ULONG start;
    ULONG end;
    ULONG protection; /* MM_ protection given at allocation */
    BOOLEAN committed;
} mm_vad;

/* The address space whose page directory is loaded. DISPATCH_LEVEL. */
mm_space *mm_current_space(void);
/* The address space with page directory pd_pfn, or NULL. DISPATCH_LEVEL. */
mm_space *mm_space_of_directory(ULONG pd_pfn);
/* The VAD of space holding va, or NULL. DISPATCH_LEVEL. */
mm_vad *mm_find_vad(mm_space *space, ULONG va);
/* Frees every VAD of a space (its pages are freed with the space). */
void mm_delete_vads(mm_space *space);

/*
 * A user page's state: whether it is committed, and its protection. From
 * the PTE, the PFN entry of a valid page, or the VAD. DISPATCH_LEVEL.
 */
BOOLEAN mm_user_page_info(const mm_vad *vad, ULONG pte, ULONG *protection);

/* Resolves a fault on a user address (user or kernel mode, IRQL <=
 * APC_LEVEL): raises an exception when the access is not allowed. */
void mm_user_fault(const hal_trap *trap);

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

/* Maps frame pfn at va as a second mapping: the frame's PFN entry keeps
 * pointing at its own PTE (MDL mappings). */
NTSTATUS mm_map_alias(ULONG va, ULONG pfn, ULONG flags);

/* Clears va's PTE and invalidates it; returns what the PTE held. */
ULONG mm_unmap_page(ULONG va);
/* va's PTE in the current directory, or 0 when it has no page table. */
ULONG mm_read_pte(ULONG va);
/* The physical address of va's PTE in the current directory, or 0 when it
 * has no page table. */
ULONGLONG mm_pte_pa(ULONG va);

/*
 * Reads guest memory as a debugger does: copies up to len bytes from va
 * into buf through the current directory's page tables, from valid pages
 * only, and returns how many it copied (it stops at the first page that is
 * not resident). Nothing faults and nothing is paged in. Any IRQL.
 */
ULONG mm_debug_read(ULONG va, void *buf, ULONG len);

/* Creates an address space with an empty user half. */
NTSTATUS mm_create_space(mm_space *space);
/*
 * Copies size bytes from p, an argument of a caller in mode, into out: a
 * UserMode pointer is probed for reading with alignment first. An access
 * violation or misalignment comes back as its status, nothing raised.
 */
NTSTATUS mm_capture(KPROCESSOR_MODE mode, const volatile void *p, SIZE_T size,
                    ULONG alignment, void *out);
/* ProbeForRead (write FALSE) or ProbeForWrite of a mode caller's buffer,
 * returning what they would raise as a status (nothing for KernelMode). */
NTSTATUS mm_probe(KPROCESSOR_MODE mode, volatile void *p, SIZE_T size,
                  ULONG alignment, BOOLEAN write);
/* The same the other way: writes value to a caller's p. */
NTSTATUS mm_give_back(KPROCESSOR_MODE mode, volatile void *p, SIZE_T size,
                      ULONG alignment, const void *value);

/*
 * Reserves and commits [va, va + size) of the current process exactly at
 * va (page-aligned, without the 64 KiB granularity), as NT makes PEBs and
 * TEBs. STATUS_CONFLICTING_ADDRESSES if any of it is taken. PASSIVE_LEVEL.
 */
NTSTATUS mm_allocate_fixed(ULONG va, ULONG size, ULONG page_protection);
/* Maps frame pfn read-only for user mode at va of the current process, as
 * a one-page reservation (KUSER_SHARED_DATA's user view). The frame is
 * never freed with the process. */
NTSTATUS mm_map_shared_page(ULONG va, ULONG pfn);

/* Frees a space's user half (VADs, page tables and frames); it may be the
 * current space (a process's last thread does this). PASSIVE_LEVEL. */
void mm_clean_space(mm_space *space);
/* Frees a space's directory, page tables and user frames; not current. */
void mm_delete_space(mm_space *space);
/* Loads space's directory (CR3). IRQL >= DISPATCH_LEVEL or attach rules. */
void mm_activate_space(const mm_space *space);

/* ---- System PTEs, kernel stacks, bootstrap pool (syspte.c, pool.c) ------- */

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
 * Pool pages (poolpage.c): runs of pages in the nonpaged pool region
 * (resident, mapped at once) or the paged pool region (demand zero,
 * pageable, in the system working set). mm_allocate_pool_pages returns the
 * first page's address or 0. mm_free_pool_pages frees the run starting at
 * va and returns its length in pages, or 0 when no run starts there.
 * IRQL <= DISPATCH_LEVEL.
 */
ULONG mm_allocate_pool_pages(BOOLEAN paged, ULONG pages);
ULONG mm_free_pool_pages(ULONG va);
/* Takes the frame (or paging file slot) from page va of an allocated run
 * and leaves its PTE empty: no access, until the run is freed (special
 * pool's guard and freed pages). <= DISPATCH_LEVEL. */
void mm_pool_page_noaccess(ULONG va);

static inline BOOLEAN mm_is_paged_pool(ULONG va)
{
    return va >= MM_PAGED_POOL_START && va < MM_PAGED_POOL_END;
}

static inline BOOLEAN mm_is_nonpaged_pool(ULONG va)
{
    return va >= MM_NONPAGED_POOL_START && va < MM_NONPAGED_POOL_END;
}
/* Is va in pageable memory: paged pool, or a page a working set holds or
 * has paged out (a driver's PAGE sections, user memory)? Any IRQL. */
BOOLEAN mm_is_pageable_address(ULONG va);
/* Pages of pool in use, paged and nonpaged. */
ULONG mm_pool_pages_in_use(BOOLEAN paged);

/* ---- Driver images and the export table (sysload.c) --------------------- */

/*
 * A driver image (.sys: an ELF x86-64 shared object) loaded from a boot
 * module into the system image region. Its pages are resident, except the
 * whole pages of sections whose names start with "PAGE": those are pageable
 * (in the system working set) and may be touched only at IRQL <= APC_LEVEL.
 * Code and read-only data are mapped read-only. The fields are set by
 * mm_load_system_image and stay until mm_unload_system_image; the list of
 * loaded images is guarded by DISPATCH_LEVEL.
 */
typedef struct mm_system_image {
    LIST_ENTRY link; /* the loaded images */
    char name[64];   /* the boot module's name ("sample.sys") */
    ULONG module;    /* and its index */
    ULONG base;      /* where the image's address 0 is: its first page */
    ULONG size;      /* bytes mapped from base (whole pages) */
    PVOID entry;     /* DriverEntry */
    ULONG pageable_pages;
    ULONG symbols, symbol_count; /* its dynamic symbols (image address) */
    ULONG strings, strings_size; /* and their names */
} mm_system_image;

/*
 * Loads the boot module module_name (case does not matter) as a driver
 * image: maps its segments, applies its relocations, binds its imports to
 * the export table by name and finds DriverEntry, which it does not call.
 * Returns STATUS_SUCCESS and the image in *image, or, with nothing left
 * behind: STATUS_OBJECT_NAME_NOT_FOUND (no such module),
 * STATUS_INVALID_IMAGE_FORMAT (not an ELF x86-64 shared object, or one
 * ntlab cannot load), STATUS_PROCEDURE_NOT_FOUND (it imports a name the
 * kernel does not export: a console line names it),
 * STATUS_DRIVER_ENTRYPOINT_NOT_FOUND, STATUS_INSUFFICIENT_RESOURCES.
 * PASSIVE_LEVEL.
 */
NTSTATUS mm_load_system_image(const char *module_name, mm_system_image **image);
/* The same for the boot module at index module. */
NTSTATUS mm_load_system_module(ULONG module, mm_system_image **image);
/* Unmaps an image and frees everything it held (frames, paging file slots,
 * its range). Nothing may run its code any more. PASSIVE_LEVEL. */
void mm_unload_system_image(mm_system_image *image);
/* The address of a routine or variable image defines, or NULL. Any IRQL. */
PVOID mm_image_symbol(const mm_system_image *image, const char *name);
/* The loaded image holding guest address va, or NULL. Any IRQL; the result
 * is only good while the image stays loaded. */
const mm_system_image *mm_image_at(ULONG va);
/* Prints "Loaded modules:" and a line per image (range and name), or
 * nothing when none is loaded; returns how many. Any IRQL (the stop screen
 * calls it). */
ULONG mm_print_loaded_modules(void);
/* The loaded image after prev in load order (the first when prev is
 * NULL), or NULL after the last. Any IRQL; for a debugger that holds the
 * machine still. */
const mm_system_image *mm_next_image(const mm_system_image *prev);

static inline BOOLEAN mm_is_system_image(ULONG va)
{
    return va >= MM_SYSTEM_IMAGES_START && va < MM_SYSTEM_IMAGES_END;
}

/*
 * The export table: every routine and variable include/ntddk.h declares
 * NTKERNELAPI or NTSYSAPI (generated at build time, sorted by name), plus
 * the C runtime routines a compiler may call (memcpy, memset ...).
 */
typedef struct mm_export {
    const char *name;
    PVOID address;
    UCHAR irql_max, irql_min; /* the documented IRQL rule: 0xFF, 0 if none */
    UCHAR routine;            /* a routine, not a variable */
} mm_export;
extern const mm_export mm_exports[];
extern const ULONG mm_export_count;
/* The index in mm_exports of name, or MAXULONG. Any IRQL. */
ULONG mm_export_index(const char *name);
/* The address the kernel exports under name, or NULL. Any IRQL. */
PVOID mm_find_export(const char *name);

/* ---- Faults (fault.c) ---------------------------------------------------- */

void mm_access_fault(const hal_trap *trap);

/*
 * A test hook: when set, sees every page fault the MMU delivers before Mm
 * does, and returns TRUE when it has resolved it.
 */
typedef BOOLEAN (*mm_fault_observer)(const hal_trap *trap);
extern mm_fault_observer mm_test_fault_observer;

/* ---- Commit charge (commit.c) -------------------------------------------- */

/*
 * Charges pages of pageable memory about to be promised (committed user
 * pages, paged pool, pageable image pages) against the commit limit;
 * FALSE, with nothing charged, when they would pass it. mm_return_commit
 * gives back what such a promise held. IRQL <= DISPATCH_LEVEL.
 */
BOOLEAN mm_charge_commit(ULONG pages);
void mm_return_commit(ULONG pages);

/* What NtQuerySystemInformation reports of memory, in pages: the commit
 * total (pageable pages promised plus resident kernel memory), its limit
 * and its peak since boot; the frames available (free and standby); the
 * pager's counts; pool pages in use. */
typedef struct mm_memory_info {
    ULONG commit_total, commit_limit, commit_peak;
    ULONG available;
    ULONG soft_faults, demand_zero, page_ins, page_outs;
    ULONG paged_pool, nonpaged_pool;
} mm_memory_info;
void mm_query_memory(mm_memory_info *info);

/* Boot, in order: paging (over a boot space of mm's own), PFN database,
 * then, once nonpaged pool works, mm_adopt_boot_space, then the rest. */
void mm_init(ULONG ram_pages);
/* Moves the boot space (the boot directory, no VADs, no working set yet)
 * into *to, the Idle process's: boot only, before mm_init_phase1. */
void mm_adopt_boot_space(mm_space *to);
/* After the pools: the pager. */
void mm_init_phase1(void);

#endif
