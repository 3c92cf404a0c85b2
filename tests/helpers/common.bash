# Shared helpers for the bats suites (tests/*.bats).  Load with
#
#   load helpers/common
#   setup_file() { umk_setup_file; }
#   setup() { umk_setup; }
#   teardown() { umk_teardown; }
#
# What they give a test:
#
#   run_vmlinux ARGS...   run the kernel under test with ARGS: with a timeout,
#                         in a session of its own, as an unprivileged user when
#                         the suite runs as root, stdin from /dev/null (or
#                         $UMK_STDIN).  Guest console output arrives on stdout
#                         with the tty's \r removed; the kernel log on stderr.
#                         Use it through bats: run --separate-stderr run_vmlinux
#   guest_sh SCRIPT       boot a fresh copy of the test image with
#                         init=/bin/sh -- -c SCRIPT, then poweroff -f; sets
#                         $status, $output (console) and $stderr (kernel log).
#                         Extra kernel arguments go before SCRIPT: guest_sh
#                         mem=64M 'cat /proc/meminfo'.  guest_rc is the same
#                         after running the image's /etc/init.d/rcS (proc,
#                         sysfs, devtmpfs, tmpfs on /tmp and /run).
#   test_image [NAME]     print the path of a private, writable copy of
#                         build/test/NAME.img (default rootfs) for this test
#   debian_image          set $DEBIAN_IMG to test_image debian, or skip the
#                         test when the Debian image could not be built (no
#                         network); in CI (CI=true) fail the test instead
#   run_gdb ARGS...       gdb, run the same way (see gdb.bats)
#   vmlinux_bg OUT ARGS   start run_vmlinux ARGS in the background, console
#                         to OUT; wait_bg waits for it and returns its status
#   assert_*              exact checks that print what they saw on failure
#
# After every test umk_teardown fails the test if any host process it started
# is still alive: a vmlinux, a guest's host process (umk-stub) or anything
# else in the sessions run_vmlinux created; it kills them (by pid).
#
# Knobs (environment): VMLINUX (default ./vmlinux), UMK_TIMEOUT (seconds a
# boot may take, default 30; after three timeouts in a run the rest get
# UMK_TIMEOUT_HUNG, default 10, so a kernel that always hangs fails fast),
# UMK_TEST_USER (uid:gid to run as when root, default 65534:65534),
# UMK_KEEP=1 keeps per-test images.

# status, output, lines and stderr are set by bats's run.
# shellcheck disable=SC2154,SC2119,SC2120
bats_require_minimum_version 1.5.0	# run --separate-stderr

UMK_REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
UMK_IMAGES=$UMK_REPO/build/test
: "${VMLINUX:=$UMK_REPO/vmlinux}"
: "${UMK_TIMEOUT:=30}"
: "${UMK_TEST_USER:=65534:65534}"

# --- once per file --------------------------------------------------------

# Build what the suites need (once per run: make does nothing the second
# time) and prepare the run directory the unprivileged user can reach.
umk_setup_file() {
	umk_run_dir
	(
		flock 9
		umk_make guest-progs test-image
	) 9>"$UMK_RUN/make.lock" || return 1
	umk_mirror_vmlinux
}

# make the test targets, whether or not the top Makefile includes tests.mk.
umk_make() {
	if make -C "$UMK_REPO" -n "$@" >/dev/null 2>&1; then
		make -C "$UMK_REPO" -s "$@"
	else
		make -C "$UMK_REPO" -s -f tests/tests.mk "$@"
	fi
}

# $UMK_RUN: a directory under bats's run directory that the test user can
# traverse; it holds the kernel copy, the per-test images and a HOME.
umk_run_dir() {
	export UMK_RUN=$BATS_RUN_TMPDIR/umk
	[[ -d $UMK_RUN/home ]] && return 0
	chmod 711 "$BATS_RUN_TMPDIR"
	mkdir -p "$UMK_RUN/kernel" "$UMK_RUN/home" "$UMK_RUN/t"
	chmod 755 "$UMK_RUN" "$UMK_RUN/kernel" "$UMK_RUN/t"
	if umk_as_root; then
		chown "$UMK_TEST_USER" "$UMK_RUN/home"
	fi
}

