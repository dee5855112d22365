/*
 * The run-time library drivers see: memory fills and copies and doubly
 * linked lists (inline, as in NT's headers), bitmaps, counted strings, and
 * debug output.
 */
#ifndef NT_RTL_H
#define NT_RTL_H

#include <stdarg.h>

#include <nt/ntdef.h>

#define RtlCopyMemory(d, s, n)  ((void)__builtin_memcpy((d), (s), (n)))
#define RtlCopyBytes(d, s, n)   RtlCopyMemory(d, s, n)
#define RtlMoveMemory(d, s, n)  ((void)__builtin_memmove((d), (s), (n)))
#define RtlFillMemory(d, n, c)  ((void)__builtin_memset((d), (c), (n)))
#define RtlZeroMemory(d, n)     ((void)__builtin_memset((d), 0, (n)))
#define RtlEqualMemory(a, b, n) (__builtin_memcmp((a), (b), (n)) == 0)

/* The number of leading bytes in which the two blocks agree. */
NTSYSAPI SIZE_T NTAPI RtlCompareMemory(const VOID *Source1,
                                       const VOID *Source2, SIZE_T Length);

FORCEINLINE void InitializeListHead(PLIST_ENTRY head)
{
    head->Flink = head->Blink = head;
}

FORCEINLINE BOOLEAN IsListEmpty(const LIST_ENTRY *head)
{
    return head->Flink == head;
}

FORCEINLINE void InsertTailList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    PLIST_ENTRY last = head->Blink;

    entry->Flink = head;
    entry->Blink = last;
    last->Flink = entry;
    head->Blink = entry;
}

FORCEINLINE void InsertHeadList(PLIST_ENTRY head, PLIST_ENTRY entry)
{
    PLIST_ENTRY first = head->Flink;

    entry->Flink = first;
    entry->Blink = head;
    first->Blink = entry;
    head->Flink = entry;
}

/* Returns TRUE when the list is empty afterwards, as NT's does. */
FORCEINLINE BOOLEAN RemoveEntryList(PLIST_ENTRY entry)
{
    PLIST_ENTRY next = entry->Flink, prev = entry->Blink;

    prev->Flink = next;
    next->Blink = prev;
    return next == prev;
}

FORCEINLINE PLIST_ENTRY RemoveHeadList(PLIST_ENTRY head)
{
    PLIST_ENTRY entry = head->Flink;

    RemoveEntryList(entry);
    return entry;
}

FORCEINLINE PLIST_ENTRY RemoveTailList(PLIST_ENTRY head)
{
    PLIST_ENTRY entry = head->Blink;

    RemoveEntryList(entry);
    return entry;
}

/*
 * Bitmaps: a run of bits described by RTL_BITMAP. Find routines search
 * from HintIndex, wrap around once, and return the first bit of a run of
 * NumberToFind bits, or 0xFFFFFFFF when there is none.
 */
typedef struct _RTL_BITMAP {
    ULONG SizeOfBitMap; /* in bits */
    PULONG Buffer;
} RTL_BITMAP, *PRTL_BITMAP;

NTSYSAPI VOID NTAPI RtlInitializeBitMap(PRTL_BITMAP BitMapHeader,
                                        PULONG BitMapBuffer,
                                        ULONG SizeOfBitMap);
NTSYSAPI VOID NTAPI RtlClearAllBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI VOID NTAPI RtlSetAllBits(PRTL_BITMAP BitMapHeader);
NTSYSAPI VOID NTAPI RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                                 ULONG NumberToClear);
NTSYSAPI VOID NTAPI RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                               ULONG NumberToSet);
_IRQL_requires_max_(APC_LEVEL)
NTSYSAPI BOOLEAN NTAPI RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
NTSYSAPI BOOLEAN NTAPI RtlAreBitsClear(PRTL_BITMAP BitMapHeader,
                                       ULONG StartingIndex, ULONG Length);
NTSYSAPI BOOLEAN NTAPI RtlAreBitsSet(PRTL_BITMAP BitMapHeader,
                                     ULONG StartingIndex, ULONG Length);
NTSYSAPI ULONG NTAPI RtlFindClearBits(PRTL_BITMAP BitMapHeader,
                                      ULONG NumberToFind, ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader,
                                            ULONG NumberToFind,
                                            ULONG HintIndex);
