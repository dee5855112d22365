/*
 * The WDK routines drivers written for Windows reach for: the pool flags
 * of ExAllocatePool2/3, quota pool, KeFlushQueuedDpcs, IoCreateDeviceSecure
 * and ntstrsafe.h's wide forms.
 */
#include "../../kernel/ex/ex.h"
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/rtl/rtl.h"
#include "iomech.h"
#include "kt_util.h"

#include <ntstrsafe.h>

#define TAG_WDK 'kdWt' /* "tWdk" */

/* Is every one of the n bytes at p zero? */
static BOOLEAN zeroed(const void *p, SIZE_T n)
{
    const UCHAR *b = p;
    SIZE_T i;

    for (i = 0; i < n; i++) {
        if (b[i] != 0)
            return FALSE;
    }
    return TRUE;
}

/* Allocates n bytes with flags after dirtying a block of the same size, so
 * that a block that comes back unzeroed shows it. */
static PUCHAR dirty_then_allocate(POOL_FLAGS flags, SIZE_T n)
{
    PUCHAR p = ExAllocatePoolWithTag(NonPagedPool, n, TAG_WDK);

    if (p != NULL) {
        RtlFillMemory(p, n, 0xA5);
        ExFreePoolWithTag(p, TAG_WDK);
    }
    return ExAllocatePool2(flags, n, TAG_WDK);
}

KTEST(wdk, pool2_zeroes_unless_asked_not_to)
{
    PUCHAR p = dirty_then_allocate(POOL_FLAG_NON_PAGED, 48);

    KT_ASSERT(p != NULL);
    KT_EXPECT(zeroed(p, 48));
    ExFreePoolWithTag(p, TAG_WDK);
    p = dirty_then_allocate(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 48);
    KT_ASSERT(p != NULL);
    KT_EXPECT(!zeroed(p, 48)); /* the quick list gave the dirty block back */
    ExFreePoolWithTag(p, TAG_WDK);
}

KTEST(wdk, pool2_takes_paged_and_counts_the_tag)
{
    ex_tag_usage before = ex_pool_tag_usage(TAG_WDK, TRUE), after;
    PVOID p = ExAllocatePool2(POOL_FLAG_PAGED, 100, TAG_WDK);

    KT_ASSERT(p != NULL);
    KT_EXPECT(mm_is_paged_pool((ULONG)(ULONG_PTR)p - NTLAB_VA_BASE));
    after = ex_pool_tag_usage(TAG_WDK, TRUE);
    KT_EXPECT_EQ(after.allocs, before.allocs + 1);
    ExFreePoolWithTag(p, TAG_WDK);
}

KTEST(wdk, pool2_refuses_invalid_flags)
{
    KT_EXPECT_PTR_EQ(ExAllocatePool2(0, 16, TAG_WDK), NULL);
    KT_EXPECT_PTR_EQ(ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_NON_PAGED,
                                     16, TAG_WDK), NULL);
    KT_EXPECT_PTR_EQ(ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SESSION,
                                     16, TAG_WDK), NULL);
    KT_EXPECT_PTR_EQ(ExAllocatePool2(POOL_FLAG_NON_PAGED | 0x200, 16,
                                     TAG_WDK), NULL);
}

KTEST(wdk, pool2_ignores_optional_flags)
{
    PVOID p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL |
                                  0x200000000ull, 16, TAG_WDK);

    KT_EXPECT(p != NULL);
    if (p != NULL)
        ExFreePoolWithTag(p, TAG_WDK);
}

