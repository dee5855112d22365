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

echo "1..$n"
exit $failed
