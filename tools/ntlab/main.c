/*
 * ntlab: the command a user runs. It reads the command line, then boots the
 * hosted machine, which runs the command inside the kernel.
 *
 * Exit status: 0 when everything asked for worked, 1 when a test or an
 * expectation failed, 2 for bad input (usage, options, files), 3 when the
 * system stopped with a bug check, 4 when it hung (every thread waiting and
 * no timer set), 5 when --timeout ran out; after run PROGRAM, the
 * program's (--status-file keeps the two apart).
 *
 * explore, and --tap or --junit, make this process a supervisor of child
 * ntlabs running the same command line (explore.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../../hal/hosted/hosted.h"
#include "explore.h"
#include "pc.h"
#include "scenario.h"

#define MEMORY_MIN_MB     4
#define MEMORY_MAX_MB     1024
#define MEMORY_DEFAULT_MB 64
#define PAGEFILE_MAX_MB   4096

/* The verifier's classes, as --verifier=CLASS,... names them. */
static const struct {
    const char *name;
    ULONG bits;
} verifier_classes[] = {
    {"standard", HAL_VERIFIER_SPECIAL | HAL_VERIFIER_IRQL | HAL_VERIFIER_POOL |
                     HAL_VERIFIER_IO | HAL_VERIFIER_DEADLOCK |
                     HAL_VERIFIER_MISC},
    {"special", HAL_VERIFIER_SPECIAL},
    {"irql", HAL_VERIFIER_IRQL},
    {"pool", HAL_VERIFIER_POOL},
    {"io", HAL_VERIFIER_IO},
    {"deadlock", HAL_VERIFIER_DEADLOCK},
    {"misc", HAL_VERIFIER_MISC},
    {"lowres", HAL_VERIFIER_LOWRES},
};
#define VERIFIER_CLASS_NAMES \
    "standard (all of:) special, irql, pool, io, deadlock, misc; lowres"

