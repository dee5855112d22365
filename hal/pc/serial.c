/*
 * The 16550 serial ports: COM1 is the console (QEMU's -serial stdio, to
 * the host's ntlab), COM2 the line to the host's ntlab for child boots.
 */
#include "pc.h"

#define LSR 5
#define LSR_DATA  0x01
#define LSR_EMPTY 0x20

void pc_serial_init(unsigned short port)
{
    pc_out8(port + 1, 0x00); /* no interrupts */
    pc_out8(port + 3, 0x80); /* divisor latch */
    pc_out8(port + 0, 0x01); /* 115200 baud */
    pc_out8(port + 1, 0x00);
    pc_out8(port + 3, 0x03); /* 8N1 */
    pc_out8(port + 2, 0xC7); /* FIFOs on, cleared */
    pc_out8(port + 4, 0x03); /* DTR, RTS */
}

void pc_serial_write(unsigned short port, const char *text, ULONG len)
{
    ULONG i;

    for (i = 0; i < len; i++) {
        while (!(pc_in8(port + LSR) & LSR_EMPTY))
            __asm__ volatile("pause");
        pc_out8(port, (unsigned char)text[i]);
    }
}

unsigned char pc_serial_read(unsigned short port)
{
    while (!(pc_in8(port + LSR) & LSR_DATA))
        __asm__ volatile("pause");
    return pc_in8(port);
}

/* ---- The console ---------------------------------------------------------
 * Output goes to COM1. Input: the pc console has none yet (a program's
 * reads see the end of its input at once), and it is not a terminal.
 */
void hal_console_write(const char *text, ULONG len)
{
    pc_serial_write(PC_COM1, text, len);
}

BOOLEAN hal_console_is_terminal(void)
{
    return FALSE;
}

ULONG hal_console_read(void *buf, ULONG len)
{
    UNREFERENCED_PARAMETER(buf);
    UNREFERENCED_PARAMETER(len);
    return 0;
}

ULONG hal_console_input_ready(ULONG wait_ms)
{
    UNREFERENCED_PARAMETER(wait_ms);
    return 0;
}

BOOLEAN hal_console_is_interactive(void)
{
    return FALSE;
}

/* ---- Child boots ------------------------------------------------------------
 * The guest asks on COM2 "child SUITE.NAME\n"; the host's ntlab boots
 * another machine with the same options and --child-test SUITE.NAME, and
 * answers "STATUS LENGTH\n" followed by LENGTH bytes of its console output.
 */
static ULONG read_number(void)
{
    ULONG v = 0;
    unsigned char c;

    while ((c = pc_serial_read(PC_COM2)) >= '0' && c <= '9')
        v = v * 10 + (c - '0');
    return v;
}

int hal_child_boot(const char *test_name, char *out, ULONG size)
{
    ULONG n = 0, status, length, i;

    while (test_name[n] != '\0')
        n++;
    pc_serial_write(PC_COM2, "child ", 6);
    pc_serial_write(PC_COM2, test_name, n);
    pc_serial_write(PC_COM2, "\n", 1);
    status = read_number();
    length = read_number();
    for (i = 0; i < length; i++) {
        char c = (char)pc_serial_read(PC_COM2);

        if (i + 1 < size)
            out[i] = c;
    }
    if (size > 0)
        out[i + 1 < size ? i : size - 1] = '\0';
    return status > 255 ? -1 : (int)status;
}
