/*
 * User mode, the kernel's side: KUSER_SHARED_DATA, the system service
 * dispatcher, exceptions raised in user mode, user APCs, and the services
 * that work on the user context (NtContinue, NtRaiseException).
 *
 * A system call arrives from the platform with the service number and the
 * user's argument array. The dispatcher probes and copies the arguments,
 * runs the service with PreviousMode UserMode, checks that the service left
 * IRQL and APCs as it found them (NT's stop codes 0x4A and 0x1 otherwise),
 * and, when a user APC is due, makes the way back to user mode go through
 * KiUserApcDispatcher.
 */
#include "ke.h"

#include <nt/pebteb.h>
#include <nt/services.h>

#include "../mm/mm.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

#define RED_ZONE 128 /* bytes below a user stack pointer the ABI may use */

KUSER_SHARED_DATA *ke_shared_data;
static ULONG shared_data_frame;

/* ---- KUSER_SHARED_DATA --------------------------------------------------- */

void ke_init_shared_data(void)
{
    ULONG pfn = mm_alloc_frame(TRUE);

    if (pfn == MM_FRAME_NONE ||
        !NT_SUCCESS(mm_map_page(MM_KERNEL_SHARED_DATA_VA, pfn, PTE_KERNEL_RW)))
        KeBugCheckEx(INSTALL_MORE_MEMORY, mm_total_frames(), 0, 0, 0);
    shared_data_frame = pfn;
    ke_shared_data = HAL_VA_PTR(MM_KERNEL_SHARED_DATA_VA);
    /* Milliseconds per tick, times 2^24: 10.0144 ms. */
    ke_shared_data->TickCountMultiplier =
        (ULONG)(((ULONGLONG)KeQueryTimeIncrement() << 24) / 10000);
    ke_shared_data->NtMajorVersion = 5;
    ke_shared_data->NtMinorVersion = 1;
    ke_shared_data->NumberOfPhysicalPages = mm_total_frames();
    ke_shared_data->SystemCall = hal_system_call_entry();
}

ULONG ke_shared_data_pfn(void)
{
    return shared_data_frame;
}

static void set_time(volatile KSYSTEM_TIME *t, ULONGLONG value)
{
    t->High2Time = (LONG)(value >> 32);
    t->LowPart = (ULONG)value;
    t->High1Time = (LONG)(value >> 32);
}

void ke_update_shared_time(ULONGLONG interrupt_time, ULONGLONG system_time,
                           ULONGLONG tick_count)
{
    if (ke_shared_data == NULL)
        return;
    set_time(&ke_shared_data->InterruptTime, interrupt_time);
    set_time(&ke_shared_data->SystemTime, system_time);
    set_time(&ke_shared_data->TickCount, tick_count);
    ke_shared_data->TickCountLowDeprecated = (ULONG)tick_count;
}

void ke_publish_teb(const KTHREAD *thread)
{
    if (ke_shared_data != NULL)
        ke_shared_data->NtlabCurrentTeb =
            thread->Teb != 0 ? (ULONG_PTR)HAL_VA_PTR(thread->Teb) : 0;
}

/* ---- Pushing onto the user stack ----------------------------------------- */

/*
 * Copies size bytes to the user stack below its pointer (and the red
 * zone), 16-byte aligned; returns their user address, or 0 when the stack
 * cannot take them.
 */
static ULONG push_user(const void *data, ULONG size)
{
    ULONG sp = hal_user_stack_pointer(), at;

    if (sp < RED_ZONE + size + PAGE_SIZE)
        return 0;
    at = (sp - RED_ZONE - size) & ~15u;
    if (!NT_SUCCESS(mm_give_back(UserMode, HAL_VA_PTR(at), size, 16, data)))
        return 0;
    return at;
}

/* User mode cannot go on: the process ends with status, and says so. */
static DECLSPEC_NORETURN void user_failure(NTSTATUS status, const char *what,
                                           ULONG_PTR address)
{
    PEPROCESS process = PsGetCurrentProcess();

    rtl_print("ntlab: process %s (PID %u) ended: %s 0x%08X at %p\n",
              process->ImageFileName, process->UniqueProcessId, what,
              (ULONG)status, (void *)address);
    ps_terminate_current_process(status);
}

/* ---- Exceptions ---------------------------------------------------------- */