static const char usage[] =
    "usage: ntlab [options] [command]\n"
    "\n"
    "commands:\n"
    "  (none)               the tour: every built-in scenario, narrated\n"
    "  list                 list the built-in scenarios\n"
    "  run SCENARIO         run a built-in scenario (or a FILE.scn) and check\n"
    "                       what it must show; exit 0 when all of it held\n"
    "  run PROGRAM [ARG...] boot, load the --driver files, run PROGRAM (a\n"
    "                       program built with ntlab, or a file), unload\n"
    "                       the drivers; exit with PROGRAM's exit status\n"
    "  report               boot, run the self-tests, print a short report\n"
    "  test [SUITE[.NAME]]  boot and run in-kernel tests, printing TAP\n"
    "  test --list          list the test suites\n"
    "  modules              boot, load the --driver files, list the loaded\n"
    "                       driver images with their address ranges\n"
    "  explore --seeds A-B [--jobs J] [--shard K/N] [options] COMMAND...\n"
    "                       run COMMAND (run PROGRAM, run SCENARIO, ...)\n"
    "                       once per seed from A to B, J boots at a time\n"
    "                       (default: one per CPU); stop at the lowest seed\n"
    "                       that fails and print the command that replays\n"
    "                       it ('replay: ntlab --seed N ...'). --shard K/N:\n"
    "                       only seeds A+K-1, A+K-1+N, A+K-1+2N, ... (one\n"
    "                       CI job's share)\n"
    "  help                 show this text\n"
    "\n"
    "options:\n"
    "  --memory MB          guest RAM in MiB (default 64, 4 to 1024)\n"
    "  --pagefile MB        paging file in MiB (default twice the memory, 0\n"
    "                       for none)\n"
    "  --seed N             seed of the virtual clock (default 1): the same\n"
    "                       seed gives the same run, another moves every\n"
    "                       preemption point\n"
    "  --realtime           drive the clock from the host's clock instead\n"
    "  --no-points          drivers' and programs' preemption points do\n"
    "                       nothing: code is interrupted only where it calls\n"
    "                       the kernel (docs/races.md)\n"
    "  --program FILE       make FILE (a user program) available to the\n"
    "                       kernel, as its file name; may be repeated\n"
    "  --driver FILE        load FILE (a driver, .sys) at boot, before the\n"
    "                       command, and unload it at the end; repeatable\n"
    "  --strict             keep user code out of system space (without it,\n"
    "                       user code can read kernel memory: it is trusted)\n"
    "  --trim               trim all pageable memory at every clock tick, so\n"
    "                       that paged memory touched at DISPATCH_LEVEL is\n"
    "                       seldom resident\n"
    "  --pool-report        at the end (also after a stop or a hang), print\n"
    "                       pool usage by tag as poolmon does: allocations,\n"
    "                       frees, their difference and bytes in use\n"
    "  --kd                 stop at a bug check (after its screen) and at\n"
    "                       a breakpoint (DbgBreakPoint) with a kd> prompt\n"
    "                       reading commands from standard input (? lists\n"
    "                       them; g goes on, q or the input's end leaves)\n"
    "  --privilege NAME     give the programs run from the command line the\n"
    "                       privilege NAME (load-driver: SeLoadDriverPrivilege,\n"
    "                       for NtLoadDriver and NtUnloadDriver); they have\n"
    "                       none without it; repeatable\n"
    "  --child-test SUITE.NAME\n"
    "                       run that one in-kernel test in this boot and exit\n"
    "                       with the stop it makes (how a test that must stop\n"
    "                       the system is run, in a child boot)\n"
    "  --verifier[=CLASS,...]  Driver Verifier's checks for every loaded\n"
    "                       driver (without CLASSes: standard); a violation\n"
    "                       stops the system with Driver Verifier's code.\n"
    "                       CLASSes: " VERIFIER_CLASS_NAMES "\n"
    "  --verifier-driver NAME.sys  verify only that driver (implies\n"
    "                       --verifier when it is not given)\n"
    "  --verifier-special=start|end  put special pool's guard page after\n"
    "                       each block (end, the default) or before it\n"
    "  --verifier-faults 1/N  lowres: fail one request in N of verified\n"
    "                       drivers, drawn from --seed (implies lowres)\n"
    "  --trace FILE         write a timeline of the run to FILE: Chrome\n"
    "                       trace events (open it in Perfetto or\n"
    "                       chrome://tracing), on the virtual clock; with\n"
    "                       the tour or a scenario, every boot's, in turn\n"
    "  --quiet              the tour and scenarios: one line per scenario\n"
    "  --timeout S          stop a boot that runs longer than S seconds of\n"
    "                       host time (1 to 86400): exit 5, after a report\n"
    "                       of what each thread was doing\n"
    "  --status-file FILE   write ntlab's own exit status and the program's\n"
    "                       apart to FILE: lines 'ntlab=N' and 'program=M'\n"
    "                       (M empty when no program ended)\n"
    "  --tap                run, scenarios, the tour and explore: TAP on\n"
    "                       stdout, a line per program, scenario or seed\n"
    "                       (its output as # comments; explore: a failing\n"
    "                       seed's) (docs/ci.md)\n"
    "  --junit FILE         the same results as JUnit XML in FILE\n"
    "  --platform hosted|pc where the kernel runs: this process (hosted,\n"
    "                       the default) or an i386 machine under\n"
    "                       qemu-system-i386 (pc: the test, report and\n"
    "                       --child-test commands so far; docs/pc.md)\n"
    "  --help, --version\n"
    "\n"
    "exit status: 0 success, 1 a test failed, 2 bad input, 3 the system\n"
    "stopped (bug check), 4 the system hung (every thread waits for ever),\n"
    "5 --timeout ran out; the tour and scenarios: 1 when an expectation did\n"
    "not hold; explore: 1 when a seed failed; run PROGRAM: PROGRAM's exit\n"
    "status when it ended and nothing else went wrong (1 when it is not\n"
    "from 0 to 255), so that a program's 3 looks like a stop: --status-file\n"
    "tells them apart\n";

static hosted_options opts;
static bool platform_pc; /* --platform pc */
static char run_line[4096];

