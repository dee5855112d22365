#!/bin/sh
# Inspection as a user meets it: the hang report (who waits for what, and
# the deadlock cycle), --pool-report, and the kd> prompt of --kd. TAP
# output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1; echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" 2>/dev/null | head -60
}
run() { "$NTLAB" "$@" >"$tmp/out" 2>&1 </dev/null; status=$?; }
check() { # DESCRIPTION EXTENDED-REGEX
    if grep -Eq -- "$2" "$tmp/out"; then ok "$1"; else not_ok "$1"; fi
}

H='[0-9A-F]{8}'

# ---- The hang report ----
run --child-test hang.two_mutants_deadlock
[ $status -eq 4 ] && ok "a deadlock on two mutants exits 4" ||
    not_ok "a deadlock on two mutants exits 4 (status $status)"
check "each waiting thread is listed with its TID and process" \
      "^  THREAD $H  TID [0-9]+  System, waits for:$"
check "a waited-for mutant shows its type, name and owner" \
      "^    $H  Mutant 'M1' - owning thread $H \(TID [0-9]+\)$"
check "a semaphore shows its type" "^    $H  Semaphore$"
check "the cycle is named" \
      "^deadlock: thread ($H) \(TID ([0-9]+)\) waits for mutant $H 'M1' owned by thread ($H) \(TID [0-9]+\), which waits for mutant $H 'M2' owned by thread \1 \(TID \2\)$"

run --child-test hang.lone_event_no_cycle
[ $status -eq 4 ] && ok "a lone wait for an event exits 4" ||
    not_ok "a lone wait for an event exits 4 (status $status)"
check "the event shows its type" "^    $H  SynchronizationEvent$"
if grep -q '^deadlock' "$tmp/out"; then not_ok "no cycle, no deadlock line"; else ok "no cycle, no deadlock line"; fi

# ---- --pool-report ----
run --pool-report --child-test stop.with_known_pool_use
[ $status -eq 3 ] && ok "--pool-report: the stop still exits 3" ||
    not_ok "--pool-report: the stop still exits 3 (status $status)"
check "--pool-report prints poolmon's columns" \
      "^ Tag  Type      Allocs      Frees       Diff      Bytes$"
check "a nonpaged tag: allocations, frees, difference, bytes in use" \
      "^ Kdr1 Nonp           3          1          2        200$"
check "a paged tag" "^ Kdr2 Paged          1          0          1         40$"
sed -n '/^ Tag  Type/,$p' "$tmp/out" | sed -n 's/^ \(....\) \(Nonp\|Paged\).*/\1 \2/p' >"$tmp/tags"
LC_ALL=C sort -c "$tmp/tags" 2>/dev/null && [ -s "$tmp/tags" ] &&
    ok "rows are sorted by tag" || not_ok "rows are sorted by tag"
run --child-test stop.with_known_pool_use
if grep -q '^ Tag  Type' "$tmp/out"; then not_ok "no report without --pool-report"; else ok "no report without --pool-report"; fi
run --pool-report report
[ $status -eq 0 ] && grep -Eq '^ Proc Nonp +[0-9]+' "$tmp/out" &&
    ok "--pool-report at a normal end (the Proc tag)" ||
    not_ok "--pool-report at a normal end (the Proc tag)"

echo "1..$n"
exit $failed
