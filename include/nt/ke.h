/*
 * The kernel's public interface to drivers (Ke): IRQL, spin locks, DPCs,
 * timers and time, dispatcher objects and waits, APCs, attach, bug checks.
 *
 * Drivers allocate the control objects (KEVENT, KDPC, KTIMER, ...) in their
 * own memory, so their layouts are here; drivers must treat the fields as
 * private and use the routines. KTHREAD and KPROCESS stay opaque.
 */
#ifndef NT_KE_H
#define NT_KE_H

#include <nt/ntdef.h>
#include <nt/seh.h>

typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _KPROCESS *PKPROCESS, *PRKPROCESS;
typedef struct _ETHREAD *PETHREAD;
typedef struct _EPROCESS *PEPROCESS;

/* ---- IRQL (x86) ---------------------------------------------------------- */

#define PASSIVE_LEVEL  0
#define LOW_LEVEL      0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL     5
#define PROFILE_LEVEL  27
#define CLOCK1_LEVEL   28
#define CLOCK2_LEVEL   28
#define CLOCK_LEVEL    28
#define IPI_LEVEL      29
#define POWER_LEVEL    30
#define HIGH_LEVEL     31
#define SYNCH_LEVEL    (IPI_LEVEL - 2)

/*
 * KfRaiseIrql raises to NewIrql and returns the previous level; raising to a
 * lower level stops the system (IRQL_NOT_GREATER_OR_EQUAL). KfLowerIrql
 * lowers to NewIrql, running the DPCs and APCs that were held; lowering to a
 * higher level stops the system (IRQL_NOT_LESS_OR_EQUAL). Any IRQL.
 */
NTKERNELAPI KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql);
NTKERNELAPI VOID FASTCALL KfLowerIrql(KIRQL NewIrql);
NTKERNELAPI KIRQL NTAPI KeGetCurrentIrql(VOID);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID);
NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToSynchLevel(VOID);
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))
#define KeLowerIrql(NewIrql)          KfLowerIrql(NewIrql)

/*
 * PAGED_CODE() opens a routine that may only run where a page fault can be
 * taken, at APC_LEVEL or below. Called above that, it prints the IRQL and
 * fails an assertion (RtlAssert), whether or not the routine is resident
 * at the moment: the mistake is caught every time, not only when the page
 * happens to be out. PAGED_CODE_LOCKED() marks pageable code that is
 * locked in memory and checks nothing.
 */
#define PAGED_CODE()                                                     \
    do {                                                                 \
        if (KeGetCurrentIrql() > APC_LEVEL) {                            \
            KdPrint(("EX: Pageable code called at IRQL %d\n",            \
                     KeGetCurrentIrql()));                               \
            ASSERTMSG("PAGED_CODE():", KeGetCurrentIrql() <= APC_LEVEL); \
        }                                                                \
    } while (0)
#define PAGED_CODE_LOCKED() ((void)0)

/* ---- Spin locks ---------------------------------------------------------- */

typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;

typedef struct _KSPIN_LOCK_QUEUE {
    struct _KSPIN_LOCK_QUEUE *volatile Next;
    PKSPIN_LOCK volatile Lock;
} KSPIN_LOCK_QUEUE, *PKSPIN_LOCK_QUEUE;

typedef struct _KLOCK_QUEUE_HANDLE {
    KSPIN_LOCK_QUEUE LockQueue;
    KIRQL OldIrql;
} KLOCK_QUEUE_HANDLE, *PKLOCK_QUEUE_HANDLE;

NTKERNELAPI VOID NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI KIRQL FASTCALL KfAcquireSpinLock(PKSPIN_LOCK SpinLock);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL KfReleaseSpinLock(PKSPIN_LOCK SpinLock,
                                            KIRQL NewIrql);
#define KeAcquireSpinLock(SpinLock, OldIrql) \
    (*(OldIrql) = KfAcquireSpinLock(SpinLock))
