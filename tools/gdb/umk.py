# gdb helper commands for vmlinux (gdb's Python API).  Loaded by umk.gdb
# beside it; "source tools/gdb/umk.py" loads it alone.
#
#   umk-tasks             guest tasks: tid, pid, ppid, state, wchan, host
#                         tid, comm; "*" marks the current one
#   umk-dmesg             the kernel log (kernel/printk.c's ring buffer)
#   umk-bt [TID [ARGS]]   the kernel stack of task TID, or of every task;
#                         ARGS go to "bt" (e.g. "full", "5")
#   umk-syscalls          the syscall each task is in, with its arguments
#   $umk_task(TID)        the struct task * of TID, or 0: p *$umk_task(1)
#
# What they read, and must follow if it changes: all_processes and each
# process's threads list (kernel/task.[ch]; struct list is intrusive,
# kernel/list.h), tid_table (task.c), current (kernel/sched.c), log_buf and
# log_head (kernel/printk.c), the frame kstack_switch leaves at task->ksp
# (arch/x86_64/switch.S), syscall_names (kernel/syscall.c) and struct
# host_task (arch/host/trace.c).

import gdb

ULONG = 8  # x86_64


def _type(name):
    return gdb.lookup_type(name)


def _kvar(name, srcfile=None):
    """A kernel variable: a global, or with srcfile the static of that
    file (libc has statics of the same names, e.g. "current")."""
    if srcfile is None:
        sym = gdb.lookup_global_symbol(name)
    else:
        sym = next((s for s in gdb.lookup_static_symbols(name)
                    if s.symtab and s.symtab.filename.endswith(srcfile)),
                   None)
    if sym is None:
        raise gdb.GdbError("umk: no symbol %r%s in the program: is it vmlinux "
                           "(built with -g)?" %
                           (name, " in " + srcfile if srcfile else ""))
    return sym.value()


