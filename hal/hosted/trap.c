/*
 * Traps. Every fault of the host thread arrives here as a signal, on an
 * alternate signal stack. A page fault the MMU can resolve (a valid PTE that
 * allows the access) is filled in and the instruction restarts without the
 * kernel seeing it. Anything else becomes a trap for the kernel:
 *
 * The handler copies the interrupted registers into a trap frame on the
 * stack the trap is taken on (below the red zone of the interrupted kernel
 * stack, or at the top of the thread's kernel stack for a trap from user
 * mode), then makes the signal return into hal_trap_entry (switch.S). That
 * saves the FPU/vector state, calls hal_trap_dispatch -> ki_trap on the
 * thread's own stack, with the signal long finished, so the kernel may wait
 * or switch threads while handling it. On return the whole state is
 * restored and the faulting instruction runs again.
 *
 * If the frame cannot be written (the stack pointer is in a guard page: a
 * kernel stack overflow), the trap is raised again as a double fault on a
 * per-CPU emergency stack, as x86 does through its double-fault task.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <linux/audit.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "hosted.h"

/* The frame's layout is shared with switch.S: keep the offsets in step. */
_Static_assert(offsetof(struct trap_frame, fpu) == 256, "switch.S FPU_OFF");
_Static_assert(offsetof(struct trap_frame, fpu_valid) == 160,
               "switch.S F_FPU_VALID");
_Static_assert(REG_RSP == 15 && REG_RIP == 16 && REG_EFL == 17, "gregs order");

_Static_assert(offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP]) == 168,
               "switch.S UC_RIP");

#define EFLAGS_TF 0x100u
#define EFLAGS_DF 0x400u
#define EFLAGS_AC 0x40000u

bool cpu_user_mode;
void *cpu_kernel_stack;
struct trap_frame *cpu_user_frame;
int hal_use_xsave; /* read by switch.S */
/* Read by switch.S: the host's thread pointer (FS base), the user-mode
 * code and stack selectors iretq loads, and the handlers running. */
uint64_t hal_host_fs, hal_user_cs, hal_user_ss;
int hal_signal_depth;

extern char hal_trap_entry[], hal_trap_restore_begin[], hal_trap_restore_end[];
extern char hal_trap_iret[];
void hal_signal_entry(int sig, siginfo_t *si, void *ucv);
void hal_on_signal(int sig, siginfo_t *si, void *ucv);

size_t trap_fpu_size;
static unsigned emergency_depth;
static uint8_t altstack[256 * 1024] __attribute__((aligned(64)));
static uint8_t emergency_stack[256 * 1024] __attribute__((aligned(64)));

static void raw_message(const char *text)
{
    ssize_t r = write(2, text, strlen(text));
    (void)r;
}

/* True when the frame area [lo, hi) is writable memory. Maps its pages. */
static bool stack_usable(uintptr_t lo, uintptr_t hi)
{
    unsigned long evictions;
    uintptr_t p;

    do {
        evictions = mmu_evictions;
        for (p = lo & ~(uintptr_t)(PAGE_SIZE - 1); p < hi; p += PAGE_SIZE) {
            if (!HAL_PTR_IN_WINDOW(p))
                continue;
            if (!mmu_writable(HAL_PTR_VA(p)) &&
                mmu_fill(HAL_PTR_VA(p), true, false) != FILL_OK)
                return false;
        }
    } while (evictions != mmu_evictions);
    return true;
}

struct trap_frame *trap_user_frame(void *stack_base)
{
    uintptr_t top = (uintptr_t)stack_base & ~(uintptr_t)63;

    return (
        struct trap_frame *)((top - sizeof(struct trap_frame) - trap_fpu_size) &
                             ~(uintptr_t)63);
}

/* Builds the trap frame and makes the signal return into hal_trap_entry. */
static void deliver(ucontext_t *uc, hal_trap *t)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t top, frame;
    bool emergency = false;

    if (cpu_user_mode) {
        frame = (uintptr_t)cpu_user_frame;
        top = frame + sizeof(struct trap_frame) + trap_fpu_size;
    } else {
        top = ((uintptr_t)g[REG_RSP] - 128) & ~(uintptr_t)63;
        frame =
            (top - sizeof(struct trap_frame) - trap_fpu_size) & ~(uintptr_t)63;
    }
    if (!stack_usable(frame, top)) {
        if (++emergency_depth > 4) {
            raw_message("ntlab: triple fault: a trap on the emergency stack "
                        "kept faulting; the machine resets\n");
            _exit(3);
        }
        t->kind = HAL_TRAP_DOUBLE_FAULT;
        top = (uintptr_t)emergency_stack + sizeof emergency_stack;
        if ((uintptr_t)g[REG_RSP] > (uintptr_t)emergency_stack &&
            (uintptr_t)g[REG_RSP] <= top)
            top = ((uintptr_t)g[REG_RSP] - 128) & ~(uintptr_t)63;
        frame =
            (top - sizeof(struct trap_frame) - trap_fpu_size) & ~(uintptr_t)63;
        emergency = true;
    }
    struct trap_frame *f = (struct trap_frame *)frame;
    memcpy(f->regs, g, sizeof f->regs);
    f->user_mode = cpu_user_mode;
    f->emergency = emergency;
    f->context_replaced = 0;
    f->trap = *t;
    memset(f->fpu + 512, 0, 64); /* the XSAVE header must start clean */
    g[REG_RSP] = (greg_t)frame;
    g[REG_RIP] = (greg_t)hal_trap_entry;
    /* The trap is taken with clean flags; the frame keeps the old ones. */
    g[REG_EFL] &= ~(greg_t)(EFLAGS_TF | EFLAGS_DF | EFLAGS_AC);
}

