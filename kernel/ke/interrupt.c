/*
 * Device interrupts from ntlab's simulated device.
 *
 * The device raises interrupts on vectors 1 to 15, on request
 * (NtlabRaiseInterrupt) or on a schedule (NtlabScheduleInterrupt, a
 * periodic timer whose DPC raises them). A raised vector is pending until
 * IRQL is below the IRQL of the routines connected to it and interrupts
 * are enabled: at once if that is so already, else when IRQL drops
 * (KfLowerIrql). Taking it raises IRQL to the routines' DIRQL, takes
 * their spin lock and calls them, in whatever thread was running: an ISR
 * runs in an arbitrary context. A vector with nothing connected drops
 * what it raises.
 */
#include "ke.h"

#include "../tr/tr.h"

volatile ULONG ki_device_pending;

static struct {
    LIST_ENTRY chain; /* KINTERRUPTs; changed at HIGH_LEVEL */
    KIRQL irql;       /* of what is connected; 0 when nothing is */
    KTIMER timer;     /* the schedule */
    KDPC dpc;
    BOOLEAN initialized;
} vectors[KI_DEVICE_VECTORS];

static BOOLEAN taking; /* no nesting of the scan below */

/* Calls the routines of vector v at their IRQL, with their lock. */
static void take(ULONG v)
{
    PLIST_ENTRY e;
    ULONGLONG start = tr_now();
    const void *claimer = NULL;
    KIRQL irql = KfRaiseIrql(vectors[v].irql);

    for (e = vectors[v].chain.Flink; e != &vectors[v].chain; e = e->Flink) {
        KINTERRUPT *interrupt = CONTAINING_RECORD(e, KINTERRUPT, link);
        BOOLEAN claimed;

        KeAcquireSpinLockAtDpcLevel(interrupt->lock);
        claimed = interrupt->routine(interrupt, interrupt->context);
        KeReleaseSpinLockFromDpcLevel(interrupt->lock);
        if (KeGetCurrentIrql() != vectors[v].irql)
            KeBugCheckEx(IRQL_NOT_LESS_OR_EQUAL, KeGetCurrentIrql(),
                         vectors[v].irql, 0, (ULONG_PTR)interrupt->routine);
        if (claimed) {
            claimer = (const void *)interrupt->routine;
            break;
        }
    }
    TR(tr_device_interrupt(start, v, claimer));
    KfLowerIrql(irql);
}

void ki_take_device_interrupts(void)
{
    BOOLEAN enabled, again = TRUE;
    ULONG v;

    if (taking)
        return;
    enabled = hal_interrupts_disable();
    hal_interrupts_restore(enabled);
    if (!enabled)
        return;
    taking = TRUE;
    while (again) {
        again = FALSE;
        /* The highest IRQL first, as an interrupt controller orders them. */
        for (v = KI_DEVICE_VECTORS - 1; v > 0; v--) {
            ULONG bit = 1u << v;

            if (!(ki_device_pending & bit))
                continue;
            if (vectors[v].irql == 0) {
                ki_device_pending &= ~bit; /* nothing connected */
                continue;
            }
            if (vectors[v].irql <= KeGetCurrentIrql())
                continue;
            ki_device_pending &= ~bit;
            take(v);
            again = TRUE;
            break;
        }
    }
    taking = FALSE;
}

static void init_vector(ULONG v);

NTSTATUS ke_connect_interrupt(KINTERRUPT *interrupt)
{
    ULONG v = interrupt->vector;
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL irql;

    if (v == 0 || v >= KI_DEVICE_VECTORS || interrupt->irql <= DISPATCH_LEVEL ||
        interrupt->irql >= PROFILE_LEVEL ||
        interrupt->synchronize_irql < interrupt->irql ||
        interrupt->synchronize_irql >= PROFILE_LEVEL)
        return STATUS_INVALID_PARAMETER;
    init_vector(v);
    irql = KfRaiseIrql(HIGH_LEVEL);
    if (vectors[v].irql != 0) {
        KINTERRUPT *first = CONTAINING_RECORD(vectors[v].chain.Flink,
                                              KINTERRUPT, link);

        if (!first->shared || !interrupt->shared ||
            vectors[v].irql != interrupt->irql)
            status = STATUS_INVALID_PARAMETER;
    }
    if (NT_SUCCESS(status)) {
        InsertTailList(&vectors[v].chain, &interrupt->link);
        vectors[v].irql = interrupt->irql;
    }
    KfLowerIrql(irql);
    return status;
}

void ke_disconnect_interrupt(KINTERRUPT *interrupt)
{
    ULONG v = interrupt->vector;
    KIRQL irql = KfRaiseIrql(HIGH_LEVEL);

    RemoveEntryList(&interrupt->link);
    if (IsListEmpty(&vectors[v].chain))
        vectors[v].irql = 0;
    KfLowerIrql(irql);
}

BOOLEAN NTAPI KeSynchronizeExecution(PKINTERRUPT Interrupt,
                                     PKSYNCHRONIZE_ROUTINE SynchronizeRoutine,
                                     PVOID SynchronizeContext)
{
    KIRQL irql = KfRaiseIrql(Interrupt->synchronize_irql);
    BOOLEAN result;

    KeAcquireSpinLockAtDpcLevel(Interrupt->lock);
    result = SynchronizeRoutine(SynchronizeContext);
    KeReleaseSpinLockFromDpcLevel(Interrupt->lock);
    KfLowerIrql(irql);
    return result;
}

/* ---- The simulated device ------------------------------------------------ */

NTSTATUS NTAPI NtlabRaiseInterrupt(ULONG Vector)
{
    if (Vector == 0 || Vector >= KI_DEVICE_VECTORS)
        return STATUS_INVALID_PARAMETER;
    __atomic_or_fetch(&ki_device_pending, 1u << Vector, __ATOMIC_SEQ_CST);
    ki_take_device_interrupts();
    return STATUS_SUCCESS;
}

static VOID scheduled(PKDPC dpc, PVOID context, PVOID arg1, PVOID arg2)
{
    UNREFERENCED_PARAMETER(dpc);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    NtlabRaiseInterrupt((ULONG)(ULONG_PTR)context);
}

static void init_vector(ULONG v)
{
    KIRQL irql = KfRaiseIrql(HIGH_LEVEL);

    if (!vectors[v].initialized) {
        InitializeListHead(&vectors[v].chain);
        KeInitializeTimerEx(&vectors[v].timer, NotificationTimer);
        KeInitializeDpc(&vectors[v].dpc, scheduled, (PVOID)(ULONG_PTR)v);
        vectors[v].initialized = TRUE;
    }
    KfLowerIrql(irql);
}

NTSTATUS NTAPI NtlabScheduleInterrupt(ULONG Vector, ULONG PeriodMs)
{
    LARGE_INTEGER due;

    if (Vector == 0 || Vector >= KI_DEVICE_VECTORS || PeriodMs > 0x7FFFFFFF)
        return STATUS_INVALID_PARAMETER;
    init_vector(Vector);
    KeCancelTimer(&vectors[Vector].timer);
    if (PeriodMs == 0)
        return STATUS_SUCCESS;
    due.QuadPart = -(LONGLONG)PeriodMs * 10000;
    KeSetTimerEx(&vectors[Vector].timer, due, (LONG)PeriodMs,
                 &vectors[Vector].dpc);
    return STATUS_SUCCESS;
}
