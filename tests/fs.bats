#!/usr/bin/env bats
# The ext4 root read back through the kernel, compared with the host copy of
# /testdata (tests/helpers/mkimage), plus tmpfs, procfs and the mem devices.
# The owners, modes and device numbers here are set by image-hook.sh.
# bats file_tags=fs,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# sha256sum of every regular file under /testdata except bigdir, as the
# host recorded it.
want_sums() {
	grep -v '  \./bigdir/' "$UMK_IMAGES/data.sha256"
}

SUMS_SCRIPT='cd /testdata && find . -path ./bigdir -prune -o -type f -print | sort | xargs sha256sum'

@test "file contents match the host's (4 KiB blocks)" {
	guest_sh "$SUMS_SCRIPT"
	assert_ok
	assert_output "$(want_sums)"
}

@test "file contents match the host's (1 KiB blocks)" {
	UMK_IMG=$(test_image rootfs-1k) guest_sh "$SUMS_SCRIPT"
	assert_ok
	assert_output "$(want_sums)"
}

@test "sizes are exact, and a sparse file reads its holes as zeros" {
	guest_sh 'cd /testdata/files
stat -c "%n %s" empty one size-4095 size-4096 size-4097 size-1048579 sparse
dd if=sparse bs=4096 skip=1 count=1 2>/dev/null | tr -d "\0" | wc -c
dd if=sparse bs=4096 skip=1000 count=1 2>/dev/null | wc -c'
	assert_ok
	assert_output "empty 0
one 1
size-4095 4095
size-4096 4096
size-4097 4097
size-1048579 1048579
sparse 8388608
0
4096"
}

# A directory of 3000 files: the listing, and lookups of a few names.
BIGDIR_SCRIPT='ls /testdata/bigdir | wc -l
ls /testdata/bigdir | md5sum
cat /testdata/bigdir/f0000 /testdata/bigdir/f1500 /testdata/bigdir/f2999
cat /testdata/bigdir/f3000 2>&1 | sed "s/^.*: //"
stat -c %h /testdata/bigdir'

bigdir_want() {
	local sum
	sum=$(cd "$UMK_IMAGES/data/bigdir" && LC_ALL=C ls | md5sum)
	printf '%s\n' 3000 "$sum" f0000 f1500 f2999 \
		"No such file or directory" 2
}

@test "a directory of 3000 files lists and looks up (linear directory)" {
	guest_sh "$BIGDIR_SCRIPT"
	assert_ok
	assert_output "$(bigdir_want)"
}

@test "a directory of 3000 files lists and looks up (htree index)" {
	UMK_IMG=$(test_image rootfs-htree) guest_sh "$BIGDIR_SCRIPT"
	assert_ok
	assert_output "$(bigdir_want)"
}

