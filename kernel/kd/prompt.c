/*
 * The kd> prompt (kd.h): where --kd stops, the command loop, and the
 * small helpers every command uses (argument words, numbers, guest reads).
 */
#include "kd.h"

#include "../mm/mm.h"
#include "../rtl/rtl.h"

#define LINE_SIZE 256

static BOOLEAN kd_asked, report_asked;

/* What the loop ends with. */
typedef enum prompt_end { END_GO, END_QUIT, END_REBOOT } prompt_end;

typedef struct kd_command {
    const char *name;
    kd_command_fn *run;
    const char *usage;
    const char *what;
} kd_command;

static const kd_command commands[] = {
    {"!process", kd_cmd_process, "!process 0 0 | !process ADDR|PID",
     "every process, or one with its threads"},
    {"!thread", kd_cmd_thread, "!thread [ADDR]",
     "a thread (default: the current one) with its wait and stack"},
    {"k", kd_cmd_k, "k", "the current thread's backtrace"},
    {"lm", kd_cmd_lm, "lm", "the loaded modules: nt and the drivers"},
    {"!pte", kd_cmd_pte, "!pte VA", "the PDE and PTE of VA, by the self-map"},
    {"!pool", kd_cmd_pool, "!pool VA", "the pool page holding VA, its blocks"},
    {"!irql", kd_cmd_irql, "!irql", "the IRQL at the break"},
    {"!handle", kd_cmd_handle, "!handle [H [FLAGS [PROCESS]]]",
     "the handles of the current (or that) process (any FLAGS: all shown)"},
    {"!object", kd_cmd_object, "!object ADDR",
     "an object's header: type, name, counts"},
    {"dd", kd_cmd_dd, "dd ADDR [L N]", "N double words at ADDR (default 32)"},
    {"db", kd_cmd_db, "db ADDR [L N]", "N bytes at ADDR (default 128)"},
    {"!analyze", kd_cmd_analyze, "!analyze -v",
     "the stop (or the breakpoint) again, with the backtrace"},
};

/* ---- Words and numbers --------------------------------------------------- */

static BOOLEAN blank(char c)
{
    return c == ' ' || c == '\t';
}

BOOLEAN kd_word(const char **p, char *word, ULONG size)
{
    const char *s = *p;
    ULONG n = 0;

    while (blank(*s))
        s++;
    if (*s == '\0')
        return FALSE;
    while (*s != '\0' && !blank(*s)) {
        if (n + 1 < size)
            word[n++] = *s;
        s++;
    }
    word[n] = '\0';
    *p = s;
    return TRUE;
}

static LONG digit(char c, ULONG base)
{
    LONG d = c >= '0' && c <= '9'   ? c - '0'
             : c >= 'a' && c <= 'f' ? c - 'a' + 10
             : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : 99;

    return (ULONG)d < base ? d : -1;
}

BOOLEAN kd_number(const char *word, ULONG *value)
{
    ULONGLONG v = 0;
    ULONG base = 16, digits = 0;

    if (word[0] == '0' && (word[1] == 'x' || word[1] == 'X'))
        word += 2;
    else if (word[0] == '0' && (word[1] == 'n' || word[1] == 'N'))
        word += 2, base = 10;
    for (; *word != '\0'; word++) {
        LONG d = digit(*word, base);

        if (*word == '`' && base == 16)
            continue;
        if (d < 0 || digits++ == 16)
            return FALSE;
        v = v * base + (ULONG)d;
    }
    /* A 64-bit address is a 32-bit one sign-extended, as WinDbg shows
     * x86 system addresses on a 64-bit debugger. */
    if (digits == 0 ||
        ((v >> 32) != 0 && ((v >> 32) != 0xFFFFFFFFu || !(v & 0x80000000u))))
        return FALSE;
    *value = (ULONG)v;
    return TRUE;
}

void kd_syntax_error(const char *command, const char *args)
{
    rtl_print("%s: syntax error in '%s' (? lists the commands)\n", command,
              args);
}

ULONG kd_read(ULONG va, void *buf, ULONG len)
{
    ULONG base, size, n;
    ULONG_PTR host = kd_nt_host(va);

    if (host != 0) {
        kd_nt_image(&base, &size);
        /* The host image may have holes between its segments: a guarded
         * copy answers for them instead of faulting. */
        n = size - (va - base) < len ? size - (va - base) : len;
        return hal_copy_guarded(buf, (const void *)host, n) == 0 ? n : 0;
    }
    return mm_debug_read(va, buf, len);
}

KTHREAD *kd_current_thread(void)
{
    return KeGetPcr()->CurrentThread;
}

/* ---- The loop ------------------------------------------------------------ */

/* Reads a line of input into line (cut to size, without its end of line);
 * FALSE at the end of the input with nothing read. */
static BOOLEAN read_line(char *line, ULONG size)
{
    ULONG n = 0;
    BOOLEAN any = FALSE;
    char c;

    while (hal_console_read(&c, 1) == 1) {
        any = TRUE;
        if (c == '\n')
            break;
        if (c != '\r' && n + 1 < size)
            line[n++] = c;
    }
    line[n] = '\0';
    return any;
}

