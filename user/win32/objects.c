/*
 * Events, mutexes and semaphores, named or not.
 *
 * Names are relative to \BaseNamedObjects: the process opens that
 * directory once, at its first named object, and keeps the handle (as
 * Windows keeps its session's BaseNamedObjects), so a name of any length
 * needs no copying. Every Create and Open goes through create_object or
 * open_object; the A forms convert the name to Unicode first, in a buffer
 * of MAX_PATH characters as Windows does. (The native services are called
 * by name, never through pointers: user programs are static images, and
 * in the sanitizer build they sit above 4 GB, where the linker cannot
 * turn the address of an external function into an immediate.)
 */
#include "win32.h"

static HANDLE volatile named_objects;

/* The handle to \BaseNamedObjects, opened at the first call. */
static NTSTATUS named_objects_directory(HANDLE *directory)
{
    static const WCHAR path[] = L"\\BaseNamedObjects";
    UNICODE_STRING name = {sizeof path - sizeof(WCHAR), sizeof path,
                           (PWSTR)path};
    OBJECT_ATTRIBUTES attributes;
    HANDLE handle, raced;
    NTSTATUS status;

    if (named_objects != NULL) {
        *directory = named_objects;
        return STATUS_SUCCESS;
    }
    InitializeObjectAttributes(&attributes, &name, 0, NULL, NULL);
    status = NtOpenDirectoryObject(
        &handle, DIRECTORY_TRAVERSE | DIRECTORY_CREATE_OBJECT, &attributes);
    if (!NT_SUCCESS(status))
        return status;
    raced = InterlockedCompareExchangePointer((PVOID volatile *)&named_objects,
                                              handle, NULL);
    if (raced != NULL) {
        NtClose(handle); /* another thread opened it first */
        handle = raced;
    }
    *directory = handle;
    return STATUS_SUCCESS;
}

/* Skips a "Global\" or "Local\" prefix: one session, one namespace. */
static LPCWSTR strip_prefix(LPCWSTR name)
{
    static const WCHAR *const prefixes[] = {L"Global\\", L"Local\\"};
    ULONG i, j;

    for (i = 0; i < ARRAYSIZE(prefixes); i++) {
        for (j = 0; prefixes[i][j] != 0 && name[j] == prefixes[i][j]; j++)
            ;
        if (prefixes[i][j] == 0)
            return name + j;
    }
    return name;
}

/*
 * Fills attributes for a Create or Open with name (may be NULL: an
 * unnamed object) and OBJ_INHERIT if inherit. *use is NULL when there is
 * nothing to say (no name, no inheritance), as Windows passes it.
 */
static NTSTATUS object_attributes(LPCWSTR name, BOOL inherit, ULONG flags,
                                  UNICODE_STRING *string,
                                  OBJECT_ATTRIBUTES *attributes,
                                  POBJECT_ATTRIBUTES *use)
{
    HANDLE root = NULL;
    NTSTATUS status;

    *use = NULL;
    if (name == NULL && !inherit)
        return STATUS_SUCCESS;
    if (name != NULL) {
        status = named_objects_directory(&root);
        if (!NT_SUCCESS(status))
            return status;
        RtlInitUnicodeString(string, strip_prefix(name));
    }
    InitializeObjectAttributes(
        attributes, name != NULL ? string : NULL,
        (inherit ? OBJ_INHERIT : 0) | (name != NULL ? flags : 0), root, NULL);
    *use = attributes;
    return STATUS_SUCCESS;
}

/* ---- Creating and opening, for every type -------------------------------- */

typedef enum object_kind { EVENT, MUTEX, SEMAPHORE } object_kind;

/*
 * Makes the native object of kind, with the kind's own arguments: for an
 * event, manual reset and initial state; for a mutex, initial owner; for a
 * semaphore, initial and maximum count.
 */
static NTSTATUS create_native(object_kind kind, PHANDLE handle,
                              POBJECT_ATTRIBUTES attributes, const LONG *args)
{
    switch (kind) {
    case EVENT:
        return NtCreateEvent(handle, EVENT_ALL_ACCESS, attributes,
                             args[0] ? NotificationEvent : SynchronizationEvent,
                             args[1] != 0);
    case MUTEX:
        return NtCreateMutant(handle, MUTANT_ALL_ACCESS, attributes,
                              args[0] != 0);
    default:
        return NtCreateSemaphore(handle, SEMAPHORE_ALL_ACCESS, attributes,
                                 args[0], args[1]);
    }
}

static NTSTATUS open_native(object_kind kind, PHANDLE handle,
                            ACCESS_MASK access, POBJECT_ATTRIBUTES attributes)
{
    switch (kind) {
    case EVENT:
        return NtOpenEvent(handle, access, attributes);
    case MUTEX:
        return NtOpenMutant(handle, access, attributes);
    default:
        return NtOpenSemaphore(handle, access, attributes);
    }
}

