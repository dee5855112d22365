/*
 * The IRQL rules of the exported DDIs (force IRQL checking, irql class).
 *
 * Every routine ntlab exports carries its documented IRQL rule in the
 * headers (_IRQL_requires_max_, _IRQL_requires_min_, _IRQL_requires_),
 * which tools/gen-exports.pl copies into the export table. When the
 * loader binds an import of a verified driver to a routine with a rule,
 * it binds it to the routine's call gate instead (hal.h): each call then
 * passes through ddi_gate, which checks the caller's IRQL before the
 * routine runs, on the caller's stack, so the stop names the driver's own
 * line. Drivers that are not verified, and the kernel itself, call the
 * routines directly and pay nothing.
 *
 * A violation stops as Driver Verifier does: the classic checks with their
 * 0xC4 subcodes (spin locks, fast mutexes, waits, KeRaiseIrql and
 * KeLowerIrql arguments, critical regions); a routine that a DDI compliance
 * rule covers with 0xC4 and the rule's ID, the rule's condition as text
 * (parameter 2); any other with 0x121 DRIVER_VIOLATION (2: above the
 * maximum, 1: not at the required IRQL).
 *
 * The same gates carry the misc class's checks of arguments (misc.c): the
 * objects of a wait and the item of ExQueueWorkItem, so a driver verified
 * for misc alone is gated only for those routines.
 */
#include "vf.h"

#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

/* A DDI compliance rule: its ID and the exported routines it covers. */
typedef struct ddi_rule {
    ULONG id;
    const char *name;
    const char *routines; /* space-separated */
} ddi_rule;

static const ddi_rule rules[] = {
    {0x20003, "IrqlDispatch",
     "IoStartNextPacket KeInsertByKeyDeviceQueue KeInsertDeviceQueue "
     "KeRemoveByKeyDeviceQueue KeRemoveDeviceQueue"},
    {0x20004, "IrqlExAllocatePool", "ExAllocatePoolWithTag"},
    {0x20005, "IrqlExApcLte1", "ExTryToAcquireFastMutex"},
    {0x20006, "IrqlExApcLte2",
     "ExDeletePagedLookasideList ExInitializePagedLookasideList ProbeForRead "
     "ProbeForWrite"},
    {0x20008, "IrqlExPassive",
     "ExRaiseAccessViolation ExRaiseDatatypeMisalignment ExRaiseStatus"},
    {0x20009, "IrqlIoApcLte", "IoDeleteDevice"},
    {0x2000A, "IrqlIoPassive1", "IoBuildDeviceIoControlRequest IoCreateDevice"},
    {0x2000B, "IrqlIoPassive2", "IoConnectInterrupt"},
    {0x2000C, "IrqlIoPassive3", "IoCreateSymbolicLink IoDetachDevice"},
    {0x2000D, "IrqlIoPassive4", "IoDeleteSymbolicLink IoDisconnectInterrupt"},
    {0x2000E, "IrqlIoPassive5", "IoGetDeviceObjectPointer IoInitializeTimer"},
    {0x2000F, "IrqlKeApcLte1", "KeDelayExecutionThread"},
    {0x20010, "IrqlKeApcLte2",
     "KeEnterCriticalRegion KeEnterGuardedRegion KeLeaveCriticalRegion "
     "KeLeaveGuardedRegion"},
    {0x20011, "IrqlKeDispatchLte",
     "KeCancelTimer KeClearEvent KeInitializeDeviceQueue KeInitializeSemaphore "
     "KeInitializeTimer KeInitializeTimerEx KePulseEvent KeReadStateEvent "
     "KeReadStateTimer KeReleaseMutex KeRemoveEntryDeviceQueue KeResetEvent "
     "KeSetTimer KeSetTimerEx"},
    {0x20016, "IrqlKeSetEvent", "KeSetEvent"},
    {0x2001B, "IrqlObPassive", "ObReferenceObjectByHandle"},
    {0x2001C, "IrqlPsPassive", "PsCreateSystemThread PsTerminateSystemThread"},
    {0x2001F, "IrqlZwPassive", "ZwClose"},
};

/* What a check sees of one call. */
typedef struct ddi_call {
    const mm_export *e;
    const void *caller;
    const ULONG_PTR *arg; /* the first eight integer arguments */
    KIRQL irql;           /* the caller's */
} ddi_call;

