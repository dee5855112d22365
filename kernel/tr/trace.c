/*
 * The timeline: Chrome trace events for --trace (tr.h says which).
 *
 * Each event is formatted into one buffer and handed to the platform as a
 * JSON object. Names that live in paged pool (devices') are copied when
 * they are made, so that no hook touches pageable memory. Threads and
 * processes are named by metadata events the first time an event is put
 * on their track. IRQL changes that come and go without the clock moving
 * (a spin lock taken and let go between two checkpoints) are left out:
 * the counter shows the IRQL at each instant the clock reads.
 */
#include "tr.h"

#include "../kd/kd.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

BOOLEAN tr_enabled;

#define EVENT_SIZE   1024
#define NAMED_SLOTS  4096 /* tracks already named */
#define DEVICE_SLOTS 128  /* device names kept */
#define CODE_SLOTS   64   /* routine names kept */
#define PID_STRIDE   100000u
#define CPU_PID      (PID_STRIDE - 1)

static struct {
    char event[EVENT_SIZE];
    ULONG length;
    ULONG pid_base; /* the boot's, in a trace of several boots */
    char label[48]; /* "scenario 2: ", or "" */
    ULONGLONG named[NAMED_SLOTS];
    /* The IRQL counter: the last value written, and one not yet written
     * (the clock has not moved since it was set). */
    LONG irql_written;
    KIRQL irql_pending;
    BOOLEAN irql_is_pending;
    ULONGLONG irql_at;
} tr;

static struct {
    const void *device;
    char name[48];
} devices[DEVICE_SLOTS];

static struct {
    const void *routine;
    char name[96];
} codes[CODE_SLOTS];

/* ---- Formatting ------------------------------------------------------------ */

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void put(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tr.length += rtl_vsnprintf(tr.event + tr.length, EVENT_SIZE - tr.length,
                               fmt, ap);
    va_end(ap);
    if (tr.length >= EVENT_SIZE)
        tr.length = EVENT_SIZE - 1;
}

