/*
 * ntlab --platform pc: boots the kernel's pc image (build/pc/ntlab.elf,
 * next to this executable as pc/ntlab.elf) under qemu-system-i386, with
 * the options as a multiboot command line (hal/pc/boot.c reads it).
 *
 * COM1 is the console (QEMU's standard output is ours). COM2 is a line
 * between the guest and this process, through two FIFOs: the guest asks
 * for child boots there (a stop test runs in a fresh machine, as on the
 * hosted platform) and says exit statuses above 5. QEMU's exit status
 * carries statuses 0 to 5 through isa-debug-exit (hal/pc/cpu.c).
 *
 * KVM is used when /dev/kvm opens and a probe (pc/kvm-probe.elf) shows it
 * can run 32-bit paging; else TCG. NTLAB_PC_ACCEL=kvm or tcg forces one
 * (child boots inherit the choice that way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pc.h"

/* The image sits at physical 1 GiB (hal/pc/ntlab.ld); the machine's memory
 * is that, room for the image, and the paging file above it. */
#define IMAGE_MB        1024
#define IMAGE_ROOM_MB   16
#define PAGEFILE_MAX_MB 2048
#define QEMU_STATUS(v)  (((v) << 1) | 1)
#define DRIVERS_LATER \
    "i386 drivers as multiboot modules are milestone B (docs/pc.md)\n"
#define STALE_TLB \
    "a real TLB may drop any translation (QEMU's drops all at a CR3 " \
    "load): the stale-translation lesson is the hosted platform's\n"

static char qemu[PATH_MAX];
static char here[PATH_MAX]; /* the directory of this executable */

static const char *find_qemu(void)
{
    const char *path = getenv("PATH");
    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");
        int w = n > 0 ? snprintf(qemu, sizeof qemu, "%.*s/qemu-system-i386",
                                 (int)n, path)
                      : snprintf(qemu, sizeof qemu, "./qemu-system-i386");

        if (w > 0 && (size_t)w < sizeof qemu && access(qemu, X_OK) == 0)
            return qemu;
        path += n + (path[n] == ':');
    }
    return NULL;
}

static void find_here(void)
{
    ssize_t n = readlink("/proc/self/exe", here, sizeof here - 1);
    char *slash;

    if (n <= 0)
        hosted_die("--platform pc: cannot find this executable's directory");
    here[n] = '\0';
    slash = strrchr(here, '/');
    if (slash != NULL)
        *slash = '\0';
}

/* Runs argv with standard input from /dev/null and output to out_fd (or
 * ours when -1); returns its pid. */
/* What an interrupted ntlab (SIGINT, SIGTERM, SIGHUP) cleans up: the
 * machine it runs and the FIFOs' directory. */
static volatile pid_t machine_pid;
static char fifo_dir[64];

