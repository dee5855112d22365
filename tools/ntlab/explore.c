/*
 * The supervisor: ntlab explore, and --tap and --junit.
 *
 * It runs child ntlabs (this executable) with the command line it was
 * given, less its own options: explore gives each child its own seed
 * (--seed N in place of any --seed), --tap and --junit alone give the one
 * run or scenario, or each of the tour's scenarios, a child. Each child
 * writes a status file (--status-file), so that ntlab's end (a stop, a
 * hang, a timeout) and its program's exit status are read apart.
 *
 * Children run J at a time, each in a process group of its own, their
 * output (stdout and stderr together) read through a pipe. The results
 * are reported in the order of the units, never in the order they ended,
 * so the output does not depend on the host's scheduling. explore stops
 * at the lowest failing seed: once seed s has failed, no seed above it is
 * started and those running are killed and not reported, while those
 * below it run to their end (one of them may fail too, and is then the
 * one reported).
 */
#define _GNU_SOURCE
#include "explore.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../hal/hosted/hosted.h"
#include "scenario_int.h"

#define TAIL_BYTES (64u << 10) /* kept of each child's output */
#define TAIL_LINES 20          /* shown of a failing one's */
#define GRACE_S    30          /* beyond --timeout before a child is killed */

typedef enum unit_state { PENDING, RUNNING, DONE, CANCELLED } unit_state;

/* One child: a seed, the run, or one of the tour's scenarios. */
typedef struct unit {
    char *name; /* "seed 17", "hello.exe", "timerdpc" */
    unsigned long long seed;
    unit_state state;
    pid_t pid;
    int fd;
    time_t started;
    bool killed; /* by the grace timer */
    char *out;   /* the tail of its output */
    size_t size;
    int wstatus;
    int ntlab;        /* from its status file; -1 when it wrote none */
    char program[16]; /* the program's status, "" for none */
    bool failed;
    char *why; /* a failure in one line */
} unit;

static const explore_request *req;
static unit *units;
static size_t unit_count;
static char status_dir[64];

/* ---- The children's command lines ---- */

/* The argv of unit u's child: ntlab, its seed (explore), its status file,
 * the words given (less the dropped ones), and for the tour "run NAME". */
static char **child_argv(const unit *u, char *seed_text, char *status_path)
{
    char **argv = calloc((size_t)req->argc + 8, sizeof *argv);
    int n = 0, i;

    if (argv == NULL) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
    argv[n++] = "ntlab";
    if (req->explore) {
        argv[n++] = "--seed";
        argv[n++] = seed_text;
    }
    argv[n++] = "--status-file";
    argv[n++] = status_path;
    for (i = 1; i < req->argc; i++)
        if (!req->dropped[i])
            argv[n++] = req->argv[i];
    if (req->tour) {
        argv[n++] = "run";
        argv[n++] = u->name;
    }
    argv[n] = NULL;
    return argv;
}

/* Appends word to line, in single quotes when the shell would read it
 * otherwise. */
static void append_quoted(char *line, size_t size, const char *word)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
                                "RSTUVWXYZ0123456789_-+=,./:@%^";
    size_t used = strlen(line);
    bool quote = word[0] == '\0' || word[strspn(word, plain)] != '\0';

    used += (size_t)snprintf(line + used, size - used, " %s", quote ? "'" : "");
    for (; *word != '\0' && used + 5 < size; word++) {
        if (*word == '\'')
            used += (size_t)snprintf(line + used, size - used, "'\\''");
        else
            line[used++] = *word;
    }
    snprintf(line + used, size - used, "%s", quote ? "'" : "");
}

/* "ntlab --seed N ..." that replays u. */
static void replay_line(const unit *u, char *line, size_t size)
{
    int i;

    snprintf(line, size, "ntlab --seed %llu", u->seed);
    for (i = 1; i < req->argc; i++)
        if (!req->dropped[i])
            append_quoted(line, size, req->argv[i]);
}

/* ---- Running them ---- */

static void status_path(const unit *u, char *path, size_t size)
{
    snprintf(path, size, "%s/%zu", status_dir, (size_t)(u - units));
}

