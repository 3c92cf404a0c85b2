#!/usr/bin/env bats
# Differential tests: every tests/guest program runs natively on the host and
# inside umk, and its stdout and exit status must be identical.  setup_file
# runs them all natively and, in one boot, all in the guest; a program whose
# result is missing from that boot (the kernel died on the way) is booted
# again alone.  A program that fails natively is a wrong test, not a kernel
# bug.  tests/guest_native.bats checks that every program has a test here.
# bats file_tags=differential,kernel

load helpers/common

setup_file() {
	umk_setup_file
	umk_context "$BATS_FILE_TMPDIR"
	export UMK_DIFF=$BATS_FILE_TMPDIR
	local names=() f rc=0
	for f in "$UMK_REPO"/tests/guest/*.c; do
		f=${f##*/}
		names+=("${f%.c}")
	done
	for f in "$UMK_REPO"/tests/guest/bin/*.pie; do
		names+=("${f##*/}")
	done
	diff_native "${names[@]}"
	[[ -x ${UMK_VMLINUX:-} ]] || return 0
	UMK_CALL_TIMEOUT=${UMK_DIFF_TIMEOUT:-240} guest_batch "${names[@]}" \
		>"$UMK_DIFF/guest.out" 2>"$UMK_DIFF/guest.err" || rc=$?
	echo "$rc" >"$UMK_DIFF/guest.status"
	umk_check_leftovers 2>"$UMK_DIFF/leftovers" || true
}

setup() { umk_setup; }
teardown() { umk_teardown; }

# Run the programs natively the way the guest runs them: empty environment,
# stdin /dev/null, no core files.  NAME.out gets stdout, then status=N.
diff_native() {
	local bin=$UMK_REPO/tests/guest/bin name rc
	mkdir -p "$UMK_DIFF/native"
	ulimit -c 0
	for name in "$@"; do
		rc=0
		(cd /tmp && env -i "$bin/$name" </dev/null \
			>"$UMK_DIFF/native/$name.out" 2>"$UMK_DIFF/native/$name.err") || rc=$?
		echo "status=$rc" >>"$UMK_DIFF/native/$name.out"
	done
}

# The guest side of a list of programs: each one framed by @@@ lines, its
# stderr after the frame.
guest_script() {
	local names="$*"
	cat <<SCRIPT
. /etc/init.d/rcS
for t in $names; do
	echo "@@@ begin \$t"
	env -i /tests/\$t </dev/null 2>/tmp/stderr
	echo "@@@ end \$t status=\$?"
	sed 's/^/@@@ stderr /' /tmp/stderr
done
SCRIPT
}

# The root is writable: fs_direct_io needs an ext4 directory.
guest_batch() {
	local img
	img=$(test_image) || return 1
	run_vmlinux "ubd0=$img" rw init=/bin/sh -- -c "$(guest_script "$@")
poweroff -f"
}

# guest_result NAME FILE: NAME's stdout and status=N from a guest run's
# console output FILE, or fail if the run did not get that far.
guest_result() {
	awk -v name="$1" '
		$0 == "@@@ begin " name { inside = 1; next }
		inside && index($0, "@@@ end " name " status=") == 1 {
			print "status=" substr($0, length("@@@ end " name " status=") + 1)
			found = 1
			exit
		}
		inside { print }
		END { exit !found }' "$2"
}

@test "differential: the boot that ran them all powered off cleanly" {
	[[ -f $UMK_DIFF/guest.status ]] || {
		echo "# no batch boot: $VMLINUX is not built (make)" >&2
		return 1
	}
	status=$(cat "$UMK_DIFF/guest.status")
	output=$(grep -v '^@@@ ' "$UMK_DIFF/guest.out")
	stderr=$(cat "$UMK_DIFF/guest.err")
	assert_ok
	[[ ! -s $UMK_DIFF/leftovers ]] || {
		cat "$UMK_DIFF/leftovers" >&2
		return 1
	}
}

