/*
 * ntlab's system service table: every service user mode can call, in
 * service-number order. The kernel builds its dispatch table from this
 * list and user/ntdll its stubs, so the two always agree.
 *
 * NTLAB_SERVICES(S) expands S(ReturnType, Name, ArgumentCount,
 * (parameters), (arguments)) once per service. A stub passes its arguments as
 * an array of ULONG_PTR; the kernel probes and copies ArgumentCount of them.
 */
#ifndef NT_SERVICES_H
#define NT_SERVICES_H

#define NTLAB_MAX_SERVICE_ARGUMENTS 12

#define NTLAB_SERVICES(S)                                                      \
    S(ULONG, NtGetCurrentProcessorNumber, 0, (VOID), ())                       \
    S(NTSTATUS, NtDisplayString, 1, (PUNICODE_STRING String), (String))        \
    S(NTSTATUS, NtClose, 1, (HANDLE Handle), (Handle))                         \
    S(NTSTATUS, NtDuplicateObject, 7,                                          \
      (HANDLE SourceProcessHandle, HANDLE SourceHandle,                        \
       HANDLE TargetProcessHandle, PHANDLE TargetHandle,                       \
       ACCESS_MASK DesiredAccess, ULONG HandleAttributes, ULONG Options),      \
      (SourceProcessHandle, SourceHandle, TargetProcessHandle, TargetHandle,   \
       DesiredAccess, HandleAttributes, Options))                              \
    S(NTSTATUS, NtMakeTemporaryObject, 1, (HANDLE Handle), (Handle))           \
    S(NTSTATUS, NtCreateDirectoryObject, 3,                                    \
      (PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,                     \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (DirectoryHandle, DesiredAccess, ObjectAttributes))                      \
    S(NTSTATUS, NtOpenDirectoryObject, 3,                                      \
      (PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,                     \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (DirectoryHandle, DesiredAccess, ObjectAttributes))                      \
    S(NTSTATUS, NtCreateSymbolicLinkObject, 4,                                 \
      (PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,                          \
       POBJECT_ATTRIBUTES ObjectAttributes, PUNICODE_STRING LinkTarget),       \
      (LinkHandle, DesiredAccess, ObjectAttributes, LinkTarget))               \
    S(NTSTATUS, NtOpenSymbolicLinkObject, 3,                                   \
      (PHANDLE LinkHandle, ACCESS_MASK DesiredAccess,                          \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (LinkHandle, DesiredAccess, ObjectAttributes))                           \
    S(NTSTATUS, NtQuerySymbolicLinkObject, 3,                                  \
      (HANDLE LinkHandle, PUNICODE_STRING LinkTarget, PULONG ReturnedLength),  \
      (LinkHandle, LinkTarget, ReturnedLength))                                \
    S(NTSTATUS, NtCreateEvent, 5,                                              \
      (PHANDLE EventHandle, ACCESS_MASK DesiredAccess,                         \
       POBJECT_ATTRIBUTES ObjectAttributes, EVENT_TYPE EventType,              \
       BOOLEAN InitialState),                                                  \
      (EventHandle, DesiredAccess, ObjectAttributes, EventType, InitialState)) \
    S(NTSTATUS, NtOpenEvent, 3,                                                \
      (PHANDLE EventHandle, ACCESS_MASK DesiredAccess,                         \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (EventHandle, DesiredAccess, ObjectAttributes))                          \
    S(NTSTATUS, NtSetEvent, 2, (HANDLE EventHandle, PLONG PreviousState),      \
      (EventHandle, PreviousState))                                            \
    S(NTSTATUS, NtResetEvent, 2, (HANDLE EventHandle, PLONG PreviousState),    \
      (EventHandle, PreviousState))                                            \
    S(NTSTATUS, NtClearEvent, 1, (HANDLE EventHandle), (EventHandle))          \
    S(NTSTATUS, NtPulseEvent, 2, (HANDLE EventHandle, PLONG PreviousState),    \
      (EventHandle, PreviousState))                                            \
    S(NTSTATUS, NtCreateSemaphore, 5,                                          \
      (PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,                     \
       POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount,                 \
       LONG MaximumCount),                                                     \
      (SemaphoreHandle, DesiredAccess, ObjectAttributes, InitialCount,         \
       MaximumCount))                                                          \
    S(NTSTATUS, NtOpenSemaphore, 3,                                            \
      (PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,                     \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (SemaphoreHandle, DesiredAccess, ObjectAttributes))                      \
    S(NTSTATUS, NtReleaseSemaphore, 3,                                         \
      (HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount),        \
      (SemaphoreHandle, ReleaseCount, PreviousCount))                          \
    S(NTSTATUS, NtCreateMutant, 4,                                             \
      (PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,                        \
       POBJECT_ATTRIBUTES ObjectAttributes, BOOLEAN InitialOwner),             \
      (MutantHandle, DesiredAccess, ObjectAttributes, InitialOwner))           \
    S(NTSTATUS, NtOpenMutant, 3,                                               \
      (PHANDLE MutantHandle, ACCESS_MASK DesiredAccess,                        \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (MutantHandle, DesiredAccess, ObjectAttributes))                         \
    S(NTSTATUS, NtReleaseMutant, 2,                                            \
      (HANDLE MutantHandle, PLONG PreviousCount),                              \
      (MutantHandle, PreviousCount))                                           \
    S(NTSTATUS, NtCreateTimer, 4,                                              \
      (PHANDLE TimerHandle, ACCESS_MASK DesiredAccess,                         \
       POBJECT_ATTRIBUTES ObjectAttributes, TIMER_TYPE TimerType),             \
      (TimerHandle, DesiredAccess, ObjectAttributes, TimerType))               \
    S(NTSTATUS, NtOpenTimer, 3,                                                \
      (PHANDLE TimerHandle, ACCESS_MASK DesiredAccess,                         \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (TimerHandle, DesiredAccess, ObjectAttributes))                          \
    S(NTSTATUS, NtSetTimer, 7,                                                 \
      (HANDLE TimerHandle, PLARGE_INTEGER DueTime,                             \
       PTIMER_APC_ROUTINE TimerApcRoutine, PVOID TimerContext,                 \
       BOOLEAN ResumeTimer, LONG Period, PBOOLEAN PreviousState),              \
      (TimerHandle, DueTime, TimerApcRoutine, TimerContext, ResumeTimer,       \
       Period, PreviousState))                                                 \
    S(NTSTATUS, NtCancelTimer, 2, (HANDLE TimerHandle, PBOOLEAN CurrentState), \
      (TimerHandle, CurrentState))                                             \
    S(NTSTATUS, NtWaitForSingleObject, 3,                                      \
      (HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout),              \
      (Handle, Alertable, Timeout))                                            \
    S(NTSTATUS, NtWaitForMultipleObjects, 5,                                   \
      (ULONG Count, HANDLE Handles[], WAIT_TYPE WaitType, BOOLEAN Alertable,   \
       PLARGE_INTEGER Timeout),                                                \
      (Count, Handles, WaitType, Alertable, Timeout))                          \
    S(NTSTATUS, NtDelayExecution, 2,                                           \
      (BOOLEAN Alertable, PLARGE_INTEGER DelayInterval),                       \
      (Alertable, DelayInterval))                                              \
    S(NTSTATUS, NtYieldExecution, 0, (VOID), ())                               \
    S(NTSTATUS, NtQuerySystemTime, 1, (PLARGE_INTEGER SystemTime),             \
      (SystemTime))                                                            \
    S(NTSTATUS, NtTestAlert, 0, (VOID), ())                                    \
    S(NTSTATUS, NtAlertThread, 1, (HANDLE ThreadHandle), (ThreadHandle))       \
    S(NTSTATUS, NtContinue, 2, (PCONTEXT ContextRecord, BOOLEAN TestAlert),    \
      (ContextRecord, TestAlert))                                              \
    S(NTSTATUS, NtRaiseException, 3,                                           \
      (PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord,              \
       BOOLEAN FirstChance),                                                   \
      (ExceptionRecord, ContextRecord, FirstChance))                           \
    S(NTSTATUS, NtAllocateVirtualMemory, 6,                                    \
      (HANDLE ProcessHandle, PVOID * BaseAddress, ULONG_PTR ZeroBits,          \
       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect),               \
      (ProcessHandle, BaseAddress, ZeroBits, RegionSize, AllocationType,       \
       Protect))                                                               \
    S(NTSTATUS, NtFreeVirtualMemory, 4,                                        \
      (HANDLE ProcessHandle, PVOID * BaseAddress, PSIZE_T RegionSize,          \
       ULONG FreeType),                                                        \
      (ProcessHandle, BaseAddress, RegionSize, FreeType))                      \
    S(NTSTATUS, NtProtectVirtualMemory, 5,                                     \
      (HANDLE ProcessHandle, PVOID * BaseAddress,                              \
       PSIZE_T NumberOfBytesToProtect, ULONG NewAccessProtection,              \
       PULONG OldAccessProtection),                                            \
      (ProcessHandle, BaseAddress, NumberOfBytesToProtect,                     \
       NewAccessProtection, OldAccessProtection))                              \
    S(NTSTATUS, NtQueryVirtualMemory, 6,                                       \
      (HANDLE ProcessHandle, PVOID BaseAddress,                                \
       MEMORY_INFORMATION_CLASS MemoryInformationClass,                        \
       PVOID MemoryInformation, SIZE_T MemoryInformationLength,                \
       PSIZE_T ReturnLength),                                                  \
      (ProcessHandle, BaseAddress, MemoryInformationClass, MemoryInformation,  \
       MemoryInformationLength, ReturnLength))                                 \
    S(NTSTATUS, NtlabCreateProcess, 5,                                         \
      (PHANDLE ProcessHandle, PHANDLE ThreadHandle, PUNICODE_STRING ImageName, \
       PUNICODE_STRING CommandLine, ULONG Flags),                              \
      (ProcessHandle, ThreadHandle, ImageName, CommandLine, Flags))            \
    S(NTSTATUS, NtOpenProcess, 4,                                              \
      (PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess,                       \
       POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId),              \
      (ProcessHandle, DesiredAccess, ObjectAttributes, ClientId))              \
    S(NTSTATUS, NtTerminateProcess, 2,                                         \
      (HANDLE ProcessHandle, NTSTATUS ExitStatus),                             \
      (ProcessHandle, ExitStatus))                                             \
    S(NTSTATUS, NtQueryInformationProcess, 5,                                  \
      (HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,         \
       PVOID ProcessInformation, ULONG ProcessInformationLength,               \
       PULONG ReturnLength),                                                   \
      (ProcessHandle, ProcessInformationClass, ProcessInformation,             \
       ProcessInformationLength, ReturnLength))                                \
    S(NTSTATUS, NtQueryInformationThread, 5,                                   \
      (HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,            \
       PVOID ThreadInformation, ULONG ThreadInformationLength,                 \
       PULONG ReturnLength),                                                   \
      (ThreadHandle, ThreadInformationClass, ThreadInformation,                \
       ThreadInformationLength, ReturnLength))                                 \
    S(NTSTATUS, NtCreateThreadEx, 11,                                          \
      (PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,                        \
       POBJECT_ATTRIBUTES ObjectAttributes, HANDLE ProcessHandle,              \
       PVOID StartRoutine, PVOID Argument, ULONG CreateFlags, SIZE_T ZeroBits, \
       SIZE_T StackSize, SIZE_T MaximumStackSize, PVOID AttributeList),        \
      (ThreadHandle, DesiredAccess, ObjectAttributes, ProcessHandle,           \
       StartRoutine, Argument, CreateFlags, ZeroBits, StackSize,               \
       MaximumStackSize, AttributeList))                                       \
    S(NTSTATUS, NtOpenThread, 4,                                               \
      (PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess,                        \
       POBJECT_ATTRIBUTES ObjectAttributes, PCLIENT_ID ClientId),              \
      (ThreadHandle, DesiredAccess, ObjectAttributes, ClientId))               \
    S(NTSTATUS, NtTerminateThread, 2,                                          \
      (HANDLE ThreadHandle, NTSTATUS ExitStatus), (ThreadHandle, ExitStatus))  \
    S(NTSTATUS, NtQueueApcThread, 5,                                           \
      (HANDLE ThreadHandle, PPS_APC_ROUTINE ApcRoutine, PVOID ApcArgument1,    \
       PVOID ApcArgument2, PVOID ApcArgument3),                                \
      (ThreadHandle, ApcRoutine, ApcArgument1, ApcArgument2, ApcArgument3))  \
    S(NTSTATUS, NtCreateFile, 11,                                              \
      (PHANDLE FileHandle, ACCESS_MASK DesiredAccess,                          \
       POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,    \
       PLARGE_INTEGER AllocationSize, ULONG FileAttributes, ULONG ShareAccess, \
       ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,           \
       ULONG EaLength),                                                        \
      (FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock,             \
       AllocationSize, FileAttributes, ShareAccess, CreateDisposition,         \
       CreateOptions, EaBuffer, EaLength))                                     \
    S(NTSTATUS, NtOpenFile, 6,                                                 \
      (PHANDLE FileHandle, ACCESS_MASK DesiredAccess,                          \
       POBJECT_ATTRIBUTES ObjectAttributes, PIO_STATUS_BLOCK IoStatusBlock,    \
       ULONG ShareAccess, ULONG OpenOptions),                                  \
      (FileHandle, DesiredAccess, ObjectAttributes, IoStatusBlock,             \
       ShareAccess, OpenOptions))                                              \
    S(NTSTATUS, NtReadFile, 9,                                                 \
      (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,            \
       PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,         \
       ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key),                   \
      (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer,       \
       Length, ByteOffset, Key))                                               \
    S(NTSTATUS, NtWriteFile, 9,                                                \
      (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,            \
       PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer,         \
       ULONG Length, PLARGE_INTEGER ByteOffset, PULONG Key),                   \
      (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, Buffer,       \
       Length, ByteOffset, Key))                                               \
    S(NTSTATUS, NtDeviceIoControlFile, 10,                                     \
      (HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine,            \
       PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG IoControlCode,  \
       PVOID InputBuffer, ULONG InputBufferLength, PVOID OutputBuffer,         \
       ULONG OutputBufferLength),                                              \
      (FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock,               \
       IoControlCode, InputBuffer, InputBufferLength, OutputBuffer,            \
       OutputBufferLength))                                                    \
    S(NTSTATUS, NtCancelIoFile, 2,                                             \
      (HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock),                     \
      (FileHandle, IoStatusBlock))                                             \
    S(NTSTATUS, NtLoadDriver, 1, (PUNICODE_STRING DriverServiceName),          \
      (DriverServiceName))                                                     \
    S(NTSTATUS, NtUnloadDriver, 1, (PUNICODE_STRING DriverServiceName),        \
      (DriverServiceName))                                                     \
    S(NTSTATUS, NtQuerySystemInformation, 4,                                   \
      (SYSTEM_INFORMATION_CLASS SystemInformationClass,                        \
       PVOID SystemInformation, ULONG SystemInformationLength,                 \
       PULONG ReturnLength),                                                   \
      (SystemInformationClass, SystemInformation, SystemInformationLength,     \
       ReturnLength))                                                          \
    S(NTSTATUS, NtCreateKey, 7,                                                \
      (PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,                           \
       POBJECT_ATTRIBUTES ObjectAttributes, ULONG TitleIndex,                  \
       PUNICODE_STRING Class, ULONG CreateOptions, PULONG Disposition),        \
      (KeyHandle, DesiredAccess, ObjectAttributes, TitleIndex, Class,          \
       CreateOptions, Disposition))                                            \
    S(NTSTATUS, NtOpenKey, 3,                                                  \
      (PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,                           \
       POBJECT_ATTRIBUTES ObjectAttributes),                                   \
      (KeyHandle, DesiredAccess, ObjectAttributes))                            \
    S(NTSTATUS, NtDeleteKey, 1, (HANDLE KeyHandle), (KeyHandle))               \
    S(NTSTATUS, NtSetValueKey, 6,                                              \
      (HANDLE KeyHandle, PUNICODE_STRING ValueName, ULONG TitleIndex,          \
       ULONG Type, PVOID Data, ULONG DataSize),                                \
      (KeyHandle, ValueName, TitleIndex, Type, Data, DataSize))                \
    S(NTSTATUS, NtQueryValueKey, 6,                                            \
      (HANDLE KeyHandle, PUNICODE_STRING ValueName,                            \
       KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,                   \
       PVOID KeyValueInformation, ULONG Length, PULONG ResultLength),          \
      (KeyHandle, ValueName, KeyValueInformationClass, KeyValueInformation,    \
       Length, ResultLength))                                                  \
    S(NTSTATUS, NtDeleteValueKey, 2,                                           \
      (HANDLE KeyHandle, PUNICODE_STRING ValueName), (KeyHandle, ValueName)) \
    S(ULONG, NtlabPreemptionPoint, 0, (VOID), ())

#endif
