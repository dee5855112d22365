/*
 * User mode on the hosted platform.
 *
 * User code is x86-64 code at user addresses of the guest window, running
 * on the host thread like everything else; what makes it user mode is
 * cpu_user_mode, which traps look at, and the user frame at the base of
 * the thread's kernel stack, which holds its registers whenever the kernel
 * runs on its behalf. It enters the kernel by calling hal_syscall_entry
 * (switch.S), whose address the kernel publishes in KUSER_SHARED_DATA, or
 * by a trap (trap.c); both save the user registers in the frame and return
 * through the trap restore path, which loads them back.
 *
 * With --strict, every translation of system space is dropped on the way
 * back to user mode, and user accesses honour the Owner bit: user code
 * cannot reach kernel memory, and the kernel takes a fault for each of its
 * pages it touches again. The registers are then restored from a copy of
 * the frame in host memory (the kernel stack is gone from the window).
 *
 * User code built with the SDK carries preemption points (the user
 * runtime's __sanitizer_cov_trace_pc enters the kernel every so many
 * basic blocks), which is how spinning user code is preempted by the
 * virtual clock, deterministically. Only with --realtime does a host
 * interval timer (SIGALRM, one tick) also interrupt user code that has
 * run for a whole tick without entering the kernel, as a
 * HAL_TRAP_INTERRUPT: the kernel charges it the tick and may switch
 * threads. Without --realtime nothing the host's clock does reaches the
 * guest.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>

#include "hosted.h"

#define EFLAGS_IF      0x200u
#define EFLAGS_TF      0x100u
#define EFLAGS_DF      0x400u
#define EFLAGS_AC      0x40000u
#define EFLAGS_USER    0x40CD5u /* CF PF AF ZF SF TF DF OF AC: user may set */
#define USER_CS        0x33u /* NT's user code and stack selectors */
#define USER_SS        0x2Bu

#define TICK_US 10014 /* one clock tick */

extern char hal_syscall_entry[];
static bool strict;
static bool realtime; /* --realtime: the user-mode tick timer runs */
static unsigned long entries, entries_at_tick; /* kernel entries from user */
static bool ticking;
/* --strict: the frame the way back to user mode restores from, with room
 * below it for the iretq frame the restore path builds. */
static struct {
    uint8_t below[64];
    uint8_t frame[sizeof(struct trap_frame) + 4096 * 4];
} strict_copy __attribute__((aligned(64)));
#define strict_frame strict_copy.frame
void hal_user_resume(struct trap_frame *frame) __attribute__((noreturn));
void hal_syscall_dispatch(ULONG number, const ULONG_PTR *args,
                          struct trap_frame *frame);

ULONG_PTR hal_system_call_entry(void)
{
    return (ULONG_PTR)hal_syscall_entry;
}

void hal_syscall_dispatch(ULONG number, const ULONG_PTR *args,
                          struct trap_frame *frame)
{
    ULONG_PTR result;

    cpu_user_mode = false;
    entries++;
    result = ki_system_call(number, args);
    if (!frame->context_replaced)
        frame->regs[REG_RAX] = result;
    user_resume(frame);
}

void hal_user_strict(BOOLEAN on)
{
    strict = on != 0;
    mmu_user_strict = strict;
}

void user_init(const hosted_options *opts)
{
    hal_user_strict(opts->boot.strict);
    realtime = opts->boot.realtime != 0;
    if (sizeof(struct trap_frame) + trap_fpu_size > sizeof strict_frame)
        hosted_die("the CPU's vector state (%zu bytes) is too big",
                   trap_fpu_size);
}

/* The trap restore path sets cpu_user_mode from the frame, as its last
 * step: until then every access is the kernel's. */
void user_resume(struct trap_frame *frame)
{
    if (strict) {
        memcpy(strict_frame, frame, sizeof *frame + trap_fpu_size);
        mmu_drop_system();
        hal_user_resume((struct trap_frame *)strict_frame);
    }
}

/* Starts the user-mode tick timer (the first time user mode is entered),
 * with --realtime only. */
static void start_ticking(void)
{
    struct itimerval every = {{0, TICK_US}, {0, TICK_US}};

    if (ticking || !realtime)
        return;
    ticking = true;
    if (setitimer(ITIMER_REAL, &every, NULL) != 0)
        hosted_die("cannot start the user-mode tick timer (%m)");
}

bool user_tick_due(void)
{
    bool due = entries == entries_at_tick;

    entries_at_tick = entries;
    return due;
}

void user_entered_kernel(void)
{
    entries++;
}

/* Sets frame up to call ip(args) on the stack below stack_top. */
static void call_setup(struct trap_frame *f, ULONG ip, ULONG stack_top,
                       const ULONG_PTR *args, ULONG count)
{
    static const int arg_regs[4] = {REG_RDI, REG_RSI, REG_RDX, REG_RCX};
    uint64_t *sp = HAL_VA_PTR((stack_top & ~15u) - 8);
    ULONG i;

    *sp = 0; /* the return address of a routine that must not return */
    f->regs[REG_RSP] = (uint64_t)(uintptr_t)sp;
    f->regs[REG_RIP] = (uint64_t)(uintptr_t)HAL_VA_PTR(ip);
    /* A dispatcher starts clean: not single-stepped (NT clears TF to
     * dispatch an exception), no alignment checks, DF clear. The context
     * it is given keeps the flags. */
    f->regs[REG_EFL] &= ~(uint64_t)(EFLAGS_TF | EFLAGS_DF | EFLAGS_AC);
    for (i = 0; i < 4; i++)
        f->regs[arg_regs[i]] = i < count ? args[i] : 0;
    f->context_replaced = 1;
}

