/*
 * The rest of the contract on pc: boot modules (multiboot modules), the
 * volume, symbols, the trace, the host debugger's hooks, call gates, and
 * user mode, which the pc
 * platform does not offer yet (milestone B of docs/pc.md).
 */
#include "pc.h"

#include <nt/ntstatus.h>

/* ---- Boot modules ---------------------------------------------------------- */

ULONG hal_module_count(void)
{
    return pc_module_count;
}

const char *hal_module_name(ULONG index)
{
    return index < pc_module_count ? pc_modules[index].name : NULL;
}

ULONG hal_module_size(ULONG index)
{
    return index < pc_module_count ? pc_modules[index].end -
                                         pc_modules[index].start
                                   : 0;
}

BOOLEAN hal_module_read(ULONG index, ULONG offset, void *buf, ULONG len)
{
    ULONG size = hal_module_size(index);

    if (index >= pc_module_count || offset > size || len > size - offset)
        return FALSE;
    pc_phys_read((ULONGLONG)pc_modules[index].start + offset, buf, len);
    return TRUE;
}

/* ---- The volume --------------------------------------------------------------
 * The pc machine has no host directory to show: its C: drive is an empty
 * root directory.
 */
#define ROOT_HANDLE 1

NTSTATUS hal_volume_open(const char *path, ULONG *handle, ULONGLONG *size,
                         BOOLEAN *directory)
{
    if (path[0] != '\0')
        return STATUS_OBJECT_NAME_NOT_FOUND;
    *handle = ROOT_HANDLE;
    *size = 0;
    *directory = TRUE;
    return STATUS_SUCCESS;
}

BOOLEAN hal_volume_read(ULONG handle, ULONGLONG offset, void *buf, ULONG len,
                        ULONG *done)
{
    UNREFERENCED_PARAMETER(handle);
    UNREFERENCED_PARAMETER(offset);
    UNREFERENCED_PARAMETER(buf);
    UNREFERENCED_PARAMETER(len);
    *done = 0;
    return TRUE;
}

void hal_volume_close(ULONG handle)
{
    UNREFERENCED_PARAMETER(handle);
}

LONG hal_volume_module(ULONG handle, const char *name)
{
    UNREFERENCED_PARAMETER(handle);
    UNREFERENCED_PARAMETER(name);
    return -1;
}

/* ---- Symbols, the image, the trace ------------------------------------------
 * The pc image carries no symbol reader: stops name addresses only. The
 * host's ntlab refuses --trace on pc, so no event ever arrives.
 */
BOOLEAN hal_symbolize(const char *module, ULONG_PTR base, ULONG_PTR address,
                      hal_symbol *symbol)
{
    UNREFERENCED_PARAMETER(module);
    UNREFERENCED_PARAMETER(base);
    UNREFERENCED_PARAMETER(address);
    __builtin_memset(symbol, 0, sizeof *symbol);
    return FALSE;
}

void hal_kernel_image(ULONG_PTR *start, ULONG_PTR *size)
{
    *start = (ULONG_PTR)pc_image_start;
    *size = (ULONG_PTR)(pc_image_end - pc_image_start);
}

void hal_trace_write(const char *event, ULONG len)
{
    UNREFERENCED_PARAMETER(event);
    UNREFERENCED_PARAMETER(len);
}

/* ---- A host debugger -------------------------------------------------------
 * gdb attached to QEMU's gdb stub would need the images' addresses, but
 * drivers do not load on pc yet: there is nothing to tell.
 */

void hal_image_loaded(ULONG module, ULONG base, ULONG size)
{
    UNREFERENCED_PARAMETER(module);
    UNREFERENCED_PARAMETER(base);
    UNREFERENCED_PARAMETER(size);
}

void hal_image_unloading(ULONG module, ULONG base)
{
    UNREFERENCED_PARAMETER(module);
    UNREFERENCED_PARAMETER(base);
}

/* ---- Call gates ----------------------------------------------------------------
 * Gates watch a driver's calls into the kernel; drivers do not load on pc
 * yet, so there are none.
 */
void hal_set_call_gate_handler(hal_call_gate_handler handler)
{
    UNREFERENCED_PARAMETER(handler);
}

PVOID hal_call_gate(ULONG gate)
{
    UNREFERENCED_PARAMETER(gate);
    return NULL;
}

/* ---- User mode -------------------------------------------------------------------
 * Not on pc yet: a thread that would enter user mode ends the boot with
 * a one-line reason (exit status 2). The user/kernel split is the
 * hardware's, so --strict has nothing to do.
 */
void hal_user_enter(ULONG ip, ULONG stack_top, ULONG_PTR arg0, ULONG_PTR arg1)
{
    static const char why[] =
        "ntlab: user mode is not available on the pc platform yet\n";

    UNREFERENCED_PARAMETER(ip);
    UNREFERENCED_PARAMETER(stack_top);
    UNREFERENCED_PARAMETER(arg0);
    UNREFERENCED_PARAMETER(arg1);
    hal_console_write(why, sizeof why - 1);
    hal_power_off(2);
}

void hal_user_call(ULONG ip, ULONG stack_top, const ULONG_PTR *args,
                   ULONG count)
{
    UNREFERENCED_PARAMETER(ip);
    UNREFERENCED_PARAMETER(stack_top);
    UNREFERENCED_PARAMETER(args);
    UNREFERENCED_PARAMETER(count);
}

void hal_user_get_context(CONTEXT *context)
{
    __builtin_memset(context, 0, sizeof *context);
}

void hal_user_set_context(const CONTEXT *context)
{
    UNREFERENCED_PARAMETER(context);
}

void hal_user_set_result(ULONG_PTR value)
{
    UNREFERENCED_PARAMETER(value);
}

ULONG hal_user_stack_pointer(void)
{
    return 0;
}

void hal_user_strict(BOOLEAN on)
{
    UNREFERENCED_PARAMETER(on);
}

ULONG_PTR hal_system_call_entry(void)
{
    return 0;
}
