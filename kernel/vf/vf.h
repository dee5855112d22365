/*
 * The verifier (kernel/vf): Driver Verifier's checks for the drivers it
 * verifies, and the hooks through which the rest of the kernel calls it.
 *
 * Each hook below is one inline call at the place it watches (the pools,
 * the loader, page faults ...). With the verifier off (vf_classes == 0) it
 * is a load and a branch not taken. Which driver a call belongs to is read
 * from the caller's return address: the loaded image that holds it, when
 * that image is verified (--verifier-driver limits this to one).
 *
 * Locking: the verifier's tables are guarded by raising to DISPATCH_LEVEL,
 * as the pools' are; the stops it makes are Driver Verifier's codes with
 * NT's parameters, and a line on the stop screen saying what the driver
 * did wrong.
 */
#ifndef KERNEL_VF_H
#define KERNEL_VF_H

#include <hal.h>
#include <ntddk.h>

struct mm_system_image;
struct mm_export;

/* The classes on (HAL_VERIFIER_*), 0 when the verifier is off. */
extern ULONG vf_classes;

/* Turns the verifier on as the boot options say. Before any driver loads. */
void vf_init(const hal_boot_info *info);

/* ---- Drivers ----------------------------------------------------------------
 */

/* The loader: image was loaded / is about to be unmapped. PASSIVE_LEVEL. */
void vf_image_loaded(const struct mm_system_image *image);
void vf_image_unloading(const struct mm_system_image *image);

/* Will the verifier check image, which is being loaded? */
BOOLEAN vf_will_verify(const struct mm_system_image *image);
/* What an import of image bound to export e calls: e's routine, or its
 * call gate when the driver is verified and the routine has an IRQL rule
 * (ddi.c). PASSIVE_LEVEL (the loader). */
PVOID vf_bind_import(const struct mm_system_image *image,
                     const struct mm_export *e);

/* Is the code at host address ra in a driver the verifier checks? */
BOOLEAN vf_verified_address(const void *ra);

/* ---- IRQL (irql.c) ------------------------------------------------------- */

/* IRQL is about to be raised to new_irql (a spin lock acquired, when
 * new_irql is DISPATCH_LEVEL) by the code that caller returns to. */
void vf_raise(KIRQL new_irql, const void *caller);
/* A driver's DPC routine is about to be called at DISPATCH_LEVEL. */
void vf_driver_routine(const void *routine);
extern ULONG vf_trims, vf_trimmed; /* trims made, pages they took */

static inline void vf_hook_raise(KIRQL new_irql, const void *caller)
{
    if (vf_classes & HAL_VERIFIER_IRQL)
        vf_raise(new_irql, caller);
}

static inline void vf_hook_dpc(const void *routine)
{
    if (vf_classes & HAL_VERIFIER_IRQL)
        vf_driver_routine(routine);
}

/* ---- I/O (io.c) ------------------------------------------------------------
 */

/* IoCallDriver is about to call device's dispatch routine for stack: a
 * frame number for vf_io_called (0: the routine is not verified). */
ULONG vf_io_call(PDEVICE_OBJECT device, PIRP irp, PIO_STACK_LOCATION stack,
                 const void *caller);
/* The dispatch routine returned status; IRQL was irql_before. */
void vf_io_called(ULONG frame, PDEVICE_OBJECT device, PIRP irp,
                  PIO_STACK_LOCATION stack, NTSTATUS status, KIRQL irql_before,
                  const void *routine);
/* IoCompleteRequest(irp) from the code caller returns to. */
void vf_io_complete(PIRP irp, const void *caller);

static inline BOOLEAN vf_io_on(void)
{
    return (vf_classes & HAL_VERIFIER_IO) != 0;
}

/* IoFreeIrp of irp by code at caller: stops (0xC9 0x20C, 0x20B) when a
 * verified driver frees an IRP queued against a thread or still in use. */
void vf_io_free(PIRP irp, const void *caller);

static inline void vf_hook_free_irp(PIRP irp, const void *caller)
{
    if (vf_classes & HAL_VERIFIER_IO)
        vf_io_free(irp, caller);
}

static inline void vf_hook_complete(PIRP irp, const void *caller)
{
    if (vf_classes & HAL_VERIFIER_IO)
        vf_io_complete(irp, caller);
}