NTSYSAPI ULONG NTAPI RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader);

/*
 * Counted strings (UNICODE_STRING, STRING and ANSI_STRING; see ntdef.h).
 *
 * ntlab's ANSI code page is ISO 8859-1: byte 0xNN is the character U+00NN,
 * and characters above U+00FF become '?' in ANSI. Case mapping knows ASCII
 * and Latin-1 letters only. Buffers these routines allocate come from paged
 * pool (so the caller must be at IRQL <= APC_LEVEL) and are freed with
 * RtlFreeUnicodeString or RtlFreeAnsiString.
 */

/* A constant counted string for a literal: RTL_CONSTANT_STRING(L"\\Device"). */
#define RTL_CONSTANT_STRING(s)                             \
    {                                                      \
        sizeof(s) - sizeof((s)[0]), sizeof(s), (void *)(s) \
    }

/*
 * Points DestinationString at the NUL-terminated SourceString, without
 * copying: Length is its length in bytes (at most UNICODE_STRING_MAX_BYTES
 * less a terminator), MaximumLength that plus the terminator. A NULL
 * SourceString gives an empty string with a NULL Buffer and MaximumLength 0.
 */
NTSYSAPI VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString,
                                         PCWSTR SourceString);
NTSYSAPI VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString,
                                      PCSZ SourceString);
NTSYSAPI VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString);

/* Case mapping of one character: ASCII and Latin-1 letters only. */
_IRQL_requires_max_(APC_LEVEL)
NTSYSAPI WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter);

/*
 * Comparisons, character by character (upcased first when CaseInSensitive)
 * and then by length, as NT: Compare returns < 0, 0 or > 0; Prefix is TRUE
 * when String1 is a prefix of String2.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1,
                                            PCUNICODE_STRING String2,
                                            BOOLEAN CaseInSensitive);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1,
                                             PCUNICODE_STRING String2,
                                             BOOLEAN CaseInSensitive);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1,
                                              PCUNICODE_STRING String2,
                                              BOOLEAN CaseInSensitive);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI LONG NTAPI RtlCompareString(PCSTRING String1, PCSTRING String2,
                                     BOOLEAN CaseInSensitive);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI BOOLEAN NTAPI RtlEqualString(PCSTRING String1, PCSTRING String2,
                                      BOOLEAN CaseInSensitive);

/*
 * Copies as much of SourceString as DestinationString's MaximumLength holds
 * (a NULL SourceString empties it), and NUL-terminates it if a terminator
 * still fits.
 */
NTSYSAPI VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
                                         PCUNICODE_STRING SourceString);
/*
 * Append Source (counted, or NUL-terminated and possibly NULL) to
 * Destination and NUL-terminate it if a terminator still fits. Return
 * STATUS_BUFFER_TOO_SMALL, with Destination unchanged, when Source does not
 * fit in its MaximumLength.
 */
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeStringToString(
    PUNICODE_STRING Destination, PCUNICODE_STRING Source);
NTSYSAPI NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination,
                                                 PCWSTR Source);

/*
 * Conversions between ANSI and Unicode. With AllocateDestinationString the
 * result gets a new buffer, one terminator longer than the text
 * (STATUS_NO_MEMORY if the pool has none); without, it goes into the
 * caller's buffer, NUL-terminated.
 *
 * RtlAnsiStringToUnicodeString returns STATUS_BUFFER_OVERFLOW, with
 * DestinationString unchanged, when the caller's buffer cannot hold the
 * text and a terminator, and STATUS_INVALID_PARAMETER_2 when the result
 * would exceed UNICODE_STRING_MAX_BYTES. RtlUnicodeStringToAnsiString, as
 * NT's does, converts what fits (keeping room for the terminator) and then
 * returns STATUS_BUFFER_OVERFLOW; with a MaximumLength of 0 it changes
 * nothing.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI RtlAnsiStringToUnicodeString(
    PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
    BOOLEAN AllocateDestinationString);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToAnsiString(
    PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
    BOOLEAN AllocateDestinationString);

/*
 * Makes DestinationString an upcased copy of SourceString (the two may be
 * the same string). Not NUL-terminated: an allocated buffer is exactly
 * SourceString's Length, as on NT. STATUS_BUFFER_OVERFLOW, changing
 * nothing, when the caller's buffer is too small; STATUS_NO_MEMORY when the
 * pool has no buffer.
 */
