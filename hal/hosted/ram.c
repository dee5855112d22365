/*
 * Guest RAM: a memfd the size of --memory. The window maps its frames where
 * the page tables say; this file also maps it whole at a private host address
 * so that the platform can reach any frame without a guest mapping.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hosted.h"

static int memfd = -1;
static uint8_t *phys;
static ULONG npages;
static int pagefile_fd = -1;
static ULONG pagefile_slots;

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

uint8_t *ram_frame(ULONG pfn)
{
    return pfn < npages ? phys + (uint64_t)pfn * PAGE_SIZE : NULL;
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

/*
 * The paging file is an unnamed temporary file (in $TMPDIR, else /tmp), so
 * it disappears with ntlab. Slot n lives at byte offset (n - 1) * 4096.
 */
void pagefile_init(ULONG pages)
{
    const char *dir = getenv("TMPDIR");

    if (pages == 0)
        return;
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    pagefile_fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (pagefile_fd < 0)
        hosted_die("cannot create the paging file in %s (%m)", dir);
    if (ftruncate(pagefile_fd, (off_t)pages * PAGE_SIZE) != 0)
        hosted_die("cannot size the paging file to %u MB in %s (%m)",
                   pages / 256, dir);
    pagefile_slots = pages;
}

ULONG hal_pagefile_slots(void)
{
    return pagefile_slots;
}

static bool pagefile_io(ULONG slot, ULONG pfn, bool write)
{
    off_t at = (off_t)(slot - 1) * PAGE_SIZE;
    uint8_t *frame = phys + (uint64_t)pfn * PAGE_SIZE;
    ssize_t n;

    if (slot == 0 || slot > pagefile_slots || pfn >= npages)
        return false;
    n = write ? pwrite(pagefile_fd, frame, PAGE_SIZE, at)
              : pread(pagefile_fd, frame, PAGE_SIZE, at);
    return n == PAGE_SIZE;
}

BOOLEAN hal_pagefile_read(ULONG slot, ULONG pfn)
{
    return pagefile_io(slot, pfn, false);
}

BOOLEAN hal_pagefile_write(ULONG slot, ULONG pfn)
{
    return pagefile_io(slot, pfn, true);
}
