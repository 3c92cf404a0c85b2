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
