/*
 * ntlab's Win32 subset: what a user program includes to call the Win32
 * API ntlab provides (user/win32, over the native services of <ntdll.h>).
 * Names, signatures, constants, return values and GetLastError codes are
 * Microsoft's; where ntlab cannot do what Windows does, the comment says
 * so and the function fails with ERROR_INVALID_PARAMETER.
 *
 * A failing function stores the Win32 error (RtlNtStatusToDosError of the
 * native status) in the TEB, where GetLastError finds it, and the status
 * itself in NtCurrentTeb()->NtlabLastStatus. A function that succeeds
 * leaves the last error alone, except where Windows documents otherwise
 * (Create* of named objects sets it to 0 or ERROR_ALREADY_EXISTS).
 *
 * Named objects (events, mutexes, semaphores) live in \BaseNamedObjects,
 * one namespace for the whole system, as in a single session: the
 * "Global\" and "Local\" prefixes name that same namespace. Names compare
 * with case, as the documentation says.
 */
#ifndef NTLAB_WINDOWS_H
#define NTLAB_WINDOWS_H

#include <ntdll.h>
#include <string.h>
#include <ctype.h> /* as winnt.h includes it */

/* ---- Types --------------------------------------------------------------- */

#define WINAPI   NTAPI
#define CALLBACK NTAPI
#define APIENTRY NTAPI
#define WINBASEAPI
#define CONST const

typedef int BOOL, *PBOOL, *LPBOOL;
typedef BYTE *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD, *LPDWORD;
typedef LONG *LPLONG;
typedef ULONG_PTR DWORD_PTR, *PDWORD_PTR;
typedef PVOID LPVOID;
typedef const void *LPCVOID;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef HANDLE *LPHANDLE;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor; /* ignored: ntlab has no security */
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* 100 ns intervals since 1601-01-01 (UTC). */
typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef DWORD(WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;
typedef VOID(NTAPI *PAPCFUNC)(ULONG_PTR Parameter);

typedef MEMORY_BASIC_INFORMATION *LPMEMORY_BASIC_INFORMATION;

/* An overlapped request: Internal receives its status and InternalHigh
 * the bytes transferred (the kernel writes an IO_STATUS_BLOCK there);
 * Offset and OffsetHigh give a read's or write's byte offset; hEvent
 * (may be NULL) is set when it ends. */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* ---- Constants ----------------------------------------------------------- */

#define MAX_PATH             260
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)
#define INFINITE             0xFFFFFFFFu

#define WAIT_OBJECT_0      ((DWORD)STATUS_WAIT_0)
#define WAIT_ABANDONED     ((DWORD)STATUS_ABANDONED_WAIT_0)
#define WAIT_ABANDONED_0   ((DWORD)STATUS_ABANDONED_WAIT_0)
#define WAIT_IO_COMPLETION ((DWORD)STATUS_USER_APC)
#define WAIT_TIMEOUT       258u /* also an error code, with this name */
#define WAIT_FAILED        ((DWORD)0xFFFFFFFF)

#define STILL_ACTIVE ((DWORD)STATUS_PENDING)

/* CreateThread's dwCreationFlags. */
#define CREATE_SUSPENDED                  0x00000004u
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000u

/* CreateFile's dwCreationDisposition. */
#define CREATE_NEW        1u
#define CREATE_ALWAYS     2u
#define OPEN_EXISTING     3u
#define OPEN_ALWAYS       4u
#define TRUNCATE_EXISTING 5u

/* CreateFile's dwFlagsAndAttributes (GENERIC_* and FILE_SHARE_* are the
 * native names). */
#define FILE_ATTRIBUTE_NORMAL 0x00000080u
#define FILE_FLAG_OVERLAPPED  0x40000000u

/* Access to mutexes (events and semaphores use the native names). */
#define MUTEX_MODIFY_STATE MUTANT_QUERY_STATE
#define MUTEX_ALL_ACCESS   MUTANT_ALL_ACCESS

