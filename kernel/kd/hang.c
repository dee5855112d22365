/*
 * The hang report (kd.h): who waits for what when no thread can ever run
 * again, and the cycles of mutant owners that make a deadlock.
 */
#include "kd.h"

#include "../ex/ex.h"
#include "../ob/ob.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

/* How far an owner chain is followed before it is called no cycle. */
#define MAX_CHAIN 64

/* NT's names of dispatcher object types, as WinDbg's !thread shows them. */
static const char *type_name(const DISPATCHER_HEADER *h)
{
    static const char *const names[] = {
        [EventNotificationObject] = "NotificationEvent",
        [EventSynchronizationObject] = "SynchronizationEvent",
        [MutantObject] = "Mutant",
        [ProcessObject] = "ProcessObject",
        [QueueObject] = "QueueObject",
        [SemaphoreObject] = "Semaphore",
        [ThreadObject] = "ThreadObject",
        [GateObject] = "Gate",
        [TimerNotificationObject] = "NotificationTimer",
        [TimerSynchronizationObject] = "SynchronizationTimer",
    };

    if (h->Type < ARRAYSIZE(names) && names[h->Type] != NULL)
        return names[h->Type];
    return "Unknown";
}

/* The name of object (its last component, in ASCII) when it is a named
 * object of the object manager in nonpaged pool; "" otherwise. */
static void object_name(PVOID object, char *buf, ULONG size)
{
    ob_header *h = OB_HEADER(object);
    ULONG i, n = 0;

    buf[0] = '\0';
    if (!HAL_PTR_IN_WINDOW(h) || !mm_is_nonpaged_pool(HAL_PTR_VA(h)) ||
        ex_pool_block_size(h) < sizeof *h + sizeof(DISPATCHER_HEADER) ||
        h->name.Buffer == NULL || !MmIsAddressValid(h->name.Buffer) ||
        !MmIsAddressValid((PCHAR)h->name.Buffer + h->name.Length))
        return;
    for (i = 0; i < h->name.Length / sizeof(WCHAR) && n + 1 < size; i++)
        buf[n++] = h->name.Buffer[i] < 0x80 ? (char)h->name.Buffer[i] : '?';
    buf[n] = '\0';
}

/* The mutant a waiting thread waits for that another thread owns. */
static KMUTANT *owned_mutant_waited_for(const KTHREAD *thread)
{
    KWAIT_BLOCK *block = thread->WaitBlockList;

    if (thread->State != Waiting || block == NULL)
        return NULL;
    do {
        KMUTANT *m = block->Object;

        if (m->Header.Type == MutantObject && m->OwnerThread != NULL &&
            m->OwnerThread != thread)
            return m;
        block = block->NextWaitBlock;
    } while (block != thread->WaitBlockList);
    return NULL;
}

void kd_print_wait_object(PVOID object)
{
    DISPATCHER_HEADER *h = object;
    char name[64];

    object_name(object, name, sizeof name);
    rtl_print("    %08X  %s", kd_va(object), type_name(h));
    if (name[0] != '\0')
        rtl_print(" '%s'", name);
    if (h->Type == MutantObject) {
        KTHREAD *owner = ((KMUTANT *)object)->OwnerThread;

        if (owner != NULL)
            rtl_print(" - owning thread %08X (TID %u)", kd_va(owner),
                      ps_thread_id(owner));
        else
            rtl_print(" - not owned");
    }
    rtl_print("\n");
}

/* One waiting thread and its wait blocks. */
static void print_waiter(const KTHREAD *thread)
{
    KWAIT_BLOCK *block = thread->WaitBlockList;

    rtl_print("  THREAD %08X  TID %u  %s, ", kd_va(thread),
              ps_thread_id(thread), ps_process_name(thread->Process));
    if (thread->WaitReason == DelayExecution || block == NULL) {
        rtl_print("waits in a delay\n");
        return;
    }
    rtl_print("waits for:\n");
    do {
        kd_print_wait_object(block->Object);
        block = block->NextWaitBlock;
    } while (block != thread->WaitBlockList);
}

/* True when start's chain of mutant owners comes back to start, and start
 * has the least address in it (so that each cycle is found once). */
static BOOLEAN starts_cycle(const KTHREAD *start)
{
    const KTHREAD *t = start;
    ULONG n;

    for (n = 0; n < MAX_CHAIN; n++) {
        KMUTANT *m = owned_mutant_waited_for(t);

        if (m == NULL)
            return FALSE;
        t = m->OwnerThread;
        if (t == start)
            break;
        if ((ULONG_PTR)t < (ULONG_PTR)start)
            return FALSE;
    }
    return t == start;
}

