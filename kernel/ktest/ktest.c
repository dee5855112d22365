/*
 * The in-kernel test runner: selects registered tests, runs each in a new
 * system thread (or a child boot for stop tests) and prints TAP.
 */
#include "ktest.h"

#include "../kd/kd.h"

#include "../ke/ke.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

extern const struct ktest *const __start_ktests[] __attribute__((weak));
extern const struct ktest *const __stop_ktests[] __attribute__((weak));

/* The test running now (one at a time). */
static struct {
    BOOLEAN failed;
    BOOLEAN quiet; /* the report: count, do not explain */
} current;

/* What a child boot's stop test expects. */
static struct {
    BOOLEAN active;
    ULONG code;
    ULONG which;
    ULONG_PTR params[4];
    ULONG ranged; /* KTEST_P bits of params expected in [lo, hi) */
    ULONG_PTR lo[4], hi[4];
} expected;

static char child_output[16384];

/* The tests in the order they were written: files in link order, tests in
 * line order (the compiler may lay the section out otherwise). */
#define MAX_TESTS 1024
static const struct ktest *ordered[MAX_TESTS];
static ULONG test_count;

/* Is a before b? Files compare by where they first appear in the section. */
static BOOLEAN comes_before(const struct ktest *a, const struct ktest *b)
{
    const struct ktest *const *p;

    if (a->file == b->file)
        return a->line < b->line;
    for (p = __start_ktests; p < __stop_ktests; p++) {
        if ((*p)->file == a->file)
            return TRUE;
        if ((*p)->file == b->file)
            return FALSE;
    }
    return FALSE;
}

static void order_tests(void)
{
    const struct ktest *const *p;
    ULONG i;

    for (p = __start_ktests; p < __stop_ktests && test_count < MAX_TESTS; p++) {
        for (i = test_count; i > 0 && comes_before(*p, ordered[i - 1]); i--)
            ordered[i] = ordered[i - 1];
        ordered[i] = *p;
        test_count++;
    }
}

#define FOR_EACH_TEST(t)                               \
    for (ULONG t##_i = 0; t##_i < test_count; t##_i++) \
        for (const struct ktest *t = ordered[t##_i]; t != NULL; t = NULL)

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    current.failed = TRUE;
    if (current.quiet)
        return;
    rtl_print("# %s:%d: ", file, line);
    va_start(ap, fmt);
    rtl_vprint(fmt, ap);
    va_end(ap);
    rtl_print("\n");
}

void ktest_note(const char *fmt, ...)
{
    va_list ap;

    if (current.quiet)
        return;
    rtl_print("# ");
    va_start(ap, fmt);
    rtl_vprint(fmt, ap);
    va_end(ap);
    rtl_print("\n");
}

void ktest_expect_params(ULONG which, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3,
                         ULONG_PTR p4)
{
    /* The stop gives the kernel's own addresses as nt's (kd.h). */
    expected.which = which;
    expected.params[0] = kd_system_address(p1);
    expected.params[1] = kd_system_address(p2);
    expected.params[2] = kd_system_address(p3);
    expected.params[3] = kd_system_address(p4);
}

void ktest_expect_param_in(ULONG n, ULONG_PTR lo, ULONG_PTR hi)
{
    if (n < 1 || n > 4)
        return;
    expected.ranged |= 1u << (n - 1);
    expected.lo[n - 1] = lo;
    expected.hi[n - 1] = hi;
}

void ktest_on_stop(ULONG code, const ULONG_PTR params[4])
{
    BOOLEAN ok = code == expected.code;
    int i;

    if (!expected.active)
        return;
    if (expected.code == KTEST_HANG_CODE) {
        rtl_print("ktest: expected a hang, not a stop\n");
        return;
    }
    for (i = 0; i < 4; i++) {
        if ((expected.which >> i) & 1)
            ok = ok && params[i] == expected.params[i];
        if ((expected.ranged >> i) & 1)
            ok = ok && params[i] >= expected.lo[i] && params[i] < expected.hi[i];
    }
    if (ok) {
        rtl_print("ktest: stop as expected\n");
        return;
    }
    rtl_print("ktest: expected stop 0x%08X", expected.code);
    for (i = 0; i < 4; i++) {
        if ((expected.which >> i) & 1)
            rtl_print(" p%d=%p", i + 1, (void *)expected.params[i]);
        if ((expected.ranged >> i) & 1)
            rtl_print(" p%d in [%p, %p)", i + 1, (void *)expected.lo[i],
                      (void *)expected.hi[i]);
    }
    rtl_print(", not this one\n");
}

static BOOLEAN is_bench(const struct ktest *t)
{
    return rtl_strcmp(t->suite, "bench") == 0;
}

void ktest_on_hang(void)
{
    if (!expected.active)
        return;
    rtl_print(expected.code == KTEST_HANG_CODE
                  ? "ktest: hang as expected\n"
                  : "ktest: expected stop 0x%08X, not a hang\n",
              expected.code);
}

static BOOLEAN hidden(const struct ktest *t)
{
    return rtl_starts_with(t->suite, "selfcheck") ||
           rtl_starts_with(t->suite, "option_") || is_bench(t);
}

/* Does t answer to a selection: NULL (all but hidden), SUITE, SUITE.NAME? */
static BOOLEAN selected(const struct ktest *t, const char *which)
{
    ULONG n;

    if (which == NULL)
        return !hidden(t);
    n = rtl_strlen(t->suite);
    if (!rtl_starts_with(which, t->suite))
        return FALSE;
    if (which[n] == '\0')
        return TRUE;
    return which[n] == '.' && rtl_strcmp(which + n + 1, t->name) == 0;
}

static void check_irql_after_test(void)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql != PASSIVE_LEVEL) {
        ktest_fail(__FILE__, __LINE__, "the test left IRQL at %u", irql);
        KfLowerIrql(PASSIVE_LEVEL);
    }
}

