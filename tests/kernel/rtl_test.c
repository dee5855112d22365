/*
 * The run-time library's counted strings and debug output, as a driver
 * sees them: NT's names and NT's answers, edge cases included.
 */
#include "../../kernel/ex/ex.h"
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/rtl/rtl.h"

#include <ntstrsafe.h>

#define TAG_USTR 'rtsU' /* the pool tag of Unicode strings Rtl allocates */

/* Does s hold exactly the NUL-terminated text? */
static BOOLEAN holds(PCUNICODE_STRING s, PCWSTR text)
{
    ULONG n = 0;

    while (text[n] != 0)
        n++;
    return s->Length == n * sizeof(WCHAR) &&
           RtlEqualMemory(s->Buffer, text, n * sizeof(WCHAR));
}

/* An empty string over a caller's buffer of size bytes. */
static UNICODE_STRING over(PWSTR buffer, USHORT size)
{
    UNICODE_STRING s = {0, size, buffer};

    return s;
}

/* ---- Initialisation and case --------------------------------------------- */

KTEST(rtl, init_counts_bytes_and_points_at_the_source)
{
    static const WCHAR device[] = L"Device";
    UNICODE_STRING u;
    ANSI_STRING a;
    STRING s;

    RtlInitUnicodeString(&u, device);
    KT_EXPECT_EQ(u.Length, 12);
    KT_EXPECT_EQ(u.MaximumLength, 14);
    KT_EXPECT_PTR_EQ(u.Buffer, device);
    RtlInitAnsiString(&a, "abc");
    KT_EXPECT_EQ(a.Length, 3);
    KT_EXPECT_EQ(a.MaximumLength, 4);
    RtlInitString(&s, "");
    KT_EXPECT_EQ(s.Length, 0);
    KT_EXPECT_EQ(s.MaximumLength, 1);
}

KTEST(rtl, init_with_a_null_source_is_empty)
{
    UNICODE_STRING u = {1, 2, (PWSTR)L"x"};
    ANSI_STRING a = {1, 2, (PCHAR) "x"};
    STRING s = {1, 2, (PCHAR) "x"};

    RtlInitUnicodeString(&u, NULL);
    RtlInitAnsiString(&a, NULL);
    RtlInitString(&s, NULL);
    KT_EXPECT(u.Length == 0 && u.MaximumLength == 0 && u.Buffer == NULL);
    KT_EXPECT(a.Length == 0 && a.MaximumLength == 0 && a.Buffer == NULL);
    KT_EXPECT(s.Length == 0 && s.MaximumLength == 0 && s.Buffer == NULL);
}

KTEST(rtl, constant_string_matches_init)
{
    UNICODE_STRING c = RTL_CONSTANT_STRING(L"\\Device"), u;
    ANSI_STRING a = RTL_CONSTANT_STRING("ob");

    RtlInitUnicodeString(&u, L"\\Device");
    KT_EXPECT_EQ(c.Length, u.Length);
    KT_EXPECT_EQ(c.MaximumLength, u.MaximumLength);
    KT_EXPECT_EQ(a.Length, 2);
    KT_EXPECT_EQ(a.MaximumLength, 3);
}

/* ASCII and Latin-1 letters change case; signs and others do not. */
KTEST(rtl, case_of_ascii_and_latin1_letters)
{
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(L'a'), L'A');
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(L'z'), L'Z');
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(L'A'), L'A');
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(L'{'), L'{');
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(0xE0), 0xC0); /* à */
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(0xFE), 0xDE); /* þ */
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(0xF7), 0xF7); /* ÷ */
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(0xFF), 0xFF); /* ÿ: not Latin-1 */
    KT_EXPECT_EQ(RtlUpcaseUnicodeChar(0x0436), 0x0436);
    KT_EXPECT_EQ(RtlDowncaseUnicodeChar(L'Q'), L'q');
    KT_EXPECT_EQ(RtlDowncaseUnicodeChar(L'@'), L'@');
    KT_EXPECT_EQ(RtlDowncaseUnicodeChar(0xC9), 0xE9); /* É */
    KT_EXPECT_EQ(RtlDowncaseUnicodeChar(0xD7), 0xD7); /* × */
    KT_EXPECT_EQ(RtlDowncaseUnicodeChar(0xDF), 0xDF); /* ß has no upper */
}

