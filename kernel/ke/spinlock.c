/*
 * Spin locks on one CPU.
 *
 * Acquiring raises IRQL to DISPATCH_LEVEL, which alone keeps every other
 * thread and DPC off the CPU. The lock word also records its owner (the
 * current thread's address with the low bit set), so that the mistakes
 * that would hang a multiprocessor stop this one at once, as NT's checked
 * builds do there: acquiring a lock already held is SPIN_LOCK_ALREADY_OWNED
 * (lock, owner word, 0, 0); releasing a lock the caller does not hold is
 * SPIN_LOCK_NOT_OWNED (lock, owner word, 0, 0). The AtDpcLevel forms must
 * be called at DISPATCH_LEVEL or above (else IRQL_NOT_GREATER_OR_EQUAL with
 * the lock and the IRQL).
 */
#include "ke.h"

#include "../vf/vf.h"

static KSPIN_LOCK owner_word(void)
{
    return (KSPIN_LOCK)ke_current_thread() | 1;
}

static void take(PKSPIN_LOCK lock)
{
    if (*lock != 0)
        KeBugCheckEx(SPIN_LOCK_ALREADY_OWNED, (ULONG_PTR)lock, *lock, 0, 0);
    *lock = owner_word();
}

static void give_back(PKSPIN_LOCK lock)
{
    if (*lock != owner_word())
        KeBugCheckEx(SPIN_LOCK_NOT_OWNED, (ULONG_PTR)lock, *lock, 0, 0);
    *lock = 0;
}

static void require_dpc_level(PKSPIN_LOCK lock)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql < DISPATCH_LEVEL)
        KeBugCheckEx(IRQL_NOT_GREATER_OR_EQUAL, (ULONG_PTR)lock, irql, 0, 0);
}

VOID NTAPI KeInitializeSpinLock(PKSPIN_LOCK SpinLock)
{
    *SpinLock = 0;
}

KIRQL FASTCALL KfAcquireSpinLock(PKSPIN_LOCK SpinLock)
{
    KIRQL irql;

    vf_hook_lock_acquire(SpinLock, VF_SPIN_LOCK, __builtin_return_address(0));
    irql = KfRaiseIrql(DISPATCH_LEVEL);

    take(SpinLock);
    return irql;
}

KIRQL NTAPI KeAcquireSpinLockRaiseToDpc(PKSPIN_LOCK SpinLock)
{
    vf_hook_lock_acquire(SpinLock, VF_SPIN_LOCK, __builtin_return_address(0));
    return KfAcquireSpinLock(SpinLock);
}

VOID FASTCALL KfReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql)
{
    vf_hook_lock_release(SpinLock);
    give_back(SpinLock);
    KfLowerIrql(NewIrql);
}

VOID NTAPI KeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    vf_hook_lock_acquire(SpinLock, VF_SPIN_LOCK, __builtin_return_address(0));
    require_dpc_level(SpinLock);
    take(SpinLock);
}

VOID NTAPI KeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock)
{
    vf_hook_lock_release(SpinLock);
    give_back(SpinLock);
}

BOOLEAN FASTCALL KeTryToAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock)
{
    require_dpc_level(SpinLock);
    if (*SpinLock != 0)
        return FALSE;
    *SpinLock = owner_word();
    return TRUE;
}

/* TRUE when the lock is free. */
BOOLEAN FASTCALL KeTestSpinLock(PKSPIN_LOCK SpinLock)
{
    return *SpinLock == 0;
}

VOID FASTCALL KeAcquireInStackQueuedSpinLock(PKSPIN_LOCK SpinLock,
                                             PKLOCK_QUEUE_HANDLE LockHandle)
{
    vf_hook_lock_acquire(SpinLock, VF_SPIN_LOCK, __builtin_return_address(0));
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    LockHandle->OldIrql = KfAcquireSpinLock(SpinLock);
}

VOID FASTCALL KeReleaseInStackQueuedSpinLock(PKLOCK_QUEUE_HANDLE LockHandle)
{
    KfReleaseSpinLock(LockHandle->LockQueue.Lock, LockHandle->OldIrql);
}

VOID FASTCALL KeAcquireInStackQueuedSpinLockAtDpcLevel(
    PKSPIN_LOCK SpinLock, PKLOCK_QUEUE_HANDLE LockHandle)
{
    vf_hook_lock_acquire(SpinLock, VF_SPIN_LOCK, __builtin_return_address(0));
    LockHandle->LockQueue.Next = NULL;
    LockHandle->LockQueue.Lock = SpinLock;
    KeAcquireSpinLockAtDpcLevel(SpinLock);
}

VOID FASTCALL
KeReleaseInStackQueuedSpinLockFromDpcLevel(PKLOCK_QUEUE_HANDLE LockHandle)
{
    vf_hook_lock_release(LockHandle->LockQueue.Lock);
    give_back(LockHandle->LockQueue.Lock);
}