/* The Win32 error codes ntlab's functions report (winerror.h). */
#define ERROR_SUCCESS              0u
#define NO_ERROR                   0u
#define ERROR_INVALID_FUNCTION     1u
#define ERROR_FILE_NOT_FOUND       2u
#define ERROR_PATH_NOT_FOUND       3u
#define ERROR_ACCESS_DENIED        5u
#define ERROR_INVALID_HANDLE       6u
#define ERROR_NOT_ENOUGH_MEMORY    8u
#define ERROR_NOT_READY            21u
#define ERROR_BAD_COMMAND          22u
#define ERROR_BAD_LENGTH           24u
#define ERROR_GEN_FAILURE          31u
#define ERROR_HANDLE_EOF           38u
#define ERROR_NOT_SUPPORTED        50u
#define ERROR_FILE_EXISTS          80u
#define ERROR_INVALID_PARAMETER    87u
#define ERROR_SEM_TIMEOUT          121u
#define ERROR_INSUFFICIENT_BUFFER  122u
#define ERROR_INVALID_NAME         123u
#define ERROR_BAD_PATHNAME         161u
#define ERROR_BUSY                 170u
#define ERROR_ALREADY_EXISTS       183u
#define ERROR_FILENAME_EXCED_RANGE 206u
#define ERROR_MORE_DATA            234u
#define ERROR_NOT_OWNER            288u
#define ERROR_TOO_MANY_POSTS       298u
#define ERROR_MR_MID_NOT_FOUND     317u
#define ERROR_INVALID_ADDRESS      487u
#define ERROR_OPERATION_ABORTED    995u
#define ERROR_IO_INCOMPLETE        996u
#define ERROR_IO_PENDING           997u
#define ERROR_NOACCESS             998u
#define ERROR_NO_SYSTEM_RESOURCES  1450u
#define ERROR_INVALID_USER_BUFFER  1784u
#define ERROR_INVALID_SERVICE_CONTROL   1052u
#define ERROR_SERVICE_ALREADY_RUNNING   1056u
#define ERROR_SERVICE_DOES_NOT_EXIST    1060u
#define ERROR_SERVICE_NOT_ACTIVE        1062u
#define ERROR_DATABASE_DOES_NOT_EXIST   1065u
#define ERROR_SERVICE_MARKED_FOR_DELETE 1072u
#define ERROR_SERVICE_EXISTS            1073u
#define ERROR_INVALID_SERVICE_NAME      1213u
#define ERROR_PRIVILEGE_NOT_HELD        1314u

/* ---- Errors -------------------------------------------------------------- */

WINBASEAPI DWORD WINAPI GetLastError(VOID);
WINBASEAPI VOID WINAPI SetLastError(DWORD dwErrCode);

/* ---- Handles ------------------------------------------------------------- */

WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);
WINBASEAPI BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle,
                                       HANDLE hSourceHandle,
                                       HANDLE hTargetProcessHandle,
                                       LPHANDLE lpTargetHandle,
                                       DWORD dwDesiredAccess,
                                       BOOL bInheritHandle, DWORD dwOptions);

/* ---- Files and devices --------------------------------------------------- */

/*
 * lpFileName names a device, as \\.\Name or \\?\Name (\??\Name in the
 * object namespace), or a file of the read-only drive C: (the host
 * directory ntlab was started in): C:\dir\file, or a path made full from
 * the current directory C:\ as GetFullPathName makes it (\file, file,
 * .\file, ..\file: ".." stops at the root). Asking to write, create or
 * overwrite a file of C: fails with ERROR_ACCESS_DENIED, and so does a
 * directory. A UNC path fails with ERROR_PATH_NOT_FOUND. Of
 * dwFlagsAndAttributes only FILE_FLAG_OVERLAPPED counts (without it the
 * handle does synchronous I/O); hTemplateFile is ignored. On failure the
 * result is INVALID_HANDLE_VALUE.
 */
WINBASEAPI HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile);
/* The current directory is C:\ (ntlab's view of the host directory it was
 * started in); relative paths are taken from it. */
WINBASEAPI DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength,
                                             LPSTR lpBuffer);
