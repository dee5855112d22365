/*
 * Dispatcher objects and waits: events, semaphores, mutexes and mutants,
 * WaitAny and WaitAll, timeouts, alerts, and the IRQL rules.
 */
#include "kt_util.h"

static LARGE_INTEGER zero_timeout;

static NTSTATUS poll(PVOID object)
{
    zero_timeout.QuadPart = 0;
    return KeWaitForSingleObject(object, Executive, KernelMode, FALSE,
                                 &zero_timeout);
}

static KEVENT event;
static volatile LONG woken;

static void wait_for_event(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    if (KeWaitForSingleObject(&event, Executive, KernelMode, FALSE, NULL) ==
        STATUS_SUCCESS)
        woken++;
}

static void start_waiters(ETHREAD *t[3])
{
    int i;

    woken = 0;
    for (i = 0; i < 3; i++)
        t[i] = kt_start_thread(wait_for_event, NULL, 9);
}

KTEST(event, notification_wakes_every_waiter_and_stays_set)
{
    ETHREAD *t[3];
    int i;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    start_waiters(t);
    for (i = 0; i < 3; i++)
        KT_EXPECT_EQ(t[i]->Tcb.State, Waiting);
    KT_EXPECT_EQ(KeSetEvent(&event, IO_NO_INCREMENT, FALSE), 0);
    KT_EXPECT_EQ(woken, 3);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 1);
    KT_EXPECT_EQ(poll(&event), STATUS_SUCCESS);
    for (i = 0; i < 3; i++)
        kt_join(t[i]);
}

KTEST(event, synchronization_wakes_exactly_one_and_resets)
{
    ETHREAD *t[3];
    int i;

    KeInitializeEvent(&event, SynchronizationEvent, FALSE);
    start_waiters(t);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(woken, 1);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 0);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(woken, 2);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(woken, 3);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 0);
    /* With nobody waiting it stays set for the next wait, which resets it. */
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 1);
    KT_EXPECT_EQ(poll(&event), STATUS_SUCCESS);
    KT_EXPECT_EQ(poll(&event), STATUS_TIMEOUT);
    for (i = 0; i < 3; i++)
        kt_join(t[i]);
}

KTEST(event, set_reset_pulse_return_the_previous_state)
{
    ETHREAD *t[3];
    int i;

    KeInitializeEvent(&event, NotificationEvent, TRUE);
    KT_EXPECT_EQ(KeSetEvent(&event, IO_NO_INCREMENT, FALSE), 1);
    KT_EXPECT_EQ(KeResetEvent(&event), 1);
    KT_EXPECT_EQ(KeResetEvent(&event), 0);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KeClearEvent(&event);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 0);
    /* A pulse releases the current waiters and leaves the event reset. */
    start_waiters(t);
    KT_EXPECT_EQ(KePulseEvent(&event, IO_NO_INCREMENT, FALSE), 0);
    KT_EXPECT_EQ(woken, 3);
    KT_EXPECT_EQ(KeReadStateEvent(&event), 0);
    for (i = 0; i < 3; i++)
        kt_join(t[i]);
}

static KEVENT ping, pong;

static void answer_ping(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeWaitForSingleObject(&ping, Executive, KernelMode, FALSE, NULL);
    KeSetEvent(&pong, IO_NO_INCREMENT, FALSE);
}

/* Set with Wait TRUE keeps IRQL raised so the wait that follows starts
 * without a window between the two. */
KTEST(event, set_with_wait_true_hands_over_to_the_wait)
{
    ETHREAD *t;

    KeInitializeEvent(&ping, SynchronizationEvent, FALSE);
    KeInitializeEvent(&pong, SynchronizationEvent, FALSE);
    t = kt_start_thread(answer_ping, NULL, 8);
    KeDelayExecutionThread(KernelMode, FALSE, &(LARGE_INTEGER){.QuadPart = -1});
    KeSetEvent(&ping, IO_NO_INCREMENT, TRUE);
    KT_EXPECT_EQ(KeGetCurrentIrql(), DISPATCH_LEVEL);
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&pong, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    kt_join(t);
}

KTEST(semaphore, counts_down_and_up)
{
    KSEMAPHORE sem;

    KeInitializeSemaphore(&sem, 2, 3);
    KT_EXPECT_EQ(KeReadStateSemaphore(&sem), 2);
    KT_EXPECT_EQ(poll(&sem), STATUS_SUCCESS);
    KT_EXPECT_EQ(poll(&sem), STATUS_SUCCESS);
    KT_EXPECT_EQ(poll(&sem), STATUS_TIMEOUT);
    KT_EXPECT_EQ(KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 3, FALSE), 0);
    KT_EXPECT_EQ(KeReadStateSemaphore(&sem), 3);
}

