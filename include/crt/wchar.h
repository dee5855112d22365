/*
 * The wide string routines a driver may call (see string.h). wchar_t is
 * 16 bits in drivers (-fshort-wchar), the same as WCHAR.
 */
#ifndef NTLAB_CRT_WCHAR_H
#define NTLAB_CRT_WCHAR_H

#include <stddef.h>

size_t wcslen(const wchar_t *s);
size_t wcsnlen(const wchar_t *s, size_t max);
int wcscmp(const wchar_t *a, const wchar_t *b);
int wcsncmp(const wchar_t *a, const wchar_t *b, size_t n);
int _wcsicmp(const wchar_t *a, const wchar_t *b);
int _wcsnicmp(const wchar_t *a, const wchar_t *b, size_t n);
wchar_t *wcscpy(wchar_t *dst, const wchar_t *src);
wchar_t *wcsncpy(wchar_t *dst, const wchar_t *src, size_t n);
wchar_t *wcscat(wchar_t *dst, const wchar_t *src);
wchar_t *wcschr(const wchar_t *s, wchar_t c);
wchar_t *wcsrchr(const wchar_t *s, wchar_t c);
wchar_t *wcsstr(const wchar_t *haystack, const wchar_t *needle);
wchar_t towupper(wchar_t c);
wchar_t towlower(wchar_t c);

#endif
