/*
 * kd's commands about execution context (kd.h): !process, !thread, k,
 * !irql and lm, in WinDbg's layout. A process or thread address the user
 * gives is looked for among the live ones before anything is read from
 * it: a wrong one gets a one-line answer.
 */
#include "kd.h"

#include "../mm/mm.h"
#include "../ob/ob.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

EPROCESS *kd_find_process(ULONG va)
{
    EPROCESS *p;

    for (p = ps_next_process(NULL); p != NULL; p = ps_next_process(p))
        if (kd_va(p) == va ||
            (va < MM_SYSTEM_RANGE_START && p->UniqueProcessId == va && va != 0))
            return p;
    return NULL;
}

/* The thread at guest address va, if it is a thread of a live process. */
static KTHREAD *find_thread(ULONG va)
{
    EPROCESS *p;
    PLIST_ENTRY e;

    for (p = ps_next_process(NULL); p != NULL; p = ps_next_process(p))
        for (e = p->Pcb.ThreadListHead.Flink; e != &p->Pcb.ThreadListHead;
             e = e->Flink) {
            KTHREAD *t = CONTAINING_RECORD(e, KTHREAD, ThreadListEntry);

            if (kd_va(t) == va)
                return t;
        }
    return NULL;
}

/* A handle table's count, read as a debugger reads it (paged pool). */
static ULONG handle_count(const ob_handle_table *table)
{
    ULONG count = 0;

    if (table == NULL ||
        kd_read(kd_va(&table->count), &count, sizeof count) != sizeof count)
        return 0;
    return count;
}

void kd_print_process(const EPROCESS *p)
{
    rtl_print("PROCESS %08x  SessionId: none  Cid: %04x    Peb: %08x  "
              "ParentCid: %04x\n",
              kd_va(p), p->UniqueProcessId, p->Peb,
              p->InheritedFromUniqueProcessId);
    rtl_print("    DirBase: %08x  ObjectTable: %08x  HandleCount: %u.\n",
              p->Pcb.DirectoryTableBase << PAGE_SHIFT,
              p->ObjectTable != NULL ? kd_va(p->ObjectTable) : 0,
              handle_count(p->ObjectTable));
    rtl_print("    Image: %s\n", p->ImageFileName);
}

static const char *wait_reason_name(UCHAR reason)
{
    static const char *const names[] = {
        "Executive",       "FreePage",         "PageIn",
        "PoolAllocation",  "DelayExecution",   "Suspended",
        "UserRequest",     "WrExecutive",      "WrFreePage",
        "WrPageIn",        "WrPoolAllocation", "WrDelayExecution",
        "WrSuspended",     "WrUserRequest",    "WrEventPair",
        "WrQueue",         "WrLpcReceive",     "WrLpcReply",
        "WrVirtualMemory", "WrPageOut",        "WrRendezvous",
    };

    return reason < ARRAYSIZE(names) ? names[reason] : "Unknown";
}

/* The state part of !thread's first line ("RUNNING on processor 0"). */
static void print_state(const KTHREAD *t)
{
    static const char *const states[] = {
        "INITIALIZED", "READY",         "RUNNING on processor 0",
        "STANDBY",     "TERMINATED",    "WAIT",
        "TRANSITION",  "DEFERREDREADY",
    };

    if (t->State != Waiting) {
        rtl_print("%s\n",
                  t->State < ARRAYSIZE(states) ? states[t->State] : "UNKNOWN");
        return;
    }
    rtl_print("WAIT: (%s) %s %s\n", wait_reason_name(t->WaitReason),
              t->WaitMode == KernelMode ? "KernelMode" : "UserMode",
              t->Alertable ? "Alertable" : "Non-Alertable");
    if (t->WaitBlockList != NULL && t->WaitReason != DelayExecution) {
        KWAIT_BLOCK *block = t->WaitBlockList;

        do {
            kd_print_wait_object(block->Object);
            block = block->NextWaitBlock;
        } while (block != t->WaitBlockList);
    }
}

/* A frame pointer on thread t's stack as a guest address; 0 for one off
 * the stack (the outermost frame's caller is not the kernel's). */
static ULONG on_stack(const KTHREAD *t, ULONG_PTR fp)
{
    return fp >= (ULONG_PTR)t->StackLimit && fp < (ULONG_PTR)t->InitialStack
               ? kd_va((const void *)fp)
               : 0;
}

/* frames[0..n-1] of thread t in k's columns. */
static void print_frames(const KTHREAD *t, const kd_frame *frames, ULONG n)
{
    ULONG i;
    char text[200];

    rtl_print(" # Child-SP RetAddr  Call Site\n");
    for (i = 0; i < n; i++) {
        kd_format_code(&frames[i], text, sizeof text);
        rtl_print("%02x %08x %08x %s\n", i, on_stack(t, frames[i].fp),
                  i + 1 < n ? kd_va((const void *)frames[i + 1].ip) : 0, text);
    }
}

/* The current thread's backtrace (frame 0 the break). */
static void print_stack(const kd_break *at)
{
    kd_frame frames[KD_MAX_FRAMES];
    ULONG n;

    n = kd_walk_current(
        at->stop != NULL ? at->stop->fp : (ULONG_PTR)__builtin_frame_address(0),
        frames, KD_MAX_FRAMES);
    /* At a breakpoint the trap's ip is after the int3: show the int3. */
    if (at->trap != NULL && n > 0 && frames[0].exact)
        frames[0].ip -= 1;
    print_frames(kd_current_thread(), frames, n);
}

/* The backtrace of a thread that is not running, from where it switched
 * away; one line when it has none to walk. */
