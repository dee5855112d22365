/*
 * Benchmarks of the kernel proper (issue: Ke): an event ping-pong between
 * two threads, a DPC from insert to run, and a wait on a signalled event.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../kernel/ps/ps.h"
#include "baseline.h"

#define RUNS   5
#define ROUNDS 20000

static KEVENT ping, pong;

static void ponger(PVOID unused)
{
    int i;

    UNREFERENCED_PARAMETER(unused);
    for (i = 0; i < RUNS * ROUNDS; i++) {
        KeWaitForSingleObject(&ping, Executive, KernelMode, FALSE, NULL);
        KeSetEvent(&pong, IO_NO_INCREMENT, FALSE);
    }
}

static ULONGLONG min_of(ULONGLONG a, ULONGLONG b)
{
    return a < b ? a : b;
}

/* One handoff = one thread sets an event and the other wakes from it. */
KBENCH(event_pingpong)
{
    ULONGLONG best = ~0ull, start;
    ETHREAD *thread;
    int run, i;

    KeInitializeEvent(&ping, SynchronizationEvent, FALSE);
    KeInitializeEvent(&pong, SynchronizationEvent, FALSE);
    if (!NT_SUCCESS(ps_create_system_thread(ponger, NULL, &thread)))
        return;
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < ROUNDS; i++) {
            KeSetEvent(&ping, IO_NO_INCREMENT, FALSE);
            KeWaitForSingleObject(&pong, Executive, KernelMode, FALSE, NULL);
        }
        best = min_of(best, (hal_clock_ns() - start) * 1000 / (2ull * ROUNDS));
    }
    KeWaitForSingleObject(&thread->Tcb, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(thread);
    kbench_report("event_pingpong", best, baseline_futex_handoff_ps(),
                  "futex ping-pong between two Linux threads on one CPU",
                  "0.05");
}

static VOID empty_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
}

/* Queued at PASSIVE_LEVEL, a DPC runs before KeInsertQueueDpc returns. */
KBENCH(dpc_latency)
{
    ULONGLONG best = ~0ull, start;
    KDPC dpc;
    int run, i;

    KeInitializeDpc(&dpc, empty_dpc, NULL);
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < ROUNDS; i++)
            KeInsertQueueDpc(&dpc, NULL, NULL);
        best = min_of(best, (hal_clock_ns() - start) * 1000 / ROUNDS);
    }
    kbench_report("dpc_latency", best, baseline_futex_handoff_ps(),
                  "futex wake of a waiting Linux thread", "-");
}

KBENCH(wait_signaled)
{
    ULONGLONG best = ~0ull, start;
    LARGE_INTEGER zero = {.QuadPart = 0};
    KEVENT event;
    int run, i;

    KeInitializeEvent(&event, NotificationEvent, TRUE);
    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < ROUNDS; i++)
            KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, &zero);
        best = min_of(best, (hal_clock_ns() - start) * 1000 / ROUNDS);
    }
    kbench_report("wait_signaled", best, baseline_futex_handoff_ps(),
                  "futex wake of a waiting Linux thread", "-");
}
