/*
 * The executive's dispatcher objects: events, semaphores, mutants and
 * timers with names and handles, and their services. Each object's body
 * is the kernel object itself, so a wait on a handle waits on the body.
 */
#include "ex.h"

#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../ob/ob.h"
#include "../ps/ps.h"

static POBJECT_TYPE event_type, semaphore_type, mutant_type, timer_type;
POBJECT_TYPE *ExEventObjectType = &event_type;
POBJECT_TYPE *ExSemaphoreObjectType = &semaphore_type;

/*
 * A timer's body: the kernel timer (waits see it first) and, when it was
 * set with an APC routine, the DPC that queues the APC to the thread that
 * set it each time the timer expires. A queued APC holds a reference on the
 * timer; the timer holds one on the thread while the APC goes with it.
 */
typedef struct ex_timer {
    KTIMER timer;
    KDPC dpc;
    KAPC apc;
    KSPIN_LOCK lock; /* guards apc_thread */
    /* The thread an APC routine goes to (referenced), or NULL for none. */
    PETHREAD apc_thread;
} ex_timer;

static void stop_timer(ex_timer *timer);

static void delete_timer(PVOID object)
{
    stop_timer(object);
}

/* A mutant whose last reference goes while a thread owns it (its handle
 * closed, or never handed out) is abandoned: it leaves its owner's list of
 * mutants, as on NT. */
static void delete_mutant(PVOID object)
{
    KeReleaseMutant(object, MUTANT_INCREMENT, TRUE, FALSE);
}

void ex_init_objects(void)
{
    static const ob_type_info event = {
        .name = L"Event",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | EVENT_QUERY_STATE,
                    STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, EVENT_ALL_ACCESS},
        .valid_access = EVENT_ALL_ACCESS,
    };
    static const ob_type_info semaphore = {
        .name = L"Semaphore",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | SEMAPHORE_QUERY_STATE,
                    STANDARD_RIGHTS_WRITE | SEMAPHORE_MODIFY_STATE,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE,
                    SEMAPHORE_ALL_ACCESS},
        .valid_access = SEMAPHORE_ALL_ACCESS,
    };
    static const ob_type_info mutant = {
        .name = L"Mutant",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE,
                    STANDARD_RIGHTS_WRITE,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, MUTANT_ALL_ACCESS},
        .valid_access = MUTANT_ALL_ACCESS,
        .delete_object = delete_mutant,
    };
    static const ob_type_info timer = {
        .name = L"Timer",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | TIMER_QUERY_STATE,
                    STANDARD_RIGHTS_WRITE | TIMER_MODIFY_STATE,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, TIMER_ALL_ACCESS},
        .valid_access = TIMER_ALL_ACCESS,
        .delete_object = delete_timer,
    };

    event_type = ob_create_type(&event);
    semaphore_type = ob_create_type(&semaphore);
    mutant_type = ob_create_type(&mutant);
    timer_type = ob_create_type(&timer);
}

/* ---- Shared steps -------------------------------------------------------- */

/* Makes an object of type (size bytes), lets init fill it, and gives the
 * caller a handle to it (or to an existing one, with OBJ_OPENIF). Where
 * the handle goes is probed first: a bad pointer makes nothing. */
static NTSTATUS create(POBJECT_TYPE type, ULONG size, PHANDLE out,
                       ACCESS_MASK access, POBJECT_ATTRIBUTES attributes,
                       void (*init)(PVOID object, const LONG *args),
                       const LONG *args)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_captured captured;
    PVOID object;
    NTSTATUS status = mm_probe(mode, out, sizeof *out, sizeof(ULONG), TRUE);

    if (!NT_SUCCESS(status))
        return status;
    status = ob_capture(attributes, mode, &captured);

    if (NT_SUCCESS(status))
        status = ob_create_object(type, size, &object);
    if (NT_SUCCESS(status)) {
        init(object, args);
        status = ob_create_service(object, out, access, &captured, mode);
    }
    ob_release_captured(&captured);
    return status;
}

/* References the object of type handle names, with access. */
static NTSTATUS reference(HANDLE handle, ACCESS_MASK access, POBJECT_TYPE type,
                          PVOID *object)
{
    return ObReferenceObjectByHandle(handle, access, type, ExGetPreviousMode(),
                                     object, NULL);
}