/* ---- Comparison ---------------------------------------------------------- */

KTEST(rtl, equal_ignores_case_only_when_asked)
{
    UNICODE_STRING a, b, c;

    RtlInitUnicodeString(&a, L"Device");
    RtlInitUnicodeString(&b, L"DEVICE");
    RtlInitUnicodeString(&c, L"Devices");
    KT_EXPECT(!RtlEqualUnicodeString(&a, &b, FALSE));
    KT_EXPECT(RtlEqualUnicodeString(&a, &b, TRUE));
    KT_EXPECT(RtlEqualUnicodeString(&a, &a, FALSE));
    KT_EXPECT(!RtlEqualUnicodeString(&a, &c, TRUE));
    KT_EXPECT_EQ(RtlCompareUnicodeString(&a, &b, TRUE), 0);
}

/* Characters decide first, then length; case-insensitive compares
 * upcased characters, so "B" < "a" but "B" > "a" ignoring case. */
KTEST(rtl, compare_orders_by_characters_then_length)
{
    UNICODE_STRING abc, abd, abcd, big_b, small_a, empty;

    RtlInitUnicodeString(&abc, L"abc");
    RtlInitUnicodeString(&abd, L"abd");
    RtlInitUnicodeString(&abcd, L"abcd");
    RtlInitUnicodeString(&big_b, L"B");
    RtlInitUnicodeString(&small_a, L"a");
    RtlInitUnicodeString(&empty, L"");
    KT_EXPECT(RtlCompareUnicodeString(&abc, &abd, FALSE) < 0);
    KT_EXPECT(RtlCompareUnicodeString(&abd, &abc, FALSE) > 0);
    KT_EXPECT(RtlCompareUnicodeString(&abc, &abcd, FALSE) < 0);
    KT_EXPECT(RtlCompareUnicodeString(&abcd, &abd, FALSE) < 0);
    KT_EXPECT(RtlCompareUnicodeString(&empty, &abc, FALSE) < 0);
    KT_EXPECT_EQ(RtlCompareUnicodeString(&abc, &abc, FALSE), 0);
    KT_EXPECT(RtlCompareUnicodeString(&big_b, &small_a, FALSE) < 0);
    KT_EXPECT(RtlCompareUnicodeString(&big_b, &small_a, TRUE) > 0);
}

KTEST(rtl, prefix)
{
    UNICODE_STRING prefix, name, lower, empty;

    RtlInitUnicodeString(&prefix, L"\\Device");
    RtlInitUnicodeString(&name, L"\\Device\\Null");
    RtlInitUnicodeString(&lower, L"\\device");
    RtlInitUnicodeString(&empty, L"");
    KT_EXPECT(RtlPrefixUnicodeString(&prefix, &name, FALSE));
    KT_EXPECT(RtlPrefixUnicodeString(&prefix, &prefix, FALSE));
    KT_EXPECT(!RtlPrefixUnicodeString(&name, &prefix, FALSE));
    KT_EXPECT(!RtlPrefixUnicodeString(&lower, &name, FALSE));
    KT_EXPECT(RtlPrefixUnicodeString(&lower, &name, TRUE));
    KT_EXPECT(RtlPrefixUnicodeString(&empty, &name, FALSE));
}

/* ANSI bytes compare unsigned, and Latin-1 letters fold too. */
KTEST(rtl, ansi_compare_and_equal)
{
    STRING hello, shout, e_acute, big_e_acute, z;

    RtlInitString(&hello, "Hello");
    RtlInitString(&shout, "HELLO");
    RtlInitString(&e_acute, "\xE9");
    RtlInitString(&big_e_acute, "\xC9");
    RtlInitString(&z, "z");
    KT_EXPECT(!RtlEqualString(&hello, &shout, FALSE));
    KT_EXPECT(RtlEqualString(&hello, &shout, TRUE));
    KT_EXPECT(RtlCompareString(&hello, &shout, FALSE) > 0);
    KT_EXPECT(RtlCompareString(&e_acute, &z, FALSE) > 0);
    KT_EXPECT(RtlEqualString(&e_acute, &big_e_acute, TRUE));
    KT_EXPECT(RtlCompareString(&z, &hello, TRUE) > 0);
}

