/*
 * Host baselines for the benchmarks, measured in the same run as ntlab's
 * figures. Host code (libc, pthreads); called from the kernel-side bench
 * routines of bench/kbench.c. Results are in picoseconds per operation.
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

/* One handoff between two Linux threads on one CPU through a futex. */
unsigned long long baseline_futex_handoff_ps(void);
/* One Linux minor fault: the first write to a page of fresh anonymous
 * memory. */
unsigned long long baseline_minor_fault_ps(void);

/* One malloc + free of sizes drawn from bench_size() (same sequence). */
unsigned long long baseline_malloc_free_ps(void);
/* One 4 KiB pwrite + pread of a host file. */
unsigned long long baseline_file_page_io_ps(void);

/* bench trace_overhead (bench/tour.c): the tour with and without --trace,
 * printed as one bench line; before the kernel boots. */
void bench_trace_overhead(void);
/* bench explore_200 (bench/tour.c): explore against serial runs. */
void bench_explore_200(void);

/* Measures the baselines (all but dlopen's): before ntlab starts, so that
 * they are Linux's alone, without the system-call filter. */
void baseline_prepare(void);
/* One getppid() system call. */
unsigned long long baseline_getppid_ps(void);
/* getppid() measured now: under the system-call filter once ntlab runs. */
unsigned long long baseline_getppid_now_ps(void);
/* One switch of a pipe ping-pong between two processes on one CPU. */
unsigned long long baseline_pipe_switch_ps(void);
/* fork() + _exit() + waitpid(). */
unsigned long long baseline_fork_exit_ps(void);

/* One ioctl(FIONREAD) on an empty pipe. */
unsigned long long baseline_fionread_ps(void);
/* dlopen() + dlclose() of the module file (next to the programs). */
unsigned long long baseline_dlopen_ps(const char *module);

/* The sizes both pool benchmarks use: 16 to 4096 bytes, from a fixed
 * sequence. */
static inline unsigned bench_size(unsigned long long *state)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return 16 + (unsigned)((*state >> 33) % 4081);
}

#endif