static HANDLE create_object(object_kind kind, LPSECURITY_ATTRIBUTES sa,
                            LPCWSTR name, const LONG *args)
{
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;
    POBJECT_ATTRIBUTES use;
    HANDLE handle;
    NTSTATUS status = object_attributes(name, sa != NULL && sa->bInheritHandle,
                                        OBJ_OPENIF, &string, &attributes, &use);

    if (NT_SUCCESS(status))
        status = create_native(kind, &handle, use, args);
    if (!win32_check(status))
        return NULL;
    SetLastError(status == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS
                                                     : ERROR_SUCCESS);
    return handle;
}

static HANDLE create_object_a(object_kind kind, LPSECURITY_ATTRIBUTES sa,
                              LPCSTR name, const LONG *args)
{
    WCHAR buffer[MAX_PATH + 1];
    LPCWSTR wide;

    if (!win32_unicode_name(name, buffer, &wide))
        return NULL;
    return create_object(kind, sa, wide, args);
}

static HANDLE open_object(object_kind kind, DWORD access, BOOL inherit,
                          LPCWSTR name)
{
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;
    POBJECT_ATTRIBUTES use;
    HANDLE handle;
    NTSTATUS status;

    if (name == NULL) {
        win32_set_nt_error(STATUS_INVALID_PARAMETER);
        return NULL;
    }
    status = object_attributes(name, inherit, 0, &string, &attributes, &use);
    if (NT_SUCCESS(status))
        status = open_native(kind, &handle, access, use);
    return win32_check(status) ? handle : NULL;
}

static HANDLE open_object_a(object_kind kind, DWORD access, BOOL inherit,
                            LPCSTR name)
{
    WCHAR buffer[MAX_PATH + 1];
    LPCWSTR wide;

    if (!win32_unicode_name(name, buffer, &wide))
        return NULL;
    return open_object(kind, access, inherit, wide);
}

/* ---- Events -------------------------------------------------------------- */

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                           BOOL bManualReset, BOOL bInitialState,
                           LPCWSTR lpName)
{
    const LONG args[2] = {bManualReset, bInitialState};

    return create_object(EVENT, lpEventAttributes, lpName, args);
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                           BOOL bManualReset, BOOL bInitialState, LPCSTR lpName)
{
    const LONG args[2] = {bManualReset, bInitialState};

    return create_object_a(EVENT, lpEventAttributes, lpName, args);
}

HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                         LPCWSTR lpName)
{
    return open_object(EVENT, dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                         LPCSTR lpName)
{
    return open_object_a(EVENT, dwDesiredAccess, bInheritHandle, lpName);
}

BOOL WINAPI SetEvent(HANDLE hEvent)
{
    return win32_check(NtSetEvent(hEvent, NULL));
}

BOOL WINAPI ResetEvent(HANDLE hEvent)
{
    return win32_check(NtResetEvent(hEvent, NULL));
}

BOOL WINAPI PulseEvent(HANDLE hEvent)
{
    return win32_check(NtPulseEvent(hEvent, NULL));
}

/* ---- Mutexes ------------------------------------------------------------- */

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                           BOOL bInitialOwner, LPCWSTR lpName)
{
    const LONG args[1] = {bInitialOwner};

    return create_object(MUTEX, lpMutexAttributes, lpName, args);
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                           BOOL bInitialOwner, LPCSTR lpName)
{
    const LONG args[1] = {bInitialOwner};

    return create_object_a(MUTEX, lpMutexAttributes, lpName, args);
}

HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                         LPCWSTR lpName)
{
    return open_object(MUTEX, dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                         LPCSTR lpName)
{
    return open_object_a(MUTEX, dwDesiredAccess, bInheritHandle, lpName);
}

BOOL WINAPI ReleaseMutex(HANDLE hMutex)
{
    return win32_check(NtReleaseMutant(hMutex, NULL));
}

/* ---- Semaphores ---------------------------------------------------------- */

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                               LONG lInitialCount, LONG lMaximumCount,
                               LPCWSTR lpName)
{
    const LONG args[2] = {lInitialCount, lMaximumCount};

    return create_object(SEMAPHORE, lpSemaphoreAttributes, lpName, args);
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                               LONG lInitialCount, LONG lMaximumCount,
                               LPCSTR lpName)
{
    const LONG args[2] = {lInitialCount, lMaximumCount};

    return create_object_a(SEMAPHORE, lpSemaphoreAttributes, lpName, args);
}

HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                             LPCWSTR lpName)
{
    return open_object(SEMAPHORE, dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                             LPCSTR lpName)
{
    return open_object_a(SEMAPHORE, dwDesiredAccess, bInheritHandle, lpName);
}

BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                             LPLONG lpPreviousCount)
{
    return win32_check(
        NtReleaseSemaphore(hSemaphore, lReleaseCount, lpPreviousCount));
}