void ke_dispatch_user_exception(const EXCEPTION_RECORD *record)
{
    NTLAB_EXCEPTION_FRAME frame;
    KPROCESS *process = ke_current_thread()->Process;
    ULONG_PTR args[2];
    ULONG at;

    hal_user_get_context(&frame.Context);
    frame.Record = *record;
    at = process->UserExceptionDispatcher != 0 ? push_user(&frame, sizeof frame)
                                               : 0;
    if (at == 0)
        user_failure(record->ExceptionCode, "exception",
                     (ULONG_PTR)record->ExceptionAddress);
    args[0] =
        (ULONG_PTR)HAL_VA_PTR(at + offsetof(NTLAB_EXCEPTION_FRAME, Record));
    args[1] = (ULONG_PTR)HAL_VA_PTR(at);
    hal_user_call(process->UserExceptionDispatcher, at, args, 2);
}

/*
 * Raises an exception again from user mode: FirstChance, to the program's
 * handlers (as a new dispatch from ContextRecord); otherwise the handlers
 * have all declined it and the process ends with its code.
 */
NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord,
                                PCONTEXT ContextRecord, BOOLEAN FirstChance)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    EXCEPTION_RECORD record;
    CONTEXT context;
    NTSTATUS status;

    status = mm_capture(mode, ExceptionRecord, sizeof record, sizeof(ULONG),
                        &record);
    if (NT_SUCCESS(status))
        status = mm_capture(mode, ContextRecord, sizeof context, 16, &context);
    if (!NT_SUCCESS(status))
        return status;
    if (record.NumberParameters > EXCEPTION_MAXIMUM_PARAMETERS)
        return STATUS_INVALID_PARAMETER;
    if (mode == KernelMode) {
        ke_dispatch_exception(&record, &context);
        return STATUS_SUCCESS;
    }
    hal_user_set_context(&context);
    if (!FirstChance)
        user_failure(record.ExceptionCode, "unhandled exception",
                     (ULONG_PTR)record.ExceptionAddress);
    ke_dispatch_user_exception(&record);
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert)
{
    CONTEXT context;
    NTSTATUS status = mm_capture(ExGetPreviousMode(), ContextRecord,
                                 sizeof context, 16, &context);

    if (!NT_SUCCESS(status))
        return status;
    if (ExGetPreviousMode() == UserMode)
        hal_user_set_context(&context);
    if (TestAlert)
        KeTestAlertThread(UserMode);
    return STATUS_SUCCESS;
}

/* ---- User APCs ----------------------------------------------------------- */

/* Takes the first user APC off the current thread's queue. */
static BOOLEAN next_user_apc(KTHREAD *thread, KAPC **apc)
{
    KIRQL irql = ki_lock_dispatcher();
    PLIST_ENTRY head = &thread->ApcState.ApcListHead[UserMode];

    thread->ApcState.UserApcPending = FALSE;
    *apc = NULL;
    if (!IsListEmpty(head)) {
        *apc = CONTAINING_RECORD(RemoveHeadList(head), KAPC, ApcListEntry);
        (*apc)->Inserted = FALSE;
    }
    ki_unlock_dispatcher(irql);
    return *apc != NULL;
}

/*
 * On the way back to user mode with a user APC due: the APC's kernel
 * routine runs now (at APC_LEVEL); its normal routine runs in user mode
 * through KiUserApcDispatcher, which then resumes the thread's context, in
 * which the interrupted service returned result.
 */
static void deliver_user_apc(KTHREAD *thread, ULONG_PTR result)
{
    NTLAB_APC_RECORD record;
    PKNORMAL_ROUTINE normal;
    PVOID context, arg1, arg2;
    ULONG_PTR arg;
    KAPC *apc;
    KIRQL irql;
    ULONG at;

    if (!next_user_apc(thread, &apc))
        return;
    normal = apc->NormalRoutine;
    context = apc->NormalContext;
    arg1 = apc->SystemArgument1;
    arg2 = apc->SystemArgument2;
    irql = KfRaiseIrql(APC_LEVEL);
    apc->KernelRoutine(apc, &normal, &context, &arg1, &arg2);
    KfLowerIrql(irql);
    if (normal == NULL || thread->Process->UserApcDispatcher == 0)
        return;
    hal_user_set_result(result);
    hal_user_get_context(&record.Context);
    record.NormalRoutine = (PVOID)normal;
    record.NormalContext = context;
    record.SystemArgument1 = arg1;
    record.SystemArgument2 = arg2;
    at = push_user(&record, sizeof record);
    if (at == 0)
        user_failure(STATUS_ACCESS_VIOLATION, "user stack full for an APC",
                     hal_user_stack_pointer());
    arg = (ULONG_PTR)HAL_VA_PTR(at);
    hal_user_call(thread->Process->UserApcDispatcher, at, &arg, 1);
}

