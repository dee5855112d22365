/*
 * User processes and threads: making a process from a program image, its
 * PEB and parameters, user threads with their TEBs and stacks, and the
 * first step of every user thread into user mode.
 *
 * A new process gets, in its user space: the image, KUSER_SHARED_DATA
 * read-only at 0x7FFE0000, the PEB at 0x7FFDF000 and its process
 * parameters (command line, image name). Each user thread gets a TEB, from
 * 0x7FFDE000 down, and a stack; it starts in the kernel, which enters user
 * mode at the image's RtlUserThreadStart(routine, argument). The first
 * thread's routine is the image's entry point, with the PEB as argument.
 */
#include "ps.h"

#include <nt/pebteb.h>

#include "../ob/ob.h"
#include "../rtl/rtl.h"

#define DEFAULT_STACK (256u * 1024)
#define MAX_STACK     (64u * 1024 * 1024)
#define LOWEST_TEB    (MM_FIRST_TEB_VA - 256 * PAGE_SIZE)

/* The user-visible pointer for user address va. */
static PVOID user_ptr(ULONG va)
{
    return va != 0 ? HAL_VA_PTR(va) : NULL;
}

/* ---- Threads ------------------------------------------------------------- */

/* The first code of a user thread: straight to user mode. */
static VOID user_thread_startup(PVOID context)
{
    ETHREAD *thread = context;

    thread->Tcb.PreviousMode = UserMode;
    hal_user_enter(thread->Tcb.Process->UserThreadStart, thread->UserStackTop,
                   thread->UserStart, thread->UserArgument);
}

/* A TEB page in the current process, the highest free one. */
static ULONG allocate_teb(void)
{
    ULONG va;

    for (va = MM_FIRST_TEB_VA; va >= LOWEST_TEB; va -= PAGE_SIZE) {
        if (NT_SUCCESS(mm_allocate_fixed(va, PAGE_SIZE, PAGE_READWRITE)))
            return va;
    }
    return 0;
}

static void free_user(ULONG va)
{
    PVOID base = HAL_VA_PTR(va);
    SIZE_T size = 0;

    ZwFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
}

/* Gives thread (in the current process) a TEB and a stack. */
static NTSTATUS set_up_user_thread(ETHREAD *thread, EPROCESS *process,
                                   SIZE_T stack_size)
{
    PVOID stack = NULL;
    SIZE_T size = stack_size;
    TEB *teb;
    NTSTATUS status =
        ZwAllocateVirtualMemory(NtCurrentProcess(), &stack, 0, &size,
                                MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

    if (!NT_SUCCESS(status))
        return status;
    thread->Tcb.Teb = allocate_teb();
    if (thread->Tcb.Teb == 0) {
        free_user(HAL_PTR_VA(stack));
        return STATUS_NO_MEMORY;
    }
    thread->UserStackBase = HAL_PTR_VA(stack);
    thread->UserStackTop = thread->UserStackBase + (ULONG)size;
    teb = HAL_VA_PTR(thread->Tcb.Teb);
    teb->NtTib.Self = &teb->NtTib;
    teb->NtTib.StackBase = user_ptr(thread->UserStackTop);
    teb->NtTib.StackLimit = stack;
    teb->ClientId.UniqueProcess = (HANDLE)(ULONG_PTR)process->UniqueProcessId;
    teb->ClientId.UniqueThread = (HANDLE)(ULONG_PTR)thread->UniqueThread;
    teb->ProcessEnvironmentBlock = user_ptr(process->Peb);
    return STATUS_SUCCESS;
}

/* Frees the current thread's TEB and stack (it is ending; its process
 * goes on). */
void ps_free_user_thread(ETHREAD *thread)
{
    if (thread->Tcb.Teb == 0)
        return;
    free_user(thread->UserStackBase);
    free_user(thread->Tcb.Teb);
    thread->Tcb.Teb = 0;
    ke_publish_teb(&thread->Tcb);
}

NTSTATUS ps_create_user_thread(EPROCESS *process, ULONG_PTR start,
                               ULONG_PTR argument, SIZE_T stack_size,
                               ETHREAD **result)
{
    ETHREAD *thread;
    KAPC_STATE state;
    BOOLEAN attach = process != PsGetCurrentProcess();
    NTSTATUS status;

    if (process->Pcb.UserThreadStart == 0)
        return STATUS_INVALID_PARAMETER;
    status =
        ps_create_unstarted_thread(process, user_thread_startup, NULL, &thread);
    if (!NT_SUCCESS(status))
        return status;
    thread->StartContext = thread;
    thread->UserStart = start;
    thread->UserArgument = argument;
    if (attach)
        KeStackAttachProcess(&process->Pcb, &state);
    status = set_up_user_thread(thread, process, stack_size);
    if (attach)
        KeUnstackDetachProcess(&state);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(thread);
        return status;
    }
    *result = thread;
    return STATUS_SUCCESS;
}

