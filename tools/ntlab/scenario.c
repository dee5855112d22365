/*
 * Reading scenario files (docs/scenarios.md) and finding what they name.
 * A file is read whole and checked whole before anything runs: a syntax
 * error, an unknown option or a driver or program that cannot be found is
 * one line, "ntlab: FILE:LINE: problem", and exit status 2.
 */
#define _GNU_SOURCE
#include "scenario_int.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE (1u << 20)

/* The directory of this executable: built-in programs are in its "user"
 * and built-in scenarios in its "scenarios". */
const char *scn_exe_dir(void)
{
    static char dir[PATH_MAX];
    char self[PATH_MAX];
    ssize_t n;

    if (dir[0] != '\0')
        return dir;
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return ".";
    self[n] = '\0';
    snprintf(dir, sizeof dir, "%s", dirname(self));
    return dir;
}

char *scn_strdup(const char *s)
{
    char *copy = strdup(s);

    if (copy == NULL) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
    return copy;
}

char *scn_format(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        fprintf(stderr, "ntlab: out of memory\n");
        exit(2);
    }
    va_end(ap);
    return s;
}

/* A parse in progress: where it is, for the error line. */
typedef struct parser {
    scenario *s;
    int line;
    boot *pending;    /* the boot the next run runs */
    int pending_line; /* its last boot or driver statement */
} parser;

