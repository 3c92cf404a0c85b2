#!/usr/bin/env bats
# The console on a real terminal: vmlinux runs on a pseudo-terminal (script(1)),
# with busybox init's shell as the foreground job, as a user would see it.
# bats file_tags=console,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# pty_session IMG: boot IMG on a pty, typing what stdin says (with pauses);
# the terminal's output goes to $BATS_TEST_TMPDIR/out.
pty_session() {
	local img=$1
	umk_exec script -qefc "$UMK_VMLINUX ubd0=$img" /dev/null \
		| sed -u 's/\r//g' >"$BATS_TEST_TMPDIR/out"
}

@test "^C interrupts the foreground job and the shell carries on" {
	img=$(test_image)
	{
		sleep 3
		printf 'sleep 60; echo slept-$((1 + 1))\n'
		sleep 2
		printf '\003'
		sleep 1
		printf 'echo alive-$((6 * 7))\n'
		sleep 1
		printf 'poweroff -f\n'
		sleep 3
	} | pty_session "$img"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output_contains "alive-42"
	# the job died of SIGINT, so its "echo slept" never ran
	! grep -q "slept-2" "$BATS_TEST_TMPDIR/out"
	grep -q '\^C' "$BATS_TEST_TMPDIR/out"
}

@test "canonical mode: erase and kill edit the line before the program reads it" {
	img=$(test_image)
	{
		sleep 3
		printf 'read -r line; echo "got:$line"\n'
		sleep 1
		printf 'abX\177c\n'
		sleep 1
		printf 'read -r line; echo "got2:$line"\n'
		sleep 1
		printf 'junk\025good\n'
		sleep 1
		printf 'poweroff -f\n'
		sleep 3
	} | pty_session "$img"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output_contains "got:abc"
	assert_output_contains "got2:good"
}

@test "the host terminal is restored when vmlinux exits" {
	img=$(test_image)
	{
		sleep 3
		printf 'poweroff -f\n'
		sleep 3
	} | umk_exec script -qefc "stty -g; $UMK_VMLINUX ubd0=$img init=/bin/sh -- -c 'sleep 1; poweroff -f'; stty -g" /dev/null \
		| sed -u 's/\r//g' >"$BATS_TEST_TMPDIR/out"
	run cat "$BATS_TEST_TMPDIR/out"
	# the first and last lines are stty's view before and after
	before=$(head -n1 "$BATS_TEST_TMPDIR/out")
	after=$(tail -n1 "$BATS_TEST_TMPDIR/out")
	[[ -n $before && $before == "$after" ]] || {
		echo "# terminal settings changed: '$before' -> '$after'" >&2
		return 1
	}
}