#define KeReleaseSpinLock(SpinLock, NewIrql) \
    KfReleaseSpinLock((SpinLock), (NewIrql))
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN FASTCALL
KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock);
NTKERNELAPI BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLock(
    PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL
KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(
    PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle);
_IRQL_requires_min_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL
KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle);

/* ---- Dispatcher objects -------------------------------------------------- */

/* The Type of a DISPATCHER_HEADER. */
typedef enum _KOBJECTS {
    EventNotificationObject = 0,
    EventSynchronizationObject = 1,
    MutantObject = 2,
    ProcessObject = 3,
    QueueObject = 4,
    SemaphoreObject = 5,
    ThreadObject = 6,
    GateObject = 7,
    TimerNotificationObject = 8,
    TimerSynchronizationObject = 9,
    ApcObject = 18,
    DpcObject = 19,
} KOBJECTS;

typedef struct _DISPATCHER_HEADER {
    UCHAR Type;     /* KOBJECTS */
    UCHAR Absolute; /* timers: the due time was absolute */
    UCHAR Size;     /* in ULONGs */
    UCHAR Inserted; /* timers: in the timer queue */
    LONG SignalState;
    LIST_ENTRY WaitListHead;
} DISPATCHER_HEADER;

typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;
typedef enum _TIMER_TYPE { NotificationTimer, SynchronizationTimer } TIMER_TYPE;
typedef enum _WAIT_TYPE { WaitAll, WaitAny } WAIT_TYPE;

typedef struct _KEVENT {
    DISPATCHER_HEADER Header;
} KEVENT, *PKEVENT, *PRKEVENT;

typedef struct _KSEMAPHORE {
    DISPATCHER_HEADER Header;
    LONG Limit;
} KSEMAPHORE, *PKSEMAPHORE, *PRKSEMAPHORE;

typedef struct _KMUTANT {
    DISPATCHER_HEADER Header;
    LIST_ENTRY MutantListEntry; /* in the owner's list of owned mutants */
    struct _KTHREAD *OwnerThread;
    BOOLEAN Abandoned;
    UCHAR ApcDisable; /* 1 for a kernel mutex: owning it disables APCs */
} KMUTANT, *PKMUTANT, *PRKMUTANT, KMUTEX, *PKMUTEX, *PRKMUTEX;

struct _KDPC;

typedef struct _KTIMER {
    DISPATCHER_HEADER Header;
    ULONGLONG DueTime; /* interrupt time, 100 ns units */
    LIST_ENTRY TimerListEntry;
    struct _KDPC *Dpc;
    LONG Period; /* milliseconds, 0 for a one-shot timer */
} KTIMER, *PKTIMER, *PRKTIMER;

/*
 * A wait block links a waiting thread to one object it waits on. A thread
 * has THREAD_WAIT_OBJECTS of its own; waits on more objects need an array
 * from the caller.
 */
typedef struct _KWAIT_BLOCK {
    LIST_ENTRY WaitListEntry; /* in the object's WaitListHead */
    struct _KTHREAD *Thread;
    PVOID Object;
    struct _KWAIT_BLOCK *NextWaitBlock; /* a ring over the thread's blocks */
    USHORT WaitKey;                     /* the index this block reports */
    USHORT WaitType;                    /* WAIT_TYPE */
} KWAIT_BLOCK, *PKWAIT_BLOCK, *PRKWAIT_BLOCK;

#define THREAD_WAIT_OBJECTS  3
#define MAXIMUM_WAIT_OBJECTS 64

typedef enum _KWAIT_REASON {
    Executive,
    FreePage,
    PageIn,
    PoolAllocation,
    DelayExecution,
    Suspended,
    UserRequest,
    WrExecutive,
    WrFreePage,
    WrPageIn,
    WrPoolAllocation,
    WrDelayExecution,
    WrSuspended,
    WrUserRequest,
    WrEventPair,
    WrQueue,
    WrLpcReceive,
    WrLpcReply,
    WrVirtualMemory,
    WrPageOut,
    WrRendezvous,
    MaximumWaitReason
} KWAIT_REASON;

