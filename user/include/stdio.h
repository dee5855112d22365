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

/*
 * Streams: stdout and stderr are both the console (ntlab has one), and
 * writes to them are not buffered, so fflush has nothing to do. stdin is
 * the console's input (\\.\CONIN$: ntlab's standard input; when that is
 * not a terminal it is read whole at the first read, so a run sees the
 * same input whenever it arrived). getchar, fgetc, getc and fgets read
 * it; EOF at its end; ungetc gives one character back. gets_s reads a
 * line without its '\n' into a buffer of size characters (NULL, with the
 * buffer emptied, when it does not fit or the input has ended).
 */
typedef struct _ntlab_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;
extern FILE *const stdin;
int getchar(void);
int fgetc(FILE *stream);
#define getc(stream) fgetc(stream)
int ungetc(int c, FILE *stream);
char *fgets(char *s, int size, FILE *stream);
char *gets_s(char *s, size_t size);
int fprintf(FILE *stream, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *stream, const char *format, va_list ap);
int fputs(const char *s, FILE *stream);
int fputc(int c, FILE *stream);
#define putc(c, stream) fputc(c, stream)
int fflush(FILE *stream);

/*
 * Reading formatted text from a string: %d %i %u %x %o %c %s %[ is not
 * taken], with the h, l and ll sizes, %f %e %g (float, or double with l),
 * %n, %% and * (assign nothing). Returns the number of fields assigned,
 * or EOF when the input ended before the first. sscanf_s is the same with
 * a buffer size (an unsigned int) after each %c and %s pointer; a text
 * that does not fit stores an empty string and ends the scan.
 */
int sscanf(const char *s, const char *format, ...);
int vsscanf(const char *s, const char *format, va_list ap);
int sscanf_s(const char *s, const char *format, ...);

#endif
