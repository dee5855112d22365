/*
 * Stack walks and the names of code addresses (kd.h).
 */
#include "kd.h"

#include "../mm/mm.h"
#include "../rtl/rtl.h"

/* The image holding host code address ip, or NULL. */
static const mm_system_image *image_of(ULONG_PTR ip)
{
    return HAL_PTR_IN_WINDOW(ip) ? mm_image_at(HAL_PTR_VA(ip)) : NULL;
}

/* The symbol of host code address at, in a driver or the kernel. */
static BOOLEAN symbolize(ULONG_PTR at, hal_symbol *s)
{
    const mm_system_image *image = image_of(at);

    if (image != NULL)
        return hal_symbolize(image->name, (ULONG_PTR)HAL_VA_PTR(image->base),
                             at, s);
    if (HAL_PTR_IN_WINDOW(at))
        return FALSE;
    return hal_symbolize(NULL, 0, at, s);
}

/* True when a frame record of two pointers at fp lies in [lo, hi). */
static BOOLEAN frame_in(ULONG_PTR fp, ULONG_PTR lo, ULONG_PTR hi)
{
    return fp >= lo && fp <= hi - 2 * sizeof(ULONG_PTR) &&
           fp % sizeof(ULONG_PTR) == 0;
}

/* Follows the chain of frame pointers from fp, within [lo, hi). */
static ULONG walk(ULONG_PTR fp, ULONG_PTR lo, ULONG_PTR hi, kd_frame *frames,
                  ULONG n, ULONG max)
{
    while (n < max && frame_in(fp, lo, hi) && MmIsAddressValid((PVOID)fp)) {
        const ULONG_PTR *record = (const ULONG_PTR *)fp;

        if (record[1] == 0)
            break;
        frames[n].ip = record[1];
        frames[n].fp = record[0];
        frames[n++].exact = FALSE;
        if (record[0] <= fp)
            break;
        fp = record[0];
    }
    return n;
}

/* True when the routine at host address start begins with push %rbp
 * (0x55); a leaf routine the compiler gave no frame does not. */
static BOOLEAN pushes_frame(ULONG_PTR start)
{
    UCHAR first = 0;

    return kd_read(kd_va((const void *)start), &first, 1) == 1 && first == 0x55;
}

/*
 * A trap in a routine's first instructions (push %rbp; mov %rsp,%rbp), or
 * in a short leaf routine without a frame (DbgBreakPointWithStatus's mov
 * and int3), is taken before the routine has a frame: its caller's return
 * address is on top of the stack, or under the saved frame pointer, and
 * the frame pointer is still the caller's. Returns 1 with that frame,
 * else 0.
 */
static ULONG in_prologue(const hal_trap *trap, kd_frame *frame)
{
    ULONG_PTR ip = trap->ip_guest ? (ULONG_PTR)HAL_VA_PTR(trap->ip) : trap->ip;
    KTHREAD *thread = KeGetPcr()->CurrentThread;
    ULONG_PTR slot;
    hal_symbol s;

    /* A breakpoint's ip is past its int3: the frame is the int3's. */
    if (trap->kind == HAL_TRAP_BREAKPOINT)
        ip -= 1;
    if (!symbolize(ip, &s) || s.offset >= 4)
        return 0;
    slot =
        trap->sp +
        (s.offset != 0 && pushes_frame(ip - s.offset) ? sizeof(ULONG_PTR) : 0);
    if (!frame_in(slot, (ULONG_PTR)thread->StackLimit,
                  (ULONG_PTR)thread->InitialStack))
        return 0;
    frame->ip = *(const ULONG_PTR *)slot;
    frame->fp = trap->fp;
    frame->exact = FALSE;
    return 1;
}

ULONG kd_walk_current(ULONG_PTR fp, kd_frame *frames, ULONG max)
{
    KTHREAD *thread = KeGetPcr()->CurrentThread;
    ULONG n = 0;

    if (thread == NULL || max == 0)
        return 0;
    if (thread->Traps != NULL) {
        const hal_trap *trap = thread->Traps->trap;

        frames[0].ip = trap->ip_guest ? (ULONG_PTR)HAL_VA_PTR(trap->ip)
                                      : trap->ip;
        frames[0].fp = trap->fp;
        frames[0].exact = TRUE;
        n = 1 + in_prologue(trap, &frames[1]);
        fp = trap->fp;
    }
    return walk(fp, (ULONG_PTR)thread->StackLimit,
                (ULONG_PTR)thread->InitialStack, frames, n, max);
}

