/*
 * The kernel's private run-time library: text formatting and console
 * output. No libc is available to kernel/; these are its printf.
 */
#ifndef KERNEL_RTL_H
#define KERNEL_RTL_H

#include <stdarg.h>

#include <ntddk.h>

/*
 * Formats like C's vsnprintf, with NT's size prefixes: l is 32 bits (ULONG),
 * ll and I64 are 64 bits, z and I are pointer-sized. %wZ prints a
 * PUNICODE_STRING, %Z a PANSI_STRING, %ws and %S a PWSTR; %p prints 8 hex
 * digits (16 when the value needs them). Always NUL-terminates when size > 0;
 * returns the length the whole output would have.
 */
ULONG rtl_vsnprintf(char *buf, ULONG size, const char *fmt, va_list ap);
/* The same, storing at most room characters and no NUL. */
ULONG rtl_vformat(char *buf, ULONG room, const char *fmt, va_list ap);
ULONG rtl_snprintf(char *buf, ULONG size, const char *fmt, ...);

/* Memory for the string routines: paged pool in the kernel, the heap in
 * user mode (each side supplies these). */
PVOID rtl_allocate(SIZE_T bytes, ULONG tag);
void rtl_free(PVOID p);

/* The console: everything the kernel and user programs print goes through
 * rtl_console_write; muting it (ntlab's report) drops the text until it is
 * unmuted, and a stop screen unmutes it. */
void rtl_console_write(const char *text, ULONG len);
void rtl_console_mute(BOOLEAN mute);

/* Formats to the console. */
void rtl_print(const char *fmt, ...);
void rtl_vprint(const char *fmt, va_list ap);

/* The name of a status code ("STATUS_ACCESS_DENIED"), or NULL for one
 * ntlab does not define. */
const char *rtl_status_name(NTSTATUS status);

/* Small string helpers (no libc in the kernel). */
ULONG rtl_strlen(const char *s);
int rtl_strcmp(const char *a, const char *b);
/* A pool tag as text, in memory order as poolmon prints it ('corP' is
 * "Proc"), '.' for a byte that does not print; returns text. */
const char *rtl_tag_text(ULONG tag, char text[5]);
/* Are ASCII strings a and b the same but for case? */
BOOLEAN rtl_equal_nocase(const char *a, const char *b);
BOOLEAN rtl_starts_with(const char *s, const char *prefix);
const char *rtl_strstr(const char *haystack, const char *needle);

/* The C runtime routine drivers import as name (strcpy, wcslen, toupper
 * ...; include/crt declares them for drivers), or NULL. */
PVOID rtl_crt_find(const char *name);

#endif
