/*
 * In-kernel tests, KUnit style. A test is a function declared with
 *
 *     KTEST(suite, name) { ... KT_EXPECT_EQ(a, b); ... }
 *
 * which registers it in the "ktests" section; ntlab test [SUITE[.NAME]]
 * runs them, each in a fresh system thread at PASSIVE_LEVEL, and prints TAP.
 * A test that is meant to stop the system is declared with
 *
 *     KTEST_STOP(suite, name, CODE) { ktest_expect_params(...); ... }
 *
 * and runs in a child boot; it passes when the child stops with CODE (and
 * the parameters given to ktest_expect_params, if any).
 *
 * KT_EXPECT_* record a failure and go on; KT_ASSERT_* record it and return
 * from the test. Suites whose names start with "selfcheck" hold tests that
 * fail on purpose to check the harness; they run only when named.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <ntddk.h>

struct ktest {
    const char *suite;
    const char *name;
    void (*run)(void);
    ULONG stop_code; /* 0: an ordinary test */
    const char *file;
    int line;
};

#define KTEST_DECLARE(suite_, name_, code_)                                   \
    static void ktest_fn_##suite_##_##name_(void);                            \
    static const struct ktest ktest_##suite_##_##name_ = {                    \
        #suite_, #name_,   ktest_fn_##suite_##_##name_,                       \
        (code_), __FILE__, __LINE__};                                         \
    static const struct ktest *const ktest_ptr_##suite_##_##name_             \
        __attribute__((used, section("ktests"))) = &ktest_##suite_##_##name_; \
    static void ktest_fn_##suite_##_##name_(void)

#define KTEST(suite, name)            KTEST_DECLARE(suite, name, 0)
#define KTEST_STOP(suite, name, code) KTEST_DECLARE(suite, name, code)
/* A test that must end with every thread waiting for ever (a hang). */
#define KTEST_HANG_CODE         0xFFFFFFFFu
#define KTEST_HANG(suite, name) KTEST_DECLARE(suite, name, KTEST_HANG_CODE)

void ktest_fail(const char *file, int line, const char *fmt, ...);
/* Prints a TAP diagnostic line ("# ...") unless the run is the quiet
 * report. */
void ktest_note(const char *fmt, ...);

#define KT_EXPECT(c)                                           \
    do {                                                       \
        if (!(c))                                              \
            ktest_fail(__FILE__, __LINE__, "expected %s", #c); \
    } while (0)

#define KT_ASSERT(c)                                           \
    do {                                                       \
        if (!(c)) {                                            \
            ktest_fail(__FILE__, __LINE__, "expected %s", #c); \
            return;                                            \
        }                                                      \
    } while (0)

#define KT_CHECK_EQ_(a, b, action)                                           \
    do {                                                                     \
        ULONGLONG a_ = (ULONGLONG)(a), b_ = (ULONGLONG)(b);                  \
        if (a_ != b_) {                                                      \
            ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llX != 0x%llX", #a, \
                       #b, a_, b_);                                          \
            action;                                                          \
        }                                                                    \
    } while (0)

#define KT_EXPECT_EQ(a, b) KT_CHECK_EQ_(a, b, (void)0)
#define KT_ASSERT_EQ(a, b) KT_CHECK_EQ_(a, b, return )
#define KT_EXPECT_PTR_EQ(a, b) \
    KT_CHECK_EQ_((ULONG_PTR)(a), (ULONG_PTR)(b), (void)0)
#define KT_EXPECT_STR_EQ(a, b)                                             \
    do {                                                                   \
        if (rtl_strcmp((a), (b)) != 0)                                     \
            ktest_fail(__FILE__, __LINE__, "%s is \"%s\", not \"%s\"", #a, \
                       (a), (b));                                          \
    } while (0)

/* Which stop parameters a KTEST_STOP test checks, and their values. */
#define KTEST_P1 1u
#define KTEST_P2 2u
#define KTEST_P3 4u
#define KTEST_P4 8u
void ktest_expect_params(ULONG which, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                         ULONG_PTR p4);
/* Also expects parameter n (1 to 4) of the stop in [lo, hi): for an
 * address known only to lie in a routine or on a stack. */
void ktest_expect_param_in(ULONG n, ULONG_PTR lo, ULONG_PTR hi);

/*
 * Benchmarks (make bench) are tests of the suite "bench", which only the
 * "bench" command runs. They print their results with kbench_report: ntlab's
 * cost and a host baseline's, in picoseconds per operation, as one line of
 * DESIGN.md's format; target is the target ratio, or "-".
 */
#define KBENCH(name) KTEST_DECLARE(bench, name, 0)

void kbench_report(const char *name, ULONGLONG ntlab_ps, ULONGLONG base_ps,
                   const char *what, const char *target);

/* Called by the bug check code with the stop it is about to make, and by
 * the hang report. */
void ktest_on_stop(ULONG code, const ULONG_PTR params[4]);
void ktest_on_hang(void);

/*
 * Runs the kernel's test commands; returns ntlab's exit status:
 * "test" (TAP for all, a suite, or suite.name), "test-list" (suite names),
 * "child-test" (one KTEST_STOP test, in this boot), "report" (a summary),
 * "bench" (every KBENCH).
 */
int ktest_main(const char *command, const char *argument);
/* The tests the platform cannot run yet (hal_boot_info.skip): selected,
 * they are reported as TAP skips with the reason given, not run. Called
 * before ktest_main; list may be NULL. */
void ktest_set_skips(const char *list);

#endif
