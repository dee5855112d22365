/*
 * The few instructions the hosted platform needs in assembly (x86-64, System
 * V ABI): the thread switch, the first frame of a new thread, and the trap
 * entry and exit around hal_trap_dispatch. Offsets into the trap frame are
 * those of struct trap_frame in trap.c.
 */
#define FPU_OFF 256
#define F_R12 32
#define F_R13 40
#define F_R14 48
#define F_R15 56
#define F_RBP 80
#define F_RBX 88
#define F_RAX 104
#define F_RSP 120
#define F_RIP 128
#define F_EFLAGS 136
#define F_USER 144
#define F_FPU_VALID 160
#define F_REPLACED 168
/* ucontext_t: uc_mcontext.gregs[REG_RIP] (trap.c checks it). */
#define UC_RIP 168
#define EFLAGS_TF 0x100
#define EFLAGS_AC 0x40000
#define SYS_arch_prctl 158
#define ARCH_SET_FS 0x1002

        .text

/*
 * void hal_switch_stacks(void **save_sp, void *new_sp)
 * Saves the callee-saved registers and the floating-point control words
 * (MXCSR, the x87 control word: callee-saved too, and a thread's own) on
 * this stack, stores the stack pointer in *save_sp, and resumes the stack
 * new_sp, which was left the same way.
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
        subq $8, %rsp
        stmxcsr (%rsp)
        fnstcw 4(%rsp)
        movq %rsp, (%rdi)
        movq %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw 4(%rsp)
        addq $8, %rsp
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

/* int hal_setjmp(hal_jmp_buf buf): buf = rbx rbp r12 r13 r14 r15 rsp rip. */
        .globl hal_setjmp
        .type hal_setjmp, @function
hal_setjmp:
        movq %rbx, 0(%rdi)
        movq %rbp, 8(%rdi)
        movq %r12, 16(%rdi)
        movq %r13, 24(%rdi)
        movq %r14, 32(%rdi)
        movq %r15, 40(%rdi)
        leaq 8(%rsp), %rax
        movq %rax, 48(%rdi)
        movq (%rsp), %rax
        movq %rax, 56(%rdi)
        xorl %eax, %eax
        ret
        .size hal_setjmp, . - hal_setjmp

/* void hal_longjmp(hal_jmp_buf buf, int value) */
        .globl hal_longjmp
        .type hal_longjmp, @function
hal_longjmp:
        movl %esi, %eax
        testl %eax, %eax
        jnz 1f
        incl %eax
1:      movq 0(%rdi), %rbx
        movq 8(%rdi), %rbp
        movq 16(%rdi), %r12
        movq 24(%rdi), %r13
        movq 32(%rdi), %r14
        movq 40(%rdi), %r15
        movq 48(%rdi), %rsp
        jmp *56(%rdi)
        .size hal_longjmp, . - hal_longjmp

/*
 * void hal_signal_entry(int sig, siginfo_t *si, ucontext_t *uc)
 * The handler of every trap signal; it calls hal_on_signal (trap.c) once
 * two things the interrupted code may have left are undone, which C code
 * cannot survive:
 *   - EFLAGS.AC, which Linux keeps in the handler (C code may access
 *     misaligned data);
 *   - a thread pointer (FS base) guest code took from the host's C library
 *     by loading FS: it is put back. The check reads the thread's self
 *     pointer through FS; if that faults (FS base 0), the fault arrives here
 *     nested (SIGSEGV is never blocked), repairs FS and restarts the check.
 * hal_signal_depth counts the handlers running (trap.c refuses nesting).
 */
        .globl hal_signal_entry
        .type hal_signal_entry, @function
hal_signal_entry:
        pushfq
        andq $~EFLAGS_AC, (%rsp)
        popfq
        leaq hal_fs_probe_signal(%rip), %rax
        cmpq %rax, UC_RIP(%rdx)
        je 2f
        leaq hal_fs_probe_syscall(%rip), %rax
        cmpq %rax, UC_RIP(%rdx)
        je 2f
        .globl hal_fs_probe_signal
