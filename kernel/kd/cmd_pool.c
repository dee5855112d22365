/*
 * kd's !pool (kd.h): the blocks of the pool page holding an address, as
 * WinDbg lists them, the one holding the address starred. The block
 * headers come from ex_pool_page_blocks, which reads them without
 * faulting; ntlab's pool keeps no allocator address, so none is shown.
 */
#include "kd.h"

#include "../ex/ex.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

static void print_block(const ex_pool_block *b, ULONG va)
{
    static const char *const states[] = {"Allocated", "Free",
                                         "Free, on a quick list"};
    BOOLEAN here = va >= b->va && va - b->va < b->size;
    char tag[5];

    rtl_tag_text(b->tag, tag);
    if (b->large) {
        rtl_print("*%08x : large page allocation, tag is %s, size is 0x%x "
                  "bytes\n",
                  b->va, tag, b->requested);
        return;
    }
    rtl_print("%c%08x size: %4x previous size: %4x  (%s) %c%s\n",
              here ? '*' : ' ', b->va, b->size, b->previous, states[b->state],
              here ? '*' : ' ', b->state == EX_POOL_FREE ? "" : tag);
    if (here && b->state == EX_POOL_ALLOCATED)
        rtl_print("\t\tPooltag %s : %u bytes asked for, at %08x\n", tag,
                  b->requested, b->va + 16);
}

void kd_cmd_pool(const kd_break *at, const char *args)
{
    static ex_pool_block blocks[256];
    const char *p = args;
    char word[40];
    ULONG va, n, i;

    (void)at;
    if (!kd_word(&p, word, sizeof word) || !kd_number(word, &va) ||
        kd_word(&p, word, sizeof word)) {
        kd_syntax_error("!pool", args);
        return;
    }
    if (!mm_is_paged_pool(va) && !mm_is_nonpaged_pool(va)) {
        rtl_print("%08x is not a pool address (paged pool %08X-%08X, "
                  "nonpaged %08X-%08X)\n",
                  va, MM_PAGED_POOL_START, MM_PAGED_POOL_END,
                  MM_NONPAGED_POOL_START, MM_NONPAGED_POOL_END);
        return;
    }
    n = ex_pool_page_blocks(va, blocks, ARRAYSIZE(blocks));
    if (n == 0) {
        rtl_print("%08x is in no pool block (a page not in use, or not "
                  "resident)\n",
                  va);
        return;
    }
    rtl_print("Pool page %08x region is %s pool\n", va,
              mm_is_paged_pool(va) ? "Paged" : "Nonpaged");
    for (i = 0; i < n; i++)
        print_block(&blocks[i], va);
}
