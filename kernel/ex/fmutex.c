/*
 * Fast mutexes: a count and an event. Acquiring raises IRQL to APC_LEVEL
 * (so no APC can run while the owner holds it) and waits on the event only
 * when the mutex is taken; releasing wakes one waiter.
 */
#include "ex.h"

#include "../vf/vf.h"

VOID NTAPI ExInitializeFastMutex(PFAST_MUTEX FastMutex)
{
    FastMutex->Count = 1;
    FastMutex->Owner = NULL;
    FastMutex->Contention = 0;
    KeInitializeEvent(&FastMutex->Event, SynchronizationEvent, FALSE);
}

VOID FASTCALL ExAcquireFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    vf_hook_lock_acquire(FastMutex, VF_FAST_MUTEX, __builtin_return_address(0));
    if (InterlockedDecrement(&FastMutex->Count) != 0) {
        FastMutex->Contention++;
        KeWaitForSingleObject(&FastMutex->Event, WrExecutive, KernelMode, FALSE,
                              NULL);
    }
    FastMutex->Owner = KeGetCurrentThread();
}

VOID FASTCALL ExReleaseFastMutexUnsafe(PFAST_MUTEX FastMutex)
{
    vf_hook_lock_release(FastMutex);
    FastMutex->Owner = NULL;
    if (InterlockedIncrement(&FastMutex->Count) != 1)
        KeSetEvent(&FastMutex->Event, IO_NO_INCREMENT, FALSE);
}

VOID FASTCALL ExAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL irql;

    vf_hook_lock_acquire(FastMutex, VF_FAST_MUTEX, __builtin_return_address(0));
    irql = KfRaiseIrql(APC_LEVEL);

    ExAcquireFastMutexUnsafe(FastMutex);
    FastMutex->OldIrql = irql;
}

VOID FASTCALL ExReleaseFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL irql = (KIRQL)FastMutex->OldIrql;

    ExReleaseFastMutexUnsafe(FastMutex);
    KfLowerIrql(irql);
}

BOOLEAN FASTCALL ExTryToAcquireFastMutex(PFAST_MUTEX FastMutex)
{
    KIRQL irql = KfRaiseIrql(APC_LEVEL);

    if (InterlockedCompareExchange(&FastMutex->Count, 0, 1) != 1) {
        KfLowerIrql(irql);
        return FALSE;
    }
    FastMutex->Owner = KeGetCurrentThread();
    FastMutex->OldIrql = irql;
    return TRUE;
}
