/*
 * The pc CPU: the GDT with NT's selectors, the TSS, the IDT with NT's trap
 * numbers, the 8259s and the PIT, thread contexts, interrupt masking, the
 * clock and power.
 */
#include "pc.h"

/* ---- Descriptor tables ----------------------------------------------------
 * A segment descriptor (8 bytes): limit 15:0, base 23:0, access byte
 * (P DPL S type), flags (G D/B) with limit 19:16, base 31:24.
 */
typedef struct tss {
    USHORT link, pad0;
    ULONG esp0;
    USHORT ss0, pad1;
    ULONG esp1, ss1, esp2, ss2;
    ULONG cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    ULONG es, cs, ss, ds, fs, gs, ldt;
    USHORT trap, iomap;
} tss;

static ULONGLONG gdt[11] __attribute__((aligned(8)));
static ULONGLONG idt[256] __attribute__((aligned(8)));
static tss main_tss;
/* The double fault's task: its own stack, so that a kernel stack overflow
 * (a fault pushing into the guard page) can still be reported. */
static tss double_fault_tss;
static char double_fault_stack[16384] __attribute__((aligned(16)));
extern void pc_double_fault_entry(void);

static ULONGLONG segment(ULONG base, ULONG limit, ULONG access, ULONG flags)
{
    return (ULONGLONG)(limit & 0xFFFF) | (ULONGLONG)(base & 0xFFFFFF) << 16 |
           (ULONGLONG)access << 40 | (ULONGLONG)((limit >> 16) & 0xF) << 48 |
           (ULONGLONG)flags << 52 | (ULONGLONG)(base >> 24) << 56;
}

#define CODE(dpl)  (0x9A | (dpl) << 5)
#define DATA(dpl)  (0x92 | (dpl) << 5)
#define FLAT_4K    0xC /* 4 KiB granularity, 32-bit */
#define BYTES_32   0x4
#define TSS_AVAIL  0x89

static void load_gdt(void)
{
    struct __attribute__((packed)) { USHORT limit; ULONG base; } d = {
        sizeof gdt - 1, (ULONG)gdt};

    gdt[SEL_R0_CODE / 8] = segment(0, 0xFFFFF, CODE(0), FLAT_4K);
    gdt[SEL_R0_DATA / 8] = segment(0, 0xFFFFF, DATA(0), FLAT_4K);
    gdt[SEL_R3_CODE / 8] = segment(0, 0xFFFFF, CODE(3), FLAT_4K);
    gdt[SEL_R3_DATA / 8] = segment(0, 0xFFFFF, DATA(3), FLAT_4K);
    gdt[SEL_TSS / 8] = segment((ULONG)&main_tss, sizeof main_tss - 1,
                               TSS_AVAIL, 0);
    /* FS in kernel mode: the KPCR, one page, as on x86 NT. */
    gdt[SEL_R0_PCR / 8] = segment(0xFFDFF000u, 0xFFF, DATA(0), BYTES_32);
    /* FS in user mode: the TEB (its base set at each switch to user mode). */
    gdt[SEL_R3_TEB / 8] = segment(0, 0xFFF, DATA(3), BYTES_32);
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss\n\t"
                     "mov %3, %%fs\n\t"
                     "xor %%eax, %%eax\n\t"
                     "mov %%ax, %%gs"
                     :
                     : "m"(d), "i"(SEL_R0_CODE), "r"(SEL_R0_DATA),
                       "r"(SEL_R0_PCR)
                     : "eax", "memory");
    gdt[SEL_DF_TSS / 8] = segment((ULONG)&double_fault_tss,
                                  sizeof double_fault_tss - 1, TSS_AVAIL, 0);
    main_tss.ss0 = SEL_R0_DATA;
    main_tss.iomap = sizeof main_tss;
    double_fault_tss = (tss){
        .eip = (ULONG)pc_double_fault_entry,
        .esp = (ULONG)double_fault_stack + sizeof double_fault_stack,
        .eflags = 0x2, .cs = SEL_R0_CODE, .ss = SEL_R0_DATA,
        .ds = SEL_R0_DATA, .es = SEL_R0_DATA, .fs = SEL_R0_PCR,
        .iomap = sizeof double_fault_tss};
    pc_set_double_fault_cr3(0);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
}

