/*
 * Benchmarks of user mode (issue: objects, processes and user mode): a null
 * system call, a switch between threads of two processes, and a process's
 * whole life. Each runs a user program (user/programs) and takes the time
 * of a run with n operations less that of a run with none.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../tests/kernel/kt_util.h"
#include "baseline.h"

#define RUNS  5
#define CALLS 100000
#define TRIPS 20000
#define LIVES 50

static ULONGLONG min_of(ULONGLONG a, ULONGLONG b)
{
    return a < b ? a : b;
}

/* Host nanoseconds to run program with command_line (0 if it failed). */
static ULONGLONG run_ns(const WCHAR *program, const WCHAR *command_line)
{
    ULONGLONG start = hal_clock_ns();

    if (kt_run_program(program, command_line) != 0)
        return 0;
    return hal_clock_ns() - start;
}

/* The best per-operation cost, in picoseconds, of program's operations:
 * (a run with n of them - a run with none) / n. */
static ULONGLONG per_operation_ps(const WCHAR *program, const WCHAR *with_n,
                                  const WCHAR *with_none, ULONG n,
                                  ULONG divisor)
{
    ULONGLONG best = ~0ull, full, empty;
    int run;

    for (run = 0; run < RUNS; run++) {
        full = run_ns(program, with_n);
        empty = run_ns(program, with_none);
        if (full == 0 || empty == 0)
            return 0;
        if (full > empty)
            best =
                min_of(best, (full - empty) * 1000 / ((ULONGLONG)n * divisor));
    }
    return best;
}

KBENCH(null_syscall)
{
    kbench_report("null_syscall",
                  per_operation_ps(L"nullcall.exe", L"nullcall.exe 100000",
                                   L"nullcall.exe 0", CALLS, 1),
                  baseline_getppid_ps(), "Linux getppid()", "0.5");
}

KBENCH(null_syscall_strict)
{
    ULONGLONG ps;

    hal_user_strict(TRUE);
    ps = per_operation_ps(L"nullcall.exe", L"nullcall.exe 100000",
                          L"nullcall.exe 0", CALLS, 1);
    hal_user_strict(FALSE);
    kbench_report("null_syscall_strict", ps, baseline_getppid_ps(),
                  "Linux getppid()", "-");
}

/* What the system-call filter adds to a host system call: getppid() under
 * it against getppid() before ntlab started. */
KBENCH(syscall_filter)
{
    kbench_report("syscall_filter", baseline_getppid_now_ps(),
                  baseline_getppid_ps(),
                  "Linux getppid() without the filter", "-");
}

/* One switch: a thread of one process sets an event and a thread of the
 * other wakes (two per round trip). */
KBENCH(process_switch)
{
    kbench_report("process_switch",
                  per_operation_ps(L"pingpong.exe", L"pingpong.exe 20000",
                                   L"pingpong.exe 0", TRIPS, 2),
                  baseline_pipe_switch_ps(),
                  "pipe ping-pong between two Linux processes on one CPU", "-");
}

KBENCH(process_create_exit)
{
    ULONGLONG best = ~0ull, start;
    int run, i;

    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < LIVES; i++) {
            if (kt_run_program(L"exit0.exe", L"exit0.exe") != 0)
                return;
        }
        best = min_of(best, (hal_clock_ns() - start) * 1000 / LIVES);
    }
    kbench_report("process_create_exit", best, baseline_fork_exit_ps(),
                  "Linux fork() + _exit() + waitpid()", "-");
}