ULONG kd_walk_suspended(const KTHREAD *thread, kd_frame *frames, ULONG max)
{
    ULONG_PTR ip, fp;

    if (max == 0 || !hal_context_frame(&thread->Context, &ip, &fp))
        return 0;
    frames[0].ip = ip;
    frames[0].fp = fp;
    frames[0].exact = FALSE;
    return walk(fp, (ULONG_PTR)thread->StackLimit,
                (ULONG_PTR)thread->InitialStack, frames, 1, max);
}

/* A driver's source file is named without its directory, the kernel's
 * from kernel/ ("ke/thread.c"). */
static const char *source_name(const char *path, BOOLEAN kernel)
{
    static const char tree[] = "kernel/";
    const char *name = path, *p;
    ULONG i = 0;

    while (kernel && i < sizeof tree - 1 && path[i] == tree[i])
        i++;
    if (i == sizeof tree - 1)
        return path + i;
    for (p = path; *p != '\0'; p++)
        if (*p == '/' && !kernel)
            name = p + 1;
    return name;
}

static void format_symbol(const char *module, const hal_symbol *s, ULONG delta,
                          char *buf, ULONG size)
{
    if (s->line != 0)
        rtl_snprintf(buf, size, "%s!%s+0x%X (%s:%u)", module, s->function,
                     s->offset + delta,
                     source_name(s->file, rtl_strcmp(module, "nt") == 0),
                     s->line);
    else
        rtl_snprintf(buf, size, "%s!%s+0x%X", module, s->function,
                     s->offset + delta);
}

void kd_format_code(const kd_frame *frame, char *buf, ULONG size)
{
    /* A return address is named by the call before it: the return may be
     * the first instruction of the next line, or of the next function. */
    ULONG delta = frame->exact ? 0 : 1;
    ULONG_PTR at = frame->ip - delta;
    const mm_system_image *image = image_of(frame->ip);
    hal_symbol s;

    if (image != NULL) {
        if (symbolize(at, &s))
            format_symbol(image->name, &s, delta, buf, size);
        else
            rtl_snprintf(buf, size, "%s+0x%X", image->name,
                         HAL_PTR_VA(frame->ip) - image->base);
    } else if (HAL_PTR_IN_WINDOW(frame->ip)) {
        rtl_snprintf(buf, size, "%08X", HAL_PTR_VA(frame->ip));
    } else if (symbolize(at, &s)) {
        format_symbol("nt", &s, delta, buf, size);
    } else {
        rtl_snprintf(buf, size, "nt!<no symbol>");
    }
}

/* The stop's driver: the instruction its parameters give, when a driver
 * holds it, or the innermost driver frame. Returns its index in frames,
 * or frames[count] filled from the instruction, or -1. */
static LONG guilty_frame(ULONG_PTR instruction, kd_frame *frames, ULONG count)
{
    ULONG i;

    if (instruction != 0 && (ULONG)instruction == instruction &&
        mm_image_at((ULONG)instruction) != NULL) {
        for (i = 0; i < count; i++)
            if (frames[i].exact &&
                HAL_PTR_VA(frames[i].ip) == (ULONG)instruction)
                return (LONG)i;
        frames[count].ip = (ULONG_PTR)HAL_VA_PTR(instruction);
        frames[count].fp = 0;
        frames[count].exact = TRUE;
        return (LONG)count;
    }
    for (i = 0; i < count; i++)
        if (image_of(frames[i].ip) != NULL)
            return (LONG)i;
    return -1;
}

void kd_print_stop_stack(ULONG_PTR instruction, ULONG_PTR fp)
{
    kd_frame frames[KD_MAX_FRAMES + 1];
    ULONG count = kd_walk_current(fp, frames, KD_MAX_FRAMES), i;
    LONG guilty = guilty_frame(instruction, frames, count);
    char text[200];

    if (guilty >= 0) {
        kd_format_code(&frames[guilty], text, sizeof text);
        rtl_print("  driver   %s, base %08X\n", text,
                  image_of(frames[guilty].ip)->base);
    }
    if (count == 0)
        return;
    rtl_print("\nStack:\n");
    for (i = 0; i < count; i++) {
        kd_format_code(&frames[i], text, sizeof text);
        rtl_print("  %02u %s\n", i, text);
    }
}