/* A routine with checks of its own (NULL: none); each returns when the
 * call is good. check is the irql class's, misc the misc class's. */
typedef struct ddi_special {
    const char *name;
    void (*check)(const ddi_call *c);
    void (*misc)(const ddi_call *c);
} ddi_special;

static char *condition; /* nonpaged: parameter 2 of a rule's stop */
#define CONDITION_SIZE 160

/* Does the space-separated list hold name? */
static BOOLEAN listed(const char *list, const char *name)
{
    const char *n;

    while (*list != '\0') {
        for (n = name; *n != '\0' && *list == *n; n++)
            list++;
        if (*n == '\0' && (*list == ' ' || *list == '\0'))
            return TRUE;
        while (*list != ' ' && *list != '\0')
            list++;
        if (*list == ' ')
            list++;
    }
    return FALSE;
}

static const ddi_rule *rule_of(const char *name)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(rules); i++)
        if (listed(rules[i].routines, name))
            return &rules[i];
    return NULL;
}

/* "driver.sys!Routine+0xOFF" style text for the caller, into buf. */
static const char *who(char *buf, ULONG size, const void *caller)
{
    vf_describe_code(buf, size, (ULONG_PTR)caller);
    return buf;
}

/* Stops with 0xC4 (subcode, p2, p3, p4) saying what the caller did. */
static DECLSPEC_NORETURN void classic(const ddi_call *c, ULONG subcode,
                                      ULONG_PTR p2, ULONG_PTR p3,
                                      ULONG_PTR p4, const char *what)
{
    char at[64];

    vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, subcode, p2, p3, p4,
            "%s called %s at IRQL %u (%s)", who(at, sizeof at, c->caller),
            c->e->name, c->irql, what);
}

/* The rule text of e: "Name should only be called at IRQL <= LEVEL." */
static void describe_rule(const mm_export *e, char *buf, ULONG size)
{
    if (e->irql_min == e->irql_max)
        rtl_snprintf(buf, size, "%s should only be called at IRQL = %s.",
                     e->name, ke_irql_name(e->irql_max));
    else if (e->irql_min != 0)
        rtl_snprintf(buf, size, "%s should only be called at IRQL >= %s.",
                     e->name, ke_irql_name(e->irql_min));
    else
        rtl_snprintf(buf, size, "%s should only be called at IRQL <= %s.",
                     e->name, ke_irql_name(e->irql_max));
}

/* A call outside e's IRQL rule: the DDI rule's stop, or 0x121. */
static DECLSPEC_NORETURN void violation(const ddi_call *c)
{
    const ddi_rule *rule = rule_of(c->e->name);
    char at[96], text[CONDITION_SIZE];

    describe_rule(c->e, text, sizeof text);
    who(at, sizeof at, c->caller);
    if (rule != NULL) {
        rtl_snprintf(condition, CONDITION_SIZE, "%s", text);
        vf_stop(DRIVER_VERIFIER_DETECTED_VIOLATION, rule->id,
                vf_va(condition), 0, 0,
                "%s called %s at IRQL %u: %s (DDI rule %s)", at, c->e->name,
                c->irql, text, rule->name);
    }
    if (c->irql > c->e->irql_max)
        vf_stop(DRIVER_VIOLATION, 2, c->irql, c->e->irql_max, 0,
                "%s called %s at IRQL %u: %s", at, c->e->name, c->irql, text);
    vf_stop(DRIVER_VIOLATION, 1, c->irql, c->e->irql_min, 0,
            "%s called %s at IRQL %u: %s", at, c->e->name, c->irql, text);
}

static void check_rule(const ddi_call *c)
{
    if (c->irql > c->e->irql_max || c->irql < c->e->irql_min)
        violation(c);
}

/* ---- The classic checks ------------------------------------------------- */

static void raise_irql(const ddi_call *c)
{
    KIRQL to = (KIRQL)c->arg[0];

    if (to < c->irql || to > HIGH_LEVEL)
        classic(c, 0x30, c->irql, to, 0, "to a lower or invalid IRQL");
}

static void lower_irql(const ddi_call *c)
{
    KIRQL to = (KIRQL)c->arg[0];

    if (to > c->irql || to > HIGH_LEVEL)
        classic(c, 0x31, c->irql, to, 0, "to a higher or invalid IRQL");
}

