/*
 * The verifier's switch and its list of verified drivers.
 *
 * --verifier turns classes on for every driver loaded; --verifier-driver
 * NAME.sys for that one only, as `verifier /driver` does. The loader tells
 * the verifier of each image it maps and unmaps; the verifier keeps the
 * verified ones' ranges in a small table, so that "is this return address
 * in a verified driver?" is a walk of a few entries, at any IRQL.
 */
#include "vf.h"

#include "../kd/kd.h"
#include "../ke/ke.h"
#include "../mm/mm.h"
#include "../rtl/rtl.h"

ULONG vf_classes;
vf_options vf_opts;
vf_driver vf_drivers[VF_MAX_DRIVERS];

void vf_init(const hal_boot_info *info)
{
    vf_opts.driver = info->verifier_driver;
    vf_opts.special_start = info->verifier_special_start;
    vf_opts.faults = info->verifier_faults;
    vf_opts.seed = info->seed;
    vf_classes = info->verifier;
}

BOOLEAN vf_will_verify(const mm_system_image *image)
{
    return vf_classes != 0 && (vf_opts.driver == NULL ||
                               rtl_equal_nocase(vf_opts.driver, image->name));
}

void vf_image_loaded(const mm_system_image *image)
{
    ULONG i;

    if (!vf_will_verify(image))
        return;
    for (i = 0; i < VF_MAX_DRIVERS; i++) {
        if (vf_drivers[i].image == NULL) {
            vf_drivers[i] = (vf_driver){image, image->base, image->size, 0, 0};
            return;
        }
    }
    rtl_print("Driver Verifier: too many drivers to verify; %s is not\n",
              image->name);
}

vf_driver *vf_driver_of_image(const mm_system_image *image)
{
    ULONG i;

    for (i = 0; i < VF_MAX_DRIVERS; i++)
        if (vf_drivers[i].image == image)
            return &vf_drivers[i];
    return NULL;
}

void vf_image_unloading(const mm_system_image *image)
{
    vf_driver *d = vf_driver_of_image(image);

    if (d != NULL)
        vf_check_unload(image, d);
    if (d != NULL)
        d->image = NULL;
}

vf_driver *vf_driver_at(const void *address)
{
    ULONG va = HAL_PTR_VA(address), i;

    if (!HAL_PTR_IN_WINDOW(address) || !mm_is_system_image(va))
        return NULL;
    for (i = 0; i < VF_MAX_DRIVERS; i++) {
        if (vf_drivers[i].image != NULL && va >= vf_drivers[i].base &&
            va - vf_drivers[i].base < vf_drivers[i].size)
            return &vf_drivers[i];
    }
    return NULL;
}

BOOLEAN vf_verified_address(const void *ra)
{
    return vf_driver_at(ra) != NULL;
}

/* "name+0xOFFSET" for a code address in a loaded image, else the address. */
void vf_describe_code(char *buf, ULONG size, ULONG_PTR address)
{
    kd_frame frame = {address, 0, FALSE};

    kd_format_code(&frame, buf, size);
}

void vf_describe_instruction(char *buf, ULONG size, ULONG_PTR address)
{
    kd_frame frame = {address, 0, TRUE};

    kd_format_code(&frame, buf, size);
}

void vf_stop(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4,
             const char *fmt, ...)
{
    char note[200];
    va_list ap;

    va_start(ap, fmt);
    rtl_vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    ke_bugcheck_note(code, p1, p2, p3, p4, note);
}
