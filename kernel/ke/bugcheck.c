/*
 * Bug checks: NT's stop screen, then the machine stops.
 *
 * The screen gives what NT's gives (code, name, the four parameters) and
 * what a learner needs next to it: the process, thread and IRQL that were
 * current. ntlab then exits with KE_STOP_EXIT_STATUS.
 */
#include "ke.h"

#include "../kd/kd.h"
#include "../ktest/ktest.h"
#include "../mm/mm.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

static const struct {
    ULONG code;
    const char *name;
} names[] = {
    {APC_INDEX_MISMATCH, "APC_INDEX_MISMATCH"},
    {INVALID_PROCESS_ATTACH_ATTEMPT, "INVALID_PROCESS_ATTACH_ATTEMPT"},
    {INVALID_PROCESS_DETACH_ATTEMPT, "INVALID_PROCESS_DETACH_ATTEMPT"},
    {IRQL_NOT_GREATER_OR_EQUAL, "IRQL_NOT_GREATER_OR_EQUAL"},
    {IRQL_NOT_LESS_OR_EQUAL, "IRQL_NOT_LESS_OR_EQUAL"},
    {NO_EXCEPTION_HANDLING_SUPPORT, "NO_EXCEPTION_HANDLING_SUPPORT"},
    {MAXIMUM_WAIT_OBJECTS_EXCEEDED, "MAXIMUM_WAIT_OBJECTS_EXCEEDED"},
    {MUTEX_LEVEL_NUMBER_VIOLATION, "MUTEX_LEVEL_NUMBER_VIOLATION"},
    {SPIN_LOCK_ALREADY_OWNED, "SPIN_LOCK_ALREADY_OWNED"},
    {SPIN_LOCK_NOT_OWNED, "SPIN_LOCK_NOT_OWNED"},
    {THREAD_NOT_MUTEX_OWNER, "THREAD_NOT_MUTEX_OWNER"},
    {MEMORY_MANAGEMENT, "MEMORY_MANAGEMENT"},
    {KMODE_EXCEPTION_NOT_HANDLED, "KMODE_EXCEPTION_NOT_HANDLED"},
    {KERNEL_APC_PENDING_DURING_EXIT, "KERNEL_APC_PENDING_DURING_EXIT"},
    {PHASE1_INITIALIZATION_FAILED, "PHASE1_INITIALIZATION_FAILED"},
    {SYSTEM_SERVICE_EXCEPTION, "SYSTEM_SERVICE_EXCEPTION"},
    {NO_MORE_SYSTEM_PTES, "NO_MORE_SYSTEM_PTES"},
    {PFN_LIST_CORRUPT, "PFN_LIST_CORRUPT"},
    {NO_PAGES_AVAILABLE, "NO_PAGES_AVAILABLE"},
    {PAGE_FAULT_IN_NONPAGED_AREA, "PAGE_FAULT_IN_NONPAGED_AREA"},
    {PROCESS_INITIALIZATION_FAILED, "PROCESS_INITIALIZATION_FAILED"},
    {KERNEL_STACK_INPAGE_ERROR, "KERNEL_STACK_INPAGE_ERROR"},
    {KERNEL_DATA_INPAGE_ERROR, "KERNEL_DATA_INPAGE_ERROR"},
    {INSTALL_MORE_MEMORY, "INSTALL_MORE_MEMORY"},
    {SYSTEM_THREAD_EXCEPTION_NOT_HANDLED,
     "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"},
    {UNEXPECTED_KERNEL_MODE_TRAP, "UNEXPECTED_KERNEL_MODE_TRAP"},
    {ATTEMPTED_SWITCH_FROM_DPC, "ATTEMPTED_SWITCH_FROM_DPC"},
    {ATTEMPTED_WRITE_TO_READONLY_MEMORY, "ATTEMPTED_WRITE_TO_READONLY_MEMORY"},
    {BAD_POOL_CALLER, "BAD_POOL_CALLER"},
    {DRIVER_VERIFIER_DETECTED_VIOLATION, "DRIVER_VERIFIER_DETECTED_VIOLATION"},
    {DRIVER_VIOLATION, "DRIVER_VIOLATION"},
    {SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION,
     "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION"},
    {TIMER_OR_DPC_INVALID, "TIMER_OR_DPC_INVALID"},
    {DRIVER_VERIFIER_IOMANAGER_VIOLATION, "DRIVER_VERIFIER_IOMANAGER_VIOLATION"},
    {PAGE_FAULT_BEYOND_END_OF_ALLOCATION, "PAGE_FAULT_BEYOND_END_OF_ALLOCATION"},
    {DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION,
     "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION"},
    {DRIVER_CORRUPTED_EXPOOL, "DRIVER_CORRUPTED_EXPOOL"},
    {PAGE_FAULT_IN_FREED_SPECIAL_POOL, "PAGE_FAULT_IN_FREED_SPECIAL_POOL"},
    {DRIVER_IRQL_NOT_LESS_OR_EQUAL, "DRIVER_IRQL_NOT_LESS_OR_EQUAL"},
    {DRIVER_PORTION_MUST_BE_NONPAGED, "DRIVER_PORTION_MUST_BE_NONPAGED"},
    {DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL,
     "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL"},
    {MANUALLY_INITIATED_CRASH, "MANUALLY_INITIATED_CRASH"},
    {WORKER_THREAD_RETURNED_AT_BAD_IRQL, "WORKER_THREAD_RETURNED_AT_BAD_IRQL"},
    {WORKER_INVALID, "WORKER_INVALID"},
    {REFERENCE_BY_POINTER, "REFERENCE_BY_POINTER"},
    {INVALID_KERNEL_HANDLE, "INVALID_KERNEL_HANDLE"},
    {NO_MORE_IRP_STACK_LOCATIONS, "NO_MORE_IRP_STACK_LOCATIONS"},
    {MULTIPLE_IRP_COMPLETE_REQUESTS, "MULTIPLE_IRP_COMPLETE_REQUESTS"},
    {IRQL_GT_ZERO_AT_SYSTEM_SERVICE, "IRQL_GT_ZERO_AT_SYSTEM_SERVICE"},
    {MUTEX_ALREADY_OWNED, "MUTEX_ALREADY_OWNED"},
    {IRQL_UNEXPECTED_VALUE, "IRQL_UNEXPECTED_VALUE"},
    {THREAD_TERMINATE_HELD_MUTEX, "THREAD_TERMINATE_HELD_MUTEX"},
};

