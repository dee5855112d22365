#!/bin/sh
# Scenarios as a user meets them: every built-in scenario holds, the tour
# runs them all and fits an 80-column terminal, and scenario files of one's
# own are checked, with readable reports for wrong expectations and one
# line (status 2) for bad files. TAP output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -60
}
run() { "$NTLAB" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
expect_status() { if [ "$status" -eq "$1" ]; then ok "$2"; else not_ok "$2 (status $status, wanted $1)"; fi; }
one_error_line() { # NAME PATTERN
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
       grep -q -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "$1"
    else
        not_ok "$1 (status $status)"
    fi
}

# Every scenario file is in the tour, and the tour names only files.
ls scenarios/*.scn 2>/dev/null | sed 's|scenarios/||; s|\.scn$||' | sort >"$tmp/files"
grep -v '^[[:space:]]*#' scenarios/tour | awk 'NF { print $1 }' | sort >"$tmp/tour"
if cmp -s "$tmp/files" "$tmp/tour"; then ok "the tour runs every scenario file"; else
    diff "$tmp/files" "$tmp/tour" >"$tmp/out"; not_ok "the tour runs every scenario file"; fi

run list
expect_status 0 "list exits 0"
grep -o '^[a-z0-9_-]*' "$tmp/out" | grep . | sort >"$tmp/listed"
cmp -s "$tmp/listed" "$tmp/tour" && ok "list names each scenario" || not_ok "list names each scenario"
[ "$(awk 'length > 80' "$tmp/out" | wc -l)" -eq 0 ] && ok "list fits 80 columns" || not_ok "list fits 80 columns"

# Each built-in scenario holds.
for name in $(cat "$tmp/listed"); do
    run --quiet run "$name"
    expect_status 0 "scenario $name holds"
done

# The tour: all of them, narrated, for an 80-column terminal.
run
expect_status 0 "the tour exits 0"
grep -q '^The tour is over: [0-9]* scenarios, every expectation held\.$' "$tmp/out" && ok "the tour says every expectation held" || not_ok "the tour says every expectation held"
[ "$(awk 'length > 80' "$tmp/out" | wc -l)" -eq 0 ] && ok "the tour fits 80 columns" || not_ok "the tour fits 80 columns"
! grep -q "$(printf '\033')" "$tmp/out" && ok "no colours when stdout is not a terminal" || not_ok "no colours when stdout is not a terminal"
run --quiet
[ "$status" -eq 0 ] && [ "$(grep -c '^ok ' "$tmp/out")" -eq "$(wc -l <"$tmp/tour")" ] && ok "--quiet: one line per scenario" || not_ok "--quiet: one line per scenario"
[ "$(awk 'length > 80' "$tmp/out" | wc -l)" -eq 0 ] && ok "--quiet fits 80 columns" || not_ok "--quiet fits 80 columns"
# The example in docs/scenarios.md holds when copied verbatim.
sed -n '/^## An example/,/^## /p' docs/scenarios.md | sed -n 's/^    //p' >"$tmp/example.scn"
run run "$tmp/example.scn"
expect_status 0 "the example in docs/scenarios.md holds as written"

# On a terminal (script(1) makes one), colours; with NO_COLOR, none.
if command -v script >/dev/null 2>&1; then
    script -qec "$NTLAB --quiet" /dev/null >"$tmp/out" 2>&1
    grep -q "$(printf '\033')\[32mok" "$tmp/out" && ok "colours on a terminal" || not_ok "colours on a terminal"
    NO_COLOR=1 script -qec "$NTLAB --quiet" /dev/null >"$tmp/out" 2>&1
    ! grep -q "$(printf '\033')" "$tmp/out" && ok "NO_COLOR turns them off" || not_ok "NO_COLOR turns them off"
fi

# A scenario of one's own, next to its file.
cat >"$tmp/mine.scn" <<'SCN'
# A scenario with a wrong expectation.
title  hello.exe says hello
say    hello.exe prints where it runs and exits with 42.
run    hello.exe one
expect exit 42
expect line hello from hello.exe: PID *, 2 argument(s)
expect line hello from nowhere
expect no line hello from *
SCN
run run "$tmp/mine.scn"
expect_status 1 "a wrong expectation makes run exit 1"
grep -q "^  $tmp/mine.scn:7: expect line hello from nowhere$" "$tmp/out" && ok "the report names the file, line and expectation" || not_ok "the report names the file, line and expectation"
grep -q '^  + no line of the output matches it$' "$tmp/out" && ok "the report says what was seen instead" || not_ok "the report says what was seen instead"
grep -q '^  + hello from hello.exe: PID .*, 2 argument(s)$' "$tmp/out" && ok "a forbidden line is shown" || not_ok "a forbidden line is shown"
grep -q '^mine: 2 expectations did not hold\.$' "$tmp/out" && ok "the report counts what did not hold" || not_ok "the report counts what did not hold"
sed -i '/nowhere/d; /no line/d' "$tmp/mine.scn"
run run "$tmp/mine.scn"
expect_status 0 "the same scenario, right, exits 0"
run --seed 7 run "$tmp/mine.scn"
expect_status 0 "options before run go to every boot"

# Bad files: one line naming the file and line, status 2.
bad() { # NAME LINE-NUMBER PROBLEM-PATTERN; the file is $tmp/bad.scn
    run run "$tmp/bad.scn"
    one_error_line "$1" "^ntlab: $tmp/bad.scn:$2: $3"
}
printf 'title t\nfrobnicate x\n' >"$tmp/bad.scn"
bad "an unknown statement" 2 "unknown statement 'frobnicate'$"
printf 'title t\ndriver nosuch.sys\nrun hello.exe\n' >"$tmp/bad.scn"
bad "a missing driver" 2 "driver nosuch.sys not found"
printf 'title t\nrun nosuch.exe\n' >"$tmp/bad.scn"
bad "a missing program" 2 "program nosuch.exe not found"
printf 'title t\nboot --frob\nrun hello.exe\n' >"$tmp/bad.scn"
bad "an unknown option" 2 "boot: unknown option '--frob'$"
printf 'title t\nboot --seed x\nrun hello.exe\n' >"$tmp/bad.scn"
bad "an option without its number" 2 "boot: --seed needs a number$"
printf 'title t\nexpect exit 0\n' >"$tmp/bad.scn"
bad "expect before any run" 2 "expect must follow a run$"
printf 'title t\nrun hello.exe\nexpect stop 0xZZ\n' >"$tmp/bad.scn"
bad "a stop code that is not hexadecimal" 3 "expect stop: '0xZZ' is not"
printf 'title t\nrun hello.exe\nexpect exit 256\n' >"$tmp/bad.scn"
bad "an exit status out of range" 3 "expect exit: '256' is not a number"
printf 'run hello.exe\n' >"$tmp/bad.scn"
bad "a scenario needs a title" 1 "the scenario has no title$"
printf 'title t\n' >"$tmp/bad.scn"
bad "a scenario must run something" 1 "the scenario runs nothing"
printf 'title t\nrun hello.exe\ndriver iotest.sys\n' >"$tmp/bad.scn"
bad "a driver with no run after it" 3 "boot or driver after the last run"
mkdir "$tmp/dir.scn"
run run "$tmp/dir.scn"
one_error_line "a directory is no scenario file" "^ntlab: cannot read $tmp/dir.scn (Is a directory)$"
run run "$tmp/none.scn"
one_error_line "a scenario file that does not exist" "^ntlab: cannot read $tmp/none.scn"
run run "$tmp/mine.scn" extra
one_error_line "a scenario takes no arguments" "a scenario takes no arguments"
run --driver "$(dirname "$NTLAB")/user/iotest.sys" run "$tmp/mine.scn"
one_error_line "--driver does not go with a scenario" "do not go with scenarios"
# The example in docs/scenarios.md holds when copied verbatim.
sed -n '/^## An example/,/^## /p' docs/scenarios.md | sed -n 's/^    //p' >"$tmp/example.scn"
run run "$tmp/example.scn"
expect_status 0 "the example in docs/scenarios.md holds as written"

# On a terminal (script(1) gives one), lines wrap at its width, and a
# boot's output is drawn plain, not dim.
if command -v script >/dev/null 2>&1; then
    script -qc "stty cols 132; $NTLAB run addresses" /dev/null >"$tmp/out" 2>&1
    awk '{ sub(/\r$/, ""); gsub(/\033\[[0-9;]*m/, ""); if (length($0) > m) m = length($0) } END { exit !(m > 80 && m <= 132) }' "$tmp/out" &&
        ok "on a 132-column terminal, lines use its width" ||
        not_ok "on a 132-column terminal, lines use its width"
    grep -q "$(printf '\033\\[2m')" "$tmp/out" && not_ok "a boot's output is not drawn dim" ||
        ok "a boot's output is not drawn dim"
fi
echo "1..$n"
