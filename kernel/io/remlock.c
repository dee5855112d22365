/*
 * Remove locks: a count that starts at 1 (the lock's own reference, which
 * IoReleaseRemoveLockAndWait drops) plus one per request in flight. Once
 * Removed is set, an acquire is refused, and the last release sets the
 * event the remover waits on.
 */
#include "io.h"

VOID NTAPI IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock, ULONG AllocateTag,
                                    ULONG MaxLockedMinutes,
                                    ULONG HighWatermark, ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(AllocateTag);
    UNREFERENCED_PARAMETER(MaxLockedMinutes);
    UNREFERENCED_PARAMETER(HighWatermark);
    UNREFERENCED_PARAMETER(RemlockSize);
    Lock->Common.Removed = FALSE;
    Lock->Common.IoCount = 1;
    KeInitializeEvent(&Lock->Common.RemoveEvent, NotificationEvent, FALSE);
}

/* Drops one count; the last one (after removal) wakes the remover. */
static void drop(PIO_REMOVE_LOCK RemoveLock)
{
    LONG left = InterlockedDecrement(&RemoveLock->Common.IoCount);

    ASSERTMSG("IoReleaseRemoveLock: released more often than acquired",
              left >= 0);
    if (left == 0)
        KeSetEvent(&RemoveLock->Common.RemoveEvent, IO_NO_INCREMENT, FALSE);
}

NTSTATUS NTAPI IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                     PCSTR File, ULONG Line, ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(File);
    UNREFERENCED_PARAMETER(Line);
    UNREFERENCED_PARAMETER(RemlockSize);
    InterlockedIncrement(&RemoveLock->Common.IoCount);
    if (!RemoveLock->Common.Removed)
        return STATUS_SUCCESS;
    drop(RemoveLock);
    return STATUS_DELETE_PENDING;
}

VOID NTAPI IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                 ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(RemlockSize);
    drop(RemoveLock);
}

/* The caller holds the lock once (its own acquire); drops that and the
 * lock's own count, then waits for the requests still in flight. */
VOID NTAPI IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock, PVOID Tag,
                                        ULONG RemlockSize)
{
    UNREFERENCED_PARAMETER(Tag);
    UNREFERENCED_PARAMETER(RemlockSize);
    PAGED_CODE();
    RemoveLock->Common.Removed = TRUE;
    drop(RemoveLock);
    drop(RemoveLock);
    KeWaitForSingleObject(&RemoveLock->Common.RemoveEvent, Executive,
                          KernelMode, FALSE, NULL);
}
