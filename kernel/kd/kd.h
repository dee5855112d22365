/*
 * The kernel debugger's interface (Kd): stack walks, code addresses named
 * as WinDbg names them (module!function+offset, with the source line), and
 * what the stop screen prints from them. It reads every subsystem and
 * changes none, so it sits above them all; the stop screen (ke) calls it.
 *
 * Frames are walked by their frame pointers, as on x86: the kernel and
 * drivers keep them (the build's -fno-omit-frame-pointer). A frame pointer
 * fp holds the caller's frame pointer at fp[0] and the return address at
 * fp[1]. A walk stays on the thread's kernel stack and stops where the
 * chain leaves it.
 */
#ifndef KERNEL_KD_KD_H
#define KERNEL_KD_KD_H

#include "../ke/ke.h"

#define KD_MAX_FRAMES 32

/* One frame of a walk: the code address (a host pointer, as the CPU runs
 * it) and its frame pointer (0 when unknown). exact is TRUE for the
 * instruction that trapped, FALSE for a return address. */
typedef struct kd_frame {
    ULONG_PTR ip;
    ULONG_PTR fp;
    BOOLEAN exact;
} kd_frame;

/*
 * Walks the kernel stack of the current thread: from the innermost
 * kernel-mode trap it is handling, if any, or else from frame pointer fp
 * (a frame of the caller's). Fills frames[0..max-1]; returns how many.
 * Any IRQL.
 */
ULONG kd_walk_current(ULONG_PTR fp, kd_frame *frames, ULONG max);

/* Formats code address ip ("sample.sys!SampleIoctl+0x1D (sample.c:42)",
 * "nt!IofCallDriver+0x2B (irp.c:120)", "sample.sys+0x160D" without symbols)
 * into buf. A return address is named by the call before it. Any IRQL. */
void kd_format_code(const kd_frame *frame, char *buf, ULONG size);

/*
 * The stop screen's lines about code: the driver the stop points at (the
 * instruction its parameters give, else the innermost driver frame on the
 * stack) and the backtrace. instruction is the stop's instruction
 * parameter (0 for none); fp is the frame of the bug check.
 */
void kd_print_stop_stack(ULONG_PTR instruction, ULONG_PTR fp);

/* One object a thread waits for, on its own line: address, dispatcher
 * type, name, a mutant's owner ("    8A001230  Mutant 'M1' - owning
 * thread ..."). */
void kd_print_wait_object(PVOID object);

/* ---- The kd> prompt (--kd: prompt.c and the cmd_*.c files) ---------------
 *
 * With --kd a bug check, once its screen is printed, and a breakpoint in
 * kernel mode (DbgBreakPoint, DbgBreakPointWithStatus, KdBreakPoint, an
 * int3) stop at a "kd> " prompt that reads commands from the console input
 * (ntlab's standard input) a line at a time. The machine is held still
 * while it runs: interrupts off and IRQL at HIGH_LEVEL, the IRQL of the
 * break remembered for !irql. Commands only read (guest memory through
 * mm_debug_read), so that none of them can fault or change the run. Without
 * --kd nothing here runs and nothing waits for input.
 */

/* Where the prompt was entered: a bug check (stop) or a breakpoint (trap,
 * its ip just after the int3), and the IRQL at that moment. */
typedef struct kd_break {
    const ke_stop *stop;
    const hal_trap *trap;
    KIRQL irql;
} kd_break;

/*
 * A kernel-mode breakpoint trap (ke's trap dispatch asks first, as NT's
 * KiDispatchException asks KdTrap). Without --kd returns FALSE and the
 * breakpoint is an exception as usual. With --kd prints WinDbg's "Break
 * instruction exception" line, runs the prompt and returns TRUE: execution
 * goes on after the breakpoint (g, q, the end of the input), or the run
 * ends (.reboot).
 */
BOOLEAN kd_breakpoint(const hal_trap *trap);
/* A bug check whose screen is printed: with --kd, the prompt, until g, q,
 * .reboot or the end of the input; then the caller ends the run as usual.
 * Interrupts off. */
void kd_at_stop(const ke_stop *stop);

