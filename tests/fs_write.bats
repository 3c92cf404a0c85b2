#!/usr/bin/env bats
# Writes to the ext4 root (mounted with rw, as Linux needs to write it):
# they persist across shutdown and reboot, the host
# reads them back with debugfs, and e2fsck -fn finds the image clean.
# bats file_tags=fs,write,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# debugfs_cat IMG PATH: the file's contents, read by the host.
debugfs_cat() {
	debugfs -R "cat $2" "$1" 2>/dev/null
}

@test "a file written in the guest is in the image after poweroff" {
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'echo "written by umk" >/root/note; sync'
	assert_ok
	[[ $(debugfs_cat "$img" /root/note) == "written by umk" ]] ||
		umk_fail "debugfs does not see /root/note"
	assert_image_clean "$img"
}

@test "a big file, appends and a rename survive a reboot" {
	img=$(test_image)
	UMK_IMG=$img guest_rc rw 'dd if=/dev/zero of=/big bs=4096 count=2048 2>/dev/null
echo one >/log; echo two >>/log; mv /log /log2; stat -c %s /big'
	assert_ok
	assert_output 8388608
	UMK_IMG=$img guest_sh rw 'stat -c %s /big; cat /log2; ls /log 2>&1 | sed "s/^.*: //"'
	assert_ok
	assert_output "8388608
one
two
No such file or directory"
	assert_image_clean "$img"
}

@test "creating and removing many files and directories leaves a clean image" {
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'mkdir -p /w/a/b/c
i=0; while [ $i -lt 500 ]; do echo $i >/w/f$i; i=$((i + 1)); done
rm /w/f1*; rmdir /w/a/b/c
ln -s f2 /w/link; ln /w/f3 /w/hard
ls /w | wc -l'
	assert_ok
	assert_output "392"
	assert_image_clean "$img"
	[[ $(debugfs_cat "$img" /w/hard) == 3 ]] || umk_fail "hard link content"
}

@test "a file removed in the guest frees its blocks" {
	img=$(test_image)
	free_before=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ { print $2 + 0 }')
	UMK_IMG=$img guest_rc rw 'dd if=/dev/zero of=/tmpfile bs=4096 count=1024 2>/dev/null
stat -c %s /tmpfile; rm /tmpfile; sync'
	assert_ok
	assert_output 4194304
	assert_image_clean "$img"
	free_after=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ { print $2 + 0 }')
	((free_before - free_after < 64)) ||
		umk_fail "free blocks went from $free_before to $free_after"
}

@test "3000 files written in one boot: more than a 1024-fd soft limit" {
	# Every cached file holds a host memfd; vmlinux takes the hard limit.
	(($(ulimit -Hn) >= 4096)) || skip "the hard fd limit is below 4096"
	ulimit -Sn 1024
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'mkdir /many; cd /many
i=0; while [ $i -lt 3000 ]; do echo $i >f$i || exit 1; i=$((i + 1)); done
ls | wc -l; cat f2999'
	assert_ok
	assert_output "3000
2999"
	assert_image_clean "$img"
	[[ $(debugfs_cat "$img" /many/f1500) == 1500 ]] || umk_fail "f1500"
}

# kill_vmlinux: SIGKILL the kernel of the last vmlinux_bg and its guest's
# host processes, as a host crash would stop them (no unmount, no flush).
kill_vmlinux() {
	local pids
	pids=$(umk_leftover_pids)
	# shellcheck disable=SC2086 # one pid a word
	[[ -n $pids ]] && kill -KILL $pids
	wait_bg || true
}

# replay IMG: what the next mount would see: the journal replayed.
replay() {
	e2fsck -p -E journal_only "$1" >/dev/null 2>&1 || true
}

@test "an O_SYNC write is in the image when the kernel is killed right after it" {
	img=$(test_image)
	out=$BATS_TEST_TMPDIR/console
	vmlinux_bg "$out" "ubd0=$img" rw init=/bin/sh -- -c \
		'/tests/fs_direct_io osync /root/synced "on the disk at once"'
	wait_for_line "$out" written
	kill_vmlinux
	replay "$img"
	[[ $(debugfs_cat "$img" /root/synced) == "on the disk at once" ]] ||
		umk_fail "the O_SYNC write is not in the image after the kill"
	assert_image_clean "$img"
}
