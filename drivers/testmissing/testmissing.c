/*
 * A driver that imports a routine ntlab does not export: loading it fails
 * with STATUS_PROCEDURE_NOT_FOUND (tests/kernel/sysload_test.c).
 */
#include <ntddk.h>

NTSTATUS NTAPI DriverEntry(PVOID DriverObject, PVOID RegistryPath);
NTSTATUS NTAPI NtlabNoSuchRoutine(ULONG Value);

NTSTATUS NTAPI DriverEntry(PVOID DriverObject, PVOID RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return NtlabNoSuchRoutine(KeGetCurrentIrql());
}
