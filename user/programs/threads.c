/*
 * User threads: several threads of one process share its memory, each
 * with its own TEB and stack; a thread's handle is signalled when it ends.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <ntdll.h>
#include <stdio.h>

#define THREADS 8

#define CHECK(n, c)                                          \
    do {                                                     \
        if (!(c)) {                                          \
            printf("threads: check %d failed: %s\n", n, #c); \
            return n;                                        \
        }                                                    \
    } while (0)

static volatile LONG counter;
static PTEB tebs[THREADS];
static PVOID stacks[THREADS];

static ULONG NTAPI worker(PVOID argument)
{
    ULONG_PTR i = (ULONG_PTR)argument;
    int local = 0;
    int round;

    tebs[i] = NtCurrentTeb();
    stacks[i] = (PVOID)&local;
    for (round = 0; round < 100; round++) {
        __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
        NtYieldExecution();
    }
    return (ULONG)i;
}

int main(void)
{
    HANDLE threads[THREADS];
    ULONG_PTR i, j;

    for (i = 0; i < THREADS; i++)
        CHECK(1, NT_SUCCESS(NtCreateThreadEx(&threads[i], THREAD_ALL_ACCESS,
                                             NULL, NtCurrentProcess(), worker,
                                             (PVOID)i, 0, 0, 0, 0, NULL)));
    CHECK(2, NtWaitForMultipleObjects(THREADS, threads, WaitAll, FALSE, NULL) ==
                 STATUS_SUCCESS);
    CHECK(3, counter == THREADS * 100);
    for (i = 0; i < THREADS; i++) {
        CHECK(4, tebs[i] != NULL && tebs[i] != NtCurrentTeb());
        for (j = 0; j < i; j++)
            CHECK(5, tebs[j] != tebs[i] && stacks[j] != stacks[i]);
        NtClose(threads[i]);
    }
    return 0;
}
