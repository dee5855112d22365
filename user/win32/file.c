/*
 * Files and devices: CreateFile over NtCreateFile, and the requests made
 * on an open handle (ReadFile, WriteFile, DeviceIoControl), synchronous or
 * overlapped, with GetOverlappedResult and CancelIo.
 *
 * An overlapped request's status block is the caller's OVERLAPPED itself,
 * as on Windows: Internal is set to STATUS_PENDING before the request is
 * made, and the kernel writes the final status there and the bytes
 * transferred in InternalHigh, then sets hEvent (or the file, which is
 * waitable, when hEvent is NULL).
 */
#include "win32.h"

#include <stddef.h>

_Static_assert(offsetof(OVERLAPPED, Internal) ==
                       offsetof(IO_STATUS_BLOCK, Status) &&
                   offsetof(OVERLAPPED, InternalHigh) ==
                       offsetof(IO_STATUS_BLOCK, Information),
               "an OVERLAPPED begins with an IO_STATUS_BLOCK");

/* ---- Win32 names to NT names --------------------------------------------- */

static BOOL is_separator(WCHAR c)
{
    return c == L'\\' || c == L'/';
}

static BOOL is_letter(WCHAR c)
{
    return (c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z');
}

/*
 * How path becomes an NT name: *prefix replaces its first *skip
 * characters, and *verbatim says the rest is taken as it is (else '/'
 * becomes '\'). FALSE for a path of the DOS forms (X:\..., X:..., \...,
 * relative), which full_path resolves.
 */
static BOOL name_form(LPCWSTR path, LPCWSTR *prefix, SIZE_T *skip,
                      BOOL *verbatim)
{
    *prefix = L"\\??\\";
    *skip = 0;
    *verbatim = FALSE;
    if (path[0] == L'\\' && path[1] == L'\\' && path[2] == L'?' &&
        path[3] == L'\\') {
        *skip = 4; /* \\?\Name */
        *verbatim = TRUE;
    } else if (is_separator(path[0]) && is_separator(path[1]) &&
               (path[2] == L'.' || path[2] == L'?') && is_separator(path[3])) {
        *skip = 4; /* \\.\Name */
    } else if (is_separator(path[0]) && is_separator(path[1])) {
        *prefix = L"\\??\\UNC\\"; /* \\server\share */
        *skip = 2;
    } else {
        return FALSE;
    }
    return TRUE;
}

static SIZE_T length_of(LPCWSTR s)
{
    SIZE_T n = 0;

    while (s[n] != 0)
        n++;
    return n;
}

/* The current directory: the root of C:, ntlab's view of the directory it
 * was started in. */
static const WCHAR current_directory[] = L"C:\\";

/*
 * The full path of a DOS-form path, as GetFullPathName makes it, into
 * buffer (capacity characters, at least 4): a drive-relative or relative
 * path is taken from the current directory (a drive other than the
 * current one: from its root), a rooted one from the current drive;
 * separators become single '\', "." components go and ".." ones take
 * the one before them away (never the root). Returns the length, or 0
 * when it does not fit.
 */
static SIZE_T full_path(LPCWSTR path, PWSTR buffer, SIZE_T capacity)
{
    SIZE_T n = 3, start, i = 0;

    if (is_letter(path[0]) && path[1] == L':') {
        buffer[0] = (WCHAR)(path[0] & ~0x20);
        i = 2;
    } else {
        buffer[0] = current_directory[0];
    }
    buffer[1] = L':';
    buffer[2] = L'\\';
    while (path[i] != 0) {
        while (is_separator(path[i]))
            i++;
        for (start = i; path[i] != 0 && !is_separator(path[i]); i++)
            ;
        if (i == start || (i - start == 1 && path[start] == L'.'))
            continue;
        if (i - start == 2 && path[start] == L'.' && path[start + 1] == L'.') {
            while (n > 3 && buffer[n - 1] != L'\\')
                n--;
            if (n > 3)
                n--; /* the '\' before it */
            continue;
        }
        if (n + (n > 3) + (i - start) >= capacity)
            return 0;
        if (n > 3)
            buffer[n++] = L'\\';
        for (SIZE_T k = start; k < i; k++)
            buffer[n++] = path[k];
    }
    /* A path that ended in a separator keeps it (a directory's name). */
    if (n > 3 && i > 0 && is_separator(path[i - 1]) && n + 1 < capacity)
        buffer[n++] = L'\\';
    buffer[n] = 0;
    return n;
}

/*
 * The NT name for the Win32 path (may be NULL), in a buffer from the
 * process heap that the caller frees with RtlFreeHeap.
 */
static NTSTATUS nt_name(LPCWSTR path, UNICODE_STRING *name)
{
    LPCWSTR prefix;
    SIZE_T skip, prefix_length, length, i;
    BOOL verbatim;
    PWSTR buffer, full = NULL;
    NTSTATUS status = STATUS_SUCCESS;

    if (path == NULL || path[0] == 0)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    if (!name_form(path, &prefix, &skip, &verbatim)) {
        SIZE_T capacity = length_of(path) + 5;

        full = RtlAllocateHeap(RtlProcessHeap(), 0, capacity * sizeof(WCHAR));
        if (full == NULL)
            return STATUS_NO_MEMORY;
        if (full_path(path, full, capacity) == 0) {
            RtlFreeHeap(RtlProcessHeap(), 0, full);
            return STATUS_NAME_TOO_LONG;
        }
        path = full;
    }
    prefix_length = length_of(prefix);
    length = prefix_length + length_of(path + skip);
    if (length > UNICODE_STRING_MAX_CHARS)
        status = STATUS_NAME_TOO_LONG;
    buffer = NT_SUCCESS(status)
                 ? RtlAllocateHeap(RtlProcessHeap(), 0, length * sizeof(WCHAR))
                 : NULL;
    if (NT_SUCCESS(status) && buffer == NULL)
        status = STATUS_NO_MEMORY;
    if (NT_SUCCESS(status)) {
        for (i = 0; i < prefix_length; i++)
            buffer[i] = prefix[i];
        for (path += skip; i < length; i++, path++)
            buffer[i] = !verbatim && *path == L'/' ? L'\\' : *path;
        name->Buffer = buffer;
        name->Length = name->MaximumLength = (USHORT)(length * sizeof(WCHAR));
    }
    if (full != NULL)
        RtlFreeHeap(RtlProcessHeap(), 0, full);
    return status;
}

NTSTATUS win32_nt_name(LPCWSTR path, UNICODE_STRING *name)
{
    return nt_name(path, name);
}

DWORD WINAPI GetCurrentDirectoryW(DWORD nBufferLength, LPWSTR lpBuffer)
{
    DWORD n = ARRAYSIZE(current_directory) - 1, i;

    if (nBufferLength <= n || lpBuffer == NULL)
        return n + 1; /* the size needed, with the terminator */
    for (i = 0; i <= n; i++)
        lpBuffer[i] = current_directory[i];
    return n;
}

DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength, LPSTR lpBuffer)
{
    DWORD n = ARRAYSIZE(current_directory) - 1, i;

    if (nBufferLength <= n || lpBuffer == NULL)
        return n + 1;
    for (i = 0; i <= n; i++)
        lpBuffer[i] = (CHAR)current_directory[i];
    return n;
}

