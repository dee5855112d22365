/*
 * What phase 1 does around the command: loading the --driver files first
 * (and unloading them at the end), and the run command, which starts a
 * user program and waits for it; and the modules command.
 *
 * A driver that cannot be loaded, or a program that cannot be started, is
 * bad input: one line naming it and the status, and exit status 2.
 */
#include "run.h"

#include "mm/mm.h"
#include "ps/ps.h"
#include "rtl/rtl.h"

#define SERVICES L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"

/* "STATUS_NAME (0x...)" for a line about status. */
static void print_status(NTSTATUS status)
{
    const char *name = rtl_status_name(status);

    if (name != NULL)
        rtl_print("%s (0x%08lX)\n", name, (ULONG)status);
    else
        rtl_print("status 0x%08lX\n", (ULONG)status);
}

/* Loads or unloads the driver of boot module module ("name.sys"). */
static NTSTATUS driver_service(const char *module, BOOLEAN load)
{
    WCHAR key[128];
    UNICODE_STRING name;
    ULONG prefix = ARRAYSIZE(SERVICES) - 1, i;

    RtlCopyMemory(key, SERVICES, prefix * sizeof(WCHAR));
    for (i = 0; module[i] != '\0' && module[i] != '.' &&
                prefix + i < ARRAYSIZE(key) - 1;
         i++)
        key[prefix + i] = (WCHAR)module[i];
    key[prefix + i] = 0;
    RtlInitUnicodeString(&name, key);
    return load ? ZwLoadDriver(&name) : ZwUnloadDriver(&name);
}

int run_load_drivers(const char *const *modules, ULONG count)
{
    ULONG i;
    NTSTATUS status;

    for (i = 0; i < count; i++) {
        status = driver_service(modules[i], TRUE);
        if (!NT_SUCCESS(status)) {
            rtl_print("ntlab: cannot load %s: ", modules[i]);
            print_status(status);
            return 2;
        }
    }
    return 0;
}

void run_unload_drivers(const char *const *modules, ULONG count)
{
    NTSTATUS status;

    while (count-- > 0) {
        status = driver_service(modules[count], FALSE);
        /* A driver without DriverUnload stays, as on NT; one no longer
         * loaded was unloaded by the program (with the privilege). */
        if (!NT_SUCCESS(status) && status != STATUS_INVALID_DEVICE_REQUEST &&
            status != STATUS_OBJECT_NAME_NOT_FOUND) {
            rtl_print("ntlab: cannot unload %s: ", modules[count]);
            print_status(status);
        }
    }
}

int run_program(const char *command_line)
{
    ULONG n = rtl_strlen(command_line), image_length = 0, i;
    PWCHAR line =
        ExAllocatePoolWithTag(PagedPool, (n + 1) * sizeof(WCHAR), 'nuRK');
    UNICODE_STRING image, text;
    PROCESS_BASIC_INFORMATION info;
    HANDLE process, thread;
    NTSTATUS status;

    if (line == NULL)
        return 2;
    for (i = 0; i < n; i++)
        line[i] = (WCHAR)(UCHAR)command_line[i];
    while (image_length < n && command_line[image_length] != ' ')
        image_length++;
    image.Buffer = line;
    image.Length = image.MaximumLength = (USHORT)(image_length * 2);
    text.Buffer = line;
    text.Length = text.MaximumLength = (USHORT)(n * 2);
    status = NtlabCreateProcess(&process, &thread, &image, &text, 0);
    if (!NT_SUCCESS(status)) {
        rtl_print("ntlab: cannot run %.*s: ", (int)image_length, command_line);
        print_status(status);
        ExFreePoolWithTag(line, 'nuRK');
        return 2;
    }
    ExFreePoolWithTag(line, 'nuRK');
    ZwClose(thread);
    ZwWaitForSingleObject(process, FALSE, NULL);
    status = ZwQueryInformationProcess(process, ProcessBasicInformation, &info,
                                       sizeof info, NULL);
    ZwClose(process);
    if (!NT_SUCCESS(status))
        return 1;
    if ((ULONG)info.ExitStatus > 255) {
        rtl_print("ntlab: the program ended with ");
        print_status(info.ExitStatus);
    }
    hal_program_exited((ULONG)info.ExitStatus);
    return 0;
}

int run_list_modules(void)
{
    if (mm_print_loaded_modules() == 0)
        rtl_print("No driver images are loaded.\n");
    return 0;
}
