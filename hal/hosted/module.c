/*
 * Boot modules on the hosted platform: the programs and drivers ntlab was
 * built with (the files in the user/ directory next to the ntlab binary)
 * and the files named by --program, each read on demand with pread.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hosted.h"

#define MAX_MODULES 256

static struct module {
    char name[64];
    int fd;
    ULONG size;
    bool from_volume; /* added by hal_volume_module */
} modules[MAX_MODULES];
static ULONG module_count;

static bool wanted(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && n < sizeof modules[0].name &&
           (strcmp(name + n - 4, ".exe") == 0 ||
            strcmp(name + n - 4, ".sys") == 0);
}

/* Adds the file at path as module name (replacing one of the same name).
 * Returns false when it cannot be opened or is too big. */
static bool add(const char *path, const char *name)
{
    struct module *m = NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ULONG i;

    if (fd < 0)
        return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > 0x7FFFFFFF) {
        close(fd);
        errno = EINVAL;
        return false;
    }
    for (i = 0; i < module_count && m == NULL; i++)
        if (strcasecmp(modules[i].name, name) == 0)
            m = &modules[i];
    if (m != NULL)
        close(m->fd);
    else if (module_count < MAX_MODULES)
        m = &modules[module_count++];
    if (m == NULL) {
        close(fd);
        errno = EMFILE;
        return false;
    }
    snprintf(m->name, sizeof m->name, "%s", name);
    m->fd = fd;
    m->size = (ULONG)st.st_size;
    return true;
}

/* The programs built with ntlab: <directory of this executable>/user. */
static void add_built_in(void)
{
    char self[PATH_MAX], dir[PATH_MAX + 8], path[2 * PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    struct dirent *e;
    DIR *d;

    if (n <= 0)
        return;
    self[n] = '\0';
    snprintf(dir, sizeof dir, "%s/user", dirname(self));
    d = opendir(dir);
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (!wanted(e->d_name))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        add(path, e->d_name);
    }
    closedir(d);
}

void modules_init(const hosted_options *opts)
{
    char copy[PATH_MAX];
    int i;

    add_built_in();
    for (i = 0; i < opts->program_count; i++) {
        snprintf(copy, sizeof copy, "%s", opts->programs[i]);
        if (strlen(basename(copy)) >= sizeof modules[0].name)
            hosted_die("the file name '%s' is too long", copy);
        if (!add(opts->programs[i], basename(copy)))
            hosted_die("cannot read '%s' (%m)", opts->programs[i]);
    }
}

/* The latest module of that name: a driver loaded from the volume may
 * share its name with a built-in one. */
int modules_fd(const char *name)
{
    ULONG i;

    for (i = module_count; i-- > 0;)
        if (strcasecmp(modules[i].name, name) == 0)
            return modules[i].fd;
    return -1;
}

int modules_fd_at(ULONG index)
{
    return index < module_count ? modules[index].fd : -1;
}

LONG modules_add_fd(int fd, const char *name)
{
    struct module *m = NULL;
    struct stat st;
    ULONG i;
    int copy;

    if (strlen(name) >= sizeof modules[0].name || fstat(fd, &st) != 0 ||
        !S_ISREG(st.st_mode) || st.st_size > 0x7FFFFFFF)
        return -1;
    for (i = 0; i < module_count && m == NULL; i++)
        if (modules[i].from_volume && strcasecmp(modules[i].name, name) == 0)
            m = &modules[i];
    if (m == NULL && module_count == MAX_MODULES)
        return -1;
    copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0)
        return -1;
    if (m != NULL)
        close(m->fd);
    else
        m = &modules[module_count++];
    snprintf(m->name, sizeof m->name, "%s", name);
    m->fd = copy;
    m->size = (ULONG)st.st_size;
    m->from_volume = true;
    return (LONG)(m - modules);
}

ULONG hal_module_count(void)
{
    return module_count;
}

const char *hal_module_name(ULONG index)
{
    return index < module_count ? modules[index].name : NULL;
}

ULONG hal_module_size(ULONG index)
{
    return index < module_count ? modules[index].size : 0;
}

/*
 * buf is guest memory, which the host kernel cannot write into unless it is
 * mapped already: pread goes to a host buffer, and the copy to buf takes
 * the MMU's faults like any access.
 */
BOOLEAN hal_module_read(ULONG index, ULONG offset, void *buf, ULONG len)
{
    static char bounce[64 * 1024];
    ULONG chunk;
    ssize_t n;

    if (index >= module_count || offset > modules[index].size ||
        len > modules[index].size - offset)
        return FALSE;
    while (len > 0) {
        chunk = len < sizeof bounce ? len : sizeof bounce;
        n = pread(modules[index].fd, bounce, chunk, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        memcpy(buf, bounce, (size_t)n);
        buf = (char *)buf + n;
        offset += (ULONG)n;
        len -= (ULONG)n;
    }
    return TRUE;
}