static void print_suspended_stack(const KTHREAD *t)
{
    kd_frame frames[KD_MAX_FRAMES];
    ULONG n = t->State == Terminated
                  ? 0
                  : kd_walk_suspended(t, frames, KD_MAX_FRAMES);

    if (n == 0)
        rtl_print("(no stack to walk: the thread %s)\n",
                  t->State == Terminated ? "has ended" : "has not run yet");
    else
        print_frames(t, frames, n);
}

static void print_thread(const kd_break *at, const KTHREAD *t)
{
    const ETHREAD *e = CONTAINING_RECORD(t, ETHREAD, Tcb);
    const EPROCESS *p = CONTAINING_RECORD(t->Process, EPROCESS, Pcb);
    BOOLEAN current = t == kd_current_thread();

    rtl_print("THREAD %08x  Cid %04x.%04x  Teb: %08x Win32Thread: 00000000 ",
              kd_va(t), e->UniqueProcess, e->UniqueThread, t->Teb);
    print_state(t);
    if (current)
        rtl_print("IRQL %u (%s)\n", at->irql, ke_irql_name(at->irql));
    rtl_print("Owning Process            %08x       Image:         %s\n",
              kd_va(p), p->ImageFileName);
    if (t->ApcState.Process != t->Process)
        rtl_print("Attached Process          %08x       Image:         %s\n",
                  kd_va(t->ApcState.Process),
                  ps_process_name(t->ApcState.Process));
    /* A running thread's saved stack pointer is stale: the break's is
     * current. */
    rtl_print("Stack Init %08x Current %08x Base %08x Limit %08x\n",
              kd_va(t->InitialStack),
              !current           ? kd_va(t->Context.sp)
              : at->trap != NULL ? kd_va((const void *)at->trap->sp)
                                 : kd_va((const void *)at->stop->fp),
              kd_va(t->InitialStack), kd_va(t->StackLimit));
    rtl_print("Priority %d BasePriority %d\n", t->Priority, t->BasePriority);
    if (current)
        print_stack(at);
    else
        print_suspended_stack(t);
}

void kd_cmd_process(const kd_break *at, const char *args)
{
    const char *p = args;
    char word[40];
    ULONG va, flags = 0;
    EPROCESS *process;
    PLIST_ENTRY e;

    if (!kd_word(&p, word, sizeof word) || !kd_number(word, &va) ||
        (kd_word(&p, word, sizeof word) && !kd_number(word, &flags))) {
        kd_syntax_error("!process", args);
        return;
    }
    if (va == 0) {
        rtl_print("**** NT ACTIVE PROCESS DUMP ****\n");
        for (process = ps_next_process(NULL); process != NULL;
             process = ps_next_process(process)) {
            kd_print_process(process);
            rtl_print("\n");
        }
        return;
    }
    process = kd_find_process(va);
    if (process == NULL) {
        rtl_print("%08x is not a process\n", va);
        return;
    }
    kd_print_process(process);
    for (e = process->Pcb.ThreadListHead.Flink;
         e != &process->Pcb.ThreadListHead; e = e->Flink) {
        rtl_print("\n");
        print_thread(at, CONTAINING_RECORD(e, KTHREAD, ThreadListEntry));
    }
}

void kd_cmd_thread(const kd_break *at, const char *args)
{
    const char *p = args;
    char word[40];
    ULONG va;
    KTHREAD *t = kd_current_thread();

    if (kd_word(&p, word, sizeof word)) {
        if (!kd_number(word, &va) || kd_word(&p, word, sizeof word)) {
            kd_syntax_error("!thread", args);
            return;
        }
        t = find_thread(va);
        if (t == NULL) {
            rtl_print("%08x is not a thread\n", va);
            return;
        }
    }
    if (t == NULL) {
        rtl_print("no thread: the break is during boot\n");
        return;
    }
    print_thread(at, t);
}

void kd_cmd_k(const kd_break *at, const char *args)
{
    if (*args != '\0') {
        kd_syntax_error("k", args);
        return;
    }
    if (kd_current_thread() == NULL) {
        rtl_print("no thread: the break is during boot\n");
        return;
    }
    print_stack(at);
}

void kd_cmd_irql(const kd_break *at, const char *args)
{
    if (*args != '\0' && !(args[0] == '0' && args[1] == '\0')) {
        rtl_print("!irql: there is one processor, 0\n");
        return;
    }
    rtl_print("Debugger saved IRQL for processor 0x0 -- %u (%s)\n", at->irql,
              ke_irql_name(at->irql));
}

/* A module's name as lm shows it: the file name without ".sys". */
static void module_name(const char *file, char *name, ULONG size)
{
    ULONG n = 0;

    while (file[n] != '\0' && file[n] != '.' && n + 1 < size) {
        name[n] = file[n];
        n++;
    }
    name[n] = '\0';
}

void kd_cmd_lm(const kd_break *at, const char *args)
{
    const mm_system_image *image;
    ULONG base, size;
    ULONG_PTR start, host_size;
    char name[64];

    (void)at;
    if (*args != '\0') {
        kd_syntax_error("lm", args);
        return;
    }
    kd_nt_image(&base, &size);
    if (size == 0) {
        hal_kernel_image(&start, &host_size);
        base = HAL_PTR_VA(start);
        size = (ULONG)host_size;
    }
    rtl_print("start    end        module name\n");
    rtl_print("%08x %08x   %-10s ntlab's kernel\n", base, base + size, "nt");
    for (image = mm_next_image(NULL); image != NULL;
         image = mm_next_image(image)) {
        module_name(image->name, name, sizeof name);
        rtl_print("%08x %08x   %-10s %s\n", image->base,
                  image->base + image->size, name, image->name);
    }
}
