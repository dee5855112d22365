/*
 * How ntlab ends: its own exit status, the exit status of the program the
 * run command started, and --status-file, which holds both apart.
 *
 * ntlab's exit status is its own (0 success, 1 a test or an expectation
 * failed, 2 bad input, 3 a stop, 4 a hang, 5 --timeout), except after a
 * run whose program ended and nothing went wrong after it: then it is the
 * program's (1 for a status above 255), as it always was. So a program
 * exiting 3 reads as a stop to a shell; the status file says which:
 *
 *     ntlab=0
 *     program=3
 *
 * "program=" is empty when no program ended (a stop during the run, or a
 * command other than run); a status above 255 is written in hexadecimal
 * (program=0xC0000005).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

static int status_fd = -1;
static bool program_ended;
static ULONG program_status;

void hosted_status_file(const char *path)
{
    if (path[0] == '\0')
        hosted_die("--status-file: name a file");
    status_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (status_fd < 0)
        hosted_die("--status-file: cannot write '%s': %s", path,
                   strerror(errno));
}

void hal_program_exited(ULONG exit_status)
{
    program_ended = true;
    program_status = exit_status;
}

/* Writes the status file (once: a second end, from an exit handler, is
 * not the first's). */
static void write_status(int status)
{
    char text[64];
    int n;

    if (status_fd < 0)
        return;
    if (!program_ended)
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=\n", status);
    else if (program_status <= 255)
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=%u\n", status,
                     (unsigned)program_status);
    else
        n = snprintf(text, sizeof text, "ntlab=%d\nprogram=0x%08X\n", status,
                     (unsigned)program_status);
    if (write(status_fd, text, (size_t)n) != n)
        fprintf(stderr, "ntlab: --status-file: cannot write it\n");
    close(status_fd);
    status_fd = -1;
}

void hosted_exit(int status)
{
    int code = status;

    write_status(status);
    if (status == 0 && program_ended)
        code = program_status <= 255 ? (int)program_status : 1;
    exit(code);
}

void hal_power_off(int status)
{
    hosted_exit(status);
}
