/*
 * The platform contract: everything the kernel asks of the machine it runs
 * on, and the few entry points the machine calls in the kernel. It is kept
 * small on purpose (like NetBSD's rumpuser or a pmap): physical pages, the
 * MMU's translation cache, CPU contexts, interrupts, the clock, the console,
 * boot modules and traps. The platform knows nothing of processes, pools or
 * drivers.
 *
 * Two platforms implement it: hal/hosted (a Linux process) and, later,
 * hal/pc (i386 under QEMU). Nothing in kernel/ includes anything below hal/.
 *
 * Guest virtual addresses are 32 bits (ULONG). A guest address va is reached
 * by kernel code through the pointer HAL_VA_PTR(va); on the default hosted
 * build and on pc the two are equal.
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include <nt/context.h>
#include <nt/ntdef.h>

/*
 * Where guest virtual address 0 sits in the executing address space. Zero on
 * the identity build and on pc; a high host address on the sanitizer build.
 */
#ifndef NTLAB_VA_BASE
#define NTLAB_VA_BASE 0
#endif
#define HAL_VA_PTR(va) ((void *)((ULONG_PTR)NTLAB_VA_BASE + (ULONG)(va)))
#define HAL_PTR_VA(p)  ((ULONG)((ULONG_PTR)(p) - (ULONG_PTR)NTLAB_VA_BASE))
/* True when pointer p lies in the 4 GiB guest window. */
#define HAL_PTR_IN_WINDOW(p) \
    ((ULONG_PTR)(p) - (ULONG_PTR)NTLAB_VA_BASE <= 0xFFFFFFFFu)

#define PAGE_SIZE  0x1000u
#define PAGE_SHIFT 12

/* ---- Physical memory ---------------------------------------------------
 * Frames are numbered 0 .. hal_ram_pages() - 1. The kernel owns the
 * allocation of frames; the platform only gives access to them. These
 * routines work at any IRQL and need no mapping.
 */
ULONG hal_ram_pages(void);
void hal_phys_zero(ULONG pfn);
void hal_phys_copy(ULONG dst_pfn, ULONG src_pfn);
void hal_phys_read(ULONGLONG pa, void *buf, ULONG len);
void hal_phys_write(ULONGLONG pa, const void *buf, ULONG len);

/*
 * The paging file: slots of one page each, numbered 1 .. slots (slot 0 is
 * never used, so that a zero slot number can mean "none"). Reads and writes
 * copy a whole frame and complete before they return; they may be called at
 * any IRQL. They return FALSE on an I/O error.
 */
ULONG hal_pagefile_slots(void);
BOOLEAN hal_pagefile_read(ULONG slot, ULONG pfn);
BOOLEAN hal_pagefile_write(ULONG slot, ULONG pfn);

/* ---- MMU ----------------------------------------------------------------
 * Translation is done by the platform from x86 non-PAE page tables in guest
 * RAM: a page directory of 1024 PDEs, each pointing at a page table of 1024
 * PTEs (or, with LARGE, mapping 4 MiB). The hardware bits of both:
 *
 *   31            12 11  9 8 7 6 5 4 3 2 1 0
 *  +----------------+-----+-+-+-+-+-+-+-+-+-+
 *  | frame number   | sw  |G|L|D|A|C|T|U|W|V|
 *  +----------------+-----+-+-+-+-+-+-+-+-+-+
 *
 * V valid, W writable, U user (Owner), T write-through, C cache disable,
 * A accessed, D dirty, L large page (PDE only), G global. When V is clear
 * the other 31 bits are the kernel's (NT's software PTE formats). There is no
 * execute-disable bit: a readable page is executable. Supervisor writes honour
 * W (CR0.WP is set). Like a TLB, the platform keeps a
 * translation it has used until told otherwise: a PTE the kernel rewrites
 * keeps its old meaning until hal_mmu_invalidate() of that page.
 *
 * hal_mmu_activate: load the page directory in frame pd_pfn (CR3). Drops
 *   every translation not marked Global.
 * hal_mmu_invalidate: drop the translation of the page holding va (invlpg).
 * hal_mmu_flush: drop every non-Global translation, or every translation
 *   when all is TRUE.
 */
#define X86_PTE_VALID         0x001u
#define X86_PTE_WRITE         0x002u
#define X86_PTE_OWNER         0x004u
#define X86_PTE_WRITE_THROUGH 0x008u
#define X86_PTE_CACHE_DISABLE 0x010u
#define X86_PTE_ACCESSED      0x020u
#define X86_PTE_DIRTY         0x040u
#define X86_PTE_LARGE         0x080u
#define X86_PTE_GLOBAL        0x100u
#define X86_PTE_FRAME         0xFFFFF000u
#define X86_PDE_LARGE_FRAME   0xFFC00000u

