/*
 * fuzz: hostile calls of every system service, and random IOCTLs to the
 * drivers ntlab ships, from a seed.
 *
 *   fuzz.exe SEED ROUNDS CALLS
 *
 * The supervisor runs ROUNDS child processes one after the other, each
 * making CALLS calls drawn from SEED and its round number. A child may die
 * of what it did to itself (it may free its own stack or terminate itself)
 * or block for ever (it may wait on an event no one sets): the supervisor
 * gives each round a deadline and then terminates it. What must hold is the
 * system's side: no stop, no host signal, no hang (ntlab's exit status
 * says), and, after each child has gone, every pool allocation it caused
 * given back. It prints one line per round and exits 0, or 1 with the
 * round whose pool did not come back.
 *
 * The same seed gives the same calls: a failure replays with the line's
 * seed and round.
 */
#include <ntdll.h>
#include <nt/services.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/iotest/iotest.h"

#define NUMBER(type, name, count, params, args) SERVICE_##name,
enum { NTLAB_SERVICES(NUMBER) SERVICE_COUNT };
#define COUNT(type, name, count, params, args) count,
static const unsigned char arg_counts[] = {NTLAB_SERVICES(COUNT)};

#define AT(va) ((ULONG_PTR)NTLAB_VA_BASE + (va))

typedef ULONG_PTR (*system_call)(ULONG number, const ULONG_PTR *args);

static NTSTATUS call(ULONG number, const ULONG_PTR *args)
{
    return (NTSTATUS)((system_call)USER_SHARED_DATA->SystemCall)(number, args);
}

/* ---- Randomness (xorshift64*) -------------------------------------------- */

static ULONGLONG state;

static ULONGLONG random64(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ull;
}

static ULONG below(ULONG n)
{
    return (ULONG)(random64() % n);
}

/* ---- What the arguments are made of ------------------------------------- */

#define BUFFER_PAGES 8
#define HANDLES      24
#define STRINGS      4

static struct {
    UCHAR *buffer;    /* read-write, refilled at random */
    UCHAR *read_only; /* a read-only page */
    UCHAR *guard;     /* a PAGE_GUARD page (re-armed now and then) */
    UCHAR *no_access; /* a PAGE_NOACCESS page */
    UCHAR *edge;      /* the last bytes before no_access */
    HANDLE handles[HANDLES];
    ULONG handle_count;
    HANDLE devices[16];
    ULONG device_types[16]; /* index in devices[] */
    ULONG device_count;
    UNICODE_STRING strings[STRINGS];
    OBJECT_ATTRIBUTES attributes[STRINGS];
    LARGE_INTEGER times[3];
} pool_of;

static PVOID allocate(SIZE_T size, ULONG protect)
{
    PVOID base = NULL;

    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0,
                                            &size, MEM_COMMIT | MEM_RESERVE,
                                            protect)))
        return NULL;
    return base;
}

static void make_memory(void)
{
    ULONG old;
    SIZE_T size = 0x1000;
    PVOID page;

    pool_of.buffer = allocate(BUFFER_PAGES * 0x1000, PAGE_READWRITE);
    pool_of.read_only = allocate(0x1000, PAGE_READWRITE);
    pool_of.guard = allocate(0x1000, PAGE_READWRITE | PAGE_GUARD);
    pool_of.no_access = allocate(0x2000, PAGE_READWRITE);
    page = pool_of.no_access + 0x1000;
    NtProtectVirtualMemory(NtCurrentProcess(), &page, &size, PAGE_NOACCESS,
                           &old);
    pool_of.edge = pool_of.no_access + 0x1000 - 64;
    pool_of.no_access += 0x1000;
    page = pool_of.read_only;
    size = 0x1000;
    memset(pool_of.read_only, 0x5A, 0x1000);
    NtProtectVirtualMemory(NtCurrentProcess(), &page, &size, PAGE_READONLY,
                           &old);
}