/* ---- Copying and appending ----------------------------------------------- */

KTEST(rtl, copy_truncates_and_terminates_when_there_is_room)
{
    WCHAR buffer[6] = {0};
    UNICODE_STRING dest = over(buffer, 8), source;

    buffer[4] = 0xAAAA;
    RtlInitUnicodeString(&source, L"abcdef");
    RtlCopyUnicodeString(&dest, &source);
    KT_EXPECT(holds(&dest, L"abcd"));
    KT_EXPECT_EQ(buffer[4], 0xAAAA); /* no room for a terminator */
    RtlInitUnicodeString(&source, L"xy");
    RtlCopyUnicodeString(&dest, &source);
    KT_EXPECT(holds(&dest, L"xy"));
    KT_EXPECT_EQ(buffer[2], 0);
    RtlCopyUnicodeString(&dest, NULL);
    KT_EXPECT_EQ(dest.Length, 0);
    KT_EXPECT_EQ(dest.MaximumLength, 8);
}

KTEST(rtl, append_builds_a_path)
{
    WCHAR buffer[32];
    UNICODE_STRING path = over(buffer, sizeof buffer), name;

    RtlInitUnicodeString(&name, L"\\Device");
    KT_EXPECT_EQ(RtlAppendUnicodeStringToString(&path, &name), STATUS_SUCCESS);
    KT_EXPECT_EQ(RtlAppendUnicodeToString(&path, L"\\Null"), STATUS_SUCCESS);
    KT_EXPECT_EQ(RtlAppendUnicodeToString(&path, NULL), STATUS_SUCCESS);
    KT_EXPECT(holds(&path, L"\\Device\\Null"));
    KT_EXPECT_EQ(buffer[12], 0);
}

/* A source that does not fit changes nothing; one that just fits goes in
 * without a terminator. */
KTEST(rtl, append_overflow_leaves_the_destination_unchanged)
{
    WCHAR buffer[6] = {L'a', L'b', L'c', 0, 0x5555, 0x6666};
    WCHAR before[6];
    UNICODE_STRING dest = {6, 10, buffer}, source;

    RtlCopyMemory(before, buffer, sizeof buffer);
    RtlInitUnicodeString(&source, L"def");
    KT_EXPECT_EQ(RtlAppendUnicodeStringToString(&dest, &source),
                 STATUS_BUFFER_TOO_SMALL);
    KT_EXPECT_EQ(RtlAppendUnicodeToString(&dest, L"def"),
                 STATUS_BUFFER_TOO_SMALL);
    KT_EXPECT_EQ(dest.Length, 6);
    KT_EXPECT(RtlEqualMemory(buffer, before, sizeof buffer));
    KT_EXPECT_EQ(RtlAppendUnicodeToString(&dest, L"de"), STATUS_SUCCESS);
    KT_EXPECT(holds(&dest, L"abcde"));
    KT_EXPECT_EQ(buffer[5], 0x6666);
}

/* ---- Conversions --------------------------------------------------------- */

KTEST(rtl, ansi_to_unicode_allocates_from_paged_pool)
{
    ex_tag_usage before = ex_pool_tag_usage(TAG_USTR, TRUE);
    ANSI_STRING a;
    UNICODE_STRING u;

    RtlInitAnsiString(&a, "caf\xE9");
    KT_ASSERT_EQ(RtlAnsiStringToUnicodeString(&u, &a, TRUE), STATUS_SUCCESS);
    KT_EXPECT(holds(&u, L"caf\xE9"));
    KT_EXPECT_EQ(u.MaximumLength, 10);
    KT_EXPECT_EQ(u.Buffer[4], 0);
    KT_EXPECT_EQ(ex_pool_tag_usage(TAG_USTR, TRUE).allocs, before.allocs + 1);
    RtlFreeUnicodeString(&u);
    KT_EXPECT(u.Length == 0 && u.MaximumLength == 0 && u.Buffer == NULL);
    KT_EXPECT_EQ(ex_pool_tag_usage(TAG_USTR, TRUE).bytes, before.bytes);
}

