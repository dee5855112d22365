/*
 * The I/O manager (Io), as drivers see it: driver and device objects,
 * file objects, IRPs and their stack locations, IOCTL codes and buffering
 * methods, work items, timers and interrupts.
 *
 * A request starts in a thread that calls a service (NtReadFile,
 * NtDeviceIoControlFile ...): the I/O manager builds an IRP, calls the top
 * driver of the device's stack in that thread (PASSIVE_LEVEL, the
 * requester's process), and when a driver completes it (in any context),
 * runs the completion routines back up the stack and then finishes the
 * request in the requester's context, with a special kernel APC: output
 * copied back, the IO_STATUS_BLOCK written, the event set.
 */
#ifndef NT_IO_H
#define NT_IO_H

#include <nt/ex.h>
#include <nt/ke.h>
#include <nt/mm.h>
#include <nt/ob.h>

typedef struct _DEVICE_OBJECT *PDEVICE_OBJECT;
typedef struct _DRIVER_OBJECT *PDRIVER_OBJECT;
typedef struct _FILE_OBJECT *PFILE_OBJECT;
typedef struct _IRP *PIRP;
typedef struct _IO_STACK_LOCATION *PIO_STACK_LOCATION;
typedef CHAR CCHAR;

/* ---- Status blocks, codes and access ----------------------------------------- */