/* The host-side commands: the tour, list, and run of a scenario. */
static enum { BOOT, TOUR, LIST, SCENARIO } host_command = BOOT;
static const char *scenario_word;
static scenario_style style;
static char *forwarded[24]; /* the boot options given, for scenario boots */

static bool is_option(const char *arg, const char *name);
static const char *option_value(int argc, char **argv, int *i,
                                const char *name);
static long parse_number(const char *text, long lo, long hi);

/* explore, --tap and --junit: what the supervisor is asked (explore.c),
 * and the words of the command line its children do not repeat. */
static explore_request sup;
static bool *dropped, *seed_word;
static const char *status_file;

static void drop(int from, int to)
{
    for (; from <= to; from++)
        dropped[from] = true;
}

/* Keeps argv[from..to] when argv[from] is an option that a scenario's
 * boots repeat. */
static void forward(char **argv, int from, int to)
{
    static const char *const boot_options[] = {
        "--memory",   "--pagefile",        "--seed",
        "--realtime", "--trim",            "--strict",
        "--privilege", "--verifier",       "--verifier-driver",
        "--verifier-special", "--verifier-faults", "--pool-report",
        "--timeout", "--no-points",
    };
    size_t k;

    for (k = 0; k < ARRAYSIZE(boot_options); k++)
        if (is_option(argv[from], boot_options[k]))
            break;
    for (; k < ARRAYSIZE(boot_options) && from <= to; from++)
        if (style.option_count < (int)ARRAYSIZE(forwarded))
            forwarded[style.option_count++] = argv[from];
}

/* Adds FILE as a boot module (--program, --driver, run's PROGRAM) and
 * returns the name the kernel knows it by (its file name). */
static const char *add_module(const char *file, const char *option)
{
    const char *name = strrchr(file, '/');

    if (opts.program_count == (int)ARRAYSIZE(opts.programs))
        hosted_die("too many %s files (at most %d in all)", option,
                   (int)ARRAYSIZE(opts.programs));
    opts.programs[opts.program_count++] = file;
    return name != NULL ? name + 1 : file;
}

static void add_driver(const char *file)
{
    const char *name = add_module(file, "--driver");
    size_t n = strlen(name);

    if (n < 5 || strcmp(name + n - 4, ".sys") != 0)
        hosted_die("--driver: '%s' is not a .sys file", file);
    if (opts.boot.driver_count == ARRAYSIZE(opts.boot.drivers))
        hosted_die("too many --driver files (at most %d)",
                   (int)ARRAYSIZE(opts.boot.drivers));
    opts.boot.drivers[opts.boot.driver_count++] = name;
}

/* run PROGRAM ARG...: the command line the kernel starts (arguments with
 * blanks quoted). A PROGRAM that names a host file becomes a module. */
static void set_run(int argc, char **argv, int first)
{
    const char *program = argv[first];
    size_t used = 0;
    int i;

    if (strchr(program, '/') != NULL || access(program, R_OK) == 0)
        program = add_module(program, "program");
    for (i = first; i < argc; i++) {
        const char *word = i == first ? program : argv[i];
        bool quote = strpbrk(word, " \t") != NULL || word[0] == '\0';
        int n = snprintf(run_line + used, sizeof run_line - used,
                         quote ? "%s\"%s\"" : "%s%s", used ? " " : "", word);

        if (n < 0 || (size_t)n >= sizeof run_line - used)
            hosted_die("run: the command line is too long");
        if (strchr(word, '"') != NULL)
            hosted_die("run: an argument cannot hold '\"'");
        used += (size_t)n;
    }
    opts.boot.command = "run";
    opts.boot.argument = run_line;
}
static char memory_arg[24], seed_arg[24], pagefile_arg[24];

/* --privilege NAME: the privileges ntlab's services check, by ntlab's name
 * and NT's. */
