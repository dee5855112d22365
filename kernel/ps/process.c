/*
 * Process objects: the Idle and System processes, creating processes, their
 * end and deletion, and the Ps routines that name the current process.
 */
#include "ps.h"

#include "../ex/ex.h"
#include "../ob/ob.h"

/* The Idle process and thread live in nonpaged pool, as NT's do, so that
 * every address a stop or kd shows is a system-space one; their headers
 * make them look like objects to code that references whatever process is
 * current. They are never deleted. */
typedef struct {
    ob_header header;
    EPROCESS body;
} idle_process_object;

typedef struct {
    ob_header header;
    ETHREAD body;
} idle_thread_object;

static idle_process_object *idle_process;
static idle_thread_object *idle_thread;

EPROCESS *ps_idle_process_ptr;
PEPROCESS PsInitialSystemProcess;

static POBJECT_TYPE process_type;
POBJECT_TYPE *PsProcessType = &process_type;

static LIST_ENTRY active_processes = {&active_processes, &active_processes};
static KSPIN_LOCK process_lock;

KIRQL ps_lock_processes(void)
{
    KIRQL irql;

    KeAcquireSpinLock(&process_lock, &irql);
    return irql;
}

void ps_unlock_processes(KIRQL irql)
{
    KeReleaseSpinLock(&process_lock, irql);
}

static void set_name(EPROCESS *process, const char *name)
{
    ULONG i;

    for (i = 0; name[i] != '\0' && i + 1 < sizeof process->ImageFileName; i++)
        process->ImageFileName[i] = name[i];
    process->ImageFileName[i] = '\0';
}

static LARGE_INTEGER now(void)
{
    LARGE_INTEGER t;

    KeQuerySystemTime(&t);
    return t;
}

/* ---- The Idle process ---------------------------------------------------- */

/* Allocates a zeroed object of size bytes in nonpaged pool with tag, or
 * stops the system: the boot cannot go on without it. */
