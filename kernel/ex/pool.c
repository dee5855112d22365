/*
 * The pools: ExAllocatePoolWithTag and ExFreePoolWithTag.
 *
 * Small blocks (up to 4064 bytes) share pages. Every block
 * starts with a 16-byte POOL_HEADER; sizes are in 16-byte units, and a pool
 * page holds 256 units of blocks laid end to end, each header giving its own
 * size and its predecessor's, so a freed block merges with free neighbours
 * and a page that becomes wholly free goes back to Mm. Free blocks wait on
 * one list per size; a bitmap of non-empty lists finds the smallest that
 * fits. Larger blocks take whole pages, which start on a page boundary; a
 * table indexed by pool page remembers their tag and size. A few wholly
 * free pages are kept for reuse rather than given back to Mm at once.
 *
 * As NT keeps lookaside lists of small pool blocks, a freed small block
 * first goes on a quick list for its exact size, unmerged, where the next
 * allocation of that size takes it back without splitting or merging
 * anything. Quick lists are a few blocks deep and hold at most 1/64 of RAM
 * per pool; when the pool cannot get a page it empties them (merging their
 * blocks) and tries again. ex_pool_flush empties them on request.
 *
 * The nonpaged pool is guarded by DISPATCH_LEVEL. The paged pool, whose
 * headers and free-list links live in pageable memory, by a fast mutex
 * (APC_LEVEL), so that touching them may fault.
 *
 * Each tag's allocations, frees and bytes in use are counted per pool, as
 * poolmon shows them. Misuse stops the system with BAD_POOL_CALLER (0xC2)
 * and the first parameter NT uses for it.
 */
#include "ex.h"

#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../vf/vf.h"

#define POOL_UNIT  16u
#define PAGE_UNITS (PAGE_SIZE / POOL_UNIT)
/* The largest small block is 255 units, header included: a whole page
 * (256) is never on a free list. */
#define SMALL_MAX_BYTES ((PAGE_UNITS - 2) * POOL_UNIT)
#define MAGIC_ALLOCATED 0xA110u
#define MAGIC_FREE      0xF4EEu
#define MAGIC_QUICK     0xF4EFu /* free, held on a quick list */
#define QUICK_DEPTH     2       /* blocks per size on a quick list */
#define TAG_SLOTS       1024
#define EMPTY_CACHE     8 /* wholly free pages a pool keeps for reuse */
#define TAG_NONE        0x656E6F4Eu /* 'enoN', shown as "None" */

typedef struct pool_header {
    USHORT previous_size; /* units of the block before it, 0 first in page */
    USHORT block_size;    /* units, this header included */
    UCHAR pool_type;      /* BASE pool type + 1; 0 when free */
    UCHAR spare;
    USHORT magic;
    ULONG pool_tag;
    ULONG requested; /* bytes asked for */
} POOL_HEADER;

typedef struct pool {
    BOOLEAN paged;
    LIST_ENTRY free_lists[PAGE_UNITS]; /* by size in units */
    ULONG nonempty[PAGE_UNITS / 32];   /* bit per list */
    ULONG nonempty_words;              /* bit per non-zero word of nonempty */
    FAST_MUTEX mutex;                  /* paged pool only */
    ULONG empty[EMPTY_CACHE];          /* wholly free pages kept, by address */
    ULONG empty_count;
    ULONG last_tag;                 /* slot of the tag used last */
    POOL_HEADER *quick[PAGE_UNITS]; /* freed blocks by size, not merged */
    UCHAR quick_depth[PAGE_UNITS];
    ULONG quick_bytes; /* held on quick lists */
    ex_tag_usage tags[TAG_SLOTS];
} pool;

/* Tag and size of each large block, by the pool page it starts at. */
typedef struct big_block {
    ULONG tag;
    ULONG requested; /* 0: the page is not the start of a large block */
} big_block;

#define NONPAGED_PAGES ((MM_NONPAGED_POOL_END - MM_NONPAGED_POOL_START) >> 12)
#define PAGED_PAGES    ((MM_PAGED_POOL_END - MM_PAGED_POOL_START) >> 12)

static pool pools[2];
static big_block big_blocks[NONPAGED_PAGES + PAGED_PAGES];

