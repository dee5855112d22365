/*
 * User mode: programs built with ntlab's user runtime (user/programs),
 * run in processes of their own.
 */
#include "../../kernel/ob/ob.h"
#include "kt_util.h"

KTEST(user, hello_runs_and_exits_with_its_status)
{
    KT_EXPECT_EQ(kt_run_program(L"hello.exe", L"hello.exe one two"), 42);
}

KTEST(user, a_missing_program_is_not_found)
{
    KT_EXPECT_EQ(kt_run_program(L"nosuch.exe", L"nosuch.exe"),
                 STATUS_OBJECT_NAME_NOT_FOUND);
}