void hal_mmu_activate(ULONG pd_pfn);
ULONG hal_mmu_active(void);
void hal_mmu_invalidate(ULONG va);
void hal_mmu_flush(BOOLEAN all);

/* ---- CPU ------------------------------------------------------------------
 * A context is a suspended kernel stack: hal_context_switch saves the
 * callee-saved registers and stack pointer of the running code in *from and
 * resumes *to. A new context starts in entry(arg) on its own stack; entry
 * must never return. stack_base is the highest address of the stack,
 * stack_limit the lowest usable one.
 */
typedef struct hal_context {
    void *sp;
    void *stack_base;
    void *stack_limit;
    void (*entry)(void *);
    void *arg;
    void *fiber; /* sanitizer bookkeeping on the hosted platform */
} hal_context;

void hal_context_init(hal_context *ctx, void *stack_base, void *stack_limit,
                      void (*entry)(void *), void *arg);
void hal_context_switch(hal_context *from, hal_context *to);
/* Where a context suspended by hal_context_switch resumes: the return
 * address into its caller in *ip and the caller's frame pointer in *fp,
 * for a backtrace. FALSE for a context that never ran. */
BOOLEAN hal_context_frame(const hal_context *ctx, ULONG_PTR *ip,
                          ULONG_PTR *fp);

/*
 * Non-local jumps within one stack, for structured exception handling:
 * hal_setjmp saves the callee-saved registers, the stack pointer and the
 * return address in buf and returns 0; hal_longjmp(buf, v) makes that
 * hal_setjmp return again, with v (1 if v is 0). The frame that called
 * hal_setjmp must still be live.
 */
typedef ULONG_PTR hal_jmp_buf[8];
int hal_setjmp(hal_jmp_buf buf) __attribute__((returns_twice));
DECLSPEC_NORETURN void hal_longjmp(hal_jmp_buf buf, int value);

/* The stack a trap from user mode is taken on (the TSS's esp0): the user
 * frame lives at its base, below which hal_context_init starts. */
void hal_set_kernel_stack(void *stack_base);

/*
 * Interrupts. hal_interrupts_disable returns whether they were enabled;
 * hal_interrupts_restore puts that state back.
 */
BOOLEAN hal_interrupts_disable(void);
void hal_interrupts_restore(BOOLEAN enabled);

/* ---- Call gates -----------------------------------------------------------
 * A call gate is code through which a call to a kernel routine can be
 * watched: a driver's import bound to hal_call_gate(gate) calls the
 * handler first, with the gate's number, the driver's return address and
 * the call's first eight integer arguments (in order), and then the routine
 * whose address the handler returns, with the arguments, vector registers
 * and stack exactly as the driver passed them. The handler runs on the
 * caller's stack and IRQL and may stop the system.
 */
#define HAL_CALL_GATES 1024
typedef PVOID (*hal_call_gate_handler)(ULONG gate, const void *caller,
                                       const ULONG_PTR *arguments);
void hal_set_call_gate_handler(hal_call_gate_handler handler);
/* The code of gate (0 <= gate < HAL_CALL_GATES). */
PVOID hal_call_gate(ULONG gate);

/* ---- User mode -------------------------------------------------------------
 * A thread enters user mode with hal_user_enter and comes back into the
 * kernel only through a system call (user code calls the function at
 * hal_system_call_entry()) or a trap. Either way the platform saves the user
 * registers in the user frame at the base of the thread's kernel stack and
 * goes back to user mode with that frame's registers once the kernel is
 * done. While in the kernel on behalf of user mode, the kernel may read and
 * change the frame: hal_user_get_context and hal_user_set_context (NtContinue,
 * exception dispatch), hal_user_call (make user mode call a routine first:
 * exception and APC dispatchers) and hal_user_set_result (a system call's
 * status). User addresses are guest addresses.
 */
/* Starts user mode at ip, calling it with arg0 and arg1 on the stack below
 * stack_top (16-byte aligned), as if called. Never returns. */
DECLSPEC_NORETURN void hal_user_enter(ULONG ip, ULONG stack_top, ULONG_PTR arg0,
                                      ULONG_PTR arg1);
/* Makes the return to user mode call ip(args[0..count-1]) (count <= 4) on
 * the stack below stack_top instead of resuming where it left. */
void hal_user_call(ULONG ip, ULONG stack_top, const ULONG_PTR *args,
                   ULONG count);
