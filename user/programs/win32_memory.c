/*
 * Win32 virtual memory: VirtualAlloc, VirtualQuery, VirtualProtect and
 * VirtualFree on one region, from reservation to release, and the errors
 * they report for bad arguments.
 * Exit status: 0, or the number of the first check that failed.
 */
#include <windows.h>
#include <stdio.h>

#define PROGRAM "win32_memory"
#include "win32_check.h"

#define PAGE 4096u

/* The exception a write to p raises (0: none). */
static NTSTATUS write_fault(volatile char *p)
{
    volatile NTSTATUS code = 0;

    __try {
        *p = 1;
    } __except (EXCEPTION_EXECUTE_HANDLER) {
        code = GetExceptionCode();
    }
    return code;
}

/* VirtualQuery at p: TRUE if it describes state and protect over size
 * bytes from p, in the region that starts at base. */
static BOOL region_is(char *p, char *base, SIZE_T size, DWORD state,
                      DWORD protect)
{
    MEMORY_BASIC_INFORMATION mbi;

    return VirtualQuery(p, &mbi, sizeof mbi) == sizeof mbi &&
           mbi.BaseAddress == p && mbi.AllocationBase == base &&
           mbi.RegionSize == size && mbi.State == state &&
           mbi.Protect == protect && mbi.Type == MEM_PRIVATE;
}

/* VirtualQuery at p: TRUE if p is in free address space. */
static BOOL is_free(char *p)
{
    MEMORY_BASIC_INFORMATION mbi;

    return VirtualQuery(p, &mbi, sizeof mbi) == sizeof mbi &&
           mbi.BaseAddress == p && mbi.AllocationBase == NULL &&
           mbi.State == MEM_FREE && mbi.Protect == PAGE_NOACCESS &&
           mbi.RegionSize >= 4 * PAGE;
}

static int committed_region(void)
{
    char *p = VirtualAlloc(NULL, 3 * PAGE + 1, MEM_RESERVE | MEM_COMMIT,
                           PAGE_READWRITE);
    DWORD old = 0;
    int i;

    CHECK(1, p != NULL && ((ULONG_PTR)p & 0xFFFF) == 0);
    for (i = 0; i < 4; i++)
        CHECK(2, p[i * PAGE] == 0 && (p[i * PAGE] = (char)i + 1) == i + 1);
    CHECK(3, region_is(p, p, 4 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    CHECK(4, VirtualProtect(p + PAGE, 1, PAGE_READONLY, &old) &&
                 old == PAGE_READWRITE);
    CHECK(5, region_is(p, p, PAGE, MEM_COMMIT, PAGE_READWRITE) &&
                 region_is(p + PAGE, p, PAGE, MEM_COMMIT, PAGE_READONLY));
    CHECK(6, p[PAGE] == 2 && write_fault(p + PAGE) == STATUS_ACCESS_VIOLATION);
    CHECK(7, VirtualProtect(p + PAGE, PAGE, PAGE_READWRITE, &old) &&
                 old == PAGE_READONLY && write_fault(p + PAGE) == 0);
    /* Decommitted pages lose their contents; committed again, they read
     * zero. */
    CHECK(8, VirtualFree(p + 2 * PAGE, PAGE, MEM_DECOMMIT));
    CHECK(9, region_is(p + 2 * PAGE, p, PAGE, MEM_RESERVE, 0));
    CHECK(10, VirtualAlloc(p + 2 * PAGE, PAGE, MEM_COMMIT, PAGE_READWRITE) ==
                      p + 2 * PAGE &&
                  p[2 * PAGE] == 0);
    FAILS(11, VirtualFree(p, PAGE, MEM_RELEASE), FALSE,
          ERROR_INVALID_PARAMETER);
    FAILS(12, VirtualFree(p + PAGE, 0, MEM_RELEASE), FALSE,
          ERROR_INVALID_ADDRESS);
    CHECK(13, VirtualFree(p, 0, MEM_RELEASE));
    CHECK(14, is_free(p));
    FAILS(15, VirtualFree(p, 0, MEM_RELEASE), FALSE, ERROR_INVALID_ADDRESS);
    return 0;
}

static int reserved_region(void)
{
    char *p = VirtualAlloc(NULL, 16 * PAGE, MEM_RESERVE, PAGE_READWRITE);
    MEMORY_BASIC_INFORMATION mbi;
    DWORD old;

    CHECK(20, p != NULL && region_is(p, p, 16 * PAGE, MEM_RESERVE, 0));
    CHECK(21, write_fault(p) == STATUS_ACCESS_VIOLATION);
    FAILS(22, VirtualProtect(p, PAGE, PAGE_READONLY, &old), FALSE,
          ERROR_INVALID_ADDRESS);
    CHECK(23, VirtualAlloc(p + 4 * PAGE, 2 * PAGE, MEM_COMMIT,
                           PAGE_EXECUTE_READWRITE) == p + 4 * PAGE);
    CHECK(24, region_is(p, p, 4 * PAGE, MEM_RESERVE, 0) &&
                  region_is(p + 4 * PAGE, p, 2 * PAGE, MEM_COMMIT,
                            PAGE_EXECUTE_READWRITE) &&
                  region_is(p + 6 * PAGE, p, 10 * PAGE, MEM_RESERVE, 0));
    CHECK(25, VirtualQuery(p, &mbi, sizeof mbi) == sizeof mbi &&
                  mbi.AllocationProtect == PAGE_READWRITE);
    CHECK(26, VirtualFree(p, 0, MEM_RELEASE));
    return 0;
}

static int bad_arguments(void)
{
    MEMORY_BASIC_INFORMATION mbi;
    char *low = (char *)(ULONG_PTR)(NTLAB_VA_BASE + 0x1000);
    char *system = (char *)(ULONG_PTR)(NTLAB_VA_BASE + 0x80000000u);

    FAILS(30, VirtualAlloc(low, PAGE, MEM_RESERVE, PAGE_READWRITE), NULL,
          ERROR_INVALID_PARAMETER);
    FAILS(31, VirtualAlloc(NULL, PAGE, MEM_RESERVE | MEM_COMMIT, 3), NULL,
          ERROR_INVALID_PARAMETER);
    FAILS(32, VirtualQuery(&mbi, &mbi, sizeof mbi - 1), 0, ERROR_BAD_LENGTH);
    FAILS(33, VirtualQuery(system, &mbi, sizeof mbi), 0,
          ERROR_INVALID_PARAMETER);
    return 0;
}

int main(void)
{
    int failed;

    if ((failed = committed_region()) != 0 ||
        (failed = reserved_region()) != 0 || (failed = bad_arguments()) != 0)
        return failed;
    return 0;
}