WINBASEAPI DWORD WINAPI GetCurrentDirectoryW(DWORD nBufferLength,
                                             LPWSTR lpBuffer);
WINBASEAPI HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes,
                                     HANDLE hTemplateFile);

/*
 * Without lpOverlapped these return when the request has ended. With it
 * (required on a FILE_FLAG_OVERLAPPED handle), a request still under way
 * returns FALSE with ERROR_IO_PENDING, and GetOverlappedResult tells its
 * end. A status that is only a warning (ERROR_MORE_DATA) fails the call
 * but still reports the bytes transferred.
 */
WINBASEAPI BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
                                DWORD nNumberOfBytesToRead,
                                LPDWORD lpNumberOfBytesRead,
                                LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
                                 DWORD nNumberOfBytesToWrite,
                                 LPDWORD lpNumberOfBytesWritten,
                                 LPOVERLAPPED lpOverlapped);
/* A read or write whose end calls lpCompletionRoutine (with the Win32
 * error, the bytes and lpOverlapped) as a user APC, in this thread, when
 * it next waits alertably (SleepEx, WaitForSingleObjectEx ... with
 * bAlertable TRUE). hEvent is not used. */
typedef VOID(WINAPI *LPOVERLAPPED_COMPLETION_ROUTINE)(
    DWORD dwErrorCode, DWORD dwNumberOfBytesTransfered,
    LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI ReadFileEx(
    HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
    LPOVERLAPPED lpOverlapped,
    LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINBASEAPI BOOL WINAPI WriteFileEx(
    HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
    LPOVERLAPPED lpOverlapped,
    LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINBASEAPI BOOL WINAPI DeviceIoControl(HANDLE hDevice, DWORD dwIoControlCode,
                                       LPVOID lpInBuffer, DWORD nInBufferSize,
                                       LPVOID lpOutBuffer, DWORD nOutBufferSize,
                                       LPDWORD lpBytesReturned,
                                       LPOVERLAPPED lpOverlapped);
/* With bWait FALSE, a request still under way fails with
 * ERROR_IO_INCOMPLETE; with TRUE, waits for hEvent, or for hFile when
 * hEvent is NULL. */
WINBASEAPI BOOL WINAPI GetOverlappedResult(HANDLE hFile,
                                           LPOVERLAPPED lpOverlapped,
                                           LPDWORD lpNumberOfBytesTransferred,
                                           BOOL bWait);
/* Cancels the calling thread's requests on hFile and waits until they
 * have ended (each with ERROR_OPERATION_ABORTED, or its own result). */
WINBASEAPI BOOL WINAPI CancelIo(HANDLE hFile);

/* ---- Events, mutexes, semaphores ----------------------------------------- */

/* An existing named object is opened (its state untouched) and
 * GetLastError says ERROR_ALREADY_EXISTS; a new one sets it to 0. A name
 * that another kind of object has fails with ERROR_INVALID_HANDLE. */
WINBASEAPI HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState,
                                      LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                    LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                    LPCSTR lpName);
WINBASEAPI BOOL WINAPI SetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI ResetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI PulseEvent(HANDLE hEvent);

WINBASEAPI HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                    LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                    LPCSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseMutex(HANDLE hMutex);

WINBASEAPI HANDLE WINAPI
CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                 LONG lInitialCount, LONG lMaximumCount, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI
CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                 LONG lInitialCount, LONG lMaximumCount, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess,
                                        BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                        LPLONG lpPreviousCount);

/* ---- Waiting and sleeping ------------------------------------------------ */

/* Timeouts are in milliseconds (INFINITE: none). The result is
 * WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i, WAIT_TIMEOUT,
 * WAIT_IO_COMPLETION (an alertable wait ended to run user APCs) or
 * WAIT_FAILED (see GetLastError). */
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE hHandle,
                                            DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle,
                                              DWORD dwMilliseconds,
                                              BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForMultipleObjects(DWORD nCount,
                                               CONST HANDLE *lpHandles,
                                               BOOL bWaitAll,
                                               DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount,
                                                 CONST HANDLE *lpHandles,
                                                 BOOL bWaitAll,
                                                 DWORD dwMilliseconds,
                                                 BOOL bAlertable);
WINBASEAPI VOID WINAPI Sleep(DWORD dwMilliseconds);
/* 0, or WAIT_IO_COMPLETION when an alertable sleep ended for user APCs. */
WINBASEAPI DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/* ---- Threads ------------------------------------------------------------- */

/* dwCreationFlags may hold STACK_SIZE_PARAM_IS_A_RESERVATION; anything
 * else (CREATE_SUSPENDED included: ntlab cannot create a thread suspended)
 * fails with ERROR_INVALID_PARAMETER. When lpThreadId is given, the call
 * returns once the new thread has started and reported its ID. */
WINBASEAPI HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                      SIZE_T dwStackSize,
                                      LPTHREAD_START_ROUTINE lpStartAddress,
                                      LPVOID lpParameter, DWORD dwCreationFlags,
                                      LPDWORD lpThreadId);
