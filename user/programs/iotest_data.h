/*
 * The data the programs that drive iotest.sys send and check: its IOCTLs
 * answer byte i of the input with byte i + 1 (drivers/iotest/iotest.h).
 * A program includes this after <ntdll.h> or <windows.h>.
 */
#ifndef IOTEST_DATA_H
#define IOTEST_DATA_H

/* Fills p with n bytes counting up from first. */
static inline void fill(UCHAR *p, ULONG n, UCHAR first)
{
    ULONG i;

    for (i = 0; i < n; i++)
        p[i] = (UCHAR)(first + i);
}

/* Does out hold in + 1 for n bytes, and sentinel after, up to size? */
static inline BOOLEAN bumped(const UCHAR *in, const UCHAR *out, ULONG n,
                             ULONG size, UCHAR sentinel)
{
    ULONG i;

    for (i = 0; i < n; i++)
        if (out[i] != (UCHAR)(in[i] + 1))
            return FALSE;
    for (; i < size; i++)
        if (out[i] != sentinel)
            return FALSE;
    return TRUE;
}

#endif
