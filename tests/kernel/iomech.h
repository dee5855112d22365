/*
 * The iomech suite's test driver: one built-in driver (\Driver\IoMech,
 * made by IoCreateDriver) whose devices each carry, in their extension,
 * the dispatch routine a test gives them and what they saw. Tests build
 * stacks and requests out of these devices and assert what a driver writer
 * would observe.
 */
#ifndef TESTS_IOMECH_H
#define TESTS_IOMECH_H

#include "../../kernel/io/io.h"
#include "kt_util.h"

/* A device's extension: how it handles requests and what it saw. */
typedef struct mech_device {
    PDRIVER_DISPATCH handler; /* every major function goes here */
    PDRIVER_STARTIO start_io; /* the driver's StartIo calls this */
    PDEVICE_OBJECT lower;     /* where a filter sends requests on */
    ULONG seen[IRP_MJ_MAXIMUM_FUNCTION + 1]; /* requests, by major */
    PIRP last_irp;
    KIRQL last_irql;
    PIRP held; /* a request the device keeps pending */
} mech_device;

/* The test driver's object (made on first use), or NULL. PASSIVE_LEVEL. */
PDRIVER_OBJECT mech_driver(void);

/* A device of the test driver named name (NULL: unnamed) whose requests go
 * to handler, ready for opens (DO_DEVICE_INITIALIZING cleared, as a driver
 * does at the end of AddDevice). NULL on failure. */
PDEVICE_OBJECT mech_create_device(const WCHAR *name, PDRIVER_DISPATCH handler);

static inline mech_device *mech_ext(PDEVICE_OBJECT device)
{
    return device->DeviceExtension;
}

/* ZwOpenFile of name for synchronous reads and writes: the status. */
NTSTATUS mech_open(const WCHAR *name, HANDLE *handle);

/* Completes irp with status and information; returns status. */
NTSTATUS mech_complete(PIRP irp, NTSTATUS status, ULONG_PTR information);

/* Handlers: complete every request with STATUS_SUCCESS; pass every
 * request to the device's lower device unchanged (skipping a stack
 * location); copy the location down and pass it on, without a completion
 * routine; keep it pending in the extension's held. */
NTSTATUS NTAPI mech_succeed(PDEVICE_OBJECT device, PIRP irp);
NTSTATUS NTAPI mech_pass_down(PDEVICE_OBJECT device, PIRP irp);
NTSTATUS NTAPI mech_copy_down(PDEVICE_OBJECT device, PIRP irp);
NTSTATUS NTAPI mech_hold(PDEVICE_OBJECT device, PIRP irp);

/* A sender's completion routine: counts in *completions and keeps the
 * IRP (STATUS_MORE_PROCESSING_REQUIRED). */
NTSTATUS NTAPI mech_take_back(PDEVICE_OBJECT device, PIRP irp,
                              PVOID completions);

/* A driver-allocated IRP for device with major as its next location's
 * function, whose completion routine (in the allocator's location) takes
 * it back (mech_take_back). Free it with IoFreeIrp. */
PIRP mech_own_irp(PDEVICE_OBJECT device, UCHAR major, PLONG completions);

#endif
