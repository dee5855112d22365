/*
 * Force IRQL checking: pageable memory is trimmed whenever a verified
 * driver raises IRQL to DISPATCH_LEVEL or above, acquires a spin lock, or
 * has one of its DPC routines called. Paged memory the driver then touches
 * at DISPATCH_LEVEL is never resident, so the touch stops the system with
 * 0xD1 DRIVER_IRQL_NOT_LESS_OR_EQUAL on every run, not only when a clock
 * tick (--trim) happens to fall in the right place.
 *
 * What is trimmed is what a verified driver owns: the pageable sections
 * of its image and the pages of paged pool holding blocks it allocated
 * (pool tracking records them). The pages go to the standby or modified
 * list, so a touch at PASSIVE_LEVEL is a soft fault, not a read of the
 * paging file; the kernel's own paged memory is left alone, which keeps
 * a verified run's cost near a plain one's.
 */
#include "vf.h"

#include "../ke/ke.h"
#include "../mm/pager.h"

ULONG vf_trims, vf_trimmed;

/* Is page va a verified driver's: in its image, or holding paged pool it
 * allocated? DISPATCH_LEVEL. */
static BOOLEAN drivers_page(ULONG va)
{
    return vf_driver_at(HAL_VA_PTR(va)) != NULL || vf_paged_page_in_use(va);
}

/* Trims the verified drivers' pageable pages. At or below DISPATCH_LEVEL. */
static void trim(void)
{
    vf_trimmed += mm_trim_system_pages(drivers_page);
    vf_trims++;
}

void vf_raise(KIRQL new_irql, const void *caller)
{
    if (new_irql >= DISPATCH_LEVEL && KeGetCurrentIrql() <= DISPATCH_LEVEL &&
        vf_verified_address(caller))
        trim();
}

void vf_driver_routine(const void *routine)
{
    if (KeGetCurrentIrql() <= DISPATCH_LEVEL && vf_verified_address(routine))
        trim();
}
