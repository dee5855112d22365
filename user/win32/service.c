/*
 * The service control manager (advapi32's routines) for kernel-driver
 * services, in the program's own process: a service is its key under
 * \Registry\Machine\System\CurrentControlSet\Services, started and stopped
 * with NtLoadDriver and NtUnloadDriver (include/windows.h says what that
 * means for the caller).
 *
 * An SC_HANDLE is a block of the process heap: the manager, or a service
 * with its key's handle and name.
 */
#include "win32.h"

#define SC_MAGIC_MANAGER 0x4D435353u /* "SSCM" */
#define SC_MAGIC_SERVICE 0x56524553u /* "SERV" */
#define MAX_SERVICE_NAME 64 /* characters, as \Driver\NAME allows */

static const WCHAR services_key[] =
    L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

struct ntlab_sc_handle {
    ULONG magic;
    HANDLE key;   /* a service's */
    USHORT chars; /* of name */
    WCHAR name[MAX_SERVICE_NAME];
};

static SC_HANDLE new_handle(ULONG magic)
{
    SC_HANDLE h = RtlAllocateHeap(RtlProcessHeap(), HEAP_ZERO_MEMORY, sizeof *h);

    if (h == NULL)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    else
        h->magic = magic;
    return h;
}

/* FALSE, with ERROR_INVALID_HANDLE, unless h is an open handle of kind
 * magic. */
static BOOL valid(SC_HANDLE h, ULONG magic)
{
    BOOL ok = h != NULL && h->magic == magic;

    if (!ok)
        SetLastError(ERROR_INVALID_HANDLE);
    return ok;
}

/* The service key's full name for a service's name, in buffer. */
static void key_name(const WCHAR *name, USHORT chars, WCHAR *buffer,
                     UNICODE_STRING *result)
{
    USHORT n = 0, i;

    for (i = 0; services_key[i] != 0; i++)
        buffer[n++] = services_key[i];
    for (i = 0; i < chars; i++)
        buffer[n++] = name[i];
    result->Buffer = buffer;
    result->Length = result->MaximumLength = (USHORT)(n * sizeof(WCHAR));
}

/* Checks a service name and keeps it in h. ERROR_INVALID_NAME for an
 * empty name, one too long for ntlab, or one with '\' or '/' ('.' too:
 * NtLoadDriver's service names have none). */
static BOOL take_name(SC_HANDLE h, LPCWSTR name)
{
    USHORT n = 0;

    if (name == NULL) {
        SetLastError(ERROR_INVALID_ADDRESS);
        return FALSE;
    }
    for (; name[n] != 0; n++)
        if (n == MAX_SERVICE_NAME || name[n] == L'\\' || name[n] == L'/' ||
            name[n] == L'.')
            break;
    if (n == 0 || name[n] != 0) {
        SetLastError(ERROR_INVALID_NAME);
        return FALSE;
    }
    RtlCopyMemory(h->name, name, n * sizeof(WCHAR));
    h->chars = n;
    return TRUE;
}

static SIZE_T chars_of(LPCWSTR s)
{
    SIZE_T n = 0;

    while (s[n] != 0)
        n++;
    return n;
}

static NTSTATUS set_dword(HANDLE key, const WCHAR *value, DWORD data)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, value);
    return NtSetValueKey(key, &name, 0, REG_DWORD, &data, sizeof data);
}

static NTSTATUS set_string(HANDLE key, const WCHAR *value, ULONG type,
                           const WCHAR *text, SIZE_T chars)
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, value);
    return NtSetValueKey(key, &name, 0, type, (PVOID)text,
                         (ULONG)((chars + 1) * sizeof(WCHAR)));
}

/* The DWORD value of a service's key, or otherwise when it has none. */
static DWORD get_dword(HANDLE key, const WCHAR *value, DWORD otherwise)
{
    UCHAR buffer[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(DWORD)];
    PKEY_VALUE_PARTIAL_INFORMATION info = (PVOID)buffer;
    UNICODE_STRING name;
    ULONG length;

    RtlInitUnicodeString(&name, value);
    if (!NT_SUCCESS(NtQueryValueKey(key, &name, KeyValuePartialInformation,
                                    info, sizeof buffer, &length)) ||
        info->Type != REG_DWORD || info->DataLength != sizeof(DWORD))
        return otherwise;
    return *(DWORD *)info->Data;
}

/* Whether a service's driver is loaded: \Driver\NAME is there (a name
 * that is not a link says so with STATUS_OBJECT_TYPE_MISMATCH). */
