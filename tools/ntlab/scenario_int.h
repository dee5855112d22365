/*
 * What the scenario reader (scenario.c) hands the runner (tour.c).
 */
#ifndef TOOLS_NTLAB_SCENARIO_INT_H
#define TOOLS_NTLAB_SCENARIO_INT_H

#include "scenario.h"

#define MAX_BOOTS     16
#define MAX_OPTIONS   16
#define MAX_DRIVERS   8
#define MAX_ARGS      16
#define MAX_EXPECTS   32
#define MAX_SAYS      128
#define MAX_SCENARIOS 64

typedef enum expect_kind {
    EXPECT_EXIT,
    EXPECT_STOP,
    EXPECT_LINE,
    EXPECT_NO_LINE,
} expect_kind;

typedef struct expect {
    expect_kind kind;
    int line;     /* in the file */
    char *source; /* the statement after "expect", for reports */
    int exit_status;
    unsigned long long stop[5]; /* code, then parameters */
    bool any[5];                /* "*": any value */
    int stop_count;             /* how many of stop[] were given */
    char *text;                 /* the pattern of line / no line */
} expect;

/* One boot: ntlab with options and drivers, running a program. */
typedef struct boot {
    int line; /* of its run statement */
    char *options[MAX_OPTIONS];
    int option_count;
    char *drivers[MAX_DRIVERS]; /* paths */
    int driver_count;
    char *program;      /* path */
    char *program_name; /* as written */
    char *args[MAX_ARGS];
    int arg_count;
    expect expects[MAX_EXPECTS];
    int expect_count;
} boot;

typedef struct say {
    char *text;
    int before; /* the boot it comes before; boot_count: after the last */
} say;

typedef struct scenario {
    char name[64];
    char *path, *dir, *title;
    boot boots[MAX_BOOTS];
    int boot_count;
    say says[MAX_SAYS];
    int say_count;
} scenario;

/* NULL after a line on stderr when the file is bad. */
scenario *scn_parse(const char *path);
/* The built-in scenario word names, or else the file word; as scn_parse. */
scenario *scn_load(const char *word);
void scn_free(scenario *s);
int scn_builtin_names(char **names, int max);
const char *scn_exe_dir(void);
char *scn_strdup(const char *s);
char *scn_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
