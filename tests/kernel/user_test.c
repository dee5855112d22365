/*
 * User mode: programs built with ntlab's user runtime (user/programs),
 * run in processes of their own.
 */
#include "../../kernel/ob/ob.h"
#include "kt_util.h"

/* Runs program (a boot module) with command_line; returns its exit status
 * (or the status that kept it from starting). */
static NTSTATUS run(const WCHAR *program, const WCHAR *command_line)
{
    UNICODE_STRING image, line;
    HANDLE process, thread;
    PROCESS_BASIC_INFORMATION info;
    NTSTATUS status;

    RtlInitUnicodeString(&image, program);
    RtlInitUnicodeString(&line, command_line);
    status = NtlabCreateProcess(&process, &thread, &image, &line, 0);
    if (!NT_SUCCESS(status))
        return status;
    ZwWaitForSingleObject(process, FALSE, NULL);
    status = ZwQueryInformationProcess(process, ProcessBasicInformation, &info,
                                       sizeof info, NULL);
    ZwClose(thread);
    ZwClose(process);
    return NT_SUCCESS(status) ? info.ExitStatus : status;
}

KTEST(user, hello_runs_and_exits_with_its_status)
{
    KT_EXPECT_EQ(run(L"hello.exe", L"hello.exe one two"), 42);
}

KTEST(user, a_missing_program_is_not_found)
{
    KT_EXPECT_EQ(run(L"nosuch.exe", L"nosuch.exe"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}
