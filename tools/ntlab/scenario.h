/*
 * Scenarios (docs/scenarios.md): files naming drivers, programs and options
 * for one or more boots and what each must show. The host side reads them,
 * runs each boot as a child ntlab, and checks its output, exit status and
 * stop code. The built-in ones are in the scenarios directory next to the
 * ntlab executable; the tour runs them in the order of its file "tour".
 */
#ifndef TOOLS_NTLAB_SCENARIO_H
#define TOOLS_NTLAB_SCENARIO_H

#include <stdbool.h>

/* How results are shown. */
typedef struct scenario_style {
    bool quiet;  /* only one line per scenario, and failures */
    bool colour; /* ANSI colours (on a terminal only) */
    /* ntlab options given before the command, repeated for every boot. */
    char **options;
    int option_count;
    /* --trace FILE: every boot's timeline joined in FILE, or NULL. */
    const char *trace;
} scenario_style;

/* Does word name a scenario rather than a program: FILE.scn, or a bare
 * name (no '.' or '/') of a built-in scenario? */
bool scenario_is_one(const char *word);

/* Runs the scenario word names (a built-in name or a .scn file); returns
 * ntlab's exit status: 0 every expectation held, 1 one did not, 2 the file
 * is bad (one line on stderr). */
int scenario_run(const char *word, const scenario_style *style);

/* Runs every built-in scenario in the tour's order, narrated. 0 when every
 * expectation held, 1 otherwise, 2 when a scenario file is bad. */
int scenario_tour(const scenario_style *style);

/* Prints the built-in scenarios' names and titles; 0, or 2. */
int scenario_list(void);

#endif
