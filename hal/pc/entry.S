/*
 * The pc platform's first instructions: the multiboot v1 header, and the
 * entry the loader jumps to with paging off, EAX the multiboot magic and
 * EBX the physical address of the multiboot information.
 *
 * The image is linked at PC_KERNEL_VIRTUAL and loaded at PC_KERNEL_PHYSICAL
 * (ntlab.ld), so until paging is on every address is written as its
 * physical one (PHYS). The entry clears .bss, builds the boot page
 * directory and turns paging on with three mappings, each a 4 MiB page:
 *
 *   0x40000000 -> 0x40000000   identity, only for the jump to virtual
 *   0x82800000 -> 0x40000000   the kernel image (Global)
 *   0x88000000                 the HAL's page table of frame windows
 *                              (pc_window_table, hal/pc/memory.c)
 *
 * then runs pc_start(magic, info) on the boot stack.
 */
#include "pc.h"

#define PHYS(x) ((x) - PC_KERNEL_OFFSET)

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .text.boot, "ax"
    .code32
    .globl pc_entry
pc_entry:
    cli
    cld
    movl %eax, %esi                 /* keep the magic and the info */
    movl %ebx, %ebp
    movl $PHYS(pc_bss_start), %edi
    movl $PHYS(pc_bss_end), %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    movl $PHYS(pc_boot_directory), %edi
    movl $(PC_KERNEL_PHYSICAL | PDE_LARGE_KERNEL), %eax
    movl %eax, (PC_KERNEL_PHYSICAL >> 22) * 4(%edi)
    orl $PC_PTE_GLOBAL, %eax
    movl %eax, (PC_KERNEL_VIRTUAL >> 22) * 4(%edi)
    movl $PHYS(pc_window_table), %eax
    orl $PDE_TABLE_KERNEL, %eax
    movl %eax, (PC_WINDOW_VA >> 22) * 4(%edi)

    movl %cr4, %eax
    orl $(CR4_PSE | CR4_PGE), %eax
    movl %eax, %cr4
    movl %edi, %cr3
    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_NE), %eax
    movl %eax, %cr0
    movl $1f, %eax
    jmp *%eax
1:  /* At the virtual address now: drop the identity mapping. */
    movl $0, pc_boot_directory + (PC_KERNEL_PHYSICAL >> 22) * 4
    movl %cr3, %eax
    movl %eax, %cr3
    movl pc_boot_stack_top_pointer, %esp
    pushl $0                        /* keeps the stack 16-aligned */
    pushl $0
    pushl %ebp                      /* info */
    pushl %esi                      /* magic */
    xorl %ebp, %ebp                 /* a zero frame ends backtraces */
    call pc_start
2:  hlt
    jmp 2b

    .section .note.GNU-stack, "", @progbits
