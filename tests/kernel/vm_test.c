/*
 * User address space: reserve, commit, decommit, release, protect, query,
 * demand zero, guard pages, paging of user pages, and argument checking.
 * Each test works in a throw-away process it attaches to.
 */
#include "../../kernel/mm/pager.h"
#include "kt_util.h"

static EPROCESS *process;
static KAPC_STATE attached;

static BOOLEAN enter(void)
{
    if ((process = kt_make_process("vmtest")) == NULL)
        return FALSE;
    KeStackAttachProcess(&process->Pcb, &attached);
    return TRUE;
}

static void vm_leave(void)
{
    KeUnstackDetachProcess(&attached);
    kt_delete_process(process);
}

static NTSTATUS allocate(PVOID *base, SIZE_T *size, ULONG type, ULONG protect)
{
    return ZwAllocateVirtualMemory(NtCurrentProcess(), base, 0, size, type,
                                   protect);
}

static NTSTATUS release(PVOID base)
{
    SIZE_T size = 0;

    return ZwFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
}

static MEMORY_BASIC_INFORMATION info(PVOID base)
{
    MEMORY_BASIC_INFORMATION mbi;

    ZwQueryVirtualMemory(NtCurrentProcess(), base, MemoryBasicInformation, &mbi,
                         sizeof mbi, NULL);
    return mbi;
}

/* Reads or writes one ULONG of user memory under __try; returns the
 * exception code (STATUS_SUCCESS when there was none). */
static NTSTATUS try_access(PVOID p, BOOLEAN write, ULONG *value)
{
    volatile NTSTATUS status = STATUS_SUCCESS;

    __try {
        if (write)
            *(volatile ULONG *)p = *value;
        else
            *value = *(volatile ULONG *)p;
    } __except (status = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
    }
    return status;
}