WINBASEAPI DECLSPEC_NORETURN VOID WINAPI ExitThread(DWORD dwExitCode);
WINBASEAPI HANDLE WINAPI GetCurrentThread(VOID);
WINBASEAPI DWORD WINAPI GetCurrentThreadId(VOID);
/* STILL_ACTIVE while the thread runs. */
WINBASEAPI BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
/* Nonzero on success. The routine runs in the thread's next alertable
 * wait or sleep. */
WINBASEAPI DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread,
                                     ULONG_PTR dwData);

/* ---- Processes ----------------------------------------------------------- */

WINBASEAPI DECLSPEC_NORETURN VOID WINAPI ExitProcess(UINT uExitCode);
WINBASEAPI BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode);
/* STILL_ACTIVE while the process runs. */
WINBASEAPI BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);
WINBASEAPI HANDLE WINAPI GetCurrentProcess(VOID);
WINBASEAPI DWORD WINAPI GetCurrentProcessId(VOID);
WINBASEAPI HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                     DWORD dwProcessId);

typedef struct _STARTUPINFOW {
    DWORD cb;
    LPWSTR lpReserved, lpDesktop, lpTitle;
    DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars;
    DWORD dwFillAttribute, dwFlags;
    WORD wShowWindow, cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput, hStdOutput, hStdError;
} STARTUPINFOW, *LPSTARTUPINFOW;

typedef struct _STARTUPINFOA {
    DWORD cb;
    LPSTR lpReserved, lpDesktop, lpTitle;
    DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars;
    DWORD dwFillAttribute, dwFlags;
    WORD wShowWindow, cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput, hStdOutput, hStdError;
} STARTUPINFOA, *LPSTARTUPINFOA;

typedef struct _PROCESS_INFORMATION {
    HANDLE hProcess;
    HANDLE hThread;
    DWORD dwProcessId;
    DWORD dwThreadId;
} PROCESS_INFORMATION, *LPPROCESS_INFORMATION;

#define DEBUG_PROCESS              0x00000001u
#define DETACHED_PROCESS           0x00000008u
#define CREATE_NEW_CONSOLE         0x00000010u
#define NORMAL_PRIORITY_CLASS      0x00000020u
#define CREATE_NEW_PROCESS_GROUP   0x00000200u
#define CREATE_UNICODE_ENVIRONMENT 0x00000400u
#define CREATE_NO_WINDOW           0x08000000u

/*
 * Starts a program built for ntlab (a boot module, found by its file
 * name: a path's directories are ignored) in a new process. The program
 * is lpApplicationName, or else the first word of lpCommandLine (quoted
 * or up to a blank), and its command line is lpCommandLine, or else
 * lpApplicationName. The process runs at once: CREATE_SUSPENDED and
 * DEBUG_PROCESS fail with ERROR_INVALID_PARAMETER, as does any flag but
 * the console, window, process-group and environment ones, which mean
 * nothing here; so do an lpEnvironment or an lpCurrentDirectory, which
 * ntlab cannot give a process (ERROR_NOT_SUPPORTED). lpStartupInfo is not
 * read. A program that does not exist is ERROR_FILE_NOT_FOUND.
 */
