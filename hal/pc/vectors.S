/*
 * The IDT's entry stubs: each pushes an error code (0 where the CPU pushes
 * none) and its vector, then the common path saves the registers as a
 * pc_frame (pc.h), loads the kernel's segments (FS: the KPCR) and calls
 * pc_trap(frame). Returning from it resumes the interrupted code.
 */
#include "pc.h"

    .text
.macro STUB vector, has_error
    .globl pc_vector_\vector
pc_vector_\vector:
    .if \has_error == 0
    pushl $0
    .endif
    pushl $\vector
    jmp pc_trap_common
.endm

    STUB 0, 0
    STUB 1, 0
    STUB 2, 0
    STUB 3, 0
    STUB 4, 0
    STUB 5, 0
    STUB 6, 0
    STUB 7, 0
    STUB 10, 1
    STUB 11, 1
    STUB 12, 1
    STUB 13, 1
    STUB 14, 1
    STUB 16, 0
    STUB 17, 1
    STUB 18, 0
    STUB 19, 0
    .irp v, 0x30,0x31,0x32,0x33,0x34,0x35,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f
    STUB \v, 0
    .endr

/* The double fault's task (a task gate): the CPU switched to its TSS and
 * stack and pushed an error code; it never returns. */
    .globl pc_double_fault_entry
pc_double_fault_entry:
    andl $~15, %esp
    xorl %ebp, %ebp
    call pc_double_fault
1:  cli
    hlt
    jmp 1b

pc_trap_common:
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movw $SEL_R0_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw $SEL_R0_PCR, %ax
    movw %ax, %fs
    cld
    movl %esp, %ebx             /* the frame, kept in a callee-saved */
    andl $~15, %esp             /* register; the call 16-aligned */
    subl $12, %esp
    pushl %ebx
    call pc_trap
    movl %ebx, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp
    iret

    .section .note.GNU-stack, "", @progbits
