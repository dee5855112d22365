#!/bin/sh
# Hostile user programs: each thing a program must never manage (stop the
# system, crash or hang the host) is tried by user/programs/hostile.c, and
# must end with NT's answer in the program and ntlab's exit 0. TAP output.
NTLAB=${NTLAB:-build/ntlab}
progs=$(dirname "$NTLAB")/user
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1; echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null
}
# hostile NAME LINE [OPTIONS...]: runs hostile.exe NAME (a timeout is a
# hang), wants exit 0, LINE on stdout and nothing on stderr.
hostile() {
    name=$1 line=$2
    shift 2
    timeout 120 "$NTLAB" "$@" run hostile.exe "$name" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 0 ] && grep -q -- "^hostile: $line" "$tmp/out" &&
       [ ! -s "$tmp/err" ]; then
        ok "hostile $name: $line"
    else
        not_ok "hostile $name (status $status)"
    fi
}

hostile guard "guard pages give STATUS_GUARD_PAGE_VIOLATION once"
hostile ac "EFLAGS.AC: system calls work"
hostile tf "EFLAGS.TF: STATUS_SINGLE_STEP in the program"
hostile continue "bad contexts are exceptions in the program"
hostile fs "FS loaded: system calls and exceptions work"
hostile mutant "mutants closed while owned are abandoned"
hostile commit "commit past the limit is STATUS_COMMITMENT_LIMIT" \
    --memory 8 --pagefile 16
hostile unload "NtUnloadDriver and NtLoadDriver need SeLoadDriverPrivilege" \
    --driver "$progs/iotest.sys"
hostile unload-privileged "with SeLoadDriverPrivilege, drivers unload and load" \
    --privilege load-driver --driver "$progs/iotest.sys"
grep -q "cannot unload" "$tmp/out" && not_ok "a driver the program unloaded is not reported" ||
    ok "a driver the program unloaded is not reported"
hostile delay "a thread sleeps forever beside a periodic timer"

# ends_with CASE STATUS LINE: the program ends (no hang, no host signal)
# with ntlab's STATUS and LINE on stdout.
ends_with() {
    timeout 120 "$NTLAB" run hostile.exe "$1" >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" -eq "$2" ] && grep -q -- "$3" "$tmp/out"; then
        ok "hostile $1: status $2, $3"
    else
        not_ok "hostile $1 (status $status, wanted $2)"
    fi
}
ends_with continue-nostack 1 "ended: exception 0xC0000005 at 8000000000000000"
ends_with stack 1 "ended with STATUS_ACCESS_VIOLATION"
ends_with delay-forever 4 "The system has hung"
ends_with delay-forever-apc 4 "The system has hung"

hostile syscall "raw host system calls are exceptions in the program"
hostile syscall "raw host system calls are exceptions in the program" --strict

# A driver, built out of tree with sdk.mk, that makes a raw Linux system
# call in DriverEntry: the host never runs it; the system stops with an
# illegal instruction in kernel mode, naming the driver.
sdk=$(cd "$(dirname "$NTLAB")" && pwd)/sdk.mk
cat >"$tmp/rawcall.c" <<'C'
#include <ntddk.h>

static const char text[] = "rawcall: the host ran a raw system call\n";

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    long result;

    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(1L), "D"(1L), "S"(text), "d"(sizeof text - 1)
                     : "rcx", "r11", "memory");
    return result == 0 ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
C
cat >"$tmp/Makefile" <<'M'
include $(NTLAB_SDK)
rawcall.sys: rawcall.c
	$(CC) $(NTLAB_DRIVER_CFLAGS) -Wall -o $@ rawcall.c $(NTLAB_DRIVER_LDFLAGS)
M
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$tmp" NTLAB_SDK="$sdk" rawcall.sys >"$tmp/out" 2>"$tmp/err"; then
    timeout 120 "$NTLAB" --driver "$tmp/rawcall.sys" run hostile.exe guard >"$tmp/out" 2>"$tmp/err"
    status=$?
    if [ "$status" -eq 3 ] &&
       grep -q '^\*\*\* STOP: 0x0000007E (0xC000001D,' "$tmp/out" &&
       grep -q 'rawcall.sys' "$tmp/out" && ! grep -q 'the host ran' "$tmp/out"; then
        ok "a raw system call in a driver stops the system with 0x7E (0xC000001D), naming the driver"
    else
        not_ok "a raw system call in a driver stops the system (status $status)"
    fi
else
    not_ok "the raw-call driver builds with sdk.mk"
fi

"$NTLAB" --privilege debug run hostile.exe guard >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
   grep -q "^ntlab: --privilege: 'debug' is not a privilege" "$tmp/err"; then
    ok "an unknown --privilege is one line, status 2"
else
    not_ok "an unknown --privilege is one line, status 2 (status $status)"
fi

echo "1..$n"
exit $failed
