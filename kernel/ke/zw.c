/*
 * The Zw forms of the system services, for kernel-mode callers.
 *
 * An Nt service checks its arguments for the caller's previous mode: for
 * a call that came from user mode, every pointer is probed and every
 * handle must be the process's own. Kernel code calls the Zw form, which
 * runs the Nt service with the previous mode set to KernelMode (as a system
 * call from kernel mode would) and puts it back after. Kernel code that
 * calls an Nt service directly while handling a user's request gets the
 * user's checks: that is NT's rule too.
 */
#include "ke.h"

#include "../ob/ob.h"

/* Defines ZwNAME(params) as NtNAME(args) with PreviousMode KernelMode. */
#define ZW(name, params, args)                           \
    NTSTATUS NTAPI Zw##name params                       \
    {                                                    \
        KTHREAD *thread = ke_current_thread();           \
        KPROCESSOR_MODE previous = thread->PreviousMode; \
        NTSTATUS status;                                 \
                                                         \
        thread->PreviousMode = KernelMode;               \
        status = Nt##name args;                          \
        thread->PreviousMode = previous;                 \
        return status;                                   \
    }

ZW(Close, (HANDLE Handle), (Handle))
ZW(DuplicateObject,
   (HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
    PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
    ULONG Options),
   (SourceProcessHandle, SourceHandle, TargetProcessHandle, TargetHandle,
    DesiredAccess, HandleAttributes, Options))
ZW(MakeTemporaryObject, (HANDLE Handle), (Handle))
ZW(CreateDirectoryObject,
   (PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes),
   (DirectoryHandle, DesiredAccess, ObjectAttributes))
ZW(OpenDirectoryObject,
   (PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes),
   (DirectoryHandle, DesiredAccess, ObjectAttributes))
ZW(CreateSymbolicLinkObject,
   (PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PUNICODE_STRING LinkTarget),
   (LinkHandle, DesiredAccess, ObjectAttributes, LinkTarget))
ZW(OpenSymbolicLinkObject,
   (PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes),
   (LinkHandle, DesiredAccess, ObjectAttributes))
ZW(QuerySymbolicLinkObject,
   (HANDLE LinkHandle, PUNICODE_STRING LinkTarget, PULONG ReturnedLength),
   (LinkHandle, LinkTarget, ReturnedLength))
ZW(CreateEvent,
   (PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, EVENT_TYPE EventType,
    BOOLEAN InitialState),
   (EventHandle, DesiredAccess, ObjectAttributes, EventType, InitialState))
ZW(OpenEvent,
   (PHANDLE EventHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes),
   (EventHandle, DesiredAccess, ObjectAttributes))
ZW(SetEvent, (HANDLE EventHandle, PLONG PreviousState),
   (EventHandle, PreviousState))
ZW(ResetEvent, (HANDLE EventHandle, PLONG PreviousState),
   (EventHandle, PreviousState))
ZW(ClearEvent, (HANDLE EventHandle), (EventHandle))
ZW(PulseEvent, (HANDLE EventHandle, PLONG PreviousState),
   (EventHandle, PreviousState))
ZW(CreateSemaphore,
   (PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount, LONG MaximumCount),
   (SemaphoreHandle, DesiredAccess, ObjectAttributes, InitialCount,
    MaximumCount))
ZW(ReleaseSemaphore,
   (HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount),
   (SemaphoreHandle, ReleaseCount, PreviousCount))
ZW(CreateMutant,
   (PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN InitialOwner),
   (MutantHandle, DesiredAccess, ObjectAttributes, InitialOwner))
ZW(ReleaseMutant, (HANDLE MutantHandle, PLONG PreviousCount),
   (MutantHandle, PreviousCount))
ZW(CreateTimer,
   (PHANDLE TimerHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, TIMER_TYPE TimerType),
   (TimerHandle, DesiredAccess, ObjectAttributes, TimerType))
ZW(SetTimer,
   (HANDLE TimerHandle, PLARGE_INTEGER DueTime,
    PTIMER_APC_ROUTINE TimerApcRoutine, PVOID TimerContext, BOOLEAN ResumeTimer,
    LONG Period, PBOOLEAN PreviousState),
   (TimerHandle, DueTime, TimerApcRoutine, TimerContext, ResumeTimer, Period,
    PreviousState))
