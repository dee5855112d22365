/* ntlab's user C runtime: formatted output to the console (through
 * NtDisplayString). The formats are the kernel's (NT-style: %wZ for a
 * PUNICODE_STRING, %ws for a wide string, %p, %I64x ...). */
#ifndef NTLAB_STDIO_H
#define NTLAB_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *format, va_list ap);
int snprintf(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *format, va_list ap);
int sprintf(char *buf, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
int puts(const char *s);
int putchar(int c);

#endif