static void start(unit *u)
{
    char seed_text[24], path[96];
    char **argv;
    int fds[2];

    snprintf(seed_text, sizeof seed_text, "%llu", u->seed);
    status_path(u, path, sizeof path);
    argv = child_argv(u, seed_text, path);
    fflush(stdout);
    if (pipe2(fds, O_CLOEXEC) < 0 || (u->pid = fork()) < 0) {
        fprintf(stderr, "ntlab: cannot start a child ntlab (%s)\n",
                strerror(errno));
        exit(2);
    }
    if (u->pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        setpgid(0, 0);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        /* Children of explore run at once: none may take the input. */
        if (req->explore && null >= 0)
            dup2(null, STDIN_FILENO);
        execv("/proc/self/exe", argv);
        fprintf(stderr, "ntlab: cannot start a child ntlab (%s)\n",
                strerror(errno));
        _exit(2);
    }
    setpgid(u->pid, u->pid);
    close(fds[1]);
    free(argv);
    u->fd = fds[0];
    u->state = RUNNING;
    u->started = time(NULL);
}

/* Keeps the last TAIL_BYTES of what the child wrote. */
static void keep(unit *u, const char *chunk, size_t n)
{
    if (u->out == NULL && (u->out = malloc(2 * TAIL_BYTES + 1)) == NULL) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
    if (n > TAIL_BYTES) {
        chunk += n - TAIL_BYTES;
        n = TAIL_BYTES;
    }
    if (u->size + n > 2 * TAIL_BYTES) {
        memmove(u->out, u->out + u->size - TAIL_BYTES, TAIL_BYTES);
        u->size = TAIL_BYTES;
    }
    memcpy(u->out + u->size, chunk, n);
    u->size += n;
    u->out[u->size] = '\0';
}

/* Reads the status file ntlab=N, program=M of u's child. */
static void read_status(unit *u)
{
    char path[96];
    FILE *f;

    u->ntlab = -1;
    u->program[0] = '\0';
    status_path(u, path, sizeof path);
    f = fopen(path, "r");
    if (f == NULL)
        return;
    if (fscanf(f, "ntlab=%d\nprogram=%15[^\n]", &u->ntlab, u->program) < 1)
        u->ntlab = -1;
    fclose(f);
    unlink(path);
}

/* The last output line that starts with (or holds) text; "" if none. */
static void find_line(const unit *u, const char *text, char *buf, size_t size)
{
    const char *p = u->out, *at = NULL;

    buf[0] = '\0';
    while (p != NULL && (p = strstr(p, text)) != NULL)
        at = p++;
    if (at == NULL)
        return;
    while (at > u->out && at[-1] != '\n')
        at--;
    at += strspn(at, " ");
    snprintf(buf, size, "%.*s", (int)strcspn(at, "\n"), at);
}

/* Decides whether u failed, and says why in one line. */
static void judge(unit *u)
{
    char line[200], why[260];

    read_status(u);
    u->failed = true;
    if (u->killed)
        snprintf(why, sizeof why,
                 "ntlab did not end %d s after its --timeout; killed", GRACE_S);
    else if (WIFSIGNALED(u->wstatus))
        snprintf(why, sizeof why, "ntlab was killed by signal %d (%s)",
                 WTERMSIG(u->wstatus), strsignal(WTERMSIG(u->wstatus)));
    else if (u->ntlab < 0)
        snprintf(why, sizeof why, "ntlab exited %d without a status",
                 WEXITSTATUS(u->wstatus));
    else if (u->ntlab == 0 && u->program[0] != '\0' &&
             strcmp(u->program, "0") != 0)
        snprintf(why, sizeof why, "the program exited %s", u->program);
    else if (u->ntlab == 0)
        u->failed = false;
    else if (u->ntlab == 3) {
        find_line(u, "*** STOP", line, sizeof line);
        snprintf(why, sizeof why, "the system stopped: %s", line);
    } else if (u->ntlab == 4)
        snprintf(why, sizeof why,
                 "the system hung: every thread waits for ever");
    else if (u->ntlab == 5)
        snprintf(why, sizeof why,
                 "timed out: it ran longer than %d s (--timeout)",
                 req->timeout);
    else if (u->ntlab == 1 &&
             (find_line(u, ": expect ", line, sizeof line), line[0] != '\0'))
        snprintf(why, sizeof why, "an expectation failed: %s", line);
    else if (u->ntlab == 2 &&
             (find_line(u, "ntlab: ", line, sizeof line), line[0] != '\0'))
        snprintf(why, sizeof why, "bad input: %s", line);
    else
        snprintf(why, sizeof why, "ntlab exited %d", u->ntlab);
    if (u->failed)
        u->why = scn_strdup(why);
}

