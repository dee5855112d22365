/*
 * The iomech suite, work deferred and interrupts: the simulated device's
 * interrupts (connecting, DIRQL, deferral, KeSynchronizeExecution, a
 * schedule, DpcForIsr), I/O work items, device timers, and unloading a
 * driver whose device still has a file open.
 */
#include "iomech.h"

#include "../../drivers/iotest/iotest.h"

/* ---- Interrupts ---------------------------------------------------------- */

#define VECTOR 9
#define DIRQL  6

typedef struct isr_record {
    ULONG count;
    KIRQL irql;
    PKINTERRUPT interrupt;
    BOOLEAN claim; /* what the ISR returns */
    ULONG order;   /* of its last call among all ISR calls */
} isr_record;

static isr_record isr_seen[2];
static ULONG isr_calls;

static BOOLEAN NTAPI isr(PKINTERRUPT interrupt, PVOID context)
{
    isr_record *r = context;

    r->count++;
    r->irql = KeGetCurrentIrql();
    r->interrupt = interrupt;
    r->order = ++isr_calls;
    return r->claim;
}

static NTSTATUS connect(PKINTERRUPT *interrupt, ULONG vector, KIRQL irql,
                        KIRQL synchronize_irql, BOOLEAN shared, isr_record *r)
{
    return IoConnectInterrupt(interrupt, isr, r, NULL, vector, irql,
                              synchronize_irql, Latched, shared, 1, FALSE);
}

static void reset_isrs(void)
{
    RtlZeroMemory(isr_seen, sizeof isr_seen);
    isr_calls = 0;
}

/* Bad vectors and IRQLs, a SynchronizeIrql below the DIRQL and an empty
 * processor mask: STATUS_INVALID_PARAMETER, and nothing connected. */
