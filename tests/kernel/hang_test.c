/*
 * The hang report: two threads that each own a mutant and wait for the
 * other's hang the system, and the report names the cycle (tests/kd.t
 * reads what it prints).
 */
#include "../../kernel/ke/ke.h"
#include "../../kernel/ktest/ktest.h"
#include "kt_util.h"

static KMUTANT *m1, *m2;
static KEVENT first_owned, second_owned;

/* Creates a mutant named \BaseNamedObjects\NAME and returns its object. */
static KMUTANT *named_mutant(PCWSTR path)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES a;
    HANDLE h;
    PVOID object = NULL;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&a, &name, OBJ_KERNEL_HANDLE, NULL, NULL);
    if (!NT_SUCCESS(ZwCreateMutant(&h, MUTANT_ALL_ACCESS, &a, FALSE)))
        return NULL;
    if (!NT_SUCCESS(ObReferenceObjectByHandle(h, 0, NULL, KernelMode, &object,
                                              NULL)))
        object = NULL;
    ZwClose(h);
    return object;
}

/* Takes mine, says so, waits until the other thread has its own, then
 * waits for the other's: for ever. */
static void take_both(KMUTANT *mine, KEVENT *said, KEVENT *heard,
                      KMUTANT *other)
{
    KeWaitForSingleObject(mine, Executive, KernelMode, FALSE, NULL);
    KeSetEvent(said, 0, FALSE);
    KeWaitForSingleObject(heard, Executive, KernelMode, FALSE, NULL);
    KeWaitForSingleObject(other, Executive, KernelMode, FALSE, NULL);
}

static void thread_a(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    take_both(m1, &first_owned, &second_owned, m2);
}

static void thread_b(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    take_both(m2, &second_owned, &first_owned, m1);
}

KTEST_HANG(hang, two_mutants_deadlock)
{
    m1 = named_mutant(L"\\BaseNamedObjects\\M1");
    m2 = named_mutant(L"\\BaseNamedObjects\\M2");
    KT_ASSERT(m1 != NULL && m2 != NULL);
    KeInitializeEvent(&first_owned, NotificationEvent, FALSE);
    KeInitializeEvent(&second_owned, NotificationEvent, FALSE);
    kt_start_thread(thread_b, NULL, 8);
    kt_join(kt_start_thread(thread_a, NULL, 8));
}

/* Waiting alone for an event nobody sets is a hang without a cycle. */
KTEST_HANG(hang, lone_event_no_cycle)
{
    static KEVENT never;

    KeInitializeEvent(&never, SynchronizationEvent, FALSE);
    KeWaitForSingleObject(&never, Executive, KernelMode, FALSE, NULL);
}
