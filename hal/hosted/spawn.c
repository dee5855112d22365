/*
 * Child boots: a fresh ntlab process for one test that must stop the
 * system. They are not started by this process, which runs under the
 * system-call filter (filter.c) once it has started: a program it spawned
 * would inherit the filter, and the new program's own code, at addresses of
 * its own, would be refused every system call. So before the filter, the
 * machine forks a spawner, a copy of itself that runs nothing but host code:
 * it takes a test name over a socket, starts the child boot, collects its
 * output and exit status, and sends them back. It ends when this process
 * does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hosted.h"

extern char **environ;

/* How long a child boot may take before it is killed. */
#define CHILD_SECONDS 120
/* The most output a child boot sends back. */
#define OUTPUT_MAX 65536

static const hosted_options *options;
static int spawner_socket = -1; /* this process's end */

/*
 * Reads everything from fd into out (NUL-terminated, truncated to size)
 * until end of file; returns false if that takes longer than CHILD_SECONDS.
 */
static bool read_all(int fd, char *out, size_t size)
{
    ULONGLONG deadline = hal_clock_ns() + CHILD_SECONDS * 1000000000ull;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    size_t used = 0;
    char sink[512];
    ssize_t n;

    for (;;) {
        ULONGLONG now = hal_clock_ns();
        bool room = used + 1 < size;

        if (now >= deadline)
            break;
        if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
            continue;
        n = room ? read(fd, out + used, size - 1 - used)
                 : read(fd, sink, sizeof sink);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (room)
            used += (size_t)n;
    }
    if (size > 0)
        out[used] = '\0';
    return hal_clock_ns() < deadline;
}

/* Starts `ntlab OPTIONS --child-test name` with its output on a pipe;
 * the pipe's read end in *out_fd. */
static int start_child(const char *name, pid_t *pid, int *out_fd)
{
    const char *argv[96];
    posix_spawn_file_actions_t fa;
    int fds[2], n = 0, i, err;

    argv[n++] = options->self;
    for (i = 0; options->child_args[i] != NULL; i++)
        argv[n++] = options->child_args[i];
    argv[n++] = "--child-test";
    argv[n++] = name;
    argv[n] = NULL;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    err = posix_spawn(pid, options->self, &fa, NULL, (char **)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        return -1;
    }
    *out_fd = fds[0];
    return 0;
}

/* Runs one child boot; its exit status (-1 if none), its output in out. */
static int run_child(const char *name, char *out, size_t size)
{
    int fd, status;
    pid_t pid;

    out[0] = '\0';
    if (start_child(name, &pid, &fd) != 0)
        return -1;
    if (!read_all(fd, out, size)) {
        kill(pid, SIGKILL);
        snprintf(out + strlen(out), size - strlen(out),
                 "\n(the child boot ran for %d s and was killed)\n",
                 CHILD_SECONDS);
    }
    close(fd);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The spawner: one request (a test name), one reply (the exit status,
 * then the output), until the other end closes. */
static DECLSPEC_NORETURN void serve(int fd)
{
    static char request[512], reply[sizeof(int) + OUTPUT_MAX];
    ssize_t n;
    int status;

    for (;;) {
        n = recv(fd, request, sizeof request - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(0);
        request[n] = '\0';
        status = run_child(request, reply + sizeof status, OUTPUT_MAX);
        memcpy(reply, &status, sizeof status);
        if (send(fd, reply, sizeof status + strlen(reply + sizeof status),
                 0) < 0)
            _exit(0);
    }
}

void spawner_init(const hosted_options *opts)
{
    int fds[2];
    pid_t parent = getpid(), pid;

    options = opts;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return; /* no child boots: hal_child_boot says so */
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        serve(fds[1]);
    }
    close(fds[1]);
    spawner_socket = fds[0];
}

int hal_child_boot(const char *test_name, char *out, ULONG size)
{
    static char reply[sizeof(int) + OUTPUT_MAX];
    size_t name_length = strlen(test_name), text;
    ssize_t n;
    int status;

    if (spawner_socket < 0 || name_length >= 511 || size == 0)
        return -1;
    if (send(spawner_socket, test_name, name_length, 0) < 0)
        return -1;
    do
        n = recv(spawner_socket, reply, sizeof reply, 0);
    while (n < 0 && errno == EINTR);
    if (n < (ssize_t)sizeof status)
        return -1;
    memcpy(&status, reply, sizeof status);
    text = (size_t)n - sizeof status;
    if (text >= size)
        text = size - 1;
    memcpy(out, reply + sizeof status, text);
    out[text] = '\0';
    return status;
}
