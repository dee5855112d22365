/*
 * The ELF64 structures and constants the kernel's two image loaders read:
 * programs (ps/image.c, static executables) and drivers (mm/sysload.c,
 * shared objects). Only the fields and values they use; the layouts are
 * the x86-64 System V ABI's.
 */
#ifndef KERNEL_RTL_ELF_H
#define KERNEL_RTL_ELF_H

#include <ntddk.h>

#define ET_EXEC            2
#define ET_DYN             3
#define EM_X86_64          62
#define PT_LOAD            1
#define PT_GNU_RELRO       0x6474E552u
#define PF_X               1
#define PF_W               2
#define SHT_SYMTAB         2
#define SHT_RELA           4
#define SHT_DYNSYM         11
#define SHF_ALLOC          2
#define SHN_UNDEF          0
#define SHN_ABS            0xFFF1
#define STB_WEAK           2
#define R_X86_64_NONE      0
#define R_X86_64_64        1
#define R_X86_64_GLOB_DAT  6
#define R_X86_64_JUMP_SLOT 7
#define R_X86_64_RELATIVE  8

typedef struct elf_header {
    UCHAR ident[16];
    USHORT type, machine;
    ULONG version;
    ULONGLONG entry, phoff, shoff;
    ULONG flags;
    USHORT ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf_header;

/* A program header. */
typedef struct elf_segment {
    ULONG type, flags;
    ULONGLONG offset, vaddr, paddr, filesz, memsz, align;
} elf_segment;

typedef struct elf_section {
    ULONG name, type;
    ULONGLONG flags, addr, offset, size;
    ULONG link, info;
    ULONGLONG addralign, entsize;
} elf_section;

typedef struct elf_symbol {
    ULONG name;
    UCHAR info, other;
    USHORT shndx;
    ULONGLONG value, size;
} elf_symbol;

typedef struct elf_rela {
    ULONGLONG offset, info;
    LONGLONG addend;
} elf_rela;

#endif
