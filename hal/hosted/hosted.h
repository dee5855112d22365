/*
 * The hosted platform's private interfaces: a Linux process, one host thread,
 * one virtual CPU. Only files in hal/hosted include this.
 */
#ifndef HAL_HOSTED_H
#define HAL_HOSTED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hal.h"

/*
 * The lowest guest address the window maps: on the identity build the host
 * keeps the first 64 KiB (vm.mmap_min_addr), so guest page 0-15 stay
 * unmapped, which is NT's null-pointer guard anyway.
 */
#define WINDOW_LOW ((NTLAB_VA_BASE) == 0 ? 0x10000u : 0u)
extern const ULONG window_low; /* WINDOW_LOW, as a variable */
#define WINDOW_PAGES (1u << 20)

/* NT's initial floating-point control: every exception masked, and x87
 * precision at 53 bits. */
#define MXCSR_DEFAULT  0x1F80u
#define FPU_CW_DEFAULT 0x027Fu

/* Options the front end (tools/ntlab, bench) passes to hosted_start. */
typedef struct hosted_options {
    hal_boot_info boot;
    const char *self;           /* path to this executable, for child boots */
    const char *child_args[80]; /* options a child boot repeats */
    const char *programs[32];   /* --program files: extra boot modules */
    int program_count;
    const char *trace_path; /* --trace FILE, or NULL */
    bool trace_fragment;    /* write the events only (a scenario's boot) */
    unsigned timeout_s;     /* --timeout: seconds of host time, 0: none */
} hosted_options;

/* Reserves the window, creates RAM, installs traps, then boots the kernel. */
DECLSPEC_NORETURN void hosted_start(const hosted_options *opts);

/* status.c: --status-file FILE, opened at once (one line and exit 2 when
 * it cannot be written). */
void hosted_status_file(const char *path);
/* Ends ntlab with its own status (the program's after a run whose program
 * ended, when status is 0), writing the status file first. */
DECLSPEC_NORETURN void hosted_exit(int status);

/* The --timeout watchdog: a timer of host time whose signal (SIGXCPU)
 * becomes a HAL_TRAP_WATCHDOG for the kernel. */
void watchdog_init(const hosted_options *opts);
/* The watchdog's signal arrived: should the trap be taken now? (Not
 * while a trap frame is being restored: it is tried again shortly.) */
bool watchdog_due(uintptr_t ip);

/* One-line fatal error on the host side: prints "ntlab: ..." and exits 2. */
DECLSPEC_NORETURN void hosted_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

struct trap_frame;

/* user.c: the way back to user mode (in strict mode it does not return
 * but resumes a copy of the frame held in host memory), and the user-mode
 * ticks. */
void user_init(const hosted_options *opts);
void user_resume(struct trap_frame *frame);
/* A signal of the user-mode tick timer arrived in mode user: should user
 * code be interrupted (it has not entered the kernel for a whole tick)? */
bool user_tick_due(void);
void user_entered_kernel(void);

/* module.c: the boot modules (built-in programs and --program files). */
void modules_init(const hosted_options *opts);
/* The open file of the module named name, or -1. */
int modules_fd(const char *name);
/* The open file of the module at index, or -1. */
int modules_fd_at(ULONG index);
/* Adds a module named name reading a copy of fd (a regular file); a module
 * added so before under that name is replaced. Its index, or -1. */
LONG modules_add_fd(int fd, const char *name);

/* volume.c: opens the directory the volume shows (the current one). */
void volume_init(void);

/* trace.c: opens the --trace file (an unwritable one ends ntlab with
 * exit status 2). */
void trace_init(const hosted_options *opts);

/* symbols.c: opens what hal_symbolize reads, before the guest runs. */
void symbols_init(void);

/* spawn.c: child boots. They are started by a spawner process forked
 * before the system-call filter is installed (a program started under the
 * filter would inherit it, and its own code would be refused). */
void spawner_init(const hosted_options *opts);

/* filter.c: after start-up, host system calls are allowed only from the
 * executable code of ntlab and its libraries; one from anywhere else (guest
 * code, or code guest code wrote) traps as an invalid opcode. */
void filter_init(void);
/* Was signal sig with si a system call the filter refused? */
bool filter_refused(int sig, const siginfo_t *si);

/* debug.c: is a host debugger attached (read once, by debug_init, before
 * the guest runs)? Then the MMU maps read-only system pages as private
 * copies, which the debugger may write its breakpoints into (mmu.c). */
extern bool debug_attached;
void debug_init(void);

/* ram.c */
void ram_init(ULONG pages);
void pagefile_init(ULONG pages);
int ram_fd(void);
/* The host address of frame pfn in the platform's own view of RAM, or NULL
 * past its end. */
uint8_t *ram_frame(ULONG pfn);
uint32_t ram_read32(uint64_t pa);
void ram_write32(uint64_t pa, uint32_t value);

/* mmu.c */
typedef enum fill_result {
    FILL_OK,
    FILL_NOT_PRESENT,
    FILL_PROTECTION
} fill_result;
void mmu_init(void);
fill_result mmu_fill(ULONG va, bool write, bool user);
bool mmu_writable(ULONG va);
extern unsigned long mmu_evictions;
extern bool mmu_user_strict;
/* Drops every translation of system space (--strict, on the way to user
 * mode). */
void mmu_drop_system(void);

/*
 * A trap frame: the interrupted registers, saved where a trap or system
 * call is taken (switch.S knows the offsets). A frame from user mode sits
 * at the base of the thread's kernel stack (cpu_user_frame).
 */
struct trap_frame {
    uint64_t regs[18]; /* Linux gregs order: r8-r15 rdi rsi rbp rbx rdx rax
                          rcx rsp rip eflags */
    uint64_t user_mode;
    uint64_t emergency;
    uint64_t fpu_valid;        /* fpu[] holds state to restore */
    uint64_t context_replaced; /* the kernel set new user registers */
    hal_trap trap;
    uint8_t pad[256 - 176 - sizeof(hal_trap)];
    uint8_t fpu[] __attribute__((aligned(64)));
};

/* trap.c */
void trap_init(void);
extern bool cpu_user_mode;
extern void *cpu_kernel_stack;
extern struct trap_frame *cpu_user_frame;
extern size_t trap_fpu_size; /* bytes of XSAVE (or FXSAVE) state */
extern int hal_use_xsave;    /* XSAVE, not FXSAVE (switch.S reads it) */
/* Where the user frame of a kernel stack with base stack_base lies. */
struct trap_frame *trap_user_frame(void *stack_base);

#endif
