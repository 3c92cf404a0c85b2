#!/usr/bin/env bats
# hostfs: a host directory in the guest.  Each test prepares a directory on
# the host ($EXPORT), boots with hostfs=$EXPORT, mounts it on /mnt, works in
# the guest and checks the result from the host.  The escape tests put a
# secret beside the export ($OUTSIDE), plant host symlinks and race renames
# on the host, and check that the guest never reads it.
# bats file_tags=hostfs,kernel

load helpers/common

SECRET=HOST-SECRET-NEVER-IN-THE-GUEST

setup_file() { umk_setup_file; }

setup() {
	umk_setup
	EXPORT=$UMK_T/export
	OUTSIDE=$UMK_T/outside
	mkdir -p "$EXPORT" "$OUTSIDE"
	echo "$SECRET" >"$OUTSIDE/secret"
	chmod 755 "$OUTSIDE"
	chmod 644 "$OUTSIDE/secret"
	RACE_PID=
}

teardown() {
	[[ -n $RACE_PID ]] && stop_race
	umk_teardown
}

# Give the export to the user vmlinux runs as (when the suite runs as
# root): what root made in it, not what a test gave to someone else.
own_export() {
	if umk_as_root; then
		chown -R --from=0:0 "$UMK_TEST_USER" "$EXPORT"
	fi
}

# hostfs_sh [KERNEL ARGS...] SCRIPT: guest_sh with hostfs=$EXPORT and the
# export mounted on /mnt before SCRIPT runs.
hostfs_sh() {
	local script=${*: -1}
	own_export
	guest_sh "hostfs=$EXPORT" "${@:1:$#-1}" \
		"mount -t hostfs none /mnt || echo 'mount failed'
$script"
}

# The guest must not have printed the secret from outside the export.
refute_secret() {
	[[ $output != *"$SECRET"* ]] ||
		umk_fail "the guest read a host file outside the export"
}

# start_race FUNCTION: call FUNCTION in a loop in the background until
# stop_race (60 s at most).
start_race() {
	local fn=$1
	rm -f "$UMK_SCRATCH/stop-race"
	(
		end=$((SECONDS + 60))
		while [[ ! -e $UMK_SCRATCH/stop-race ]] && ((SECONDS < end)); do
			"$fn" 2>/dev/null
		done
	) &
	RACE_PID=$!
}

stop_race() {
	touch "$UMK_SCRATCH/stop-race"
	wait "$RACE_PID" || true
	RACE_PID=
}

@test "mounting hostfs without hostfs= is refused with EPERM and a log line" {
	guest_sh 'mount -t hostfs none /mnt; echo "status $?"; ls /mnt | wc -l'
	assert_ok
	assert_output "mount: permission denied (are you root?)
status 1
0"
	assert_stderr_contains "hostfs: mount refused"
	assert_stderr_contains "hostfs=DIR"
}

@test "an unusable hostfs= directory stops the boot with a message naming it" {
	run --separate-stderr run_vmlinux "ubd0=$(test_image)" \
		"hostfs=$UMK_T/none" init=/bin/sh -- -c 'poweroff -f'
	assert_status 1
	assert_stderr_contains "hostfs=$UMK_T/none: No such file or directory"
}

@test "a host file reads the same in the guest (sha256), a 20 MB one too" {
	echo "hello from the host" >"$EXPORT/hello.txt"
	head -c $((20 * 1024 * 1024 + 123)) /dev/urandom >"$EXPORT/big"
	hostfs_sh 'cat /mnt/hello.txt; sha256sum /mnt/big; stat -c %s /mnt/big'
	assert_ok
	assert_output "hello from the host
$(cd "$EXPORT" && sha256sum big | sed 's| big$| /mnt/big|')
$((20 * 1024 * 1024 + 123))"
}