@test "symlinks: fast, slow, absolute, to a directory, dangling, looping" {
	slow=$(readlink "$UMK_IMAGES/data/links/slow")
	guest_sh 'cd /testdata/links
readlink fast; readlink slow; readlink absolute
cat fast slow absolute dir/hello.txt
ls -1 dir/ | head -n 3
cat dangling 2>&1 | sed "s/^.*: //"
cat loop1 2>&1 | sed "s/^.*: //"
stat -c "%F %s" fast slow
[ "$(stat -c %i hard)" = "$(stat -c %i ../files/hello.txt)" ] && echo same inode
stat -c %h hard'
	assert_ok
	assert_output "../files/hello.txt
$slow
/testdata/files/hello.txt
hello from the image
hello from the image
hello from the image
hello from the image
empty
hello.txt
one
No such file or directory
Too many levels of symbolic links
symbolic link 18
symbolic link ${#slow}
same inode
2"
}

@test "device nodes keep their type and major:minor" {
	guest_sh 'stat -c "%n %F %t %T" /testdata/dev/*'
	assert_ok
	assert_output "/testdata/dev/big character special file 12c 11170
/testdata/dev/fifo fifo 0 0
/testdata/dev/null character special file 1 3
/testdata/dev/sda block special file 8 0
/testdata/dev/ubda block special file 62 0
/testdata/dev/zero character special file 1 5"
}

@test "permissions and ownership are as stored" {
	guest_sh 'stat -c "%n %a %u %g" /testdata/perms/* /etc/passwd /root /tmp /bin/busybox'
	assert_ok
	assert_output "/testdata/perms/d0700 700 1000 100
/testdata/perms/d1777 1777 0 0
/testdata/perms/p0000 0 0 0
/testdata/perms/p0444 444 65534 65534
/testdata/perms/p0600 600 1000 1000
/testdata/perms/p2750 2750 0 50
/testdata/perms/p4755 4755 0 0
/etc/passwd 644 0 0
/root 700 0 0
/tmp 1777 0 0
/bin/busybox 755 0 0"
}

@test "the image's configuration files are there" {
	guest_sh 'cat /etc/hostname; head -n 1 /etc/passwd; readlink /sbin/init; readlink /bin/sh
ls -l /dev/console /dev/null | cut -c 1'
	assert_ok
	assert_output "umk
root::0:0:root:/root:/bin/sh
/bin/busybox
/bin/busybox
c
c"
}

@test "tmpfs on /tmp: write, read, grow, remove" {
	guest_rc 'grep " /tmp " /proc/mounts | cut -d " " -f 3
echo data >/tmp/x; cat /tmp/x
dd if=/dev/zero of=/tmp/big bs=1024 count=8192 2>/dev/null; stat -c %s /tmp/big
mkdir /tmp/d; echo y >/tmp/d/y; ls -1 /tmp
rm -r /tmp/big /tmp/d; ls -1 /tmp'
	assert_ok
	assert_output "tmpfs
data
8388608
big
d
x
x"
}

@test "/proc/mounts lists the root, proc and tmpfs" {
	guest_rc 'awk "{ print \$2, \$3 }" /proc/mounts | grep -E "^/(proc|tmp|run)? "'
	assert_ok
	assert_line "/ ext4"
	assert_line "/proc proc"
	assert_line "/tmp tmpfs"
	assert_line "/run tmpfs"
}

@test "/proc/self/stat names the process, its state and parent" {
	guest_rc 'sh -c '"'"'echo "$$ $PPID"; exec cat /proc/self/stat'"'"
	assert_ok
	read -r pid ppid <<<"${lines[0]}"
	read -r spid scomm sstate sppid _ <<<"${lines[1]}"
	[[ $spid == "$pid" && $scomm == "(cat)" && $sstate == R && $sppid == "$ppid" ]] ||
		umk_fail "want '$pid (cat) R $ppid ...'"
}

@test "/proc/meminfo has MemTotal and MemFree in kB" {
	guest_rc 'grep -E "^Mem(Total|Free):" /proc/meminfo'
	assert_ok
	[[ ${lines[0]} =~ ^MemTotal:\ +([0-9]+)\ kB$ ]] || umk_fail "MemTotal line"
	total=${BASH_REMATCH[1]}
	[[ ${lines[1]} =~ ^MemFree:\ +([0-9]+)\ kB$ ]] || umk_fail "MemFree line"
	free=${BASH_REMATCH[1]}
	((total > 0 && free > 0 && free <= total)) || umk_fail "total $total free $free"
}

@test "/proc/cpuinfo describes at least one processor" {
	guest_rc 'grep -c "^processor" /proc/cpuinfo; grep -m 1 "^vendor_id" /proc/cpuinfo | cut -d : -f 1'
	assert_ok
	((${lines[0]} >= 1)) || umk_fail "no processor lines"
	[[ ${lines[1]} == vendor_id* ]] || umk_fail "no vendor_id"
}

@test "/proc/uptime advances by about a second over sleep 1" {
	guest_rc 'cat /proc/uptime; sleep 1; cat /proc/uptime'
	assert_ok
	[[ ${lines[0]} =~ ^([0-9]+)\.([0-9]{2})\ [0-9]+\.[0-9]{2}$ ]] || umk_fail "format"
	a=$((10#${BASH_REMATCH[1]} * 100 + 10#${BASH_REMATCH[2]}))
	[[ ${lines[1]} =~ ^([0-9]+)\.([0-9]{2})\ [0-9]+\.[0-9]{2}$ ]] || umk_fail "format"
	b=$((10#${BASH_REMATCH[1]} * 100 + 10#${BASH_REMATCH[2]}))
	((b - a >= 95 && b - a < 1000)) || umk_fail "uptime went from $a to $b (1/100 s)"
}

@test "ps lists init, a background sleep and itself" {
	guest_rc 'sleep 30 & ps; kill $!; wait'
	assert_ok
	[[ ${lines[0]} == *PID* ]] || umk_fail "no header"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *1 .*sh' || umk_fail "no pid 1 sh"
	printf '%s\n' "${lines[@]}" | grep -Eq 'sleep 30$' || umk_fail "no sleep 30"
	# busybox may run ps in a forked shell: "{ps} /bin/sh -c ..."
	printf '%s\n' "${lines[@]}" | grep -Eq '\{ps\}|[ /]ps$' || umk_fail "no ps"
}

@test "/dev/null, /dev/zero, /dev/full and /dev/urandom behave" {
	guest_rc 'echo gone >/dev/null; echo "null write=$?"
cat /dev/null | wc -c
head -c 1000 /dev/zero | wc -c
head -c 1000 /dev/zero | tr -d "\0" | wc -c
head -c 5 /dev/full | wc -c
if (echo x >/dev/full) 2>&1; then echo "full write ok"; fi
head -c 16 /dev/urandom | wc -c
a=$(head -c 16 /dev/urandom | md5sum); b=$(head -c 16 /dev/urandom | md5sum)
[ "$a" != "$b" ] && echo urandom differs
stat -c "%n %t %T" /dev/null /dev/zero /dev/full /dev/urandom'
	assert_ok
	assert_output_contains "No space left on device"
	refute_line "full write ok"
	assert_line "null write=0"
	[[ $(printf '%s\n' "${lines[@]}" | grep -Ex '[0-9]+' | tr '\n' ' ') == \
		"0 1000 0 5 16 " ]] || umk_fail "byte counts"
	assert_line "urandom differs"
	assert_line "/dev/null 1 3"
	assert_line "/dev/zero 1 5"
	assert_line "/dev/full 1 7"
	assert_line "/dev/urandom 1 9"
}

@test "read-only use leaves the image clean" {
	img=$(test_image)
	UMK_IMG=$img guest_rc 'cat /testdata/files/hello.txt; ls -R / >/dev/null'
	assert_ok
	assert_line "hello from the image"
	assert_image_clean "$img"
}
