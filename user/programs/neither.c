/*
 * neither MODE: the user side of neither.sys, METHOD_NEITHER done right
 * and done wrong. The driver gets this program's raw addresses.
 *
 *   right             the dispatch routine reads a ULONG at our address and
 *                     writes it + 1 at another: exit 0 when it comes back.
 *   bad-pointer       an unmapped address, then a system address: exit 0
 *                     when the driver refuses both with
 *                     STATUS_ACCESS_VIOLATION (and nothing worse happens).
 *   work-item         the driver reads our (good) address later, from a
 *                     work item: exit 0 when that fails with
 *                     STATUS_ACCESS_VIOLATION.
 *   work-item-no-try  the same without __try: the system stops (0x7E).
 *   dpc               a second copy of this program, with its own value at
 *                     the same address, is running when the driver's DPC
 *                     reads our address: exit 0 when the driver read the
 *                     second copy's value instead of ours.
 *   dpc-unmapped      the second copy has nothing at that address: the
 *                     system stops (0xD1).
 *   other VALUE       the second copy (othercopy.h).
 * Exit status 1 when things did not go the way the lesson says.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/neither/neither.h"
#include "othercopy.h"

#define MY_VALUE    0x11111111u
#define OTHER_VALUE 0x22222222u
/* The processor's control region: kernel data a program must not reach. */
#define SYSTEM_ADDRESS ((PVOID)((ULONG_PTR)NTLAB_VA_BASE + 0xFFDFF000u))

static HANDLE Device;

/* Sends Code with these buffers; the status, and Information. */
static NTSTATUS Ioctl(ULONG Code, PVOID In, ULONG InLength, PVOID Out,
                      ULONG OutLength, ULONG_PTR *Information)
{
    IO_STATUS_BLOCK Iosb = {0};
    NTSTATUS Status = NtDeviceIoControlFile(Device, NULL, NULL, NULL, &Iosb,
                                            Code, In, InLength, Out, OutLength);

    *Information = Iosb.Information;
    return Status;
}

static int Right(void)
{
    ULONG In = MY_VALUE, Out = 0;
    ULONG_PTR Information;
    NTSTATUS Status;

    printf("neither.exe: sending the address of 0x%08X (%p)\n", In, (PVOID)&In);
    Status = Ioctl(IOCTL_NEITHER_NOW, &In, sizeof In, &Out, sizeof Out,
                   &Information);
    printf("neither.exe: status 0x%08X, got 0x%08X back\n", Status, Out);
    return Status == STATUS_SUCCESS && Out == MY_VALUE + 1 ? 0 : 1;
}

static int BadPointer(void)
{
    ULONG Out = 0;
    ULONG_PTR Information;
    NTSTATUS Unmapped, System;

    /* This process has nothing at OTHER_COPY_ADDRESS: the probe passes
     * (it is a user address), the read faults, __try catches it. */
    Unmapped = Ioctl(IOCTL_NEITHER_NOW, (PVOID)OTHER_COPY_ADDRESS,
                     sizeof(ULONG), &Out, sizeof Out, &Information);
    printf("neither.exe: input at %p (nothing there): status 0x%08X\n",
           (PVOID)OTHER_COPY_ADDRESS, Unmapped);
    /* Mapped, but kernel memory: the probe refuses it before any read. */
    System = Ioctl(IOCTL_NEITHER_NOW, SYSTEM_ADDRESS, sizeof(ULONG), &Out,
                   sizeof Out, &Information);
    printf("neither.exe: input at %p (system space): status 0x%08X\n",
           SYSTEM_ADDRESS, System);
    return Unmapped == STATUS_ACCESS_VIOLATION &&
                   System == STATUS_ACCESS_VIOLATION
               ? 0
               : 1;
}

/* Puts MY_VALUE at OTHER_COPY_ADDRESS and asks the driver to read it
 * later with Code; the status, and what the driver read. */
static NTSTATUS Later(ULONG Code, const char *How, ULONG_PTR *Read)
{
    volatile ULONG *Mine = OtherCopyMapAddress();

    if (Mine == NULL)
        return STATUS_NO_MEMORY;
    *Mine = MY_VALUE;
    printf("neither.exe: 0x%08X at %p, for %s to read\n", *Mine, (PVOID)Mine,
           How);
    return Ioctl(Code, (PVOID)Mine, sizeof(ULONG), NULL, 0, Read);
}

static int WorkItem(ULONG Code)
{
    ULONG_PTR Read;
    NTSTATUS Status = Later(Code, "a work item", &Read);

    /* Only with __try do we get here. */
    printf("neither.exe: status 0x%08X for a good buffer\n", Status);
    return Status == STATUS_ACCESS_VIOLATION ? 0 : 1;
}

static int Dpc(ULONG OtherValue)
{
    HANDLE Other = OtherCopyStart("neither.exe", OtherValue);
    ULONG_PTR Read;
    NTSTATUS Status;

    if (Other == NULL)
        return 1;
    Status = Later(IOCTL_NEITHER_DPC, "a DPC", &Read);
    /* With nothing mapped in the second copy, we never get here. */
    printf("neither.exe: status 0x%08X, read 0x%08X: %s\n", Status, (ULONG)Read,
           Read == OTHER_VALUE ? "the second copy's data"
           : Read == MY_VALUE  ? "mine"
                               : "what?");
    OtherCopyFinish(Other);
    return Status == STATUS_SUCCESS && Read == OTHER_VALUE ? 0 : 1;
}

static NTSTATUS OpenDevice(void)
{
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    RtlInitUnicodeString(&Name, L"\\??\\Neither");
    InitializeObjectAttributes(&Attributes, &Name, 0, NULL, NULL);
    /* Synchronous: a call waits for its request, even one pending. */
    return NtCreateFile(&Device, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                        &Attributes, &Iosb, NULL, 0, 0, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

int main(int argc, char **argv)
{
    const char *Mode = argc > 1 ? argv[1] : "";
    NTSTATUS Status;

    if (strcmp(Mode, "other") == 0 && argc > 2)
        return OtherCopyMain("neither.exe", argv[2]);
    Status = OpenDevice();
    if (!NT_SUCCESS(Status)) {
        printf("neither.exe: cannot open \\\\.\\Neither: 0x%08X\n", Status);
        return 1;
    }
    if (strcmp(Mode, "right") == 0)
        return Right();
    if (strcmp(Mode, "bad-pointer") == 0)
        return BadPointer();
    if (strcmp(Mode, "work-item") == 0)
        return WorkItem(IOCTL_NEITHER_WORK_ITEM);
    if (strcmp(Mode, "work-item-no-try") == 0)
        return WorkItem(IOCTL_NEITHER_WORK_ITEM_NO_TRY) + 1;
    if (strcmp(Mode, "dpc") == 0)
        return Dpc(OTHER_VALUE);
    if (strcmp(Mode, "dpc-unmapped") == 0)
        return Dpc(0) + 1;
    printf("usage: neither.exe right | bad-pointer | work-item | "
           "work-item-no-try | dpc | dpc-unmapped\n");
    return 1;
}
