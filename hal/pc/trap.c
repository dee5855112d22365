/*
 * Traps on pc: the IDT's stubs (trap.S) land in pc_trap, which turns the
 * CPU's frame into the kernel's hal_trap and calls ki_trap on the stack
 * that trapped, with interrupts as they were. A page fault is delivered as
 * hosted's soft MMU delivers it: the address from CR2, write, user and
 * present from the error code.
 */
#include "pc.h"

/* A trap handed to the kernel, with the frame it came from (for
 * hal_trap_fixup). */
typedef struct trap_record {
    hal_trap trap;
    pc_frame *frame;
} trap_record;

extern char pc_copy_start[], pc_copy_end[], pc_copy_out[];

#define EFLAGS_IF 0x200u
#define PF_PRESENT 0x1u
#define PF_WRITE   0x2u
#define PF_USER    0x4u

static hal_trap_kind kind_of(ULONG vector)
{
    switch (vector) {
    case 0:
        return HAL_TRAP_DIVIDE;
    case 1:
        return HAL_TRAP_SINGLE_STEP;
    case 3:
        return HAL_TRAP_BREAKPOINT;
    case 6:
        return HAL_TRAP_INVALID_OPCODE;
    case 14:
        return HAL_TRAP_PAGE_FAULT;
    case 17:
        return HAL_TRAP_ALIGNMENT;
    default:
        return HAL_TRAP_PROTECTION;
    }
}

static ULONG read_cr2(void)
{
    ULONG v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* A device interrupt: every line is masked, so only a spurious one
 * (IRQ 7 or 15) can arrive; a real one is acknowledged. */
static void device_interrupt(ULONG irq)
{
    if (irq >= 8)
        pc_out8(0xA0, 0x20);
    pc_out8(0x20, 0x20);
}

void pc_trap(pc_frame *frame)
{
    trap_record r;
    BOOLEAN user = (frame->cs & 3) != 0;

    if (frame->vector >= PC_IRQ_VECTOR_BASE) {
        device_interrupt(frame->vector - PC_IRQ_VECTOR_BASE);
        return;
    }
    r.frame = frame;
    r.trap = (hal_trap){
        .kind = kind_of(frame->vector),
        .user = user,
        /* As hosted: a guest address is one of a loaded image (a
         * driver, a program), not the kernel's own code. */
        .ip_guest = frame->eip - (ULONG)pc_image_start >=
                    (ULONG)(pc_image_end - pc_image_start),
        .ip = frame->eip,
        .sp = user ? frame->user_esp : (ULONG)&frame->user_esp,
        .fp = frame->ebp,
    };
    if (frame->vector == 14) {
        r.trap.va = read_cr2();
        r.trap.address = r.trap.va;
        r.trap.write = (frame->error & PF_WRITE) != 0;
        r.trap.present = (frame->error & PF_PRESENT) != 0;
    }
    if (frame->eflags & EFLAGS_IF)
        hal_interrupts_restore(TRUE);
    ki_trap(&r.trap);
    hal_interrupts_restore(FALSE);
}

BOOLEAN hal_trap_fixup(const hal_trap *trap, LONG result)
{
    pc_frame *frame = ((const trap_record *)trap)->frame;

    if (trap->user || frame->eip < (ULONG)pc_copy_start ||
        frame->eip > (ULONG)pc_copy_end)
        return FALSE;
    frame->eip = (ULONG)pc_copy_out;
    frame->eax = (ULONG)result;
    return TRUE;
}
