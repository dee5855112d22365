/*
 * badargs: passes bad arguments to every system service and checks the
 * kernel answers each with a status (the program is still here to check),
 * and, for a table of chosen calls, with NT's exact status.
 *
 * The bad values: NULL, kernel addresses, an unmapped user page, a
 * misaligned address, addresses on and just below MmUserProbeAddress
 * (0x7FFF0000) so that any size overlaps the boundary, handle values no
 * one handed out, a kernel handle value, and huge numbers.
 * Exit status: 0 when every answer was right; otherwise 1000 + the number
 * of the failed row of the table, or 2000 + the service number whose bad
 * call succeeded.
 */
#include <ntdll.h>
#include <nt/services.h>
#include <stdio.h>

#define NAME(type, name, count, params, args) #name,
static const char *const names[] = {NTLAB_SERVICES(NAME)};
#define NUMBER(type, name, count, params, args) SERVICE_##name,
enum { NTLAB_SERVICES(NUMBER) SERVICE_COUNT };

#define AT(va) ((ULONG_PTR)NTLAB_VA_BASE + (va))

typedef ULONG_PTR (*system_call)(ULONG number, const ULONG_PTR *args);

static NTSTATUS call(ULONG number, const ULONG_PTR *args)
{
    return (NTSTATUS)((system_call)USER_SHARED_DATA->SystemCall)(number, args);
}

static const ULONG_PTR bad_values[] = {
    0,
    AT(0x80001000),              /* system space */
    AT(0xFFDF0000),              /* KUSER_SHARED_DATA, kernel view */
    AT(0x00001000),              /* unmapped, below 64 KiB */
    AT(0x7FFEFFFF),              /* its bytes run past MmUserProbeAddress */
    AT(0x7FFF0000),              /* MmUserProbeAddress itself */
    AT(0x40000001),              /* misaligned and unmapped */
    0x1234,                      /* a handle no one made */
    (ULONG_PTR)-3,               /* not a pseudo-handle */
    (ULONG_PTR)(LONG)0x80000040, /* a kernel handle's value */
    0xFFFFFFFFu,
    (ULONG_PTR)-1 / 2,
};

/* Services that may succeed whatever their arguments. */
static BOOLEAN may_succeed(ULONG service, ULONG_PTR value)
{
    return service == SERVICE_NtGetCurrentProcessorNumber ||
           service == SERVICE_NtYieldExecution ||
           service == SERVICE_NtTestAlert ||
           service == SERVICE_NtlabPreemptionPoint ||
           (service == SERVICE_NtTerminateProcess && value == 0);
}

/* Every service, every bad value in every argument. */
static int every_service(void)
{
    ULONG_PTR args[NTLAB_MAX_SERVICE_ARGUMENTS];
    ULONG s, v, i;
    NTSTATUS status;

    for (s = 0; s < SERVICE_COUNT; s++) {
        for (v = 0; v < ARRAYSIZE(bad_values); v++) {
            /* NULL is the caller itself for NtTerminateThread. */
            if (s == SERVICE_NtTerminateThread && bad_values[v] == 0)
                continue;
            for (i = 0; i < ARRAYSIZE(args); i++)
                args[i] = bad_values[v];
            status = call(s, args);
            if (NT_SUCCESS(status) && !may_succeed(s, bad_values[v])) {
                printf("badargs: %s with every argument %p returned %#x\n",
                       names[s], (PVOID)bad_values[v], status);
                return 2000 + (int)s;
            }
        }
    }
    return 0;
}

/* ---- Chosen calls and NT's exact answers ------------------------------------
 */

static HANDLE event;
static PVOID region;

typedef struct row {
    ULONG service;
    ULONG_PTR args[11];
    NTSTATUS want;
} row;

static OBJECT_ATTRIBUTES short_attributes = {4, NULL, NULL, 0, NULL, NULL};
static UNICODE_STRING kernel_name = {16, 16, (PWCHAR)AT(0x80001000)};
static OBJECT_ATTRIBUTES name_in_kernel = {
    sizeof(OBJECT_ATTRIBUTES), NULL, &kernel_name, 0, NULL, NULL};
