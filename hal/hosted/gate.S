/*
 * Call gates (hal.h): HAL_CALL_GATES entries of 16 bytes, each loading its
 * number into r11 (scratch, never an argument in the System V ABI) and
 * joining gate_common, which saves the argument registers, rax (a variadic
 * call's vector count) and xmm0-7, calls the handler with (gate, return
 * address, arguments), puts everything back and jumps to the routine the
 * handler returned, leaving the driver's return address on the stack. The
 * frame it builds (rbp) lets a backtrace walk through it.
 */
#define HAL_CALL_GATES 1024
#define ARGS 0      /* rdi, rsi, rdx, rcx, r8, r9, then stack arguments 7, 8 */
#define RAX 64
#define VEC 72      /* xmm0-7 */
#define SAVED 208   /* a multiple of 16: the call below is aligned */

        .text
        .globl hal_call_gates
        .p2align 4
hal_call_gates:
        .set gate, 0
        .rept HAL_CALL_GATES
        .p2align 4
        movl $gate, %r11d
        jmp gate_common
        .set gate, gate + 1
        .endr

        .p2align 4
gate_common:
        pushq %rbp
        movq %rsp, %rbp
        subq $SAVED, %rsp
        movq %rdi, ARGS + 0(%rsp)
        movq %rsi, ARGS + 8(%rsp)
        movq %rdx, ARGS + 16(%rsp)
        movq %rcx, ARGS + 24(%rsp)
        movq %r8, ARGS + 32(%rsp)
        movq %r9, ARGS + 40(%rsp)
        movq 16(%rbp), %rdi
        movq %rdi, ARGS + 48(%rsp)
        movq 24(%rbp), %rdi
        movq %rdi, ARGS + 56(%rsp)
        movq %rax, RAX(%rsp)
        movdqu %xmm0, VEC + 0(%rsp)
        movdqu %xmm1, VEC + 16(%rsp)
        movdqu %xmm2, VEC + 32(%rsp)
        movdqu %xmm3, VEC + 48(%rsp)
        movdqu %xmm4, VEC + 64(%rsp)
        movdqu %xmm5, VEC + 80(%rsp)
        movdqu %xmm6, VEC + 96(%rsp)
        movdqu %xmm7, VEC + 112(%rsp)
        movl %r11d, %edi
        movq 8(%rbp), %rsi
        movq %rsp, %rdx
        call *hal_gate_handler(%rip)
        movq %rax, %r11
        movq ARGS + 0(%rsp), %rdi
        movq ARGS + 8(%rsp), %rsi
        movq ARGS + 16(%rsp), %rdx
        movq ARGS + 24(%rsp), %rcx
        movq ARGS + 32(%rsp), %r8
        movq ARGS + 40(%rsp), %r9
        movq RAX(%rsp), %rax
        movdqu VEC + 0(%rsp), %xmm0
        movdqu VEC + 16(%rsp), %xmm1
        movdqu VEC + 32(%rsp), %xmm2
        movdqu VEC + 48(%rsp), %xmm3
        movdqu VEC + 64(%rsp), %xmm4
        movdqu VEC + 80(%rsp), %xmm5
        movdqu VEC + 96(%rsp), %xmm6
        movdqu VEC + 112(%rsp), %xmm7
        leave
        jmp *%r11

        .section .note.GNU-stack, "", @progbits
