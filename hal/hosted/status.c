/*
 * How ntlab ends: its own exit status, the exit status of the program the
 * run command started, and --status-file, which holds both apart.
 *
 * ntlab's exit status is its own (0 success, 1 a test or an expectation
 * failed, 2 bad input, 3 a stop, 4 a hang, 5 --timeout), except after a
 * run whose program ended and nothing went wrong after it: then it is the
 * program's (1 for a status above 255), as it always was. So a program
 * exiting 3 reads as a stop to a shell; the status file says which:
 *
 *     ntlab=0
 *     program=3
 *
 * "program=" is empty when no program ended (a stop during the run, or a
 * command other than run); a status above 255 is written in hexadecimal
 * (program=0xC0000005).
 *
 * --timeout S arms a watchdog of host time (it is not part of the run's
 * result: a run that ends in time is the same run with or without it).
 * When it fires, the kernel takes it as a trap wherever the CPU is, says
 * what each thread was doing and stops with status 5.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"

static int status_fd = -1;
static bool program_ended;
static ULONG program_status;

void hosted_status_file(const char *path)
{
    if (path[0] == '\0')
        hosted_die("--status-file: name a file");
    status_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (status_fd < 0)
        hosted_die("--status-file: cannot write '%s': %s", path,
                   strerror(errno));
}

void hal_program_exited(ULONG exit_status)
{
    program_ended = true;
    program_status = exit_status;
}

/* Writes the status file (once: a second end, from an exit handler, is
 * not the first's). */
static void write_status(int status)
{
    char text[64];
    int n;

    if (status_fd < 0)
        return;
    if (!program_ended)
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=\n", status);
    else if (program_status <= 255)
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=%u\n", status,
                     (unsigned)program_status);
    else
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=0x%08X\n", status,
                     (unsigned)program_status);
    if (write(status_fd, text, (size_t)n) != n)
        fprintf(stderr, "ntlab: --status-file: cannot write it\n");
    close(status_fd);
    status_fd = -1;
}

void hosted_exit(int status)
{
    int code = status;

    write_status(status);
    if (status == 0 && program_ended)
        code = program_status <= 255 ? (int)program_status : 1;
    exit(code);
}

void hal_power_off(int status)
{
    hosted_exit(status);
}

/* ---- The watchdog ---- */

extern char hal_trap_restore_begin[], hal_trap_restore_end[];
static timer_t watchdog;

/* Arms the watchdog to fire after ns nanoseconds of host time. */
static void watchdog_arm(long long ns)
{
    struct itimerspec when = {{0, 0}, {ns / 1000000000, ns % 1000000000}};

    if (timer_settime(watchdog, 0, &when, NULL) != 0)
        hosted_die("--timeout: cannot set the timer (%m)");
}

void watchdog_init(const hosted_options *opts)
{
    struct sigevent ev;

    if (opts->timeout_s == 0)
        return;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGXCPU;
    if (timer_create(CLOCK_MONOTONIC, &ev, &watchdog) != 0)
        hosted_die("--timeout: cannot make a timer (%m)");
    watchdog_arm((long long)opts->timeout_s * 1000000000);
}

bool watchdog_due(uintptr_t ip)
{
    /* A trap frame half restored cannot take another trap: 1 ms later. */
    if (ip >= (uintptr_t)hal_trap_restore_begin &&
        ip < (uintptr_t)hal_trap_restore_end) {
        watchdog_arm(1000000);
        return false;
    }
    return true;
}