/* The caller's buffer must hold the text and a terminator. */
KTEST(rtl, ansi_to_unicode_overflow_changes_nothing)
{
    WCHAR buffer[6] = {0};
    UNICODE_STRING u = over(buffer, 10);
    ANSI_STRING a;

    RtlInitAnsiString(&a, "Hello");
    KT_EXPECT_EQ(RtlAnsiStringToUnicodeString(&u, &a, FALSE),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(u.Length, 0);
    KT_EXPECT_EQ(buffer[0], 0);
    u.MaximumLength = 12;
    KT_EXPECT_EQ(RtlAnsiStringToUnicodeString(&u, &a, FALSE), STATUS_SUCCESS);
    KT_EXPECT(holds(&u, L"Hello"));
    KT_EXPECT_EQ(buffer[5], 0);
}

KTEST(rtl, unicode_to_ansi_maps_non_latin1_to_question_mark)
{
    UNICODE_STRING u;
    ANSI_STRING a;

    RtlInitUnicodeString(&u, L"a\x0416"
                             L"b\xE9");
    KT_ASSERT_EQ(RtlUnicodeStringToAnsiString(&a, &u, TRUE), STATUS_SUCCESS);
    KT_EXPECT_EQ(a.Length, 4);
    KT_EXPECT_EQ(a.MaximumLength, 5);
    KT_EXPECT_STR_EQ(a.Buffer, "a?b\xE9");
    RtlFreeAnsiString(&a);
    KT_EXPECT(a.Length == 0 && a.MaximumLength == 0 && a.Buffer == NULL);
}

/* As on NT, what fits is converted and terminated, and the status says
 * the rest was lost. */
KTEST(rtl, unicode_to_ansi_truncates_with_buffer_overflow)
{
    char buffer[4] = {'x', 'x', 'x', 'x'};
    ANSI_STRING a = {0, 4, buffer};
    UNICODE_STRING u;

    RtlInitUnicodeString(&u, L"Hello");
    KT_EXPECT_EQ(RtlUnicodeStringToAnsiString(&a, &u, FALSE),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(a.Length, 3);
    KT_EXPECT_STR_EQ(a.Buffer, "Hel");
    a.MaximumLength = 0;
    a.Length = 2;
    KT_EXPECT_EQ(RtlUnicodeStringToAnsiString(&a, &u, FALSE),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(a.Length, 2);
}

KTEST(rtl, create_copies_with_a_terminator)
{
    static const WCHAR name[] = L"Ob";
    UNICODE_STRING u;

    KT_ASSERT(RtlCreateUnicodeString(&u, name));
    KT_EXPECT(u.Buffer != name);
    KT_EXPECT(holds(&u, L"Ob"));
    KT_EXPECT_EQ(u.MaximumLength, 6);
    KT_EXPECT_EQ(u.Buffer[2], 0);
    RtlFreeUnicodeString(&u);
    KT_ASSERT(RtlCreateUnicodeString(&u, L""));
    KT_EXPECT_EQ(u.Length, 0);
    KT_EXPECT_EQ(u.MaximumLength, 2);
    RtlFreeUnicodeString(&u);
}

KTEST(rtl, upcase_string_allocated_in_place_and_too_small)
{
    WCHAR buffer[4] = {L'o', L'b', 0xE9, 0};
    UNICODE_STRING source, upper, in_place = {6, 8, buffer}, small;

    RtlInitUnicodeString(&source, L"\\Device\\x");
    KT_ASSERT_EQ(RtlUpcaseUnicodeString(&upper, &source, TRUE), STATUS_SUCCESS);
    KT_EXPECT(holds(&upper, L"\\DEVICE\\X"));
    KT_EXPECT_EQ(upper.MaximumLength, upper.Length); /* as NT: no NUL */
    KT_EXPECT_EQ(RtlUpcaseUnicodeString(&in_place, &in_place, FALSE),
                 STATUS_SUCCESS);
    KT_EXPECT(holds(&in_place, L"OB\xC9"));
    small = over(buffer, 4);
    KT_EXPECT_EQ(RtlUpcaseUnicodeString(&small, &source, FALSE),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(small.Length, 0);
    KT_EXPECT_EQ(buffer[0], L'O');
    RtlFreeUnicodeString(&upper);
}

/* ---- Integers ------------------------------------------------------------ */

KTEST(rtl, integer_to_unicode_in_each_base)
{
    WCHAR buffer[34];
    UNICODE_STRING s = over(buffer, sizeof buffer);

    KT_EXPECT_EQ(RtlIntegerToUnicodeString(1234, 10, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"1234"));
    KT_EXPECT_EQ(buffer[4], 0);
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(0xBEEF, 16, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"BEEF"));
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(8, 8, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"10"));
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(0xFFFFFFFF, 2, &s), STATUS_SUCCESS);
    KT_EXPECT_EQ(s.Length, 64);
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(0xFFFFFFFF, 0, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"4294967295"));
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(0, 16, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"0"));
}

