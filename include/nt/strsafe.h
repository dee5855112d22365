/*
 * The bounded copy, concatenation and length routines of ntstrsafe.h
 * (drivers: NTSTATUS) and strsafe.h (programs: HRESULT), written once for
 * each character type and result type:
 *
 *   NTLAB_STRSAFE_FORMS(Prefix, Suffix, Char, Result, Ok, Overflow, Invalid)
 *
 * defines PrefixCchCopySuffix, PrefixCbCopySuffix, the CopyN, Cat, CatN
 * and Length forms likewise. Every result is NUL-terminated and fits the
 * buffer; a text cut to fit is Overflow; a size of 0 or above
 * NTSTRSAFE_MAX_CCH characters, or a destination with no terminator
 * within its size (Cat), is Invalid. Cb sizes are bytes, Cch characters.
 */
#ifndef NT_STRSAFE_H
#define NT_STRSAFE_H

#include <stddef.h>

#define NTSTRSAFE_MAX_CCH 2147483647

#define NTLAB_STRSAFE_FORMS(P, S, C, R, OK, OVER, BAD)                        \
    /* Copies at most max characters of src after dst's first used. */        \
    static inline R P##NtlabCopyAt##S(C *dst, size_t cch, size_t used,        \
                                      const C *src, size_t max)              \
    {                                                                         \
        size_t i = used, n = 0;                                               \
                                                                              \
        while (i + 1 < cch && n < max && src[n] != 0)                         \
            dst[i++] = src[n++];                                              \
        dst[i] = 0;                                                           \
        return n == max || src[n] == 0 ? OK : OVER;                           \
    }                                                                         \
    static inline R P##CchLength##S(const C *psz, size_t cchMax,              \
                                    size_t *pcchLength)                       \
    {                                                                         \
        size_t n = 0;                                                         \
                                                                              \
        if (psz != NULL && cchMax <= NTSTRSAFE_MAX_CCH)                       \
            while (n < cchMax && psz[n] != 0)                                 \
                n++;                                                          \
        if (psz == NULL || cchMax > NTSTRSAFE_MAX_CCH || n == cchMax) {       \
            if (pcchLength != NULL)                                           \
                *pcchLength = 0;                                              \
            return BAD;                                                       \
        }                                                                     \
        if (pcchLength != NULL)                                               \
            *pcchLength = n;                                                  \
        return OK;                                                            \
    }                                                                         \
    static inline R P##CbLength##S(const C *psz, size_t cbMax,                \
                                   size_t *pcbLength)                         \
    {                                                                         \
        size_t n;                                                             \
        R r = P##CchLength##S(psz, cbMax / sizeof(C), &n);                    \
                                                                              \
        if (pcbLength != NULL)                                                \
            *pcbLength = n * sizeof(C);                                       \
        return r;                                                             \
    }                                                                         \
    static inline R P##CchCopyN##S(C *pszDest, size_t cchDest,                \
                                   const C *pszSrc, size_t cchToCopy)         \
    {                                                                         \
        if (cchDest == 0 || cchDest > NTSTRSAFE_MAX_CCH)                      \
            return BAD;                                                       \
        return P##NtlabCopyAt##S(pszDest, cchDest, 0, pszSrc, cchToCopy);     \
    }                                                                         \
    static inline R P##CchCopy##S(C *pszDest, size_t cchDest,                 \
                                  const C *pszSrc)                            \
    {                                                                         \
        return P##CchCopyN##S(pszDest, cchDest, pszSrc, (size_t)-1);          \
    }                                                                         \
    static inline R P##CbCopyN##S(C *pszDest, size_t cbDest,                  \
                                  const C *pszSrc, size_t cbToCopy)           \
    {                                                                         \
        return P##CchCopyN##S(pszDest, cbDest / sizeof(C), pszSrc,            \
                              cbToCopy / sizeof(C));                          \
    }                                                                         \
    static inline R P##CbCopy##S(C *pszDest, size_t cbDest, const C *pszSrc)  \
    {                                                                         \
        return P##CchCopyN##S(pszDest, cbDest / sizeof(C), pszSrc,            \
                              (size_t)-1);                                    \
    }                                                                         \
    static inline R P##CchCatN##S(C *pszDest, size_t cchDest,                 \
                                  const C *pszSrc, size_t cchToAppend)        \
    {                                                                         \
        size_t used;                                                          \
        R r = P##CchLength##S(pszDest, cchDest, &used);                       \
                                                                              \
        if (r != OK)                                                          \
            return r;                                                         \
        return P##NtlabCopyAt##S(pszDest, cchDest, used, pszSrc,              \
                                 cchToAppend);                                \
    }                                                                         \
    static inline R P##CchCat##S(C *pszDest, size_t cchDest, const C *pszSrc) \
    {                                                                         \
        return P##CchCatN##S(pszDest, cchDest, pszSrc, (size_t)-1);           \
    }                                                                         \
    static inline R P##CbCatN##S(C *pszDest, size_t cbDest, const C *pszSrc,  \
                                 size_t cbToAppend)                           \
    {                                                                         \
        return P##CchCatN##S(pszDest, cbDest / sizeof(C), pszSrc,             \
                             cbToAppend / sizeof(C));                         \
    }                                                                         \
    static inline R P##CbCat##S(C *pszDest, size_t cbDest, const C *pszSrc)   \
    {                                                                         \
        return P##CchCatN##S(pszDest, cbDest / sizeof(C), pszSrc, (size_t)-1);\
    }

#endif
