/*
 * setjmp and longjmp for user mode (x86-64), in the kernel's format
 * (hal_jmp_buf): rbx rbp r12 r13 r14 r15 rsp rip. The __try macro's
 * _ntlab_seh_setjmp is this setjmp.
 */
        .text
        .globl _ntlab_seh_setjmp
        .type _ntlab_seh_setjmp, @function
_ntlab_seh_setjmp:
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
        .size _ntlab_seh_setjmp, . - _ntlab_seh_setjmp

/* void ntdll_longjmp(ULONG_PTR *buf, int value) */
        .globl ntdll_longjmp
        .type ntdll_longjmp, @function
ntdll_longjmp:
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
        .size ntdll_longjmp, . - ntdll_longjmp

        .section .note.GNU-stack, "", @progbits
