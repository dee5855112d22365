/*
 * Helpers shared by the in-kernel test suites: throw-away processes with
 * their own address space, system threads to run test code in, programs
 * and drivers to run, and compiler barriers around accesses that may
 * fault.
 */
#ifndef TESTS_KT_UTIL_H
#define TESTS_KT_UTIL_H

#include "../../kernel/ke/ke.h"
#include "../../kernel/ktest/ktest.h"
#include "../../kernel/mm/mm.h"
#include "../../kernel/ps/ps.h"
#include "../../kernel/rtl/rtl.h"

/* A process with an empty user half and no threads, named name, referenced
 * (kt_delete_process drops the reference); NULL when out of memory. */
EPROCESS *kt_make_process(const char *name);
void kt_delete_process(EPROCESS *process);

/* Maps a fresh page at user address va of process and stores value in its
 * first word. */
BOOLEAN kt_map_user_page(EPROCESS *process, ULONG va, ULONG value);

/* Starts a system thread running fn(context) at priority (it may run at
 * once if that is higher than the caller's). */
ETHREAD *kt_start_thread(PKSTART_ROUTINE fn, PVOID context, KPRIORITY priority);
/* Waits until thread has ended, and drops the reference kt_start_thread
 * gave. */
void kt_join(ETHREAD *thread);

/* Relative due times in 100 ns units. */
#define KT_MS(ms) ((LONGLONG)(ms) * -10000)
LARGE_INTEGER kt_relative(LONGLONG due);

/* Runs program (a boot module, such as L"hello.exe") in a new process with
 * command_line, waits for it, and returns its exit status (or the status
 * that kept it from starting). */
NTSTATUS kt_run_program(const WCHAR *program, const WCHAR *command_line);
/* The two halves: start it (a handle to the process in *process), and
 * wait for it (closing the handle) for its exit status. */
NTSTATUS kt_start_program(const WCHAR *program, const WCHAR *command_line,
                          HANDLE *process);
NTSTATUS kt_wait_program(HANDLE process);

/* Where a driver's service key lives: KT_SERVICES L"iotest" names
 * iotest.sys (a boot module). */
#define KT_SERVICES \
    L"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\"
/* ZwLoadDriver and ZwUnloadDriver of the service key service: their
 * status. */
NTSTATUS kt_load_driver(const WCHAR *service);
NTSTATUS kt_unload_driver(const WCHAR *service);

#define KT_BARRIER() __asm__ volatile("" ::: "memory")

#endif