/* Priority increments for the waiters a signal wakes (NT's values). */
#define IO_NO_INCREMENT       0
#define EVENT_INCREMENT       1
#define SEMAPHORE_INCREMENT   1
#define MUTANT_INCREMENT      1
#define IO_DISK_INCREMENT     1
#define IO_KEYBOARD_INCREMENT 6
#define IO_SOUND_INCREMENT    8
#define LOW_PRIORITY          0
#define LOW_REALTIME_PRIORITY 16
#define HIGH_PRIORITY         31
#define MAXIMUM_PRIORITY      32

NTKERNELAPI VOID NTAPI KeInitializeEvent(PRKEVENT Event, EVENT_TYPE Type,
                                         BOOLEAN State);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeSetEvent(PRKEVENT Event, KPRIORITY Increment,
                                  BOOLEAN Wait);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeResetEvent(PRKEVENT Event);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeClearEvent(PRKEVENT Event);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeReadStateEvent(PRKEVENT Event);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KePulseEvent(PRKEVENT Event, KPRIORITY Increment,
                                    BOOLEAN Wait);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI KeInitializeSemaphore(PRKSEMAPHORE Semaphore, LONG Count,
                                             LONG Limit);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeReleaseSemaphore(PRKSEMAPHORE Semaphore,
                                          KPRIORITY Increment, LONG Adjustment,
                                          BOOLEAN Wait);
NTKERNELAPI LONG NTAPI KeReadStateSemaphore(PRKSEMAPHORE Semaphore);

NTKERNELAPI VOID NTAPI KeInitializeMutex(PRKMUTEX Mutex, ULONG Level);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeReleaseMutex(PRKMUTEX Mutex, BOOLEAN Wait);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI LONG NTAPI KeReadStateMutex(PRKMUTEX Mutex);
NTKERNELAPI VOID NTAPI KeInitializeMutant(PRKMUTANT Mutant,
                                          BOOLEAN InitialOwner);
NTKERNELAPI LONG NTAPI KeReleaseMutant(PRKMUTANT Mutant, KPRIORITY Increment,
                                       BOOLEAN Abandoned, BOOLEAN Wait);
NTKERNELAPI LONG NTAPI KeReadStateMutant(PRKMUTANT Mutant);

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI KeWaitForSingleObject(PVOID Object,
                                                 KWAIT_REASON WaitReason,
                                                 KPROCESSOR_MODE WaitMode,
                                                 BOOLEAN Alertable,
                                                 PLARGE_INTEGER Timeout);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI KeWaitForMultipleObjects(
    ULONG Count, PVOID Object[], WAIT_TYPE WaitType, KWAIT_REASON WaitReason,
    KPROCESSOR_MODE WaitMode, BOOLEAN Alertable, PLARGE_INTEGER Timeout,
    PKWAIT_BLOCK WaitBlockArray);
#define KeWaitForMutexObject KeWaitForSingleObject

/* ---- DPCs ---------------------------------------------------------------- */

typedef enum _KDPC_IMPORTANCE {
    LowImportance,
    MediumImportance,
    HighImportance
} KDPC_IMPORTANCE;

struct _KDPC;
typedef VOID (*PKDEFERRED_ROUTINE)(struct _KDPC *Dpc, PVOID DeferredContext,
                                   PVOID SystemArgument1,
                                   PVOID SystemArgument2);
typedef VOID KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext,
                               PVOID SystemArgument1, PVOID SystemArgument2);

typedef struct _KDPC {
    UCHAR Type; /* DpcObject */
    UCHAR Importance;
    UCHAR Number;
    UCHAR Inserted;
    LIST_ENTRY DpcListEntry;
    PKDEFERRED_ROUTINE DeferredRoutine;
    PVOID DeferredContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
} KDPC, *PKDPC, *PRKDPC;