/* Kills every running unit above index (explore found a failure). */
static void cancel_above(size_t index)
{
    size_t i;

    for (i = index + 1; i < unit_count; i++)
        if (units[i].state == RUNNING) {
            kill(-units[i].pid, SIGKILL);
            units[i].state = CANCELLED;
        }
}

/* Reads what a running unit wrote; at its end, waits for it and judges it.
 * Returns TRUE when it has ended. */
static bool drain(unit *u)
{
    char chunk[16384];
    ssize_t n = read(u->fd, chunk, sizeof chunk);

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return false;
    if (n > 0) {
        keep(u, chunk, (size_t)n);
        return false;
    }
    close(u->fd);
    u->fd = -1;
    while (waitpid(u->pid, &u->wstatus, 0) < 0 && errno == EINTR)
        ;
    if (u->state == CANCELLED) {
        char path[96];

        status_path(u, path, sizeof path);
        unlink(path);
        return true;
    }
    u->state = DONE;
    judge(u);
    return true;
}

/* Kills children that outlived their --timeout by GRACE_S seconds. */
static void watch_deadlines(void)
{
    time_t now = time(NULL);
    size_t i;

    if (req->timeout <= 0)
        return;
    for (i = 0; i < unit_count; i++) {
        unit *u = &units[i];

        if (u->state == RUNNING && !u->killed &&
            now - u->started > req->timeout + GRACE_S) {
            kill(-u->pid, SIGKILL);
            u->killed = true;
        }
    }
}

/* ---- Reporting ---- */

static FILE *cases; /* the JUnit testcases so far (a memory stream) */
static char *cases_text;
static size_t cases_size;
static int case_count, failure_count;

static const char *unit_name(const unit *u, char *buf, size_t size)
{
    if (u->name != NULL)
        return u->name;
    snprintf(buf, size, "seed %llu", u->seed);
    return buf;
}

/* Writes text (n bytes) as XML character data: markup escaped, and what
 * XML 1.0 cannot hold (control characters, bytes that are not ASCII,
 * which need not be UTF-8) as '?'. */
static void xml_text(FILE *f, const char *text, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t'))
            fputc('?', f);
        else
            fputc(c, f);
    }
}

static void junit_case(const unit *u, const char *name)
{
    char replay[4096];

    if (req->junit == NULL)
        return;
    case_count++;
    fputs("    <testcase classname=\"ntlab\" name=\"", cases);
    xml_text(cases, name, strlen(name));
    fputs("\">\n", cases);
    if (u->failed) {
        failure_count++;
        fputs("      <failure message=\"", cases);
        xml_text(cases, u->why, strlen(u->why));
        fputs("\">", cases);
        if (req->explore) {
            replay_line(u, replay, sizeof replay);
            fputs("replay: ", cases);
            xml_text(cases, replay, strlen(replay));
        }
        fputs("</failure>\n", cases);
    }
    fputs("      <system-out>", cases);
    xml_text(cases, u->out != NULL ? u->out : "", u->size);
    fputs("</system-out>\n    </testcase>\n", cases);
}

