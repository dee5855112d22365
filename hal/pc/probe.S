/*
 * The KVM probe (build/pc/kvm-probe.elf): a multiboot image that turns on
 * 32-bit non-PAE paging, as the pc kernel does at its entry, and exits
 * through isa-debug-exit with 0x10 (QEMU's status 33). Some KVM
 * implementations cannot run such a guest (the CPU resets instead); the
 * host's ntlab boots this first and falls back to TCG when it fails.
 */
#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS 0x00000003

    .text
    .code32
    .balign 4
    .long MULTIBOOT_MAGIC, MULTIBOOT_FLAGS, -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
    .globl probe_entry
probe_entry:
    /* A page table identity-mapping the first 4 MiB, and a directory. */
    movl $table, %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    orl $0x63, %eax
    movl %eax, (%edi, %ecx, 4)
    incl %ecx
    cmpl $1024, %ecx
    jne 1b
    movl $table, %eax
    orl $0x63, %eax
    movl %eax, directory
    movl $directory, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax       /* PG, WP */
    movl %eax, %cr0
    movl $0x10, %eax
    outl %eax, $0xF4
2:  cli
    hlt
    jmp 2b

    .bss
    .balign 4096
directory: .fill 1024, 4, 0
table:     .fill 1024, 4, 0

    .section .note.GNU-stack, "", @progbits