static void remove_fifos(void)
{
    char path[sizeof fifo_dir + 16];

    if (fifo_dir[0] == '\0')
        return;
    snprintf(path, sizeof path, "%s/com2.in", fifo_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/com2.out", fifo_dir);
    unlink(path);
    rmdir(fifo_dir);
}

static void on_signal(int sig)
{
    if (machine_pid > 0)
        kill(machine_pid, SIGKILL);
    remove_fifos();
    signal(sig, SIG_DFL);
    raise(sig);
}

static pid_t start(char *const argv[], int out_fd)
{
    pid_t pid = fork();

    if (pid < 0)
        hosted_die("--platform pc: fork: %s", strerror(errno));
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        if (null >= 0)
            dup2(null, 0);
        if (out_fd >= 0) {
            dup2(out_fd, 1);
            dup2(out_fd, 2);
        }
        execv(argv[0], argv);
        fprintf(stderr, "ntlab: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static int wait_status(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The machine's fixed devices; QEMU's arguments up to the memory size. */
static int machine_args(char **argv, const char *accel, const char *memory)
{
    static const char *const fixed[] = {
        "-M", "pc", "-cpu", "qemu32,-pni", "-display", "none", "-vga", "none",
        "-net", "none", "-monitor", "none", "-no-reboot", "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04"};
    static const char qboot[] = "/usr/share/qemu/qboot.rom";
    int n = 0;
    size_t k;

    argv[n++] = qemu;
    for (k = 0; k < ARRAYSIZE(fixed); k++)
        argv[n++] = (char *)fixed[k];
    /* qboot starts a multiboot image in milliseconds; SeaBIOS takes
     * seconds under KVM. */
    if (access(qboot, R_OK) == 0) {
        argv[n++] = "-bios";
        argv[n++] = (char *)qboot;
    }
    argv[n++] = "-accel";
    argv[n++] = (char *)accel;
    argv[n++] = "-m";
    argv[n++] = (char *)memory;
    return n;
}

/* Can KVM run the pc platform here? */
static bool kvm_works(void)
{
    char probe[PATH_MAX + 32], *argv[40];
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), n, null;

    if (fd < 0)
        return false;
    close(fd);
    snprintf(probe, sizeof probe, "%s/pc/kvm-probe.elf", here);
    if (access(probe, R_OK) != 0)
        return false;
    n = machine_args(argv, "kvm", "16");
    argv[n++] = "-serial";
    argv[n++] = "none";
    argv[n++] = "-kernel";
    argv[n++] = probe;
    argv[n] = NULL;
    null = open("/dev/null", O_WRONLY);
    n = wait_status(start(argv, null));
    if (null >= 0)
        close(null);
    return n == QEMU_STATUS(0x10);
}

static const char *choose_accel(void)
{
    const char *forced = getenv("NTLAB_PC_ACCEL");

    if (forced != NULL && (strcmp(forced, "kvm") == 0 ||
                           strcmp(forced, "tcg") == 0))
        return forced;
    if (forced != NULL && forced[0] != '\0')
        hosted_die("NTLAB_PC_ACCEL: '%s' is neither kvm nor tcg", forced);
    return kvm_works() ? "kvm" : "tcg";
}

/* Appends " KEY=VALUE" to line, VALUE's blanks, '%' and controls as %XX. */
static void add_word(char *line, size_t size, const char *key,
                     const char *value)
{
    size_t used = strlen(line);

    used += (size_t)snprintf(line + used, size - used, " %s", key);
    if (value != NULL && used < size)
        used += (size_t)snprintf(line + used, size - used, "=");
    for (; value != NULL && *value != '\0' && used + 4 < size; value++) {
        unsigned char c = (unsigned char)*value;

        if (c <= ' ' || c == '%' || c >= 0x7F)
            used += (size_t)snprintf(line + used, size - used, "%%%02X", c);
        else
            line[used++] = (char)c, line[used] = '\0';
    }
    if (used + 4 >= size)
        hosted_die("--platform pc: the options are too long");
}

static void add_number(char *line, size_t size, const char *key,
                       unsigned long long v)
{
    char text[24];

    snprintf(text, sizeof text, "%llu", v);
    add_word(line, size, key, text);
}

/*
 * The in-kernel tests the pc platform cannot run yet, with why (reported
 * as TAP skips; hal_boot_info.skip).
 */
static const char pc_skips[] =
    "user user mode on pc is milestone B (docs/pc.md)\n"
    "win32 user mode on pc is milestone B (docs/pc.md)\n"
    "sysload i386 drivers as multiboot modules are milestone B (docs/pc.md)\n"
    "points " DRIVERS_LATER
    "io.driver_entry_runs_in_the_system_process " DRIVERS_LATER
    "io.every_routine_runs_in_its_context " DRIVERS_LATER
    "io.completion_from_another_process_reaches_the_requester " DRIVERS_LATER
    "io.loads_that_fail " DRIVERS_LATER
    "iomech.an_unloaded_driver_stays_until_its_files_close " DRIVERS_LATER
    "paging.trimmed_paged_pool_at_dispatch_level_from_a_driver " DRIVERS_LATER
    "mmu.activation_keeps_only_global_translations " STALE_TLB
    "mmu.full_flush_drops_global_translations " STALE_TLB;

static void command_line(const hal_boot_info *b, char *line, size_t size)
{
    line[0] = '\0';
    add_word(line, size, "command", b->command);
    if (b->argument != NULL)
        add_word(line, size, "argument", b->argument);
    add_number(line, size, "memory", b->ram_pages);
    add_number(line, size, "pagefile", b->pagefile_pages);
    add_number(line, size, "seed", b->seed);
    if (b->realtime)
        add_word(line, size, "realtime", NULL);
    if (b->trim)
        add_word(line, size, "trim", NULL);
    if (b->strict)
        add_word(line, size, "strict", NULL);
    if (b->pool_report)
        add_word(line, size, "pool-report", NULL);
    if (b->privileges)
        add_number(line, size, "privileges", b->privileges);
    if (b->verifier)
        add_number(line, size, "verifier", b->verifier);
    if (b->verifier_driver != NULL)
        add_word(line, size, "verifier-driver", b->verifier_driver);
    if (b->verifier_special_start)
        add_word(line, size, "verifier-special-start", NULL);
    if (b->verifier_faults)
        add_number(line, size, "verifier-faults", b->verifier_faults);
    add_word(line, size, "skip", pc_skips);
}

/* ---- COM2 ------------------------------------------------------------------ */

typedef struct line_state {
    int in, out; /* the FIFOs: to the guest, from the guest */
    char buf[512];
    size_t used;
    int exit_status; /* said by the guest, or -1 */
} line_state;

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};

            poll(&pfd, 1, 100);
            continue;
        }
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* Boots a child machine for one stop test and answers the guest with its
 * exit status and console output. */
