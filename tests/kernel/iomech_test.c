/*
 * The I/O manager's mechanisms as a driver sees them, with built-in
 * drivers (IoCreateDriver): devices and their names, device stacks and
 * filters. The suite's driver and its helpers are here too (iomech.h);
 * iomech_irp_test.c, iomech_queue_test.c and iomech_deferred_test.c hold
 * the rest of it.
 */
#include "iomech.h"

/* ---- The test driver ----------------------------------------------------- */

static PDRIVER_OBJECT mech;

static NTSTATUS NTAPI route(PDEVICE_OBJECT device, PIRP irp)
{
    mech_device *m = mech_ext(device);

    m->seen[IoGetCurrentIrpStackLocation(irp)->MajorFunction]++;
    m->last_irp = irp;
    m->last_irql = KeGetCurrentIrql();
    return m->handler(device, irp);
}

static VOID NTAPI route_start_io(PDEVICE_OBJECT device, PIRP irp)
{
    mech_ext(device)->start_io(device, irp);
}

/* What every test driver's entry does: all requests go to route. */
static void set_routines(PDRIVER_OBJECT driver)
{
    ULONG i;

    for (i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        driver->MajorFunction[i] = route;
    driver->DriverStartIo = route_start_io;
}

static NTSTATUS NTAPI mech_entry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
{
    UNREFERENCED_PARAMETER(path);
    set_routines(driver);
    mech = driver;
    return STATUS_SUCCESS;
}

PDRIVER_OBJECT mech_driver(void)
{
    UNICODE_STRING name;

    if (mech == NULL) {
        RtlInitUnicodeString(&name, L"\\Driver\\IoMech");
        IoCreateDriver(&name, mech_entry);
    }
    return mech;
}

/* IoCreateDevice for driver, with the extension set up; the device is
 * still initializing. */
static NTSTATUS create(PDRIVER_OBJECT driver, const WCHAR *name,
                       BOOLEAN exclusive, PDRIVER_DISPATCH handler,
                       PDEVICE_OBJECT *device)
{
    UNICODE_STRING string;
    NTSTATUS status;

    if (name != NULL)
        RtlInitUnicodeString(&string, name);
    status = IoCreateDevice(driver, sizeof(mech_device),
                            name != NULL ? &string : NULL, FILE_DEVICE_UNKNOWN,
                            0, exclusive, device);
    if (NT_SUCCESS(status)) {
        RtlZeroMemory((*device)->DeviceExtension, sizeof(mech_device));
        mech_ext(*device)->handler = handler;
    }
    return status;
}

PDEVICE_OBJECT mech_create_device(const WCHAR *name, PDRIVER_DISPATCH handler)
{
    PDEVICE_OBJECT device;

    if (mech_driver() == NULL ||
        !NT_SUCCESS(create(mech, name, FALSE, handler, &device)))
        return NULL;
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    return device;
}

/* Attributes for a kernel handle to name (string holds the name). */
static void name_attributes(const WCHAR *name, UNICODE_STRING *string,
                            OBJECT_ATTRIBUTES *attributes)
{
    RtlInitUnicodeString(string, name);
    InitializeObjectAttributes(attributes, string,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
}

NTSTATUS mech_open(const WCHAR *name, HANDLE *handle)
{
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;

    name_attributes(name, &string, &attributes);
    return ZwOpenFile(handle, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                      &attributes, &iosb, 0, FILE_SYNCHRONOUS_IO_NONALERT);
}

NTSTATUS mech_complete(PIRP irp, NTSTATUS status, ULONG_PTR information)
{
    irp->IoStatus.Status = status;
    irp->IoStatus.Information = information;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return status;
}

NTSTATUS NTAPI mech_succeed(PDEVICE_OBJECT device, PIRP irp)
{
    UNREFERENCED_PARAMETER(device);
    return mech_complete(irp, STATUS_SUCCESS, 0);
}

NTSTATUS NTAPI mech_pass_down(PDEVICE_OBJECT device, PIRP irp)
{
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(mech_ext(device)->lower, irp);
}

NTSTATUS NTAPI mech_copy_down(PDEVICE_OBJECT device, PIRP irp)
{
    IoCopyCurrentIrpStackLocationToNext(irp);
    return IoCallDriver(mech_ext(device)->lower, irp);
}

NTSTATUS NTAPI mech_hold(PDEVICE_OBJECT device, PIRP irp)
{
    IoMarkIrpPending(irp);
    mech_ext(device)->held = irp;
    return STATUS_PENDING;
}

NTSTATUS NTAPI mech_take_back(PDEVICE_OBJECT device, PIRP irp,
                              PVOID completions)
{
    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(irp);
    InterlockedIncrement(completions);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

PIRP mech_own_irp(PDEVICE_OBJECT device, UCHAR major, PLONG completions)
{
    PIRP irp = IoAllocateIrp(device->StackSize, FALSE);

    if (irp == NULL)
        return NULL;
    IoGetNextIrpStackLocation(irp)->MajorFunction = major;
    IoSetCompletionRoutine(irp, mech_take_back, completions, TRUE, TRUE, TRUE);
    return irp;
}

/* ---- Devices ------------------------------------------------------------- */

KTEST(iomech, a_second_device_of_the_same_name_collides)
{
    UNICODE_STRING name;
    PDEVICE_OBJECT first, second = (PDEVICE_OBJECT)&name;
    LONG driver_refs;

    first = mech_create_device(L"\\Device\\IoMechTwin", mech_succeed);
    KT_ASSERT(first != NULL);
    driver_refs = ob_pointer_count(mech);
    RtlInitUnicodeString(&name, L"\\Device\\IoMechTwin");
    KT_EXPECT_EQ(
        IoCreateDevice(mech, 0, &name, FILE_DEVICE_UNKNOWN, 0, FALSE, &second),
        STATUS_OBJECT_NAME_COLLISION);
    KT_EXPECT(second == NULL);
    KT_EXPECT_EQ(ob_pointer_count(mech), driver_refs); /* none lost */
    KT_EXPECT(mech->DeviceObject == first); /* not on the driver's list */
    KT_EXPECT_EQ(first->StackSize, 1);
    KT_EXPECT(first->DriverObject == mech);
    IoDeleteDevice(first);
}

/* An exclusive device takes one open at a time: NT's access denied for
 * the second. */
KTEST(iomech, an_exclusive_device_takes_one_open_at_a_time)
{
    PDEVICE_OBJECT device;
    HANDLE first, second;

    KT_ASSERT(mech_driver() != NULL);
    KT_ASSERT_EQ(
        create(mech, L"\\Device\\IoMechOnly", TRUE, mech_succeed, &device),
        STATUS_SUCCESS);
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    KT_EXPECT(device->Flags & DO_EXCLUSIVE);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechOnly", &first), STATUS_SUCCESS);
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechOnly", &second),
                 STATUS_ACCESS_DENIED);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_CREATE], 1);
    ZwClose(first);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_CLOSE], 1);
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechOnly", &second), STATUS_SUCCESS);
    ZwClose(second);
    IoDeleteDevice(device);
}

