/*
 * ntlab-bench: boots the hosted machine and runs every KBENCH, printing one
 * line per benchmark (DESIGN.md section 7). Takes no arguments.
 */
#include <stdio.h>

#include "../hal/hosted/hosted.h"
#include "baseline.h"

int main(int argc, char **argv)
{
    static hosted_options opts;

    (void)argv;
    if (argc > 1) {
        fputs("usage: ntlab-bench (no arguments)\n", stderr);
        return 2;
    }
    opts.self = "/proc/self/exe";
    opts.boot.command = "bench";
    opts.boot.ram_pages = 64 * 256;
    opts.boot.seed = 1;
    opts.boot.pagefile_pages = 128 * 256;
    bench_trace_overhead();
    bench_explore_200();
    baseline_prepare();
    hosted_start(&opts);
}
