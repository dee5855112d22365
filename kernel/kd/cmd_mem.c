/*
 * kd's memory commands (kd.h): dd and db on guest addresses, and !pte.
 * Every read goes through kd_read (nt's image, or the page tables by
 * mm_debug_read): an address that is not resident shows as WinDbg shows
 * it, "????????", and nothing faults.
 */
#include "kd.h"

#include "../mm/mm.h"
#include "../rtl/rtl.h"

/* The most units one dd or db shows (WinDbg refuses large ranges too). */
#define MAX_UNITS 0x1000u

/*
 * "ADDR [L N]" (also "LN", "l N"): the address and the count, which
 * defaults to dflt. FALSE, with the one-line answer printed, when the
 * arguments are not that.
 */
static BOOLEAN address_and_count(const char *command, const char *args,
                                 ULONG dflt, ULONG *va, ULONG *count)
{
    const char *p = args;
    char word[40];

    *count = dflt;
    if (!kd_word(&p, word, sizeof word) || !kd_number(word, va)) {
        kd_syntax_error(command, args);
        return FALSE;
    }
    if (kd_word(&p, word, sizeof word)) {
        const char *n = word + 1;

        if (word[0] != 'L' && word[0] != 'l') {
            kd_syntax_error(command, args);
            return FALSE;
        }
        if (*n == '\0' && !kd_word(&p, word, sizeof word))
            n = "";
        else if (*n == '\0')
            n = word;
        if (!kd_number(n, count) || kd_word(&p, word, sizeof word)) {
            kd_syntax_error(command, args);
            return FALSE;
        }
    }
    if (*count == 0 || *count > MAX_UNITS) {
        rtl_print("%s: range error: L %x (at most %x units)\n", command, *count,
                  MAX_UNITS);
        return FALSE;
    }
    return TRUE;
}

void kd_cmd_dd(const kd_break *at, const char *args)
{
    ULONG va, count, i;

    (void)at;
    if (!address_and_count("dd", args, 32, &va, &count))
        return;
    for (i = 0; i < count; i++) {
        ULONG at_va = va + 4 * i, value;

        if (i % 4 == 0)
            rtl_print("%s%08x ", i == 0 ? "" : "\n", at_va);
        if (kd_read(at_va, &value, sizeof value) == sizeof value)
            rtl_print(" %08x", value);
        else
            rtl_print(" ????????");
    }
    rtl_print("\n");
}

/* One db row: up to 16 bytes, the dash after the eighth, then the text. */
static void db_row(ULONG va, ULONG n)
{
    UCHAR bytes[16];
    ULONG got = kd_read(va, bytes, n), i;

    rtl_print("%08x  ", va);
    for (i = 0; i < 16; i++) {
        const char *sep = i == 7 ? "-" : " ";

        if (i >= n)
            rtl_print("   ");
        else if (i < got)
            rtl_print("%02x%s", bytes[i], sep);
        else
            rtl_print("??%s", sep);
    }
    rtl_print(" ");
    for (i = 0; i < n; i++)
        rtl_print("%c", i < got && bytes[i] >= 0x20 && bytes[i] < 0x7F
                            ? bytes[i]
                            : (i < got ? '.' : '?'));
    rtl_print("\n");
}

void kd_cmd_db(const kd_break *at, const char *args)
{
    ULONG va, count, i;

    (void)at;
    if (!address_and_count("db", args, 128, &va, &count))
        return;
    for (i = 0; i < count; i += 16)
        db_row(va + i, count - i < 16 ? count - i : 16);
}

/* ---- !pte ---------------------------------------------------------------- */

/* WinDbg's flags of a valid PDE or PTE: C G L D A N T U/K W/R E V (no
 * execute-disable bit on x86 without PAE: E is always shown). */