hal_fs_probe_signal:
        movq %fs:0, %rax
        cmpq hal_host_fs(%rip), %rax
        je 1f
        callq hal_fs_repair
1:      subq $8, %rsp
        incl hal_signal_depth(%rip)
        callq hal_on_signal
        decl hal_signal_depth(%rip)
        addq $8, %rsp
        ret
        /* A check faulted: FS is repaired, and the check runs again. */
2:      callq hal_fs_repair
        ret
        .size hal_signal_entry, . - hal_signal_entry

/* Puts the host's thread pointer back in FS; keeps every register but
 * rax (arch_prctl, a system call from ntlab's own code). */
        .type hal_fs_repair, @function
hal_fs_repair:
        pushq %rdi
        pushq %rsi
        pushq %rdx
        pushq %rcx
        pushq %r11
        movl $SYS_arch_prctl, %eax
        movl $ARCH_SET_FS, %edi
        movq hal_host_fs(%rip), %rsi
        syscall
        popq %r11
        popq %rcx
        popq %rdx
        popq %rsi
        popq %rdi
        ret
        .size hal_fs_repair, . - hal_fs_repair

/*
 * Entered by the signal return with rsp at a trap frame that holds the
 * interrupted general registers. The vector state is still the interrupted
 * code's: save it first, then dispatch, then put everything back and resume
 * with iretq from a frame built below the trap frame (so that rip, rsp and
 * the flags, TF and AC included, are loaded at once, and the interrupted
 * stack's red zone is not touched).
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
2:      movq $1, F_FPU_VALID(%rsp)
        movq %rsp, %rdi
        callq hal_trap_dispatch
        .globl hal_trap_restore_begin
hal_trap_restore_begin:
        cmpq $0, F_FPU_VALID(%rsp)
        je 4f
        cmpl $0, hal_use_xsave(%rip)
        je 3f
        movl $-1, %eax
        movl $-1, %edx
        xrstor64 FPU_OFF(%rsp)
        jmp 4f
3:      fxrstor64 FPU_OFF(%rsp)
4:      movq F_USER(%rsp), %rax /* the mode we go back to, set last */
        movb %al, cpu_user_mode(%rip)
        pushq hal_user_ss(%rip)
        pushq F_RSP+8(%rsp)
        pushq F_EFLAGS+16(%rsp)
        pushq hal_user_cs(%rip)
        pushq F_RIP+32(%rsp)
        movq 40+0(%rsp), %r8
        movq 40+8(%rsp), %r9
        movq 40+16(%rsp), %r10
        movq 40+24(%rsp), %r11
        movq 40+32(%rsp), %r12
        movq 40+40(%rsp), %r13
        movq 40+48(%rsp), %r14
        movq 40+56(%rsp), %r15
        movq 40+64(%rsp), %rdi
        movq 40+72(%rsp), %rsi
        movq 40+80(%rsp), %rbp
        movq 40+88(%rsp), %rbx
        movq 40+96(%rsp), %rdx
        movq 40+104(%rsp), %rax
        movq 40+112(%rsp), %rcx
        .globl hal_trap_iret
hal_trap_iret:
        iretq
        .globl hal_trap_restore_end
hal_trap_restore_end:
        .size hal_trap_entry, . - hal_trap_entry

/*
 * NTSTATUS hal_syscall_entry(ULONG number, const ULONG_PTR *args)
 * Called by user code (through KUSER_SHARED_DATA's SystemCall slot) on its
 * own stack. Saves what the caller expects kept (callee-saved registers,
 * the stack pointer after return, the return address, the flags) in the
 * user frame at the base of the kernel stack, runs the call there, and
 * leaves through the trap restore path with the frame's registers.
 */
        .globl hal_syscall_entry
        .type hal_syscall_entry, @function
hal_syscall_entry:
        /* The caller's flags first. With TF set, each instruction until
         * the flags are cleared traps, and with AC set a misaligned access
         * does: the signal handler clears the flag and resumes (trap.c). */
        pushfq
        popq %r11
        testl $(EFLAGS_TF | EFLAGS_AC), %r11d
        jz 1f
        pushq $2
        popfq
        /* The return address, read in user mode: a bad stack pointer is
         * the program's fault, not the kernel's. */
