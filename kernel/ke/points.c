/*
 * Preemption points.
 *
 * Drivers and programs built with the SDK are compiled with gcc's
 * -fsanitize-coverage=trace-pc, which calls __sanitizer_cov_trace_pc at
 * the start of every basic block. The call counts down; when the count
 * runs out the CPU is at a preemption point: its time moves on as at any
 * checkpoint, and what came due is taken there, as far as IRQL and the
 * interrupt flag allow (the clock interrupt below CLOCK_LEVEL; the DPCs,
 * timer expiry and quantum end it asks for below DISPATCH_LEVEL). So a
 * clock DPC or a thread switch can land between two basic blocks of driver
 * code that never calls the kernel, at a place set by --seed.
 *
 * The count to the next point is drawn from the clock's generator: the
 * same seed puts every point at the same block, another seed moves them.
 * User mode keeps its own count (in the user runtime, user/ntdll/points.c)
 * and enters the kernel through NtlabPreemptionPoint, which hands it its
 * next count; a system call costs more than a call, so user points are
 * further apart, and each stands for more of the CPU's time.
 *
 * --no-points turns them off: instrumented code then runs as if it had
 * none, preempted only where it calls the kernel.
 */
#include "ke.h"

/* Blocks between points, on average: in the kernel, in user mode. */
#define KI_POINT_MEAN      64u
#define KI_USER_POINT_MEAN 1024u

/* --no-points: the count never runs out (in 2^31 blocks, then again). */
#define KI_NO_POINT 0x7FFFFFFF

LONG ki_points_left = 1;
ULONGLONG ki_points_taken;
static BOOLEAN points_off;

void ki_init_points(BOOLEAN off)
{
    points_off = off;
    ki_points_left = off ? KI_NO_POINT : 1;
}

/* A count from 1 to 2 * mean - 1, from the clock's generator. */
static ULONG draw_interval(ULONG mean)
{
    return 1 + (ULONG)((ki_next_random() >> 32) % (2 * mean - 1));
}

/* The count ran out: a new one, then the checkpoint (which may take the
 * clock interrupt, run DPCs or switch threads, and so return much later). */
void ki_preemption_point(void)
{
    if (points_off) {
        ki_points_left = KI_NO_POINT;
        return;
    }
    ki_points_left = (LONG)draw_interval(KI_POINT_MEAN);
    ki_points_taken++;
    ki_checkpoint();
}

/*
 * Called by instrumented driver code at every basic block. Any IRQL: what
 * IRQL or a disabled interrupt flag holds back stays pending. Not for
 * calling by hand.
 */
VOID __sanitizer_cov_trace_pc(VOID)
{
    if (--ki_points_left <= 0)
        ki_preemption_point();
}

/*
 * A preemption point in user mode: the user runtime's count ran out. The
 * CPU's time moves on by 5 to 15 us (the blocks the count stood for) and
 * what came due is taken on the way back to user mode. Returns the count
 * to the next point.
 */
ULONG NTAPI NtlabPreemptionPoint(VOID)
{
    if (points_off)
        return KI_NO_POINT;
    if (!ki_cpu.realtime)
        ki_cpu.cpu_time += 50 + (((ki_next_random() >> 32) * 101) >> 32);
    ki_points_taken++;
    ki_checkpoint();
    return draw_interval(KI_USER_POINT_MEAN);
}
