/*
 * NT's counted strings (UNICODE_STRING, STRING). The kernel and ntlab's
 * user runtime both build this file; string memory comes from the port's
 * rtl_allocate (paged pool in the kernel, the heap in user mode).
 *
 * ntlab's ANSI code page is ISO 8859-1, so a byte converts to the
 * character of the same value and back; characters above U+00FF become '?'.
 * Case mapping covers ASCII and the Latin-1 letters, which is all the
 * conversions can produce; NT's full Unicode case tables are not here.
 * Callers own their strings: nothing here locks.
 */
#include "rtl.h"

#define TAG_USTR 'rtsU' /* "Ustr": Unicode string buffers */
#define TAG_ASTR 'rtsA' /* "Astr": ANSI string buffers */

#define MAX_ASTRING 0xFFFFu /* bytes an ANSI_STRING can count */

static SIZE_T wide_len(PCWSTR s)
{
    SIZE_T n = 0;

    while (s[n] != UNICODE_NULL)
        n++;
    return n;
}

static SIZE_T narrow_len(PCSZ s)
{
    SIZE_T n = 0;

    while (s[n] != ANSI_NULL)
        n++;
    return n;
}

/* A block for string text (the kernel's pool refuses 0 bytes). */
static PVOID string_alloc(ULONG bytes, ULONG tag)
{
    return rtl_allocate(bytes != 0 ? bytes : 1, tag);
}

/* ---- Initialisation ------------------------------------------------------ */

SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2,
                              SIZE_T Length)
{
    const UCHAR *a = Source1, *b = Source2;
    SIZE_T n = 0;

    while (n < Length && a[n] == b[n])
        n++;
    return n;
}

VOID NTAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString,
                                PCWSTR SourceString)
{
    SIZE_T bytes = 0;

    if (SourceString != NULL) {
        bytes = wide_len(SourceString) * sizeof(WCHAR);
        if (bytes > UNICODE_STRING_MAX_BYTES - sizeof(WCHAR))
            bytes = UNICODE_STRING_MAX_BYTES - sizeof(WCHAR);
    }
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength =
        SourceString != NULL ? (USHORT)(bytes + sizeof(WCHAR)) : 0;
    DestinationString->Buffer = (PWSTR)SourceString;
}

VOID NTAPI RtlInitString(PSTRING DestinationString, PCSZ SourceString)
{
    SIZE_T bytes = 0;

    if (SourceString != NULL) {
        bytes = narrow_len(SourceString);
        if (bytes > MAX_ASTRING - 1)
            bytes = MAX_ASTRING - 1;
    }
    DestinationString->Length = (USHORT)bytes;
    DestinationString->MaximumLength =
        SourceString != NULL ? (USHORT)(bytes + 1) : 0;
    DestinationString->Buffer = (PCHAR)SourceString;
}

VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString)
{
    RtlInitString(DestinationString, SourceString);
}

/* ---- Case and comparison ------------------------------------------------- */

/*
 * In ASCII and Latin-1 the two cases of a letter are 0x20 apart: a-z and
 * A-Z, and U+00E0-U+00FE and U+00C0-U+00DE, apart from the signs
 * U+00F7 and U+00D7 in the middle. ÿ (U+00FF) and µ (U+00B5) have upper
 * cases outside Latin-1 and are left alone.
 */
WCHAR NTAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    WCHAR c = SourceCharacter;

    if ((c >= L'a' && c <= L'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return c - 0x20;
    return c;
}

WCHAR NTAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    WCHAR c = SourceCharacter;

    if ((c >= L'A' && c <= L'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    return c;
}

/* Character i of text whose characters are unit bytes wide. */
static WCHAR char_at(const void *text, ULONG unit, ULONG i, BOOLEAN upcase)
{
    WCHAR c = unit == 1 ? ((const UCHAR *)text)[i] : ((const WCHAR *)text)[i];

    return upcase ? RtlUpcaseUnicodeChar(c) : c;
}

/*
 * Compares texts a and b of na and nb characters of unit bytes: by the
 * first characters that differ, else by length.
 */
static LONG compare(const void *a, ULONG na, const void *b, ULONG nb,
                    ULONG unit, BOOLEAN upcase)
{
    ULONG i, n = na < nb ? na : nb;

    for (i = 0; i < n; i++) {
        WCHAR ca = char_at(a, unit, i, upcase),
              cb = char_at(b, unit, i, upcase);

        if (ca != cb)
            return (LONG)ca - (LONG)cb;
    }
    return (LONG)na - (LONG)nb;
}

/* Compares the first a_bytes of a with the first b_bytes of b. */
static LONG compare_unicode(PCUNICODE_STRING a, ULONG a_bytes,
                            PCUNICODE_STRING b, ULONG b_bytes, BOOLEAN upcase)
{
    return compare(a->Buffer, a_bytes / sizeof(WCHAR), b->Buffer,
                   b_bytes / sizeof(WCHAR), sizeof(WCHAR), upcase);
}

LONG NTAPI RtlCompareUnicodeString(PCUNICODE_STRING String1,
                                   PCUNICODE_STRING String2,
                                   BOOLEAN CaseInSensitive)
{
    return compare_unicode(String1, String1->Length, String2, String2->Length,
                           CaseInSensitive);
}

BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1,
                                    PCUNICODE_STRING String2,
                                    BOOLEAN CaseInSensitive)
{
    return String1->Length == String2->Length &&
           RtlCompareUnicodeString(String1, String2, CaseInSensitive) == 0;
}

BOOLEAN NTAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1,
                                     PCUNICODE_STRING String2,
                                     BOOLEAN CaseInSensitive)
{
    return String1->Length <= String2->Length &&
           compare_unicode(String1, String1->Length, String2, String1->Length,
                           CaseInSensitive) == 0;
}