static PDEVICE_OBJECT born;

/* A DriverEntry that makes a device and leaves DO_DEVICE_INITIALIZING for
 * the I/O manager to clear. */
static NTSTATUS NTAPI born_entry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
{
    UNREFERENCED_PARAMETER(path);
    set_routines(driver);
    return create(driver, L"\\Device\\IoMechBorn", FALSE, mech_succeed, &born);
}

/* Opening a device whose driver has not cleared DO_DEVICE_INITIALIZING
 * fails with STATUS_NO_SUCH_DEVICE, and reaches no driver; the I/O
 * manager clears it for the devices DriverEntry made. */
KTEST(iomech, a_device_still_initializing_cannot_be_opened)
{
    UNICODE_STRING name;
    PDEVICE_OBJECT device;
    HANDLE handle;

    KT_ASSERT(mech_driver() != NULL);
    KT_ASSERT_EQ(
        create(mech, L"\\Device\\IoMechEarly", FALSE, mech_succeed, &device),
        STATUS_SUCCESS);
    KT_EXPECT(device->Flags & DO_DEVICE_INITIALIZING);
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechEarly", &handle),
                 STATUS_NO_SUCH_DEVICE);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_CREATE], 0);
    device->Flags &= ~DO_DEVICE_INITIALIZING;
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechEarly", &handle), STATUS_SUCCESS);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_CREATE], 1);
    ZwClose(handle);
    IoDeleteDevice(device);

    RtlInitUnicodeString(&name, L"\\Driver\\IoMechBorn");
    KT_ASSERT_EQ(IoCreateDriver(&name, born_entry), STATUS_SUCCESS);
    KT_EXPECT(!(born->Flags & DO_DEVICE_INITIALIZING));
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechBorn", &handle), STATUS_SUCCESS);
    ZwClose(handle);
    IoDeleteDevice(born);
}

