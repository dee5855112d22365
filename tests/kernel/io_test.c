/*
 * The I/O manager with a real driver and a real program: iotest.sys
 * (drivers/iotest) loaded by NtLoadDriver, and iotest.exe
 * (user/programs/iotest.c) sending it every kind of request. The driver
 * records the process, thread and IRQL of each of its routines; these
 * tests assert NT's answers for each, and that the program's checks (the
 * data of each buffering method, the statuses for bad arguments) all held.
 */
#include "../../kernel/io/io.h"
#include "../../drivers/iotest/iotest.h"
#include "kt_util.h"

/* The loaded driver's object (referenced), or NULL. */
static PDRIVER_OBJECT driver_object(const WCHAR *path)
{
    UNICODE_STRING name;
    PVOID object;

    RtlInitUnicodeString(&name, path);
    if (!NT_SUCCESS(ObReferenceObjectByName(&name, OBJ_CASE_INSENSITIVE, NULL,
                                            0, *IoDriverObjectType, KernelMode,
                                            NULL, &object)))
        return NULL;
    return object;
}

/* iotest.sys's records, while it is loaded. */
static iotest_record *records(void)
{
    PDRIVER_OBJECT driver = driver_object(L"\\Driver\\iotest");
    iotest_record *r;

    if (driver == NULL)
        return NULL;
    r = mm_image_symbol(driver->DriverSection, "IoTestRecords");
    ObDereferenceObject(driver);
    return r;
}

/* What the I/O manager saw when it finished each request in the
 * requester: the last one's context. */
static struct {
    ULONG count;
    PEPROCESS process;
    PETHREAD thread;
    KIRQL irql;
    BOOLEAN pending;
} finished;

static void observe_finish(PIRP irp)
{
    finished.count++;
    finished.process = PsGetCurrentProcess();
    finished.thread = PsGetCurrentThread();
    finished.irql = KeGetCurrentIrql();
    finished.pending = irp->PendingReturned;
}

static void expect_system(const iotest_record *r, KIRQL irql)
{
    KT_EXPECT(r->count > 0);
    KT_EXPECT(r->process == PsInitialSystemProcess);
    KT_EXPECT_STR_EQ(r->image, "System");
    KT_EXPECT_EQ(r->irql, irql);
}

/* Loading: DriverEntry and the system thread it starts run in the System
 * process at PASSIVE_LEVEL, in a thread that is not the loader's. */
