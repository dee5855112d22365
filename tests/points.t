#!/bin/sh
# Preemption points: a program that spins without entering the kernel is
# preempted at the same basic blocks in every run with the same seed
# (spincount.exe counts its loop's iterations between clock ticks), and
# elsewhere with another seed. TAP output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

counts() { "$NTLAB" --seed "$1" run spincount.exe 8 2>&1; }

first=$(counts 7)
second=$(counts 7)
echo "$first" | grep -Eq '^[0-9]+( [0-9]+){7}$' && ok "spincount prints 8 counts ($first)" ||
    not_ok "spincount prints 8 counts ('$first')"
[ "$first" = "$second" ] && ok "seed 7 twice: the same counts, byte for byte" ||
    not_ok "seed 7 twice: the same counts ('$first' then '$second')"

distinct=$(for s in 1 2 3 4; do counts $s; done | sort -u | wc -l)
[ "$distinct" -ge 2 ] && ok "four seeds give $distinct different counts" ||
    not_ok "four seeds give different counts (got $distinct)"

# Whole output of a program with threads that spin: the same twice.
a=$("$NTLAB" --seed 3 run spin.exe 2>&1; echo "status $?")
b=$("$NTLAB" --seed 3 run spin.exe 2>&1; echo "status $?")
[ "$a" = "$b" ] && [ "$a" = "status 0" ] && ok "spin.exe: its spinning thread is preempted and ended, the same way twice" ||
    not_ok "spin.exe twice ('$a' then '$b')"

# The tour, twice with one seed: the same, byte for byte.
t1=$("$NTLAB" --seed 5 --quiet 2>&1 | cksum)
t2=$("$NTLAB" --seed 5 --quiet 2>&1 | cksum)
[ "$t1" = "$t2" ] && ok "the tour twice with seed 5: the same output" ||
    not_ok "the tour twice with seed 5 ('$t1' then '$t2')"

echo "1..$n"
exit $failed
