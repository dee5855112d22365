/*
 * Pool tracking, and the pool side of special pool.
 *
 * Every block a verified driver allocates is recorded (address, size, tag,
 * the return address that asked for it) in a fixed table hashed by
 * address. At the driver's unload, blocks it still holds stop the system
 * with 0xC4 (0x62, its name, the verifier's record of it, how many), after
 * a report of each. Freeing a block that holds a set timer or a queued DPC
 * stops with 0xC7 TIMER_OR_DPC_INVALID, and so does unloading an image
 * that holds one (or its routine). When the table is full, further blocks
 * are not tracked (the report says how many).
 */
#include "vf.h"

#include "../ex/ex.h"
#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

#define MAX_BLOCKS 16384
#define BUCKETS    4096

static vf_block blocks[MAX_BLOCKS];
static ULONG buckets[BUCKETS]; /* index + 1 of the first block, 0: none */
static ULONG free_list;        /* index + 1 of a free record */
static ULONG used;             /* records ever handed out */
static ULONG untracked;        /* blocks the full table could not record */
/* Tracked blocks on each page of paged pool. */
static USHORT paged_users[(MM_PAGED_POOL_END - MM_PAGED_POOL_START) >> 12];

static ULONG bucket_of(ULONG va)
{
    return (va >> 4) * 2654435761u % BUCKETS;
}

/* A free record, or NULL when the table is full. DISPATCH_LEVEL. */
static vf_block *new_record(void)
{
    vf_block *b;

    if (free_list != 0) {
        b = &blocks[free_list - 1];
        free_list = b->next;
        return b;
    }
    return used < MAX_BLOCKS ? &blocks[used++] : NULL;
}

static void insert(vf_block *b)
{
    ULONG *head = &buckets[bucket_of(b->va)];

    b->next = *head;
    *head = (ULONG)(b - blocks) + 1;
}

static void release_record(vf_block *b)
{
    b->next = free_list;
    free_list = (ULONG)(b - blocks) + 1;
}

/* Unlinks the record for va and returns it (still filled in until the
 * next new_record), or NULL. */
static vf_block *take(ULONG va)
{
    ULONG *link = &buckets[bucket_of(va)];

    while (*link != 0) {
        vf_block *b = &blocks[*link - 1];

        if (b->va == va) {
            *link = b->next;
            release_record(b);
            return b;
        }
        link = &b->next;
    }
    return NULL;
}

static BOOLEAN is_paged_type(POOL_TYPE type)
{
    ULONG t = (ULONG)type & ~512u;

    return t == PagedPool || t == PagedPoolCacheAligned;
}

/* Counts b on the paged pool pages it spans (by +1 or -1). */
static void count_pages(const vf_block *b, int by)
{
    ULONG page;

    if (!b->paged || b->bytes == 0)
        return;
    for (page = b->va >> PAGE_SHIFT;
         page <= (b->va + b->bytes - 1) >> PAGE_SHIFT; page++)
        paged_users[page - (MM_PAGED_POOL_START >> PAGE_SHIFT)] += by;
}

BOOLEAN vf_paged_page_in_use(ULONG va)
{
    return mm_is_paged_pool(va) &&
           paged_users[(va - MM_PAGED_POOL_START) >> PAGE_SHIFT] != 0;
}

/* Records block b for driver d (the table lock held). */
static void track(vf_block *record, const vf_block *b, vf_driver *d)
{
    *record = *b;
    insert(record);
    count_pages(b, 1);
    d->live_blocks++;
    d->live_bytes += b->bytes;
}

PVOID vf_allocate_pool(POOL_TYPE type, SIZE_T bytes, ULONG tag,
                       const void *caller)
{
    vf_driver *d = vf_driver_at(caller);
    vf_block b = {0,
                  (ULONG)bytes,
                  tag,
                  0,
                  (ULONG_PTR)caller,
                  0,
                  is_paged_type(type),
                  (UCHAR)(d - vf_drivers),
                  0};
    BOOLEAN special =
        (vf_classes & HAL_VERIFIER_SPECIAL) && bytes <= VF_SPECIAL_MAX;
    KIRQL irql;
    vf_block *record;
    PVOID p;

    if ((vf_classes & HAL_VERIFIER_LOWRES) && vf_inject_failure(caller))
        return NULL;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    record = new_record();
    KfLowerIrql(irql);
    if (record == NULL || !special || !vf_special_allocate(&b)) {
        p = ex_pool_allocate(type, bytes, tag);
        b.va = p != NULL ? HAL_PTR_VA(p) : 0;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    if (record == NULL)
        untracked += b.va != 0;
    else if (b.va != 0 && (b.first != 0 || (vf_classes & (HAL_VERIFIER_POOL |
                                                          HAL_VERIFIER_IRQL))))
        track(record, &b, d);
    else
        release_record(record);
    KfLowerIrql(irql);
    return b.va != 0 ? HAL_VA_PTR(b.va) : NULL;
}

/* Stops with 0xC7 when a set timer or a queued DPC (or a DPC routine)
 * lies in [lo, hi), a range being freed or unloaded: what. */
static void check_timers(ULONG lo, ULONG hi, const char *what)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG_PTR host_lo = (ULONG_PTR)HAL_VA_PTR(lo), object;
    ULONG kind;
    BOOLEAN found =
        ke_timer_or_dpc_in(host_lo, host_lo + (hi - lo), &kind, &object);
    static const char *const kinds[] = {"a set timer", "a queued DPC",
                                        "the routine of a set timer's DPC"};

    KfLowerIrql(irql);
    if (found)
        vf_stop(TIMER_OR_DPC_INVALID, kind, HAL_PTR_VA((void *)object), lo, hi,
                "%s holds %s (at %08X)", what, kinds[kind],
                HAL_PTR_VA((void *)object));
}

