/*
 * Console output for the kernel.
 */
#include <hal.h>

#include "rtl.h"

void rtl_vprint(const char *fmt, va_list ap)
{
    char buf[1024];
    ULONG n = rtl_vsnprintf(buf, sizeof buf, fmt, ap);

    hal_console_write(buf, n < sizeof buf ? n : sizeof buf - 1);
}

void rtl_print(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rtl_vprint(fmt, ap);
    va_end(ap);
}
