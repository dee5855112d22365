/*
 * Text formatting for the kernel: a small vsnprintf with NT's conventions.
 */
#include "rtl.h"

/* The output being built: characters past room are counted, not stored. */
struct out {
    char *buf;
    ULONG room; /* characters that may be stored */
    ULONG len;
};

/* A conversion's flags, width and precision. */
struct spec {
    BOOLEAN left, zero, plus, space, alt;
    int width;
    int precision; /* -1 when not given */
};

static void put(struct out *o, char c)
{
    if (o->len < o->room)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

/* Puts n characters from get(src, i), padded to the spec's width. */
static void put_text(struct out *o, const struct spec *sp, const void *src,
                     int n, char (*get)(const void *, int))
{
    int i;

    if (sp->precision >= 0 && n > sp->precision)
        n = sp->precision;
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (i = 0; i < n; i++)
        put(o, get(src, i));
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

static char narrow_at(const void *s, int i)
{
    return ((const char *)s)[i];
}

/* Wide characters outside ASCII print as '?'. */
static char wide_at(const void *s, int i)
{
    WCHAR c = ((const WCHAR *)s)[i];

    return c < 0x80 ? (char)c : '?';
}

static int wide_len(const WCHAR *s)
{
    int n = 0;

    while (s[n] != 0)
        n++;
    return n;
}

static void put_number(struct out *o, const struct spec *sp, ULONGLONG v,
                       BOOLEAN negative, unsigned base, BOOLEAN upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len, zeros = 0;
    char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
    const char *prefix = "";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    if (sp->precision == 0 && n == 1 && tmp[0] == '0')
        n = 0;
    if (sp->alt && base == 16)
        prefix = upper ? "0X" : "0x";
    if (sp->precision > n)
        zeros = sp->precision - n;
    len = n + zeros + (sign != 0) + (int)rtl_strlen(prefix);
    if (sp->zero && !sp->left && sp->precision < 0 && sp->width > len) {
        zeros += sp->width - len;
        len = sp->width;
    }
    if (!sp->left)
        pad(o, ' ', sp->width - len);
    if (sign)
        put(o, sign);
    while (*prefix)
        put(o, *prefix++);
    pad(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

/* Parses flags, width and precision at *fmt; advances past them. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){.precision = -1};
    for (;; fmt++) {
        if (*fmt == '-')
            sp->left = TRUE;
        else if (*fmt == '0')
            sp->zero = TRUE;
        else if (*fmt == '+')
            sp->plus = TRUE;
        else if (*fmt == ' ')
            sp->space = TRUE;
        else if (*fmt == '#')
            sp->alt = TRUE;
        else
            break;
    }
    if (*fmt == '*') {
        sp->width = va_arg(*ap, int);
        fmt++;
        if (sp->width < 0) {
            sp->left = TRUE;
            sp->width = -sp->width;
        }
    }
    while (*fmt >= '0' && *fmt <= '9')
        sp->width = sp->width * 10 + (*fmt++ - '0');
    if (*fmt == '.') {
        fmt++;
        sp->precision = 0;
        if (*fmt == '*') {
            sp->precision = va_arg(*ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            sp->precision = sp->precision * 10 + (*fmt++ - '0');
    }
    return fmt;
}

/* Size prefixes, in bytes of the argument: 0 means int. */
static const char *parse_size(const char *fmt, int *size, BOOLEAN *wide)
{
    *size = 0;
    *wide = FALSE;
    if (fmt[0] == 'l' && fmt[1] == 'l') {
        *size = 8;
        return fmt + 2;
    }
    if (fmt[0] == 'I' && fmt[1] == '6' && fmt[2] == '4') {
        *size = 8;
        return fmt + 3;
    }
    if (fmt[0] == 'z' || fmt[0] == 'I') {
        *size = (int)sizeof(void *);
        return fmt + 1;
    }
    if (fmt[0] == 'l' || fmt[0] == 'w') {
        *wide = TRUE; /* %ls and %ws are wide strings; %lx is 32 bits */
        return fmt + 1;
    }
    if (fmt[0] == 'h')
        return fmt + (fmt[1] == 'h' ? 2 : 1);
    return fmt;
}

static ULONGLONG get_unsigned(va_list *ap, int size)
{
    if (size == 8)
        return va_arg(*ap, ULONGLONG);
    if (size == (int)sizeof(void *))
        return va_arg(*ap, ULONG_PTR);
    return va_arg(*ap, unsigned int);
}

static LONGLONG get_signed(va_list *ap, int size)
{
    if (size == 8)
        return va_arg(*ap, LONGLONG);
    if (size == (int)sizeof(void *))
        return va_arg(*ap, LONG_PTR);
    return va_arg(*ap, int);
}

static void put_counted(struct out *o, const struct spec *sp, BOOLEAN wide,
                        const void *str)
{
    const UNICODE_STRING *us = str;
    const ANSI_STRING *as = str;

    if (str == NULL)
        put_text(o, sp, "(null)", 6, narrow_at);
    else if (wide)
        put_text(o, sp, us->Buffer, us->Length / 2, wide_at);
    else
        put_text(o, sp, as->Buffer, as->Length, narrow_at);
}

static void put_string(struct out *o, const struct spec *sp, BOOLEAN wide,
                       const void *str)
{
    if (str == NULL)
        put_text(o, sp, "(null)", 6, narrow_at);
    else if (wide)
        put_text(o, sp, str, wide_len(str), wide_at);
    else
        put_text(o, sp, str, (int)rtl_strlen(str), narrow_at);
}

/* Formats one conversion at *fmt (after the '%'); returns what follows. */
static const char *convert(struct out *o, const char *fmt, va_list *ap)
{
    struct spec sp;
    int size;
    BOOLEAN wide;
    LONGLONG s;

    fmt = parse_size(parse_spec(fmt, &sp, ap), &size, &wide);
    switch (*fmt) {
    case 'd':
    case 'i':
        s = get_signed(ap, size);
        put_number(o, &sp, s < 0 ? 0 - (ULONGLONG)s : (ULONGLONG)s, s < 0, 10,
                   FALSE);
        break;
    case 'u':
        put_number(o, &sp, get_unsigned(ap, size), FALSE, 10, FALSE);
        break;
    case 'x':
    case 'X':
        put_number(o, &sp, get_unsigned(ap, size), FALSE, 16, *fmt == 'X');
        break;
    case 'o':
        put_number(o, &sp, get_unsigned(ap, size), FALSE, 8, FALSE);
        break;
    case 'p': {
        ULONG_PTR p = (ULONG_PTR)va_arg(*ap, void *);

        sp.precision = ((ULONGLONG)p >> 32) != 0 ? 16 : 8;
        put_number(o, &sp, p, FALSE, 16, TRUE);
        break;
    }
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    case 's':
    case 'S':
        put_string(o, &sp, wide || *fmt == 'S', va_arg(*ap, const void *));
        break;
    case 'Z':
        put_counted(o, &sp, wide, va_arg(*ap, const void *));
        break;
    case '%':
        put(o, '%');
        break;
    default:
        put(o, '%');
        if (*fmt == '\0')
            return fmt;
        put(o, *fmt);
        break;
    }
    return fmt + 1;
}

ULONG rtl_vformat(char *buf, ULONG room, const char *fmt, va_list ap)
{
    struct out o = {buf, room, 0};
    va_list args;

    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt != '%')
            put(&o, *fmt++);
        else
            fmt = convert(&o, fmt + 1, &args);
    }
    va_end(args);
    return o.len;
}

ULONG rtl_vsnprintf(char *buf, ULONG size, const char *fmt, va_list ap)
{
    ULONG n = rtl_vformat(buf, size > 0 ? size - 1 : 0, fmt, ap);

    if (size > 0)
        buf[n < size ? n : size - 1] = '\0';
    return n;
}

ULONG rtl_snprintf(char *buf, ULONG size, const char *fmt, ...)
{
    va_list ap;
    ULONG n;

    va_start(ap, fmt);
    n = rtl_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

ULONG rtl_strlen(const char *s)
{
    ULONG n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

int rtl_strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

const char *rtl_tag_text(ULONG tag, char text[5])
{
    ULONG i;

    for (i = 0; i < 4; i++) {
        char c = (char)(tag >> (8 * i));

        text[i] = c >= 0x20 && c < 0x7F ? c : '.';
    }
    text[4] = '\0';
    return text;
}

BOOLEAN rtl_equal_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

        if (x != y)
            return FALSE;
    }
    return *a == *b;
}

BOOLEAN rtl_starts_with(const char *s, const char *prefix)
{
    while (*prefix != '\0') {
        if (*s++ != *prefix++)
            return FALSE;
    }
    return TRUE;
}

const char *rtl_strstr(const char *haystack, const char *needle)
{
    for (; *haystack != '\0'; haystack++) {
        if (rtl_starts_with(haystack, needle))
            return haystack;
    }
    return *needle == '\0' ? haystack : NULL;
}
