/*
 * Client IDs: the one table that gives processes and threads their IDs.
 *
 * IDs are multiples of 4, the index of an entry times 4; entry 0 is never
 * used (ID 0 is the Idle process, which is not in the table). An entry
 * points at its object without referencing it: the object's delete routine
 * takes the entry out, and a lookup references the object only if it is
 * still alive. Freed entries are reused lowest first, as NT reuses IDs.
 * The table grows by doubling; a spin lock guards it, so lookups work at
 * DISPATCH_LEVEL.
 */
#include "ps.h"

#include "../ob/ob.h"

#define FIRST_CAPACITY 64u
#define MAX_CAPACITY   (1u << 22)

static struct {
    KSPIN_LOCK lock;
    PVOID *entries; /* nonpaged pool; NULL: free */
    ULONG capacity;
    ULONG used; /* entries [1, used) have been handed out at least once */
} cids;

/* A bigger array for the table, or NULL. */
static PVOID *grow(ULONG capacity)
{
    PVOID *entries =
        ExAllocatePoolWithTag(NonPagedPool, capacity * sizeof *entries, 'diCP');

    if (entries != NULL)
        RtlZeroMemory(entries, capacity * sizeof *entries);
    return entries;
}

/* Takes the lowest free entry for object. Lock held. */
static BOOLEAN take_locked(PVOID object, ULONG *id)
{
    ULONG i;

    for (i = 1; i < cids.used && cids.entries[i] != NULL; i++)
        ;
    if (i >= cids.capacity)
        return FALSE;
    cids.entries[i] = object;
    if (i >= cids.used)
        cids.used = i + 1;
    *id = i * 4;
    return TRUE;
}

NTSTATUS ps_create_cid(PVOID object, ULONG *id)
{
    PVOID *fresh = NULL, *old;
    ULONG fresh_capacity = 0, want;
    BOOLEAN done;
    KIRQL irql;

    for (;;) {
        old = NULL;
        KeAcquireSpinLock(&cids.lock, &irql);
        done = take_locked(object, id);
        want = cids.capacity ? cids.capacity * 2 : FIRST_CAPACITY;
        if (!done && fresh != NULL && fresh_capacity == want) {
            if (cids.entries != NULL)
                RtlCopyMemory(fresh, cids.entries,
                              cids.capacity * sizeof *fresh);
            old = cids.entries;
            cids.entries = fresh;
            cids.capacity = want;
            fresh = NULL;
            done = take_locked(object, id);
        }
        KeReleaseSpinLock(&cids.lock, irql);
        if (old != NULL)
            ExFreePool(old);
        if (fresh != NULL)
            ExFreePool(fresh); /* someone else grew the table meanwhile */
        if (done)
            return STATUS_SUCCESS;
        fresh_capacity = want;
        fresh = want <= MAX_CAPACITY ? grow(want) : NULL;
        if (fresh == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
}

void ps_delete_cid(ULONG id)
{
    KIRQL irql;

    KeAcquireSpinLock(&cids.lock, &irql);
    if (id / 4 < cids.capacity)
        cids.entries[id / 4] = NULL;
    KeReleaseSpinLock(&cids.lock, irql);
}

PVOID ps_lookup_cid(ULONG id)
{
    PVOID object = NULL;
    KIRQL irql;

    if (id % 4 != 0)
        return NULL;
    KeAcquireSpinLock(&cids.lock, &irql);
    if (id != 0 && id / 4 < cids.capacity && cids.entries[id / 4] != NULL &&
        ob_reference_if_alive(cids.entries[id / 4]))
        object = cids.entries[id / 4];
    KeReleaseSpinLock(&cids.lock, irql);
    return object;
}
