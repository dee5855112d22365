#!/bin/sh
# The pc platform (ntlab --platform pc): the in-kernel suites under
# qemu-system-i386, exit statuses, child boots, determinism and the
# input pc refuses. Skipped, with why, when qemu or the pc image is not
# there (make pc builds it; make check-pc runs this file).
NTLAB=${NTLAB:-build/ntlab}
image=$(dirname "$NTLAB")/pc/ntlab.elf
if ! command -v qemu-system-i386 >/dev/null 2>&1; then
    echo "1..0 # SKIP qemu-system-i386 is not installed (Debian: qemu-system-x86)"
    exit 0
fi
if [ ! -r "$image" ]; then
    echo "1..0 # SKIP no pc image at $image (make pc)"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    head -n 40 "$tmp/out" | sed 's/^/#   /'
    sed 's/^/#   /' "$tmp/err" 2>/dev/null
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
run() { "$NTLAB" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
pc() { run --platform pc "$@"; }
one_error_line() {
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
       grep -q -- "$2" "$tmp/err"; then
        ok "$1"
    else
        not_ok "$1 (status $status)"
    fi
}
# The test names of a TAP stream, in order.
names() { sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([^ ]*\).*/\2/p' "$1"; }

# Every in-kernel suite, as on the hosted platform.
pc test
check "every suite runs on pc and exits 0" '[ "$status" -eq 0 ]'
cp "$tmp/out" "$tmp/pc.tap"
check "no test fails on pc" '! grep -q "^not ok" "$tmp/pc.tap"'
check "the plan is printed and every test reported" \
    '[ "$(grep -c "^ok" "$tmp/pc.tap")" -eq "$(sed -n "s/^1\.\.//p" "$tmp/pc.tap")" ]'
check "what pc skips says why" \
    '! grep "# SKIP" "$tmp/pc.tap" | grep -vq "# SKIP ..*"'
check "pc skips only what needs user mode, drivers or a stale TLB" \
    '! grep "# SKIP" "$tmp/pc.tap" | grep -v "milestone B" | grep -vq "stale-translation"'
check "most tests run (fewer than 60 skipped)" \
    '[ "$(grep -c "# SKIP" "$tmp/pc.tap")" -lt 60 ]'
run test
# (but those written in x86-64 machine code, compiled for x86-64 only)
names "$tmp/out" |
    grep -vx 'paging.trimmed_paged_pool_at_dispatch_level_from_code_in_pool' \
    >"$tmp/hosted.names"
names "$tmp/pc.tap" >"$tmp/pc.names"
check "pc runs the same tests as hosted, in the same order" \
    'cmp -s "$tmp/hosted.names" "$tmp/pc.names"'

# Stop tests run in child boots (a fresh pc machine each).
pc test stop.kernel_stack_overflow
check "a kernel stack overflow is a double fault on its own task: 0x7F(8)" \
    '[ "$status" -eq 0 ] && grep -q "^ok 1 - stop.kernel_stack_overflow$" "$tmp/out"'
pc --child-test stop.kernel_stack_overflow
check "a stop exits 3 with NT's stop line" \
    '[ "$status" -eq 3 ] && grep -q "^\*\*\* STOP: 0x0000007F (0x00000008," "$tmp/out"'
pc --child-test hang.two_mutants_deadlock
check "a hang exits 4" '[ "$status" -eq 4 ]'
pc --timeout 1 test
check "--timeout stops the pc machine: exit 5, one line" \
    '[ "$status" -eq 5 ] && grep -q "^ntlab: --timeout: the pc machine ran longer than 1 s" "$tmp/err"'
pc test no_such_suite
check "an unknown suite exits 2" \
    '[ "$status" -eq 2 ] && grep -q "no test suite or test named" "$tmp/out"'
pc report
check "the report counts what pc skipped" \
    '[ "$status" -eq 0 ] && grep -Eq "^  self-tests  [0-9]+ passed, 0 failed, [0-9]+ skipped on this platform$" "$tmp/out"'

# Determinism: the seed decides the run, under TCG and KVM alike.
pc --seed 7 test sched
cp "$tmp/out" "$tmp/a"
pc --seed 7 test sched
check "the same seed gives the same run" \
    '[ "$status" -eq 0 ] && cmp -s "$tmp/a" "$tmp/out"'
NTLAB_PC_ACCEL=tcg "$NTLAB" --platform pc --seed 7 test sched >"$tmp/out" 2>"$tmp/err"
check "TCG gives that run too" 'cmp -s "$tmp/a" "$tmp/out"'

# What pc refuses, and bad input.
pc run hello.exe
one_error_line "programs do not run on pc yet: one line, status 2" "^ntlab: --platform pc: programs and drivers"
pc
one_error_line "the tour is refused on pc: one line, status 2" "^ntlab: --platform pc: the tour"
pc --trace "$tmp/t.json" test boot
one_error_line "--trace is refused on pc" "^ntlab: --platform pc: --trace"
run --platform vax test
one_error_line "an unknown platform is one line, status 2" "^ntlab: --platform: 'vax'"
NTLAB_PC_ACCEL=warp "$NTLAB" --platform pc test boot >"$tmp/out" 2>"$tmp/err"; status=$?
one_error_line "a bad NTLAB_PC_ACCEL is refused" "^ntlab: NTLAB_PC_ACCEL: 'warp'"
ntlab_abs=$(cd "$(dirname "$NTLAB")" && pwd)/$(basename "$NTLAB")
PATH=/nonexistent "$ntlab_abs" --platform pc test boot >"$tmp/out" 2>"$tmp/err"; status=$?
one_error_line "without qemu, pc says what to install" "qemu-system-i386 (Debian package qemu-system-x86)"

echo "1..$n"
