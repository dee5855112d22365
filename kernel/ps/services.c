/*
 * The process and thread services: opening by client ID, ending threads
 * and processes, basic information, user threads and user APCs.
 *
 * A thread ends another by queueing it a kernel APC whose normal routine
 * ends it where it stands (its next trip through the kernel, or at once if
 * it waits); a thread ends itself directly.
 */
#include "ps.h"

#include "../ob/ob.h"

/* ---- Opening by client ID ------------------------------------------------ */

/* Looks up cid (the caller's, captured for mode): the thread if it names
 * one, else the process. */
static NTSTATUS lookup_cid(PCLIENT_ID cid, KPROCESSOR_MODE mode,
                           BOOLEAN want_thread, PVOID *object)
{
    CLIENT_ID id;
    PETHREAD thread;
    NTSTATUS status = mm_capture(mode, cid, sizeof id, sizeof(ULONG), &id);

    if (!NT_SUCCESS(status))
        return status;
    if (id.UniqueThread != NULL) {
        if (!NT_SUCCESS(PsLookupThreadByThreadId(id.UniqueThread, &thread)))
            return STATUS_INVALID_CID;
        if (id.UniqueProcess != NULL &&
            PsGetThreadProcessId(thread) != id.UniqueProcess) {
            ObDereferenceObject(thread);
            return STATUS_INVALID_CID;
        }
        if (want_thread) {
            *object = thread;
            return STATUS_SUCCESS;
        }
        *object = CONTAINING_RECORD(thread->Tcb.Process, EPROCESS, Pcb);
        ObReferenceObject(*object);
        ObDereferenceObject(thread);
        return STATUS_SUCCESS;
    }
    if (want_thread)
        return STATUS_INVALID_CID;
    return NT_SUCCESS(PsLookupProcessByProcessId(id.UniqueProcess,
                                                 (PEPROCESS *)object))
               ? STATUS_SUCCESS
               : STATUS_INVALID_CID;
}

static NTSTATUS open_by_cid(PHANDLE out, ACCESS_MASK access,
                            POBJECT_ATTRIBUTES attributes, PCLIENT_ID cid,
                            BOOLEAN thread)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    ob_captured captured;
    HANDLE handle;
    PVOID object;
    NTSTATUS status;

    if (cid == NULL)
        return STATUS_INVALID_PARAMETER_MIX;
    status = ob_capture(attributes, mode, &captured);
    if (NT_SUCCESS(status) && captured.attributes.ObjectName != NULL)
        status = STATUS_INVALID_PARAMETER_MIX;
    if (NT_SUCCESS(status))
        status = lookup_cid(cid, mode, thread, &object);
    if (NT_SUCCESS(status)) {
        status = ObOpenObjectByPointer(
            object, captured.attributes.Attributes, NULL, access,
            thread ? *PsThreadType : *PsProcessType, mode, &handle);
        ObDereferenceObject(object); /* the lookup's; the handle has one */
    }
    ob_release_captured(&captured);
    return NT_SUCCESS(status) ? ob_return_handle(out, handle, mode) : status;
}

NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
                             POBJECT_ATTRIBUTES ObjectAttributes,
                             PCLIENT_ID ClientId)
{
    return open_by_cid(ProcessHandle, DesiredAccess, ObjectAttributes, ClientId,
                       FALSE);
}

NTSTATUS NTAPI NtOpenThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                            POBJECT_ATTRIBUTES ObjectAttributes,
                            PCLIENT_ID ClientId)
{
    return open_by_cid(ThreadHandle, DesiredAccess, ObjectAttributes, ClientId,
                       TRUE);
}

/* ---- Ending threads and processes ---------------------------------------- */

static VOID terminate_kernel_routine(PKAPC apc, PKNORMAL_ROUTINE *normal,
                                     PVOID *context, PVOID *arg1, PVOID *arg2)
{
    UNREFERENCED_PARAMETER(apc);
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
}

/* The second half of a deferred end, on the way out of the service: the
 * kernel routine of a user APC (APC_LEVEL), which never returns. */
static VOID exit_on_return(PKAPC apc, PKNORMAL_ROUTINE *normal,
                           PVOID *context, PVOID *arg1, PVOID *arg2)
{
    UNREFERENCED_PARAMETER(apc);
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    KeLowerIrql(PASSIVE_LEVEL);
    ps_exit_thread(((ETHREAD *)*context)->TerminateStatus);
}

static VOID never_runs(PVOID context, PVOID arg1, PVOID arg2)
{
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
}

