/*
 * User APCs: queued to a thread, they run when it waits alertably (the
 * wait returns STATUS_USER_APC) or calls NtTestAlert, never in a
 * non-alertable wait; and they run on the thread they were queued to.
 * A timer set with an APC routine queues it at each expiry, and
 * NtCancelTimer takes back one still queued.
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

static volatile int timer_runs;
static volatile PVOID timer_context;
static volatile LONGLONG timer_time;

static VOID NTAPI timer_routine(PVOID context, ULONG low, LONG high)
{
    timer_runs++;
    timer_context = context;
    timer_time = ((LONGLONG)high << 32) | low;
}

/* Timer APCs; 0, or the number of the check that failed. */
static int timer_apcs(void)
{
    LARGE_INTEGER due = ms(5), brief = ms(30), forever = ms(60000), now;
    HANDLE timer;
    int i;

    CHECK(20, NT_SUCCESS(NtCreateTimer(&timer, TIMER_ALL_ACCESS, NULL,
                                       NotificationTimer)));
    CHECK(21, NtSetTimer(timer, &due, timer_routine, (PVOID)0x77, FALSE, 0,
                         NULL) == STATUS_SUCCESS);
    CHECK(22, NtDelayExecution(FALSE, &brief) == STATUS_SUCCESS);
    CHECK(23, timer_runs == 0); /* expired, queued, not yet run */
    CHECK(24, NtDelayExecution(TRUE, &forever) == STATUS_USER_APC);
    NtQuerySystemTime(&now);
    CHECK(25, timer_runs == 1 && timer_context == (PVOID)0x77);
    CHECK(26, timer_time <= now.QuadPart &&
                  timer_time > now.QuadPart - 10000000);
    CHECK(27, NtSetTimer(timer, &due, timer_routine, (PVOID)0x78, TRUE, 10,
                         NULL) == STATUS_TIMER_RESUME_IGNORED);
    for (i = 0; i < 3; i++)
        CHECK(28, NtDelayExecution(TRUE, &forever) == STATUS_USER_APC);
    CHECK(29, timer_runs == 4 && timer_context == (PVOID)0x78);
    CHECK(30, NtDelayExecution(FALSE, &brief) == STATUS_SUCCESS);
    CHECK(31, NT_SUCCESS(NtCancelTimer(timer, NULL)));
    CHECK(32, NtTestAlert() == STATUS_SUCCESS && timer_runs == 4);
    CHECK(33, NtSetTimer(timer, &due, timer_routine, NULL, FALSE, 0, NULL) ==
                  STATUS_SUCCESS);
    CHECK(34, NT_SUCCESS(NtClose(timer))); /* the APC goes with it */
    CHECK(35, NtDelayExecution(TRUE, &brief) == STATUS_SUCCESS);
    CHECK(36, timer_runs == 4);
    return 0;
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
    return timer_apcs();
}
