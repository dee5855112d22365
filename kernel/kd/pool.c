/*
 * --pool-report (kd.h): the pools' usage by tag at the end of a run, in
 * poolmon's columns and its default order (by tag).
 */
#include "kd.h"

#include "../ex/ex.h"
#include "../rtl/rtl.h"

/* Enough for both pools' tag tables. */
#define MAX_ROWS 2048

typedef struct row {
    ex_tag_usage usage;
    BOOLEAN paged;
} row;

static row rows[MAX_ROWS];

/* Orders by tag text, then Nonp before Paged. */
static BOOLEAN before(const row *a, const row *b)
{
    char x[5], y[5];
    int order;

    rtl_tag_text(a->usage.tag, x);
    rtl_tag_text(b->usage.tag, y);
    order = rtl_strcmp(x, y);
    return order < 0 || (order == 0 && !a->paged && b->paged);
}

static ULONG gather(void)
{
    static ex_tag_usage usage[MAX_ROWS];
    ULONG nonpaged = ex_pool_tags(FALSE, usage, MAX_ROWS), n, i, j;

    n = nonpaged < MAX_ROWS ? nonpaged : MAX_ROWS;
    for (i = 0; i < n; i++)
        rows[i] = (row){usage[i], FALSE};
    j = ex_pool_tags(TRUE, usage, MAX_ROWS - n);
    j = j < MAX_ROWS - n ? j : MAX_ROWS - n;
    for (i = 0; i < j; i++)
        rows[n + i] = (row){usage[i], TRUE};
    return n + j;
}

void kd_print_pool_report(void)
{
    ULONG n = gather(), i, j;
    char tag[5];

    for (i = 1; i < n; i++) {
        row r = rows[i];

        for (j = i; j > 0 && before(&r, &rows[j - 1]); j--)
            rows[j] = rows[j - 1];
        rows[j] = r;
    }
    rtl_print("\nPool usage by tag (--pool-report), sorted by tag:\n");
    rtl_print(" Tag  Type      Allocs      Frees       Diff      Bytes\n");
    for (i = 0; i < n; i++) {
        const ex_tag_usage *u = &rows[i].usage;

        rtl_tag_text(u->tag, tag);
        rtl_print(" %s %-5s %10u %10u %10d %10llu\n", tag,
                  rows[i].paged ? "Paged" : "Nonp", u->allocs, u->frees,
                  (LONG)(u->allocs - u->frees), (ULONGLONG)u->bytes);
    }
}
