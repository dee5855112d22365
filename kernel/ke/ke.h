/*
 * The kernel proper's private interface (Ke): the processor control region,
 * thread and process control blocks, the scheduler, the clock, waits, DPCs,
 * APCs, traps and bug checks.
 *
 * Locking: one CPU. The dispatcher database (ready queues, thread states,
 * wait lists, the timer queue, the DPC queue) is guarded by raising to
 * DISPATCH_LEVEL (ki_lock_dispatcher); routines named _locked expect that.
 */
#ifndef KERNEL_KE_H
#define KERNEL_KE_H

#include <hal.h>
#include <ntddk.h>

/* ---- Processor control region -------------------------------------------- */

/* Software interrupt requests held in KPCR.PendingSoftware. */
#define KI_PENDING_DISPATCH (1u << DISPATCH_LEVEL)

/*
 * The processor control region (NT splits it into KPCR and KPRCB). It lives
 * at MM_KPCR_VA (0xFFDFF000) once memory management is up; during early boot
 * a copy in kernel data serves.
 */
typedef struct _KPCR {
    KIRQL Irql;
    UCHAR PendingSoftware; /* KI_PENDING_* */
    BOOLEAN QuantumEnd;
    BOOLEAN TimerExpiryPending;
    BOOLEAN DpcRoutineActive;
    BOOLEAN DpcInterruptRequested;
    ULONG Number;
    struct _KTHREAD *CurrentThread;
    struct _KTHREAD *NextThread; /* chosen to preempt the current one */
    struct _KTHREAD *IdleThread;
    LIST_ENTRY DpcListHead;
    ULONG DpcQueueDepth;
    ULONG ContextSwitches;
    ULONG DpcCount;
    ULONG InterruptCount;
} KPCR;

extern KPCR *ki_pcr;
#define KeGetPcr() (ki_pcr)

static inline struct _KTHREAD *ke_current_thread(void)
{
    return KeGetPcr()->CurrentThread;
}

/* ---- Processes and threads ----------------------------------------------- */

typedef enum _KTHREAD_STATE {
    Initialized,
    Ready,
    Running,
    Standby,
    Terminated,
    Waiting,
    Transition,
    DeferredReady,
} KTHREAD_STATE;

/* A process as the kernel proper sees it. Signalled when its last thread
 * ends. */
typedef struct _KPROCESS {
    DISPATCHER_HEADER Header;
    ULONG DirectoryTableBase; /* frame of the page directory */
    LIST_ENTRY ThreadListHead;
    KPRIORITY BasePriority;
    /* Where user mode starts threads and takes exceptions and APCs: the
     * image's RtlUserThreadStart, KiUserExceptionDispatcher and
     * KiUserApcDispatcher (0 in a process without user mode). */
    ULONG UserThreadStart;
    ULONG UserExceptionDispatcher;
    ULONG UserApcDispatcher;
} KPROCESS;

/* Quantum units: a clock tick takes 3, a satisfied wait 1 (NT's values). */
#define THREAD_QUANTUM          6
#define CLOCK_QUANTUM_DECREMENT 3
#define WAIT_QUANTUM_DECREMENT  1
#define ALERT_INCREMENT         2

/* The thread's extra wait block, for its timeout timer. */
#define TIMER_WAIT_BLOCK THREAD_WAIT_OBJECTS

/* A thread as the kernel proper sees it. Signalled when it ends. */
/* A kernel-mode trap being handled on a thread's stack, innermost first
 * (the stop screen's backtrace starts at the faulting instruction). */
typedef struct ki_trap_link {
    const hal_trap *trap;
    struct ki_trap_link *next;
} ki_trap_link;

