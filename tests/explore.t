#!/bin/sh
# ntlab explore, --status-file, --tap and --junit, as a CI job uses them.
# seedtick.exe (tests/explore/seedtick.c) fails for some seeds only: it
# counts the clock ticks a fixed amount of work spans, which depends on
# where --seed puts the first tick (with its defaults seeds 3, 18, 25, 28
# and 33 fail among 1-40). The seeds the tests use are read from plain
# runs of each seed first, so that the tests check explore against them.
NTLAB=${NTLAB:-build/ntlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1; echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -40
}
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
run() { "$NTLAB" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
one_error_line() {
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
       grep -q -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "$1"
    else
        not_ok "$1 (status $status)"
    fi
}
valid_xml() {
    python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$1" 2>"$tmp/xmlerr"
}

# seedtick's verdict for seeds 1-40 (1: it failed), from plain runs: F1 is
# the lowest failing seed, F2 the lowest above it, P-Q the longest run of
# passing seeds.
verdicts=""
for s in $(seq 1 40); do
    "$NTLAB" --seed "$s" run seedtick.exe >/dev/null 2>&1
    verdicts="$verdicts $?"
done
set -- $verdicts
F1= F2= P= Q= run_start= s=0
for v in "$@"; do
    s=$((s + 1))
    if [ "$v" -ne 0 ]; then
        if [ -z "$F1" ]; then F1=$s; elif [ -z "$F2" ]; then F2=$s; fi
        run_start=
    else
        [ -z "$run_start" ] && run_start=$s
        if [ -z "$P" ] || [ $((s - run_start)) -gt $((Q - P)) ]; then P=$run_start; Q=$s; fi
    fi
done
check "seedtick fails for two seeds of 1-40 at least, and passes six in a row" \
    '[ -n "$F2" ] && [ $((Q - P)) -ge 5 ]'
[ -n "$F2" ] || { echo "1..$n"; exit 1; }
A2=$((F1 + 1))

# ---- A failing seed is found, the lowest one, and its replay reproduces it.
run explore --seeds 1-40 --jobs 4 run seedtick.exe
check "explore exits 1 when a seed fails" '[ $status -eq 1 ]'
check "it names the lowest failing seed and why" \
    'grep -qx "explore: seed $F1 failed: the program exited 1" "$tmp/out"'
check "it shows the tail of that seed's output" \
    'grep -qx "  | seedtick: [1-9][0-9]* ticks" "$tmp/out"'
check "the replay line is the whole command, with the seed" \
    'grep -qx "replay: ntlab --seed $F1 run seedtick.exe" "$tmp/out"'
cp "$tmp/out" "$tmp/jobs4"
run explore --seeds 1-40 --jobs 1 run seedtick.exe
check "one job or four: the same report" 'cmp -s "$tmp/out" "$tmp/jobs4"'
run explore --seeds $A2-40 run seedtick.exe
check "another range: its own lowest failing seed" \
    'grep -qx "replay: ntlab --seed $F2 run seedtick.exe" "$tmp/out"'
line=$(sed -n 's/^replay: ntlab //p' "$tmp/out")
eval "\"\$NTLAB\" $line" >"$tmp/replay" 2>&1
check "the replay line, run, fails the same way" \
    '[ $? -eq 1 ] && grep -qx "seedtick: [1-9][0-9]* ticks" "$tmp/replay"'

# Paths as given, quoted for the shell when they need it.
mkdir "$tmp/my dir"
cp "$(dirname "$NTLAB")/user/seedtick.exe" "$tmp/my dir/"
run explore --seeds 1-$F1 --memory 16 run "$tmp/my dir/seedtick.exe" 1000 1 7
check "a program given by a path: the replay line quotes it" \
    'grep -qxF "replay: ntlab --seed $F1 --memory 16 run '"'$tmp/my dir/seedtick.exe'"' 1000 1 7" "$tmp/out"'
line=$(sed -n 's/^replay: ntlab //p' "$tmp/out")
eval "\"\$NTLAB\" $line" >"$tmp/replay" 2>&1
check "and replays it" '[ $? -eq 7 ]'
run --seed $P explore --seeds $F1 run seedtick.exe
check "explore's seeds replace a --seed given" \
    'grep -qx "replay: ntlab --seed $F1 run seedtick.exe" "$tmp/out"'

# A hang, and a scenario whose expectation holds for some seeds only.
run explore --seeds 1-2 --child-test hang.lone_event_no_cycle
check "a hang fails the seed" \
    '[ $status -eq 1 ] && grep -qx "explore: seed 1 failed: the system hung: every thread waits for ever" "$tmp/out"'
cat >"$tmp/ticks.scn" <<'EOF'
title seedtick's work spans no tick
run seedtick.exe 1000 1 0
expect line seedtick: 0 ticks
EOF
run explore --seeds $A2-40 run "$tmp/ticks.scn"
check "explore finds the seed where a scenario's expectation fails" \
    '[ $status -eq 1 ] && grep -q "^explore: seed $F2 failed: an expectation failed: .*ticks.scn:3: expect line seedtick: 0 ticks$" "$tmp/out" &&
     grep -qxF "replay: ntlab --seed $F2 run $tmp/ticks.scn" "$tmp/out"'
run --seed $F2 run "$tmp/ticks.scn"
check "and that seed's replay fails it" '[ $status -eq 1 ]'

# ---- Every seed passes.
run explore --seeds $P-$Q run seedtick.exe
check "all seeds pass: exit 0" '[ $status -eq 0 ]'
check "and the count" 'grep -qx "explore: $((Q - P + 1)) seeds passed" "$tmp/out"'
run explore --seeds 1-3 run timerdpc
check "explore runs a scenario under each seed" \
    '[ $status -eq 0 ] && grep -qx "explore: 3 seeds passed" "$tmp/out"'

# ---- --shard K/N: interleaved slices that partition the range exactly.
: >"$tmp/all"
for k in 1 2 3; do
    "$NTLAB" explore --seeds $P-$Q --shard $k/3 --tap run seedtick.exe 2>/dev/null |
        sed -n 's/^ok [0-9]* - seed //p' >>"$tmp/all"
done
sort -n "$tmp/all" >"$tmp/sorted"
seq $P $Q >"$tmp/want"
check "three shards run every seed of the range once" 'cmp -s "$tmp/sorted" "$tmp/want"'
run explore --seeds $P-$Q --shard 2/3 --tap run seedtick.exe
check "shard 2/3 is every third seed from the second" \
    '[ "$(sed -n "s/^ok [0-9]* - seed //p" "$tmp/out" | tr "\n" " ")" = "$(seq $((P + 1)) 3 $Q | tr "\n" " ")" ]'

# ---- Bad options: one line, exit 2, nothing run.
run explore run seedtick.exe
one_error_line "explore without --seeds" "^ntlab: explore needs --seeds"
run explore --seeds 5-3 run seedtick.exe
one_error_line "a range that runs backwards" "^ntlab: --seeds: '5-3'"
run explore --seeds 1-x run seedtick.exe
one_error_line "a range that is not numbers" "^ntlab: --seeds: '1-x'"
run explore --seeds 1-2000000 run seedtick.exe
one_error_line "more than a million seeds" "^ntlab: --seeds: '1-2000000'"
run explore --seeds 1-4 --shard 0/2 run seedtick.exe
one_error_line "shard 0" "^ntlab: --shard: '0/2'"
run explore --seeds 1-4 --shard 3/2 run seedtick.exe
one_error_line "shard beyond N" "^ntlab: --shard: '3/2'"
run explore --seeds 1-4 --jobs 0 run seedtick.exe
one_error_line "no jobs" "^ntlab: --jobs: '0'"
run --seeds 1-4 run seedtick.exe
one_error_line "--seeds without explore" "^ntlab: --seeds, --jobs and --shard go with explore"
run explore --seeds 1-4 --trace "$tmp/t.json" run seedtick.exe
one_error_line "--trace does not go with explore" "^ntlab: --trace does not go with explore"
run explore --seeds 1-2 --shard 3/3 run seedtick.exe
one_error_line "a shard with no seed" "holds no seed"
run explore --seeds 1-3 run nosuch.exe
check "a program that is not there: exit 2, ntlab's own line" \
    '[ $status -eq 2 ] && grep -q "^ntlab: cannot run nosuch.exe" "$tmp/err"'
run explore --seeds 1-3 --driver "$tmp/nothere.sys" run seedtick.exe
one_error_line "a driver that is not there: the child's one line" "^ntlab: cannot read '$tmp/nothere.sys'"


# ---- A program's exit status is not ntlab's.
run --status-file "$tmp/st" run seedtick.exe 0 0 3
check "a program exiting 3: ntlab exits 3, as before" '[ $status -eq 3 ]'
check "the status file says the program did, not a stop" \
    '[ "$(cat "$tmp/st")" = "$(printf "ntlab=0\nprogram=3")" ]'
run --status-file "$tmp/st" --child-test stop.bugcheck_screen
check "a stop: ntlab=3 and no program status" \
    '[ $status -eq 3 ] && [ "$(cat "$tmp/st")" = "$(printf "ntlab=3\nprogram=")" ]'
run --status-file "$tmp/st" run hello.exe
check "a program exiting 42" '[ $status -eq 42 ] && grep -qx "program=42" "$tmp/st"'
run --status-file "$tmp/st" run timerdpc
check "a scenario: ntlab's status only" \
    '[ $status -eq 0 ] && [ "$(cat "$tmp/st")" = "$(printf "ntlab=0\nprogram=")" ]'
run --status-file "$tmp/no/such/dir/st" run hello.exe
one_error_line "a status file that cannot be written" "^ntlab: --status-file: cannot write"
run explore --seeds 1-2 run seedtick.exe 0 0 3
check "explore reads a program's 3 as the program's" \
    'grep -qx "explore: seed 1 failed: the program exited 3" "$tmp/out"'
run explore --seeds 1-2 --child-test stop.bugcheck_screen
check "and a stop as a stop" \
    'grep -q "^explore: seed 1 failed: the system stopped: \*\*\* STOP: 0x000000E2" "$tmp/out"'

# ---- --timeout: a run that never ends stops with 5 and says why.
run --timeout 1 --status-file "$tmp/st" run forever.exe
check "--timeout on a spinning program: exit 5" '[ $status -eq 5 ]'
check "the timeout line" \
    'grep -qx "\*\*\* TIMEOUT: the run took longer than --timeout allows (host time)" "$tmp/out"'
check "the spinning thread, in user mode" \
    'grep -Eq "^  THREAD [0-9A-F]{8}  TID [0-9]+  forever\.exe, running in user mode at 004[0-9A-F]{5}$" "$tmp/out"'
check "the waiting thread, what it waits for, and its backtrace" \
    'grep -A3 -E "^  THREAD [0-9A-F]{8}  TID [0-9]+  forever\.exe, waits for:$" "$tmp/out" | grep -q "NotificationEvent" &&
     grep -A8 "forever\.exe, waits for:" "$tmp/out" | grep -Eq "^      0[0-9] nt!KeWaitForSingleObject\+0x[0-9A-F]+ \(ke/wait\.c:[0-9]+\)$"'
check "the status file says ntlab=5" 'grep -qx "ntlab=5" "$tmp/st"'
run --timeout 5 run hello.exe
check "a run that ends in time is not touched" '[ $status -eq 42 ]'
run explore --seeds 1-3 --timeout 1 run forever.exe
check "explore: a timed-out seed fails, its replay keeps --timeout" \
    '[ $status -eq 1 ] && grep -qx "explore: seed 1 failed: timed out: it ran longer than 1 s (--timeout)" "$tmp/out" &&
     grep -qx "replay: ntlab --seed 1 --timeout 1 run forever.exe" "$tmp/out"'
run --timeout 0 run hello.exe
one_error_line "--timeout 0" "^ntlab: --timeout: '0'"
run --timeout 1x run hello.exe
one_error_line "--timeout not a number" "^ntlab: --timeout: '1x'"

# ---- TAP and JUnit.
run explore --seeds $A2-40 --tap --junit "$tmp/e.xml" run seedtick.exe
K=$((F2 - F1))
check "explore --tap: a line per seed up to the failure, then the plan" \
    '[ "$(grep -c "^ok [0-9]* - seed " "$tmp/out")" -eq $((K - 1)) ] &&
     grep -qx "not ok $K - seed $F2: the program exited 1" "$tmp/out" &&
     [ "$(tail -n 1 "$tmp/out")" = "1..$K" ]'
check "the failing seed's output as a comment" 'grep -qx "# seedtick: [1-9][0-9]* ticks" "$tmp/out"'
check "with --tap the summary and replay line go to stderr" \
    'grep -qx "replay: ntlab --seed $F2 run seedtick.exe" "$tmp/err"'
check "the JUnit file is valid XML" 'valid_xml "$tmp/e.xml"'
check "a testcase per seed, the failure's message why" \
    '[ "$(grep -c "<testcase " "$tmp/e.xml")" -eq $K ] &&
     grep -q "<failure message=\"the program exited 1\">replay: ntlab --seed $F2 run seedtick.exe</failure>" "$tmp/e.xml" &&
     grep -q "tests=\"$K\" failures=\"1\"" "$tmp/e.xml"'
run explore --seeds 1-2 --junit "$tmp/s.xml" --child-test stop.bugcheck_screen
check "a stop's JUnit failure is its stop line" \
    'valid_xml "$tmp/s.xml" && grep -q "message=\"the system stopped: \*\*\* STOP: 0x000000E2 (0x00000001,0x00000002,0x00000003,0xFFFFFFFF)\"" "$tmp/s.xml"'
run --tap run hello.exe
check "run --tap: one TAP line, the output as comments, the program's status" \
    '[ $status -eq 42 ] && grep -qx "not ok 1 - hello.exe: the program exited 42" "$tmp/out" &&
     grep -q "^# hello from hello.exe" "$tmp/out" && [ "$(tail -n 1 "$tmp/out")" = "1..1" ]'
run --tap --junit "$tmp/r.xml" run timerdpc
check "a scenario with --tap and --junit" \
    '[ $status -eq 0 ] && grep -qx "ok 1 - timerdpc" "$tmp/out" && valid_xml "$tmp/r.xml"'
run --tap --quiet --junit "$tmp/tour.xml"
check "the tour with --tap: a line per scenario" \
    '[ $status -eq 0 ] && [ "$(grep -c "^ok [0-9]* - " "$tmp/out")" -eq "$(tail -n 1 "$tmp/out" | sed "s/^1\.\.//")" ] &&
     grep -q "^ok [0-9]* - verifier$" "$tmp/out"'
check "and its JUnit file" 'valid_xml "$tmp/tour.xml" && grep -q "<testcase classname=\"ntlab\" name=\"timerdpc\">" "$tmp/tour.xml"'
cat >"$tmp/bad.scn" <<'EOF'
title A scenario whose expectation fails
run seedtick.exe 0 0 0
expect line seedtick: 9 ticks
EOF
run --tap --junit "$tmp/b.xml" run "$tmp/bad.scn"
check "a failed expectation: not ok, status 1, the expectation the message" \
    '[ $status -eq 1 ] && grep -q "^not ok 1 - .*bad.scn: an expectation failed: .*bad.scn:3: expect line seedtick: 9 ticks" "$tmp/out" &&
     valid_xml "$tmp/b.xml" && grep -q "<failure message=\"an expectation failed: " "$tmp/b.xml"'
run --tap test rtl
one_error_line "--tap with test (already TAP)" "^ntlab: --tap and --junit go with run"
run --junit "" run hello.exe
one_error_line "--junit needs a file name" "^ntlab: --junit: name a file"

echo "1..$n"
exit $failed
