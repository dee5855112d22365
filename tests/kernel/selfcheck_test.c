/*
 * Tests that fail on purpose, to check that the harness reports failures.
 * They run only when named: ntlab test selfcheck (tests/cli.t does).
 */
#include "../../kernel/ktest/ktest.h"

KTEST(selfcheck, failing_expectation)
{
    KT_EXPECT_EQ(1 + 1, 3);
}

KTEST_STOP(selfcheck, stop_that_does_not_happen, MANUALLY_INITIATED_CRASH)
{
}

KTEST_STOP(selfcheck, wrong_stop_code, MANUALLY_INITIATED_CRASH)
{
    KeBugCheckEx(PFN_LIST_CORRUPT, 0, 0, 0, 0);
}

KTEST(selfcheck, left_irql_raised)
{
    KIRQL old;

    KeRaiseIrql(APC_LEVEL, &old);
}
