/*
 * printf and friends. Formatting is the kernel's NT-style formatter
 * (kernel/rtl/format.c, built into the user runtime too); output goes to
 * the console through NtDisplayString.
 */
#include <ntdll.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/rtl/rtl.h"

/* Writes n characters of text to the console. */
static void write_text(const char *text, size_t n)
{
    WCHAR wide[256];
    UNICODE_STRING s;
    size_t i, chunk;

    while (n > 0) {
        chunk = n < ARRAYSIZE(wide) ? n : ARRAYSIZE(wide);
        for (i = 0; i < chunk; i++)
            wide[i] = (unsigned char)text[i];
        s.Buffer = wide;
        s.Length = s.MaximumLength = (USHORT)(chunk * sizeof(WCHAR));
        NtDisplayString(&s);
        text += chunk;
        n -= chunk;
    }
}

int vsnprintf(char *buf, size_t size, const char *format, va_list ap)
{
    return (int)rtl_vsnprintf(
        buf, size > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)size, format, ap);
}

int snprintf(char *buf, size_t size, const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vsnprintf(buf, size, format, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vsnprintf(buf, 0x7FFFFFFF, format, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *format, va_list ap)
{
    char small[512], *text = small;
    va_list again;
    int n;

    va_copy(again, ap);
    n = vsnprintf(small, sizeof small, format, ap);
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, format, again);
    va_end(again);
    if (text == NULL)
        text = small, n = (int)sizeof small - 1;
    write_text(text, (size_t)n);
    if (text != small)
        free(text);
    return n;
}

int printf(const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vprintf(format, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    write_text(s, n);
    write_text("\n", 1);
    return 1;
}

int putchar(int c)
{
    char ch = (char)c;

    write_text(&ch, 1);
    return (unsigned char)ch;
}

/* ---- Streams ------------------------------------------------------------- */

struct _ntlab_file {
    int input; /* stdin: reads go to the console's input (crt/stdin.c) */
};
static FILE console = {0};
static FILE console_input = {1};
FILE *const stdout = &console;
FILE *const stderr = &console;
FILE *const stdin = &console_input;

int vfprintf(FILE *stream, const char *format, va_list ap)
{
    (void)stream;
    return vprintf(format, ap);
}

int fprintf(FILE *stream, const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vfprintf(stream, format, ap);
    va_end(ap);
    return n;
}

int fputs(const char *s, FILE *stream)
{
    size_t n = 0;

    (void)stream;
    while (s[n] != '\0')
        n++;
    write_text(s, n);
    return 1;
}

int fputc(int c, FILE *stream)
{
    (void)stream;
    return putchar(c);
}

int fflush(FILE *stream)
{
    (void)stream;
    return 0;
}