/* Past its limit a release raises STATUS_SEMAPHORE_LIMIT_EXCEEDED; with no
 * handler (SEH comes with the Mm issue) that stops the system. */
KTEST_STOP(semaphore, release_past_the_limit,
           SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    static KSEMAPHORE sem;

    ktest_expect_params(KTEST_P1, (ULONG)STATUS_SEMAPHORE_LIMIT_EXCEEDED, 0, 0,
                        0);
    KeInitializeSemaphore(&sem, 1, 2);
    KeReleaseSemaphore(&sem, IO_NO_INCREMENT, 2, FALSE);
}

KTEST(mutex, owner_may_acquire_it_again)
{
    KMUTEX mutex;

    KeInitializeMutex(&mutex, 0);
    KT_EXPECT_EQ(KeReadStateMutex(&mutex), 1);
    KT_EXPECT(!KeAreApcsDisabled());
    KT_EXPECT_EQ(
        KeWaitForMutexObject(&mutex, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
    KT_EXPECT(KeAreApcsDisabled());
    KT_EXPECT_EQ(poll(&mutex), STATUS_SUCCESS);
    KT_EXPECT_EQ(KeReadStateMutex(&mutex), -1);
    KT_EXPECT_EQ(KeReleaseMutex(&mutex, FALSE), -1);
    KT_EXPECT_EQ(KeReleaseMutex(&mutex, FALSE), 0);
    KT_EXPECT_EQ(KeReadStateMutex(&mutex), 1);
    KT_EXPECT(!KeAreApcsDisabled());
}

static KMUTEX shared_mutex;

static void take_mutex_and_end(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeWaitForMutexObject(&shared_mutex, Executive, KernelMode, FALSE, NULL);
}

/* Releasing a mutex one does not own raises STATUS_MUTANT_NOT_OWNED. */
KTEST_STOP(mutex, released_by_a_thread_that_does_not_own_it,
           SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    ktest_expect_params(KTEST_P1, (ULONG)STATUS_MUTANT_NOT_OWNED, 0, 0, 0);
    KeInitializeMutex(&shared_mutex, 0);
    KeReleaseMutex(&shared_mutex, FALSE);
}

KTEST_STOP(mutex, owner_ends_holding_it, THREAD_TERMINATE_HELD_MUTEX)
{
    ETHREAD *t;

    KeInitializeMutex(&shared_mutex, 0);
    t = kt_start_thread(take_mutex_and_end, NULL, 9);
    ktest_expect_params(KTEST_P1 | KTEST_P2, (ULONG_PTR)&t->Tcb,
                        (ULONG_PTR)&shared_mutex, 0, 0);
    kt_join(t);
}

static KMUTANT mutant;

static void take_mutant_and_end(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeWaitForSingleObject(&mutant, Executive, KernelMode, FALSE, NULL);
}

/* A mutant whose owner ends is abandoned: the next owner is told so. */
KTEST(mutant, abandoned_when_its_owner_ends)
{
    PVOID objects[2] = {&event, &mutant};

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    KeInitializeMutant(&mutant, FALSE);
    kt_join(kt_start_thread(take_mutant_and_end, NULL, 8));
    KT_EXPECT_EQ(KeReadStateMutant(&mutant), 1);
    KT_EXPECT_EQ(KeWaitForMultipleObjects(2, objects, WaitAny, Executive,
                                          KernelMode, FALSE, NULL, NULL),
                 STATUS_ABANDONED_WAIT_0 + 1);
    KT_EXPECT_EQ(KeReadStateMutant(&mutant), 0);
    KT_EXPECT_EQ(KeReleaseMutant(&mutant, MUTANT_INCREMENT, FALSE, FALSE), 0);
    KT_EXPECT_EQ(poll(&mutant), STATUS_SUCCESS);
    KeReleaseMutant(&mutant, MUTANT_INCREMENT, FALSE, FALSE);
}

static KMUTEX all_mutex;
static KEVENT all_event;
static NTSTATUS all_status;

static void wait_for_both(PVOID unused)
{
    PVOID objects[2] = {&all_mutex, &all_event};

    UNREFERENCED_PARAMETER(unused);
    all_status = KeWaitForMultipleObjects(2, objects, WaitAll, Executive,
                                          KernelMode, FALSE, NULL, NULL);
    KeReleaseMutex(&all_mutex, FALSE);
}

KTEST(wait, all_over_a_mutex_and_an_event)
{
    ETHREAD *t;

    KeInitializeMutex(&all_mutex, 0);
    KeInitializeEvent(&all_event, NotificationEvent, FALSE);
    all_status = STATUS_PENDING;
    KeWaitForMutexObject(&all_mutex, Executive, KernelMode, FALSE, NULL);
    t = kt_start_thread(wait_for_both, NULL, 9);
    KT_EXPECT_EQ(t->Tcb.State, Waiting);
    KeSetEvent(&all_event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(t->Tcb.State, Waiting); /* the mutex is still ours */
    KT_EXPECT_EQ(all_status, STATUS_PENDING);
    KeReleaseMutex(&all_mutex, FALSE);
    KT_EXPECT_EQ(all_status, STATUS_SUCCESS);
    kt_join(t);
    KT_EXPECT_EQ(KeReadStateMutex(&all_mutex), 1);
}

KTEST(wait, any_returns_the_index_of_the_signalled_object)
{
    KEVENT e;
    KSEMAPHORE s;
    PVOID objects[2] = {&e, &s};

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KeInitializeSemaphore(&s, 1, 1);
    KT_EXPECT_EQ(KeWaitForMultipleObjects(2, objects, WaitAny, Executive,
                                          KernelMode, FALSE, NULL, NULL),
                 STATUS_WAIT_0 + 1);
    KT_EXPECT_EQ(KeReadStateSemaphore(&s), 0);
}

KTEST(wait, more_objects_with_a_wait_block_array)
{
    KEVENT e[5];
    PVOID objects[5];
    KWAIT_BLOCK blocks[5];
    LARGE_INTEGER t = kt_relative(KT_MS(10));
    int i;

    for (i = 0; i < 5; i++) {
        KeInitializeEvent(&e[i], NotificationEvent, i != 3);
        objects[i] = &e[i];
    }
    KT_EXPECT_EQ(KeWaitForMultipleObjects(5, objects, WaitAll, Executive,
                                          KernelMode, FALSE, &t, blocks),
                 STATUS_TIMEOUT);
    KeSetEvent(&e[3], IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(KeWaitForMultipleObjects(5, objects, WaitAll, Executive,
                                          KernelMode, FALSE, &t, blocks),
                 STATUS_SUCCESS);
}

KTEST_STOP(wait, four_objects_without_an_array, MAXIMUM_WAIT_OBJECTS_EXCEEDED)
{
    static KEVENT e[4];
    PVOID objects[4] = {&e[0], &e[1], &e[2], &e[3]};

    KeWaitForMultipleObjects(4, objects, WaitAny, Executive, KernelMode, FALSE,
                             NULL, NULL);
}

KTEST(wait, zero_timeout_never_blocks)
{
    KEVENT e;
    ULONG switches = KeGetPcr()->ContextSwitches;
    KIRQL old;

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KT_EXPECT_EQ(poll(&e), STATUS_TIMEOUT);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KT_EXPECT_EQ(poll(&e), STATUS_TIMEOUT); /* allowed at DISPATCH_LEVEL */
    KeLowerIrql(old);
    KT_EXPECT_EQ(KeGetPcr()->ContextSwitches, switches);
}

KTEST(wait, timeout_ends_the_wait)
{
    KEVENT e;
    LARGE_INTEGER t = kt_relative(KT_MS(50));
    ULONGLONG before = KeQueryInterruptTime();

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KT_EXPECT_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, FALSE, &t),
                 STATUS_TIMEOUT);
    KT_EXPECT(KeQueryInterruptTime() - before >= 500000);
}

static volatile NTSTATUS alert_result;

static void wait_alertable(PVOID mode)
{
    alert_result = KeWaitForSingleObject(
        &event, Executive, (KPROCESSOR_MODE)(ULONG_PTR)mode, TRUE, NULL);
}

KTEST(wait, alert_ends_an_alertable_wait)
{
    ETHREAD *t;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    alert_result = STATUS_PENDING;
    t = kt_start_thread(wait_alertable, (PVOID)KernelMode, 9);
    KT_EXPECT_EQ(alert_result, STATUS_PENDING);
    KT_EXPECT(!KeAlertThread(&t->Tcb, KernelMode));
    KT_EXPECT_EQ(alert_result, STATUS_ALERTED);
    kt_join(t);
}

/* An alert that finds no alertable wait is kept for the next one. */
KTEST(wait, alert_is_kept_for_the_next_alertable_wait)
{
    KEVENT e;

    KeInitializeEvent(&e, NotificationEvent, FALSE);
    KT_EXPECT(!KeAlertThread(KeGetCurrentThread(), KernelMode));
    KT_EXPECT(KeAlertThread(KeGetCurrentThread(), KernelMode));
    KT_EXPECT_EQ(KeWaitForSingleObject(&e, Executive, KernelMode, TRUE, NULL),
                 STATUS_ALERTED);
    KT_EXPECT(!KeTestAlertThread(KernelMode));
}

static BOOLEAN rundown_called;

static VOID user_apc_kernel_routine(PKAPC apc, PKNORMAL_ROUTINE *normal,
                                    PVOID *ctx, PVOID *a1, PVOID *a2)
{
    UNREFERENCED_PARAMETER(apc);
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
}

static VOID user_apc_rundown(PKAPC apc)
{
    UNREFERENCED_PARAMETER(apc);
    rundown_called = TRUE;
}

static VOID user_apc_normal(PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
}

/* A user APC ends an alertable user-mode wait with STATUS_USER_APC (it
 * would run on the way back to user mode; this thread never goes there, so
 * its exit runs the APC down). */
KTEST(wait, user_apc_ends_an_alertable_user_mode_wait)
{
    static KAPC apc;
    ETHREAD *t;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    alert_result = STATUS_PENDING;
    rundown_called = FALSE;
    t = kt_start_thread(wait_alertable, (PVOID)UserMode, 9);
    KeInitializeApc(&apc, &t->Tcb, OriginalApcEnvironment,
                    user_apc_kernel_routine, user_apc_rundown, user_apc_normal,
                    UserMode, NULL);
    KT_EXPECT(KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT));
    KT_EXPECT_EQ(alert_result, STATUS_USER_APC);
    kt_join(t);
    KT_EXPECT(rundown_called);
}

KTEST(wait, thread_object_is_signalled_when_the_thread_ends)
{
    ETHREAD *t = kt_start_thread(wait_for_event, NULL, 8);

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    KT_EXPECT_EQ(poll(&t->Tcb), STATUS_TIMEOUT);
    KeSetEvent(&event, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(
        KeWaitForSingleObject(&t->Tcb, Executive, KernelMode, FALSE, NULL),
        STATUS_SUCCESS);
    KT_EXPECT_EQ(t->Tcb.State, Terminated);
}

static void end_quietly(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
}

/* A process object is signalled when its last thread ends. */
static KEVENT gate;

static VOID end_at_the_gate(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeWaitForSingleObject(&gate, Executive, KernelMode, FALSE, NULL);
}

KTEST(wait, process_object_is_signalled_by_its_last_thread)
{
    EPROCESS *process;
    ETHREAD *first, *second;

    KeInitializeEvent(&gate, NotificationEvent, FALSE);
    KT_ASSERT((process = kt_make_process("twothreads")) != NULL);
    KT_ASSERT(NT_SUCCESS(ps_create_thread(process, end_quietly, NULL, &first)));
    KT_ASSERT(
        NT_SUCCESS(ps_create_thread(process, end_at_the_gate, NULL, &second)));
    kt_join(first);
    KT_EXPECT_EQ(poll(&process->Pcb), STATUS_TIMEOUT);
    KT_EXPECT_EQ(PsGetProcessExitStatus(process), STATUS_PENDING);
    KeSetEvent(&gate, IO_NO_INCREMENT, FALSE);
    KT_EXPECT_EQ(KeWaitForSingleObject(&process->Pcb, Executive, KernelMode,
                                       FALSE, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(PsGetProcessExitStatus(process), STATUS_SUCCESS);
    kt_join(second);
    kt_delete_process(process);
}

KTEST(wait, user_mode_alert_leaves_a_kernel_mode_wait_alone)
{
    ETHREAD *t;

    KeInitializeEvent(&event, NotificationEvent, FALSE);
    alert_result = STATUS_PENDING;
    t = kt_start_thread(wait_alertable, (PVOID)KernelMode, 9);
    KT_EXPECT(!KeAlertThread(&t->Tcb, UserMode));
    KT_EXPECT_EQ(alert_result, STATUS_PENDING);
    KT_EXPECT_EQ(t->Tcb.State, Waiting);
    KT_EXPECT(KeAlertThread(&t->Tcb, UserMode));
    KT_EXPECT(!KeAlertThread(&t->Tcb, KernelMode));
    KT_EXPECT_EQ(alert_result, STATUS_ALERTED);
    kt_join(t);
}