void ex_init_pools(void)
{
    ULONG p, i;

    for (p = 0; p < 2; p++) {
        pools[p].paged = p == 1;
        for (i = 0; i < PAGE_UNITS; i++)
            InitializeListHead(&pools[p].free_lists[i]);
    }
    ExInitializeFastMutex(&pools[1].mutex);
}

/* ---- Accounting ---------------------------------------------------------- */

static ex_tag_usage *tag_slot(pool *p, ULONG tag)
{
    ULONG i = (tag * 2654435761u) % TAG_SLOTS, n;

    if (p->tags[p->last_tag].tag == tag)
        return &p->tags[p->last_tag];
    for (n = 0; n < TAG_SLOTS; n++, i = (i + 1) % TAG_SLOTS) {
        if (p->tags[i].tag == tag || p->tags[i].tag == 0) {
            p->tags[i].tag = tag;
            p->last_tag = i;
            return &p->tags[i];
        }
    }
    return &p->tags[0]; /* a full table shares one slot */
}

ex_tag_usage ex_pool_tag_usage(ULONG tag, BOOLEAN paged)
{
    pool *p = &pools[paged ? 1 : 0];
    ULONG i = (tag * 2654435761u) % TAG_SLOTS, n;
    ex_tag_usage none = {tag, 0, 0, 0};

    for (n = 0; n < TAG_SLOTS; n++, i = (i + 1) % TAG_SLOTS) {
        if (p->tags[i].tag == tag)
            return p->tags[i];
        if (p->tags[i].tag == 0)
            break;
    }
    return none;
}

ULONG ex_pool_tags(BOOLEAN paged, ex_tag_usage *out, ULONG max)
{
    const pool *p = &pools[paged ? 1 : 0];
    ULONG i, n = 0;

    for (i = 0; i < TAG_SLOTS; i++) {
        if (p->tags[i].tag == 0)
            continue;
        if (n < max)
            out[n] = p->tags[i];
        n++;
    }
    return n;
}

ex_tag_usage ex_pool_usage(BOOLEAN paged)
{
    const pool *p = &pools[paged ? 1 : 0];
    ex_tag_usage all = {0, 0, 0, 0};
    ULONG i;

    for (i = 0; i < TAG_SLOTS; i++) {
        all.allocs += p->tags[i].allocs;
        all.frees += p->tags[i].frees;
        all.bytes += p->tags[i].bytes;
    }
    return all;
}

/* ---- Locking ------------------------------------------------------------- */

static KIRQL lock(pool *p)
{
    if (p->paged) {
        ExAcquireFastMutex(&p->mutex);
        return 0;
    }
    return KfRaiseIrql(DISPATCH_LEVEL);
}

static void unlock(pool *p, KIRQL irql)
{
    if (p->paged)
        ExReleaseFastMutex(&p->mutex);
    else
        KfLowerIrql(irql);
}

/* ---- Free lists ---------------------------------------------------------- */

static PLIST_ENTRY body(POOL_HEADER *h)
{
    return (PLIST_ENTRY)(h + 1);
}

static void push_free(pool *p, POOL_HEADER *h)
{
    h->pool_type = 0;
    h->magic = MAGIC_FREE;
    InsertHeadList(&p->free_lists[h->block_size], body(h));
    p->nonempty[h->block_size / 32] |= 1u << (h->block_size % 32);
    p->nonempty_words |= 1u << (h->block_size / 32);
}

static void unlink_free(pool *p, POOL_HEADER *h)
{
    ULONG w = h->block_size / 32;

    if (RemoveEntryList(body(h))) {
        p->nonempty[w] &= ~(1u << (h->block_size % 32));
        if (p->nonempty[w] == 0)
            p->nonempty_words &= ~(1u << w);
    }
}

/* The smallest non-empty list of at least units, or 0. */
static ULONG fitting_list(const pool *p, ULONG units)
{
    ULONG w = units / 32, bits = p->nonempty[w] & (0xFFFFFFFFu << (units % 32));
    ULONG words;

    if (bits != 0)
        return w * 32 + (ULONG)__builtin_ctz(bits);
    words = w + 1 < PAGE_UNITS / 32
                ? p->nonempty_words & (0xFFFFFFFFu << (w + 1))
                : 0;
    if (words == 0)
        return 0;
    w = (ULONG)__builtin_ctz(words);
    return w * 32 + (ULONG)__builtin_ctz(p->nonempty[w]);
}