KTEST(io, driver_entry_runs_in_the_system_process)
{
    iotest_record *r;

    KT_ASSERT_EQ(kt_load_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
    KT_EXPECT_EQ(kt_load_driver(KT_SERVICES L"iotest"),
                 STATUS_IMAGE_ALREADY_LOADED);
    r = records();
    KT_ASSERT(r != NULL);
    expect_system(&r[IOTEST_DRIVER_ENTRY], PASSIVE_LEVEL);
    KT_EXPECT(r[IOTEST_DRIVER_ENTRY].thread != KeGetCurrentThread());
    expect_system(&r[IOTEST_SYSTEM_THREAD], PASSIVE_LEVEL);
    KT_EXPECT(r[IOTEST_SYSTEM_THREAD].thread != r[IOTEST_DRIVER_ENTRY].thread);
    KT_EXPECT_EQ(kt_unload_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
    KT_EXPECT(records() == NULL);
    KT_EXPECT_EQ(kt_unload_driver(KT_SERVICES L"iotest"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}

/* The program's checks all hold, and each routine ran where NT runs it. */
KTEST(io, every_routine_runs_in_its_context)
{
    HANDLE handle;
    EPROCESS *program;
    iotest_record *r;
    KIRQL kinds_at_dispatch[] = {IOTEST_TIMER_DPC, IOTEST_LOWER_FROM_DPC,
                                 IOTEST_DPC_FOR_ISR, IOTEST_IO_TIMER};
    ULONG i;

    KT_ASSERT_EQ(kt_load_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
    r = records();
    KT_ASSERT(r != NULL);
    RtlZeroMemory(&finished, sizeof finished);
    io_test_finish_observer = observe_finish;
    KT_ASSERT_EQ(kt_start_program(L"iotest.exe", L"", &handle), STATUS_SUCCESS);
    KT_ASSERT_EQ(ObReferenceObjectByHandle(handle, 0, *PsProcessType,
                                           KernelMode, (PVOID *)&program, NULL),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(kt_wait_program(handle), 0); /* every check held */
    io_test_finish_observer = NULL;

    /* Top-level dispatch, and a lower driver it calls: the requester's
     * thread, at PASSIVE_LEVEL. */
    KT_EXPECT(r[IOTEST_DISPATCH].process == program);
    KT_EXPECT_STR_EQ(r[IOTEST_DISPATCH].image, "iotest.exe");
    KT_EXPECT_EQ(r[IOTEST_DISPATCH].irql, PASSIVE_LEVEL);
    KT_EXPECT(r[IOTEST_LOWER_DIRECT].process == program);
    KT_EXPECT_EQ(r[IOTEST_LOWER_DIRECT].irql, PASSIVE_LEVEL);
    KT_EXPECT_EQ(r[IOTEST_STARTIO].irql, DISPATCH_LEVEL);
    KT_EXPECT_EQ(r[IOTEST_ISR].irql, IOTEST_DIRQL);
    /* DPCs, and what they call: DISPATCH_LEVEL, in whatever thread was
     * running. For the timers' DPCs the requester was waiting, so that was
     * not the requester's. */
    for (i = 0; i < ARRAYSIZE(kinds_at_dispatch); i++) {
        KT_EXPECT(r[kinds_at_dispatch[i]].count > 0);
        KT_EXPECT_EQ(r[kinds_at_dispatch[i]].irql, DISPATCH_LEVEL);
    }
    KT_EXPECT(r[IOTEST_TIMER_DPC].process != program);
    KT_EXPECT(r[IOTEST_IO_TIMER].process != program);
    /* Work items (and the lower driver one calls): System, PASSIVE_LEVEL. */
    expect_system(&r[IOTEST_WORK_ITEM], PASSIVE_LEVEL);
    expect_system(&r[IOTEST_LOWER_FROM_WORK], PASSIVE_LEVEL);
    KT_EXPECT(r[IOTEST_COMPLETION].count >= 2);
    KT_EXPECT(r[IOTEST_CANCEL].count >= 2); /* NtCancelIoFile, thread exit */
    KT_EXPECT(r[IOTEST_CLEANUP].count > 0);
    KT_EXPECT(r[IOTEST_CLOSE].count > 0);
    KT_EXPECT(r[IOTEST_FILTER].count >= 2); /* the neither device's I/O */
    /* The last request ended in the requester: its process, APC_LEVEL
     * for one that was pending. */
    KT_EXPECT(finished.count > 50);
    KT_EXPECT(finished.process == program);
    ObDereferenceObject(program);
    KT_EXPECT_EQ(kt_unload_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
}

static volatile BOOLEAN stop_spinning;

/* Keeps the CPU busy in its own process until told to stop. */
static void spin(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    while (!stop_spinning)
        KeStallExecutionProcessor(100);
}

/* A request that a DPC ends while another process is current still
 * delivers its output to the requester's buffer, in the requester: the
 * completion's APC runs in the requester's thread at APC_LEVEL. */
KTEST(io, completion_from_another_process_reaches_the_requester)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    UCHAR in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8] = {0};
    EPROCESS *other;
    ETHREAD *spinner;
    iotest_record *r;

    KT_ASSERT_EQ(kt_load_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
    r = records();
    RtlInitUnicodeString(&name, L"\\Device\\IoTest");
    InitializeObjectAttributes(&attributes, &name, OBJ_KERNEL_HANDLE, NULL,
                               NULL);
    KT_ASSERT_EQ(ZwOpenFile(&file, GENERIC_READ | SYNCHRONIZE, &attributes,
                            &iosb, 0, FILE_SYNCHRONOUS_IO_NONALERT),
                 STATUS_SUCCESS);
    KT_ASSERT((other = kt_make_process("other")) != NULL);
    stop_spinning = FALSE;
    KT_ASSERT_EQ(ps_create_thread(other, spin, NULL, &spinner), STATUS_SUCCESS);
    RtlZeroMemory(&finished, sizeof finished);
    io_test_finish_observer = observe_finish;
    KT_EXPECT_EQ(ZwDeviceIoControlFile(file, NULL, NULL, NULL, &iosb,
                                       IOCTL_IOTEST_LATER_DPC, in, sizeof in,
                                       out, sizeof out),
                 STATUS_SUCCESS);
    io_test_finish_observer = NULL;
    stop_spinning = TRUE;
    kt_join(spinner);
    KT_EXPECT(r[IOTEST_TIMER_DPC].process == other);
    KT_EXPECT(r[IOTEST_TIMER_DPC].thread == &spinner->Tcb);
    KT_EXPECT(finished.process == PsGetCurrentProcess());
    KT_EXPECT(finished.thread == PsGetCurrentThread());
    KT_EXPECT_EQ(finished.irql, APC_LEVEL);
    KT_EXPECT(finished.pending);
    KT_EXPECT_EQ(iosb.Information, 8);
    KT_EXPECT_EQ(out[0], 2);
    KT_EXPECT_EQ(out[7], 9);
    ZwClose(file);
    kt_delete_process(other);
    KT_EXPECT_EQ(kt_unload_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
}

/* Loads that fail: no such module, a missing import, a bad key. */
KTEST(io, loads_that_fail)
{
    KT_EXPECT_EQ(kt_load_driver(KT_SERVICES L"nosuchdriver"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT_EQ(kt_load_driver(KT_SERVICES L"testmissing"),
                 STATUS_PROCEDURE_NOT_FOUND);
    KT_EXPECT_EQ(kt_load_driver(L"\\Registry\\Machine\\Software\\iotest"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT_EQ(kt_load_driver(KT_SERVICES L"a\\b"),
                 STATUS_OBJECT_NAME_INVALID);
    KT_EXPECT(driver_object(L"\\Driver\\testmissing") == NULL);
}
