/*
 * Processes and threads (Ps), private interface: the executive's process
 * and thread objects over the kernel's KPROCESS and KTHREAD.
 *
 * EPROCESS and ETHREAD are objects of the object manager (PsProcessType,
 * PsThreadType) in nonpaged pool. A process lives while referenced; its
 * address space and handles go when its last thread exits, its page
 * directory and ID when the object is deleted. A thread holds a reference
 * to its process, and one to itself until it has ended and switched away
 * for the last time (then a worker thread drops it); its kernel stack goes
 * with the object. Process and thread IDs come from one table of client
 * IDs, multiples of 4 from 4 (the System process).
 *
 * The Idle process (PID 0) and its thread are static and never deleted,
 * as NT's are.
 */
#ifndef KERNEL_PS_H
#define KERNEL_PS_H

#include "../ke/ke.h"
#include "../mm/mm.h"

struct ob_handle_table;

typedef struct _EPROCESS {
    KPROCESS Pcb;
    mm_space Space;
    ULONG UniqueProcessId;
    ULONG InheritedFromUniqueProcessId;
    CHAR ImageFileName[16];
    LIST_ENTRY ActiveProcessLinks; /* ps_process_lock */
    struct ob_handle_table *ObjectTable;
    NTSTATUS ExitStatus;  /* STATUS_PENDING while it runs */
    ULONG ActiveThreads;  /* ps_process_lock */
    BOOLEAN Exiting;      /* its last thread is on its way out */
    BOOLEAN SpaceCleaned; /* the user half is gone */
    ULONG Peb;            /* user address of its PEB, 0 for none */
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER ExitTime;
} EPROCESS;

typedef struct _ETHREAD {
    KTHREAD Tcb;
    ULONG UniqueThread;
    ULONG UniqueProcess;
    NTSTATUS ExitStatus;
    PKSTART_ROUTINE StartAddress;
    PVOID StartContext;
    ULONG Teb; /* user address of its TEB, 0 for a system thread */
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER ExitTime;
    WORK_QUEUE_ITEM ReaperItem;
    BOOLEAN Started;    /* ke_ready_thread has run */
    BOOLEAN Terminated; /* it has ended */
} ETHREAD;

extern EPROCESS *const ps_idle_process_ptr;
#define ps_idle_process (*ps_idle_process_ptr)

/* Guards ActiveProcessLinks and ActiveThreads (DISPATCH_LEVEL). */
KIRQL ps_lock_processes(void);
void ps_unlock_processes(KIRQL irql);

/* Sets up the Idle process over the boot address space (boot only). */
void ps_init_idle_process(void);
/* The idle thread's control block, for ke_start_idle_thread. */
KTHREAD *ps_idle_thread(void);
/* Makes the process and thread types and the System process, PID 4, with
 * the kernel's handle table (boot, after ob_init). */
void ps_init_system_process(void);

/*
 * Makes a process named name with an empty user half, a handle table and
 * an ID, and no threads; *process is referenced for the caller.
 * PASSIVE_LEVEL.
 */
NTSTATUS ps_create_process(const char *name, EPROCESS **process);

/*
 * Makes a thread in process running start(context) at priority 8 and makes
 * it ready. If thread is not NULL, *thread is referenced for the caller.
 * PASSIVE_LEVEL.
 */
NTSTATUS ps_create_thread(EPROCESS *process, PKSTART_ROUTINE start,
                          PVOID context, ETHREAD **thread);
/* The same in the System process. */
NTSTATUS ps_create_system_thread(PKSTART_ROUTINE start, PVOID context,
                                 ETHREAD **thread);

/* Makes the thread type; idle is the idle thread's header (boot). */
struct ob_header;
void ps_init_threads(struct ob_header *idle);

/* The end of a process, run by its last thread: its exit status (unless
 * already set), its handles and its user address space go. */
void ps_process_rundown(EPROCESS *process, NTSTATUS status);

/* Ends the current thread with status (and its process, if it is the last
 * one). PASSIVE_LEVEL. */
DECLSPEC_NORETURN void ps_exit_thread(NTSTATUS status);

/* Client IDs (cid.c): IDs for processes and threads, and lookup. */
NTSTATUS ps_create_cid(PVOID object, ULONG *id);
void ps_delete_cid(ULONG id);
/* The object with ID id, referenced, or NULL. */
PVOID ps_lookup_cid(ULONG id);

const char *ps_process_name(const KPROCESS *process);
ULONG ps_process_id(const KPROCESS *process);
ULONG ps_thread_id(const KTHREAD *thread);

#endif