typedef struct _KTHREAD {
    DISPATCHER_HEADER Header;
    hal_context Context;
    PVOID InitialStack;           /* the stack's base (highest address) */
    PVOID StackLimit;             /* its lowest usable address */
    struct _KPROCESS *Process;    /* the thread's own process */
    LIST_ENTRY ThreadListEntry;   /* in Process->ThreadListHead */
    LIST_ENTRY WaitListEntry;     /* in a ready queue */
    LIST_ENTRY MutantListHead;    /* mutants it owns */
    UCHAR State;                  /* KTHREAD_STATE */
    KPROCESSOR_MODE PreviousMode; /* of the system service running now */
    SCHAR Priority;
    SCHAR BasePriority;
    SCHAR Quantum;
    BOOLEAN Preempted;
    BOOLEAN SystemThread;
    /* APCs and attach: ApcState.Process is the current address space. */
    KAPC_STATE ApcState;
    KAPC_STATE SavedApcState;
    KAPC_STATE *ApcStatePointer[2];
    UCHAR ApcStateIndex;
    BOOLEAN ApcQueueable;
    SHORT KernelApcDisable;  /* critical regions: 0 or negative */
    SHORT SpecialApcDisable; /* guarded regions: 0 or negative */
    /* Waits. */
    NTSTATUS WaitStatus;
    KIRQL WaitIrql;
    KPROCESSOR_MODE WaitMode;
    BOOLEAN WaitNext; /* KeSetEvent(..., TRUE) left IRQL raised for a wait */
    BOOLEAN Alertable;
    BOOLEAN Alerted[2];
    UCHAR WaitReason;
    PKWAIT_BLOCK WaitBlockList;
    KWAIT_BLOCK WaitBlock[THREAD_WAIT_OBJECTS + 1];
    KTIMER Timer; /* timeouts and KeDelayExecutionThread */
    PKSTART_ROUTINE StartRoutine;
    PVOID StartContext;
    LIST_ENTRY AllThreadsEntry; /* in ki_all_threads */
    /* Structured exception handling (except.c). */
    SEH_THREAD_STATE Seh;
    ULONG Teb; /* user address of its TEB; 0 for a kernel-only thread */
    ki_trap_link *Traps; /* kernel-mode traps being handled (trap.c) */
} KTHREAD;

/* Every thread that has not ended (for the hang report). DISPATCH_LEVEL. */
extern LIST_ENTRY ki_all_threads;

/* ---- The dispatcher lock ------------------------------------------------- */

static inline KIRQL ki_lock_dispatcher(void)
{
    return KfRaiseIrql(DISPATCH_LEVEL);
}

static inline void ki_unlock_dispatcher(KIRQL irql)
{
    KfLowerIrql(irql);
}

/* ---- Threads and the scheduler (thread.c, sched.c) ----------------------- */

/*
 * Initializes thread to run start(context) in process at priority, with a
 * new kernel stack; the thread is not ready until ke_ready_thread.
 * Returns STATUS_INSUFFICIENT_RESOURCES when no stack could be made.
 */
NTSTATUS ke_init_thread(KTHREAD *thread, KPROCESS *process,
                        PKSTART_ROUTINE start, PVOID context, SCHAR priority);
/* Makes an initialized thread ready to run. IRQL <= DISPATCH_LEVEL. */
void ke_ready_thread(KTHREAD *thread);
/* Signals a process object (one that ends without threads). */
void ke_signal_process(KPROCESS *process);
/* Takes a thread that never ran out of its process and the thread list. */
void ke_forget_thread(KTHREAD *thread);
/* Stops the system if the current thread may not end now: IRQL above
 * PASSIVE_LEVEL (0x20) or attached to another process (0x5). */
void ke_check_exit(KTHREAD *thread);
/* Ends the current thread: runs down its mutants and APCs, signals it
 * (and its process when it is the last). Never returns. PASSIVE_LEVEL. */
DECLSPEC_NORETURN void ke_terminate_thread(void);
/* Makes the boot context the idle thread of process and runs continue_boot
 * on the idle thread's own stack. */
DECLSPEC_NORETURN void ke_start_idle_thread(KTHREAD *idle, KPROCESS *process,
                                            PKSTART_ROUTINE continue_boot);
/* The idle loop: runs DPCs and ready threads, advances the clock. */
DECLSPEC_NORETURN void ke_idle_loop(void);
/* Gives the CPU to a ready thread of the same or higher priority, if any
 * (what KeDelayExecutionThread does for a zero interval); returns whether
 * it did. */
BOOLEAN ke_yield(void);

/* Readies thread: preempts the current thread when it has a higher
 * priority, else queues it. DISPATCH_LEVEL. */
void ki_ready_thread_locked(KTHREAD *thread);
/* Switches away from the current thread, whose state the caller has set
 * (waiting, terminated); returns its WaitStatus once it runs again.
 * DISPATCH_LEVEL. */
NTSTATUS ki_swap_thread_locked(void);
/* The thread a switch now would run: the one chosen, else the first of the
 * highest ready priority, else the idle thread. DISPATCH_LEVEL. */
