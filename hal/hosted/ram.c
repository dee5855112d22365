/*
 * Guest RAM: a memfd the size of --memory. The window maps its frames where
 * the page tables say; this file also maps it whole at a private host address
 * so that the platform can reach any frame without a guest mapping.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted.h"

static int memfd = -1;
static uint8_t *phys;
static ULONG npages;

void ram_init(ULONG pages)
{
    size_t bytes = (size_t)pages * PAGE_SIZE;

    memfd = memfd_create("ntlab-ram", MFD_CLOEXEC);
    if (memfd < 0)
        hosted_die("cannot create guest RAM (memfd_create: %m)");
    if (ftruncate(memfd, (off_t)bytes) != 0)
        hosted_die("cannot size guest RAM to %u MB (%m)", pages / 256);
    phys = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
    if (phys == MAP_FAILED)
        hosted_die("cannot map guest RAM (%m)");
    npages = pages;
}

int ram_fd(void)
{
    return memfd;
}

ULONG hal_ram_pages(void)
{
    return npages;
}


/*
 * Accesses beyond the end of RAM behave as on a PC with nothing there:
 * writes are lost and reads return all ones.
 */
static bool in_ram(ULONGLONG pa, ULONG len)
{
    return pa <= (ULONGLONG)npages * PAGE_SIZE &&
           len <= (ULONGLONG)npages * PAGE_SIZE - pa;
}

uint32_t ram_read32(uint64_t pa)
{
    uint32_t v;

    hal_phys_read(pa, &v, sizeof v);
    return v;
}

void ram_write32(uint64_t pa, uint32_t value)
{
    hal_phys_write(pa, &value, sizeof value);
}

void hal_phys_zero(ULONG pfn)
{
    if (pfn < npages)
        memset(phys + (uint64_t)pfn * PAGE_SIZE, 0, PAGE_SIZE);
}

void hal_phys_copy(ULONG dst_pfn, ULONG src_pfn)
{
    if (dst_pfn < npages && src_pfn < npages)
        memcpy(phys + (uint64_t)dst_pfn * PAGE_SIZE,
               phys + (uint64_t)src_pfn * PAGE_SIZE, PAGE_SIZE);
}

void hal_phys_read(ULONGLONG pa, void *buf, ULONG len)
{
    if (in_ram(pa, len))
        memcpy(buf, phys + pa, len);
    else
        memset(buf, 0xFF, len);
}

void hal_phys_write(ULONGLONG pa, const void *buf, ULONG len)
{
    if (in_ram(pa, len))
        memcpy(phys + pa, buf, len);
}
