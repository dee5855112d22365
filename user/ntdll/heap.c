/*
 * The process heap: RtlAllocateHeap and RtlFreeHeap (malloc and free sit
 * on them), and the memory the shared Rtl string routines use.
 *
 * A first-fit list of free blocks carved from regions of 1 MiB committed
 * with NtAllocateVirtualMemory, each ending with a header that is never
 * free; freed blocks merge with a free neighbour that follows them. Requests of
 * 256 KiB or more get a region of their own, released when freed. One lock (a
 * flag, with a yield while it is taken) serialises the threads of the process.
 * HeapHandle is ignored: there is one heap.
 */
#include <ntdll.h>

#include "../../kernel/rtl/rtl.h"

#define REGION     (1u << 20)
#define BIG        (256u * 1024)
#define ALIGN      16u
#define HDR        ((SIZE_T)sizeof(block))
#define MAGIC_USED 0x55534544u /* "USED" */
#define MAGIC_FREE 0x46524545u /* "FREE" */
#define MAGIC_BIG  0x42494721u /* "BIG!" */
#define MAGIC_END  0x454E4421u /* "END!": the last header of a region */

typedef struct block {
    SIZE_T size; /* bytes, this header included */
    struct block *next_free;
    ULONG magic;
    ULONG spare;
} block;

static block *free_list;
static volatile LONG heap_lock;

static void lock(void)
{
    LARGE_INTEGER brief = {.QuadPart = -10000}; /* 1 ms */
    int spins = 0;

    while (__atomic_exchange_n(&heap_lock, 1, __ATOMIC_ACQUIRE) != 0) {
        if (++spins < 100)
            NtYieldExecution();
        else
            NtDelayExecution(FALSE, &brief);
    }
}

static void unlock(void)
{
    __atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE);
}

static PVOID region(SIZE_T size)
{
    PVOID base = NULL;

    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                            MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)))
        return NULL;
    return base;
}

/* A free block of at least size bytes (lock held), split if it is big. */
static block *take(SIZE_T size)
{
    block **link, *b, *rest;

    for (link = &free_list; (b = *link) != NULL; link = &b->next_free) {
        if (b->size < size)
            continue;
        *link = b->next_free;
        if (b->size - size >= HDR + ALIGN) {
            rest = (block *)((PUCHAR)b + size);
            rest->size = b->size - size;
            rest->magic = MAGIC_FREE;
            rest->next_free = free_list;
            free_list = rest;
            b->size = size;
        }
        b->magic = MAGIC_USED;
        return b;
    }
    b = region(REGION);
    if (b == NULL)
        return NULL;
    b->size = REGION - HDR;
    b->magic = MAGIC_FREE;
    ((block *)((PUCHAR)b + b->size))->magic = MAGIC_END;
    b->next_free = free_list;
    free_list = b;
    return take(size);
}

PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size)
{
    SIZE_T size = (Size + HDR + ALIGN - 1) & ~(SIZE_T)(ALIGN - 1);
    block *b;

    UNREFERENCED_PARAMETER(HeapHandle);
    if (Size > ((SIZE_T)1 << 40))
        return NULL;
    if (size >= BIG) {
        b = region(size);
        if (b == NULL)
            return NULL;
        b->size = size;
        b->magic = MAGIC_BIG;
    } else {
        lock();
        b = take(size);
        unlock();
        if (b == NULL)
            return NULL;
    }
    if (Flags & HEAP_ZERO_MEMORY)
        RtlZeroMemory(b + 1, b->size - HDR);
    return b + 1;
}

BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    block *b = (block *)BaseAddress - 1, *next;
    PVOID base = b;
    SIZE_T zero = 0;

    UNREFERENCED_PARAMETER(HeapHandle);
    UNREFERENCED_PARAMETER(Flags);
    if (BaseAddress == NULL)
        return TRUE;
    if (b->magic == MAGIC_BIG)
        return NT_SUCCESS(
            NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE));
    if (b->magic != MAGIC_USED)
        return FALSE; /* not a heap block, or freed twice */
    lock();
    next = (block *)((PUCHAR)b + b->size);
    /* Merge with the free block right after it, if it is on the list. */
    if (next->magic == MAGIC_FREE) {
        block **link;

        for (link = &free_list; *link != NULL && *link != next;
             link = &(*link)->next_free)
            ;
        if (*link == next) {
            *link = next->next_free;
            b->size += next->size;
            next->magic = 0;
        }
    }
    b->magic = MAGIC_FREE;
    b->next_free = free_list;
    free_list = b;
    unlock();
    return TRUE;
}

SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    UNREFERENCED_PARAMETER(HeapHandle);
    UNREFERENCED_PARAMETER(Flags);
    return ((block *)BaseAddress - 1)->size - HDR;
}

/* ---- The port of the shared string routines
 * ------------------------------------ */

PVOID rtl_allocate(SIZE_T bytes, ULONG tag)
{
    UNREFERENCED_PARAMETER(tag);
    return RtlAllocateHeap(NULL, 0, bytes);
}

void rtl_free(PVOID p)
{
    RtlFreeHeap(NULL, 0, p);
}
