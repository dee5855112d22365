#!/bin/sh
# A lost update held in (tests/race: race.sys and raceapp.exe): a counter
# shared by a dispatch routine, unlocked, and a timer DPC. Without
# preemption points the DPC never runs inside the dispatch routine's window
# (it holds no kernel call), so no seed loses an update; with points (the
# default) the clock lands inside it, the update is lost, the same way for
# the same seed, and ntlab explore finds it and prints the replay; the
# spin lock fixes it. TAP output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
progs=$(dirname "$NTLAB")/user
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

race() { "$NTLAB" "$@" --driver "$progs/race.sys" run raceapp.exe; }

lost=0 inside=0 dpcs=0
for s in 1 2 3 4 5 6 7 8 9 10; do
    out=$(race --no-points --seed $s 2>&1) || lost=$((lost + 1))
    echo "$out" | grep -q ' 0 of them inside a request' || inside=$((inside + 1))
    echo "$out" | grep -q ' from 0 DPCs' && dpcs=$((dpcs + 1))
done
[ $lost -eq 0 ] && [ $inside -eq 0 ] && [ $dpcs -eq 0 ] &&
    ok "--no-points: ten seeds, the DPC runs but never inside a request, nothing lost" ||
    not_ok "--no-points: ten seeds ($lost lost, $inside with a DPC inside, $dpcs without DPCs)"

first=$(race --seed 4 2>&1; echo "status $?")
second=$(race --seed 4 2>&1; echo "status $?")
echo "$first" | grep -q 'lost$' && echo "$first" | grep -q '^status 1$' &&
    ! echo "$first" | grep -q ': 0 lost$' &&
    ok "with points the DPC lands inside the window: updates lost, exit 1" ||
    not_ok "with points the DPC lands inside the window ('$first')"
[ "$first" = "$second" ] && ok "seed 4 twice: the same lost updates, byte for byte" ||
    not_ok "seed 4 twice ('$first' then '$second')"

out=$("$NTLAB" explore --seeds 1-20 --driver "$progs/race.sys" run raceapp.exe 2>&1)
status=$?
replay=$(echo "$out" | sed -n 's/^replay: ntlab //p')
[ $status -eq 1 ] && [ -n "$replay" ] && ok "explore finds the lost update (replay: $replay)" ||
    not_ok "explore finds the lost update (status $status)"
seed=$(echo "$replay" | sed -n 's/.*--seed \([0-9]*\).*/\1/p')
a=$(eval "\"\$NTLAB\" $replay" 2>&1)
b=$(race --seed "$seed" 2>&1)
[ -n "$seed" ] && [ "$a" = "$b" ] && echo "$out" | grep -qF -- "$(echo "$b" | tail -1)" &&
    ok "the replay line reproduces it exactly" ||
    not_ok "the replay line reproduces it ('$a' against '$b')"

bad=0 inside=0
for s in 1 2 3 4 5; do
    out=$("$NTLAB" --seed $s --driver "$progs/race.sys" run raceapp.exe locked 2>&1) || bad=$((bad + 1))
    echo "$out" | grep -q ' 0 of them inside a request' && inside=$((inside + 1))
done
[ $bad -eq 0 ] && [ $inside -eq 0 ] &&
    ok "locked (KeAcquireSpinLock): five seeds, DPCs inside, nothing lost" ||
    not_ok "locked: five seeds ($bad lost, $inside without a DPC inside)"

"$NTLAB" run raceapp.exe >/dev/null 2>&1
[ $? -eq 2 ] && ok "raceapp.exe without race.sys: exit 2" || not_ok "raceapp.exe without race.sys: exit 2"

echo "1..$n"
exit $failed