/* An interrupt gate (IF off on entry) at privilege dpl. */
static void set_gate(ULONG vector, void (*handler)(void), ULONG dpl)
{
    ULONG h = (ULONG)handler;

    idt[vector] = (ULONGLONG)(h & 0xFFFF) | (ULONGLONG)SEL_R0_CODE << 16 |
                  (ULONGLONG)(0x8E | dpl << 5) << 40 |
                  (ULONGLONG)(h >> 16) << 48;
}

void pc_set_double_fault_cr3(ULONG cr3)
{
    if (cr3 == 0)
        __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    double_fault_tss.cr3 = cr3;
}

/* The double fault's task runs this (vectors.S): the trap as the kernel
 * sees it, from the state the CPU saved in the main TSS. */
void pc_double_fault(void)
{
    hal_trap trap = {
        .kind = HAL_TRAP_DOUBLE_FAULT,
        .user = (main_tss.cs & 3) != 0,
        .ip = main_tss.eip,
        .sp = main_tss.esp,
        .fp = main_tss.ebp,
    };

    ki_trap(&trap);
    hal_power_off(3);
}

#define VECTOR(n) extern void pc_vector_##n(void)
VECTOR(0); VECTOR(1); VECTOR(2); VECTOR(3); VECTOR(4); VECTOR(5); VECTOR(6);
VECTOR(7); VECTOR(10); VECTOR(11); VECTOR(12); VECTOR(13); VECTOR(14);
VECTOR(16); VECTOR(17); VECTOR(18); VECTOR(19);
VECTOR(0x30); VECTOR(0x31); VECTOR(0x32); VECTOR(0x33); VECTOR(0x34);
VECTOR(0x35); VECTOR(0x36); VECTOR(0x37); VECTOR(0x38); VECTOR(0x39);
VECTOR(0x3a); VECTOR(0x3b); VECTOR(0x3c); VECTOR(0x3d); VECTOR(0x3e);
VECTOR(0x3f);

static void load_idt(void)
{
    static void (*const traps[20])(void) = {
        pc_vector_0,  pc_vector_1,  pc_vector_2,  pc_vector_3,  pc_vector_4,
        pc_vector_5,  pc_vector_6,  pc_vector_7,  NULL,         NULL,
        pc_vector_10, pc_vector_11, pc_vector_12, pc_vector_13, pc_vector_14,
        NULL,         pc_vector_16, pc_vector_17, pc_vector_18, pc_vector_19};
    static void (*const irqs[16])(void) = {
        pc_vector_0x30, pc_vector_0x31, pc_vector_0x32, pc_vector_0x33,
        pc_vector_0x34, pc_vector_0x35, pc_vector_0x36, pc_vector_0x37,
        pc_vector_0x38, pc_vector_0x39, pc_vector_0x3a, pc_vector_0x3b,
        pc_vector_0x3c, pc_vector_0x3d, pc_vector_0x3e, pc_vector_0x3f};
    struct __attribute__((packed)) { USHORT limit; ULONG base; } d = {
        sizeof idt - 1, (ULONG)idt};
    ULONG v;

    for (v = 0; v < 20; v++)
        if (traps[v] != NULL)
            set_gate(v, traps[v], v == 3 ? 3 : 0);
    for (v = 0; v < 16; v++)
        set_gate(PC_IRQ_VECTOR_BASE + v, irqs[v], 0);
    /* Vector 8: a task gate to the double fault's TSS. */
    idt[8] = (ULONGLONG)SEL_DF_TSS << 16 | (ULONGLONG)0x85 << 40;
    __asm__ volatile("lidt %0" : : "m"(d));
}

/* ---- The 8259s and the PIT --------------------------------------------------
 * The PICs are remapped to vectors 0x30-0x3F and every line masked: the
 * kernel's clock is virtual (it advances at checkpoints), and real time is
 * read from the TSC. PIT channel 0 runs at NT's uniprocessor tick (a
 * divisor of 11949: 10.0144 ms) and times the TSC at boot.
 */
#define PIT_HZ      1193182u
#define PIT_DIVISOR 11949u

