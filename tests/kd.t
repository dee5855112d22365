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

# ---- The kd> prompt (--kd) ----
# tests/samples' kdbreak.sys breaks in its dispatch routine (passive), in
# a DPC (dpc), or stops the system (crash); built out of the tree as a
# driver writer builds it.
NTLAB=$(cd "$(dirname "$NTLAB")" && pwd)/$(basename "$NTLAB")
mkdir -p "$tmp/s" && cp tests/samples/* "$tmp/s"/
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
    -C "$tmp/s" NTLAB_SDK="$(dirname "$NTLAB")/sdk.mk" kdbreak.sys \
    kdbreakapp.exe >"$tmp/out" 2>&1; then
    ok "kdbreak.sys builds out of the tree"
else
    not_ok "kdbreak.sys builds out of the tree"
fi
# kd REQUEST COMMANDS...: kdbreakapp REQUEST under --kd, the commands
# piped in, one a line; the output in $tmp/out, the status in $status.
kd() {
    request=$1; shift
    printf '%s\n' "$@" >"$tmp/in"
    (cd "$tmp/s" && "$NTLAB" --kd --driver kdbreak.sys run kdbreakapp.exe \
        "$request") <"$tmp/in" >"$tmp/out" 2>&1
    status=$?
}
field() { # the guest address DriverEntry printed: 1 marker, 2 pool block
    # (the sanitizer build's window is high: its pointers' low 32 bits)
    sed -n "s/^kdbreak: marker at \([0-9A-F]*\), pool block at \([0-9A-F]*\)$/\\$1/p" "$tmp/out" |
        head -1 | sed 's/^.*\(........\)$/\1/'
}

kd passive 'lm'
marker=$(field 1); block=$(field 2)
check "a breakpoint prints WinDbg's first line" \
      '^Break instruction exception - code 80000003 \(first chance\)$'
check "and the int 3 it stopped at" \
      "^nt!DbgBreakPoint\+0x0 \(rtl/print.c:[0-9]+\):$"
check "the prompt echoes a piped command" '^kd> lm$'
check "lm: WinDbg's header" '^start    end        module name$'
check "lm lists nt" '^82800000 [0-9a-f]{8}   nt         '
check "lm lists the driver" '^80000000 [0-9a-f]{8}   kdbreak    kdbreak.sys$'
check "the end of the input goes on: the dispatch routine runs on" \
      '^kdbreak: the dispatch routine goes on after its breakpoint$'
[ $status -eq 0 ] && grep -q '^kdbreakapp: done$' "$tmp/out" &&
    ok "after the breakpoint the program runs to its end (exit 0)" ||
    not_ok "after the breakpoint the program runs to its end (status $status)"

kd passive "dd $marker L4" "db $block L10" "!pte $marker" "!pool $block" \
    '!irql' 'k' '!thread' '!process 0 0' 'g'
check "dd shows the driver's known double words" \
      "^$(echo "$marker" | tr A-F a-f)  6b646272 65616b21 0badf00d 12345678$"
check "db shows the pool block's bytes, dash and text" \
      "^$(echo "$block" | tr A-F a-f)  5a 5a 5a 5a 5a 5a 5a 5a-5a 5a 5a 5a 5a 5a 5a 5a  ZZZZZZZZZZZZZZZZ$"
check "!pte: the PDE and PTE addresses through the self-map" \
      '^PDE at C0300800            PTE at C02000(0|1)[0-9A-F]$'
check "!pte: a driver data page is valid, kernel, writable" \
      '^pfn [0-9a-f]+ +---DA--KWEV  pfn [0-9a-f]+ +-G-DA--KWEV$'
check "!pool: the region" "^Pool page $(echo "$block" | tr A-F a-f) region is Nonpaged pool$"
check "!pool stars the block, with its tag" \
      '^\*[0-9a-f]{8} size:   50 previous size: +[0-9a-f]+  \(Allocated\) \*kdBk$'
check "!pool: the bytes asked for" '^		Pooltag kdBk : 64 bytes asked for'
check "!irql at a breakpoint in a dispatch routine: PASSIVE_LEVEL" \
      '^Debugger saved IRQL for processor 0x0 -- 0 \(PASSIVE_LEVEL\)$'
check "k: WinDbg's columns" '^ # Child-SP RetAddr  Call Site$'
check "k: frame 0 is the breakpoint" \
      '^00 [0-9a-f]{8} [0-9a-f]{8} nt!DbgBreakPoint\+0x0 '
check "k: frame 1 the driver's dispatch routine, with its line" \
      '^01 [0-9a-f]{8} [0-9a-f]{8} kdbreak.sys!KdBreakControl\+0x[0-9A-F]+ \(kdbreak.c:[0-9]+\)$'
check "!thread: THREAD, Cid, Teb and the state" \
      '^THREAD [0-9a-f]{8}  Cid 0018\.001c  Teb: 7ffde000 Win32Thread: 00000000 RUNNING on processor 0$'
check "!thread: the owning process" \
      '^Owning Process            [0-9a-f]{8}       Image:         kdbreakapp.exe$'
check "!process 0 0: the dump's title" '^\*\*\*\* NT ACTIVE PROCESS DUMP \*\*\*\*$'
check "!process 0 0: System, PID 4" \
      '^PROCESS [0-9a-f]{8}  SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000$'
check "!process 0 0: the program, its PEB and parent" \
      '^PROCESS [0-9a-f]{8}  SessionId: none  Cid: 0018    Peb: 7ffdf000  ParentCid: 0004$'
check "!process 0 0: DirBase, ObjectTable, HandleCount" \
      '^    DirBase: [0-9a-f]{5}000  ObjectTable: e1[0-9a-f]{6}  HandleCount: [0-9]+\.$'
check "g goes on" '^kdbreakapp: passive returned$'

kd dpc '!irql' 'k' '!handle' '!analyze -v' '!process 4' 'q'
check "!irql at a DPC's breakpoint: DISPATCH_LEVEL" \
      '^Debugger saved IRQL for processor 0x0 -- 2 \(DISPATCH_LEVEL\)$'
check "k: the DPC routine, then the kernel's DPC delivery" \
      '^01 [0-9a-f]{8} [0-9a-f]{8} kdbreak.sys!KdBreakDpc\+0x[0-9A-F]+ \(kdbreak.c:[0-9]+\)$'
check "k: under it, the dispatch routine that queued the DPC" \
      '^0[0-9a-f] [0-9a-f]{8} [0-9a-f]{8} kdbreak.sys!KdBreakControl\+'
check "!handle: the table" '^Handle table at e1[0-9a-f]{6} with 1 entries in use$'
check "!handle: the program's handle to the device, a File" \
      '^Object: [0-9a-f]{8}  Type: \([0-9a-f]{8}\) File$'
check "!analyze -v at a breakpoint: the exception" '^EXCEPTION_CODE: \(NTSTATUS\) 0x80000003 - STATUS_BREAKPOINT$'
check "!analyze -v: the driver" '^MODULE_NAME:  kdbreak.sys$'
check "!analyze -v: the IRQL" '^CURRENT_IRQL:  2 \(DISPATCH_LEVEL\)$'
check "!process by PID: System's threads" \
      '^THREAD [0-9a-f]{8}  Cid 0004\.[0-9a-f]{4}  Teb: 00000000 Win32Thread: 00000000 WAIT: \(Executive\) KernelMode Non-Alertable$'
check "!thread of a waiting thread: what it waits for" '^    [0-9A-F]{8}  Semaphore$'
check "!thread of a waiting thread: its backtrace from the switch" \
      '^0[0-9a-f] [0-9a-f]{8} [0-9a-f]{8} nt!KeWaitForSingleObject\+'
check "a worker thread's backtrace reaches its loop" \
      '^0[0-9a-f] [0-9a-f]{8} [0-9a-f]{8} nt!worker_thread\+0x[0-9A-F]+ \(ex/worker.c:[0-9]+\)$'
check "q goes on: the DPC runs on" '^kdbreak: the DPC goes on after its breakpoint$'
[ $status -eq 0 ] && ok "the DPC's break: the program ends (exit 0)" ||
    not_ok "the DPC's break: the program ends (status $status)"

kd status 'k'
check "DbgBreakPointWithStatus breaks too" \
      '^00 [0-9a-f]{8} [0-9a-f]{8} nt!DbgBreakPointWithStatus\+0x[0-9A-F]+ '
check "and its caller is the frame under it (a routine with no frame)" \
      '^01 [0-9a-f]{8} [0-9a-f]{8} kdbreak.sys!KdBreakControl\+0x[0-9A-F]+ \(kdbreak.c:[0-9]+\)$'
check "g after DbgBreakPointWithStatus goes on" \
      '^kdbreak: the dispatch routine goes on after DbgBreakPointWithStatus$'

# Two breaks, the input ended at the first: the second (KdBreakPoint in
# the DPC) finds the end of the input and goes on at once.
printf 'g\n' >"$tmp/in"
(cd "$tmp/s" && "$NTLAB" --kd --driver kdbreak.sys run kdbreakapp.exe \
    passive dpc) <"$tmp/in" >"$tmp/out" 2>&1
status=$?
[ $status -eq 0 ] && [ "$(grep -c '^Break instruction exception' "$tmp/out")" -eq 2 ] &&
    grep -q '^kdbreak: the DPC goes on after its breakpoint$' "$tmp/out" &&
    ok "a break after the input's end goes on at once (KdBreakPoint too)" ||
    not_ok "a break after the input's end goes on at once (status $status)"

kd passive 'x' 'dd zz' 'dd 0 L4' '!pte' '!pool 12' '!process 1234' \
    '!thread 80000000' '!object 80000000' 'dd 80000000 L 99999' '' 'g'
check "an unknown command is one line" "^Unknown command 'x' \(\? lists the commands\)$"
check "a bad address is one line" "^dd: syntax error in 'zz'"
check "an unmapped address reads as WinDbg's ????????" \
      '^00000000  \?\?\?\?\?\?\?\? \?\?\?\?\?\?\?\? \?\?\?\?\?\?\?\? \?\?\?\?\?\?\?\?$'
check "!pte without an address" "^!pte: syntax error in ''"
check "!pool of no pool address" '^00000012 is not a pool address'
check "!process of no process" '^00001234 is not a process$'
check "!thread of no thread" '^80000000 is not a thread$'
check "!object of no object" '^80000000 is not an object$'
check "a range too large" '^dd: range error'
[ $status -eq 0 ] && grep -q '^kdbreakapp: done$' "$tmp/out" &&
    ok "after bad commands the run goes on unharmed" ||
    not_ok "after bad commands the run goes on unharmed (status $status)"

kd crash '!analyze -v' 'k' 'g'
[ $status -eq 3 ] && ok "a stop under --kd still exits 3" ||
    not_ok "a stop under --kd still exits 3 (status $status)"
grep -n '^The system has stopped.$' "$tmp/out" | head -1 | cut -d: -f1 >"$tmp/l1"
grep -n '^kd> ' "$tmp/out" | head -1 | cut -d: -f1 >"$tmp/l2"
[ -s "$tmp/l1" ] && [ -s "$tmp/l2" ] && [ "$(cat "$tmp/l1")" -lt "$(cat "$tmp/l2")" ] &&
    ok "the prompt comes after the stop screen" ||
    not_ok "the prompt comes after the stop screen"
check "!analyze -v: the stop's name and code" '^MANUALLY_INITIATED_CRASH \(e2\)$'
check "!analyze -v: the parameters" "^Arg1: $(echo "$(field 2)" | tr A-F a-f)$"
[ "$(grep -c '^\*\*\* STOP: 0x000000E2' "$tmp/out")" -eq 2 ] &&
    ok "!analyze -v prints the stop screen again" ||
    not_ok "!analyze -v prints the stop screen again"
check "k at a stop: frame 0 is KeBugCheckEx" '^00 [0-9a-f]{8} [0-9a-f]{8} nt!KeBugCheckEx\+'

kd crash '.reboot' '!irql'
[ $status -eq 3 ] && ! grep -q '^Debugger saved' "$tmp/out" &&
    ok ".reboot ends the run at once (exit 3)" ||
    not_ok ".reboot ends the run at once (status $status)"
kd passive '.reboot' 'g'
[ $status -eq 3 ] && ! grep -q 'goes on after' "$tmp/out" &&
    ok ".reboot at a breakpoint ends the run (exit 3)" ||
    not_ok ".reboot at a breakpoint ends the run (status $status)"

# Without --kd nothing waits and a breakpoint is what it was: an exception
# nobody handles (NT with no debugger attached).
(cd "$tmp/s" && "$NTLAB" --driver kdbreak.sys run kdbreakapp.exe passive) \
    <"$tmp/in" >"$tmp/out" 2>&1
status=$?
[ $status -eq 3 ] && grep -q '^\*\*\* STOP: 0x0000001E (0x80000003,' "$tmp/out" &&
    ! grep -q '^kd> ' "$tmp/out" &&
    ok "without --kd a breakpoint stops the system (0x1E), no prompt" ||
    not_ok "without --kd a breakpoint stops the system (0x1E), no prompt (status $status)"

# --kd reads standard input in one boot: not with the tour or a scenario.
run --kd run timerdpc
[ $status -eq 2 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    check "--kd with a scenario: one line, exit 2" '^ntlab: --kd goes with one boot' ||
    not_ok "--kd with a scenario: one line, exit 2 (status $status)"

# Windows-driver-samples' general/event/wdm, unchanged, breaks in its
# DriverEntry: with --kd, g goes on and the sample runs to its end. Run
# when WDK_SAMPLES names a checkout of microsoft/Windows-driver-samples.
if [ -n "${WDK_SAMPLES:-}" ] && [ -f "$WDK_SAMPLES/general/event/wdm/event.c" ]; then
    mkdir -p "$tmp/ev"
    cp "$WDK_SAMPLES"/general/event/wdm/*.[ch] "$WDK_SAMPLES"/general/event/exe/*.c "$tmp/ev"/
    cat >"$tmp/ev/Makefile" <<EOF
include $(dirname "$NTLAB")/sdk.mk
all: event.sys eventtest.exe
event.sys: event.c
	\$(CC) \$(NTLAB_DRIVER_CFLAGS) -o \$@ event.c \$(NTLAB_DRIVER_LDFLAGS)
eventtest.exe: eventtest.c install.c
	\$(CC) \$(NTLAB_PROGRAM_CFLAGS) -o \$@ eventtest.c install.c \$(NTLAB_PROGRAM_LDFLAGS)
EOF
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$tmp/ev" >"$tmp/out" 2>&1
    printf 'k\ng\nq\n' >"$tmp/in"
    (cd "$tmp/ev" && "$NTLAB" --kd --privilege load-driver run eventtest.exe 1 0) \
        <"$tmp/in" >"$tmp/out" 2>&1
    check "event/wdm: its DriverEntry breaks at the kd> prompt" \
          '^01 [0-9a-f]{8} [0-9a-f]{8} event.sys!DriverEntry\+0x[0-9A-F]+ \(event.c:[0-9]+\)$'
    check "event/wdm: g goes on to the end of DriverEntry" '^EVENT.SYS: <==DriverEntry$'
    if grep -q '^EVENT.SYS: ==>Unload$' "$tmp/out" && ! grep -q '^\*\*\* STOP' "$tmp/out"; then
        ok "event/wdm: the sample runs to its end and removes its driver"
    else
        not_ok "event/wdm: the sample runs to its end and removes its driver"
    fi
else
    for t in "its DriverEntry breaks" "g goes on" "the sample runs to its end"; do
        n=$((n + 1)); echo "ok $n # skip event/wdm: $t (WDK_SAMPLES not set)"
    done
fi

echo "1..$n"
exit $failed