static POOL_HEADER *next_in_page(POOL_HEADER *h)
{
    ULONG_PTR next = (ULONG_PTR)h + h->block_size * POOL_UNIT;

    return (next & (PAGE_SIZE - 1)) == 0 ? NULL : (POOL_HEADER *)next;
}

/* Cuts units off the front of free-standing block h; the rest, if it can
 * hold a free block, goes back on a list. */
static void split(pool *p, POOL_HEADER *h, ULONG units)
{
    POOL_HEADER *rest, *after;

    if (h->block_size - units < 2)
        return;
    rest = (POOL_HEADER *)((PUCHAR)h + units * POOL_UNIT);
    rest->previous_size = (USHORT)units;
    rest->block_size = (USHORT)(h->block_size - units);
    after = next_in_page(rest);
    if (after != NULL)
        after->previous_size = rest->block_size;
    h->block_size = (USHORT)units;
    push_free(p, rest);
}

/* A page that is wholly free again: kept for reuse, or given back. */
static void put_page(pool *p, ULONG va)
{
    if (p->empty_count < EMPTY_CACHE)
        p->empty[p->empty_count++] = va;
    else
        mm_free_pool_pages(va);
}

ULONG ex_pool_empty_pages(BOOLEAN paged)
{
    return pools[paged ? 1 : 0].empty_count;
}

/* Merges free h with its free neighbours; returns the merged block. */
static POOL_HEADER *coalesce(pool *p, POOL_HEADER *h)
{
    POOL_HEADER *next = next_in_page(h), *prev;

    if (next != NULL && next->pool_type == 0 && next->magic == MAGIC_FREE) {
        unlink_free(p, next);
        h->block_size = (USHORT)(h->block_size + next->block_size);
    }
    if (h->previous_size != 0) {
        prev = (POOL_HEADER *)((PUCHAR)h - h->previous_size * POOL_UNIT);
        if (prev->pool_type == 0 && prev->magic == MAGIC_FREE) {
            unlink_free(p, prev);
            prev->block_size = (USHORT)(prev->block_size + h->block_size);
            h->magic = MAGIC_FREE; /* stays marked: catches a second free */
            h = prev;
        }
    }
    next = next_in_page(h);
    if (next != NULL)
        next->previous_size = h->block_size;
    return h;
}

/* A freed block (pool_type already 0) merges with its neighbours and goes on
 * a free list, or back as a page when the whole page is free. */
static void release_block(pool *p, POOL_HEADER *h)
{
    h->magic = MAGIC_FREE;
    h = coalesce(p, h);
    if (h->block_size == PAGE_UNITS)
        put_page(p, HAL_PTR_VA(h));
    else
        push_free(p, h);
}

/* ---- Quick lists --------------------------------------------------------- */

static POOL_HEADER **quick_link(POOL_HEADER *h)
{
    return (POOL_HEADER **)body(h);
}

/* Units of a block for bytes, its header included. */
static ULONG units_for(SIZE_T bytes)
{
    return (ULONG)((bytes + POOL_UNIT - 1) / POOL_UNIT) + 1;
}

/* Keeps freed block h, if there is room, on the quick list for the size it
 * was allocated for (it may be a unit larger: split leaves no 1-unit
 * blocks). */
static BOOLEAN quick_push(pool *p, POOL_HEADER *h)
{
    ULONG units = units_for(h->requested), bytes = h->block_size * POOL_UNIT;

    if (p->quick_depth[units] == QUICK_DEPTH ||
        p->quick_bytes + bytes > mm_total_frames() * (PAGE_SIZE / 64))
        return FALSE;
    h->magic = MAGIC_QUICK;
    *quick_link(h) = p->quick[units];
    p->quick[units] = h;
    p->quick_depth[units]++;
    p->quick_bytes += bytes;
    return TRUE;
}

static POOL_HEADER *quick_pop(pool *p, ULONG units)
{
    POOL_HEADER *h = p->quick[units];

    if (h != NULL) {
        p->quick[units] = *quick_link(h);
        p->quick_depth[units]--;
        p->quick_bytes -= h->block_size * POOL_UNIT;
    }
    return h;
}

/* Empties every quick list, merging the blocks. Returns whether it freed
 * anything. Caller holds the lock. */