def _container_of(ptr, typename, member):
    """The struct typename whose field member is at address ptr."""
    t = _type(typename)
    off = next(f.bitpos // 8 for f in t.fields() if f.name == member)
    return gdb.Value(int(ptr) - off).cast(t.pointer())


def _list_entries(head, typename, member):
    """The entries of an intrusive list (kernel/list.h) with head at head."""
    head_addr = int(head.address)
    node = head["next"]
    seen = 0
    while int(node) != head_addr:
        if int(node) == 0 or seen > 100000:
            raise gdb.GdbError("umk: corrupt list at %#x" % head_addr)
        yield _container_of(node, typename, member)
        node = node["next"]
        seen += 1


def _cstr(arr):
    """A char array that may lack its NUL."""
    n = arr.type.sizeof
    raw = bytes(gdb.selected_inferior().read_memory(arr.address, n))
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _enum_name(v, prefix):
    s = str(v)
    return s[len(prefix):].lower() if s.startswith(prefix) else s


def _processes():
    return _list_entries(_kvar("all_processes"), "struct process",
                         "all_link")


def _threads(p):
    return _list_entries(p["threads"], "struct task", "thread_link")


def _all_tasks():
    """Every task: the thread lists, then tid_table for any not on one (a
    thread between leaving its list and its last switch)."""
    listed = []
    for p in _processes():
        listed.extend(_threads(p))
    seen = set(int(t) for t in listed)
    for t in listed:
        yield t
    for t in _tid_table_tasks():
        if int(t) not in seen:
            yield t


def _tid_table_tasks():
    table = _kvar("tid_table", "kernel/task.c")
    n = table.type.sizeof // ULONG
    raw = bytes(gdb.selected_inferior().read_memory(table.address, n * ULONG))
    ptr = _type("struct task").pointer()
    for i in range(1, n):
        a = int.from_bytes(raw[i * ULONG:(i + 1) * ULONG], "little")
        if a:
            yield gdb.Value(a).cast(ptr)


def _find_task(tid):
    table = _kvar("tid_table", "kernel/task.c")
    n = table.type.sizeof // ULONG
    if tid <= 0 or tid >= n or int(table[tid]) == 0:
        raise gdb.GdbError("umk: no task %d (see umk-tasks)" % tid)
    return table[tid]


def _current():
    return int(_kvar("current"))


def _host_tid(t):
    h = t["host"]
    if int(h) == 0:
        return "-"
    try:
        return str(int(h.cast(_type("struct host_task").pointer())["tid"]))
    except gdb.error:
        return "?"


def _wchan(t):
    w = t["wchan"]
    return w.string() if int(w) else "-"


class UmkTasks(gdb.Command):
    """List guest tasks: tid, pid, ppid, state, wchan, host tid, comm.
A "*" marks the task running kernel code now (current).  Zombie processes,
which have no threads left, are listed by pid with their last comm.
States: running (runnable or in the kernel), interruptible and
uninterruptible (asleep on wchan), guest (running guest code), stopped,
dead."""

    def __init__(self):
        super().__init__("umk-tasks", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        cur = _current()
        out = ["  %5s %5s %5s %-16s %-12s %7s %s" %
               ("TID", "PID", "PPID", "STATE", "WCHAN", "HOST", "COMM")]
        shown = set()
        for t in _all_tasks():
            shown.add(int(t))
            p = t["proc"]
            ppid = p["parent"]["pid"] if int(p["parent"]) else 0
            state = _enum_name(t["state"], "TASK_")
            if bool(p["stopped"]):
                state += ",stopped"
            out.append("%s %5d %5d %5d %-16s %-12s %7s %s" % (
                "*" if int(t) == cur else " ", int(t["tid"]), int(p["pid"]),
                int(ppid), state, _wchan(t), _host_tid(t), _cstr(t["comm"])))
        for p in _processes():
            if int(p["nr_threads"]) == 0 or \
                    str(p["state"]) == "PROC_ZOMBIE":
                if any(int(th) in shown for th in _threads(p)):
                    continue
                ppid = p["parent"]["pid"] if int(p["parent"]) else 0
                out.append("  %5s %5d %5d %-16s %-12s %7s %s" % (
                    "-", int(p["pid"]), int(ppid), "zombie", "-", "-",
                    _cstr(p["exit_comm"]) or "-"))
        gdb.write("\n".join(out) + "\n")


class UmkDmesg(gdb.Command):
    """Print the kernel log: the printk ring buffer, oldest line first."""

    def __init__(self):
        super().__init__("umk-dmesg", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        buf = _kvar("log_buf", "kernel/printk.c")
        head = int(_kvar("log_head", "kernel/printk.c"))
        size = buf.type.sizeof
        raw = bytes(gdb.selected_inferior().read_memory(buf.address, size))
        if head <= size:
            text = raw[:head]
        else:
            # Oldest first; the first line is probably cut, so drop it.
            start = head % size
            text = raw[start:] + raw[:start]
            text = text[text.find(b"\n") + 1:]
        gdb.write(text.decode("utf-8", "replace"))


def _kstack_switch_ret():
    """The address of kstack_switch's ret instruction."""
    start = int(gdb.parse_and_eval("(long)&kstack_switch"))
    arch = gdb.selected_inferior().architecture()
    for insn in arch.disassemble(start, count=32):
        if insn["asm"].split()[0].startswith("ret"):
            return insn["addr"]
    raise gdb.GdbError("umk: no ret in kstack_switch")


# The frame kstack_switch leaves at task->ksp, lowest address first.
_SWITCH_FRAME = ("r15", "r14", "r13", "r12", "rbx", "rbp")
_SWAPPED = _SWITCH_FRAME + ("rsp", "rip")


def _switch_frame(t):
    ksp = int(t["ksp"])
    raw = bytes(gdb.selected_inferior().read_memory(ksp, 7 * ULONG))
    vals = [int.from_bytes(raw[i * ULONG:(i + 1) * ULONG], "little")
            for i in range(7)]
    return ksp, dict(zip(_SWITCH_FRAME, vals)), vals[6]


def _bt_switched(t, bt_args):
    """Backtrace of a switched-out task: load the registers it will have at
    kstack_switch's ret into frame 0, run bt, put the real ones back."""
    ksp, regs, _ = _switch_frame(t)
    regs["rsp"] = ksp + len(_SWITCH_FRAME) * ULONG
    regs["rip"] = _kstack_switch_ret()
    sel = gdb.selected_frame()
    level = 0
    f = sel
    while f.newer() is not None:
        f = f.newer()
        level += 1
    newest = gdb.newest_frame()
    newest.select()
    saved = {r: int(newest.read_register(r)) for r in _SWAPPED}
    # Fails, changing nothing, where registers cannot be written (a core).
    gdb.execute("set $rip = %d" % saved["rip"], to_string=True)
    try:
        for r in _SWAPPED:
            gdb.execute("set $%s = %d" % (r, regs[r]), to_string=True)
        gdb.execute("bt " + bt_args)
    finally:
        for r in _SWAPPED:
            gdb.execute("set $%s = %d" % (r, saved[r]), to_string=True)
        f = gdb.newest_frame()
        for _ in range(level):
            f = f.older() or f
        f.select()


def _bt_fp(t):
    """Backtrace by the frame-pointer chain, without touching registers
    (a core file, or no live thread)."""
    _, regs, pc = _switch_frame(t)
    rbp = regs["rbp"]
    inf = gdb.selected_inferior()
    for i in range(64):
        sal = gdb.find_pc_line(pc - 1)
        blk = None
        try:
            blk = gdb.block_for_pc(pc - 1)
        except RuntimeError:
            pass
        while blk is not None and blk.function is None:
            blk = blk.superblock
        name = blk.function.name if blk is not None else "??"
        where = ("%s:%d" % (sal.symtab.filename, sal.line)
                 if sal.symtab else "")
        gdb.write("#%-2d %#018x in %s () %s\n" % (i, pc, name, where))
        if rbp == 0 or name == "kstack_trampoline":
            return
        raw = bytes(inf.read_memory(rbp, 2 * ULONG))
        rbp, pc = (int.from_bytes(raw[:ULONG], "little"),
                   int.from_bytes(raw[ULONG:], "little"))
        if pc == 0:
            return


def _bt_one(t, bt_args):
    gdb.write("task %d (%s), %s:\n" % (int(t["tid"]), _cstr(t["comm"]),
                                       _enum_name(t["state"], "TASK_")))
    if int(t) == _current():
        gdb.execute("bt " + bt_args)  # it runs on the live stack
        return
    if str(t["state"]) == "TASK_DEAD" or int(t["ksp"]) == 0:
        gdb.write("  (no kernel stack)\n")
        return
    try:
        _bt_switched(t, bt_args)
    except gdb.error as e:
        gdb.write("  (no live registers: %s; by frame pointers:)\n"
                  % str(e).rstrip("."))
        _bt_fp(t)


class UmkBt(gdb.Command):
    """Backtrace of a guest task's kernel stack: umk-bt [TID [BT-ARGS]].
Without TID, every task's.  A task that is not running kernel code now is
switched out in kstack_switch(); its saved registers are loaded into frame
0 for the backtrace and the real ones put back.  BT-ARGS go to "bt", e.g.
"umk-bt 7 full"."""

    def __init__(self):
        super().__init__("umk-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        words = arg.split(None, 1)
        bt_args = words[1] if len(words) > 1 else ""
        if words:
            try:
                tid = int(words[0], 0)
            except ValueError:
                raise gdb.GdbError("usage: umk-bt [TID [BT-ARGS]]")
            _bt_one(_find_task(tid), bt_args)
            return
        for t in _all_tasks():
            _bt_one(t, bt_args)
            gdb.write("\n")


class UmkSyscalls(gdb.Command):
    """The syscall each guest task is in: number, name and arguments, read
from the guest registers saved at its last trap.  Tasks running guest code
show "-"."""

    def __init__(self):
        super().__init__("umk-syscalls", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        names = _kvar("syscall_names", "kernel/syscall.c")
        nnames = names.type.sizeof // ULONG
        ht_ptr = _type("struct host_task").pointer()
        for t in _all_tasks():
            head = "%5d %-15s " % (int(t["tid"]), _cstr(t["comm"]))
            st = str(t["state"])
            if st in ("TASK_GUEST", "TASK_DEAD") or int(t["host"]) == 0 or \
                    str(t["trap"]["kind"]) != "HOST_TRAP_SYSCALL":
                gdb.write(head + "-\n")
                continue
            r = t["host"].cast(ht_ptr)["regs"]
            nr = int(r["orig_rax"])
            name = "?"
            if 0 <= nr < nnames and int(names[nr]):
                name = names[nr].string()
            args = ", ".join("%#x" % int(r[a]) for a in
                             ("rdi", "rsi", "rdx", "r10", "r8", "r9"))
            gdb.write(head + "%s(%s) [%d]%s\n" % (
                name, args, nr,
                "" if st == "TASK_RUNNING" else " " + _wchan(t)))


class UmkTaskFunc(gdb.Function):
    """$umk_task(TID): the struct task * of guest task TID (0 if none)."""

    def __init__(self):
        super().__init__("umk_task")

    def invoke(self, tid):
        table = _kvar("tid_table", "kernel/task.c")
        n = table.type.sizeof // ULONG
        tid = int(tid)
        if 0 < tid < n:
            return table[tid]
        return gdb.Value(0).cast(_type("struct task").pointer())


UmkTasks()
UmkDmesg()
UmkBt()
UmkSyscalls()
UmkTaskFunc()
