/*
 * The WDK routines drivers written for Windows reach for: the pool flags
 * of ExAllocatePool2/3, quota pool, KeFlushQueuedDpcs, IoCreateDeviceSecure
 * and ntstrsafe.h's wide forms.
 */
#include "../../kernel/ex/ex.h"
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/rtl/rtl.h"
#include "iomech.h"

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