static void test_thread(PVOID context)
{
    ((void (*)(void))context)();
    check_irql_after_test();
}

/* Runs fn in a new system thread and waits for it to end. */
static void run_in_thread(void (*fn)(void))
{
    ETHREAD *thread;

    if (!NT_SUCCESS(ps_create_system_thread(test_thread, (PVOID)fn, &thread))) {
        ktest_fail(__FILE__, __LINE__, "no memory for the test's thread");
        return;
    }
    KeWaitForSingleObject(&thread->Tcb.Header, Executive, KernelMode, FALSE,
                          NULL);
    ObDereferenceObject(thread);
}

/* Prints text as TAP diagnostics, one "# " line per line. */
static void print_diagnostics(const char *text)
{
    const char *line = text;

    while (*line != '\0') {
        const char *end = line;

        while (*end != '\0' && *end != '\n')
            end++;
        rtl_print("#   %.*s\n", (int)(end - line), line);
        line = *end == '\n' ? end + 1 : end;
    }
}

static void run_in_child(const struct ktest *t)
{
    char name[128];
    int status;
    BOOLEAN hang = t->stop_code == KTEST_HANG_CODE;

    rtl_snprintf(name, sizeof name, "%s.%s", t->suite, t->name);
    status = hal_child_boot(name, child_output, sizeof child_output);
    if (status == (hang ? KE_HANG_EXIT_STATUS : KE_STOP_EXIT_STATUS) &&
        rtl_strstr(child_output, hang ? "ktest: hang as expected\n"
                                      : "ktest: stop as expected\n") != NULL)
        return;
    current.failed = TRUE;
    if (current.quiet)
        return;
    rtl_print("# the child boot for %s exited with status %d and said:\n", name,
              status);
    print_diagnostics(child_output);
}

static const char *skips;

void ktest_set_skips(const char *list)
{
    skips = list;
}

/* Why t is skipped (the rest of its line in skips, *len characters), or
 * NULL. A line names a suite or one SUITE.NAME. */
static const char *skip_reason(const struct ktest *t, ULONG *len)
{
    const char *line = skips;
    ULONG n = rtl_strlen(t->suite), name = rtl_strlen(t->name);

    while (line != NULL && *line != '\0') {
        const char *end = line, *why = NULL;

        while (*end != '\0' && *end != '\n')
            end++;
        if (rtl_starts_with(line, t->suite) && line[n] == ' ')
            why = line + n + 1;
        else if (rtl_starts_with(line, t->suite) && line[n] == '.' &&
                 rtl_starts_with(line + n + 1, t->name) &&
                 line[n + 1 + name] == ' ')
            why = line + n + 2 + name;
        if (why != NULL && why <= end) {
            *len = (ULONG)(end - why);
            return why;
        }
        line = *end == '\n' ? end + 1 : end;
    }
    return NULL;
}

static BOOLEAN run_one(const struct ktest *t)
{
    current.failed = FALSE;
    if (t->stop_code != 0)
        run_in_child(t);
    else
        run_in_thread(t->run);
    return !current.failed;
}

