/*
 * The pc boot: what runs between the multiboot loader and the kernel.
 * pc_start takes what the loader handed over (the command line with the
 * options the host's ntlab wrote, the modules) out of the frames the kernel
 * will own, makes every one of those frames RAM, sets up the CPU and the
 * clock and starts the kernel with its hal_boot_info.
 *
 * The command line is the image's path, then words KEY=VALUE (a VALUE's
 * blanks and '%' written %XX), as tools/ntlab/pc.c writes them.
 */
#include "pc.h"

pc_module pc_modules[PC_MAX_MODULES];
ULONG pc_module_count;
ULONG pc_free_physical, pc_memory_end;


/* The multiboot information (the fields used). */
typedef struct multiboot_info {
    ULONG flags, mem_lower, mem_upper, boot_device, cmdline;
    ULONG mods_count, mods_addr;
} multiboot_info;
#define MB_INFO_MEMORY  0x01u
#define MB_INFO_CMDLINE 0x04u
#define MB_INFO_MODS    0x08u

typedef struct multiboot_module {
    ULONG start, end, string, reserved;
} multiboot_module;

static hal_boot_info boot;
static char command_line[4096];
static char words[4096]; /* the decoded values, NUL-separated */

/* Stops the boot with a one-line reason and exit status 2. */
static void __attribute__((noreturn)) boot_error(const char *why)
{
    static const char prefix[] = "ntlab: pc boot: ";
    ULONG n = 0;

    while (why[n] != '\0')
        n++;
    pc_serial_write(PC_COM1, prefix, sizeof prefix - 1);
    pc_serial_write(PC_COM1, why, n);
    pc_serial_write(PC_COM1, "\n", 1);
    hal_power_off(2);
}

/* Copies the NUL-terminated string at physical pa into buf. */
static void read_string(ULONG pa, char *buf, ULONG size)
{
    ULONG i;

    for (i = 0; i + 1 < size; i++) {
        pc_phys_read(pa + i, &buf[i], 1);
        if (buf[i] == '\0')
            return;
    }
    buf[i] = '\0';
}

static ULONG hex_digit(char c)
{
    return c >= 'a' ? (ULONG)(c - 'a' + 10)
                    : c >= 'A' ? (ULONG)(c - 'A' + 10) : (ULONG)(c - '0');
}

static ULONGLONG number(const char *s)
{
    ULONGLONG v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (ULONGLONG)(*s++ - '0');
    return v;
}

static BOOLEAN same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

/* Sets the boot option key to value (both decoded). */
static void set_option(const char *key, const char *value)
{
    if (same(key, "command"))
        boot.command = value;
    else if (same(key, "argument"))
        boot.argument = value;
    else if (same(key, "memory"))
        boot.ram_pages = (ULONG)number(value);
    else if (same(key, "pagefile"))
        boot.pagefile_pages = (ULONG)number(value);
    else if (same(key, "seed"))
        boot.seed = number(value);
    else if (same(key, "realtime"))
        boot.realtime = TRUE;
    else if (same(key, "trim"))
        boot.trim = TRUE;
    else if (same(key, "strict"))
        boot.strict = TRUE;
    else if (same(key, "pool-report"))
        boot.pool_report = TRUE;
    else if (same(key, "privileges"))
        boot.privileges = (ULONG)number(value);
    else if (same(key, "verifier"))
        boot.verifier = (ULONG)number(value);
    else if (same(key, "verifier-driver"))
        boot.verifier_driver = value;
    else if (same(key, "verifier-special-start"))
        boot.verifier_special_start = TRUE;
    else if (same(key, "verifier-faults"))
        boot.verifier_faults = (ULONG)number(value);
    else if (same(key, "skip"))
        boot.skip = value;
    else if (same(key, "driver") && boot.driver_count < 16)
        boot.drivers[boot.driver_count++] = value;
}

/* Splits the command line into options; the first word is the path. */
static void parse_command_line(void)
{
    const char *p = command_line;
    char *out = words;

    while (*p != '\0' && *p != ' ')
        p++;
    while (*p != '\0') {
        char *key, *value = NULL;

        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        key = out;
        for (; *p != '\0' && *p != ' '; p++) {
            if (*p == '=' && value == NULL) {
                *out++ = '\0';
                value = out;
            } else if (*p == '%' && p[1] != '\0' && p[2] != '\0') {
                *out++ = (char)(hex_digit(p[1]) << 4 | hex_digit(p[2]));
                p += 2;
            } else {
                *out++ = *p;
            }
        }
        *out++ = '\0';
        set_option(key, value != NULL ? value : "");
    }
}