/*
 * The shipped drivers' devices, and the I/O control codes each has that
 * are wrong on purpose (a lesson driver showing a bug the system stops
 * for: a caller's pointer kept and used later, unprobed, from a work item
 * or a DPC; under __try a system-space address still stops with 0x50). kmcall.sys is left out: what it does is call the program's own
 * function in kernel mode, so a random request is a random kernel call.
 */
static const struct {
    PCWSTR path;
    ULONG type;
    ULONG wrong[3]; /* function numbers, 0x800 + n; 0: none */
} devices[] = {
    {L"\\Device\\IoTest", 0x8000, {0, 0, 0}},
    {L"\\Device\\IoTestDirect", 0x8000, {0, 0, 0}},
    {L"\\Device\\IoTestNeither", 0x8000, {0, 0, 0}},
    {L"\\Device\\Addresses", 0x8000, {0, 0, 0}},
    {L"\\Device\\Direct", 0x8002, {0, 0, 0}},
    {L"\\Device\\FilterLower", 0x8002, {0, 0, 0}},
    {L"\\Device\\Handles", 0x8000, {0, 0, 0}},
    {L"\\Device\\Neither", 0x8001, {0x801, 0x802, 0x803}},
    {L"\\Device\\PagedPool", 0x8000, {0, 0, 0}},
    {L"\\Device\\TimerDpc", 0x8001, {0, 0, 0}},
};

/* Handles of every kind the services take, and the shipped drivers'
 * devices. */
static void add_handle(NTSTATUS status, const HANDLE *handle)
{
    if (NT_SUCCESS(status) && pool_of.handle_count < HANDLES)
        pool_of.handles[pool_of.handle_count++] = *handle;
}

static void open_device(PCWSTR path, ULONG type)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb;
    HANDLE h;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    if (NT_SUCCESS(NtCreateFile(&h, GENERIC_READ | GENERIC_WRITE, &oa, &iosb,
                                NULL, 0, 0, FILE_OPEN, 0, NULL, 0)) &&
        pool_of.device_count < ARRAYSIZE(pool_of.devices)) {
        pool_of.device_types[pool_of.device_count] = type;
        pool_of.devices[pool_of.device_count++] = h;
        add_handle(STATUS_SUCCESS, &h);
    }
}

static void make_handles(void)
{
    HANDLE h;

    add_handle(NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, NotificationEvent,
                             FALSE),
               &h);
    add_handle(NtCreateEvent(&h, EVENT_ALL_ACCESS, NULL, SynchronizationEvent,
                             TRUE),
               &h);
    add_handle(NtCreateSemaphore(&h, SEMAPHORE_ALL_ACCESS, NULL, 1, 4), &h);
    add_handle(NtCreateMutant(&h, MUTANT_ALL_ACCESS, NULL, FALSE), &h);
    add_handle(NtCreateTimer(&h, TIMER_ALL_ACCESS, NULL, NotificationTimer),
               &h);
    add_handle(NtCreateDirectoryObject(&h, DIRECTORY_ALL_ACCESS, NULL), &h);
    add_handle(NtDuplicateObject(NtCurrentProcess(), NtCurrentThread(),
                                 NtCurrentProcess(), &h, 0, 0,
                                 DUPLICATE_SAME_ACCESS),
               &h);
    for (ULONG i = 0; i < ARRAYSIZE(devices); i++)
        open_device(devices[i].path, i);
}

/* Strings and object attributes whose fields are drawn anew each call. */
static ULONG_PTR pointer(void);

