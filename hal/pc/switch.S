/*
 * Stack switches, non-local jumps and the guarded copy on i386 (cdecl:
 * EBX, ESI, EDI and EBP are callee-saved).
 */
    .text

/* void hal_context_switch(hal_context *from, hal_context *to): sp is the
 * context's first field. */
    .globl hal_context_switch
hal_context_switch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl (%edx), %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* Where a new context's first switch returns to: EBX holds the context
 * (cpu.c, hal_context_init). */
    .globl pc_context_start
pc_context_start:
    subl $12, %esp
    pushl %ebx
    xorl %ebp, %ebp
    call pc_context_thunk
1:  hlt
    jmp 1b

/* int hal_setjmp(hal_jmp_buf buf): EBX ESI EDI EBP, the stack pointer the
 * caller sees after the return, and the return address. */
    .globl hal_setjmp
hal_setjmp:
    movl 4(%esp), %eax
    movl %ebx, 0(%eax)
    movl %esi, 4(%eax)
    movl %edi, 8(%eax)
    movl %ebp, 12(%eax)
    leal 4(%esp), %ecx
    movl %ecx, 16(%eax)
    movl (%esp), %ecx
    movl %ecx, 20(%eax)
    xorl %eax, %eax
    ret

/* void hal_longjmp(hal_jmp_buf buf, int value) */
    .globl hal_longjmp
hal_longjmp:
    movl 4(%esp), %edx
    movl 8(%esp), %eax
    testl %eax, %eax
    jnz 1f
    incl %eax
1:  movl 0(%edx), %ebx
    movl 4(%edx), %esi
    movl 8(%edx), %edi
    movl 12(%edx), %ebp
    movl 16(%edx), %esp
    jmp *20(%edx)

/* LONG hal_copy_guarded(void *to, const void *from, SIZE_T n): a fault
 * between pc_copy_start and pc_copy_end that the kernel cannot resolve
 * resumes at pc_copy_out with the kernel's result in EAX (trap.c). */
    .globl hal_copy_guarded, pc_copy_start, pc_copy_end, pc_copy_out
hal_copy_guarded:
    pushl %esi
    pushl %edi
    movl 12(%esp), %edi
    movl 16(%esp), %esi
    movl 20(%esp), %ecx
    cld
pc_copy_start:
    rep movsb
pc_copy_end:
    xorl %eax, %eax
pc_copy_out:
    popl %edi
    popl %esi
    ret

    .section .note.GNU-stack, "", @progbits
