/*
 * The clock.
 *
 * The CPU keeps its own time (cpu_time, 100 ns units). It moves on at
 * checkpoints: every drop of IRQL below DISPATCH_LEVEL, every clock read,
 * every trap, and by the requested amount in KeStallExecutionProcessor.
 * When it passes the next tick, the clock interrupt is taken at that
 * checkpoint, at CLOCK_LEVEL, if IRQL and the interrupt flag allow; else it
 * waits for the next checkpoint that does. The interrupt moves the interrupt
 * time and the tick count on by whole increments (so, as on NT,
 * KeQueryInterruptTime has the resolution of a tick), asks for timer
 * expiry, charges the running thread's quantum, and requests the DISPATCH
 * interrupt that does the rest when IRQL drops.
 *
 * In the default virtual mode a checkpoint costs 0.5 to 1.5 us, drawn from
 * a generator seeded by --seed, and an idle CPU jumps straight to the tick
 * at which the next timer is due: a run is fully determined by its inputs
 * and the seed, and a different seed moves every preemption point. With
 * --realtime, cpu_time follows the host's clock and the idle CPU sleeps.
 * Either way interrupts are taken at checkpoints; drivers and programs
 * reach one every few dozen basic blocks through their preemption points
 * (points.c), but the kernel's own code that spins without one (no IRQL
 * drop, no clock read) is not preempted.
 */
#include "ke.h"

#include "../tr/tr.h"

/* NT's uniprocessor x86 clock: 10.0144 ms per tick. */
#define TIME_INCREMENT 100144u
/* The virtual machine boots at 2000-01-01 00:00:00 UTC. */
#define VIRTUAL_BOOT_TIME 125911584000000000ull

ki_cpu_clock ki_cpu;

static struct {
    ULONGLONG interrupt_time; /* whole increments since boot */
    ULONGLONG tick_count;
    ULONGLONG boot_time;    /* system time at interrupt time 0 */
    ULONGLONG host_base_ns; /* realtime: the host clock at boot */
    PKDPC tick_dpc;         /* queued at every tick, if set */
    BOOLEAN in_interrupt;
} clock;

void ki_init_clock(ULONGLONG seed, BOOLEAN realtime)
{
    ki_cpu.rng = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    ki_cpu.realtime = realtime;
    clock.boot_time = realtime ? hal_time_of_day() : VIRTUAL_BOOT_TIME;
    clock.host_base_ns = hal_clock_ns();
    /* The seed also sets where in its period the first tick falls. */
    ki_cpu.next_tick = 1 + ki_next_random() % TIME_INCREMENT;
}

/* The clock interrupt, for the ticks that have come due. Interrupts off. */
static void clock_interrupt(void)
{
    KPCR *pcr = KeGetPcr();
    KTHREAD *thread = pcr->CurrentThread;
    ULONGLONG ticks = (ki_cpu.cpu_time - ki_cpu.next_tick) / TIME_INCREMENT + 1;
    ULONGLONG start = tr_now();
    KIRQL irql = KfRaiseIrql(CLOCK_LEVEL);

    ki_cpu.next_tick += ticks * TIME_INCREMENT;
    clock.interrupt_time += ticks * TIME_INCREMENT;
    clock.tick_count += ticks;
    ke_update_shared_time(clock.interrupt_time, ki_system_time(),
                          clock.tick_count);
    pcr->InterruptCount++;
    if (ki_next_timer_due() <= clock.interrupt_time) {
        pcr->TimerExpiryPending = TRUE;
        ki_request_dispatch_interrupt();
    }
    if (thread != NULL && thread != pcr->IdleThread) {
        LONG left = thread->Quantum - (LONG)(ticks * CLOCK_QUANTUM_DECREMENT);

        thread->Quantum = (SCHAR)(left < -100 ? -100 : left);
        if (thread->Quantum <= 0) {
            pcr->QuantumEnd = TRUE;
            ki_request_dispatch_interrupt();
        }
    }
    if (clock.tick_dpc != NULL)
        KeInsertQueueDpc(clock.tick_dpc, NULL, NULL);
    /* DPCs that did not ask for an interrupt (low importance) run now. */
    if (!IsListEmpty(&pcr->DpcListHead) && !pcr->DpcRoutineActive)
        ki_request_dispatch_interrupt();
    TR(tr_clock_interrupt(start, (ULONG)ticks));
    clock.in_interrupt = FALSE;
    hal_interrupts_restore(TRUE);
    KfLowerIrql(irql);
}

