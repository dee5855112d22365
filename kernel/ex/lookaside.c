/*
 * Lookaside lists and interlocked singly linked lists.
 *
 * A lookaside list keeps up to Depth freed blocks of one size and hands them
 * out again before asking the pool. On one CPU an S-list operation is made
 * atomic by masking interrupts; the spin lock argument is not needed.
 */
#include "ex.h"

#include <hal.h>

#include "../vf/vf.h"

VOID NTAPI ExInitializeSListHead(PSLIST_HEADER SListHead)
{
    SListHead->Alignment = 0;
}

PSLIST_ENTRY NTAPI ExInterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                               PSLIST_ENTRY ListEntry,
                                               PKSPIN_LOCK Lock)
{
    BOOLEAN enabled = hal_interrupts_disable();
    PSLIST_ENTRY first = ListHead->Next.Next;

    UNREFERENCED_PARAMETER(Lock);
    ListEntry->Next = first;
    ListHead->Next.Next = ListEntry;
    ListHead->Depth++;
    ListHead->Sequence++;
    hal_interrupts_restore(enabled);
    return first;
}

PSLIST_ENTRY NTAPI ExInterlockedPopEntrySList(PSLIST_HEADER ListHead,
                                              PKSPIN_LOCK Lock)
{
    BOOLEAN enabled = hal_interrupts_disable();
    PSLIST_ENTRY first = ListHead->Next.Next;

    UNREFERENCED_PARAMETER(Lock);
    if (first != NULL) {
        ListHead->Next.Next = first->Next;
        ListHead->Depth--;
        ListHead->Sequence++;
    }
    hal_interrupts_restore(enabled);
    return first;
}

USHORT NTAPI ExQueryDepthSList(PSLIST_HEADER SListHead)
{
    return SListHead->Depth;
}

static PVOID default_allocate(POOL_TYPE type, SIZE_T bytes, ULONG tag)
{
    return ExAllocatePoolWithTag(type, bytes, tag);
}

static VOID default_free(PVOID buffer)
{
    ExFreePool(buffer);
}

static void init_lookaside(PGENERAL_LOOKASIDE l, PALLOCATE_FUNCTION allocate,
                           PFREE_FUNCTION free, POOL_TYPE type, SIZE_T size,
                           ULONG tag, USHORT depth)
{
    ExInitializeSListHead(&l->ListHead);
    l->Depth = depth != 0 ? depth : 4;
    l->MaximumDepth = 256;
    l->TotalAllocates = l->AllocateMisses = 0;
    l->TotalFrees = l->FreeMisses = 0;
    l->Type = type;
    l->Tag = tag;
    /* A free block holds the list link. */
    l->Size = (ULONG)(size < sizeof(SLIST_ENTRY) ? sizeof(SLIST_ENTRY) : size);
    l->Allocate = allocate != NULL ? allocate : default_allocate;
    l->Free = free != NULL ? free : default_free;
    InitializeListHead(&l->ListEntry);
}

static PVOID take(PGENERAL_LOOKASIDE l)
{
    PVOID entry = ExInterlockedPopEntrySList(&l->ListHead, NULL);

    l->TotalAllocates++;
    if (entry == NULL) {
        l->AllocateMisses++;
        entry = l->Allocate(l->Type, l->Size, l->Tag);
    }
    return entry;
}

static void give(PGENERAL_LOOKASIDE l, PVOID entry)
{
    l->TotalFrees++;
    if (ExQueryDepthSList(&l->ListHead) >= l->Depth) {
        l->FreeMisses++;
        l->Free(entry);
        return;
    }
    ExInterlockedPushEntrySList(&l->ListHead, entry, NULL);
}

/* Gives every cached block back to the pool. */
static void drain(PGENERAL_LOOKASIDE l)
{
    PVOID entry;

    while ((entry = ExInterlockedPopEntrySList(&l->ListHead, NULL)) != NULL)
        l->Free(entry);
}

VOID NTAPI ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
                                           PALLOCATE_FUNCTION Allocate,
                                           PFREE_FUNCTION Free, ULONG Flags,
                                           SIZE_T Size, ULONG Tag, USHORT Depth)
{
    UNREFERENCED_PARAMETER(Flags);
    vf_hook_lookaside(Lookaside, TRUE, __builtin_return_address(0));
    init_lookaside(&Lookaside->L, Allocate, Free, NonPagedPool, Size, Tag,
                   Depth);
}

VOID NTAPI ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    vf_hook_lookaside(Lookaside, FALSE, __builtin_return_address(0));
    drain(&Lookaside->L);
}

PVOID NTAPI ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside)
{
    return take(&Lookaside->L);
}

VOID NTAPI ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
                                       PVOID Entry)
{
    give(&Lookaside->L, Entry);
}

VOID NTAPI ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
                                          PALLOCATE_FUNCTION Allocate,
                                          PFREE_FUNCTION Free, ULONG Flags,
                                          SIZE_T Size, ULONG Tag, USHORT Depth)
{
    UNREFERENCED_PARAMETER(Flags);
    vf_hook_lookaside(Lookaside, TRUE, __builtin_return_address(0));
    init_lookaside(&Lookaside->L, Allocate, Free, PagedPool, Size, Tag, Depth);
}

VOID NTAPI ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    vf_hook_lookaside(Lookaside, FALSE, __builtin_return_address(0));
    drain(&Lookaside->L);
}

PVOID NTAPI ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside)
{
    return take(&Lookaside->L);
}

VOID NTAPI ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
                                      PVOID Entry)
{
    give(&Lookaside->L, Entry);
}