static void forget_locks(PVOID p, SIZE_T bytes)
{
    if ((vf_classes & HAL_VERIFIER_DEADLOCK) && bytes != 0)
        vf_forget_locks((ULONG_PTR)p, (ULONG_PTR)p + bytes);
}

/* A special pool block freed: NT's own checks, then the verifier's. */
static void free_special(const vf_block *b, ULONG tag)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql > (b->paged ? APC_LEVEL : DISPATCH_LEVEL))
        KeBugCheckEx(BAD_POOL_CALLER, 0x09, irql, b->paged, b->va);
    if (tag != 0 && ((tag ^ b->tag) & 0x7FFFFFFFu) != 0)
        KeBugCheckEx(BAD_POOL_CALLER, 0x0A, b->va, b->tag, tag);
    vf_special_free(b);
}

BOOLEAN vf_free_pool(PVOID p, ULONG tag)
{
    ULONG va = HAL_PTR_VA(p);
    vf_block b, *r;
    KIRQL irql;

    if (!HAL_PTR_IN_WINDOW(p))
        return FALSE;
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    r = take(va);
    if (r != NULL) {
        b = *r;
        r->first = 0; /* no longer a live special block */
        count_pages(&b, -1);
        vf_drivers[b.driver].live_blocks--;
        vf_drivers[b.driver].live_bytes -= b.bytes;
    }
    KfLowerIrql(irql);
    if (r == NULL && vf_is_special(va))
        vf_stop(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, va, 0, 0, 0x20,
                "ExFreePool of %08X: special pool that is not allocated "
                "(freed twice?)",
                va);
    if (r == NULL) {
        if (vf_classes & HAL_VERIFIER_DEADLOCK)
            forget_locks(p, ex_pool_block_size(p));
        return FALSE;
    }
    check_timers(va, va + b.bytes, "the pool block being freed");
    if (vf_classes & HAL_VERIFIER_MISC)
        vf_check_freed_objects(p, b.bytes);
    forget_locks(p, b.bytes);
    if (b.first == 0)
        return FALSE;
    free_special(&b, tag);
    return TRUE;
}

/* ---- Unload ----------------------------------------------------------------
 */

/* Prints a line for each block driver index still holds. */
static void report_leaks(const char *name, ULONG index, const vf_driver *d)
{
    char where[80], tag[5];
    ULONG i;

    rtl_print("\nDriver Verifier: %s is unloading with %u pool block%s "
              "(%u bytes) not freed:\n",
              name, d->live_blocks, d->live_blocks == 1 ? "" : "s",
              d->live_bytes);
    for (i = 0; i < BUCKETS; i++) {
        ULONG n;

        for (n = buckets[i]; n != 0; n = blocks[n - 1].next) {
            const vf_block *b = &blocks[n - 1];

            if (b->driver != index)
                continue;
            vf_describe_code(where, sizeof where, b->caller);
            rtl_print("  %08X  %-12s %6u bytes  tag '%s'  allocated by %s\n",
                      b->va, b->paged ? "PagedPool" : "NonPagedPool", b->bytes,
                      rtl_tag_text(b->tag, tag), where);
        }
    }
    if (untracked != 0)
        rtl_print("  (%u blocks were not tracked: the table was full)\n",
                  untracked);
}

void vf_check_unload(const mm_system_image *image, vf_driver *d)
{
    check_timers(image->base, image->base + image->size,
                 "the driver image being unloaded");
    forget_locks(HAL_VA_PTR(image->base), image->size);
    vf_report_lowres(image->name);
    if (d == NULL || d->live_blocks == 0 || !(vf_classes & HAL_VERIFIER_POOL))
        return;
    report_leaks(image->name, (ULONG)(d - vf_drivers), d);
    vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x62, HAL_PTR_VA(image->name),
            HAL_PTR_VA(image), d->live_blocks,
            "%s unloaded without freeing %u pool block%s (listed above)",
            image->name, d->live_blocks, d->live_blocks == 1 ? "" : "s");
}

const vf_block *vf_block_around(ULONG va)
{
    return vf_special_holding(blocks, used, va);
}
