/*
 * A preload library for tests/cli.t: maps one page at the address in
 * NTLAB_OCCUPY before ntlab starts, so that its guest window cannot be
 * reserved.
 */
#include <stdlib.h>
#include <sys/mman.h>

__attribute__((constructor)) static void occupy(void)
{
    const char *at = getenv("NTLAB_OCCUPY");

    if (at != NULL)
        mmap((void *)strtoul(at, NULL, 16), 4096, PROT_READ,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}