/* ---- Opening ------------------------------------------------------------- */

/* The file attributes in dwFlagsAndAttributes (the FILE_FLAG_* bits are
 * above). */
#define FILE_ATTRIBUTE_BITS 0x0000FFFFu

/* The native disposition for CreateFile's; FALSE if it has none. */
static BOOL nt_disposition(DWORD disposition, ULONG *native)
{
    static const ULONG map[] = {
        [CREATE_NEW] = FILE_CREATE,
        [CREATE_ALWAYS] = FILE_OVERWRITE_IF,
        [OPEN_EXISTING] = FILE_OPEN,
        [OPEN_ALWAYS] = FILE_OPEN_IF,
        [TRUNCATE_EXISTING] = FILE_OVERWRITE,
    };

    if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING)
        return FALSE;
    *native = map[disposition];
    return TRUE;
}

/* Records a failed open: as on Windows, a file that CREATE_NEW finds is
 * ERROR_FILE_EXISTS. */
static HANDLE open_failed(NTSTATUS status, ULONG disposition)
{
    win32_set_nt_error(status);
    if (status == STATUS_OBJECT_NAME_COLLISION && disposition == FILE_CREATE)
        SetLastError(ERROR_FILE_EXISTS);
    return INVALID_HANDLE_VALUE;
}

/* The last error a successful open leaves: ERROR_ALREADY_EXISTS when
 * OPEN_ALWAYS or CREATE_ALWAYS found the file, else 0. */
static DWORD opened_error(ULONG disposition, ULONG_PTR information)
{
    if ((disposition == FILE_OPEN_IF && information == FILE_OPENED) ||
        (disposition == FILE_OVERWRITE_IF && information == FILE_OVERWRITTEN))
        return ERROR_ALREADY_EXISTS;
    return ERROR_SUCCESS;
}

/* The native create options for CreateFile's flags: synchronous I/O
 * unless FILE_FLAG_OVERLAPPED; a device, never a directory. */