/*
 * The thread ends here, unless it is in a user-mode wait of a system
 * service: that service holds references (the objects waited on, at
 * least) that it lets go only when it returns. Then, as on NT, the end is
 * queued again as a user APC: the wait ends with STATUS_USER_APC, the
 * service returns, and on its way back to user mode the thread ends.
 */
static VOID terminate_normal_routine(PVOID context, PVOID arg1, PVOID arg2)
{
    ETHREAD *thread = context;

    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    if (thread->Tcb.WaitMode != UserMode)
        ps_exit_thread(thread->TerminateStatus);
    KeInitializeApc(&thread->TerminateApc, &thread->Tcb, OriginalApcEnvironment,
                    exit_on_return, NULL, never_runs, UserMode, thread);
    KeInsertQueueApc(&thread->TerminateApc, NULL, NULL, IO_NO_INCREMENT);
    thread->Tcb.ApcState.UserApcPending = TRUE;
}

/* Tells another thread to end with status. */
static void terminate_other(ETHREAD *thread, NTSTATUS status)
{
    KIRQL irql = ps_lock_processes();
    BOOLEAN first = !thread->TerminateRequested;

    if (first) {
        thread->TerminateRequested = TRUE;
        thread->TerminateStatus = status;
    }
    ps_unlock_processes(irql);
    if (!first || thread->Terminated)
        return;
    KeInitializeApc(&thread->TerminateApc, &thread->Tcb, OriginalApcEnvironment,
                    terminate_kernel_routine, NULL, terminate_normal_routine,
                    KernelMode, thread);
    KeInsertQueueApc(&thread->TerminateApc, NULL, NULL, IO_NO_INCREMENT);
}

/* Calls fn(thread, status) for every thread of process but the caller. */
static void for_other_threads(EPROCESS *process, NTSTATUS status,
                              void (*fn)(ETHREAD *thread, NTSTATUS status))
{
    ETHREAD *batch[32];
    ULONG n, i;
    PLIST_ENTRY e;
    KIRQL irql;

    do {
        n = 0;
        irql = ps_lock_processes();
        for (e = process->Pcb.ThreadListHead.Flink;
             e != &process->Pcb.ThreadListHead && n < ARRAYSIZE(batch);
             e = e->Flink) {
            ETHREAD *t = CONTAINING_RECORD(e, ETHREAD, Tcb.ThreadListEntry);

            if (t != PsGetCurrentThread() && !t->TerminateRequested &&
                t->Started && ob_reference_if_alive(t))
                batch[n++] = t;
        }
        ps_unlock_processes(irql);
        for (i = 0; i < n; i++) {
            fn(batch[i], status);
            ObDereferenceObject(batch[i]);
        }
    } while (n == ARRAYSIZE(batch));
}

NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus)
{
    ETHREAD *thread;
    NTSTATUS status;

    if (ThreadHandle == NULL)
        ThreadHandle = NtCurrentThread();
    status =
        ObReferenceObjectByHandle(ThreadHandle, THREAD_TERMINATE, *PsThreadType,
                                  ExGetPreviousMode(), (PVOID *)&thread, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (thread == PsGetCurrentThread()) {
        ObDereferenceObject(thread);
        ps_exit_thread(ExitStatus);
    }
    if (thread->Tcb.SystemThread && ExGetPreviousMode() == UserMode)
        status = STATUS_ACCESS_DENIED;
    else
        terminate_other(thread, ExitStatus);
    ObDereferenceObject(thread);
    return status;
}

/* A process without threads that is told to end: it ends now. */
static void end_threadless(EPROCESS *process, NTSTATUS status)
{
    KIRQL irql = ps_lock_processes();
    BOOLEAN idle = process->ActiveThreads == 0 && !process->Exiting;

    if (idle)
        process->Exiting = TRUE;
    ps_unlock_processes(irql);
    if (!idle)
        return;
    ps_process_rundown(process, status);
    ke_signal_process(&process->Pcb);
}

static void set_exit_status(EPROCESS *process, NTSTATUS status)
{
    KIRQL irql = ps_lock_processes();

    if (process->ExitStatus == STATUS_PENDING)
        process->ExitStatus = status;
    ps_unlock_processes(irql);
}

void ps_terminate_current_process(NTSTATUS status)
{
    EPROCESS *process =
        CONTAINING_RECORD(KeGetCurrentThread()->Process, EPROCESS, Pcb);

    set_exit_status(process, status);
    for_other_threads(process, status, terminate_other);
    ps_exit_thread(status);
}

/*
 * Ends every thread of the process ProcessHandle names (NULL: every thread
 * of the current process but the caller, which goes on). A process ending
 * itself ends with the caller. Another process that is already ending:
 * STATUS_PROCESS_IS_TERMINATING.
 */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
    EPROCESS *process,
        *own = CONTAINING_RECORD(KeGetCurrentThread()->Process, EPROCESS, Pcb);
    NTSTATUS status;

    if (ProcessHandle == NULL) {
        for_other_threads(own, ExitStatus, terminate_other);
        return STATUS_SUCCESS;
    }
    status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_TERMINATE,
                                       *PsProcessType, ExGetPreviousMode(),
                                       (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (process == PsInitialSystemProcess || process == &ps_idle_process ||
        (process != own &&
         (process->Exiting || process->ExitStatus != STATUS_PENDING))) {
        status = process->Exiting || process->ExitStatus != STATUS_PENDING
                     ? STATUS_PROCESS_IS_TERMINATING
                     : STATUS_ACCESS_DENIED;
        ObDereferenceObject(process);
        return status;
    }
    set_exit_status(process, ExitStatus);
    for_other_threads(process, ExitStatus, terminate_other);
    end_threadless(process, ExitStatus);
    ObDereferenceObject(process);
    if (process == own)
        ps_exit_thread(ExitStatus);
    return STATUS_SUCCESS;
}

/* ---- Information --------------------------------------------------------- */

/* Gives a query's answer (size bytes) and its length back to the caller. */
static NTSTATUS give_info(KPROCESSOR_MODE mode, PVOID out, const void *info,
                          ULONG size, PULONG return_length)
{
    NTSTATUS status = mm_give_back(mode, out, size, sizeof(ULONG), info);

    if (NT_SUCCESS(status) && return_length != NULL)
        status = mm_give_back(mode, return_length, sizeof size, sizeof(ULONG),
                              &size);
    return status;
}

/* Checks a basic-information query (class 0, the structure's size) and
 * references the object it asks about. */
static NTSTATUS begin_query(ULONG info_class, ULONG length, ULONG size,
                            HANDLE handle, ACCESS_MASK access,
                            POBJECT_TYPE type, PVOID *object)
{
    if (info_class != 0)
        return STATUS_INVALID_INFO_CLASS;
    if (length != size)
        return STATUS_INFO_LENGTH_MISMATCH;
    return ObReferenceObjectByHandle(handle, access, type, ExGetPreviousMode(),
                                     object, NULL);
}

NTSTATUS NTAPI NtQueryInformationProcess(
    HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
    PVOID ProcessInformation, ULONG ProcessInformationLength,
    PULONG ReturnLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    PROCESS_BASIC_INFORMATION info;
    EPROCESS *process;
    NTSTATUS status;

    status = begin_query(ProcessInformationClass, ProcessInformationLength,
                         sizeof info, ProcessHandle, PROCESS_QUERY_INFORMATION,
                         *PsProcessType, (PVOID *)&process);
    if (!NT_SUCCESS(status))
        return status;
    RtlZeroMemory(&info, sizeof info);
    info.ExitStatus = process->ExitStatus;
    info.PebBaseAddress = process->Peb != 0 ? HAL_VA_PTR(process->Peb) : NULL;
    info.AffinityMask = 1;
    info.BasePriority = process->Pcb.BasePriority;
    info.UniqueProcessId = process->UniqueProcessId;
    info.InheritedFromUniqueProcessId = process->InheritedFromUniqueProcessId;
    ObDereferenceObject(process);
    return give_info(mode, ProcessInformation, &info, sizeof info,
                     ReturnLength);
}

NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle,
                                        THREADINFOCLASS ThreadInformationClass,
                                        PVOID ThreadInformation,
                                        ULONG ThreadInformationLength,
                                        PULONG ReturnLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    THREAD_BASIC_INFORMATION info;
    ETHREAD *thread;
    NTSTATUS status;

    status = begin_query(ThreadInformationClass, ThreadInformationLength,
                         sizeof info, ThreadHandle, THREAD_QUERY_INFORMATION,
                         *PsThreadType, (PVOID *)&thread);
    if (!NT_SUCCESS(status))
        return status;
    RtlZeroMemory(&info, sizeof info);
    info.ExitStatus = thread->ExitStatus;
    info.TebBaseAddress =
        thread->Tcb.Teb != 0 ? HAL_VA_PTR(thread->Tcb.Teb) : NULL;
    info.ClientId.UniqueProcess = (HANDLE)(ULONG_PTR)thread->UniqueProcess;
    info.ClientId.UniqueThread = (HANDLE)(ULONG_PTR)thread->UniqueThread;
    info.AffinityMask = 1;
    info.Priority = thread->Tcb.Priority;
    info.BasePriority = thread->Tcb.BasePriority;
    ObDereferenceObject(thread);
    return give_info(mode, ThreadInformation, &info, sizeof info, ReturnLength);
}

