/*
 * The 64-bit division helpers gcc calls on i386 (libgcc's names), so that
 * the pc image needs no 32-bit libgcc: shift and subtract.
 */
#include "pc.h"

ULONGLONG __udivmoddi4(ULONGLONG n, ULONGLONG d, ULONGLONG *rem);
ULONGLONG __udivdi3(ULONGLONG n, ULONGLONG d);
ULONGLONG __umoddi3(ULONGLONG n, ULONGLONG d);
LONGLONG __divdi3(LONGLONG n, LONGLONG d);
LONGLONG __moddi3(LONGLONG n, LONGLONG d);

ULONGLONG __udivmoddi4(ULONGLONG n, ULONGLONG d, ULONGLONG *rem)
{
    ULONGLONG q = 0, r = 0;
    int bit;

    if (d == 0) /* as the CPU would: a divide error */
        __asm__ volatile("divl %0" : : "r"(0u) : "eax", "edx");
    if ((d >> 32) == 0 && (n >> 32) == 0) {
        q = (ULONG)n / (ULONG)d;
        r = (ULONG)n % (ULONG)d;
    } else {
        for (bit = 63; bit >= 0; bit--) {
            r = r << 1 | ((n >> bit) & 1);
            if (r >= d) {
                r -= d;
                q |= 1ull << bit;
            }
        }
    }
    if (rem != NULL)
        *rem = r;
    return q;
}

ULONGLONG __udivdi3(ULONGLONG n, ULONGLONG d)
{
    return __udivmoddi4(n, d, NULL);
}

ULONGLONG __umoddi3(ULONGLONG n, ULONGLONG d)
{
    ULONGLONG r;

    __udivmoddi4(n, d, &r);
    return r;
}

LONGLONG __divdi3(LONGLONG n, LONGLONG d)
{
    ULONGLONG q = __udivmoddi4(n < 0 ? -(ULONGLONG)n : (ULONGLONG)n,
                               d < 0 ? -(ULONGLONG)d : (ULONGLONG)d, NULL);

    return (n < 0) != (d < 0) ? -(LONGLONG)q : (LONGLONG)q;
}

LONGLONG __moddi3(LONGLONG n, LONGLONG d)
{
    ULONGLONG r;

    __udivmoddi4(n < 0 ? -(ULONGLONG)n : (ULONGLONG)n,
                 d < 0 ? -(ULONGLONG)d : (ULONGLONG)d, &r);
    return n < 0 ? -(LONGLONG)r : (LONGLONG)r;
}
