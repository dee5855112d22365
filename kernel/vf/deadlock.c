/*
 * Deadlock detection: the order in which verified drivers take their
 * locks (spin locks, fast mutexes, mutexes), as a graph. Taking lock B
 * while holding A adds the edge A -> B. When B -> ... -> A is already
 * there, some thread took these locks in the other order: two threads
 * doing both at once would wait for each other for ever. That stops the
 * system with 0xC4 (0x1001, B, A) at once, whether or not this run
 * deadlocked, after a report of both orders and where each lock was taken.
 *
 * Locks are told apart by address. A lock in memory a verified driver
 * frees, or in an image being unloaded, is forgotten with it. What a DPC
 * holds belongs to the DPC, not to the thread it interrupted.
 */
#include "vf.h"

#include "../ke/ke.h"
#include "../rtl/rtl.h"

#define MAX_LOCKS 256
#define MAX_EDGES 1024
#define MAX_HELD  128

typedef struct lock_node {
    const void *lock; /* NULL: a free node */
    vf_lock_kind kind;
} lock_node;

/* Where an edge was first seen: from held (taken at from_caller) when to
 * was taken at to_caller. */
typedef struct lock_edge {
    USHORT from, to;
    const void *from_caller, *to_caller;
} lock_edge;

typedef struct held_lock {
    const void *owner; /* a thread, or the PCR for a DPC */
    USHORT node;
    const void *caller;
} held_lock;

static lock_node nodes[MAX_LOCKS];
static ULONG order[MAX_LOCKS][MAX_LOCKS / 32]; /* bit: edge from -> to */
static lock_edge edges[MAX_EDGES];
static ULONG edge_count;
static held_lock held[MAX_HELD];
static ULONG held_count;

static const void *owner(void)
{
    KPCR *pcr = KeGetPcr();

    return pcr->DpcRoutineActive ? (const void *)pcr
                                 : (const void *)pcr->CurrentThread;
}

/* The node for lock, made if need be; MAX_LOCKS when the table is full. */
static ULONG node_of(const void *lock, vf_lock_kind kind)
{
    ULONG i, free = MAX_LOCKS;

    for (i = 0; i < MAX_LOCKS; i++) {
        if (nodes[i].lock == lock)
            return i;
        if (nodes[i].lock == NULL && free == MAX_LOCKS)
            free = i;
    }
    if (free != MAX_LOCKS)
        nodes[free] = (lock_node){lock, kind};
    return free;
}

static BOOLEAN has_edge(ULONG from, ULONG to)
{
    return (order[from][to / 32] >> (to % 32)) & 1;
}

/* Is there a path from -> ... -> to? Marks what it visited in seen. */
static BOOLEAN reaches(ULONG from, ULONG to, ULONG *seen)
{
    ULONG next;

    if (from == to)
        return TRUE;
    seen[from / 32] |= 1u << (from % 32);
    for (next = 0; next < MAX_LOCKS; next++)
        if (has_edge(from, next) && !(seen[next / 32] & (1u << (next % 32))) &&
            reaches(next, to, seen))
            return TRUE;
    return FALSE;
}

static const lock_edge *edge_info(ULONG from, ULONG to)
{
    ULONG i;

    for (i = 0; i < edge_count; i++)
        if (edges[i].from == from && edges[i].to == to)
            return &edges[i];
    return NULL;
}

static const char *kind_name(vf_lock_kind kind)
{
    return kind == VF_SPIN_LOCK    ? "Spinlock"
           : kind == VF_FAST_MUTEX ? "FastMutex"
                                   : "Mutex";
}

static void print_edge(const char *when, ULONG from, ULONG to,
                       const void *from_caller, const void *to_caller)
{
    char a[80], b[80];

    vf_describe_code(a, sizeof a, (ULONG_PTR)from_caller);
    vf_describe_code(b, sizeof b, (ULONG_PTR)to_caller);
    rtl_print("  %s: %s %08X (taken at %s), then %s %08X (taken at %s)\n", when,
              kind_name(nodes[from].kind), (ULONG)vf_va(nodes[from].lock), a,
              kind_name(nodes[to].kind), (ULONG)vf_va(nodes[to].lock), b);
}

/* Taking b (at caller) while holding a (taken at a_caller) closes a cycle
 * with the earlier path b -> ... -> a: reports both orders and stops. */