WINBASEAPI BOOL WINAPI CreateProcessW(
    LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
    DWORD dwCreationFlags, LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory,
    LPSTARTUPINFOW lpStartupInfo, LPPROCESS_INFORMATION lpProcessInformation);
WINBASEAPI BOOL WINAPI CreateProcessA(
    LPCSTR lpApplicationName, LPSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, BOOL bInheritHandles,
    DWORD dwCreationFlags, LPVOID lpEnvironment, LPCSTR lpCurrentDirectory,
    LPSTARTUPINFOA lpStartupInfo, LPPROCESS_INFORMATION lpProcessInformation);

/* ---- Virtual memory ------------------------------------------------------ */

WINBASEAPI LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize,
                                      DWORD flAllocationType, DWORD flProtect);
/* With MEM_RELEASE, dwSize must be 0. */
WINBASEAPI BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize,
                                   DWORD dwFreeType);
WINBASEAPI BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize,
                                      DWORD flNewProtect,
                                      PDWORD lpflOldProtect);
/* The number of bytes stored in lpBuffer, 0 on failure. */
WINBASEAPI SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress,
                                      PMEMORY_BASIC_INFORMATION lpBuffer,
                                      SIZE_T dwLength);

typedef ULONGLONG DWORDLONG;

/* GlobalMemoryStatusEx: dwLength must be sizeof(MEMORYSTATUSEX). The page
 * file figures are the commit limit and what of it is not yet charged, as
 * on NT; the virtual ones are the calling process's user address space. */
typedef struct _MEMORYSTATUSEX {
    DWORD dwLength;
    DWORD dwMemoryLoad; /* percent of physical memory in use */
    DWORDLONG ullTotalPhys;
    DWORDLONG ullAvailPhys;
    DWORDLONG ullTotalPageFile;
    DWORDLONG ullAvailPageFile;
    DWORDLONG ullTotalVirtual;
    DWORDLONG ullAvailVirtual;
    DWORDLONG ullAvailExtendedVirtual; /* always 0 */
} MEMORYSTATUSEX, *LPMEMORYSTATUSEX;
WINBASEAPI BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer);

/* ---- Time ---------------------------------------------------------------- */

/* Milliseconds since boot, at the clock tick's resolution; GetTickCount
 * wraps after 49.7 days. */
WINBASEAPI DWORD WINAPI GetTickCount(VOID);
WINBASEAPI ULONGLONG WINAPI GetTickCount64(VOID);
/* The performance counter is the interrupt time (100 ns units since boot,
 * frequency 10 MHz): it follows ntlab's virtual clock (deterministic,
 * advancing at its clock ticks) unless ntlab runs with --realtime. */
WINBASEAPI BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
WINBASEAPI BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);
WINBASEAPI VOID WINAPI
GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);

/* ---- Source forms of Windows programs ------------------------------------ */

#ifndef __cdecl
#define __cdecl
#endif
#define __stdcall NTAPI
typedef float FLOAT, *PFLOAT;
typedef LONG HRESULT;

#define ZeroMemory(d, n)       RtlZeroMemory(d, n)
#define SecureZeroMemory(d, n) RtlSecureZeroMemory(d, n)
#define CopyMemory(d, s, n)    RtlCopyMemory(d, s, n)
#define MoveMemory(d, s, n)    RtlMoveMemory(d, s, n)
#define FillMemory(d, n, c)    RtlFillMemory(d, n, c)

/* Zeroes the n bytes at d in a way the compiler may not drop. */
static inline PVOID RtlSecureZeroMemory(PVOID d, SIZE_T n)
{
    volatile char *p = (volatile char *)d;

    while (n-- > 0)
        *p++ = 0;
    return d;
}