static ULONG count_selected(const char *which)
{
    ULONG n = 0;

    FOR_EACH_TEST (t) {
        if (selected(t, which))
            n++;
    }
    return n;
}

/* TAP for every selected test. Returns the number that failed. */
static ULONG run_tap(const char *which)
{
    ULONG i = 0, failures = 0;

    rtl_print("1..%u\n", count_selected(which));
    FOR_EACH_TEST (t) {
        const char *why;
        ULONG len;

        if (!selected(t, which))
            continue;
        i++;
        why = skip_reason(t, &len);
        if (why != NULL) {
            rtl_print("ok %u - %s.%s # SKIP %.*s\n", i, t->suite, t->name,
                      (int)len, why);
            continue;
        }
        if (run_one(t)) {
            rtl_print("ok %u - %s.%s\n", i, t->suite, t->name);
        } else {
            rtl_print("not ok %u - %s.%s\n", i, t->suite, t->name);
            failures++;
        }
    }
    return failures;
}

static void list_suites(void)
{
    FOR_EACH_TEST (t) {
        BOOLEAN seen = FALSE;

        if (hidden(t))
            continue;
        for (ULONG j = 0; ordered[j] != t; j++)
            seen = seen || rtl_strcmp(ordered[j]->suite, t->suite) == 0;
        if (!seen)
            rtl_print("%s\n", t->suite);
    }
}

/* Runs one stop test in this boot: it returns only if the system did not
 * stop. */
static int child_test(const char *which)
{
    FOR_EACH_TEST (t) {
        /* Exactly one test: SUITE.NAME, not a whole suite. */
        if (which == NULL || !selected(t, which) ||
            which[rtl_strlen(t->suite)] != '.')
            continue;
        if (t->stop_code == 0) {
            rtl_print("ntlab: %s is not a test that stops the system\n", which);
            return 2;
        }
        expected.active = TRUE;
        expected.code = t->stop_code;
        run_in_thread(t->run);
        rtl_print("ktest: the system did not stop\n");
        return 1;
    }
    rtl_print("ntlab: no test named '%s'\n", which ? which : "");
    return 2;
}

static int report(void)
{
    ULONG passed = 0, failed = 0, skipped = 0, len;

    current.quiet = TRUE;
    rtl_console_mute(TRUE); /* what the tests print is for 'ntlab test' */
    FOR_EACH_TEST (t) {
        if (!selected(t, NULL))
            continue;
        if (skip_reason(t, &len) != NULL)
            skipped++;
        else if (run_one(t))
            passed++;
        else
            failed++;
    }
    current.quiet = FALSE;
    rtl_console_mute(FALSE);
    rtl_print("  self-tests  %u passed, %u failed", passed, failed);
    if (skipped)
        rtl_print(", %u skipped on this platform", skipped);
    rtl_print("%s\n", failed ? " (run 'ntlab test' to see which)" : "");
    return failed ? 1 : 0;
}

/* Prints ps picoseconds as nanoseconds with one decimal. */
static void print_ns(ULONGLONG ps)
{
    rtl_print("%llu.%llu ns", ps / 1000, ps / 100 % 10);
}

void kbench_report(const char *name, ULONGLONG ntlab_ps, ULONGLONG base_ps,
                   const char *what, const char *target)
{
    ULONGLONG ratio = base_ps ? ntlab_ps * 10000 / base_ps : 0;

    rtl_print("bench %s: ntlab ", name);
    print_ns(ntlab_ps);
    rtl_print(", baseline ");
    print_ns(base_ps);
    rtl_print(" (%s), ratio %llu.%04llu, target %s\n", what, ratio / 10000,
              ratio % 10000, target);
}

static int run_benches(void)
{
    FOR_EACH_TEST (t) {
        if (is_bench(t))
            run_in_thread(t->run);
    }
    return 0;
}

int ktest_main(const char *command, const char *argument)
{
    order_tests();
    if (rtl_strcmp(command, "bench") == 0)
        return run_benches();
    if (rtl_strcmp(command, "test-list") == 0) {
        list_suites();
        return 0;
    }
    if (rtl_strcmp(command, "child-test") == 0)
        return child_test(argument);
    if (rtl_strcmp(command, "report") == 0)
        return report();
    if (count_selected(argument) == 0) {
        rtl_print("ntlab: no test suite or test named '%s' (try 'ntlab test "
                  "--list')\n",
                  argument ? argument : "");
        return 2;
    }
    return run_tap(argument) ? 1 : 0;
}
