#!/usr/bin/env bats
# Source rules that need no kernel run: the host boundary (only arch/host/
# and *_host.c may call the host kernel; DESIGN.md section 10) and
# shellcheck on the project's shell scripts.
# bats file_tags=layout,lint

load helpers/common

CHECK=$BATS_TEST_DIRNAME/helpers/check-layout

@test "host calls appear only in arch/host/ and *_host.c files" {
	run "$CHECK" "$UMK_REPO"
	[[ $status -eq 0 ]] || {
		echo "# host-only calls outside arch/host/ and *_host.c:" >&2
		printf '#   %s\n' "${lines[@]}" >&2
		return 1
	}
}

# A throw-away tree with the same calls in allowed and forbidden places.
plant() {
	local root=$BATS_TEST_TMPDIR/tree
	mkdir -p "$root"/{kernel/fs,drivers,ubd,hostfs,arch/host,arch/x86_64}
	cat >"$root/$1" <<'SRC'
/* A comment may say ptrace(2), pread( or waitpid( freely. */
static long
sys_pread64(long *a)
{
	return vfs->ops->pread(a) + f.pwrite(a);
}
SRC
	[[ -n ${2:-} ]] && printf '%s\n' "$2" >>"$root/$1"
	echo "$root"
}

@test "the layout check flags host calls in core files" {
	for call in 'int x = ptrace(PTRACE_CONT, 1, 0, 0);' \
		'n = pread(fd, b, 1, 0);' 'n = process_vm_readv(p, 0, 0, 0, 0, 0);' \
		'seccomp_init(0);' 'epoll_wait(e, 0, 1, -1);' 'waitpid(-1, 0, 0);' \
		'syscall(SYS_openat2, 0);' 'openat2 (1, 2, 3, 4);' \
		'#include <sys/ptrace.h>'; do
		for f in kernel/fs/x.c drivers/tty.c ubd/ubd.c hostfs/hostfs.c \
			arch/x86_64/regs.c kernel/x.h; do
			root=$(plant "$f" "$call")
			run "$CHECK" "$root"
			[[ $status -eq 1 && $output == "$f:7: "* ]] || {
				echo "# not flagged: '$call' in $f: $output" >&2
				return 1
			}
			rm -rf "$root"
		done
	done
}

@test "the layout check allows arch/host/, *_host.c and comments" {
	for f in arch/host/trace.c ubd/ubd_host.c hostfs/hostfs_host.c \
		kernel/fs/x.c; do
		case $f in
		kernel/*) extra='' ;;
		*) extra='int x = ptrace(PTRACE_CONT, 1, 0, 0) + pread(1, 0, 0, 0);' ;;
		esac
		root=$(plant "$f" "$extra")
		run "$CHECK" "$root"
		[[ $status -eq 0 ]] || {
			echo "# flagged wrongly in $f: $output" >&2
			return 1
		}
		rm -rf "$root"
	done
}

@test "shell scripts pass shellcheck" {
	command -v shellcheck >/dev/null || skip "shellcheck is not installed"
	cd "$UMK_REPO"
	files=(tools/mkrootfs tests/helpers/mkimage tests/helpers/run-native
		tests/helpers/check-layout tests/helpers/linux-ref)
	[[ -f .ci/run ]] && files+=(.ci/run)
	run shellcheck "${files[@]}"
	[[ $status -eq 0 ]] || { echo "$output" >&2; return 1; }
	run shellcheck -s bash tests/helpers/image-hook.sh tests/helpers/common.bash
	[[ $status -eq 0 ]] || { echo "$output" >&2; return 1; }
}
