/*
 * A driver installed the way the WDK's samples install theirs: by the
 * service control manager from the file next to the program (echoapp.c).
 * Its one IOCTL gives back the input in capitals.
 */
#include <ntddk.h>
#include <ctype.h>

#define IOCTL_ECHO_UPPER \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD EchoUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH EchoCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH EchoControl;

NTSTATUS EchoCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

NTSTATUS EchoControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG in = stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = stack->Parameters.DeviceIoControl.OutputBufferLength, i;
    PUCHAR buffer = Irp->AssociatedIrp.SystemBuffer;
    NTSTATUS status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Information = 0;
    if (stack->Parameters.DeviceIoControl.IoControlCode != IOCTL_ECHO_UPPER)
        status = STATUS_INVALID_DEVICE_REQUEST;
    else if (out < in)
        status = STATUS_BUFFER_TOO_SMALL;
    else {
        for (i = 0; i < in; i++)
            buffer[i] = (UCHAR)toupper(buffer[i]);
        Irp->IoStatus.Information = in;
    }
    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

VOID EchoUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\NtlabEcho");

    IoDeleteSymbolicLink(&link);
    IoDeleteDevice(DriverObject->DeviceObject);
    DbgPrint("echodrv: unloaded\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"\\Device\\NtlabEcho");
    UNICODE_STRING link = RTL_CONSTANT_STRING(L"\\DosDevices\\NtlabEcho");
    PDEVICE_OBJECT device;
    NTSTATUS status;

    DbgPrint("echodrv: DriverEntry for %wZ\n", RegistryPath);
    status = IoCreateDevice(DriverObject, 0, &name, FILE_DEVICE_UNKNOWN, 0,
                            FALSE, &device);
    if (!NT_SUCCESS(status))
        return status;
    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = EchoCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = EchoControl;
    DriverObject->DriverUnload = EchoUnload;
    return STATUS_SUCCESS;
}