static void pic_init(void)
{
    pc_out8(0x20, 0x11); /* ICW1: edge, cascade, ICW4 */
    pc_out8(0xA0, 0x11);
    pc_out8(0x21, PC_IRQ_VECTOR_BASE);
    pc_out8(0xA1, PC_IRQ_VECTOR_BASE + 8);
    pc_out8(0x21, 0x04); /* the slave on IRQ 2 */
    pc_out8(0xA1, 0x02);
    pc_out8(0x21, 0x01); /* 8086 mode */
    pc_out8(0xA1, 0x01);
    pc_out8(0x21, 0xFF);
    pc_out8(0xA1, 0xFF);
}

static ULONGLONG rdtsc(void)
{
    ULONG lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (ULONGLONG)hi << 32 | lo;
}

/* Channel 0's current count (it counts down from PIT_DIVISOR). */
static ULONG pit_count(void)
{
    ULONG lo, hi;

    pc_out8(0x43, 0x00); /* latch channel 0 */
    lo = pc_in8(0x40);
    hi = pc_in8(0x40);
    return hi << 8 | lo;
}

static void read_rtc(void);
static ULONGLONG tsc_per_ms;
static ULONGLONG tsc_base;

/* Counts TSC ticks over 5 PIT periods (50 ms of PIT time). */
static void calibrate_tsc(void)
{
    ULONGLONG start;
    ULONG periods = 0, last, now;

    pc_out8(0x43, 0x34); /* channel 0, lo/hi, rate generator */
    pc_out8(0x40, PIT_DIVISOR & 0xFF);
    pc_out8(0x40, PIT_DIVISOR >> 8);
    last = pit_count();
    while ((now = pit_count()) <= last)
        last = now;
    start = rdtsc();
    last = now;
    while (periods < 5) {
        now = pit_count();
        if (now > last)
            periods++;
        last = now;
    }
    tsc_per_ms = (rdtsc() - start) * PIT_HZ / (5ull * PIT_DIVISOR * 1000);
    if (tsc_per_ms == 0)
        tsc_per_ms = 1;
    tsc_base = rdtsc();
}

void pc_clock_init(void)
{
    pic_init();
    calibrate_tsc();
    read_rtc();
}

ULONGLONG hal_clock_ns(void)
{
    ULONGLONG t = rdtsc() - tsc_base;

    return t / tsc_per_ms * 1000000ull + t % tsc_per_ms * 1000000ull / tsc_per_ms;
}

/* ---- The wall clock: the CMOS RTC, read once at boot ---------------------- */

static ULONGLONG boot_time_of_day; /* 100 ns units since 1601-01-01 */

static ULONG cmos(ULONG reg)
{
    pc_out8(0x70, (unsigned char)reg);
    return pc_in8(0x71);
}

static ULONG from_bcd(ULONG v, BOOLEAN bcd)
{
    return bcd ? (v >> 4) * 10 + (v & 15) : v;
}

/* Days from 1601-01-01 to the first of month m (1-12) of year y. */
static ULONG days_before(ULONG y, ULONG m)
{
    static const USHORT cumulative[12] = {0,   31,  59,  90,  120, 151,
                                          181, 212, 243, 273, 304, 334};
    ULONG years = y - 1601;
    ULONG leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return years * 365 + years / 4 - years / 100 + years / 400 +
           cumulative[m - 1] + (m > 2 && leap);
}

static void read_rtc(void)
{
    ULONG status_b, sec, min, hour, day, mon, year;
    BOOLEAN bcd;

    while (cmos(0x0A) & 0x80) /* an update is in progress */
        ;
    status_b = cmos(0x0B);
    bcd = (status_b & 0x04) == 0;
    sec = from_bcd(cmos(0x00), bcd);
    min = from_bcd(cmos(0x02), bcd);
    hour = cmos(0x04);
    day = from_bcd(cmos(0x07), bcd);
    mon = from_bcd(cmos(0x08), bcd);
    year = from_bcd(cmos(0x09), bcd) + 100 * from_bcd(cmos(0x32), bcd);
    if (!(status_b & 0x02) && (hour & 0x80)) /* 12-hour clock, p.m. */
        hour = (from_bcd(hour & 0x7F, bcd) % 12) + 12;
    else
        hour = from_bcd(hour & 0x7F, bcd);
    if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31)
        return;
    boot_time_of_day =
        (((ULONGLONG)(days_before(year, mon) + day - 1) * 24 + hour) * 3600 +
         min * 60 + sec) * 10000000ull;
}

