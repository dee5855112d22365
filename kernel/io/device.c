/*
 * Device objects: creation and deletion, names and symbolic links, device
 * stacks, and the parse procedure that opens a file on a device.
 *
 * Opening \Device\NAME\rest (or a link to it) reaches the device's parse
 * procedure with "\rest": it makes a FILE_OBJECT for the device, sends
 * IRP_MJ_CREATE down the device's stack and waits for it, in the opening
 * thread (PASSIVE_LEVEL, the opener's process).
 */
#include "io.h"

#include "../tr/tr.h"

#define TAG_DEVICE 'veDI'

POBJECT_TYPE io_device_type;
POBJECT_TYPE *IoDeviceObjectType = &io_device_type;

static KSPIN_LOCK stack_lock; /* AttachedDevice links and StackSize */

/* ---- Creation and deletion ----------------------------------------------- */

NTSTATUS NTAPI IoCreateDevice(PDRIVER_OBJECT DriverObject,
                              ULONG DeviceExtensionSize,
                              PUNICODE_STRING DeviceName,
                              DEVICE_TYPE DeviceType,
                              ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                              PDEVICE_OBJECT *DeviceObject)
{
    ULONG size = (sizeof(DEVICE_OBJECT) + 15) & ~15u;
    OBJECT_ATTRIBUTES attributes;
    PDEVICE_OBJECT device;
    NTSTATUS status;

    *DeviceObject = NULL;
    if (DeviceExtensionSize > 0x100000)
        return STATUS_INVALID_PARAMETER;
    status = ob_create_object(io_device_type, size + DeviceExtensionSize,
                              (PVOID *)&device);
    if (!NT_SUCCESS(status))
        return status;
    device->Type = IO_TYPE_DEVICE;
    device->Size = (USHORT)(size + DeviceExtensionSize);
    device->DriverObject = DriverObject;
    device->DeviceExtension =
        DeviceExtensionSize != 0 ? (PUCHAR)device + size : NULL;
    device->DeviceType = DeviceType;
    device->Characteristics = DeviceCharacteristics;
    device->Flags = DO_DEVICE_INITIALIZING | (Exclusive ? DO_EXCLUSIVE : 0);
    device->StackSize = 1;
    device->AlignmentRequirement = 0;
    device->SectorSize = 512;
    KeInitializeDeviceQueue(&device->DeviceQueue);
    KeInitializeEvent(&device->DeviceLock, SynchronizationEvent, TRUE);
    InitializeObjectAttributes(&attributes, DeviceName,
                               OBJ_PERMANENT | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    /* The device holds its driver from now on: a failed insertion deletes
     * it, and its delete procedure drops this reference. */
    ObfReferenceObject(DriverObject);
    status = ob_insert_object(device, &attributes, 0, KernelMode, NULL);
    if (!NT_SUCCESS(status))
        return status; /* the object is gone */
    /* The creation's reference is the driver's, until IoDeleteDevice. */
    device->NextDevice = DriverObject->DeviceObject;
    DriverObject->DeviceObject = device;
    *DeviceObject = device;
    TR(tr_device_created(device, DeviceName));
    return STATUS_SUCCESS;
}

/* The last reference to a device went. */
void io_delete_device(PVOID object)
{
    PDEVICE_OBJECT device = object;

    io_free_timer(device);
    if (device->DriverObject != NULL)
        ObDereferenceObject(device->DriverObject);
}

/*
 * Takes the device out of its driver's list and its name out of the
 * namespace; the object goes with its last reference (open files keep
 * it). A device still attached to another must be detached first.
 */
VOID NTAPI IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    PDRIVER_OBJECT driver = DeviceObject->DriverObject;
    PDEVICE_OBJECT *link;

    if (DeviceObject->Timer != NULL)
        IoStopTimer(DeviceObject);
    for (link = &driver->DeviceObject; *link != NULL;
         link = &(*link)->NextDevice) {
        if (*link == DeviceObject) {
            *link = DeviceObject->NextDevice;
            break;
        }
    }
    TR(tr_device_deleted(DeviceObject));
    ObMakeTemporaryObject(DeviceObject); /* the name goes */
    ObDereferenceObject(DeviceObject);   /* and the driver's reference */
}