/* ---- Low resources and miscellaneous checks (misc.c) --------------------- */

/* Should this request of the code caller returns to fail (lowres)? */
BOOLEAN vf_inject_failure(const void *caller);
/* At an unload: how many requests lowres failed. */
void vf_report_lowres(const char *name);
/* A lookaside list was initialized (or deleted) by caller's code. */
void vf_lookaside(const void *list, BOOLEAN initialized, const void *caller);
/* Pool [p, p + bytes) of a verified driver is being freed: stops when it
 * holds a live lookaside list. */
void vf_check_freed_objects(const void *p, SIZE_T bytes);
/* ObReferenceObjectByHandle with KernelMode of a handle that is not a
 * kernel handle, by caller's code. */
void vf_reference_handle(HANDLE handle, const void *caller);
/* The misc checks of a wait's objects (0xE1, 0x123) and of a work item
 * being queued (0x131) by code at caller; they return when it is good. The
 * DDI gates (ddi.c) call them for verified drivers. */
void vf_check_wait(ULONG count, PVOID const objects[], KPROCESSOR_MODE mode,
                   const void *caller);
void vf_check_work_item(const void *item, const void *caller);

static inline BOOLEAN vf_hook_fail(const void *caller)
{
    return (vf_classes & HAL_VERIFIER_LOWRES) && vf_inject_failure(caller);
}

static inline void vf_hook_lookaside(const void *list, BOOLEAN initialized,
                                     const void *caller)
{
    if (vf_classes & HAL_VERIFIER_MISC)
        vf_lookaside(list, initialized, caller);
}

static inline void vf_hook_reference_handle(HANDLE handle, BOOLEAN kernel_mode,
                                            BOOLEAN kernel_handle,
                                            const void *caller)
{
    if ((vf_classes & HAL_VERIFIER_MISC) && kernel_mode && !kernel_handle)
        vf_reference_handle(handle, caller);
}

/* ---- Locks (irql.c, deadlock.c) ------------------------------------------ */

typedef enum vf_lock_kind {
    VF_SPIN_LOCK,
    VF_FAST_MUTEX,
    VF_MUTEX,
} vf_lock_kind;

/* Lock is about to be acquired (a spin lock also raises to DISPATCH_LEVEL)
 * by the code that caller returns to; lock was released. */
void vf_lock_acquire(const void *lock, vf_lock_kind kind, const void *caller);
void vf_lock_release(const void *lock);

static inline void vf_hook_lock_acquire(const void *lock, vf_lock_kind kind,
                                        const void *caller)
{
    if (vf_classes & (HAL_VERIFIER_IRQL | HAL_VERIFIER_DEADLOCK))
        vf_lock_acquire(lock, kind, caller);
}

static inline void vf_hook_lock_release(const void *lock)
{
    if (vf_classes & HAL_VERIFIER_DEADLOCK)
        vf_lock_release(lock);
}

/* Forgets the locks in [lo, hi) (host addresses): memory freed or an
 * image unloaded. */
void vf_forget_locks(ULONG_PTR lo, ULONG_PTR hi);

/* ---- Pool (pool.c, special.c) ---------------------------------------------
 */

/* ExAllocatePoolWithTag for a verified caller, after NT's own checks:
 * the block (special pool, or the pool's own, tracked), or NULL. */
PVOID vf_allocate_pool(POOL_TYPE type, SIZE_T bytes, ULONG tag,
                       const void *caller);
/* ExFreePoolWithTag: TRUE when the verifier freed p itself (special pool),
 * FALSE when the pool is to free it as usual. */
BOOLEAN vf_free_pool(PVOID p, ULONG tag);
/* A page fault the pager could not resolve: stops with 0xD6/0xCD or
 * 0xD5/0xCC when it is special pool's guard or a freed special page. */
void vf_special_fault(const hal_trap *trap);

/* TRUE when the verifier made the allocation (its result in *p). */
static inline BOOLEAN vf_hook_allocate(POOL_TYPE type, SIZE_T bytes, ULONG tag,
                                       const void *caller, PVOID *p)
{
    if (vf_classes == 0 || !vf_verified_address(caller))
        return FALSE;
    *p = vf_allocate_pool(type, bytes, tag, caller);
    return TRUE;
}

static inline BOOLEAN vf_hook_free(PVOID p, ULONG tag)
{
    return vf_classes != 0 && vf_free_pool(p, tag);
}