KTEST(wdk, pool2_raises_on_failure_when_asked)
{
    volatile NTSTATUS code = 0;

    __try {
        ExAllocatePool2(0, 16, TAG_WDK);
        code = 1;
        ExAllocatePool2(POOL_FLAG_RAISE_ON_FAILURE, 16, TAG_WDK);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    KT_EXPECT_EQ(code, STATUS_INSUFFICIENT_RESOURCES);
}

KTEST(wdk, pool3_takes_a_priority_and_refuses_other_parameters)
{
    POOL_EXTENDED_PARAMETER param = {0};
    PVOID p;

    param.Type = PoolExtendedParameterPriority;
    param.Priority = LowPoolPriority;
    p = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, TAG_WDK, &param, 1);
    KT_ASSERT(p != NULL);
    KT_EXPECT(zeroed(p, 32));
    ExFreePoolWithTag(p, TAG_WDK);
    param.Type = PoolExtendedParameterNumaNode;
    KT_EXPECT_PTR_EQ(ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, TAG_WDK, &param,
                                     1), NULL);
    KT_EXPECT_PTR_EQ(ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, TAG_WDK, NULL,
                                     1), NULL);
    p = ExAllocatePool3(POOL_FLAG_NON_PAGED, 32, TAG_WDK, NULL, 0);
    KT_EXPECT(p != NULL);
    if (p != NULL)
        ExFreePoolWithTag(p, TAG_WDK);
}

/* A request no pool can meet (past the nonpaged pool's size). */
#define TOO_BIG (512u * 1024 * 1024)

KTEST(wdk, quota_pool_raises_unless_told_to_fail)
{
    volatile NTSTATUS code = 0;
    PUCHAR p = ExAllocatePoolQuotaZero(NonPagedPool, 24, TAG_WDK);

    KT_ASSERT(p != NULL);
    KT_EXPECT(zeroed(p, 24));
    ExFreePoolWithTag(p, TAG_WDK);
    KT_EXPECT_PTR_EQ(ExAllocatePoolWithQuotaTag(
                         NonPagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE,
                         TOO_BIG, TAG_WDK), NULL);
    __try {
        ExAllocatePoolWithQuotaTag(NonPagedPool, TOO_BIG, TAG_WDK);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    KT_EXPECT_EQ(code, STATUS_INSUFFICIENT_RESOURCES);
}

static VOID count_dpc(PKDPC Dpc, PVOID Context, PVOID Arg1, PVOID Arg2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Arg1);
    UNREFERENCED_PARAMETER(Arg2);
    (*(volatile LONG *)Context)++;
}

/* A low-importance DPC queued at DISPATCH_LEVEL waits for a clock tick;
 * KeFlushQueuedDpcs runs it before it returns. */
KTEST(wdk, flush_queued_dpcs_runs_a_waiting_low_importance_dpc)
{
    volatile LONG runs = 0;
    KDPC dpc;
    KIRQL irql;

    KeInitializeDpc(&dpc, count_dpc, (PVOID)&runs);
    KeSetImportanceDpc(&dpc, LowImportance);
    KeRaiseIrql(DISPATCH_LEVEL, &irql);
    KeInsertQueueDpc(&dpc, NULL, NULL);
    KeLowerIrql(irql);
    KT_EXPECT_EQ(runs, 0);
    KeFlushQueuedDpcs();
    KT_EXPECT_EQ(runs, 1);
    KeFlushQueuedDpcs(); /* nothing queued: returns at once */
    KT_EXPECT_EQ(runs, 1);
}

KTEST(wdk, create_device_secure_checks_the_sddl_form)
{
    static const WCHAR *bad[] = {L"", L"O:BA", L"D:P(A;;GA;;SY)",
                                 L"D:P(X;;GA;;;SY)", L"D:P(A;;GA;;;SY"};
    UNICODE_STRING sddl;
    PDEVICE_OBJECT device = (PDEVICE_OBJECT)1;
    ULONG i;

    for (i = 0; i < ARRAYSIZE(bad); i++) {
        RtlInitUnicodeString(&sddl, bad[i]);
        KT_EXPECT_EQ(IoCreateDeviceSecure(mech_driver(), 0, NULL,
                                          FILE_DEVICE_UNKNOWN, 0, FALSE, &sddl,
                                          NULL, &device),
                     STATUS_INVALID_PARAMETER);
        KT_EXPECT_PTR_EQ(device, NULL);
    }
    KT_EXPECT_EQ(IoCreateDeviceSecure(mech_driver(), 0, NULL,
                                      FILE_DEVICE_UNKNOWN, 0, FALSE, NULL,
                                      NULL, &device),
                 STATUS_INVALID_PARAMETER);
    KT_ASSERT_EQ(IoCreateDeviceSecure(mech_driver(), 8, NULL,
                                      FILE_DEVICE_UNKNOWN, 0, FALSE,
                                      &SDDL_DEVOBJ_SYS_ALL_ADM_ALL, NULL,
                                      &device),
                 STATUS_SUCCESS);
    KT_EXPECT(device->DeviceExtension != NULL);
    KT_EXPECT_EQ(device->DeviceType, FILE_DEVICE_UNKNOWN);
    IoDeleteDevice(device);
    RtlInitUnicodeString(&sddl, L"D:P(A;;GA;;;S-1-5-18)(D;OICI;GRGW;;;WD)");
    KT_ASSERT_EQ(IoCreateDeviceSecure(mech_driver(), 0, NULL,
                                      FILE_DEVICE_UNKNOWN, 0, FALSE, &sddl,
                                      NULL, &device),
                 STATUS_SUCCESS);
    IoDeleteDevice(device);
}

