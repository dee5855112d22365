#!/bin/sh
# tests/samples as a driver writer meets them: copied out of the tree,
# built with the sdk.mk of the ntlab under test (checked, and free with
# NTLAB_DBG=0), and run as the WDK's samples are. TAP output; run by prove
# from make check.
NTLAB=${NTLAB:-build/ntlab}
NTLAB=$(cd "$(dirname "$NTLAB")" && pwd)/$(basename "$NTLAB")
sdk=$(dirname "$NTLAB")/sdk.mk
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    [ -n "$2" ] && sed 's/^/#   /' "$2"
}
check() { # check NAME FILE PATTERN: FILE has a line matching PATTERN
    if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1" "$2"; fi
}
none() { # none NAME FILE PATTERN: FILE has no line matching PATTERN
    if grep -q -- "$3" "$2"; then not_ok "$1" "$2"; else ok "$1"; fi
}
build() { # build DIR [VAR=VALUE...]: tests/samples copied to DIR and built
    dir=$1; shift
    mkdir -p "$dir" && cp tests/samples/* "$dir"/
    if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
        -C "$dir" NTLAB_SDK="$sdk" "$@" >"$dir/build.log" 2>&1 &&
        [ ! -s "$dir/build.log" ]; then
        ok "tests/samples build outside the tree without a warning $*"
    else
        not_ok "tests/samples build outside the tree without a warning $*" "$dir/build.log"
    fi
}

echo "1..43"
build "$tmp/checked"
build "$tmp/free" NTLAB_DBG=0

# The C headers and small routines (wdkrt.sys checks each in DriverEntry).
(cd "$tmp/checked" && "$NTLAB" --driver wdkrt.sys modules) >"$tmp/rt" 2>&1
check "wdkrt.sys loads: every check held" "$tmp/rt" '^wdkrt: 0 failed$'
none "no check failed" "$tmp/rt" 'FAILED'
check "string.h, wchar.h, ctype.h, stdlib.h and stdio.h routines" "$tmp/rt" '^wdkrt: sprintf ok$'
check "try/except/finally/leave spellings" "$tmp/rt" '^wdkrt: try/except/finally ok$'
check "a checked build evaluates ASSERT" "$tmp/rt" '^wdkrt: ASSERT evaluated (checked build) ok$'
check "IoGetStackLimits and IoGetInitialStack" "$tmp/rt" '^wdkrt: IoGetInitialStack is the stack.s top ok$'
check "IoGetRemainingStackSize" "$tmp/rt" '^wdkrt: IoGetRemainingStackSize shrinks deeper down ok$'
(cd "$tmp/free" && "$NTLAB" --driver wdkrt.sys modules) >"$tmp/free.out" 2>&1
check "a free build (NTLAB_DBG=0) does not evaluate ASSERT" "$tmp/free.out" '^wdkrt: ASSERT not evaluated (free build) ok$'
check "a free build's checks all hold" "$tmp/free.out" '^wdkrt: 0 failed$'
none "a free build's KdPrint prints nothing" "$tmp/free.out" 'KdPrint prints'

# A cancel-safe queue and a remove lock (parking.sys and parkapp.exe).
(cd "$tmp/checked" && "$NTLAB" --driver parking.sys run parkapp.exe) >"$tmp/park" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "parkapp.exe: every result as expected"; else not_ok "parkapp.exe: every result as expected (status $status)" "$tmp/park"; fi
check "a request released by key completes with its key" "$tmp/park" '^key 2 ends with success and its key  *ok$'
check "IoCsqRemoveIrp takes a request back by its context" "$tmp/park" '^its context takes it back  *ok$'
check "CancelIo reaches CsqCompleteCanceledIrp" "$tmp/park" '^parking: request with key 3 cancelled$'
check "cleanup empties the queue" "$tmp/park" '^parking: cleanup cancels key 5$'
check "after IoReleaseRemoveLockAndWait an acquire is STATUS_DELETE_PENDING" "$tmp/park" '^parking: acquire after removal: 0xC0000056$'

# The Win32 and C runtime forms of Windows programs (win32app.exe).
(cd "$tmp/checked" && "$NTLAB" --driver parking.sys run win32app.exe) >"$tmp/w32" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "win32app.exe: every check held"; else not_ok "win32app.exe: every check held (status $status)" "$tmp/w32"; fi
none "win32app.exe: nothing wrong" "$tmp/w32" 'WRONG'
check "strsafe.h's unsuffixed forms by UNICODE" "$tmp/w32" '^StringCbCat cuts and says so  *ok$'
check "sscanf_s reads an int, hex and a float" "$tmp/w32" '^sscanf_s %d %x %f  *ok$'
check "QueryPerformanceCounter follows the virtual clock" "$tmp/w32" '^QueryPerformanceCounter follows the clock ok$'
check "ReadFileEx's routine runs in an alertable wait" "$tmp/w32" '^it got the bytes  *ok$'

# The install path of the WDK's samples (echodrv.sys and echoapp.exe): the
# program finds the driver in its current directory (C:\, the directory
# ntlab runs in), installs it through the service control manager, sends
# it the console's input line by line, and removes it.
printf 'hello\nworld\n' | (cd "$tmp/checked" && "$NTLAB" --privilege load-driver run echoapp.exe) >"$tmp/echo" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "echoapp.exe runs"; else not_ok "echoapp.exe runs (status $status)" "$tmp/echo"; fi
e=$tmp/echo
check "GetCurrentDirectory is C:\\" "$e" '^current directory C:\\ (3)$'
check "the driver's file opens for reading" "$e" "^read the driver's file: ok$"
check "and not for writing" "$e" "^write the driver's file: error 5$"
check ".. does not leave C:" "$e" '^climb out with \.\.: error 3$'
check "nor does a verbatim .." "$e" '^climb out verbatim: error 123$'
check "OpenService of no service: ERROR_SERVICE_DOES_NOT_EXIST" "$e" '^OpenService before it exists: error 1060$'
check "CreateService twice: ERROR_SERVICE_EXISTS" "$e" '^CreateService again: error 1073$'
check "DriverEntry gets the service's key" "$e" '^echodrv: DriverEntry for \\Registry\\Machine\\System\\CurrentControlSet\\Services\\echodrv$'
check "StartService twice: ERROR_SERVICE_ALREADY_RUNNING" "$e" '^StartService again: error 1056$'
check "piped input is read in order" "$e" '^echo: WORLD (6 bytes)$'
check "_kbhit sees piped input" "$e" '^input waiting: yes$'
check "at the end of the input _kbhit is 0 and getchar EOF" "$e" '^at the end: _kbhit 0, getchar -1$'
check "ControlService stops the driver" "$e" '^ControlService stop: ok$'
check "stopping twice: ERROR_SERVICE_NOT_ACTIVE" "$e" '^ControlService stop again: error 1062$'
check "DeleteService twice: ERROR_SERVICE_MARKED_FOR_DELETE" "$e" '^DeleteService again: error 1072$'
check "the service is gone once its handle is closed" "$e" '^OpenService after: error 1060$'
(cd "$tmp/checked" && "$NTLAB" run echoapp.exe </dev/null) >"$tmp/echo2" 2>&1
check "without --privilege load-driver StartService is ERROR_PRIVILEGE_NOT_HELD" "$tmp/echo2" '^StartService: error 1314$'
none "and the driver did not load" "$tmp/echo2" 'DriverEntry'
