#!/bin/sh
# The virtual clock makes a run a function of its inputs and --seed: the
# same seed gives the same interleaving of threads, twice; different seeds
# move the preemption points. TAP output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

# The order the threads ran in, and how many context switches with what hash.
trail() { "$NTLAB" --seed "$1" test sched.run_is_determined_by_the_seed | sed -n 's/^# trail //p'; }

first=$(trail 7)
second=$(trail 7)
[ -n "$first" ] && [ "$first" = "$second" ] && ok "seed 7 twice gives the same context switches ($first)" ||
    not_ok "seed 7 twice gives the same run ('$first' then '$second')"

distinct=$(for s in 1 2 3 4 5 6 7 8; do trail $s; done | sort -u | wc -l)
[ "$distinct" -ge 2 ] && ok "eight seeds give $distinct different runs" ||
    not_ok "eight seeds give different runs (got $distinct)"

"$NTLAB" --seed x >/dev/null 2>&1
[ $? -eq 2 ] && ok "a seed that is not a number is refused" || not_ok "a seed that is not a number is refused"

"$NTLAB" --realtime test timer.fire_in_due_time_order >/dev/null 2>&1
[ $? -eq 0 ] && ok "timers work on the host's clock (--realtime)" || not_ok "timers work on the host's clock (--realtime)"

echo "1..$n"
exit $failed
