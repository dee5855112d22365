/*
 * The volume on the hosted platform: a read-only view of the directory
 * ntlab was started in (hal.h, "The volume"). Every open goes through
 * openat2 with RESOLVE_BENEATH from a descriptor of that directory taken
 * at start-up, so neither ".." nor a symbolic link (absolute or relative)
 * can lead out of it; the host says EXDEV, and the kernel hears
 * STATUS_ACCESS_DENIED.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nt/ntstatus.h>

#include "hosted.h"

#define MAX_OPEN 256

static int root = -1;
static int open_fds[MAX_OPEN]; /* handle h is open_fds[h - 1]; -1: free */

void volume_init(void)
{
    int i;

    for (i = 0; i < MAX_OPEN; i++)
        open_fds[i] = -1;
    root = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        hosted_die("cannot open the current directory (%m)");
}

/* openat2 beneath the root: no escape, no magic links, no devices' side
 * effects on open (O_NONBLOCK, O_NOCTTY; openat2 refuses them with
 * O_PATH). */
static int open_beneath(const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC |
                                      (flags & O_PATH ? 0
                                                      : O_NOCTTY | O_NONBLOCK)),
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };

    return (int)syscall(SYS_openat2, root, *path != '\0' ? path : ".", &how,
                        sizeof how);
}

static NTSTATUS status_of(int error, bool last)
{
    switch (error) {
    case ENOENT:
        return last ? STATUS_OBJECT_NAME_NOT_FOUND
                    : STATUS_OBJECT_PATH_NOT_FOUND;
    case ENOTDIR:
        return STATUS_OBJECT_PATH_NOT_FOUND;
    case EMFILE:
    case ENFILE:
        return STATUS_TOO_MANY_OPENED_FILES;
    case ENAMETOOLONG:
        return STATUS_OBJECT_NAME_INVALID;
    default: /* EXDEV (out of the view), EACCES, ELOOP ... */
        return STATUS_ACCESS_DENIED;
    }
}

/*
 * Replaces the component of path at [at, at + n) by the entry of the
 * directory path[0..at) that differs from it only in ASCII case. Returns
 * false when there is none.
 */
static bool fold_component(char *path, size_t at, size_t n)
{
    char parent[PATH_MAX];
    struct dirent *e;
    bool found = false;
    DIR *d;
    int fd;

    snprintf(parent, sizeof parent, "%.*s", (int)(at > 0 ? at - 1 : 0), path);
    fd = open_beneath(parent, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return false;
    d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return false;
    }
    while (!found && (e = readdir(d)) != NULL) {
        if (strlen(e->d_name) == n && strncasecmp(e->d_name, path + at, n) == 0) {
            memcpy(path + at, e->d_name, n);
            found = true;
        }
    }
    closedir(d);
    return found;
}

/* Opens path (a copy the case of whose components may be corrected). */
static int open_folded(char *path, NTSTATUS *status)
{
    size_t at = 0, n;
    struct stat st;
    int fd;

    for (;;) {
        n = strcspn(path + at, "/");
        char saved = path[at + n];

        path[at + n] = '\0';
        fd = open_beneath(path, O_PATH);
        if (fd < 0 && errno == ENOENT && fold_component(path, at, n))
            fd = open_beneath(path, O_PATH);
        if (fd < 0) {
            *status = status_of(errno, saved == '\0');
            path[at + n] = saved;
            return -1;
        }
        path[at + n] = saved;
        if (saved == '\0')
            break;
        close(fd);
        at += n + 1;
    }
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        close(fd);
        *status = STATUS_ACCESS_DENIED; /* sockets, fifos, devices */
        return -1;
    }
    close(fd);
    fd = open_beneath(path, O_RDONLY);
    if (fd < 0)
        *status = status_of(errno, true);
    return fd;
}

NTSTATUS hal_volume_open(const char *path, ULONG *handle, ULONGLONG *size,
                         BOOLEAN *directory)
{
    char copy[PATH_MAX];
    struct stat st;
    NTSTATUS status = STATUS_SUCCESS;
    int fd, i;

    if (root < 0 || strlen(path) >= sizeof copy)
        return STATUS_OBJECT_NAME_INVALID;
    strcpy(copy, path);
    fd = *copy != '\0' ? open_folded(copy, &status) : open_beneath("", O_RDONLY);
    if (fd < 0)
        return status != STATUS_SUCCESS ? status : status_of(errno, true);
    /* What was opened must still be a file or a directory. */
    if (fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
        close(fd);
        return STATUS_ACCESS_DENIED;
    }
    for (i = 0; i < MAX_OPEN && open_fds[i] >= 0; i++)
        ;
    if (i == MAX_OPEN) {
        close(fd);
        return STATUS_TOO_MANY_OPENED_FILES;
    }
    open_fds[i] = fd;
    *handle = (ULONG)i + 1;
    *size = S_ISREG(st.st_mode) ? (ULONGLONG)st.st_size : 0;
    *directory = S_ISDIR(st.st_mode);
    return STATUS_SUCCESS;
}

static int fd_of(ULONG handle)
{
    return handle >= 1 && handle <= MAX_OPEN ? open_fds[handle - 1] : -1;
}

/* buf is kernel memory, which the host kernel may not write into before
 * the MMU has mapped it: pread goes to a host buffer first. */
BOOLEAN hal_volume_read(ULONG handle, ULONGLONG offset, void *buf, ULONG len,
                        ULONG *done)
{
    static char bounce[64 * 1024];
    int fd = fd_of(handle);
    ssize_t n;

    *done = 0;
    if (fd < 0 || offset > (ULONGLONG)LLONG_MAX)
        return FALSE;
    while (len > 0) {
        n = pread(fd, bounce, len < sizeof bounce ? len : sizeof bounce,
                  (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return FALSE;
        if (n == 0)
            break;
        memcpy(buf, bounce, (size_t)n);
        buf = (char *)buf + n;
        offset += (ULONGLONG)n;
        len -= (ULONG)n;
        *done += (ULONG)n;
    }
    return TRUE;
}

void hal_volume_close(ULONG handle)
{
    int fd = fd_of(handle);

    if (fd >= 0) {
        close(fd);
        open_fds[handle - 1] = -1;
    }
}

LONG hal_volume_module(ULONG handle, const char *name)
{
    int fd = fd_of(handle);

    return fd < 0 ? -1 : modules_add_fd(fd, name);
}
