#!/bin/sh
# The SDK as a user meets it: sdk/example (a driver in the classic WDM
# shape and a Win32 program) copied out of the tree, built with the sdk.mk
# of the ntlab under test, and run with --driver. TAP output; run by prove
# from make check.
NTLAB=${NTLAB:-build/ntlab}
sdk=$(cd "$(dirname "$NTLAB")" && pwd)/sdk.mk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    [ -n "$2" ] && sed 's/^/#   /' "$2"
}
check() { # check NAME FILE PATTERN: FILE has a line matching PATTERN
    if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1" "$2"; fi
}

echo "1..16"
cp sdk/example/Makefile sdk/example/*.c sdk/example/*.h "$tmp"/
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$tmp" NTLAB_SDK="$sdk" >"$tmp/build" 2>&1; then
    ok "the example builds outside the tree with sdk.mk"
else
    not_ok "the example builds outside the tree with sdk.mk" "$tmp/build"
fi
if [ ! -s "$tmp/build" ]; then
    ok "the classic driver and program compile without a warning"
else
    not_ok "the classic driver and program compile without a warning" "$tmp/build"
fi
"$NTLAB" --driver "$tmp/sample.sys" run "$tmp/sampleapp.exe" >"$tmp/out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "the program's answers are right"; else not_ok "the program's answers are right (status $status)" "$tmp/out"; fi
check "METHOD_BUFFERED round-trips" "$tmp/out" '^METHOD_BUFFERED   "HELLO FROM USER MODE" (20 bytes)$'
check "METHOD_IN_DIRECT reads the second buffer" "$tmp/out" '^METHOD_IN_DIRECT  17 letters$'
check "METHOD_OUT_DIRECT writes the second buffer" "$tmp/out" '^METHOD_OUT_DIRECT "HELLO FROM USER MODE" (20 bytes)$'
check "METHOD_NEITHER works in the requester's context" "$tmp/out" '^METHOD_NEITHER    "HELLO FROM USER MODE" (20 bytes)$'
check "DriverEntry runs in the System process at PASSIVE_LEVEL" "$tmp/out" '^sample: DriverEntry in System at IRQL 0$'
check "dispatch runs in the program's thread at PASSIVE_LEVEL" "$tmp/out" '^sample: IOCTL 0x9000240F from sampleapp.exe at IRQL 0$'
check "DriverUnload runs when the program has ended" "$tmp/out" '^sample: unloaded$'

# A driver that faults, built the same way: the stop screen names the
# routine and the line, and the backtrace goes through the driver's frames
# (its DWARF) to the kernel's (the kernel's symbols); a stripped copy gets
# offsets only.
mkdir "$tmp/buggy"
cat >"$tmp/buggy/buggy.c" <<'C'
#include <ntddk.h>

volatile ULONG *BuggyTarget;

__attribute__((noinline)) VOID BuggyTouch(ULONG value)
{
    DbgPrint("buggy: touching\n");
    *BuggyTarget = value;
}

__attribute__((noinline)) VOID BuggyWork(ULONG value)
{
    BuggyTouch(value + 1);
    DbgPrint("buggy: not reached\n");
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    BuggyWork(41);
    return STATUS_SUCCESS;
}
C
printf 'include %s\nbuggy.sys: buggy.c\n\t$(CC) $(NTLAB_DRIVER_CFLAGS) -c -o buggy.o buggy.c\n\t$(CC) -o $@ buggy.o $(NTLAB_DRIVER_LDFLAGS)\n' "$sdk" >"$tmp/buggy/Makefile"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$tmp/buggy" >"$tmp/build" 2>&1
"$NTLAB" --driver "$tmp/buggy/buggy.sys" run hello.exe >"$tmp/out" 2>&1
status=$?
if [ "$status" -eq 3 ]; then ok "a faulting driver stops the system"; else not_ok "a faulting driver stops the system (status $status)" "$tmp/out"; fi
check "the stop screen names the faulting routine and line" "$tmp/out" '^  driver   buggy\.sys!BuggyTouch+0x[0-9A-F]* (buggy\.c:8), base 80000000$'
check "the backtrace starts at the faulting instruction" "$tmp/out" '^  00 buggy\.sys!BuggyTouch+0x[0-9A-F]* (buggy\.c:8)$'
check "the backtrace names the driver's callers with their lines" "$tmp/out" '^  01 buggy\.sys!BuggyWork+0x[0-9A-F]* (buggy\.c:13)$'
check "the backtrace reaches DriverEntry" "$tmp/out" '^  02 buggy\.sys!DriverEntry+0x[0-9A-F]* (buggy\.c:21)$'
strip -o "$tmp/buggy/stripped.sys" "$tmp/buggy/buggy.sys"
"$NTLAB" --driver "$tmp/buggy/stripped.sys" run hello.exe >"$tmp/out" 2>&1
check "a stripped driver's frames are named by its exported symbols, without lines" "$tmp/out" '^  driver   stripped\.sys!BuggyTouch+0x[0-9A-F]*, base 80000000$'
