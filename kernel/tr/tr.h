/*
 * The timeline (Tr): what --trace records, as Chrome trace events that
 * Perfetto and chrome://tracing open. Each hook is a call behind one test
 * of tr_enabled, so that an untraced run pays a load and a branch.
 *
 * Tracks:
 *   - "CPU 0" (pid TR_CPU_PID): the running thread as a slice from the
 *     switch to it to the switch away (B/E), and inside it what runs on
 *     the CPU whatever the thread: clock and device interrupts, timer
 *     expiries and DPCs (complete events); the IRQL as a counter.
 *   - one per thread, in its process (pid = the process's PID, tid = the
 *     thread's TID): page faults and their page-ins, IRP dispatch,
 *     kernel APCs and waits (complete events), and where a wait was
 *     satisfied and an IRP completed (instants).
 *
 * Times are the CPU's clock (ki_cpu.cpu_time, 100 ns), written in
 * microseconds: virtual unless --realtime, so that a seed gives the same
 * file byte for byte. The hooks never move the clock, take no lock and
 * touch no pageable memory: they may be called at any IRQL.
 *
 * The events go through hal_trace_write, one JSON object each; the
 * platform brackets them into the file.
 */
#ifndef KERNEL_TR_TR_H
#define KERNEL_TR_TR_H

#include "../ke/ke.h"

extern BOOLEAN tr_enabled;

/* Starts the timeline when the boot asked for it (info->trace). Boot,
 * after the clock. */
void tr_init(const hal_boot_info *info);

/* The clock, for the start of a complete event. */
static inline ULONGLONG tr_now(void)
{
    return ki_cpu.cpu_time;
}

/* The CPU switches from the current thread to next (DISPATCH_LEVEL). */
void tr_switch(const KTHREAD *next);
/* IRQL has become irql. */
void tr_irql(KIRQL irql);
/* A clock interrupt that began at start has ended (ticks taken). */
void tr_clock_interrupt(ULONGLONG start, ULONG ticks);
/* A device interrupt on vector, begun at start, ended; claimed by an ISR
 * (routine: the one that claimed it, or NULL). */
void tr_device_interrupt(ULONGLONG start, ULONG vector, const void *routine);
/* A timer expired (from the dispatch interrupt). */
void tr_timer_expired(const KTIMER *timer);
/* A DPC routine called at start has returned; timer says a timer's. */
void tr_dpc(ULONGLONG start, const KDPC *dpc, const void *routine,
            BOOLEAN timer);
/* A kernel APC's routines, called at start, have returned (normal: it
 * had a normal routine). */
void tr_apc(ULONGLONG start, const void *routine, BOOLEAN normal);
/* A page fault on trap->va, taken at start, is resolved (or raised). */
void tr_page_fault(ULONGLONG start, const hal_trap *trap);
/* The page at va was made valid: from the paging file, zeroed, or taken
 * back from the transition list. */
typedef enum tr_page_in_kind {
    TR_PAGE_IN_FILE,
    TR_PAGE_IN_ZERO,
    TR_PAGE_IN_TRANSITION,
} tr_page_in_kind;
void tr_page_in(ULONG va, tr_page_in_kind kind);
/* A dispatch routine for major (of IRP irp, sent to device), called at
 * start, returned status. */
void tr_irp_dispatch(ULONGLONG start, const void *device, const void *irp,
                     UCHAR major, NTSTATUS status);
/* IoCompleteRequest of irp, whose current stack location is major, on
 * device, with its IoStatus.Status. */
void tr_irp_complete(const void *device, const void *irp, UCHAR major,
                     NTSTATUS status);
/* A device was made with name (NULL: none), or deleted; the trace names
 * IRPs' devices from here (names live in paged pool). PASSIVE_LEVEL for
 * a name. */
void tr_device_created(const void *device, const UNICODE_STRING *name);
void tr_device_deleted(const void *device);
/* The current thread waited, from start, for count objects (the first is
 * object; a delay waits for its own timer), and its wait ended with
 * status. */
void tr_wait(ULONGLONG start, ULONG count, const void *object, BOOLEAN delay,
             NTSTATUS status);
/* thread's wait is satisfied with status by the current thread. */
void tr_unwait(const KTHREAD *thread, NTSTATUS status);

#define TR(call)            \
    do {                    \
        if (tr_enabled)     \
            call;           \
    } while (0)

#endif
