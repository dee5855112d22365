/*
 * The Win32 subset (user/win32): each test runs a program of
 * user/programs/win32_*.c, which checks one group of the API from user
 * mode and exits with 0, or with the number of the first check that
 * failed (and prints it).
 */
#include "kt_util.h"

KTEST(win32, events_mutexes_semaphores_and_waits)
{
    KT_EXPECT_EQ(kt_run_program(L"win32_sync.exe", L"win32_sync.exe"), 0);
}

KTEST(win32, threads_apcs_and_sleeping)
{
    KT_EXPECT_EQ(kt_run_program(L"win32_thread.exe", L"win32_thread.exe"), 0);
}

KTEST(win32, virtual_memory)
{
    KT_EXPECT_EQ(kt_run_program(L"win32_memory.exe", L"win32_memory.exe"), 0);
}

KTEST(win32, processes_handles_errors_and_time)
{
    KT_EXPECT_EQ(kt_run_program(L"win32_process.exe", L"win32_process.exe"), 0);
}

/* With iotest.sys loaded: CreateFile on its device, and the requests made
 * on the handle (synchronous, overlapped, cancelled). */
KTEST(win32, files_and_device_io)
{
    KT_ASSERT_EQ(kt_load_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
    KT_EXPECT_EQ(kt_run_program(L"win32_io.exe", L"win32_io.exe"), 0);
    KT_EXPECT_EQ(kt_unload_driver(KT_SERVICES L"iotest"), STATUS_SUCCESS);
}