static void add_privilege(const char *name)
{
    static const struct {
        const char *name, *nt_name;
        int value;
    } known[] = {
        {"load-driver", "SeLoadDriverPrivilege", 10},
    };
    size_t k;

    for (k = 0; k < ARRAYSIZE(known); k++) {
        if (strcmp(name, known[k].name) == 0 ||
            strcmp(name, known[k].nt_name) == 0) {
            opts.boot.privileges |= 1u << known[k].value;
            return;
        }
    }
    hosted_die("--privilege: '%s' is not a privilege ntlab knows "
               "(load-driver)",
               name);
}

/* Parses a whole decimal number in [lo, hi]; -1 when it is not one. */
static long parse_number(const char *text, long lo, long hi)
{
    char *end;
    long v;

    if (text[0] < '0' || text[0] > '9')
        return -1;
    v = strtol(text, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    return v;
}

static void set_seed(const char *value)
{
    char *end = (char *)value;
    unsigned long long seed = 0;

    if (value[0] >= '0' && value[0] <= '9')
        seed = strtoull(value, &end, 0);
    if (*end != '\0' || end == value)
        hosted_die("--seed: '%s' is not a whole number", value);
    opts.boot.seed = seed;
    snprintf(seed_arg, sizeof seed_arg, "%llu", seed);
}

static void set_pagefile(const char *value)
{
    long mb = parse_number(value, 0, PAGEFILE_MAX_MB);

    if (mb < 0)
        hosted_die("--pagefile: '%s' is not a size in MiB from 0 to %d", value,
                   PAGEFILE_MAX_MB);
    opts.boot.pagefile_pages = (ULONG)mb * 256;
    snprintf(pagefile_arg, sizeof pagefile_arg, "%ld", mb);
}

static void set_memory(const char *value)
{
    long mb = parse_number(value, MEMORY_MIN_MB, MEMORY_MAX_MB);

    if (mb < 0)
        hosted_die("--memory: '%s' is not a size in MiB from %d to %d", value,
                   MEMORY_MIN_MB, MEMORY_MAX_MB);
    opts.boot.ram_pages = (ULONG)mb * 256;
    snprintf(memory_arg, sizeof memory_arg, "%ld", mb);
}

/* --timeout S: the watchdog's seconds of host time. */
static void set_timeout(const char *value)
{
    long s = parse_number(value, 1, 86400);

    if (s < 0)
        hosted_die("--timeout: '%s' is not a number of seconds from 1 to "
                   "86400",
                   value);
    opts.timeout_s = (unsigned)s;
    sup.timeout = (int)s;
}

/* --seeds A-B (or A): whole numbers, A <= B, at most a million seeds. */
static void set_seeds(const char *value)
{
    char *end;
    unsigned long long a, b;

    a = value[0] >= '0' && value[0] <= '9' ? strtoull(value, &end, 10) : 0;
    if (value[0] < '0' || value[0] > '9' ||
        (*end != '\0' && (*end != '-' || end[1] < '0' || end[1] > '9')))
        hosted_die("--seeds: '%s' is not a range A-B of seeds", value);
    b = *end == '-' ? strtoull(end + 1, &end, 10) : a;
    if (*end != '\0' || b < a || b - a >= 1000000 || b == ULLONG_MAX)
        hosted_die("--seeds: '%s' is not a range A-B of seeds (A <= B, at "
                   "most 1000000 of them)",
                   value);
    sup.first = a;
    sup.last = b;
    sup.seeds_given = true;
}

/* --shard K/N: 1 <= K <= N <= 1000. */
static void set_shard(const char *value)
{
    const char *slash = strchr(value, '/');
    char k_text[16];
    long k = -1, n = -1;

    if (slash != NULL && slash - value < (long)sizeof k_text) {
        snprintf(k_text, sizeof k_text, "%.*s", (int)(slash - value), value);
        k = parse_number(k_text, 1, 1000);
        n = parse_number(slash + 1, 1, 1000);
    }
    if (k < 0 || n < 0 || k > n)
        hosted_die("--shard: '%s' is not K/N with 1 <= K <= N <= 1000", value);
    sup.shard = (int)k;
    sup.shards = (int)n;
}

/* Takes one of the supervisor's options at argv[*i]; FALSE if none. */
static bool supervisor_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    long jobs;

    if (is_option(a, "--seeds")) {
        set_seeds(option_value(argc, argv, i, "--seeds"));
    } else if (is_option(a, "--shard")) {
        set_shard(option_value(argc, argv, i, "--shard"));
    } else if (is_option(a, "--jobs")) {
        a = option_value(argc, argv, i, "--jobs");
        jobs = parse_number(a, 1, 256);
        if (jobs < 0)
            hosted_die("--jobs: '%s' is not a number from 1 to 256", a);
        sup.jobs = (int)jobs;
    } else if (strcmp(a, "--tap") == 0) {
        sup.tap = true;
    } else if (is_option(a, "--junit")) {
        sup.junit = option_value(argc, argv, i, "--junit");
        if (sup.junit[0] == '\0')
            hosted_die("--junit: name a file");
    } else if (is_option(a, "--status-file")) {
        status_file = option_value(argc, argv, i, "--status-file");
    } else {
        return false;
    }
    return true;
}