/* ---- Processes ----------------------------------------------------------- */

/* Copies s into user memory at *at as a UNICODE_STRING's characters. */
static void put_string(UNICODE_STRING *out, const UNICODE_STRING *s, PUCHAR *at)
{
    if (s->Length != 0)
        RtlCopyMemory(*at, s->Buffer, s->Length);
    ((PWCHAR)*at)[s->Length / sizeof(WCHAR)] = 0;
    out->Buffer = (PWCHAR)*at;
    out->Length = s->Length;
    out->MaximumLength = (USHORT)(s->Length + sizeof(WCHAR));
    *at += (s->Length + sizeof(WCHAR) + 15) & ~15u;
}

/* Makes the PEB and process parameters of the current (new) process. */
static NTSTATUS make_peb(EPROCESS *process, const ps_image *image,
                         const UNICODE_STRING *name,
                         const UNICODE_STRING *command_line)
{
    RTL_USER_PROCESS_PARAMETERS *params = NULL;
    SIZE_T size = sizeof *params + name->Length + command_line->Length + 64;
    PUCHAR at;
    PEB *peb;
    NTSTATUS status = mm_allocate_fixed(MM_PEB_VA, PAGE_SIZE, PAGE_READWRITE);

    if (NT_SUCCESS(status))
        status = ZwAllocateVirtualMemory(NtCurrentProcess(), (PVOID *)&params,
                                         0, &size, MEM_RESERVE | MEM_COMMIT,
                                         PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    process->Peb = MM_PEB_VA;
    peb = HAL_VA_PTR(MM_PEB_VA);
    peb->ImageBaseAddress = user_ptr(image->base);
    peb->ProcessParameters = params;
    peb->NumberOfProcessors = 1;
    params->MaximumLength = params->Length = (ULONG)size;
    at = (PUCHAR)(params + 1);
    put_string(&params->ImagePathName, name, &at);
    put_string(&params->CommandLine, command_line, &at);
    return STATUS_SUCCESS;
}

/* The module a UNICODE_STRING name refers to. */
static NTSTATUS find_module(const UNICODE_STRING *name, ULONG *module)
{
    char ascii[64];
    ULONG i, n = name->Length / sizeof(WCHAR);

    if (n == 0 || n >= sizeof ascii)
        return STATUS_OBJECT_NAME_INVALID;
    for (i = 0; i < n; i++) {
        if (name->Buffer[i] == 0 || name->Buffer[i] >= 0x80)
            return STATUS_OBJECT_NAME_INVALID;
        ascii[i] = (char)name->Buffer[i];
    }
    ascii[n] = '\0';
    return ps_find_module(ascii, module);
}

/* Fills the current (new) process's user space from module. */
static NTSTATUS set_up_process(EPROCESS *process, ULONG module,
                               const UNICODE_STRING *name,
                               const UNICODE_STRING *command_line)
{
    ps_image image;
    NTSTATUS status = ps_load_image(module, &image);

    if (NT_SUCCESS(status))
        status =
            mm_map_shared_page(MM_USER_SHARED_DATA_VA, ke_shared_data_pfn());
    if (NT_SUCCESS(status))
        status = make_peb(process, &image, name, command_line);
    if (!NT_SUCCESS(status))
        return status;
    process->Pcb.UserThreadStart = image.thread_start;
    process->Pcb.UserExceptionDispatcher = image.exception_dispatcher;
    process->Pcb.UserApcDispatcher = image.apc_dispatcher;
    process->ImageEntry = image.entry;
    return STATUS_SUCCESS;
}

/* An ASCII name for the process from its module's file name. */
static void module_base_name(ULONG module, char *out, ULONG size)
{
    const char *name = hal_module_name(module);
    ULONG i;

    for (i = 0; name[i] != '\0' && i + 1 < size; i++)
        out[i] = name[i];
    out[i] = '\0';
}

NTSTATUS ps_create_user_process(const UNICODE_STRING *name,
                                const UNICODE_STRING *command_line,
                                EPROCESS **process_out, ETHREAD **thread_out)
{
    EPROCESS *process;
    ETHREAD *thread;
    KAPC_STATE state;
    char short_name[16];
    ULONG module;
    NTSTATUS status = find_module(name, &module);

    if (!NT_SUCCESS(status))
        return status;
    module_base_name(module, short_name, sizeof short_name);
    status = ps_create_process(short_name, &process);
    if (!NT_SUCCESS(status))
        return status;
    KeStackAttachProcess(&process->Pcb, &state);
    status = set_up_process(process, module, name, command_line);
    KeUnstackDetachProcess(&state);
    if (NT_SUCCESS(status))
        status = ps_create_user_thread(
            process, (ULONG_PTR)HAL_VA_PTR(process->ImageEntry),
            (ULONG_PTR)user_ptr(process->Peb), DEFAULT_STACK, &thread);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(process);
        return status;
    }
    *process_out = process;
    *thread_out = thread;
    return STATUS_SUCCESS;
}