typedef struct _IO_STATUS_BLOCK {
    union {
        NTSTATUS Status;
        PVOID Pointer;
    };
    ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

typedef VOID(NTAPI *PIO_APC_ROUTINE)(PVOID ApcContext,
                                     PIO_STATUS_BLOCK IoStatusBlock,
                                     ULONG Reserved);

#include <devioctl.h>

/* File rights. */
#define FILE_READ_DATA        0x0001
#define FILE_WRITE_DATA       0x0002
#define FILE_APPEND_DATA      0x0004
#define FILE_READ_EA          0x0008
#define FILE_WRITE_EA         0x0010
#define FILE_EXECUTE          0x0020
#define FILE_READ_ATTRIBUTES  0x0080
#define FILE_DELETE_CHILD     0x0040
#define FILE_WRITE_ATTRIBUTES 0x0100
#define FILE_ALL_ACCESS       (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)
#define FILE_GENERIC_READ                                                      \
    (STANDARD_RIGHTS_READ | FILE_READ_DATA | FILE_READ_ATTRIBUTES |           \
     FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE                                                     \
    (STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | FILE_WRITE_ATTRIBUTES |        \
     FILE_WRITE_EA | FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE                                                   \
    (STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | FILE_EXECUTE |          \
     SYNCHRONIZE)

/* NtCreateFile: share access, dispositions, options. */
#define FILE_SHARE_READ   0x00000001
#define FILE_SHARE_WRITE  0x00000002
#define FILE_SHARE_DELETE 0x00000004
#define FILE_SUPERSEDE    0x00000000
#define FILE_OPEN         0x00000001
#define FILE_CREATE       0x00000002
#define FILE_OPEN_IF      0x00000003
#define FILE_OVERWRITE    0x00000004
#define FILE_OVERWRITE_IF 0x00000005
#define FILE_DIRECTORY_FILE          0x00000001
#define FILE_SYNCHRONOUS_IO_ALERT    0x00000010
#define FILE_SYNCHRONOUS_IO_NONALERT 0x00000020
#define FILE_NON_DIRECTORY_FILE      0x00000040
#define FILE_OPENED      0x00000001
#define FILE_OVERWRITTEN 0x00000003

/* ---- Drivers ------------------------------------------------------------------- */

#define IRP_MJ_CREATE                   0x00
#define IRP_MJ_CREATE_NAMED_PIPE        0x01
#define IRP_MJ_CLOSE                    0x02
#define IRP_MJ_READ                     0x03
#define IRP_MJ_WRITE                    0x04
#define IRP_MJ_QUERY_INFORMATION        0x05
#define IRP_MJ_SET_INFORMATION          0x06
#define IRP_MJ_QUERY_EA                 0x07
#define IRP_MJ_SET_EA                   0x08
#define IRP_MJ_FLUSH_BUFFERS            0x09
#define IRP_MJ_QUERY_VOLUME_INFORMATION 0x0a
#define IRP_MJ_SET_VOLUME_INFORMATION   0x0b
#define IRP_MJ_DIRECTORY_CONTROL        0x0c
#define IRP_MJ_FILE_SYSTEM_CONTROL      0x0d
#define IRP_MJ_DEVICE_CONTROL           0x0e
#define IRP_MJ_INTERNAL_DEVICE_CONTROL  0x0f
#define IRP_MJ_SHUTDOWN                 0x10
#define IRP_MJ_LOCK_CONTROL             0x11
#define IRP_MJ_CLEANUP                  0x12
#define IRP_MJ_CREATE_MAILSLOT          0x13
#define IRP_MJ_QUERY_SECURITY           0x14
#define IRP_MJ_SET_SECURITY             0x15
#define IRP_MJ_POWER                    0x16
#define IRP_MJ_SYSTEM_CONTROL           0x17
#define IRP_MJ_DEVICE_CHANGE            0x18
#define IRP_MJ_QUERY_QUOTA              0x19
#define IRP_MJ_SET_QUOTA                0x1a
#define IRP_MJ_PNP                      0x1b
#define IRP_MJ_MAXIMUM_FUNCTION         0x1b

typedef NTSTATUS(NTAPI DRIVER_INITIALIZE)(PDRIVER_OBJECT DriverObject,
                                          PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef NTSTATUS(NTAPI DRIVER_DISPATCH)(PDEVICE_OBJECT DeviceObject,
                                        PIRP Irp);
typedef DRIVER_DISPATCH *PDRIVER_DISPATCH;
typedef VOID(NTAPI DRIVER_UNLOAD)(PDRIVER_OBJECT DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;
typedef VOID(NTAPI DRIVER_STARTIO)(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_STARTIO *PDRIVER_STARTIO;
typedef NTSTATUS(NTAPI DRIVER_ADD_DEVICE)(PDRIVER_OBJECT DriverObject,
                                          PDEVICE_OBJECT PhysicalDeviceObject);
typedef DRIVER_ADD_DEVICE *PDRIVER_ADD_DEVICE;
typedef VOID(NTAPI DRIVER_CANCEL)(PDEVICE_OBJECT DeviceObject, PIRP Irp);
typedef DRIVER_CANCEL *PDRIVER_CANCEL;
typedef NTSTATUS(NTAPI IO_COMPLETION_ROUTINE)(PDEVICE_OBJECT DeviceObject,
                                              PIRP Irp, PVOID Context);
typedef IO_COMPLETION_ROUTINE *PIO_COMPLETION_ROUTINE;

typedef struct _DRIVER_EXTENSION {
    PDRIVER_OBJECT DriverObject;
    PDRIVER_ADD_DEVICE AddDevice;
    ULONG Count;
    UNICODE_STRING ServiceKeyName;
} DRIVER_EXTENSION, *PDRIVER_EXTENSION;

typedef struct _DRIVER_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject; /* its devices, linked by NextDevice */
    ULONG Flags;
    PVOID DriverStart; /* where its image is */
    ULONG DriverSize;
    PVOID DriverSection;
    PDRIVER_EXTENSION DriverExtension;
    UNICODE_STRING DriverName; /* \Driver\NAME */
    PUNICODE_STRING HardwareDatabase;
    PVOID FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PDRIVER_STARTIO DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PDRIVER_DISPATCH MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT;

/* ---- Devices -------------------------------------------------------------------- */

typedef struct _KDEVICE_QUEUE_ENTRY {
    LIST_ENTRY DeviceListEntry;
    ULONG SortKey;
    BOOLEAN Inserted;
} KDEVICE_QUEUE_ENTRY, *PKDEVICE_QUEUE_ENTRY;

/* A queue of entries for a busy device (StartIo). DISPATCH_LEVEL. */
typedef struct _KDEVICE_QUEUE {
    CSHORT Type;
    CSHORT Size;
    LIST_ENTRY DeviceListHead;
    KSPIN_LOCK Lock;
    BOOLEAN Busy;
} KDEVICE_QUEUE, *PKDEVICE_QUEUE;

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI KeInitializeDeviceQueue(PKDEVICE_QUEUE DeviceQueue);
/* Returns FALSE (and marks the queue busy) when it was not busy: the
 * caller starts the entry itself. */
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeInsertDeviceQueue(
    PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeInsertByKeyDeviceQueue(
    PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry,
    ULONG SortKey);
/* The next entry, or NULL (and the queue no longer busy). */
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveDeviceQueue(PKDEVICE_QUEUE DeviceQueue);
/* The first entry whose key is at least SortKey, else the first entry;
 * NULL (and the queue no longer busy) when it is empty. */
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI PKDEVICE_QUEUE_ENTRY NTAPI
KeRemoveByKeyDeviceQueue(PKDEVICE_QUEUE DeviceQueue, ULONG SortKey);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI KeRemoveEntryDeviceQueue(
    PKDEVICE_QUEUE DeviceQueue, PKDEVICE_QUEUE_ENTRY DeviceQueueEntry);

typedef struct _IO_TIMER *PIO_TIMER;

/* DEVICE_OBJECT.Flags */
#define DO_VERIFY_VOLUME      0x00000002
#define DO_BUFFERED_IO        0x00000004
#define DO_EXCLUSIVE          0x00000008
#define DO_DIRECT_IO          0x00000010
#define DO_MAP_IO_BUFFER      0x00000020
#define DO_DEVICE_INITIALIZING 0x00000080
#define DO_POWER_PAGABLE      0x00002000

typedef struct _DEVICE_OBJECT {
    CSHORT Type;
    USHORT Size;
    LONG ReferenceCount;
    PDRIVER_OBJECT DriverObject;
    PDEVICE_OBJECT NextDevice;    /* the driver's next device */
    PDEVICE_OBJECT AttachedDevice; /* the device attached above it */
    PIRP CurrentIrp;              /* StartIo's current request */
    PIO_TIMER Timer;
    ULONG Flags;
    ULONG Characteristics;
    PVOID Vpb;
    PVOID DeviceExtension;
    DEVICE_TYPE DeviceType;
    CCHAR StackSize; /* stack locations a request to it needs */
    ULONG AlignmentRequirement;
    KDEVICE_QUEUE DeviceQueue;
    KDPC Dpc; /* the DpcForIsr (IoInitializeDpcRequest) */
    ULONG ActiveThreadCount;
    PVOID SecurityDescriptor;
    KEVENT DeviceLock;
    USHORT SectorSize;
    USHORT Spare1;
    PVOID DeviceObjectExtension;
    PVOID Reserved;
} DEVICE_OBJECT;

/* ---- Files ---------------------------------------------------------------------- */

typedef struct _FILE_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PDEVICE_OBJECT DeviceObject;
    PVOID Vpb;
    PVOID FsContext; /* the driver's, per open */
    PVOID FsContext2;
    PVOID SectionObjectPointer;
    PVOID PrivateCacheMap;
    NTSTATUS FinalStatus;
    struct _FILE_OBJECT *RelatedFileObject;
    BOOLEAN LockOperation;
    BOOLEAN DeletePending;
    BOOLEAN ReadAccess;
    BOOLEAN WriteAccess;
    BOOLEAN DeleteAccess;
    BOOLEAN SharedRead;
    BOOLEAN SharedWrite;
    BOOLEAN SharedDelete;
    ULONG Flags; /* FO_* */
    UNICODE_STRING FileName; /* what followed the device's name */
    LARGE_INTEGER CurrentByteOffset;
    ULONG Waiters;
    ULONG Busy;
    PVOID LastLock;
    KEVENT Lock;
    KEVENT Event; /* signalled when I/O on a synchronous file completes */
    PVOID CompletionContext;
} FILE_OBJECT;

#define FO_SYNCHRONOUS_IO  0x00000002
#define FO_ALERTABLE_IO    0x00000004
#define FO_CLEANUP_COMPLETE 0x00004000

/* ---- IRPs ----------------------------------------------------------------------- */

/* IO_STACK_LOCATION.Control */
#define SL_PENDING_RETURNED 0x01
#define SL_INVOKE_ON_CANCEL 0x20
#define SL_INVOKE_ON_SUCCESS 0x40
#define SL_INVOKE_ON_ERROR  0x80

/*
 * The console's input device, \Device\ConsoleInput (\??\CONIN$): reads
 * return what the platform's console input gives (ntlab's standard input),
 * STATUS_END_OF_FILE at its end. ntlab's own control code
 * IOCTL_NTLAB_CONSOLE_INPUT_READY (METHOD_BUFFERED) returns a ULONG: how
 * many bytes a read would get without waiting (what _kbhit asks).
 */
#define IOCTL_NTLAB_CONSOLE_INPUT_READY 0x00506000u

/* What IRP_MJ_CREATE's SecurityContext points at: the access the opener
 * asked for (mapped to specific rights) and its create options. Security
 * is not modelled: SecurityQos and AccessState are NULL. */
typedef struct _IO_SECURITY_CONTEXT {
    PVOID SecurityQos;
    PVOID AccessState;
    ACCESS_MASK DesiredAccess;
    ULONG FullCreateOptions;
} IO_SECURITY_CONTEXT, *PIO_SECURITY_CONTEXT;

typedef struct _IO_STACK_LOCATION {
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR Flags;
    UCHAR Control;
    union {
        struct {
            struct _IO_SECURITY_CONTEXT *SecurityContext;
            ULONG Options;
            USHORT FileAttributes;
            USHORT ShareAccess;
            ULONG EaLength;
        } Create;
        struct {
            ULONG Length;
            ULONG Key;
            LARGE_INTEGER ByteOffset;
        } Read;
        struct {
            ULONG Length;
            ULONG Key;
            LARGE_INTEGER ByteOffset;
        } Write;
        struct {
            ULONG OutputBufferLength;
            ULONG InputBufferLength;
            ULONG IoControlCode;
            PVOID Type3InputBuffer;
        } DeviceIoControl;
        struct {
            PVOID Argument1;
            PVOID Argument2;
            PVOID Argument3;
            PVOID Argument4;
        } Others;
    } Parameters;
    PDEVICE_OBJECT DeviceObject;
    PFILE_OBJECT FileObject;
    PIO_COMPLETION_ROUTINE CompletionRoutine;
    PVOID Context;
} IO_STACK_LOCATION;

typedef struct _IRP {
    CSHORT Type;
    USHORT Size;
    PMDL MdlAddress; /* the buffer, for direct I/O */
    ULONG Flags;     /* IRP_* */
    union {
        struct _IRP *MasterIrp;
        LONG IrpCount;
        PVOID SystemBuffer; /* the buffer, for buffered I/O */
    } AssociatedIrp;
    LIST_ENTRY ThreadListEntry;
    IO_STATUS_BLOCK IoStatus;
    KPROCESSOR_MODE RequestorMode;
    BOOLEAN PendingReturned;
    CHAR StackCount;
    CHAR CurrentLocation;
    BOOLEAN Cancel;
    KIRQL CancelIrql;
    CCHAR ApcEnvironment;
    UCHAR AllocationFlags;
    PIO_STATUS_BLOCK UserIosb;
    PKEVENT UserEvent;
    union {
        struct {
            PIO_APC_ROUTINE UserApcRoutine;
            PVOID UserApcContext;
        } AsynchronousParameters;
        LARGE_INTEGER AllocationSize;
    } Overlay;
    PDRIVER_CANCEL CancelRoutine;
    PVOID UserBuffer; /* the caller's buffer (METHOD_NEITHER, reads) */
    union {
        struct {
            union {
                KDEVICE_QUEUE_ENTRY DeviceQueueEntry;
                PVOID DriverContext[4];
            };
            PETHREAD Thread; /* the requester */
            PCHAR AuxiliaryBuffer;
            LIST_ENTRY ListEntry;
            PIO_STACK_LOCATION CurrentStackLocation;
            PFILE_OBJECT OriginalFileObject;
        } Overlay;
        KAPC Apc;
        PVOID CompletionKey;
    } Tail;
} IRP;

/* IRP.Flags */
#define IRP_NOCACHE               0x00000001
#define IRP_PAGING_IO             0x00000002
#define IRP_MOUNT_COMPLETION      0x00000002
#define IRP_SYNCHRONOUS_API       0x00000004
#define IRP_ASSOCIATED_IRP        0x00000008
#define IRP_BUFFERED_IO           0x00000010
#define IRP_DEALLOCATE_BUFFER     0x00000020
#define IRP_INPUT_OPERATION       0x00000040
#define IRP_SYNCHRONOUS_PAGING_IO 0x00000040
#define IRP_CREATE_OPERATION      0x00000080
#define IRP_READ_OPERATION        0x00000100
#define IRP_WRITE_OPERATION       0x00000200
#define IRP_CLOSE_OPERATION       0x00000400
#define IRP_DEFER_IO_COMPLETION   0x00000800

#define IO_NO_INCREMENT       0
#define IO_DISK_INCREMENT     1
#define IO_KEYBOARD_INCREMENT 6
#define IO_SERIAL_INCREMENT   2
#define IO_SOUND_INCREMENT    8
#define IO_VIDEO_INCREMENT    1

FORCEINLINE PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp)
{
    return Irp->Tail.Overlay.CurrentStackLocation;
}

FORCEINLINE PIO_STACK_LOCATION IoGetNextIrpStackLocation(PIRP Irp)
{
    return Irp->Tail.Overlay.CurrentStackLocation - 1;
}

FORCEINLINE VOID IoCopyCurrentIrpStackLocationToNext(PIRP Irp)
{
    PIO_STACK_LOCATION from = IoGetCurrentIrpStackLocation(Irp);
    PIO_STACK_LOCATION to = IoGetNextIrpStackLocation(Irp);

    __builtin_memcpy(to, from, FIELD_OFFSET(IO_STACK_LOCATION,
                                            CompletionRoutine));
    to->Control = 0;
}

FORCEINLINE VOID IoSkipCurrentIrpStackLocation(PIRP Irp)
{
    Irp->CurrentLocation++;
    Irp->Tail.Overlay.CurrentStackLocation++;
}

FORCEINLINE VOID IoSetNextIrpStackLocation(PIRP Irp)
{
    Irp->CurrentLocation--;
    Irp->Tail.Overlay.CurrentStackLocation--;
}

FORCEINLINE VOID IoMarkIrpPending(PIRP Irp)
{
    IoGetCurrentIrpStackLocation(Irp)->Control |= SL_PENDING_RETURNED;
}

FORCEINLINE VOID IoSetCompletionRoutine(PIRP Irp,
                                        PIO_COMPLETION_ROUTINE Routine,
                                        PVOID Context, BOOLEAN InvokeOnSuccess,
                                        BOOLEAN InvokeOnError,
                                        BOOLEAN InvokeOnCancel)
{
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(Irp);

    next->CompletionRoutine = Routine;
    next->Context = Context;
    next->Control = (InvokeOnSuccess ? SL_INVOKE_ON_SUCCESS : 0) |
                    (InvokeOnError ? SL_INVOKE_ON_ERROR : 0) |
                    (InvokeOnCancel ? SL_INVOKE_ON_CANCEL : 0);
}

FORCEINLINE PDRIVER_CANCEL IoSetCancelRoutine(PIRP Irp,
                                              PDRIVER_CANCEL CancelRoutine)
{
    return (PDRIVER_CANCEL)__atomic_exchange_n(
        (PVOID *)&Irp->CancelRoutine, (PVOID)CancelRoutine, __ATOMIC_SEQ_CST);
}

#define IoSizeOfIrp(StackSize)                                                 \
    ((USHORT)(sizeof(IRP) + (StackSize) * sizeof(IO_STACK_LOCATION)))

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PIRP NTAPI IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoFreeIrp(PIRP Irp);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoInitializeIrp(PIRP Irp, USHORT PacketSize,
                                       CCHAR StackSize);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoReuseIrp(PIRP Irp, NTSTATUS Iostatus);

/* Sends Irp to the next driver: moves to its next stack location and calls
 * the DeviceObject's dispatch routine for its major function. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS FASTCALL IofCallDriver(PDEVICE_OBJECT DeviceObject,
                                            PIRP Irp);
#define IoCallDriver(d, i) IofCallDriver((d), (i))
/*
 * Completes Irp: runs the completion routines of the stack locations above
 * (innermost first; STATUS_MORE_PROCESSING_REQUIRED stops there), then
 * finishes the request for its requester. PriorityBoost raises the
 * waiting thread's priority. IRQL <= DISPATCH_LEVEL.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID FASTCALL IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost);
#define IoCompleteRequest(i, b) IofCompleteRequest((i), (b))

_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoSetCompletionRoutineEx(
    PDEVICE_OBJECT DeviceObject, PIRP Irp, PIO_COMPLETION_ROUTINE CompletionRoutine,
    PVOID Context, BOOLEAN InvokeOnSuccess, BOOLEAN InvokeOnError,
    BOOLEAN InvokeOnCancel);

/* Cancellation. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI IoCancelIrp(PIRP Irp);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoAcquireCancelSpinLock(PKIRQL Irql);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoReleaseCancelSpinLock(KIRQL Irql);

/* StartIo: one request at a time per device. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoStartPacket(PDEVICE_OBJECT DeviceObject, PIRP Irp,
                                     PULONG Key, PDRIVER_CANCEL CancelFunction);
_IRQL_requires_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoStartNextPacket(PDEVICE_OBJECT DeviceObject,
                                         BOOLEAN Cancelable);
/* The next one is the first queued with a key of at least Key (else the
 * first queued). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoStartNextPacketByKey(PDEVICE_OBJECT DeviceObject,
                                              BOOLEAN Cancelable, ULONG Key);

/*
 * Cancel-safe queues (IoCsq). The driver keeps the queue (its list, its
 * lock) and gives the routines below to insert, remove and peek at it and
 * to take and drop its lock; the I/O manager does the cancellation: it
 * sets and clears each queued IRP's cancel routine under the driver's
 * lock, and an IRP cancelled while queued is taken out with
 * CsqRemoveIrp and handed to CsqCompleteCanceledIrp, outside the lock,
 * exactly once. Insertion marks the IRP pending, so the dispatch routine
 * returns STATUS_PENDING. An IRP inserted with a context can be taken out
 * again by that context (IoCsqRemoveIrp), NULL once it was cancelled or
 * removed. The queue uses the IRP's DriverContext[3].
 */
typedef struct _IO_CSQ IO_CSQ, *PIO_CSQ;
#define IO_TYPE_CSQ_IRP_CONTEXT 1
#define IO_TYPE_CSQ             2
#define IO_TYPE_CSQ_EX          3

typedef struct _IO_CSQ_IRP_CONTEXT {
    ULONG Type;
    PIRP Irp;
    PIO_CSQ Csq;
} IO_CSQ_IRP_CONTEXT, *PIO_CSQ_IRP_CONTEXT;

typedef VOID IO_CSQ_INSERT_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_INSERT_IRP *PIO_CSQ_INSERT_IRP;
typedef NTSTATUS IO_CSQ_INSERT_IRP_EX(PIO_CSQ Csq, PIRP Irp,
                                      PVOID InsertContext);
typedef IO_CSQ_INSERT_IRP_EX *PIO_CSQ_INSERT_IRP_EX;
typedef VOID IO_CSQ_REMOVE_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_REMOVE_IRP *PIO_CSQ_REMOVE_IRP;
/* The IRP after Irp (the first when Irp is NULL) that PeekContext selects,
 * or NULL. */
typedef PIRP IO_CSQ_PEEK_NEXT_IRP(PIO_CSQ Csq, PIRP Irp, PVOID PeekContext);
typedef IO_CSQ_PEEK_NEXT_IRP *PIO_CSQ_PEEK_NEXT_IRP;
typedef VOID IO_CSQ_ACQUIRE_LOCK(PIO_CSQ Csq, PKIRQL Irql);
typedef IO_CSQ_ACQUIRE_LOCK *PIO_CSQ_ACQUIRE_LOCK;
typedef VOID IO_CSQ_RELEASE_LOCK(PIO_CSQ Csq, KIRQL Irql);
typedef IO_CSQ_RELEASE_LOCK *PIO_CSQ_RELEASE_LOCK;
typedef VOID IO_CSQ_COMPLETE_CANCELED_IRP(PIO_CSQ Csq, PIRP Irp);
typedef IO_CSQ_COMPLETE_CANCELED_IRP *PIO_CSQ_COMPLETE_CANCELED_IRP;

struct _IO_CSQ {
    ULONG Type;
    PIO_CSQ_INSERT_IRP CsqInsertIrp; /* an IO_CSQ_INSERT_IRP_EX for _EX */
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp;
    PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp;
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock;
    PIO_CSQ_RELEASE_LOCK CsqReleaseLock;
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp;
    PVOID ReservePointer;
};

NTKERNELAPI NTSTATUS NTAPI IoCsqInitialize(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
/* The same with an insert routine that may refuse (its status is then
 * IoCsqInsertIrpEx's, and the IRP is not queued or marked pending). */
NTKERNELAPI NTSTATUS NTAPI IoCsqInitializeEx(
    PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp,
    PIO_CSQ_REMOVE_IRP CsqRemoveIrp, PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp,
    PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock, PIO_CSQ_RELEASE_LOCK CsqReleaseLock,
    PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp,
                                      PIO_CSQ_IRP_CONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp,
                                            PIO_CSQ_IRP_CONTEXT Context,
                                            PVOID InsertContext);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PIRP NTAPI IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PIRP NTAPI IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext);

/*
 * Remove locks: a count of the requests in a driver, so that removal
 * (IoReleaseRemoveLockAndWait) waits until those in flight are done and
 * later ones are refused with STATUS_DELETE_PENDING. Tags, the maximum
 * time and the high-water mark are accepted and not tracked (NT tracks
 * them only in checked builds). Acquire and release at any IRQL up to
 * DISPATCH_LEVEL; the wait at PASSIVE_LEVEL. A release past zero (one
 * release too many) fails an assertion, as in NT's checked kernel: with
 * no debugger, that stops the system (0x7E in a system thread, else 0x1E).
 */
typedef struct _IO_REMOVE_LOCK_COMMON_BLOCK {
    BOOLEAN Removed;
    BOOLEAN Reserved[3];
    volatile LONG IoCount;
    KEVENT RemoveEvent;
} IO_REMOVE_LOCK_COMMON_BLOCK;
typedef struct _IO_REMOVE_LOCK {
    IO_REMOVE_LOCK_COMMON_BLOCK Common;
} IO_REMOVE_LOCK, *PIO_REMOVE_LOCK;

_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI IoInitializeRemoveLockEx(PIO_REMOVE_LOCK Lock,
                                                ULONG AllocateTag,
                                                ULONG MaxLockedMinutes,
                                                ULONG HighWatermark,
                                                ULONG RemlockSize);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoAcquireRemoveLockEx(PIO_REMOVE_LOCK RemoveLock,
                                                 PVOID Tag, PCSTR File,
                                                 ULONG Line, ULONG RemlockSize);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoReleaseRemoveLockEx(PIO_REMOVE_LOCK RemoveLock,
                                             PVOID Tag, ULONG RemlockSize);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI IoReleaseRemoveLockAndWaitEx(PIO_REMOVE_LOCK RemoveLock,
                                                    PVOID Tag,
                                                    ULONG RemlockSize);
#define IoInitializeRemoveLock(Lock, Tag, Maxmin, HighWater)                  \
    IoInitializeRemoveLockEx(Lock, Tag, Maxmin, HighWater,                    \
                             sizeof(IO_REMOVE_LOCK))
#define IoAcquireRemoveLock(RemoveLock, Tag)                                  \
    IoAcquireRemoveLockEx(RemoveLock, Tag, __FILE__, __LINE__,                \
                          sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLock(RemoveLock, Tag)                                  \
    IoReleaseRemoveLockEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))
#define IoReleaseRemoveLockAndWait(RemoveLock, Tag)                           \
    IoReleaseRemoveLockAndWaitEx(RemoveLock, Tag, sizeof(IO_REMOVE_LOCK))

/* Requests from drivers to drivers (threaded: they finish like a
 * service's, with the event set and the status block written). */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI PIRP NTAPI IoBuildDeviceIoControlRequest(
    ULONG IoControlCode, PDEVICE_OBJECT DeviceObject, PVOID InputBuffer,
    ULONG InputBufferLength, PVOID OutputBuffer, ULONG OutputBufferLength,
    BOOLEAN InternalDeviceIoControl, PKEVENT Event,
    PIO_STATUS_BLOCK IoStatusBlock);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI PIRP NTAPI IoBuildSynchronousFsdRequest(
    ULONG MajorFunction, PDEVICE_OBJECT DeviceObject, PVOID Buffer,
    ULONG Length, PLARGE_INTEGER StartingOffset, PKEVENT Event,
    PIO_STATUS_BLOCK IoStatusBlock);

/* ---- Device objects and names ---------------------------------------------------- */

_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoCreateDevice(PDRIVER_OBJECT DriverObject,
                                          ULONG DeviceExtensionSize,
                                          PUNICODE_STRING DeviceName,
                                          DEVICE_TYPE DeviceType,
                                          ULONG DeviceCharacteristics,
                                          BOOLEAN Exclusive,
                                          PDEVICE_OBJECT *DeviceObject);
/*
 * wdmsec.h's IoCreateDeviceSecure: IoCreateDevice with a default security
 * descriptor in SDDL and a device class GUID. ntlab does not model
 * security (a handle gets the access it asks for), so the descriptor is
 * not applied: the string is checked for form only (a DACL, "D:" with an
 * optional P and well-formed ACEs, as IoCreateDeviceSecure takes; anything
 * else is STATUS_INVALID_PARAMETER) and the class GUID is not recorded.
 * The SDDL_DEVOBJ_* strings are wdmsec.h's.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoCreateDeviceSecure(
    PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
    PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
    ULONG DeviceCharacteristics, BOOLEAN Exclusive,
    PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
    PDEVICE_OBJECT *DeviceObject);
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_KERNEL_ONLY;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_ALL;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RX;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R;
extern NTKERNELAPI const UNICODE_STRING SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX;
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI IoDeleteDevice(PDEVICE_OBJECT DeviceObject);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoCreateSymbolicLink(PUNICODE_STRING SymbolicLinkName,
                                                PUNICODE_STRING DeviceName);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoDeleteSymbolicLink(PUNICODE_STRING SymbolicLinkName);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PDEVICE_OBJECT NTAPI IoAttachDeviceToDeviceStack(
    PDEVICE_OBJECT SourceDevice, PDEVICE_OBJECT TargetDevice);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI IoDetachDevice(PDEVICE_OBJECT TargetDevice);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PDEVICE_OBJECT NTAPI IoGetAttachedDevice(PDEVICE_OBJECT DeviceObject);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PDEVICE_OBJECT NTAPI
IoGetAttachedDeviceReference(PDEVICE_OBJECT DeviceObject);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoGetDeviceObjectPointer(
    PUNICODE_STRING ObjectName, ACCESS_MASK DesiredAccess,
    PFILE_OBJECT *FileObject, PDEVICE_OBJECT *DeviceObject);
/* Creates a driver without an image: its DriverEntry is
 * InitializationFunction (built-in drivers; DriverName NULL picks one). */
NTKERNELAPI NTSTATUS NTAPI IoCreateDriver(PUNICODE_STRING DriverName,
                                          PDRIVER_INITIALIZE InitializationFunction);
NTKERNELAPI VOID NTAPI IoDeleteDriver(PDRIVER_OBJECT DriverObject);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PEPROCESS NTAPI IoGetRequestorProcess(PIRP Irp);
NTKERNELAPI BOOLEAN NTAPI IoIsOperationSynchronous(PIRP Irp);

extern NTKERNELAPI POBJECT_TYPE *IoFileObjectType;
extern NTKERNELAPI POBJECT_TYPE *IoDeviceObjectType;
extern NTKERNELAPI POBJECT_TYPE *IoDriverObjectType;

/* ---- Work items, timers, interrupts ----------------------------------------------- */

typedef struct _IO_WORKITEM *PIO_WORKITEM;
typedef VOID(NTAPI IO_WORKITEM_ROUTINE)(PDEVICE_OBJECT DeviceObject,
                                        PVOID Context);
typedef IO_WORKITEM_ROUTINE *PIO_WORKITEM_ROUTINE;
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PIO_WORKITEM NTAPI IoAllocateWorkItem(PDEVICE_OBJECT DeviceObject);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoFreeWorkItem(PIO_WORKITEM IoWorkItem);
/* Runs WorkerRoutine(DeviceObject, Context) in a system worker thread; the
 * device object is referenced until it returns. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoQueueWorkItem(PIO_WORKITEM IoWorkItem,
                                       PIO_WORKITEM_ROUTINE WorkerRoutine,
                                       WORK_QUEUE_TYPE QueueType,
                                       PVOID Context);

typedef VOID(NTAPI IO_TIMER_ROUTINE)(PDEVICE_OBJECT DeviceObject,
                                     PVOID Context);
typedef IO_TIMER_ROUTINE *PIO_TIMER_ROUTINE;
/* A device's timer: once started, TimerRoutine runs once a second at
 * DISPATCH_LEVEL, in whatever context. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoInitializeTimer(PDEVICE_OBJECT DeviceObject,
                                             PIO_TIMER_ROUTINE TimerRoutine,
                                             PVOID Context);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoStartTimer(PDEVICE_OBJECT DeviceObject);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoStopTimer(PDEVICE_OBJECT DeviceObject);

typedef VOID(IO_DPC_ROUTINE)(PKDPC Dpc, PDEVICE_OBJECT DeviceObject,
                                   PIRP Irp, PVOID Context);
typedef IO_DPC_ROUTINE *PIO_DPC_ROUTINE;
/* Sets up the device's DpcForIsr, which IoRequestDpc queues. */
NTKERNELAPI VOID NTAPI IoInitializeDpcRequest(PDEVICE_OBJECT DeviceObject,
                                              PIO_DPC_ROUTINE DpcRoutine);
#define IoRequestDpc(DeviceObject, Irp, Context)                               \
    KeInsertQueueDpc(&(DeviceObject)->Dpc, (Irp), (Context))

/* Interrupts. ntlab's simulated device raises interrupts on request
 * (NtlabRaiseInterrupt) or every Period ms (NtlabScheduleInterrupt) on
 * vectors 1 to 15; a connected ISR runs at its Irql, taken at the next
 * point where IRQL is below it. */
typedef struct _KINTERRUPT *PKINTERRUPT;
typedef BOOLEAN(NTAPI KSERVICE_ROUTINE)(PKINTERRUPT Interrupt,
                                        PVOID ServiceContext);
typedef KSERVICE_ROUTINE *PKSERVICE_ROUTINE;
typedef BOOLEAN(NTAPI KSYNCHRONIZE_ROUTINE)(PVOID SynchronizeContext);
typedef KSYNCHRONIZE_ROUTINE *PKSYNCHRONIZE_ROUTINE;
typedef enum _KINTERRUPT_MODE { LevelSensitive, Latched } KINTERRUPT_MODE;
typedef ULONG_PTR KAFFINITY;

_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI NTSTATUS NTAPI IoConnectInterrupt(
    PKINTERRUPT *InterruptObject, PKSERVICE_ROUTINE ServiceRoutine,
    PVOID ServiceContext, PKSPIN_LOCK SpinLock, ULONG Vector, KIRQL Irql,
    KIRQL SynchronizeIrql, KINTERRUPT_MODE InterruptMode, BOOLEAN ShareVector,
    KAFFINITY ProcessorEnableMask, BOOLEAN FloatingSave);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI VOID NTAPI IoDisconnectInterrupt(PKINTERRUPT InterruptObject);
/* Runs SynchronizeRoutine at the interrupt's IRQL, holding its lock. */
NTKERNELAPI BOOLEAN NTAPI KeSynchronizeExecution(
    PKINTERRUPT Interrupt, PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
    PVOID SynchronizeContext);
/* ntlab's simulated device: an interrupt on Vector now, or every PeriodMs
 * ms (0 stops it). STATUS_INVALID_PARAMETER for a vector out of 1..15. */
NTKERNELAPI NTSTATUS NTAPI NtlabRaiseInterrupt(ULONG Vector);
NTKERNELAPI NTSTATUS NTAPI NtlabScheduleInterrupt(ULONG Vector,
                                                  ULONG PeriodMs);

/* ---- Services ------------------------------------------------------------------- */

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtCreateFile(
    PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
    PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
    ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
    ULONG EaLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle,
                                   ACCESS_MASK DesiredAccess,
                                   POBJECT_ATTRIBUTES ObjectAttributes,
                                   PIO_STATUS_BLOCK IoStatusBlock,
                                   ULONG ShareAccess, ULONG OpenOptions);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event,
                                   PIO_APC_ROUTINE ApcRoutine,
                                   PVOID ApcContext,
                                   PIO_STATUS_BLOCK IoStatusBlock,
                                   PVOID Buffer, ULONG Length,
                                   PLARGE_INTEGER ByteOffset, PULONG Key);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event,
                                    PIO_APC_ROUTINE ApcRoutine,
                                    PVOID ApcContext,
                                    PIO_STATUS_BLOCK IoStatusBlock,
                                    PVOID Buffer, ULONG Length,
                                    PLARGE_INTEGER ByteOffset, PULONG Key);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtDeviceIoControlFile(
    HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
    PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
    ULONG OutputBufferLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtCancelIoFile(HANDLE FileHandle,
                                       PIO_STATUS_BLOCK IoStatusBlock);
/* Loads the driver DriverServiceName names
 * (\Registry\Machine\System\CurrentControlSet\Services\NAME: the boot
 * module NAME.sys) and calls its DriverEntry in the System process. */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtLoadDriver(PUNICODE_STRING DriverServiceName);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtUnloadDriver(PUNICODE_STRING DriverServiceName);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwCreateFile(
    PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
    PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
    ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
    ULONG EaLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwOpenFile(PHANDLE FileHandle,
                                   ACCESS_MASK DesiredAccess,
                                   POBJECT_ATTRIBUTES ObjectAttributes,
                                   PIO_STATUS_BLOCK IoStatusBlock,
                                   ULONG ShareAccess, ULONG OpenOptions);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwReadFile(HANDLE FileHandle, HANDLE Event,
                                   PIO_APC_ROUTINE ApcRoutine,
                                   PVOID ApcContext,
                                   PIO_STATUS_BLOCK IoStatusBlock,
                                   PVOID Buffer, ULONG Length,
                                   PLARGE_INTEGER ByteOffset, PULONG Key);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwWriteFile(HANDLE FileHandle, HANDLE Event,
                                    PIO_APC_ROUTINE ApcRoutine,
                                    PVOID ApcContext,
                                    PIO_STATUS_BLOCK IoStatusBlock,
                                    PVOID Buffer, ULONG Length,
                                    PLARGE_INTEGER ByteOffset, PULONG Key);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwDeviceIoControlFile(
    HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
    PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
    ULONG OutputBufferLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwLoadDriver(PUNICODE_STRING DriverServiceName);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwUnloadDriver(PUNICODE_STRING DriverServiceName);

#endif