static BOOL running(SC_HANDLE service)
{
    WCHAR buffer[8 + MAX_SERVICE_NAME];
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    HANDLE link;
    USHORT i;
    NTSTATUS status;

    RtlCopyMemory(buffer, L"\\Driver\\", 8 * sizeof(WCHAR));
    for (i = 0; i < service->chars; i++)
        buffer[8 + i] = service->name[i];
    name.Buffer = buffer;
    name.Length = name.MaximumLength = (USHORT)((8 + i) * sizeof(WCHAR));
    InitializeObjectAttributes(&attributes, &name, OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = NtOpenSymbolicLinkObject(&link, 0, &attributes);
    if (NT_SUCCESS(status))
        NtClose(link);
    return status != STATUS_OBJECT_NAME_NOT_FOUND &&
           status != STATUS_OBJECT_PATH_NOT_FOUND;
}

/* NtLoadDriver or NtUnloadDriver on a service's key name. */
static NTSTATUS driver_call(SC_HANDLE service, BOOL load)
{
    WCHAR buffer[ARRAYSIZE(services_key) + MAX_SERVICE_NAME];
    UNICODE_STRING name;

    key_name(service->name, service->chars, buffer, &name);
    return load ? NtLoadDriver(&name) : NtUnloadDriver(&name);
}

/* ---- The manager ----------------------------------------------------------- */

SC_HANDLE WINAPI OpenSCManagerW(LPCWSTR lpMachineName, LPCWSTR lpDatabaseName,
                                DWORD dwDesiredAccess)
{
    static const WCHAR active[] = SERVICES_ACTIVE_DATABASEW;
    UNICODE_STRING database, wanted;

    (void)dwDesiredAccess; /* security is not modelled */
    if (lpMachineName != NULL && lpMachineName[0] != 0) {
        SetLastError(ERROR_INVALID_NAME); /* no other machine to reach */
        return NULL;
    }
    if (lpDatabaseName != NULL) {
        RtlInitUnicodeString(&database, lpDatabaseName);
        RtlInitUnicodeString(&wanted, active);
        if (!RtlEqualUnicodeString(&database, &wanted, TRUE)) {
            SetLastError(ERROR_DATABASE_DOES_NOT_EXIST);
            return NULL;
        }
    }
    return new_handle(SC_MAGIC_MANAGER);
}

SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName, LPCSTR lpDatabaseName,
                                DWORD dwDesiredAccess)
{
    WCHAR machine[MAX_PATH + 1], database[MAX_PATH + 1];
    LPCWSTR m, d;

    if (!win32_unicode_name(lpMachineName, machine, &m) ||
        !win32_unicode_name(lpDatabaseName, database, &d))
        return NULL;
    return OpenSCManagerW(m, d, dwDesiredAccess);
}

BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject)
{
    if (valid(hSCObject, SC_MAGIC_SERVICE)) {
        /* A service marked for deletion goes with its last handle here,
         * once it is stopped. */
        if (get_dword(hSCObject->key, L"DeleteFlag", 0) != 0 &&
            !running(hSCObject))
            NtDeleteKey(hSCObject->key);
        NtClose(hSCObject->key);
    } else if (!valid(hSCObject, SC_MAGIC_MANAGER)) {
        return FALSE;
    }
    hSCObject->magic = 0;
    RtlFreeHeap(RtlProcessHeap(), 0, hSCObject);
    return TRUE;
}

/* ---- Services -------------------------------------------------------------- */

/*
 * Opens (create FALSE) or makes the key of service name for a new
 * service handle. ERROR_SERVICE_DOES_NOT_EXIST when there is none to
 * open; ERROR_SERVICE_EXISTS (or ERROR_SERVICE_MARKED_FOR_DELETE) when
 * there is one already to make.
 */
static SC_HANDLE open_key(SC_HANDLE manager, LPCWSTR name, BOOL create)
{
    WCHAR buffer[ARRAYSIZE(services_key) + MAX_SERVICE_NAME];
    UNICODE_STRING key;
    OBJECT_ATTRIBUTES attributes;
    ULONG disposition = 0;
    SC_HANDLE h;
    NTSTATUS status;

    if (!valid(manager, SC_MAGIC_MANAGER) ||
        (h = new_handle(SC_MAGIC_SERVICE)) == NULL)
        return NULL;
    if (!take_name(h, name)) {
        RtlFreeHeap(RtlProcessHeap(), 0, h);
        return NULL;
    }
    key_name(h->name, h->chars, buffer, &key);
    InitializeObjectAttributes(&attributes, &key, OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    status = create ? NtCreateKey(&h->key, KEY_ALL_ACCESS, &attributes, 0,
                                  NULL, 0, &disposition)
                    : NtOpenKey(&h->key, KEY_ALL_ACCESS, &attributes);
    if (status == STATUS_SUCCESS && disposition == REG_OPENED_EXISTING_KEY) {
        SetLastError(get_dword(h->key, L"DeleteFlag", 0) != 0
                         ? ERROR_SERVICE_MARKED_FOR_DELETE
                         : ERROR_SERVICE_EXISTS);
        NtClose(h->key);
        status = STATUS_OBJECT_NAME_COLLISION;
    } else if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
        SetLastError(ERROR_SERVICE_DOES_NOT_EXIST);
    } else if (!NT_SUCCESS(status)) {
        win32_set_nt_error(status);
    }
    if (!NT_SUCCESS(status)) {
        RtlFreeHeap(RtlProcessHeap(), 0, h);
        return NULL;
    }
    return h;
}