# differential NAME: compare the native and the guest run of NAME.
differential() {
	local name=$1 native guest d=$BATS_TEST_TMPDIR
	native=$(cat "$UMK_DIFF/native/$name.out")
	case $name in
	crash_*) [[ $native == *status=13[0-9] ]] ;;
	*) [[ $native == *status=0 ]] ;;
	esac || {
		echo "# $name fails natively, so the test is wrong:" >&2
		sed 's/^/#   | /' "$UMK_DIFF/native/$name.out" "$UMK_DIFF/native/$name.err" >&2
		return 1
	}
	if ! guest=$(guest_result "$name" "$UMK_DIFF/guest.out" 2>/dev/null); then
		# Not reached in the batch boot: boot it alone.
		run --separate-stderr guest_batch "$name"
		printf '%s\n' "$output" >"$d/alone.out"
		guest=$(guest_result "$name" "$d/alone.out") || {
			echo "# $name: the guest run did not finish" >&2
			umk_show
			return 1
		}
	fi
	[[ $guest == "$native" ]] && return 0
	printf '%s\n' "$native" >"$d/native"
	printf '%s\n' "$guest" >"$d/guest"
	echo "# $name: guest output differs from native (- native, + guest):" >&2
	diff -u "$d/native" "$d/guest" | tail -n +3 | sed 's/^/#   /' >&2
	for f in "$UMK_DIFF/guest.out" "$d/alone.out"; do
		[[ -f $f ]] && guest_stderr "$name" "$f" | sed 's/^/#   guest stderr: /' >&2
	done
	return 1
}

# guest_stderr NAME FILE: what NAME wrote to stderr in the guest.
guest_stderr() {
	awk -v name="$1" '
		index($0, "@@@ end " name " status=") == 1 { inside = 1; next }
		inside && /^@@@ stderr / { print substr($0, 12); next }
		inside { exit }' "$2"
}

@test "differential: crash_null" {
	differential crash_null
}

@test "differential: crash_ud2" {
	differential crash_ud2
}

@test "differential: cwd_chdir" {
	differential cwd_chdir
}

@test "differential: dir_getdents64" {
	differential dir_getdents64
}

@test "differential: dir_mkdir_rmdir" {
	differential dir_mkdir_rmdir
}

@test "differential: efault_misc" {
	differential efault_misc
}

@test "differential: efault_paths" {
	differential efault_paths
}

@test "differential: efault_read_write" {
	differential efault_read_write
}

@test "differential: fileio_dup" {
	differential fileio_dup
}

@test "differential: fileio_fcntl" {
	differential fileio_fcntl
}

@test "differential: fileio_lseek" {
	differential fileio_lseek
}

@test "differential: fileio_open_rw" {
	differential fileio_open_rw
}

@test "differential: fileio_pread_pwrite" {
	differential fileio_pread_pwrite
}

@test "differential: fileio_readv_writev" {
	differential fileio_readv_writev
}

@test "differential: fileio_truncate" {
	differential fileio_truncate
}

@test "differential: fileio_unlink_open" {
	differential fileio_unlink_open
}

@test "differential: mm_brk" {
	differential mm_brk
}

@test "differential: mm_fork_cow" {
	differential mm_fork_cow
}

@test "differential: mm_mmap_anon" {
	differential mm_mmap_anon
}

@test "differential: mm_mmap_file" {
	differential mm_mmap_file
}

@test "differential: mm_pagecache_evict" {
	differential mm_pagecache_evict
}

@test "differential: hostfs_mmap" {
	differential hostfs_mmap
}

@test "differential: hostfs_rename" {
	differential hostfs_rename
}

@test "differential: mm_mprotect" {
	differential mm_mprotect
}

@test "differential: poll_pipe" {
	differential poll_pipe
}

@test "differential: proc_args" {
	differential proc_args
}

