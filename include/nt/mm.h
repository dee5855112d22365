/*
 * Memory management as drivers see it (Mm): the user address space
 * boundaries, probing, MDLs, and the virtual memory services.
 */
#ifndef NT_MM_H
#define NT_MM_H

#include <nt/ke.h>
#include <nt/ob.h>

/* ---- Address space ------------------------------------------------------- */

/* The highest user address (0x7FFEFFFF), the first byte user mode cannot
 * reach (0x7FFF0000), and where system space starts (0x80000000). */
extern NTKERNELAPI PVOID MmHighestUserAddress;
extern NTKERNELAPI ULONG_PTR MmUserProbeAddress;
extern NTKERNELAPI PVOID MmSystemRangeStart;

/*
 * ProbeForRead and ProbeForWrite check that a user buffer lies wholly in
 * user space and is aligned (Alignment 1, 2, 4, 8 or 16), raising
 * STATUS_ACCESS_VIOLATION or STATUS_DATATYPE_MISALIGNMENT; ProbeForWrite
 * also touches each page for writing. A Length of zero checks nothing. Call
 * them inside __try, at IRQL <= APC_LEVEL.
 */
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI ProbeForRead(const volatile VOID *Address, SIZE_T Length,
                                    ULONG Alignment);
_IRQL_requires_max_(APC_LEVEL)
NTKERNELAPI VOID NTAPI ProbeForWrite(volatile VOID *Address, SIZE_T Length,
                                     ULONG Alignment);

/* TRUE when a read of VirtualAddress would not fault (its PTE is valid). */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI BOOLEAN NTAPI MmIsAddressValid(PVOID VirtualAddress);
/* The physical address behind a valid virtual address (0 if not valid). */
NTKERNELAPI PHYSICAL_ADDRESS NTAPI MmGetPhysicalAddress(PVOID BaseAddress);

/* ---- MDLs ---------------------------------------------------------------- */

typedef ULONG PFN_NUMBER, *PPFN_NUMBER;
typedef SHORT CSHORT;
struct _IRP;

/*
 * A memory descriptor list: a virtual buffer (StartVa + ByteOffset,
 * ByteCount bytes) and, after the structure, the frame of each page it
 * spans.
 */
typedef struct _MDL {
    struct _MDL *Next;
    CSHORT Size;
    CSHORT MdlFlags;
    struct _EPROCESS *Process;
    PVOID MappedSystemVa;
    PVOID StartVa;
    ULONG ByteCount;
    ULONG ByteOffset;
} MDL, *PMDL;

#define MDL_MAPPED_TO_SYSTEM_VA     0x0001
#define MDL_PAGES_LOCKED            0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004
#define MDL_ALLOCATED_FIXED_SIZE    0x0008
#define MDL_PARTIAL                 0x0010
#define MDL_WRITE_OPERATION         0x0080

typedef enum _LOCK_OPERATION {
    IoReadAccess,
    IoWriteAccess,
    IoModifyAccess
} LOCK_OPERATION;

typedef enum _MEMORY_CACHING_TYPE {
    MmNonCached = 0,
    MmCached = 1,
    MmWriteCombined = 2,
} MEMORY_CACHING_TYPE;

typedef enum _MM_PAGE_PRIORITY {
    LowPagePriority,
    NormalPagePriority = 16,
    HighPagePriority = 32
} MM_PAGE_PRIORITY;
/* Flags a driver may add to a mapping's priority; ntlab's system mappings
 * of MDLs take them and change nothing. */
#define MdlMappingNoWrite   0x80000000u
#define MdlMappingNoExecute 0x40000000u