/* ---- Services ------------------------------------------------------------ */

/* Makes a handle to object of type with all access, for mode. */
static NTSTATUS open_for(PVOID object, POBJECT_TYPE type, KPROCESSOR_MODE mode,
                         HANDLE *handle)
{
    return ObOpenObjectByPointer(object, 0, NULL, GENERIC_ALL, type, mode,
                                 handle);
}

/* Closes a handle just made for the caller (it could not be given out). */
static void close_made(HANDLE handle)
{
    ob_close_handle(ob_table_for(handle, KernelMode), handle, UserMode);
}

/* Hands the caller handles to a new process and its first thread. */
static NTSTATUS give_handles(EPROCESS *process, ETHREAD *thread,
                             PHANDLE process_out, PHANDLE thread_out,
                             KPROCESSOR_MODE mode)
{
    HANDLE ph, th;
    NTSTATUS status = open_for(process, *PsProcessType, mode, &ph);

    if (!NT_SUCCESS(status))
        return status;
    status = open_for(thread, *PsThreadType, mode, &th);
    if (!NT_SUCCESS(status)) {
        close_made(ph);
        return status;
    }
    status = ob_return_handle(process_out, ph, mode); /* closes ph if not */
    if (!NT_SUCCESS(status)) {
        close_made(th);
        return status;
    }
    status = ob_return_handle(thread_out, th, mode);
    if (!NT_SUCCESS(status))
        close_made(ph);
    return status;
}

NTSTATUS NTAPI NtlabCreateProcess(PHANDLE ProcessHandle, PHANDLE ThreadHandle,
                                  PUNICODE_STRING ImageName,
                                  PUNICODE_STRING CommandLine, ULONG Flags)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    UNICODE_STRING name = {0, 0, NULL}, command_line = {0, 0, NULL};
    EPROCESS *process = NULL;
    ETHREAD *thread = NULL;
    NTSTATUS status = Flags != 0 ? STATUS_INVALID_PARAMETER_5
                                 : ob_capture_string(ImageName, mode, &name);

    if (NT_SUCCESS(status))
        status = ob_capture_string(CommandLine, mode, &command_line);
    if (NT_SUCCESS(status))
        status =
            ps_create_user_process(&name, &command_line, &process, &thread);
    if (NT_SUCCESS(status))
        status =
            give_handles(process, thread, ProcessHandle, ThreadHandle, mode);
    if (NT_SUCCESS(status))
        status = ps_start_thread(thread);
    if (thread != NULL)
        ObDereferenceObject(thread);
    if (process != NULL)
        ObDereferenceObject(process);
    ob_free_name(&name);
    ob_free_name(&command_line);
    return status;
}
