/*
 * kd's !analyze -v (kd.h): at a stop, the stop screen again (code, name,
 * parameters, context, the guilty driver and the backtrace); at a
 * breakpoint, the same for the break instruction exception.
 */
#include "kd.h"

#include "../mm/mm.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

static void banner(void)
{
    static const char stars[] = "*******************************************"
                                "************************************";

    rtl_print("%s\n*%77s*\n*%-25s%-52s*\n*%77s*\n%s\n\n", stars, "", "",
              "Bugcheck Analysis", "", stars);
}

/* The innermost frame in a driver, or -1. */
static LONG driver_frame(const kd_frame *frames, ULONG n)
{
    ULONG i;

    for (i = 0; i < n; i++)
        if (HAL_PTR_IN_WINDOW(frames[i].ip) &&
            mm_image_at(HAL_PTR_VA(frames[i].ip)) != NULL)
            return (LONG)i;
    return -1;
}

/* A breakpoint's analysis: the exception, where, the context, the
 * driver it is in, and the backtrace. */
static void analyze_break(const kd_break *at)
{
    kd_frame frames[KD_MAX_FRAMES];
    KTHREAD *thread = kd_current_thread();
    ULONG n = kd_walk_current((ULONG_PTR)__builtin_frame_address(0), frames,
                              KD_MAX_FRAMES);
    LONG d;
    char text[200];

    if (n > 0 && frames[0].exact)
        frames[0].ip -= 1;
    rtl_print("Break instruction exception (80000003)\n");
    rtl_print("A breakpoint in kernel mode: DbgBreakPoint, "
              "DbgBreakPointWithStatus, KdBreakPoint or an int 3.\n\n");
    if (n > 0) {
        kd_format_code(&frames[0], text, sizeof text);
        rtl_print("FAULTING_IP:\n%s\n%08x cc              int     3\n\n", text,
                  kd_va((const void *)frames[0].ip));
    }
    rtl_print("EXCEPTION_CODE: (NTSTATUS) 0x80000003 - STATUS_BREAKPOINT\n\n");
    if (thread != NULL) {
        rtl_print("PROCESS_NAME:  %s\n\n",
                  ps_process_name(thread->ApcState.Process));
        rtl_print("THREAD:  %08x (TID %u)\n\n", kd_va(thread),
                  ps_thread_id(thread));
    }
    rtl_print("CURRENT_IRQL:  %u (%s)\n\n", at->irql, ke_irql_name(at->irql));
    d = driver_frame(frames, n);
    if (d >= 0) {
        kd_format_code(&frames[d], text, sizeof text);
        rtl_print("MODULE_NAME:  %s\n\nFOLLOWUP_IP:\n%s\n\n",
                  mm_image_at(HAL_PTR_VA(frames[d].ip))->name, text);
    }
    rtl_print("STACK_TEXT:\n");
    kd_cmd_k(at, "");
}

void kd_cmd_analyze(const kd_break *at, const char *args)
{
    if (!(args[0] == '-' && args[1] == 'v' && args[2] == '\0') &&
        args[0] != '\0') {
        kd_syntax_error("!analyze", args);
        return;
    }
    banner();
    if (at->stop == NULL) {
        analyze_break(at);
        return;
    }
    rtl_print("%s (%x)\n", ke_bugcheck_name(at->stop->code), at->stop->code);
    rtl_print("Arguments:\nArg1: %08x\nArg2: %08x\nArg3: %08x\nArg4: %08x\n",
              (ULONG)at->stop->params[0], (ULONG)at->stop->params[1],
              (ULONG)at->stop->params[2], (ULONG)at->stop->params[3]);
    ke_print_stop_screen(at->stop);
}
