#!/usr/bin/env bats
# gdb --args ./vmlinux is a first-class way to work: a breakpoint in a
# syscall handler is hit, and the guest runs on to completion afterwards.
# The kernel's gdb settings come from tools/gdb/umk.gdb (given with -x when
# present) or a .gdbinit beside vmlinux (auto-loaded: safe-path is opened).
# bats file_tags=gdb,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() {
	umk_setup
	command -v gdb >/dev/null || skip "gdb is not installed"
}
teardown() { umk_teardown; }

# gdb -batch with the kernel's settings and the given -ex commands, on
# vmlinux booting the test image into init=/bin/sh -c SCRIPT.
gdb_boot() {
	local script=$1 img
	shift
	# startup-with-shell stays on: gdb quotes --args for the shell, and
	# without one it passes its backslashes on to the program.
	local -a opts=(-batch -iex 'set auto-load safe-path /')
	[[ -f $UMK_RUN/kernel/tools/gdb/umk.gdb ]] && opts+=(-x tools/gdb/umk.gdb)
	img=$(test_image) || return 1
	if [[ ! -x ${UMK_VMLINUX:-} ]]; then
		echo "gdb_boot: no kernel: $VMLINUX is not built (make)" >&2
		return 127
	fi
	UMK_CALL_TIMEOUT=${UMK_GDB_TIMEOUT:-120} run --separate-stderr \
		run_gdb "${opts[@]}" "$@" --args "$UMK_VMLINUX" "ubd0=$img" \
		init=/bin/sh -- -c "$script"
}

@test "gdb: break sys_getpid is hit, bt shows it, the guest completes" {
	gdb_boot 'echo "pid=$$"; poweroff -f' \
		-ex 'break sys_getpid' -ex run -ex bt -ex delete -ex continue
	assert_output_contains "Breakpoint 1, sys_getpid"
	printf '%s\n' "${lines[@]}" | grep -Eq '^#0 +(0x[0-9a-f]+ in )?sys_getpid' ||
		umk_fail "bt does not start in sys_getpid"
	assert_line "pid=1"
	printf '%s\n' "${lines[@]}" | grep -Eq '^\[Inferior 1 \(process [0-9]+\) exited normally\]$' ||
		umk_fail "vmlinux did not exit normally under gdb"
}

@test "gdb: the kernel survives being interrupted and continued" {
	gdb_boot 'i=0; while [ $i -lt 3 ]; do echo "tick $i"; i=$((i + 1)); done; poweroff -f' \
		-ex 'break sys_getpid' -ex 'break sys_write' -ex run -ex continue \
		-ex continue -ex delete -ex continue
	assert_line "tick 0"
	assert_line "tick 2"
	printf '%s\n' "${lines[@]}" | grep -Eq '^\[Inferior 1 \(process [0-9]+\) exited normally\]$' ||
		umk_fail "vmlinux did not exit normally under gdb"
}

# --- tools/gdb/umk.gdb and the umk-* helpers --------------------------------

# The line that ends a run of vmlinux under gdb with exit status 0.
assert_exited_normally() {
	printf '%s\n' "${lines[@]}" | grep -Eq '^\[Inferior 1 \(process [0-9]+\) exited normally\]$' ||
		umk_fail "vmlinux did not exit normally under gdb"
}

@test "gdb: .gdbinit loads umk.gdb, which undoes a ~/.gdbinit that follows forks" {
	local img
	img=$(test_image)
	[[ -f $UMK_RUN/kernel/.gdbinit ]] || skip "no .gdbinit in the tree"
	# -iex runs before .gdbinit, as ~/.gdbinit does; no -x: auto-load only.
	UMK_CALL_TIMEOUT=${UMK_GDB_TIMEOUT:-120} run --separate-stderr \
		run_gdb -batch -iex "add-auto-load-safe-path $UMK_RUN/kernel" \
		-iex 'set follow-fork-mode child' -iex 'set detach-on-fork off' \
		-iex 'set startup-with-shell off' \
		-ex 'break sys_getpid' -ex run -ex 'help umk-tasks' -ex delete \
		-ex continue --args "$UMK_VMLINUX" "ubd0=$img" init=/bin/sh -- \
		-c 'echo "pid=$$"; poweroff -f'
	assert_output_contains "Breakpoint 1, sys_getpid"
	assert_output_contains "List guest tasks"
	assert_line "pid=1"
	assert_exited_normally
	[[ $stderr != *"Detaching after"* && $output != *"Detaching after"* ]] ||
		umk_fail "print inferior-events is not off"
}

