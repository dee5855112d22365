/*
 * The kernel proper's private interface (Ke): the processor control region,
 * thread and process control blocks, the scheduler, traps and bug checks.
 *
 * Locking: one CPU. Scheduler state (ready queues, thread states, the
 * process's thread list) is guarded by running at DISPATCH_LEVEL.
 */
#ifndef KERNEL_KE_H
#define KERNEL_KE_H

#include <hal.h>
#include <ntddk.h>

/*
 * The processor control region. It lives at MM_KPCR_VA (0xFFDFF000) once
 * memory management is up; during early boot a copy in kernel data serves.
 */
typedef struct _KPCR {
    KIRQL Irql;
    struct _KTHREAD *CurrentThread;
    struct _KTHREAD *IdleThread;
    ULONG Number;
    ULONG ContextSwitches;
} KPCR;

extern KPCR *ki_pcr;
#define KeGetPcr() (ki_pcr)

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

/* A process as the kernel proper sees it. */
typedef struct _KPROCESS {
    ULONG DirectoryTableBase; /* frame of the page directory */
    LIST_ENTRY ThreadListHead;
    KPRIORITY BasePriority;
} KPROCESS;

/* The process whose address space a thread runs in, and its APC queues. */
typedef struct _KAPC_STATE {
    LIST_ENTRY ApcListHead[2];
    struct _KPROCESS *Process;
    BOOLEAN KernelApcInProgress;
    BOOLEAN KernelApcPending;
    BOOLEAN UserApcPending;
} KAPC_STATE;

typedef VOID (*PKSTART_ROUTINE)(PVOID StartContext);

/* A thread as the kernel proper sees it. */
typedef struct _KTHREAD {
    hal_context Context;
    PVOID InitialStack;        /* the stack's base (highest address) */
    PVOID StackLimit;          /* its lowest usable address */
    KAPC_STATE ApcState;       /* ApcState.Process: the current address space */
    struct _KPROCESS *Process; /* the thread's own process */
    LIST_ENTRY ThreadListEntry; /* in Process->ThreadListHead */
    LIST_ENTRY WaitListEntry;   /* in a ready queue */
    UCHAR State;                /* KTHREAD_STATE */
    SCHAR Priority;
    SCHAR BasePriority;
    BOOLEAN SystemThread;
    PKSTART_ROUTINE StartRoutine;
    PVOID StartContext;
} KTHREAD;

#define MAXIMUM_PRIORITY      32
#define LOW_REALTIME_PRIORITY 16

/* ---- Threads and the scheduler (thread.c) ------------------------------ */

/*
 * Initializes thread to run start(context) in process at priority, with a
 * new kernel stack; the thread is not ready until ke_ready_thread.
 * Returns STATUS_INSUFFICIENT_RESOURCES when no stack could be made.
 */
NTSTATUS ke_init_thread(KTHREAD *thread, KPROCESS *process,
                        PKSTART_ROUTINE start, PVOID context, SCHAR priority);
/* Makes an initialized thread ready to run. Any IRQL <= DISPATCH_LEVEL. */
void ke_ready_thread(KTHREAD *thread);
/* Gives the CPU to another ready thread of the same or higher priority. */
void ke_yield(void);
/* Ends the current thread. Never returns. */
DECLSPEC_NORETURN void ke_terminate_thread(void);
/* Makes the boot context the idle thread of process and runs continue_boot
 * on the idle thread's own stack. */
DECLSPEC_NORETURN void ke_start_idle_thread(KTHREAD *idle, KPROCESS *process,
                                            PKSTART_ROUTINE continue_boot);
/* The idle loop: runs ready threads forever. */
DECLSPEC_NORETURN void ke_idle_loop(void);

/* ---- Processes (process.c) --------------------------------------------- */

void ke_init_process(KPROCESS *process, ULONG directory_pfn);

/* ---- IRQL, traps, bug checks ------------------------------------------- */

void ke_init_pcr(void);
const char *ke_irql_name(KIRQL irql);

/*
 * Stops the system like KeBugCheckEx, with one more line of explanation
 * under the parameters (note may be NULL).
 */
DECLSPEC_NORETURN void ke_bugcheck_note(ULONG code, ULONG_PTR p1, ULONG_PTR p2,
                                        ULONG_PTR p3, ULONG_PTR p4,
                                        const char *note);
const char *ke_bugcheck_name(ULONG code);

/* An exception in kernel mode that no handler took: stops the system. */
DECLSPEC_NORETURN void ke_unhandled_kernel_exception(NTSTATUS code,
                                                     ULONG_PTR ip,
                                                     ULONG_PTR info0,
                                                     ULONG_PTR info1);

/* The exit status of ntlab when the system stops. */
#define KE_STOP_EXIT_STATUS 3

#endif
