/*
 * The cost of preemption points (issue: races): the same loop in a driver
 * (testload.sys), compiled with the SDK's points and without, called from
 * here. The ratio is what the points cost a driver's tightest code; most
 * driver code spends its time in kernel calls, which carry no points.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../kernel/mm/mm.h"

#define RUNS   5
#define ROUNDS 2000000u

typedef ULONG (*loop_routine)(ULONG);

/* The best time of RUNS calls of loop, in picoseconds per round. */
static ULONGLONG best_ps(loop_routine loop)
{
    ULONGLONG best = ~0ull, start, ps;
    int run;

    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        loop(ROUNDS);
        ps = (hal_clock_ns() - start) * 1000 / ROUNDS;
        if (ps < best)
            best = ps;
    }
    return best;
}

KBENCH(preempt_points)
{
    mm_system_image *image = NULL;
    loop_routine with, without;

    if (!NT_SUCCESS(mm_load_system_image("testload.sys", &image)))
        return;
    with = (loop_routine)mm_image_symbol(image, "TestLoop");
    without = (loop_routine)mm_image_symbol(image, "TestLoopWithoutPoints");
    if (with != NULL && without != NULL)
        kbench_report("preempt_points", best_ps(with), best_ps(without),
                      "the same driver loop without points", "-");
    mm_unload_system_image(image);
}
