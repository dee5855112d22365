/*
 * sscanf and sscanf_s: formatted reading from a string (stdio.h says what
 * is understood). One conversion at a time: scan_one reads the input for
 * a directive and stores it through the next argument.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

typedef struct scan {
    const char *in;  /* the input not yet read */
    va_list ap;
    int secure;      /* sscanf_s: a size follows each %c and %s pointer */
    int assigned;
} scan;

typedef struct spec {
    int suppress;    /* '*': read, assign nothing */
    int width;       /* 0: none */
    int size;        /* 'h' -1, none 0, 'l' 1, 'll' 2 */
    char conversion;
} spec;

static void skip_space(scan *s)
{
    while (isspace((unsigned char)*s->in))
        s->in++;
}

static int digit_value(char c, int base)
{
    int v = isdigit((unsigned char)c) ? c - '0'
            : isalpha((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10
                                        : 99;
    return v < base ? v : -1;
}

/* An integer of base (0: by its prefix) in at most limit characters. */
static int read_integer(scan *s, int base, int limit, unsigned long long *v)
{
    const char *p = s->in, *end = s->in + limit, *digits;
    int neg = 0;

    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if ((base == 0 || base == 16) && p + 1 < end && p[0] == '0' &&
        tolower((unsigned char)p[1]) == 'x' && digit_value(p[2], 16) >= 0) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p < end && *p == '0' ? 8 : 10;
    }
    for (*v = 0, digits = p; p < end && digit_value(*p, base) >= 0; p++)
        *v = *v * (unsigned)base + (unsigned)digit_value(*p, base);
    if (p == digits)
        return 0;
    if (neg)
        *v = -*v;
    s->in = p;
    return 1;
}

/* A decimal number with an optional fraction and exponent. */
static int read_real(scan *s, int limit, double *v)
{
    const char *p = s->in, *end = s->in + limit, *start;
    double scale = 1, sign = 1;
    unsigned long long e;
    scan exponent;

    if (p < end && (*p == '+' || *p == '-'))
        sign = *p++ == '-' ? -1 : 1;
    for (*v = 0, start = p; p < end && isdigit((unsigned char)*p); p++)
        *v = *v * 10 + (*p - '0');
    if (p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p); p++)
            *v += (*p - '0') * (scale /= 10);
    if (p == start || (p == start + 1 && *start == '.'))
        return 0;
    exponent.in = p + 1;
    if (p < end && tolower((unsigned char)*p) == 'e' &&
        read_integer(&exponent, 10, (int)(end - p - 1), &e)) {
        for (p = exponent.in; (long long)e > 0; e--)
            *v *= 10;
        for (; (long long)e < 0; e++)
            *v /= 10;
    }
    *v *= sign;
    s->in = p;
    return 1;
}

static void store_integer(scan *s, const spec *f, unsigned long long v)
{
    if (f->size < 0)
        *va_arg(s->ap, short *) = (short)v;
    else if (f->size == 0)
        *va_arg(s->ap, int *) = (int)v;
    else if (f->size == 1)
        *va_arg(s->ap, long *) = (long)v;
    else
        *va_arg(s->ap, long long *) = (long long)v;
}

/* %c (width characters, default 1) and %s (a word): FALSE when it did not
 * fit its sscanf_s size or there was no text. */
static int read_text(scan *s, const spec *f)
{
    int word = f->conversion == 's', max = f->width ? f->width : word ? -1 : 1;
    char *to = f->suppress ? NULL : va_arg(s->ap, char *);
    unsigned room = f->suppress || !s->secure ? ~0u : va_arg(s->ap, unsigned);
    unsigned n = 0;

    while (s->in[n] != '\0' && (max < 0 || (int)n < max) &&
           !(word && isspace((unsigned char)s->in[n])))
        n++;
    if (n == 0 || n + (unsigned)word > room) {
        if (to != NULL && room > 0)
            to[0] = '\0';
        return 0;
    }
    for (unsigned i = 0; to != NULL && i < n; i++)
        to[i] = s->in[i];
    if (to != NULL && word)
        to[n] = '\0';
    s->in += n;
    return 1;
}

/* Reads and stores one conversion; FALSE ends the scan. */
static int scan_one(scan *s, const spec *f)
{
    int limit = f->width ? f->width : 0x7FFFFFFF;
    unsigned long long v;
    double d;

    if (f->conversion != 'c' && f->conversion != 'n')
        skip_space(s);
    switch (f->conversion) {
    case 'd': case 'u': case 'i': case 'x': case 'X': case 'o':
        if (!read_integer(s, f->conversion == 'i'   ? 0
                             : f->conversion == 'o' ? 8
                             : tolower(f->conversion) == 'x' ? 16 : 10,
                          limit, &v))
            return 0;
        if (!f->suppress)
            store_integer(s, f, v);
        break;
    case 'f': case 'e': case 'g': case 'E': case 'G':
        if (!read_real(s, limit, &d))
            return 0;
        if (!f->suppress && f->size > 0)
            *va_arg(s->ap, double *) = d;
        else if (!f->suppress)
            *va_arg(s->ap, float *) = (float)d;
        break;
    case 'c': case 's':
        if (!read_text(s, f))
            return 0;
        break;
    default:
        return 0;
    }
    s->assigned += !f->suppress;
    return 1;
}

/* Reads a directive's flags, width and size after its '%'. */
static const char *parse_spec(const char *fmt, spec *f)
{
    f->suppress = *fmt == '*';
    fmt += f->suppress;
    for (f->width = 0; isdigit((unsigned char)*fmt); fmt++)
        f->width = f->width * 10 + (*fmt - '0');
    for (f->size = 0; *fmt == 'h' || *fmt == 'l'; fmt++)
        f->size += *fmt == 'h' ? -1 : 1;
    f->conversion = *fmt;
    return *fmt != '\0' ? fmt + 1 : fmt;
}

static int scan_format(scan *s, const char *fmt)
{
    const char *start = s->in;
    spec f;

    while (*fmt != '\0') {
        if (isspace((unsigned char)*fmt)) {
            skip_space(s);
            fmt++;
        } else if (*fmt != '%' || fmt[1] == '%') {
            fmt += *fmt == '%';
            if (*s->in != *fmt)
                break;
            s->in++;
            fmt++;
        } else {
            fmt = parse_spec(fmt + 1, &f);
            if (f.conversion == 'n') {
                if (!f.suppress)
                    *va_arg(s->ap, int *) = (int)(s->in - start);
                continue;
            }
            if (*s->in == '\0' && s->assigned == 0)
                return EOF;
            if (!scan_one(s, &f))
                break;
        }
    }
    return s->assigned;
}

int vsscanf(const char *str, const char *format, va_list ap)
{
    scan s = {.in = str, .secure = 0, .assigned = 0};
    int n;

    va_copy(s.ap, ap);
    n = scan_format(&s, format);
    va_end(s.ap);
    return n;
}

int sscanf(const char *str, const char *format, ...)
{
    va_list ap;
    int n;

    va_start(ap, format);
    n = vsscanf(str, format, ap);
    va_end(ap);
    return n;
}

int sscanf_s(const char *str, const char *format, ...)
{
    scan s = {.in = str, .secure = 1, .assigned = 0};
    int n;

    va_start(s.ap, format);
    n = scan_format(&s, format);
    va_end(s.ap);
    return n;
}
