/*
 * strsafe.h, the bounded string routines of user mode (ntstrsafe.h's
 * counterparts, returning an HRESULT): every result is NUL-terminated and
 * fits its buffer; a text that did not fit is cut and reported with
 * STRSAFE_E_INSUFFICIENT_BUFFER; a size of 0 or above STRSAFE_MAX_CCH, or
 * a destination with no terminator within its size, is
 * STRSAFE_E_INVALID_PARAMETER. Copy, CopyN, Cat, CatN and Length come in
 * A and W forms and unsuffixed (by UNICODE); Printf and VPrintf in the A
 * form (and unsuffixed without UNICODE).
 */
#ifndef NTLAB_STRSAFE_H
#define NTLAB_STRSAFE_H

#include <stdio.h>
#include <windows.h>
#include <nt/strsafe.h>

#define S_OK    ((HRESULT)0)
#define S_FALSE ((HRESULT)1)
#define SUCCEEDED(hr) ((HRESULT)(hr) >= 0)
#define FAILED(hr)    ((HRESULT)(hr) < 0)
#define STRSAFE_MAX_CCH NTSTRSAFE_MAX_CCH
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER   ((HRESULT)0x80070057L)

NTLAB_STRSAFE_FORMS(String, A, char, HRESULT, S_OK,
                    STRSAFE_E_INSUFFICIENT_BUFFER, STRSAFE_E_INVALID_PARAMETER)
NTLAB_STRSAFE_FORMS(String, W, WCHAR, HRESULT, S_OK,
                    STRSAFE_E_INSUFFICIENT_BUFFER, STRSAFE_E_INVALID_PARAMETER)

static inline HRESULT StringCchVPrintfA(char *pszDest, size_t cchDest,
                                        const char *pszFormat, va_list argList)
{
    int n;

    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)
        return STRSAFE_E_INVALID_PARAMETER;
    n = vsnprintf(pszDest, cchDest, pszFormat, argList);
    return n >= 0 && (size_t)n < cchDest ? S_OK
                                         : STRSAFE_E_INSUFFICIENT_BUFFER;
}

static inline HRESULT StringCbVPrintfA(char *pszDest, size_t cbDest,
                                       const char *pszFormat, va_list argList)
{
    return StringCchVPrintfA(pszDest, cbDest, pszFormat, argList);
}

static inline HRESULT StringCchPrintfA(char *pszDest, size_t cchDest,
                                       const char *pszFormat, ...)
{
    va_list ap;
    HRESULT hr;

    va_start(ap, pszFormat);
    hr = StringCchVPrintfA(pszDest, cchDest, pszFormat, ap);
    va_end(ap);
    return hr;
}

static inline HRESULT StringCbPrintfA(char *pszDest, size_t cbDest,
                                      const char *pszFormat, ...)
{
    va_list ap;
    HRESULT hr;

    va_start(ap, pszFormat);
    hr = StringCchVPrintfA(pszDest, cbDest, pszFormat, ap);
    va_end(ap);
    return hr;
}

#ifdef UNICODE
#define NTLAB_STRSAFE_T(name) name##W
#else
#define NTLAB_STRSAFE_T(name) name##A
#define StringCchPrintf  StringCchPrintfA
#define StringCbPrintf   StringCbPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCbVPrintf  StringCbVPrintfA
#endif
#define StringCchCopy   NTLAB_STRSAFE_T(StringCchCopy)
#define StringCbCopy    NTLAB_STRSAFE_T(StringCbCopy)
#define StringCchCopyN  NTLAB_STRSAFE_T(StringCchCopyN)
#define StringCbCopyN   NTLAB_STRSAFE_T(StringCbCopyN)
#define StringCchCat    NTLAB_STRSAFE_T(StringCchCat)
#define StringCbCat     NTLAB_STRSAFE_T(StringCbCat)
#define StringCchCatN   NTLAB_STRSAFE_T(StringCchCatN)
#define StringCbCatN    NTLAB_STRSAFE_T(StringCbCatN)
#define StringCchLength NTLAB_STRSAFE_T(StringCchLength)
#define StringCbLength  NTLAB_STRSAFE_T(StringCbLength)

#endif