static ULONG create_options(DWORD flags)
{
    if (flags & FILE_FLAG_OVERLAPPED)
        return FILE_NON_DIRECTORY_FILE;
    return FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT;
}

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                          DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    BOOL inherit =
        lpSecurityAttributes != NULL && lpSecurityAttributes->bInheritHandle;
    ULONG disposition = FILE_OPEN;
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE handle;
    NTSTATUS status;

    (void)hTemplateFile;
    if (!nt_disposition(dwCreationDisposition, &disposition))
        return open_failed(STATUS_INVALID_PARAMETER, disposition);
    status = nt_name(lpFileName, &name);
    if (!NT_SUCCESS(status))
        return open_failed(status, disposition);
    InitializeObjectAttributes(
        &attributes, &name, OBJ_CASE_INSENSITIVE | (inherit ? OBJ_INHERIT : 0),
        NULL, NULL);
    status = NtCreateFile(
        &handle, dwDesiredAccess | SYNCHRONIZE | FILE_READ_ATTRIBUTES,
        &attributes, &iosb, NULL, dwFlagsAndAttributes & FILE_ATTRIBUTE_BITS,
        dwShareMode, disposition, create_options(dwFlagsAndAttributes), NULL,
        0);
    RtlFreeHeap(RtlProcessHeap(), 0, name.Buffer);
    if (!NT_SUCCESS(status))
        return open_failed(status, disposition);
    SetLastError(opened_error(disposition, iosb.Information));
    return handle;
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
                          DWORD dwShareMode,
                          LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                          DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    WCHAR buffer[MAX_PATH + 1];
    LPCWSTR wide;

    if (!win32_unicode_name(lpFileName, buffer, &wide))
        return INVALID_HANDLE_VALUE;
    return CreateFileW(wide, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                       dwCreationDisposition, dwFlagsAndAttributes,
                       hTemplateFile);
}

/* ---- Requests ------------------------------------------------------------ */

/* The event an overlapped request sets: hEvent without its low bit, which
 * Windows programs set to keep a completion port out (ntlab has none). */
static HANDLE event_of(LPOVERLAPPED overlapped)
{
    return (HANDLE)((ULONG_PTR)overlapped->hEvent & ~(ULONG_PTR)1);
}

/* The status the kernel wrote into an OVERLAPPED (or STATUS_PENDING). */
static NTSTATUS status_of(LPOVERLAPPED overlapped)
{
    return ((volatile IO_STATUS_BLOCK *)overlapped)->Status;
}

/* The final status of a request made without an OVERLAPPED: one still
 * pending (the handle is overlapped) is waited for on the file. */
static NTSTATUS wait_synchronous(HANDLE file, NTSTATUS status,
                                 const IO_STATUS_BLOCK *iosb)
{
    if (status == STATUS_PENDING) {
        status = NtWaitForSingleObject(file, FALSE, NULL);
        if (NT_SUCCESS(status))
            status = iosb->Status;
    }
    return status;
}

/*
 * The result of a request: TRUE if it succeeded; FALSE, with the last
 * error set, if it failed or is still under way (ERROR_IO_PENDING). The
 * bytes transferred (information) go to *done (may be NULL) when it ended
 * in a success or a warning.
 */
static BOOL report(NTSTATUS status, ULONG_PTR information, LPDWORD done)
{
    if (status == STATUS_PENDING) {
        win32_set_nt_error(status);
        return FALSE;
    }
    if (!NT_ERROR(status) && done != NULL)
        *done = (DWORD)information;
    return win32_check(status);
}

/* ReadFile and WriteFile. At the end of the file a synchronous read
 * succeeds with no bytes. */
static BOOL transfer(BOOL write, HANDLE file, PVOID buffer, DWORD length,
                     LPDWORD done, LPOVERLAPPED overlapped)
{
    IO_STATUS_BLOCK iosb = {.Status = STATUS_PENDING};
    PIO_STATUS_BLOCK use = &iosb;
    LARGE_INTEGER offset, *at = NULL;
    HANDLE event = NULL;
    NTSTATUS status;

    if (done != NULL)
        *done = 0;
    if (overlapped != NULL) {
        offset.LowPart = overlapped->Offset;
        offset.HighPart = (LONG)overlapped->OffsetHigh;
        at = &offset;
        event = event_of(overlapped);
        overlapped->Internal = STATUS_PENDING;
        use = (PIO_STATUS_BLOCK)overlapped;
    }
    status = write ? NtWriteFile(file, event, NULL, NULL, use, buffer, length,
                                 at, NULL)
                   : NtReadFile(file, event, NULL, NULL, use, buffer, length,
                                at, NULL);
    if (overlapped != NULL)
        return report(status, overlapped->InternalHigh, done);
    status = wait_synchronous(file, status, &iosb);
    if (!write && status == STATUS_END_OF_FILE)
        return TRUE;
    return report(status, iosb.Information, done);
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped)
{
    return transfer(FALSE, hFile, lpBuffer, nNumberOfBytesToRead,
                    lpNumberOfBytesRead, lpOverlapped);
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                      DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped)
{
    return transfer(TRUE, hFile, (PVOID)lpBuffer, nNumberOfBytesToWrite,
                    lpNumberOfBytesWritten, lpOverlapped);
}

BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode,
                            LPVOID lpInBuffer, DWORD nInBufferSize,
                            LPVOID lpOutBuffer, DWORD nOutBufferSize,
                            LPDWORD lpBytesReturned, LPOVERLAPPED lpOverlapped)
{
    IO_STATUS_BLOCK iosb = {.Status = STATUS_PENDING};
    NTSTATUS status;

    if (lpOverlapped != NULL) {
        lpOverlapped->Internal = STATUS_PENDING;
        status = NtDeviceIoControlFile(
            hDevice, event_of(lpOverlapped), NULL, NULL,
            (PIO_STATUS_BLOCK)lpOverlapped, dwIoControlCode, lpInBuffer,
            nInBufferSize, lpOutBuffer, nOutBufferSize);
        return report(status, lpOverlapped->InternalHigh, lpBytesReturned);
    }
    status = NtDeviceIoControlFile(hDevice, NULL, NULL, NULL, &iosb,
                                   dwIoControlCode, lpInBuffer, nInBufferSize,
                                   lpOutBuffer, nOutBufferSize);
    status = wait_synchronous(hDevice, status, &iosb);
    return report(status, iosb.Information, lpBytesReturned);
}

BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                LPDWORD lpNumberOfBytesTransferred, BOOL bWait)
{
    HANDLE event = event_of(lpOverlapped);

    if (status_of(lpOverlapped) == STATUS_PENDING) {
        if (!bWait) {
            win32_set_nt_error(STATUS_PENDING);
            SetLastError(ERROR_IO_INCOMPLETE);
            return FALSE;
        }
        if (!win32_check(NtWaitForSingleObject(event != NULL ? event : hFile,
                                               FALSE, NULL)))
            return FALSE;
    }
    *lpNumberOfBytesTransferred = (DWORD)lpOverlapped->InternalHigh;
    return win32_check(status_of(lpOverlapped));
}

BOOL WINAPI CancelIo(HANDLE hFile)
{
    IO_STATUS_BLOCK iosb;

    return win32_check(NtCancelIoFile(hFile, &iosb));
}

/* ---- Completion routines (ReadFileEx, WriteFileEx) ----------------------- */

/* The user APC of a ReadFileEx or WriteFileEx: the caller's routine with
 * the request's Win32 error, bytes and OVERLAPPED. */
static VOID NTAPI call_completion(PVOID ApcContext,
                                  PIO_STATUS_BLOCK IoStatusBlock,
                                  ULONG Reserved)
{
    LPOVERLAPPED_COMPLETION_ROUTINE routine =
        (LPOVERLAPPED_COMPLETION_ROUTINE)ApcContext;
    DWORD error = NT_ERROR(IoStatusBlock->Status)
                      ? RtlNtStatusToDosError(IoStatusBlock->Status)
                      : 0;

    (void)Reserved;
    routine(error, (DWORD)IoStatusBlock->Information,
            (LPOVERLAPPED)IoStatusBlock);
}

/* A request whose end is a user APC in this thread, run when it next
 * waits alertably; FALSE when it could not be made. */
static BOOL transfer_ex(BOOL write, HANDLE file, PVOID buffer, DWORD length,
                        LPOVERLAPPED overlapped,
                        LPOVERLAPPED_COMPLETION_ROUTINE routine)
{
    LARGE_INTEGER offset;
    PIO_STATUS_BLOCK iosb = (PIO_STATUS_BLOCK)overlapped;
    NTSTATUS status;

    if (overlapped == NULL || routine == NULL)
        return win32_check(STATUS_INVALID_PARAMETER);
    offset.LowPart = overlapped->Offset;
    offset.HighPart = (LONG)overlapped->OffsetHigh;
    overlapped->Internal = STATUS_PENDING;
    status = write ? NtWriteFile(file, NULL, call_completion, (PVOID)routine,
                                 iosb, buffer, length, &offset, NULL)
                   : NtReadFile(file, NULL, call_completion, (PVOID)routine,
                                iosb, buffer, length, &offset, NULL);
    return NT_ERROR(status) ? win32_check(status) : TRUE;
}

BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer,
                       DWORD nNumberOfBytesToRead, LPOVERLAPPED lpOverlapped,
                       LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
{
    return transfer_ex(FALSE, hFile, lpBuffer, nNumberOfBytesToRead,
                       lpOverlapped, lpCompletionRoutine);
}

BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer,
                        DWORD nNumberOfBytesToWrite, LPOVERLAPPED lpOverlapped,
                        LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine)
{
    return transfer_ex(TRUE, hFile, (PVOID)lpBuffer, nNumberOfBytesToWrite,
                       lpOverlapped, lpCompletionRoutine);
}
