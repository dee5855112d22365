/*
 * The formatting routines a driver may call (see string.h), with
 * DbgPrint's conversions (%wZ, %ws ...). There are no files or console
 * streams in the kernel: print with DbgPrint or KdPrint.
 */
#ifndef NTLAB_CRT_STDIO_H
#define NTLAB_CRT_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int sprintf(char *buffer, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
int vsprintf(char *buffer, const char *format, va_list args);
int _snprintf(char *buffer, size_t count, const char *format, ...);
int _vsnprintf(char *buffer, size_t count, const char *format, va_list args);

#endif
