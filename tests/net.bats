#!/usr/bin/env bats
# Local networking in the guest: AF_UNIX sockets used by real programs
# (busybox's syslogd and logger).  The socket calls themselves are
# checked against the host by the sock_* differential tests; AF_UNIX
# under python3 is in debian.bats.
# bats file_tags=net,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

@test "busybox syslogd gets logger's message through the datagram socket /dev/log" {
	guest_rc 'syslogd -n -O /tmp/messages &
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ls -l /dev/log | cut -c1
logger -t umktest "hello over /dev/log"
i=0
while ! grep -q umktest /tmp/messages 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
grep -o "umktest: hello over /dev/log" /tmp/messages
kill $!'
	assert_ok
	assert_output "s
umktest: hello over /dev/log"
}
