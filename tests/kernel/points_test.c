/*
 * Preemption points: driver code that never calls the kernel (testload.sys's
 * TestLoop, built with the SDK's points) is interrupted by the clock where
 * IRQL and the interrupt flag allow, and only there.
 */
#include "kt_util.h"

#define ROUNDS 2000000u /* tens of clock ticks of the CPU's time */

typedef ULONG (*loop_routine)(ULONG);

static volatile BOOLEAN in_loop;
static volatile ULONG dpc_runs, dpc_runs_in_loop;

static VOID count_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    dpc_runs++;
    if (in_loop)
        dpc_runs_in_loop++;
}

/* Loads testload.sys; its TestLoop, or NULL. */
static loop_routine load_loop(mm_system_image **image)
{
    if (!NT_SUCCESS(mm_load_system_image("testload.sys", image)))
        return NULL;
    return (loop_routine)mm_image_symbol(*image, "TestLoop");
}

/* Runs loop with in_loop set: nothing between the flag and the call, nor
 * in the loop, calls the kernel, so only a point can let a DPC in. */
static void run_loop(loop_routine loop)
{
    in_loop = TRUE;
    loop(ROUNDS);
    in_loop = FALSE;
}

/* At PASSIVE_LEVEL the clock interrupt lands inside the driver's loop and
 * the timer's DPC runs there, before the loop returns. */
KTEST(points, a_timer_dpc_runs_inside_driver_code)
{
    mm_system_image *image = NULL;
    loop_routine loop = load_loop(&image);
    LARGE_INTEGER due = {.QuadPart = -10000}; /* 1 ms: the next tick */
    KTIMER timer;
    KDPC dpc;

    KT_ASSERT(loop != NULL);
    dpc_runs = dpc_runs_in_loop = 0;
    KeInitializeTimer(&timer);
    KeInitializeDpc(&dpc, count_dpc, NULL);
    KeSetTimerEx(&timer, due, 1, &dpc); /* every tick */
    run_loop(loop);
    KeCancelTimer(&timer);
    KeRemoveQueueDpc(&dpc);
    KT_EXPECT(dpc_runs_in_loop >= 2);
    mm_unload_system_image(image);
}

/* At DISPATCH_LEVEL the clock still interrupts the loop (CLOCK_LEVEL is
 * higher), but the DPC it queues waits until IRQL drops. */
KTEST(points, dispatch_level_holds_the_dpc_back)
{
    mm_system_image *image = NULL;
    loop_routine loop = load_loop(&image);
    LARGE_INTEGER due = {.QuadPart = -10000};
    ULONG interrupts;
    KTIMER timer;
    KDPC dpc;
    KIRQL old;

    KT_ASSERT(loop != NULL);
    dpc_runs = dpc_runs_in_loop = 0;
    KeInitializeTimer(&timer);
    KeInitializeDpc(&dpc, count_dpc, NULL);
    KeSetTimer(&timer, due, &dpc);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    interrupts = KeGetPcr()->InterruptCount;
    run_loop(loop);
    KT_EXPECT(KeGetPcr()->InterruptCount > interrupts);
    KT_EXPECT_EQ(dpc_runs, 0);
    KeLowerIrql(old);
    KT_EXPECT_EQ(dpc_runs, 1);
    KT_EXPECT_EQ(dpc_runs_in_loop, 0);
    mm_unload_system_image(image);
}

/* With interrupts off nothing is taken at the points: the CPU's time moves
 * on, and the tick that came due waits for the flag. */
KTEST(points, interrupts_off_hold_the_clock_back)
{
    mm_system_image *image = NULL;
    loop_routine loop = load_loop(&image);
    ULONGLONG points = ki_points_taken, time;
    ULONG interrupts;
    BOOLEAN enabled;

    KT_ASSERT(loop != NULL);
    enabled = hal_interrupts_disable();
    interrupts = KeGetPcr()->InterruptCount;
    time = ki_cpu.cpu_time;
    loop(ROUNDS);
    KT_EXPECT_EQ(KeGetPcr()->InterruptCount, interrupts);
    KT_EXPECT(ki_points_taken > points + 1000);
    KT_EXPECT(ki_cpu.realtime || ki_cpu.cpu_time > time);
    hal_interrupts_restore(enabled);
    mm_unload_system_image(image);
}