umk_as_root() {
	[[ $(id -u) == 0 ]]
}

# Copy the kernel (and its gdb scripts) where the test user can run it.  The
# copy's path is unique to this run, which also tells our processes apart.
umk_mirror_vmlinux() {
	export UMK_VMLINUX=$UMK_RUN/kernel/vmlinux
	[[ -x $VMLINUX ]] || return 0
	(
		flock 9
		if ! cmp -s "$VMLINUX" "$UMK_VMLINUX"; then
			cp "$VMLINUX" "$UMK_VMLINUX.tmp"
			chmod 755 "$UMK_VMLINUX.tmp"
			mv -f "$UMK_VMLINUX.tmp" "$UMK_VMLINUX"
		fi
		if [[ -d $UMK_REPO/tools/gdb ]]; then
			rm -rf "$UMK_RUN/kernel/tools"
			mkdir -p "$UMK_RUN/kernel/tools"
			cp -r "$UMK_REPO/tools/gdb" "$UMK_RUN/kernel/tools/"
		fi
		for f in "$UMK_REPO"/.gdbinit "$UMK_REPO"/vmlinux-gdb.*; do
			[[ -e $f ]] && cp "$f" "$UMK_RUN/kernel/"
		done
		chmod -R a+rX "$UMK_RUN/kernel"
	) 9>"$UMK_RUN/kernel.lock"
}

# --- once per test ----------------------------------------------------------

umk_setup() {
	[[ -n ${UMK_RUN:-} ]] || umk_setup_file
	umk_context "$BATS_TEST_TMPDIR"
}

# umk_context DIR: per-test (or, from setup_file, per-file) state: the image
# directory $UMK_T, the session list $UMK_SIDS and scratch files in DIR.
umk_context() {
	UMK_SCRATCH=$1
	UMK_T=$(mktemp -d "$UMK_RUN/t/test.XXXXXX")
	chmod 755 "$UMK_T"
	if umk_as_root; then
		chown "$UMK_TEST_USER" "$UMK_T"
	fi
	UMK_SIDS=$UMK_SCRATCH/umk-sids
	: >"$UMK_SIDS"
	UMK_BG_PIDS=()
}

umk_teardown() {
	local rc=0 pid

	for pid in "${UMK_BG_PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			echo "# teardown: a background vmlinux (pid $pid) is still running" >&2
			kill -TERM "$pid" 2>/dev/null
			rc=1
		fi
	done
	umk_check_leftovers || rc=1
	if [[ ${UMK_KEEP:-} != 1 && -n ${UMK_T:-} ]]; then
		rm -rf "$UMK_T"
	fi
	return "$rc"
}

# The host processes this test started that are still alive: anything in a
# session run_vmlinux made (a guest's host processes, umk-stub, stay in the
# kernel's session) and anything running this run's kernel copy.  Nothing
# else: other runs on the same machine are not ours to judge or kill.
umk_leftover_pids() {
	local sids
	sids=$(paste -sd, "$UMK_SIDS" 2>/dev/null)
	{
		[[ -n $sids ]] && pgrep -s "$sids"
		pgrep -f -- "$UMK_RUN/kernel/vmlinux"
	} 2>/dev/null | sort -un
}

# Give exiting processes 5 s to go, then fail, name them and kill them.
umk_check_leftovers() {
	local pids i
	for ((i = 0; i < 50; i++)); do
		pids=$(umk_leftover_pids)
		[[ -z $pids ]] && return 0
		sleep 0.1
	done
	{
		echo "# teardown: host processes left behind by this test:"
		# shellcheck disable=SC2086 # one pid a word
		ps -o pid,ppid,sid,user,stat,comm,args -p "$(echo $pids | tr ' ' ,)"
	} >&2
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	return 1
}