/* ---- The system service dispatcher --------------------------------------- */

typedef ULONG_PTR (*service_routine)(ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR,
                                     ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR,
                                     ULONG_PTR, ULONG_PTR, ULONG_PTR,
                                     ULONG_PTR);

/*
 * Every service is called through one type with twelve ULONG_PTR
 * arguments: on the hosted platform's calling convention extra arguments
 * are harmless and each argument fills one register or stack slot.
 */
#define SERVICE_ENTRY(type, name, count, params, args) \
    {(service_routine)(void (*)(void))name, count, #name},

static const struct {
    service_routine routine;
    ULONG arguments;
    const char *name;
} services[] = {NTLAB_SERVICES(SERVICE_ENTRY)};

ULONG ke_service_count(void)
{
    return ARRAYSIZE(services);
}

/* NT's checks on the way out of a service: it must leave IRQL at
 * PASSIVE_LEVEL, APCs enabled, and the thread in its own process. */
static void check_service_exit(const KTHREAD *thread, ULONG number)
{
    KIRQL irql = KeGetPcr()->Irql;

    if (irql != PASSIVE_LEVEL)
        KeBugCheckEx(IRQL_GT_ZERO_AT_SYSTEM_SERVICE,
                     (ULONG_PTR)services[number].routine, irql, 0, 0);
    if (thread->KernelApcDisable != 0 ||
        thread->ApcStateIndex != OriginalApcEnvironment)
        KeBugCheckEx(APC_INDEX_MISMATCH, (ULONG_PTR)services[number].routine,
                     thread->ApcStateIndex,
                     (ULONG_PTR)(LONG)thread->KernelApcDisable, 0);
}

ULONG_PTR ki_system_call(ULONG number, const ULONG_PTR *args)
{
    KTHREAD *thread = ke_current_thread();
    ULONG_PTR a[NTLAB_MAX_SERVICE_ARGUMENTS], result;
    NTSTATUS status;
    ULONG i;

    ki_checkpoint();
    thread->PreviousMode = UserMode;
    if (number >= ARRAYSIZE(services))
        return (ULONG_PTR)(LONG_PTR)STATUS_INVALID_SYSTEM_SERVICE;
    status = mm_capture(UserMode, args,
                        services[number].arguments * sizeof(ULONG_PTR),
                        sizeof(ULONG_PTR), a);
    if (!NT_SUCCESS(status))
        return (ULONG_PTR)(LONG_PTR)status;
    for (i = services[number].arguments; i < ARRAYSIZE(a); i++)
        a[i] = 0;
    result = services[number].routine(a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                                      a[7], a[8], a[9], a[10], a[11]);
    check_service_exit(thread, number);
    if (thread->ApcState.UserApcPending)
        deliver_user_apc(thread, result);
    return result;
}

/* ---- Small services ------------------------------------------------------ */

ULONG NTAPI NtGetCurrentProcessorNumber(VOID)
{
    return 0;
}

/* Prints String on the console (characters past Latin-1 as '?'). */
NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    UNICODE_STRING s;
    WCHAR chunk[128];
    char text[128];
    ULONG done, n, i;
    NTSTATUS status = mm_capture(mode, String, sizeof s, sizeof(ULONG), &s);

    if (!NT_SUCCESS(status))
        return status;
    if ((s.Length & 1) != 0 || s.Length > s.MaximumLength)
        return STATUS_INVALID_PARAMETER;
    for (done = 0; done < s.Length / sizeof(WCHAR); done += n) {
        n = s.Length / sizeof(WCHAR) - done;
        n = n < ARRAYSIZE(chunk) ? n : ARRAYSIZE(chunk);
        status = mm_capture(mode, s.Buffer + done, n * sizeof(WCHAR),
                            sizeof(WCHAR), chunk);
        if (!NT_SUCCESS(status))
            return status;
        for (i = 0; i < n; i++)
            text[i] = chunk[i] < 0x100 ? (char)chunk[i] : '?';
        rtl_console_write(text, n);
    }
    return STATUS_SUCCESS;
}