static BOOLEAN quick_flush(pool *p)
{
    BOOLEAN any = p->quick_bytes != 0;
    ULONG units;
    POOL_HEADER *h;

    for (units = 0; units < PAGE_UNITS && p->quick_bytes != 0; units++) {
        while ((h = quick_pop(p, units)) != NULL)
            release_block(p, h);
    }
    return any;
}

ULONG ex_pool_quick_bytes(BOOLEAN paged)
{
    return pools[paged ? 1 : 0].quick_bytes;
}

void ex_pool_flush(void)
{
    ULONG i;
    KIRQL irql;

    for (i = 0; i < 2; i++) {
        irql = lock(&pools[i]);
        quick_flush(&pools[i]);
        unlock(&pools[i], irql);
    }
}

/* ---- Taking blocks ------------------------------------------------------- */

/* Whole pages: a page kept from an earlier free, else new ones from Mm.
 * Caller holds the lock. */
static ULONG get_pages(pool *p, ULONG pages)
{
    if (pages == 1 && p->empty_count > 0)
        return p->empty[--p->empty_count];
    return mm_allocate_pool_pages(p->paged, pages);
}

/* When Mm has no pages: empties the quick lists and gives the kept pages
 * back. Returns whether anything went back (so that trying again may
 * succeed). Caller holds the lock. */
static BOOLEAN give_back(pool *p)
{
    BOOLEAN any = quick_flush(p) || p->empty_count != 0;

    while (p->empty_count > 0)
        mm_free_pool_pages(p->empty[--p->empty_count]);
    return any;
}

/* A free block of at least units: from a list, or a whole page. */
static POOL_HEADER *take_block(pool *p, ULONG units)
{
    ULONG size = fitting_list(p, units);
    POOL_HEADER *h;
    ULONG va;

    if (size != 0) {
        h = (POOL_HEADER *)p->free_lists[size].Flink - 1;
        unlink_free(p, h);
    } else {
        va = get_pages(p, 1);
        if (va == 0 && give_back(p))
            return take_block(p, units);
        if (va == 0)
            return NULL;
        h = HAL_VA_PTR(va);
        h->previous_size = 0;
        h->block_size = PAGE_UNITS;
    }
    split(p, h, units);
    return h;
}

/* ---- Allocation ---------------------------------------------------------- */

static void bad_pool_caller(ULONG_PTR code, ULONG_PTR p2, ULONG_PTR p3,
                            ULONG_PTR p4)
{
    KeBugCheckEx(BAD_POOL_CALLER, code, p2, p3, p4);
}

/* Which pool a POOL_TYPE names, or -1 for types ntlab refuses. */
static int pool_index(POOL_TYPE type, BOOLEAN *page_aligned)
{
    ULONG t = (ULONG)type & ~512u; /* Nx pools are nonpaged pools */

    *page_aligned = t == NonPagedPoolCacheAligned || t == PagedPoolCacheAligned;
    switch (t) {
    case NonPagedPool:
    case NonPagedPoolCacheAligned:
        return 0;
    case PagedPool:
    case PagedPoolCacheAligned:
        return 1;
    default:
        return -1;
    }
}

static PVOID allocate_small(pool *p, ULONG units, SIZE_T bytes, ULONG tag)
{
    KIRQL irql = lock(p);
    POOL_HEADER *h = quick_pop(p, units);
    ex_tag_usage *u;

    if (h == NULL)
        h = take_block(p, units);

    if (h != NULL) {
        h->pool_type = (UCHAR)(p->paged + 1);
        h->magic = MAGIC_ALLOCATED;
        h->pool_tag = tag;
        h->requested = (ULONG)bytes;
        u = tag_slot(p, tag);
        u->allocs++;
        u->bytes += bytes;
    }
    unlock(p, irql);
    return h != NULL ? h + 1 : NULL;
}

static big_block *big_entry(ULONG va)
{
    if (mm_is_paged_pool(va))
        return &big_blocks[NONPAGED_PAGES +
                           ((va - MM_PAGED_POOL_START) >> PAGE_SHIFT)];
    return &big_blocks[(va - MM_NONPAGED_POOL_START) >> PAGE_SHIFT];
}

static PVOID allocate_pages(pool *p, SIZE_T bytes, ULONG tag)
{
    ULONG pages = (ULONG)BYTES_TO_PAGES(bytes), va;
    KIRQL irql = lock(p);
    ex_tag_usage *u;

    va = get_pages(p, pages);
    if (va == 0 && give_back(p))
        va = get_pages(p, pages);
    if (va == 0) {
        unlock(p, irql);
        return NULL;
    }
    big_entry(va)->tag = tag;
    big_entry(va)->requested = (ULONG)bytes;
    u = tag_slot(p, tag);
    u->allocs++;
    u->bytes += bytes;
    unlock(p, irql);
    return HAL_VA_PTR(va);
}