# test_image [NAME]: a private copy of build/test/NAME.img the test user can
# write; the same path again if this test already asked for it.
test_image() {
	local name=${1:-rootfs} copy
	copy=$UMK_T/$name.img
	if [[ ! -e $copy ]]; then
		[[ -f $UMK_IMAGES/$name.img ]] || {
			echo "test_image: no $UMK_IMAGES/$name.img (make test-image)" >&2
			return 1
		}
		cp --sparse=always "$UMK_IMAGES/$name.img" "$copy"
		chmod 644 "$copy"
		if umk_as_root; then
			chown "$UMK_TEST_USER" "$copy"
		fi
	fi
	echo "$copy"
}

# debian_image: set $DEBIAN_IMG to a private copy of build/test/debian.img
# (made by `make debian-image`, which needs the network the first time).
# Without the image the test is skipped with the reason the build gave,
# except in CI, where every test must run: there it fails.  Call it in the
# test itself (not in $(...) or run), so that skip can end the test.
debian_image() {
	local why
	if [[ ! -f $UMK_IMAGES/debian.img ]]; then
		why="no Debian image $UMK_IMAGES/debian.img (make debian-image)"
		if [[ -s $UMK_IMAGES/debian.img.error ]]; then
			why="$why: $(grep -v '^I: ' "$UMK_IMAGES/debian.img.error" |
				tail -n 1)"
		fi
		if [[ ${CI:-} == true ]]; then
			echo "# $why" >&2
			echo "# CI must run the Debian tests: failing" >&2
			return 1
		fi
		skip "$why"
	fi
	# shellcheck disable=SC2034 # for the caller
	DEBIAN_IMG=$(test_image debian)
}

# --- running the kernel -------------------------------------------------------

# The timeout for the next kernel run: $UMK_TIMEOUT, or 10 s once three runs
# have timed out, so a kernel that hangs every boot fails the suite quickly.
umk_timeout() {
	local n=0
	[[ -f $UMK_RUN/timeouts ]] && n=$(wc -l <"$UMK_RUN/timeouts")
	if ((n >= 3)); then
		echo "${UMK_TIMEOUT_HUNG:-10}"
	else
		echo "$UMK_TIMEOUT"
	fi
}

# The timeout, session and user around one host command.  The session's id
# (the pid of the sh that execs the command) goes to $UMK_SIDS.
# UMK_CALL_TIMEOUT overrides the timeout for one call.
umk_exec() {
	local -a user=()
	local limit=${UMK_CALL_TIMEOUT:-$(umk_timeout)}
	if umk_as_root; then
		user=(setpriv --reuid="${UMK_TEST_USER%%:*}"
			--regid="${UMK_TEST_USER##*:}" --clear-groups --
			env HOME="$UMK_RUN/home")
	fi
	(
		cd "$UMK_RUN/kernel" || exit 1
		# shellcheck disable=SC2016 # for the inner sh
		exec timeout -k 5 "$limit" setsid -w \
			sh -c 'echo $$ >>"$0"; exec "$@"' "$UMK_SIDS" \
			"${user[@]}" "$@"
	)
}

# Say why a kernel run ended the way it did, for the failure report, and
# count timeouts for umk_timeout.
umk_explain_status() {
	case $1 in
	124 | 137)
		echo "${BATS_TEST_DESCRIPTION:-setup_file}" >>"$UMK_RUN/timeouts"
		echo "run_vmlinux: timed out (UMK_TIMEOUT=$UMK_TIMEOUT;" \
			"status $1: 124 TERM worked, 137 needed KILL)" >&2
		;;
	esac
}

run_vmlinux() {
	if [[ ! -x ${UMK_VMLINUX:-} ]]; then
		echo "run_vmlinux: no kernel: $VMLINUX is not built (make)" >&2
		return 127
	fi
	umk_run_host "$UMK_VMLINUX" "$@"
}

# run_gdb GDB-ARGS...: gdb the way run_vmlinux runs the kernel (the same
# user, session and timeout; cwd is the directory with the kernel copy, its
# .gdbinit and tools/gdb/).
run_gdb() {
	umk_run_host gdb "$@"
}

# umk_run_host CMD...: run a host command under umk_exec; stdout streams out
# with the tty's \r removed, stderr follows once the command has ended.
umk_run_host() {
	local err rc
	err=$(mktemp "$UMK_SCRATCH/log.XXXXXX")
	umk_exec "$@" <"${UMK_STDIN:-/dev/null}" 2>"$err" | sed -u 's/\r//g'
	rc=${PIPESTATUS[0]}
	cat "$err" >&2
	umk_explain_status "$rc"
	return "$rc"
}