static BOOLEAN stopping;

const char *ke_bugcheck_name(ULONG code)
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(names); i++) {
        if (names[i].code == code)
            return names[i].name;
    }
    return "(unnamed stop code)";
}

/* NT prints each parameter as 8 hex digits; a host address needs 16. */
static const char *param_format(ULONG_PTR p)
{
    return ((ULONGLONG)p >> 32) != 0 ? "0x%016llX" : "0x%08llX";
}

static void print_params(const ULONG_PTR p[4])
{
    int i;

    for (i = 0; i < 4; i++) {
        rtl_print(i == 0 ? "(" : ",");
        rtl_print(param_format(p[i]), (ULONGLONG)p[i]);
    }
    rtl_print(")\n");
}

/* The stops whose parameters include the faulting instruction, and which
 * parameter (1 to 4) it is. */
static const struct {
    ULONG code;
    ULONG param;
} instruction_params[] = {
    {IRQL_NOT_LESS_OR_EQUAL, 4},      {DRIVER_IRQL_NOT_LESS_OR_EQUAL, 4},
    {PAGE_FAULT_IN_NONPAGED_AREA, 3}, {KMODE_EXCEPTION_NOT_HANDLED, 2},
    {SYSTEM_SERVICE_EXCEPTION, 2},    {SYSTEM_THREAD_EXCEPTION_NOT_HANDLED, 2},
};

/* The stop's instruction parameter, or 0 for a stop without one. */
static ULONG_PTR instruction_of(ULONG code, const ULONG_PTR p[4])
{
    ULONG i;

    for (i = 0; i < ARRAYSIZE(instruction_params); i++)
        if (instruction_params[i].code == code)
            return p[instruction_params[i].param - 1];
    return 0;
}

