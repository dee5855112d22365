/*
 * The rest of the C runtime: the heap's C face, numbers, and the end of
 * the program.
 */
#include <ntdll.h>
#include <stdlib.h>
#include <string.h>

void *malloc(size_t size)
{
    return RtlAllocateHeap(NULL, 0, size);
}

void *calloc(size_t count, size_t size)
{
    if (size != 0 && count > (size_t)-1 / size)
        return NULL;
    return RtlAllocateHeap(NULL, HEAP_ZERO_MEMORY, count * size);
}

void free(void *p)
{
    RtlFreeHeap(NULL, 0, p);
}

void *realloc(void *p, size_t size)
{
    void *q;
    SIZE_T old;

    if (p == NULL)
        return malloc(size);
    old = RtlSizeHeap(NULL, 0, p);
    q = malloc(size);
    if (q != NULL) {
        memcpy(q, p, old < size ? old : size);
        free(p);
    }
    return q;
}

static int digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;
    int d, negative = 0;

    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (*s == '+' || *s == '-')
        negative = *s++ == '-';
    if ((base == 0 || base == 16) && s[0] == '0' &&
        (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    for (; (d = digit(*s)) < base; s++)
        v = v * (unsigned long)base + (unsigned long)d;
    if (end != NULL)
        *end = (char *)s;
    return negative ? 0ul - v : v;
}

long strtol(const char *s, char **end, int base)
{
    return (long)strtoul(s, end, base);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

int abs(int x)
{
    return x < 0 ? -x : x;
}

void exit(int status)
{
    NtTerminateProcess(NULL, status); /* the other threads */
    NtTerminateProcess(NtCurrentProcess(), status);
    for (;;)
        ;
}

void abort(void)
{
    exit(3);
}