KTHREAD *ki_peek_next_thread(void);
/* A thread switch asked for inside a DPC: stops the system with
 * ATTEMPTED_SWITCH_FROM_DPC (the current thread, the thread that would
 * run, the current stack address, 0). */
DECLSPEC_NORETURN void ki_switch_from_dpc(void);
/* Publishes thread's TEB in KUSER_SHARED_DATA (NtCurrentTeb) as it is
 * switched to (user.c). */
void ke_publish_teb(const KTHREAD *thread);
/* Quantum end and preemption, from the dispatch interrupt. */
void ki_reschedule_locked(void);
/* Sets a thread's priority, requeueing or preempting as needed. */
void ki_set_priority_locked(KTHREAD *thread, SCHAR priority);
void ki_init_scheduler(void);
/* The threads switched to (their addresses), in order: copies up to max of
 * them, from switch number from on, into ids; returns how many switches
 * there have been since boot. Only the last 4096 are kept. */
ULONG ke_switch_trace(ULONG from, ULONG *ids, ULONG max);
/* No thread can run and no timer is set: reports the waiting threads and
 * stops ntlab with KE_HANG_EXIT_STATUS. */
DECLSPEC_NORETURN void ke_report_hang(void);
/* The --timeout watchdog fired (a trap, at any IRQL): reports what every
 * thread was doing and stops ntlab with KE_TIMEOUT_EXIT_STATUS; returns
 * at once when the system is already stopping. */
void ke_report_timeout(const hal_trap *trap);

/* ---- IRQL and software interrupts (irql.c) ------------------------------- */

void ke_init_pcr(void);
const char *ke_irql_name(KIRQL irql);
/* Requests the DISPATCH_LEVEL software interrupt; it runs when IRQL drops
 * below DISPATCH_LEVEL. */
void ki_request_dispatch_interrupt(void);

/* ---- The clock (clock.c) ------------------------------------------------- */

/* How the clock is driven: virtual (deterministic) or by the host clock. */
void ki_init_clock(ULONGLONG seed, BOOLEAN realtime);
/* The CPU's time, which checkpoints move on (clock.c). */
typedef struct ki_cpu_clock {
    ULONGLONG cpu_time;  /* 100 ns */
    ULONGLONG next_tick; /* cpu_time of the next clock interrupt */
    ULONGLONG rng;       /* xorshift64 state, seeded by --seed */
    BOOLEAN realtime;    /* cpu_time follows the host clock */
} ki_cpu_clock;

extern ki_cpu_clock ki_cpu;

/* Reads the host clock (realtime) and takes a due clock interrupt. */
void ki_checkpoint_slow(void);
/* User code ran a whole tick without entering the kernel: in virtual mode
 * the CPU's time moves on to the tick, whose interrupt is taken. */
void ki_user_tick(void);

static inline ULONGLONG ki_next_random(void)
{
    ULONGLONG r = ki_cpu.rng;

    r ^= r << 13;
    r ^= r >> 7;
    r ^= r << 17;
    ki_cpu.rng = r;
    return r;
}

/*
 * A point where the CPU's time moves on and a due clock interrupt is taken
 * (IRQL drops, clock reads, traps). In virtual mode a checkpoint costs 0.5
 * to 1.5 us, drawn from the generator. Inline: every IRQL drop is one.
 */
static inline void ki_checkpoint(void)
{
    if (ki_cpu.realtime) {
        ki_checkpoint_slow();
        return;
    }
    ki_cpu.cpu_time += 5 + (((ki_next_random() >> 32) * 11) >> 32);
    if (ki_cpu.cpu_time >= ki_cpu.next_tick)
        ki_checkpoint_slow();
}
/* ---- Preemption points (points.c) ---------------------------------------- */

/* Basic blocks of instrumented driver code until the next point. */
extern LONG ki_points_left;
/* Points taken since boot, kernel and user (for tests). */
extern ULONGLONG ki_points_taken;
/* The count ran out: draws the next and takes the checkpoint. */
void ki_preemption_point(void);
/* --no-points: off makes every point do nothing. */
void ki_init_points(BOOLEAN off);

/* From the idle loop: waits until the next timer that can wake a thread
 * is due (virtual time jumps there; to the next tick only while a tick DPC
 * is set, so that it runs at every tick). Returns FALSE when there is no
 * such timer, or when timers have kept expiring for KI_IDLE_EXPIRIES idle
 * waits in a row without waking a thread: nothing will ever happen. */
