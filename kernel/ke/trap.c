/*
 * Trap dispatch: where the platform hands the kernel a fault it could not
 * resolve itself. Page faults go to the memory manager; a double fault (a
 * trap that could not be taken on its stack) is a kernel stack overflow or
 * worse; every other trap becomes an exception. Structured exception
 * handling comes with the Mm issue; until then a kernel exception is
 * unhandled and stops the system as NT does when no handler takes it.
 */
#include "ke.h"

#include "../mm/mm.h"
#include "../rtl/rtl.h"

static NTSTATUS exception_code(hal_trap_kind kind)
{
    switch (kind) {
    case HAL_TRAP_DIVIDE:
        return STATUS_INTEGER_DIVIDE_BY_ZERO;
    case HAL_TRAP_INVALID_OPCODE:
        return STATUS_ILLEGAL_INSTRUCTION;
    case HAL_TRAP_BREAKPOINT:
        return STATUS_BREAKPOINT;
    default:
        return STATUS_ACCESS_VIOLATION;
    }
}

/*
 * An exception in kernel mode that nothing handles: 0x7E in a system
 * thread, 0x1E otherwise, with the exception code and address. For an
 * access violation the last two parameters are read/write and the address.
 */
void ke_unhandled_kernel_exception(NTSTATUS code, ULONG_PTR ip, ULONG_PTR info0,
                                   ULONG_PTR info1)
{
    KTHREAD *thread = KeGetPcr()->CurrentThread;

    if (thread != NULL && thread->SystemThread)
        KeBugCheckEx(SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, (ULONG)code, ip,
                     info0, info1);
    KeBugCheckEx(KMODE_EXCEPTION_NOT_HANDLED, (ULONG)code, ip, info0, info1);
}

void ke_raise_status(NTSTATUS status)
{
    ke_unhandled_kernel_exception(
        status, (ULONG_PTR)__builtin_return_address(0), 0, 0);
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

void ki_trap(const hal_trap *trap)
{
    ki_checkpoint();
    switch (trap->kind) {
    case HAL_TRAP_PAGE_FAULT:
        mm_access_fault(trap);
        return;
    case HAL_TRAP_DOUBLE_FAULT:
        double_fault(trap);
        return;
    case HAL_TRAP_HOST_FAULT:
        ke_unhandled_kernel_exception(STATUS_ACCESS_VIOLATION, trap->ip,
                                      trap->write, trap->address);
        return;
    default:
        ke_unhandled_kernel_exception(exception_code(trap->kind), trap->ip, 0,
                                      0);
        return;
    }
}