ULONGLONG hal_time_of_day(void)
{
    return boot_time_of_day + hal_clock_ns() / 100;
}

void hal_halt_until(ULONGLONG clock_ns)
{
    while (hal_clock_ns() < clock_ns)
        __asm__ volatile("pause");
}

void pc_cpu_init(void)
{
    load_gdt();
    load_idt();
}

/* ---- Contexts -------------------------------------------------------------- */

/* Room at a kernel stack's base for the user frame (milestone B). */
#define USER_FRAME_SIZE 256

extern char pc_context_start[];
void pc_context_thunk(hal_context *ctx);

void pc_context_thunk(hal_context *ctx)
{
    ctx->entry(ctx->arg);
    hal_power_off(3);
}

void hal_context_init(hal_context *ctx, void *stack_base, void *stack_limit,
                      void (*entry)(void *), void *arg)
{
    ULONG top = ((ULONG)stack_base - USER_FRAME_SIZE) & ~15u;
    ULONG *sp = (ULONG *)(top - 20);

    ctx->stack_base = stack_base;
    ctx->stack_limit = stack_limit;
    ctx->entry = entry;
    ctx->arg = arg;
    ctx->fiber = NULL;
    /* Popped by hal_context_switch: EDI ESI EBX EBP, then the return. */
    sp[0] = 0;
    sp[1] = 0;
    sp[2] = (ULONG)ctx;
    sp[3] = 0;
    sp[4] = (ULONG)pc_context_start;
    ctx->sp = sp;
}

BOOLEAN hal_context_frame(const hal_context *ctx, ULONG_PTR *ip, ULONG_PTR *fp)
{
    const ULONG *sp = ctx->sp;

    /* The words hal_context_switch pushed: EDI ESI EBX EBP, the return. */
    if (sp == NULL || sp[4] == (ULONG)pc_context_start)
        return FALSE;
    *ip = sp[4];
    *fp = sp[3];
    return TRUE;
}

void hal_set_kernel_stack(void *stack_base)
{
    main_tss.esp0 = (ULONG)stack_base - USER_FRAME_SIZE;
}

BOOLEAN hal_interrupts_disable(void)
{
    ULONG flags;

    __asm__ volatile("pushfl\n\tpopl %0\n\tcli" : "=r"(flags) : : "memory");
    return (flags & 0x200) != 0;
}

void hal_interrupts_restore(BOOLEAN enabled)
{
    if (enabled)
        __asm__ volatile("sti" : : : "memory");
    else
        __asm__ volatile("cli" : : : "memory");
}

/*
 * isa-debug-exit at port 0xF4: QEMU exits with (value << 1) | 1. The value
 * is 0x10 + status for ntlab's statuses 0 to 5 (QEMU's own failures exit
 * with 1, which must not read as a status); any other status is said on
 * COM2 first ("exit N") and the value is 0x16. tools/ntlab/pc.c turns it
 * back into the status.
 */
static BOOLEAN program_ended;
static ULONG program_status;

void hal_program_exited(ULONG exit_status)
{
    program_ended = TRUE;
    program_status = exit_status;
}

void hal_power_off(int status)
{
    char line[16];
    ULONG n = sizeof line, v = (ULONG)status;

    /* As hosted: a run whose program ended exits with the program's
     * status (1 when it is above 255). */
    if (status == 0 && program_ended)
        v = program_status > 255 ? 1 : program_status;

    if (v > 5) {
        line[--n] = '\n';
        do
            line[--n] = (char)('0' + v % 10);
        while ((v /= 10) != 0);
        pc_serial_write(PC_COM2, "exit ", 5);
        pc_serial_write(PC_COM2, line + n, sizeof line - n);
        v = 6;
    }
    pc_out32(0xF4, 0x10 + v);
    for (;;)
        __asm__ volatile("cli; hlt");
}
