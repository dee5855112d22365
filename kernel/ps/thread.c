/*
 * Thread objects: creation, the first and last things a thread does, the
 * reaper that lets go of a thread once it has switched away for good, and
 * the Ps routines about threads.
 */
#include "ps.h"

#include "../io/io.h"

#include "../ex/ex.h"
#include "../ob/ob.h"

static POBJECT_TYPE thread_type;
POBJECT_TYPE *PsThreadType = &thread_type;

static EPROCESS *process_of(const ETHREAD *thread)
{
    return CONTAINING_RECORD(thread->Tcb.Process, EPROCESS, Pcb);
}

/* The delete routine: what the last reference to a thread takes away. */
static void delete_thread(PVOID object)
{
    ETHREAD *thread = object;

    if (thread->UniqueThread != 0)
        ps_delete_cid(thread->UniqueThread);
    if (thread->Tcb.Process == NULL)
        return; /* ke_init_thread never ran */
    if (!thread->Started)
        ke_forget_thread(&thread->Tcb);
    mm_delete_kernel_stack(HAL_PTR_VA(thread->Tcb.InitialStack));
    ObfDereferenceObject(process_of(thread));
}

void ps_init_threads(struct ob_header *idle)
{
    static const ob_type_info info = {
        .name = L"Thread",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | THREAD_GET_CONTEXT |
                        THREAD_QUERY_INFORMATION,
                    STANDARD_RIGHTS_WRITE | THREAD_TERMINATE |
                        THREAD_SUSPEND_RESUME | THREAD_ALERT |
                        THREAD_SET_INFORMATION | THREAD_SET_CONTEXT,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, THREAD_ALL_ACCESS},
        .valid_access = THREAD_ALL_ACCESS,
        .wait_offset = 0,
        .delete_object = delete_thread,
    };

    thread_type = ob_create_type(&info);
    idle->type = thread_type;
}

/* ---- Creation ------------------------------------------------------------ */

/* The first code of every Ps thread, at PASSIVE_LEVEL. */
static VOID thread_start(PVOID context)
{
    ETHREAD *thread = context;

    thread->StartAddress(thread->StartContext);
    ps_exit_thread(STATUS_SUCCESS);
}

NTSTATUS ps_create_unstarted_thread(EPROCESS *process, PKSTART_ROUTINE start,
                                    PVOID context, ETHREAD **result)
{
    ETHREAD *thread;
    NTSTATUS status =
        ob_create_object(thread_type, sizeof *thread, (PVOID *)&thread);

    if (!NT_SUCCESS(status))
        return status;
    ObfReferenceObject(process);
    status =
        ke_init_thread(&thread->Tcb, &process->Pcb, thread_start, thread, 8);
    if (!NT_SUCCESS(status)) {
        ObfDereferenceObject(process);
        ObfDereferenceObject(thread);
        return status;
    }
    thread->StartAddress = start;
    thread->StartContext = context;
    InitializeListHead(&thread->IrpList);
    thread->UniqueProcess = process->UniqueProcessId;
    thread->ExitStatus = STATUS_PENDING;
    KeQuerySystemTime(&thread->CreateTime);
    status = ps_create_cid(thread, &thread->UniqueThread);
    if (!NT_SUCCESS(status)) {
        ObfDereferenceObject(thread);
        return status;
    }
    *result = thread;
    return STATUS_SUCCESS;
}

