/*
 * A driver without a DriverEntry: loading it fails with
 * STATUS_DRIVER_ENTRYPOINT_NOT_FOUND (tests/kernel/sysload_test.c).
 */
#include <ntddk.h>

NTSTATUS NTAPI DriverMain(PVOID DriverObject, PVOID RegistryPath);

NTSTATUS NTAPI DriverMain(PVOID DriverObject, PVOID RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}
