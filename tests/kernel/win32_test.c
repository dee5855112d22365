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