NTKERNELAPI VOID NTAPI KeInitializeDpc(PRKDPC Dpc,
                                       PKDEFERRED_ROUTINE DeferredRoutine,
                                       PVOID DeferredContext);
NTKERNELAPI BOOLEAN NTAPI KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
                                           PVOID SystemArgument2);
NTKERNELAPI BOOLEAN NTAPI KeRemoveQueueDpc(PRKDPC Dpc);
NTKERNELAPI VOID NTAPI KeSetImportanceDpc(PRKDPC Dpc,
                                          KDPC_IMPORTANCE Importance);
/*
 * Returns once every DPC queued before the call has run (low-importance
 * ones included, which otherwise wait for a clock tick): what a driver
 * calls before unloading code a DPC might still be running. PASSIVE_LEVEL
 * only; above it, the PAGED_CODE assertion stops the system.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI KeFlushQueuedDpcs(VOID);

/* ---- Timers and time ----------------------------------------------------- */

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeInitializeTimer(PKTIMER Timer);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime,
                                     PKDPC Dpc);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime,
                                       LONG Period, PKDPC Dpc);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeCancelTimer(PKTIMER Timer);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeReadStateTimer(PKTIMER Timer);

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI KeDelayExecutionThread(KPROCESSOR_MODE WaitMode,
                                                  BOOLEAN Alertable,
                                                  PLARGE_INTEGER Interval);
NTKERNELAPI VOID NTAPI KeQuerySystemTime(PLARGE_INTEGER CurrentTime);
NTKERNELAPI VOID NTAPI KeQueryTickCount(PLARGE_INTEGER TickCount);
NTKERNELAPI ULONGLONG NTAPI KeQueryInterruptTime(VOID);
NTKERNELAPI ULONG NTAPI KeQueryTimeIncrement(VOID);
NTKERNELAPI VOID NTAPI KeStallExecutionProcessor(ULONG MicroSeconds);
/* Preemption points: drivers built with the SDK are compiled with
 * -fsanitize-coverage=trace-pc, which calls this at every basic block;
 * every few dozen calls the clock interrupt, DPCs and quantum end that came
 * due are taken there, as IRQL allows (docs/races.md). Not for calling by
 * hand. */
NTKERNELAPI VOID __sanitizer_cov_trace_pc(VOID);

/* ---- Threads and scheduling ---------------------------------------------- */

NTKERNELAPI PKTHREAD NTAPI KeGetCurrentThread(VOID);
/* ntlab has one processor: 0, and a mask of bit 0. */
NTKERNELAPI ULONG NTAPI KeGetCurrentProcessorNumber(VOID);
NTKERNELAPI ULONG_PTR NTAPI KeQueryActiveProcessors(VOID);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI KPRIORITY NTAPI KeSetPriorityThread(PKTHREAD Thread,
                                                KPRIORITY Priority);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI KPRIORITY NTAPI KeQueryPriorityThread(PKTHREAD Thread);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI LONG NTAPI KeSetBasePriorityThread(PKTHREAD Thread, LONG Increment);
NTKERNELAPI BOOLEAN NTAPI KeAlertThread(PKTHREAD Thread,
                                        KPROCESSOR_MODE AlertMode);
NTKERNELAPI BOOLEAN NTAPI KeTestAlertThread(KPROCESSOR_MODE AlertMode);
NTKERNELAPI BOOLEAN NTAPI KeIsExecutingDpc(VOID);

/* ---- APCs ---------------------------------------------------------------- */

typedef enum _KAPC_ENVIRONMENT {
    OriginalApcEnvironment,
    AttachedApcEnvironment,
    CurrentApcEnvironment,
    InsertApcEnvironment
} KAPC_ENVIRONMENT;

struct _KAPC;
typedef VOID (*PKNORMAL_ROUTINE)(PVOID NormalContext, PVOID SystemArgument1,
                                 PVOID SystemArgument2);
