/*
 * timerdpc.exe: whose process does a timer's DPC run in? With
 * timerdpc.sys loaded, whichever one the clock interrupted.
 *
 *   timerdpc.exe        the parent starts a second copy of itself
 *                       ("timerdpc.exe child") and the timer, for 8 ticks;
 *                       then the two take turns: one is busy for two
 *                       ticks while the other waits on its event, then
 *                       they swap. Each checks that the ticks of its turn
 *                       found it current, and never the one that waited.
 *   timerdpc.exe wait   starts the timer for 3 ticks and waits: no tick
 *                       finds this process current (the CPU is idle).
 *
 * Exit status: 0 when the DPC ran where the lesson says, 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/timerdpc/timerdpc.h"
#include "lesson.h"
#include "second_copy.h"

#define TURNS          4
#define TICKS_PER_TURN 2 /* TURNS * TICKS_PER_TURN <= TIMERDPC_MAX_TICKS */

static HANDLE device;

static BOOL start_timer(ULONG ticks)
{
    DWORD got;

    return DeviceIoControl(device, IOCTL_TIMERDPC_START, &ticks, sizeof ticks,
                           NULL, 0, &got, NULL);
}

static BOOL query(TIMERDPC_RUNS *runs)
{
    DWORD got;

    return DeviceIoControl(device, IOCTL_TIMERDPC_QUERY, NULL, 0, runs,
                           sizeof *runs, &got, NULL) &&
           got == sizeof *runs;
}

/* Busy: asks the driver again and again until the DPC has run ticks
 * times. This thread never waits, so it keeps the CPU: it is the thread
 * the clock interrupts, and the one the DPC finds current. */
static BOOL busy_until(ULONG ticks, TIMERDPC_RUNS *runs)
{
    do {
        if (!query(runs))
            return FALSE;
    } while (runs->Runs < ticks);
    return TRUE;
}

/* Plays the turns of role (0: the parent, 1: the child): busy in its own,
 * waiting on mine (its event) in the other's. 0 if every tick of its
 * turns found this process current. */
static int take_turns(int role, HANDLE mine, HANDLE other)
{
    const char *name = role == 0 ? "parent" : "child";
    DWORD me = GetCurrentProcessId();
    TIMERDPC_RUNS runs;
    ULONG turn, first, i;
    int failed = 0;

    for (turn = role; turn < TURNS; turn += 2) {
        first = turn * TICKS_PER_TURN;
        if (turn != 0) {
            printf("timerdpc.exe: %s: waiting for my turn\n", name);
            /* Off the ready queue until the other process sets mine. */
            WaitForSingleObject(mine, INFINITE);
        }
        printf("timerdpc.exe: %s: busy for ticks %u-%u\n", name,
               (unsigned)first + 1, (unsigned)first + TICKS_PER_TURN);
        if (!busy_until(first + TICKS_PER_TURN, &runs))
            return 1;
        for (i = first; i < first + TICKS_PER_TURN; i++)
            if (runs.ProcessId[i] != me) {
                printf("timerdpc.exe: %s: tick %u found PID %u, not me\n", name,
                       (unsigned)i + 1, (unsigned)runs.ProcessId[i]);
                failed = 1;
            }
        if (!failed)
            printf("timerdpc.exe: %s: ticks %u-%u found me current\n", name,
                   (unsigned)first + 1, (unsigned)first + TICKS_PER_TURN);
        SetEvent(other);
    }
    return failed;
}

/* The parent's side: the child, the timer, the turns, the tally. */
static int parent(HANDLE parent_turn, HANDLE child_turn)
{
    TIMERDPC_RUNS runs;
    ULONG mine = 0, its = 0, i, child_id = 0;
    DWORD code = 1;
    HANDLE child;
    int failed;

    /* The child sets parent_turn once it is ready to wait for its turn. */
    child = StartSecondCopy(L"timerdpc.exe", L"timerdpc.exe child", parent_turn,
                            &child_id);
    if (child == NULL) {
        printf("timerdpc.exe: cannot start the child\n");
        return 1;
    }
    if (!start_timer(TURNS * TICKS_PER_TURN)) {
        printf("timerdpc.exe: cannot start the timer: error %u\n",
               (unsigned)GetLastError());
        return 1;
    }
    printf("timerdpc.exe: timer started: %u ticks, every %u ms\n",
           TURNS * TICKS_PER_TURN, TIMERDPC_PERIOD_MS);
    failed = take_turns(0, parent_turn, child_turn);
    WaitForSingleObject(child, INFINITE);
    GetExitCodeProcess(child, &code);
    CloseHandle(child);
    if (!query(&runs))
        return 1;
    for (i = 0; i < runs.Runs; i++) {
        mine += runs.ProcessId[i] == GetCurrentProcessId();
        its += runs.ProcessId[i] == child_id;
    }
    printf("timerdpc.exe: the DPC ran %u times: %u in the parent, %u in the "
           "child\n",
           (unsigned)runs.Runs, (unsigned)mine, (unsigned)its);
    return failed || code != 0 || mine != TURNS * TICKS_PER_TURN / 2 ||
           its != TURNS * TICKS_PER_TURN / 2;
}

/* "wait": the timer runs while this process sleeps. */
static int wait_it_out(void)
{
    DWORD me = GetCurrentProcessId();
    TIMERDPC_RUNS runs;
    ULONG i, found_me = 0;

    if (!start_timer(3))
        return 1;
    printf("timerdpc.exe: timer started: 3 ticks; sleeping\n");
    do {
        /* A wait: this thread is off the ready queue until it ends. */
        Sleep(100);
        if (!query(&runs))
            return 1;
    } while (runs.Runs < 3);
    for (i = 0; i < runs.Runs; i++)
        found_me += runs.ProcessId[i] == me;
    printf("timerdpc.exe: %u of 3 ticks found me current\n",
           (unsigned)found_me);
    return found_me != 0;
}

int main(int argc, char **argv)
{
    BOOL child = argc > 1 && strcmp(argv[1], "child") == 0;
    HANDLE parent_turn, child_turn;
    int failed;

    device = OpenLessonDevice("timerdpc.exe", "TimerDpc");
    if (device == INVALID_HANDLE_VALUE)
        return 1;
    if (argc > 1 && strcmp(argv[1], "wait") == 0)
        return wait_it_out();
    /* Auto-reset events: each SetEvent lets one wait through. */
    parent_turn = CreateEventA(NULL, FALSE, FALSE, "TimerDpcParentTurn");
    child_turn = CreateEventA(NULL, FALSE, FALSE, "TimerDpcChildTurn");
    if (parent_turn == NULL || child_turn == NULL)
        return 1;
    if (!child)
        return parent(parent_turn, child_turn);
    SetEvent(parent_turn); /* ready */
    failed = take_turns(1, child_turn, parent_turn);
    return failed;
}
