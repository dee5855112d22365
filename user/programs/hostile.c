/*
 * hostile: a user program that does what a well-behaved one never would,
 * one thing per argument, and checks that the answer is NT's: a status
 * from the service or an exception in the program, the system running on.
 *
 *   guard      a PAGE_GUARD page given to a service: the service returns
 *              STATUS_GUARD_PAGE_VIOLATION once, then the page is ordinary
 *   ac         EFLAGS.AC set around a system call and a misaligned access
 *   tf         EFLAGS.TF set: STATUS_SINGLE_STEP in the program, and a
 *              system call with TF set still returns
 *   syscall    raw Linux system calls, never run by the host: syscall is
 *              STATUS_ILLEGAL_INSTRUCTION, int 0x80 STATUS_ACCESS_VIOLATION
 *   continue   NtContinue with a context no CPU could resume (a
 *              non-canonical Rip, a kernel Rip, a bad stack): an
 *              exception in the program or a status, never the host's fault
 *   mutant     a mutant owned by its thread, closed, and the thread ends;
 *              and a create whose handle pointer is read-only
 *   commit     commits past the commit limit: STATUS_COMMITMENT_LIMIT
 *   unload     NtUnloadDriver and NtLoadDriver without SeLoadDriverPrivilege:
 *              STATUS_PRIVILEGE_NOT_HELD
 *   delay      NtDelayExecution of 2^63 (forever) with a periodic timer
 *              set, from a second thread; the first ends the process
 *
 * Exit status: 0 when every answer was right; otherwise the number of the
 * check that failed (it prints which).
 */
#include <ntdll.h>
#include <windows.h>
#include <stdio.h>
#include <string.h>

#define CHECK(n, c)                                          \
    do {                                                     \
        if (!(c)) {                                          \
            printf("hostile: check %d failed: %s\n", n, #c); \
            return n;                                        \
        }                                                    \
    } while (0)

static PVOID allocate(SIZE_T size, ULONG type, ULONG protect)
{
    PVOID base = NULL;

    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0,
                                            &size, type, protect)))
        return NULL;
    return base;
}

/* ---- guard --------------------------------------------------------------- */

static int guard(void)
{
    LARGE_INTEGER *t = allocate(0x1000, MEM_COMMIT | MEM_RESERVE,
                                PAGE_READWRITE | PAGE_GUARD);
    LARGE_INTEGER delay = {.QuadPart = -1};

    CHECK(1, t != NULL);
    /* The service's copy meets the guard: its status, and the guard goes. */
    CHECK(2, NtQuerySystemTime(t) == STATUS_GUARD_PAGE_VIOLATION);
    CHECK(3, NtQuerySystemTime(t) == STATUS_SUCCESS);
    CHECK(4, t->QuadPart != 0);
    /* A read (the service captures its argument) meets a guard as well. */
    t = allocate(0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE | PAGE_GUARD);
    CHECK(5, t != NULL);
    CHECK(6, NtDelayExecution(FALSE, t) == STATUS_GUARD_PAGE_VIOLATION);
    t->QuadPart = delay.QuadPart;
    CHECK(7, NtDelayExecution(FALSE, t) == STATUS_SUCCESS);
    printf("hostile: guard pages give STATUS_GUARD_PAGE_VIOLATION once\n");
    return 0;
}

/* ---- ac ------------------------------------------------------------------ */

#define EFLAGS_AC 0x40000u
#define EFLAGS_TF 0x100u

static void set_flags(ULONG_PTR bits)
{
    __asm__ volatile("pushfq\n\torq %0, (%%rsp)\n\tpopfq" ::"r"(bits)
                     : "cc", "memory");
}

static void clear_flags(ULONG_PTR bits)
{
    __asm__ volatile("pushfq\n\tandq %0, (%%rsp)\n\tpopfq" ::"r"(~bits)
                     : "cc", "memory");
}

static int ac(void)
{
    static char bytes[16] __attribute__((aligned(16)));
    volatile NTSTATUS status, code = 0;
    LARGE_INTEGER now;

    set_flags(EFLAGS_AC);
    status = NtQuerySystemTime(&now);
    clear_flags(EFLAGS_AC);
    CHECK(1, status == STATUS_SUCCESS);
    __try {
        set_flags(EFLAGS_AC);
        *(volatile ULONG *)(bytes + 1) = 1;
        clear_flags(EFLAGS_AC);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        clear_flags(EFLAGS_AC);
        code = GetExceptionCode();
    }
    CHECK(2, code == STATUS_DATATYPE_MISALIGNMENT);
    printf("hostile: EFLAGS.AC: system calls work, misaligned access is "
           "STATUS_DATATYPE_MISALIGNMENT\n");
    return 0;
}

