/*
 * ntstrsafe.h, the bounded string routines drivers use instead of the C
 * library's: every result is NUL-terminated and fits its buffer, and a
 * text that does not fit is cut and reported with STATUS_BUFFER_OVERFLOW.
 * A buffer size of 0 or above NTSTRSAFE_MAX_CCH characters is
 * STATUS_INVALID_PARAMETER. The Cch forms count characters, the Cb forms
 * bytes. ntlab has Copy, CopyN, Cat, CatN and Length in both narrow (A)
 * and wide (W) forms, and Printf and VPrintf in the narrow form only. Any
 * IRQL the formats allow (see DbgPrint).
 */
#ifndef NTSTRSAFE_H
#define NTSTRSAFE_H

#include <ntddk.h>
#include <nt/strsafe.h>

typedef char *NTSTRSAFE_PSTR;
typedef const char *NTSTRSAFE_PCSTR;
typedef WCHAR *NTSTRSAFE_PWSTR;
typedef const WCHAR *NTSTRSAFE_PCWSTR;

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

/* Copy, CopyN, Cat, CatN and Length, narrow (A) and wide (W). */
NTLAB_STRSAFE_FORMS(RtlString, A, char, NTSTATUS, STATUS_SUCCESS,
                    STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER)
NTLAB_STRSAFE_FORMS(RtlString, W, WCHAR, NTSTATUS, STATUS_SUCCESS,
                    STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER)

#endif