static void print_context(KIRQL irql)
{
    KTHREAD *thread = KeGetPcr()->CurrentThread;

    if (thread != NULL) {
        KPROCESS *process = thread->ApcState.Process;

        rtl_print("  process  %s (PID %u)\n", ps_process_name(process),
                  ps_process_id(process));
        rtl_print("  thread   %08X (TID %u)%s\n", HAL_PTR_VA(thread),
                  ps_thread_id(thread),
                  thread == KeGetPcr()->IdleThread ? ", the idle thread" : "");
    } else {
        rtl_print("  during boot, before the first thread\n");
    }
    rtl_print("  IRQL     %u (%s)\n", irql, ke_irql_name(irql));
}

void ke_print_stop_screen(const ke_stop *stop)
{
    rtl_print("\n*** STOP: 0x%08X ", stop->code);
    print_params(stop->params);
    rtl_print("%s\n\n", ke_bugcheck_name(stop->code));
    print_context(stop->irql);
    if (stop->note != NULL)
        rtl_print("  %s\n", stop->note);
    kd_print_stop_stack(instruction_of(stop->code, stop->params), stop->fp);
    rtl_print("\n");
    if (mm_print_loaded_modules() != 0)
        rtl_print("\n");
}

void ke_bugcheck_note(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                      ULONG_PTR p4, const char *note)
{
    ke_stop stop = {code, {p1, p2, p3, p4}, KeGetPcr()->Irql, note,
                    (ULONG_PTR)__builtin_frame_address(0)};
    ULONG i;

    /* NT's parameters are system-space addresses: the kernel's own code
     * and data are named in the nt image (kd.h). */
    for (i = 0; i < 4; i++)
        stop.params[i] = kd_system_address(stop.params[i]);

    hal_interrupts_disable();
    rtl_console_mute(FALSE);
    if (stopping) {
        rtl_print("\n*** STOP 0x%08X while the stop screen was printed\n",
                  code);
        hal_power_off(KE_STOP_EXIT_STATUS);
    }
    stopping = TRUE;
    KeGetPcr()->Irql = HIGH_LEVEL;
    ke_print_stop_screen(&stop);
    rtl_print("The system has stopped.\n");
    kd_at_stop(&stop);
    kd_at_end();
    ktest_on_stop(code, stop.params);
    hal_power_off(KE_STOP_EXIT_STATUS);
}

/*
 * No thread can run and no timer will ever fire: on NT the machine would
 * sit idle for ever. ntlab says so, lists who waits for what, and stops.
 */
void ke_report_hang(void)
{
    hal_interrupts_disable();
    rtl_console_mute(FALSE);
    rtl_print("\n*** HANG: every thread is waiting, and nothing set will "
              "ever wake one\n\n");
    kd_print_hang(&ki_all_threads);
    rtl_print("\nThe system has hung.\n");
    kd_at_end();
    ktest_on_hang();
    hal_power_off(KE_HANG_EXIT_STATUS);
}

/*
 * The --timeout watchdog: the run has had its host time. Like an NMI it
 * comes wherever the CPU is; ntlab says what each thread was doing, from
 * what the trap interrupted, and stops.
 */
void ke_report_timeout(const hal_trap *trap)
{
    if (stopping)
        return;
    stopping = TRUE;
    hal_interrupts_disable();
    rtl_console_mute(FALSE);
    rtl_print("\n*** TIMEOUT: the run took longer than --timeout allows "
              "(host time)\n\n");
    kd_print_threads(&ki_all_threads, trap);
    rtl_print("\nThe run has timed out.\n");
    kd_at_end();
    hal_power_off(KE_TIMEOUT_EXIT_STATUS);
}

VOID NTAPI KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                        ULONG_PTR BugCheckParameter2,
                        ULONG_PTR BugCheckParameter3,
                        ULONG_PTR BugCheckParameter4)
{
    ke_bugcheck_note(BugCheckCode, BugCheckParameter1, BugCheckParameter2,
                     BugCheckParameter3, BugCheckParameter4, NULL);
}

VOID NTAPI KeBugCheck(ULONG BugCheckCode)
{
    ke_bugcheck_note(BugCheckCode, 0, 0, 0, 0, NULL);
}
