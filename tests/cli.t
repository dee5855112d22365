#!/bin/sh
# The ntlab command as a user meets it: options, bad input, exit statuses,
# the report and the stop screen. TAP output; run by prove from make check.
NTLAB=${NTLAB:-build/ntlab}
# The programs and drivers built for this ntlab (the sanitizer build has its own).
progs=$(dirname "$NTLAB")/user
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); failed=1; echo "not ok $n - $1"
    sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null
}
# run ARGS...: runs ntlab, keeps stdout, stderr and the exit status.
run() { "$NTLAB" "$@" >"$tmp/out" 2>"$tmp/err"; status=$?; }
# expect_status WANT NAME
expect_status() { if [ "$status" -eq "$1" ]; then ok "$2"; else not_ok "$2 (status $status, wanted $1)"; fi; }
# one_error_line NAME PATTERN: exit 2, one line on stderr matching PATTERN, nothing on stdout
one_error_line() {
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
       grep -q -- "$2" "$tmp/err" && [ ! -s "$tmp/out" ]; then
        ok "$1"
    else
        not_ok "$1 (status $status)"
    fi
}

run --help
expect_status 0 "--help exits 0"
grep -q '^usage: ntlab' "$tmp/out" && ok "--help prints the usage" || not_ok "--help prints the usage"

run --frobnicate
one_error_line "an unknown option is one line, status 2" "^ntlab: unknown option '--frobnicate'"
run frobnicate
one_error_line "an unknown command is one line, status 2" "^ntlab: unknown command 'frobnicate'"
run --memory
one_error_line "--memory without a value" "^ntlab: --memory needs a value"
run --memory 3
one_error_line "--memory below 4 MiB is refused" "^ntlab: --memory: '3' is not a size in MiB from 4 to 1024"
run --memory 1025
one_error_line "--memory above 1024 MiB is refused" "^ntlab: --memory: '1025'"
run --memory=12x
one_error_line "--memory must be a number" "^ntlab: --memory: '12x'"
run --memory -5
one_error_line "--memory must not be negative" "^ntlab: --memory: '-5'"
run test a b
one_error_line "test takes one selection" "^ntlab: test takes one"

run test no_such_suite
expect_status 2 "an unknown suite exits 2"
grep -q "no test suite or test named 'no_such_suite'" "$tmp/out" && ok "an unknown suite is named" || not_ok "an unknown suite is named"

run report
expect_status 0 "the report exits 0"
grep -Eq '^  self-tests  [1-9][0-9]* passed, 0 failed$' "$tmp/out" && ok "the report counts the self-tests" || not_ok "the report counts the self-tests"
grep -q '^  processes   Idle (PID 0, .*System (PID 4' "$tmp/out" && ok "the report names Idle and System" || not_ok "the report names Idle and System"

run --memory 4 report
expect_status 0 "boots in 4 MiB"
run --memory 1024 report
expect_status 0 "boots in 1024 MiB"
grep -q 'memory      1024 MB, 262144 pages' "$tmp/out" && ok "1024 MiB is 262144 pages" || not_ok "1024 MiB is 262144 pages"

run test --list
expect_status 0 "test --list exits 0"
grep -qx mmu "$tmp/out" && grep -qx stop "$tmp/out" && ! grep -q selfcheck "$tmp/out" && ok "test --list names the suites" || not_ok "test --list names the suites"

run --child-test stop.bugcheck_screen
expect_status 3 "a stop exits with status 3"
grep -qx '\*\*\* STOP: 0x000000E2 (0x00000001,0x00000002,0x00000003,0xFFFFFFFF)' "$tmp/out" && ok "the stop line has NT's format" || not_ok "the stop line has NT's format"
grep -qx 'MANUALLY_INITIATED_CRASH' "$tmp/out" && ok "the stop screen names the code" || not_ok "the stop screen names the code"
grep -qx '  process  System (PID 4)' "$tmp/out" && grep -Eq '^  thread   [0-9A-F]{8} \(TID [0-9]+\)$' "$tmp/out" &&
    grep -qx '  IRQL     0 (PASSIVE_LEVEL)' "$tmp/out" && ok "the stop screen gives the context" || not_ok "the stop screen gives the context"

