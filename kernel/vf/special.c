/*
 * Special pool: each block of a verified driver on page(s) of its own,
 * against a no-access guard page.
 *
 * The pages come from the ordinary pool regions (so paged special pool
 * pages like any paged pool) plus one more, the guard, whose PTE is
 * emptied. With the guard at the end (the default) the block ends as
 * close to it as the 16-byte alignment allows, so a read or write past
 * the end faults at once: 0xD6 DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION
 * when the instruction is in a driver, 0xCD otherwise. With
 * --verifier-special=start the guard comes first and the block starts the
 * next page, for underruns. The rest of the block's pages is filled with a
 * pattern, checked at the free: a change stops with 0xC1
 * SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION (0x23 before the block, 0x24
 * after it). A freed block's pages stay no-access while the last
 * QUARANTINE blocks freed do: a touch stops with 0xD5 (0xCC when not from
 * a driver).
 */
#include "vf.h"

#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

#define FILL       0x3Cu
#define QUARANTINE 128

#define NONPAGED_PAGES ((MM_NONPAGED_POOL_END - MM_NONPAGED_POOL_START) >> 12)
#define PAGED_PAGES    ((MM_PAGED_POOL_END - MM_PAGED_POOL_START) >> 12)

enum { SP_NONE, SP_LIVE, SP_GUARD, SP_FREED };

static UCHAR page_state[NONPAGED_PAGES + PAGED_PAGES];
static vf_block quarantine[QUARANTINE]; /* freed blocks, oldest at next */
static ULONG quarantine_next;

static UCHAR *state_of(ULONG va)
{
    if (mm_is_nonpaged_pool(va))
        return &page_state[(va - MM_NONPAGED_POOL_START) >> PAGE_SHIFT];
    if (mm_is_paged_pool(va))
        return &page_state[NONPAGED_PAGES +
                           ((va - MM_PAGED_POOL_START) >> PAGE_SHIFT)];
    return NULL;
}

BOOLEAN vf_is_special(ULONG va)
{
    UCHAR *s = state_of(va);

    return s != NULL && *s != SP_NONE;
}

static void set_state(ULONG first, ULONG pages, UCHAR state)
{
    ULONG i;

    for (i = 0; i < pages; i++)
        *state_of(first + (i << PAGE_SHIFT)) = state;
}

/* The first page of b's data and the page past its last. */
static ULONG data_start(const vf_block *b)
{
    return vf_opts.special_start ? b->first + PAGE_SIZE : b->first;
}

static ULONG data_end(const vf_block *b)
{
    return data_start(b) + ((ULONG)(b->pages - 1) << PAGE_SHIFT);
}

BOOLEAN vf_special_allocate(vf_block *b)
{
    ULONG span = (b->bytes + 15) & ~15u, data = BYTES_TO_PAGES(span);
    ULONG first = mm_allocate_pool_pages(b->paged, data + 1), guard;

    if (first == 0)
        return FALSE;
    b->first = first;
    b->pages = (USHORT)(data + 1);
    guard = vf_opts.special_start ? first : data_end(b);
    mm_pool_page_noaccess(guard);
    b->va = vf_opts.special_start ? data_start(b) : data_end(b) - span;
    RtlFillMemory(HAL_VA_PTR(data_start(b)), data << PAGE_SHIFT, FILL);
    set_state(data_start(b), data, SP_LIVE);
    set_state(guard, 1, SP_GUARD);
    return TRUE;
}

/* The first byte in [from, to) that is not the fill, or 0. */
static ULONG changed_fill(ULONG from, ULONG to)
{
    const UCHAR *p = HAL_VA_PTR(from);
    ULONG i;

    for (i = 0; i < to - from; i++)
        if (p[i] != FILL)
            return from + i;
    return 0;
}

static void check_fill(const vf_block *b)
{
    ULONG bad = changed_fill(data_start(b), b->va), subcode = 0x23;
    char where[80], tag[5];

    if (bad == 0) {
        bad = changed_fill(b->va + b->bytes, data_end(b));
        subcode = 0x24;
    }
    if (bad == 0)
        return;
    vf_describe_code(where, sizeof where, b->caller);
    vf_stop(SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION, b->va, bad, 0, subcode,
            "the %u-byte block at %08X (tag '%s', from %s) was written %s, "
            "at %08X",
            b->bytes, b->va, rtl_tag_text(b->tag, tag), where,
            subcode == 0x23 ? "before its start" : "past its end", bad);
}

void vf_special_free(const vf_block *b)
{
    ULONG page;
    KIRQL irql;
    vf_block old;

    check_fill(b);
    for (page = data_start(b); page < data_end(b); page += PAGE_SIZE)
        mm_pool_page_noaccess(page);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    old = quarantine[quarantine_next];
    quarantine[quarantine_next] = *b;
    quarantine_next = (quarantine_next + 1) % QUARANTINE;
    set_state(b->first, b->pages, SP_FREED);
    if (old.first != 0)
        set_state(old.first, old.pages, SP_NONE);
    KfLowerIrql(irql);
    if (old.first != 0)
        mm_free_pool_pages(old.first);
}

const vf_block *vf_special_holding(const vf_block *blocks, ULONG count,
                                   ULONG va)
{
    ULONG i;

    for (i = 0; i < count; i++) {
        const vf_block *b = &blocks[i];

        if (b->first != 0 && va >= b->first &&
            va - b->first < (ULONG)b->pages << PAGE_SHIFT)
            return b;
    }
    return NULL;
}

void vf_special_fault(const hal_trap *trap)
{
    UCHAR *s = state_of(trap->va);
    BOOLEAN driver = trap->ip_guest && mm_image_at((ULONG)trap->ip) != NULL;
    const vf_block *b;
    char who[80], from[80], tag[5];
    ULONG code;

    if (s == NULL || (*s != SP_GUARD && *s != SP_FREED))
        return;
    b = *s == SP_GUARD ? vf_block_around(trap->va)
                       : vf_special_holding(quarantine, QUARANTINE, trap->va);
    if (*s == SP_GUARD)
        code = driver ? DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION
                      : PAGE_FAULT_BEYOND_END_OF_ALLOCATION;
    else
        code = driver ? DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL
                      : PAGE_FAULT_IN_FREED_SPECIAL_POOL;
    vf_describe_instruction(who, sizeof who,
                            trap->ip_guest ? (ULONG_PTR)HAL_VA_PTR(trap->ip)
                                           : trap->ip);
    vf_describe_code(from, sizeof from, b != NULL ? b->caller : 0);
    vf_stop(code, trap->va, trap->write, trap->ip, 0,
            "%s %s %08X, %s %u-byte block at %08X (tag '%s', from %s)", who,
            trap->write ? "wrote" : "read", trap->va,
            *s == SP_FREED                       ? "in a freed"
            : trap->va < (b != NULL ? b->va : 0) ? "before a"
                                                 : "past the end of a",
            b != NULL ? b->bytes : 0, b != NULL ? b->va : 0,
            rtl_tag_text(b != NULL ? b->tag : 0, tag), from);
}
