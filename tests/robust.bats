#!/usr/bin/env bats
# Robustness: whatever a guest does, the kernel survives it.  A fuzzer
# (tests/robust/syscall_fuzz.c) makes random syscalls with hostile
# arguments in hundreds of child processes.
# bats file_tags=robust,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

@test "random syscalls with garbage arguments do not crash the kernel" {
	UMK_CALL_TIMEOUT=180 guest_sh 'mount -t tmpfs none /tmp; cd /tmp
/tests/syscall_fuzz 80 150 </dev/null >/tmp/out 2>/dev/null
echo "fuzz status $?"; tail -n 2 /tmp/out'
	assert_ok
	assert_output_contains "fuzz status 0"
	assert_output_contains "the kernel survived"
}

@test "AF_UNIX sockets with half-valid arguments do not crash the kernel" {
	UMK_CALL_TIMEOUT=180 guest_sh 'mount -t tmpfs none /tmp; cd /tmp
/tests/sock_fuzz 100 300 </dev/null >/tmp/out 2>/dev/null
echo "fuzz status $?"; tail -n 2 /tmp/out'
	assert_ok
	assert_output_contains "fuzz status 0"
	assert_output_contains "the kernel survived"
}