# vmlinux_bg OUTFILE ARGS...: run_vmlinux in the background.
vmlinux_bg() {
	local out=$1
	shift
	run_vmlinux "$@" >"$out" 2>"$out.err" &
	UMK_BG_PIDS+=("$!")
}

# wait_bg: wait for the last vmlinux_bg and return its status.
wait_bg() {
	local pid=${UMK_BG_PIDS[-1]}
	wait "$pid"
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

# wait_for_line FILE TEXT [SECONDS]: wait until FILE has a line TEXT; give
# up early if the last vmlinux_bg has exited.
wait_for_line() {
	local file=$1 text=$2 i pid=${UMK_BG_PIDS[-1]:-}
	for ((i = 0; i < ${3:-30} * 10; i++)); do
		grep -qxF -- "$text" "$file" 2>/dev/null && return 0
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
			grep -qxF -- "$text" "$file" 2>/dev/null && return 0
			echo "wait_for_line: vmlinux exited before printing '$text':" >&2
			sed 's/^/#   | /' "$file" "$file.err" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "wait_for_line: no line '$text' in $file after ${3:-30}s" >&2
	return 1
}

# guest_sh [KERNEL ARGS...] SCRIPT: boot the test image, run SCRIPT in
# init=/bin/sh, power off.  $UMK_IMG picks another image path.
guest_sh() {
	local script=${*: -1} img
	local -a kargs=("${@:1:$#-1}")
	img=${UMK_IMG:-$(test_image)} || return 1
	run --separate-stderr run_vmlinux "ubd0=$img" "${kargs[@]}" \
		init=/bin/sh -- -c "$script
poweroff -f"
}

# guest_rc: guest_sh after the image's boot script.
guest_rc() {
	local script=${*: -1}
	guest_sh "${@:1:$#-1}" ". /etc/init.d/rcS
$script"
}

# --- assertions ---------------------------------------------------------------

umk_show() {
	{
		echo "# status: $status"
		echo "# console output:"
		printf '%s\n' "$output" | sed 's/^/#   | /'
		if [[ -n ${stderr:-} ]]; then
			echo "# kernel log (stderr):"
			printf '%s\n' "$stderr" | sed 's/^/#   | /'
		fi
	} >&2
}

umk_fail() {
	echo "# FAILED: $*" >&2
	umk_show
	return 1
}

assert_status() {
	[[ $status == "$1" ]] || umk_fail "exit status $status, want $1"
}

assert_ok() {
	assert_status 0
}

# The console output is exactly $1.
assert_output() {
	[[ $output == "$1" ]] || {
		echo "# want output:" >&2
		printf '%s\n' "$1" | sed 's/^/#   | /' >&2
		umk_fail "output differs"
	}
}

# Some console line is exactly $1.
assert_line() {
	local l
	for l in "${lines[@]}"; do
		[[ $l == "$1" ]] && return 0
	done
	umk_fail "no output line '$1'"
}

refute_line() {
	local l
	for l in "${lines[@]}"; do
		[[ $l == "$1" ]] && umk_fail "unexpected output line '$1'"
	done
	return 0
}

assert_output_contains() {
	[[ $output == *"$1"* ]] || umk_fail "output lacks '$1'"
}

assert_stderr_contains() {
	[[ ${stderr:-} == *"$1"* ]] || umk_fail "stderr lacks '$1'"
}

# e2fsck -fn finds nothing wrong with image $1.
assert_image_clean() {
	local log
	if ! log=$(e2fsck -fn "$1" 2>&1); then
		echo "# e2fsck -fn $1:" >&2
		printf '%s\n' "$log" | sed 's/^/#   | /' >&2
		umk_fail "the image is not clean after the run"
	fi
}

# Top-level names of image $1 (debugfs, so without booting), one a line.
image_ls_root() {
	debugfs -R 'ls -p /' "$1" 2>/dev/null |
		awk -F/ 'NF >= 6 && $6 != "." && $6 != ".." { print $6 }'
}