1:      movq (%rsp), %r10
        /* In kernel mode from here: under --strict the frame's page is
         * not mapped, and its fault must be a kernel one. */
        movb $0, cpu_user_mode(%rip)
        movq %rsp, %rax
        movq cpu_user_frame(%rip), %rsp
        movq %r12, F_R12(%rsp)
        movq %r13, F_R13(%rsp)
        movq %r14, F_R14(%rsp)
        movq %r15, F_R15(%rsp)
        movq %rbp, F_RBP(%rsp)
        movq %rbx, F_RBX(%rsp)
        movq %r10, F_RIP(%rsp)
        leaq 8(%rax), %rcx
        movq %rcx, F_RSP(%rsp)
        movq %r11, F_EFLAGS(%rsp)
        movq $1, F_USER(%rsp)
        movq $0, F_FPU_VALID(%rsp)
        movq $0, F_REPLACED(%rsp)
        cld
        /* The host's thread pointer, which guest code may have taken by
         * loading FS (see hal_signal_entry). */
        .globl hal_fs_probe_syscall
hal_fs_probe_syscall:
        movq %fs:0, %rax
        cmpq hal_host_fs(%rip), %rax
        je 2f
        callq hal_fs_repair
2:      movq %rsp, %rdx
        callq hal_syscall_dispatch
        /* TF or AC to give back: the flags must be loaded with the rest. */
        testl $(EFLAGS_TF | EFLAGS_AC), F_EFLAGS(%rsp)
        jnz hal_trap_restore_begin
        cmpq $0, F_REPLACED(%rsp)
        jne hal_trap_restore_begin
        /* The usual way back: only what the caller expects kept (the
         * flags and scratch registers are not), and a return through the
         * return address still on the user stack. */
        movq F_R12(%rsp), %r12
        movq F_R13(%rsp), %r13
        movq F_R14(%rsp), %r14
        movq F_R15(%rsp), %r15
        movq F_RBP(%rsp), %rbp
        movq F_RBX(%rsp), %rbx
        movq F_RAX(%rsp), %rax
        movq F_RSP(%rsp), %rsp
        subq $8, %rsp
        movb $1, cpu_user_mode(%rip)
        ret
        .size hal_syscall_entry, . - hal_syscall_entry

/* void hal_user_resume(struct trap_frame *frame): leaves for user mode with
 * frame's registers (the first entry to user mode). */
        .globl hal_user_resume
        .type hal_user_resume, @function
hal_user_resume:
        movq %rdi, %rsp
        jmp hal_trap_restore_begin
        .size hal_user_resume, . - hal_user_resume

/* LONG hal_copy_guarded(void *to, const void *from, size_t n): copies n
 * bytes and returns 0; an access the kernel cannot resolve makes the trap
 * code resume at hal_copy_fault with eax holding the kernel's result
 * (hal_trap_fixup), which it returns. */
        .globl hal_copy_guarded
        .type hal_copy_guarded, @function
        .globl hal_copy_fault
        .globl hal_copy_guarded_end
hal_copy_guarded:
        cmpq $64, %rdx
        ja 3f
        /* Small copies (most): eight bytes at a time, then bytes. */
1:      cmpq $8, %rdx
        jb 2f
        movq (%rsi), %rax
        movq %rax, (%rdi)
        addq $8, %rsi
        addq $8, %rdi
        subq $8, %rdx
        jmp 1b
2:      testq %rdx, %rdx
        jz 4f
        movb (%rsi), %al
        movb %al, (%rdi)
        incq %rsi
        incq %rdi
        decq %rdx
        jmp 2b
3:      movq %rdx, %rcx
        rep movsb
4:      xorl %eax, %eax
        ret
hal_copy_guarded_end:
hal_copy_fault:
        ret
        .size hal_copy_guarded, . - hal_copy_guarded

        .section .note.GNU-stack, "", @progbits