static void refill(void)
{
    ULONG i, n = below(64);

    for (i = 0; i < n; i++)
        pool_of.buffer[below(BUFFER_PAGES * 0x1000)] = (UCHAR)random64();
    for (i = 0; i < STRINGS; i++) {
        UNICODE_STRING *u = &pool_of.strings[i];
        OBJECT_ATTRIBUTES *oa = &pool_of.attributes[i];

        u->Length = (USHORT)(below(4) == 0 ? random64() : below(64) * 2);
        u->MaximumLength = (USHORT)(u->Length + below(3) * 2);
        u->Buffer = (PWSTR)(below(2) ? (ULONG_PTR)L"\\BaseNamedObjects\\fuzz"
                                     : pointer());
        if (u->Buffer == (PWSTR)L"\\BaseNamedObjects\\fuzz" && below(2))
            u->Length = u->MaximumLength = 44;
        oa->Length = below(8) == 0 ? (ULONG)random64() : sizeof *oa;
        oa->RootDirectory = below(4) == 0 ? pool_of.handles[0] : NULL;
        oa->ObjectName = below(6) == 0 ? (PUNICODE_STRING)pointer() : u;
        oa->Attributes = below(3) == 0 ? (ULONG)random64() : OBJ_CASE_INSENSITIVE;
        oa->SecurityDescriptor = NULL;
        oa->SecurityQualityOfService = NULL;
    }
    pool_of.times[0].QuadPart = -(LONGLONG)below(100000); /* up to 10 ms */
    pool_of.times[1].QuadPart = (LONGLONG)random64();
    pool_of.times[2].QuadPart = 0;
}

/* A pointer: good, read-only, guarded, inaccessible, at an edge, in
 * system space, misaligned, or anything. */
static ULONG_PTR pointer(void)
{
    switch (below(12)) {
    case 0: return 0;
    case 1: return (ULONG_PTR)pool_of.read_only + below(0x1000);
    case 2: return (ULONG_PTR)pool_of.guard + below(0x1000);
    case 3: return (ULONG_PTR)pool_of.no_access + below(0x1000);
    case 4: return (ULONG_PTR)pool_of.edge + below(64);
    case 5: return AT(0x80000000u + (ULONG)below(0x80000000u));
    case 6: return AT(0x7FFF0000u - below(16));
    case 7: return (ULONG_PTR)random64();
    case 8: return (ULONG_PTR)&pool_of.strings[below(STRINGS)];
    case 9: return (ULONG_PTR)&pool_of.attributes[below(STRINGS)];
    case 10: return (ULONG_PTR)&pool_of.times[below(3)];
    default: return (ULONG_PTR)pool_of.buffer + below(BUFFER_PAGES * 0x1000);
    }
}

static ULONG_PTR handle(void)
{
    switch (below(6)) {
    case 0: return (ULONG_PTR)-1 - below(2); /* the pseudo-handles */
    case 1: return (ULONG_PTR)(below(64) * 4);
    case 2: return (ULONG_PTR)(LONG)(0x80000000u + below(64) * 4);
    case 3: return (ULONG_PTR)random64();
    default:
        return (ULONG_PTR)pool_of.handles[below(pool_of.handle_count + 1)];
    }
}

static ULONG_PTR number(void)
{
    static const ULONG_PTR edges[] = {0, 1, 2, 4, 0x1000, 0x7FFFFFFF,
                                      0x80000000u, 0xFFFFFFFFu};

    switch (below(4)) {
    case 0: return edges[below(ARRAYSIZE(edges))];
    case 1: return below(0x2000);
    case 2: return (ULONG_PTR)random64();
    default: return (ULONG_PTR)1 << below(32);
    }
}

static ULONG_PTR argument(void)
{
    switch (below(3)) {
    case 0: return pointer();
    case 1: return handle();
    default: return number();
    }
}

/* ---- IOCTLs ---------------------------------------------------------------*/

static BOOLEAN wrong_on_purpose(ULONG device, ULONG code)
{
    ULONG function = (code >> 2) & 0xFFF, i;

    if (((code >> 16) & 0xFFFF) != devices[device].type)
        return FALSE;
    for (i = 0; i < ARRAYSIZE(devices[device].wrong); i++) {
        if (devices[device].wrong[i] != 0 && devices[device].wrong[i] == function)
            return TRUE;
    }
    return FALSE;
}

/* An I/O control code for device: its own range mostly, any value else. */
static ULONG control_code(ULONG device)
{
    ULONG code;

    do {
        if (below(4) == 0)
            code = (ULONG)random64();
        else
            code = CTL_CODE(devices[device].type, 0x800 + below(16), below(4),
                            below(4));
    } while (wrong_on_purpose(device, code));
    return code;
}

