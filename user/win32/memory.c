/*
 * Virtual memory of the current process.
 */
#include "win32.h"

/* The lowest 64 KiB never hold an allocation (the null pointer guard). */
#define ALLOCATION_GRANULARITY 0x10000u

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize,
                           DWORD flAllocationType, DWORD flProtect)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;

    if (lpAddress != NULL &&
        (ULONG_PTR)lpAddress - NTLAB_VA_BASE < ALLOCATION_GRANULARITY) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return NULL;
    }
    if (!win32_check(NtAllocateVirtualMemory(
            NtCurrentProcess(), &base, 0, &size, flAllocationType, flProtect)))
        return NULL;
    return base;
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;

    if ((dwFreeType & MEM_RELEASE) && dwSize != 0) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return FALSE;
    }
    return win32_check(
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, dwFreeType));
}

BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                           PDWORD lpflOldProtect)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;

    return win32_check(NtProtectVirtualMemory(NtCurrentProcess(), &base, &size,
                                              flNewProtect, lpflOldProtect));
}

SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress,
                           PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
    SIZE_T returned;

    if (!win32_check(NtQueryVirtualMemory(NtCurrentProcess(), (PVOID)lpAddress,
                                          MemoryBasicInformation, lpBuffer,
                                          dwLength, &returned)))
        return 0;
    return returned;
}

/* The bytes of the current process's user space no allocation holds. */
static DWORDLONG free_virtual(const SYSTEM_BASIC_INFORMATION *basic)
{
    ULONG_PTR at = basic->MinimumUserModeAddress;
    MEMORY_BASIC_INFORMATION mbi;
    DWORDLONG free = 0;

    while (at < basic->MaximumUserModeAddress &&
           VirtualQuery((LPCVOID)at, &mbi, sizeof mbi) == sizeof mbi &&
           mbi.RegionSize != 0) {
        if (mbi.State == MEM_FREE)
            free += mbi.RegionSize;
        at = (ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
    }
    return free;
}

BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer)
{
    SYSTEM_BASIC_INFORMATION basic;
    SYSTEM_PERFORMANCE_INFORMATION perf;
    DWORDLONG page;

    if (lpBuffer->dwLength != sizeof *lpBuffer) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return FALSE;
    }
    if (!win32_check(NtQuerySystemInformation(SystemBasicInformation, &basic,
                                              sizeof basic, NULL)) ||
        !win32_check(NtQuerySystemInformation(SystemPerformanceInformation,
                                              &perf, sizeof perf, NULL)))
        return FALSE;
    page = basic.PageSize;
    lpBuffer->ullTotalPhys = page * basic.NumberOfPhysicalPages;
    lpBuffer->ullAvailPhys = page * perf.AvailablePages;
    lpBuffer->dwMemoryLoad =
        (DWORD)(100 - perf.AvailablePages * 100ull / basic.NumberOfPhysicalPages);
    lpBuffer->ullTotalPageFile = page * perf.CommitLimit;
    lpBuffer->ullAvailPageFile =
        perf.CommittedPages < perf.CommitLimit
            ? page * (perf.CommitLimit - perf.CommittedPages)
            : 0;
    lpBuffer->ullTotalVirtual =
        basic.MaximumUserModeAddress - basic.MinimumUserModeAddress + 1;
    lpBuffer->ullAvailVirtual = free_virtual(&basic);
    lpBuffer->ullAvailExtendedVirtual = 0;
    return TRUE;
}