void hal_user_get_context(CONTEXT *context);
/* Replaces the user registers (CONTEXT_CONTROL, CONTEXT_INTEGER and
 * CONTEXT_FLOATING_POINT parts, as ContextFlags says). */
void hal_user_set_context(const CONTEXT *context);
/* The value a system call returns to user mode. */
void hal_user_set_result(ULONG_PTR value);
/* Where user mode's stack pointer was when it entered the kernel. */
ULONG hal_user_stack_pointer(void);
/* Keeps user mode out of system space, or lets it in (--strict turns this
 * on at boot; the benchmarks turn it on and off). */
void hal_user_strict(BOOLEAN on);
/* The host address of the routine user code calls for a system call:
 * NTSTATUS entry(ULONG number, const ULONG_PTR *args). */
ULONG_PTR hal_system_call_entry(void);

/*
 * Implemented by the kernel: a system call from user mode, on the thread's
 * kernel stack. args is the user's array of arguments (to be probed). The
 * result goes back to user mode in the result register.
 */
ULONG_PTR ki_system_call(ULONG number, const ULONG_PTR *args);

/* ---- Clock, console, power ----------------------------------------------- */

/* A monotonic real-time clock in nanoseconds (for benchmarks and the
 * real-time clock mode; the kernel's own time is virtual by default). */
ULONGLONG hal_clock_ns(void);
/* The host's wall-clock time, in 100 ns units since 1601-01-01 UTC. */
ULONGLONG hal_time_of_day(void);
/* Idles the CPU until hal_clock_ns() reaches clock_ns. */
void hal_halt_until(ULONGLONG clock_ns);

void hal_console_write(const char *text, ULONG len);
/* True when the console is a terminal (colour may be used). */
BOOLEAN hal_console_is_terminal(void);
/*
 * Console input: on the hosted platform ntlab's standard input. When it is
 * not a terminal (a pipe, a file, /dev/null) the first call reads all of
 * it, to its end, and later calls hand it out in order: what a run sees
 * does not depend on when the bytes arrived. From a terminal, bytes come
 * as the terminal gives them (a line at a time).
 * hal_console_read: copies up to len bytes into buf (kernel memory),
 *   waiting (the whole machine waits) for at least one; returns how many,
 *   0 at the end of the input.
 * hal_console_input_ready: how many bytes a read would return without
 *   waiting (0 at the end of the input, and from a terminal with nothing
 *   typed; a terminal's count is 1 when there is something). From a
 *   terminal it waits up to wait_ms milliseconds of host time for input.
 * hal_console_is_interactive: the input is a terminal (a read may wait).
 * All at PASSIVE_LEVEL, except for kd's prompt, which reads with the
 * machine held still (interrupts off, any IRQL): nothing else runs then.
 */
ULONG hal_console_read(void *buf, ULONG len);
ULONG hal_console_input_ready(ULONG wait_ms);
BOOLEAN hal_console_is_interactive(void);

/* Stops the machine with ntlab's own status (0 success, 1 a test failed,
 * 2 bad input, 3 a stop, 4 a hang). The hosted platform exits with it, or,
 * when it is 0 and a program's end was reported, with the program's (its
 * status, 1 when that is above 255); --status-file gets both. */
DECLSPEC_NORETURN void hal_power_off(int status);
/* The program the run command started has ended with exit_status (NT's
 * ULONG exit status). Reported apart from the machine's own end, so that a
 * program exiting 3 is not taken for a stop. */
void hal_program_exited(ULONG exit_status);

/* ---- Boot ------------------------------------------------------------------
 * What the platform hands the kernel at boot: the command the user asked
 * for and the options that shape the machine.
 */
