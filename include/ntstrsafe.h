/*
 * ntstrsafe.h, the bounded string routines drivers use instead of the C
 * library's: every result is NUL-terminated and fits its buffer, and a
 * text that does not fit is cut and reported with STATUS_BUFFER_OVERFLOW.
 * A buffer size of 0 or above NTSTRSAFE_MAX_CCH characters is
 * STATUS_INVALID_PARAMETER. The Cch forms count characters, the Cb forms
 * bytes. ntlab has the narrow (A) forms: Printf, VPrintf, Copy, Cat and
 * Length. Any IRQL the formats allow (see DbgPrint).
 */
#ifndef NTSTRSAFE_H
#define NTSTRSAFE_H

#include <ntddk.h>

#define NTSTRSAFE_MAX_CCH 2147483647

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;

static inline NTSTATUS RtlStringCchVPrintfA(NTSTRSAFE_PSTR pszDest,
                                            size_t cchDest,
                                            NTSTRSAFE_PCSTR pszFormat,
                                            va_list argList)
{
    int n;

    if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    n = _vsnprintf(pszDest, cchDest - 1, pszFormat, argList);
    pszDest[cchDest - 1] = '\0';
    return n < 0 ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

static inline NTSTATUS RtlStringCbVPrintfA(NTSTRSAFE_PSTR pszDest,
                                           size_t cbDest,
                                           NTSTRSAFE_PCSTR pszFormat,
                                           va_list argList)
{
    return RtlStringCchVPrintfA(pszDest, cbDest, pszFormat, argList);
}

static inline NTSTATUS RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest,
                                           size_t cchDest,
                                           NTSTRSAFE_PCSTR pszFormat, ...)
    __attribute__((format(printf, 3, 4)));
static inline NTSTATUS RtlStringCchPrintfA(NTSTRSAFE_PSTR pszDest,
                                           size_t cchDest,
                                           NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;

    va_start(ap, pszFormat);
    status = RtlStringCchVPrintfA(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return status;
}

static inline NTSTATUS RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest,
                                          size_t cbDest,
                                          NTSTRSAFE_PCSTR pszFormat, ...)
    __attribute__((format(printf, 3, 4)));
static inline NTSTATUS RtlStringCbPrintfA(NTSTRSAFE_PSTR pszDest,
                                          size_t cbDest,
                                          NTSTRSAFE_PCSTR pszFormat, ...)
{
    va_list ap;
    NTSTATUS status;

    va_start(ap, pszFormat);
    status = RtlStringCchVPrintfA(pszDest, cbDest, pszFormat, ap);
    va_end(ap);
    return status;
}

/* Copies pszSrc after the first `used` characters of pszDest. */
static inline NTSTATUS NtlabStringCopyAtA(NTSTRSAFE_PSTR pszDest,
                                          size_t cchDest, size_t used,
                                          NTSTRSAFE_PCSTR pszSrc)
{
    size_t i = used;

    while (i + 1 < cchDest && *pszSrc != '\0')
        pszDest[i++] = *pszSrc++;
    pszDest[i] = '\0';
    return *pszSrc == '\0' ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
}

static inline NTSTATUS RtlStringCchCopyA(NTSTRSAFE_PSTR pszDest,
                                         size_t cchDest,
                                         NTSTRSAFE_PCSTR pszSrc)
{
    if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)
        return STATUS_INVALID_PARAMETER;
    return NtlabStringCopyAtA(pszDest, cchDest, 0, pszSrc);
}

static inline NTSTATUS RtlStringCbCopyA(NTSTRSAFE_PSTR pszDest, size_t cbDest,
                                        NTSTRSAFE_PCSTR pszSrc)
{
    return RtlStringCchCopyA(pszDest, cbDest, pszSrc);
}

/* The length of psz, if it ends within cchMax characters (else
 * STATUS_INVALID_PARAMETER and 0). pcchLength may be NULL. */
static inline NTSTATUS RtlStringCchLengthA(NTSTRSAFE_PCSTR psz, size_t cchMax,
                                           size_t *pcchLength)
{
    size_t n = 0;

    if (psz != NULL && cchMax <= NTSTRSAFE_MAX_CCH)
        while (n < cchMax && psz[n] != '\0')
            n++;
    if (psz == NULL || cchMax > NTSTRSAFE_MAX_CCH || n == cchMax) {
        if (pcchLength != NULL)
            *pcchLength = 0;
        return STATUS_INVALID_PARAMETER;
    }
    if (pcchLength != NULL)
        *pcchLength = n;
    return STATUS_SUCCESS;
}

static inline NTSTATUS RtlStringCbLengthA(NTSTRSAFE_PCSTR psz, size_t cbMax,
                                          size_t *pcbLength)
{
    return RtlStringCchLengthA(psz, cbMax, pcbLength);
}

/* Appends pszSrc; pszDest must already end within cchDest characters. */
static inline NTSTATUS RtlStringCchCatA(NTSTRSAFE_PSTR pszDest,
                                        size_t cchDest, NTSTRSAFE_PCSTR pszSrc)
{
    size_t used;
    NTSTATUS status = RtlStringCchLengthA(pszDest, cchDest, &used);

    if (!NT_SUCCESS(status))
        return status;
    return NtlabStringCopyAtA(pszDest, cchDest, used, pszSrc);
}

static inline NTSTATUS RtlStringCbCatA(NTSTRSAFE_PSTR pszDest, size_t cbDest,
                                       NTSTRSAFE_PCSTR pszSrc)
{
    return RtlStringCchCatA(pszDest, cbDest, pszSrc);
}

#endif
