/*
 * bench trace_overhead: the tour (every built-in scenario, quiet) with
 * --trace against the same tour without it, on the host side, before the
 * kernel benchmarks boot. The ntlab run is the one next to this
 * executable; each figure is the best of RUNS.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"

#define RUNS 3

static unsigned long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Runs argv with its output thrown away; its time in ns, 0 on failure. */
static unsigned long long time_run(char *const argv[])
{
    unsigned long long start = now_ns();
    int status;
    pid_t pid = fork();

    if (pid < 0)
        return 0;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return 0;
    return now_ns() - start;
}

static unsigned long long best_of(char *const argv[])
{
    unsigned long long best = ~0ull, t;
    int run;

    for (run = 0; run < RUNS; run++) {
        t = time_run(argv);
        if (t == 0)
            return 0;
        best = t < best ? t : best;
    }
    return best;
}

void bench_trace_overhead(void)
{
    char self[PATH_MAX], ntlab[PATH_MAX + 8], trace[64];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    unsigned long long plain, traced, ratio;
    char *slash;

    if (n <= 0)
        return;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    snprintf(ntlab, sizeof ntlab, "%s/ntlab", self);
    snprintf(trace, sizeof trace, "/tmp/ntlab-bench-trace.%d.json",
             (int)getpid());
    {
        char *without[] = {ntlab, "--quiet", NULL};
        char *with[] = {ntlab, "--quiet", "--trace", trace, NULL};

        plain = best_of(without);
        traced = best_of(with);
    }
    unlink(trace);
    if (plain == 0 || traced == 0) {
        printf("bench trace_overhead: the tour did not run (%s)\n", ntlab);
        return;
    }
    ratio = traced * 10000 / plain;
    printf("bench trace_overhead: ntlab %llu.%llu ms, baseline %llu.%llu ms "
           "(the tour without --trace), ratio %llu.%04llu, target 2.0\n",
           traced / 1000000, traced / 100000 % 10, plain / 1000000,
           plain / 100000 % 10, ratio / 10000, ratio % 10000);
    fflush(stdout);
}