PVOID ex_pool_allocate(POOL_TYPE type, SIZE_T bytes, ULONG tag)
{
    BOOLEAN page_aligned;
    int index = pool_index(type, &page_aligned);

    if (bytes >= 0x80000000u)
        return NULL;
    if (page_aligned || bytes > SMALL_MAX_BYTES)
        return allocate_pages(&pools[index], bytes, tag);
    return allocate_small(&pools[index], units_for(bytes), bytes, tag);
}

/* NT's checks, then the verifier's say for a verified caller, then the
 * pool. */
static PVOID allocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                      const void *caller)
{
    BOOLEAN page_aligned;
    int index = pool_index(PoolType, &page_aligned);
    KIRQL irql = KeGetPcr()->Irql;
    PVOID p;

    if (index < 0)
        bad_pool_caller(0x9A, (ULONG_PTR)PoolType, NumberOfBytes, Tag);
    if (irql > (index == 1 ? APC_LEVEL : DISPATCH_LEVEL))
        bad_pool_caller(0x08, irql, (ULONG_PTR)PoolType, NumberOfBytes);
    if (NumberOfBytes == 0)
        bad_pool_caller(0x00, 0, (ULONG_PTR)PoolType, Tag);
    if (Tag == 0)
        bad_pool_caller(0x9B, (ULONG_PTR)PoolType, NumberOfBytes,
                        (ULONG_PTR)caller);
    if (vf_hook_allocate(PoolType, NumberOfBytes, Tag, caller, &p))
        return p;
    return ex_pool_allocate(PoolType, NumberOfBytes, Tag);
}

PVOID NTAPI ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                  ULONG Tag)
{
    return allocate(PoolType, NumberOfBytes, Tag,
                    __builtin_return_address(0));
}

PVOID NTAPI ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return allocate(PoolType, NumberOfBytes, TAG_NONE,
                    __builtin_return_address(0));
}

/* ---- Quota pool and pool flags ------------------------------------------- */

/* Quota pool: the pool (no quota is charged), raising on failure unless
 * the type says POOL_QUOTA_FAIL_INSTEAD_OF_RAISE. */
static PVOID allocate_quota(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                            ULONG Tag, const void *caller)
{
    ULONG fail = (ULONG)PoolType & POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
    PVOID p = allocate((POOL_TYPE)((ULONG)PoolType & ~fail), NumberOfBytes,
                       Tag, caller);

    if (p == NULL && !fail)
        ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
    return p;
}

PVOID NTAPI ExAllocatePoolWithQuotaTag(POOL_TYPE PoolType,
                                       SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate_quota(PoolType, NumberOfBytes, Tag,
                          __builtin_return_address(0));
}

PVOID NTAPI ExAllocatePoolWithQuota(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
    return allocate_quota(PoolType, NumberOfBytes, TAG_NONE,
                          __builtin_return_address(0));
}

#define POOL_FLAGS_KNOWN                                                     \
    (POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_CACHE_ALIGNED | \
     POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED |                      \
     POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

/* The POOL_TYPE that valid Flags name; FALSE for invalid ones. */
static BOOLEAN flags_to_type(POOL_FLAGS flags, POOL_TYPE *type)
{
    POOL_FLAGS required = flags & 0xFFFFFFFFull;
    POOL_FLAGS kind = required & (POOL_FLAG_NON_PAGED |
                                  POOL_FLAG_NON_PAGED_EXECUTE |
                                  POOL_FLAG_PAGED);
    BOOLEAN aligned = (flags & POOL_FLAG_CACHE_ALIGNED) != 0;

    if ((required & ~POOL_FLAGS_KNOWN) != 0 || kind == 0 ||
        (kind & (kind - 1)) != 0)
        return FALSE;
    if (kind == POOL_FLAG_PAGED)
        *type = aligned ? PagedPoolCacheAligned : PagedPool;
    else
        *type = aligned ? NonPagedPoolCacheAligned : NonPagedPool;
    return TRUE;
}

/* ExAllocatePool2 and 3 once their parameters are checked: caller is the
 * driver's address, for the verifier. */
static PVOID allocate_flags(POOL_FLAGS flags, SIZE_T bytes, ULONG tag,
                            BOOLEAN valid, const void *caller)
{
    POOL_TYPE type = NonPagedPool;
    PVOID p = NULL;

    if (valid && flags_to_type(flags, &type))
        p = allocate(type, bytes, tag, caller);
    if (p != NULL && !(flags & POOL_FLAG_UNINITIALIZED))
        RtlZeroMemory(p, bytes);
    if (p == NULL && (flags & POOL_FLAG_RAISE_ON_FAILURE))
        ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
    return p;
}

PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    return allocate_flags(Flags, NumberOfBytes, Tag, TRUE,
                          __builtin_return_address(0));
}

