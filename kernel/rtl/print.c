/*
 * The kernel's side of Rtl: console output, DbgPrint and its relatives,
 * and memory for the string routines (string.c).
 */
#include <hal.h>

#include "rtl.h"

static BOOLEAN muted;

void rtl_console_mute(BOOLEAN mute)
{
    muted = mute;
}

void rtl_console_write(const char *text, ULONG len)
{
    if (!muted)
        hal_console_write(text, len);
}

void rtl_vprint(const char *fmt, va_list ap)
{
    char buf[1024];
    ULONG n = rtl_vsnprintf(buf, sizeof buf, fmt, ap);

    rtl_console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

void rtl_print(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rtl_vprint(fmt, ap);
    va_end(ap);
}

/* ---- Memory for strings -----------------------------------------------------
 */

PVOID rtl_allocate(SIZE_T bytes, ULONG tag)
{
    return ExAllocatePoolWithTag(PagedPool, bytes, tag);
}

void rtl_free(PVOID p)
{
    ExFreePool(p);
}

/* NT sends at most this much of one message to the debugger. */
#define DBG_MESSAGE_MAX 512

/* Which DbgPrintEx levels print: NT's default Kd_WIN2000_Mask. */
#define KD_DEFAULT_MASK (1u << DPFLTR_ERROR_LEVEL)

/* ---- Debug output -------------------------------------------------------- */

/* Does NT's default filter let a message of this level through? */
static BOOLEAN level_shown(ULONG level)
{
    ULONG mask = level <= 31 ? 1u << level : level;

    return (mask & KD_DEFAULT_MASK) != 0;
}

static void print_message(PCCH prefix, PCCH format, va_list arglist)
{
    char text[DBG_MESSAGE_MAX];

    rtl_vsnprintf(text, sizeof text, format, arglist);
    rtl_print("%s%s", prefix, text);
}

ULONG NTAPI vDbgPrintExWithPrefix(PCCH Prefix, ULONG ComponentId, ULONG Level,
                                  PCCH Format, va_list arglist)
{
    /* NT's default masks are the same for every component. */
    UNREFERENCED_PARAMETER(ComponentId);
    if (level_shown(Level))
        print_message(Prefix, Format, arglist);
    return STATUS_SUCCESS;
}

ULONG NTAPI vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format,
                        va_list arglist)
{
    return vDbgPrintExWithPrefix("", ComponentId, Level, Format, arglist);
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...)
{
    va_list ap;
    ULONG status;

    va_start(ap, Format);
    status = vDbgPrintEx(ComponentId, Level, Format, ap);
    va_end(ap);
    return status;
}

ULONG DbgPrint(PCSTR Format, ...)
{
    va_list ap;

    va_start(ap, Format);
    print_message("", Format, ap);
    va_end(ap);
    return STATUS_SUCCESS;
}

/* ---- Breakpoints and assertions ---- */

VOID NTAPI DbgBreakPoint(VOID)
{
    __asm__ volatile("int3");
}

/* The status goes in the first argument register (eax on i386), where a
 * debugger would look for it. */
VOID NTAPI DbgBreakPointWithStatus(ULONG Status)
{
    __asm__ volatile("int3" : : "a"(Status));
}

VOID NTAPI RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
                     ULONG LineNumber, PSTR MutableMessage)
{
    DbgPrint("*** Assertion failed: %s%s%s\n***   Source File: %s, line %u\n\n",
             MutableMessage != NULL ? MutableMessage : "",
             MutableMessage != NULL ? " " : "", (PCSTR)VoidFailedAssertion,
             (PCSTR)VoidFileName, LineNumber);
    DbgBreakPoint();
}

/* ---- Bounded formatting ---- */

int _vsnprintf(char *Buffer, size_t Count, const char *Format, va_list ArgList)
{
    ULONG room = Count > 0xFFFFFFFFu ? 0xFFFFFFFFu : (ULONG)Count;
    ULONG n = rtl_vformat(Buffer, room, Format, ArgList);

    if (n < room)
        Buffer[n] = '\0';
    return n <= room && n <= 0x7FFFFFFFu ? (int)n : -1;
}

int _snprintf(char *Buffer, size_t Count, const char *Format, ...)
{
    va_list ap;
    int n;

    va_start(ap, Format);
    n = _vsnprintf(Buffer, Count, Format, ap);
    va_end(ap);
    return n;
}