/* Fills in what kind of trap signal sig with siginfo si is. */
static void classify(int sig, const siginfo_t *si, const greg_t *g, hal_trap *t)
{
    uintptr_t a = (uintptr_t)si->si_addr;

    switch (sig) {
    case SIGSEGV:
        if (g[REG_TRAPNO] != 14) {
            t->kind = HAL_TRAP_PROTECTION;
        } else if (HAL_PTR_IN_WINDOW(a) || a < 0x10000) {
            t->kind = HAL_TRAP_PAGE_FAULT;
            t->va = HAL_PTR_IN_WINDOW(a) ? HAL_PTR_VA(a) : (ULONG)a;
            t->write = (g[REG_ERR] & 2) != 0;
        } else {
            t->kind = HAL_TRAP_HOST_FAULT;
            t->write = (g[REG_ERR] & 2) != 0;
        }
        t->address = a;
        break;
    case SIGBUS:
        t->kind = si->si_code == BUS_ADRALN ? HAL_TRAP_ALIGNMENT
                                            : HAL_TRAP_PROTECTION;
        break;
    case SIGFPE:
        t->kind = HAL_TRAP_DIVIDE;
        break;
    case SIGILL:
        t->kind = HAL_TRAP_INVALID_OPCODE;
        break;
    case SIGSYS:
        /* A system call the filter refused (filter.c): syscall is an
         * invalid opcode to NT; int 0x80 a gate user mode may not use. */
        t->kind = si->si_arch == AUDIT_ARCH_X86_64 ? HAL_TRAP_INVALID_OPCODE
                                                   : HAL_TRAP_PROTECTION;
        break;
    case SIGTRAP:
        t->kind = si->si_code == TRAP_TRACE ? HAL_TRAP_SINGLE_STEP
                                            : HAL_TRAP_BREAKPOINT;
        break;
    case SIGALRM:
        t->kind = HAL_TRAP_INTERRUPT;
        break;
    case SIGXCPU:
        t->kind = HAL_TRAP_WATCHDOG;
        break;
    default:
        t->kind = HAL_TRAP_PROTECTION;
        break;
    }
}

/*
 * EFLAGS.AC and EFLAGS.TF are the guest's: an alignment check anywhere but
 * in user code (kernel mode never takes one on x86) and a single step in
 * host code are the flag leaking where it does not apply. Clears it, so
 * that the instruction resumes without; returns whether that was all.
 */
static bool flag_leaked(int sig, const siginfo_t *si, greg_t *g)
{
    bool guest = HAL_PTR_IN_WINDOW(g[REG_RIP]);

    if (sig == SIGBUS && si->si_code == BUS_ADRALN &&
        !(cpu_user_mode && guest)) {
        g[REG_EFL] &= ~(greg_t)EFLAGS_AC;
        return true;
    }
    if (sig == SIGTRAP && si->si_code == TRAP_TRACE && !guest) {
        g[REG_EFL] &= ~(greg_t)EFLAGS_TF;
        return true;
    }
    return false;
}

/*
 * A fault on the way back: iretq refused the frame (a context gave an
 * instruction pointer no CPU can run at: a non-canonical one). Going back
 * to user mode, it is the program's fault at that address, as if taken
 * there: the registers become the frame's, the address the instruction
 * pointer. Anything else is ntlab's own bug.
 */
static void restore_failed(greg_t *g, hal_trap *t)
{
    const uint64_t *iret = (const uint64_t *)g[REG_RSP];

    if ((uintptr_t)g[REG_RIP] != (uintptr_t)hal_trap_iret || !cpu_user_mode) {
        raw_message("ntlab: fault while restoring a trap frame\n");
        _exit(3);
    }
    g[REG_RIP] = (greg_t)iret[0];
    g[REG_EFL] = (greg_t)iret[2];
    g[REG_RSP] = (greg_t)iret[3];
    t->kind = HAL_TRAP_PROTECTION;
    t->address = (ULONG_PTR)g[REG_RIP];
}