KTEST(iomech, connect_interrupt_checks_its_parameters)
{
    static const struct {
        ULONG vector;
        KIRQL irql, synchronize_irql;
    } bad[] = {
        {0, DIRQL, DIRQL},
        {16, DIRQL, DIRQL},
        {VECTOR, 8, 6},
        {VECTOR, DISPATCH_LEVEL, DISPATCH_LEVEL},
        {VECTOR, PROFILE_LEVEL, PROFILE_LEVEL},
    };
    PKINTERRUPT interrupt = (PKINTERRUPT)&interrupt;
    ULONG i;

    for (i = 0; i < ARRAYSIZE(bad); i++) {
        KT_EXPECT_EQ(connect(&interrupt, bad[i].vector, bad[i].irql,
                             bad[i].synchronize_irql, FALSE, &isr_seen[0]),
                     STATUS_INVALID_PARAMETER);
        KT_EXPECT(interrupt == NULL);
    }
    KT_EXPECT_EQ(IoConnectInterrupt(&interrupt, isr, NULL, NULL, VECTOR, DIRQL,
                                    DIRQL, Latched, FALSE, 0, FALSE),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(NtlabRaiseInterrupt(0), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(NtlabRaiseInterrupt(16), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(NtlabScheduleInterrupt(16, 10), STATUS_INVALID_PARAMETER);
    /* Nothing connected: the interrupt is dropped. */
    reset_isrs();
    KT_EXPECT_EQ(NtlabRaiseInterrupt(VECTOR), STATUS_SUCCESS);
    KT_EXPECT_EQ(isr_calls, 0);
}

/* An exclusive connection keeps the vector; shared ones (at one IRQL)
 * share it, called in order until one claims the interrupt. */
KTEST(iomech, a_vector_is_shared_only_by_shared_connections)
{
    PKINTERRUPT first, second;

    reset_isrs();
    KT_ASSERT_EQ(connect(&first, VECTOR, DIRQL, DIRQL, FALSE, &isr_seen[0]),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(connect(&second, VECTOR, DIRQL, DIRQL, FALSE, &isr_seen[1]),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(connect(&second, VECTOR, DIRQL, DIRQL, TRUE, &isr_seen[1]),
                 STATUS_INVALID_PARAMETER);
    IoDisconnectInterrupt(first);

    KT_ASSERT_EQ(connect(&first, VECTOR, DIRQL, DIRQL, TRUE, &isr_seen[0]),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(connect(&second, VECTOR, DIRQL, DIRQL, FALSE, &isr_seen[1]),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(
        connect(&second, VECTOR, DIRQL + 1, DIRQL + 1, TRUE, &isr_seen[1]),
        STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(connect(&second, VECTOR, DIRQL, DIRQL, TRUE, &isr_seen[1]),
                 STATUS_SUCCESS);
    NtlabRaiseInterrupt(VECTOR); /* the first does not claim it */
    KT_EXPECT_EQ(isr_seen[0].order, 1);
    KT_EXPECT_EQ(isr_seen[1].order, 2);
    KT_EXPECT(isr_seen[0].interrupt == first);
    KT_EXPECT(isr_seen[1].interrupt == second);
    isr_seen[0].claim = TRUE;
    NtlabRaiseInterrupt(VECTOR);
    KT_EXPECT_EQ(isr_seen[0].count, 2);
    KT_EXPECT_EQ(isr_seen[1].count, 1);
    IoDisconnectInterrupt(second);
    IoDisconnectInterrupt(first);
}

/* An ISR runs at its DIRQL: at once when IRQL is below it, else when
 * IRQL drops below it. */
KTEST(iomech, an_isr_runs_at_its_dirql_when_irql_allows)
{
    PKINTERRUPT interrupt;
    KIRQL irql;

    reset_isrs();
    KT_ASSERT_EQ(connect(&interrupt, VECTOR, DIRQL, DIRQL, FALSE, &isr_seen[0]),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(NtlabRaiseInterrupt(VECTOR), STATUS_SUCCESS);
    KT_EXPECT_EQ(isr_seen[0].count, 1);
    KT_EXPECT_EQ(isr_seen[0].irql, DIRQL);
    KT_EXPECT(isr_seen[0].interrupt == interrupt);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    NtlabRaiseInterrupt(VECTOR); /* below the DIRQL: at once */
    KT_EXPECT_EQ(isr_seen[0].count, 2);
    KeRaiseIrql(DIRQL, &irql);
    NtlabRaiseInterrupt(VECTOR); /* at it: deferred */
    KT_EXPECT_EQ(isr_seen[0].count, 2);
    KeLowerIrql(DISPATCH_LEVEL);
    KT_EXPECT_EQ(isr_seen[0].count, 3);
    KeRaiseIrql(DIRQL + 2, &irql);
    NtlabRaiseInterrupt(VECTOR); /* above it: deferred */
    KeLowerIrql(DIRQL + 1);
    KT_EXPECT_EQ(isr_seen[0].count, 3);
    KeLowerIrql(PASSIVE_LEVEL);
    KT_EXPECT_EQ(isr_seen[0].count, 4);
    KT_EXPECT_EQ(isr_seen[0].irql, DIRQL);
    IoDisconnectInterrupt(interrupt);
}

static struct {
    KIRQL irql;
    ULONG isr_count; /* while the routine ran */
} sync_saw;

static BOOLEAN NTAPI synchronized(PVOID context)
{
    sync_saw.irql = KeGetCurrentIrql();
    NtlabRaiseInterrupt(VECTOR);
    sync_saw.isr_count = ((isr_record *)context)->count;
    return TRUE;
}

/* KeSynchronizeExecution runs its routine at the SynchronizeIrql: the
 * ISR cannot run until it returns. */
KTEST(iomech, synchronize_execution_runs_at_the_synchronize_irql)
{
    PKINTERRUPT interrupt;

    reset_isrs();
    KT_ASSERT_EQ(
        connect(&interrupt, VECTOR, DIRQL, DIRQL + 2, FALSE, &isr_seen[0]),
        STATUS_SUCCESS);
    KT_EXPECT(KeSynchronizeExecution(interrupt, synchronized, &isr_seen[0]));
    KT_EXPECT_EQ(sync_saw.irql, DIRQL + 2);
    KT_EXPECT_EQ(sync_saw.isr_count, 0);
    KT_EXPECT_EQ(isr_seen[0].count, 1);
    KT_EXPECT_EQ(isr_seen[0].irql, DIRQL);
    KT_EXPECT_EQ(KeGetCurrentIrql(), PASSIVE_LEVEL);
    IoDisconnectInterrupt(interrupt);
}

static void delay_ms(ULONG ms)
{
    LARGE_INTEGER due = kt_relative(KT_MS(ms));

    KeDelayExecutionThread(KernelMode, FALSE, &due);
}

/* A schedule of one interrupt each 10 ms delivers about ten in 105 ms;
 * after IoDisconnectInterrupt, none. */
KTEST(iomech, scheduled_interrupts_stop_at_disconnect)
{
    PKINTERRUPT interrupt;
    ULONG count;

    reset_isrs();
    KT_ASSERT_EQ(connect(&interrupt, VECTOR, DIRQL, DIRQL, FALSE, &isr_seen[0]),
                 STATUS_SUCCESS);
    KT_ASSERT_EQ(NtlabScheduleInterrupt(VECTOR, 10), STATUS_SUCCESS);
    delay_ms(105);
    count = isr_seen[0].count;
    KT_EXPECT(count >= 9 && count <= 11);
    KT_EXPECT_EQ(isr_seen[0].irql, DIRQL);
    IoDisconnectInterrupt(interrupt);
    delay_ms(50);
    KT_EXPECT_EQ(isr_seen[0].count, count);
    KT_EXPECT_EQ(NtlabScheduleInterrupt(VECTOR, 0), STATUS_SUCCESS);
}

static struct {
    ULONG count;
    KIRQL irql;
    PDEVICE_OBJECT device;
    PIRP irp;
    PVOID context;
} dpc_saw;

static BOOLEAN NTAPI isr_requesting_dpc(PKINTERRUPT interrupt, PVOID device)
{
    UNREFERENCED_PARAMETER(interrupt);
    IoRequestDpc((PDEVICE_OBJECT)device, (PIRP)&dpc_saw, &dpc_saw.context);
    return TRUE;
}

static VOID dpc_for_isr(PKDPC dpc, PDEVICE_OBJECT device, PIRP irp,
                        PVOID context)
{
    UNREFERENCED_PARAMETER(dpc);
    dpc_saw.count++;
    dpc_saw.irql = KeGetCurrentIrql();
    dpc_saw.device = device;
    dpc_saw.irp = irp;
    dpc_saw.context = context;
}

/* IoRequestDpc from the ISR: the DpcForIsr runs at DISPATCH_LEVEL with
 * the device and the ISR's two arguments. */
KTEST(iomech, request_dpc_runs_the_dpc_for_isr)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, mech_succeed);
    PKINTERRUPT interrupt;

    KT_ASSERT(device != NULL);
    IoInitializeDpcRequest(device, dpc_for_isr);
    KT_ASSERT_EQ(IoConnectInterrupt(&interrupt, isr_requesting_dpc, device,
                                    NULL, VECTOR, DIRQL, DIRQL, Latched, FALSE,
                                    1, FALSE),
                 STATUS_SUCCESS);
    NtlabRaiseInterrupt(VECTOR);
    KT_EXPECT_EQ(dpc_saw.count, 1);
    KT_EXPECT_EQ(dpc_saw.irql, DISPATCH_LEVEL);
    KT_EXPECT(dpc_saw.device == device);
    KT_EXPECT(dpc_saw.irp == (PIRP)&dpc_saw);
    KT_EXPECT(dpc_saw.context == &dpc_saw.context);
    IoDisconnectInterrupt(interrupt);
    IoDeleteDevice(device);
}

static BOOLEAN NTAPI isr_leaving_irql_raised(PKINTERRUPT interrupt,
                                             PVOID context)
{
    KIRQL irql;

    UNREFERENCED_PARAMETER(interrupt);
    UNREFERENCED_PARAMETER(context);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P4, DIRQL + 3, DIRQL, 0,
                        (ULONG_PTR)isr_leaving_irql_raised);
    KeRaiseIrql(DIRQL + 3, &irql);
    return TRUE;
}

/* An ISR must return at its DIRQL. */
KTEST_STOP(iomech, an_isr_returning_at_another_irql, IRQL_NOT_LESS_OR_EQUAL)
{
    PKINTERRUPT interrupt;

    KT_ASSERT_EQ(IoConnectInterrupt(&interrupt, isr_leaving_irql_raised, NULL,
                                    NULL, VECTOR, DIRQL, DIRQL, Latched, FALSE,
                                    1, FALSE),
                 STATUS_SUCCESS);
    NtlabRaiseInterrupt(VECTOR);
}

/* ---- Work items and device timers ---------------------------------------- */

static struct {
    KEVENT go, done;
    PDEVICE_OBJECT device;
    PVOID context;
    KIRQL irql;
    PEPROCESS process;
    LONG device_refs;
} work_saw;

static VOID NTAPI work_routine(PDEVICE_OBJECT device, PVOID context)
{
    KeWaitForSingleObject(&work_saw.go, Executive, KernelMode, FALSE, NULL);
    work_saw.device = device;
    work_saw.context = context;
    work_saw.irql = KeGetCurrentIrql();
    work_saw.process = PsGetCurrentProcess();
    work_saw.device_refs = ob_pointer_count(device);
    KeSetEvent(&work_saw.done, IO_NO_INCREMENT, FALSE);
}

/* A work item runs in the System process at PASSIVE_LEVEL, holding the
 * device: deleted meanwhile, it goes only once the routine is done. */
KTEST(iomech, a_work_item_holds_its_device_until_it_ran)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, mech_succeed);
    PIO_WORKITEM item;
    LONG driver_refs;
    int waits;

    KT_ASSERT(device != NULL);
    KeInitializeEvent(&work_saw.go, NotificationEvent, FALSE);
    KeInitializeEvent(&work_saw.done, NotificationEvent, FALSE);
    driver_refs = ob_pointer_count(mech_driver());
    item = IoAllocateWorkItem(device);
    KT_ASSERT(item != NULL);
    IoQueueWorkItem(item, work_routine, DelayedWorkQueue, &work_saw);
    IoDeleteDevice(device);
    KeSetEvent(&work_saw.go, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(&work_saw.done, Executive, KernelMode, FALSE, NULL);
    KT_EXPECT(work_saw.device == device);
    KT_EXPECT(work_saw.context == &work_saw);
    KT_EXPECT_EQ(work_saw.irql, PASSIVE_LEVEL);
    KT_EXPECT(work_saw.process == PsInitialSystemProcess);
    KT_EXPECT_EQ(work_saw.device_refs, 1); /* the item's alone */
    for (waits = 0;
         waits < 10 && ob_pointer_count(mech_driver()) == driver_refs; waits++)
        delay_ms(1);
    KT_EXPECT_EQ(ob_pointer_count(mech_driver()),
                 driver_refs - 1); /* it went */
    IoFreeWorkItem(item);
}

static VOID NTAPI never_runs(PDEVICE_OBJECT device, PVOID context)
{
    UNREFERENCED_PARAMETER(device);
    UNREFERENCED_PARAMETER(context);
}

/* A work item queued at DISPATCH_LEVEL, which keeps it from running. */
static PIO_WORKITEM queued_item(void)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, mech_succeed);
    PIO_WORKITEM item = device != NULL ? IoAllocateWorkItem(device) : NULL;
    KIRQL irql;

    if (item != NULL) {
        KeRaiseIrql(DISPATCH_LEVEL, &irql);
        IoQueueWorkItem(item, never_runs, DelayedWorkQueue, NULL);
    }
    return item;
}

/* ntlab stops for a work item freed or queued again while it waits, with
 * NT's parameters: 2 (a queued I/O work item freed), 1 (queued again). */
KTEST_STOP(iomech, freeing_a_queued_work_item, WORKER_INVALID)
{
    PIO_WORKITEM item = queued_item();

    KT_ASSERT(item != NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, 2, (ULONG_PTR)item,
                        (ULONG_PTR)never_runs, 0);
    IoFreeWorkItem(item);
}

KTEST_STOP(iomech, queueing_a_queued_work_item, WORKER_INVALID)
{
    PIO_WORKITEM item = queued_item();

    KT_ASSERT(item != NULL);
    ktest_expect_params(KTEST_P1 | KTEST_P2 | KTEST_P3, 1, (ULONG_PTR)item,
                        CriticalWorkQueue, 0);
    IoQueueWorkItem(item, never_runs, CriticalWorkQueue, NULL);
}

static struct {
    ULONG count;
    KIRQL irql;
    PDEVICE_OBJECT device;
    PVOID context;
} tick_saw;

static VOID NTAPI tick(PDEVICE_OBJECT device, PVOID context)
{
    tick_saw.count++;
    tick_saw.irql = KeGetCurrentIrql();
    tick_saw.device = device;
    tick_saw.context = context;
}

/* A device timer's routine runs once a second at DISPATCH_LEVEL between
 * IoStartTimer and IoStopTimer. */
KTEST(iomech, a_device_timer_ticks_each_second_while_started)
{
    PDEVICE_OBJECT device = mech_create_device(NULL, mech_succeed);

    KT_ASSERT(device != NULL);
    KT_ASSERT_EQ(IoInitializeTimer(device, tick, &tick_saw), STATUS_SUCCESS);
    delay_ms(1500);
    KT_EXPECT_EQ(tick_saw.count, 0);
    IoStartTimer(device);
    delay_ms(3500);
    KT_EXPECT_EQ(tick_saw.count, 3);
    KT_EXPECT_EQ(tick_saw.irql, DISPATCH_LEVEL);
    KT_EXPECT(tick_saw.device == device);
    KT_EXPECT(tick_saw.context == &tick_saw);
    IoStopTimer(device);
    delay_ms(2000);
    KT_EXPECT_EQ(tick_saw.count, 3);
    IoDeleteDevice(device);
}

/* ---- Unloading ------------------------------------------------------------
 */

static NTSTATUS iotest_service(NTSTATUS(NTAPI *action)(PUNICODE_STRING))
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, L"\\Registry\\Machine\\System\\"
                                L"CurrentControlSet\\Services\\iotest");
    return action(&name);
}

/* iotest.sys's image and records, while it is loaded. */
static ULONG iotest_image(iotest_record **records)
{
    UNICODE_STRING name;
    PDRIVER_OBJECT driver;
    const mm_system_image *image;

    RtlInitUnicodeString(&name, L"\\Driver\\iotest");
    if (!NT_SUCCESS(ObReferenceObjectByName(&name, OBJ_CASE_INSENSITIVE, NULL,
                                            0, *IoDriverObjectType, KernelMode,
                                            NULL, (PVOID *)&driver)))
        return 0;
    image = driver->DriverSection;
    *records = mm_image_symbol(image, "IoTestRecords");
    ObDereferenceObject(driver);
    return image->base;
}

/* ZwUnloadDriver with files open on the driver's device: DriverUnload
 * runs at once, but the image stays, and takes the files' IRP_MJ_CLOSE,
 * until the last of them is closed. */
KTEST(iomech, an_unloaded_driver_stays_until_its_files_close)
{
    HANDLE first, second, third;
    iotest_record *r;
    ULONG base, closes;

    KT_ASSERT_EQ(iotest_service(ZwLoadDriver), STATUS_SUCCESS);
    base = iotest_image(&r);
    KT_ASSERT(base != 0 && r != NULL);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoTest", &first), STATUS_SUCCESS);
    KT_ASSERT_EQ(mech_open(L"\\Device\\IoTest", &second), STATUS_SUCCESS);
    KT_EXPECT_EQ(iotest_service(ZwUnloadDriver), STATUS_SUCCESS);
    KT_EXPECT_EQ(r[IOTEST_UNLOAD].count, 1);
    KT_EXPECT(mm_image_at(base) != NULL);
    KT_EXPECT_EQ(mech_open(L"\\Device\\IoTest", &third),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    closes = r[IOTEST_CLOSE].count;
    ZwClose(second);
    KT_EXPECT_EQ(r[IOTEST_CLOSE].count, closes + 1);
    KT_EXPECT(mm_image_at(base) != NULL);
    ZwClose(first);
    KT_EXPECT(mm_image_at(base) == NULL);
    KT_EXPECT_EQ(iotest_service(ZwUnloadDriver), STATUS_OBJECT_NAME_NOT_FOUND);
}

/* A built-in driver has no image to unload. */
KTEST(iomech, a_built_in_driver_cannot_be_unloaded)
{
    UNICODE_STRING name;

    KT_ASSERT(mech_driver() != NULL);
    RtlInitUnicodeString(&name, L"\\Registry\\Machine\\System\\"
                                L"CurrentControlSet\\Services\\IoMech");
    KT_EXPECT_EQ(ZwUnloadDriver(&name), STATUS_INVALID_DEVICE_REQUEST);
}