static void child_boot(const hosted_options *opts, const char *accel,
                       line_state *ls, const char *test)
{
    char *argv[100], header[64], *out = NULL;
    int fds[2], n = 0, i, status;
    size_t used = 0, cap = 0;
    ssize_t r;

    argv[n++] = "/proc/self/exe";
    argv[n++] = "--platform";
    argv[n++] = "pc";
    for (i = 0; opts->child_args[i] != NULL && n < 95; i++)
        argv[n++] = (char *)opts->child_args[i];
    argv[n++] = "--child-test";
    argv[n++] = (char *)test;
    argv[n] = NULL;
    setenv("NTLAB_PC_ACCEL", accel, 1);
    if (pipe(fds) != 0)
        hosted_die("--platform pc: pipe: %s", strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    {
        pid_t pid = start(argv, fds[1]);

        close(fds[1]);
        for (;;) {
            if (used + 4096 > cap) {
                cap = cap ? cap * 2 : 16384;
                out = realloc(out, cap);
                if (out == NULL)
                    hosted_die("--platform pc: out of memory");
            }
            r = read(fds[0], out + used, cap - used);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            used += (size_t)r;
        }
        close(fds[0]);
        status = wait_status(pid);
    }
    snprintf(header, sizeof header, "%d %zu\n", status < 0 ? 256 : status,
             used);
    write_all(ls->in, header, strlen(header));
    write_all(ls->in, out, used);
    free(out);
}

/* Handles the complete lines the guest has sent. */
static void take_lines(const hosted_options *opts, const char *accel,
                       line_state *ls)
{
    char *nl;

    while ((nl = memchr(ls->buf, '\n', ls->used)) != NULL) {
        *nl = '\0';
        if (strncmp(ls->buf, "child ", 6) == 0)
            child_boot(opts, accel, ls, ls->buf + 6);
        else if (strncmp(ls->buf, "exit ", 5) == 0)
            ls->exit_status = atoi(ls->buf + 5);
        ls->used -= (size_t)(nl + 1 - ls->buf);
        memmove(ls->buf, nl + 1, ls->used);
    }
    if (ls->used == sizeof ls->buf) /* a line too long: not ours */
        ls->used = 0;
}

/* Reads what the guest sent on COM2; false when nothing was there. */
static bool read_line(line_state *ls)
{
    ssize_t r = read(ls->out, ls->buf + ls->used, sizeof ls->buf - ls->used);

    if (r <= 0)
        return false;
    ls->used += (size_t)r;
    return true;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Serves COM2 until QEMU exits; returns QEMU's exit status, or TIMED_OUT
 * when --timeout ran out first (QEMU is killed then). */
#define TIMED_OUT (-2)
static int serve(const hosted_options *opts, const char *accel, pid_t pid,
                 line_state *ls)
{
    double deadline = now() + opts->timeout_s;
    int st;

    for (;;) {
        struct pollfd pfd = {.fd = ls->out, .events = POLLIN};

        if (poll(&pfd, 1, 50) > 0 && read_line(ls))
            take_lines(opts, accel, ls);
        if (waitpid(pid, &st, WNOHANG) == pid)
            break;
        if (opts->timeout_s > 0 && now() > deadline) {
            kill(pid, SIGKILL);
            wait_status(pid);
            return TIMED_OUT;
        }
    }
    while (read_line(ls))
        take_lines(opts, accel, ls);
    take_lines(opts, accel, ls);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The status ntlab exits with, from QEMU's. */
static int status_of(int q, const line_state *ls, const hosted_options *opts)
{
    if (q == TIMED_OUT) {
        fprintf(stderr, "ntlab: --timeout: the pc machine ran longer than %u "
                        "s and was stopped (no report of its threads on pc "
                        "yet)\n", opts->timeout_s);
        return 5;
    }
    if (q >= QEMU_STATUS(0x10) && q <= QEMU_STATUS(0x15) && (q & 1))
        return (q - QEMU_STATUS(0x10)) / 2;
    if (q == QEMU_STATUS(0x16) && ls->exit_status >= 0)
        return ls->exit_status;
    if (q == 0) {
        fprintf(stderr, "ntlab: the pc machine reset itself (a triple "
                        "fault)\n");
        return 3;
    }
    fprintf(stderr, "ntlab: qemu-system-i386 failed (exit status %d)\n", q);
    return 2;
}

/* What the pc platform cannot do yet is refused, with why. */
static void refuse_unsupported(const hosted_options *opts)
{
    const char *cmd = opts->boot.command;

    if (opts->trace_path != NULL)
        hosted_die("--platform pc: --trace is not available on pc yet");
    if (opts->boot.kd)
        hosted_die("--platform pc: --kd needs console input, which pc does "
                   "not have yet");
    if (opts->program_count > 0 || opts->boot.driver_count > 0 ||
        strcmp(cmd, "run") == 0)
        hosted_die("--platform pc: programs and drivers do not run on pc "
                   "yet (no user mode or driver loading there; docs/pc.md)");
    if (opts->boot.pagefile_pages > PAGEFILE_MAX_MB * 256u)
        hosted_die("--platform pc: --pagefile is at most %d MiB on pc",
                   PAGEFILE_MAX_MB);
}

int pc_run(const hosted_options *opts)
{
    char image[PATH_MAX + 32], memory[32], line[4096], dir[] = "/tmp/ntlab-pc-XXXXXX";
    char com2[sizeof dir + 16], com2_arg[sizeof com2 + 8], fifo[sizeof com2 + 8];
    char *argv[60];
    const char *accel;
    line_state ls = {.exit_status = -1};
    int n, q;
    pid_t pid;

    refuse_unsupported(opts);
    find_here();
    snprintf(image, sizeof image, "%s/pc/ntlab.elf", here);
    if (access(image, R_OK) != 0)
        hosted_die("--platform pc: no pc image at %s (run 'make pc')", image);
    if (find_qemu() == NULL)
        hosted_die("--platform pc needs qemu-system-i386 (Debian package "
                   "qemu-system-x86)");
    accel = choose_accel();
    snprintf(memory, sizeof memory, "%uM",
             IMAGE_MB + IMAGE_ROOM_MB + opts->boot.pagefile_pages / 256);
    command_line(&opts->boot, line, sizeof line);
    if (mkdtemp(dir) == NULL)
        hosted_die("--platform pc: mkdtemp: %s", strerror(errno));
    snprintf(com2, sizeof com2, "%s/com2", dir);
    snprintf(fifo, sizeof fifo, "%s.in", com2);
    if (mkfifo(fifo, 0600) != 0)
        hosted_die("--platform pc: mkfifo: %s", strerror(errno));
    ls.in = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    snprintf(fifo, sizeof fifo, "%s.out", com2);
    if (mkfifo(fifo, 0600) != 0)
        hosted_die("--platform pc: mkfifo: %s", strerror(errno));
    ls.out = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (ls.in < 0 || ls.out < 0)
        hosted_die("--platform pc: cannot open the COM2 FIFOs");
    snprintf(com2_arg, sizeof com2_arg, "pipe:%s", com2);
    n = machine_args(argv, accel, memory);
    argv[n++] = "-serial";
    argv[n++] = "stdio";
    argv[n++] = "-serial";
    argv[n++] = com2_arg;
    argv[n++] = "-kernel";
    argv[n++] = image;
    argv[n++] = "-append";
    argv[n++] = line;
    argv[n] = NULL;
    fflush(stdout);
    snprintf(fifo_dir, sizeof fifo_dir, "%s", dir);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    pid = start(argv, -1);
    machine_pid = pid;
    q = serve(opts, accel, pid, &ls);
    machine_pid = 0;
    close(ls.in);
    close(ls.out);
    remove_fifos();
    return status_of(q, &ls, opts);
}
