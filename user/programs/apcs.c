/*
 * User APCs: queued to a thread, they run when it waits alertably (the
 * wait returns STATUS_USER_APC) or calls NtTestAlert, never in a
 * non-alertable wait; and they run on the thread they were queued to.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <ntdll.h>
#include <stdio.h>

#define CHECK(n, c)                                       \
    do {                                                  \
        if (!(c)) {                                       \
            printf("apcs: check %d failed: %s\n", n, #c); \
            return n;                                     \
        }                                                 \
    } while (0)

static volatile int runs;
static volatile ULONG_PTR args_seen[3];
static volatile HANDLE ran_on;

static VOID NTAPI apc_routine(PVOID a1, PVOID a2, PVOID a3)
{
    runs++;
    args_seen[0] = (ULONG_PTR)a1;
    args_seen[1] = (ULONG_PTR)a2;
    args_seen[2] = (ULONG_PTR)a3;
    ran_on = NtCurrentTeb()->ClientId.UniqueThread;
}

static LARGE_INTEGER ms(LONGLONG n)
{
    LARGE_INTEGER t;

    t.QuadPart = -n * 10000;
    return t;
}

static HANDLE waiting_started;

static ULONG NTAPI wait_alertably(PVOID unused)
{
    LARGE_INTEGER long_time = ms(60000);

    (void)unused;
    NtSetEvent(waiting_started, NULL);
    return NtDelayExecution(TRUE, &long_time);
}

int main(void)
{
    LARGE_INTEGER brief = ms(10), forever = ms(60000);
    HANDLE thread;
    NTSTATUS status;

    CHECK(1, NT_SUCCESS(NtQueueApcThread(NtCurrentThread(), apc_routine,
                                         (PVOID)1, (PVOID)2, (PVOID)3)));
    CHECK(2, NtDelayExecution(FALSE, &brief) == STATUS_SUCCESS);
    CHECK(3, runs == 0); /* not in a non-alertable wait */
    CHECK(4, NtDelayExecution(TRUE, &forever) == STATUS_USER_APC);
    CHECK(5, runs == 1 && args_seen[0] == 1 && args_seen[1] == 2 &&
                 args_seen[2] == 3);
    CHECK(6, NT_SUCCESS(
                 NtQueueApcThread(NtCurrentThread(), apc_routine, 0, 0, 0)));
    CHECK(7, NtTestAlert() == STATUS_SUCCESS && runs == 2);

    /* To another thread, waiting alertably. */
    CHECK(8, NT_SUCCESS(NtCreateEvent(&waiting_started, EVENT_ALL_ACCESS, NULL,
                                      NotificationEvent, FALSE)));
    CHECK(9, NT_SUCCESS(NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL,
                                         NtCurrentProcess(), wait_alertably,
                                         NULL, 0, 0, 0, 0, NULL)));
    NtWaitForSingleObject(waiting_started, FALSE, NULL);
    CHECK(10,
          NT_SUCCESS(NtQueueApcThread(thread, apc_routine, (PVOID)9, 0, 0)));
    status = NtWaitForSingleObject(thread, FALSE, &forever);
    CHECK(11, status == STATUS_SUCCESS);
    CHECK(12, runs == 3 && args_seen[0] == 9 &&
                  ran_on != NtCurrentTeb()->ClientId.UniqueThread);
    NtClose(thread);
    return 0;
}
