/*
 * guiddef.h: GUIDs. DEFINE_GUID declares a GUID (extern) or, when INITGUID
 * is defined where this header is included (initguid.h defines it), also
 * defines it. As with Microsoft's selectany, two files that both define
 * the same GUID link to one copy (it is a weak symbol).
 */
#ifndef GUIDDEF_H
#define GUIDDEF_H

typedef struct _GUID {
    unsigned int Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID, *PGUID, *LPGUID;
typedef const GUID *LPCGUID, *REFGUID;
typedef GUID IID, CLSID;

/* Whether two GUIDs are the same. */
static inline int IsEqualGUID(const GUID *a, const GUID *b)
{
    return __builtin_memcmp(a, b, sizeof(GUID)) == 0;
}
#define InlineIsEqualGUID IsEqualGUID

#endif

/* Outside the guard: initguid.h includes this again to change it. */
#undef DEFINE_GUID
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)           \
    extern const GUID name;                                                  \
    const GUID __attribute__((weak)) name = {                                \
        l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)           \
    extern const GUID name
#endif
