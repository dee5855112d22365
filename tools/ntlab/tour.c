/*
 * Running scenarios: each boot is a child ntlab whose output (stdout and
 * stderr together), exit status and stop line are checked against the
 * boot's expectations. The tour runs every built-in scenario in turn,
 * narrated; a boot that stops the system is just a boot that ended, so the
 * tour goes on with the next.
 *
 * Longer lines are wrapped at the terminal's width (80 columns when stdout
 * is not a terminal). Colours only when stdout is a terminal (and NO_COLOR
 * is not set); a boot's own output is drawn plain, to be read.
 */
#define _GNU_SOURCE
#include "scenario_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WIDTH        80 /* when stdout is not a terminal */
#define WIDTH_MIN    40
#define MAX_OUTPUT   (4u << 20)
#define BOOT_TIMEOUT 300 /* seconds */

/* What a boot did. */
typedef struct outcome {
    char *output;
    size_t size;
    int status;   /* exit status; -1 killed by a signal, -2 timed out */
    bool stopped; /* a stop line was printed */
    unsigned long long stop[5];
} outcome;

/* ---- Showing things ---- */

static const scenario_style *style;

static const char *paint(const char *code)
{
    return style->colour ? code : "";
}

#define BOLD  paint("\033[1m")
#define RED   paint("\033[31m")
#define GREEN paint("\033[32m")
#define CYAN  paint("\033[36m")
#define OFF   paint("\033[0m")

/* The width lines are wrapped at: the terminal's, or WIDTH. */
static size_t width(void)
{
    static size_t columns;
    struct winsize ws;

    if (columns == 0) {
        columns = WIDTH;
        if (isatty(STDOUT_FILENO) &&
            ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
            ws.ws_col >= WIDTH_MIN)
            columns = ws.ws_col;
    }
    return columns;
}

/* Prints text (len bytes) after first, wrapping at width() with the rest of
 * the pieces after rest; colour around each piece. */
static void wrapped(const char *first, const char *rest, const char *colour,
                    const char *text, size_t len)
{
    const char *lead = first;

    do {
        size_t room = width() - strlen(lead), n = len < room ? len : room;
        size_t skip = 0;

        if (n < len) { /* break at a blank when there is one */
            size_t b = n;

            while (b > room / 2 && text[b] != ' ')
                b--;
            if (text[b] == ' ') {
                n = b;
                skip = 1;
            }
        }
        printf("%s%s%.*s%s\n", lead, colour, (int)n, text, OFF);
        text += n + skip;
        len -= n + skip;
        lead = rest;
    } while (len > 0);
}

static void show_says(const scenario *s, int before)
{
    int i, shown = 0;

    for (i = 0; i < s->say_count; i++) {
        if (s->says[i].before != before)
            continue;
        if (shown++ == 0)
            putchar('\n');
        if (s->says[i].text[0] == '\0')
            putchar('\n');
        else
            wrapped("  ", "  ", "", s->says[i].text, strlen(s->says[i].text));
    }
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

/* "$ ntlab --trim --driver x.sys run x.exe a b", as a user would type it. */
static void show_command(const boot *b)
{
    char line[1024];
    size_t used = 0;
    int i;

#define ADD(...)                                                         \
    do {                                                                 \
        int n_ = snprintf(line + used, sizeof line - used, __VA_ARGS__); \
        if (n_ > 0 && (size_t)n_ < sizeof line - used)                   \
            used += (size_t)n_;                                          \
    } while (0)
    ADD("$ ntlab");
    for (i = 0; i < style->option_count; i++)
        ADD(" %s", style->options[i]);
    for (i = 0; i < b->option_count; i++)
        ADD(" %s", b->options[i]);
    for (i = 0; i < b->driver_count; i++)
        ADD(" --driver %s", base_name(b->drivers[i]));
    ADD(" run %s", b->program_name);
    for (i = 0; i < b->arg_count; i++)
        ADD(strchr(b->args[i], ' ') ? " \"%s\"" : " %s", b->args[i]);
#undef ADD
    putchar('\n');
    wrapped("  ", "      ", CYAN, line, used);
}

/* The length of the output line at p (end is the output's end), and in
 * *next where the line after it starts. */
static size_t line_at(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));

    *next = nl != NULL ? nl + 1 : end;
    return nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
}

static void show_output(const outcome *o)
{
    const char *p = o->output, *end = o->output + o->size, *next;

    for (; p < end; p = next) {
        size_t n = line_at(p, end, &next);

        wrapped("  | ", "  |   ", "", p, n);
    }
}

/* ---- The trace of several boots ---- */

