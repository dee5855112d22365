#!/bin/sh
# The verifier as a user meets it: vfbugs.sys (drivers/vfbugs) makes one
# mistake per run; without --verifier each run ends normally, with it each
# stops with Driver Verifier's code and parameters and a line naming the
# driver. Bad verifier options are one line and exit 2. TAP output; run by
# prove from make check.
NTLAB=${NTLAB:-build/ntlab}
progs=$(dirname "$NTLAB")/user
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -40
}
run() { "$NTLAB" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
has() { grep -q -- "$1" "$tmp/out"; }
one_error_line() { # NAME PATTERN
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
       grep -q -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "$1"
    else
        not_ok "$1 (status $status)"
    fi
}
# bug NAME STOPLINE NOTE [OPTIONS]: the plain run ends with exit 0; the run
# with --verifier (or OPTIONS) stops with STOPLINE and NOTE on the screen.
bug() {
    run --driver "$progs/vfbugs.sys" run vfbugs.exe "$1"
    if [ "$status" -eq 0 ] && has "^vfbugs.exe: $1 done$" && has "^vfbugs: unloaded$"; then
        ok "$1 without the verifier runs to the end"
    else
        not_ok "$1 without the verifier runs to the end (status $status)"
    fi
    run ${4:---verifier} --driver "$progs/vfbugs.sys" run vfbugs.exe "$1"
    if [ "$status" -eq 3 ] && has "^\*\*\* STOP: $2$" && has "^  $3"; then
        ok "$1 under the verifier stops: $2"
    else
        not_ok "$1 under the verifier stops: $2 (status $status)"
    fi
}

bug overrun '0x000000D6 (0xEB00[0-9A-F]000,0x00000000,0x8000[0-9A-F]*,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) read EB00[0-9A-F]000, past the end of a 32-byte block at EB00[0-9A-F]FE0 (tag .Vfbg., from vfbugs.sys!VfBugsControl+0x'
bug overwrite '0x000000C1 (0xEB00[0-9A-F]FE0,0xEB00[0-9A-F]FF8,0x00000000,0x00000024)' \
    "the 24-byte block at EB00[0-9A-F]FE0 (tag 'Vfbg', from vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*)) was written past its end, at EB00[0-9A-F]FF8"
bug use-after-free '0x000000D5 (0xEB00[0-9A-F]FC0,0x00000000,0x8000[0-9A-F]*,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) read EB00[0-9A-F]FC0, in a freed 64-byte block at EB00[0-9A-F]FC0'
bug leak '0x000000C4 (0x00000062,0xEB[0-9A-F]*,0xEB[0-9A-F]*,0x00000002)' \
    'vfbugs.sys unloaded without freeing 2 pool blocks (listed above)'
has '^Driver Verifier: vfbugs.sys is unloading with 2 pool blocks (140 bytes) not freed:$' &&
    has "^  EB[0-9A-F]*  NonPagedPool     40 bytes  tag 'Leak'  allocated by vfbugs.sys!VfBugsControl+0x" &&
    has "^  E1[0-9A-F]*  PagedPool       100 bytes  tag 'Leak'  allocated by vfbugs.sys!VfBugsControl+0x" &&
    ok "the leak report lists each block" || not_ok "the leak report lists each block"
bug timer '0x000000C7 (0x00000000,0x800050[0-9A-F]*,0x80000000,0x80006000)' \
    'the driver image being unloaded holds a set timer (at 800050[0-9A-F]*)'
bug pool-timer '0x000000C7 (0x00000000,0xEB00[0-9A-F]FC0,0xEB00[0-9A-F]FC0,0xEB00[0-9A-F]000)' \
    'the pool block being freed holds a set timer (at EB00[0-9A-F]FC0)'

bug paged-under-lock '0x000000D1 (0xE100[0-9A-F]FF0,0x00000002,0x00000000,0x8000[0-9A-F]*)' \
    'driver   vfbugs.sys!'
bug lock-order '0x000000C4 (0x00001001,0x800050[0-9A-F]*,0x800050[0-9A-F]*,0x00000000)' \
    'lock 800050[0-9A-F]* taken while holding 800050[0-9A-F]*: the reverse of an earlier order (both listed above)'
has '^  earlier: Spinlock 800050[0-9A-F]* (taken at vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*)), then Spinlock 800050[0-9A-F]* (taken at vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*))$' &&
    has '^  now    : Spinlock' && ok "the deadlock report shows both orders" || not_ok "the deadlock report shows both orders"

# Two I/O bugs that hang a plain run, as they hang Windows: the program
# waits for a completion it will never be told of. The verifier names them.
for b in pending complete-pending; do
    run --driver "$progs/vfbugs.sys" run vfbugs.exe $b
    [ "$status" -eq 4 ] && ok "$b without the verifier hangs" || not_ok "$b without the verifier hangs (status $status)"
done
run --verifier --driver "$progs/vfbugs.sys" run vfbugs.exe pending
[ "$status" -eq 3 ] && has '^\*\*\* STOP: 0x000000C9 (0x0000023D,0x8000[0-9A-F]*,0xEB[0-9A-F]*,0xEB[0-9A-F]*)$' &&
    has '^  vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) returned STATUS_PENDING without IoMarkIrpPending$' &&
    ok "pending without IoMarkIrpPending: 0xC9 0x23D" || not_ok "pending without IoMarkIrpPending: 0xC9 0x23D"
run --verifier --driver "$progs/vfbugs.sys" run vfbugs.exe complete-pending
[ "$status" -eq 3 ] && has '^\*\*\* STOP: 0x000000C9 (0x00000006,0x00000103,0xEB[0-9A-F]*,0x00000000)$' &&
    has '^  vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) completed an IRP with STATUS_PENDING$' &&
    ok "completion with STATUS_PENDING: 0xC9 0x06" || not_ok "completion with STATUS_PENDING: 0xC9 0x06"

bug lookaside '0x000000C4 (0x000000CC,0xEB00[0-9A-F]FA0,0xEB00[0-9A-F]FA0,0x00000058)' \
    'the pool block being freed holds a lookaside list that was not deleted (at EB00[0-9A-F]FA0)'
bug kernel-handle '0x000000C4 (0x000000F6,0x0000000[0-9A-F],0xEB[0-9A-F]*,0x8000[0-9A-F]*)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) referenced handle [0-9A-F]* of vfbugs.exe with KernelMode access'

# The IRQL rules of the DDIs (irql class): a verified driver's calls pass
# through call gates that check the caller's IRQL against the routine's
# documented rule. NT itself lets these calls through (they run to the end).
bug probe-dispatch '0x000000C4 (0x00020006,0xEB[0-9A-F]*,0x00000000,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) called ProbeForRead at IRQL 2: ProbeForRead should only be called at IRQL <= APC_LEVEL. (DDI rule IrqlExApcLte2)'
bug compare-dispatch '0x00000121 (0x00000002,0x00000002,0x00000000,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) called RtlCompareUnicodeString at IRQL 2'
bug unsafe-mutex '0x000000C4 (0x00000039,0x00000000,0x00000000,0x8000[0-9A-F]*)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* ([a-z]*\.[ch]:[0-9]*) called ExAcquireFastMutexUnsafe at IRQL 0 (with APCs enabled)'
run --verifier --driver "$progs/vfbugs.sys" run vfbugs.exe probe-dispatch
if grep -q '^  driver   vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*)' "$tmp/out" &&
   grep -q ' nt!gate_common+0x' "$tmp/out"; then
    ok "a DDI rule's stop names the driver's routine and line, through the gate"
else
    not_ok "a DDI rule's stop names the driver's routine and line, through the gate"
fi
run --verifier=irql --verifier-driver other.sys --driver "$progs/vfbugs.sys" run vfbugs.exe compare-dispatch
if [ "$status" -eq 0 ] && has '^vfbugs.exe: compare-dispatch done$'; then
    ok "--verifier-driver leaves other drivers' calls unchecked"
else
    not_ok "--verifier-driver leaves other drivers' calls unchecked (status $status)"
fi
# Dispatcher objects and work items must be resident: the kernel takes
# them at DISPATCH_LEVEL. The misc class alone checks them, at the gates.
bug paged-work-item '0x000000C4 (0x00000131,0xE1[0-9A-F]*,0x00000000,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*) queued a work item at E1[0-9A-F]* in pageable memory: worker threads take it at DISPATCH_LEVEL$'
bug paged-event '0x000000C4 (0x000000E1,0xE1[0-9A-F]*,0x00000000,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*) waits on an object at E1[0-9A-F]* in pageable memory: the kernel signals objects at DISPATCH_LEVEL$' \
    --verifier=misc
bug user-wait-stack '0x000000C4 (0x00000123,0x[0-9A-F]*,0x00000000,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*) waits in UserMode on an object on its kernel stack (at [0-9A-F]*): the stack may be paged out while it waits$'
# A thread still waits on an event whose pool is freed: special pool keeps
# the page no-access, so the kernel's unlinking of the wait stops.
bug freed-event '0x000000CC (0xEB00[0-9A-F]FE[0-9A-F],0x00000001,0x82[0-9A-F]*,0x00000000)' \
    "nt!ki_unwait_thread_locked+0x[0-9A-F]* ([a-z/.]*:[0-9]*) wrote EB00[0-9A-F]FE[0-9A-F], in a freed 24-byte block at EB00[0-9A-F]FE0 (tag 'Vfbg', from vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*))$"
run --verifier=irql --driver "$progs/vfbugs.sys" run vfbugs.exe paged-event
[ "$status" -eq 0 ] && ok "paged-event: the irql class alone does not check objects" ||
    not_ok "paged-event: the irql class alone does not check objects (status $status)"
# IRPs: freed while a dispatch routine works on it, or while queued against
# a thread; sent with a cancel routine set.
bug free-sent-irp '0x000000C9 (0x0000020B,0x8000[0-9A-F]*,0xEB[0-9A-F]*,0x00000000)' \
    'vfbugs.sys!VfBugsInternal+0x[0-9A-F]* (vfbugs.c:[0-9]*) freed an IRP that is still in use: a dispatch routine is at work on it and has not completed it$'
bug free-threaded-irp '0x000000C9 (0x0000020C,0x8000[0-9A-F]*,0xEB[0-9A-F]*,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*) freed an IRP that is still queued against a thread (the I/O manager finishes it)$'
bug send-cancelable '0x000000C9 (0x00000203,0x8000[0-9A-F]*,0xEB[0-9A-F]*,0x00000000)' \
    "vfbugs.sys!VfBugsControl+0x[0-9A-F]* (vfbugs.c:[0-9]*) called IoCallDriver with the IRP's cancel routine still set$"
run --verifier --driver "$progs/vfbugs.sys" run vfbugs.exe freed-work-item
if [ "$status" -eq 3 ] &&
   has '^\*\*\* STOP: 0x000000E4 (0x00000000,0xEB00[0-9A-F]FE0,0xEB00[0-9A-F]FE0,0xEB00[0-9A-F]000)$' &&
   has '^  the pool block being freed holds a work item that is queued and has not run (at EB00[0-9A-F]FE0)$'; then
    ok "freed-work-item under the verifier stops with WORKER_INVALID (0, item, block)"
else
    not_ok "freed-work-item under the verifier stops with WORKER_INVALID (0, item, block) (status $status)"
fi

# Low resources: the same seed fails the same requests; another seed may
# fail none. A driver that uses an allocation without testing it stops.
run --verifier-faults 1/4 --seed 1 --driver "$progs/vfbugs.sys" run vfbugs.exe unchecked
cp "$tmp/out" "$tmp/first"
[ "$status" -eq 3 ] && has '^\*\*\* STOP: 0x0000001E (0xC0000005,0x8000[0-9A-F]*,0x00000001,0x00000000)$' &&
    ok "lowres: an unchecked allocation that fails stops the system" || not_ok "lowres: an unchecked allocation that fails stops the system (status $status)"
run --verifier-faults 1/4 --seed 1 --driver "$progs/vfbugs.sys" run vfbugs.exe unchecked
cmp -s "$tmp/out" "$tmp/first" && ok "lowres: the same seed gives the same run" || not_ok "lowres: the same seed gives the same run"
run --verifier-faults 1/4 --seed 3 --driver "$progs/vfbugs.sys" run vfbugs.exe unchecked
[ "$status" -eq 0 ] && has '^Driver Verifier: vfbugs.sys unloaded; low resources simulation failed 0 of 8 requests$' &&
    ok "lowres: another seed, no failure, and the count at unload" || not_ok "lowres: another seed, no failure, and the count at unload (status $status)"
run --verifier-faults 1/1 --driver "$progs/vfbugs.sys" run vfbugs.exe overwrite
[ "$status" -eq 0 ] && has '^vfbugs: bug 2 done (0)$' &&
    has '^Driver Verifier: vfbugs.sys unloaded; low resources simulation failed 1 of 1 requests$' &&
    ok "lowres 1/1: every request fails, and a careful driver copes" || not_ok "lowres 1/1: every request fails, and a careful driver copes (status $status)"

# Force IRQL checking catches the tour's paged pool DPC on every seed,
# where --trim alone depends on where the clock ticks fall.
caught=0
for seed in 1 2 3 4 5 6 7 8; do
    run --verifier=irql --seed $seed --driver "$progs/pagedpool.sys" run pagedpool.exe
    [ "$status" -eq 3 ] && has '^\*\*\* STOP: 0x000000D1 (0xE1[0-9A-F]*,0x00000002,0x00000000,0x800016[0-9A-F][0-9A-F])$' && caught=$((caught + 1))
done
[ "$caught" -eq 8 ] && ok "irql: the paged pool DPC stops on 8 seeds of 8" || not_ok "irql: the paged pool DPC stops on 8 seeds of 8 ($caught)"

# One class at a time: pool tracking alone still finds the leak, special
# pool alone the overrun; --verifier-driver names another driver: no stop.
bug leak '0x000000C4 (0x00000062,0xEB[0-9A-F]*,0xE[0-9A-F]*,0x00000002)' \
    'vfbugs.sys unloaded' --verifier=pool
bug overrun '0x000000D6 (0xEB00[0-9A-F]000,0x00000000,0x8000[0-9A-F]*,0x00000000)' \
    'vfbugs.sys!VfBugsControl+0x' --verifier=special
run --verifier-driver other.sys --driver "$progs/vfbugs.sys" run vfbugs.exe leak
[ "$status" -eq 0 ] && ok "--verifier-driver leaves other drivers alone" || not_ok "--verifier-driver leaves other drivers alone (status $status)"
run --verifier-driver VFBUGS.SYS --driver "$progs/vfbugs.sys" run vfbugs.exe leak
[ "$status" -eq 3 ] && has '^\*\*\* STOP: 0x000000C4 (0x00000062,' && ok "--verifier-driver NAME.sys verifies that driver (any case)" || not_ok "--verifier-driver NAME.sys verifies that driver (any case)"
# The guard before the block: an overrun is found at the free instead.
run --verifier --verifier-special=start --driver "$progs/vfbugs.sys" run vfbugs.exe overrun
[ "$status" -eq 0 ] && ok "--verifier-special=start: a read overrun lands in the page's fill" || not_ok "--verifier-special=start: a read overrun lands in the page's fill (status $status)"
run --verifier --verifier-special=start --driver "$progs/vfbugs.sys" run vfbugs.exe overwrite
has '^\*\*\* STOP: 0x000000C1 (0xEB00[0-9A-F]*000,0xEB00[0-9A-F]*018,0x00000000,0x00000024)$' && ok "--verifier-special=start: a write overrun is found at the free" || not_ok "--verifier-special=start: a write overrun is found at the free"

# Correct drivers run clean: under --verifier the tour's only unexpected
# stops are the bugs two scenarios are about (pagedpool's DPC, and the
# plain boot of verifier's buggy driver).
run --verifier --quiet
total=$(grep -cv '^[[:space:]]*\(#\|$\)' scenarios/tour)
[ "$status" -eq 1 ] && [ "$(grep -c '^ok  ' "$tmp/out")" -eq $((total - 2)) ] &&
    has '^FAILED  pagedpool ' && has '^FAILED  verifier ' &&
    ok "the tour under --verifier: only pagedpool's and vfbugs' bugs stop" ||
    not_ok "the tour under --verifier: only pagedpool's and vfbugs' bugs stop"
run --verifier run pagedpool
has '^  + stop 0x000000D1 (0xE1' && ok "pagedpool under --verifier stops in its first boot" || not_ok "pagedpool under --verifier stops in its first boot"
# Correct drivers run clean.
run --verifier --driver "$progs/iotest.sys" run iotest.exe
[ "$status" -eq 0 ] && ok "iotest runs clean under --verifier" || not_ok "iotest runs clean under --verifier (status $status)"

run --verifier=bogus
one_error_line "an unknown class is one line, status 2" "^ntlab: --verifier: 'bogus' is not a class"
run --verifier=
one_error_line "--verifier= with no class is one line" "^ntlab: --verifier=: name at least one class"
run --verifier-driver foo
one_error_line "--verifier-driver needs NAME.sys" "^ntlab: --verifier-driver: 'foo' is not a driver's file name"
run --verifier-faults 1/0
one_error_line "--verifier-faults 1/0 is refused" "^ntlab: --verifier-faults: '1/0' is not 1/N"
run --verifier-faults 20
one_error_line "--verifier-faults needs 1/N" "^ntlab: --verifier-faults: '20' is not 1/N"
run --verifier=special,nosuch
one_error_line "a bad class after a good one is refused" "^ntlab: --verifier: 'nosuch' is not a class"
run --verifier-special=middle
one_error_line "--verifier-special takes start or end" "^ntlab: --verifier-special: 'middle' is neither start nor end"
run --help
grep -q -- '--verifier\[=CLASS,...\]' "$tmp/out" && grep -q -- '--verifier-driver NAME.sys' "$tmp/out" && ok "--help lists the verifier options" || not_ok "--help lists the verifier options"
echo "1..$n"
