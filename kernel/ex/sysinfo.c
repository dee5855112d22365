/*
 * NtQuerySystemInformation: what the system as a whole is, and how its
 * memory is used (the classes include/nt/ex.h lists).
 */
#include "ex.h"

#include "../ke/ke.h"
#include "../mm/mm.h"

static void basic_information(SYSTEM_BASIC_INFORMATION *info)
{
    RtlZeroMemory(info, sizeof *info);
    info->TimerResolution = KeQueryTimeIncrement();
    info->PageSize = PAGE_SIZE;
    info->NumberOfPhysicalPages = mm_total_frames();
    info->LowestPhysicalPageNumber = 1;
    info->HighestPhysicalPageNumber = mm_total_frames() - 1;
    info->AllocationGranularity = 0x10000;
    info->MinimumUserModeAddress = (ULONG_PTR)HAL_VA_PTR(MM_LOWEST_USER_ADDRESS);
    info->MaximumUserModeAddress = (ULONG_PTR)MmHighestUserAddress;
    info->ActiveProcessorsAffinityMask = 1;
    info->NumberOfProcessors = 1;
}

static void performance_information(SYSTEM_PERFORMANCE_INFORMATION *info)
{
    mm_memory_info m;

    mm_query_memory(&m);
    RtlZeroMemory(info, sizeof *info);
    info->AvailablePages = m.available;
    info->CommittedPages = m.commit_total;
    info->CommitLimit = m.commit_limit;
    info->PeakCommitment = m.commit_peak;
    info->TransitionCount = m.soft_faults;
    info->DemandZeroCount = m.demand_zero;
    info->PageReadCount = info->PageReadIoCount = m.page_ins;
    info->PageFaultCount = m.soft_faults + m.demand_zero + m.page_ins;
    info->DirtyPagesWriteCount = info->DirtyWriteIoCount = m.page_outs;
    info->PagedPoolPages = m.paged_pool;
    info->NonPagedPoolPages = m.nonpaged_pool;
}

/*
 * Copies the class's information to the caller's buffer, and its length to
 * ReturnLength (if given): SystemBasicInformation wants exactly its size,
 * SystemPerformanceInformation at least its size
 * (STATUS_INFO_LENGTH_MISMATCH otherwise, ReturnLength still set); any
 * other class is STATUS_INVALID_INFO_CLASS. PASSIVE_LEVEL.
 */
NTSTATUS NTAPI NtQuerySystemInformation(
    SYSTEM_INFORMATION_CLASS SystemInformationClass, PVOID SystemInformation,
    ULONG SystemInformationLength, PULONG ReturnLength)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    union {
        SYSTEM_BASIC_INFORMATION basic;
        SYSTEM_PERFORMANCE_INFORMATION performance;
    } info;
    ULONG size;
    NTSTATUS status = STATUS_SUCCESS;

    if (SystemInformationClass == SystemBasicInformation) {
        size = sizeof info.basic;
        if (SystemInformationLength != size)
            status = STATUS_INFO_LENGTH_MISMATCH;
        else
            basic_information(&info.basic);
    } else if (SystemInformationClass == SystemPerformanceInformation) {
        size = sizeof info.performance;
        if (SystemInformationLength < size)
            status = STATUS_INFO_LENGTH_MISMATCH;
        else
            performance_information(&info.performance);
    } else {
        return STATUS_INVALID_INFO_CLASS;
    }
    if (NT_SUCCESS(status))
        status = mm_give_back(mode, SystemInformation, size, sizeof(ULONG),
                              &info);
    if (ReturnLength != NULL && (NT_SUCCESS(status) ||
                                 status == STATUS_INFO_LENGTH_MISMATCH)) {
        NTSTATUS written = mm_give_back(mode, ReturnLength, sizeof size,
                                        sizeof(ULONG), &size);

        if (!NT_SUCCESS(written))
            status = written;
    }
    return status;
}
