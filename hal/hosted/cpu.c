/*
 * The hosted CPU: thread contexts, the user/kernel stack switch point,
 * interrupt masking, the clock, the console, power and the start of the
 * machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define SAN_START(save, lo, n) __sanitizer_start_switch_fiber((save), (lo), (n))
#define SAN_FINISH(save)       __sanitizer_finish_switch_fiber((save), NULL, NULL)
#define SAN_UNPOISON(p, n)     __asan_unpoison_memory_region((p), (n))
#else
#define SAN_START(save, lo, n) ((void)(save), (void)(lo), (void)(n))
#define SAN_FINISH(save)       ((void)(save))
#define SAN_UNPOISON(p, n)     ((void)(p), (void)(n))
#endif

extern char hal_context_start[];
void hal_switch_stacks(void **save_sp, void *new_sp);

extern char **environ;

static const hosted_options *options;
static bool interrupts_enabled;

/* The first C code of every new context. */
static void context_thunk(void *arg)
{
    hal_context *ctx = arg;

    SAN_FINISH(NULL);
    ctx->entry(ctx->arg);
    hosted_die("a kernel thread returned from its entry routine");
}

void hal_context_init(hal_context *ctx, void *stack_base, void *stack_limit,
                      void (*entry)(void *), void *arg)
{
    /* Below the user frame, which a trap or system call from user mode
     * fills in at the base of the stack. */
    uintptr_t top = (uintptr_t)trap_user_frame(stack_base) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 80);

    SAN_UNPOISON(stack_limit, (char *)stack_base - (char *)stack_limit);
    ctx->stack_base = stack_base;
    ctx->stack_limit = stack_limit;
    ctx->entry = entry;
    ctx->arg = arg;
    ctx->fiber = NULL;
    /* Popped by hal_switch_stacks: MXCSR and the x87 control word (NT's
     * defaults), r15 r14 r13 r12 rbx rbp, then rip. */
    sp[0] = MXCSR_DEFAULT | (uint64_t)FPU_CW_DEFAULT << 32;
    sp[1] = 0;
    sp[2] = 0;
    sp[3] = (uint64_t)(uintptr_t)ctx;
    sp[4] = (uint64_t)(uintptr_t)context_thunk;
    sp[5] = 0;
    sp[6] = 0;
    sp[7] = (uint64_t)(uintptr_t)hal_context_start;
    ctx->sp = sp;
}

void hal_context_switch(hal_context *from, hal_context *to)
{
    SAN_START(&from->fiber, to->stack_limit,
              (char *)to->stack_base - (char *)to->stack_limit);
    hal_switch_stacks(&from->sp, to->sp);
    SAN_FINISH(from->fiber);
}

/* hal_switch_stacks left, from the stack pointer up: the control words,
 * r15, r14, r13, r12, rbx, rbp and the return address. */
BOOLEAN hal_context_frame(const hal_context *ctx, ULONG_PTR *ip,
                          ULONG_PTR *fp)
{
    const ULONG_PTR *saved = ctx->sp;

    if (saved == NULL || saved[7] == (ULONG_PTR)hal_context_start)
        return FALSE;
    *fp = saved[6];
    *ip = saved[7];
    return TRUE;
}

void hal_set_kernel_stack(void *stack_base)
{
    cpu_kernel_stack = stack_base;
    cpu_user_frame = trap_user_frame(stack_base);
}

BOOLEAN hal_interrupts_disable(void)
{
    bool was = interrupts_enabled;

    interrupts_enabled = false;
    return was;
}

void hal_interrupts_restore(BOOLEAN enabled)
{
    interrupts_enabled = enabled != 0;
}

ULONGLONG hal_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ULONGLONG)ts.tv_sec * 1000000000ull + (ULONGLONG)ts.tv_nsec;
}

ULONGLONG hal_time_of_day(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    /* 11644473600 s lie between 1601-01-01 and 1970-01-01. */
    return ((ULONGLONG)ts.tv_sec + 11644473600ull) * 10000000ull +
           (ULONGLONG)ts.tv_nsec / 100;
}

void hal_halt_until(ULONGLONG clock_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(clock_ns / 1000000000ull),
                          .tv_nsec = (long)(clock_ns % 1000000000ull)};

    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

void hal_console_write(const char *text, ULONG len)
{
    while (len > 0) {
        ssize_t n = write(1, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        len -= (ULONG)n;
    }
}

BOOLEAN hal_console_is_terminal(void)
{
    return isatty(1) != 0;
}

void hosted_die(const char *fmt, ...)
{
    va_list ap;

    fputs("ntlab: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    hosted_exit(2);
}

void hosted_start(const hosted_options *opts)
{
    options = opts;
    debug_init();
    spawner_init(opts);
    trace_init(opts);
    ram_init(opts->boot.ram_pages);
    pagefile_init(opts->boot.pagefile_pages);
    mmu_init();
    trap_init();
    user_init(opts);
    watchdog_init(opts);
    modules_init(opts);
    volume_init();
    symbols_init();
    filter_init();
    ki_system_startup(&opts->boot);
}

/* ---- Call gates ---------------------------------------------------------- */

extern char hal_call_gates[];
hal_call_gate_handler hal_gate_handler; /* read by gate.S */

void hal_set_call_gate_handler(hal_call_gate_handler handler)
{
    hal_gate_handler = handler;
}

PVOID hal_call_gate(ULONG gate)
{
    return gate < HAL_CALL_GATES ? hal_call_gates + 16 * (ULONG_PTR)gate : NULL;
}