@test "gdb: umk-tasks lists init as pid 1, comm sh, at a breakpoint" {
	gdb_boot 'echo "pid=$$"; poweroff -f' \
		-ex 'break sys_getpid' -ex run -ex umk-tasks -ex delete -ex continue
	assert_output_contains "Breakpoint 1, sys_getpid"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ +TID +PID +PPID +STATE +WCHAN +HOST +COMM$' ||
		umk_fail "umk-tasks printed no header"
	# The current task: tid 1, pid 1, no parent, in the kernel, a host tid.
	printf '%s\n' "${lines[@]}" | grep -Eq '^\* +1 +1 +0 +running +- +[0-9]+ +sh$' ||
		umk_fail "umk-tasks does not show init (pid 1, sh) as current"
	assert_line "pid=1"
	assert_exited_normally
}

@test "gdb: umk-dmesg prints the kernel's boot lines from its ring buffer" {
	gdb_boot 'echo "pid=$$"; poweroff -f' \
		-ex 'break sys_getpid' -ex run -ex umk-dmesg -ex delete -ex continue
	# Timestamps are only in the buffer, not on the kernel's stderr.
	printf '%s\n' "${lines[@]}" | grep -Eq '^\[ *[0-9]+\.[0-9]{6}\] Linux version ' ||
		umk_fail "umk-dmesg does not show the banner"
	printf '%s\n' "${lines[@]}" | grep -Eq '^\[ *[0-9]+\.[0-9]{6}\] Kernel command line: .*init=/bin/sh' ||
		umk_fail "umk-dmesg does not show the command line"
	assert_exited_normally
}

@test "gdb: umk-bt and umk-syscalls show a sleeping task; registers come back" {
	# init stops in kill(2) while its child sleeps in nanosleep.
	gdb_boot 'sleep 5 & sleep 1; kill -0 $!; echo killed; kill $!; poweroff -f' \
		-ex 'break sys_kill' -ex run -ex umk-tasks -ex umk-syscalls \
		-ex 'umk-bt 2' -ex 'bt 1' -ex delete -ex continue
	assert_output_contains "Breakpoint 1, sys_kill"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ +2 +2 +1 +interruptible +nanosleep +[0-9]+ +sleep$' ||
		umk_fail "umk-tasks does not show the child asleep in nanosleep"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ +2 sleep +(clock_)?nanosleep\(' ||
		umk_fail "umk-syscalls does not show the child in nanosleep"
	assert_line "task 2 (sleep), interruptible:"
	printf '%s\n' "${lines[@]}" | grep -Eq '^#0 +kstack_switch \(\)' ||
		umk_fail "umk-bt 2 does not start in kstack_switch"
	printf '%s\n' "${lines[@]}" | grep -Eq '^#[0-9]+ .*sleep_on \(' ||
		umk_fail "umk-bt 2 does not pass through sleep_on"
	printf '%s\n' "${lines[@]}" | grep -Eq '^#[0-9]+ .*kstack_trampoline \(\)' ||
		umk_fail "umk-bt 2 does not reach the bottom of the stack"
	# "bt 1" after it: the stopped task's own frame again.
	printf '%s\n' "${lines[@]}" | grep -Eq '^#0 +(0x[0-9a-f]+ in )?sys_kill ' ||
		umk_fail "the registers were not restored after umk-bt"
	assert_line "killed"
	assert_exited_normally
}

@test "gdb: kill -TRAP stops a running kernel in gdb; continue resumes it" {
	local img out=$BATS_TEST_TMPDIR/gdb.out pid i
	local -a opts=(-batch -iex 'set auto-load safe-path /')
	[[ -f $UMK_RUN/kernel/tools/gdb/umk.gdb ]] && opts+=(-x tools/gdb/umk.gdb)
	img=$(test_image)
	UMK_CALL_TIMEOUT=${UMK_GDB_TIMEOUT:-120} run_gdb "${opts[@]}" \
		-ex run -ex 'bt 2' -ex umk-tasks -ex continue \
		--args "$UMK_VMLINUX" "ubd0=$img" init=/bin/sh -- \
		-c 'echo started; sleep 2; echo resumed; poweroff -f' \
		>"$out" 2>"$out.err" &
	UMK_BG_PIDS+=("$!")
	wait_for_line "$out" started 60
	for ((i = 0; i < 50; i++)); do
		pid=$(pgrep -f -- "^$UMK_VMLINUX ubd0=$img ") && break
		sleep 0.1
	done
	[[ -n $pid ]] || umk_fail "no vmlinux process found"
	kill -TRAP "$pid"
	status=0
	wait_bg || status=$?
	output=$(<"$out")
	mapfile -t lines <"$out"
	assert_ok
	assert_output_contains "received signal SIGTRAP"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ +1 +1 +0 +[a-z]+ ' ||
		umk_fail "umk-tasks did not list init while stopped"
	assert_line "resumed"
	assert_exited_normally
}