static void pte_flags(ULONG e, char text[12])
{
    static const struct {
        ULONG bit;
        char on, off;
    } bits[] = {
        {PTE_COPY_ON_WRITE, 'C', '-'},     {X86_PTE_GLOBAL, 'G', '-'},
        {X86_PTE_LARGE, 'L', '-'},         {X86_PTE_DIRTY, 'D', '-'},
        {X86_PTE_ACCESSED, 'A', '-'},      {X86_PTE_CACHE_DISABLE, 'N', '-'},
        {X86_PTE_WRITE_THROUGH, 'T', '-'}, {X86_PTE_OWNER, 'U', 'K'},
        {X86_PTE_WRITE, 'W', 'R'},         {0, 'E', 'E'},
        {X86_PTE_VALID, 'V', '-'},
    };
    ULONG i;

    for (i = 0; i < ARRAYSIZE(bits); i++)
        text[i] =
            (e & bits[i].bit) || bits[i].bit == 0 ? bits[i].on : bits[i].off;
    text[11] = '\0';
}

static const char *protection_name(ULONG p)
{
    static const char *const names[] = {
        "NoAccess",  "ReadOnly",  "Execute",          "ExecuteRead",
        "ReadWrite", "WriteCopy", "ExecuteReadWrite", "ExecuteWriteCopy",
    };

    if (p == MM_NOACCESS)
        return "NoAccess";
    if (p == MM_DECOMMIT)
        return "Decommitted";
    return names[p & 7];
}

/* The third line's column for entry e: "pfn 3b        -G-DA--KWEV", or
 * what an invalid entry holds (extra lines go to more). */
static void describe(ULONG e, char *col, ULONG size, char *more, ULONG msize)
{
    char flags[12];
    ULONG p = mm_pte_protection(e);

    more[0] = '\0';
    if (e & X86_PTE_VALID) {
        pte_flags(e, flags);
        rtl_snprintf(col, size, "pfn %-10x%s", e >> PAGE_SHIFT, flags);
        return;
    }
    rtl_snprintf(col, size, "not valid");
    if (e == 0)
        return;
    if (mm_pte_is_transition(e))
        rtl_snprintf(more, msize, "Transition: %x  Protect: %x - %s",
                     e >> PAGE_SHIFT, p, protection_name(p));
    else if (mm_pte_slot(e) != 0)
        rtl_snprintf(more, msize, "PageFile: 0  Offset: %x  Protect: %x - %s",
                     mm_pte_slot(e), p, protection_name(p));
    else
        rtl_snprintf(more, msize, "DemandZero  Protect: %x - %s", p,
                     protection_name(p));
}

void kd_cmd_pte(const kd_break *at, const char *args)
{
    const char *p = args;
    char word[40], left[64], right[64], lmore[96], rmore[96], line[64];
    ULONG va, pde_va, pte_va, pde = 0, pte = 0;
    BOOLEAN have_pte;

    (void)at;
    if (!kd_word(&p, word, sizeof word) || !kd_number(word, &va) ||
        kd_word(&p, word, sizeof word)) {
        kd_syntax_error("!pte", args);
        return;
    }
    /* The self-map: PDE 0x300 points at the directory itself. */
    pde_va = PDE_BASE + (va >> 22) * 4;
    pte_va = PTE_BASE + (va >> PAGE_SHIFT) * 4;
    if (kd_read(pde_va, &pde, sizeof pde) != sizeof pde) {
        rtl_print("!pte: the page directory at %08X cannot be read\n", pde_va);
        return;
    }
    have_pte = (pde & X86_PTE_VALID) && !(pde & X86_PTE_LARGE) &&
               kd_read(pte_va, &pte, sizeof pte) == sizeof pte;
    rtl_print("                    VA %08x\n", va);
    rtl_snprintf(line, sizeof line, "PDE at %08X", pde_va);
    rtl_print("%-27sPTE at %08X\n", line, pte_va);
    rtl_snprintf(line, sizeof line, "contains %08X", pde);
    if (have_pte)
        rtl_print("%-27scontains %08X\n", line, pte);
    else
        rtl_print("%s\n", line);
    describe(pde, left, sizeof left, lmore, sizeof lmore);
    if (have_pte)
        describe(pte, right, sizeof right, rmore, sizeof rmore);
    else {
        rtl_snprintf(right, sizeof right, "%s",
                     pde & X86_PTE_LARGE ? "LARGE PAGE" : "");
        rmore[0] = '\0';
    }
    rtl_print("%-27s%s\n", left, right);
    if (lmore[0] != '\0')
        rtl_print("PDE: %s\n", lmore);
    if (rmore[0] != '\0')
        rtl_print("PTE: %s\n", rmore);
}