void hal_user_enter(ULONG ip, ULONG stack_top, ULONG_PTR arg0, ULONG_PTR arg1)
{
    struct trap_frame *f = cpu_user_frame;
    ULONG_PTR args[2] = {arg0, arg1};

    memset(f->regs, 0, sizeof f->regs);
    call_setup(f, ip, stack_top, args, 2);
    f->regs[REG_EFL] = EFLAGS_IF;
    f->user_mode = 1;
    f->fpu_valid = 0;
    f->emergency = 0;
    start_ticking();
    user_resume(f);
    hal_user_resume(f);
}

void hal_user_call(ULONG ip, ULONG stack_top, const ULONG_PTR *args,
                   ULONG count)
{
    call_setup(cpu_user_frame, ip, stack_top, args, count);
}

void hal_user_set_result(ULONG_PTR value)
{
    cpu_user_frame->regs[REG_RAX] = value;
}

ULONG hal_user_stack_pointer(void)
{
    uint64_t sp = cpu_user_frame->regs[REG_RSP];

    /* Outside the window it is no guest address at all. */
    return HAL_PTR_IN_WINDOW(sp) ? HAL_PTR_VA(sp) : 0;
}

/* Context register order, against the frame's (Linux gregs) order. */
static const struct {
    size_t offset;
    int reg;
} integer_regs[] = {
    {offsetof(CONTEXT, Rax), REG_RAX}, {offsetof(CONTEXT, Rcx), REG_RCX},
    {offsetof(CONTEXT, Rdx), REG_RDX}, {offsetof(CONTEXT, Rbx), REG_RBX},
    {offsetof(CONTEXT, Rbp), REG_RBP}, {offsetof(CONTEXT, Rsi), REG_RSI},
    {offsetof(CONTEXT, Rdi), REG_RDI}, {offsetof(CONTEXT, R8), REG_R8},
    {offsetof(CONTEXT, R9), REG_R9},   {offsetof(CONTEXT, R10), REG_R10},
    {offsetof(CONTEXT, R11), REG_R11}, {offsetof(CONTEXT, R12), REG_R12},
    {offsetof(CONTEXT, R13), REG_R13}, {offsetof(CONTEXT, R14), REG_R14},
    {offsetof(CONTEXT, R15), REG_R15},
};

void hal_user_get_context(CONTEXT *context)
{
    const struct trap_frame *f = cpu_user_frame;
    size_t i;

    memset(context, 0, sizeof *context);
    context->ContextFlags = CONTEXT_FULL;
    for (i = 0; i < sizeof integer_regs / sizeof integer_regs[0]; i++)
        *(ULONGLONG *)((char *)context + integer_regs[i].offset) =
            f->regs[integer_regs[i].reg];
    context->Rsp = f->regs[REG_RSP];
    context->Rip = f->regs[REG_RIP];
    context->EFlags = (ULONG)f->regs[REG_EFL];
    context->SegCs = USER_CS;
    context->SegSs = context->SegDs = context->SegEs = USER_SS;
    if (f->fpu_valid) {
        memcpy(&context->FltSave, f->fpu, sizeof context->FltSave);
    } else {
        context->FltSave.ControlWord = FPU_CW_DEFAULT;
        context->FltSave.MxCsr = MXCSR_DEFAULT;
    }
    context->MxCsr = context->FltSave.MxCsr;
}

void hal_user_set_context(const CONTEXT *context)
{
    struct trap_frame *f = cpu_user_frame;
    ULONG flags = context->ContextFlags;
    size_t i;

    if ((flags & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        for (i = 0; i < sizeof integer_regs / sizeof integer_regs[0]; i++)
            f->regs[integer_regs[i].reg] =
                *(const ULONGLONG *)((const char *)context +
                                     integer_regs[i].offset);
    }
    if ((flags & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        f->regs[REG_RSP] = context->Rsp;
        f->regs[REG_RIP] = context->Rip;
        f->regs[REG_EFL] = (context->EFlags & EFLAGS_USER) | EFLAGS_IF;
    }
    if ((flags & CONTEXT_FLOATING_POINT) == CONTEXT_FLOATING_POINT) {
        if (!f->fpu_valid)
            memset(f->fpu, 0, trap_fpu_size);
        memcpy(f->fpu, &context->FltSave, sizeof context->FltSave);
        /* Reserved MXCSR bits fault on load: keep them clear. */
        ((XMM_SAVE_AREA32 *)f->fpu)->MxCsr &= 0xFFFFu;
        if (hal_use_xsave) { /* the XSAVE header: x87 and SSE state given */
            memset(f->fpu + 512, 0, 64);
            f->fpu[512] = 3;
        }
        f->fpu_valid = 1;
    }
    f->context_replaced = 1;
}