/* Stores value at out (probed for a user caller) if out is not NULL. */
static NTSTATUS put_long(PLONG out, LONG value)
{
    if (out == NULL)
        return STATUS_SUCCESS;
    return mm_give_back(ExGetPreviousMode(), out, sizeof *out, sizeof(ULONG),
                        &value);
}

/* ---- Events -------------------------------------------------------------- */

static void init_event(PVOID object, const LONG *args)
{
    KeInitializeEvent(object, (EVENT_TYPE)args[0], (BOOLEAN)args[1]);
}

NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                             POBJECT_ATTRIBUTES ObjectAttributes,
                             EVENT_TYPE EventType, BOOLEAN InitialState)
{
    LONG args[2] = {(LONG)EventType, InitialState != FALSE};

    if (EventType != NotificationEvent && EventType != SynchronizationEvent)
        return STATUS_INVALID_PARAMETER;
    return create(event_type, sizeof(KEVENT), EventHandle, DesiredAccess,
                  ObjectAttributes, init_event, args);
}

NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
                           POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(event_type, EventHandle, DesiredAccess,
                           ObjectAttributes);
}

/* The shared body of NtSetEvent, NtResetEvent and NtPulseEvent. */
static NTSTATUS event_op(HANDLE handle, PLONG previous,
                         LONG (*op)(PRKEVENT event))
{
    KEVENT *event;
    NTSTATUS status =
        reference(handle, EVENT_MODIFY_STATE, event_type, (PVOID *)&event);
    LONG was;

    if (!NT_SUCCESS(status))
        return status;
    was = op(event);
    ObDereferenceObject(event);
    return put_long(previous, was);
}

static LONG set_event(PRKEVENT event)
{
    return KeSetEvent(event, EVENT_INCREMENT, FALSE);
}

static LONG reset_event(PRKEVENT event)
{
    return KeResetEvent(event);
}

static LONG pulse_event(PRKEVENT event)
{
    return KePulseEvent(event, EVENT_INCREMENT, FALSE);
}

static LONG clear_event(PRKEVENT event)
{
    KeClearEvent(event);
    return 0;
}

NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return event_op(EventHandle, PreviousState, set_event);
}

NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return event_op(EventHandle, PreviousState, reset_event);
}

NTSTATUS NTAPI NtPulseEvent(HANDLE EventHandle, PLONG PreviousState)
{
    return event_op(EventHandle, PreviousState, pulse_event);
}

NTSTATUS NTAPI NtClearEvent(HANDLE EventHandle)
{
    return event_op(EventHandle, NULL, clear_event);
}

/* ---- Semaphores ---------------------------------------------------------- */

static void init_semaphore(PVOID object, const LONG *args)
{
    KeInitializeSemaphore(object, args[0], args[1]);
}

NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle,
                                 ACCESS_MASK DesiredAccess,
                                 POBJECT_ATTRIBUTES ObjectAttributes,
                                 LONG InitialCount, LONG MaximumCount)
{
    LONG args[2] = {InitialCount, MaximumCount};

    if (MaximumCount <= 0 || InitialCount < 0 || InitialCount > MaximumCount)
        return STATUS_INVALID_PARAMETER;
    return create(semaphore_type, sizeof(KSEMAPHORE), SemaphoreHandle,
                  DesiredAccess, ObjectAttributes, init_semaphore, args);
}

NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle,
                               ACCESS_MASK DesiredAccess,
                               POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(semaphore_type, SemaphoreHandle, DesiredAccess,
                           ObjectAttributes);
}

NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, LONG ReleaseCount,
                                  PLONG PreviousCount)
{
    KSEMAPHORE *semaphore;
    volatile LONG was = 0;
    volatile NTSTATUS status;

    if (ReleaseCount <= 0)
        return STATUS_INVALID_PARAMETER;
    status = reference(SemaphoreHandle, SEMAPHORE_MODIFY_STATE, semaphore_type,
                       (PVOID *)&semaphore);
    if (!NT_SUCCESS(status))
        return status;
    __try {
        was = KeReleaseSemaphore(semaphore, SEMAPHORE_INCREMENT, ReleaseCount,
                                 FALSE);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode(); /* STATUS_SEMAPHORE_LIMIT_EXCEEDED */
    }
    ObDereferenceObject(semaphore);
    return NT_SUCCESS(status) ? put_long(PreviousCount, was) : status;
}