_IRQL_requires_max_(APC_LEVEL)
NTSYSAPI NTSTATUS NTAPI RtlUpcaseUnicodeString(
    PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString,
    BOOLEAN AllocateDestinationString);

/*
 * Copies the NUL-terminated SourceString into a new buffer, terminator
 * included. FALSE when the pool has no memory or the string is longer than
 * a UNICODE_STRING can count.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString,
                                              PCWSTR SourceString);

/* Free a buffer these routines allocated (nothing if Buffer is NULL) and
 * zero the string. */
_IRQL_requires_max_(APC_LEVEL)
NTSYSAPI VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);
_IRQL_requires_max_(APC_LEVEL)
NTSYSAPI VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString);

/*
 * Writes the unsigned Value in Base (2, 8, 10 or 16; 0 means 10) into
 * String's buffer with upper-case digits, NUL-terminated.
 * STATUS_INVALID_PARAMETER for another base; STATUS_BUFFER_OVERFLOW, with
 * String unchanged, when the digits and a terminator do not fit.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base,
                                                  PUNICODE_STRING String);
/*
 * Parses String as NT does: it skips leading white space (any character up
 * to ' '), takes one '+' or '-', and then, when Base is 0, a prefix "0x"
 * (16), "0o" (8) or "0b" (2), defaulting to 10. Digits end at the first
 * character that is not one in the base; with none, *Value is 0. The value
 * wraps modulo 2^32; '-' negates it. STATUS_INVALID_PARAMETER for a base
 * other than 0, 2, 8, 10 and 16 or an empty String (*Value untouched).
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String,
                                                  ULONG Base, PULONG Value);

/*
 * Debug output, to ntlab's console (NT sends it to the kernel debugger).
 * At most 512 bytes of each message are printed, as on NT. The routines
 * may be called at any IRQL, but, as on NT, the wide formats (%wZ, %ws, %S)
 * only at PASSIVE_LEVEL, since their text may be paged. They return
 * STATUS_SUCCESS, shown or filtered (NT declares the result ULONG).
 *
 * DbgPrint prints every message, as NT did up to Windows Server 2003 (later
 * versions treat it as DbgPrintEx(DPFLTR_DEFAULT_ID, DPFLTR_INFO_LEVEL, ...)
 * and hide it by default).
 *
 * DbgPrintEx filters with NT's default masks: every component's mask is 0
 * and the system-wide mask (NT's Kd_WIN2000_Mask) is 1, so only
 * DPFLTR_ERROR_LEVEL messages are printed. A Level of 0 to 31 stands for
 * the mask bit 1 << Level; a larger Level is itself the mask, so it prints
 * when its bit 0 is set. vDbgPrintExWithPrefix prints Prefix before the
 * message.
 */
#define DPFLTR_ERROR_LEVEL   0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL   2
#define DPFLTR_INFO_LEVEL    3
#define DPFLTR_MASK          0x80000000u

/* Component IDs drivers use, with NT's values. */
typedef enum _DPFLTR_TYPE {
    DPFLTR_SYSTEM_ID = 0,
    DPFLTR_IHVDRIVER_ID = 77,
    DPFLTR_IHVVIDEO_ID = 78,
    DPFLTR_IHVAUDIO_ID = 79,
    DPFLTR_IHVNETWORK_ID = 80,
    DPFLTR_IHVSTREAMING_ID = 81,
    DPFLTR_IHVBUS_ID = 82,
    DPFLTR_DEFAULT_ID = 101,
} DPFLTR_TYPE;

NTSYSAPI ULONG DbgPrint(PCSTR Format, ...);
NTSYSAPI ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
NTSYSAPI ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format,
                                 va_list arglist);
NTSYSAPI ULONG NTAPI vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId,
                                           ULONG Level, PCCH Format,
                                           va_list arglist);

/*
 * The kernel's bounded formatting, as NT exports it (the formats are
 * DbgPrint's). _vsnprintf writes at most Count characters: when the whole
 * text fits with room for its NUL it returns its length; when it fills
 * Buffer exactly, it returns Count and writes no NUL; when it does not
 * fit, it returns -1 and writes the first Count characters, no NUL.
 * ntstrsafe.h's RtlStringCb/CchPrintfA are the safe way to use them.
 */
