/*
 * Host baselines: what Linux takes for the operations ntlab imitates.
 * Each is measured several times and the fastest run is kept, as for the
 * ntlab figures, so that noise from the other core counts the same on both
 * sides.
 */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"

#define RUNS        5
#define HANDOFFS    20000
#define FAULT_PAGES 4096

static unsigned long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull +
           (unsigned long long)ts.tv_nsec;
}

static _Atomic int turn;

static void futex_wait(int expected)
{
    while (atomic_load(&turn) == expected)
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_pass(int to)
{
    atomic_store(&turn, to);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void pin_to(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static int shared_cpu;

static void *partner(void *unused)
{
    int i;

    (void)unused;
    pin_to(shared_cpu);
    for (i = 0; i < HANDOFFS; i++) {
        futex_wait(0);
        futex_pass(0);
    }
    return NULL;
}

/* Round trips between this thread and a partner on the same CPU. */
static unsigned long long handoff_run(void)
{
    pthread_t t;
    unsigned long long start;
    int i;

    atomic_store(&turn, 0);
    if (pthread_create(&t, NULL, partner, NULL) != 0)
        return 0;
    start = now_ns();
    for (i = 0; i < HANDOFFS; i++) {
        futex_pass(1);
        futex_wait(1);
    }
    pthread_join(t, NULL);
    return (now_ns() - start) * 1000 / (2ull * HANDOFFS);
}

static unsigned long long measure_futex_handoff(void)
{
    cpu_set_t old;
    unsigned long long best = ~0ull, r;
    int i;

    sched_getaffinity(0, sizeof old, &old);
    shared_cpu = sched_getcpu();
    pin_to(shared_cpu);
    for (i = 0; i < RUNS; i++) {
        r = handoff_run();
        if (r != 0 && r < best)
            best = r;
    }
    sched_setaffinity(0, sizeof old, &old);
    return best;
}

static unsigned long long measure_minor_fault(void)
{
    unsigned long long best = ~0ull, start, r;
    size_t bytes = (size_t)FAULT_PAGES * 4096, i;
    int run;

    for (run = 0; run < RUNS; run++) {
        volatile char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED)
            return 0;
        start = now_ns();
        for (i = 0; i < bytes; i += 4096)
            p[i] = 1;
        r = (now_ns() - start) * 1000 / FAULT_PAGES;
        munmap((void *)p, bytes);
        if (r < best)
            best = r;
    }
    return best;
}

#define POOL_ROUNDS 200000

static unsigned long long measure_malloc_free(void)
{
    unsigned long long best = ~0ull, start, r, state;
    int run, i;

    for (run = 0; run < RUNS; run++) {
        state = 1;
        start = now_ns();
        for (i = 0; i < POOL_ROUNDS; i++) {
            void *volatile p = malloc(bench_size(&state));

            free(p);
        }
        r = (now_ns() - start) * 1000 / POOL_ROUNDS;
        if (r < best)
            best = r;
    }
    return best;
}

#define IO_PAGES 1000

static unsigned long long measure_file_page_io(void)
{
    char path[] = "/tmp/ntlab-bench-XXXXXX";
    static char page[4096];
    unsigned long long best = ~0ull, start, r;
    int fd = mkstemp(path), run, i;

    if (fd < 0)
        return 0;
    unlink(path);
    for (run = 0; run < RUNS; run++) {
        start = now_ns();
        for (i = 0; i < IO_PAGES; i++) {
            if (pwrite(fd, page, sizeof page, (off_t)i * 4096) < 0 ||
                pread(fd, page, sizeof page, (off_t)i * 4096) < 0)
                break;
        }
        r = (now_ns() - start) * 1000 / IO_PAGES;
        if (r < best)
            best = r;
    }
    close(fd);
    return best;
}

#define CALLS 100000

static unsigned long long measure_getppid(void)
{
    unsigned long long best = ~0ull, start, r;
    int run, i;

    for (run = 0; run < RUNS; run++) {
        start = now_ns();
        for (i = 0; i < CALLS; i++)
            syscall(SYS_getppid);
        r = (now_ns() - start) * 1000 / CALLS;
        if (r < best)
            best = r;
    }
    return best;
}

#define ROUND_TRIPS 10000

/* One run of a pipe ping-pong with a child on the same CPU; per switch. */
static unsigned long long pipe_run(void)
{
    int there[2], back[2], i;
    unsigned long long start, r = 0;
    char c = 0;
    pid_t pid;

    if (pipe(there) != 0 || pipe(back) != 0)
        return 0;
    pid = fork();
    if (pid == 0) {
        for (i = 0; i < ROUND_TRIPS; i++) {
            if (read(there[0], &c, 1) != 1 || write(back[1], &c, 1) != 1)
                break;
        }
        _exit(0);
    }
    start = now_ns();
    for (i = 0; i < ROUND_TRIPS && pid > 0; i++) {
        if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
            break;
    }
    if (pid > 0 && i == ROUND_TRIPS)
        r = (now_ns() - start) * 1000 / (2ull * ROUND_TRIPS);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    close(there[0]);
    close(there[1]);
    close(back[0]);
    close(back[1]);
    return r;
}

static unsigned long long pipe_switch_ps, fork_exit_ps;

static unsigned long long measure_pipe_switch(void)
{
    cpu_set_t old;
    unsigned long long best = ~0ull, r;
    int run;

    sched_getaffinity(0, sizeof old, &old);
    pin_to(sched_getcpu());
    for (run = 0; run < RUNS; run++) {
        r = pipe_run();
        if (r != 0 && r < best)
            best = r;
    }
    sched_setaffinity(0, sizeof old, &old);
    return best;
}

#define FORKS 200

static unsigned long long measure_fork_exit(void)
{
    unsigned long long best = ~0ull, start, r;
    int run, i;
    pid_t pid;

    for (run = 0; run < RUNS; run++) {
        start = now_ns();
        for (i = 0; i < FORKS; i++) {
            pid = fork();
            if (pid == 0)
                _exit(0);
            if (pid > 0)
                waitpid(pid, NULL, 0);
        }
        r = (now_ns() - start) * 1000 / FORKS;
        if (r < best)
            best = r;
    }
    return best;
}

unsigned long long baseline_pipe_switch_ps(void)
{
    return pipe_switch_ps;
}

unsigned long long baseline_fork_exit_ps(void)
{
    return fork_exit_ps;
}

#define IOCTLS 100000

static unsigned long long measure_fionread(void)
{
    unsigned long long best = ~0ull, start, r;
    int fds[2], run, i, n;

    if (pipe(fds) != 0)
        return 0;
    for (run = 0; run < RUNS; run++) {
        start = now_ns();
        for (i = 0; i < IOCTLS; i++)
            ioctl(fds[0], FIONREAD, &n);
        r = (now_ns() - start) * 1000 / IOCTLS;
        if (r < best)
            best = r;
    }
    close(fds[0]);
    close(fds[1]);
    return best;
}

#define OPENS 50

unsigned long long baseline_dlopen_ps(const char *module)
{
    char self[PATH_MAX], path[PATH_MAX + 64];
    unsigned long long best = ~0ull, start, r;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    int run, i;

    if (n <= 0)
        return 0;
    self[n] = '\0';
    snprintf(path, sizeof path, "%s/user/%s", dirname(self), module);
    for (run = 0; run < RUNS; run++) {
        start = now_ns();
        for (i = 0; i < OPENS; i++) {
            void *handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);

            if (handle == NULL)
                return 0;
            dlclose(handle);
        }
        r = (now_ns() - start) * 1000 / OPENS;
        if (r < best)
            best = r;
    }
    return best;
}

/*
 * Every baseline but dlopen's is measured here, before ntlab starts: the
 * ones that fork must (a child made later would share the guest RAM the
 * kernel's stacks live in, mapped shared), and the ones that make system
 * calls must come before the system-call filter, which would add its own
 * cost to Linux's.
 */
static unsigned long long futex_handoff_ps, minor_fault_ps, malloc_free_ps,
    file_page_io_ps, getppid_ps, fionread_ps;

void baseline_prepare(void)
{
    pipe_switch_ps = measure_pipe_switch();
    fork_exit_ps = measure_fork_exit();
    futex_handoff_ps = measure_futex_handoff();
    minor_fault_ps = measure_minor_fault();
    malloc_free_ps = measure_malloc_free();
    file_page_io_ps = measure_file_page_io();
    getppid_ps = measure_getppid();
    fionread_ps = measure_fionread();
}

unsigned long long baseline_futex_handoff_ps(void) { return futex_handoff_ps; }
unsigned long long baseline_minor_fault_ps(void) { return minor_fault_ps; }
unsigned long long baseline_malloc_free_ps(void) { return malloc_free_ps; }
unsigned long long baseline_file_page_io_ps(void) { return file_page_io_ps; }
unsigned long long baseline_getppid_ps(void) { return getppid_ps; }
unsigned long long baseline_fionread_ps(void) { return fionread_ps; }

unsigned long long baseline_getppid_now_ps(void)
{
    return measure_getppid();
}