/* ---- Symbolic links ------------------------------------------------------ */

NTSTATUS NTAPI IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName,
                                    PUNICODE_STRING DeviceName)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE link;
    NTSTATUS status;

    InitializeObjectAttributes(
        &attributes, SymbolicLinkName,
        OBJ_PERMANENT | OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwCreateSymbolicLinkObject(&link, SYMBOLIC_LINK_ALL_ACCESS,
                                        &attributes, DeviceName);
    if (NT_SUCCESS(status))
        ZwClose(link);
    return status;
}

NTSTATUS NTAPI IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName)
{
    OBJECT_ATTRIBUTES attributes;
    HANDLE link;
    NTSTATUS status;

    InitializeObjectAttributes(
        &attributes, SymbolicLinkName,
        OBJ_CASE_INSENSITIVE | OBJ_OPENLINK | OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwOpenSymbolicLinkObject(&link, DELETE, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    ZwMakeTemporaryObject(link);
    ZwClose(link);
    return STATUS_SUCCESS;
}

/* ---- Device stacks ------------------------------------------------------- */

PDEVICE_OBJECT NTAPI IoGetAttachedDevice(PDEVICE_OBJECT DeviceObject)
{
    KIRQL irql;

    KeAcquireSpinLock(&stack_lock, &irql);
    while (DeviceObject->AttachedDevice != NULL)
        DeviceObject = DeviceObject->AttachedDevice;
    KeReleaseSpinLock(&stack_lock, irql);
    return DeviceObject;
}

PDEVICE_OBJECT io_top_of(PDEVICE_OBJECT device)
{
    return IoGetAttachedDevice(device);
}

PDEVICE_OBJECT NTAPI IoGetAttachedDeviceReference(PDEVICE_OBJECT DeviceObject)
{
    PDEVICE_OBJECT top = IoGetAttachedDevice(DeviceObject);

    ObfReferenceObject(top);
    return top;
}

/*
 * Puts SourceDevice on top of TargetDevice's stack; returns the device it
 * now sits on (the old top), or NULL when the target is going away.
 */
PDEVICE_OBJECT NTAPI IoAttachDeviceToDeviceStack(PDEVICE_OBJECT SourceDevice,
                                                 PDEVICE_OBJECT TargetDevice)
{
    PDEVICE_OBJECT top;
    KIRQL irql;

    KeAcquireSpinLock(&stack_lock, &irql);
    for (top = TargetDevice; top->AttachedDevice != NULL;
         top = top->AttachedDevice)
        ;
    top->AttachedDevice = SourceDevice;
    SourceDevice->StackSize = (CCHAR)(top->StackSize + 1);
    SourceDevice->AlignmentRequirement = top->AlignmentRequirement;
    KeReleaseSpinLock(&stack_lock, irql);
    ObfReferenceObject(top); /* the attached device holds the one below */
    return top;
}

VOID NTAPI IoDetachDevice(PDEVICE_OBJECT TargetDevice)
{
    KIRQL irql;

    KeAcquireSpinLock(&stack_lock, &irql);
    TargetDevice->AttachedDevice = NULL;
    KeReleaseSpinLock(&stack_lock, irql);
    ObDereferenceObject(TargetDevice);
}

/* ---- Opening files ------------------------------------------------------- */

/* Sends IRP_MJ_CREATE for file to device's stack and waits for it. */
static NTSTATUS send_create(PDEVICE_OBJECT device, PFILE_OBJECT file,
                            io_open_packet *open)
{
    PDEVICE_OBJECT top = io_top_of(device);
    volatile IO_STATUS_BLOCK iosb = {.Status = STATUS_SUCCESS};
    IO_SECURITY_CONTEXT security = {NULL, NULL, open->access, open->options};
    PIO_STACK_LOCATION stack;
    KEVENT done;
    PIRP irp = io_allocate_threaded_irp(top->StackSize, open->mode);
    NTSTATUS status;

    if (irp == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    KeInitializeEvent(&done, NotificationEvent, FALSE);
    irp->Flags = IRP_CREATE_OPERATION | IRP_SYNCHRONOUS_API;
    irp->UserIosb = (PIO_STATUS_BLOCK)&iosb;
    irp->UserEvent = &done;
    irp->RequestorMode = KernelMode; /* the status block is ours */
    irp->Tail.Overlay.OriginalFileObject = file;
    stack = IoGetNextIrpStackLocation(irp);
    stack->MajorFunction = IRP_MJ_CREATE;
    stack->Parameters.Create.Options =
        (open->disposition << 24) | (open->options & 0x00FFFFFF);
    stack->Parameters.Create.ShareAccess = (USHORT)open->share_access;
    stack->Parameters.Create.SecurityContext = &security;
    stack->FileObject = file;
    status = io_send_and_finish(top, irp, &done, &iosb.Status);
    open->status.Status = status;
    open->status.Information = status == STATUS_PENDING ? 0 : iosb.Information;
    return status;
}

/* A new file object for device, with the access asked and the name left. */
static NTSTATUS make_file(PDEVICE_OBJECT device, PUNICODE_STRING remaining,
                          const io_open_packet *open, PFILE_OBJECT *result)
{
    PFILE_OBJECT file;
    NTSTATUS status =
        ob_create_object(io_file_type, sizeof *file, (PVOID *)&file);

    if (!NT_SUCCESS(status))
        return status;
    file->Type = IO_TYPE_FILE;
    file->Size = sizeof *file;
    file->DeviceObject = device;
    ObfReferenceObject(device);
    file->ReadAccess = (open->access & (FILE_READ_DATA | GENERIC_READ)) != 0;
    file->WriteAccess =
        (open->access & (FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE)) !=
        0;
    if (open->options &
        (FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT))
        file->Flags |= FO_SYNCHRONOUS_IO;
    if (open->options & FILE_SYNCHRONOUS_IO_ALERT)
        file->Flags |= FO_ALERTABLE_IO;
    KeInitializeEvent(&file->Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&file->Event, NotificationEvent, FALSE);
    status = ob_copy_name(remaining, KernelMode, &file->FileName);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(file);
        return status;
    }
    *result = file;
    return STATUS_SUCCESS;
}

NTSTATUS io_parse_device(PVOID object, PUNICODE_STRING remaining,
                         ULONG attributes, KPROCESSOR_MODE mode, PVOID context,
                         PVOID *result)
{
    PDEVICE_OBJECT device = object;
    io_open_packet *open = context, defaults;
    PFILE_OBJECT file;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(attributes);
    if (open == NULL) {
        RtlZeroMemory(&defaults, sizeof defaults);
        defaults.disposition = FILE_OPEN;
        defaults.mode = mode;
        open = &defaults;
    }
    if (device->Flags & DO_DEVICE_INITIALIZING)
        return STATUS_NO_SUCH_DEVICE;
    if ((device->Flags & DO_EXCLUSIVE) && device->ReferenceCount > 0)
        return STATUS_ACCESS_DENIED;
    status = make_file(device, remaining, open, &file);
    if (!NT_SUCCESS(status))
        return status;
    InterlockedIncrement(&device->ReferenceCount);
    status = send_create(device, file, open);
    if (!NT_SUCCESS(status)) {
        InterlockedDecrement(&device->ReferenceCount);
        file->DeviceObject = NULL; /* no IRP_MJ_CLOSE for a failed open */
        ObDereferenceObject(device);
        ObDereferenceObject(file);
        return status;
    }
    *result = file;
    return STATUS_SUCCESS;
}

/* ---- IoGetDeviceObjectPointer -------------------------------------------- */

NTSTATUS NTAPI IoGetDeviceObjectPointer(PUNICODE_STRING ObjectName,
                                        ACCESS_MASK DesiredAccess,
                                        PFILE_OBJECT *FileObject,
                                        PDEVICE_OBJECT *DeviceObject)
{
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    PFILE_OBJECT file;
    HANDLE handle;
    NTSTATUS status;

    InitializeObjectAttributes(&attributes, ObjectName,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = ZwOpenFile(&handle, DesiredAccess, &attributes, &iosb, 0,
                        FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(status))
        return status;
    status = ObReferenceObjectByHandle(handle, 0, io_file_type, KernelMode,
                                       (PVOID *)&file, NULL);
    ZwClose(handle);
    if (!NT_SUCCESS(status))
        return status;
    *FileObject = file;
    *DeviceObject = IoGetAttachedDevice(file->DeviceObject);
    return STATUS_SUCCESS;
}

void io_init_devices(void)
{
    KeInitializeSpinLock(&stack_lock);
}

/* ---- Secure device creation (wdmsec) ------------------------------------- */

#define SDDL(name, text)                                                     \
    const UNICODE_STRING name = {sizeof(text) - sizeof(WCHAR), sizeof(text), \
                                 (PWSTR)text}
SDDL(SDDL_DEVOBJ_KERNEL_ONLY, L"D:P");
SDDL(SDDL_DEVOBJ_SYS_ALL, L"D:P(A;;GA;;;SY)");
SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_ALL, L"D:P(A;;GA;;;SY)(A;;GA;;;BA)");
SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RX, L"D:P(A;;GA;;;SY)(A;;GRGX;;;BA)");
SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
     L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)");
SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
     L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGW;;;WD)(A;;GR;;;RC)");
SDDL(SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
     L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)");

static BOOLEAN sddl_field_char(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-';
}

/* One ACE from s[*i] on: "(type;flags;rights;object;inherit;sid)", the
 * type A (allow) or D (deny). */
static BOOLEAN sddl_ace(const WCHAR *s, ULONG n, ULONG *i)
{
    ULONG fields = 1, at = *i + 1;

    if (at + 1 >= n || s[*i] != '(' || (s[at] != 'A' && s[at] != 'D') ||
        s[at + 1] != ';')
        return FALSE;
    for (at++; at < n && s[at] != ')'; at++) {
        if (s[at] == ';')
            fields++;
        else if (!sddl_field_char(s[at]))
            return FALSE;
    }
    *i = at + 1;
    return at < n && fields == 6;
}

/* Is sddl a DACL in SDDL, as IoCreateDeviceSecure takes one? */
static BOOLEAN sddl_well_formed(PCUNICODE_STRING sddl)
{
    const WCHAR *s;
    ULONG n, i = 2;

    if (sddl == NULL || sddl->Buffer == NULL)
        return FALSE;
    s = sddl->Buffer;
    n = sddl->Length / sizeof(WCHAR);
    if (n < 2 || s[0] != 'D' || s[1] != ':')
        return FALSE;
    if (i < n && s[i] == 'P')
        i++;
    while (i < n) {
        if (!sddl_ace(s, n, &i))
            return FALSE;
    }
    return TRUE;
}

NTSTATUS NTAPI IoCreateDeviceSecure(
    PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
    PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
    ULONG DeviceCharacteristics, BOOLEAN Exclusive,
    PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
    PDEVICE_OBJECT *DeviceObject)
{
    UNREFERENCED_PARAMETER(DeviceClassGuid);
    if (!sddl_well_formed(DefaultSDDLString)) {
        *DeviceObject = NULL;
        return STATUS_INVALID_PARAMETER;
    }
    return IoCreateDevice(DriverObject, DeviceExtensionSize, DeviceName,
                          DeviceType, DeviceCharacteristics, Exclusive,
                          DeviceObject);
}