/* NtDeviceIoControlFile on a device, with hostile buffers and lengths. */
static void ioctl(ULONG_PTR *args)
{
    ULONG d = below(pool_of.device_count);
    ULONG code = control_code(pool_of.device_types[d]);

    args[0] = (ULONG_PTR)pool_of.devices[d];
    args[1] = below(4) == 0 ? handle() : 0; /* Event */
    args[2] = args[3] = 0;                  /* no APC */
    args[4] = pointer();                    /* IoStatusBlock */
    args[5] = code;
    args[6] = pointer();
    args[7] = below(2) ? below(0x200) : number();
    args[8] = pointer();
    args[9] = below(2) ? below(0x200) : number();
}

/* ---- One call --------------------------------------------------------------*/

static ULONG NTAPI quiet_thread(PVOID arg)
{
    (void)arg;
    return 0;
}

static VOID NTAPI quiet_apc(PVOID a, PVOID b, PVOID c)
{
    (void)a;
    (void)b;
    (void)c;
}

/* Mostly: a timeout the caller comes back from (the rest may be for ever;
 * the supervisor's deadline ends that round). */
static ULONG_PTR timeout(void)
{
    return below(10) == 0 ? pointer() : (ULONG_PTR)&pool_of.times[0];
}

/* Keeps the calls that end the child's run to one in 64 of their draws, so
 * that a round mostly lasts its calls. Returns FALSE to skip the call. */
static BOOLEAN shape(ULONG s, ULONG_PTR *a)
{
    BOOLEAN rare = below(64) == 0;

    switch (s) {
    case SERVICE_NtTerminateProcess:
    case SERVICE_NtTerminateThread:
        /* Not the caller itself (NULL, or the pseudo-handles), mostly. */
        return rare || (a[0] != 0 && a[0] != (ULONG_PTR)-1 &&
                        a[0] != (ULONG_PTR)-2);
    case SERVICE_NtContinue:
    case SERVICE_NtRaiseException:
        return rare;
    case SERVICE_NtDisplayString: /* bad strings only: no noise */
        a[0] = below(2) ? AT(0x80001000) : (ULONG_PTR)pool_of.no_access;
        return TRUE;
    case SERVICE_NtWaitForSingleObject:
        a[2] = timeout();
        return TRUE;
    case SERVICE_NtWaitForMultipleObjects:
        a[0] = below(8) == 0 ? a[0] : below(5);
        a[1] = below(4) == 0 ? a[1] : (ULONG_PTR)pool_of.handles;
        a[4] = timeout();
        return TRUE;
    case SERVICE_NtDelayExecution:
        a[1] = timeout();
        return TRUE;
    case SERVICE_NtCreateThreadEx:
        a[4] = rare ? a[4] : (ULONG_PTR)quiet_thread;
        return TRUE;
    case SERVICE_NtQueueApcThread:
        a[1] = rare ? a[1] : (ULONG_PTR)quiet_apc;
        return TRUE;
    case SERVICE_NtDeviceIoControlFile:
        if (pool_of.device_count > 0 && below(4) != 0)
            ioctl(a);
        return TRUE;
    default:
        return TRUE;
    }
}

static void one_call(void)
{
    ULONG_PTR args[NTLAB_MAX_SERVICE_ARGUMENTS];
    ULONG s, i;

    /* A quarter of the calls are IOCTLs: the drivers are half the target. */
    s = below(4) == 0 ? SERVICE_NtDeviceIoControlFile : below(SERVICE_COUNT);
    for (i = 0; i < ARRAYSIZE(args); i++)
        args[i] = i < arg_counts[s] ? argument() : 0;
    if (shape(s, args))
        call(s, args);
}

/* A child's run: CALLS calls from its seed. */
static int child(ULONGLONG seed, ULONG calls)
{
    ULONG i, old;
    SIZE_T size;
    PVOID page;

    state = seed * 0x9E3779B97F4A7C15ull | 1;
    make_memory();
    make_handles();
    for (i = 0; i < calls; i++) {
        if (i % 16 == 0)
            refill();
        if (i % 64 == 0) { /* the guard page again */
            page = pool_of.guard;
            size = 0x1000;
            NtProtectVirtualMemory(NtCurrentProcess(), &page, &size,
                                   PAGE_READWRITE | PAGE_GUARD, &old);
        }
        one_call();
    }
    return 0;
}