/* With --trace FILE, each boot writes its events to a fragment (FILE.PID.part,
 * with its own process numbers and its scenario's name in its tracks'),
 * which is appended to FILE once the boot has ended. */
static struct {
    FILE *file;
    char part[4200];
    char label[96];
    int boots;
    bool any; /* an event is in the file */
} joined;

/* Opens --trace FILE (one line and exit 2 when it cannot be written). */
static void trace_open(void)
{
    if (style->trace == NULL || joined.file != NULL)
        return;
    joined.file = fopen(style->trace, "w");
    if (joined.file == NULL) {
        fprintf(stderr, "ntlab: --trace: cannot write '%s': %s\n",
                style->trace, strerror(errno));
        exit(2);
    }
    snprintf(joined.part, sizeof joined.part, "%s.%d.part", style->trace,
             (int)getpid());
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", joined.file);
}

/* Appends the fragment of the boot that has ended, and removes it. */
static void trace_join(void)
{
    FILE *part;
    char chunk[65536];
    size_t n;
    bool first = true;

    if (joined.file == NULL || (part = fopen(joined.part, "r")) == NULL)
        return;
    while ((n = fread(chunk, 1, sizeof chunk, part)) > 0) {
        if (first && joined.any)
            fputs(",\n", joined.file);
        first = false;
        fwrite(chunk, 1, n, joined.file);
    }
    joined.any |= !first;
    fclose(part);
    unlink(joined.part);
}

/* Ends FILE; a failed write is said on stderr. */
static void trace_close(void)
{
    if (joined.file == NULL)
        return;
    fputs("]}\n", joined.file);
    if (fclose(joined.file) != 0)
        fprintf(stderr, "ntlab: --trace: cannot write '%s'\n", style->trace);
    joined.file = NULL;
}

/* ---- Running a boot ---- */

static void child(int fd, char **argv)
{
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
    execv("/proc/self/exe", argv);
    fprintf(stderr, "ntlab: cannot start a boot (%s)\n", strerror(errno));
    _exit(2);
}

static char **boot_argv(const boot *b)
{
    static char *argv[2 * MAX_OPTIONS + 2 * MAX_DRIVERS + MAX_ARGS + 64];
    int n = 0, i;

    argv[n++] = "ntlab";
    for (i = 0; i < style->option_count && n < 40; i++)
        argv[n++] = style->options[i];
    for (i = 0; i < b->option_count; i++)
        argv[n++] = b->options[i];
    for (i = 0; i < b->driver_count; i++) {
        argv[n++] = "--driver";
        argv[n++] = b->drivers[i];
    }
    if (joined.file != NULL) {
        argv[n++] = "--trace";
        argv[n++] = joined.part;
        argv[n++] = "--trace-boot";
        argv[n++] = joined.label;
    }
    argv[n++] = "run";
    argv[n++] = b->program;
    for (i = 0; i < b->arg_count; i++)
        argv[n++] = b->args[i];
    argv[n] = NULL;
    return argv;
}

/* Reads the child's output until it closes the pipe or time runs out. */
static bool collect(int fd, outcome *o)
{
    time_t deadline = time(NULL) + BOOT_TIMEOUT;
    char chunk[4096];
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    for (;;) {
        ssize_t n;

        if (time(NULL) >= deadline)
            return false;
        if (poll(&pfd, 1, 1000) <= 0)
            continue;
        n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        if (o->size + (size_t)n > MAX_OUTPUT)
            continue; /* drained, not kept */
        o->output = realloc(o->output, o->size + (size_t)n + 1);
        if (o->output == NULL)
            exit(2);
        memcpy(o->output + o->size, chunk, (size_t)n);
        o->size += (size_t)n;
        o->output[o->size] = '\0';
    }
}

/* The last "*** STOP: 0xCODE (0xP1,0xP2,0xP3,0xP4)" line, if any. */
static void find_stop(outcome *o)
{
    const char *p = o->output, *at = NULL;

    while (p != NULL && (p = strstr(p, "*** STOP: 0x")) != NULL)
        at = p++;
    if (at == NULL)
        return;
    o->stopped = sscanf(at, "*** STOP: 0x%llx (0x%llx,0x%llx,0x%llx,0x%llx)",
                        &o->stop[0], &o->stop[1], &o->stop[2], &o->stop[3],
                        &o->stop[4]) == 5;
}

