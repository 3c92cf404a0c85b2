#!/usr/bin/env bats
# Pseudo-terminals (/dev/ptmx, devpts) and sysfs, in the busybox image.
# tests/guest/pty_basic.c checks the pty semantics against the host too
# (tests/differential.bats); these check the mounts and real programs.
# bats file_tags=pty,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

@test "pty_basic passes in the guest" {
	guest_rc '/tests/pty_basic >/dev/null && echo pty-ok'
	assert_ok
	assert_output_contains "pty-ok"
}

@test "devpts mounts on /dev/pts and shows ptmx and the open slaves" {
	guest_sh 'mount -t proc proc /proc
mount -t devpts devpts /dev/pts && grep " /dev/pts " /proc/mounts | cut -d" " -f3
ls /dev/pts
stat -c "%t:%T %a" /dev/ptmx'
	assert_ok
	assert_line "devpts"
	assert_line "ptmx"
	assert_line "5:2 666"
}

@test "sysfs mounts on /sys and answers the common probes" {
	img=$(test_image)
	sectors=$(($(stat -c %s "$img") / 512))
	UMK_IMG=$img
	guest_sh 'mount -t proc proc /proc
mount -t sysfs sysfs /sys && grep " /sys " /proc/mounts | cut -d" " -f3
cat /sys/block/ubda/size /sys/block/ubda/dev
cat /sys/devices/system/cpu/online
cat /sys/kernel/mm/transparent_hugepage/enabled
echo $(ls /sys/class/tty)
echo x > /sys/devices/system/cpu/online || echo read-only'
	assert_ok
	assert_line "sysfs"
	assert_line "$sectors"
	assert_line "98:0"
	assert_line "0"
	assert_line "always madvise [never]"
	assert_line "console ptmx tty tty0"
	assert_output_contains "read-only"
}

@test "busybox script runs a command on a pty" {
	guest_rc 'busybox --list | grep -qx script || { echo no-script; exit 0; }
script -qc "echo hi-\$((20 + 1)); tty" /dev/null'
	assert_ok
	[[ $output == *no-script* ]] && skip "busybox has no script applet"
	assert_output_contains "hi-21"
	assert_output_contains "/dev/pts/0"
}
