/*
 * The Idle and System processes, system threads, and the Ps routines that
 * say which process and thread are current.
 */
#include "ps.h"

EPROCESS ps_idle_process;
static ETHREAD idle_thread;
static LIST_ENTRY active_processes = {&active_processes, &active_processes};
static ULONG next_cid = 8;

PEPROCESS PsInitialSystemProcess;

static ULONG new_cid(void)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG cid = next_cid;

    next_cid += 4;
    KfLowerIrql(irql);
    return cid;
}

static void set_name(EPROCESS *process, const char *name)
{
    ULONG i;

    for (i = 0; name[i] != '\0' && i + 1 < sizeof process->ImageFileName; i++)
        process->ImageFileName[i] = name[i];
    process->ImageFileName[i] = '\0';
}

void ps_init_idle_process(void)
{
    ke_init_process(&ps_idle_process.Pcb, ps_idle_process.Space.pd_pfn);
    ps_idle_process.UniqueProcessId = 0;
    set_name(&ps_idle_process, "Idle");
    InsertTailList(&active_processes, &ps_idle_process.ActiveProcessLinks);
}

KTHREAD *ps_idle_thread(void)
{
    return &idle_thread.Tcb;
}

void ps_init_system_process(void)
{
    EPROCESS *system =
        ExAllocatePoolWithTag(NonPagedPool, sizeof *system, 'corP');

    if (system != NULL)
        RtlZeroMemory(system, sizeof *system);
    if (system == NULL || !NT_SUCCESS(mm_create_space(&system->Space)))
        KeBugCheckEx(PROCESS_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    ke_init_process(&system->Pcb, system->Space.pd_pfn);
    system->UniqueProcessId = 4;
    set_name(system, "System");
    InsertTailList(&active_processes, &system->ActiveProcessLinks);
    PsInitialSystemProcess = system;
}

NTSTATUS ps_create_system_thread(PKSTART_ROUTINE start, PVOID context,
                                 ETHREAD **result)
{
    ETHREAD *thread =
        ExAllocatePoolWithTag(NonPagedPool, sizeof *thread, 'erhT');
    NTSTATUS status;

    if (thread == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(thread, sizeof *thread);
    status = ke_init_thread(&thread->Tcb, &PsInitialSystemProcess->Pcb, start,
                            context, 8);
    if (!NT_SUCCESS(status))
        return status;
    thread->Tcb.SystemThread = TRUE;
    thread->UniqueThread = new_cid();
    thread->UniqueProcess = PsInitialSystemProcess->UniqueProcessId;
    ke_ready_thread(&thread->Tcb);
    if (result != NULL)
        *result = thread;
    return STATUS_SUCCESS;
}

const char *ps_process_name(const KPROCESS *process)
{
    return CONTAINING_RECORD(process, EPROCESS, Pcb)->ImageFileName;
}

ULONG ps_process_id(const KPROCESS *process)
{
    return CONTAINING_RECORD(process, EPROCESS, Pcb)->UniqueProcessId;
}

ULONG ps_thread_id(const KTHREAD *thread)
{
    return CONTAINING_RECORD(thread, ETHREAD, Tcb)->UniqueThread;
}

PEPROCESS NTAPI PsGetCurrentProcess(VOID)
{
    return CONTAINING_RECORD(KeGetCurrentThread()->ApcState.Process, EPROCESS,
                             Pcb);
}

PETHREAD NTAPI PsGetCurrentThread(VOID)
{
    return CONTAINING_RECORD(KeGetCurrentThread(), ETHREAD, Tcb);
}

HANDLE NTAPI PsGetProcessId(PEPROCESS Process)
{
    return (HANDLE)(ULONG_PTR)Process->UniqueProcessId;
}

/* The current thread's own process, even while it is attached elsewhere. */
HANDLE NTAPI PsGetCurrentProcessId(VOID)
{
    return (HANDLE)(ULONG_PTR)PsGetCurrentThread()->UniqueProcess;
}

HANDLE NTAPI PsGetCurrentThreadId(VOID)
{
    return (HANDLE)(ULONG_PTR)PsGetCurrentThread()->UniqueThread;
}