static void acquire_spin_lock(const ddi_call *c)
{
    if (c->irql > DISPATCH_LEVEL)
        classic(c, 0x42, c->irql, vf_va((void *)c->arg[0]), 0,
                "above DISPATCH_LEVEL");
}

static void release_spin_lock(const ddi_call *c)
{
    if (c->irql != DISPATCH_LEVEL)
        classic(c, 0x32, c->irql, vf_va((void *)c->arg[0]), 0,
                "not at DISPATCH_LEVEL: was the lock released twice?");
}

static void acquire_at_dpc_level(const ddi_call *c)
{
    if (c->irql < DISPATCH_LEVEL)
        classic(c, 0x40, c->irql, vf_va((void *)c->arg[0]), 0,
                "below DISPATCH_LEVEL");
}

static void release_from_dpc_level(const ddi_call *c)
{
    if (c->irql < DISPATCH_LEVEL)
        classic(c, 0x41, c->irql, vf_va((void *)c->arg[0]), 0,
                "below DISPATCH_LEVEL");
}

/* The current thread's APC disable count, as a stop parameter. */
static ULONG_PTR apc_disable(void)
{
    return (ULONG)(LONG)ke_current_thread()->KernelApcDisable;
}

static void acquire_fast_mutex(const ddi_call *c)
{
    if (c->irql > APC_LEVEL)
        classic(c, 0x33, c->irql, vf_va((void *)c->arg[0]), 0,
                "above APC_LEVEL");
}

static void release_fast_mutex(const ddi_call *c)
{
    if (c->irql != APC_LEVEL)
        classic(c, 0x34, c->irql, apc_disable(), vf_va((void *)c->arg[0]),
                "not at APC_LEVEL");
}

/* The unsafe forms need APCs off: APC_LEVEL, or a critical region. */
static BOOLEAN apcs_off(const ddi_call *c)
{
    return c->irql == APC_LEVEL ||
           (c->irql < APC_LEVEL && ke_current_thread()->KernelApcDisable != 0);
}

static void acquire_unsafe(const ddi_call *c)
{
    if (!apcs_off(c))
        classic(c, 0x39, c->irql, apc_disable(), vf_va((void *)c->arg[0]),
                "with APCs enabled");
}

static void release_unsafe(const ddi_call *c)
{
    if (!apcs_off(c))
        classic(c, 0x3A, c->irql, apc_disable(), vf_va((void *)c->arg[0]),
                "with APCs enabled");
}

static void leave_critical_region(const ddi_call *c)
{
    check_rule(c);
    if (ke_current_thread()->KernelApcDisable == 0)
        classic(c, 0x3E, 0, 0, 0, "outside a critical region");
}

/* A wait at DISPATCH_LEVEL or above is allowed only with a zero timeout
 * (and right after KeSetEvent(..., TRUE), which left IRQL raised). */
static void check_wait(const ddi_call *c, ULONG_PTR object,
                       const LARGE_INTEGER *timeout)
{
    if (c->irql < DISPATCH_LEVEL || ke_current_thread()->WaitNext)
        return;
    if (c->irql > DISPATCH_LEVEL || timeout == NULL ||
        timeout->QuadPart != 0)
        classic(c, 0x3B, c->irql, object, vf_va(timeout),
                "with a wait that may block");
}

static void wait_single(const ddi_call *c)
{
    check_wait(c, vf_va((void *)c->arg[0]), (const LARGE_INTEGER *)c->arg[4]);
}

static void wait_multiple(const ddi_call *c)
{
    check_wait(c, vf_va((void *)c->arg[1]), (const LARGE_INTEGER *)c->arg[6]);
}

/* The misc checks: KeWaitForSingleObject(Object, Reason, Mode, ...),
 * KeWaitForMultipleObjects(Count, Objects, Type, Reason, Mode, ...),
 * ExQueueWorkItem(Item, Queue). */
static void wait_single_objects(const ddi_call *c)
{
    PVOID object = (PVOID)c->arg[0];

    vf_check_wait(1, &object, (KPROCESSOR_MODE)c->arg[2], c->caller);
}

static void wait_multiple_objects(const ddi_call *c)
{
    vf_check_wait((ULONG)c->arg[0], (PVOID const *)c->arg[1],
                  (KPROCESSOR_MODE)c->arg[4], c->caller);
}

static void queue_work_item(const ddi_call *c)
{
    vf_check_work_item((const void *)c->arg[0], c->caller);
}