@test "files written in the guest appear on the host, 20 MB ones too" {
	hostfs_sh 'echo "written in the guest" >/mnt/new
echo "appended" >>/mnt/new
dd if=/dev/urandom of=/mnt/big bs=1M count=20 2>/dev/null
sha256sum /mnt/big'
	assert_ok
	[[ $(cat "$EXPORT/new") == "written in the guest
appended" ]] || umk_fail "host sees: $(cat "$EXPORT/new")"
	[[ $output == "$(cd "$EXPORT" && sha256sum big | sed 's| big$| /mnt/big|')" ]] ||
		umk_fail "the host's copy of big differs"
	[[ $(stat -c %s "$EXPORT/big") == $((20 * 1024 * 1024)) ]]
}

@test "rename, delete, mkdir and rmdir show on the host" {
	echo one >"$EXPORT/one"
	echo two >"$EXPORT/two"
	mkdir "$EXPORT/gone"
	hostfs_sh 'mv /mnt/one /mnt/uno && rm /mnt/two && rmdir /mnt/gone &&
mkdir -p /mnt/a/b/c && mv /mnt/uno /mnt/a/b/c/ && mv /mnt/a /mnt/z && ls /mnt'
	assert_ok
	assert_output "z"
	[[ $(cat "$EXPORT/z/b/c/uno") == one ]] || umk_fail "z/b/c/uno"
	[[ ! -e $EXPORT/two && ! -e $EXPORT/gone && ! -e $EXPORT/one ]] ||
		umk_fail "removed names are still on the host"
}

@test "rename flags, a renamed cwd, unlinked open files and readdir positions" {
	hostfs_sh '/tests/hostfs_rename /mnt; echo "status $?"'
	assert_ok
	assert_line "status 0"
	assert_line "RENAME_EXCHANGE swaps two files"
	local t=$EXPORT/rename-test
	[[ -d $t/dir && $(cat "$t/dir/x") == X && $(cat "$t/d") == A ]] ||
		umk_fail "the host's tree after the renames: $(ls -R "$t")"
	[[ $(cat "$t/moved/q/new") == new && ! -e $t/gone ]] ||
		umk_fail "the renamed cwd or the unlinked file"
	[[ $(ls "$t/many" | wc -l) == 30 ]] || umk_fail "readdir test leftovers"
}

@test "symlinks round trip: readlink agrees on both sides" {
	ln -s "relative/target" "$EXPORT/hostlink"
	hostfs_sh 'readlink /mnt/hostlink
ln -s /some/absolute/path /mnt/guestabs
ln -s ../up/../name /mnt/guestrel
stat -c %F /mnt/guestabs'
	assert_ok
	assert_output "relative/target
symbolic link"
	[[ $(readlink "$EXPORT/guestabs") == /some/absolute/path &&
		$(readlink "$EXPORT/guestrel") == ../up/../name ]] ||
		umk_fail "the host reads other symlink text"
}

@test "hard links share one file on the host" {
	echo data >"$EXPORT/orig"
	hostfs_sh 'ln /mnt/orig /mnt/link && echo more >>/mnt/link
stat -c "%h %i" /mnt/orig /mnt/link | uniq | wc -l; stat -c %h /mnt/orig'
	assert_ok
	assert_output "1
2"
	[[ $(stat -c %i "$EXPORT/orig") == $(stat -c %i "$EXPORT/link") ]] ||
		umk_fail "not one inode on the host"
	[[ $(cat "$EXPORT/orig") == "data
more" ]] || umk_fail "the write through the link is missing"
	[[ $output != *" "* ]] # inode numbers agree: uniq left one line
}

@test "inode numbers are the host's" {
	echo x >"$EXPORT/f"
	mkdir "$EXPORT/d"
	hostfs_sh 'stat -c %i /mnt/f /mnt/d'
	assert_ok
	assert_output "$(stat -c %i "$EXPORT/f" "$EXPORT/d")"
}

@test "chmod and truncate reach the host; host timestamps keep their ns" {
	echo "0123456789" >"$EXPORT/f"
	touch -d @1000000000.123456789 "$EXPORT/old"
	hostfs_sh 'chmod 640 /mnt/f
truncate -s 4 /mnt/f
stat -c %y /mnt/old | cut -d. -f2 | cut -c1-9
stat -c "%a %s" /mnt/f'
	assert_ok
	assert_output "123456789
640 4"
	[[ $(stat -c %a "$EXPORT/f") == 640 && $(cat "$EXPORT/f") == 0123 ]] ||
		umk_fail "mode or size on the host: $(stat -c '%a %s' "$EXPORT/f")"
}

@test "the vmlinux user's files show as root; chown gets the host's answer" {
	echo mine >"$EXPORT/mine"
	mkdir "$EXPORT/d"
	if umk_as_root; then
		echo theirs >"$OUTSIDE/theirs"
	fi
	own_export
	if umk_as_root; then
		cp "$OUTSIDE/theirs" "$EXPORT/theirs"
		chown 1234:4321 "$EXPORT/theirs"
	fi
	hostfs_sh 'stat -c "%n %u %g" /mnt/mine /mnt/d
[ -e /mnt/theirs ] && stat -c "%n %u %g" /mnt/theirs
chown 0:0 /mnt/mine && echo "chown to the same owner: ok"
chown 777 /mnt/mine 2>&1 | sed "s/.*: //"'
	assert_ok
	assert_line "/mnt/mine 0 0"
	assert_line "/mnt/d 0 0"
	assert_line "chown to the same owner: ok"
	assert_line "Operation not permitted"
	if umk_as_root; then
		assert_line "/mnt/theirs 1234 4321"
	fi
}

@test "mmap of a hostfs file sees what read(2) and the host see" {
	head -c $((5 * 1024 * 1024 + 77)) /dev/urandom >"$EXPORT/data"
	head -c 20000 /dev/urandom >"$EXPORT/shared"
	cp "$EXPORT/data" "$UMK_SCRATCH/data"
	hostfs_sh '/tests/hostfs_mmap /mnt/data
/tests/hostfs_mmap -w /mnt/shared
/tests/hostfs_mmap /mnt/shared'
	assert_ok
	local native
	native=$("$UMK_REPO/tests/guest/bin/hostfs_mmap" "$UMK_SCRATCH/data")
	[[ ${lines[2]} == "${native##*$'\n'}" ]] ||
		umk_fail "native checksum: $native"
	[[ $(head -2 "$EXPORT/shared") == "stored through a shared mapping
written by write(2)" ]] || umk_fail "the shared store did not reach the host"
	native=$("$UMK_REPO/tests/guest/bin/hostfs_mmap" "$EXPORT/shared")
	[[ ${lines[-1]} == "${native##*$'\n'}" ]] ||
		umk_fail "after the store, native checksum: $native"
}

@test "a program on hostfs runs from there" {
	cp "$UMK_REPO/tests/guest/bin/proc_exit_code" "$EXPORT/prog"
	chmod 755 "$EXPORT/prog"
	hostfs_sh '/mnt/prog 7; echo "status $?"'
	assert_ok
	assert_output "exiting with 7
status 7"
}

@test "a big host directory lists every entry once" {
	mkdir "$EXPORT/big"
	(cd "$EXPORT/big" && seq -f "f%04g" 1 2500 | xargs touch)
	hostfs_sh 'ls -a /mnt/big | wc -l; ls /mnt/big | sort | uniq -d | wc -l
ls /mnt/big | tail -1'
	assert_ok
	assert_output "2502
0
f2500"
}

@test "-o mounts a subdirectory, by its path in the export or on the host" {
	mkdir -p "$EXPORT/sub/dir"
	echo inner >"$EXPORT/sub/dir/file"
	local host_path
	host_path=$(realpath "$EXPORT")
	hostfs_sh "umount /mnt
mount -t hostfs none /mnt -o /sub && ls /mnt && umount /mnt
mount -t hostfs none /mnt -o $host_path/sub/dir && cat /mnt/file && umount /mnt
mount -t hostfs none /mnt -o /sub/dir/file 2>&1 | sed 's/.*: //'
mount -t hostfs none /mnt -o /sub/../.. 2>&1 | sed 's/.*: //'
mount -t hostfs none /mnt -o $OUTSIDE 2>&1 | sed 's/.*: //'
ls /mnt | wc -l"
	assert_ok
	assert_output "dir
inner
Not a directory
Invalid argument
No such file or directory
0"
}

@test "statfs reports the host filesystem's size with the hostfs magic" {
	hostfs_sh 'stat -f -c "%t %b %S" /mnt'
	assert_ok
	assert_output "c0ffee $(stat -f -c '%b %S' "$EXPORT")"
}

@test "FIFOs are guest FIFOs; host device nodes are never opened" {
	mkfifo "$EXPORT/fifo"
	if umk_as_root; then
		mknod "$EXPORT/null" c 1 3
		mknod "$EXPORT/disk" b 7 0
	fi
	hostfs_sh 'stat -c %F /mnt/fifo
(echo through the fifo >/mnt/fifo &) ; cat /mnt/fifo
if [ -e /mnt/null ]; then
	stat -c "%F %t %T" /mnt/null
	cat /mnt/null 2>&1 | sed "s/.*: //"
	echo x 2>&1 >/mnt/disk | sed "s/.*: //"
fi
mkfifo /mnt/guestfifo && stat -c %F /mnt/guestfifo'
	assert_ok
	assert_line "fifo"
	assert_line "through the fifo"
	[[ -p $EXPORT/guestfifo ]] || umk_fail "mkfifo did not reach the host"
	if umk_as_root; then
		assert_line "character special file 1 3"
		[[ $(grep -c "Permission denied" <<<"$output") == 2 ]] ||
			umk_fail "opening host device nodes was not refused"
	fi
}

@test "host changes are seen at once: no stale names or attributes" {
	echo before >"$EXPORT/f"
	echo doomed >"$EXPORT/doomed"
	own_export
	local out=$UMK_SCRATCH/console
	vmlinux_bg "$out" "ubd0=$(test_image)" "hostfs=$EXPORT" init=/bin/sh -- -c \
		'mount -t hostfs none /mnt; cat /mnt/f /mnt/doomed; ls -1 /mnt; echo ready
while [ ! -e /mnt/go ]; do sleep 0.1; done
cat /mnt/f; ls -1 /mnt; cat /mnt/doomed 2>&1 | sed "s/.*: //"; stat -c %s /mnt/f
poweroff -f'
	wait_for_line "$out" ready
	echo "after, and longer" >"$EXPORT/f"
	rm "$EXPORT/doomed"
	touch "$EXPORT/go"
	wait_bg
	run cat "$out"
	assert_output "before
doomed
doomed
f
ready
after, and longer
f
go
No such file or directory
18"
}

@test "escape: .. from the mount is the guest's tree" {
	hostfs_sh "ls /mnt/.. | grep -c '^testdata\$'
cat /mnt/../../../../../..$OUTSIDE/secret 2>&1 | sed 's/.*: //'
cd /mnt && cd ../.. && pwd"
	assert_ok
	refute_secret
	assert_output "1
No such file or directory
/"
}

@test "escape: host symlinks resolve in the guest's tree, never on the host" {
	ln -s /etc/hostname "$EXPORT/evil"
	ln -s "$OUTSIDE/secret" "$EXPORT/abs"
	ln -s "$OUTSIDE" "$EXPORT/dirlink"
	ln -s ../outside/secret "$EXPORT/rel"
	ln -s ../../.. "$EXPORT/up"
	mkdir "$EXPORT/sub"
	ln -s ../../outside "$EXPORT/sub/deep"
	hostfs_sh 'cat /mnt/evil; cat /etc/hostname
for p in abs dirlink/secret rel sub/deep/secret; do cat /mnt/$p 2>&1 | sed "s/.*: //"; done
ls /mnt/up/ | grep -c "^testdata$"
ls /mnt/dirlink/ 2>&1 | sed "s/.*: //"'
	assert_ok
	refute_secret
	assert_output "umk
umk
No such file or directory
No such file or directory
No such file or directory
No such file or directory
1
No such file or directory"
}

# Race: the host moves d out of the export, puts a secret file in it out
# there, removes it and moves d back; the guest reads d's files all along,
# by name and through a cwd inside d.  (A file the guest opened while it
# was inside stays readable wherever it goes, like any open file, so the
# secret is a new file, never inside.)
move_out_and_back() {
	mv "$EXPORT/d" "$OUTSIDE/d"
	echo "$SECRET" >"$OUTSIDE/d/leak"
	rm -f "$OUTSIDE/d/leak"
	mv "$OUTSIDE/d" "$EXPORT/d"
}

@test "escape race: a directory renamed out of the export mid-walk" {
	mkdir "$EXPORT/d"
	echo inside >"$EXPORT/d/f"
	own_export
	chmod 777 "$OUTSIDE"
	start_race move_out_and_back
	hostfs_sh 'until cd /mnt/d 2>/dev/null; do :; done
i=0; while [ $i -lt 1500 ]; do
	cat leak f /mnt/d/leak /mnt/d/f 2>/dev/null
	ls -l >/dev/null 2>&1
	i=$((i + 1))
done | sort | uniq -c | sed "s/^ *[0-9]* //"
echo done'
	stop_race
	assert_ok
	refute_secret
	assert_line done
}

# Race: the host swaps directory d for a symlink to the outside directory
# (which holds its own f) and back.
swap_for_symlink() {
	mv "$EXPORT/d" "$EXPORT/d.real"
	ln -s "$OUTSIDE" "$EXPORT/d"
	rm "$EXPORT/d"
	mv "$EXPORT/d.real" "$EXPORT/d"
}

@test "escape race: a directory swapped for a host symlink mid-walk" {
	mkdir "$EXPORT/d"
	echo inside >"$EXPORT/d/f"
	echo "$SECRET" >"$OUTSIDE/f"
	chmod 644 "$OUTSIDE/f"
	own_export
	start_race swap_for_symlink
	hostfs_sh 'i=0; while [ $i -lt 1500 ]; do
	cat /mnt/d/f /mnt/d/secret 2>/dev/null
	(cd /mnt/d 2>/dev/null && cat f secret 2>/dev/null)
	i=$((i + 1))
done | sort | uniq -c | sed "s/^ *[0-9]* //"
echo done'
	stop_race
	assert_ok
	refute_secret
	assert_line done
	assert_line inside
}
