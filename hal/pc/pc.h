/*
 * The pc platform's private interfaces: i386 under QEMU (KVM or TCG),
 * booted by multiboot v1. Only files in hal/pc include this; the first
 * part is shared with the assembly files.
 */
#ifndef HAL_PC_H
#define HAL_PC_H

/* ---- Constants (C and assembly) ---------------------------------------- */

#define PC_KERNEL_VIRTUAL  0x82800000
#define PC_KERNEL_PHYSICAL 0x40000000
#define PC_KERNEL_OFFSET   (PC_KERNEL_VIRTUAL - PC_KERNEL_PHYSICAL)
/* 4 MiB of frame windows: a page each, through which hal_phys_* reach a
 * frame of RAM (a free slot in the kernel's layout, between its image
 * range and the page tables). */
#define PC_WINDOW_VA 0x88000000

#define MULTIBOOT_MAGIC        0x1BADB002
#define MULTIBOOT_FLAGS        0x00000003 /* page-aligned modules, memory info */
#define MULTIBOOT_LOADER_MAGIC 0x2BADB002

/* Page directory entries the platform writes itself: V W A D, and L. */
#define PDE_TABLE_KERNEL 0x063
#define PDE_LARGE_KERNEL 0x0E3
#define PC_PTE_GLOBAL    0x100

#define CR0_PE  0x00000001
#define CR0_NE  0x00000020
#define CR0_WP  0x00010000
#define CR0_PG  0x80000000
#define CR4_PSE 0x00000010
#define CR4_PGE 0x00000080

/* NT's x86 selectors (KGDT_*). */
#define SEL_R0_CODE 0x08
#define SEL_R0_DATA 0x10
#define SEL_R3_CODE 0x1B
#define SEL_R3_DATA 0x23
#define SEL_TSS     0x28
#define SEL_R0_PCR  0x30
#define SEL_R3_TEB  0x3B
#define SEL_DF_TSS  0x50

/* The 8259s' vectors, as NT's HAL sets them (PRIMARY_VECTOR_BASE). */
#define PC_IRQ_VECTOR_BASE 0x30

#ifndef __ASSEMBLER__

#include "../hal.h"

/* ---- The boot ------------------------------------------------------------ */

extern ULONG pc_boot_directory[1024];
extern ULONG pc_window_table[1024];
extern char pc_image_start[], pc_image_end[];
void pc_start(ULONG magic, ULONG info) __attribute__((noreturn));

/* What the multiboot loader handed over (boot.c): the command line and
 * the modules, copied out of the frames the kernel will own. */
typedef struct pc_module {
    ULONG start, end; /* physical */
    char name[64];
} pc_module;
#define PC_MAX_MODULES 32
extern pc_module pc_modules[PC_MAX_MODULES];
extern ULONG pc_module_count;
/* The first physical address past the image and the modules, and the end
 * of RAM (from the loader's memory map). */
extern ULONG pc_free_physical, pc_memory_end;

/* ---- Memory (memory.c) ---------------------------------------------------- */

/* Copies between physical memory and kernel memory, any length. */
void pc_phys_read(ULONGLONG pa, void *buf, ULONG len);
void pc_phys_write(ULONGLONG pa, const void *buf, ULONG len);
/* The paging file: a region of physical memory above the kernel's frames
 * (a RAM disk the loader's memory map leaves over). */
void pc_pagefile_init(ULONG pages);
/* Installs the platform's own directory entries (the image, the frame
 * windows) in directory pd_pfn, if it lacks them. */
void pc_mmu_adopt(ULONG pd_pfn);
/* The kernel's RAM in frames (from the command line). */
void pc_set_ram_pages(ULONG pages);

/* ---- The CPU (cpu.c, trap.c) ------------------------------------------------ */

void pc_cpu_init(void);
void pc_trap_init(void);
void pc_clock_init(void);

/* The registers a trap saved, in the order vectors.S pushes them. */
typedef struct pc_frame {
    ULONG gs, fs, es, ds;
    ULONG edi, esi, ebp, esp_pushed, ebx, edx, ecx, eax;
    ULONG vector, error;
    ULONG eip, cs, eflags;
    ULONG user_esp, user_ss; /* only from ring 3 */
} pc_frame;
void pc_trap(pc_frame *frame);
/* The double fault's task loads the page directory cr3 (the active one:
 * hal_mmu_activate keeps it current; 0: the one loaded now). */
void pc_set_double_fault_cr3(ULONG cr3);
void pc_double_fault(void);

/* Port I/O. */
static inline void pc_out8(unsigned short port, unsigned char v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline unsigned char pc_in8(unsigned short port)
{
    unsigned char v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void pc_out32(unsigned short port, ULONG v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* ---- Serial ports (serial.c) --------------------------------------------- */

#define PC_COM1 0x3F8
#define PC_COM2 0x2F8
void pc_serial_init(unsigned short port);
void pc_serial_write(unsigned short port, const char *text, ULONG len);
/* Waits for one byte of input. */
unsigned char pc_serial_read(unsigned short port);

#endif /* __ASSEMBLER__ */
#endif
