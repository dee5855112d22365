/*
 * The registry (Cm), as far as ntlab has one: the services key,
 * \Registry\Machine\System\CurrentControlSet\Services, and a key for each
 * service directly under it, with values. Keys live for the boot (there
 * are no hive files); a key has no subkeys. NtLoadDriver reads a
 * service's ImagePath here.
 */
#ifndef NT_CM_H
#define NT_CM_H

/* Key rights. */
#define KEY_QUERY_VALUE        0x0001
#define KEY_SET_VALUE          0x0002
#define KEY_CREATE_SUB_KEY     0x0004
#define KEY_ENUMERATE_SUB_KEYS 0x0008
#define KEY_NOTIFY             0x0010
#define KEY_CREATE_LINK        0x0020
#define KEY_READ                                                               \
    ((STANDARD_RIGHTS_READ | KEY_QUERY_VALUE | KEY_ENUMERATE_SUB_KEYS |        \
      KEY_NOTIFY) & ~SYNCHRONIZE)
#define KEY_WRITE                                                              \
    ((STANDARD_RIGHTS_WRITE | KEY_SET_VALUE | KEY_CREATE_SUB_KEY) &            \
     ~SYNCHRONIZE)
#define KEY_EXECUTE KEY_READ
#define KEY_ALL_ACCESS                                                         \
    ((STANDARD_RIGHTS_ALL | KEY_QUERY_VALUE | KEY_SET_VALUE |                  \
      KEY_CREATE_SUB_KEY | KEY_ENUMERATE_SUB_KEYS | KEY_NOTIFY |               \
      KEY_CREATE_LINK) & ~SYNCHRONIZE)

/* Value types. */
#define REG_NONE      0
#define REG_SZ        1
#define REG_EXPAND_SZ 2
#define REG_BINARY    3
#define REG_DWORD     4
#define REG_MULTI_SZ  7
#define REG_QWORD     11

/* NtCreateKey: options and dispositions. */
#define REG_OPTION_NON_VOLATILE 0x00000000
#define REG_OPTION_VOLATILE     0x00000001
#define REG_CREATED_NEW_KEY     0x00000001
#define REG_OPENED_EXISTING_KEY 0x00000002

typedef enum _KEY_VALUE_INFORMATION_CLASS {
    KeyValueBasicInformation,
    KeyValueFullInformation,
    KeyValuePartialInformation,
} KEY_VALUE_INFORMATION_CLASS;

typedef struct _KEY_VALUE_BASIC_INFORMATION {
    ULONG TitleIndex;
    ULONG Type;
    ULONG NameLength;
    WCHAR Name[1];
} KEY_VALUE_BASIC_INFORMATION, *PKEY_VALUE_BASIC_INFORMATION;

typedef struct _KEY_VALUE_FULL_INFORMATION {
    ULONG TitleIndex;
    ULONG Type;
    ULONG DataOffset;
    ULONG DataLength;
    ULONG NameLength;
    WCHAR Name[1];
} KEY_VALUE_FULL_INFORMATION, *PKEY_VALUE_FULL_INFORMATION;

typedef struct _KEY_VALUE_PARTIAL_INFORMATION {
    ULONG TitleIndex;
    ULONG Type;
    ULONG DataLength;
    UCHAR Data[1];
} KEY_VALUE_PARTIAL_INFORMATION, *PKEY_VALUE_PARTIAL_INFORMATION;

/*
 * NtCreateKey opens the key ObjectAttributes names, or makes it: a
 * service's key (\Registry\Machine\System\CurrentControlSet\Services\NAME,
 * no RootDirectory) is the only kind that can be made
 * (STATUS_OBJECT_PATH_NOT_FOUND for any other name); *Disposition (may be
 * NULL) says which happened. TitleIndex, Class and CreateOptions are
 * accepted and change nothing. NtDeleteKey (DELETE access) takes the key
 * out of the registry at once; its handles then give STATUS_KEY_DELETED.
 * NtSetValueKey (KEY_SET_VALUE) sets or replaces a value (at most 64 KiB);
 * NtQueryValueKey (KEY_QUERY_VALUE) returns one in the information class
 * asked for: STATUS_BUFFER_TOO_SMALL when not even the fixed part fits,
 * STATUS_BUFFER_OVERFLOW with the fixed part written when the rest does
 * not, *ResultLength the size needed either way; STATUS_OBJECT_NAME_NOT_FOUND
 * for no such value. An empty ValueName (or NULL) is the default value.
 */
NTSYSAPI NTSTATUS NTAPI ZwCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes,
                                    ULONG TitleIndex, PUNICODE_STRING Class,
                                    ULONG CreateOptions, PULONG Disposition);
NTSYSAPI NTSTATUS NTAPI ZwOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                  POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI ZwDeleteKey(HANDLE KeyHandle);
NTSYSAPI NTSTATUS NTAPI ZwSetValueKey(HANDLE KeyHandle,
                                      PUNICODE_STRING ValueName,
                                      ULONG TitleIndex, ULONG Type, PVOID Data,
                                      ULONG DataSize);
NTSYSAPI NTSTATUS NTAPI ZwQueryValueKey(
    HANDLE KeyHandle, PUNICODE_STRING ValueName,
    KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
    PVOID KeyValueInformation, ULONG Length, PULONG ResultLength);
NTSYSAPI NTSTATUS NTAPI ZwDeleteValueKey(HANDLE KeyHandle,
                                         PUNICODE_STRING ValueName);
NTSYSAPI NTSTATUS NTAPI NtCreateKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                    POBJECT_ATTRIBUTES ObjectAttributes,
                                    ULONG TitleIndex, PUNICODE_STRING Class,
                                    ULONG CreateOptions, PULONG Disposition);
NTSYSAPI NTSTATUS NTAPI NtOpenKey(PHANDLE KeyHandle, ACCESS_MASK DesiredAccess,
                                  POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtDeleteKey(HANDLE KeyHandle);
NTSYSAPI NTSTATUS NTAPI NtSetValueKey(HANDLE KeyHandle,
                                      PUNICODE_STRING ValueName,
                                      ULONG TitleIndex, ULONG Type, PVOID Data,
                                      ULONG DataSize);
NTSYSAPI NTSTATUS NTAPI NtQueryValueKey(
    HANDLE KeyHandle, PUNICODE_STRING ValueName,
    KEY_VALUE_INFORMATION_CLASS KeyValueInformationClass,
    PVOID KeyValueInformation, ULONG Length, PULONG ResultLength);
NTSYSAPI NTSTATUS NTAPI NtDeleteValueKey(HANDLE KeyHandle,
                                         PUNICODE_STRING ValueName);

#endif
