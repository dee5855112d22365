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
 */
#include "vf.h"

#include "../ex/ex.h"
#include "../ke/ke.h"
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
