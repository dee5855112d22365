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

echo "1..10"
build "$tmp/checked"
build "$tmp/free" NTLAB_DBG=0

# The C headers and small routines (wdkrt.sys checks each in DriverEntry).
(cd "$tmp/checked" && "$NTLAB" --driver wdkrt.sys modules) >"$tmp/rt" 2>&1
check "wdkrt.sys loads: every check held" "$tmp/rt" '^wdkrt: 0 failed$'
none "no check failed" "$tmp/rt" 'FAILED'
check "string.h, wchar.h, ctype.h, stdlib.h and stdio.h routines" "$tmp/rt" '^wdkrt: sprintf ok$'
check "try/except/finally/leave spellings" "$tmp/rt" '^wdkrt: try/except/finally ok$'
check "a checked build evaluates ASSERT" "$tmp/rt" '^wdkrt: ASSERT evaluated (checked build) ok$'
(cd "$tmp/free" && "$NTLAB" --driver wdkrt.sys modules) >"$tmp/free.out" 2>&1
check "a free build (NTLAB_DBG=0) does not evaluate ASSERT" "$tmp/free.out" '^wdkrt: ASSERT not evaluated (free build) ok$'
check "a free build's checks all hold" "$tmp/free.out" '^wdkrt: 0 failed$'
none "a free build's KdPrint prints nothing" "$tmp/free.out" 'KdPrint prints'
