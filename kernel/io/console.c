/*
 * The console's input: a built-in driver (\Driver\Console) whose device
 * \Device\ConsoleInput, linked as \??\CONIN$, reads the platform's console
 * input (include/nt/io.h). Input that is not a terminal is all there
 * (the platform read it whole), so a read returns at once. From a
 * terminal a read waits in its thread, looking for input every 10 ms (of
 * host time, then of the machine's), so that other threads run meanwhile.
 */
#include "io.h"

static NTSTATUS complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

/* IRP_MJ_CREATE, IRP_MJ_CLEANUP, IRP_MJ_CLOSE: nothing to keep. Writes
 * are refused (output goes through NtDisplayString). */
static NTSTATUS NTAPI console_open_close(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    PIO_SECURITY_CONTEXT security = stack->Parameters.Create.SecurityContext;

    UNREFERENCED_PARAMETER(device);
    if (stack->MajorFunction == IRP_MJ_CREATE && security != NULL &&
        (security->DesiredAccess & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        return complete(irp, STATUS_ACCESS_DENIED, 0);
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS NTAPI console_read(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);
    ULONG n;

    UNREFERENCED_PARAMETER(device);
    if (stack->Parameters.Read.Length == 0)
        return complete(irp, STATUS_SUCCESS, 0);
    if (hal_console_is_interactive()) {
        LARGE_INTEGER interval = {.QuadPart = -100000}; /* 10 ms */

        while (hal_console_input_ready(10) == 0)
            KeDelayExecutionThread(KernelMode, FALSE, &interval);
    }
    n = hal_console_read(irp->AssociatedIrp.SystemBuffer,
                         stack->Parameters.Read.Length);
    return complete(irp, n != 0 ? STATUS_SUCCESS : STATUS_END_OF_FILE, n);
}

static NTSTATUS NTAPI console_control(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);

    UNREFERENCED_PARAMETER(device);
    if (stack->Parameters.DeviceIoControl.IoControlCode !=
        IOCTL_NTLAB_CONSOLE_INPUT_READY)
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (stack->Parameters.DeviceIoControl.OutputBufferLength < sizeof(ULONG))
        return complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
    *(PULONG)irp->AssociatedIrp.SystemBuffer = hal_console_input_ready(0);
    return complete(irp, STATUS_SUCCESS, sizeof(ULONG));
}

static NTSTATUS NTAPI console_entry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
{
    UNICODE_STRING device_name, link;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(path);
    RtlInitUnicodeString(&device_name, L"\\Device\\ConsoleInput");
    RtlInitUnicodeString(&link, L"\\??\\CONIN$");
    status = IoCreateDevice(driver, 0, &device_name,
                            0x00000050 /* FILE_DEVICE_CONSOLE */, 0, FALSE,
                            &device);
    if (!NT_SUCCESS(status))
        return status;
    device->Flags |= DO_BUFFERED_IO;
    status = IoCreateSymbolicLink(&link, &device_name);
    if (!NT_SUCCESS(status)) {
        IoDeleteDevice(device);
        return status;
    }
    driver->MajorFunction[IRP_MJ_CREATE] = console_open_close;
    driver->MajorFunction[IRP_MJ_CLEANUP] = console_open_close;
    driver->MajorFunction[IRP_MJ_CLOSE] = console_open_close;
    driver->MajorFunction[IRP_MJ_READ] = console_read;
    driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = console_control;
    return STATUS_SUCCESS;
}

void io_init_console(void)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, L"\\Driver\\Console");
    if (!NT_SUCCESS(IoCreateDriver(&name, console_entry)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED, STATUS_UNSUCCESSFUL, 0, 0,
                     0);
}