/* A trap for the kernel, unless the MMU can resolve it alone. */
static void take_trap(int sig, siginfo_t *si, ucontext_t *uc)
{
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    hal_trap t;

    memset(&t, 0, sizeof t);
    classify(sig, si, g, &t);
    t.user = cpu_user_mode;
    if (t.kind == HAL_TRAP_PAGE_FAULT && HAL_PTR_IN_WINDOW(t.address) &&
        t.va >= window_low) {
        fill_result r = mmu_fill(t.va, t.write, t.user);

        if (r == FILL_OK)
            return;
        t.present = r == FILL_PROTECTION;
    }
    if (ip >= (uintptr_t)hal_trap_restore_begin &&
        ip < (uintptr_t)hal_trap_restore_end) {
        restore_failed(g, &t);
        ip = (uintptr_t)g[REG_RIP];
    }
    t.ip_guest = HAL_PTR_IN_WINDOW(ip);
    t.ip = t.ip_guest ? HAL_PTR_VA(ip) : ip;
    t.sp = (uintptr_t)g[REG_RSP];
    t.fp = (uintptr_t)g[REG_RBP];
    deliver(uc, &t);
}

/*
 * Is the CPU on the restore path? It sets cpu_user_mode before its iretq,
 * so a user-mode tick can arrive between the two: it is still the
 * kernel's time (the next tick interrupts the user code). A debugger makes
 * that likely: a fault there stops the process, and the tick is delivered
 * as the fault handler returns.
 */
static bool in_restore(const ucontext_t *uc)
{
    uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];

    return ip >= (uintptr_t)hal_trap_restore_begin &&
           ip < (uintptr_t)hal_trap_restore_end;
}

/* Called by hal_signal_entry (switch.S) for every trap signal. */
void hal_on_signal(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;

    if (hal_signal_depth > 1) {
        raw_message("ntlab: a fault in the trap handler itself\n");
        _exit(3);
    }
    if (sig == SIGALRM && (!cpu_user_mode || in_restore(uc) ||
                           !user_tick_due()))
        return; /* the kernel has checkpoints of its own */
    if (sig == SIGXCPU &&
        !watchdog_due((uintptr_t)uc->uc_mcontext.gregs[REG_RIP]))
        return;
    if (flag_leaked(sig, si, uc->uc_mcontext.gregs))
        return;
    /* The trap is the instruction's own (syscall, sysenter and int 0x80
     * are two bytes): the handler sees where it was, as with #UD. */
    if (filter_refused(sig, si))
        uc->uc_mcontext.gregs[REG_RIP] -= 2;
    take_trap(sig, si, uc);
}

extern char hal_copy_guarded_begin[] __asm__("hal_copy_guarded");
extern char hal_copy_guarded_end[], hal_copy_fault[];

BOOLEAN hal_trap_fixup(const hal_trap *trap, LONG result)
{
    struct trap_frame *f =
        (struct trap_frame *)((char *)trap - offsetof(struct trap_frame, trap));
    uintptr_t ip = (uintptr_t)f->regs[REG_RIP];

    if (trap->user || ip < (uintptr_t)hal_copy_guarded_begin ||
        ip >= (uintptr_t)hal_copy_guarded_end)
        return FALSE;
    f->regs[REG_RIP] = (uint64_t)(uintptr_t)hal_copy_fault;
    f->regs[REG_RAX] = (uint64_t)(uint32_t)result;
    return TRUE;
}

/* Called by hal_trap_entry on the trap's stack. */
void hal_trap_dispatch(struct trap_frame *f);
void hal_trap_dispatch(struct trap_frame *f)
{
    cpu_user_mode = false;
    if (f->user_mode)
        user_entered_kernel();
    ki_trap(&f->trap);
    if (f->user_mode)
        user_resume(f);
    if (f->emergency)
        emergency_depth--;
}

void trap_init(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                               SIGTRAP, SIGALRM, SIGSYS, SIGXCPU};
    struct sigaction sa;
    stack_t ss;
    unsigned a, b, c, d;
    size_t i;

    __cpuid(1, a, b, c, d);
    hal_use_xsave = (c & bit_OSXSAVE) != 0;
    trap_fpu_size = 512;
    if (hal_use_xsave) {
        __cpuid_count(0xD, 0, a, b, c, d);
        trap_fpu_size = b;
    }
    trap_fpu_size = (trap_fpu_size + 63) & ~(size_t)63;
    ss.ss_sp = altstack;
    ss.ss_size = sizeof altstack;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0)
        hosted_die("cannot install the trap stack (%m)");
    __asm__("movq %%fs:0, %0" : "=r"(hal_host_fs));
    __asm__("movq %%cs, %0" : "=r"(hal_user_cs));
    __asm__("movq %%ss, %0" : "=r"(hal_user_ss));
    /* SIGSEGV is never blocked: hal_signal_entry's own check of FS may
     * fault inside another handler. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = hal_signal_entry;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (sigs[i] != SIGSEGV)
            sigaddset(&sa.sa_mask, sigs[i]);
    }
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART |
                      (sigs[i] == SIGSEGV ? SA_NODEFER : 0);
        if (sigaction(sigs[i], &sa, NULL) != 0)
            hosted_die("cannot install the trap handler (%m)");
    }
}