/* Prints the deadlock starts_cycle found from start, on one line:
 * "deadlock: thread A (TID 8) waits for mutant M1 'name' owned by thread
 * B (TID 12), which waits for mutant M2 owned by thread A (TID 8)". */
static void print_cycle(const KTHREAD *start)
{
    const KTHREAD *t = start;
    char name[64];

    rtl_print("deadlock: thread %08X (TID %u)", kd_va(t), ps_thread_id(t));
    do {
        KMUTANT *m = owned_mutant_waited_for(t);

        object_name(m, name, sizeof name);
        rtl_print("%s waits for mutant %08X%s%s%s owned by thread %08X (TID %u)",
                  t == start ? "" : ", which", kd_va(m), name[0] ? " '" : "",
                  name, name[0] ? "'" : "", kd_va(m->OwnerThread),
                  ps_thread_id(m->OwnerThread));
        t = m->OwnerThread;
    } while (t != start);
    rtl_print("\n");
}

void kd_print_hang(PLIST_ENTRY threads)
{
    PLIST_ENTRY e;
    BOOLEAN any = FALSE;

    for (e = threads->Flink; e != threads; e = e->Flink) {
        KTHREAD *thread = CONTAINING_RECORD(e, KTHREAD, AllThreadsEntry);

        if (thread->State == Waiting)
            print_waiter(thread);
    }
    for (e = threads->Flink; e != threads; e = e->Flink) {
        KTHREAD *thread = CONTAINING_RECORD(e, KTHREAD, AllThreadsEntry);

        if (thread->State == Waiting && starts_cycle(thread)) {
            if (!any)
                rtl_print("\n");
            any = TRUE;
            print_cycle(thread);
        }
    }
}

/* ---- The timeout report ---- */

static const char *state_name(UCHAR state)
{
    static const char *const names[] = {
        [Initialized] = "not started", [Ready] = "ready",
        [Running] = "running",         [Standby] = "chosen to run next",
        [Terminated] = "terminated",   [Waiting] = "waiting",
        [Transition] = "in transition", [DeferredReady] = "ready",
    };

    return state < ARRAYSIZE(names) && names[state] ? names[state] : "?";
}

/* Its frames, below a "Stack:" line. */
static void print_frames(const kd_frame *frames, ULONG count)
{
    char text[200];
    ULONG i;

    if (count > 0)
        rtl_print("    Stack:\n");
    for (i = 0; i < count; i++) {
        kd_format_code(&frames[i], text, sizeof text);
        rtl_print("      %02u %s\n", i, text);
    }
}

/* One thread: what it was doing, and where. */
static void print_thread(const KTHREAD *thread, const hal_trap *trap)
{
    BOOLEAN current = thread == KeGetPcr()->CurrentThread;
    kd_frame frames[KD_MAX_FRAMES];
    ULONG count = 0;

    if (!current && thread->State == Waiting) {
        print_waiter(thread);
    } else {
        rtl_print("  THREAD %08X  TID %u  %s, %s", kd_va(thread),
                  ps_thread_id(thread), ps_process_name(thread->Process),
                  current ? "running" : state_name(thread->State));
        if (current && trap->user)
            rtl_print(" in user mode at %08X", (ULONG)trap->ip);
        else if (current)
            rtl_print(" at IRQL %u (%s)", KeGetCurrentIrql(),
                      ke_irql_name(KeGetCurrentIrql()));
        rtl_print("\n");
    }
    if (current && !trap->user)
        count = kd_walk_current(0, frames, KD_MAX_FRAMES);
    else if (!current && thread->State != Terminated &&
             thread->State != Initialized)
        count = kd_walk_suspended(thread, frames, KD_MAX_FRAMES);
    print_frames(frames, count);
}

void kd_print_threads(PLIST_ENTRY threads, const hal_trap *trap)
{
    KTHREAD *current = KeGetPcr()->CurrentThread;
    PLIST_ENTRY e;

    if (current != NULL)
        print_thread(current, trap);
    for (e = threads->Flink; e != threads; e = e->Flink) {
        KTHREAD *thread = CONTAINING_RECORD(e, KTHREAD, AllThreadsEntry);

        if (thread != current)
            print_thread(thread, trap);
    }
}
