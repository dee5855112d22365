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

#endif
