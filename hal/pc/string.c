/*
 * The C library routines compiled kernel code calls (the hosted kernel
 * gets them from the host's C library): memcpy, memmove, memset, memcmp.
 */
#include "pc.h"

void *memcpy(void *dst, const void *src, SIZE_T n);
void *memmove(void *dst, const void *src, SIZE_T n);
void *memset(void *dst, int c, SIZE_T n);
int memcmp(const void *a, const void *b, SIZE_T n);

void *memcpy(void *dst, const void *src, SIZE_T n)
{
    void *d = dst;

    __asm__ volatile("rep movsb"
                     : "+D"(d), "+S"(src), "+c"(n)
                     :
                     : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, SIZE_T n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n == 0 || d <= s || d >= s + n)
        return memcpy(dst, src, n);
    /* Overlapping with the destination above: copy from the end down. */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld"
                     : "+D"(d), "+S"(s), "+c"(n)
                     :
                     : "memory");
    return dst;
}

void *memset(void *dst, int c, SIZE_T n)
{
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, SIZE_T n)
{
    const unsigned char *x = a, *y = b;

    for (; n > 0; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}