/* Writes a new service's values; FALSE (last error set) if one fails. */
static BOOL write_config(SC_HANDLE h, LPCWSTR display, DWORD type, DWORD start,
                         DWORD error_control, LPCWSTR binary)
{
    UNICODE_STRING image = {0, 0, NULL};
    NTSTATUS status = STATUS_SUCCESS;
    UNICODE_STRING given, system32;
    BOOL dos;

    /* A DOS path (C:\x.sys, or relative to the current directory) becomes
     * its NT name; an NT name (\...) and System32\... stay as they are. */
    RtlInitUnicodeString(&given, binary);
    RtlInitUnicodeString(&system32, L"System32\\");
    dos = binary[0] != L'\\' && !RtlPrefixUnicodeString(&system32, &given, TRUE);
    if (dos)
        status = win32_nt_name(binary, &image);
    else
        RtlInitUnicodeString(&image, binary);
    if (NT_SUCCESS(status))
        status = set_string(h->key, L"ImagePath", REG_EXPAND_SZ, image.Buffer,
                            image.Length / sizeof(WCHAR));
    if (dos && image.Buffer != NULL)
        RtlFreeHeap(RtlProcessHeap(), 0, image.Buffer);
    if (NT_SUCCESS(status))
        status = set_dword(h->key, L"Type", type);
    if (NT_SUCCESS(status))
        status = set_dword(h->key, L"Start", start);
    if (NT_SUCCESS(status))
        status = set_dword(h->key, L"ErrorControl", error_control);
    if (NT_SUCCESS(status) && display != NULL)
        status = set_string(h->key, L"DisplayName", REG_SZ, display,
                            chars_of(display));
    return win32_check(status);
}

SC_HANDLE WINAPI CreateServiceW(
    SC_HANDLE hSCManager, LPCWSTR lpServiceName, LPCWSTR lpDisplayName,
    DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
    DWORD dwErrorControl, LPCWSTR lpBinaryPathName, LPCWSTR lpLoadOrderGroup,
    LPDWORD lpdwTagId, LPCWSTR lpDependencies, LPCWSTR lpServiceStartName,
    LPCWSTR lpPassword)
{
    SC_HANDLE h;

    (void)dwDesiredAccess;
    (void)lpLoadOrderGroup;
    (void)lpDependencies;
    (void)lpServiceStartName;
    (void)lpPassword;
    if (dwServiceType & (SERVICE_WIN32_OWN_PROCESS | SERVICE_WIN32_SHARE_PROCESS)) {
        SetLastError(ERROR_NOT_SUPPORTED); /* no service processes */
        return NULL;
    }
    if ((dwServiceType != SERVICE_KERNEL_DRIVER &&
         dwServiceType != SERVICE_FILE_SYSTEM_DRIVER) ||
        dwStartType > SERVICE_DISABLED || dwErrorControl > SERVICE_ERROR_CRITICAL ||
        lpdwTagId != NULL) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    if (lpBinaryPathName == NULL || lpBinaryPathName[0] == 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    h = open_key(hSCManager, lpServiceName, TRUE);
    if (h != NULL && !write_config(h, lpDisplayName, dwServiceType, dwStartType,
                                   dwErrorControl, lpBinaryPathName)) {
        DWORD error = GetLastError();

        NtDeleteKey(h->key);
        CloseServiceHandle(h);
        SetLastError(error);
        return NULL;
    }
    return h;
}

SC_HANDLE WINAPI CreateServiceA(
    SC_HANDLE hSCManager, LPCSTR lpServiceName, LPCSTR lpDisplayName,
    DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
    DWORD dwErrorControl, LPCSTR lpBinaryPathName, LPCSTR lpLoadOrderGroup,
    LPDWORD lpdwTagId, LPCSTR lpDependencies, LPCSTR lpServiceStartName,
    LPCSTR lpPassword)
{
    WCHAR name[MAX_PATH + 1], display[MAX_PATH + 1], binary[MAX_PATH + 1];
    LPCWSTR n, d, b;

    (void)lpLoadOrderGroup;
    (void)lpDependencies;
    (void)lpServiceStartName;
    (void)lpPassword;
    if (!win32_unicode_name(lpServiceName, name, &n) ||
        !win32_unicode_name(lpDisplayName, display, &d) ||
        !win32_unicode_name(lpBinaryPathName, binary, &b))
        return NULL;
    return CreateServiceW(hSCManager, n, d, dwDesiredAccess, dwServiceType,
                          dwStartType, dwErrorControl, b, NULL, lpdwTagId,
                          NULL, NULL, NULL);
}

SC_HANDLE WINAPI OpenServiceW(SC_HANDLE hSCManager, LPCWSTR lpServiceName,
                              DWORD dwDesiredAccess)
{
    (void)dwDesiredAccess;
    return open_key(hSCManager, lpServiceName, FALSE);
}

SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager, LPCSTR lpServiceName,
                              DWORD dwDesiredAccess)
{
    WCHAR name[MAX_PATH + 1];
    LPCWSTR n;

    if (!win32_unicode_name(lpServiceName, name, &n))
        return NULL;
    return OpenServiceW(hSCManager, n, dwDesiredAccess);
}