KTEST(rtl, integer_to_unicode_bad_base_and_overflow)
{
    WCHAR buffer[5] = {L'x', 0, 0, 0, 0};
    UNICODE_STRING s = {2, 8, buffer};

    KT_EXPECT_EQ(RtlIntegerToUnicodeString(1, 3, &s), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(1, 36, &s),
                 STATUS_INVALID_PARAMETER);
    /* Four digits need ten bytes with the terminator. */
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(1234, 10, &s),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT(holds(&s, L"x"));
    KT_EXPECT_EQ(RtlIntegerToUnicodeString(123, 10, &s), STATUS_SUCCESS);
    KT_EXPECT(holds(&s, L"123"));
}

/* One call of RtlUnicodeStringToInteger and what NT answers. */
struct integer_case {
    PCWSTR text;
    ULONG base;
    NTSTATUS status;
    ULONG value; /* 7, the value before the call, when it must not change */
};

static void expect_integers(const struct integer_case *cases, ULONG n)
{
    ULONG i, v;

    for (i = 0; i < n; i++) {
        const struct integer_case *c = &cases[i];
        UNICODE_STRING s;
        NTSTATUS status;

        RtlInitUnicodeString(&s, c->text);
        v = 7;
        status = RtlUnicodeStringToInteger(&s, c->base, &v);
        if (status != c->status || v != c->value)
            ktest_fail(__FILE__, __LINE__,
                       "\"%ws\" in base %u: 0x%X and %d, not 0x%X and %d",
                       c->text, c->base, status, v, c->status, c->value);
    }
}

/* The examples of NT's documentation, and the prefixes of base 0. */
KTEST(rtl, unicode_to_integer)
{
    static const struct integer_case cases[] = {
        {L"123", 10, STATUS_SUCCESS, 123},
        {L"-345", 10, STATUS_SUCCESS, (ULONG)-345},
        {L"xyz", 10, STATUS_SUCCESS, 0},
        {L"+678abc", 10, STATUS_SUCCESS, 678},
        {L"+678abc", 16, STATUS_SUCCESS, 0x678ABC},
        {L"0x1F", 0, STATUS_SUCCESS, 0x1F},
        {L"0o17", 0, STATUS_SUCCESS, 15},
        {L"0b101", 0, STATUS_SUCCESS, 5},
        {L" \t-0x10", 0, STATUS_SUCCESS, (ULONG)-16},
        {L"019", 0, STATUS_SUCCESS, 19},
    };

    expect_integers(cases, ARRAYSIZE(cases));
}

/* A base given explicitly takes no prefix, digits stop at the first that
 * is not one in the base, and the value wraps as a ULONG. */
KTEST(rtl, unicode_to_integer_with_an_explicit_base)
{
    static const struct integer_case cases[] = {
        {L"ff", 16, STATUS_SUCCESS, 255},
        {L"0x10", 16, STATUS_SUCCESS, 0},
        {L"1012", 2, STATUS_SUCCESS, 5},
        {L"78", 8, STATUS_SUCCESS, 7},
        {L"4294967297", 10, STATUS_SUCCESS, 1},
    };

    expect_integers(cases, ARRAYSIZE(cases));
}

/* A bad base or an empty string fails and leaves *Value alone; white
 * space alone is a string without digits. */