@test "differential: proc_tid_dir" {
	differential proc_tid_dir
}

@test "differential: proc_execve" {
	differential proc_execve
}

@test "differential: proc_exec_edges" {
	differential proc_exec_edges
}

@test "differential: proc_exit_code" {
	differential proc_exit_code
}

@test "differential: proc_fdcheck" {
	differential proc_fdcheck
}

@test "differential: proc_fork_wait" {
	differential proc_fork_wait
}

@test "differential: proc_pipe_fork" {
	differential proc_pipe_fork
}

@test "differential: proc_wait_signaled" {
	differential proc_wait_signaled
}

@test "differential: select_pipe" {
	differential select_pipe
}

@test "differential: sig_chld_times" {
	differential sig_chld_times
}

@test "differential: sig_core_status" {
	differential sig_core_status
}

@test "differential: sig_default_kill" {
	differential sig_default_kill
}

@test "differential: sig_eintr_read" {
	differential sig_eintr_read
}

@test "differential: sig_handler" {
	differential sig_handler
}

@test "differential: sig_ignore" {
	differential sig_ignore
}

@test "differential: sig_mask" {
	differential sig_mask
}

@test "differential: sig_segv_handler" {
	differential sig_segv_handler
}

@test "differential: sig_altstack" {
	differential sig_altstack
}

@test "differential: sig_vfork" {
	differential sig_vfork
}

@test "differential: sig_uids" {
	differential sig_uids
}

@test "differential: sig_order" {
	differential sig_order
}

@test "differential: sig_kernel_info" {
	differential sig_kernel_info
}

@test "differential: sig_defaults" {
	differential sig_defaults
}

@test "differential: job_session" {
	differential job_session
}

@test "differential: sig_stack_overflow" {
	differential sig_stack_overflow
}

@test "differential: sig_exec" {
	differential sig_exec
}

@test "differential: sig_group_stop" {
	differential sig_group_stop
}

@test "differential: job_ttou_ttin" {
	differential job_ttou_ttin
}

@test "differential: sig_restart" {
	differential sig_restart
}

@test "differential: sig_thread_pending" {
	differential sig_thread_pending
}

@test "differential: sig_stop_wait" {
	differential sig_stop_wait
}

@test "differential: sig_faults" {
	differential sig_faults
}

@test "differential: sig_suspend" {
	differential sig_suspend
}

@test "differential: sig_timedwait" {
	differential sig_timedwait
}

@test "differential: sig_nocld" {
	differential sig_nocld
}

@test "differential: sig_nodefer" {
	differential sig_nodefer
}

@test "differential: stat_statx" {
	differential stat_statx
}

@test "differential: stat_types" {
	differential stat_types
}

@test "differential: time_monotonic" {
	differential time_monotonic
}

@test "differential: time_nanosleep" {
	differential time_nanosleep
}

@test "differential: umask_create" {
	differential umask_create
}

@test "differential: uname_fields" {
	differential uname_fields
}

@test "differential: proc_ids" {
	differential proc_ids
}

@test "differential: thread_create_join" {
	differential thread_create_join
}

@test "differential: thread_sync" {
	differential thread_sync
}

@test "differential: thread_exit_exec" {
	differential thread_exit_exec
}

# The same programs built as static-PIE: the kernel picks their load address.
@test "differential: proc_args as static-PIE" {
	differential proc_args.pie
}

@test "differential: sig_handler as static-PIE" {
	differential sig_handler.pie
}

@test "differential: thread_create_join as static-PIE" {
	differential thread_create_join.pie
}

@test "differential: mm_brk as static-PIE" {
	differential mm_brk.pie
}

@test "differential: proc_orphan_pgrp" {
	differential proc_orphan_pgrp
}

@test "differential: mm_madvise" {
	differential mm_madvise
}

@test "differential: mm_proc_maps" {
	differential mm_proc_maps
}