static void run_boot(const boot *b, outcome *o)
{
    int fds[2], wstatus;
    pid_t pid;
    bool done;

    memset(o, 0, sizeof *o);
    fflush(stdout);
    if (pipe(fds) < 0 || (pid = fork()) < 0) {
        fprintf(stderr, "ntlab: cannot start a boot (%s)\n", strerror(errno));
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], boot_argv(b));
    }
    close(fds[1]);
    done = collect(fds[0], o);
    close(fds[0]);
    if (!done)
        kill(pid, SIGKILL);
    waitpid(pid, &wstatus, 0);
    o->status = !done ? -2 : WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    if (o->output == NULL)
        o->output = scn_strdup("");
    find_stop(o);
}

/* ---- Checking a boot ---- */

/* Does the whole of text (len bytes) match pattern, '*' any run? */
static bool glob(const char *pattern, const char *text, size_t len)
{
    const char *star = NULL, *resume = NULL, *end = text + len;

    while (text < end) {
        if (*pattern == '*') {
            star = ++pattern;
            resume = text;
        } else if (*pattern != '\0' && *pattern == *text) {
            pattern++;
            text++;
        } else if (star != NULL) {
            pattern = star;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* The first output line matching pattern (its length in *len), or NULL. */
static const char *matching_line(const outcome *o, const char *pattern,
                                 size_t *len)
{
    const char *p = o->output, *end = o->output + o->size, *next;

    for (; p < end; p = next) {
        size_t n = line_at(p, end, &next);

        if (glob(pattern, p, n)) {
            *len = n;
            return p;
        }
    }
    return NULL;
}

static void describe_end(const outcome *o, char *buf, size_t size)
{
    if (o->status == -2)
        snprintf(buf, size, "the boot did not end in %d s", BOOT_TIMEOUT);
    else if (o->status == -1)
        snprintf(buf, size, "ntlab was killed by a signal");
    else if (o->stopped)
        snprintf(buf, size, "stop 0x%08llX (0x%llX, 0x%llX, 0x%llX, 0x%llX)",
                 o->stop[0], o->stop[1], o->stop[2], o->stop[3], o->stop[4]);
    else
        snprintf(buf, size, "exit %d", o->status);
}

static bool stop_holds(const expect *e, const outcome *o)
{
    int i;

    if (!o->stopped || o->status != 3)
        return false;
    for (i = 0; i < e->stop_count; i++)
        if (!e->any[i] && e->stop[i] != o->stop[i])
            return false;
    return true;
}

/* Checks e; on failure prints the diff-like report and returns false. */
static bool check(const scenario *s, const expect *e, const outcome *o)
{
    char seen[160];
    const char *line;
    size_t len;

    switch (e->kind) {
    case EXPECT_EXIT:
        if (o->status == e->exit_status)
            return true;
        break;
    case EXPECT_STOP:
        if (stop_holds(e, o))
            return true;
        break;
    case EXPECT_LINE:
        if (matching_line(o, e->text, &len) != NULL)
            return true;
        break;
    case EXPECT_NO_LINE:
        if (matching_line(o, e->text, &len) == NULL)
            return true;
        break;
    }
    printf("%s  %s:%d: expect %s%s\n", RED, s->path, e->line, e->source, OFF);
    if (e->kind == EXPECT_LINE) {
        wrapped("  - ", "  - ", RED, e->text, strlen(e->text));
        printf("%s  + no line of the output matches it%s\n", RED, OFF);
        return false;
    }
    if (e->kind == EXPECT_NO_LINE) {
        line = matching_line(o, e->text, &len);
        wrapped("  + ", "  + ", RED, line, len);
        return false;
    }
    describe_end(o, seen, sizeof seen);
    printf("%s  - %s%s\n  + %s%s\n", RED, e->source, OFF, RED, seen);
    printf("%s", OFF);
    return false;
}

/* Checks every expectation of b (exit 0 when none says how it ends);
 * returns how many failed. */
static int check_boot(const scenario *s, const boot *b, const outcome *o)
{
    expect fallback = {
        .kind = EXPECT_EXIT, .line = b->line, .source = "exit 0 (the default)"};
    bool ending = false;
    int i, failed = 0;

    for (i = 0; i < b->expect_count; i++) {
        ending |= b->expects[i].kind == EXPECT_EXIT ||
                  b->expects[i].kind == EXPECT_STOP;
        failed += !check(s, &b->expects[i], o);
    }
    if (!ending)
        failed += !check(s, &fallback, o);
    return failed;
}

/* ---- Scenarios ---- */

/* Runs every boot of s, showing it unless quiet; how many expectations
 * failed. */
static int run_scenario(const scenario *s, const char *heading)
{
    int i, failed = 0;

    trace_open();
    if (!style->quiet) {
        char *line = scn_format("%s%s: %s", heading, s->name, s->title);

        wrapped("", "    ", BOLD, line, strlen(line));
        free(line);
    }
    for (i = 0; i < s->boot_count; i++) {
        const boot *b = &s->boots[i];
        outcome o;
        int f;

        if (!style->quiet) {
            show_says(s, i);
            show_command(b);
            fflush(stdout);
        }
        snprintf(joined.label, sizeof joined.label, "%d:%s boot %d",
                 ++joined.boots, s->name, i + 1);
        run_boot(b, &o);
        trace_join();
        if (!style->quiet)
            show_output(&o);
        f = check_boot(s, b, &o);
        if (!style->quiet && f == 0)
            printf("%s  ok: %s, as expected%s\n", GREEN,
                   o.stopped ? "the system stopped" : "the boot ended", OFF);
        failed += f;
        free(o.output);
    }
    if (!style->quiet)
        show_says(s, s->boot_count);
    return failed;
}

/* "ok      NAME         TITLE", wrapped under the title. */
static void summary_line(const scenario *s, int failed)
{
    char *line = scn_format("%-8s%-12s %s", failed == 0 ? "ok" : "FAILED",
                            s->name, s->title);

    wrapped("", "                     ", failed == 0 ? GREEN : RED, line,
            strlen(line));
    free(line);
}

int scenario_run(const char *word, const scenario_style *how)
{
    scenario *s = scn_load(word);
    int failed;

    style = how;
    if (s == NULL)
        return 2;
    failed = run_scenario(s, "");
    trace_close();
    if (style->quiet)
        summary_line(s, failed);
    else if (failed == 0)
        printf("\n%s%s: every expectation held.%s\n", GREEN, s->name, OFF);
    else
        printf("\n%s%s: %d expectation%s did not hold.%s\n", RED, s->name,
               failed, failed == 1 ? "" : "s", OFF);
    scn_free(s);
    return failed == 0 ? 0 : 1;
}

static const char intro[] =
    "The ntlab tour: NT's execution context, one scenario at a time.\n"
    "\n"
    "Each scenario loads a small example driver (drivers/NAME) and runs its\n"
    "program (user/programs/NAME.c) in a fresh boot of ntlab. The drivers'\n"
    "lines say where each of their routines ran: which process and thread\n"
    "were current, and at which IRQL. Some boots stop the system on purpose,\n"
    "with NT's stop screen; the tour then goes on with a fresh boot. Run one\n"
    "scenario alone with 'ntlab run NAME'; 'ntlab list' lists them.\n";

/* Frees names[from..n) and returns status. */
static int free_names(char **names, int from, int n, int status)
{
    for (; from < n; from++)
        free(names[from]);
    return status;
}

int scenario_tour(const scenario_style *how)
{
    char *names[MAX_SCENARIOS], heading[32];
    int n, i, failed = 0;

    style = how;
    n = scn_builtin_names(names, MAX_SCENARIOS);
    if (n == 0) {
        fprintf(stderr, "ntlab: no built-in scenarios in %s/scenarios\n",
                scn_exe_dir());
        return 2;
    }
    if (!style->quiet)
        printf("%s%s%s", BOLD, intro, OFF);
    for (i = 0; i < n; i++) {
        scenario *s = scn_load(names[i]);
        int f;

        if (s == NULL)
            return free_names(names, i, n, 2);
        snprintf(heading, sizeof heading, "[%d/%d] ", i + 1, n);
        if (!style->quiet)
            printf("\n%.*s\n", WIDTH - 2, /* the tour's rule: 78 at most */
                   "----------------------------------------"
                   "----------------------------------------");
        f = run_scenario(s, heading);
        if (style->quiet)
            summary_line(s, f);
        failed += f != 0;
        scn_free(s);
        free(names[i]);
    }
    trace_close();
    if (failed == 0)
        printf("\n%sThe tour is over: %d scenarios, every expectation "
               "held.%s\n",
               GREEN, n, OFF);
    else
        printf("\n%sThe tour is over: %d of %d scenarios did not go as "
               "expected.%s\n",
               RED, failed, n, OFF);
    return failed == 0 ? 0 : 1;
}

int scenario_list(void)
{
    static const scenario_style plain;
    char *names[MAX_SCENARIOS], *line;
    int n = scn_builtin_names(names, MAX_SCENARIOS), i;

    style = &plain;
    for (i = 0; i < n; i++) {
        scenario *s = scn_load(names[i]);

        if (s == NULL)
            return free_names(names, i, n, 2);
        line = scn_format("%-12s %s", s->name, s->title);
        wrapped("", "             ", "", line, strlen(line));
        free(line);
        scn_free(s);
        free(names[i]);
    }
    return 0;
}