/* The --verifier options as given, for child boots. */
static const char *verifier_args[8];
static int verifier_arg_count;

/* --verifier[=CLASS,...]: the classes named (value NULL: standard). */
static void set_verifier(const char *value)
{
    const char *at = value != NULL ? value : "standard";
    size_t n, k;

    while (*at != '\0') {
        n = strcspn(at, ",");
        for (k = 0; k < ARRAYSIZE(verifier_classes); k++)
            if (strlen(verifier_classes[k].name) == n &&
                strncmp(verifier_classes[k].name, at, n) == 0)
                break;
        if (k == ARRAYSIZE(verifier_classes))
            hosted_die("--verifier: '%.*s' is not a class (%s)", (int)n, at,
                       VERIFIER_CLASS_NAMES);
        opts.boot.verifier |= verifier_classes[k].bits;
        at += n + (at[n] == ',');
    }
    if (opts.boot.verifier == 0)
        hosted_die("--verifier=: name at least one class (%s)",
                   VERIFIER_CLASS_NAMES);
}

static void set_verifier_driver(const char *value)
{
    size_t n = strlen(value);

    if (n < 5 || n > 60 || strcasecmp(value + n - 4, ".sys") != 0 ||
        strchr(value, '/') != NULL)
        hosted_die("--verifier-driver: '%s' is not a driver's file name "
                   "(NAME.sys)", value);
    opts.boot.verifier_driver = value;
}

/* --verifier-faults 1/N: N from 1 to 1000000; turns lowres on. */
static void set_verifier_faults(const char *value)
{
    long n = strncmp(value, "1/", 2) == 0 ? parse_number(value + 2, 1, 1000000)
                                          : -1;

    if (n < 0)
        hosted_die("--verifier-faults: '%s' is not 1/N with N from 1 to "
                   "1000000",
                   value);
    opts.boot.verifier_faults = (ULONG)n;
    opts.boot.verifier |= HAL_VERIFIER_LOWRES;
}

static void set_verifier_special(const char *value)
{
    if (strcmp(value, "start") != 0 && strcmp(value, "end") != 0)
        hosted_die("--verifier-special: '%s' is neither start nor end", value);
    opts.boot.verifier_special_start = strcmp(value, "start") == 0;
}

/* Returns the value of option argv[*i] (given as --opt=V or --opt V). */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);

    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        hosted_die("%s needs a value (try 'ntlab --help')", name);
    return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);

    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* Takes the command and its argument from the words left. */
static void set_command(int nwords, char **words)
{
    if (nwords == 0) {
        host_command = TOUR;
        return;
    }
    if (strcmp(words[0], "report") == 0 || strcmp(words[0], "list") == 0) {
        if (nwords > 1)
            hosted_die("%s takes no argument, not '%s'", words[0], words[1]);
        if (strcmp(words[0], "list") == 0)
            host_command = LIST;
        else
            opts.boot.command = "report";
        return;
    }
    if (strcmp(words[0], "help") == 0) {
        fputs(usage, stdout);
        exit(0);
    }
    if (strcmp(words[0], "modules") == 0) {
        if (nwords > 1)
            hosted_die("modules takes no argument, not '%s'", words[1]);
        opts.boot.command = "modules";
        return;
    }
    if (strcmp(words[0], "test") != 0)
        hosted_die("unknown command '%s' (try 'ntlab --help')", words[0]);
    if (nwords > 2)
        hosted_die("test takes one SUITE or SUITE.NAME, not '%s'", words[2]);
    opts.boot.command = "test";
    if (nwords == 2 && strcmp(words[1], "--list") == 0)
        opts.boot.command = "test-list";
    else if (nwords == 2)
        opts.boot.argument = words[1];
}