/* ---- The service control manager (advapi32) ---------------------------------
 * Services are kernel drivers: a service is a key under
 * \Registry\Machine\System\CurrentControlSet\Services (Type, Start,
 * ErrorControl, ImagePath, DisplayName, and DeleteFlag once DeleteService
 * marked it), started with NtLoadDriver and stopped with NtUnloadDriver,
 * so StartService and ControlService need SeLoadDriverPrivilege (ntlab
 * --privilege load-driver; without it they fail with
 * ERROR_PRIVILEGE_NOT_HELD). CreateService stores a DOS path
 * (C:\x.sys, or relative to the current directory) as its NT name
 * (\??\C:\x.sys). A service is running while its driver is loaded.
 * Win32 services (own or shared processes) are not there:
 * CreateService refuses their types with ERROR_NOT_SUPPORTED.
 */
typedef struct ntlab_sc_handle *SC_HANDLE, **LPSC_HANDLE;

#define SC_MANAGER_CONNECT            0x0001
#define SC_MANAGER_CREATE_SERVICE     0x0002
#define SC_MANAGER_ENUMERATE_SERVICE  0x0004
#define SC_MANAGER_LOCK               0x0008
#define SC_MANAGER_QUERY_LOCK_STATUS  0x0010
#define SC_MANAGER_MODIFY_BOOT_CONFIG 0x0020
#define SC_MANAGER_ALL_ACCESS         0x000F003F
#define SERVICE_QUERY_CONFIG          0x0001
#define SERVICE_CHANGE_CONFIG         0x0002
#define SERVICE_QUERY_STATUS          0x0004
#define SERVICE_ENUMERATE_DEPENDENTS  0x0008
#define SERVICE_START                 0x0010
#define SERVICE_STOP                  0x0020
#define SERVICE_PAUSE_CONTINUE        0x0040
#define SERVICE_INTERROGATE           0x0080
#define SERVICE_USER_DEFINED_CONTROL  0x0100
#define SERVICE_ALL_ACCESS            0x000F01FF

#define SERVICE_KERNEL_DRIVER       0x00000001
#define SERVICE_FILE_SYSTEM_DRIVER  0x00000002
#define SERVICE_DRIVER              0x0000000B
#define SERVICE_WIN32_OWN_PROCESS   0x00000010
#define SERVICE_WIN32_SHARE_PROCESS 0x00000020
#define SERVICE_BOOT_START          0x00000000
#define SERVICE_SYSTEM_START        0x00000001
#define SERVICE_AUTO_START          0x00000002
#define SERVICE_DEMAND_START        0x00000003
#define SERVICE_DISABLED            0x00000004
#define SERVICE_ERROR_IGNORE        0x00000000
#define SERVICE_ERROR_NORMAL        0x00000001
#define SERVICE_ERROR_SEVERE        0x00000002
#define SERVICE_ERROR_CRITICAL      0x00000003
#define SERVICE_NO_CHANGE           0xFFFFFFFF

#define SERVICE_CONTROL_STOP        0x00000001
#define SERVICE_CONTROL_INTERROGATE 0x00000004
#define SERVICE_STOPPED             0x00000001
#define SERVICE_START_PENDING       0x00000002
#define SERVICE_STOP_PENDING        0x00000003
#define SERVICE_RUNNING             0x00000004
#define SERVICE_ACCEPT_STOP         0x00000001

#define SERVICES_ACTIVE_DATABASEW L"ServicesActive"
#define SERVICES_ACTIVE_DATABASEA "ServicesActive"

typedef struct _SERVICE_STATUS {
    DWORD dwServiceType;
    DWORD dwCurrentState;
    DWORD dwControlsAccepted;
    DWORD dwWin32ExitCode;
    DWORD dwServiceSpecificExitCode;
    DWORD dwCheckPoint;
    DWORD dwWaitHint;
} SERVICE_STATUS, *LPSERVICE_STATUS;

WINBASEAPI SC_HANDLE WINAPI OpenSCManagerA(LPCSTR lpMachineName,
                                           LPCSTR lpDatabaseName,
                                           DWORD dwDesiredAccess);
WINBASEAPI SC_HANDLE WINAPI OpenSCManagerW(LPCWSTR lpMachineName,
                                           LPCWSTR lpDatabaseName,
                                           DWORD dwDesiredAccess);
