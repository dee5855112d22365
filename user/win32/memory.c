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