#define PAGE_SIZE_BYTES 0x1000u
#define PAGE_SIZE       0x1000u
#define PAGE_SHIFT      12
#define PAGE_ALIGN(Va)  PAGE_ALIGN_PTR(Va)
#define ROUND_TO_PAGES(Size) \
    (((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~(ULONG_PTR)(PAGE_SIZE - 1))
#define BYTES_TO_PAGES(Size) \
    ((ULONG)(((ULONG_PTR)(Size) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define BYTE_OFFSET(Va) ((ULONG)((ULONG_PTR)(Va) & (PAGE_SIZE_BYTES - 1)))
#define PAGE_ALIGN_PTR(Va) \
    ((PVOID)((ULONG_PTR)(Va) & ~(ULONG_PTR)(PAGE_SIZE_BYTES - 1)))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)                           \
    ((ULONG)((BYTE_OFFSET(Va) + (ULONG_PTR)(Size) + PAGE_SIZE_BYTES - 1) / \
             PAGE_SIZE_BYTES))

#define MmGetMdlVirtualAddress(Mdl) \
    ((PVOID)((PCHAR)(Mdl)->StartVa + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl)  ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
#define MmGetMdlPfnArray(Mdl)   ((PPFN_NUMBER)((Mdl) + 1))

/* With Irp, the MDL becomes its MdlAddress, or (SecondaryBuffer) is chained
 * after the ones it has. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PMDL NTAPI IoAllocateMdl(PVOID VirtualAddress, ULONG Length,
                                     BOOLEAN SecondaryBuffer,
                                     BOOLEAN ChargeQuota, struct _IRP *Irp);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI IoFreeMdl(PMDL Mdl);

/*
 * Faults in the pages of Mdl's buffer (as a write when Operation is not
 * IoReadAccess), locks their frames so that they stay in memory, and
 * records them in the MDL. A bad range raises STATUS_ACCESS_VIOLATION
 * (call it inside __try). IRQL <= APC_LEVEL.
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI MmProbeAndLockPages(PMDL MemoryDescriptorList,
                                           KPROCESSOR_MODE AccessMode,
                                           LOCK_OPERATION Operation);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI MmUnlockPages(PMDL MemoryDescriptorList);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList);
/*
 * Maps the locked frames of an MDL at a system address (system PTEs), the
 * same from any process and any IRQL <= DISPATCH_LEVEL. Only KernelMode
 * mappings are supported (UserMode raises STATUS_NOT_SUPPORTED).
 */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PVOID NTAPI MmMapLockedPagesSpecifyCache(
    PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
    MEMORY_CACHING_TYPE CacheType, PVOID RequestedAddress,
    ULONG BugCheckOnFailure, ULONG Priority);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI PVOID NTAPI MmMapLockedPages(PMDL MemoryDescriptorList,
                                         KPROCESSOR_MODE AccessMode);
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI VOID NTAPI MmUnmapLockedPages(PVOID BaseAddress,
                                          PMDL MemoryDescriptorList);

#define MmGetSystemAddressForMdlSafe(Mdl, Priority)                        \
    (((Mdl)->MdlFlags &                                                    \
      (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))             \
         ? (Mdl)->MappedSystemVa                                           \
         : MmMapLockedPagesSpecifyCache((Mdl), KernelMode, MmCached, NULL, \
                                        FALSE, (Priority)))

/* ---- Virtual memory services --------------------------------------------- */

#define PAGE_NOACCESS          0x01
#define PAGE_READONLY          0x02
#define PAGE_READWRITE         0x04
#define PAGE_WRITECOPY         0x08
#define PAGE_EXECUTE           0x10
#define PAGE_EXECUTE_READ      0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80
#define PAGE_GUARD             0x100
#define PAGE_NOCACHE           0x200

#define MEM_COMMIT   0x1000
#define MEM_RESERVE  0x2000
#define MEM_DECOMMIT 0x4000
#define MEM_RELEASE  0x8000
#define MEM_FREE     0x10000
#define MEM_PRIVATE  0x20000
#define MEM_TOP_DOWN 0x100000

typedef enum _MEMORY_INFORMATION_CLASS {
    MemoryBasicInformation
} MEMORY_INFORMATION_CLASS;

typedef struct _MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;
    PVOID AllocationBase;
    ULONG AllocationProtect;
    SIZE_T RegionSize;
    ULONG State; /* MEM_COMMIT, MEM_RESERVE or MEM_FREE */
    ULONG Protect;
    ULONG Type; /* MEM_PRIVATE, or 0 when free */
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/*
 * The Nt forms check their pointer arguments for the caller's previous mode
 * (user callers get probed and captured); the Zw forms are for kernel
 * callers and act as from kernel mode. ProcessHandle names the process
 * whose user space is meant (NtCurrentProcess() for the current one); the
 * handle needs PROCESS_VM_OPERATION (PROCESS_QUERY_INFORMATION to query).
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtAllocateVirtualMemory(
    HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
    PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle,
                                            PVOID *BaseAddress,
                                            PSIZE_T RegionSize, ULONG FreeType);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle,
                                               PVOID *BaseAddress,
                                               PSIZE_T NumberOfBytesToProtect,
                                               ULONG NewAccessProtection,
                                               PULONG OldAccessProtection);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI NtQueryVirtualMemory(
    HANDLE ProcessHandle, PVOID BaseAddress,
    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwAllocateVirtualMemory(
    HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
    PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwFreeVirtualMemory(HANDLE ProcessHandle,
                                            PVOID *BaseAddress,
                                            PSIZE_T RegionSize, ULONG FreeType);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwProtectVirtualMemory(HANDLE ProcessHandle,
                                               PVOID *BaseAddress,
                                               PSIZE_T NumberOfBytesToProtect,
                                               ULONG NewAccessProtection,
                                               PULONG OldAccessProtection);
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSYSAPI NTSTATUS NTAPI ZwQueryVirtualMemory(
    HANDLE ProcessHandle, PVOID BaseAddress,
    MEMORY_INFORMATION_CLASS MemoryInformationClass, PVOID MemoryInformation,
    SIZE_T MemoryInformationLength, PSIZE_T ReturnLength);

/* The mode the current system service was called from. */
_IRQL_requires_max_(DISPATCH_LEVEL)
NTKERNELAPI KPROCESSOR_MODE NTAPI ExGetPreviousMode(VOID);
NTKERNELAPI KPROCESSOR_MODE NTAPI KeGetPreviousMode(VOID);

#endif