KTEST(rtl, unicode_to_integer_bad_base_and_empty_string)
{
    static const struct integer_case cases[] = {
        {L"10", 3, STATUS_INVALID_PARAMETER, 7},
        {L"10", 1, STATUS_INVALID_PARAMETER, 7},
        {L"10", 17, STATUS_INVALID_PARAMETER, 7},
        {L"", 10, STATUS_INVALID_PARAMETER, 7},
        {L"  ", 10, STATUS_SUCCESS, 0},
    };

    expect_integers(cases, ARRAYSIZE(cases));
}

/* ---- Debug output -------------------------------------------------------- */

/* The messages go to the console as TAP comments; what is checked here is
 * the status a driver sees, shown or filtered. */
KTEST(rtl, dbgprint_formats_counted_strings)
{
    UNICODE_STRING u = RTL_CONSTANT_STRING(L"\\Device\\Null");
    ANSI_STRING a = RTL_CONSTANT_STRING("ansi");

    KT_EXPECT_EQ(DbgPrint("# DbgPrint: %wZ %Z %ws %d\n", &u, &a, L"wide", -1),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                            "# DbgPrintEx: error level %wZ\n", &u),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
                            "not shown: info level\n"),
                 STATUS_SUCCESS);
    KdPrint(("# KdPrint: %s\n", "as DbgPrint"));
    KdPrintEx((DPFLTR_DEFAULT_ID, DPFLTR_TRACE_LEVEL, "not shown: trace\n"));
    KdPrintEx((DPFLTR_DEFAULT_ID, DPFLTR_MASK | 1, "# KdPrintEx: mask 1\n"));
}

/* _snprintf as NT's: the length when the text fits with its NUL; Count
 * and no NUL when it fills the buffer exactly; -1 and Count characters,
 * no NUL, when it does not fit. Nothing is written past Count. */
KTEST(rtl, snprintf_counts_and_truncates_as_nt)
{
    char buf[8];

    RtlFillMemory(buf, sizeof buf, 'X');
    KT_EXPECT_EQ(_snprintf(buf, 6, "%s", "abc"), 3);
    KT_EXPECT_STR_EQ(buf, "abc");
    RtlFillMemory(buf, sizeof buf, 'X');
    KT_EXPECT_EQ(_snprintf(buf, 4, "ab%d", 12), 4);
    KT_EXPECT(RtlEqualMemory(buf, "ab12XXXX", 8));
    RtlFillMemory(buf, sizeof buf, 'X');
    KT_EXPECT_EQ(_snprintf(buf, 4, "%s", "abcdef"), -1);
    KT_EXPECT(RtlEqualMemory(buf, "abcdXXXX", 8));
    KT_EXPECT_EQ(_snprintf(buf, 0, "%s", "abc"), -1);
}

/* ntstrsafe.h: results always end in a NUL inside the buffer; a cut is
 * STATUS_BUFFER_OVERFLOW, a bad size STATUS_INVALID_PARAMETER. */
KTEST(rtl, ntstrsafe_narrow_routines)
{
    char buf[8];
    size_t n;

    KT_EXPECT_EQ(RtlStringCbPrintfA(buf, sizeof buf, "%u-%s", 42u, "ab"),
                 STATUS_SUCCESS);
    KT_EXPECT_STR_EQ(buf, "42-ab");
    KT_EXPECT_EQ(RtlStringCbPrintfA(buf, sizeof buf, "%s", "1234567"),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(RtlStringCbPrintfA(buf, sizeof buf, "%s", "12345678"),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_STR_EQ(buf, "1234567");
    KT_EXPECT_EQ(RtlStringCbPrintfA(buf, 0, "x"), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(RtlStringCchCopyA(buf, sizeof buf, "abc"), STATUS_SUCCESS);
    KT_EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, "defg"), STATUS_SUCCESS);
    KT_EXPECT_STR_EQ(buf, "abcdefg");
    KT_EXPECT_EQ(RtlStringCchCatA(buf, sizeof buf, "h"),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(RtlStringCbCopyA(buf, 4, "abcdef"), STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_STR_EQ(buf, "abc");
    KT_EXPECT_EQ(RtlStringCchLengthA(buf, sizeof buf, &n), STATUS_SUCCESS);
    KT_EXPECT_EQ(n, 3);
    KT_EXPECT_EQ(RtlStringCchLengthA(buf, 3, &n), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(n, 0);
}