ZW(CancelTimer, (HANDLE TimerHandle, PBOOLEAN CurrentState),
   (TimerHandle, CurrentState))
ZW(QuerySystemTime, (PLARGE_INTEGER SystemTime), (SystemTime))
ZW(WaitForSingleObject,
   (HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout),
   (Handle, Alertable, Timeout))
ZW(WaitForMultipleObjects,
   (ULONG Count, HANDLE Handles[], WAIT_TYPE WaitType, BOOLEAN Alertable,
    PLARGE_INTEGER Timeout),
   (Count, Handles, WaitType, Alertable, Timeout))
ZW(DelayExecution, (BOOLEAN Alertable, PLARGE_INTEGER DelayInterval),
   (Alertable, DelayInterval))
ZW(YieldExecution, (VOID), ())
ZW(TerminateProcess, (HANDLE ProcessHandle, NTSTATUS ExitStatus),
   (ProcessHandle, ExitStatus))
ZW(QuerySystemInformation,
   (SYSTEM_INFORMATION_CLASS SystemInformationClass, PVOID SystemInformation,
    ULONG SystemInformationLength, PULONG ReturnLength),
   (SystemInformationClass, SystemInformation, SystemInformationLength,
    ReturnLength))
ZW(QueryInformationProcess,
   (HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
    PVOID ProcessInformation, ULONG ProcessInformationLength,
    PULONG ReturnLength),
   (ProcessHandle, ProcessInformationClass, ProcessInformation,
    ProcessInformationLength, ReturnLength))
ZW(QueryInformationThread,
   (HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
    PVOID ThreadInformation, ULONG ThreadInformationLength,
    PULONG ReturnLength),
   (ThreadHandle, ThreadInformationClass, ThreadInformation,
    ThreadInformationLength, ReturnLength))
ZW(OpenProcess,
   (PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId),
   (ProcessHandle, DesiredAccess, ObjectAttributes, ClientId))
ZW(CreateFile,
   (PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
    PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess,
    ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
    ULONG EaLength),
   (FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, AllocationSize,
    FileAttributes, ShareAccess, CreateDisposition, CreateOptions, EaBuffer,
    EaLength))
ZW(OpenFile,
   (PHANDLE FileHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,
    ULONG ShareAccess, ULONG OpenOptions),
   (FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock, ShareAccess,
    OpenOptions))
ZW(ReadFile,
   (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
    ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key),
   (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length,
    ByteOffset, Key))
ZW(WriteFile,
   (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,
    ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key),
   (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer, Length,
    ByteOffset, Key))
ZW(DeviceIoControlFile,
   (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,
    PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,
    PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,
    ULONG OutputBufferLength),
   (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode,
    InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength))
ZW(LoadDriver, (PUNICODE_STRING DriverServiceName), (DriverServiceName))
ZW(UnloadDriver, (PUNICODE_STRING DriverServiceName), (DriverServiceName))
ZW(CreateKey,
   (PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes, ULONG TitleIndex,
    PUNICODE_STRING Class, ULONG CreateOptions, PULONG Disposition),
   (KeyHandle, DesiredAccess, ObjectAttributes, TitleIndex, Class,
    CreateOptions, Disposition))
ZW(OpenKey,
   (PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
    POBJECT_ATTRIBUTES ObjectAttributes),
   (KeyHandle, DesiredAccess, ObjectAttributes))
ZW(DeleteKey, (HANDLE KeyHandle), (KeyHandle))
ZW(SetValueKey,
   (HANDLE KeyHandle, PUNICODE_STRING ValueName, ULONG TitleIndex,
    ULONG Type, PVOID Data, ULONG DataSize),
   (KeyHandle, ValueName, TitleIndex, Type, Data, DataSize))
ZW(QueryValueKey,
   (HANDLE KeyHandle, PUNICODE_STRING ValueName,
    KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
    PVOID KeyValueInformation, ULONG Length, PULONG ResultLength),
   (KeyHandle, ValueName, KeyValueInformationClass, KeyValueInformation,
    Length, ResultLength))
ZW(DeleteValueKey, (HANDLE KeyHandle, PUNICODE_STRING ValueName),
   (KeyHandle, ValueName))