/* The tour, list and run of a scenario: the host runs child boots. */
static int host_side(int command)
{
    if (opts.program_count > 0)
        hosted_die("--driver and --program do not go with scenarios (a "
                   "scenario names its own drivers and programs)");
    style.options = forwarded;
    style.colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
                   (getenv("TERM") == NULL || strcmp(getenv("TERM"), "dumb"));
    if (command == LIST)
        return scenario_list();
    if (command == SCENARIO)
        return scenario_run(scenario_word, &style);
    return scenario_tour(&style);
}

/* run SCENARIO, or run PROGRAM ARG... (everything after PROGRAM is its). */
static void set_run_command(int argc, char **argv, int at)
{
    if (at >= argc)
        hosted_die("run needs a SCENARIO or a PROGRAM (try 'ntlab --help')");
    if (!scenario_is_one(argv[at])) {
        set_run(argc, argv, at);
        return;
    }
    if (at + 1 < argc)
        hosted_die("run %s: a scenario takes no arguments, not '%s'", argv[at],
                   argv[at + 1]);
    host_command = SCENARIO;
    scenario_word = argv[at];
}

/* Takes one --verifier option at argv[*i] (and its value); FALSE if it is
 * none. */
static bool verifier_option(int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int from = *i;

    if (strcmp(a, "--verifier") == 0)
        set_verifier(NULL);
    else if (strncmp(a, "--verifier=", 11) == 0)
        set_verifier(a + 11);
    else if (is_option(a, "--verifier-driver"))
        set_verifier_driver(option_value(argc, argv, i, "--verifier-driver"));
    else if (is_option(a, "--verifier-special"))
        set_verifier_special(
            option_value(argc, argv, i, "--verifier-special"));
    else if (is_option(a, "--verifier-faults"))
        set_verifier_faults(option_value(argc, argv, i, "--verifier-faults"));
    else
        return false;
    for (; from <= *i; from++)
        if (verifier_arg_count < (int)ARRAYSIZE(verifier_args))
            verifier_args[verifier_arg_count++] = argv[from];
    return true;
}

/* Takes one boot option at argv[*i] (and its value); FALSE if it is none. */
static bool boot_option(int argc, char **argv, int *i, const char **pagefile)
{
    const char *a = argv[*i];

    if (is_option(a, "--memory"))
        set_memory(option_value(argc, argv, i, "--memory"));
    else if (is_option(a, "--pagefile"))
        *pagefile = option_value(argc, argv, i, "--pagefile");
    else if (is_option(a, "--seed")) {
        seed_word[*i] = true;
        set_seed(option_value(argc, argv, i, "--seed"));
        seed_word[*i] = true;
    } else if (is_option(a, "--timeout"))
        set_timeout(option_value(argc, argv, i, "--timeout"));
    else if (strcmp(a, "--realtime") == 0)
        opts.boot.realtime = TRUE;
    else if (strcmp(a, "--no-points") == 0)
        opts.boot.no_points = TRUE;
    else if (strcmp(a, "--trim") == 0)
        opts.boot.trim = TRUE;
    else if (strcmp(a, "--strict") == 0)
        opts.boot.strict = TRUE;
    else if (strcmp(a, "--pool-report") == 0)
        opts.boot.pool_report = TRUE;
    else if (strcmp(a, "--kd") == 0)
        opts.boot.kd = TRUE;
    else if (is_option(a, "--privilege"))
        add_privilege(option_value(argc, argv, i, "--privilege"));
    else if (is_option(a, "--program"))
        add_module(option_value(argc, argv, i, "--program"), "--program");
    else if (is_option(a, "--driver"))
        add_driver(option_value(argc, argv, i, "--driver"));
    else if (verifier_option(argc, argv, i))
        ;
    else
        return false;
    return true;
}

