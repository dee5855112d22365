/*
 * Benchmark of the verifier: pool allocation and free by a verified
 * driver (special pool and pool tracking), against the same driver's
 * calls without the verifier.
 */
#include "../kernel/ke/ke.h"
#include "../kernel/ktest/ktest.h"
#include "../kernel/mm/mm.h"
#include "../kernel/vf/vf.h"

#define RUNS   3
#define ROUNDS 2000

typedef ULONG (*bench_pool_fn)(ULONG rounds);

/* Picoseconds per allocation and free of fn, the best of RUNS. */
static ULONGLONG time_pool(bench_pool_fn fn)
{
    ULONGLONG best = ~0ull, start, ps;
    int run;

    for (run = 0; run < RUNS; run++) {
        start = hal_clock_ns();
        if (fn(ROUNDS) != 0)
            return 0;
        ps = (hal_clock_ns() - start) * 1000 / ROUNDS;
        best = ps < best ? ps : best;
    }
    return best;
}

KBENCH(verifier_pool_alloc_free)
{
    mm_system_image *image;
    bench_pool_fn fn;
    ULONGLONG plain, verified;

    if (!NT_SUCCESS(mm_load_system_image("vfbench.sys", &image)))
        return;
    fn = (bench_pool_fn)mm_image_symbol(image, "VfBenchPool");
    if (fn != NULL) {
        plain = time_pool(fn);
        vf_classes = HAL_VERIFIER_SPECIAL | HAL_VERIFIER_POOL;
        vf_image_loaded(image);
        verified = time_pool(fn);
        vf_image_unloading(image);
        vf_classes = 0;
        if (plain != 0 && verified != 0)
            kbench_report("verifier_pool_alloc_free", verified, plain,
                          "the same driver's calls without the verifier", "-");
    }
    mm_unload_system_image(image);
}
