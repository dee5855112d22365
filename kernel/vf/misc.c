/*
 * Low resources simulation and the miscellaneous checks.
 *
 * lowres: pool allocations, IoAllocateIrp and IoAllocateMdl of verified
 * drivers fail (NULL) one time in N (--verifier-faults 1/N, 1/20 when not
 * given), drawn from a generator seeded by --seed, so a failing run
 * replays. At unload the verifier says how many it failed.
 *
 * misc: a verified driver that frees pool holding a lookaside list it has
 * not deleted stops with 0xC4 (0xCC, the list, the block, its size); one
 * that references a handle of a user process with KernelMode access (the
 * handle comes from user mode, so the access checks must be UserMode's)
 * stops with 0xC4 (0xF6, the handle, the process, the instruction).
 * The kernel touches dispatcher objects and work items at DISPATCH_LEVEL,
 * so they must be resident: a verified driver that waits on an object in
 * pageable memory (or at no valid address) stops with 0xC4 (0xE1, the
 * object); one that queues a work item there, with 0xC4 (0x131, the item);
 * one that waits in UserMode on an object on its own kernel stack (which
 * may be paged out while the thread waits in UserMode), with 0xC4 (0x123,
 * the object). A dispatcher object freed while a thread waits on it is
 * caught by special pool: the kernel unlinking the wait touches the freed
 * page (0xCC).
 */
#include "vf.h"

#include "../ex/ex.h"
#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

#define MAX_LOOKASIDES 64
#define DEFAULT_ONE_IN 20

static ULONGLONG state;
static ULONG injected, requests;
static const void *lookasides[MAX_LOOKASIDES]; /* verified drivers' lists */

/* xorshift64*: the next draw. */
static ULONGLONG draw(void)
{
    if (state == 0)
        state = vf_opts.seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
}

BOOLEAN vf_inject_failure(const void *caller)
{
    ULONG one_in = vf_opts.faults != 0 ? vf_opts.faults : DEFAULT_ONE_IN;
    BOOLEAN enabled;
    BOOLEAN fail;

    if (!vf_verified_address(caller))
        return FALSE;
    enabled = hal_interrupts_disable();
    requests++;
    fail = (draw() >> 33) % one_in == 0;
    injected += fail;
    hal_interrupts_restore(enabled);
    return fail;
}

void vf_report_lowres(const char *name)
{
    if ((vf_classes & HAL_VERIFIER_LOWRES) && requests != 0)
        rtl_print("Driver Verifier: %s unloaded; low resources simulation "
                  "failed %u of %u requests\n",
                  name, injected, requests);
}

void vf_lookaside(const void *list, BOOLEAN initialized, const void *caller)
{
    BOOLEAN enabled;
    ULONG i;

    if (!vf_verified_address(caller))
        return;
    enabled = hal_interrupts_disable();
    for (i = 0; i < MAX_LOOKASIDES; i++) {
        if (initialized && lookasides[i] == NULL) {
            lookasides[i] = list;
            break;
        }
        if (!initialized && lookasides[i] == list)
            lookasides[i] = NULL;
    }
    hal_interrupts_restore(enabled);
}

void vf_check_freed_objects(const void *p, SIZE_T bytes)
{
    const UCHAR *end = (const UCHAR *)p + bytes;
    PWORK_QUEUE_ITEM item = ex_queued_work_item(p, end);
    ULONG i;

    if (item != NULL)
        vf_stop(WORKER_INVALID, 0, vf_va(item), vf_va(p), vf_va(end),
                "the pool block being freed holds a work item that is queued "
                "and has not run (at %08X)",
                (ULONG)vf_va(item));
    for (i = 0; i < MAX_LOOKASIDES; i++) {
        const UCHAR *l = lookasides[i];

        if (l != NULL && l >= (const UCHAR *)p && l < (const UCHAR *)p + bytes)
            vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0xCC, vf_va(l),
                    vf_va(p), bytes,
                    "the pool block being freed holds a lookaside list that "
                    "was not deleted (at %08X)",
                    (ULONG)vf_va(l));
    }
}

void vf_reference_handle(HANDLE handle, const void *caller)
{
    PEPROCESS process = PsGetCurrentProcess();
    char where[80];

    if (process == PsInitialSystemProcess || !vf_verified_address(caller))
        return;
    vf_describe_code(where, sizeof where, (ULONG_PTR)caller);
    vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0xF6, (ULONG_PTR)handle,
            vf_va(process), vf_va(caller),
            "%s referenced handle %X of %s with KernelMode access: a handle "
            "from user mode needs UserMode (Irp->RequestorMode)",
            where, (ULONG)(ULONG_PTR)handle,
            PsGetProcessImageFileName(process));
}

/* Why the kernel may not touch object p at DISPATCH_LEVEL: "pageable",
 * "invalid", or NULL when it may (nt's own image is always resident). */
static const char *unfit(const void *p)
{
    ULONG va;

    if (!HAL_PTR_IN_WINDOW(p))
        return NULL;
    va = HAL_PTR_VA(p);
    if (mm_is_pageable_address(va))
        return "pageable";
    if (!mm_is_system_address(va) || !MmIsAddressValid((PVOID)p))
        return "invalid";
    return NULL;
}

static BOOLEAN on_kernel_stack(const void *p)
{
    const KTHREAD *thread = ke_current_thread();

    return (const UCHAR *)p >= (const UCHAR *)thread->StackLimit &&
           (const UCHAR *)p < (const UCHAR *)thread->InitialStack;
}

void vf_check_wait(ULONG count, PVOID const objects[], KPROCESSOR_MODE mode,
                   const void *caller)
{
    char where[80];
    const char *why;
    ULONG i;

    if (!vf_verified_address(caller) || count > MAXIMUM_WAIT_OBJECTS)
        return;
    vf_describe_code(where, sizeof where, (ULONG_PTR)caller);
    for (i = 0; i < count; i++) {
        why = unfit(objects[i]);
        if (why != NULL)
            vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0xE1,
                    vf_va(objects[i]), 0, 0,
                    "%s waits on an object at %08X in %s memory: the kernel "
                    "signals objects at DISPATCH_LEVEL",
                    where, (ULONG)vf_va(objects[i]), why);
        if (mode == UserMode && on_kernel_stack(objects[i]))
            vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x123,
                    vf_va(objects[i]), 0, 0,
                    "%s waits in UserMode on an object on its kernel stack "
                    "(at %08X): the stack may be paged out while it waits",
                    where, (ULONG)vf_va(objects[i]));
    }
}

void vf_check_work_item(const void *item, const void *caller)
{
    char where[80];
    const char *why = unfit(item);

    if (why == NULL || !vf_verified_address(caller))
        return;
    vf_describe_code(where, sizeof where, (ULONG_PTR)caller);
    vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, 0x131, vf_va(item), 0, 0,
            "%s queued a work item at %08X in %s memory: worker threads take "
            "it at DISPATCH_LEVEL",
            where, (ULONG)vf_va(item), why);
}
