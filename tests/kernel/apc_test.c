/*
 * APCs: run in their target thread's context, at the right IRQL, held back
 * by critical and guarded regions, interrupting (and resuming) waits.
 */
#include "kt_util.h"

static struct {
    int kernel_runs, normal_runs;
    PKTHREAD kernel_thread, normal_thread;
    KIRQL kernel_irql, normal_irql;
    PVOID normal_args[3];
} ran;

static VOID kernel_routine(PKAPC apc, PKNORMAL_ROUTINE *normal, PVOID *ctx,
                           PVOID *a1, PVOID *a2)
{
    UNREFERENCED_PARAMETER(apc);
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(ctx);
    ran.kernel_runs++;
    ran.kernel_thread = KeGetCurrentThread();
    ran.kernel_irql = KeGetCurrentIrql();
    *a2 = (PVOID)((ULONG_PTR)*a1 + 1); /* the kernel routine may edit args */
}

static VOID normal_routine(PVOID ctx, PVOID a1, PVOID a2)
{
    ran.normal_runs++;
    ran.normal_thread = KeGetCurrentThread();
    ran.normal_irql = KeGetCurrentIrql();
    ran.normal_args[0] = ctx;
    ran.normal_args[1] = a1;
    ran.normal_args[2] = a2;
}

static KEVENT gate;
static NTSTATUS gate_status;

static void wait_at_gate(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    gate_status =
        KeWaitForSingleObject(&gate, Executive, KernelMode, FALSE, NULL);
}

/* A special kernel APC takes a waiting thread out of its wait to run, in
 * that thread, at APC_LEVEL; the wait then goes on. */
KTEST(apc, special_apc_runs_in_the_waiting_thread)
{
    static KAPC apc;
    ETHREAD *t;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeEvent(&gate, NotificationEvent, FALSE);
    gate_status = STATUS_PENDING;
    t = kt_start_thread(wait_at_gate, NULL, 9);
    KeInitializeApc(&apc, &t->Tcb, OriginalApcEnvironment, kernel_routine, NULL,
                    NULL, KernelMode, NULL);
    KT_EXPECT(KeInsertQueueApc(&apc, (PVOID)7, NULL, IO_NO_INCREMENT));
    KT_EXPECT_EQ(ran.kernel_runs, 1);
    KT_EXPECT_PTR_EQ(ran.kernel_thread, &t->Tcb);
    KT_EXPECT_EQ(ran.kernel_irql, APC_LEVEL);
    KT_EXPECT_EQ(t->Tcb.State, Waiting);
    KT_EXPECT_EQ(gate_status, STATUS_PENDING);
    KeSetEvent(&gate, IO_NO_INCREMENT, FALSE);
    kt_join(t);
    KT_EXPECT_EQ(gate_status, STATUS_SUCCESS);
}

/* A normal APC: its kernel routine at APC_LEVEL, then its normal routine at
 * PASSIVE_LEVEL, both in the target thread. */
KTEST(apc, normal_apc_runs_kernel_then_normal_routine)
{
    static KAPC apc;
    ETHREAD *t;
    KIRQL old;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeEvent(&gate, NotificationEvent, FALSE);
    t = kt_start_thread(wait_at_gate, NULL, 9);
    KeInitializeApc(&apc, &t->Tcb, OriginalApcEnvironment, kernel_routine, NULL,
                    normal_routine, KernelMode, (PVOID)100);
    /* At DISPATCH_LEVEL the target cannot run yet: the APC stays queued. */
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KT_EXPECT(KeInsertQueueApc(&apc, (PVOID)5, NULL, IO_NO_INCREMENT));
    KT_EXPECT(!KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT));
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KeLowerIrql(old);
    KT_EXPECT_EQ(ran.kernel_runs, 1);
    KT_EXPECT_EQ(ran.normal_runs, 1);
    KT_EXPECT_PTR_EQ(ran.normal_thread, &t->Tcb);
    KT_EXPECT_EQ(ran.normal_irql, PASSIVE_LEVEL);
    KT_EXPECT_PTR_EQ(ran.normal_args[0], 100);
    KT_EXPECT_PTR_EQ(ran.normal_args[1], 5);
    KT_EXPECT_PTR_EQ(ran.normal_args[2], 6);
    KeSetEvent(&gate, IO_NO_INCREMENT, FALSE);
    kt_join(t);
}

/* An APC to the current thread waits while IRQL is APC_LEVEL. */
KTEST(apc, held_while_irql_is_apc_level)
{
    KAPC apc;
    KIRQL old;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeApc(&apc, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, NULL, KernelMode, NULL);
    KeRaiseIrql(APC_LEVEL, &old);
    KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT);
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KeLowerIrql(old);
    KT_EXPECT_EQ(ran.kernel_runs, 1);
}

