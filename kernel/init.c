/*
 * The boot order, in one place.
 *
 * Phase 0 runs on the boot stack the platform started us on: memory
 * management (page directory, self-map, PFN database), the processor control
 * region, and the Idle process over the boot page directory, with
 * interrupts off. It then becomes the idle thread, on a kernel stack of its
 * own, turns interrupts on, and creates the System
 * process (PID 4, its own directory, an empty user half) and the first
 * system thread, which runs phase 1: the command the user asked for.
 */
#include <hal.h>

#include "cm/cm.h"
#include "ex/ex.h"
#include "io/io.h"
#include "kd/kd.h"
#include "ke/ke.h"
#include "ktest/ktest.h"
#include "mm/mm.h"
#include "mm/pager.h"
#include "ob/ob.h"
#include "ps/ps.h"
#include "rtl/rtl.h"
#include "run.h"
#include "tr/tr.h"
#include "vf/vf.h"

static hal_boot_info boot;

static void print_report_header(void)
{
    rtl_print("ntlab: an NT-style kernel, hosted on this machine\n");
    rtl_print("  memory      %u MB, %u pages (%u free)\n",
              hal_ram_pages() / 256, hal_ram_pages(), mm_free_frame_count());
    rtl_print("  processes   Idle (PID 0, page directory frame 0x%X), "
              "System (PID 4, frame 0x%X)\n",
              ps_idle_process.Pcb.DirectoryTableBase,
              PsInitialSystemProcess->Pcb.DirectoryTableBase);
    rtl_print("  this thread TID %u in %s, IRQL %u\n",
              (ULONG)(ULONG_PTR)PsGetCurrentThreadId(),
              PsGetCurrentProcess()->ImageFileName, KeGetCurrentIrql());
}

/* Phase 1, in the first system thread. */
static void phase1(PVOID unused)
{
    int status;

    UNREFERENCED_PARAMETER(unused);
    ex_init_workers();
    io_init_volume();
    io_init_console();
    ps_user_privileges = boot.privileges;
    if (rtl_strcmp(boot.command, "report") == 0)
        print_report_header();
    status = run_load_drivers(boot.drivers, boot.driver_count);
    if (status != 0)
        hal_power_off(status);
    if (rtl_strcmp(boot.command, "run") == 0)
        status = run_program(boot.argument);
    else if (rtl_strcmp(boot.command, "modules") == 0)
        status = run_list_modules();
    else
    {
        ktest_set_skips(boot.skip);
        status = ktest_main(boot.command, boot.argument);
    }
    run_unload_drivers(boot.drivers, boot.driver_count);
    kd_at_end();
    hal_power_off(status);
}

/* The rest of phase 0, on the idle thread's stack. */
static void phase0_idle(PVOID unused)
{
    UNREFERENCED_PARAMETER(unused);
    hal_interrupts_restore(TRUE);
    ob_init();
    ex_init_objects();
    ps_init_system_process();
    cm_init();
    io_init();
    if (!NT_SUCCESS(ps_create_system_thread(phase1, NULL, NULL)))
        KeBugCheckEx(PHASE1_INITIALIZATION_FAILED,
                     STATUS_INSUFFICIENT_RESOURCES, 0, 0, 0);
    ke_idle_loop();
}

void ki_system_startup(const hal_boot_info *info)
{
    boot = *info;
    kd_init(info);
    mm_init(info->ram_pages);
    ex_init_pools();
    ke_init_pcr();
    ps_init_idle_process();
    mm_init_phase1();
    ke_init_shared_data();
    ki_init_clock(info->seed, info->realtime);
    ki_init_points(info->no_points);
    tr_init(info);
    vf_init(info);
    if (info->trim)
        mm_trim_every_tick();
    ke_start_idle_thread(ps_idle_thread(), &ps_idle_process.Pcb, phase0_idle);
}
