/*
 * Processes and threads (Ps), private interface: the executive's process
 * and thread objects over the kernel's KPROCESS and KTHREAD.
 *
 * The Idle process (PID 0) owns the boot page directory and the idle
 * thread; both are static, as NT's are. The System process (PID 4) has a
 * page directory of its own with an empty user half; system threads run in
 * it. Process and thread IDs are multiples of 4 from one counter.
 */
#ifndef KERNEL_PS_H
#define KERNEL_PS_H

#include "../ke/ke.h"
#include "../mm/mm.h"

typedef struct _EPROCESS {
    KPROCESS Pcb;
    mm_space Space;
    ULONG UniqueProcessId;
    CHAR ImageFileName[16];
    LIST_ENTRY ActiveProcessLinks;
} EPROCESS;

typedef struct _ETHREAD {
    KTHREAD Tcb;
    ULONG UniqueThread;
    ULONG UniqueProcess;
} ETHREAD;

extern EPROCESS ps_idle_process;

/* Sets up the Idle process over the boot address space (boot only). */
void ps_init_idle_process(void);
/* The idle thread's control block, for ke_start_idle_thread. */
KTHREAD *ps_idle_thread(void);
/* Creates the System process, PID 4 (boot only). */
void ps_init_system_process(void);

/*
 * Creates a thread in the System process running start(context) at
 * priority 8 and makes it ready. IRQL PASSIVE_LEVEL.
 */
NTSTATUS ps_create_system_thread(PKSTART_ROUTINE start, PVOID context,
                                 ETHREAD **thread);

const char *ps_process_name(const KPROCESS *process);
ULONG ps_process_id(const KPROCESS *process);
ULONG ps_thread_id(const KTHREAD *thread);

#endif
