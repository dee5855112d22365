/*
 * Console input: stdin and <conio.h>, over the console's input device
 * \??\CONIN$ (include/nt/io.h), opened at the first read. Bytes are read
 * in blocks into a buffer here; _kbhit asks the device how many more are
 * there without waiting.
 */
#include <conio.h>
#include <ntdll.h>
#include <stdio.h>

static HANDLE input;   /* NULL: not opened yet */
static BOOLEAN broken; /* the device could not be opened */
static unsigned char buffer[512];
static ULONG buffered, taken;
static int pushed = EOF; /* ungetc's character */

/* Opens the console's input once; FALSE when it cannot be opened. */
static BOOLEAN open_input(void)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;

    if (input != NULL || broken)
        return input != NULL;
    RtlInitUnicodeString(&name, L"\\??\\CONIN$");
    InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    if (!NT_SUCCESS(NtCreateFile(&input, FILE_READ_DATA | SYNCHRONIZE,
                                 &attributes, &iosb, NULL, 0, FILE_SHARE_READ,
                                 FILE_OPEN, FILE_SYNCHRONOUS_IO_NONALERT, NULL,
                                 0))) {
        input = NULL;
        broken = TRUE;
    }
    return input != NULL;
}

/* The next byte of the console's input, or EOF at its end. */
static int next_byte(void)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS status;

    if (pushed != EOF) {
        int c = pushed;

        pushed = EOF;
        return c;
    }
    if (taken == buffered) {
        if (!open_input())
            return EOF;
        status = NtReadFile(input, NULL, NULL, NULL, &iosb, buffer,
                            sizeof buffer, NULL, NULL);
        if (!NT_SUCCESS(status) || iosb.Information == 0)
            return EOF;
        buffered = (ULONG)iosb.Information;
        taken = 0;
    }
    return buffer[taken++];
}

int fgetc(FILE *stream)
{
    return stream == stdin ? next_byte() : EOF;
}

int getchar(void)
{
    return next_byte();
}

int ungetc(int c, FILE *stream)
{
    if (stream != stdin || c == EOF || pushed != EOF)
        return EOF;
    pushed = (unsigned char)c;
    return pushed;
}

char *fgets(char *s, int size, FILE *stream)
{
    int i = 0, c = 0;

    if (size <= 0 || stream != stdin)
        return NULL;
    while (i < size - 1 && (c = next_byte()) != EOF) {
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    s[i] = '\0';
    return i == 0 && c == EOF ? NULL : s;
}

char *gets_s(char *s, size_t size)
{
    size_t i = 0;
    int c;

    if (s == NULL || size == 0)
        return NULL;
    while ((c = next_byte()) != EOF && c != '\n') {
        if (i + 1 < size)
            s[i] = (char)c;
        i++;
    }
    if ((c == EOF && i == 0) || i + 1 > size) {
        s[0] = '\0';
        return NULL;
    }
    s[i] = '\0';
    return s;
}

int _kbhit(void)
{
    IO_STATUS_BLOCK iosb;
    ULONG ready = 0;

    if (pushed != EOF || taken < buffered)
        return 1;
    if (!open_input() ||
        !NT_SUCCESS(NtDeviceIoControlFile(input, NULL, NULL, NULL, &iosb,
                                          IOCTL_NTLAB_CONSOLE_INPUT_READY,
                                          NULL, 0, &ready, sizeof ready)))
        return 0;
    return ready != 0;
}

int _getch(void)
{
    return next_byte();
}

int _getche(void)
{
    int c = next_byte();

    if (c != EOF)
        putchar(c);
    return c;
}

int _putch(int c)
{
    return putchar(c);
}