LONG NTAPI RtlCompareString(PCSTRING String1, PCSTRING String2,
                            BOOLEAN CaseInSensitive)
{
    return compare(String1->Buffer, String1->Length, String2->Buffer,
                   String2->Length, 1, CaseInSensitive);
}

BOOLEAN NTAPI RtlEqualString(PCSTRING String1, PCSTRING String2,
                             BOOLEAN CaseInSensitive)
{
    return String1->Length == String2->Length &&
           RtlCompareString(String1, String2, CaseInSensitive) == 0;
}

/* ---- Copying and appending ----------------------------------------------- */

/* NUL-terminates s if a whole terminator fits after its text. */
static void terminate(PUNICODE_STRING s)
{
    if ((ULONG)s->Length + sizeof(WCHAR) <= s->MaximumLength)
        s->Buffer[s->Length / sizeof(WCHAR)] = UNICODE_NULL;
}

VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
                                PCUNICODE_STRING SourceString)
{
    USHORT bytes;

    if (SourceString == NULL) {
        DestinationString->Length = 0;
        return;
    }
    bytes = SourceString->Length < DestinationString->MaximumLength
                ? SourceString->Length
                : DestinationString->MaximumLength;
    bytes &= ~(USHORT)(sizeof(WCHAR) - 1); /* whole characters only */
    RtlMoveMemory(DestinationString->Buffer, SourceString->Buffer, bytes);
    DestinationString->Length = bytes;
    terminate(DestinationString);
}

/* Appends bytes of text to dest, or fails changing nothing. */
static NTSTATUS append(PUNICODE_STRING dest, const WCHAR *text, SIZE_T bytes)
{
    if (bytes == 0)
        return STATUS_SUCCESS;
    if (dest->Length + bytes > dest->MaximumLength)
        return STATUS_BUFFER_TOO_SMALL;
    RtlMoveMemory((PUCHAR)dest->Buffer + dest->Length, text, bytes);
    dest->Length += (USHORT)bytes;
    terminate(dest);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlAppendUnicodeStringToString(PUNICODE_STRING Destination,
                                              PCUNICODE_STRING Source)
{
    return append(Destination, Source->Buffer, Source->Length);
}

NTSTATUS NTAPI RtlAppendUnicodeToString(PUNICODE_STRING Destination,
                                        PCWSTR Source)
{
    if (Source == NULL)
        return STATUS_SUCCESS;
    return append(Destination, Source, wide_len(Source) * sizeof(WCHAR));
}

/* ---- Conversions and allocated strings ----------------------------------- */

/*
 * Where bytes of Unicode text for dest go: a new buffer when allocate
 * (dest's MaximumLength becoming bytes), else dest's own if it holds them.
 * The caller sets dest's Buffer once it has read its source, which may be
 * dest itself.
 */
static NTSTATUS unicode_buffer(PUNICODE_STRING dest, ULONG bytes,
                               BOOLEAN allocate, PWSTR *buffer)
{
    if (!allocate) {
        *buffer = dest->Buffer;
        return bytes <= dest->MaximumLength ? STATUS_SUCCESS
                                            : STATUS_BUFFER_OVERFLOW;
    }
    *buffer = string_alloc(bytes, TAG_USTR);
    if (*buffer == NULL)
        return STATUS_NO_MEMORY;
    dest->MaximumLength = (USHORT)bytes;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString,
                                            PCANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG i, n = SourceString->Length;
    ULONG bytes = (n + 1) * sizeof(WCHAR); /* with the terminator */
    PWSTR buffer;
    NTSTATUS status;

    if (bytes > UNICODE_STRING_MAX_BYTES)
        return STATUS_INVALID_PARAMETER_2;
    status = unicode_buffer(DestinationString, bytes, AllocateDestinationString,
                            &buffer);
    if (!NT_SUCCESS(status))
        return status;
    /* Backwards, so a source in the destination's buffer is not
     * overwritten before it is read. */
    buffer[n] = UNICODE_NULL;
    for (i = n; i-- > 0;)
        buffer[i] = (UCHAR)SourceString->Buffer[i];
    DestinationString->Buffer = buffer;
    DestinationString->Length = (USHORT)(n * sizeof(WCHAR));
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString,
                                            PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString)
{
    ULONG i, n = SourceString->Length / sizeof(WCHAR);
    PCHAR buffer = DestinationString->Buffer;
    NTSTATUS status = STATUS_SUCCESS;

    if (AllocateDestinationString) {
        buffer = string_alloc(n + 1, TAG_ASTR);
        if (buffer == NULL)
            return STATUS_NO_MEMORY;
        DestinationString->MaximumLength = (USHORT)(n + 1);
    } else if (n + 1 > DestinationString->MaximumLength) {
        /* NT converts what fits, as callers such as GetProfileStringA
         * expect, and reports the truncation. */
        if (DestinationString->MaximumLength == 0)
            return STATUS_BUFFER_OVERFLOW;
        n = DestinationString->MaximumLength - 1u;
        status = STATUS_BUFFER_OVERFLOW;
    }
    for (i = 0; i < n; i++) {
        WCHAR c = SourceString->Buffer[i];

        buffer[i] = c <= 0xFF ? (CHAR)c : '?';
    }
    buffer[n] = ANSI_NULL;
    DestinationString->Buffer = buffer;
    DestinationString->Length = (USHORT)n;
    return status;
}

NTSTATUS NTAPI RtlUpcaseUnicodeString(PUNICODE_STRING DestinationString,
                                      PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString)
{
    ULONG i, bytes = SourceString->Length & ~(sizeof(WCHAR) - 1);
    PWSTR buffer;
    NTSTATUS status;

    status = unicode_buffer(DestinationString, bytes, AllocateDestinationString,
                            &buffer);
    if (!NT_SUCCESS(status))
        return status;
    for (i = 0; i < bytes / sizeof(WCHAR); i++)
        buffer[i] = RtlUpcaseUnicodeChar(SourceString->Buffer[i]);
    DestinationString->Buffer = buffer;
    DestinationString->Length = (USHORT)bytes;
    return STATUS_SUCCESS;
}

BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString,
                                     PCWSTR SourceString)
{
    SIZE_T bytes = (wide_len(SourceString) + 1) * sizeof(WCHAR);
    PWSTR buffer;

    if (bytes > UNICODE_STRING_MAX_BYTES)
        return FALSE;
    buffer = string_alloc((ULONG)bytes, TAG_USTR);
    if (buffer == NULL)
        return FALSE;
    RtlCopyMemory(buffer, SourceString, bytes);
    DestinationString->Buffer = buffer;
    DestinationString->Length = (USHORT)(bytes - sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)bytes;
    return TRUE;
}

VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString)
{
    if (UnicodeString->Buffer != NULL)
        rtl_free(UnicodeString->Buffer);
    RtlZeroMemory(UnicodeString, sizeof *UnicodeString);
}

VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString)
{
    if (AnsiString->Buffer != NULL)
        rtl_free(AnsiString->Buffer);
    RtlZeroMemory(AnsiString, sizeof *AnsiString);
}

/* ---- Integers ------------------------------------------------------------ */

static BOOLEAN valid_base(ULONG base)
{
    return base == 0 || base == 2 || base == 8 || base == 10 || base == 16;
}

NTSTATUS NTAPI RtlIntegerToUnicodeString(ULONG Value, ULONG Base,
                                         PUNICODE_STRING String)
{
    char digits[32]; /* ULONG in binary, least significant digit last */
    ULONG start = sizeof digits;
    ANSI_STRING text;

    if (!valid_base(Base))
        return STATUS_INVALID_PARAMETER;
    if (Base == 0)
        Base = 10;
    do {
        digits[--start] = "0123456789ABCDEF"[Value % Base];
        Value /= Base;
    } while (Value != 0);
    text.Buffer = digits + start;
    text.Length = text.MaximumLength = (USHORT)(sizeof digits - start);
    return RtlAnsiStringToUnicodeString(String, &text, FALSE);
}

/* The value of digit c in any base up to 16, or 16 if it is none. */
static ULONG digit_value(WCHAR c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return 16;
}

/* The base a prefix 0x, 0o or 0b at s[*i] names (skipping it), else 10. */
static ULONG prefix_base(const WCHAR *s, ULONG n, ULONG *i)
{
    static const WCHAR letters[] = L"xob";
    static const ULONG bases[] = {16, 8, 2};
    ULONG k;

    if (*i + 2 > n || s[*i] != L'0')
        return 10;
    for (k = 0; k < ARRAYSIZE(bases); k++) {
        if (s[*i + 1] == letters[k]) {
            *i += 2;
            return bases[k];
        }
    }
    return 10;
}

NTSTATUS NTAPI RtlUnicodeStringToInteger(PCUNICODE_STRING String, ULONG Base,
                                         PULONG Value)
{
    const WCHAR *s = String->Buffer;
    ULONG i = 0, n = String->Length / sizeof(WCHAR), result = 0, digit;
    BOOLEAN negative = FALSE;

    if (!valid_base(Base) || n == 0)
        return STATUS_INVALID_PARAMETER;
    while (i < n && s[i] <= L' ')
        i++;
    if (i < n && (s[i] == L'-' || s[i] == L'+'))
        negative = s[i++] == L'-';
    if (Base == 0)
        Base = prefix_base(s, n, &i);
    for (; i < n && (digit = digit_value(s[i])) < Base; i++)
        result = result * Base + digit;
    *Value = negative ? 0u - result : result;
    return STATUS_SUCCESS;
}