/* A command's routine: args is the rest of its line, with no leading
 * blanks. It prints its answer; bad arguments get one line. */
typedef void kd_command_fn(const kd_break *at, const char *args);

/* The commands (cmd_*.c). */
kd_command_fn kd_cmd_process, kd_cmd_thread, kd_cmd_k, kd_cmd_lm,
    kd_cmd_irql, kd_cmd_handle, kd_cmd_object, kd_cmd_pte, kd_cmd_pool,
    kd_cmd_dd, kd_cmd_db, kd_cmd_analyze;

/* Argument words (prompt.c): copies the next blank-separated word of
 * *p into word (NUL-terminated, cut to size) and moves *p past it;
 * returns FALSE at the end of the line. */
BOOLEAN kd_word(const char **p, char *word, ULONG size);
/* A number as WinDbg reads one: hexadecimal, with an optional 0x, or
 * decimal after 0n; a 64-bit value is cut to its low 32 bits only when
 * they sign-extend (ffffffff`80001000). FALSE when word is not one. */
BOOLEAN kd_number(const char *word, ULONG *value);
/* Prints WinDbg's answer to arguments it cannot read, with the caret
 * under nothing in particular: "Syntax error in 'ARGS'". */
void kd_syntax_error(const char *command, const char *args);

/* Guest memory as kd sees it: up to len bytes at va, from nt's image or
 * through the page tables (mm_debug_read); returns how many were read. */
ULONG kd_read(ULONG va, void *buf, ULONG len);

/* The current thread at the break (NULL during boot). */
KTHREAD *kd_current_thread(void);

/* The live process at guest address va (or with process ID va), or NULL; and its three lines of
 * !process (PROCESS, DirBase and ObjectTable, Image). */
struct _EPROCESS *kd_find_process(ULONG va);
void kd_print_process(const struct _EPROCESS *process);

/* Takes kd's boot options (--pool-report, --kd). Boot. */
void kd_init(const hal_boot_info *info);
/* The pools' usage by tag, as poolmon shows it, sorted by tag. */
void kd_print_pool_report(void);
/* What kd prints as the run ends (normally, at a stop or a hang): the pool
 * report when --pool-report asked for it. */
void kd_at_end(void);

/*
 * The hang report's body: each waiting thread of threads (ke's list of all
 * threads, by AllThreadsEntry) with the objects it waits for (type, name,
 * owner of a mutant), then every cycle of threads that wait for mutants
 * owned by the next ("deadlock: ..."). Interrupts off; reads only.
 */
void kd_print_hang(PLIST_ENTRY threads);

/*
 * The timeout report's body: every thread of threads, its process, its
 * state (with the objects it waits for) and its backtrace: the current
 * thread's from the trap it is handling, the others' from where they were
 * switched out. trap is the one the current thread is handling (the
 * watchdog's). Interrupts off; reads only.
 */
void kd_print_threads(PLIST_ENTRY threads, const hal_trap *trap);

/* Walks the kernel stack of thread, not the current one, from where it
 * was switched out; as kd_walk_current. */
ULONG kd_walk_suspended(const KTHREAD *thread, kd_frame *frames, ULONG max);

/*
 * The kernel's image ("nt") at system-space addresses. On a platform where
 * the kernel runs from outside the guest window (hosted: it is the host
 * program), kd and the stop screen name its code and static data by their
 * offset in the image from MM_KERNEL_IMAGE_START, as a loaded nt would
 * sit; nothing is mapped there in the page tables. Where the kernel is in
 * system space these are the identity.
 */
/* p as a system-space address: a host address in the kernel's image
 * becomes its nt address; any other value is returned as it is. */
ULONG_PTR kd_system_address(ULONG_PTR p);
/* The guest address of kernel pointer p: its nt address when it is in the
 * kernel's image, else its address in the window. */
ULONG kd_va(const void *p);
/* The host address behind nt address va, or 0 when va is not in nt's
 * image (or the kernel runs in system space itself). */
ULONG_PTR kd_nt_host(ULONG va);
/* nt's system-space base and size (0 size when not relocated). */
void kd_nt_image(ULONG *base, ULONG *size);

#endif