KTEST(wdk, ntstrsafe_wide_routines)
{
    WCHAR buf[8];
    size_t n;

    KT_EXPECT_EQ(RtlStringCchCopyW(buf, ARRAYSIZE(buf), L"abc"),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(RtlStringCbCatW(buf, sizeof buf, L"defg"), STATUS_SUCCESS);
    KT_EXPECT(RtlEqualMemory(buf, L"abcdefg", 16));
    KT_EXPECT_EQ(RtlStringCchCatW(buf, ARRAYSIZE(buf), L"h"),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(RtlStringCbCopyW(buf, 8, L"abcdef"), STATUS_BUFFER_OVERFLOW);
    KT_EXPECT(RtlEqualMemory(buf, L"abc", 8));
    KT_EXPECT_EQ(RtlStringCbLengthW(buf, sizeof buf, &n), STATUS_SUCCESS);
    KT_EXPECT_EQ(n, 6);
    KT_EXPECT_EQ(RtlStringCchLengthW(buf, 3, &n), STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(RtlStringCchCopyNW(buf, ARRAYSIZE(buf), L"wxyz", 2),
                 STATUS_SUCCESS);
    KT_EXPECT(RtlEqualMemory(buf, L"wx", 6));
    KT_EXPECT_EQ(RtlStringCchCatNW(buf, ARRAYSIZE(buf), L"12345", 3),
                 STATUS_SUCCESS);
    KT_EXPECT(RtlEqualMemory(buf, L"wx123", 12));
    KT_EXPECT_EQ(RtlStringCchCopyW(buf, 0, L"a"), STATUS_INVALID_PARAMETER);
}

/* ---- Cancel-safe queues --------------------------------------------------- */

/* A queue in the shape drivers give one: a list under a spin lock, and a
 * count of the IRPs handed back as cancelled. */
typedef struct test_queue {
    IO_CSQ csq;
    LIST_ENTRY list;
    KSPIN_LOCK lock;
    ULONG cancelled;
    PIRP last_cancelled;
} test_queue;

static test_queue *queue_of(PIO_CSQ csq)
{
    return CONTAINING_RECORD(csq, test_queue, csq);
}

static VOID q_insert(PIO_CSQ csq, PIRP irp)
{
    InsertTailList(&queue_of(csq)->list, &irp->Tail.Overlay.ListEntry);
}

static NTSTATUS q_insert_ex(PIO_CSQ csq, PIRP irp, PVOID context)
{
    if (context != NULL)
        return (NTSTATUS)(ULONG_PTR)context;
    q_insert(csq, irp);
    return STATUS_SUCCESS;
}

static VOID q_remove(PIO_CSQ csq, PIRP irp)
{
    UNREFERENCED_PARAMETER(csq);
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
}

static PIRP q_peek(PIO_CSQ csq, PIRP irp, PVOID context)
{
    PLIST_ENTRY head = &queue_of(csq)->list;
    PLIST_ENTRY next = irp != NULL ? irp->Tail.Overlay.ListEntry.Flink
                                   : head->Flink;

    UNREFERENCED_PARAMETER(context);
    return next == head ? NULL
                        : CONTAINING_RECORD(next, IRP, Tail.Overlay.ListEntry);
}

static VOID q_lock(PIO_CSQ csq, PKIRQL irql)
{
    KeAcquireSpinLock(&queue_of(csq)->lock, irql);
}

static VOID q_unlock(PIO_CSQ csq, KIRQL irql)
{
    KeReleaseSpinLock(&queue_of(csq)->lock, irql);
}

static VOID q_cancelled(PIO_CSQ csq, PIRP irp)
{
    queue_of(csq)->cancelled++;
    queue_of(csq)->last_cancelled = irp;
}

static void init_queue(test_queue *q, BOOLEAN ex)
{
    RtlZeroMemory(q, sizeof *q);
    InitializeListHead(&q->list);
    KeInitializeSpinLock(&q->lock);
    if (ex)
        IoCsqInitializeEx(&q->csq, q_insert_ex, q_remove, q_peek, q_lock,
                          q_unlock, q_cancelled);
    else
        IoCsqInitialize(&q->csq, q_insert, q_remove, q_peek, q_lock,
                        q_unlock, q_cancelled);
}

/* An IRP of one stack location, as a driver sees it in dispatch. */
static PIRP dispatch_irp(void)
{
    PIRP irp = IoAllocateIrp(1, FALSE);

    if (irp != NULL)
        IoSetNextIrpStackLocation(irp);
    return irp;
}

KTEST(wdk, csq_hands_out_in_order_and_by_context)
{
    test_queue q;
    IO_CSQ_IRP_CONTEXT context;
    PIRP a = dispatch_irp(), b = dispatch_irp();

    KT_ASSERT(a != NULL && b != NULL);
    init_queue(&q, FALSE);
    IoCsqInsertIrp(&q.csq, a, NULL);
    IoCsqInsertIrp(&q.csq, b, &context);
    KT_EXPECT(IoGetCurrentIrpStackLocation(a)->Control & SL_PENDING_RETURNED);
    KT_EXPECT(a->CancelRoutine != NULL);
    KT_EXPECT_PTR_EQ(context.Irp, b);
    KT_EXPECT_PTR_EQ(IoCsqRemoveNextIrp(&q.csq, NULL), a);
    KT_EXPECT_PTR_EQ(a->CancelRoutine, NULL);
    KT_EXPECT_PTR_EQ(IoCsqRemoveIrp(&q.csq, &context), b);
    KT_EXPECT_PTR_EQ(context.Irp, NULL);
    KT_EXPECT_PTR_EQ(IoCsqRemoveIrp(&q.csq, &context), NULL);
    KT_EXPECT_PTR_EQ(IoCsqRemoveNextIrp(&q.csq, NULL), NULL);
    KT_EXPECT_EQ(q.cancelled, 0);
    IoFreeIrp(a);
    IoFreeIrp(b);
}

KTEST(wdk, csq_cancel_takes_a_queued_irp_out_once)
{
    test_queue q;
    IO_CSQ_IRP_CONTEXT context;
    PIRP irp = dispatch_irp();

    KT_ASSERT(irp != NULL);
    init_queue(&q, FALSE);
    IoCsqInsertIrp(&q.csq, irp, &context);
    KT_EXPECT(IoCancelIrp(irp));
    KT_EXPECT_EQ(q.cancelled, 1);
    KT_EXPECT_PTR_EQ(q.last_cancelled, irp);
    KT_EXPECT(IsListEmpty(&q.list));
    KT_EXPECT_PTR_EQ(IoCsqRemoveIrp(&q.csq, &context), NULL);
    KT_EXPECT(!IoCancelIrp(irp)); /* no cancel routine any more */
    KT_EXPECT_EQ(q.cancelled, 1);
    IoFreeIrp(irp);
}

/* An IRP cancelled before it was queued is completed as cancelled by the
 * insertion itself, and never left in the queue. */
KTEST(wdk, csq_insert_of_a_cancelled_irp_cancels_it)
{
    test_queue q;
    PIRP irp = dispatch_irp();

    KT_ASSERT(irp != NULL);
    init_queue(&q, FALSE);
    IoCancelIrp(irp); /* sets Cancel; there is no routine to call yet */
    IoCsqInsertIrp(&q.csq, irp, NULL);
    KT_EXPECT_EQ(q.cancelled, 1);
    KT_EXPECT(IsListEmpty(&q.list));
    KT_EXPECT_PTR_EQ(irp->CancelRoutine, NULL);
    IoFreeIrp(irp);
}

KTEST(wdk, csq_ex_insert_may_refuse)
{
    test_queue q;
    IO_CSQ_IRP_CONTEXT context;
    PIRP irp = dispatch_irp();

    KT_ASSERT(irp != NULL);
    init_queue(&q, TRUE);
    KT_EXPECT_EQ(IoCsqInsertIrpEx(&q.csq, irp, &context,
                                  (PVOID)(ULONG_PTR)STATUS_DEVICE_BUSY),
                 STATUS_DEVICE_BUSY);
    KT_EXPECT(IsListEmpty(&q.list));
    KT_EXPECT_PTR_EQ(irp->CancelRoutine, NULL);
    KT_EXPECT_PTR_EQ(IoCsqRemoveIrp(&q.csq, &context), NULL);
    KT_EXPECT(!(IoGetCurrentIrpStackLocation(irp)->Control &
                SL_PENDING_RETURNED));
    KT_EXPECT_EQ(IoCsqInsertIrpEx(&q.csq, irp, NULL, NULL), STATUS_SUCCESS);
    KT_EXPECT_PTR_EQ(IoCsqRemoveNextIrp(&q.csq, NULL), irp);
    IoFreeIrp(irp);
}

/* ---- Remove locks --------------------------------------------------------- */

typedef struct lock_holder {
    IO_REMOVE_LOCK *lock;
    volatile LONG released;
} lock_holder;

/* Holds the lock's acquire (made for it) a while, then releases it. */
static VOID hold_then_release(PVOID context)
{
    lock_holder *h = context;
    LARGE_INTEGER due = kt_relative(KT_MS(50));

    KeDelayExecutionThread(KernelMode, FALSE, &due);
    h->released = 1;
    IoReleaseRemoveLock(h->lock, h);
}

KTEST(wdk, remove_lock_waits_for_requests_in_flight_then_refuses)
{
    IO_REMOVE_LOCK lock;
    lock_holder h = {&lock, 0};
    ETHREAD *thread;

    IoInitializeRemoveLock(&lock, TAG_WDK, 0, 0);
    KT_EXPECT_EQ(IoAcquireRemoveLock(&lock, &h), STATUS_SUCCESS);
    KT_EXPECT_EQ(IoAcquireRemoveLock(&lock, NULL), STATUS_SUCCESS);
    IoReleaseRemoveLock(&lock, NULL);
    thread = kt_start_thread(hold_then_release, &h, 8);
    KT_ASSERT(thread != NULL);
    KT_EXPECT_EQ(IoAcquireRemoveLock(&lock, &lock), STATUS_SUCCESS);
    IoReleaseRemoveLockAndWait(&lock, &lock);
    KT_EXPECT_EQ(h.released, 1); /* the wait outlasted the holder */
    KT_EXPECT_EQ(IoAcquireRemoveLock(&lock, NULL), STATUS_DELETE_PENDING);
    KT_EXPECT_EQ(lock.Common.IoCount, 0);
    kt_join(thread);
}

KTEST_STOP(wdk, remove_lock_released_once_too_often,
           SYSTEM_THREAD_EXCEPTION_NOT_HANDLED)
{
    IO_REMOVE_LOCK lock;

    IoInitializeRemoveLock(&lock, TAG_WDK, 0, 0);
    ktest_expect_params(KTEST_P1, (ULONG)STATUS_BREAKPOINT, 0, 0, 0);
    IoReleaseRemoveLock(&lock, NULL); /* drops the lock's own count: 0 */
    IoReleaseRemoveLock(&lock, NULL);
}