/* Puts text as a JSON string: quoted, escaped, and printable ASCII only. */
static void put_string(const char *text)
{
    put("\"");
    for (; *text != '\0' && tr.length < EVENT_SIZE - 8; text++) {
        char c = *text;

        if (c == '"' || c == '\\')
            put("\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            tr.event[tr.length++] = c;
        else
            tr.event[tr.length++] = '?';
    }
    put("\"");
}

/* Starts an event: name, phase, time (100 ns) and track. */
static void begin(const char *name, char phase, ULONGLONG at, ULONG pid,
                  ULONG tid)
{
    tr.length = 0;
    put("{\"name\":");
    put_string(name);
    put(",\"ph\":\"%c\",\"ts\":%llu.%u,\"pid\":%u,\"tid\":%u", phase,
        at / 10, (ULONG)(at % 10), pid, tid);
}

/* Ends the event (closing its args when has_args) and hands it over. */
static void finish(BOOLEAN has_args)
{
    put(has_args ? "}}" : "}");
    hal_trace_write(tr.event, tr.length);
}

/* ---- Tracks and their names ------------------------------------------------ */

static ULONG cpu_pid(void)
{
    return tr.pid_base + CPU_PID;
}

static void name_track(const char *kind, ULONG pid, ULONG tid, const char *name,
                       LONG sort)
{
    char text[96];

    begin(kind, 'M', 0, pid, tid);
    /* The boot's label tells the processes of several boots apart. */
    rtl_snprintf(text, sizeof text, "%s%s", tid == 0 ? tr.label : "", name);
    put(",\"args\":{\"name\":");
    put_string(text);
    finish(TRUE);
    if (sort != 0) {
        begin(tid != 0 ? "thread_sort_index" : "process_sort_index", 'M', 0,
              pid, tid);
        put(",\"args\":{\"sort_index\":%d}", (int)sort);
        finish(FALSE);
    }
}

/* Has (pid, tid, name) been named? Remembers it if not. */
static BOOLEAN named(ULONG pid, ULONG tid, const char *name)
{
    ULONGLONG key = ((ULONGLONG)pid << 32 | tid) * 0x9E3779B97F4A7C15ull;
    ULONG i, slot;

    for (; *name != '\0'; name++)
        key = (key ^ (UCHAR)*name) * 0x100000001B3ull;
    key |= 1;
    for (i = 0; i < 8; i++) {
        slot = (ULONG)((key >> 40) + i) % NAMED_SLOTS;
        if (tr.named[slot] == key)
            return TRUE;
        if (tr.named[slot] == 0) {
            tr.named[slot] = key;
            return FALSE;
        }
    }
    return FALSE; /* full here: name it again, which does no harm */
}

static ULONG pid_of(const KTHREAD *thread)
{
    return tr.pid_base + ps_process_id(thread->Process);
}

/* The track of thread, named on first use. */
static void thread_track(const KTHREAD *thread, ULONG *pid, ULONG *tid)
{
    const char *process = ps_process_name(thread->Process);
    char text[64];

    *pid = pid_of(thread);
    *tid = ps_thread_id(thread);
    if (!named(*pid, 0, process)) {
        rtl_snprintf(text, sizeof text, "%s (PID %u)", process,
                     ps_process_id(thread->Process));
        name_track("process_name", *pid, 0, text, 0);
    }
    if (!named(*pid, *tid, process)) {
        rtl_snprintf(text, sizeof text, "TID %u", *tid);
        name_track("thread_name", *pid, *tid, text, 0);
    }
}

/* Writes the IRQL change that is pending, if the value changed. */
static void flush_irql(void)
{
    if (!tr.irql_is_pending)
        return;
    tr.irql_is_pending = FALSE;
    if (tr.irql_pending == tr.irql_written)
        return;
    tr.irql_written = tr.irql_pending;
    begin("IRQL", 'C', tr.irql_at, cpu_pid(), 0);
    put(",\"args\":{\"IRQL\":%u}", tr.irql_pending);
    finish(FALSE);
}

/* Starts an event on the current thread's track. */
static void begin_thread(const char *name, char phase, ULONGLONG at)
{
    ULONG pid, tid;

    flush_irql();
    thread_track(ke_current_thread(), &pid, &tid);
    begin(name, phase, at, pid, tid);
}

static void begin_cpu(const char *name, char phase, ULONGLONG at)
{
    flush_irql();
    begin(name, phase, at, cpu_pid(), 0);
}

/* ",\"key\":\"ADDRESS\"": a guest address; an object in the kernel's own
 * data, outside the guest window, has none a user could look at (and its
 * host address would change from run to run). */
static void put_address(const char *key, const void *p)
{
    if (p != NULL && HAL_PTR_IN_WINDOW(p))
        put(",\"%s\":\"%08X\"", key, HAL_PTR_VA(p));
    else
        put(",\"%s\":\"%s\"", key, p != NULL ? "(kernel data)" : "-");
}

/* ",\"dur\":D" of a complete event begun at start. */
static void put_duration(ULONGLONG start)
{
    ULONGLONG d = tr_now() - start;

    put(",\"dur\":%llu.%u", d / 10, (ULONG)(d % 10));
}

/* The name kd gives a routine ("timerdpc.sys!TimerDpc"), kept. */
static const char *code_name(const void *routine)
{
    ULONG slot = (ULONG)(((ULONG_PTR)routine >> 4) % CODE_SLOTS);
    kd_frame frame = {.ip = (ULONG_PTR)routine, .fp = 0, .exact = TRUE};
    char *plus;

    if (codes[slot].routine != routine) {
        kd_format_code(&frame, codes[slot].name, sizeof codes[slot].name);
        /* A routine's start needs no "+0x0 (file:line)". */
        plus = (char *)rtl_strstr(codes[slot].name, "+0x0");
        if (plus != NULL && (plus[4] == '\0' || plus[4] == ' '))
            *plus = '\0';
        codes[slot].routine = routine;
    }
    return codes[slot].name;
}

/* ---- Start ----------------------------------------------------------------- */

void tr_init(const hal_boot_info *info)
{
    if (!info->trace)
        return;
    tr.pid_base = info->trace_boot * PID_STRIDE;
    if (info->trace_label != NULL)
        rtl_snprintf(tr.label, sizeof tr.label, "%s: ", info->trace_label);
    tr.irql_written = -1;
    tr_enabled = TRUE;
    name_track("process_name", cpu_pid(), 0, "CPU 0", 0);
    begin("process_sort_index", 'M', 0, cpu_pid(), 0);
    put(",\"args\":{\"sort_index\":-1");
    finish(TRUE);
    name_track("thread_name", cpu_pid(), 0, "CPU 0", 0);
    tr_irql(KeGetPcr()->Irql);
}

/* ---- The CPU's track --------------------------------------------------------- */

/* The slice of thread running, from now. */
static void begin_running(const KTHREAD *thread)
{
    const KPROCESS *space = thread->ApcState.Process;
    ULONG pid, tid;
    char text[64];

    flush_irql();
    thread_track(thread, &pid, &tid);
    rtl_snprintf(text, sizeof text, "%s TID %u",
                 ps_process_name(thread->Process), tid);
    begin(text, 'B', tr_now(), cpu_pid(), 0);
    put(",\"args\":{\"process\":");
    put_string(ps_process_name(thread->Process));
    put(",\"PID\":%u,\"TID\":%u,\"priority\":%d", ps_process_id(thread->Process),
        tid, thread->Priority);
    if (space != NULL && space != thread->Process) {
        put(",\"attached to\":");
        put_string(ps_process_name(space));
    }
    finish(TRUE);
}

void tr_switch(const KTHREAD *next)
{
    const KTHREAD *current = ke_current_thread();

    if (current != NULL && current != next) {
        begin_cpu("", 'E', tr_now());
        finish(FALSE);
    }
    if (current != next)
        begin_running(next);
}

void tr_irql(KIRQL irql)
{
    if (tr.irql_is_pending && tr.irql_at != tr_now())
        flush_irql();
    tr.irql_pending = irql;
    tr.irql_at = tr_now();
    tr.irql_is_pending = TRUE;
}

void tr_clock_interrupt(ULONGLONG start, ULONG ticks)
{
    begin_cpu("clock interrupt", 'X', start);
    put_duration(start);
    put(",\"args\":{\"ticks\":%u", ticks);
    finish(TRUE);
}

void tr_device_interrupt(ULONGLONG start, ULONG vector, const void *routine)
{
    begin_cpu("ISR", 'X', start);
    put_duration(start);
    put(",\"args\":{\"vector\":%u,\"routine\":", vector);
    put_string(routine != NULL ? code_name(routine) : "(none claimed it)");
    finish(TRUE);
}

void tr_timer_expired(const KTIMER *timer)
{
    begin_cpu("timer expired", 'i', tr_now());
    put(",\"s\":\"t\",\"args\":{\"period\":%d", (int)timer->Period);
    put_address("KTIMER", timer);
    finish(TRUE);
}

void tr_dpc(ULONGLONG start, const KDPC *dpc, const void *routine,
            BOOLEAN timer)
{
    begin_cpu(timer ? "timer DPC" : "DPC", 'X', start);
    put_duration(start);
    put(",\"args\":{\"routine\":");
    put_string(code_name(routine));
    put_address("KDPC", dpc);
    finish(TRUE);
}

/* ---- Threads' tracks ----------------------------------------------------- */

void tr_apc(ULONGLONG start, const void *routine, BOOLEAN normal)
{
    begin_thread(normal ? "normal kernel APC" : "special kernel APC", 'X',
                 start);
    put_duration(start);
    put(",\"args\":{\"kernel routine\":");
    put_string(code_name(routine));
    finish(TRUE);
}

void tr_page_fault(ULONGLONG start, const hal_trap *trap)
{
    begin_thread("page fault", 'X', start);
    put_duration(start);
    put(",\"args\":{\"address\":\"%08X\",\"access\":\"%s\",\"mode\":\"%s\"",
        trap->va, trap->write ? "write" : "read",
        trap->user ? "user" : "kernel");
    finish(TRUE);
}

void tr_page_in(ULONG va, tr_page_in_kind kind)
{
    static const char *const names[] = {"page-in", "demand-zero page",
                                        "soft fault"};
    static const char *const froms[] = {"the paging file", "a zeroed frame",
                                        "the transition list"};

    begin_thread(names[kind], 'i', tr_now());
    put(",\"s\":\"t\",\"args\":{\"address\":\"%08X\",\"from\":\"%s\"", va,
        froms[kind]);
    finish(TRUE);
}

static const char *major_name(UCHAR major)
{
    static const char *const names[] = {
        "IRP_MJ_CREATE", "IRP_MJ_CREATE_NAMED_PIPE", "IRP_MJ_CLOSE",
        "IRP_MJ_READ", "IRP_MJ_WRITE", "IRP_MJ_QUERY_INFORMATION",
        "IRP_MJ_SET_INFORMATION", "IRP_MJ_QUERY_EA", "IRP_MJ_SET_EA",
        "IRP_MJ_FLUSH_BUFFERS", "IRP_MJ_QUERY_VOLUME_INFORMATION",
        "IRP_MJ_SET_VOLUME_INFORMATION", "IRP_MJ_DIRECTORY_CONTROL",
        "IRP_MJ_FILE_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CONTROL",
        "IRP_MJ_INTERNAL_DEVICE_CONTROL", "IRP_MJ_SHUTDOWN",
        "IRP_MJ_LOCK_CONTROL", "IRP_MJ_CLEANUP", "IRP_MJ_CREATE_MAILSLOT",
        "IRP_MJ_QUERY_SECURITY", "IRP_MJ_SET_SECURITY", "IRP_MJ_POWER",
        "IRP_MJ_SYSTEM_CONTROL", "IRP_MJ_DEVICE_CHANGE",
        "IRP_MJ_QUERY_QUOTA", "IRP_MJ_SET_QUOTA", "IRP_MJ_PNP"};

    return major < ARRAYSIZE(names) ? names[major] : "IRP_MJ_?";
}

/* ",\"device\":\"\\\\Device\\\\X\"" from the names kept, or its address. */
static void put_device(const void *device)
{
    ULONG slot = (ULONG)(((ULONG_PTR)device >> 4) % DEVICE_SLOTS);
    char text[24];

    put(",\"device\":");
    if (devices[slot].device == device && devices[slot].name[0] != '\0') {
        put_string(devices[slot].name);
        return;
    }
    if (HAL_PTR_IN_WINDOW(device)) {
        rtl_snprintf(text, sizeof text, "DEVICE_OBJECT %08X",
                     HAL_PTR_VA(device));
        put_string(text);
    } else {
        put_string("(unnamed)");
    }
}

void tr_irp_dispatch(ULONGLONG start, const void *device, const void *irp,
                     UCHAR major, NTSTATUS status)
{
    begin_thread(major_name(major), 'X', start);
    put_duration(start);
    put(",\"args\":{\"major\":%u", major);
    put_address("IRP", irp);
    put_device(device);
    put(",\"returned\":\"0x%08X\"", (ULONG)status);
    finish(TRUE);
}

void tr_irp_complete(const void *device, const void *irp, UCHAR major,
                     NTSTATUS status)
{
    KPCR *pcr = KeGetPcr();

    /* Completed in a DPC or an ISR: on the CPU, whatever thread it found. */
    if (pcr->DpcRoutineActive || pcr->Irql > DISPATCH_LEVEL)
        begin_cpu("IoCompleteRequest", 'i', tr_now());
    else
        begin_thread("IoCompleteRequest", 'i', tr_now());
    put(",\"s\":\"t\",\"args\":{\"major\":\"%s\"",
        major == 0xFF ? "-" : major_name(major));
    put_address("IRP", irp);
    if (device != NULL)
        put_device(device);
    put(",\"status\":\"0x%08X\"", (ULONG)status);
    finish(TRUE);
}

void tr_device_created(const void *device, const UNICODE_STRING *name)
{
    ULONG slot = (ULONG)(((ULONG_PTR)device >> 4) % DEVICE_SLOTS), i, n;

    devices[slot].device = device;
    devices[slot].name[0] = '\0';
    if (name == NULL || name->Buffer == NULL)
        return;
    n = name->Length / sizeof(WCHAR);
    if (n > sizeof devices[slot].name - 1)
        n = sizeof devices[slot].name - 1;
    for (i = 0; i < n; i++) {
        WCHAR c = name->Buffer[i];

        devices[slot].name[i] = c >= 0x20 && c < 0x7F ? (char)c : '?';
    }
    devices[slot].name[n] = '\0';
}

void tr_device_deleted(const void *device)
{
    ULONG slot = (ULONG)(((ULONG_PTR)device >> 4) % DEVICE_SLOTS);

    if (devices[slot].device == device)
        devices[slot].device = NULL;
}

/* The type of a dispatcher object, as WinDbg's !object names it. */
static const char *object_type(const void *object)
{
    static const char *const names[] = {
        "Event",  "Event",     "Mutant", "Process",   "Queue",
        "Semaphore", "Thread", "Gate",   "Timer",     "Timer"};
    UCHAR type = ((const DISPATCHER_HEADER *)object)->Type;

    return type < ARRAYSIZE(names) ? names[type] : "object";
}

void tr_wait(ULONGLONG start, ULONG count, const void *object, BOOLEAN delay,
             NTSTATUS status)
{
    begin_thread(delay       ? "KeDelayExecutionThread"
                 : count > 1 ? "wait (multiple)"
                             : "wait",
                 'X', start);
    put_duration(start);
    put(",\"args\":{\"objects\":%u,\"type\":\"%s\",\"status\":\"0x%08X\"",
        count, object != NULL ? object_type(object) : "-", (ULONG)status);
    put_address("object", object);
    finish(TRUE);
}

void tr_unwait(const KTHREAD *thread, NTSTATUS status)
{
    const KTHREAD *by = ke_current_thread();
    ULONG pid, tid;

    flush_irql();
    thread_track(thread, &pid, &tid);
    begin("wait satisfied", 'i', tr_now(), pid, tid);
    put(",\"s\":\"t\",\"args\":{\"status\":\"0x%08X\",\"by\":", (ULONG)status);
    if (by != NULL) {
        char text[64];

        rtl_snprintf(text, sizeof text, "%s TID %u",
                     ps_process_name(by->Process), ps_thread_id(by));
        put_string(text);
    } else {
        put_string("-");
    }
    finish(TRUE);
}
