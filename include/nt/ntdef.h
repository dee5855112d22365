/*
 * NT's basic types, as drivers and the kernel see them.
 *
 * NT is an LLP64 system: LONG and ULONG are 32 bits everywhere, and only the
 * _PTR types follow the pointer size. ntlab keeps that on the 64-bit hosted
 * platform, so structure layouts built from ULONG match i386.
 * WCHAR is 16 bits; code that uses L"..." literals is compiled with
 * -fshort-wchar.
 */
#ifndef NT_NTDEF_H
#define NT_NTDEF_H

#include <stddef.h>
#include <stdint.h>
#include <nt/sal.h>
#include <guiddef.h>

#ifdef __i386__
#define NTAPI __attribute__((stdcall))
#else
#define NTAPI
#endif
#define NTSYSAPI
#define NTKERNELAPI
#define FASTCALL
#define DECLSPEC_NORETURN __attribute__((noreturn))
#define FORCEINLINE       static inline __attribute__((always_inline))

#define VOID void
typedef void *PVOID;
typedef char CHAR, *PCHAR;
typedef const CHAR *PCCH;
typedef signed char SCHAR, *PSCHAR;
typedef char CCHAR;
typedef char *PSTR, *PSZ;
typedef const char *PCSTR, *PCSZ;
typedef unsigned char UCHAR, *PUCHAR, BYTE, *PBYTE, BOOLEAN, *PBOOLEAN;
typedef short SHORT, *PSHORT;
typedef unsigned short USHORT, *PUSHORT, WORD, WCHAR, *PWCHAR, *PWSTR;
typedef const WCHAR *PCWSTR;
typedef int LONG, *PLONG, INT;
typedef unsigned int ULONG, *PULONG, DWORD, UINT;
typedef long long LONGLONG, *PLONGLONG, LONG64;
typedef unsigned long long ULONGLONG, *PULONGLONG, ULONG64, DWORD64;
typedef intptr_t LONG_PTR, *PLONG_PTR, INT_PTR;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, UINT_PTR, SIZE_T, *PSIZE_T;
typedef intptr_t SSIZE_T;
typedef LONG NTSTATUS, *PNTSTATUS;
typedef PVOID HANDLE, *PHANDLE;
typedef UCHAR KIRQL, *PKIRQL;
typedef CHAR KPROCESSOR_MODE;
typedef LONG KPRIORITY;
typedef ULONG ACCESS_MASK;

typedef union _LARGE_INTEGER {
    struct {
        ULONG LowPart;
        LONG HighPart;
    };
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

/*
 * Counted strings. Length and MaximumLength count bytes, so a
 * UNICODE_STRING holds at most UNICODE_STRING_MAX_CHARS characters. The
 * text need not be NUL-terminated; Length never counts a terminator.
 */
typedef struct _UNICODE_STRING {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength; /* bytes */
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;

typedef struct _STRING {
    USHORT Length;
    USHORT MaximumLength;
    PCHAR Buffer;
} STRING, ANSI_STRING, *PSTRING, *PANSI_STRING;
typedef const STRING *PCSTRING, *PCANSI_STRING;

#define UNICODE_NULL             ((WCHAR)0)
#define ANSI_NULL                ((CHAR)0)
#define UNICODE_STRING_MAX_BYTES ((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS (32767)

#ifndef TRUE
#define TRUE  1
#define FALSE 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

#define KernelMode 0
#define UserMode   1

#define NT_SUCCESS(s)             ((NTSTATUS)(s) >= 0)
#define NT_INFORMATION(s)         ((ULONG)(s) >> 30 == 1)
#define NT_WARNING(s)             ((ULONG)(s) >> 30 == 2)
#define NT_ERROR(s)               ((ULONG)(s) >> 30 == 3)
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define ARRAYSIZE(a)              (sizeof(a) / sizeof((a)[0]))
#define RTL_NUMBER_OF(a)          ARRAYSIZE(a)
#define ARGUMENT_PRESENT(p)       ((p) != NULL)
#define C_ASSERT(e)               _Static_assert(e, #e)
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#define CONTAINING_RECORD(address, type, field) \
    ((type *)((PCHAR)(address)-offsetof(type, field)))

/* Interlocked operations (one CPU or many: they are atomic either way). */
static inline LONG InterlockedIncrement(volatile LONG *p)
{
    return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedDecrement(volatile LONG *p)
{
    return __atomic_sub_fetch(p, 1, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchange(volatile LONG *p, LONG v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedExchangeAdd(volatile LONG *p, LONG v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static inline LONG InterlockedCompareExchange(volatile LONG *p, LONG exchange,
                                              LONG comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return comparand;
}

static inline PVOID InterlockedExchangePointer(PVOID volatile *p, PVOID v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *p,
                                                      PVOID exchange,
                                                      PVOID comparand)
{
    __atomic_compare_exchange_n(p, &comparand, exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return comparand;
}

/* 32 x 32 -> 64-bit products, as NT's headers spell them. */
#define Int32x32To64(a, b)  ((LONGLONG)(LONG)(a) * (LONGLONG)(LONG)(b))
#define UInt32x32To64(a, b) ((ULONGLONG)(ULONG)(a) * (ULONGLONG)(ULONG)(b))

#define MAXLONG  0x7fffffff
#define MAXULONG 0xffffffffU

#endif
