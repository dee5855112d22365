#!/bin/sh
# gdb on a driver as a user meets it (docs/debugging.md): a driver built
# out of tree with the SDK, debugged with ntlab-gdb in batch sessions.
# Breakpoints set before the driver loads are hit in its code, with its
# file and line; bt goes from the driver into the kernel; breakpoints
# survive the MMU dropping and refilling the driver's pages (--strict
# drops system space on each return to user mode, --trim pages the PAGE
# code out) and last to DriverUnload, and continuing ends the run
# normally. TAP output; run by prove from make
# check. Skipped without gdb.
NTLAB=${NTLAB:-build/ntlab}
bin=$(cd "$(dirname "$NTLAB")" && pwd)
gdbtool=$bin/ntlab-gdb
if ! command -v gdb >/dev/null 2>&1; then
    echo "1..0 # SKIP gdb is not installed"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" 2>/dev/null | head -80
}
check() { # DESCRIPTION EXTENDED-REGEX: a line of the session matches
    if grep -Eq -- "$2" "$tmp/out"; then ok "$1"; else not_ok "$1"; fi
}
# session COMMAND-FILE NTLAB-ARGUMENT...: a gdb batch session, without the
# user's gdb start-up files; its output in $tmp/out.
session() {
    cmds=$1
    shift
    NTLAB="$bin/ntlab" timeout 120 "$gdbtool" -nx -batch -x "$cmds" -- "$@" \
        >"$tmp/out" 2>&1 </dev/null
    status=$?
}
# hits: the breakpoints the session stopped at, one line each.
hits() { grep -E '^Breakpoint [0-9]+, ' "$tmp/out" | sed 's/ at .*//'; }

echo "1..14"

mkdir "$tmp/drv"
cat >"$tmp/drv/gdbdrv.c" <<'C'
#include <ntddk.h>

volatile ULONG GdbTotal;
volatile BOOLEAN GdbBreak;

__attribute__((noinline)) VOID GdbAdd(ULONG value)
{
    GdbTotal += value;
    DbgPrint("gdbdrv: total %lu\n", GdbTotal);
}

__attribute__((noinline, section("PAGE"))) VOID GdbPagedAdd(ULONG value)
{
    PAGED_CODE();
    GdbAdd(value * 2);
}

/* Alone at the start of a page, and called straight from GdbUnload on
 * the same page: nothing faults between the page's fill and the call. */
static __attribute__((noinline, aligned(4096))) ULONG GdbLonely(ULONG value)
{
    return value * 3 + 1;
}

static VOID GdbUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    GdbTotal += GdbLonely(7);
    GdbPagedAdd(50);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(RegistryPath);
    DriverObject->DriverUnload = GdbUnload;
    GdbAdd(1);
    GdbPagedAdd(2);
    GdbTotal += GdbLonely(1);
    if (GdbBreak)
        DbgBreakPoint();
    return STATUS_SUCCESS;
}
C
printf 'include %s\ngdbdrv.sys: gdbdrv.c\n\t$(CC) $(NTLAB_DRIVER_CFLAGS) -c -o gdbdrv.o gdbdrv.c\n\t$(CC) -o $@ gdbdrv.o $(NTLAB_DRIVER_LDFLAGS)\n' "$bin/sdk.mk" >"$tmp/drv/Makefile"
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$tmp/drv" >"$tmp/out" 2>&1; then
    ok "a driver builds out of tree with sdk.mk"
else
    not_ok "a driver builds out of tree with sdk.mk"
fi
drv=$tmp/drv/gdbdrv.sys

cat >"$tmp/first" <<'G'
break GdbAdd
break GdbPagedAdd
run
bt
print GdbTotal
continue
next
continue
G
session "$tmp/first" --driver "$drv" run exit0.exe
check "pending breakpoints wait for the driver" '^Breakpoint 1 \(GdbAdd\) pending\.$'
check "the driver's symbols load at its load address" \
      "^\[ntlab: $tmp/drv/gdbdrv\.sys loaded at 0x(2000)?80000000\]$"
check "the breakpoint is hit in the driver's routine, at its file and line" \
      '^Breakpoint 1, GdbAdd \(value=(value@entry=)?1\) at gdbdrv\.c:8$'
check "bt shows the driver's caller with its line" \
      '^#1 +0x[0-9a-f]+ in DriverEntry \(.*\) at gdbdrv\.c:36$'
check "bt goes on into the kernel's frames" \
      '^#2 +0x[0-9a-f]+ in call_driver_routine \(.*\) at kernel/io/driver\.c:[0-9]+$'
check "print reads the driver's variables" '^\$1 = 0$'
check "a breakpoint in PAGE code is hit" \
      '^Breakpoint 2, GdbPagedAdd \(value=(value@entry=)?2\) at gdbdrv\.c:14$'
check "next steps a line in the driver" '^15	    GdbAdd\(value \* 2\);$'
check "the breakpoint is hit again" '^Breakpoint 1, GdbAdd \(value=(value@entry=)?4\) at gdbdrv\.c:8$'

# Every breakpoint on every call, DriverEntry to DriverUnload, while the
# MMU drops the driver's pages (--strict) and pages its PAGE code out
# (--trim): gdb's int3s stay in the code.
cat >"$tmp/all" <<'G'
break GdbAdd
break GdbPagedAdd
break GdbLonely
run
continue
continue
continue
continue
continue
continue
continue
G
session "$tmp/all" --strict --trim --driver "$drv" run exit0.exe
hits >"$tmp/hits"
cat >"$tmp/want" <<'W'
Breakpoint 1, GdbAdd (value=value@entry=1)
Breakpoint 2, GdbPagedAdd (value=value@entry=2)
Breakpoint 1, GdbAdd (value=4)
Breakpoint 3, GdbLonely (value=value@entry=1)
Breakpoint 3, GdbLonely (value=value@entry=7)
Breakpoint 2, GdbPagedAdd (value=50)
Breakpoint 1, GdbAdd (value=100)
W
# gcc may or may not record an argument's entry value.
sed 's/value=value@entry=/value=/' "$tmp/hits" >"$tmp/hits.n"
sed 's/value=value@entry=/value=/' "$tmp/want" >"$tmp/want.n"
if cmp -s "$tmp/hits.n" "$tmp/want.n"; then
    ok "every call stops, also after the driver's pages were dropped and paged out"
else
    not_ok "every call stops, also after the driver's pages were dropped and paged out"
fi
check "continuing ends the run normally" '^\[Inferior 1 \(process [0-9]+\) exited normally\]$'
check "the driver's symbols go when it unloads" \
      "^\[ntlab: $tmp/drv/gdbdrv\.sys unloaded from 0x(2000)?80000000\]$"

NTLAB=/nonexistent/ntlab "$gdbtool" -batch >"$tmp/out" 2>&1
if [ $? -eq 2 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
   grep -q '^ntlab-gdb: no ntlab at /nonexistent/ntlab' "$tmp/out"; then
    ok "a missing ntlab is one line and exit 2"
else
    not_ok "a missing ntlab is one line and exit 2"
fi
