/*
 * direct MODE: the user side of direct.sys (METHOD_OUT_DIRECT completed
 * from a DPC). Puts its output buffer at OTHER_COPY_ADDRESS and sends a
 * ULONG; the driver's DPC writes it + 1 into that buffer.
 *
 *   alone   nothing else runs while we wait.
 *   busy    a second copy of this program, with its own value at the same
 *           address, is running when the DPC fires.
 *   other VALUE  the second copy (othercopy.h).
 * Exit status 0 when our buffer got the value and the second copy's data
 * is untouched; 1 otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/direct/direct.h"
#include "othercopy.h"

#define MY_VALUE    0x11111111u
#define OTHER_VALUE 0x22222222u

static NTSTATUS OpenDevice(HANDLE *Device)
{
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    RtlInitUnicodeString(&Name, L"\\??\\Direct");
    InitializeObjectAttributes(&Attributes, &Name, 0, NULL, NULL);
    /* Synchronous: the call waits for the request, though it pends. */
    return NtCreateFile(Device, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                        &Attributes, &Iosb, NULL, 0, 0, FILE_OPEN,
                        FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

int main(int argc, char **argv)
{
    const char *Mode = argc > 1 ? argv[1] : "";
    ULONG In = MY_VALUE, OtherStatus = 0;
    volatile ULONG *Out;
    IO_STATUS_BLOCK Iosb = {0};
    HANDLE Device, Other = NULL;
    NTSTATUS Status;

    if (strcmp(Mode, "other") == 0 && argc > 2)
        return OtherCopyMain("direct.exe", argv[2]);
    if (strcmp(Mode, "alone") != 0 && strcmp(Mode, "busy") != 0) {
        printf("usage: direct.exe alone | busy\n");
        return 1;
    }
    Status = OpenDevice(&Device);
    Out = OtherCopyMapAddress();
    if (!NT_SUCCESS(Status) || Out == NULL) {
        printf("direct.exe: no device or no memory: 0x%08X\n", Status);
        return 1;
    }
    if (strcmp(Mode, "busy") == 0 &&
        (Other = OtherCopyStart("direct.exe", OTHER_VALUE)) == NULL)
        return 1;
    printf("direct.exe: sending 0x%08X, my output buffer at %p\n", In,
           (PVOID)Out);
    Status = NtDeviceIoControlFile(Device, NULL, NULL, NULL, &Iosb,
                                   IOCTL_DIRECT_LATER, &In, sizeof In,
                                   (PVOID)Out, sizeof(ULONG));
    printf("direct.exe: status 0x%08X, got 0x%08X at %p\n", Status, *Out,
           (PVOID)Out);
    /* The second copy checks its own value at the same address. */
    if (Other != NULL)
        OtherStatus = OtherCopyFinish(Other);
    return Status == STATUS_SUCCESS && *Out == MY_VALUE + 1 && OtherStatus == 0
               ? 0
               : 1;
}
