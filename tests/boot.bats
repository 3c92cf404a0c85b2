#!/usr/bin/env bats
# Booting: running commands as init, the shell's view of exit statuses, the
# command line reaching init, init's death, and the ways to stop the kernel.
# bats file_tags=boot,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

@test "init=/bin/sh -c 'echo hello; poweroff -f' prints hello and exits 0" {
	guest_sh 'echo hello'
	assert_ok
	assert_output "hello"
}

@test "ls / | wc -l counts the image's top-level entries" {
	UMK_IMG=$(test_image)
	want=$(image_ls_root "$UMK_IMG" | wc -l)
	[ "$want" -gt 10 ]
	guest_sh 'ls / | wc -l'
	assert_ok
	assert_output "$want"
}

@test "ls / lists exactly the image's top-level names" {
	UMK_IMG=$(test_image)
	want=$(image_ls_root "$UMK_IMG" | LC_ALL=C sort)
	guest_sh 'ls -1 /'
	assert_ok
	assert_output "$want"
}

@test "pipelines pass data through every stage" {
	guest_sh 'printf "c\nb\na\n" | sort | head -n 2 | tr "\n" " "; echo
seq 1 100000 | awk "{ s += \$1 } END { print s }"
echo abc | cat | cat | cat | rev'
	assert_ok
	assert_output "a b 
5000050000
cba"
}

@test "the shell sees the exit statuses of commands" {
	guest_sh 'false; echo "false=$?"
true; echo "true=$?"
sh -c "exit 42"; echo "sh=$?"
/tests/proc_exit_code 7; echo "prog=$?"
/nonexistent 2>/dev/null; echo "missing=$?"
/etc/passwd 2>/dev/null; echo "noexec=$?"
! true; echo "not=$?"
false | true; echo "pipe=$?"'
	assert_ok
	assert_output "false=1
true=0
sh=42
exiting with 7
prog=7
missing=127
noexec=126
not=1
pipe=0"
}

@test "a program that dereferences NULL dies of SIGSEGV: the shell says 139" {
	guest_sh '/tests/crash_null; echo "rc=$?"; echo still here'
	assert_ok
	assert_line "dereferencing NULL"
	assert_line "rc=139"
	assert_line "still here"
}

@test "arguments after -- reach init verbatim, one per argv entry" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/tests/proc_args -- \
		'a b' '' 'c=d' '-x' 'quiet' 'init=/bin/false' '  spaced  '
	assert_line "argc=8"
	assert_line "argv[0]=<proc_args>"
	assert_line "argv[1]=<a b>"
	assert_line "argv[2]=<>"
	assert_line "argv[3]=<c=d>"
	assert_line "argv[4]=<-x>"
	assert_line "argv[5]=<quiet>"
	assert_line "argv[6]=<init=/bin/false>"
	assert_line "argv[7]=<  spaced  >"
	refute_line "env=<c=d>"
}

@test "a=b words on the command line reach init's environment" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/tests/proc_args \
		foo=bar umk_word=x=y
	assert_line "argc=1"
	assert_line "env=<foo=bar>"
	assert_line "env=<umk_word=x=y>"
	refute_line "env=<ubd0=$img>"
	refute_line "env=<init=/tests/proc_args>"
}

@test "bare words on the command line reach init's argv, before those after --" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" alpha \
		init=/tests/proc_args beta -- gamma
	assert_line "argc=4"
	assert_line "argv[1]=<alpha>"
	assert_line "argv[2]=<beta>"
	assert_line "argv[3]=<gamma>"
}

@test "init=/bin/sh gets its arguments: \$0 and positional parameters" {
	guest_sh 'echo "[$1][$2][$#]"'
	assert_ok
	assert_output "[][][0]"
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo "[$0][$1][$2][$#]"; poweroff -f' zero 'one two' three
	assert_ok
	assert_output "[zero][one two][three][2]"
}

@test "init exiting with status 3: 'Attempted to kill init', vmlinux exits 3" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo bye; exit 3'
	assert_status 3
	assert_line "bye"
	[[ "$output$stderr" == *"Attempted to kill init"* ]] ||
		umk_fail "no 'Attempted to kill init' message"
}

@test "init killed by SIGSEGV: vmlinux exits 128+11" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/tests/crash_null
	assert_status 139
	assert_line "dereferencing NULL"
	[[ "$output$stderr" == *"Attempted to kill init"* ]] ||
		umk_fail "no 'Attempted to kill init' message"
}

@test "init killed by SIGILL: vmlinux exits 128+4" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/tests/crash_ud2
	assert_status 132
	[[ "$output$stderr" == *"Attempted to kill init"* ]] ||
		umk_fail "no 'Attempted to kill init' message"
}

@test "init is immune to signals it has no handler for, even SIGKILL" {
	guest_sh 'kill -TERM $$; kill -KILL $$; echo "pid=$$ survived"'
	assert_ok
	assert_output "pid=1 survived"
}

@test "poweroff -f stops the kernel with status 0 and a clean image" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo before; poweroff -f; echo after'
	assert_ok
	assert_output "before"
	assert_image_clean "$img"
}

@test "halt -f stops the kernel with status 0 and a clean image" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo before; halt -f; echo after'
	assert_ok
	assert_output "before"
	assert_image_clean "$img"
}

@test "reboot -f stops the kernel with status 0 and a clean image" {
	img=$(test_image)
	run --separate-stderr run_vmlinux "ubd0=$img" init=/bin/sh -- \
		-c 'echo before; reboot -f; echo after'
	assert_ok
	assert_output "before"
	assert_image_clean "$img"
}

# The console echoes input as it arrives, so the checks look for output
# that the echoed commands themselves do not contain.
@test "the default init runs rcS and a shell on the console; poweroff ends it" {
	img=$(test_image)
	printf '%s\n' 'echo "host=$(hostname)"' 'echo done-$((6 * 7))' \
		'echo "comm=$(cat /proc/1/comm)"' 'poweroff' >"$BATS_TEST_TMPDIR/input"
	UMK_STDIN=$BATS_TEST_TMPDIR/input run --separate-stderr \
		run_vmlinux "ubd0=$img"
	assert_ok
	assert_output_contains "host=umk"
	assert_output_contains "done-42"
	assert_output_contains "comm=init"
	assert_image_clean "$img"
}

@test "console input reaches the shell" {
	printf 'hello console\n' >"$BATS_TEST_TMPDIR/input"
	UMK_STDIN=$BATS_TEST_TMPDIR/input guest_sh 'read -r line; echo "got:$line"'
	assert_ok
	assert_output_contains "got:hello console"
}

@test "quiet and loglevel= are accepted" {
	guest_sh quiet 'echo q'
	assert_ok
	assert_output "q"
	guest_sh loglevel=3 'echo l'
	assert_ok
	assert_output "l"
}

@test "root=/dev/ubda names the first disk" {
	guest_sh root=/dev/ubda 'cat /etc/hostname'
	assert_ok
	assert_output "umk"
}
