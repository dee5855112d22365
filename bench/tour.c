/*
 * The host-side benchmarks, run before the kernel benchmarks boot, with
 * the ntlab next to this executable:
 *
 * bench trace_overhead: the tour (every built-in scenario, quiet) with
 * --trace against the same tour without it; each figure the best of RUNS.
 *
 * bench explore_200: ntlab explore over 200 seeds of the scenario timerdpc
 * (its default --jobs: one per online CPU), in seconds per seed, against
 * the same 200 boots run one after the other, each a plain
 * "ntlab --seed N run timerdpc": below 1, explore's parallel children
 * gain more than its supervision costs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
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

/* The ntlab next to this executable, in ntlab (PATH_MAX + 8 bytes);
 * FALSE when it cannot be named. */
static bool ntlab_path(char *ntlab)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char *slash;

    if (n <= 0)
        return false;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    snprintf(ntlab, PATH_MAX + 8, "%s/ntlab", self);
    return true;
}

void bench_trace_overhead(void)
{
    char ntlab[PATH_MAX + 8], trace[64];
    unsigned long long plain, traced, ratio;

    if (!ntlab_path(ntlab))
        return;
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

#define EXPLORE_SEEDS 200

void bench_explore_200(void)
{
    char ntlab[PATH_MAX + 8], seed[24];
    char *explore[] = {NULL, "explore", "--seeds", "1-200", "run", "timerdpc",
                       NULL};
    char *one[] = {NULL, "--seed", seed, "run", "timerdpc", NULL};
    unsigned long long serial = 0, parallel, t, ratio;
    int i;

    if (!ntlab_path(ntlab))
        return;
    explore[0] = one[0] = ntlab;
    for (i = 1; i <= EXPLORE_SEEDS; i++) {
        snprintf(seed, sizeof seed, "%d", i);
        if ((t = time_run(one)) == 0) {
            printf("bench explore_200: seed %d of timerdpc failed\n", i);
            return;
        }
        serial += t;
    }
    parallel = time_run(explore);
    if (parallel == 0) {
        printf("bench explore_200: explore did not pass (%s)\n", ntlab);
        return;
    }
    ratio = parallel * 10000 / serial;
    parallel /= EXPLORE_SEEDS;
    serial /= EXPLORE_SEEDS;
    printf("bench explore_200: ntlab %llu.%04llu s/seed, baseline %llu.%04llu "
           "s/seed (one plain run per seed, serially), ratio %llu.%04llu, "
           "target 1.0\n",
           parallel / 1000000000, parallel / 100000 % 10000,
           serial / 1000000000, serial / 100000 % 10000, ratio / 10000,
           ratio % 10000);
    fflush(stdout);
}
