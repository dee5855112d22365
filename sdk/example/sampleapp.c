/*
 * sampleapp.exe: talks to sample.sys through Win32, as a Windows program
 * would: CreateFile on \\.\NtlabSample, then one DeviceIoControl for each
 * buffering method. Prints what came back; exits with the number of
 * answers that were not the expected ones.
 */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "sample.h"

static const char text[] = "hello from user mode";

/* Sends text with code and checks the answer: the text in capitals, or
 * (expect_letters) only the count of its letters. */
static int try_ioctl(HANDLE device, const char *method, DWORD code,
                     BOOL expect_letters)
{
    char out[64];
    DWORD got = 0;

    memset(out, 0, sizeof out);
    if (expect_letters)
        memcpy(out, text, sizeof text - 1);
    if (!DeviceIoControl(device, code, (PVOID)text, sizeof text - 1, out,
                         sizeof text - 1, &got, NULL)) {
        printf("%-17s failed: error %u\n", method, (unsigned)GetLastError());
        return 1;
    }
    if (expect_letters) {
        printf("%-17s %u letters\n", method, (unsigned)got);
        return got != 17;
    }
    printf("%-17s \"%s\" (%u bytes)\n", method, out, (unsigned)got);
    return got != sizeof text - 1 ||
           strcmp(out, "HELLO FROM USER MODE") != 0;
}

int main(void)
{
    HANDLE device;
    int failures = 0;

    device = CreateFileA("\\\\.\\NtlabSample", GENERIC_READ | GENERIC_WRITE,
                         0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE) {
        printf("cannot open \\\\.\\NtlabSample: error %u\n",
               (unsigned)GetLastError());
        return 1;
    }
    failures += try_ioctl(device, "METHOD_BUFFERED", IOCTL_SAMPLE_BUFFERED,
                          FALSE);
    failures += try_ioctl(device, "METHOD_IN_DIRECT", IOCTL_SAMPLE_IN_DIRECT,
                          TRUE);
    failures += try_ioctl(device, "METHOD_OUT_DIRECT",
                          IOCTL_SAMPLE_OUT_DIRECT, FALSE);
    failures += try_ioctl(device, "METHOD_NEITHER", IOCTL_SAMPLE_NEITHER,
                          FALSE);
    CloseHandle(device);
    return failures;
}
