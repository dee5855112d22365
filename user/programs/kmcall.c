/*
 * kmcall.exe: hands kmcall.sys the address of one of its own functions and
 * asks for it to be called in kernel mode, from one of three places:
 *
 *   kmcall.exe [call]        the dispatch routine, in this program's thread:
 *                            the function runs, in kernel mode;
 *   kmcall.exe work          a work item (System process), under __try:
 *                            the call faults, STATUS_ACCESS_VIOLATION;
 *   kmcall.exe work-unguarded  the same without __try: the system stops;
 *   kmcall.exe dpc           a DPC while a second copy of this program runs:
 *                            the call runs the other copy's code and data;
 *   kmcall.exe dpc-alone     a DPC while no program runs: the call faults
 *                            at DISPATCH_LEVEL and the system stops.
 *
 * (kmcall.exe copy is that second copy: it spins until it is ended.)
 * Exit status: 0 when the call went the way the lesson says, 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/kmcall/kmcall.h"
#include "lesson.h"
#include "second_copy.h"

#define COPY_READY L"KmCallCopyReady"

/* Which copy of the program this is (2 in the one "dpc" starts), and how
 * often this copy's function ran: data of this process's own. */
static volatile ULONG Copy = 1;
static volatile ULONG Calls;
static const ULONG *volatile SecretAddress;

/*
 * The function the driver calls. It is this program's code, but it runs in
 * kernel mode, on a kernel stack: it must call nothing of the program's
 * runtime (which would enter the kernel as if from user mode), only the
 * kernel routines it is handed. Nor may it carry preemption points: the
 * runtime's point enters the kernel through the system-call entry too.
 */
__attribute__((no_sanitize_coverage)) static VOID KernelModeFunction(const KMCALL_KERNEL *Kernel)
{
    KMCALL_ANSWER *Answer = Kernel->Answer;

    Calls++;
    Answer->Copy = Copy;
    Answer->ProcessId = (ULONG)(ULONG_PTR)Kernel->GetCurrentProcessId();
    Answer->Irql = Kernel->GetCurrentIrql();
    Answer->Secret = *Kernel->Secret; /* system space: kernel mode reads it */
    SecretAddress = Kernel->Secret;
    Kernel->Print("kmcall.exe: copy %u of my function, in kernel mode: "
                  "process %u, IRQL %u\n",
                  Answer->Copy, Answer->ProcessId, Answer->Irql);
}

/* Sends code to \\.\KmCall with this program's function; FALSE on failure. */
static BOOL call(DWORD code, KMCALL_RESULT *result)
{
    KMCALL_REQUEST request = {KernelModeFunction};
    HANDLE device = OpenLessonDevice("kmcall.exe", "KmCall");
    DWORD bytes = 0;
    BOOL ok;

    if (device == INVALID_HANDLE_VALUE)
        return FALSE;
    memset(result, 0, sizeof *result);
    ok = DeviceIoControl(device, code, &request, sizeof request, result,
                         sizeof *result, &bytes, NULL) &&
         bytes == sizeof *result;
    if (!ok)
        printf("kmcall.exe: the request failed (error %lu)\n",
               (unsigned long)GetLastError());
    CloseHandle(device);
    return ok;
}

/* The same system address, read from user mode: ntlab lets user code read
 * system space unless booted with --strict, where this faults. */
static void read_from_user_mode(void)
{
    volatile ULONG value = 0;

    __try {
        value = *SecretAddress;
        printf("kmcall.exe: user mode reads 0x%08lX there too "
               "(ntlab without --strict)\n",
               (unsigned long)value);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        printf("kmcall.exe: user mode reading it faults: 0x%08lX\n",
               (unsigned long)GetExceptionCode());
    }
}

