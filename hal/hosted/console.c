/*
 * Console input on the hosted platform: ntlab's standard input (hal.h,
 * "Console input"). Input that is not a terminal is read whole on first
 * use, so that a run depends only on what was given, not on when.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

#define MAX_INPUT (16u << 20)

static bool loaded;     /* input (not a terminal) read whole */
static bool terminal;
static char *input;
static size_t input_size, input_at;

/* Reads all of standard input (up to MAX_INPUT bytes) into input. */
static void load(void)
{
    size_t capacity = 0;
    ssize_t n;

    loaded = true;
    terminal = isatty(0) != 0;
    if (terminal)
        return;
    for (;;) {
        if (input_size == capacity) {
            char *bigger;

            if (capacity == MAX_INPUT)
                break;
            capacity = capacity == 0 ? 4096 : capacity * 2;
            bigger = realloc(input, capacity);
            if (bigger == NULL)
                break;
            input = bigger;
        }
        n = read(0, input + input_size, capacity - input_size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        input_size += (size_t)n;
    }
}

ULONG hal_console_read(void *buf, ULONG len)
{
    char bounce[4096];
    ssize_t n;
    size_t k;

    if (!loaded)
        load();
    if (!terminal) {
        k = input_size - input_at < len ? input_size - input_at : len;
        memcpy(buf, input + input_at, k);
        input_at += k;
        return (ULONG)k;
    }
    do
        n = read(0, bounce, len < sizeof bounce ? len : sizeof bounce);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    memcpy(buf, bounce, (size_t)n);
    return (ULONG)n;
}

ULONG hal_console_input_ready(ULONG wait_ms)
{
    struct pollfd p = {.fd = 0, .events = POLLIN};

    if (!loaded)
        load();
    if (!terminal)
        return (ULONG)(input_size - input_at);
    return poll(&p, 1, wait_ms > 1000 ? 1000 : (int)wait_ms) == 1 &&
                   (p.revents & (POLLIN | POLLHUP))
               ? 1
               : 0;
}

BOOLEAN hal_console_is_interactive(void)
{
    if (!loaded)
        load();
    return terminal;
}
