/*
 * The trace file (--trace): the kernel's events, each a JSON object, as
 * the elements of a Chrome trace's "traceEvents" array. They are gathered
 * in a buffer and written when it fills and when ntlab exits (whatever the
 * way: power off, a stop, a hang). A fragment (one boot of a scenario's
 * trace, which the scenario runner joins) has the events only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

#define TRACE_BUFFER (1u << 20)

static struct {
    int fd;
    bool fragment;
    bool first;
    size_t used;
    char *buffer;
} out = {.fd = -1};

/* Writes the buffer out; a failing write ends tracing (said once). */
static void drain(void)
{
    size_t done = 0;

    while (done < out.used) {
        ssize_t n = write(out.fd, out.buffer + done, out.used - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            static const char msg[] = "ntlab: --trace: cannot write the trace "
                                      "file; it is incomplete\n";
            ssize_t ignored = write(2, msg, sizeof msg - 1);

            (void)ignored;
            close(out.fd);
            out.fd = -1;
            break;
        }
        done += (size_t)n;
    }
    out.used = 0;
}

static void append(const char *text, size_t len)
{
    if (out.fd < 0)
        return;
    if (out.used + len > TRACE_BUFFER)
        drain();
    if (len > TRACE_BUFFER || out.fd < 0)
        return;
    memcpy(out.buffer + out.used, text, len);
    out.used += len;
}

static void finish(void)
{
    if (out.fd < 0)
        return;
    if (!out.fragment)
        append("\n]}\n", 4);
    else if (!out.first)
        append("\n", 1);
    drain();
    if (out.fd >= 0)
        close(out.fd);
    out.fd = -1;
}

void trace_init(const hosted_options *opts)
{
    if (opts->trace_path == NULL)
        return;
    out.fd = open(opts->trace_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                  0666);
    if (out.fd < 0)
        hosted_die("--trace: cannot write '%s': %s", opts->trace_path,
                   strerror(errno));
    out.buffer = malloc(TRACE_BUFFER);
    if (out.buffer == NULL)
        hosted_die("--trace: no memory for the trace buffer");
    out.fragment = opts->trace_fragment;
    out.first = true;
    if (!out.fragment)
        append("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", 40);
    atexit(finish);
}

void hal_trace_write(const char *event, ULONG len)
{
    if (!out.first)
        append(",\n", 2);
    out.first = false;
    append(event, len);
}