static int from_dispatch(void)
{
    KMCALL_RESULT r;
    KMCALL_ANSWER *a = &r.Answer;

    if (!call(IOCTL_KMCALL_FROM_DISPATCH, &r))
        return 1;
    printf("kmcall.exe: it ran in process %lu (mine is %lu) at IRQL %lu\n",
           (unsigned long)a->ProcessId, (unsigned long)GetCurrentProcessId(),
           (unsigned long)a->Irql);
    printf("kmcall.exe: it read 0x%08lX at %p, in system space\n",
           (unsigned long)a->Secret, (const void *)SecretAddress);
    read_from_user_mode();
    return r.Status == STATUS_SUCCESS && Calls == 1 &&
                   a->ProcessId == GetCurrentProcessId() && a->Irql == 0 &&
                   a->Secret == KMCALL_SECRET
               ? 0
               : 1;
}

static int from_work_item(BOOL guarded)
{
    KMCALL_RESULT r;

    if (!call(guarded ? IOCTL_KMCALL_FROM_WORK_ITEM
                      : IOCTL_KMCALL_FROM_WORK_UNGUARDED,
              &r))
        return 1;
    printf("kmcall.exe: the call from the work item raised 0x%08lX\n",
           (unsigned long)r.Status);
    printf("kmcall.exe: my function ran %lu times\n", (unsigned long)Calls);
    return r.Status == STATUS_ACCESS_VIOLATION && Calls == 0 ? 0 : 1;
}

/* Starts the second copy and waits until it runs; its handle or NULL. */
static HANDLE start_copy(ULONG *pid)
{
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, COPY_READY), process;

    if (ready == NULL)
        return NULL;
    process = StartSecondCopy(L"kmcall.exe", L"kmcall.exe copy", ready, pid);
    CloseHandle(ready);
    if (process != NULL)
        printf("kmcall.exe: started a second copy of me, process %lu\n",
               (unsigned long)*pid);
    return process;
}

static int from_dpc(void)
{
    KMCALL_RESULT r;
    KMCALL_ANSWER *a = &r.Answer;
    ULONG pid = 0;
    HANDLE copy = start_copy(&pid);
    BOOL ok;

    if (copy == NULL) {
        printf("kmcall.exe: cannot start the second copy\n");
        return 1;
    }
    /* This thread now waits for the request; the copy spins. */
    ok = call(IOCTL_KMCALL_FROM_DPC, &r);
    TerminateProcess(copy, 0);
    WaitForSingleObject(copy, 10000);
    CloseHandle(copy);
    if (!ok)
        return 1;
    printf("kmcall.exe: the DPC's call ran copy %lu, in process %lu, "
           "at IRQL %lu\n",
           (unsigned long)a->Copy, (unsigned long)a->ProcessId,
           (unsigned long)a->Irql);
    printf("kmcall.exe: my own copy of the function ran %lu times\n",
           (unsigned long)Calls);
    return r.Status == STATUS_SUCCESS && a->Copy == 2 && a->ProcessId == pid &&
                   a->Irql == 2 && Calls == 0
               ? 0
               : 1;
}

/* No other copy runs: when the timer expires, this thread waits and the
 * idle thread is current, with nothing mapped in the user half. The call
 * faults at DISPATCH_LEVEL and the system stops: this never returns. */
static int from_dpc_alone(void)
{
    KMCALL_RESULT r;

    call(IOCTL_KMCALL_FROM_DPC, &r);
    printf("kmcall.exe: the DPC's call returned: not what the lesson says\n");
    return 1;
}

/* The second copy: same code at the same addresses, its own data. It
 * spins in user mode, so its user half is the one mapped when the clock
 * interrupts it. */
static int second_copy(void)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, COPY_READY);

    Copy = 2;
    if (ready == NULL || !SetEvent(ready))
        return 1;
    for (;;)
        Calls += 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "call";

    if (strcmp(mode, "call") == 0)
        return from_dispatch();
    if (strcmp(mode, "work") == 0)
        return from_work_item(TRUE);
    if (strcmp(mode, "work-unguarded") == 0)
        return from_work_item(FALSE);
    if (strcmp(mode, "dpc") == 0)
        return from_dpc();
    if (strcmp(mode, "dpc-alone") == 0)
        return from_dpc_alone();
    if (strcmp(mode, "copy") == 0)
        return second_copy();
    printf("kmcall.exe: usage: kmcall.exe "
           "[call|work|work-unguarded|dpc|dpc-alone]\n");
    return 1;
}