/* ---- The supervisor --------------------------------------------------------*/

/* Pool blocks allocated and not freed, both pools. */
static LONG live_blocks(void)
{
    SYSTEM_PERFORMANCE_INFORMATION p;

    NtQuerySystemInformation(99, &p, 4, NULL);
    if (!NT_SUCCESS(NtQuerySystemInformation(SystemPerformanceInformation, &p,
                                             sizeof p, NULL)))
        return -1;
    return (LONG)(p.PagedPoolAllocs - p.PagedPoolFrees + p.NonPagedPoolAllocs -
                  p.NonPagedPoolFrees);
}

/* Runs one child round to its end (or its deadline); its exit status. */
static NTSTATUS round_of(ULONGLONG seed, ULONG round, ULONG calls)
{
    LARGE_INTEGER deadline = {.QuadPart = -50000000}; /* 5 s */
    PROCESS_BASIC_INFORMATION info;
    UNICODE_STRING image, command;
    HANDLE process, thread;
    WCHAR line[96];
    char text[96];
    NTSTATUS status;
    ULONG i;

    snprintf(text, sizeof text, "fuzz.exe child %llu %lu",
             (unsigned long long)(seed * 1000003u + round), (unsigned long)calls);
    for (i = 0; text[i] != '\0'; i++)
        line[i] = (WCHAR)text[i];
    line[i] = 0;
    RtlInitUnicodeString(&image, L"fuzz.exe");
    RtlInitUnicodeString(&command, line);
    status = NtlabCreateProcess(&process, &thread, &image, &command, 0);
    if (!NT_SUCCESS(status))
        return status;
    if (NtWaitForSingleObject(process, FALSE, &deadline) == STATUS_TIMEOUT) {
        NtTerminateProcess(process, STATUS_TIMEOUT);
        NtWaitForSingleObject(process, FALSE, NULL);
    }
    status = NtQueryInformationProcess(process, ProcessBasicInformation, &info,
                                       sizeof info, NULL);
    NtClose(thread);
    NtClose(process);
    return NT_SUCCESS(status) ? info.ExitStatus : status;
}

/* A handle table grows and never shrinks (as on NT): the supervisor's is
 * grown past what a round needs before the pools are counted. */
static void grow_handle_table(void)
{
    HANDLE h[64];
    ULONG i;

    for (i = 0; i < ARRAYSIZE(h); i++)
        NtCreateEvent(&h[i], EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
    for (i = 0; i < ARRAYSIZE(h); i++)
        NtClose(h[i]);
}

static int supervise(ULONGLONG seed, ULONG rounds, ULONG calls)
{
    LONG before, after;
    NTSTATUS exit_status;
    ULONG r;

    grow_handle_table();
    before = live_blocks();
    for (r = 0; r < rounds; r++) {
        exit_status = round_of(seed, r, calls);
        after = live_blocks();
        printf("fuzz: seed %llu round %lu: %lu calls, exit 0x%08lX, pool "
               "blocks %+ld\n",
               (unsigned long long)seed, (unsigned long)r,
               (unsigned long)calls, (unsigned long)exit_status,
               (long)(after - before));
        if (after != before) {
            printf("fuzz: round %lu did not give back %ld pool blocks\n",
                   (unsigned long)r, (long)(after - before));
            return 1;
        }
    }
    printf("fuzz: %lu rounds of %lu calls from seed %llu: no pool block "
           "kept\n",
           (unsigned long)rounds, (unsigned long)calls,
           (unsigned long long)seed);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "child") == 0)
        return child(strtoul(argv[2], NULL, 0), (ULONG)strtoul(argv[3], NULL, 0));
    if (argc != 4) {
        printf("usage: fuzz.exe SEED ROUNDS CALLS\n");
        return 2;
    }
    return supervise(strtoul(argv[1], NULL, 0), (ULONG)strtoul(argv[2], NULL, 0),
                     (ULONG)strtoul(argv[3], NULL, 0));
}