/* The status of a service as SERVICE_STATUS has it. */
static void status_of_service(SC_HANDLE h, LPSERVICE_STATUS status)
{
    BOOL on = running(h);

    RtlZeroMemory(status, sizeof *status);
    status->dwServiceType = get_dword(h->key, L"Type", SERVICE_KERNEL_DRIVER);
    status->dwCurrentState = on ? SERVICE_RUNNING : SERVICE_STOPPED;
    status->dwControlsAccepted = on ? SERVICE_ACCEPT_STOP : 0;
}

BOOL WINAPI StartServiceW(SC_HANDLE hService, DWORD dwNumServiceArgs,
                          LPCWSTR *lpServiceArgVectors)
{
    NTSTATUS status;

    (void)dwNumServiceArgs; /* a driver takes no arguments */
    (void)lpServiceArgVectors;
    if (!valid(hService, SC_MAGIC_SERVICE))
        return FALSE;
    if (get_dword(hService->key, L"DeleteFlag", 0) != 0) {
        SetLastError(ERROR_SERVICE_MARKED_FOR_DELETE);
        return FALSE;
    }
    status = driver_call(hService, TRUE);
    if (status == STATUS_IMAGE_ALREADY_LOADED) {
        SetLastError(ERROR_SERVICE_ALREADY_RUNNING);
        return FALSE;
    }
    return win32_check(status);
}

BOOL WINAPI StartServiceA(SC_HANDLE hService, DWORD dwNumServiceArgs,
                          LPCSTR *lpServiceArgVectors)
{
    (void)dwNumServiceArgs;
    (void)lpServiceArgVectors;
    return StartServiceW(hService, 0, NULL);
}

BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl,
                           LPSERVICE_STATUS lpServiceStatus)
{
    NTSTATUS status;

    if (!valid(hService, SC_MAGIC_SERVICE))
        return FALSE;
    if (lpServiceStatus == NULL) {
        SetLastError(ERROR_INVALID_ADDRESS);
        return FALSE;
    }
    if (dwControl != SERVICE_CONTROL_STOP &&
        dwControl != SERVICE_CONTROL_INTERROGATE) {
        SetLastError(ERROR_INVALID_SERVICE_CONTROL);
        return FALSE;
    }
    if (!running(hService)) {
        status_of_service(hService, lpServiceStatus);
        SetLastError(ERROR_SERVICE_NOT_ACTIVE);
        return FALSE;
    }
    if (dwControl == SERVICE_CONTROL_INTERROGATE) {
        status_of_service(hService, lpServiceStatus);
        return TRUE;
    }
    status = driver_call(hService, FALSE);
    status_of_service(hService, lpServiceStatus);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
        SetLastError(ERROR_SERVICE_NOT_ACTIVE);
        return FALSE;
    }
    if (status == STATUS_INVALID_DEVICE_REQUEST) {
        /* No DriverUnload: it cannot be stopped. */
        SetLastError(ERROR_INVALID_SERVICE_CONTROL);
        return FALSE;
    }
    return win32_check(status);
}

BOOL WINAPI QueryServiceStatus(SC_HANDLE hService,
                               LPSERVICE_STATUS lpServiceStatus)
{
    if (!valid(hService, SC_MAGIC_SERVICE))
        return FALSE;
    if (lpServiceStatus == NULL) {
        SetLastError(ERROR_INVALID_ADDRESS);
        return FALSE;
    }
    status_of_service(hService, lpServiceStatus);
    return TRUE;
}

BOOL WINAPI DeleteService(SC_HANDLE hService)
{
    if (!valid(hService, SC_MAGIC_SERVICE))
        return FALSE;
    if (get_dword(hService->key, L"DeleteFlag", 0) != 0) {
        SetLastError(ERROR_SERVICE_MARKED_FOR_DELETE);
        return FALSE;
    }
    /* It goes when it is stopped and its handle closed. */
    return win32_check(set_dword(hService->key, L"DeleteFlag", 1));
}
