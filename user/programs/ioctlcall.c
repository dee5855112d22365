/*
 * ioctlcall METHOD N: sends iotest.sys's device N echo IOCTLs of METHOD
 * (buffered, neither or out_direct), 64 bytes in and out, each completed
 * at once; for the ioctl_* benchmarks. Exit status 0, or the status of
 * the first request that failed.
 */
#include <ntdll.h>
#include <stdlib.h>
#include <string.h>

#include "../../drivers/iotest/iotest.h"

int main(int argc, char **argv)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    UCHAR in[64] = {1}, out[64];
    ULONG n = argc > 2 ? (ULONG)strtoul(argv[2], NULL, 0) : 0, i;
    ULONG code = IOCTL_IOTEST_BUFFERED;
    HANDLE file;
    NTSTATUS status;

    if (argc > 1 && strcmp(argv[1], "neither") == 0)
        code = IOCTL_IOTEST_NEITHER;
    else if (argc > 1 && strcmp(argv[1], "out_direct") == 0)
        code = IOCTL_IOTEST_OUT_DIRECT;
    RtlInitUnicodeString(&name, L"\\Device\\IoTest");
    InitializeObjectAttributes(&attributes, &name, 0, NULL, NULL);
    status = NtOpenFile(&file, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE,
                        &attributes, &iosb, 0, FILE_SYNCHRONOUS_IO_NONALERT);
    if (!NT_SUCCESS(status))
        return status;
    for (i = 0; i < n; i++) {
        status = NtDeviceIoControlFile(file, NULL, NULL, NULL, &iosb, code, in,
                                       sizeof in, out, sizeof out);
        if (!NT_SUCCESS(status))
            return status;
    }
    NtClose(file);
    return 0;
}