NTSYSAPI int _vsnprintf(char *Buffer, size_t Count, const char *Format,
                        va_list ArgList);
NTSYSAPI int _snprintf(char *Buffer, size_t Count, const char *Format, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Checked and free builds, as in the WDK: DBG defined non-zero (build/sdk.mk
 * passes -DDBG=1 unless told NTLAB_DBG=0) is a checked build, in which
 * KdPrint and KdPrintEx are DbgPrint and DbgPrintEx, KdBreakPoint and
 * KdBreakPointWithStatus are DbgBreakPoint and DbgBreakPointWithStatus, and
 * the assertions
 * below are compiled in; otherwise (a free build) they compile to nothing
 * and their arguments are not evaluated. Their arguments take double
 * parentheses: KdPrint(("x %d\n", x)).
 */
#if defined(DBG) && DBG
#define KdPrint(_x_)   DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define KdBreakPoint() DbgBreakPoint()
#define KdBreakPointWithStatus(s) DbgBreakPointWithStatus(s)
#else
#define KdPrint(_x_)   ((void)0)
#define KdPrintEx(_x_) ((void)0)
#define KdBreakPoint() ((void)0)
#define KdBreakPointWithStatus(s) ((void)0)
#endif

/*
 * Breakpoints and assertions. With no kernel debugger (ntlab has none), a
 * breakpoint is an exception like any other: a __try block may take it,
 * and one that nothing takes stops the system with STATUS_BREAKPOINT
 * (KMODE_EXCEPTION_NOT_HANDLED, 0x1E, or in a system thread
 * SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, 0x7E).
 *
 * In a checked build a failed ASSERT or ASSERTMSG calls RtlAssert, which
 * prints the expression (and the message), the file and the line, then
 * breaks. A failed NT_ASSERT
 * prints the same and raises STATUS_ASSERTION_FAILURE, which stops the
 * system the same way when unhandled. Each evaluates to the expression's
 * truth. In a free build ASSERT, ASSERTMSG, NT_ASSERT and NT_ASSERTMSG
 * are nothing (the expression is not evaluated), while the VERIFY forms
 * still evaluate it and check nothing, as in the WDK.
 */
NTSYSAPI VOID NTAPI DbgBreakPoint(VOID);
NTSYSAPI VOID NTAPI DbgBreakPointWithStatus(ULONG Status);
NTSYSAPI VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
                              ULONG LineNumber, PSTR MutableMessage);
#if defined(DBG) && DBG
#define ASSERTMSG(msg, exp)                                              \
    __extension__({                                                      \
        BOOLEAN held_ = (exp) ? TRUE : FALSE;                            \
        if (!held_)                                                      \
            RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__,          \
                      (PSTR)(msg));                                      \
        held_;                                                           \
    })
#define ASSERT(exp)            ASSERTMSG(NULL, exp)
#define NT_ASSERTMSG(msg, exp)                                           \
    __extension__({                                                      \
        BOOLEAN held_ = (exp) ? TRUE : FALSE;                            \
        if (!held_) {                                                    \
            const char *msg_ = (msg);                                    \
            DbgPrint("*** Assertion failed: %s%s%s\n"                    \
                     "***   Source File: %s, line %d\n\n",               \
                     msg_ ? msg_ : "", msg_ ? " " : "", #exp, __FILE__,  \
                     __LINE__);                                          \
            ExRaiseStatus(STATUS_ASSERTION_FAILURE);                     \
        }                                                                \
        held_;                                                           \
    })
#define NT_ASSERT(exp)           NT_ASSERTMSG(NULL, exp)
#define NT_VERIFY(exp)           NT_ASSERT(exp)
#define NT_VERIFYMSG(msg, exp)   NT_ASSERTMSG(msg, exp)
#define VERIFY(exp)              ASSERT(exp)
#else
#define ASSERTMSG(msg, exp)      ((void)0)
#define ASSERT(exp)              ((void)0)
#define NT_ASSERTMSG(msg, exp)   ((void)0)
#define NT_ASSERT(exp)           ((void)0)
#define NT_VERIFY(exp)           __extension__({ (exp) ? TRUE : FALSE; })
#define NT_VERIFYMSG(msg, exp)   NT_VERIFY(exp)
#define VERIFY(exp)              NT_VERIFY(exp)
#endif

#endif
