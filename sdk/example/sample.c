/*
 * sample.sys: a driver in the classic WDM shape, built outside ntlab's tree
 * with the SDK. It is written as drivers for NT are (SAL annotations, role
 * types, #pragma alloc_text, PAGED_CODE, KdPrint) and compiles unchanged.
 *
 * DriverEntry creates \Device\NtlabSample and its Win32 name
 * \DosDevices\NtlabSample (\\.\NtlabSample). Each IOCTL (sample.h) shows
 * one buffering method and prints where its dispatch routine runs: in the
 * thread of the program that asked, at PASSIVE_LEVEL.
 */
#include <ntddk.h>

#include "sample.h"

#define SAMPLE_TAG 'pmaS'

DRIVER_INITIALIZE DriverEntry;
DRIVER_UNLOAD SampleUnload;
_Dispatch_type_(IRP_MJ_CREATE) _Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH SampleCreateClose;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) DRIVER_DISPATCH SampleDeviceControl;

#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, SampleUnload)
#pragma alloc_text(PAGE, SampleCreateClose)
#pragma alloc_text(PAGE, SampleDeviceControl)

static const WCHAR DeviceName[] = L"\\Device\\NtlabSample";
static const WCHAR LinkName[] = L"\\DosDevices\\NtlabSample";

/* Copies Length bytes from From to To in capitals. */
static VOID Capitalize(_Out_writes_bytes_(Length) PUCHAR To,
                       _In_reads_bytes_(Length) const UCHAR *From,
                       _In_ ULONG Length)
{
    ULONG i;

    for (i = 0; i < Length; i++)
        To[i] = (From[i] >= 'a' && From[i] <= 'z') ? From[i] - 'a' + 'A'
                                                   : From[i];
}

static ULONG CountLetters(_In_reads_bytes_(Length) const UCHAR *Data,
                          _In_ ULONG Length)
{
    ULONG i, Letters = 0;

    for (i = 0; i < Length; i++)
        if ((Data[i] >= 'a' && Data[i] <= 'z') ||
            (Data[i] >= 'A' && Data[i] <= 'Z'))
            Letters++;
    return Letters;
}

_Use_decl_annotations_
NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name, Link;
    PDEVICE_OBJECT DeviceObject;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KdPrint(("sample: DriverEntry in %s at IRQL %d\n",
             PsGetProcessImageFileName(PsGetCurrentProcess()),
             KeGetCurrentIrql()));

    RtlInitUnicodeString(&Name, DeviceName);
    Status = IoCreateDevice(DriverObject, 0, &Name, FILE_DEVICE_UNKNOWN,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &DeviceObject);
    if (!NT_SUCCESS(Status)) {
        KdPrint(("sample: IoCreateDevice failed: 0x%08X\n", Status));
        return Status;
    }

    DriverObject->MajorFunction[IRP_MJ_CREATE] = SampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SampleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SampleDeviceControl;
    DriverObject->DriverUnload = SampleUnload;

    RtlInitUnicodeString(&Link, LinkName);
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        KdPrint(("sample: IoCreateSymbolicLink failed: 0x%08X\n", Status));
        IoDeleteDevice(DeviceObject);
        return Status;
    }
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
VOID SampleUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING Link;

    PAGED_CODE();
    RtlInitUnicodeString(&Link, LinkName);
    IoDeleteSymbolicLink(&Link);
    if (DriverObject->DeviceObject != NULL)
        IoDeleteDevice(DriverObject->DeviceObject);
    KdPrint(("sample: unloaded\n"));
}

_Use_decl_annotations_
NTSTATUS SampleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

/*
 * METHOD_NEITHER: the program's own addresses, valid only here, in its
 * context. The input is probed and read under __try; the output is locked
 * with an MDL and written through a system address, as a driver would do
 * before handing the buffer to code that runs elsewhere.
 */
static NTSTATUS SampleNeither(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION Stack)
{
    PVOID Input = Stack->Parameters.DeviceIoControl.Type3InputBuffer;
    PVOID Output = Irp->UserBuffer;
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    ULONG Length = min(InLength, OutLength);
    PUCHAR Copy, Mapped;
    PMDL Mdl;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Length == 0)
        return STATUS_INVALID_PARAMETER;
    Copy = ExAllocatePoolWithTag(PagedPool, Length, SAMPLE_TAG);
    if (Copy == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    __try {
        ProbeForRead(Input, Length, 1);
        RtlCopyMemory(Copy, Input, Length);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Status = GetExceptionCode();
    }
    if (!NT_SUCCESS(Status))
        goto out;

    Mdl = IoAllocateMdl(Output, Length, FALSE, FALSE, NULL);
    if (Mdl == NULL) {
        Status = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    __try {
        MmProbeAndLockPages(Mdl, UserMode, IoWriteAccess);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        Status = GetExceptionCode();
    }
    if (NT_SUCCESS(Status)) {
        Mapped = MmGetSystemAddressForMdlSafe(
            Mdl, NormalPagePriority | MdlMappingNoExecute);
        if (Mapped != NULL) {
            Capitalize(Mapped, Copy, Length);
            Irp->IoStatus.Information = Length;
        } else {
            Status = STATUS_INSUFFICIENT_RESOURCES;
        }
        MmUnlockPages(Mdl);
    }
    IoFreeMdl(Mdl);
out:
    ExFreePoolWithTag(Copy, SAMPLE_TAG);
    return Status;
}

/* The second buffer of a direct IOCTL, mapped at a system address. */
static PUCHAR SampleMdlBuffer(_In_ PIRP Irp)
{
    if (Irp->MdlAddress == NULL)
        return NULL;
    return MmGetSystemAddressForMdlSafe(Irp->MdlAddress,
                                        NormalPagePriority |
                                            MdlMappingNoExecute);
}

_Use_decl_annotations_
NTSTATUS SampleDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    PUCHAR System = Irp->AssociatedIrp.SystemBuffer, Data;
    NTSTATUS Status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();
    KdPrint(("sample: IOCTL 0x%08X from %s at IRQL %d\n",
             Stack->Parameters.DeviceIoControl.IoControlCode,
             PsGetProcessImageFileName(PsGetCurrentProcess()),
             KeGetCurrentIrql()));
    Irp->IoStatus.Information = 0;

    switch (Stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SAMPLE_BUFFERED:
        /* One system buffer holds the input and then the output. */
        Capitalize(System, System, min(InLength, OutLength));
        Irp->IoStatus.Information = min(InLength, OutLength);
        break;
    case IOCTL_SAMPLE_IN_DIRECT:
        Data = SampleMdlBuffer(Irp);
        if (Data == NULL) {
            Status = STATUS_INVALID_PARAMETER;
            break;
        }
        Irp->IoStatus.Information = CountLetters(Data, OutLength);
        break;
    case IOCTL_SAMPLE_OUT_DIRECT:
        Data = SampleMdlBuffer(Irp);
        if (Data == NULL || System == NULL) {
            Status = STATUS_INVALID_PARAMETER;
            break;
        }
        Capitalize(Data, System, min(InLength, OutLength));
        Irp->IoStatus.Information = min(InLength, OutLength);
        break;
    case IOCTL_SAMPLE_NEITHER:
        Status = SampleNeither(Irp, Stack);
        break;
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = Status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}
