/*
 * The system-call filter: guest code (user programs and drivers) shares
 * this process with ntlab's host code, and the CPU would run a `syscall`
 * instruction of theirs as a Linux system call. Once the machine has
 * started, a seccomp filter allows a host system call only when the
 * instruction that made it lies in the executable code of ntlab and the
 * libraries it has loaded (the ranges /proc/self/maps shows then, the guest
 * window excluded). Any other is refused with SIGSYS before it runs, and
 * the trap handler takes it as what the instruction is on NT: an invalid
 * opcode in the context that ran it.
 *
 * What this does not stop: guest code calling into host code that makes
 * system calls (the host's text is in the same address space), and guest
 * code changing host memory. The hosted platform is for code one trusts
 * not to attack ntlab; the pc platform puts a hardware boundary there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hosted.h"

/* Executable ranges allowed; each within one 4 GiB block, since BPF
 * compares 32 bits at a time. */
#define RANGES_MAX 64
static struct range {
    uint64_t lo, hi;
} ranges[RANGES_MAX];
static int range_count;

/* Adds [lo, hi), split where it crosses a 4 GiB boundary. */
static bool add_range(uint64_t lo, uint64_t hi)
{
    while (lo < hi) {
        uint64_t end = (lo | 0xFFFFFFFFull) + 1;

        if (end > hi || end == 0)
            end = hi;
        if (range_count == RANGES_MAX)
            return false;
        ranges[range_count].lo = lo;
        ranges[range_count++].hi = end;
        lo = end;
    }
    return true;
}

/* Reads the executable mappings of this process, except the guest window
 * and the legacy vsyscall page. */
static bool read_ranges(void)
{
    uint64_t window = (uint64_t)(uintptr_t)HAL_VA_PTR(0);
    uint64_t window_end = window + (1ull << 32);
    unsigned long lo, hi;
    char perms[8], line[512];
    FILE *maps = fopen("/proc/self/maps", "r");
    bool ok = maps != NULL;

    while (ok && fgets(line, sizeof line, maps) != NULL) {
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
            continue;
        if (perms[2] != 'x' || strstr(line, "[vsyscall]") != NULL)
            continue;
        if (lo < window_end && hi > window)
            continue;
        ok = add_range(lo, hi);
    }
    if (maps != NULL)
        fclose(maps);
    return ok && range_count > 0;
}

#define IP_LO       offsetof(struct seccomp_data, instruction_pointer)
#define IP_HI       (IP_LO + 4)

#define STMT(code, k)        ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, jt, jf) ((struct sock_filter)BPF_JUMP((code), (k), (jt), (jf)))
#define RET(action)          STMT(BPF_RET | BPF_K, (action))

/* The program: a wrong architecture (int 0x80) is refused; then each range
 * in six instructions, high half equal and low half within: allowed;
 * otherwise on to the next; after the last, refused. */
static int build(struct sock_filter *p)
{
    int n = 0, i;

    p[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    p[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
    p[n++] = RET(SECCOMP_RET_TRAP);
    for (i = 0; i < range_count; i++) {
        p[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, IP_HI);
        p[n++] = JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ranges[i].lo >> 32),
                      0, 4);
        p[n++] = STMT(BPF_LD | BPF_W | BPF_ABS, IP_LO);
        p[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)ranges[i].lo, 0, 2);
        p[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(ranges[i].hi - 1),
                      1, 0);
        p[n++] = RET(SECCOMP_RET_ALLOW);
    }
    p[n++] = RET(SECCOMP_RET_TRAP);
    return n;
}

void filter_init(void)
{
    static struct sock_filter code[4 + 6 * RANGES_MAX];
    struct sock_fprog prog;

    if (!read_ranges())
        hosted_die("cannot read this process's code ranges for the "
                   "system-call filter");
    prog.len = (unsigned short)build(code);
    prog.filter = code;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        hosted_die("cannot install the system-call filter (%m): this "
                   "kernel must allow seccomp filters");
}

bool filter_refused(int sig, const siginfo_t *si)
{
    return sig == SIGSYS && si->si_code == 1; /* SYS_SECCOMP */
}