static void *boot_object(ULONG size, ULONG tag)
{
    void *p = ExAllocatePoolWithTag(NonPagedPool, size, tag);

    if (p == NULL)
        KeBugCheckEx(PROCESS_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    RtlZeroMemory(p, size);
    return p;
}

void ps_init_idle_process(void)
{
    idle_process = boot_object(sizeof *idle_process, 'corP');
    idle_thread = boot_object(sizeof *idle_thread, 'erhT');
    idle_process->header.pointer_count = 1;
    idle_thread->header.pointer_count = 1;
    ps_idle_process_ptr = &idle_process->body;
    mm_adopt_boot_space(&ps_idle_process.Space);
    ke_init_process(&ps_idle_process.Pcb, ps_idle_process.Space.pd_pfn);
    ps_idle_process.UniqueProcessId = 0;
    ps_idle_process.ExitStatus = STATUS_PENDING;
    set_name(&ps_idle_process, "Idle");
    InsertTailList(&active_processes, &ps_idle_process.ActiveProcessLinks);
}

EPROCESS *ps_next_process(const EPROCESS *prev)
{
    PLIST_ENTRY next =
        prev != NULL ? prev->ActiveProcessLinks.Flink : active_processes.Flink;

    return next != &active_processes
               ? CONTAINING_RECORD(next, EPROCESS, ActiveProcessLinks)
               : NULL;
}

KTHREAD *ps_idle_thread(void)
{
    return &idle_thread->body.Tcb;
}

/* ---- Creation and deletion ----------------------------------------------- */

/* The delete routine: what the last reference to a process takes away. */
static void delete_process(PVOID object)
{
    EPROCESS *process = object;
    KIRQL irql;

    if (process->ActiveProcessLinks.Flink != NULL) {
        irql = ps_lock_processes();
        RemoveEntryList(&process->ActiveProcessLinks);
        ps_unlock_processes(irql);
    }
    if (process->UniqueProcessId != 0)
        ps_delete_cid(process->UniqueProcessId);
    if (process->ObjectTable != NULL)
        ob_destroy_handle_table(process->ObjectTable);
    if (process->Space.pd_pfn != 0)
        mm_delete_space(&process->Space);
}

/* Fills in a fresh process object; on failure delete_process undoes it. */
static NTSTATUS init_process(EPROCESS *process, const char *name)
{
    NTSTATUS status = mm_create_space(&process->Space);
    KIRQL irql;

    if (!NT_SUCCESS(status))
        return status;
    ke_init_process(&process->Pcb, process->Space.pd_pfn);
    status = ob_create_handle_table(process, &process->ObjectTable);
    if (NT_SUCCESS(status))
        status = ps_create_cid(process, &process->UniqueProcessId);
    if (!NT_SUCCESS(status))
        return status;
    set_name(process, name);
    process->ExitStatus = STATUS_PENDING;
    process->CreateTime = now();
    irql = ps_lock_processes();
    InsertTailList(&active_processes, &process->ActiveProcessLinks);
    ps_unlock_processes(irql);
    return STATUS_SUCCESS;
}

ULONG ps_user_privileges;

NTSTATUS ps_create_process(const char *name, EPROCESS **result)
{
    EPROCESS *process;
    NTSTATUS status =
        ob_create_object(process_type, sizeof *process, (PVOID *)&process);

    if (!NT_SUCCESS(status))
        return status;
    status = init_process(process, name);
    if (!NT_SUCCESS(status)) {
        ObfDereferenceObject(process);
        return status;
    }
    if (PsGetCurrentProcess() != NULL)
        process->InheritedFromUniqueProcessId =
            PsGetCurrentProcess()->UniqueProcessId;
    process->Privileges = PsGetCurrentProcess() == PsInitialSystemProcess ||
                                  PsGetCurrentProcess() == NULL
                              ? ps_user_privileges
                              : PsGetCurrentProcess()->Privileges;
    *result = process;
    return STATUS_SUCCESS;
}

void ps_init_system_process(void)
{
    static const ob_type_info info = {
        .name = L"Process",
        .pool_type = NonPagedPool,
        .mapping = {STANDARD_RIGHTS_READ | PROCESS_VM_READ |
                        PROCESS_QUERY_INFORMATION,
                    STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS |
                        PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION |
                        PROCESS_VM_WRITE | PROCESS_DUP_HANDLE |
                        PROCESS_TERMINATE | PROCESS_SET_QUOTA |
                        PROCESS_SET_INFORMATION | PROCESS_SUSPEND_RESUME,
                    STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, PROCESS_ALL_ACCESS},
        .valid_access = PROCESS_ALL_ACCESS,
        .wait_offset = 0,
        .delete_object = delete_process,
    };
    EPROCESS *system;

    KeInitializeSpinLock(&process_lock);
    process_type = ob_create_type(&info);
    idle_process->header.type = process_type;
    ps_init_threads(&idle_thread->header);
    if (!NT_SUCCESS(ps_create_process("System", &system)) ||
        system->UniqueProcessId != 4)
        KeBugCheckEx(PROCESS_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    system->InheritedFromUniqueProcessId = 0;
    system->Privileges = ~0u;
    ob_kernel_handle_table = system->ObjectTable;
    PsInitialSystemProcess = system; /* the system keeps this reference */
}

/* ---- The end of a process ------------------------------------------------ */

void ps_process_rundown(EPROCESS *process, NTSTATUS status)
{
    struct ob_handle_table *table;
    KIRQL irql = ps_lock_processes();

    if (process->ExitStatus == STATUS_PENDING)
        process->ExitStatus = status;
    table = process->ObjectTable;
    process->ObjectTable = NULL;
    ps_unlock_processes(irql);
    process->ExitTime = now();
    if (table != NULL)
        ob_destroy_handle_table(table);
    mm_clean_space(&process->Space);
    process->SpaceCleaned = TRUE;
}

/* ---- Names and IDs ------------------------------------------------------- */

const char *ps_process_name(const KPROCESS *process)
{
    return CONTAINING_RECORD(process, EPROCESS, Pcb)->ImageFileName;
}

ULONG ps_process_id(const KPROCESS *process)
{
    return CONTAINING_RECORD(process, EPROCESS, Pcb)->UniqueProcessId;
}

PEPROCESS NTAPI PsGetCurrentProcess(VOID)
{
    return CONTAINING_RECORD(KeGetCurrentThread()->ApcState.Process, EPROCESS,
                             Pcb);
}

PEPROCESS NTAPI IoGetCurrentProcess(VOID)
{
    return PsGetCurrentProcess();
}

HANDLE NTAPI PsGetProcessId(PEPROCESS Process)
{
    return (HANDLE)(ULONG_PTR)Process->UniqueProcessId;
}

NTSTATUS NTAPI PsGetProcessExitStatus(PEPROCESS Process)
{
    return Process->ExitStatus;
}

PCHAR NTAPI PsGetProcessImageFileName(PEPROCESS Process)
{
    return Process->ImageFileName;
}

NTSTATUS NTAPI PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
    PVOID object = (ULONG_PTR)ProcessId <= MAXULONG
                       ? ps_lookup_cid((ULONG)(ULONG_PTR)ProcessId)
                       : NULL;

    *Process = NULL;
    if (object == NULL)
        return STATUS_INVALID_PARAMETER;
    if (ob_type_of(object) != process_type) {
        ObfDereferenceObject(object);
        return STATUS_INVALID_PARAMETER;
    }
    *Process = object;
    return STATUS_SUCCESS;
}
