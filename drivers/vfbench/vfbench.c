/*
 * vfbench.sys: the driver side of bench verifier_pool_alloc_free. Its
 * VfBenchPool allocates and frees pool, so that the allocations are a
 * driver's (and verified when the verifier is on).
 */
#include <ntddk.h>

#include "../../bench/baseline.h"

DRIVER_INITIALIZE DriverEntry;
ULONG VfBenchPool(ULONG Rounds);

/* Rounds allocations and frees of nonpaged pool, of the sizes the pool
 * benchmark uses; returns how many allocations failed. */
ULONG VfBenchPool(ULONG Rounds)
{
    unsigned long long State = 1;
    ULONG i, Failed = 0;

    for (i = 0; i < Rounds; i++) {
        PVOID p =
            ExAllocatePoolWithTag(NonPagedPool, bench_size(&State), 'hcnB');

        if (p == NULL)
            Failed++;
        else
            ExFreePoolWithTag(p, 'hcnB');
    }
    return Failed;
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}
