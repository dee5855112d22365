/*
 * The kernel's own system services: delaying, yielding and testing for
 * alerts.
 */
#include "ke.h"

#include "../mm/mm.h"

/*
 * Sleeps for DelayInterval (relative if negative, else an absolute system
 * time). Alertable: an alert or, from user mode, a user APC ends it early
 * (STATUS_ALERTED, STATUS_USER_APC).
 */
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    LARGE_INTEGER interval;
    NTSTATUS status = mm_capture(mode, DelayInterval, sizeof interval,
                                 sizeof(ULONG), &interval);

    if (!NT_SUCCESS(status))
        return status;
    return KeDelayExecutionThread(mode, Alertable, &interval);
}

/* Gives the CPU to a ready thread of the same priority, if there is one:
 * STATUS_SUCCESS, else STATUS_NO_YIELD_PERFORMED. */
NTSTATUS NTAPI NtYieldExecution(VOID)
{
    return ke_yield() ? STATUS_SUCCESS : STATUS_NO_YIELD_PERFORMED;
}

/* Clears the thread's user-mode alert (STATUS_ALERTED if it was set) and
 * lets user APCs queued to it run on its way back to user mode. */
NTSTATUS NTAPI NtTestAlert(VOID)
{
    return KeTestAlertThread(UserMode) ? STATUS_ALERTED : STATUS_SUCCESS;
}