static int fail(const parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(const parser *p, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "ntlab: %s:%d: ", p->s->path, p->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

static bool readable(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Finds FILE next to the scenario, then among the built-in ones; returns
 * the path to give ntlab, or NULL. */
static char *find_file(const scenario *s, const char *file)
{
    char *path;

    if (file[0] == '/')
        return readable(file) ? scn_strdup(file) : NULL;
    path = scn_format("%s/%s", s->dir, file);
    if (readable(path))
        return path;
    free(path);
    path = scn_format("%s/user/%s", scn_exe_dir(), file);
    if (readable(path))
        return path;
    free(path);
    return NULL;
}

/* The boot the next statement belongs to: a new one after a run. */
static boot *pending_boot(parser *p)
{
    scenario *s = p->s;

    if (p->pending == NULL) {
        if (s->boot_count == MAX_BOOTS)
            return NULL;
        p->pending = &s->boots[s->boot_count++];
        memset(p->pending, 0, sizeof *p->pending);
    }
    return p->pending;
}

/* Splits text into words at white space; "double quotes" keep blanks in
 * one. Returns how many, or -1 when there are more than max. */
static int split_words(char *text, char **words, int max)
{
    int n = 0;

    while (*text != '\0') {
        while (isspace((unsigned char)*text))
            text++;
        if (*text == '\0')
            break;
        if (n == max)
            return -1;
        if (*text == '"') {
            words[n++] = ++text;
            while (*text != '\0' && *text != '"')
                text++;
        } else {
            words[n++] = text;
            while (*text != '\0' && !isspace((unsigned char)*text))
                text++;
        }
        if (*text != '\0')
            *text++ = '\0';
    }
    return n;
}

static bool is_number(const char *text)
{
    if (*text == '\0')
        return false;
    for (; *text != '\0'; text++)
        if (!isdigit((unsigned char)*text))
            return false;
    return true;
}

/* boot OPTION...: the options a boot may take, checked here. */
static int parse_boot(parser *p, char *rest)
{
    static const char *const flags[] = {"--trim", "--strict", "--realtime",
                                        "--no-points"};
    static const char *const valued[] = {"--seed", "--memory", "--pagefile"};
    boot *b = pending_boot(p);
    char *words[MAX_OPTIONS];
    int n = split_words(rest, words, MAX_OPTIONS), i, k;

    if (b == NULL || n < 0)
        return fail(p, "too many boots or options");
    p->pending_line = p->line;
    for (i = 0; i < n; i++) {
        bool known = false;

        for (k = 0; k < (int)(sizeof flags / sizeof flags[0]); k++)
            known |= strcmp(words[i], flags[k]) == 0;
        /* The child boot checks the classes a --verifier= names. */
        known |= strcmp(words[i], "--verifier") == 0 ||
                 strncmp(words[i], "--verifier=", 11) == 0;
        for (k = 0; k < (int)(sizeof valued / sizeof valued[0]) && !known; k++) {
            if (strcmp(words[i], valued[k]) != 0)
                continue;
            if (i + 1 == n || !is_number(words[i + 1]))
                return fail(p, "boot: %s needs a number", words[i]);
            b->options[b->option_count++] = scn_strdup(words[i++]);
            known = true;
        }
        if (!known)
            return fail(p, "boot: unknown option '%s'", words[i]);
        b->options[b->option_count++] = scn_strdup(words[i]);
    }
    return 0;
}

static int parse_driver(parser *p, const char *rest)
{
    boot *b = pending_boot(p);
    size_t n = strlen(rest);
    char *path;

    if (b == NULL || b->driver_count == MAX_DRIVERS)
        return fail(p, "too many boots or drivers");
    p->pending_line = p->line;
    if (n < 5 || strcmp(rest + n - 4, ".sys") != 0 || strchr(rest, ' '))
        return fail(p, "driver: '%s' is not a .sys file", rest);
    path = find_file(p->s, rest);
    if (path == NULL)
        return fail(p, "driver %s not found (looked in %s and %s/user)", rest,
                    p->s->dir, scn_exe_dir());
    b->drivers[b->driver_count++] = path;
    return 0;
}

static int parse_run(parser *p, char *rest)
{
    boot *b = pending_boot(p);
    char *words[MAX_ARGS];
    int n = split_words(rest, words, MAX_ARGS), i;

    if (b == NULL || n < 0)
        return fail(p, "too many boots or arguments");
    if (n == 0)
        return fail(p, "run needs a PROGRAM");
    b->program = find_file(p->s, words[0]);
    if (b->program == NULL)
        return fail(p, "program %s not found (looked in %s and %s/user)",
                    words[0], p->s->dir, scn_exe_dir());
    b->program_name = scn_strdup(words[0]);
    for (i = 1; i < n; i++)
        b->args[b->arg_count++] = scn_strdup(words[i]);
    b->line = p->line;
    p->pending = NULL;
    return 0;
}

/* A stop code or parameter: hexadecimal (0x optional), or * for any. */
static bool parse_hex(const char *text, unsigned long long *value, bool *any)
{
    char *end;

    *any = strcmp(text, "*") == 0;
    if (*any)
        return true;
    if (!isxdigit(
            (unsigned char)text[text[0] == '0' && text[1] == 'x' ? 2 : 0]))
        return false;
    errno = 0;
    *value = strtoull(text, &end, 16);
    return *end == '\0' && errno == 0;
}

static int parse_stop(parser *p, expect *e, char *rest)
{
    char *words[6];
    int n = split_words(rest, words, 6), i;

    if (n < 1 || n > 5)
        return fail(p, "expect stop takes a CODE and up to 4 parameters");
    for (i = 0; i < n; i++)
        if (!parse_hex(words[i], &e->stop[i], &e->any[i]))
            return fail(p,
                        "expect stop: '%s' is not a hexadecimal number "
                        "or *",
                        words[i]);
    e->stop_count = n;
    return 0;
}

static int parse_expect(parser *p, char *rest)
{
    scenario *s = p->s;
    boot *b = s->boot_count > 0 ? &s->boots[s->boot_count - 1] : NULL;
    expect *e;
    char *kind = rest, *value;

    if (b == NULL || p->pending != NULL)
        return fail(p, "expect must follow a run");
    if (b->expect_count == MAX_EXPECTS)
        return fail(p, "too many expectations for one run");
    e = &b->expects[b->expect_count++]; /* freed with s, even if bad */
    memset(e, 0, sizeof *e);
    e->line = p->line;
    e->source = scn_strdup(rest);
    value = kind + strcspn(kind, " \t");
    if (*value != '\0')
        *value++ = '\0';
    value += strspn(value, " \t");
    if (strcmp(kind, "no") == 0 && strncmp(value, "line", 4) == 0 &&
        (value[4] == ' ' || value[4] == '\t')) {
        e->kind = EXPECT_NO_LINE;
        e->text = scn_strdup(value + 4 + strspn(value + 4, " \t"));
    } else if (strcmp(kind, "line") == 0 && *value != '\0') {
        e->kind = EXPECT_LINE;
        e->text = scn_strdup(value);
    } else if (strcmp(kind, "exit") == 0) {
        e->kind = EXPECT_EXIT;
        if (!is_number(value) || atoi(value) > 255)
            return fail(p, "expect exit: '%s' is not a number from 0 to 255",
                        value);
        e->exit_status = atoi(value);
    } else if (strcmp(kind, "stop") == 0) {
        e->kind = EXPECT_STOP;
        if (parse_stop(p, e, value) < 0)
            return -1;
    } else {
        return fail(p,
                    "expect: '%s' is not exit, stop, line PATTERN or "
                    "no line PATTERN",
                    kind);
    }
    return 0;
}

/* say TEXT: narration for the boot to come (or the end). */
static int parse_say(parser *p, const char *rest)
{
    scenario *s = p->s;

    if (s->say_count == MAX_SAYS)
        return fail(p, "too many say lines (at most %d)", MAX_SAYS);
    if (pending_boot(p) == NULL)
        return fail(p, "too many boots (at most %d)", MAX_BOOTS);
    s->says[s->say_count].text = scn_strdup(rest);
    s->says[s->say_count].before = (int)(p->pending - s->boots);
    s->say_count++;
    return 0;
}

static int parse_statement(parser *p, char *text)
{
    char *rest = text + strcspn(text, " \t");

    if (*rest != '\0')
        *rest++ = '\0';
    rest += strspn(rest, " \t");
    if (strcmp(text, "title") == 0) {
        if (p->s->title != NULL)
            return fail(p, "title given twice");
        if (*rest == '\0')
            return fail(p, "title needs a text");
        p->s->title = scn_strdup(rest);
        return 0;
    }
    if (strcmp(text, "say") == 0)
        return parse_say(p, rest);
    if (strcmp(text, "boot") == 0)
        return parse_boot(p, rest);
    if (strcmp(text, "driver") == 0)
        return parse_driver(p, rest);
    if (strcmp(text, "run") == 0)
        return parse_run(p, rest);
    if (strcmp(text, "expect") == 0)
        return parse_expect(p, rest);
    return fail(p, "unknown statement '%s'", text);
}

/* Reads the whole file; NULL (after a line on stderr) when it cannot. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "ntlab: cannot read %s (%s)\n", path, strerror(errno));
        return NULL;
    }
    text = malloc(MAX_FILE + 1);
    n = text != NULL ? fread(text, 1, MAX_FILE + 1, f) : 0;
    if (ferror(f)) {
        fprintf(stderr, "ntlab: cannot read %s (%s)\n", path, strerror(errno));
        fclose(f);
        free(text);
        return NULL;
    }
    fclose(f);
    if (text == NULL || n > MAX_FILE) {
        fprintf(stderr, "ntlab: %s: larger than 1 MiB\n", path);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}

/* The statements of text, one a line; -1 at the first bad one. */
static int parse_lines(parser *p, char *text)
{
    char *line, *next;

    for (line = text; line != NULL; line = next) {
        char *end;

        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        p->line++;
        line += strspn(line, " \t");
        end = line + strlen(line);
        while (end > line && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        if (parse_statement(p, line) < 0)
            return -1;
    }
    return 0;
}

/* Checks what only the whole file shows. */
static int check_whole(parser *p)
{
    scenario *s = p->s;

    p->line = 1;
    if (s->title == NULL)
        return fail(p, "the scenario has no title");
    p->line = p->pending_line;
    if (p->pending != NULL &&
        (p->pending->driver_count > 0 || p->pending->option_count > 0))
        return fail(p, "boot or driver after the last run: no run follows");
    if (p->pending != NULL)
        s->boot_count--; /* narration after the last run */
    p->line = 1;
    if (s->boot_count == 0)
        return fail(p, "the scenario runs nothing (no run statement)");
    return 0;
}

scenario *scn_parse(const char *path)
{
    scenario *s = calloc(1, sizeof *s);
    parser p = {.s = s};
    char *text, *copy, *base;

    if (s == NULL)
        return NULL;
    s->path = scn_strdup(path);
    copy = scn_strdup(path);
    s->dir = scn_strdup(dirname(copy));
    free(copy);
    copy = scn_strdup(path);
    base = basename(copy);
    if (strlen(base) > 4 && strcmp(base + strlen(base) - 4, ".scn") == 0)
        base[strlen(base) - 4] = '\0';
    snprintf(s->name, sizeof s->name, "%s", base);
    free(copy);
    text = read_file(path);
    if (text == NULL || parse_lines(&p, text) < 0 || check_whole(&p) < 0) {
        /* The pending boot's partial contents count as a boot for freeing. */
        if (p.pending != NULL && p.pending == &s->boots[s->boot_count])
            s->boot_count++;
        free(text);
        scn_free(s);
        return NULL;
    }
    free(text);
    return s;
}

/* The built-in scenario's file, or NULL. */
static char *builtin_path(const char *name)
{
    char *path;

    if (name[0] == '\0' || strchr(name, '/') || strchr(name, '.'))
        return NULL;
    path = scn_format("%s/scenarios/%s.scn", scn_exe_dir(), name);
    if (readable(path))
        return path;
    free(path);
    return NULL;
}

scenario *scn_load(const char *word)
{
    char *path = builtin_path(word);
    scenario *s = scn_parse(path != NULL ? path : word);

    free(path);
    return s;
}

bool scenario_is_one(const char *word)
{
    size_t n = strlen(word);
    char *path;

    if (n > 4 && strcmp(word + n - 4, ".scn") == 0)
        return true;
    path = builtin_path(word);
    free(path);
    return path != NULL;
}

/* The built-in scenarios' names, in the tour's order: the file "tour"
 * beside them, one name a line ('#' starts a comment). Returns how many;
 * names[] are allocated. */
int scn_builtin_names(char **names, int max)
{
    char *list = scn_format("%s/scenarios/tour", scn_exe_dir());
    char *text = readable(list) ? read_file(list) : NULL;
    char *line, *next;
    int n = 0;

    free(list);
    for (line = text; line != NULL && n < max; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        line[strcspn(line, "#")] = '\0';
        line += strspn(line, " \t");
        line[strcspn(line, " \t\r")] = '\0';
        if (*line != '\0')
            names[n++] = scn_strdup(line);
    }
    free(text);
    return n;
}

void scn_free(scenario *s)
{
    int i, k;

    if (s == NULL)
        return;
    for (i = 0; i < s->boot_count; i++) {
        boot *b = &s->boots[i];

        for (k = 0; k < b->option_count; k++)
            free(b->options[k]);
        for (k = 0; k < b->driver_count; k++)
            free(b->drivers[k]);
        for (k = 0; k < b->arg_count; k++)
            free(b->args[k]);
        for (k = 0; k < b->expect_count; k++) {
            free(b->expects[k].source);
            free(b->expects[k].text);
        }
        free(b->program);
        free(b->program_name);
    }
    for (i = 0; i < s->say_count; i++)
        free(s->says[i].text);
    free(s->path);
    free(s->dir);
    free(s->title);
    free(s);
}
