/*
 * The kernel's image at system-space addresses (kd.h).
 */
#include "kd.h"

#include "../mm/mm.h"

/* The host range of the kernel's image and the part of it that fits the
 * nt range; size 0 when the kernel is in the guest window already. */
static void host_image(ULONG_PTR *start, ULONG_PTR *size)
{
    hal_kernel_image(start, size);
    if (HAL_PTR_IN_WINDOW(*start))
        *size = 0;
    else if (*size > MM_KERNEL_IMAGE_END - MM_KERNEL_IMAGE_START)
        *size = MM_KERNEL_IMAGE_END - MM_KERNEL_IMAGE_START;
}

ULONG_PTR kd_system_address(ULONG_PTR p)
{
    ULONG_PTR start, size;

    host_image(&start, &size);
    if (p - start < size)
        return MM_KERNEL_IMAGE_START + (p - start);
    return p;
}

ULONG_PTR kd_nt_host(ULONG va)
{
    ULONG_PTR start, size;

    host_image(&start, &size);
    if (va >= MM_KERNEL_IMAGE_START && va - MM_KERNEL_IMAGE_START < size)
        return start + (va - MM_KERNEL_IMAGE_START);
    return 0;
}

void kd_nt_image(ULONG *base, ULONG *size)
{
    ULONG_PTR start, host_size;

    host_image(&start, &host_size);
    *base = host_size != 0 ? MM_KERNEL_IMAGE_START : (ULONG)start;
    *size = (ULONG)host_size;
}