KTEST(vm, reserve_rounds_to_64k_and_commit_is_demand_zero)
{
    PVOID base = HAL_VA_PTR(0x20001234);
    SIZE_T size = 0x3000;
    PUCHAR p;
    ULONG v = 0;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(allocate(&base, &size, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(HAL_PTR_VA(base), 0x20000000);
    KT_EXPECT_EQ(size, 0x5000); /* from the 64 KiB base to the last page */
    KT_EXPECT_EQ(info(base).State, MEM_RESERVE);
    /* Reserved, not committed: touching it is an access violation. */
    KT_EXPECT_EQ(try_access(base, FALSE, &v), STATUS_ACCESS_VIOLATION);
    p = (PUCHAR)base + 0x1000;
    size = 0x1000;
    KT_EXPECT_EQ(allocate((PVOID *)&p, &size, MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(info(p).State, MEM_COMMIT);
    KT_EXPECT_EQ(info(p).Protect, PAGE_READWRITE);
    KT_EXPECT_EQ(info(p).RegionSize, 0x1000);
    KT_EXPECT_EQ(mm_read_pte(HAL_PTR_VA(p)), mm_demand_zero_pte(MM_READWRITE));
    KT_EXPECT_EQ(try_access(p + 8, FALSE, &v), STATUS_SUCCESS);
    KT_EXPECT_EQ(v, 0);
    KT_EXPECT(mm_read_pte(HAL_PTR_VA(p)) & X86_PTE_VALID);
    KT_EXPECT_EQ(release(base), STATUS_SUCCESS);
    KT_EXPECT_EQ(info(base).State, MEM_FREE);
    vm_leave();
}

KTEST(vm, anywhere_allocations_do_not_overlap)
{
    PVOID a = NULL, b = NULL;
    SIZE_T sa = 0x10000, sb = 0x1000;
    ULONG v = 5;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(allocate(&a, &sa, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(allocate(&b, &sb, MEM_COMMIT, PAGE_READWRITE), STATUS_SUCCESS);
    KT_EXPECT_EQ(HAL_PTR_VA(a) & 0xFFFF, 0);
    KT_EXPECT_EQ(HAL_PTR_VA(b) & 0xFFFF, 0);
    KT_EXPECT(HAL_PTR_VA(b) >= HAL_PTR_VA(a) + 0x10000 ||
              HAL_PTR_VA(b) + 0x1000 <= HAL_PTR_VA(a));
    KT_EXPECT_EQ(try_access(b, TRUE, &v), STATUS_SUCCESS);
    /* A commit at an address nobody reserved is refused. */
    sb = 0x1000;
    a = HAL_VA_PTR(0x60000000);
    KT_EXPECT_EQ(allocate(&a, &sb, MEM_COMMIT, PAGE_READWRITE),
                 STATUS_CONFLICTING_ADDRESSES);
    vm_leave();
}

KTEST(vm, reservations_may_not_overlap)
{
    PVOID a = HAL_VA_PTR(0x30000000), b = HAL_VA_PTR(0x30008000);
    SIZE_T sa = 0x10000, sb = 0x1000;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(allocate(&a, &sa, MEM_RESERVE, PAGE_READONLY), STATUS_SUCCESS);
    KT_EXPECT_EQ(allocate(&b, &sb, MEM_RESERVE, PAGE_READONLY),
                 STATUS_CONFLICTING_ADDRESSES);
    vm_leave();
}

KTEST(vm, decommit_and_release_rules)
{
    PVOID base = NULL, middle;
    SIZE_T size = 0x4000;
    ULONG v = 7;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(
        allocate(&base, &size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
        STATUS_SUCCESS);
    middle = (PUCHAR)base + 0x1000;
    KT_EXPECT_EQ(try_access(middle, TRUE, &v), STATUS_SUCCESS);
    size = 0x1000;
    KT_EXPECT_EQ(
        ZwFreeVirtualMemory(NtCurrentProcess(), &middle, &size, MEM_DECOMMIT),
        STATUS_SUCCESS);
    KT_EXPECT_EQ(info(middle).State, MEM_RESERVE);
    KT_EXPECT_EQ(try_access(middle, FALSE, &v), STATUS_ACCESS_VIOLATION);
    /* Recommitted, the page is zero again. */
    KT_EXPECT_EQ(allocate(&middle, &size, MEM_COMMIT, PAGE_READWRITE),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(try_access(middle, FALSE, &v), STATUS_SUCCESS);
    KT_EXPECT_EQ(v, 0);
    /* Release: only the whole reservation, from its base. */
    KT_EXPECT_EQ(release(middle), STATUS_FREE_VM_NOT_AT_BASE);
    size = 0x1000;
    KT_EXPECT_EQ(
        ZwFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE),
        STATUS_FREE_VM_NOT_AT_BASE);
    KT_EXPECT_EQ(release(base), STATUS_SUCCESS);
    KT_EXPECT_EQ(release(base), STATUS_MEMORY_NOT_ALLOCATED);
    vm_leave();
}

KTEST(vm, protect_returns_the_old_protection_and_applies_the_new)
{
    PVOID base = NULL, p;
    SIZE_T size = 0x2000;
    ULONG old = 0, v = 9;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(
        allocate(&base, &size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
        STATUS_SUCCESS);
    KT_EXPECT_EQ(try_access(base, TRUE, &v), STATUS_SUCCESS);
    p = base;
    size = 0x1000;
    KT_EXPECT_EQ(ZwProtectVirtualMemory(NtCurrentProcess(), &p, &size,
                                        PAGE_READONLY, &old),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(old, PAGE_READWRITE);
    KT_EXPECT_EQ(info(base).Protect, PAGE_READONLY);
    KT_EXPECT_EQ(try_access(base, FALSE, &v), STATUS_SUCCESS);
    KT_EXPECT_EQ(v, 9);
    KT_EXPECT_EQ(try_access(base, TRUE, &v), STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(ZwProtectVirtualMemory(NtCurrentProcess(), &p, &size,
                                        PAGE_NOACCESS, &old),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(old, PAGE_READONLY);
    KT_EXPECT_EQ(try_access(base, FALSE, &v), STATUS_ACCESS_VIOLATION);
    KT_EXPECT_EQ(ZwProtectVirtualMemory(NtCurrentProcess(), &p, &size,
                                        PAGE_READWRITE, &old),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(try_access(base, FALSE, &v), STATUS_SUCCESS);
    KT_EXPECT_EQ(v, 9); /* the data survived being out of reach */
    KT_EXPECT_EQ(ZwProtectVirtualMemory(NtCurrentProcess(), &p, &size,
                                        PAGE_READWRITE | PAGE_EXECUTE, &old),
                 STATUS_INVALID_PAGE_PROTECTION);
    vm_leave();
}

/* A guard page raises once, then is an ordinary page. */
KTEST(vm, guard_page_raises_once)
{
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    ULONG v = 3;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(allocate(&base, &size, MEM_COMMIT | MEM_RESERVE,
                          PAGE_READWRITE | PAGE_GUARD),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(info(base).Protect, PAGE_READWRITE | PAGE_GUARD);
    KT_EXPECT_EQ(try_access(base, TRUE, &v), STATUS_GUARD_PAGE_VIOLATION);
    KT_EXPECT_EQ(info(base).Protect, PAGE_READWRITE);
    KT_EXPECT_EQ(try_access(base, TRUE, &v), STATUS_SUCCESS);
    vm_leave();
}

/* User pages are pageable: trimmed and purged, they come back from the
 * paging file in their own process. */
KTEST(vm, user_pages_page_out_and_back)
{
    PVOID base = NULL;
    SIZE_T size = 4 * PAGE_SIZE;
    ULONG i, v;
    mm_paging_stats before, after;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(
        allocate(&base, &size, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE),
        STATUS_SUCCESS);
    for (i = 0; i < 4; i++) {
        v = 0xC0DE0000 + i;
        try_access((PUCHAR)base + i * PAGE_SIZE, TRUE, &v);
    }
    KT_EXPECT_EQ(process->Space.ws.count, 4);
    mm_get_paging_stats(&before);
    mm_trim_all(TRUE);
    KT_EXPECT_EQ(process->Space.ws.count, 0);
    for (i = 0; i < 4; i++) {
        KT_EXPECT_EQ(try_access((PUCHAR)base + i * PAGE_SIZE, FALSE, &v),
                     STATUS_SUCCESS);
        KT_EXPECT_EQ(v, 0xC0DE0000 + i);
    }
    mm_get_paging_stats(&after);
    KT_EXPECT_EQ(after.page_ins - before.page_ins, 4);
    vm_leave();
}

KTEST(vm, bad_arguments_get_status_codes)
{
    PVOID base = NULL, high = HAL_VA_PTR(0x90000000);
    SIZE_T size = 0x1000, zero = 0;
    MEMORY_BASIC_INFORMATION mbi;

    KT_ASSERT(enter());
    KT_EXPECT_EQ(allocate(&base, &size, MEM_COMMIT, 0x3),
                 STATUS_INVALID_PAGE_PROTECTION);
    KT_EXPECT_EQ(allocate(&base, &size, 0, PAGE_READWRITE),
                 STATUS_INVALID_PARAMETER_5);
    KT_EXPECT_EQ(allocate(&base, &zero, MEM_COMMIT, PAGE_READWRITE),
                 STATUS_INVALID_PARAMETER_4);
    KT_EXPECT_EQ(allocate(&high, &size, MEM_RESERVE, PAGE_READWRITE),
                 STATUS_INVALID_PARAMETER_2);
    KT_EXPECT_EQ(ZwAllocateVirtualMemory((HANDLE)0x44, &base, 0, &size,
                                         MEM_COMMIT, PAGE_READWRITE),
                 STATUS_INVALID_HANDLE);
    KT_EXPECT_EQ(ZwFreeVirtualMemory(NtCurrentProcess(), &base, &size, 0),
                 STATUS_INVALID_PARAMETER_4);
    KT_EXPECT_EQ(ZwQueryVirtualMemory(NtCurrentProcess(), NULL,
                                      MemoryBasicInformation, &mbi, 4, NULL),
                 STATUS_INFO_LENGTH_MISMATCH);
    KT_EXPECT_EQ(ZwQueryVirtualMemory(NtCurrentProcess(), NULL,
                                      (MEMORY_INFORMATION_CLASS)7, &mbi,
                                      sizeof mbi, NULL),
                 STATUS_INVALID_INFO_CLASS);
    vm_leave();
}

/*
 * A caller whose previous mode is UserMode hands in pointers that are
 * probed and captured: kernel addresses and unmapped addresses come back
 * as status codes, never as a stop.
 */
KTEST(vm, user_mode_callers_are_probed)
{
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    PKTHREAD self = KeGetCurrentThread();

    KT_ASSERT(enter());
    self->PreviousMode = UserMode;
    KT_EXPECT_EQ(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                         MEM_COMMIT, PAGE_READWRITE),
                 STATUS_ACCESS_VIOLATION); /* &base is a kernel address */
    KT_EXPECT_EQ(NtAllocateVirtualMemory(
                     NtCurrentProcess(), HAL_VA_PTR(0x50000000), 0,
                     HAL_VA_PTR(0x50000008), MEM_COMMIT, PAGE_READWRITE),
                 STATUS_ACCESS_VIOLATION); /* nothing mapped there */
    KT_EXPECT_EQ(NtQueryVirtualMemory(NtCurrentProcess(), NULL,
                                      MemoryBasicInformation,
                                      HAL_VA_PTR(0x7FFEFFF0),
                                      sizeof(MEMORY_BASIC_INFORMATION), NULL),
                 STATUS_ACCESS_VIOLATION); /* crosses 0x7FFF0000 */
    self->PreviousMode = KernelMode;
    vm_leave();
}