static HANDLE handles[2];
static SIZE_T size_zero, size_huge = (SIZE_T)1 << 40, size_page = 0x1000;
static PVOID any_base;
static LARGE_INTEGER zero_timeout;
static UNICODE_STRING across = {8, 8, (PWCHAR)AT(0x7FFEFFFC)};
static PROCESS_BASIC_INFORMATION pbi;
static MEMORY_BASIC_INFORMATION mbi;
static HANDLE out;

#define ROW(name, want, ...)                \
    {                                       \
        SERVICE_##name, {__VA_ARGS__}, want \
    }
#define P(x)     ((ULONG_PTR)(x))
#define ME       P(NtCurrentProcess())
#define BAD_H    P(0x1234)
#define KERNEL_H P((LONG)0x80000040)

static int table(void)
{
    const row rows[] = {
        ROW(NtClose, STATUS_INVALID_HANDLE, BAD_H),
        ROW(NtClose, STATUS_INVALID_HANDLE, KERNEL_H),
        ROW(NtClose, STATUS_INVALID_HANDLE, 0),
        ROW(NtSetEvent, STATUS_INVALID_HANDLE, BAD_H, 0),
        ROW(NtSetEvent, STATUS_ACCESS_VIOLATION, P(event), AT(0x80001000)),
        ROW(NtSetEvent, STATUS_DATATYPE_MISALIGNMENT, P(event), P(&pbi) + 1),
        ROW(NtCreateEvent, STATUS_ACCESS_VIOLATION, AT(0x80001000),
            EVENT_ALL_ACCESS, 0, NotificationEvent, 0),
        ROW(NtCreateEvent, STATUS_INVALID_PARAMETER, P(&out), EVENT_ALL_ACCESS,
            P(&short_attributes), NotificationEvent, 0),
        ROW(NtCreateEvent, STATUS_INVALID_PARAMETER, P(&out), EVENT_ALL_ACCESS,
            0, 7, 0),
        ROW(NtOpenEvent, STATUS_ACCESS_VIOLATION, P(&out), EVENT_ALL_ACCESS,
            P(&name_in_kernel)),
        ROW(NtOpenEvent, STATUS_DATATYPE_MISALIGNMENT, P(&out),
            EVENT_ALL_ACCESS, P(&name_in_kernel) + 2),
        ROW(NtAllocateVirtualMemory, STATUS_ACCESS_VIOLATION, ME,
            AT(0x7FFEFFFC), 0, P(&size_page), MEM_RESERVE, PAGE_READWRITE),
        ROW(NtAllocateVirtualMemory, STATUS_INVALID_PARAMETER_4, ME,
            P(&any_base), 0, P(&size_zero), MEM_RESERVE, PAGE_READWRITE),
        ROW(NtAllocateVirtualMemory, STATUS_INVALID_PARAMETER_4, ME,
            P(&any_base), 0, P(&size_huge), MEM_RESERVE, PAGE_READWRITE),
        ROW(NtAllocateVirtualMemory, STATUS_INVALID_HANDLE, BAD_H, P(&any_base),
            0, P(&size_page), MEM_RESERVE, PAGE_READWRITE),
        ROW(NtFreeVirtualMemory, STATUS_INVALID_PARAMETER_4, ME, P(&region),
            P(&size_zero), 0),
        ROW(NtQueryVirtualMemory, STATUS_INFO_LENGTH_MISMATCH, ME, 0,
            MemoryBasicInformation, P(&mbi), 1, 0),
        ROW(NtQueryVirtualMemory, STATUS_ACCESS_VIOLATION, ME, 0,
            MemoryBasicInformation, AT(0x7FFEFFF0), sizeof mbi, 0),
        ROW(NtWaitForSingleObject, STATUS_INVALID_HANDLE, BAD_H, 0, 0),
        ROW(NtWaitForSingleObject, STATUS_ACCESS_VIOLATION, P(event), 0,
            AT(0x80001000)),
        ROW(NtWaitForMultipleObjects, STATUS_INVALID_PARAMETER_1, 65,
            P(handles), WaitAny, 0, P(&zero_timeout)),
        ROW(NtWaitForMultipleObjects, STATUS_INVALID_PARAMETER_1, 0, P(handles),
            WaitAny, 0, P(&zero_timeout)),
        ROW(NtWaitForMultipleObjects, STATUS_ACCESS_VIOLATION, 2,
            AT(0x7FFEFFFC), WaitAny, 0, P(&zero_timeout)),
        ROW(NtWaitForMultipleObjects, STATUS_INVALID_PARAMETER_3, 1, P(handles),
            5, 0, P(&zero_timeout)),
        ROW(NtDelayExecution, STATUS_ACCESS_VIOLATION, 0, AT(0xFFDF0000)),
        ROW(NtDisplayString, STATUS_ACCESS_VIOLATION, P(&across)),
        ROW(NtQueryInformationProcess, STATUS_INVALID_INFO_CLASS, ME, 99,
            P(&pbi), sizeof pbi, 0),
        ROW(NtQueryInformationProcess, STATUS_INFO_LENGTH_MISMATCH, ME,
            ProcessBasicInformation, P(&pbi), sizeof pbi - 1, 0),
        ROW(NtQueryInformationProcess, STATUS_ACCESS_VIOLATION, ME,
            ProcessBasicInformation, AT(0x80001000), sizeof pbi, 0),
        ROW(NtCreateThreadEx, STATUS_NOT_SUPPORTED, P(&out), THREAD_ALL_ACCESS,
            0, ME, P(table), 0, 1, 0, 0, 0),
        ROW(NtReleaseSemaphore, STATUS_INVALID_PARAMETER, P(event), 0, 0),
        ROW(NtCreateSemaphore, STATUS_INVALID_PARAMETER, P(&out),
            SEMAPHORE_ALL_ACCESS, 0, 5, 2),
        ROW(NtTerminateProcess, STATUS_INVALID_HANDLE, BAD_H, 0),
        ROW(NtDuplicateObject, STATUS_INVALID_HANDLE, ME, BAD_H, ME, P(&out), 0,
            0, DUPLICATE_SAME_ACCESS),
        ROW(NtContinue, STATUS_DATATYPE_MISALIGNMENT, P(&pbi) + 8, 0),
        ROW(NtlabCreateProcess, STATUS_OBJECT_NAME_INVALID, P(&out), P(&out), 0,
            0, 0),
    };
    ULONG_PTR args[NTLAB_MAX_SERVICE_ARGUMENTS] = {0};
    NTSTATUS status;
    ULONG i, k;

    for (i = 0; i < ARRAYSIZE(rows); i++) {
        for (k = 0; k < ARRAYSIZE(rows[i].args); k++)
            args[k] = rows[i].args[k];
        status = call(rows[i].service, args);
        if (status != rows[i].want) {
            printf("badargs: row %u, %s: %#x, not %#x\n", i,
                   names[rows[i].service], status, rows[i].want);
            return 1000 + (int)i;
        }
    }
    /* A service that does not exist, and arguments in system space. */
    if (call(SERVICE_COUNT + 7, args) != STATUS_INVALID_SYSTEM_SERVICE ||
        call(SERVICE_NtClose, (const ULONG_PTR *)AT(0x80001000)) !=
            STATUS_ACCESS_VIOLATION) {
        printf("badargs: bad service number or argument array accepted\n");
        return 999;
    }
    return 0;
}

int main(void)
{
    SIZE_T size = 0x10000;
    int result;

    if (!NT_SUCCESS(NtCreateEvent(&event, EVENT_ALL_ACCESS, NULL,
                                  NotificationEvent, FALSE)) ||
        !NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &region, 0,
                                            &size, MEM_RESERVE,
                                            PAGE_READWRITE)))
        return 1;
    handles[0] = handles[1] = event;
    result = table();
    return result != 0 ? result : every_service();
}
