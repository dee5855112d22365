/*
 * Attach: a thread borrows another process's address space, and gives it
 * back.
 */
#include "kt_util.h"

#define VA 0x10000000u

static ULONG read_va(void)
{
    ULONG v;

    KT_BARRIER();
    v = *(volatile ULONG *)HAL_VA_PTR(VA);
    KT_BARRIER();
    return v;
}

static EPROCESS *a, *b;

static BOOLEAN make_two(void)
{
    return (a = kt_make_process("procA")) != NULL &&
           (b = kt_make_process("procB")) != NULL &&
           kt_map_user_page(a, VA, 0xAAAA) && kt_map_user_page(b, VA, 0xBBBB);
}

static void delete_two(void)
{
    kt_delete_process(a);
    kt_delete_process(b);
}

KTEST(attach, shows_the_other_process_and_detach_restores)
{
    KAPC_STATE state;

    KT_ASSERT(make_two());
    KeStackAttachProcess(&a->Pcb, &state);
    KT_EXPECT_EQ(read_va(), 0xAAAA);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), a);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcessId(), 4); /* still a System thread */
    KeUnstackDetachProcess(&state);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), PsInitialSystemProcess);
    KT_EXPECT_EQ(mm_read_pte(VA), 0);
    KeStackAttachProcess(&b->Pcb, &state);
    KT_EXPECT_EQ(read_va(), 0xBBBB);
    KeUnstackDetachProcess(&state);
    delete_two();
}

KTEST(attach, stack_attach_nests)
{
    KAPC_STATE outer, inner;

    KT_ASSERT(make_two());
    KeStackAttachProcess(&a->Pcb, &outer);
    KeStackAttachProcess(&b->Pcb, &inner);
    KT_EXPECT_EQ(read_va(), 0xBBBB);
    KeUnstackDetachProcess(&inner);
    KT_EXPECT_EQ(read_va(), 0xAAAA);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), a);
    KeUnstackDetachProcess(&outer);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), PsInitialSystemProcess);
    delete_two();
}

KTEST(attach, to_the_current_process_changes_nothing)
{
    KAPC_STATE state;

    KeStackAttachProcess(&PsInitialSystemProcess->Pcb, &state);
    KT_EXPECT_EQ(KeGetCurrentThread()->ApcStateIndex, OriginalApcEnvironment);
    KeUnstackDetachProcess(&state);
    KT_EXPECT_PTR_EQ(PsGetCurrentProcess(), PsInitialSystemProcess);
}

KTEST(attach, ke_attach_and_detach)
{
    KT_ASSERT(make_two());
    KeAttachProcess(&a->Pcb);
    KT_EXPECT_EQ(read_va(), 0xAAAA);
    KeDetachProcess();
    KT_EXPECT_EQ(mm_read_pte(VA), 0);
    KeDetachProcess(); /* not attached: nothing happens */
    delete_two();
}

static ULONG seen_by_other_thread;

static void look_at_va(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    seen_by_other_thread = mm_read_pte(VA);
}

/* The scheduler loads each thread's current address space: while this
 * thread waits, another runs without the attached process; when this one
 * comes back, the attached process is back too. */
KTEST(attach, survives_a_thread_switch)
{
    KAPC_STATE state;

    KT_ASSERT(make_two());
    KeStackAttachProcess(&a->Pcb, &state);
    seen_by_other_thread = 0xFFFFFFFF;
    kt_join(kt_start_thread(look_at_va, NULL, 8));
    KT_EXPECT_EQ(seen_by_other_thread, 0);
    KT_EXPECT_EQ(read_va(), 0xAAAA);
    KeUnstackDetachProcess(&state);
    delete_two();
}

KTEST_STOP(attach, at_dispatch_level, INVALID_PROCESS_ATTACH_ATTEMPT)
{
    KAPC_STATE state;
    KIRQL old;

    KT_ASSERT(make_two());
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3 | KTEST_P4,
                        (ULONG_PTR)&a->Pcb,
                        (ULONG_PTR)&PsInitialSystemProcess->Pcb, 0, 0);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeStackAttachProcess(&a->Pcb, &state);
}

static VOID attach_in_dpc(PKDPC dpc, PVOID ctx, PVOID a1, PVOID a2)
{
    KAPC_STATE state;

    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(a1);
    UNREFERENCED_PARAMETER(a2);
    KeStackAttachProcess(ctx, &state);
}

KTEST_STOP(attach, from_a_dpc, INVALID_PROCESS_ATTACH_ATTEMPT)
{
    static KDPC dpc;

    KT_ASSERT(make_two());
    ktest_expect_params(KTEST_P1 | KTEST_P4, (ULONG_PTR)&a->Pcb, 0, 0, 1);
    KeInitializeDpc(&dpc, attach_in_dpc, &a->Pcb);
    KeInsertQueueDpc(&dpc, NULL, NULL);
}

KTEST_STOP(attach, ke_attach_while_attached, INVALID_PROCESS_ATTACH_ATTEMPT)
{
    KT_ASSERT(make_two());
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, (ULONG_PTR)&b->Pcb,
                        (ULONG_PTR)&a->Pcb, AttachedApcEnvironment, 0);
    KeAttachProcess(&a->Pcb);
    KeAttachProcess(&b->Pcb);
}

KTEST_STOP(attach, detach_without_attach, INVALID_PROCESS_DETACH_ATTEMPT)
{
    KAPC_STATE state;

    state.Process = NULL;
    KeUnstackDetachProcess(&state);
}
