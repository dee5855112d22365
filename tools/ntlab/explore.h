/*
 * The supervisor (explore.c): runs child ntlabs with this same command
 * line, each with its own --seed (explore) or as it is (run, a scenario,
 * the tour's scenarios with --tap or --junit), and reports them in order:
 * a summary, TAP, JUnit XML.
 */
#ifndef TOOLS_NTLAB_EXPLORE_H
#define TOOLS_NTLAB_EXPLORE_H

#include <stdbool.h>

typedef struct explore_request {
    int argc;
    char **argv;         /* ntlab's command line, as given */
    const bool *dropped; /* its words the children do not get */
    int run_at;          /* the index of "run" in argv, or 0 */
    const char *name;    /* the word after run: what a child runs */
    bool explore;        /* one child per seed, stopping at a failure */
    bool seeds_given;
    unsigned long long first, last; /* --seeds A-B */
    int shard, shards;              /* --shard K/N (0/0: all) */
    int jobs;                       /* --jobs J (0: one per online CPU) */
    int timeout;                    /* --timeout S (0: none) */
    bool tap;                       /* --tap */
    const char *junit;              /* --junit FILE, or NULL */
    bool tour; /* no command: each built-in scenario a child */
} explore_request;

/* Runs the children and reports them. Returns ntlab's exit status:
 * explore 0 when every seed passed, 1 when one failed, 2 for bad input
 * (a child's, shown); otherwise the child's own status (the tour: 0 or 1). */
int explore_main(const explore_request *r);

#endif