run --child-test stop.kernel_stack_overflow
expect_status 3 "a kernel stack overflow stops the system, no host crash"
grep -q 'kernel stack overflow' "$tmp/out" && ok "the stack overflow is explained" || not_ok "the stack overflow is explained"

run test selfcheck
expect_status 1 "failing tests make 'ntlab test' exit 1"
[ "$(grep -c '^not ok' "$tmp/out")" -eq 4 ] && ok "each deliberate failure is reported" || not_ok "each deliberate failure is reported"

# --trim: pageable memory leaves at every tick (tests/kernel/option_test.c).
run --trim test option_trim
expect_status 0 "--trim trims paged pool at every tick, and touching it at DISPATCH_LEVEL stops"
run test option_trim.paged_pool_leaves_memory_at_the_next_tick
expect_status 1 "without --trim, paged pool stays resident"
run --help
grep -q '^  --trim ' "$tmp/out" && ok "--help shows --trim" || not_ok "--help shows --trim"

# --strict: user code cannot read system space; by default it can.
run --strict test option_strict
expect_status 0 "--strict keeps user code out of system space"
run test option_strict
expect_status 1 "without --strict, user code reads kernel memory (trusted)"
run --help
grep -q '^  --strict ' "$tmp/out" && ok "--help shows --strict" || not_ok "--help shows --strict"

# Drivers (tests/kernel/sysload_test.c): the stop screen names the driver
# holding the faulting instruction and lists the loaded modules; a missing
# import is named in one line.
run --child-test sysload.paged_code_at_dispatch_level_stops
expect_status 3 "paged driver code run at DISPATCH_LEVEL stops the system"
grep -Eqx '  driver   testload\.sys!TestPagedTwice\+0x0 \(testload\.c:[0-9]+\), base 80000000' "$tmp/out" && ok "the stop screen names the driver, the routine and the line" || not_ok "the stop screen names the driver, the routine and the line"
grep -A4 -x 'Stack:' "$tmp/out" | grep -Eq '^  0[12] nt!test_thread\+0x[0-9A-F]+ \(ktest/ktest\.c:[0-9]+\)$' && ok "the backtrace names the kernel routine that called the driver" || not_ok "the backtrace names the kernel routine that called the driver"
grep -A1 -x 'Loaded modules:' "$tmp/out" | grep -Eqx '  80000000 - 800[0-9A-F]{5}  testload\.sys' && ok "the stop screen lists the loaded modules" || not_ok "the stop screen lists the loaded modules"
run test sysload.a_missing_import_fails_the_load
expect_status 0 "a driver with a missing import is refused"
[ "$(grep -c 'ntlab: testmissing.sys imports NtlabNoSuchRoutine, which ntlab does not export$' "$tmp/out")" -eq 1 ] && ok "the missing import is named in one line" || not_ok "the missing import is named in one line"

# run and --driver: the SDK's way to run a driver and its program.
run run hello.exe a "b c"
expect_status 42 "run exits with the program's exit status"
grep -q '^hello from hello.exe: .* 3 argument(s)$' "$tmp/out" && ok "run passes the arguments, quoted ones whole" || not_ok "run passes the arguments, quoted ones whole"
run --driver "$progs"/iotest.sys run iotest.exe
expect_status 0 "--driver loads the driver before the program runs"
run --driver "$progs"/iotest.sys run win32_io.exe
expect_status 0 "the Win32 file functions work on the driver's device"
run run "$progs"/exit0.exe
expect_status 0 "run takes a program file"
run run nosuch.exe
expect_status 2 "run of a program that does not exist exits 2"
grep -qx 'ntlab: cannot run nosuch.exe: STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034)' "$tmp/out" && ok "run names the program and the status" || not_ok "run names the program and the status"
run --driver "$progs"/iotest.sys --driver "$progs"/testload.sys modules
expect_status 0 "modules exits 0"
[ "$(grep -cE '^  [0-9A-F]{8} - [0-9A-F]{8}  (iotest|testload)\.sys$' "$tmp/out")" -eq 2 ] && ok "modules lists each driver image with its address range" || not_ok "modules lists each driver image with its address range"
run modules
grep -qx 'No driver images are loaded.' "$tmp/out" && ok "modules says when no driver is loaded" || not_ok "modules says when no driver is loaded"
run modules extra
one_error_line "modules takes no argument" "^ntlab: modules takes no argument, not 'extra'$"
run --driver "$progs"/testmissing.sys run hello.exe
expect_status 2 "a driver that does not load exits 2"
grep -qx 'ntlab: cannot load testmissing.sys: STATUS_PROCEDURE_NOT_FOUND (0xC000007A)' "$tmp/out" && ok "the driver and the status are named" || not_ok "the driver and the status are named"
run --driver "$tmp/none.sys" run hello.exe
one_error_line "a --driver file that cannot be read" "^ntlab: cannot read '.*none.sys'"
run --driver README.md run hello.exe
one_error_line "a --driver file must be a .sys" "^ntlab: --driver: 'README.md' is not a .sys file"
run run
one_error_line "run needs a scenario or a program" "^ntlab: run needs a SCENARIO or a PROGRAM"

