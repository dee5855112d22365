/*
 * The C runtime drivers import: the string, character and conversion
 * routines NT's kernel exports to drivers (declared for them by
 * include/crt/). They are the kernel's own, under crt_ names here, since
 * the hosted kernel shares its process with the host's C library; a
 * driver binds to them by their C names (rtl_crt_find). Wide strings are
 * 16-bit WCHARs, as drivers are built with -fshort-wchar.
 */
#include "rtl.h"

void *memcpy(void *dst, const void *src, SIZE_T n);
void *memmove(void *dst, const void *src, SIZE_T n);
void *memset(void *dst, int c, SIZE_T n);
int memcmp(const void *a, const void *b, SIZE_T n);

/* ---- Characters ---------------------------------------------------------- */

static int crt_isupper(int c) { return c >= 'A' && c <= 'Z'; }
static int crt_islower(int c) { return c >= 'a' && c <= 'z'; }
static int crt_isdigit(int c) { return c >= '0' && c <= '9'; }
static int crt_isalpha(int c) { return crt_isupper(c) || crt_islower(c); }
static int crt_isalnum(int c) { return crt_isalpha(c) || crt_isdigit(c); }
static int crt_isprint(int c) { return c >= 0x20 && c < 0x7F; }

static int crt_isspace(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int crt_isxdigit(int c)
{
    return crt_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int crt_toupper(int c) { return crt_islower(c) ? c - 'a' + 'A' : c; }
static int crt_tolower(int c) { return crt_isupper(c) ? c - 'A' + 'a' : c; }

static WCHAR crt_towupper(WCHAR c) { return RtlUpcaseUnicodeChar(c); }
static WCHAR crt_towlower(WCHAR c) { return RtlDowncaseUnicodeChar(c); }

/* ---- Narrow strings ------------------------------------------------------ */

static SIZE_T crt_strnlen(const char *s, SIZE_T max)
{
    SIZE_T n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

static SIZE_T crt_strlen(const char *s)
{
    return crt_strnlen(s, (SIZE_T)-1);
}

/* Compares at most n characters, each mapped by fold (or none). */
static int compare_narrow(const char *a, const char *b, SIZE_T n,
                          int (*fold)(int))
{
    SIZE_T i;
    int ca, cb;

    for (i = 0; i < n; i++) {
        ca = (unsigned char)a[i];
        cb = (unsigned char)b[i];
        if (fold != NULL) {
            ca = fold(ca);
            cb = fold(cb);
        }
        if (ca != cb || ca == 0)
            return ca - cb;
    }
    return 0;
}

static int crt_strcmp(const char *a, const char *b)
{
    return compare_narrow(a, b, (SIZE_T)-1, NULL);
}

static int crt_strncmp(const char *a, const char *b, SIZE_T n)
{
    return compare_narrow(a, b, n, NULL);
}

static int crt_stricmp(const char *a, const char *b)
{
    return compare_narrow(a, b, (SIZE_T)-1, crt_tolower);
}

static int crt_strnicmp(const char *a, const char *b, SIZE_T n)
{
    return compare_narrow(a, b, n, crt_tolower);
}

static char *crt_strcpy(char *dst, const char *src)
{
    return memcpy(dst, src, crt_strlen(src) + 1);
}

/* C's strncpy: pads with NULs to n, no NUL when src fills it. */
static char *crt_strncpy(char *dst, const char *src, SIZE_T n)
{
    SIZE_T len = crt_strnlen(src, n);

    memcpy(dst, src, len);
    memset(dst + len, 0, n - len);
    return dst;
}

static char *crt_strcat(char *dst, const char *src)
{
    crt_strcpy(dst + crt_strlen(dst), src);
    return dst;
}

/* Appends at most n characters of src, then a NUL. */
static char *crt_strncat(char *dst, const char *src, SIZE_T n)
{
    char *end = dst + crt_strlen(dst);
    SIZE_T len = crt_strnlen(src, n);

    memcpy(end, src, len);
    end[len] = '\0';
    return dst;
}

static char *crt_strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

static char *crt_strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (*s == '\0')
            return (char *)last;
    }
}

static char *crt_strstr(const char *haystack, const char *needle)
{
    return (char *)rtl_strstr(haystack, needle);
}

static void *crt_memchr(const void *s, int c, SIZE_T n)
{
    const unsigned char *p = s;
    SIZE_T i;

    for (i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    }
    return NULL;
}

/* ---- Wide strings -------------------------------------------------------- */

static SIZE_T crt_wcsnlen(const WCHAR *s, SIZE_T max)
{
    SIZE_T n = 0;

    while (n < max && s[n] != 0)
        n++;
    return n;
}

static SIZE_T crt_wcslen(const WCHAR *s)
{
    return crt_wcsnlen(s, (SIZE_T)-1);
}

/* Compares at most n characters, case folded by RtlDowncaseUnicodeChar
 * when fold is set. */
static int compare_wide(const WCHAR *a, const WCHAR *b, SIZE_T n,
                        BOOLEAN fold)
{
    SIZE_T i;
    int ca, cb;

    for (i = 0; i < n; i++) {
        ca = fold ? crt_towlower(a[i]) : a[i];
        cb = fold ? crt_towlower(b[i]) : b[i];
        if (ca != cb || ca == 0)
            return ca - cb;
    }
    return 0;
}

static int crt_wcscmp(const WCHAR *a, const WCHAR *b)
{
    return compare_wide(a, b, (SIZE_T)-1, FALSE);
}

static int crt_wcsncmp(const WCHAR *a, const WCHAR *b, SIZE_T n)
{
    return compare_wide(a, b, n, FALSE);
}

static int crt_wcsicmp(const WCHAR *a, const WCHAR *b)
{
    return compare_wide(a, b, (SIZE_T)-1, TRUE);
}

static int crt_wcsnicmp(const WCHAR *a, const WCHAR *b, SIZE_T n)
{
    return compare_wide(a, b, n, TRUE);
}

static WCHAR *crt_wcscpy(WCHAR *dst, const WCHAR *src)
{
    return memcpy(dst, src, (crt_wcslen(src) + 1) * sizeof(WCHAR));
}

static WCHAR *crt_wcsncpy(WCHAR *dst, const WCHAR *src, SIZE_T n)
{
    SIZE_T len = crt_wcsnlen(src, n);

    memcpy(dst, src, len * sizeof(WCHAR));
    memset(dst + len, 0, (n - len) * sizeof(WCHAR));
    return dst;
}

static WCHAR *crt_wcscat(WCHAR *dst, const WCHAR *src)
{
    crt_wcscpy(dst + crt_wcslen(dst), src);
    return dst;
}

static WCHAR *crt_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (*s == 0)
            return NULL;
    }
}

