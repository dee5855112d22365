/*
 * The C: drive as a program sees it: the current directory, files opened
 * by relative and full paths (names without regard to case), and what
 * the read-only view refuses: writing, creating, leaving the directory by
 * "..", by a symbolic link, or through the native name. Run from a
 * directory set up by tests/cdrive.t; each line says what was seen.
 */
#include <ntdll.h>
#include <stdio.h>
#include <windows.h>

/* Opens path with access and disposition; prints what a read of it gave,
 * or the error. */
static void try_open(const char *path, DWORD access, DWORD disposition)
{
    char text[128];
    DWORD n = 0, more = 1;
    HANDLE h = CreateFileA(path, access, FILE_SHARE_READ, NULL, disposition,
                           FILE_ATTRIBUTE_NORMAL, NULL);

    if (h == INVALID_HANDLE_VALUE) {
        printf("%s: error %lu\n", path, (unsigned long)GetLastError());
        return;
    }
    if (!ReadFile(h, text, sizeof text - 1, &n, NULL)) {
        printf("%s: read error %lu\n", path, (unsigned long)GetLastError());
    } else {
        /* At the end, a synchronous read succeeds with no bytes. */
        ReadFile(h, text + n, sizeof text - 1 - n, &more, NULL);
        text[n] = '\0';
        if (n > 0 && text[n - 1] == '\n')
            text[n - 1] = '\0';
        printf("%s: %lu bytes \"%s\", then %lu\n", path, (unsigned long)n,
               text, (unsigned long)more);
    }
    CloseHandle(h);
}

/* Opens an NT name with NtOpenFile; prints the status. */
static void try_native(const WCHAR *path, const char *shown)
{
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    NTSTATUS status;

    RtlInitUnicodeString(&name, path);
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = NtOpenFile(&h, FILE_READ_DATA | SYNCHRONIZE, &oa, &iosb,
                        FILE_SHARE_READ, FILE_SYNCHRONOUS_IO_NONALERT);
    printf("native %s: 0x%08lX\n", shown, (unsigned long)status);
    if (NT_SUCCESS(status))
        NtClose(h);
}

int main(void)
{
    char dir[MAX_PATH], small[2];
    DWORD n = GetCurrentDirectoryA(sizeof dir, dir);

    printf("GetCurrentDirectory: \"%s\" (%lu), %lu for a short buffer\n", dir,
           (unsigned long)n,
           (unsigned long)GetCurrentDirectoryA(sizeof small, small));
    try_open("hello.txt", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\SUB\\inner.TXT", GENERIC_READ, OPEN_EXISTING);
    try_open("sub\\..\\.\\\\hello.txt", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\link-in", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\hello.txt", GENERIC_WRITE, OPEN_EXISTING);
    try_open("C:\\hello.txt", GENERIC_READ, CREATE_ALWAYS);
    try_open("new.txt", GENERIC_READ, CREATE_NEW);
    try_open("missing.txt", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\nowhere\\x.txt", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\sub", GENERIC_READ, OPEN_EXISTING);
    try_open("..\\..\\outside.txt", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\link-out", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\link-abs", GENERIC_READ, OPEN_EXISTING);
    try_open("C:\\sub\\link-up", GENERIC_READ, OPEN_EXISTING);
    try_native(L"\\??\\C:\\hello.txt", "\\??\\C:\\hello.txt");
    try_native(L"\\??\\C:\\..\\outside.txt", "\\??\\C:\\..\\outside.txt");
    try_native(L"\\??\\C:\\sub\\..\\hello.txt", "\\??\\C:\\sub\\..\\hello.txt");
    try_native(L"\\??\\C:\\a/b", "\\??\\C:\\a/b");
    return 0;
}
