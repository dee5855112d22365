#!/bin/sh
# The C: drive: a read-only view of the directory ntlab is started in.
# cdrive.exe runs from a directory set up here (files, a subdirectory,
# symbolic links in and out) and prints what each open gave. TAP output;
# run by prove from make check.
NTLAB=$(cd "$(dirname "${NTLAB:-build/ntlab}")" && pwd)/ntlab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
    n=$((n + 1)); echo "not ok $n - $1"
    [ -n "$2" ] && sed 's/^/#   /' "$2"
}
check() { # check NAME FILE LINE: FILE has exactly LINE
    if grep -qxF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "$2"; fi
}

echo "1..21"
echo outside >"$tmp/outside.txt"
mkdir -p "$tmp/view/sub"
echo "hello from the host" >"$tmp/view/hello.txt"
echo inner >"$tmp/view/sub/Inner.txt"
ln -s hello.txt "$tmp/view/link-in"
ln -s ../outside.txt "$tmp/view/link-out"
ln -s "$tmp/outside.txt" "$tmp/view/link-abs"
ln -s ../../outside.txt "$tmp/view/sub/link-up"
(cd "$tmp/view" && "$NTLAB" run cdrive.exe) >"$tmp/out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then ok "cdrive.exe runs"; else not_ok "cdrive.exe runs (status $status)" "$tmp/out"; fi
o=$tmp/out
check "the current directory is C:\\" "$o" 'GetCurrentDirectory: "C:\" (3), 4 for a short buffer'
check "a relative path opens a file of the directory" "$o" 'hello.txt: 20 bytes "hello from the host", then 0'
check "names do not care about case" "$o" 'C:\SUB\inner.TXT: 6 bytes "inner", then 0'
check "the path is made full as Windows makes it" "$o" 'sub\..\.\\hello.txt: 20 bytes "hello from the host", then 0'
check "a symbolic link inside the view is followed" "$o" 'C:\link-in: 20 bytes "hello from the host", then 0'
check "write access is refused" "$o" 'C:\hello.txt: error 5'
check "overwriting is refused" "$o" 'C:\hello.txt: error 5'
check "creating is refused" "$o" 'new.txt: error 5'
check "a missing file" "$o" 'missing.txt: error 2'
check "a missing directory" "$o" 'C:\nowhere\x.txt: error 3'
check "a directory is not a file" "$o" 'C:\sub: error 5'
check ".. stops at the root" "$o" '..\..\outside.txt: error 2'
check "a relative link out is refused" "$o" 'C:\link-out: error 5'
check "an absolute link out is refused" "$o" 'C:\link-abs: error 5'
check "a link up from a subdirectory is refused" "$o" 'C:\sub\link-up: error 5'
check "the native name opens" "$o" 'native \??\C:\hello.txt: 0x00000000'
check "the native name takes no .." "$o" 'native \??\C:\..\outside.txt: 0xC0000033'
check "nor .. inside the view" "$o" 'native \??\C:\sub\..\hello.txt: 0xC0000033'
check "nor /" "$o" 'native \??\C:\a/b: 0xC0000033'
if [ -z "$(ls "$tmp/view" | grep -v -e hello.txt -e sub -e link-)" ] && [ "$(cat "$tmp/view/hello.txt")" = "hello from the host" ]; then
    ok "the host directory is unchanged"
else
    not_ok "the host directory is unchanged"
fi