static struct {
    ULONG closes;
    PDEVICE_OBJECT device;
} doomed;

static NTSTATUS NTAPI note_close(PDEVICE_OBJECT device, PIRP irp)
{
    if (IoGetCurrentIrpStackLocation(irp)->MajorFunction == IRP_MJ_CLOSE) {
        doomed.closes++;
        doomed.device = device;
    }
    return mech_complete(irp, STATUS_SUCCESS, 0);
}

/* IoDeleteDevice with a file open: the name goes at once, the device
 * (and its reference on the driver) with the last close, whose
 * IRP_MJ_CLOSE still reaches the driver. */
KTEST(iomech, a_deleted_device_stays_until_its_last_file_closes)
{
    IO_STATUS_BLOCK iosb;
    UCHAR buffer[4];
    PDEVICE_OBJECT device =
        mech_create_device(L"\\Device\\IoMechDoomed", note_close);
    HANDLE handle, again;
    LONG driver_refs;

    KT_ASSERT(device != NULL);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechDoomed", &handle), STATUS_SUCCESS);
    driver_refs = ob_pointer_count(mech);
    RtlZeroMemory(&doomed, sizeof doomed);
    IoDeleteDevice(device);
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoMechDoomed", &again),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT(mech->DeviceObject != device);
    /* The open file still reaches it. */
    KT_EXPECT_EQ(ZwReadFile(handle, NULL, NULL, NULL, &iosb, buffer,
                            sizeof buffer, NULL, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(ob_pointer_count(mech), driver_refs);
    KT_EXPECT_EQ(doomed.closes, 0);
    ZwClose(handle);
    KT_EXPECT_EQ(doomed.closes, 1);
    KT_EXPECT(doomed.device == device);
    KT_EXPECT_EQ(ob_pointer_count(mech), driver_refs - 1);
}

static NTSTATUS open_by_create(const WCHAR *name, HANDLE *handle,
                               IO_STATUS_BLOCK *iosb)
{
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;

    name_attributes(name, &string, &attributes);
    return ZwCreateFile(handle, GENERIC_READ | SYNCHRONIZE, &attributes, iosb,
                        NULL, 0, FILE_SHARE_READ, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

KTEST(iomech, a_symbolic_link_names_the_device_until_deleted)
{
    UNICODE_STRING link, target;
    IO_STATUS_BLOCK iosb = {.Information = 99};
    PDEVICE_OBJECT device =
        mech_create_device(L"\\Device\\IoMechLinked", mech_succeed);
    HANDLE handle;

    KT_ASSERT(device != NULL);
    RtlInitUnicodeString(&link, L"\\DosDevices\\IoMechLink");
    RtlInitUnicodeString(&target, L"\\Device\\IoMechLinked");
    KT_EXPECT_EQ(open_by_create(L"\\??\\IoMechLink", &handle, &iosb),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_ASSERT_EQ(IoCreateSymbolicLink(&link, &target), STATUS_SUCCESS);
    KT_EXPECT_EQ(IoCreateSymbolicLink(&link, &target),
                 STATUS_OBJECT_NAME_COLLISION);
    KT_ASSERT_EQ(open_by_create(L"\\??\\IoMechLink", &handle, &iosb),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(iosb.Status, STATUS_SUCCESS);
    KT_EXPECT_EQ(iosb.Information, FILE_OPENED);
    ZwClose(handle);
    KT_EXPECT_EQ(mech_open(L"\\DosDevices\\IoMechLink", &handle),
                 STATUS_SUCCESS);
    ZwClose(handle);
    KT_EXPECT_EQ(mech_ext(device)->seen[IRP_MJ_CREATE], 2);
    KT_EXPECT_EQ(IoDeleteSymbolicLink(&link), STATUS_SUCCESS);
    KT_EXPECT_EQ(open_by_create(L"\\??\\IoMechLink", &handle, &iosb),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT_EQ(IoDeleteSymbolicLink(&link), STATUS_OBJECT_NAME_NOT_FOUND);
    IoDeleteDevice(device);
}

/* ---- Stacks and filters -------------------------------------------------- */

/* bottom, with middle and top attached in turn (NULL on failure). */
static BOOLEAN make_stack(const WCHAR *name, PDRIVER_DISPATCH filter,
                          PDEVICE_OBJECT devices[3])
{
    devices[0] = mech_create_device(name, mech_succeed);
    devices[1] = mech_create_device(NULL, filter);
    devices[2] = mech_create_device(NULL, filter);
    if (devices[0] == NULL || devices[1] == NULL || devices[2] == NULL)
        return FALSE;
    mech_ext(devices[1])->lower =
        IoAttachDeviceToDeviceStack(devices[1], devices[0]);
    mech_ext(devices[2])->lower =
        IoAttachDeviceToDeviceStack(devices[2], devices[0]);
    return TRUE;
}

static void delete_stack(PDEVICE_OBJECT devices[3])
{
    IoDetachDevice(devices[1]);
    IoDetachDevice(devices[0]);
    IoDeleteDevice(devices[2]);
    IoDeleteDevice(devices[1]);
    IoDeleteDevice(devices[0]);
}

/* Attaching returns the device attached to (the old top); opens of the
 * bottom's name reach the top; detaching takes a device off. */
KTEST(iomech, attaching_builds_a_stack_whose_top_takes_opens)
{
    PDEVICE_OBJECT d[3], top;
    HANDLE handle;
    LONG refs;

    KT_ASSERT(make_stack(L"\\Device\\IoMechStack", mech_succeed, d));
    KT_EXPECT(mech_ext(d[1])->lower == d[0]);
    KT_EXPECT(mech_ext(d[2])->lower == d[1]); /* the previous top */
    KT_EXPECT(d[0]->AttachedDevice == d[1]);
    KT_EXPECT_EQ(d[1]->StackSize, 2);
    KT_EXPECT_EQ(d[2]->StackSize, 3);
    KT_EXPECT(IoGetAttachedDevice(d[0]) == d[2]);
    KT_EXPECT(IoGetAttachedDevice(d[1]) == d[2]);
    refs = ob_pointer_count(d[2]);
    top = IoGetAttachedDeviceReference(d[0]);
    KT_EXPECT(top == d[2]);
    KT_EXPECT_EQ(ob_pointer_count(d[2]), refs + 1);
    ObDereferenceObject(top);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechStack", &handle), STATUS_SUCCESS);
    KT_EXPECT_EQ(mech_ext(d[2])->seen[IRP_MJ_CREATE], 1);
    KT_EXPECT_EQ(mech_ext(d[1])->seen[IRP_MJ_CREATE], 0);
    KT_EXPECT_EQ(mech_ext(d[0])->seen[IRP_MJ_CREATE], 0);
    ZwClose(handle);
    IoDetachDevice(d[1]); /* the top leaves */
    KT_EXPECT(IoGetAttachedDevice(d[0]) == d[1]);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechStack", &handle), STATUS_SUCCESS);
    KT_EXPECT_EQ(mech_ext(d[1])->seen[IRP_MJ_CREATE], 1);
    ZwClose(handle);
    IoDetachDevice(d[0]);
    KT_EXPECT(IoGetAttachedDevice(d[0]) == d[0]);
    IoDeleteDevice(d[2]);
    IoDeleteDevice(d[1]);
    IoDeleteDevice(d[0]);
}

#define IOCTL_MECH_ECHO \
    CTL_CODE(0x8000, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

static struct {
    ULONG code;
    PFILE_OBJECT file;
    PDEVICE_OBJECT device;
    ULONG in;
} bottom_saw;

static NTSTATUS NTAPI echo(PDEVICE_OBJECT device, PIRP irp)
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(irp);

    if (stack->MajorFunction != IRP_MJ_DEVICE_CONTROL)
        return mech_complete(irp, STATUS_SUCCESS, 0);
    bottom_saw.code = stack->Parameters.DeviceIoControl.IoControlCode;
    bottom_saw.file = stack->FileObject;
    bottom_saw.device = stack->DeviceObject;
    bottom_saw.in = *(PULONG)irp->AssociatedIrp.SystemBuffer;
    *(PULONG)irp->AssociatedIrp.SystemBuffer = bottom_saw.in + 1;
    UNREFERENCED_PARAMETER(device);
    return mech_complete(irp, STATUS_SUCCESS, sizeof(ULONG));
}

/* Filters that skip their stack location and call the next driver pass
 * the request down as it came: same parameters, same file. */
KTEST(iomech, skipping_filters_pass_requests_down_unchanged)
{
    PDEVICE_OBJECT d[3];
    IO_STATUS_BLOCK iosb;
    PFILE_OBJECT file;
    HANDLE handle;
    ULONG in = 41, out = 0;

    KT_ASSERT(make_stack(L"\\Device\\IoMechSkip", mech_pass_down, d));
    mech_ext(d[0])->handler = echo;
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoMechSkip", &handle), STATUS_SUCCESS);
    KT_EXPECT_EQ(mech_ext(d[0])->seen[IRP_MJ_CREATE], 1);
    KT_EXPECT_EQ(mech_ext(d[2])->seen[IRP_MJ_CREATE], 1);
    KT_EXPECT_EQ(ZwDeviceIoControlFile(handle, NULL, NULL, NULL, &iosb,
                                       IOCTL_MECH_ECHO, &in, sizeof in, &out,
                                       sizeof out),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(iosb.Information, sizeof out);
    KT_EXPECT_EQ(out, 42);
    KT_EXPECT_EQ(bottom_saw.code, IOCTL_MECH_ECHO);
    KT_EXPECT(bottom_saw.device == d[0]);
    KT_EXPECT_EQ(mech_ext(d[1])->seen[IRP_MJ_DEVICE_CONTROL], 1);
    KT_EXPECT(mech_ext(d[0])->last_irp == mech_ext(d[2])->last_irp);
    KT_ASSERT_EQ(ObReferenceObjectByHandle(handle, 0, *IoFileObjectType,
                                           KernelMode, (PVOID *)&file, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT(bottom_saw.file == file);
    KT_EXPECT(file->DeviceObject == d[0]);
    ObDereferenceObject(file);
    ZwClose(handle);
    KT_EXPECT_EQ(mech_ext(d[0])->seen[IRP_MJ_CLOSE], 1);
    delete_stack(d);
}