/* Prints text's lines after lead, the last max of them (0: all). */
static void print_lines(FILE *f, const char *lead, const char *text,
                        size_t size, int max)
{
    const char *p = text, *end = text + size;
    int lines = 0;

    if (text == NULL)
        return;
    if (max > 0)
        for (p = end; p > text; p--)
            if (p[-1] == '\n' && p != end && ++lines == max)
                break;
    while (p < end) {
        size_t n = strcspn(p, "\n");

        fprintf(f, "%s%.*s\n", lead, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

/* Reports unit u, the number-th, once those before it are reported. */
static void report(unit *u, size_t number)
{
    char buf[32];
    const char *name = unit_name(u, buf, sizeof buf);

    if (req->tap) {
        printf("%s %zu - %s%s%s\n", u->failed ? "not ok" : "ok", number, name,
               u->failed ? ": " : "", u->failed ? u->why : "");
        if (!req->explore || u->failed)
            print_lines(stdout, "# ", u->out, u->size, 0);
        fflush(stdout);
    }
    junit_case(u, name);
}

/* The suite's name in the JUnit file: the command line, less ntlab. */
static void junit_write(void)
{
    FILE *f;
    int i;

    if (req->junit == NULL)
        return;
    fclose(cases);
    f = fopen(req->junit, "w");
    if (f == NULL) {
        fprintf(stderr, "ntlab: --junit: cannot write '%s': %s\n", req->junit,
                strerror(errno));
        exit(2);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
          "  <testsuite name=\"ntlab",
          f);
    for (i = 1; i < req->argc; i++) {
        if (req->dropped[i] && strcmp(req->argv[i], "explore") != 0)
            continue;
        fputc(' ', f);
        xml_text(f, req->argv[i], strlen(req->argv[i]));
    }
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n", case_count,
            failure_count);
    fwrite(cases_text, 1, cases_size, f);
    fputs("  </testsuite>\n</testsuites>\n", f);
    free(cases_text);
    if (fclose(f) != 0) {
        fprintf(stderr, "ntlab: --junit: cannot write '%s'\n", req->junit);
        exit(2);
    }
}

/* ---- The loop ---- */

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Starts units while fewer than jobs run and the failure explore found
 * (stop_at) is not reached. */
static void start_more(size_t *next, size_t stop_at, int *running, int jobs)
{
    while (*running < jobs && *next < stop_at && *next < unit_count) {
        start(&units[*next]);
        ++*next;
        ++*running;
    }
}

/* Waits for output or ends of the units in [from, to); handles them.
 * Updates *stop_at when explore's lowest failure moves down. */
static void step(size_t from, size_t to, int *running, size_t *stop_at,
                 struct pollfd *pfds, unit **which)
{
    int k = 0, j;
    size_t i;

    for (i = from; i < to; i++)
        if (units[i].fd >= 0 &&
            (units[i].state == RUNNING || units[i].state == CANCELLED)) {
            pfds[k].fd = units[i].fd;
            pfds[k].events = POLLIN;
            which[k++] = &units[i];
        }
    if (poll(pfds, (nfds_t)k, 1000) < 0 && errno != EINTR) {
        fprintf(stderr, "ntlab: poll: %s\n", strerror(errno));
        exit(2);
    }
    for (j = 0; j < k; j++) {
        unit *u = which[j];

        if (pfds[j].revents == 0 || !drain(u))
            continue;
        --*running;
        i = (size_t)(u - units);
        if (u->state == DONE && u->failed && req->explore && i < *stop_at) {
            *stop_at = i;
            cancel_above(i);
        }
    }
    watch_deadlines();
}

/* Runs every unit (explore: up to the lowest failing one) and reports
 * them in order. Returns the failing unit explore stopped at, or NULL. */
static unit *run_all(int jobs)
{
    size_t next = 0, reported = 0, stop_at = unit_count;
    struct pollfd *pfds = calloc((size_t)jobs, sizeof *pfds);
    unit **which = calloc((size_t)jobs, sizeof *which);
    int running = 0;

    if (pfds == NULL || which == NULL) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
    for (;;) {
        start_more(&next, stop_at, &running, jobs);
        while (reported < next && reported <= stop_at &&
               units[reported].state == DONE) {
            unit *u = &units[reported++];

            report(u, reported);
            if (req->explore && !u->failed) {
                free(u->out);
                u->out = NULL;
            }
        }
        if (running == 0)
            break;
        step(reported, next, &running, &stop_at, pfds, which);
    }
    free(pfds);
    free(which);
    return stop_at < unit_count ? &units[stop_at] : NULL;
}

/* ---- Interruption ---- */

/* The children are in process groups of their own, out of reach of the
 * terminal's ^C: a supervisor that is interrupted or killed off takes
 * them with it. */
static void on_interrupt(int sig)
{
    size_t i;

    for (i = 0; i < unit_count; i++)
        if (units[i].state == RUNNING || units[i].state == CANCELLED)
            kill(-units[i].pid, SIGKILL);
    rmdir(status_dir); /* when no status file is left in it */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_interrupts(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

/* ---- The units ---- */

static void add_unit(const char *name, unsigned long long seed)
{
    unit *u = &units[unit_count++];

    u->name = name != NULL ? scn_strdup(name) : NULL;
    u->seed = seed;
    u->fd = -1;
}

/* explore: the seeds of the range (of the shard: every N-th seed from
 * the K-th); else the run, or the tour's scenarios. */
static void make_units(void)
{
    unsigned long long n = req->last - req->first + 1, i;
    char *names[MAX_SCENARIOS];
    int count, k;

    if (req->explore) {
        units = calloc((size_t)n, sizeof *units);
        for (i = 0; units != NULL && i < n; i++)
            if (req->shards == 0 ||
                i % (unsigned)req->shards == (unsigned)req->shard - 1)
                add_unit(NULL, req->first + i);
    } else if (req->tour) {
        count = scn_builtin_names(names, MAX_SCENARIOS);
        if (count == 0) {
            fprintf(stderr, "ntlab: no built-in scenarios in %s/scenarios\n",
                    scn_exe_dir());
            exit(2);
        }
        units = calloc((size_t)count, sizeof *units);
        for (k = 0; units != NULL && k < count; k++) {
            add_unit(names[k], 0);
            free(names[k]);
        }
    } else {
        units = calloc(1, sizeof *units);
        if (units != NULL)
            add_unit(req->name != NULL ? req->name : "the tour", 0);
    }
    if (units == NULL) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
}

/* The lines explore ends with: the count, or the failing seed, the tail
 * of its output and its replay line. On stderr with --tap (stdout is the
 * TAP stream). */
static int explore_summary(const unit *failed, size_t passed)
{
    FILE *f = req->tap ? stderr : stdout;
    char replay[4096];

    if (failed == NULL) {
        fprintf(f, "explore: %zu seed%s passed\n", unit_count,
                unit_count == 1 ? "" : "s");
        return 0;
    }
    /* Bad input is the same for every seed: the child's own line. */
    if (failed->ntlab == 2) {
        print_lines(stderr, "", failed->out, failed->size, TAIL_LINES);
        return 2;
    }
    fprintf(f, "explore: seed %llu failed: %s\n", failed->seed, failed->why);
    fprintf(f, "explore: the last lines of its output:\n");
    print_lines(f, "  | ", failed->out, failed->size, TAIL_LINES);
    fprintf(f, "explore: %zu seed%s below it passed\n", passed,
            passed == 1 ? "" : "s");
    replay_line(failed, replay, sizeof replay);
    fprintf(f, "replay: %s\n", replay);
    return 1;
}

/* The exit status of a supervised run, scenario or tour. */
static int single_status(void)
{
    size_t i;
    int status = 0;

    if (req->tour) {
        for (i = 0; i < unit_count; i++) {
            if (units[i].ntlab == 2 || units[i].ntlab < 0)
                status = 2;
            else if (units[i].failed && status == 0)
                status = 1;
        }
        return status;
    }
    if (units[0].ntlab == 2)
        print_lines(stderr, "", units[0].out, units[0].size, TAIL_LINES);
    /* The child's two statuses become this ntlab's (its status file's). */
    if (units[0].program[0] != '\0')
        hal_program_exited((ULONG)strtoul(units[0].program, NULL, 0));
    if (units[0].ntlab >= 0)
        return units[0].ntlab;
    return 1;
}

int explore_main(const explore_request *r)
{
    const char *tmp = getenv("TMPDIR");
    unit *failed;
    int status;

    req = r;
    if (r->junit != NULL) {
        FILE *f = fopen(r->junit, "w");

        if (f == NULL) {
            fprintf(stderr, "ntlab: --junit: cannot write '%s': %s\n", r->junit,
                    strerror(errno));
            return 2;
        }
        fclose(f);
        cases = open_memstream(&cases_text, &cases_size);
    }
    snprintf(status_dir, sizeof status_dir, "%s/ntlab-explore.XXXXXX",
             tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
    if (mkdtemp(status_dir) == NULL) {
        fprintf(stderr, "ntlab: cannot make a directory in %s (%s)\n",
                tmp != NULL ? tmp : "/tmp", strerror(errno));
        return 2;
    }
    make_units();
    if (unit_count == 0) {
        rmdir(status_dir);
        fprintf(stderr,
                "ntlab: --shard %d/%d of --seeds %llu-%llu holds no "
                "seed\n",
                r->shard, r->shards, r->first, r->last);
        return 2;
    }
    catch_interrupts();
    failed = run_all(r->jobs > 0 ? r->jobs : online_cpus());
    rmdir(status_dir);
    if (r->tap)
        printf("1..%zu\n",
               failed != NULL ? (size_t)(failed - units) + 1 : unit_count);
    junit_write();
    if (!r->explore)
        return single_status();
    status = explore_summary(failed, failed != NULL ? (size_t)(failed - units)
                                                    : unit_count);
    return status;
}