static inline void vf_hook_fault(const hal_trap *trap)
{
    if (vf_classes & HAL_VERIFIER_SPECIAL)
        vf_special_fault(trap);
}

static inline void vf_hook_image_loaded(const struct mm_system_image *image)
{
    if (vf_classes != 0)
        vf_image_loaded(image);
}

static inline void vf_hook_image_unloading(const struct mm_system_image *image)
{
    if (vf_classes != 0)
        vf_image_unloading(image);
}

/* ---- Inside the verifier ---------------------------------------------------
 */

#define VF_MAX_DRIVERS 16

/* A verified driver: its image's range and its live pool. */
typedef struct vf_driver {
    const struct mm_system_image *image; /* NULL: a free slot */
    ULONG base, size;
    ULONG live_blocks, live_bytes; /* tracked pool not yet freed */
} vf_driver;

typedef struct vf_options {
    const char *driver;    /* --verifier-driver, or NULL */
    BOOLEAN special_start; /* --verifier-special=start */
    ULONG faults;          /* --verifier-faults 1/N: N */
    ULONGLONG seed;
} vf_options;

/*
 * A pool block of a verified driver. Special pool blocks also say which
 * pool pages they took: pages pages from first, the guard page included.
 */
typedef struct vf_block {
    ULONG va;    /* what the driver was given */
    ULONG bytes; /* what it asked for */
    ULONG tag;
    ULONG first; /* special pool: the first page, else 0 */
    ULONG_PTR caller;
    USHORT pages; /* special pool: pages taken, the guard included */
    UCHAR paged;
    UCHAR driver; /* index in vf_drivers */
    ULONG next;   /* hash chain: index + 1, 0 at the end */
} vf_block;

extern vf_options vf_opts;
extern vf_driver vf_drivers[VF_MAX_DRIVERS];

/* The verified driver whose image holds address, or NULL. Any IRQL. */
vf_driver *vf_driver_at(const void *address);
vf_driver *vf_driver_of_image(const struct mm_system_image *image);
/* Return address (or routine) address named as kd names code:
 * "name.sys!Routine+0xOFF (file.c:LINE)", "nt!Routine+0xOFF (...)", or
 * "name.sys+0xOFFSET" without symbols. */
void vf_describe_code(char *buf, ULONG size, ULONG_PTR address);
/* The same for an address that is the instruction itself: a routine's
 * entry, an instruction that trapped. */
void vf_describe_instruction(char *buf, ULONG size, ULONG_PTR address);
/* A stop parameter for pointer p: its guest address when in the window. */
static inline ULONG_PTR vf_va(const void *p)
{
    return HAL_PTR_IN_WINDOW(p) ? HAL_PTR_VA(p) : (ULONG_PTR)p;
}
/* KeBugCheckEx with a line (printf-style) saying what went wrong. */
DECLSPEC_NORETURN void vf_stop(ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                               ULONG_PTR p3, ULONG_PTR p4, const char *fmt,
                               ...);

/* Pool tracking (pool.c): image is unloading; stops when its driver left
 * pool allocated or a timer or DPC set in it. d is NULL for an image that
 * is not verified. */
void vf_check_unload(const struct mm_system_image *image, vf_driver *d);

/* The live special pool block whose pages hold va, or NULL. */
const vf_block *vf_block_around(ULONG va);

/* Special pool (special.c). */
#define VF_SPECIAL_MAX (64u * 1024u) /* larger blocks come from the pool */
/* Takes pages for bytes of special pool and fills them; b->va, b->first
 * and b->pages are set. FALSE when no pool pages are left. */
BOOLEAN vf_special_allocate(vf_block *b);
/* Checks the fill around b (0xC1) and makes its pages no-access for a
 * while. Caller at <= DISPATCH_LEVEL (APC_LEVEL for paged blocks). */
void vf_special_free(const vf_block *b);
/* The special block of blocks[0..count) whose pages hold va, or NULL. */
const vf_block *vf_special_holding(const vf_block *blocks, ULONG count,
                                   ULONG va);
/* Does paged pool page va hold a tracked block? DISPATCH_LEVEL. */
BOOLEAN vf_paged_page_in_use(ULONG va);
/* Is va in a special pool page (live, guard or freed)? */
BOOLEAN vf_is_special(ULONG va);

#endif
