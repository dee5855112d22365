/*
 * wdkrt.sys: the C headers and small routines a WDK driver takes for
 * granted, used the way drivers use them. DriverEntry checks each and
 * prints one line per check ("wdkrt: NAME ok" or "wdkrt: NAME FAILED"),
 * then fails the load if any failed.
 */
#include <initguid.h>
#include <ntddk.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dontuse.h>
#include <devioctl.h>

DEFINE_GUID(GUID_WDKRT_TEST, 0x12345678, 0x9abc, 0xdef0, 0x01, 0x02, 0x03,
            0x04, 0x05, 0x06, 0x07, 0x08);

DRIVER_INITIALIZE DriverEntry;

static int failures;

static void check(const char *name, BOOLEAN held)
{
    DbgPrint("wdkrt: %s %s\n", name, held ? "ok" : "FAILED");
    if (!held)
        failures++;
}

static void narrow_strings(void)
{
    char buf[32];
    char *end;

    strcpy(buf, "Hello");
    strcat(buf, ", world");
    check("strlen", strlen(buf) == 12 && strnlen(buf, 4) == 4);
    check("strcmp", strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 &&
                        strncmp("abcx", "abcy", 3) == 0);
    check("_stricmp", _stricmp("HeLLo", "hello") == 0 &&
                          _strnicmp("ABCx", "abcY", 3) == 0);
    check("strchr", strchr(buf, 'o') == buf + 4 && strrchr(buf, 'o') == buf + 8 &&
                        strchr(buf, 'z') == NULL);
    check("strstr", strstr(buf, "world") == buf + 7 && strstr(buf, "xyz") == NULL);
    memset(buf, 'x', sizeof buf);
    strncpy(buf, "ab", 4);
    check("strncpy pads", buf[0] == 'a' && buf[2] == 0 && buf[3] == 0 && buf[4] == 'x');
    buf[2] = 0;
    strncat(buf, "cdef", 2);
    check("strncat", strcmp(buf, "abcd") == 0);
    check("memchr", memchr(buf, 'c', 4) == buf + 2 && memchr(buf, 'q', 4) == NULL);
    check("strtoul", strtoul(" 0x1F!", &end, 0) == 31 && *end == '!' &&
                         strtol("-42", NULL, 10) == -42 && atoi("17") == 17);
    check("ctype", isalpha('q') && !isalpha('1') && isdigit('7') &&
                       isspace('\t') && toupper('a') == 'A' && tolower('Z') == 'z');
    check("sprintf", sprintf(buf, "%d-%s", 12, "ab") == 5 && strcmp(buf, "12-ab") == 0);
}

static void wide_strings(void)
{
    WCHAR w[16];

    wcscpy(w, L"Dev");
    wcscat(w, L"ice");
    check("wcslen", wcslen(w) == 6);
    check("wcscmp", wcscmp(w, L"Device") == 0 && wcsncmp(w, L"Devil", 5) < 0 && wcsncmp(w, L"Devil", 4) == 0 &&
                        _wcsicmp(w, L"DEVICE") == 0);
    check("wcschr", wcschr(w, L'v') == w + 2 && wcsrchr(w, L'e') == w + 5 &&
                        wcsstr(w, L"ice") == w + 3);
}

static void ntdef_forms(void)
{
    UCHAR from[4] = {1, 2, 3, 4}, to[4] = {0};
    static const GUID same = {0x12345678, 0x9abc, 0xdef0,
                              {1, 2, 3, 4, 5, 6, 7, 8}};
    volatile int caught = 0;

    RtlCopyBytes(to, from, sizeof to);
    check("RtlCopyBytes", to[3] == 4);
    check("Int32x32To64", Int32x32To64(-100000, 100000) == -10000000000LL &&
                              UInt32x32To64(0xFFFFFFFFu, 2) == 0x1FFFFFFFEULL);
    check("DEFINE_GUID", IsEqualGUID(&GUID_WDKRT_TEST, &same) &&
                             GUID_WDKRT_TEST.Data4[7] == 8);
    check("CTL_CODE", CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED,
                               FILE_ANY_ACCESS) == 0x222000);
    try {
        ExRaiseStatus(STATUS_INSUFFICIENT_RESOURCES);
    } except (GetExceptionCode() == STATUS_INSUFFICIENT_RESOURCES
                  ? EXCEPTION_EXECUTE_HANDLER
                  : EXCEPTION_CONTINUE_SEARCH) {
        caught = 1;
    }
    try {
        caught++;
        leave;
    } finally {
        caught++;
    }
    check("try/except/finally", caught == 3);
}

/* A checked build (DBG=1) evaluates ASSERT's expression and prints
 * KdPrint's text; a free one (NTLAB_DBG=0) does neither. VERIFY's is
 * evaluated in both. */
static void checked_or_free(void)
{
    int asserted = 0, verified = 0;

    ASSERT(++asserted == 1);
    VERIFY(++verified == 1);
    KdPrint(("wdkrt: KdPrint prints in a checked build\n"));
    check(DBG ? "ASSERT evaluated (checked build)"
              : "ASSERT not evaluated (free build)",
          asserted == (DBG ? 1 : 0) && verified == 1);
}

/* The stack a driver runs on, as a recursive driver asks about it: the
 * caller's frame lies within the limits, the initial stack is their top,
 * and what remains shrinks as the frames go deeper. */
static __attribute__((noinline)) ULONG_PTR remaining_below(int depth)
{
    volatile UCHAR frame[256];
    ULONG_PTR left;

    frame[0] = (UCHAR)depth;
    left = depth == 0 ? IoGetRemainingStackSize() : remaining_below(depth - 1);
    return left + (frame[0] - (UCHAR)depth); /* the frame outlives the call */
}

static void stack_limits(void)
{
    ULONG_PTR low, high, here = (ULONG_PTR)&low;

    IoGetStackLimits(&low, &high);
    check("IoGetStackLimits holds the caller's frame", low < here && here < high);
    check("IoGetInitialStack is the stack's top",
          (ULONG_PTR)IoGetInitialStack() == high);
    check("IoGetRemainingStackSize shrinks deeper down",
          IoGetRemainingStackSize() < high - low &&
              remaining_below(4) + 4 * 256 <= IoGetRemainingStackSize());
    check("STATUS_DEVICE_REMOVED", STATUS_DEVICE_REMOVED == (NTSTATUS)0xC00002B6L);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    narrow_strings();
    wide_strings();
    ntdef_forms();
    checked_or_free();
    stack_limits();
    DbgPrint("wdkrt: %d failed\n", failures);
    return failures == 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