/* Would a clock interrupt be taken now (ignoring whether one is due)? */
static BOOLEAN interrupt_can_be_taken(void)
{
    BOOLEAN enabled;

    if (clock.in_interrupt || KeGetPcr()->Irql >= CLOCK_LEVEL)
        return FALSE;
    enabled = hal_interrupts_disable();
    hal_interrupts_restore(enabled);
    return enabled;
}

/* Takes the clock interrupt if a tick is due and nothing holds it back. */
static void take_due_interrupt(void)
{
    if (ki_cpu.cpu_time < ki_cpu.next_tick || !interrupt_can_be_taken())
        return;
    hal_interrupts_disable();
    clock.in_interrupt = TRUE;
    clock_interrupt();
}

void ki_user_tick(void)
{
    if (!ki_cpu.realtime && ki_cpu.cpu_time < ki_cpu.next_tick)
        ki_cpu.cpu_time = ki_cpu.next_tick;
    ki_checkpoint_slow();
}

void ki_checkpoint_slow(void)
{
    if (ki_cpu.realtime)
        ki_cpu.cpu_time = (hal_clock_ns() - clock.host_base_ns) / 100;
    take_due_interrupt();
}

BOOLEAN ki_idle_wait(void)
{
    ULONGLONG due = ki_next_waking_timer_due(), ticks, at;

    if (due == KI_NEVER)
        return FALSE;
    /* Timers expire at ticks: find the first tick at or after due. A tick
     * DPC (--trim's) is owed every tick, not one for all the ticks
     * skipped: then idle to the next tick only. */
    ticks = clock.tick_dpc != NULL || due <= clock.interrupt_time
                ? 1
                : (due - clock.interrupt_time + TIME_INCREMENT - 1) /
                      TIME_INCREMENT;
    at = ki_cpu.next_tick + (ticks - 1) * TIME_INCREMENT;
    if (ki_cpu.realtime) {
        hal_halt_until(clock.host_base_ns + at * 100);
        ki_cpu.cpu_time = (hal_clock_ns() - clock.host_base_ns) / 100;
    } else if (ki_cpu.cpu_time < at) {
        ki_cpu.cpu_time = at;
    }
    take_due_interrupt();
    return TRUE;
}

void ke_set_tick_dpc(PKDPC dpc)
{
    clock.tick_dpc = dpc;
}

ULONGLONG ki_interrupt_time(void)
{
    return clock.interrupt_time;
}

ULONGLONG ki_system_time(void)
{
    return clock.boot_time + clock.interrupt_time;
}

ULONGLONG NTAPI KeQueryInterruptTime(VOID)
{
    ki_checkpoint();
    return clock.interrupt_time;
}

VOID NTAPI KeQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    ki_checkpoint();
    CurrentTime->QuadPart = (LONGLONG)ki_system_time();
}

VOID NTAPI KeQueryTickCount(PLARGE_INTEGER TickCount)
{
    ki_checkpoint();
    TickCount->QuadPart = (LONGLONG)clock.tick_count;
}

ULONG NTAPI KeQueryTimeIncrement(VOID)
{
    return TIME_INCREMENT;
}

/*
 * Busy-waits: the CPU's time moves on by MicroSeconds, and each clock tick
 * on the way is taken as it comes, as on hardware, when IRQL and the
 * interrupt flag allow; otherwise it stays pending for a later checkpoint.
 * Any IRQL.
 */
VOID NTAPI KeStallExecutionProcessor(ULONG MicroSeconds)
{
    ULONGLONG until;

    if (ki_cpu.realtime)
        ki_cpu.cpu_time = (hal_clock_ns() - clock.host_base_ns) / 100;
    until = ki_cpu.cpu_time + (ULONGLONG)MicroSeconds * 10;
    while (ki_cpu.cpu_time < until) {
        if (ki_cpu.realtime)
            ki_cpu.cpu_time = (hal_clock_ns() - clock.host_base_ns) / 100;
        else if (interrupt_can_be_taken())
            ki_cpu.cpu_time =
                until < ki_cpu.next_tick ? until : ki_cpu.next_tick;
        else
            ki_cpu.cpu_time = until;
        take_due_interrupt();
    }
}
