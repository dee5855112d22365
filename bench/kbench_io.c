/*
 * Benchmarks of the I/O manager (issue: the I/O manager, IRPs, IOCTL
 * buffering methods and loadable drivers): an IOCTL round trip from a
 * user program to iotest.sys with each kind of buffering, against a Linux
 * ioctl(FIONREAD) on a pipe; and loading and unloading a driver, against
 * dlopen() + dlclose() of the same file on the host.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../tests/kernel/kt_util.h"
#include "baseline.h"

#define RUNS    5
#define IOCTLS  50000
#define CYCLES  50
#define SERVICE L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\iotest"

static NTSTATUS driver(BOOLEAN load)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, SERVICE);
    return load ? ZwLoadDriver(&name) : ZwUnloadDriver(&name);
}

/* Host nanoseconds to run ioctlcall.exe with command_line (0: failed). */
static ULONGLONG run_ns(const WCHAR *command_line)
{
    ULONGLONG start = hal_clock_ns();

    if (kt_run_program(L"ioctlcall.exe", command_line) != 0)
        return 0;
    return hal_clock_ns() - start;
}

/* The best cost of one IOCTL of a method, in picoseconds: (a run with
 * IOCTLS of them - a run with none) / IOCTLS. */
static ULONGLONG ioctl_ps(const WCHAR *with_n, const WCHAR *with_none)
{
    ULONGLONG best = ~0ull, full, empty;
    int run;

    if (!NT_SUCCESS(driver(TRUE)))
        return 0;
    for (run = 0; run < RUNS; run++) {
        full = run_ns(with_n);
        empty = run_ns(with_none);
        if (full == 0 || empty == 0) {
            best = 0;
            break;
        }
        if (full > empty && (full - empty) * 1000 / IOCTLS < best)
            best = (full - empty) * 1000 / IOCTLS;
    }
    driver(FALSE);
    return best == ~0ull ? 0 : best;
}

KBENCH(ioctl_buffered)
{
    kbench_report("ioctl_buffered",
                  ioctl_ps(L"ioctlcall.exe buffered 50000",
                           L"ioctlcall.exe buffered 0"),
                  baseline_fionread_ps(), "Linux ioctl(FIONREAD) on a pipe",
                  "1.0");
}

KBENCH(ioctl_neither)
{
    kbench_report("ioctl_neither",
                  ioctl_ps(L"ioctlcall.exe neither 50000",
                           L"ioctlcall.exe neither 0"),
                  baseline_fionread_ps(), "Linux ioctl(FIONREAD) on a pipe",
                  "-");
}

KBENCH(ioctl_out_direct)
{
    kbench_report("ioctl_out_direct",
                  ioctl_ps(L"ioctlcall.exe out_direct 50000",
                           L"ioctlcall.exe out_direct 0"),
                  baseline_fionread_ps(), "Linux ioctl(FIONREAD) on a pipe",
                  "-");
}

/* NtLoadDriver (image loaded, DriverEntry run: devices, a system thread,
 * an interrupt) + NtUnloadDriver. */
KBENCH(driver_load_unload)
{
    ULONGLONG best = ~0ull, start;
    int run, i;

    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        for (i = 0; i < CYCLES; i++) {
            if (!NT_SUCCESS(driver(TRUE)) || !NT_SUCCESS(driver(FALSE)))
                return;
        }
        if ((hal_clock_ns() - start) * 1000 / CYCLES < best)
            best = (hal_clock_ns() - start) * 1000 / CYCLES;
    }
    kbench_report("driver_load_unload", best,
                  baseline_dlopen_ps("iotest.sys"),
                  "Linux dlopen() + dlclose() of the same file", "-");
}
