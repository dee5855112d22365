/*
 * Structured exception handling in user mode: hardware faults and raised
 * statuses reach the program's __try blocks, __finally blocks run while
 * unwinding, and a filter may continue execution.
 * Exit status: 0 when everything behaved; otherwise the number of the
 * first check that failed.
 */
#include <ntdll.h>
#include <stdio.h>

static volatile int zero;
static char trail[16];
static int trail_length;

#define CHECK(n, c)                                             \
    do {                                                        \
        if (!(c)) {                                             \
            printf("exceptions: check %d failed: %s\n", n, #c); \
            return n;                                           \
        }                                                       \
    } while (0)

static void note(char c)
{
    trail[trail_length++] = c;
}

static NTSTATUS code_of_null_write(void)
{
    volatile NTSTATUS code = 0;

    __try {
        *(volatile int *)NULL = 1;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    return code;
}

static NTSTATUS code_of_divide(void)
{
    volatile NTSTATUS code = 0;

    __try {
        zero = 10 / zero;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    return code;
}

static void raise_inside_finally_block(void)
{
    __try {
        note('a');
        RtlRaiseStatus(0xE0000001);
    } __finally {
        note('f');
    }
}

static NTSTATUS unwind_through_finally(void)
{
    volatile NTSTATUS code = 0;

    __try {
        raise_inside_finally_block();
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        note('h');
        code = GetExceptionCode();
    }
    return code;
}

/* A filter that commits the reserved page the fault was in, and
 * continues: the faulting instruction runs again, and now works. */
static LONG commit_and_continue(PEXCEPTION_POINTERS info)
{
    PVOID page = (PVOID)(info->ExceptionRecord->ExceptionInformation[1] &
                         ~(ULONG_PTR)0xFFF);
    SIZE_T size = 0x1000;

    if (info->ExceptionRecord->ExceptionCode != STATUS_ACCESS_VIOLATION ||
        !NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &page, 0, &size,
                                            MEM_COMMIT, PAGE_READWRITE)))
        return EXCEPTION_CONTINUE_SEARCH;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static int continue_after_commit(void)
{
    PVOID base = NULL;
    SIZE_T size = 0x10000;
    volatile int result = 0;
    volatile ULONG *p;

    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                            MEM_RESERVE, PAGE_READWRITE)))
        return -2;
    p = (volatile ULONG *)((PUCHAR)base + 0x3000);
    __try {
        *p = 7;
        result = *p == 7 ? 1 : 2;
    } __except (commit_and_continue(GetExceptionInformation())) {
        result = -1;
    }
    return result;
}

int main(void)
{
    CHECK(1, code_of_null_write() == STATUS_ACCESS_VIOLATION);
    CHECK(2, code_of_divide() == STATUS_INTEGER_DIVIDE_BY_ZERO);
    CHECK(3, unwind_through_finally() == (NTSTATUS)0xE0000001);
    CHECK(4, trail_length == 3 && trail[0] == 'a' && trail[1] == 'f' &&
                 trail[2] == 'h');
    CHECK(5, continue_after_commit() == 1);
    return 0;
}
