/*
 * A driver for the image loader's tests (tests/kernel/sysload_test.c). Its
 * DriverEntry calls exported routines and the C runtime, reads an exported
 * variable, goes through relocated pointers to its own routines (one of
 * them in the pageable PAGE section), and counts its calls in initialised
 * globals, one of them pageable. It does not touch its arguments: the tests
 * call it with NULL ones.
 */
#include <ntddk.h>

#define TAG 'lTsT'

NTSTATUS NTAPI DriverEntry(PVOID DriverObject, PVOID RegistryPath);
ULONG TestPagedTwice(ULONG x);
ULONG TestRead(volatile ULONG *p);
size_t wcslen(const WCHAR *s);

/* A routine in a pageable section: the tests trim it out and call it. */
#pragma alloc_text(PAGE, TestPagedTwice)
__attribute__((section("PAGE"), noinline)) ULONG TestPagedTwice(ULONG x)
{
    return x * 2 + KeGetCurrentIrql();
}

/* Reads *p: driver code touching memory (the paging tests trim it first).
 * Its first instruction is the load: no preemption point before it. */
__attribute__((noinline, no_sanitize_coverage)) ULONG
TestRead(volatile ULONG *p)
{
    return *p;
}

static ULONG plus_one(ULONG x)
{
    return x + 1;
}

/* Relocated at load: against a symbol (R_X86_64_64) and the base
 * (R_X86_64_RELATIVE). */
ULONG (*TestPagedRoutine)(ULONG) = TestPagedTwice;
static ULONG (*volatile resident_routine)(ULONG) = plus_one;

/* DriverEntry's calls so far, from 40; the pageable one from 7. */
ULONG TestLoadCount = 40;
__attribute__((section("PAGEDATA"))) ULONG TestPagedCount = 7;

static const WCHAR greeting[] = L"ntlab";

/* Copies greeting into pool with memcpy and compares it back. */
static NTSTATUS check_strings(void)
{
    SIZE_T bytes = (wcslen(greeting) + 1) * sizeof(WCHAR);
    PWCHAR copy = ExAllocatePoolWithTag(PagedPool, bytes, TAG);
    UNICODE_STRING a, b;
    BOOLEAN same;

    if (copy == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(copy, greeting, bytes); /* a call to memcpy */
    RtlInitUnicodeString(&a, copy);
    RtlInitUnicodeString(&b, greeting);
    same = a.Length == 10 && RtlEqualUnicodeString(&a, &b, FALSE);
    ExFreePoolWithTag(copy, TAG);
    return same ? STATUS_SUCCESS : STATUS_OBJECT_NAME_INVALID;
}

/* The preempt_points benchmark's loop: Rounds rounds of a hash with a
 * branch, with preemption points (the SDK's default) and without. */
#define TEST_LOOP_BODY(Rounds)                 \
    ULONG i, x = 1;                            \
                                               \
    for (i = 0; i < (Rounds); i++) {           \
        x = x * 31 + i;                        \
        if (x & 1)                             \
            x ^= 0x5A5A;                       \
    }                                          \
    return x;

ULONG TestLoop(ULONG Rounds);
ULONG TestLoopWithoutPoints(ULONG Rounds);

__attribute__((noinline)) ULONG TestLoop(ULONG Rounds)
{
    TEST_LOOP_BODY(Rounds)
}

__attribute__((noinline, no_sanitize_coverage)) ULONG
TestLoopWithoutPoints(ULONG Rounds)
{
    TEST_LOOP_BODY(Rounds)
}

NTSTATUS NTAPI DriverEntry(PVOID DriverObject, PVOID RegistryPath)
{
    NTSTATUS status = check_strings();

    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    if (!NT_SUCCESS(status))
        return status;
    if (PsInitialSystemProcess == NULL ||
        PsGetCurrentProcess() != PsInitialSystemProcess)
        return STATUS_INVALID_PARAMETER_1;
    TestLoadCount++;
    TestPagedCount++;
    if (TestPagedRoutine(TestLoadCount) != TestLoadCount * 2 ||
        resident_routine(TestPagedCount) != TestPagedCount + 1)
        return STATUS_INVALID_PARAMETER_2;
    return STATUS_SUCCESS;
}
