# ntlab's gdb support, loaded by tools/ntlab-gdb (docs/debugging.md). make
# puts a copy next to ntlab as ntlab-gdb.py, the name gdb auto-loads for
# that executable when its auto-load safe-path allows; loaded twice, it
# sets gdb up once.
#
# ntlab is a Linux program whose guest memory is mapped by its own fault
# handler and whose drivers are loaded by its own loader, so gdb needs to
# be told three things:
#   - the signals ntlab takes for itself (page faults of its software MMU,
#     traps of guest code, its tick timer, refused system calls) are passed
#     to it without stopping;
#   - breakpoints on names not known yet wait for a driver to define them;
#   - each driver's symbols, at the address the loader put it: ntlab calls
#     ntlab_gdb_image_loaded(path, base) once the image is mapped and before
#     its code runs (hal/hosted/debug.c), and this script breaks there,
#     loads the file's symbols with that offset and lets ntlab go on.
#     ntlab_gdb_image_unloading(path, base) removes them again.
#
# int3 in guest code (DbgBreakPoint, a failed ASSERT) still stops in gdb,
# as a kernel debugger would: `continue` goes on after it.

import gdb

PASSED_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGSYS", "SIGALRM")


def quoted(path):
    """path as one argument of a gdb command."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hook_arguments():
    """The (path, base) ntlab passed to the hook that stopped."""
    path = gdb.parse_and_eval("(const char *) $rdi").string()
    base = int(gdb.parse_and_eval("(unsigned long) $rsi"))
    return path, base


class ImageLoaded(gdb.Breakpoint):
    """Loads a driver's symbols where ntlab loaded the driver."""

    def __init__(self):
        super().__init__("ntlab_gdb_image_loaded", internal=True)
        self.silent = True

    def stop(self):
        path, base = hook_arguments()
        gdb.execute("add-symbol-file %s -o %#x" % (quoted(path), base),
                    from_tty=False, to_string=True)
        gdb.write("[ntlab: %s loaded at %#x]\n" % (path, base))
        return False


class ImageUnloading(gdb.Breakpoint):
    """Drops a driver's symbols when ntlab unloads the driver."""

    def __init__(self):
        super().__init__("ntlab_gdb_image_unloading", internal=True)
        self.silent = True

    def stop(self):
        path, base = hook_arguments()
        try:
            gdb.execute("remove-symbol-file %s" % quoted(path),
                        from_tty=False, to_string=True)
        except gdb.error:
            pass  # its symbols were never loaded (or the user removed them)
        gdb.write("[ntlab: %s unloaded from %#x]\n" % (path, base))
        return False


def set_up():
    """Sets gdb up for ntlab, once."""
    if gdb.convenience_variable("_ntlab_gdb") is not None:
        return
    gdb.set_convenience_variable("_ntlab_gdb", 1)
    for signal in PASSED_SIGNALS:
        gdb.execute("handle %s nostop noprint pass" % signal, to_string=True)
    gdb.execute("set breakpoint pending on")
    # User mode runs with the TEB's thread pointer, which libthread_db
    # takes for the host's and fails on; ntlab's host threads need none.
    gdb.execute("set libthread-db-search-path /nonexistent")
    ImageLoaded()
    ImageUnloading()


set_up()
