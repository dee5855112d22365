/*
 * Trap dispatch: where the platform hands the kernel a fault it could not
 * resolve itself. Page faults go to the memory manager; a double fault (a
 * trap that could not be taken on its stack) is a kernel stack overflow or
 * worse; every other trap becomes an exception, dispatched to the thread's
 * __try blocks (except.c).
 */
#include "ke.h"

#include "../kd/kd.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"
#include "../tr/tr.h"

static NTSTATUS exception_code(hal_trap_kind kind)
{
    switch (kind) {
    case HAL_TRAP_DIVIDE:
        return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case HAL_TRAP_INVALID_OPCODE:
        return STATUS_ILLEGAL_INSTRUCTION;
    case HAL_TRAP_BREAKPOINT:
        return STATUS_BREAKPOINT;
    case HAL_TRAP_SINGLE_STEP:
        return STATUS_SINGLE_STEP;
    case HAL_TRAP_ALIGNMENT:
        return STATUS_DATATYPE_MISALIGNMENT;
    default:
        return STATUS_ACCESS_VIOLATION;
    }
}

/* An exception in user mode: its addresses are the ones user code sees,
 * and it goes to the program's handlers. */
static void user_trap_exception(NTSTATUS code, const hal_trap *trap,
                                ULONG_PTR write)
{
    EXCEPTION_RECORD record;

    RtlZeroMemory(&record, sizeof record);
    record.ExceptionCode = code;
    record.ExceptionAddress =
        trap->ip_guest ? HAL_VA_PTR(trap->ip) : (PVOID)trap->ip;
    if (code == STATUS_ACCESS_VIOLATION) {
        record.NumberParameters = 2;
        record.ExceptionInformation[0] = write;
        record.ExceptionInformation[1] = trap->address;
    }
    ke_dispatch_user_exception(&record);
}

/*
 * Raises the exception a trap in kernel mode stands for, with what NT
 * records for it (an access violation: read or write, and the address).
 * Returns when a filter continues execution: the instruction runs again.
 */
void ke_trap_exception(NTSTATUS code, const hal_trap *trap, ULONG_PTR info0,
                       ULONG_PTR info1)
{
    EXCEPTION_RECORD record;
    CONTEXT context;

    if (trap->user) {
        user_trap_exception(code, trap, info0);
        return;
    }
    /* A guarded copy (mm_capture and the like) fails with the code
     * instead: an access violation, or a guard page met (whose guard is
     * gone now, as after an exception). */
    if (hal_trap_fixup(trap, code))
        return;
    /* The debugger sees a breakpoint first, as NT's KdTrap does. */
    if (code == STATUS_BREAKPOINT && kd_breakpoint(trap))
        return;
    RtlZeroMemory(&record, sizeof record);
    RtlZeroMemory(&context, sizeof context);
    context.ContextFlags = CONTEXT_CONTROL;
    CONTEXT_TO_PROGRAM_COUNTER(&context) = trap->ip;
    CONTEXT_TO_STACK_POINTER(&context) = trap->sp;
    record.ExceptionCode = code;
    record.ExceptionAddress = (PVOID)trap->ip;
    if (code == STATUS_ACCESS_VIOLATION) {
        record.NumberParameters = 2;
        record.ExceptionInformation[0] = info0;
        record.ExceptionInformation[1] = info1;
    }
    ke_dispatch_exception(&record, &context);
}

static void double_fault(const hal_trap *trap)
{
    KTHREAD *thread = KeGetPcr()->CurrentThread;
    char note[160];
    ULONG_PTR limit = thread ? (ULONG_PTR)thread->StackLimit : 0;

    if (thread != NULL && trap->sp < limit && trap->sp + 2 * PAGE_SIZE >= limit)
        rtl_snprintf(note, sizeof note,
                     "kernel stack overflow: the stack pointer %08X went "
                     "below the stack's limit %08X into its guard page",
                     HAL_PTR_VA(trap->sp), HAL_PTR_VA(limit));
    else
        rtl_snprintf(note, sizeof note,
                     "a trap at %p could not be taken on the stack at %p",
                     (void *)trap->ip, (void *)trap->sp);
    ke_bugcheck_note(UNEXPECTED_KERNEL_MODE_TRAP, EXCEPTION_DOUBLE_FAULT, 0, 0,
                     0, note);
}

static void dispatch(const hal_trap *trap)
{
    switch (trap->kind) {
    case HAL_TRAP_PAGE_FAULT: {
        ULONGLONG start = tr_now();

        mm_access_fault(trap);
        TR(tr_page_fault(start, trap));
        return;
    }
    case HAL_TRAP_DOUBLE_FAULT:
        double_fault(trap);
        return;
    case HAL_TRAP_INTERRUPT:
        ki_user_tick();
        return;
    case HAL_TRAP_WATCHDOG:
        ke_report_timeout(trap);
        return;
    case HAL_TRAP_HOST_FAULT:
        ke_trap_exception(STATUS_ACCESS_VIOLATION, trap, trap->write,
                          trap->address);
        return;
    default:
        ke_trap_exception(exception_code(trap->kind), trap, 0, 0);
        return;
    }
}

/* A kernel-mode trap is on the thread's list while it is handled; an
 * exception handler that jumps out of it takes it off (except.c). */
void ki_trap(const hal_trap *trap)
{
    KTHREAD *thread = ke_current_thread();
    ki_trap_link link = {trap, NULL};

    ki_checkpoint();
    if (trap->user) {
        thread->PreviousMode = UserMode;
        dispatch(trap);
        return;
    }
    if (thread != NULL) {
        link.next = thread->Traps;
        thread->Traps = &link;
    }
    dispatch(trap);
    if (thread != NULL)
        thread->Traps = link.next;
}