WINBASEAPI SC_HANDLE WINAPI CreateServiceA(
    SC_HANDLE hSCManager, LPCSTR lpServiceName, LPCSTR lpDisplayName,
    DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
    DWORD dwErrorControl, LPCSTR lpBinaryPathName, LPCSTR lpLoadOrderGroup,
    LPDWORD lpdwTagId, LPCSTR lpDependencies, LPCSTR lpServiceStartName,
    LPCSTR lpPassword);
WINBASEAPI SC_HANDLE WINAPI CreateServiceW(
    SC_HANDLE hSCManager, LPCWSTR lpServiceName, LPCWSTR lpDisplayName,
    DWORD dwDesiredAccess, DWORD dwServiceType, DWORD dwStartType,
    DWORD dwErrorControl, LPCWSTR lpBinaryPathName, LPCWSTR lpLoadOrderGroup,
    LPDWORD lpdwTagId, LPCWSTR lpDependencies, LPCWSTR lpServiceStartName,
    LPCWSTR lpPassword);
WINBASEAPI SC_HANDLE WINAPI OpenServiceA(SC_HANDLE hSCManager,
                                         LPCSTR lpServiceName,
                                         DWORD dwDesiredAccess);
WINBASEAPI SC_HANDLE WINAPI OpenServiceW(SC_HANDLE hSCManager,
                                         LPCWSTR lpServiceName,
                                         DWORD dwDesiredAccess);
WINBASEAPI BOOL WINAPI StartServiceA(SC_HANDLE hService,
                                     DWORD dwNumServiceArgs,
                                     LPCSTR *lpServiceArgVectors);
WINBASEAPI BOOL WINAPI StartServiceW(SC_HANDLE hService,
                                     DWORD dwNumServiceArgs,
                                     LPCWSTR *lpServiceArgVectors);
WINBASEAPI BOOL WINAPI ControlService(SC_HANDLE hService, DWORD dwControl,
                                      LPSERVICE_STATUS lpServiceStatus);
WINBASEAPI BOOL WINAPI QueryServiceStatus(SC_HANDLE hService,
                                          LPSERVICE_STATUS lpServiceStatus);
WINBASEAPI BOOL WINAPI DeleteService(SC_HANDLE hService);
WINBASEAPI BOOL WINAPI CloseServiceHandle(SC_HANDLE hSCObject);

/*
 * TCHAR and the unsuffixed names: with UNICODE defined (before windows.h)
 * TCHAR is WCHAR and CreateFile is CreateFileW; without it, CHAR and the A
 * forms, as in a Windows build without the Unicode character set.
 */
#ifdef UNICODE
typedef WCHAR TCHAR;
#define __TEXT(s) L##s
#define CreateFile      CreateFileW
#define CreateEvent     CreateEventW
#define OpenEvent       OpenEventW
#define CreateMutex     CreateMutexW
#define OpenMutex       OpenMutexW
#define CreateSemaphore CreateSemaphoreW
#define OpenSemaphore   OpenSemaphoreW
#define CreateProcess   CreateProcessW
#define GetCurrentDirectory GetCurrentDirectoryW
#define OpenSCManager   OpenSCManagerW
#define CreateService   CreateServiceW
#define OpenService     OpenServiceW
#define StartService    StartServiceW
#else
typedef CHAR TCHAR;
#define __TEXT(s) s
#define CreateFile      CreateFileA
#define CreateEvent     CreateEventA
#define OpenEvent       OpenEventA
#define CreateMutex     CreateMutexA
#define OpenMutex       OpenMutexA
#define CreateSemaphore CreateSemaphoreA
#define OpenSemaphore   OpenSemaphoreA
#define CreateProcess   CreateProcessA
#define GetCurrentDirectory GetCurrentDirectoryA
#define OpenSCManager   OpenSCManagerA
#define CreateService   CreateServiceA
#define OpenService     OpenServiceA
#define StartService    StartServiceA
#endif
typedef TCHAR *PTCHAR, *LPTSTR, *PTSTR;
typedef const TCHAR *LPCTSTR, *PCTSTR;
#define TEXT(s) __TEXT(s)

#endif