/* ---- Mutants ------------------------------------------------------------- */

static void init_mutant(PVOID object, const LONG *args)
{
    KeInitializeMutant(object, (BOOLEAN)args[0]);
}

NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                              POBJECT_ATTRIBUTES ObjectAttributes,
                              BOOLEAN InitialOwner)
{
    LONG args[1] = {InitialOwner != FALSE};

    return create(mutant_type, sizeof(KMUTANT), MutantHandle, DesiredAccess,
                  ObjectAttributes, init_mutant, args);
}

NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
                            POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(mutant_type, MutantHandle, DesiredAccess,
                           ObjectAttributes);
}

/* Releasing a mutant the caller does not own returns STATUS_MUTANT_NOT_OWNED
 * (the kernel raises it; the service catches it). */
NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, PLONG PreviousCount)
{
    KMUTANT *mutant;
    volatile LONG was = 0;
    volatile NTSTATUS status =
        reference(MutantHandle, 0, mutant_type, (PVOID *)&mutant);

    if (!NT_SUCCESS(status))
        return status;
    __try {
        was = KeReleaseMutant(mutant, MUTANT_INCREMENT, FALSE, FALSE);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        status = GetExceptionCode();
    }
    ObDereferenceObject(mutant);
    return NT_SUCCESS(status) ? put_long(PreviousCount, was) : status;
}

/* ---- Timers -------------------------------------------------------------- */

static VOID timer_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2);

static void init_timer(PVOID object, const LONG *args)
{
    ex_timer *timer = object;

    KeInitializeTimerEx(&timer->timer, (TIMER_TYPE)args[0]);
    KeInitializeDpc(&timer->dpc, timer_dpc, timer);
    KeInitializeSpinLock(&timer->lock);
    timer->apc_thread = NULL;
}

/* The APC's kernel routine, and its rundown when its thread ends first:
 * the queued APC's reference on the timer goes. */
static VOID timer_apc_done(PKAPC apc, PKNORMAL_ROUTINE *normal, PVOID *context,
                           PVOID *arg1, PVOID *arg2)
{
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    ObDereferenceObject(CONTAINING_RECORD(apc, ex_timer, apc));
}

static VOID timer_apc_rundown(PKAPC apc)
{
    ObDereferenceObject(CONTAINING_RECORD(apc, ex_timer, apc));
}

/* The timer expired (DISPATCH_LEVEL, any thread): queues the APC with the
 * time, unless it is still queued from the last expiry or its thread is
 * ending. */
static VOID timer_dpc(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    ex_timer *timer = context;
    LARGE_INTEGER now;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    KeQuerySystemTime(&now);
    KeAcquireSpinLockAtDpcLevel(&timer->lock);
    if (timer->apc_thread != NULL) {
        ObReferenceObject(timer);
        if (!KeInsertQueueApc(&timer->apc, (PVOID)(ULONG_PTR)now.LowPart,
                              (PVOID)(LONG_PTR)now.HighPart, IO_NO_INCREMENT))
            ObDereferenceObject(timer);
    }
    KeReleaseSpinLockFromDpcLevel(&timer->lock);
}

/* Cancels the timer and takes its APC routine away: an expiry's DPC or
 * APC still queued is taken back, and the thread let go. PASSIVE_LEVEL. */
static void stop_timer(ex_timer *timer)
{
    PETHREAD thread;
    BOOLEAN dequeued = FALSE;
    KIRQL irql;

    KeCancelTimer(&timer->timer);
    KeRemoveQueueDpc(&timer->dpc);
    KeAcquireSpinLock(&timer->lock, &irql);
    thread = timer->apc_thread;
    if (thread != NULL)
        dequeued = ke_remove_queue_apc(&timer->apc);
    timer->apc_thread = NULL;
    KeReleaseSpinLock(&timer->lock, irql);
    if (dequeued)
        ObDereferenceObject(timer);
    if (thread != NULL)
        ObDereferenceObject(thread);
}

/* From now on each expiry queues routine(context, time) to the current
 * thread as a user APC (user callers) or a kernel one. */