NTSTATUS ps_start_thread(ETHREAD *thread)
{
    EPROCESS *process = process_of(thread);
    KIRQL irql = ps_lock_processes();
    BOOLEAN exiting = process->Exiting;

    if (!exiting)
        process->ActiveThreads++;
    ps_unlock_processes(irql);
    if (exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    thread->Started = TRUE;
    ObfReferenceObject(thread);
    ke_ready_thread(&thread->Tcb);
    return STATUS_SUCCESS;
}

NTSTATUS ps_create_thread(EPROCESS *process, PKSTART_ROUTINE start,
                          PVOID context, ETHREAD **result)
{
    ETHREAD *thread;
    NTSTATUS status =
        ps_create_unstarted_thread(process, start, context, &thread);

    if (!NT_SUCCESS(status))
        return status;
    status = ps_start_thread(thread);
    if (!NT_SUCCESS(status) || result == NULL)
        ObfDereferenceObject(thread);
    else
        *result = thread;
    return status;
}

NTSTATUS ps_create_system_thread(PKSTART_ROUTINE start, PVOID context,
                                 ETHREAD **result)
{
    ETHREAD *thread;
    NTSTATUS status = ps_create_unstarted_thread(PsInitialSystemProcess, start,
                                                 context, &thread);

    if (!NT_SUCCESS(status))
        return status;
    thread->Tcb.SystemThread = TRUE;
    status = ps_start_thread(thread);
    if (!NT_SUCCESS(status) || result == NULL)
        ObfDereferenceObject(thread);
    else
        *result = thread;
    return status;
}

/* ---- The end of a thread ------------------------------------------------- */

/* A worker thread's last look at a thread: once it has switched away for
 * good (its object is signalled only then), its reference goes. */
static VOID reap(PVOID context)
{
    ETHREAD *thread = context;

    KeWaitForSingleObject(&thread->Tcb, Executive, KernelMode, FALSE, NULL);
    ObfDereferenceObject(thread);
}

void ps_exit_thread(NTSTATUS status)
{
    ETHREAD *thread = PsGetCurrentThread();
    EPROCESS *process = process_of(thread);
    BOOLEAN last;
    KIRQL irql;

    ke_check_exit(&thread->Tcb);
    io_cancel_thread_io(thread);
    thread->ExitStatus = status;
    KeQuerySystemTime(&thread->ExitTime);
    irql = ps_lock_processes();
    last = --process->ActiveThreads == 0;
    if (last)
        process->Exiting = TRUE;
    ps_unlock_processes(irql);
    if (last)
        ps_process_rundown(process, status);
    else
        ps_free_user_thread(thread);
    thread->Terminated = TRUE;
    ExInitializeWorkItem(&thread->ReaperItem, reap, thread);
    ExQueueWorkItem(&thread->ReaperItem, DelayedWorkQueue);
    ke_terminate_thread();
}

/* ---- Exported routines --------------------------------------------------- */

NTSTATUS NTAPI PsCreateSystemThread(PHANDLE ThreadHandle, ULONG DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes,
                                    HANDLE ProcessHandle, PCLIENT_ID ClientId,
                                    PKSTART_ROUTINE StartRoutine,
                                    PVOID StartContext)
{
    EPROCESS *process = PsInitialSystemProcess;
    ETHREAD *thread;
    ULONG attributes = ObjectAttributes ? ObjectAttributes->Attributes : 0;
    NTSTATUS status;

    if (ProcessHandle != NULL) {
        status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_CREATE_THREAD,
                                           *PsProcessType, KernelMode,
                                           (PVOID *)&process, NULL);
        if (!NT_SUCCESS(status))
            return status;
    } else {
        ObfReferenceObject(process);
    }
    status = ps_create_unstarted_thread(process, StartRoutine, StartContext,
                                        &thread);
    ObfDereferenceObject(process);
    if (!NT_SUCCESS(status))
        return status;
    thread->Tcb.SystemThread = TRUE;
    status = ObOpenObjectByPointer(thread, attributes, NULL, DesiredAccess,
                                   thread_type, KernelMode, ThreadHandle);
    if (NT_SUCCESS(status)) {
        status = ps_start_thread(thread);
        if (!NT_SUCCESS(status))
            ZwClose(*ThreadHandle);
    }
    if (NT_SUCCESS(status) && ClientId != NULL) {
        ClientId->UniqueProcess = (HANDLE)(ULONG_PTR)thread->UniqueProcess;
        ClientId->UniqueThread = (HANDLE)(ULONG_PTR)thread->UniqueThread;
    }
    ObfDereferenceObject(thread);
    return status;
}

NTSTATUS NTAPI PsTerminateSystemThread(NTSTATUS ExitStatus)
{
    if (!KeGetCurrentThread()->SystemThread)
        return STATUS_INVALID_PARAMETER;
    ps_exit_thread(ExitStatus);
}

NTSTATUS NTAPI PsLookupThreadByThreadId(HANDLE ThreadId, PETHREAD *Thread)
{
    PVOID object = (ULONG_PTR)ThreadId <= MAXULONG
                       ? ps_lookup_cid((ULONG)(ULONG_PTR)ThreadId)
                       : NULL;

    *Thread = NULL;
    if (object == NULL)
        return STATUS_INVALID_PARAMETER;
    if (ob_type_of(object) != thread_type) {
        ObfDereferenceObject(object);
        return STATUS_INVALID_PARAMETER;
    }
    *Thread = object;
    return STATUS_SUCCESS;
}

ULONG ps_thread_id(const KTHREAD *thread)
{
    return CONTAINING_RECORD(thread, ETHREAD, Tcb)->UniqueThread;
}

PETHREAD NTAPI PsGetCurrentThread(VOID)
{
    return CONTAINING_RECORD(KeGetCurrentThread(), ETHREAD, Tcb);
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

HANDLE NTAPI PsGetThreadId(PETHREAD Thread)
{
    return (HANDLE)(ULONG_PTR)Thread->UniqueThread;
}

HANDLE NTAPI PsGetThreadProcessId(PETHREAD Thread)
{
    return (HANDLE)(ULONG_PTR)Thread->UniqueProcess;
}

BOOLEAN NTAPI PsIsSystemThread(PETHREAD Thread)
{
    return Thread->Tcb.SystemThread;
}

/* ---- The current thread's kernel stack (the I/O manager's names) ------- */

PVOID NTAPI IoGetInitialStack(VOID)
{
    return KeGetCurrentThread()->InitialStack;
}

/* The limits of the stack the caller runs on: [*LowLimit, *HighLimit). */
VOID NTAPI IoGetStackLimits(PULONG_PTR LowLimit, PULONG_PTR HighLimit)
{
    PKTHREAD thread = KeGetCurrentThread();

    *LowLimit = (ULONG_PTR)thread->StackLimit;
    *HighLimit = (ULONG_PTR)thread->InitialStack;
}

/* The bytes between the caller's frame and the stack's limit. */
ULONG_PTR NTAPI IoGetRemainingStackSize(VOID)
{
    volatile UCHAR here = 0;

    return (ULONG_PTR)&here - (ULONG_PTR)KeGetCurrentThread()->StackLimit;
}