static void cycle(ULONG b, ULONG a, const void *a_caller, const void *caller)
{
    ULONG at = b, seen[MAX_LOCKS / 32], next;
    const lock_edge *e;

    rtl_print("\nDriver Verifier: deadlock detected: two locks taken in both "
              "orders\n");
    while (at != a) {
        for (next = 0; next < MAX_LOCKS; next++) {
            RtlZeroMemory(seen, sizeof seen);
            if (has_edge(at, next) && reaches(next, a, seen))
                break;
        }
        e = edge_info(at, next);
        print_edge("earlier", at, next, e != NULL ? e->from_caller : NULL,
                   e != NULL ? e->to_caller : NULL);
        at = next;
    }
    print_edge("now    ", a, b, a_caller, caller);
    vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x1001, vf_va(nodes[b].lock),
            vf_va(nodes[a].lock), 0,
            "lock %08X taken while holding %08X: the reverse of an earlier "
            "order (both listed above)",
            (ULONG)vf_va(nodes[b].lock), (ULONG)vf_va(nodes[a].lock));
}

/* Records that b is taken (at caller) while this owner holds what it
 * holds; stops on a cycle. Interrupts disabled. */
static void add_edges(ULONG b, const void *who, const void *caller)
{
    ULONG i, seen[MAX_LOCKS / 32];

    for (i = 0; i < held_count; i++) {
        ULONG a = held[i].node;

        if (held[i].owner != who || a == b || has_edge(a, b))
            continue;
        RtlZeroMemory(seen, sizeof seen);
        if (reaches(b, a, seen))
            cycle(b, a, held[i].caller, caller);
        order[a][b / 32] |= 1u << (b % 32);
        if (edge_count < MAX_EDGES)
            edges[edge_count++] =
                (lock_edge){(USHORT)a, (USHORT)b, held[i].caller, caller};
    }
}

static BOOLEAN holds(const void *who, ULONG node)
{
    ULONG i;

    for (i = 0; i < held_count; i++)
        if (held[i].owner == who && held[i].node == node)
            return TRUE;
    return FALSE;
}

static void deadlock_acquire(const void *lock, vf_lock_kind kind,
                             const void *caller)
{
    BOOLEAN enabled = hal_interrupts_disable();
    const void *who = owner();
    ULONG node = node_of(lock, kind);

    /* A mutex taken again by its owner is recursion, not a new order. */
    if (node != MAX_LOCKS && !holds(who, node)) {
        add_edges(node, who, caller);
        if (held_count < MAX_HELD)
            held[held_count++] = (held_lock){who, (USHORT)node, caller};
    }
    hal_interrupts_restore(enabled);
}

void vf_lock_acquire(const void *lock, vf_lock_kind kind, const void *caller)
{
    if (!vf_verified_address(caller))
        return;
    if (kind == VF_SPIN_LOCK && (vf_classes & HAL_VERIFIER_IRQL))
        vf_raise(DISPATCH_LEVEL, caller);
    if (vf_classes & HAL_VERIFIER_DEADLOCK)
        deadlock_acquire(lock, kind, caller);
}

void vf_lock_release(const void *lock)
{
    BOOLEAN enabled = hal_interrupts_disable();
    ULONG i;

    for (i = held_count; i-- > 0;) {
        if (nodes[held[i].node].lock == lock) {
            held[i] = held[--held_count];
            break;
        }
    }
    hal_interrupts_restore(enabled);
}

static BOOLEAN held_by_any(ULONG node)
{
    ULONG i;

    for (i = 0; i < held_count; i++)
        if (held[i].node == node)
            return TRUE;
    return FALSE;
}

void vf_forget_locks(ULONG_PTR lo, ULONG_PTR hi)
{
    BOOLEAN enabled = hal_interrupts_disable();
    ULONG i, j;

    for (i = 0; i < MAX_LOCKS; i++) {
        if (nodes[i].lock == NULL || (ULONG_PTR)nodes[i].lock < lo ||
            (ULONG_PTR)nodes[i].lock >= hi || held_by_any(i))
            continue;
        nodes[i].lock = NULL;
        for (j = 0; j < MAX_LOCKS; j++) {
            order[i][j / 32] &= ~(1u << (j % 32));
            order[j][i / 32] &= ~(1u << (i % 32));
        }
        for (j = edge_count; j-- > 0;)
            if (edges[j].from == i || edges[j].to == i)
                edges[j] = edges[--edge_count];
    }
    hal_interrupts_restore(enabled);
}