static void set_timer_apc(ex_timer *timer, PTIMER_APC_ROUTINE routine,
                          PVOID context, KPROCESSOR_MODE mode)
{
    PETHREAD thread = PsGetCurrentThread();
    KIRQL irql;

    ObReferenceObject(thread);
    KeAcquireSpinLock(&timer->lock, &irql);
    KeInitializeApc(&timer->apc, &thread->Tcb, CurrentApcEnvironment,
                    timer_apc_done, timer_apc_rundown,
                    (PKNORMAL_ROUTINE)(PVOID)routine, mode, context);
    timer->apc_thread = thread;
    KeReleaseSpinLock(&timer->lock, irql);
}

NTSTATUS NTAPI NtCreateTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess,
                             POBJECT_ATTRIBUTES ObjectAttributes,
                             TIMER_TYPE TimerType)
{
    LONG args[1] = {(LONG)TimerType};

    if (TimerType != NotificationTimer && TimerType != SynchronizationTimer)
        return STATUS_INVALID_PARAMETER_4;
    return create(timer_type, sizeof(ex_timer), TimerHandle, DesiredAccess,
                  ObjectAttributes, init_timer, args);
}

NTSTATUS NTAPI NtOpenTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess,
                           POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ob_open_service(timer_type, TimerHandle, DesiredAccess,
                           ObjectAttributes);
}

/* Stores a BOOLEAN at out (probed for a user caller) if out is not NULL. */
static NTSTATUS put_boolean(PBOOLEAN out, BOOLEAN value)
{
    if (out == NULL)
        return STATUS_SUCCESS;
    return mm_give_back(ExGetPreviousMode(), out, sizeof *out, 1, &value);
}

/*
 * Sets the timer to expire at DueTime (absolute, or relative if negative)
 * and then every Period ms. With a TimerApcRoutine, each expiry queues it
 * to the calling thread as an APC, with TimerContext and the time of the
 * expiry; it runs when the thread waits alertably, and a new NtSetTimer or
 * NtCancelTimer takes back one still queued. A thread that ends lets its
 * APCs go, and the timer runs on without them. ResumeTimer asks to wake a
 * sleeping machine: ntlab never sleeps, so it sets the timer and answers
 * STATUS_TIMER_RESUME_IGNORED, as NT does without that power support.
 */
NTSTATUS NTAPI NtSetTimer(HANDLE TimerHandle, PLARGE_INTEGER DueTime,
                          PTIMER_APC_ROUTINE TimerApcRoutine,
                          PVOID TimerContext, BOOLEAN ResumeTimer, LONG Period,
                          PBOOLEAN PreviousState)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    LARGE_INTEGER due;
    NTSTATUS status;
    ex_timer *timer;
    BOOLEAN was;

    if (Period < 0)
        return STATUS_INVALID_PARAMETER_6;
    status = mm_capture(mode, DueTime, sizeof due, sizeof(ULONG), &due);
    if (!NT_SUCCESS(status))
        return status;
    status =
        reference(TimerHandle, TIMER_MODIFY_STATE, timer_type, (PVOID *)&timer);
    if (!NT_SUCCESS(status))
        return status;
    stop_timer(timer);
    was = KeReadStateTimer(&timer->timer);
    if (TimerApcRoutine != NULL)
        set_timer_apc(timer, TimerApcRoutine, TimerContext, mode);
    KeSetTimerEx(&timer->timer, due, Period,
                 TimerApcRoutine != NULL ? &timer->dpc : NULL);
    ObDereferenceObject(timer);
    status = put_boolean(PreviousState, was);
    if (NT_SUCCESS(status) && ResumeTimer)
        status = STATUS_TIMER_RESUME_IGNORED;
    return status;
}

NTSTATUS NTAPI NtCancelTimer(HANDLE TimerHandle, PBOOLEAN CurrentState)
{
    ex_timer *timer;
    BOOLEAN state;
    NTSTATUS status =
        reference(TimerHandle, TIMER_MODIFY_STATE, timer_type, (PVOID *)&timer);

    if (!NT_SUCCESS(status))
        return status;
    stop_timer(timer);
    state = KeReadStateTimer(&timer->timer);
    ObDereferenceObject(timer);
    return put_boolean(CurrentState, state);
}

/* ---- Time ---------------------------------------------------------------- */

NTSTATUS NTAPI NtQuerySystemTime(PLARGE_INTEGER SystemTime)
{
    LARGE_INTEGER now;

    KeQuerySystemTime(&now);
    return mm_give_back(ExGetPreviousMode(), SystemTime, sizeof now,
                        sizeof(ULONG), &now);
}
