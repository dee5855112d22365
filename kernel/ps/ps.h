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
 * The Idle process (PID 0) and its thread are made at boot in nonpaged
 * pool and never deleted, as NT's are.
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
    ULONG ImageEntry;     /* user address of its image entry point */
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER ExitTime;
    ULONG Privileges; /* its token's, all enabled: bit n, privilege n */
} EPROCESS;

typedef struct _ETHREAD {
    KTHREAD Tcb;
    ULONG UniqueThread;
    ULONG UniqueProcess;
    NTSTATUS ExitStatus;
    PKSTART_ROUTINE StartAddress;
    PVOID StartContext;
    LARGE_INTEGER CreateTime;
    LARGE_INTEGER ExitTime;
    WORK_QUEUE_ITEM ReaperItem;
    /* A user thread: where it starts (values as user mode sees them), and
     * its stack. Its TEB is Tcb.Teb. */
    ULONG_PTR UserStart;
    ULONG_PTR UserArgument;
    ULONG UserStackBase;
    ULONG UserStackTop;
    LIST_ENTRY IrpList; /* its pending IRPs, by ThreadListEntry; DISPATCH */
    KAPC TerminateApc;
    NTSTATUS TerminateStatus;
    BOOLEAN TerminateRequested; /* ps_lock_processes */
    BOOLEAN Started;            /* ke_ready_thread has run */
    BOOLEAN Terminated;         /* it has ended */
} ETHREAD;

extern EPROCESS *ps_idle_process_ptr;
#define ps_idle_process (*ps_idle_process_ptr)

/* Guards ActiveProcessLinks and ActiveThreads (DISPATCH_LEVEL). */
KIRQL ps_lock_processes(void);
void ps_unlock_processes(KIRQL irql);

/* Sets up the Idle process and thread in nonpaged pool, the process over
 * the boot address space (boot only: after the pools and the KPCR, before
 * mm_init_phase1). */
void ps_init_idle_process(void);
/* The process after prev in creation order (the first, Idle, when prev is
 * NULL), or NULL after the last. For a debugger that holds the machine
 * still (no lock taken); any IRQL. */
EPROCESS *ps_next_process(const EPROCESS *prev);
/* The idle thread's control block, for ke_start_idle_thread. */
KTHREAD *ps_idle_thread(void);
/* Makes the process and thread types and the System process, PID 4, with
 * the kernel's handle table (boot, after ob_init). */
void ps_init_system_process(void);

/* The privileges of processes the System process starts (the programs of
 * the command line): --privilege's, set at boot. */
extern ULONG ps_user_privileges;

/*
 * Makes a process named name with an empty user half, a handle table and
 * an ID, and no threads; *process is referenced for the caller. It holds
 * its creator's privileges, or ps_user_privileges when the System process
 * creates it. PASSIVE_LEVEL.
 */
NTSTATUS ps_create_process(const char *name, EPROCESS **process);

/*
 * Makes a thread in process running start(context) at priority 8 and makes
 * it ready. If thread is not NULL, *thread is referenced for the caller.
 * PASSIVE_LEVEL.
 */
NTSTATUS ps_create_thread(EPROCESS *process, PKSTART_ROUTINE start,
                          PVOID context, ETHREAD **thread);
/* The two halves of ps_create_thread: a thread object, referenced, that
 * has not run; and letting it run. */
NTSTATUS ps_create_unstarted_thread(EPROCESS *process, PKSTART_ROUTINE start,
                                    PVOID context, ETHREAD **thread);
NTSTATUS ps_start_thread(ETHREAD *thread);
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

/* ---- User mode (user.c, image.c) ----------------------------------------- */

/* A program image loaded into user space: its span, entry point, and the
 * user runtime's entry points the kernel calls. */
typedef struct ps_image {
    ULONG base, end, entry;
    ULONG thread_start, exception_dispatcher, apc_dispatcher;
} ps_image;

/* The boot module called name (case does not matter). */
NTSTATUS ps_find_module(const char *name, ULONG *index);
/* Loads module's image into the current process's user space. */
NTSTATUS ps_load_image(ULONG module, ps_image *image);

/*
 * Makes a process running the program module name names, with its first
 * thread not yet started; both referenced for the caller. PASSIVE_LEVEL.
 */
NTSTATUS ps_create_user_process(const UNICODE_STRING *name,
                                const UNICODE_STRING *command_line,
                                EPROCESS **process, ETHREAD **thread);
/* Makes a user thread (not yet started) in process, to run
 * start(argument) (user-visible values) on a stack of stack_size bytes. */
NTSTATUS ps_create_user_thread(EPROCESS *process, ULONG_PTR start,
                               ULONG_PTR argument, SIZE_T stack_size,
                               ETHREAD **thread);
/* Frees the ending current thread's TEB and stack. */
void ps_free_user_thread(ETHREAD *thread);

/* Ends the current process with status: its other threads are told to end,
 * then the caller ends. PASSIVE_LEVEL. */
DECLSPEC_NORETURN void ps_terminate_current_process(NTSTATUS status);

/* Client IDs (cid.c): IDs for processes and threads, and lookup. */
NTSTATUS ps_create_cid(PVOID object, ULONG *id);
void ps_delete_cid(ULONG id);
/* The object with ID id, referenced, or NULL. */
PVOID ps_lookup_cid(ULONG id);

const char *ps_process_name(const KPROCESS *process);
ULONG ps_process_id(const KPROCESS *process);
ULONG ps_thread_id(const KTHREAD *thread);

#endif