/* ---- User threads -------------------------------------------------------- */

NTSTATUS NTAPI NtCreateThreadEx(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,
                                POBJECT_ATTRIBUTES ObjectAttributes,
                                HANDLE ProcessHandle, PVOID StartRoutine,
                                PVOID Argument, ULONG CreateFlags,
                                SIZE_T ZeroBits, SIZE_T StackSize,
                                SIZE_T MaximumStackSize, PVOID AttributeList)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    SIZE_T stack = MaximumStackSize > StackSize ? MaximumStackSize : StackSize;
    EPROCESS *process;
    ETHREAD *thread;
    ob_captured captured;
    HANDLE handle;
    NTSTATUS status;

    if (CreateFlags != 0 || AttributeList != NULL || ZeroBits != 0)
        return STATUS_NOT_SUPPORTED;
    if (stack > 64u * 1024 * 1024)
        return STATUS_INVALID_PARAMETER;
    status = ob_capture(ObjectAttributes, mode, &captured);
    if (!NT_SUCCESS(status))
        return status;
    status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_CREATE_THREAD,
                                       *PsProcessType, mode, (PVOID *)&process,
                                       NULL);
    if (NT_SUCCESS(status)) {
        status = ps_create_user_thread(
            process, (ULONG_PTR)StartRoutine, (ULONG_PTR)Argument,
            stack != 0 ? stack : 256 * 1024, &thread);
        ObDereferenceObject(process);
    }
    if (NT_SUCCESS(status)) {
        status =
            ObOpenObjectByPointer(thread, captured.attributes.Attributes, NULL,
                                  DesiredAccess, *PsThreadType, mode, &handle);
        if (NT_SUCCESS(status))
            status = ob_return_handle(ThreadHandle, handle, mode);
        if (NT_SUCCESS(status))
            status = ps_start_thread(thread);
        ObDereferenceObject(thread);
    }
    ob_release_captured(&captured);
    return status;
}

/* ---- User APCs and alerts ------------------------------------------------ */

static VOID free_apc(PKAPC apc, PKNORMAL_ROUTINE *normal, PVOID *context,
                     PVOID *arg1, PVOID *arg2)
{
    UNREFERENCED_PARAMETER(normal);
    UNREFERENCED_PARAMETER(context);
    UNREFERENCED_PARAMETER(arg1);
    UNREFERENCED_PARAMETER(arg2);
    ExFreePoolWithTag(apc, 'cpAP');
}

static VOID rundown_apc(PKAPC apc)
{
    ExFreePoolWithTag(apc, 'cpAP');
}

NTSTATUS NTAPI NtQueueApcThread(HANDLE ThreadHandle, PPS_APC_ROUTINE ApcRoutine,
                                PVOID ApcArgument1, PVOID ApcArgument2,
                                PVOID ApcArgument3)
{
    ETHREAD *thread;
    KAPC *apc;
    NTSTATUS status = ObReferenceObjectByHandle(
        ThreadHandle, THREAD_SET_CONTEXT, *PsThreadType, ExGetPreviousMode(),
        (PVOID *)&thread, NULL);

    if (!NT_SUCCESS(status))
        return status;
    apc = ExAllocatePoolWithTag(NonPagedPool, sizeof *apc, 'cpAP');
    if (thread->Tcb.Teb == 0 || ApcRoutine == NULL)
        status = STATUS_INVALID_PARAMETER;
    else if (apc == NULL)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(status)) {
        KeInitializeApc(apc, &thread->Tcb, OriginalApcEnvironment, free_apc,
                        rundown_apc, (PKNORMAL_ROUTINE)(PVOID)ApcRoutine,
                        UserMode, ApcArgument1);
        if (!KeInsertQueueApc(apc, ApcArgument2, ApcArgument3, IO_NO_INCREMENT))
            status = STATUS_UNSUCCESSFUL;
    }
    if (!NT_SUCCESS(status) && apc != NULL)
        ExFreePoolWithTag(apc, 'cpAP');
    ObDereferenceObject(thread);
    return status;
}

NTSTATUS NTAPI NtAlertThread(HANDLE ThreadHandle)
{
    ETHREAD *thread;
    NTSTATUS status =
        ObReferenceObjectByHandle(ThreadHandle, THREAD_ALERT, *PsThreadType,
                                  ExGetPreviousMode(), (PVOID *)&thread, NULL);

    if (!NT_SUCCESS(status))
        return status;
    KeAlertThread(&thread->Tcb, UserMode);
    ObDereferenceObject(thread);
    return STATUS_SUCCESS;
}
