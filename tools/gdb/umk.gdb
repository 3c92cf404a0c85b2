# gdb settings for debugging vmlinux, and the umk-* helper commands.
#
# Loaded by the repository's .gdbinit when gdb starts in the source tree
# (gdb reads ./.gdbinit only from a directory in its auto-load safe-path:
# put "add-auto-load-safe-path /path/to/umk" in ~/.gdbinit once), or by
# hand: gdb -x tools/gdb/umk.gdb --args ./vmlinux ubd0=... init=...
# Sourcing it twice is harmless.
#
# Why each setting (README.md, "Debugging with gdb", has the user's view):
#
# vmlinux starts every guest address space as a host process: it vforks,
# the child calls PTRACE_TRACEME and execs the stub.  gdb must let go of
# that child at once, or the child cannot become vmlinux's tracee (a
# process has one tracer) and init fails to start.  These are gdb's
# defaults, set here in case a personal ~/.gdbinit changed them:
set follow-fork-mode parent
set detach-on-fork on
# ...and one "[Detaching after vfork from child process N]" per guest
# process is noise.  The exit line "[Inferior 1 (process N) exited ...]"
# is still printed.
set print inferior-events off

# Arguments: gdb --args quotes each argument for a Bourne shell and starts
# the program through $SHELL.  With startup-with-shell off, gdb splits the
# quoted string itself and passes the backslashes on ("-c 'echo $$'" then
# reaches init as "\$\$"), so it stays on; and gdb itself (not the guest:
# the program's environment was copied when gdb started) uses /bin/sh, so
# that a csh or fish login shell does not reparse the arguments, e.g. a
# multi-line init script.
set startup-with-shell on
python import os; os.environ["SHELL"] = "/bin/sh"

# Signals.  vmlinux blocks SIGCHLD (one per ptrace stop of a guest thread),
# SIGHUP, SIGINT, SIGQUIT and SIGTERM and reads them from a signalfd
# (arch/host/idle.c).  A blocked signal is never delivered, so gdb never
# sees it: no setting is needed for them, and none can make gdb stop on
# them.  In particular gdb's own interrupt (^C when the guest console is
# not on gdb's terminal, or the "interrupt" command) sends SIGINT, which
# vmlinux takes as a request to shut the guest down.  To stop the kernel
# while it runs, send it a signal it does not use:
#     kill -TRAP <pid of vmlinux>      (gdb stops; "continue" drops it)
# SIGUSR1 (host_task_kick) goes to the guests' host threads, which gdb does
# not trace.  vmlinux handles SIGWINCH (the console's size): it passes
# without a stop (gdb's default, as for SIGCHLD; set in case ~/.gdbinit
# changed them).  The rest keep gdb's defaults: vmlinux blocks SIGPIPE
# around its writes, so one that reaches it is a bug worth stopping for.
handle SIGCHLD nostop noprint pass
handle SIGWINCH nostop noprint pass

# The helper commands (umk-tasks, umk-dmesg, umk-bt, umk-syscalls and the
# $umk_task(TID) function) are in umk.py beside this file.  gdb's "source"
# takes a relative name from the current directory and a script cannot
# learn its own path, so look beside the program being debugged (vmlinux
# sits at the top of the tree), then in the current directory; with no
# program yet, again when one is loaded ("file ./vmlinux").
python
try:  # sourced again: drop the old hook
    gdb.events.new_objfile.disconnect(_umk_load)
except Exception:
    pass
def _umk_load(event=None):
    import os
    prog = gdb.current_progspace().filename
    if prog is None and event is not None:
        return
    cands = [os.path.join(os.getcwd(), "tools", "gdb", "umk.py")]
    if prog:
        top = os.path.dirname(os.path.realpath(prog))
        cands.insert(0, os.path.join(top, "tools", "gdb", "umk.py"))
    for c in cands:
        if os.path.isfile(c):
            gdb.execute("source " + c)
            break
    else:
        if prog is None:
            gdb.events.new_objfile.connect(_umk_load)
            return
        gdb.write("umk.gdb: no tools/gdb/umk.py beside %s or in the current "
                  "directory; the umk-* commands are missing (source "
                  "/path/to/umk/tools/gdb/umk.py)\n" % prog, gdb.STDERR)
    if event is not None:
        gdb.events.new_objfile.disconnect(_umk_load)
_umk_load()
end
