/*
 * The few instructions the hosted platform needs in assembly (x86-64, System
 * V ABI): the thread switch, the first frame of a new thread, and the trap
 * entry and exit around hal_trap_dispatch. Offsets into the trap frame are
 * those of struct trap_frame in trap.c.
 */
#define FPU_OFF 256
#define F_RSP 120
#define F_RIP 128
#define F_EFLAGS 136

        .text

/*
 * void hal_switch_stacks(void **save_sp, void *new_sp)
 * Saves the callee-saved registers on this stack, stores the stack pointer
 * in *save_sp, and resumes the stack new_sp, which was left the same way.
 */
        .globl hal_switch_stacks
        .type hal_switch_stacks, @function
hal_switch_stacks:
        pushq %rbp
        pushq %rbx
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
        movq %rsp, (%rdi)
        movq %rsi, %rsp
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %rbx
        popq %rbp
        ret
        .size hal_switch_stacks, . - hal_switch_stacks

/* A new context's first instructions: r12 = entry, r13 = its argument. */
        .globl hal_context_start
        .type hal_context_start, @function
hal_context_start:
        movq %r13, %rdi
        callq *%r12
        ud2
        .size hal_context_start, . - hal_context_start

/*
 * Entered by the signal return with rsp at a trap frame that holds the
 * interrupted general registers. The vector state is still the interrupted
 * code's: save it first, then dispatch, then put everything back and resume
 * at the saved rip through hal_resume_rip (rip and rsp cannot both be loaded
 * from the frame otherwise without touching the interrupted stack's red
 * zone).
 */
        .globl hal_trap_entry
        .type hal_trap_entry, @function
hal_trap_entry:
        cld
        cmpl $0, hal_use_xsave(%rip)
        je 1f
        movl $-1, %eax
        movl $-1, %edx
        xsave64 FPU_OFF(%rsp)
        jmp 2f
1:      fxsave64 FPU_OFF(%rsp)
2:      movq %rsp, %rdi
        callq hal_trap_dispatch
        .globl hal_trap_restore_begin
hal_trap_restore_begin:
        cmpl $0, hal_use_xsave(%rip)
        je 3f
        movl $-1, %eax
        movl $-1, %edx
        xrstor64 FPU_OFF(%rsp)
        jmp 4f
3:      fxrstor64 FPU_OFF(%rsp)
4:      movq F_RIP(%rsp), %rax
        movq %rax, hal_resume_rip(%rip)
        pushq F_EFLAGS(%rsp)
        popfq
        movq 0(%rsp), %r8
        movq 8(%rsp), %r9
        movq 16(%rsp), %r10
        movq 24(%rsp), %r11
        movq 32(%rsp), %r12
        movq 40(%rsp), %r13
        movq 48(%rsp), %r14
        movq 56(%rsp), %r15
        movq 64(%rsp), %rdi
        movq 72(%rsp), %rsi
        movq 80(%rsp), %rbp
        movq 88(%rsp), %rbx
        movq 96(%rsp), %rdx
        movq 104(%rsp), %rax
        movq 112(%rsp), %rcx
        movq F_RSP(%rsp), %rsp
        jmp *hal_resume_rip(%rip)
        .globl hal_trap_restore_end
hal_trap_restore_end:
        .size hal_trap_entry, . - hal_trap_entry

        .section .note.GNU-stack, "", @progbits
