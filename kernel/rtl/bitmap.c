/*
 * RTL bitmaps (NT's RtlXxxBits routines): bit i is bit (i % 32) of
 * Buffer[i / 32]. Callers do their own locking.
 */
#include "rtl.h"

#define NOT_FOUND 0xFFFFFFFFu

VOID NTAPI RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer,
                               ULONG SizeOfBitMap)
{
    BitMapHeader->SizeOfBitMap = SizeOfBitMap;
    BitMapHeader->Buffer = BitMapBuffer;
}

static ULONG words(const RTL_BITMAP *map)
{
    return (map->SizeOfBitMap + 31) / 32;
}

VOID NTAPI RtlClearAllBits(PRTL_BITMAP BitMapHeader)
{
    RtlZeroMemory(BitMapHeader->Buffer, words(BitMapHeader) * sizeof(ULONG));
}

VOID NTAPI RtlSetAllBits(PRTL_BITMAP BitMapHeader)
{
    RtlFillMemory(BitMapHeader->Buffer, words(BitMapHeader) * sizeof(ULONG),
                  0xFF);
}

BOOLEAN NTAPI RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
    return (BitMapHeader->Buffer[BitNumber / 32] >> (BitNumber % 32)) & 1;
}

/* Sets or clears [start, start + n), a word at a time where it can. */
static void fill(PRTL_BITMAP map, ULONG start, ULONG n, BOOLEAN on)
{
    ULONG i = start, end = start + n;

    while (i < end) {
        ULONG bit = i % 32, count = 32 - bit;
        ULONG mask;

        if (count > end - i)
            count = end - i;
        mask = (count == 32 ? 0xFFFFFFFFu : ((1u << count) - 1)) << bit;
        if (on)
            map->Buffer[i / 32] |= mask;
        else
            map->Buffer[i / 32] &= ~mask;
        i += count;
    }
}

VOID NTAPI RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                        ULONG NumberToClear)
{
    fill(BitMapHeader, StartingIndex, NumberToClear, FALSE);
}

VOID NTAPI RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                      ULONG NumberToSet)
{
    fill(BitMapHeader, StartingIndex, NumberToSet, TRUE);
}

/* Are all of [start, start + n) equal to value? */
static BOOLEAN all_are(PRTL_BITMAP map, ULONG start, ULONG n, BOOLEAN value)
{
    ULONG i;

    if (start > map->SizeOfBitMap || n > map->SizeOfBitMap - start)
        return FALSE;
    for (i = start; i < start + n; i++) {
        if (i % 32 == 0 && i + 32 <= start + n &&
            map->Buffer[i / 32] == (value ? 0xFFFFFFFFu : 0)) {
            i += 31;
            continue;
        }
        if (RtlTestBit(map, i) != value)
            return FALSE;
    }
    return TRUE;
}

BOOLEAN NTAPI RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                              ULONG Length)
{
    return all_are(BitMapHeader, StartingIndex, Length, FALSE);
}

BOOLEAN NTAPI RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex,
                            ULONG Length)
{
    return all_are(BitMapHeader, StartingIndex, Length, TRUE);
}

/* First fit for a clear run of n in [from, to); NOT_FOUND if none. */
static ULONG find_clear(PRTL_BITMAP map, ULONG n, ULONG from, ULONG to)
{
    ULONG i = from, run = 0;

    while (i < to) {
        if (i % 32 == 0 && i + 32 <= to && map->Buffer[i / 32] == 0xFFFFFFFFu) {
            run = 0;
            i += 32;
            continue;
        }
        run = RtlTestBit(map, i) ? 0 : run + 1;
        i++;
        if (run == n)
            return i - n;
    }
    return NOT_FOUND;
}

ULONG NTAPI RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind,
                             ULONG HintIndex)
{
    ULONG size = BitMapHeader->SizeOfBitMap, found;

    if (NumberToFind == 0 || NumberToFind > size)
        return NumberToFind == 0 ? (HintIndex < size ? HintIndex : 0)
                                 : NOT_FOUND;
    if (HintIndex >= size)
        HintIndex = 0;
    found = find_clear(BitMapHeader, NumberToFind, HintIndex, size);
    if (found == NOT_FOUND && HintIndex != 0)
        found = find_clear(BitMapHeader, NumberToFind, 0,
                           HintIndex + NumberToFind - 1 < size
                               ? HintIndex + NumberToFind - 1
                               : size);
    return found;
}

ULONG NTAPI RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind,
                                   ULONG HintIndex)
{
    ULONG found = RtlFindClearBits(BitMapHeader, NumberToFind, HintIndex);

    if (found != NOT_FOUND)
        RtlSetBits(BitMapHeader, found, NumberToFind);
    return found;
}

ULONG NTAPI RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader)
{
    ULONG i, n = 0;

    for (i = 0; i < BitMapHeader->SizeOfBitMap; i++)
        n += RtlTestBit(BitMapHeader, i);
    return n;
}
