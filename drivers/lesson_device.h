/*
 * The plumbing a lesson driver needs and its lesson is not about: one
 * named device with a Win32 name, requests completed in one line, and
 * create and close that just succeed. Include it after lesson.h:
 *
 *   Status = LessonCreateDevice(DriverObject, L"\\Device\\Name",
 *                               L"\\DosDevices\\Name");
 *   DriverObject->MajorFunction[IRP_MJ_CREATE] = LessonCreateClose;
 *   ...
 *   LessonDeleteDevice(DriverObject, L"\\DosDevices\\Name");   (unload)
 */
#ifndef DRIVERS_LESSON_DEVICE_H
#define DRIVERS_LESSON_DEVICE_H

#include <ntddk.h>

/* Ends Irp with Status and Information; returns Status, for a dispatch
 * routine to return. */
static inline NTSTATUS LessonComplete(PIRP Irp, NTSTATUS Status,
                                      ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

/* IRP_MJ_CREATE and IRP_MJ_CLOSE: nothing to do per file. */
static inline NTSTATUS NTAPI LessonCreateClose(PDEVICE_OBJECT DeviceObject,
                                               PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return LessonComplete(Irp, STATUS_SUCCESS, 0);
}

/* Creates the driver's device, DeviceName, and the symbolic link LinkName
 * to it (\DosDevices\X is \\.\X for a program). PASSIVE_LEVEL. */
static inline NTSTATUS LessonCreateDevice(PDRIVER_OBJECT DriverObject,
                                          PCWSTR DeviceName, PCWSTR LinkName)
{
    UNICODE_STRING Name, Link;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    RtlInitUnicodeString(&Name, DeviceName);
    Status = IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &DeviceObject);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlInitUnicodeString(&Link, LinkName);
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status))
        IoDeleteDevice(DeviceObject);
    return Status;
}

/* Undoes LessonCreateDevice, from the unload routine. PASSIVE_LEVEL. */
static inline VOID LessonDeleteDevice(PDRIVER_OBJECT DriverObject,
                                      PCWSTR LinkName)
{
    UNICODE_STRING Link;

    RtlInitUnicodeString(&Link, LinkName);
    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(DriverObject->DeviceObject);
}

#endif