PVOID NTAPI ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                            PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                            ULONG Count)
{
    BOOLEAN valid = Count == 0 || ExtendedParameters != NULL;
    ULONG i;

    for (i = 0; valid && i < Count; i++)
        valid = ExtendedParameters[i].Type == PoolExtendedParameterPriority;
    return allocate_flags(Flags, NumberOfBytes, Tag, valid,
                          __builtin_return_address(0));
}

/* ---- Free ---------------------------------------------------------------- */

/* Tags compare without bit 31 (NT's PROTECTED_POOL). */
static BOOLEAN same_tag(ULONG a, ULONG b)
{
    return ((a ^ b) & 0x7FFFFFFFu) == 0;
}

static void free_pages(pool *p, ULONG va, ULONG tag)
{
    big_block *b = big_entry(va);
    KIRQL irql;
    ex_tag_usage *u;

    if (b->requested == 0)
        bad_pool_caller(p->paged ? 0x50 : 0x44, va,
                        p->paged ? (va - MM_PAGED_POOL_START) >> PAGE_SHIFT : 0,
                        p->paged ? MM_PAGED_POOL_END - MM_PAGED_POOL_START : 0);
    if (tag != 0 && !same_tag(tag, b->tag))
        bad_pool_caller(0x0A, va, b->tag, tag);
    irql = lock(p);
    u = tag_slot(p, b->tag);
    u->frees++;
    u->bytes -= b->requested;
    if (b->requested <= PAGE_SIZE)
        put_page(p, va);
    else
        mm_free_pool_pages(va);
    b->requested = 0;
    unlock(p, irql);
}

/* Checks the header of a small block being freed (caller holds the lock). */
static void check_header(pool *p, POOL_HEADER *h, ULONG va, ULONG tag)
{
    ULONG contents;

    if ((h->magic == MAGIC_FREE || h->magic == MAGIC_QUICK) &&
        h->pool_type == 0) {
        RtlCopyMemory(&contents, h, sizeof contents);
        bad_pool_caller(0x07, 0, contents, va);
    }
    if (h->magic != MAGIC_ALLOCATED || h->pool_type != p->paged + 1 ||
        h->block_size < 2 || h->block_size > PAGE_UNITS)
        bad_pool_caller(0x99, va, 0, 0);
    if (tag != 0 && !same_tag(tag, h->pool_tag))
        bad_pool_caller(0x0A, va, h->pool_tag, tag);
}

static void free_small(pool *p, ULONG va, ULONG tag)
{
    POOL_HEADER *h = (POOL_HEADER *)HAL_VA_PTR(va) - 1;
    KIRQL irql = lock(p);
    ex_tag_usage *u;

    check_header(p, h, va, tag);
    u = tag_slot(p, h->pool_tag);
    u->frees++;
    u->bytes -= h->requested;
    h->pool_type = 0;
    if (!quick_push(p, h))
        release_block(p, h);
    unlock(p, irql);
}

/*
 * Stop parameters give addresses as the guest sees them; a pointer outside
 * the guest window (a wild host pointer) is shown as it is.
 */
