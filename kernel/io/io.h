/*
 * The I/O manager (Io), private interface.
 *
 * Objects: drivers (\Driver\NAME), devices (usually \Device\NAME, whose
 * parse procedure opens files on them) and files (one per open, each
 * naming the device it was opened on). Requests travel as IRPs down a
 * device's stack; the IRPs the I/O manager makes for a thread's requests
 * are "threaded": kept on that thread's list, and finished in that thread
 * (io_finish_request) once complete.
 */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <ntddk.h>

#include "../ke/ke.h"
#include "../ob/ob.h"
#include "../ps/ps.h"

#define IO_TYPE_DRIVER 4
#define IO_TYPE_DEVICE 3
#define IO_TYPE_FILE   5
#define IO_TYPE_IRP    6

/* Set up the object types, the IRP machinery and the I/O timer (boot). */
void io_init(void);

/* ---- Drivers (driver.c) ----------------------------------------------------- */

/* What the I/O manager keeps for a driver, after its DRIVER_OBJECT. */
typedef struct io_driver {
    DRIVER_OBJECT object;
    DRIVER_EXTENSION extension;
    struct mm_system_image *image; /* NULL for a built-in driver */
    WCHAR name_buffer[64];
    WCHAR service_buffer[160];
    UNICODE_STRING registry_path;
} io_driver;

/* ---- IRPs (irp.c) ---------------------------------------------------------- */

/* IRP.AllocationFlags */
#define IO_IRP_THREADED      0x01 /* on its thread's list; finished there */
#define IO_IRP_EVENT_OBJECT  0x02 /* UserEvent came from a handle: deref */
#define IO_IRP_FILE_EVENT    0x04 /* signal the file object's event */
#define IO_IRP_ORPHANED      0x08 /* its thread ended first */
#define IO_IRP_USER_APC      0x10 /* queue the user's APC routine */
#define IO_IRP_FILE_REFERENCED 0x20 /* holds a reference to its file */

/* Makes a threaded IRP for the current thread with stack_size locations. */
PIRP io_allocate_threaded_irp(CCHAR stack_size, KPROCESSOR_MODE mode);

/*
 * Sends irp (threaded) to device, and, when the driver completed it before
 * returning, finishes it here without an APC. Returns the driver's status;
 * for a pending request with wait_on given, waits for it (the request's
 * completion sets it) and returns *final.
 */
NTSTATUS io_send_and_finish(PDEVICE_OBJECT device, PIRP irp, PKEVENT wait_on,
                            volatile NTSTATUS *final);

/* A system buffer of length bytes for a buffered request, of which the
 * first output_length may be copied back to the requester. */
PVOID io_allocate_system_buffer(ULONG length, ULONG output_length);

/* Cancels the current thread's IRPs on file (all when NULL) and waits up
 * to a second for them; FALSE when some are still there. */
BOOLEAN io_cancel_own_irps(PFILE_OBJECT file);

/* Finishes a completed threaded IRP in its requester's context: copies a
 * buffered result back, frees buffers and MDLs, writes the status block,
 * sets the event, queues the user's APC, frees the IRP. */
void io_finish_request(PIRP irp);

/* Frees a threaded IRP that never reached a driver (its IoStatus.Status
 * an error): buffers, MDLs, references; the requester hears nothing. */
void io_abandon_request(PIRP irp);

/* Cancels the current thread's IRPs and waits (a while) for them: a thread
 * that ends. */
void io_cancel_thread_io(PETHREAD thread);

/* ---- Devices and files (device.c, file.c) ---------------------------------- */

extern POBJECT_TYPE io_device_type, io_driver_type, io_file_type;

/* The device a request on file goes to: the top of the stack. */
PDEVICE_OBJECT io_top_of(PDEVICE_OBJECT device);

/* What NtCreateFile passes to a device's parse procedure. */
typedef struct io_open_packet {
    ULONG options;
    ULONG share_access;
    ULONG disposition;
    ACCESS_MASK access;
    KPROCESSOR_MODE mode;
    IO_STATUS_BLOCK status;
} io_open_packet;

/* Describes irp's buffer, as the device's flags ask, for a read or a write
 * of length bytes at buffer (a mode caller's). */
NTSTATUS io_describe_transfer(PIRP irp, KPROCESSOR_MODE mode,
                              PDEVICE_OBJECT device, BOOLEAN write,
                              PVOID buffer, ULONG length);
/* Describes irp's buffers and parameters for I/O control code, as its
 * method asks. */
NTSTATUS io_describe_ioctl(PIRP irp, KPROCESSOR_MODE mode, ULONG code,
                           PVOID input, ULONG input_length, PVOID output,
                           ULONG output_length);

NTSTATUS io_parse_device(PVOID object, PUNICODE_STRING remaining,
                         ULONG attributes, KPROCESSOR_MODE mode,
                         PVOID context, PVOID *result);
void io_close_file(PEPROCESS process, PVOID object, ACCESS_MASK granted,
                   ULONG handle_count);
void io_delete_file(PVOID object);
void io_delete_device(PVOID object);
void io_delete_driver(PVOID object);
void io_init_devices(void);
void io_init_files(void);

/* Makes \Driver\Console, \Device\ConsoleInput and \??\CONIN$ (phase 1). */
void io_init_console(void);

/* ---- The C: drive (volume.c) ---------------------------------------------- */

/* Makes \Driver\Volume, \Device\HarddiskVolume1 and \??\C: (phase 1). */
void io_init_volume(void);
/*
 * Makes the volume's file at name (an NT name under \??\C:, without that
 * prefix: \dir\x.sys) a boot module, for the driver loader: its index in
 * *module. The open's statuses (STATUS_OBJECT_NAME_NOT_FOUND ...), or
 * STATUS_FILE_IS_A_DIRECTORY. PASSIVE_LEVEL.
 */
NTSTATUS io_volume_module(const UNICODE_STRING *name, ULONG *module);

/* ---- Timers and interrupts (timer.c, interrupt.c) --------------------------- */

void io_init_timers(void);
/* Frees a device's timer (the device is being deleted). */
void io_free_timer(PDEVICE_OBJECT device);
void io_init_interrupts(void);

/* A hook for tests: called with the context of every request the I/O
 * manager finishes (the requester's, at APC_LEVEL for a pending one). */
typedef void (*io_finish_observer)(PIRP irp);
extern io_finish_observer io_test_finish_observer;

#endif
