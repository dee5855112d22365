/*
 * A host debugger (gdb) attached to ntlab. gdb knows the ntlab executable
 * but not the drivers the kernel's loader maps into the guest window, and
 * its software breakpoints are bytes it writes into the code: both need
 * the platform's help, and only when a debugger is there.
 *
 * Whether one is there is read once, at start-up, from TracerPid in
 * /proc/self/status (tools/ntlab-gdb starts ntlab under gdb, so it is
 * traced from its first instruction). Then:
 *   - each driver image loaded is announced by a call of
 *     ntlab_gdb_image_loaded(path, base), an empty routine that
 *     tools/ntlab-gdb.py breaks in to load the file's symbols at base (the
 *     host address of the image's address 0), and each image unloaded by
 *     ntlab_gdb_image_unloading(path, base);
 *   - before the announcement the image's resident pages are mapped into
 *     the window, so that the breakpoints gdb inserts there land in the
 *     code itself and not in the window's empty reservation, which the MMU
 *     would map over (mmu.c keeps them from there on).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

bool debug_attached;

/* Reads TracerPid: is a debugger tracing this process now? */
void debug_init(void)
{
    char buf[4096], *at;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return;
    buf[n] = '\0';
    at = strstr(buf, "\nTracerPid:");
    debug_attached = at != NULL && strtol(at + 11, NULL, 10) != 0;
}

/*
 * The breakpoint hooks of tools/ntlab-gdb.py: path is the image's file,
 * base the host address its address 0 is mapped at. They do nothing, and
 * must stay real calls: noipa keeps the compiler from dropping or merging
 * them, the empty asm from finding them without effect.
 */
__attribute__((noipa)) void ntlab_gdb_image_loaded(const char *path,
                                                   void *base);
__attribute__((noipa)) void ntlab_gdb_image_loaded(const char *path,
                                                   void *base)
{
    __asm__ volatile("" : : "r"(path), "r"(base) : "memory");
}

__attribute__((noipa)) void ntlab_gdb_image_unloading(const char *path,
                                                      void *base);
__attribute__((noipa)) void ntlab_gdb_image_unloading(const char *path,
                                                      void *base)
{
    __asm__ volatile("" : : "r"(path), "r"(base) : "memory");
}

/* The host file of boot module index, as an absolute path (the one it was
 * opened by), in buf; false when it has none. */
static bool module_path(ULONG module, char *buf, size_t size)
{
    char link[64];
    int fd = modules_fd_at(module);
    ssize_t n;

    if (fd < 0)
        return false;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    n = readlink(link, buf, size - 1);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/*
 * Calls a hook with every signal blocked: gdb steps over its breakpoint
 * there, and a signal arriving during that step (the user-mode tick)
 * would take it into the hook's breakpoint a second time.
 */
static void announce(void (*hook)(const char *, void *), const char *path,
                     ULONG base)
{
    sigset_t all, old;

    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    hook(path, HAL_VA_PTR(base));
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void hal_image_loaded(ULONG module, ULONG base, ULONG size)
{
    char path[PATH_MAX];
    ULONG va;

    if (!debug_attached || !module_path(module, path, sizeof path))
        return;
    /* Pages that are not resident (paged out already) stay as they are. */
    for (va = base; va < base + size; va += PAGE_SIZE)
        mmu_fill(va, false, false);
    announce(ntlab_gdb_image_loaded, path, base);
}

void hal_image_unloading(ULONG module, ULONG base)
{
    char path[PATH_MAX];

    if (debug_attached && module_path(module, path, sizeof path))
        announce(ntlab_gdb_image_unloading, path, base);
}
