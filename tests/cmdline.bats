#!/usr/bin/env bats
# The kernel command line: every bad argument stops the boot with one line
# on stderr naming it and exit status 1; --help; image locking; ubd0r=, ro,
# ubda= and mem=.
# bats file_tags=cmdline,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# The run was refused: status 1, nothing on the console, and the last line
# on stderr names the problem: it contains every one of the given words.
# Boot log lines may come before it (e.g. the interception backend), but a
# refused boot is short: three lines at most, and no panic.
assert_refused() {
	local w last
	assert_status 1 || return 1
	[[ -z $output ]] || umk_fail "console output on a refused boot"
	[[ ${#stderr_lines[@]} -ge 1 && ${#stderr_lines[@]} -le 3 ]] ||
		umk_fail "want one to three lines on stderr, got ${#stderr_lines[@]}"
	[[ $stderr != *[Pp]anic* ]] || umk_fail "a refused boot is not a panic"
	last=${stderr_lines[-1]}
	for w in "$@"; do
		[[ $last == *"$w"* ]] ||
			umk_fail "the last stderr line does not name '$w'"
	done
}

# A bad argument is found before anything else happens: exactly one line.
assert_refused_at_once() {
	assert_refused "$@" || return 1
	[[ ${#stderr_lines[@]} -eq 1 ]] ||
		umk_fail "want exactly one line on stderr, got ${#stderr_lines[@]}"
}

@test "--help prints the options and exits 0" {
	run --separate-stderr run_vmlinux --help
	assert_ok
	all="$output$stderr"
	for opt in ubd mem= init= root= quiet loglevel=; do
		[[ $all == *"$opt"* ]] || umk_fail "--help does not mention $opt"
	done
}

@test "an unknown option is refused, naming it" {
	img=$(test_image)
	run --separate-stderr run_vmlinux --frobnicate "ubd0=$img"
	assert_refused_at_once --frobnicate
}

@test "a missing image file is refused, naming it" {
	run --separate-stderr run_vmlinux "ubd0=$UMK_T/no-such.img" \
		init=/bin/sh
	assert_refused "$UMK_T/no-such.img"
}

@test "an image that holds no filesystem is refused" {
	zeros=$UMK_T/zeros.img
	head -c $((16 << 20)) /dev/zero >"$zeros"
	chown --reference="$UMK_T" "$zeros"
	run --separate-stderr run_vmlinux "ubd0=$zeros" init=/bin/sh
	assert_refused
	[[ ${stderr_lines[-1]} == *"$zeros"* || ${stderr_lines[-1]} == *ubd* ||
		${stderr_lines[-1]} == *root* ]] ||
		umk_fail "the message names neither the image nor the root device"
}

@test "no root device at all is refused" {
	run --separate-stderr run_vmlinux init=/bin/sh
	assert_refused
	[[ ${stderr_lines[-1]} == *ubd* || ${stderr_lines[-1]} == *root* ]] ||
		umk_fail "the message does not say the root disk is missing"
}

@test "bad mem= values are refused, naming mem=" {
	img=$(test_image)
	for v in banana 12Q '' -5 64M64M; do
		run --separate-stderr run_vmlinux "ubd0=$img" "mem=$v" init=/bin/sh
		assert_refused_at_once "mem=" || { echo "# for mem=$v" >&2; return 1; }
	done
}

@test "a ubd index out of range is refused, naming it" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" "ubd999=$img" init=/bin/sh
	assert_refused_at_once ubd999
}

@test "a second vmlinux on an image in use refuses it" {
	img=$(test_image)
	vmlinux_bg "$BATS_TEST_TMPDIR/first" "ubd0=$img" init=/bin/sh -- \
		-c 'echo ready; sleep 5; echo first done; poweroff -f'
	wait_for_line "$BATS_TEST_TMPDIR/first" ready 25
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo second booted; poweroff -f'
	assert_refused
	shopt -s nocasematch
	[[ ${stderr_lines[-1]} == *lock* || ${stderr_lines[-1]} == *"in use"* ||
		${stderr_lines[-1]} == *busy* ]] ||
		umk_fail "the message does not say the image is locked or in use"
	shopt -u nocasematch
	wait_bg || umk_fail "the first vmlinux exited $?"
	grep -qx "first done" "$BATS_TEST_TMPDIR/first"
	assert_image_clean "$img"
}

@test "ubd0r= attaches the image read-only: writes fail with EROFS" {
	img=$(test_image)
	before=$(sha256sum <"$img")
	run --separate-stderr run_vmlinux "ubd0r=$img" init=/bin/sh -- -c \
		'if (echo x >/newfile) 2>&1; then echo wrote; else echo refused; fi
if mkdir /newdir 2>&1; then echo made; else echo refused; fi
cat /etc/hostname
poweroff -f'
	assert_ok
	assert_output_contains "Read-only file system"
	refute_line wrote
	refute_line made
	assert_line umk
	after=$(sha256sum <"$img")
	[[ $before == "$after" ]] || umk_fail "the read-only image changed"
}

@test "ro mounts the root read-only" {
	guest_sh ro 'if (echo x >/newfile) 2>&1; then echo wrote; else echo refused; fi'
	assert_ok
	assert_output_contains "Read-only file system"
	assert_line refused
}

@test "ubda= is the same disk as ubd0=" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubda=$img" init=/bin/sh -- \
		-c 'cat /etc/hostname; poweroff -f'
	assert_ok
	assert_output umk
}

# MemTotal in KiB from the console output of `grep MemTotal /proc/meminfo`.
memtotal_kb() {
	local l
	for l in "${lines[@]}"; do
		if [[ $l =~ ^MemTotal:\ +([0-9]+)\ kB$ ]]; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done
	return 1
}

@test "mem=128M: MemTotal is at most 128 MiB and more than 64 MiB" {
	guest_rc mem=128M 'grep MemTotal /proc/meminfo'
	assert_ok
	kb=$(memtotal_kb) || umk_fail "no MemTotal line"
	((kb <= 131072 && kb > 65536)) || umk_fail "MemTotal $kb kB for mem=128M"
}

@test "mem=256M: MemTotal is at most 256 MiB and more than 128 MiB" {
	guest_rc mem=256M 'grep MemTotal /proc/meminfo'
	assert_ok
	kb=$(memtotal_kb) || umk_fail "no MemTotal line"
	((kb <= 262144 && kb > 131072)) || umk_fail "MemTotal $kb kB for mem=256M"
}
