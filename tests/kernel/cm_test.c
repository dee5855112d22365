/*
 * The registry's services key (include/nt/cm.h): service keys made and
 * opened, values set, queried in each class (with NT's too-small and
 * overflow answers), deleted; keys elsewhere are not there to make; and
 * NtLoadDriver's ImagePath forms.
 */
#include "../../kernel/ktest/ktest.h"

#define KEY L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\cmtest"

static NTSTATUS make_key(const WCHAR *path, HANDLE *key, ULONG *disposition)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES attributes;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&attributes, &name,
                               OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    return ZwCreateKey(key, KEY_ALL_ACCESS, &attributes, 0, NULL, 0,
                       disposition);
}

KTEST(cm, service_keys_and_values)
{
    UCHAR buffer[64];
    PKEY_VALUE_PARTIAL_INFORMATION partial = (PVOID)buffer;
    PKEY_VALUE_FULL_INFORMATION full = (PVOID)buffer;
    UNICODE_STRING start = RTL_CONSTANT_STRING(L"Start");
    ULONG disposition = 0, length = 0, value = 3;
    HANDLE key, again;

    KT_ASSERT_EQ(make_key(KEY, &key, &disposition), STATUS_SUCCESS);
    KT_EXPECT_EQ(disposition, REG_CREATED_NEW_KEY);
    KT_EXPECT_EQ(make_key(KEY, &again, &disposition), STATUS_SUCCESS);
    KT_EXPECT_EQ(disposition, REG_OPENED_EXISTING_KEY);
    KT_EXPECT_EQ(ZwSetValueKey(key, &start, 0, REG_DWORD, &value, 4),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(ZwQueryValueKey(again, &start, KeyValuePartialInformation,
                                 buffer, sizeof buffer, &length),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(length, FIELD_OFFSET(KEY_VALUE_PARTIAL_INFORMATION, Data) + 4);
    KT_EXPECT_EQ(partial->Type, REG_DWORD);
    KT_EXPECT_EQ(*(PULONG)partial->Data, 3);
    KT_EXPECT_EQ(ZwQueryValueKey(key, &start, KeyValueFullInformation, buffer,
                                 sizeof buffer, &length),
                 STATUS_SUCCESS);
    KT_EXPECT_EQ(full->NameLength, 10);
    KT_EXPECT_EQ(*(PULONG)(buffer + full->DataOffset), 3);
    KT_EXPECT_EQ(ZwQueryValueKey(key, &start, KeyValuePartialInformation,
                                 buffer, 4, &length),
                 STATUS_BUFFER_TOO_SMALL);
    KT_EXPECT_EQ(ZwQueryValueKey(key, &start, KeyValuePartialInformation,
                                 buffer, 13, &length),
                 STATUS_BUFFER_OVERFLOW);
    KT_EXPECT_EQ(length, 16);
    KT_EXPECT_EQ(ZwQueryValueKey(key, &start, (KEY_VALUE_INFORMATION_CLASS)9,
                                 buffer, sizeof buffer, &length),
                 STATUS_INVALID_PARAMETER);
    KT_EXPECT_EQ(ZwDeleteValueKey(key, &start), STATUS_SUCCESS);
    KT_EXPECT_EQ(ZwQueryValueKey(key, &start, KeyValuePartialInformation,
                                 buffer, sizeof buffer, &length),
                 STATUS_OBJECT_NAME_NOT_FOUND);
    KT_EXPECT_EQ(ZwDeleteKey(key), STATUS_SUCCESS);
    KT_EXPECT_EQ(ZwSetValueKey(again, &start, 0, REG_DWORD, &value, 4),
                 STATUS_KEY_DELETED);
    ZwClose(key);
    ZwClose(again);
    KT_EXPECT_EQ(make_key(KEY, &key, &disposition), STATUS_SUCCESS);
    KT_EXPECT_EQ(disposition, REG_CREATED_NEW_KEY);
    KT_EXPECT_EQ(ZwDeleteKey(key), STATUS_SUCCESS);
    ZwClose(key);
}

KTEST(cm, only_service_keys_can_be_made)
{
    HANDLE key;

    KT_EXPECT_EQ(make_key(L"\\Registry\\Machine\\Software\\x", &key, NULL),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EXPECT_EQ(make_key(KEY L"\\Parameters", &key, NULL),
                 STATUS_OBJECT_PATH_NOT_FOUND);
    KT_EXPECT_EQ(make_key(L"\\BaseNamedObjects\\cmtest", &key, NULL),
                 STATUS_OBJECT_PATH_NOT_FOUND);
}

/* NtLoadDriver with a service key's ImagePath: forms it does not know. */
KTEST(cm, image_path_forms)
{
    UNICODE_STRING image = RTL_CONSTANT_STRING(L"ImagePath");
    UNICODE_STRING service = RTL_CONSTANT_STRING(KEY);
    static const WCHAR *paths[] = {L"D:\\x.sys", L"\\??\\C:\\no-such.sys",
                                   L"System32\\drivers\\no-such.sys"};
    static const NTSTATUS wanted[] = {STATUS_OBJECT_PATH_NOT_FOUND,
                                      STATUS_OBJECT_NAME_NOT_FOUND,
                                      STATUS_OBJECT_NAME_NOT_FOUND};
    HANDLE key;
    ULONG i;

    KT_ASSERT_EQ(make_key(KEY, &key, NULL), STATUS_SUCCESS);
    for (i = 0; i < ARRAYSIZE(paths); i++) {
        UNICODE_STRING s;
        ULONG size;

        RtlInitUnicodeString(&s, paths[i]);
        size = s.Length + sizeof(WCHAR);

        KT_EXPECT_EQ(ZwSetValueKey(key, &image, 0, REG_EXPAND_SZ,
                                   (PVOID)paths[i], size),
                     STATUS_SUCCESS);
        KT_EXPECT_EQ(ZwLoadDriver(&service), wanted[i]);
    }
    ZwDeleteKey(key);
    ZwClose(key);
}