static void help(void)
{
    ULONG i;

    rtl_print("kd commands (WinDbg's spelling):\n");
    for (i = 0; i < ARRAYSIZE(commands); i++)
        rtl_print("  %-30s %s\n", commands[i].usage, commands[i].what);
    rtl_print("  %-30s %s\n", "? EXPR", "the value of a number");
    rtl_print("  %-30s %s\n", "g", "go on: after a breakpoint, run on");
    rtl_print("  %-30s %s\n", "q", "leave the prompt (as g)");
    rtl_print("  %-30s %s\n", ".reboot", "end the run now (exit status 3)");
    rtl_print("  %-30s %s\n", "? | help", "this list");
}

/* "? 1000": WinDbg's expression evaluator, for a single number. */
static void evaluate(const char *args)
{
    char word[32];
    ULONG v;

    if (!kd_word(&args, word, sizeof word) || !kd_number(word, &v) ||
        kd_word(&args, word, sizeof word)) {
        kd_syntax_error("?", args);
        return;
    }
    rtl_print("Evaluate expression: %u = %08x\n", v, v);
}

/* Runs one line; says whether the prompt goes on or how it ends. */
static BOOLEAN run_line(const kd_break *at, const char *line, prompt_end *end)
{
    const char *args = line;
    char name[32];
    ULONG i;

    if (!kd_word(&args, name, sizeof name))
        return TRUE;
    while (blank(*args))
        args++;
    if (rtl_equal_nocase(name, "g") || rtl_equal_nocase(name, "q")) {
        *end = rtl_equal_nocase(name, "g") ? END_GO : END_QUIT;
        return FALSE;
    }
    if (rtl_equal_nocase(name, ".reboot")) {
        *end = END_REBOOT;
        return FALSE;
    }
    if (rtl_equal_nocase(name, "?") && *args != '\0')
        evaluate(args);
    else if (rtl_equal_nocase(name, "?") || rtl_equal_nocase(name, "help") ||
             rtl_equal_nocase(name, ".help"))
        help();
    else {
        for (i = 0; i < ARRAYSIZE(commands); i++)
            if (rtl_equal_nocase(name, commands[i].name))
                break;
        if (i < ARRAYSIZE(commands))
            commands[i].run(at, args);
        else
            rtl_print("Unknown command '%s' (? lists the commands)\n", name);
    }
    return TRUE;
}

/* Prompts, reads and runs commands until g, q, .reboot or the end of the
 * input. Piped input is echoed after the prompt, as a transcript. */
static prompt_end prompt(const kd_break *at)
{
    BOOLEAN echo = !hal_console_is_interactive();
    char line[LINE_SIZE];
    prompt_end end = END_QUIT;

    for (;;) {
        rtl_print("kd> ");
        if (!read_line(line, sizeof line)) {
            rtl_print("\n");
            return END_QUIT;
        }
        if (echo)
            rtl_print("%s\n", line);
        if (!run_line(at, line, &end))
            return end;
    }
}

/* Holds the machine still around the prompt: interrupts off, IRQL at
 * HIGH_LEVEL (set directly, so that nothing held runs when it drops). */
static prompt_end hold_and_prompt(kd_break *at)
{
    BOOLEAN enabled = hal_interrupts_disable();
    KIRQL irql = KeGetPcr()->Irql;
    prompt_end end;

    rtl_console_mute(FALSE);
    KeGetPcr()->Irql = HIGH_LEVEL;
    end = prompt(at);
    KeGetPcr()->Irql = irql;
    hal_interrupts_restore(enabled);
    return end;
}

BOOLEAN kd_breakpoint(const hal_trap *trap)
{
    kd_frame frame;
    kd_break at = {NULL, trap, KeGetPcr()->Irql};
    char where[200];

    if (!kd_asked)
        return FALSE;
    /* The trap's ip is after the int3; WinDbg shows the int3 itself. */
    frame.ip =
        (trap->ip_guest ? (ULONG_PTR)HAL_VA_PTR(trap->ip) : trap->ip) - 1;
    frame.fp = trap->fp;
    frame.exact = TRUE;
    kd_format_code(&frame, where, sizeof where);
    rtl_print("Break instruction exception - code 80000003 (first chance)\n");
    rtl_print("%s:\n%08X cc              int     3\n", where,
              kd_va((const void *)frame.ip));
    if (hold_and_prompt(&at) == END_REBOOT) {
        rtl_print("Shutdown occurred: the run ends at the breakpoint.\n");
        kd_at_end();
        hal_power_off(KE_STOP_EXIT_STATUS);
    }
    return TRUE;
}

void kd_at_stop(const ke_stop *stop)
{
    kd_break at = {stop, NULL, stop->irql};

    if (!kd_asked)
        return;
    rtl_print("\n");
    hold_and_prompt(&at);
}

void kd_init(const hal_boot_info *info)
{
    report_asked = info->pool_report;
    kd_asked = info->kd;
}

void kd_at_end(void)
{
    if (report_asked)
        kd_print_pool_report();
}