/* --trace FILE: the boot's own timeline, or (the tour, scenarios) that of
 * every boot the host runs. An empty name is refused here; one that
 * cannot be written is refused when it is opened. */
static void set_trace(const char *file)
{
    if (file[0] == '\0')
        hosted_die("--trace: name a file");
    opts.trace_path = file;
    opts.boot.trace = TRUE;
    style.trace = file;
}

/* --trace-boot N:LABEL (the scenario runner's, for each boot): write the
 * events only, with boot N's process numbers and LABEL in track names. */
static void set_trace_boot(const char *value)
{
    char *end;
    unsigned long n = strtoul(value, &end, 10);

    if (end == value || *end != ':' || n > 1000)
        hosted_die("--trace-boot: '%s' is not N:LABEL", value);
    opts.trace_fragment = true;
    opts.boot.trace_boot = (ULONG)n;
    opts.boot.trace_label = end + 1;
}

/* Reads the command line: options into opts, the command's words into
 * words (at most 4; their count returned). Returns the --pagefile value
 * given, or NULL, in *pagefile. */
static int parse_arguments(int argc, char **argv, char **words,
                           const char **pagefile)
{
    int nwords = 0, i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int from = i;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if (strcmp(a, "--version") == 0) {
            printf("ntlab 0.1 (hosted, x86-64; guest window at %#lx)\n",
                   (unsigned long)NTLAB_VA_BASE);
            exit(0);
        } else if (boot_option(argc, argv, &i, pagefile)) {
            forward(argv, from, i);
        } else if (supervisor_option(argc, argv, &i)) {
            drop(from, i);
        } else if (nwords == 0 && !sup.explore && strcmp(a, "explore") == 0) {
            sup.explore = true;
            drop(from, i);
        } else if (is_option(a, "--trace")) {
            set_trace(option_value(argc, argv, &i, "--trace"));
        } else if (is_option(a, "--trace-boot")) {
            set_trace_boot(option_value(argc, argv, &i, "--trace-boot"));
        } else if (is_option(a, "--platform")) {
            const char *p = option_value(argc, argv, &i, "--platform");

            if (strcmp(p, "pc") != 0 && strcmp(p, "hosted") != 0)
                hosted_die("--platform: '%s' is neither hosted nor pc", p);
            platform_pc = strcmp(p, "pc") == 0;
        } else if (strcmp(a, "--quiet") == 0) {
            style.quiet = true;
        } else if (nwords == 0 && strcmp(a, "run") == 0) {
            sup.run_at = i;
            set_run_command(argc, argv, i + 1);
            break;
        } else if (is_option(a, "--child-test")) {
            opts.boot.command = "child-test";
            opts.boot.argument = option_value(argc, argv, &i, "--child-test");
        } else if (a[0] == '-' && strcmp(a, "--list") != 0) {
            hosted_die("unknown option '%s' (try 'ntlab --help')", a);
        } else if (nwords < 4) {
            words[nwords++] = argv[i];
        } else {
            hosted_die("too many arguments (try 'ntlab --help')");
        }
    }
    return nwords;
}

/* The options a child boot (a stop test) repeats: the modules, not the
 * driver loads, since a child boot runs one test. */
static void set_child_args(void)
{
    int i = 6, n;

    opts.child_args[0] = "--memory";
    opts.child_args[1] = memory_arg;
    opts.child_args[2] = "--seed";
    opts.child_args[3] = seed_arg;
    opts.child_args[4] = "--pagefile";
    opts.child_args[5] = pagefile_arg;
    if (opts.boot.realtime)
        opts.child_args[i++] = "--realtime";
    if (opts.boot.no_points)
        opts.child_args[i++] = "--no-points";
    if (opts.boot.trim)
        opts.child_args[i++] = "--trim";
    if (opts.boot.strict)
        opts.child_args[i++] = "--strict";
    for (n = 0; n < verifier_arg_count; n++)
        opts.child_args[i++] = verifier_args[n];
    for (n = 0; n < opts.program_count; n++) {
        opts.child_args[i++] = "--program";
        opts.child_args[i++] = opts.programs[n];
    }
    opts.child_args[i] = NULL;
}