typedef struct hal_boot_info {
    const char *command;  /* "report", "test", "run", "child-test", ... */
    const char *argument; /* suite or test name, run's command line, NULL */
    const char *drivers[16]; /* --driver: boot modules to load first */
    ULONG driver_count;
    ULONG ram_pages;
    ULONG pagefile_pages; /* --pagefile: 0 for none */
    ULONGLONG seed;       /* --seed: drives the virtual clock's jitter */
    BOOLEAN realtime;     /* --realtime: the clock follows the host's */
    BOOLEAN no_points;    /* --no-points: preemption points do nothing */
    BOOLEAN trim;         /* --trim: trim all pageable memory every tick */
    BOOLEAN strict;       /* --strict: user mode cannot reach system space */
    BOOLEAN pool_report;  /* --pool-report: pool usage by tag at the end */
    BOOLEAN kd;           /* --kd: a kd> prompt at stops and breakpoints */
    ULONG privileges;     /* --privilege: of command-line programs (bit n:
                             NT privilege value n) */
    ULONG verifier;       /* --verifier: HAL_VERIFIER_* classes, 0: off */
    const char *verifier_driver;    /* --verifier-driver: only it, or NULL */
    BOOLEAN verifier_special_start; /* --verifier-special=start */
    ULONG verifier_faults;          /* --verifier-faults 1/N: N (0: none) */
    BOOLEAN trace;           /* --trace: the kernel writes its timeline */
    ULONG trace_boot;        /* which boot of a scenario's trace (0: alone) */
    const char *trace_label; /* names that boot's tracks, or NULL */
    /* Tests this platform cannot run yet, one a line: "SUITE[.NAME] why";
     * 'ntlab test' reports them as TAP skips with why. NULL: none. */
    const char *skip;
} hal_boot_info;

/* The verifier's classes (kernel/vf), a bit each. */
#define HAL_VERIFIER_SPECIAL  0x01u /* special pool */
#define HAL_VERIFIER_IRQL     0x02u /* force IRQL checking */
#define HAL_VERIFIER_POOL     0x04u /* pool tracking */
#define HAL_VERIFIER_IO       0x08u /* I/O verification */
#define HAL_VERIFIER_DEADLOCK 0x10u /* deadlock detection */
#define HAL_VERIFIER_MISC     0x20u /* miscellaneous checks */
#define HAL_VERIFIER_LOWRES   0x40u /* low resources simulation */

/*
 * Runs a fresh boot of the same machine for one test that is expected to
 * stop the system, and returns its exit status. Its console output goes to
 * out (NUL-terminated, truncated to size). Returns -1 when the platform
 * cannot boot a child.
 */
int hal_child_boot(const char *test_name, char *out, ULONG size);

/* ---- Boot modules ---------------------------------------------------------
 * Named files the platform hands the kernel: user programs and drivers
 * (multiboot modules on pc; on the hosted platform the programs built with
 * ntlab and the files --program names). Reads copy bytes into buf; they
 * fail (FALSE) for a range past the module's end or an I/O error.
 */
ULONG hal_module_count(void);
const char *hal_module_name(ULONG index); /* NULL past the last */
ULONG hal_module_size(ULONG index);
BOOLEAN hal_module_read(ULONG index, ULONG offset, void *buf, ULONG len);

/* ---- The volume ------------------------------------------------------------
 * A read-only view of a host directory: the kernel's C: drive (on the
 * hosted platform, the directory ntlab was started in). A path is relative
 * to the view's root, its components separated by '/' (none empty, "." or
 * ".."; "" is the root itself), in UTF-8. A component that names nothing
 * as spelled names an entry that differs from it only in the case of
 * ASCII letters, if there is one (NT's names do not care about case).
 * Nothing outside the view can be reached: a symbolic link that leads out
 * of it is STATUS_ACCESS_DENIED, and so is anything but a regular file or
 * a directory. These routines block the CPU while the host works: call
 * them at PASSIVE_LEVEL.
 *
 * hal_volume_open: STATUS_SUCCESS with a handle (never 0), the size and
 *   whether it is a directory; else STATUS_OBJECT_NAME_NOT_FOUND (the last
 *   component), STATUS_OBJECT_PATH_NOT_FOUND (one before it),
 *   STATUS_ACCESS_DENIED or STATUS_TOO_MANY_OPENED_FILES.
 * hal_volume_read: copies up to len bytes at offset into buf (kernel
 *   memory) and says how many in *done (0 past the end); FALSE on an I/O
 *   error.
 * hal_volume_module: makes the open file a boot module as well, named
 *   name, for the driver loader: its index, or -1 (too many modules).
 */
NTSTATUS hal_volume_open(const char *path, ULONG *handle, ULONGLONG *size,
                         BOOLEAN *directory);
BOOLEAN hal_volume_read(ULONG handle, ULONGLONG offset, void *buf, ULONG len,
                        ULONG *done);
void hal_volume_close(ULONG handle);
LONG hal_volume_module(ULONG handle, const char *name);

/* ---- Trace -----------------------------------------------------------------
 * The timeline (--trace): the kernel hands the platform its events, one
 * JSON object each (a Chrome trace event, without separator); the
 * platform writes them, in order, as the elements of the trace file's
 * event array, and ends the file when the machine powers off. Any IRQL;
 * the call does not touch guest memory. Only called when
 * hal_boot_info.trace is set.
 */
void hal_trace_write(const char *event, ULONG len);

