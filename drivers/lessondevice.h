/*
 * The plumbing the example drivers share, so that each driver's own file
 * is about its lesson: one device with a Win32 name, whose create and
 * close requests simply succeed, and completing a request in one call.
 * sdk/example/sample.c shows the same steps written out in a driver.
 */
#ifndef DRIVERS_LESSONDEVICE_H
#define DRIVERS_LESSONDEVICE_H

#include <ntddk.h>

/* Ends Irp with Status and Information; returns Status, for a dispatch
 * routine to return. Any IRQL <= DISPATCH_LEVEL, any context. */
static inline NTSTATUS LessonComplete(PIRP Irp, NTSTATUS Status,
                                      ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* IRP_MJ_CREATE and IRP_MJ_CLOSE: nothing to do, success. */
static inline NTSTATUS NTAPI LessonCreateClose(PDEVICE_OBJECT DeviceObject,
                                               PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return LessonComplete(Irp, STATUS_SUCCESS, 0);
}

/*
 * Creates the driver's device DeviceName (L"\\Device\\NAME") with a zeroed
 * extension of ExtensionSize bytes and the symbolic link LinkName
 * (L"\\DosDevices\\NAME", which a program opens as \\.\NAME), and makes
 * create and close succeed. DriverEntry, PASSIVE_LEVEL. On failure nothing
 * is left behind.
 */
static inline NTSTATUS LessonCreateDevice(PDRIVER_OBJECT DriverObject,
                                          PCWSTR DeviceName, PCWSTR LinkName,
                                          DEVICE_TYPE Type, ULONG ExtensionSize,
                                          PDEVICE_OBJECT *DeviceObject)
{
    UNICODE_STRING Name, Link;
    NTSTATUS Status;

    RtlInitUnicodeString(&Name, DeviceName);
    RtlInitUnicodeString(&Link, LinkName);
    Status = IoCreateDevice(DriverObject, ExtensionSize, &Name, Type, 0, FALSE,
                            DeviceObject);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlZeroMemory((*DeviceObject)->DeviceExtension, ExtensionSize);
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(*DeviceObject);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = LessonCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = LessonCreateClose;
    (*DeviceObject)->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

/* Undoes LessonCreateDevice: the link LinkName, then the device. */
static inline VOID LessonDeleteDevice(PDEVICE_OBJECT DeviceObject,
                                      PCWSTR LinkName)
{
    UNICODE_STRING Link;

    RtlInitUnicodeString(&Link, LinkName);
    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(DeviceObject);
}

#endif