/* A critical region holds normal APCs back, not special ones. */
KTEST(apc, critical_region_holds_normal_apcs)
{
    KAPC normal, special;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeApc(&normal, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, normal_routine, KernelMode, NULL);
    KeInitializeApc(&special, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, NULL, KernelMode, NULL);
    KeEnterCriticalRegion();
    KT_EXPECT(KeAreApcsDisabled());
    KeInsertQueueApc(&normal, NULL, NULL, IO_NO_INCREMENT);
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KeInsertQueueApc(&special, NULL, NULL, IO_NO_INCREMENT);
    KT_EXPECT_EQ(ran.kernel_runs, 1);
    KT_EXPECT_EQ(ran.normal_runs, 0);
    KeLeaveCriticalRegion();
    KT_EXPECT_EQ(ran.kernel_runs, 2);
    KT_EXPECT_EQ(ran.normal_runs, 1);
}

KTEST(apc, guarded_region_holds_every_kernel_apc)
{
    KAPC special;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeApc(&special, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, NULL, KernelMode, NULL);
    KeEnterGuardedRegion();
    KT_EXPECT(KeAreApcsDisabled());
    KeInsertQueueApc(&special, NULL, NULL, IO_NO_INCREMENT);
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KeLeaveGuardedRegion();
    KT_EXPECT_EQ(ran.kernel_runs, 1);
    KT_EXPECT(!KeAreApcsDisabled());
}

/* An APC for the thread's own process waits while it is attached to
 * another one, and runs once it is back. */
KTEST(apc, original_environment_waits_for_detach)
{
    static EPROCESS *other;
    KAPC_STATE state;
    KAPC apc;

    RtlZeroMemory(&ran, sizeof ran);
    KT_ASSERT((other = kt_make_process("other")) != NULL);
    KeStackAttachProcess(&other->Pcb, &state);
    KeInitializeApc(&apc, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, NULL, KernelMode, NULL);
    KT_EXPECT(KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT));
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KeUnstackDetachProcess(&state);
    KT_EXPECT_EQ(ran.kernel_runs, 1);
    kt_delete_process(other);
}

static void wait_in_critical_region(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    KeEnterCriticalRegion();
    gate_status =
        KeWaitForSingleObject(&gate, Executive, KernelMode, FALSE, NULL);
    KeLeaveCriticalRegion();
}

/* A waiter in a critical region is not taken out of its wait for a normal
 * APC; the APC runs when it leaves the region. */
KTEST(apc, normal_apc_waits_for_a_waiter_in_a_critical_region)
{
    static KAPC apc;
    ETHREAD *t;

    RtlZeroMemory(&ran, sizeof ran);
    KeInitializeEvent(&gate, NotificationEvent, FALSE);
    t = kt_start_thread(wait_in_critical_region, NULL, 9);
    KeInitializeApc(&apc, &t->Tcb, OriginalApcEnvironment, kernel_routine, NULL,
                    normal_routine, KernelMode, NULL);
    KT_EXPECT(KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT));
    KT_EXPECT_EQ(ran.kernel_runs, 0);
    KT_EXPECT_EQ(t->Tcb.State, Waiting);
    KeSetEvent(&gate, IO_NO_INCREMENT, FALSE);
    kt_join(t);
    KT_EXPECT_EQ(gate_status, STATUS_SUCCESS);
    KT_EXPECT_EQ(ran.normal_runs, 1);
    KT_EXPECT_PTR_EQ(ran.normal_thread, &t->Tcb);
}

static EPROCESS *stray;

static VOID attach_and_stay(PVOID ctx, PVOID a1, PVOID a2)
{
    UNREFERENCED_PARAMETER(ctx);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    KeAttachProcess(&stray->Pcb);
}

/* An APC routine must leave the thread in the process it found it in. */
KTEST_STOP(apc, routine_returns_attached, INVALID_PROCESS_ATTACH_ATTEMPT)
{
    static KAPC apc;

    KT_ASSERT((stray = kt_make_process("stray")) != NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2,
                        (ULONG_PTR)&PsInitialSystemProcess->Pcb,
                        (ULONG_PTR)&stray->Pcb, 0, 0);
    KeInitializeApc(&apc, KeGetCurrentThread(), OriginalApcEnvironment,
                    kernel_routine, NULL, attach_and_stay, KernelMode, NULL);
    KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT);
}

/* Detaching with an APC still queued for the attached process. */
KTEST_STOP(apc, detach_with_an_apc_queued, INVALID_PROCESS_DETACH_ATTEMPT)
{
    static KAPC apc;
    KAPC_STATE state;
    KIRQL old;

    KT_ASSERT((stray = kt_make_process("stray")) != NULL);
    KeStackAttachProcess(&stray->Pcb, &state);
    KeInitializeApc(&apc, KeGetCurrentThread(), AttachedApcEnvironment,
                    kernel_routine, NULL, NULL, KernelMode, NULL);
    KeRaiseIrql(APC_LEVEL, &old);
    KeInsertQueueApc(&apc, NULL, NULL, IO_NO_INCREMENT);
    KeUnstackDetachProcess(&state);
}