/* ---- Symbols ---------------------------------------------------------------
 * What the platform knows of a code address (a host pointer, as the CPU
 * runs it) from the debugging information of the kernel (module NULL) or of
 * the boot module a driver image was loaded from with its address 0 at base
 * (a host pointer). Returns FALSE, with *symbol cleared, when no symbol
 * covers the address; file is "" and line 0 when no line does. Any IRQL;
 * not fast (the stop screen and kd call it).
 */
typedef struct hal_symbol {
    char function[64];
    ULONG offset;  /* of address from the function's start */
    char file[128]; /* the source file, as the compiler was given it */
    ULONG line;
} hal_symbol;
BOOLEAN hal_symbolize(const char *module, ULONG_PTR base, ULONG_PTR address,
                      hal_symbol *symbol);

/*
 * The kernel's own image (its code and static data) in the executing
 * address space: *start and *size. On pc it sits in system space; hosted,
 * it is the host program, outside the guest window. Any IRQL.
 */
void hal_kernel_image(ULONG_PTR *start, ULONG_PTR *size);

/* ---- A host debugger -------------------------------------------------------
 * What the platform tells a debugger of the host process (gdb on the hosted
 * platform), which knows nothing of ntlab's loader: hal_image_loaded says
 * that the image of boot module module lies at guest address base (size
 * bytes), relocated and with its final page protection, before any of its
 * code runs; hal_image_unloading, that the image at base is about to be
 * unmapped. Nothing changes for the guest. PASSIVE_LEVEL.
 */
void hal_image_loaded(ULONG module, ULONG base, ULONG size);
void hal_image_unloading(ULONG module, ULONG base);

/* ---- Traps --------------------------------------------------------------- */

typedef enum hal_trap_kind {
    HAL_TRAP_PAGE_FAULT,
    HAL_TRAP_PROTECTION, /* general protection, no address */
    HAL_TRAP_DIVIDE,
    HAL_TRAP_INVALID_OPCODE,
    HAL_TRAP_BREAKPOINT,
    HAL_TRAP_SINGLE_STEP, /* EFLAGS.TF: after an instruction of guest code */
    HAL_TRAP_ALIGNMENT,   /* EFLAGS.AC: a misaligned access in user mode */
    HAL_TRAP_DOUBLE_FAULT, /* the trap could not be taken on its stack */
    HAL_TRAP_HOST_FAULT,   /* hosted only: an access outside the window */
    HAL_TRAP_INTERRUPT,    /* user code ran a whole tick without entering
                              the kernel (the clock takes its due) */
    HAL_TRAP_WATCHDOG,     /* --timeout: the run has taken longer than its
                              host time; taken at any IRQL, as an NMI */
} hal_trap_kind;

typedef struct hal_trap {
    hal_trap_kind kind;
    ULONG va;          /* page fault: the guest address */
    BOOLEAN write;     /* page fault: the access was a write */
    BOOLEAN user;      /* the CPU was in user mode */
    BOOLEAN present;   /* page fault: a valid PTE refused the access */
    BOOLEAN ip_guest;  /* ip is a guest address (in a loaded image) */
    ULONG_PTR address; /* the faulting address as the CPU saw it */
    ULONG_PTR ip;      /* instruction address */
    ULONG_PTR sp;      /* stack pointer at the trap */
    ULONG_PTR fp;      /* frame pointer at the trap */
} hal_trap;

/*
 * Copies that may fault: hal_copy_guarded copies n bytes from one address
 * to another and returns 0, or, when one of the accesses faulted and the
 * kernel could not resolve the fault, the non-zero result the kernel gave
 * hal_trap_fixup (which it asks first, before raising an exception). The
 * kernel copies from and to user buffers this way, without a __try (whose
 * frame costs more than the copy), and the result is the exception's code.
 */
LONG hal_copy_guarded(void *to, const void *from, SIZE_T n);
/* For a trap on an access inside hal_copy_guarded: arranges for the copy
 * to return result (non-zero) when the trap returns, and returns TRUE;
 * FALSE for any other trap. */
BOOLEAN hal_trap_fixup(const hal_trap *trap, LONG result);

/*
 * Implemented by the kernel. The platform calls it on the stack of the
 * thread that trapped (or on a per-CPU emergency stack for a double fault),
 * with interrupts as they were. When it returns, the trapping instruction is
 * restarted.
 */
void ki_trap(const hal_trap *trap);

/* Implemented by the kernel: the platform starts it on the boot stack. */
DECLSPEC_NORETURN void ki_system_startup(const hal_boot_info *info);

#endif
