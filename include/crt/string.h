/*
 * The C string routines a driver may call, as NT's kernel exports them
 * (the kernel's own: a driver imports them like any other routine). Wide
 * strings are WCHARs (16 bits; drivers are built with -fshort-wchar).
 * This directory (include/crt) is on the driver's include path only;
 * programs get ntlab's user C runtime (user/include) instead.
 */
#ifndef NTLAB_CRT_STRING_H
#define NTLAB_CRT_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int _stricmp(const char *a, const char *b);
int _strnicmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

#include <wchar.h>

#endif