# The window cannot be reserved: something already sits in it.
base=$("$NTLAB" --version | sed -n 's/.*guest window at \(0x[0-9a-f]*\).*/\1/p')
occupy_at=$(printf '0x%x' $((base + 0x20000000)))
if gcc -shared -fPIC -o "$tmp/occupy.so" tests/host/occupy.c 2>"$tmp/err"; then
    NTLAB_OCCUPY=$occupy_at LD_PRELOAD="$tmp/occupy.so" ASAN_OPTIONS=verify_asan_link_order=0 \
        "$NTLAB" report >"$tmp/out" 2>"$tmp/err"
    status=$?
    one_error_line "an occupied window is one line, status 2" "^ntlab: cannot reserve the guest address window"
else
    not_ok "building the preload library"
fi

# The ./ntlab wrapper runs ntlab in the caller's directory: relative paths
# are the caller's. (The wrapper builds the plain build: only tested there.)
if [ "$NTLAB" = build/ntlab ]; then
    tree=$(pwd)
    mkdir "$tmp/here" && cp "$progs/hello.exe" "$tmp/here/mine.exe"
    (cd "$tmp/here" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$tree/ntlab" run ./mine.exe) >"$tmp/out" 2>"$tmp/err"
    grep -q '^hello from mine.exe' "$tmp/out" && ok "./ntlab resolves a relative program path in the caller's directory" ||
        not_ok "./ntlab resolves a relative program path in the caller's directory"
    (cd "$tmp/here" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$tree/ntlab" --driver nothere.sys run mine.exe) >"$tmp/out" 2>"$tmp/err"
    status=$?
    one_error_line "./ntlab names a missing relative driver as given" "^ntlab: cannot read 'nothere.sys'"
fi
run --help
grep -q -- '--child-test SUITE.NAME' "$tmp/out" && ok "--help lists --child-test" || not_ok "--help lists --child-test"
grep -q -- '--privilege NAME' "$tmp/out" && ok "--help lists --privilege" || not_ok "--help lists --privilege"
for word in '  explore --seeds A-B' '  --timeout S' '  --status-file FILE' '  --tap ' '  --junit FILE'; do
    grep -q -- "^$word" "$tmp/out" && ok "--help lists${word% }" || not_ok "--help lists${word% }"
done
grep -q '5 --timeout ran out' "$tmp/out" && grep -q 'use --status-file\|--status-file$' "$tmp/out" && ok "--help gives exit status 5 and says how a program's status is told apart" || not_ok "--help gives exit status 5 and says how a program's status is told apart"

# A program's exit status and ntlab's own (tests/explore.t has more).
run --status-file "$tmp/status" run hello.exe
[ "$status" -eq 42 ] && [ "$(cat "$tmp/status")" = "$(printf 'ntlab=0\nprogram=42')" ] && ok "--status-file: ntlab's status and the program's" || not_ok "--status-file: ntlab's status and the program's"
run --status-file "$tmp/status" --child-test stop.bugcheck_screen
[ "$status" -eq 3 ] && grep -qx 'ntlab=3' "$tmp/status" && grep -qx 'program=' "$tmp/status" && ok "--status-file: a stop is ntlab's 3, no program status" || not_ok "--status-file: a stop is ntlab's 3, no program status"
run --status-file "" run hello.exe
one_error_line "--status-file needs a name" "^ntlab: --status-file: name a file"

echo "1..$n"
exit $failed
