/*
 * A second copy of a lesson program (neither.exe, direct.exe) that keeps
 * running, so that its process is the current one when a driver's DPC
 * fires: DPCs run in whatever process that is.
 *
 * Both copies use the same user address, OTHER_COPY_ADDRESS, for their
 * own data: one address, two processes, two different pages.
 *
 * The first copy calls OtherCopyStart; the second copy, started with the
 * command line "PROGRAM other VALUE", runs OtherCopyMain: it puts VALUE at
 * OTHER_COPY_ADDRESS (VALUE 0: it maps nothing there), says it is ready,
 * then spins in user mode, polling the done event, until OtherCopyFinish;
 * it exits 0 when VALUE is still there, 4 when someone changed it.
 */
#ifndef OTHERCOPY_H
#define OTHERCOPY_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

#include "second_copy.h"

#define OTHER_COPY_ADDRESS ((ULONG_PTR)NTLAB_VA_BASE + 0x10000000u)

/* Commits a page at OTHER_COPY_ADDRESS; its first ULONG, or NULL. */
static inline volatile ULONG *OtherCopyMapAddress(void)
{
    PVOID Base = (PVOID)OTHER_COPY_ADDRESS;
    SIZE_T Size = 0x1000;

    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &Base, 0, &Size,
                                            MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE)))
        return NULL;
    return (volatile ULONG *)Base;
}

static inline NTSTATUS OtherCopyEvent(const WCHAR *Name, HANDLE *Handle)
{
    UNICODE_STRING String;
    OBJECT_ATTRIBUTES Attributes;

    RtlInitUnicodeString(&String, Name);
    InitializeObjectAttributes(&Attributes, &String, OBJ_OPENIF, NULL, NULL);
    return NtCreateEvent(Handle, EVENT_ALL_ACCESS, &Attributes,
                         NotificationEvent, FALSE);
}

/* The second copy: see the top of the file. */
static inline int OtherCopyMain(const char *Program, const char *ValueText)
{
    ULONG Value = (ULONG)strtoul(ValueText, NULL, 0);
    LARGE_INTEGER Zero = {.QuadPart = 0};
    volatile ULONG *Data = NULL;
    HANDLE Ready, Done;

    if (!NT_SUCCESS(
            OtherCopyEvent(L"\\BaseNamedObjects\\OtherCopyReady", &Ready)) ||
        !NT_SUCCESS(
            OtherCopyEvent(L"\\BaseNamedObjects\\OtherCopyDone", &Done)))
        return 3;
    if (Value != 0) {
        Data = OtherCopyMapAddress();
        if (Data == NULL)
            return 2;
        *Data = Value;
        printf("%s: second copy (PID %u): 0x%08X at %p, running\n", Program,
               (ULONG)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueProcess, Value,
               (PVOID)Data);
    } else {
        printf("%s: second copy (PID %u): nothing at %p, running\n", Program,
               (ULONG)(ULONG_PTR)NtCurrentTeb()->ClientId.UniqueProcess,
               (PVOID)OTHER_COPY_ADDRESS);
    }
    NtSetEvent(Ready, NULL);
    /* Busy, never waiting: this process stays the current one. */
    while (NtWaitForSingleObject(Done, FALSE, &Zero) == STATUS_TIMEOUT)
        ;
    if (Data != NULL && *Data != Value) {
        printf("%s: second copy: 0x%08X at %p, where I wrote 0x%08X\n", Program,
               *Data, (PVOID)Data, Value);
        return 4;
    }
    printf("%s: second copy: my data is as I left it\n", Program);
    return 0;
}

/* Copies Text into Wide (64 characters at most). */
static inline PCWSTR OtherCopyWiden(const char *Text, WCHAR *Wide)
{
    ULONG i;

    for (i = 0; Text[i] != '\0' && i < 63; i++)
        Wide[i] = (WCHAR)Text[i];
    Wide[i] = 0;
    return Wide;
}

/* Starts "Image other Value" (Image: this program, "neither.exe") and
 * waits until it runs; its process handle, or NULL. */
static inline HANDLE OtherCopyStart(const char *Image, ULONG Value)
{
    WCHAR ImageName[64], CommandLine[64];
    char Text[64];
    HANDLE Ready, Process;
    ULONG Pid;

    if (!NT_SUCCESS(
            OtherCopyEvent(L"\\BaseNamedObjects\\OtherCopyReady", &Ready)))
        return NULL;
    snprintf(Text, sizeof Text, "%s other 0x%X", Image, Value);
    Process = StartSecondCopy(OtherCopyWiden(Image, ImageName),
                              OtherCopyWiden(Text, CommandLine), Ready, &Pid);
    NtClose(Ready);
    return Process;
}

/* Tells the second copy to stop; its exit status (0xDEAD: unknown). */
static inline ULONG OtherCopyFinish(HANDLE Process)
{
    PROCESS_BASIC_INFORMATION Info;
    HANDLE Done;

    if (!NT_SUCCESS(
            OtherCopyEvent(L"\\BaseNamedObjects\\OtherCopyDone", &Done)))
        return 0xDEAD;
    NtSetEvent(Done, NULL);
    NtWaitForSingleObject(Process, FALSE, NULL);
    if (!NT_SUCCESS(NtQueryInformationProcess(Process, ProcessBasicInformation,
                                              &Info, sizeof Info, NULL)))
        return 0xDEAD;
    NtClose(Process);
    return (ULONG)Info.ExitStatus;
}

#endif