typedef VOID (*PKKERNEL_ROUTINE)(struct _KAPC *Apc,
                                 PKNORMAL_ROUTINE *NormalRoutine,
                                 PVOID *NormalContext, PVOID *SystemArgument1,
                                 PVOID *SystemArgument2);
typedef VOID (*PKRUNDOWN_ROUTINE)(struct _KAPC *Apc);

typedef struct _KAPC {
    UCHAR Type; /* ApcObject */
    UCHAR ApcStateIndex;
    CHAR ApcMode;
    BOOLEAN Inserted;
    struct _KTHREAD *Thread;
    LIST_ENTRY ApcListEntry;
    PKKERNEL_ROUTINE KernelRoutine;
    PKRUNDOWN_ROUTINE RundownRoutine;
    PKNORMAL_ROUTINE NormalRoutine;
    PVOID NormalContext;
    PVOID SystemArgument1;
    PVOID SystemArgument2;
} KAPC, *PKAPC, *PRKAPC;

NTKERNELAPI VOID NTAPI KeInitializeApc(PRKAPC Apc, PRKTHREAD Thread,
                                       KAPC_ENVIRONMENT Environment,
                                       PKKERNEL_ROUTINE KernelRoutine,
                                       PKRUNDOWN_ROUTINE RundownRoutine,
                                       PKNORMAL_ROUTINE NormalRoutine,
                                       KPROCESSOR_MODE ApcMode,
                                       PVOID NormalContext);
NTKERNELAPI BOOLEAN NTAPI KeInsertQueueApc(PRKAPC Apc, PVOID SystemArgument1,
                                           PVOID SystemArgument2,
                                           KPRIORITY Increment);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeAreApcsDisabled(VOID);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeEnterCriticalRegion(VOID);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeLeaveCriticalRegion(VOID);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeEnterGuardedRegion(VOID);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeLeaveGuardedRegion(VOID);

/* ---- Attach -------------------------------------------------------------- */

/* The saved APC state of an attached thread (KeStackAttachProcess). */
typedef struct _KAPC_STATE {
    LIST_ENTRY ApcListHead[2];
    struct _KPROCESS *Process;
    BOOLEAN KernelApcInProgress;
    BOOLEAN KernelApcPending;
    BOOLEAN UserApcPending;
} KAPC_STATE, *PKAPC_STATE, *PRKAPC_STATE;

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeStackAttachProcess(PRKPROCESS Process,
                                            PRKAPC_STATE ApcState);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI KeUnstackDetachProcess(PRKAPC_STATE ApcState);
NTKERNELAPI VOID NTAPI KeAttachProcess(PRKPROCESS Process);
NTKERNELAPI VOID NTAPI KeDetachProcess(VOID);

/* ---- Bug checks ---------------------------------------------------------- */

/* Stops the system with NT's stop screen. Never returns. */
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI
KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
             ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
             ULONG_PTR BugCheckParameter4);
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI KeBugCheck(ULONG BugCheckCode);

/* ---- Kernel services ----------------------------------------------------- */

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable,
                                         PLARGE_INTEGER DelayInterval);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwDelayExecution(BOOLEAN Alertable,
                                         PLARGE_INTEGER DelayInterval);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtYieldExecution(VOID);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwYieldExecution(VOID);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtTestAlert(VOID);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtAlertThread(HANDLE ThreadHandle);
/* Always 0: ntlab has one processor. */
NTSYSAPI ULONG NTAPI NtGetCurrentProcessorNumber(VOID);
/* ntlab's own: a preemption point in user mode, called by the user
 * runtime's __sanitizer_cov_trace_pc (user/ntdll/points.c) when its count
 * runs out; returns the next count. Not a driver export. */
ULONG NTAPI NtlabPreemptionPoint(VOID);
/* Prints String on the console (NT's boot-screen service). */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String);
/* Resumes ContextRecord (user mode), after running due user APCs if
 * TestAlert. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord,
                                         PCONTEXT ContextRecord,
                                         BOOLEAN FirstChance);

#endif