/* explore, or run, a scenario or the tour with --tap or --junit: this
 * process supervises child ntlabs (explore.c). Returns the exit status. */
static int supervise(int argc, char **argv)
{
    int i;

    if (!sup.explore && (sup.seeds_given || sup.jobs > 0 || sup.shards > 0))
        hosted_die("--seeds, --jobs and --shard go with explore");
    if (sup.explore && !sup.seeds_given)
        hosted_die("explore needs --seeds A-B (try 'ntlab --help')");
    if (style.trace != NULL)
        hosted_die("--trace does not go with %s (replay one seed with it)",
                   sup.explore ? "explore" : "--tap or --junit");
    if (!sup.explore && host_command == BOOT &&
        strcmp(opts.boot.command, "run") != 0)
        hosted_die("--tap and --junit go with run, scenarios, the tour and "
                   "explore");
    for (i = 0; sup.explore && i < argc; i++)
        dropped[i] |= seed_word[i];
    sup.argc = argc;
    sup.argv = argv;
    sup.dropped = dropped;
    sup.tour = !sup.explore && host_command == TOUR;
    if (sup.run_at > 0)
        sup.name = argv[sup.run_at + 1];
    return explore_main(&sup);
}

int main(int argc, char **argv)
{
    char *words[4], twice[16];
    const char *pagefile = NULL;
    int nwords;

    opts.self = "/proc/self/exe";
    dropped = calloc((size_t)argc + 1, sizeof *dropped);
    seed_word = calloc((size_t)argc + 1, sizeof *seed_word);
    if (dropped == NULL || seed_word == NULL)
        hosted_die("out of memory");
    set_memory("64");
    set_seed("1");
    nwords = parse_arguments(argc, argv, words, &pagefile);
    if (pagefile == NULL) {
        snprintf(twice, sizeof twice, "%u", opts.boot.ram_pages / 128);
        pagefile = twice;
    }
    set_pagefile(pagefile);
    if (opts.boot.verifier_driver != NULL && opts.boot.verifier == 0)
        set_verifier(NULL);
    if (nwords > 0 && (host_command == SCENARIO || opts.boot.command))
        hosted_die("%s takes no other command",
                   host_command == SCENARIO ||
                           strcmp(opts.boot.command, "run") == 0
                       ? "run"
                       : "--child-test");
    if (opts.boot.command == NULL && host_command == BOOT)
        set_command(nwords, words);
    /* The prompt reads standard input in one boot; the tour, scenarios
     * and explore run many. */
    if (opts.boot.kd && (host_command != BOOT || sup.explore || sup.tap ||
                         sup.junit != NULL || sup.seeds_given))
        hosted_die("--kd goes with one boot (run, test, modules, "
                   "--child-test), not the tour, a scenario or explore");
    if (platform_pc && (sup.explore || sup.tap || sup.junit != NULL ||
                        sup.seeds_given || sup.jobs > 0 || sup.shards > 0 ||
                        status_file != NULL))
        hosted_die("--platform pc: explore, --tap, --junit, --seeds, --jobs, "
                   "--shards and --status-file are not on pc yet");
    if (host_command != BOOT && platform_pc && host_command != LIST)
        hosted_die("--platform pc: the tour and scenarios need user mode "
                   "and drivers, which pc does not have yet (docs/pc.md)");
    if (status_file != NULL)
        hosted_status_file(status_file);
    if (sup.explore || sup.tap || sup.junit != NULL || sup.seeds_given ||
        sup.jobs > 0 || sup.shards > 0)
        hosted_exit(supervise(argc, argv));
    if (host_command != BOOT)
        hosted_exit(host_side(host_command));
    set_child_args();
    if (platform_pc)
        exit(pc_run(&opts));
    hosted_start(&opts);
}
