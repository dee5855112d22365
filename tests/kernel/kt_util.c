/*
 * Helpers for the in-kernel test suites (see kt_util.h).
 */
#include "kt_util.h"

EPROCESS *kt_make_process(const char *name)
{
    EPROCESS *process;

    return NT_SUCCESS(ps_create_process(name, &process)) ? process : NULL;
}

void kt_delete_process(EPROCESS *process)
{
    ObDereferenceObject(process);
}

BOOLEAN kt_map_user_page(EPROCESS *process, ULONG va, ULONG value)
{
    ULONG pfn = mm_alloc_frame(TRUE);
    KAPC_STATE state;
    BOOLEAN ok;

    if (pfn == MM_FRAME_NONE)
        return FALSE;
    KeStackAttachProcess(&process->Pcb, &state);
    ok = NT_SUCCESS(
        mm_map_page(va, pfn, X86_PTE_WRITE | X86_PTE_OWNER | X86_PTE_DIRTY));
    if (ok)
        *(volatile ULONG *)HAL_VA_PTR(va) = value;
    KeUnstackDetachProcess(&state);
    if (!ok)
        mm_free_frame(pfn);
    return ok;
}

ETHREAD *kt_start_thread(PKSTART_ROUTINE fn, PVOID context, KPRIORITY priority)
{
    ETHREAD *thread;

    if (!NT_SUCCESS(ps_create_system_thread(fn, context, &thread)))
        return NULL;
    if (priority != 8)
        KeSetPriorityThread(&thread->Tcb, priority);
    return thread;
}

void kt_join(ETHREAD *thread)
{
    KeWaitForSingleObject(&thread->Tcb.Header, Executive, KernelMode, FALSE,
                          NULL);
    ObDereferenceObject(thread);
}

LARGE_INTEGER kt_relative(LONGLONG due)
{
    LARGE_INTEGER t;

    t.QuadPart = due;
    return t;
}

/* Runs program (a boot module) with command_line; returns its exit status
 * (or the status that kept it from starting). */
NTSTATUS kt_start_program(const WCHAR *program, const WCHAR *command_line,
                          HANDLE *process)
{
    UNICODE_STRING image, line;
    HANDLE thread;
    NTSTATUS status;

    RtlInitUnicodeString(&image, program);
    RtlInitUnicodeString(&line, command_line);
    status = NtlabCreateProcess(process, &thread, &image, &line, 0);
    if (NT_SUCCESS(status))
        ZwClose(thread);
    return status;
}

NTSTATUS kt_wait_program(HANDLE process)
{
    PROCESS_BASIC_INFORMATION info;
    NTSTATUS status;

    ZwWaitForSingleObject(process, FALSE, NULL);
    status = ZwQueryInformationProcess(process, ProcessBasicInformation, &info,
                                       sizeof info, NULL);
    ZwClose(process);
    return NT_SUCCESS(status) ? info.ExitStatus : status;
}

NTSTATUS kt_run_program(const WCHAR *program, const WCHAR *command_line)
{
    HANDLE process;
    NTSTATUS status = kt_start_program(program, command_line, &process);

    return NT_SUCCESS(status) ? kt_wait_program(process) : status;
}

NTSTATUS kt_load_driver(const WCHAR *service)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, service);
    return ZwLoadDriver(&name);
}

NTSTATUS kt_unload_driver(const WCHAR *service)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, service);
    return ZwUnloadDriver(&name);
}
