/*
 * Installs echodrv.sys from the current directory through the service
 * control manager, as the WDK's samples' installers do, sends it each
 * line of the console's input, and removes it. Each step prints what a
 * user would see, errors as GetLastError gives them.
 */
#include <windows.h>
#include <conio.h>
#include <stdio.h>
#include <strsafe.h>

#define IOCTL_ECHO_UPPER \
    CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

static void say(const char *what, BOOL ok)
{
    if (ok)
        printf("%s: ok\n", what);
    else
        printf("%s: error %lu\n", what, (unsigned long)GetLastError());
}

/* Opens path for access and says what happened. */
static void try_file(const char *what, const char *path, DWORD access)
{
    HANDLE h = CreateFile(path, access, 0, NULL, OPEN_EXISTING,
                          FILE_ATTRIBUTE_NORMAL, NULL);

    say(what, h != INVALID_HANDLE_VALUE);
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

/* Sends each line of the input to the driver. */
static void echo_lines(void)
{
    char line[128], upper[128];
    DWORD n;
    HANDLE device = CreateFile("\\\\.\\NtlabEcho", GENERIC_READ, 0, NULL,
                               OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);

    say("open \\\\.\\NtlabEcho", device != INVALID_HANDLE_VALUE);
    if (device == INVALID_HANDLE_VALUE)
        return;
    printf("input waiting: %s\n", _kbhit() ? "yes" : "no");
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t len = strlen(line);

        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (DeviceIoControl(device, IOCTL_ECHO_UPPER, line, (DWORD)len + 1,
                            upper, sizeof upper, &n, NULL))
            printf("echo: %s (%lu bytes)\n", upper, (unsigned long)n);
        else
            say("DeviceIoControl", FALSE);
    }
    printf("at the end: _kbhit %d, getchar %d\n", _kbhit(), getchar());
    CloseHandle(device);
}

int __cdecl main(void)
{
    char path[MAX_PATH];
    SC_HANDLE manager, service, again;
    SERVICE_STATUS status;
    DWORD n = GetCurrentDirectory(sizeof path, path);

    printf("current directory %s (%lu)\n", path, (unsigned long)n);
    if (FAILED(StringCbCat(path, sizeof path, "\\echodrv.sys")))
        return 1;
    try_file("read the driver's file", path, GENERIC_READ);
    try_file("write the driver's file", path, GENERIC_WRITE);
    try_file("climb out with ..", "..\\..\\..\\..\\etc\\passwd", GENERIC_READ);
    try_file("climb out verbatim", "\\\\?\\C:\\..\\etc\\passwd", GENERIC_READ);

    manager = OpenSCManager(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    say("OpenSCManager", manager != NULL);
    if (manager == NULL)
        return 1;
    say("OpenService before it exists",
        OpenService(manager, "echodrv", SERVICE_ALL_ACCESS) != NULL);
    service = CreateService(manager, "echodrv", "Echo driver",
                            SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER,
                            SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL, path,
                            NULL, NULL, NULL, NULL, NULL);
    say("CreateService", service != NULL);
    if (service == NULL)
        return 1;
    say("CreateService again",
        CreateService(manager, "echodrv", "Echo driver", SERVICE_ALL_ACCESS,
                      SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START,
                      SERVICE_ERROR_NORMAL, path, NULL, NULL, NULL, NULL,
                      NULL) != NULL);
    say("StartService", StartService(service, 0, NULL));
    say("StartService again", StartService(service, 0, NULL));
    QueryServiceStatus(service, &status);
    printf("state %lu\n", (unsigned long)status.dwCurrentState);
    if (status.dwCurrentState == SERVICE_RUNNING)
        echo_lines();
    say("ControlService stop", ControlService(service, SERVICE_CONTROL_STOP,
                                              &status));
    printf("state %lu\n", (unsigned long)status.dwCurrentState);
    say("ControlService stop again",
        ControlService(service, SERVICE_CONTROL_STOP, &status));
    say("DeleteService", DeleteService(service));
    say("DeleteService again", DeleteService(service));
    say("StartService once deleted", StartService(service, 0, NULL));
    say("CloseServiceHandle", CloseServiceHandle(service));
    again = OpenService(manager, "echodrv", SERVICE_ALL_ACCESS);
    say("OpenService after", again != NULL);
    CloseServiceHandle(manager);
    return 0;
}
