#!/bin/sh
# Makes sure this machine has what ntlab needs to build and test (Debian
# packages only). Run as root, it installs what is missing with apt-get;
# otherwise it names the packages and exits 2. Optional packages (want) are
# installed as root when they can be; their absence never fails.
missing=""
need() { # need COMMAND-OR-FILE PACKAGE
    case "$1" in
    /*) [ -e "$1" ] || missing="$missing $2" ;;
    *) command -v "$1" >/dev/null 2>&1 || missing="$missing $2" ;;
    esac
}
need gcc gcc
need make make
need prove perl
need /usr/include/stdio.h libc6-dev
need /usr/include/linux/futex.h linux-libc-dev
need /usr/include/elfutils/libdwfl.h libdw-dev
# qemu-system-i386: the pc platform (ntlab --platform pc, make check-pc).
optional=""
command -v qemu-system-i386 >/dev/null 2>&1 || optional="qemu-system-x86"
if [ -n "$optional" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ntlab: installing $optional (optional: the pc platform)" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $optional; } >&2 ||
        echo "ntlab: could not install $optional; going on without the pc platform" >&2
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ntlab: installing$missing" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
    echo "ntlab: could not install$missing" >&2
    exit 2
fi
echo "ntlab: missing Debian packages:$missing (as root: apt-get install$missing)" >&2
exit 2