#define KI_IDLE_EXPIRIES 1000000u
BOOLEAN ki_idle_wait(void);
/* Has the clock interrupt queue dpc at every tick (NULL: none). */
void ke_set_tick_dpc(PKDPC dpc);
/* The current system time (100 ns since 1601). */
ULONGLONG ki_system_time(void);
ULONGLONG ki_interrupt_time(void);

/* ---- DPCs (dpc.c) -------------------------------------------------------- */

/* The DISPATCH_LEVEL software interrupt: timers, DPCs, rescheduling. */
void ki_dispatch_interrupt(void);
/* Runs the DPC queue. DISPATCH_LEVEL. */
void ki_retire_dpc_list(void);
/* Calls a timer's DPC routine with the system time as its arguments. */
void ki_call_timer_dpc(KDPC *dpc, ULONGLONG system_time);

/* ---- Timers (timer.c) ---------------------------------------------------- */

/* Inserts a timer due at interrupt time due; FALSE when already due. */
BOOLEAN ki_insert_timer_locked(KTIMER *timer, ULONGLONG due);
void ki_remove_timer_locked(KTIMER *timer);
/* A queued DPC (1) or its routine (2) in [lo, hi) (host addresses). */
BOOLEAN ki_dpc_in(ULONG_PTR lo, ULONG_PTR hi, ULONG *kind, ULONG_PTR *object);
/* A set timer (0), its DPC (1) or DPC routine (2) in [lo, hi), else
 * ki_dpc_in's answer. DISPATCH_LEVEL (the verifier asks it at a free and
 * at an unload). */
BOOLEAN ke_timer_or_dpc_in(ULONG_PTR lo, ULONG_PTR hi, ULONG *kind,
                           ULONG_PTR *object);
/* The due time of a timer that never expires (and of none). */
#define KI_NEVER (~0ull)
/* Converts a DueTime argument (negative relative, else absolute system
 * time) to interrupt time; KI_NEVER for an interval so long that the
 * system time would overflow first (-2^63: Sleep(INFINITE)). */
ULONGLONG ki_due_time(LONGLONG due_time);
/* The interrupt time of the first timer due, or KI_NEVER when none is. */
ULONGLONG ki_next_timer_due(void);
/* The same for the first timer whose expiry can wake a thread: one with a
 * waiter or a DPC. (The others expire when the clock passes them, but
 * while every thread waits, their expiry changes nothing anyone sees.) */
ULONGLONG ki_next_waking_timer_due(void);
/* Expires every timer due by now. DISPATCH_LEVEL. */
void ki_expire_timers_locked(void);

/* ---- Waits and dispatcher objects (wait.c, dispobj.c) -------------------- */

void ki_init_header(DISPATCHER_HEADER *header, UCHAR type, UCHAR size,
                    LONG state);
/* Satisfies the waiters that object's signal state now allows. */
void ki_wait_test_locked(PVOID object, KPRIORITY increment);
/* Ends thread's wait with status, boosting a variable-priority thread. */
void ki_unwait_thread_locked(KTHREAD *thread, NTSTATUS status,
                             KPRIORITY increment);
/* Is object signalled for thread (a mutant it owns counts)? */
BOOLEAN ki_is_signaled(const DISPATCHER_HEADER *object, const KTHREAD *thread);
/* Takes what a satisfied wait takes: resets, decrements, acquires.
 * Returns STATUS_ABANDONED for an abandoned mutant, else STATUS_SUCCESS. */
NTSTATUS ki_wait_satisfy_locked(DISPATCHER_HEADER *object, KTHREAD *thread);
/* Abandons the mutants the current thread owns (thread exit). */
void ki_rundown_mutants_locked(KTHREAD *thread);

/* ---- APCs and attach (apc.c, attach.c) ----------------------------------- */

void ki_init_apc_state(KTHREAD *thread);
/* Can a kernel APC be delivered to thread now (ignoring IRQL)? */
BOOLEAN ki_kernel_apc_deliverable(const KTHREAD *thread);
/* Delivers the current thread's kernel APCs. Called at APC_LEVEL. */
void ki_deliver_apc(void);
/* Throws away the APCs still queued to an ending thread. */
void ki_flush_apcs(KTHREAD *thread);
/* A user APC is queued: user mode (once it exists) delivers it. */
BOOLEAN ke_user_apc_pending(const KTHREAD *thread);
BOOLEAN ke_remove_queue_apc(KAPC *apc);