@test "differential: mm_mremap" {
	differential mm_mremap
}

@test "differential: sig_queueinfo" {
	differential sig_queueinfo
}

@test "differential: thread_pi_mutex" {
	differential thread_pi_mutex
}

@test "differential: stat_fd_kinds" {
	differential stat_fd_kinds
}

@test "differential: fileio_proc_fd_reopen" {
	differential fileio_proc_fd_reopen
}

@test "differential: fs_xattr" {
	differential fs_xattr
}

@test "differential: fs_utimensat" {
	differential fs_utimensat
}

@test "differential: fs_fallocate" {
	differential fs_fallocate
}

@test "differential: fs_memfd" {
	differential fs_memfd
}

@test "differential: fs_fsize_limit" {
	differential fs_fsize_limit
}

@test "differential: fs_locks" {
	differential fs_locks
}

@test "differential: fs_copy_file_range" {
	differential fs_copy_file_range
}

@test "differential: fs_direct_io" {
	differential fs_direct_io
}

@test "differential: fs_rename_storm" {
	differential fs_rename_storm
}

@test "differential: fs_xattr_many" {
	differential fs_xattr_many
}

# Credentials and permissions: these programs change users, which natively
# only root may do; CI runs the suite as root.
needs_host_root() {
	[[ $(id -u) == 0 ]] || skip "needs root on the host to change users"
}

@test "differential: proc_sched" {
	needs_host_root
	differential proc_sched
}

@test "differential: cred_setuid" {
	needs_host_root
	differential cred_setuid
}

@test "differential: cred_setreuid" {
	needs_host_root
	differential cred_setreuid
}

@test "differential: cred_setresuid" {
	needs_host_root
	differential cred_setresuid
}

@test "differential: cred_setfsuid" {
	needs_host_root
	differential cred_setfsuid
}

@test "differential: cred_groups" {
	needs_host_root
	differential cred_groups
}

@test "differential: cred_capget" {
	needs_host_root
	differential cred_capget
}

@test "differential: cred_threads" {
	needs_host_root
	differential cred_threads
}

@test "differential: cred_exec_setuid" {
	needs_host_root
	differential cred_exec_setuid
}

@test "differential: perm_file_access" {
	needs_host_root
	differential perm_file_access
}

@test "differential: perm_access_real" {
	needs_host_root
	differential perm_access_real
}

@test "differential: perm_sticky" {
	needs_host_root
	differential perm_sticky
}

@test "differential: perm_setgid_dir" {
	needs_host_root
	differential perm_setgid_dir
}

@test "differential: perm_chmod_chown" {
	needs_host_root
	differential perm_chmod_chown
}

@test "differential: perm_kill" {
	needs_host_root
	differential perm_kill
}

@test "differential: pty_basic" {
	differential pty_basic
}

@test "differential: proc_priority" {
	differential proc_priority
}

@test "differential: ev_eventfd" {
	differential ev_eventfd
}

@test "differential: ev_timerfd" {
	differential ev_timerfd
}

@test "differential: ev_signalfd" {
	differential ev_signalfd
}

@test "differential: ev_epoll_pipe" {
	differential ev_epoll_pipe
}

@test "differential: ev_epoll_et" {
	differential ev_epoll_et
}

@test "differential: ev_pidfd" {
	differential ev_pidfd
}

@test "differential: time_posix_timer" {
	differential time_posix_timer
}

@test "differential: time_rusage" {
	differential time_rusage
}

@test "differential: time_cputime" {
	differential time_cputime
}

@test "differential: rusage_counts" {
	differential rusage_counts
}

@test "differential: ev_rlimit_nproc" {
	differential ev_rlimit_nproc
}

@test "differential: sock_pair" {
	differential sock_pair
}

@test "differential: sock_bind" {
	differential sock_bind
}

@test "differential: sock_scm" {
	differential sock_scm
}

@test "differential: sock_poll" {
	differential sock_poll
}