VOID NTAPI ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    ULONG va = HAL_PTR_VA(P);
    ULONG_PTR shown = HAL_PTR_IN_WINDOW(P) ? va : (ULONG_PTR)P;
    BOOLEAN paged = mm_is_paged_pool(va);
    KIRQL irql = KeGetPcr()->Irql;

    if (vf_hook_free(P, Tag))
        return;
    if (!HAL_PTR_IN_WINDOW(P) || !mm_is_system_address(va))
        bad_pool_caller(0x40, shown, MM_SYSTEM_RANGE_START, 0);
    if (!paged && !mm_is_nonpaged_pool(va))
        bad_pool_caller(0x42, shown, 0, 0);
    if (irql > (paged ? APC_LEVEL : DISPATCH_LEVEL))
        bad_pool_caller(0x09, irql, paged, shown);
    if ((va & (POOL_UNIT - 1)) != 0)
        bad_pool_caller(0x46, shown, 0, 0);
    if ((va & (PAGE_SIZE - 1)) == 0)
        free_pages(&pools[paged], va, Tag);
    else
        free_small(&pools[paged], va, Tag);
}

SIZE_T ex_pool_block_size(PVOID p)
{
    ULONG va = HAL_PTR_VA(p);
    POOL_HEADER *h = (POOL_HEADER *)p - 1;

    if (!HAL_PTR_IN_WINDOW(p) ||
        (!mm_is_paged_pool(va) && !mm_is_nonpaged_pool(va)) ||
        (va & (POOL_UNIT - 1)) != 0 ||
        (mm_is_paged_pool(va) && KeGetCurrentIrql() > APC_LEVEL))
        return 0;
    if ((va & (PAGE_SIZE - 1)) == 0)
        return big_entry(va)->requested;
    return h->magic == MAGIC_ALLOCATED ? h->requested : 0;
}

VOID NTAPI ExFreePool(PVOID P)
{
    ExFreePoolWithTag(P, 0);
}

/* ---- What a debugger sees ------------------------------------------------- */

/* The large block covering va, searched back from va's page. */
static BOOLEAN find_large(ULONG va, ex_pool_block *out)
{
    ULONG page = MM_PAGE_ALIGN(va), n;
    BOOLEAN paged = mm_is_paged_pool(va);

    for (n = 0; n < 1024; n++, page -= PAGE_SIZE) {
        const big_block *b;

        if (mm_is_paged_pool(page) != paged || mm_is_nonpaged_pool(page) == paged)
            return FALSE;
        b = big_entry(page);
        if (b->requested != 0) {
            ULONG size = (ULONG)BYTES_TO_PAGES(b->requested) * PAGE_SIZE;

            if (va - page >= size)
                return FALSE;
            *out = (ex_pool_block){page, size, 0, b->tag, b->requested,
                                   EX_POOL_ALLOCATED, TRUE};
            return TRUE;
        }
    }
    return FALSE;
}

/* Walks the headers of the small-block page at page; FALSE when they do
 * not make a whole page of blocks. */
static BOOLEAN walk_small_page(ULONG page, ex_pool_block *out, ULONG max,
                               ULONG *count)
{
    ULONG at = 0, previous = 0, n = 0;
    POOL_HEADER h;

    while (at < PAGE_UNITS) {
        if (mm_debug_read(page + at * POOL_UNIT, &h, sizeof h) != sizeof h ||
            h.previous_size != previous || h.block_size == 0 ||
            at + h.block_size > PAGE_UNITS ||
            (h.magic != MAGIC_ALLOCATED && h.magic != MAGIC_FREE &&
             h.magic != MAGIC_QUICK))
            return FALSE;
        if (n < max)
            out[n] = (ex_pool_block){
                page + at * POOL_UNIT, h.block_size * POOL_UNIT,
                previous * POOL_UNIT, h.magic == MAGIC_FREE ? 0 : h.pool_tag,
                h.magic == MAGIC_ALLOCATED ? h.requested : 0,
                h.magic == MAGIC_ALLOCATED ? EX_POOL_ALLOCATED
                : h.magic == MAGIC_QUICK   ? EX_POOL_QUICK
                                           : EX_POOL_FREE,
                FALSE};
        n++;
        previous = h.block_size;
        at += h.block_size;
    }
    *count = n < max ? n : max;
    return TRUE;
}

ULONG ex_pool_page_blocks(ULONG va, ex_pool_block *out, ULONG max)
{
    ULONG count = 0;

    if ((!mm_is_paged_pool(va) && !mm_is_nonpaged_pool(va)) || max == 0)
        return 0;
    if (big_entry(MM_PAGE_ALIGN(va))->requested == 0 &&
        walk_small_page(MM_PAGE_ALIGN(va), out, max, &count))
        return count;
    return find_large(va, out) ? 1 : 0;
}