/* ---- Processes (process.c) ----------------------------------------------- */

void ke_init_process(KPROCESS *process, ULONG directory_pfn);

/* ---- Traps, exceptions, bug checks (trap.c, bugcheck.c) ------------------ */

/* A stop as its screen shows it: code, NT's parameters, the IRQL it was
 * raised at, the note (or NULL) and the frame the backtrace starts from. */
typedef struct ke_stop {
    ULONG code;
    ULONG_PTR params[4];
    KIRQL irql;
    const char *note;
    ULONG_PTR fp;
} ke_stop;

/* Prints the stop screen of stop, from its "*** STOP" line to the loaded
 * modules (the bug check, and kd's !analyze -v). Interrupts off; the
 * frame stop->fp must still be live. */
void ke_print_stop_screen(const ke_stop *stop);

/*
 * Stops the system like KeBugCheckEx, with one more line of explanation
 * under the parameters (note may be NULL).
 */
DECLSPEC_NORETURN void ke_bugcheck_note(ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                                        ULONG_PTR p3, ULONG_PTR p4,
                                        const char *note);
const char *ke_bugcheck_name(ULONG code);

/* Raises the exception a kernel-mode trap stands for; returns when a filter
 * continues execution. For an access violation info0 is 0 read / 1 write
 * and info1 the address. */
void ke_trap_exception(NTSTATUS code, const hal_trap *trap, ULONG_PTR info0,
                       ULONG_PTR info1);
/*
 * Raises status as a non-continuable exception from kernel code, as
 * ExRaiseStatus does.
 */
DECLSPEC_NORETURN void ke_raise_status(NTSTATUS status);

/*
 * Dispatches an exception in kernel mode to the current thread's __try
 * blocks. Returns only when a filter said EXCEPTION_CONTINUE_EXECUTION (for
 * a continuable exception); an exception nothing handles stops the system.
 * context says where it happened; filters see it while they run.
 */
void ke_dispatch_exception(EXCEPTION_RECORD *record, CONTEXT *context);

/* ---- User mode (user.c) -------------------------------------------------- */

/* KUSER_SHARED_DATA: the kernel's view, and its frame (mapped read-only
 * into every user process). */
extern struct _KUSER_SHARED_DATA *ke_shared_data;
void ke_init_shared_data(void);
ULONG ke_shared_data_pfn(void);
/* The clock's times, published for user mode at every tick. */
void ke_update_shared_time(ULONGLONG interrupt_time, ULONGLONG system_time,
                           ULONGLONG tick_count);

/* Sends an exception from user mode to the program's handlers
 * (KiUserExceptionDispatcher); a process that cannot take it ends. */
void ke_dispatch_user_exception(const EXCEPTION_RECORD *record);

/* The number of system services (for tests). */
ULONG ke_service_count(void);

/* ---- Device interrupts (interrupt.c) ------------------------------------ */

/*
 * An interrupt object: a service routine connected to a vector of ntlab's
 * simulated device (1 to 15). Vectors can be shared by routines of the
 * same IRQL; they are called in turn until one claims the interrupt.
 */
typedef struct _KINTERRUPT {
    LIST_ENTRY link; /* on its vector's chain */
    PKSERVICE_ROUTINE routine;
    PVOID context;
    PKSPIN_LOCK lock; /* the caller's, or own_lock */
    KSPIN_LOCK own_lock;
    ULONG vector;
    KIRQL irql;             /* the ISR's (DIRQL) */
    KIRQL synchronize_irql; /* KeSynchronizeExecution's */
    BOOLEAN shared;
} KINTERRUPT;

#define KI_DEVICE_VECTORS 16

/* Vectors raised and not yet taken (bit per vector). */
extern volatile ULONG ki_device_pending;
/* Takes the pending device interrupts that IRQL no longer holds back. */
void ki_take_device_interrupts(void);
/* Connects or disconnects an interrupt object (filled in by the caller). */
NTSTATUS ke_connect_interrupt(KINTERRUPT *interrupt);
void ke_disconnect_interrupt(KINTERRUPT *interrupt);

/* The exit status of ntlab when the system stops, when it hangs, and when
 * the --timeout watchdog ends it. */
#define KE_STOP_EXIT_STATUS    3
#define KE_HANG_EXIT_STATUS    4
#define KE_TIMEOUT_EXIT_STATUS 5

#endif