static void read_modules(const multiboot_info *mb)
{
    ULONG i;

    for (i = 0; i < mb->mods_count && i < PC_MAX_MODULES; i++) {
        multiboot_module m;
        char text[256], *name = text, *c;

        pc_phys_read(mb->mods_addr + i * sizeof m, &m, sizeof m);
        read_string(m.string, text, sizeof text);
        for (c = text; *c != '\0' && *c != ' '; c++)
            if (*c == '/')
                name = c + 1;
        *c = '\0';
        for (c = name; *c != '\0' && c - name < 63; c++)
            pc_modules[i].name[c - name] = *c;
        pc_modules[i].start = m.start;
        pc_modules[i].end = m.end;
        if (m.end > pc_free_physical)
            pc_free_physical = m.end;
    }
    pc_module_count = i;
}

/* PCI configuration space of the host bridge (bus 0, device 0). */
static unsigned char bridge_read(ULONG reg)
{
    pc_out32(0xCF8, 0x80000000u | (reg & 0xFC));
    return pc_in8((unsigned short)(0xCFC + (reg & 3)));
}

static void bridge_write(ULONG reg, unsigned char v)
{
    pc_out32(0xCF8, 0x80000000u | (reg & 0xFC));
    pc_out8((unsigned short)(0xCFC + (reg & 3)), v);
}

/*
 * Makes 0xA0000-0xFFFFF RAM, as the kernel's frames 0xA0-0xFF must be:
 * the i440FX's PAM registers (0x59-0x5F) route 0xC0000-0xFFFFF reads and
 * writes to DRAM, and SMRAM's D_OPEN (0x72, bit 6) shows the DRAM under
 * the VGA window. Checked by writing and reading back each frame.
 */
static void open_legacy_hole(void)
{
    ULONG reg, pfn, probe = 0x6E746C62, back;

    bridge_write(0x59, 0x30);
    for (reg = 0x5A; reg <= 0x5F; reg++)
        bridge_write(reg, 0x33);
    bridge_write(0x72, (unsigned char)((bridge_read(0x72) & ~0x10u) | 0x40u));
    for (pfn = 0xA0; pfn < 0x100; pfn++) {
        pc_phys_write((ULONGLONG)pfn << PAGE_SHIFT, &probe, 4);
        pc_phys_read((ULONGLONG)pfn << PAGE_SHIFT, &back, 4);
        if (back != probe)
            boot_error("the memory at 0xA0000-0xFFFFF is not RAM (the pc "
                       "platform needs QEMU's i440FX machine, -M pc)");
    }
}

void pc_start(ULONG magic, ULONG info)
{
    multiboot_info mb;

    pc_serial_init(PC_COM1);
    pc_serial_init(PC_COM2);
    if (magic != MULTIBOOT_LOADER_MAGIC)
        boot_error("not started by a multiboot loader");
    pc_phys_read(info, &mb, sizeof mb);
    if (!(mb.flags & MB_INFO_MEMORY))
        boot_error("the loader gave no memory size");
    pc_memory_end = (mb.mem_upper + 1024) * 1024;
    if (mb.flags & MB_INFO_CMDLINE)
        read_string(mb.cmdline, command_line, sizeof command_line);
    pc_free_physical = (ULONG)pc_image_end - PC_KERNEL_OFFSET;
    if (mb.flags & MB_INFO_MODS)
        read_modules(&mb);
    parse_command_line();
    if (boot.command == NULL || boot.ram_pages < 1024 ||
        boot.ram_pages > (PC_KERNEL_PHYSICAL >> PAGE_SHIFT))
        boot_error("the command line names no command or a bad memory size");
    pc_pagefile_init(boot.pagefile_pages);
    if (pc_free_physical + boot.pagefile_pages * PAGE_SIZE > pc_memory_end ||
        pc_free_physical < PC_KERNEL_PHYSICAL)
        boot_error("the machine's memory is too small for the paging file");
    open_legacy_hole();
    pc_set_ram_pages(boot.ram_pages);
    pc_cpu_init();
    pc_clock_init();
    ki_system_startup(&boot);
}

/* The stack pc_start runs on (entry.S), until the idle thread's. */
static char boot_stack[16384] __attribute__((aligned(16), used));
char *const pc_boot_stack_top_pointer = boot_stack + sizeof boot_stack;
