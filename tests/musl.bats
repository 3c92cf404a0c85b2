#!/usr/bin/env bats
# musl's dynamic loader on umk.  tests/musl/musl_facts.c (make musl-progs,
# with musl-gcc) prints what it learns of its start: arguments, environment,
# auxv, the objects the loader mapped, TLS, dlopen, a thread, a child.  Each
# way of starting it runs natively and in the guest, and both must print the
# same: dynamically linked with PT_INTERP /lib/ld-musl-x86_64.so.1 as a PIE
# and not, a static PIE, and the loader run as a command on a program.  The
# guest gets the programs under /musl and the host's musl loader under /lib
# (debugfs into a private copy of the test image); one boot runs them all.
# bats file_tags=musl,kernel

load helpers/common

MUSL_LD=/lib/ld-musl-x86_64.so.1

# The same script runs natively and in the guest, with the programs in $1:
# each case's lines (stdout, stderr, then status=N) prefixed by its name.
musl_script() {
	local d=$1
	cat <<SCRIPT
musl_run() {
	name=\$1
	shift
	{ env -i A=1 'B=two words' "\$@"; echo "status=\$?"; } 2>&1 |
		sed "s/^/\$name| /"
}
cd /tmp
musl_run dyn $d/musl_dyn one 'two words'
musl_run dyn_pie $d/musl_dyn_pie one 'two words'
musl_run static_pie $d/musl_static_pie one 'two words'
musl_run ld_pie $MUSL_LD $d/musl_dyn_pie one 'two words'
musl_run ld_nopie $MUSL_LD $d/musl_dyn one 'two words'
SCRIPT
}

# musl_image IMG: put the programs under /musl and the host's loader at
# the same place under /lib (a symlink to libc.so on Debian).
musl_image() {
	local img=$1 bin=$UMK_REPO/tests/musl/bin f target
	{
		echo "mkdir /lib"
		if [[ -L $MUSL_LD ]]; then
			target=$(readlink "$MUSL_LD")
			[[ $target == */* ]] && echo "mkdir /lib/${target%/*}"
			echo "write $(readlink -f "$MUSL_LD") /lib/$target"
			echo "sif /lib/$target mode 0100755"
			echo "symlink $MUSL_LD $target"
		else
			echo "write $MUSL_LD $MUSL_LD"
			echo "sif $MUSL_LD mode 0100755"
		fi
		echo "mkdir /musl"
		for f in "$bin"/*; do
			echo "write $f /musl/${f##*/}"
			echo "sif /musl/${f##*/} mode 0100755"
		done
	} >"$UMK_MUSL/debugfs.cmds"
	debugfs -w -f "$UMK_MUSL/debugfs.cmds" "$img" >"$UMK_MUSL/debugfs.log" 2>&1
}

setup_file() {
	umk_setup_file
	umk_context "$BATS_FILE_TMPDIR"
	export UMK_MUSL=$BATS_FILE_TMPDIR
	local img rc=0
	if ! command -v musl-gcc >/dev/null || [[ ! -e $MUSL_LD ]]; then
		echo "no musl-gcc or $MUSL_LD (apt-get install musl musl-tools)" \
			>"$UMK_MUSL/skip"
		return 0
	fi
	umk_make musl-progs >"$UMK_MUSL/make.log" 2>&1 || {
		echo "make musl-progs failed" >"$UMK_MUSL/failed"
		return 0
	}
	bash -c "$(musl_script "$UMK_REPO/tests/musl/bin")" >"$UMK_MUSL/native.out"
	[[ -x ${UMK_VMLINUX:-} ]] || return 0
	img=$(test_image) || return 1
	echo "$img" >"$UMK_MUSL/image"
	musl_image "$img" || {
		echo "debugfs failed" >"$UMK_MUSL/failed"
		return 0
	}
	run_vmlinux "ubd0=$img" init=/bin/sh -- -c ". /etc/init.d/rcS
$(musl_script /musl)
poweroff -f" >"$UMK_MUSL/guest.out" 2>"$UMK_MUSL/guest.err" || rc=$?
	echo "$rc" >"$UMK_MUSL/guest.status"
	umk_check_leftovers 2>"$UMK_MUSL/leftovers" || true
}

setup() {
	umk_setup
	if [[ -f $UMK_MUSL/skip ]]; then
		if [[ ${CI:-} == true ]]; then
			echo "# CI must run the musl tests: $(cat "$UMK_MUSL/skip")" >&2
			return 1
		fi
		skip "$(cat "$UMK_MUSL/skip")"
	fi
	if [[ -f $UMK_MUSL/failed ]]; then
		echo "# $(cat "$UMK_MUSL/failed"):" >&2
		cat "$UMK_MUSL"/*.log >&2
		return 1
	fi
}

teardown() { umk_teardown; }

# musl_compare NAME: NAME's native output (which must end in status=0)
# and its guest output are the same.
musl_compare() {
	local name=$1 native guest d=$BATS_TEST_TMPDIR
	native=$(grep "^$name| " "$UMK_MUSL/native.out")
	[[ $native == *"$name| status=0" ]] || {
		echo "# $name fails natively, so the test is wrong:" >&2
		printf '%s\n' "$native" | sed 's/^/#   /' >&2
		return 1
	}
	[[ -f $UMK_MUSL/guest.out ]] || {
		echo "# no guest run: $VMLINUX is not built (make)" >&2
		return 1
	}
	guest=$(grep "^$name| " "$UMK_MUSL/guest.out")
	[[ $guest == "$native" ]] && return 0
	printf '%s\n' "$native" >"$d/native"
	printf '%s\n' "$guest" >"$d/guest"
	echo "# $name: guest output differs from native (- native, + guest):" >&2
	diff -u "$d/native" "$d/guest" | tail -n +3 | sed 's/^/#   /' >&2
	sed 's/^/#   kernel log: /' "$UMK_MUSL/guest.err" | tail -n 20 >&2
	return 1
}

@test "musl: the boot powered off cleanly and left the image clean" {
	[[ -f $UMK_MUSL/guest.status ]] || {
		echo "# no guest run: $VMLINUX is not built (make)" >&2
		return 1
	}
	status=$(cat "$UMK_MUSL/guest.status")
	output=$(cat "$UMK_MUSL/guest.out")
	# shellcheck disable=SC2034 # umk_show prints it
	stderr=$(cat "$UMK_MUSL/guest.err")
	assert_ok
	[[ ! -s $UMK_MUSL/leftovers ]] || {
		cat "$UMK_MUSL/leftovers" >&2
		return 1
	}
	assert_image_clean "$(cat "$UMK_MUSL/image")"
}

@test "musl: a dynamic program with PT_INTERP, not a PIE" {
	musl_compare dyn
}

@test "musl: a dynamic PIE" {
	musl_compare dyn_pie
}

@test "musl: a static PIE" {
	musl_compare static_pie
}

@test "musl: the loader as a command, on a dynamic PIE" {
	musl_compare ld_pie
}

@test "musl: the loader as a command, on a program that is not a PIE" {
	musl_compare ld_nopie
}