static WCHAR *crt_wcsrchr(const WCHAR *s, WCHAR c)
{
    const WCHAR *last = NULL;

    for (;; s++) {
        if (*s == c)
            last = s;
        if (*s == 0)
            return (WCHAR *)last;
    }
}

static WCHAR *crt_wcsstr(const WCHAR *haystack, const WCHAR *needle)
{
    SIZE_T n = crt_wcslen(needle);

    for (; *haystack != 0 || n == 0; haystack++) {
        if (compare_wide(haystack, needle, n, FALSE) == 0)
            return (WCHAR *)haystack;
    }
    return NULL;
}

/* ---- Conversions --------------------------------------------------------- */

static int digit_of(int c)
{
    if (crt_isdigit(c))
        return c - '0';
    if (crt_isalpha(c))
        return crt_tolower(c) - 'a' + 10;
    return 99;
}

/* C's strtoul: space, a sign, a 0x or 0 prefix where base allows, digits;
 * *end (if given) after the last one used, or s when there was none. */
static unsigned long crt_strtoul(const char *s, char **end, int base)
{
    const char *p = s, *digits;
    unsigned long v = 0;
    int neg = 0;

    while (crt_isspace(*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' &&
        crt_tolower(p[1]) == 'x' && crt_isxdigit(p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    for (digits = p; digit_of(*p) < base; p++)
        v = v * (unsigned long)base + (unsigned long)digit_of(*p);
    if (end != NULL)
        *end = (char *)(p == digits ? s : p);
    return neg ? -v : v;
}

static long crt_strtol(const char *s, char **end, int base)
{
    return (long)crt_strtoul(s, end, base);
}

static int crt_atoi(const char *s)
{
    return (int)crt_strtol(s, NULL, 10);
}

static long crt_atol(const char *s)
{
    return crt_strtol(s, NULL, 10);
}

/* C's sprintf and vsprintf: no size, so the buffer must hold it all. */
static int crt_vsprintf(char *buf, const char *fmt, va_list ap)
{
    return (int)rtl_vsnprintf(buf, MAXLONG, fmt, ap);
}

static int crt_sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = crt_vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

/* ---- The table ----------------------------------------------------------- */

typedef struct crt_entry {
    const char *name;
    PVOID address;
} crt_entry;

#define CRT(name)       {#name, (PVOID)&crt_##name}
#define CRT_AS(n, fn)   {n, (PVOID)&fn}

static const crt_entry crt_exports[] = {
    CRT_AS("memcmp", memcmp), CRT_AS("memcpy", memcpy),
    CRT_AS("memmove", memmove), CRT_AS("memset", memset),
    CRT(memchr), CRT(strlen), CRT(strnlen), CRT(strcmp), CRT(strncmp),
    CRT_AS("_stricmp", crt_stricmp), CRT_AS("_strnicmp", crt_strnicmp),
    CRT(strcpy), CRT(strncpy), CRT(strcat), CRT(strncat), CRT(strchr),
    CRT(strrchr), CRT(strstr), CRT(wcslen), CRT(wcsnlen), CRT(wcscmp),
    CRT(wcsncmp), CRT_AS("_wcsicmp", crt_wcsicmp),
    CRT_AS("_wcsnicmp", crt_wcsnicmp), CRT(wcscpy), CRT(wcsncpy),
    CRT(wcscat), CRT(wcschr), CRT(wcsrchr), CRT(wcsstr), CRT(isupper),
    CRT(islower), CRT(isdigit), CRT(isalpha), CRT(isalnum), CRT(isprint),
    CRT(isspace), CRT(isxdigit), CRT(toupper), CRT(tolower), CRT(towupper),
    CRT(towlower), CRT(strtoul), CRT(strtol), CRT(atoi), CRT(atol),
    CRT(sprintf), CRT(vsprintf),
};

PVOID rtl_crt_find(const char *name)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(crt_exports); i++) {
        if (rtl_strcmp(name, crt_exports[i].name) == 0)
            return crt_exports[i].address;
    }
    return NULL;
}
