/*
 * The executive support layer's private interface (Ex): pool accounting
 * for tests and inspection.
 */
#ifndef KERNEL_EX_H
#define KERNEL_EX_H

#include <ntddk.h>

/* What one tag has taken from one pool, as poolmon shows it. */
typedef struct ex_tag_usage {
    ULONG tag;
    ULONG allocs;
    ULONG frees;
    SIZE_T bytes; /* in use now, as requested */
} ex_tag_usage;

/* Sets up both pools (boot, after Mm). */
void ex_init_pools(void);

/* Makes the event, semaphore, mutant and timer types (boot, after Ob). */
void ex_init_objects(void);

/* Starts the system worker threads (phase 1, in a system thread). */
void ex_init_workers(void);
/* A work item queued and not yet run that lies in [lo, hi), or NULL.
 * <= DISPATCH_LEVEL. */
PWORK_QUEUE_ITEM ex_queued_work_item(const void *lo, const void *hi);

/* Wholly free pages a pool keeps for reuse (counted as in use by Mm). */
ULONG ex_pool_empty_pages(BOOLEAN paged);

/* Empties both pools' quick lists, merging the freed blocks they hold, so
 * that wholly free pages go back. IRQL <= APC_LEVEL. */
void ex_pool_flush(void);
/* Allocates from the pool without NT's checks (its caller made them) and
 * without the verifier: the verifier's way to the ordinary pool. */
PVOID ex_pool_allocate(POOL_TYPE type, SIZE_T bytes, ULONG tag);
/* The bytes asked for of the pool block at p, or 0 when p is not one.
 * Reads the block's header: caller at <= APC_LEVEL for paged pool. */
SIZE_T ex_pool_block_size(PVOID p);

/* One block of a pool page, as a debugger's !pool shows it. */
typedef enum ex_pool_state {
    EX_POOL_ALLOCATED,
    EX_POOL_FREE,
    EX_POOL_QUICK, /* freed, held on a quick list */
} ex_pool_state;

typedef struct ex_pool_block {
    ULONG va;        /* its header (a large block: its first page) */
    ULONG size;      /* bytes, header included (large: whole pages) */
    ULONG previous;  /* bytes of the block before it in its page */
    ULONG tag;       /* 0 for a free block */
    ULONG requested; /* bytes asked for; 0 when not allocated */
    UCHAR state;     /* ex_pool_state */
    BOOLEAN large;   /* whole pages, no header */
} ex_pool_block;

/*
 * The blocks of the pool page holding va, in address order (up to max
 * into out), or the large block covering va; returns how many (0 when va
 * is in no block: not pool, a page not in use, or a small-block page that
 * is not resident). Headers are read through mm_debug_read: nothing
 * faults. Any IRQL, with the machine held still (kd).
 */
ULONG ex_pool_page_blocks(ULONG va, ex_pool_block *out, ULONG max);

/* Bytes of freed blocks a pool holds on its quick lists. */
ULONG ex_pool_quick_bytes(BOOLEAN paged);

/* The usage of tag in the paged or nonpaged pool (zeros if never seen). */
ex_tag_usage ex_pool_tag_usage(ULONG tag, BOOLEAN paged);
/* Copies the usage of up to max tags of the paged or nonpaged pool (every
 * tag seen since boot, in no order) into out; returns how many there are.
 * Any IRQL: reads counters only. */
ULONG ex_pool_tags(BOOLEAN paged, ex_tag_usage *out, ULONG max);
/* All tags of one pool together: allocations and frees since boot, bytes
 * in use now (tag 0). */
ex_tag_usage ex_pool_usage(BOOLEAN paged);

#endif