/* KeSetEvent: <= DISPATCH_LEVEL, and <= APC_LEVEL when a wait follows. */
static void set_event(const ddi_call *c)
{
    ddi_call waiting = *c;
    mm_export e = *c->e;

    if ((BOOLEAN)c->arg[2] && c->irql > APC_LEVEL) {
        e.irql_max = APC_LEVEL;
        waiting.e = &e;
        violation(&waiting);
    }
    check_rule(c);
}

static const ddi_special specials[] = {
    {"ExAcquireFastMutex", acquire_fast_mutex, NULL},
    {"ExAcquireFastMutexUnsafe", acquire_unsafe, NULL},
    {"ExQueueWorkItem", check_rule, queue_work_item},
    {"ExReleaseFastMutex", release_fast_mutex, NULL},
    {"ExReleaseFastMutexUnsafe", release_unsafe, NULL},
    {"KeAcquireSpinLockAtDpcLevel", acquire_at_dpc_level, NULL},
    {"KeLeaveCriticalRegion", leave_critical_region, NULL},
    {"KeReleaseSpinLockFromDpcLevel", release_from_dpc_level, NULL},
    {"KeSetEvent", set_event, NULL},
    {"KeWaitForMultipleObjects", wait_multiple, wait_multiple_objects},
    {"KeWaitForSingleObject", wait_single, wait_single_objects},
    {"KfAcquireSpinLock", acquire_spin_lock, NULL},
    {"KfLowerIrql", lower_irql, NULL},
    {"KfRaiseIrql", raise_irql, NULL},
    {"KfReleaseSpinLock", release_spin_lock, NULL},
};

static const ddi_special *special_of(const char *name)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(specials); i++)
        if (rtl_strcmp(specials[i].name, name) == 0)
            return &specials[i];
    return NULL;
}

/* ---- The gate ------------------------------------------------------------ */

/* Each bound gate's checks: the irql class's (its routine's special one,
 * or check_rule) and the misc class's; NULL when that class is off. */
static void (*gate_checks[HAL_CALL_GATES])(const ddi_call *c);
static void (*gate_misc[HAL_CALL_GATES])(const ddi_call *c);

/* Every gated call: checks it, then lets it through to the routine. */
static PVOID ddi_gate(ULONG gate, const void *caller, const ULONG_PTR *arg)
{
    ddi_call c = {&mm_exports[gate], caller, arg, KeGetCurrentIrql()};

    if (gate_checks[gate] != NULL)
        gate_checks[gate](&c);
    if (gate_misc[gate] != NULL)
        gate_misc[gate](&c);
    return c.e->address;
}

/* Sets up the gates once: the handler and the condition's buffer.
 * PASSIVE_LEVEL (the loader). */
static BOOLEAN gates_ready(void)
{
    if (condition == NULL) {
        condition = ExAllocatePoolWithTag(NonPagedPool, CONDITION_SIZE, 'rIfV');
        if (condition == NULL)
            return FALSE;
        condition[0] = '\0';
        hal_set_call_gate_handler(ddi_gate);
    }
    return TRUE;
}

/* The irql class's check of e's calls (s: its special, or NULL), or NULL
 * when the class is off or e has no rule. */
static void (*irql_check_of(const mm_export *e,
                            const ddi_special *s))(const ddi_call *c)
{
    if (!(vf_classes & HAL_VERIFIER_IRQL))
        return NULL;
    if (s != NULL && s->check != NULL)
        return s->check;
    if (e->irql_max == 0xFF && e->irql_min == 0)
        return NULL;
    return check_rule;
}

PVOID vf_bind_import(const mm_system_image *image, const mm_export *e)
{
    ULONG gate = (ULONG)(e - mm_exports);
    const ddi_special *s;
    void (*check)(const ddi_call *c);
    void (*misc)(const ddi_call *c);

    if (!(vf_classes & (HAL_VERIFIER_IRQL | HAL_VERIFIER_MISC)) ||
        !e->routine || gate >= HAL_CALL_GATES || !vf_will_verify(image))
        return e->address;
    s = special_of(e->name);
    check = irql_check_of(e, s);
    misc = (vf_classes & HAL_VERIFIER_MISC) && s != NULL ? s->misc : NULL;
    if ((check == NULL && misc == NULL) || !gates_ready())
        return e->address;
    gate_checks[gate] = check;
    gate_misc[gate] = misc;
    return hal_call_gate(gate);
}