/* ---- tf ------------------------------------------------------------------ */

static int tf(void)
{
    volatile NTSTATUS code = 0;

    __try {
        set_flags(EFLAGS_TF);
        __asm__ volatile("nop");
        clear_flags(EFLAGS_TF);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    CHECK(1, code == STATUS_SINGLE_STEP);
    printf("hostile: EFLAGS.TF: STATUS_SINGLE_STEP in the program\n");
    return 0;
}

/* ---- fs ------------------------------------------------------------------ */

/* Loads FS with selector (the host's C library keeps its thread data
 * there; user code may load it all the same). */
static void load_fs(USHORT selector)
{
    __asm__ volatile("movw %0, %%fs" ::"r"(selector) : "memory");
}

static int fs(void)
{
    volatile NTSTATUS code = 0;
    LARGE_INTEGER now;

    load_fs(0);
    CHECK(1, NtQuerySystemTime(&now) == STATUS_SUCCESS);
    load_fs(0);
    __try {
        *(volatile int *)NULL = 1;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    CHECK(2, code == STATUS_ACCESS_VIOLATION);
    load_fs(0x2B);
    printf("hostile: FS loaded: system calls and exceptions work\n");
    return 0;
}

/* ---- stack --------------------------------------------------------------- */

/* Enters the system call with a stack pointer at nothing: the program's
 * access violation; it has no stack to take it on, and ends. */
static int stack(void)
{
    ULONG_PTR entry = USER_SHARED_DATA->SystemCall;

    __asm__ volatile("movq %0, %%rsp\n\tjmp *%1" ::"r"(
                         (ULONG_PTR)NTLAB_VA_BASE + 0x20000000u),
                     "r"(entry), "D"(0), "S"(0)
                     : "memory");
    return 1;
}

/* ---- syscall ------------------------------------------------------------ */

/* A raw Linux system call (write to fd 1 with the syscall instruction, and
 * int 0x80): on NT an invalid instruction in the program, never run. */
static NTSTATUS raw_write(BOOLEAN legacy)
{
    static const char text[] = "hostile: the host ran a raw system call\n";
    volatile NTSTATUS code = STATUS_SUCCESS;
    long result = 0;

    __try {
        if (legacy)
            __asm__ volatile("int $0x80"
                             : "=a"(result)
                             : "a"(4L), "b"(1L), "c"(text),
                               "d"(sizeof text - 1)
                             : "memory");
        else
            __asm__ volatile("syscall"
                             : "=a"(result)
                             : "a"(1L), "D"(1L), "S"(text),
                               "d"(sizeof text - 1)
                             : "rcx", "r11", "memory");
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    (void)result;
    return code;
}

static int syscall_(void)
{
    CHECK(1, raw_write(FALSE) == STATUS_ILLEGAL_INSTRUCTION);
    CHECK(2, raw_write(TRUE) == STATUS_ACCESS_VIOLATION);
    printf("hostile: raw host system calls are exceptions in the program\n");
    return 0;
}

/* ---- continue ------------------------------------------------------------ */

/* A stack for contexts that need a good one (the exception frame goes
 * there); the handler's jump takes the program back to its own. */
static ULONGLONG spare_stack[2048] __attribute__((aligned(16)));

/* NtContinue with rip and rsp: the code of the exception that followed
 * in the program (STATUS_SUCCESS if none did). */
static NTSTATUS continue_at(ULONGLONG rip, ULONGLONG rsp)
{
    volatile NTSTATUS code = STATUS_SUCCESS;
    CONTEXT c;

    memset(&c, 0, sizeof c);
    c.ContextFlags = CONTEXT_CONTROL;
    c.Rip = rip;
    c.Rsp = rsp;
    c.EFlags = 0x202;
    __try {
        NtContinue(&c, FALSE);
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    return code;
}

static int continue_(void)
{
    ULONGLONG top = (ULONGLONG)(ULONG_PTR)(spare_stack + 2040);

    /* No CPU runs at a non-canonical address: an access violation there. */
    CHECK(1, continue_at(0x8000000000000000ull, top) == STATUS_ACCESS_VIOLATION);
    CHECK(2, continue_at(0x00007FFFFFFFF000ull + 0x1000, top) ==
                 STATUS_ACCESS_VIOLATION);
    printf("hostile: bad contexts are exceptions in the program\n");
    return 0;
}

/* No stack to take the exception on: the process ends with its code. */
static int continue_nostack(void)
{
    continue_at(0x8000000000000000ull, 0x10);
    printf("hostile: still here after a context without a stack\n");
    return 1;
}

/* ---- mutant -------------------------------------------------------------- */

static ULONG NTAPI own_and_close(PVOID arg)
{
    HANDLE m;

    (void)arg;
    if (!NT_SUCCESS(NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, TRUE)))
        return 1;
    NtClose(m);
    for (int i = 0; i < 20; i++)
        NtCreateMutant(&m, MUTANT_ALL_ACCESS, NULL, FALSE);
    return 0;
}

static ULONG NTAPI create_into_read_only(PVOID arg)
{
    NTSTATUS status = NtCreateMutant((PHANDLE)arg, MUTANT_ALL_ACCESS, NULL,
                                     TRUE);

    return status == STATUS_ACCESS_VIOLATION ? 0 : 2;
}

static ULONG run_thread(PUSER_THREAD_START_ROUTINE routine, PVOID arg)
{
    HANDLE thread;
    THREAD_BASIC_INFORMATION info;

    if (!NT_SUCCESS(NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL,
                                     NtCurrentProcess(), (PVOID)routine, arg,
                                     0, 0, 0, 0, NULL)))
        return 100;
    NtWaitForSingleObject(thread, FALSE, NULL);
    NtQueryInformationThread(thread, ThreadBasicInformation, &info,
                             sizeof info, NULL);
    NtClose(thread);
    return (ULONG)info.ExitStatus;
}

static int mutant(void)
{
    PVOID ro = allocate(0x1000, MEM_COMMIT | MEM_RESERVE, PAGE_READONLY);

    CHECK(1, run_thread(own_and_close, NULL) == 0);
    CHECK(2, ro != NULL);
    CHECK(3, run_thread(create_into_read_only, ro) == 0);
    printf("hostile: mutants closed while owned are abandoned\n");
    return 0;
}

/* ---- commit -------------------------------------------------------------- */

static ULONG committed_pages(void)
{
    SYSTEM_PERFORMANCE_INFORMATION perf;

    if (!NT_SUCCESS(NtQuerySystemInformation(SystemPerformanceInformation,
                                             &perf, sizeof perf, NULL)))
        return 0;
    return perf.CommittedPages;
}

static NTSTATUS commit_bytes(SIZE_T size, PVOID *base)
{
    *base = NULL;
    return NtAllocateVirtualMemory(NtCurrentProcess(), base, 0, &size,
                                   MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

/* Writes every page of [p, p + size) and reads it all back. */
static BOOLEAN round_trip(volatile ULONG *p, SIZE_T size)
{
    SIZE_T i, n = size / 0x1000;

    for (i = 0; i < n; i++)
        p[i * 0x400] = (ULONG)i * 2654435761u;
    for (i = 0; i < n; i++) {
        if (p[i * 0x400] != (ULONG)i * 2654435761u)
            return FALSE;
    }
    return TRUE;
}

static int commit(void)
{
    MEMORYSTATUSEX m = {.dwLength = sizeof m};
    SIZE_T avail, size = 0;
    ULONG before;
    PVOID base;

    CHECK(1, GlobalMemoryStatusEx(&m));
    avail = (SIZE_T)m.ullAvailPageFile;
    CHECK(2, avail > 0x400000);
    /* More than the limit has left: refused, nothing charged. */
    before = committed_pages();
    CHECK(3, commit_bytes(avail + 0x1000000, &base) == STATUS_COMMITMENT_LIMIT);
    CHECK(4, committed_pages() == before);
    /* Nearly all of it: granted, charged, and every page keeps its data
     * through the paging file. */
    CHECK(5, commit_bytes(avail - 0x200000, &base) == STATUS_SUCCESS);
    CHECK(6, committed_pages() >= before + (avail - 0x200000) / 0x1000);
    CHECK(7, round_trip(base, avail - 0x200000));
    CHECK(8, NtFreeVirtualMemory(NtCurrentProcess(), &base, &size,
                                 MEM_RELEASE) == STATUS_SUCCESS);
    CHECK(9, committed_pages() < before + 0x100);
    printf("hostile: commit past the limit is STATUS_COMMITMENT_LIMIT; up "
           "to it, every page is kept\n");
    return 0;
}

/* ---- unload -------------------------------------------------------------- */

static void iotest_key(UNICODE_STRING *key)
{
    RtlInitUnicodeString(
        key, L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"
             L"iotest");
}

static int unload(void)
{
    UNICODE_STRING key;

    iotest_key(&key);
    CHECK(1, NtUnloadDriver(&key) == STATUS_PRIVILEGE_NOT_HELD);
    CHECK(2, NtLoadDriver(&key) == STATUS_PRIVILEGE_NOT_HELD);
    printf("hostile: NtUnloadDriver and NtLoadDriver need "
           "SeLoadDriverPrivilege\n");
    return 0;
}

/* Started with --privilege load-driver and --driver iotest.sys. */
static int unload_privileged(void)
{
    UNICODE_STRING key;

    iotest_key(&key);
    CHECK(1, NtUnloadDriver(&key) == STATUS_SUCCESS);
    CHECK(2, NtUnloadDriver(&key) == STATUS_OBJECT_NAME_NOT_FOUND);
    CHECK(3, NtLoadDriver(&key) == STATUS_SUCCESS);
    CHECK(4, NtLoadDriver(&key) == STATUS_IMAGE_ALREADY_LOADED);
    CHECK(5, NtUnloadDriver(&key) == STATUS_SUCCESS);
    printf("hostile: with SeLoadDriverPrivilege, drivers unload and load\n");
    return 0;
}

/* ---- delay --------------------------------------------------------------- */

static ULONG NTAPI sleep_forever(PVOID arg)
{
    LARGE_INTEGER forever = {.QuadPart = (LONGLONG)0x8000000000000000ull};

    (void)arg;
    return (ULONG)NtDelayExecution(FALSE, &forever);
}

static int delay(void)
{
    LARGE_INTEGER due = {.QuadPart = -10000};
    LARGE_INTEGER pause = {.QuadPart = -100000};
    HANDLE timer, thread;

    CHECK(1, NT_SUCCESS(NtCreateTimer(&timer, TIMER_ALL_ACCESS, NULL,
                                      NotificationTimer)));
    CHECK(2, NT_SUCCESS(NtSetTimer(timer, &due, NULL, NULL, FALSE, 1, NULL)));
    CHECK(3, NT_SUCCESS(NtCreateThreadEx(&thread, THREAD_ALL_ACCESS, NULL,
                                         NtCurrentProcess(),
                                         (PVOID)sleep_forever, NULL, 0, 0, 0,
                                         0, NULL)));
    CHECK(4, NtDelayExecution(FALSE, &pause) == STATUS_SUCCESS);
    CHECK(5, NtWaitForSingleObject(thread, FALSE, &pause) == STATUS_TIMEOUT);
    printf("hostile: a thread sleeps forever beside a periodic timer\n");
    return 0;
}

static VOID NTAPI timer_apc(PVOID context, ULONG low, LONG high)
{
    (void)context;
    (void)low;
    (void)high;
}

/* Sleeps forever beside a periodic timer (with an APC routine for "apc"):
 * the system hangs (exit status 4) as soon as nothing can wake a thread. */
static int delay_forever(BOOLEAN apc)
{
    LARGE_INTEGER due = {.QuadPart = -10000};
    HANDLE timer;

    CHECK(1, NT_SUCCESS(NtCreateTimer(&timer, TIMER_ALL_ACCESS, NULL,
                                      NotificationTimer)));
    CHECK(2, NT_SUCCESS(NtSetTimer(timer, &due,
                                   apc ? (PTIMER_APC_ROUTINE)timer_apc : NULL,
                                   NULL, FALSE, 1, NULL)));
    sleep_forever(NULL);
    return 1;
}

static int delay_forever_plain(void)
{
    return delay_forever(FALSE);
}

static int delay_forever_apc(void)
{
    return delay_forever(TRUE);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } cases[] = {
        {"guard", guard},   {"ac", ac},         {"tf", tf},
        {"continue", continue_}, {"continue-nostack", continue_nostack},
        {"fs", fs}, {"stack", stack}, {"syscall", syscall_},
        {"mutant", mutant}, {"commit", commit},
        {"unload", unload}, {"unload-privileged", unload_privileged},
        {"delay", delay}, {"delay-forever", delay_forever_plain},
        {"delay-forever-apc", delay_forever_apc},
    };
    unsigned i;

    for (i = 0; argc == 2 && i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(argv[1], cases[i].name) == 0)
            return cases[i].run();
    }
    printf("usage: hostile.exe CASE (");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        printf(i == 0 ? "%s" : "|%s", cases[i].name);
    printf(")\n");
    return 2;
}
