/*
 * Preemption points in user mode. Programs built with the SDK are compiled
 * with -fsanitize-coverage=trace-pc, which calls __sanitizer_cov_trace_pc
 * at every basic block (this runtime itself is not). The count runs down
 * here, in user mode; when it runs out the kernel is entered
 * (NtlabPreemptionPoint): the CPU's time moves on there, a due clock
 * interrupt is taken, and the thread may be switched, as a timer interrupt
 * would preempt it. The kernel draws the next count from --seed, so a
 * program that spins without calling the kernel is preempted at the same
 * blocks in every run with that seed.
 *
 * One count per process: threads are switched only in the kernel (without
 * --realtime), so no update of it is lost; with --realtime a host timer can
 * switch threads between the decrement's read and write, which at worst
 * moves a point.
 */
#include <ntdll.h>

static LONG points_left = 1;

VOID __sanitizer_cov_trace_pc(VOID)
{
    if (--points_left <= 0)
        points_left = (LONG)NtlabPreemptionPoint();
}
