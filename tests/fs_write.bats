#!/usr/bin/env bats
# Writes to the ext4 root (mounted with rw, as Linux needs to write it):
# they persist across shutdown and reboot, the host
# reads them back with debugfs, and e2fsck -fn finds the image clean.
# bats file_tags=fs,write,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# debugfs_cat IMG PATH: the file's contents, read by the host.
debugfs_cat() {
	debugfs -R "cat $2" "$1" 2>/dev/null
}

@test "a file written in the guest is in the image after poweroff" {
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'echo "written by umk" >/root/note; sync'
	assert_ok
	[[ $(debugfs_cat "$img" /root/note) == "written by umk" ]] ||
		umk_fail "debugfs does not see /root/note"
	assert_image_clean "$img"
}

@test "a big file, appends and a rename survive a reboot" {
	img=$(test_image)
	UMK_IMG=$img guest_rc rw 'dd if=/dev/zero of=/big bs=4096 count=2048 2>/dev/null
echo one >/log; echo two >>/log; mv /log /log2; stat -c %s /big'
	assert_ok
	assert_output 8388608
	UMK_IMG=$img guest_sh rw 'stat -c %s /big; cat /log2; ls /log 2>&1 | sed "s/^.*: //"'
	assert_ok
	assert_output "8388608
one
two
No such file or directory"
	assert_image_clean "$img"
}

@test "creating and removing many files and directories leaves a clean image" {
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'mkdir -p /w/a/b/c
i=0; while [ $i -lt 500 ]; do echo $i >/w/f$i; i=$((i + 1)); done
rm /w/f1*; rmdir /w/a/b/c
ln -s f2 /w/link; ln /w/f3 /w/hard
ls /w | wc -l'
	assert_ok
	assert_output "392"
	assert_image_clean "$img"
	[[ $(debugfs_cat "$img" /w/hard) == 3 ]] || umk_fail "hard link content"
}

@test "a file removed in the guest frees its blocks" {
	img=$(test_image)
	free_before=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ { print $2 + 0 }')
	UMK_IMG=$img guest_rc rw 'dd if=/dev/zero of=/tmpfile bs=4096 count=1024 2>/dev/null
stat -c %s /tmpfile; rm /tmpfile; sync'
	assert_ok
	assert_output 4194304
	assert_image_clean "$img"
	free_after=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks/ { print $2 + 0 }')
	((free_before - free_after < 64)) ||
		umk_fail "free blocks went from $free_before to $free_after"
}

@test "3000 files written in one boot: more than a 1024-fd soft limit" {
	# Every cached file holds a host memfd; vmlinux takes the hard limit.
	(($(ulimit -Hn) >= 4096)) || skip "the hard fd limit is below 4096"
	ulimit -Sn 1024
	img=$(test_image)
	UMK_IMG=$img guest_sh rw 'mkdir /many; cd /many
i=0; while [ $i -lt 3000 ]; do echo $i >f$i || exit 1; i=$((i + 1)); done
ls | wc -l; cat f2999'
	assert_ok
	assert_output "3000
2999"
	assert_image_clean "$img"
	[[ $(debugfs_cat "$img" /many/f1500) == 1500 ]] || umk_fail "f1500"
}

# replay IMG: what the next mount would see: the journal replayed.
replay() {
	e2fsck -p -E journal_only "$1" >/dev/null 2>&1 || true
}

@test "an O_SYNC write is in the image when the kernel is killed right after it" {
	img=$(test_image)
	out=$BATS_TEST_TMPDIR/console
	vmlinux_bg "$out" "ubd0=$img" rw init=/bin/sh -- -c \
		'/tests/fs_direct_io osync /root/synced "on the disk at once"'
	wait_for_line "$out" written
	kill_vmlinux
	replay "$img"
	[[ $(debugfs_cat "$img" /root/synced) == "on the disk at once" ]] ||
		umk_fail "the O_SYNC write is not in the image after the kill"
	assert_image_clean "$img"
}

# --- workloads ------------------------------------------------------------
# Each ends with e2fsck -fn on every image the guest wrote.

# scratch_disk SIZE [DIR]: a new ext4 image of SIZE for ubd1, made like the
# test image (holding DIR's files if given); prints its path.  The guest
# mounts it with $MOUNT_SCRATCH and unmounts it with $UMOUNT_SCRATCH.
scratch_disk() {
	local img=$UMK_T/scratch.img
	: >"$img" # else mke2fs says "Creating regular file"
	mke2fs -q -F -t ext4 ${2:+-d "$2"} "$img" "$1" || return 1
	if umk_as_root; then
		chown "$UMK_TEST_USER" "$img"
	fi
	echo "$img"
}
MOUNT_SCRATCH='mkdir -p /tmp/s && mount -t ext4 /dev/ubdb /tmp/s || exit 1'
UMOUNT_SCRATCH='cd / && umount /tmp/s'

# make_tree DIR: a tree of 150 directories, 3000 files of every size from
# empty to 2 MB (about 40 MB of random bytes), 200 hard links and 200
# symbolic links (relative, to files and directories, some dangling, some
# longer than fits in an inode), the same on every run.
make_tree() {
	python3 - "$1" <<'PY'
import os, random, sys
root, r = sys.argv[1], random.Random(4242)
os.makedirs(root)
dirs, files = [root], []
for i in range(150):
    d = os.path.join(r.choice(dirs), "dir%03d" % i)
    os.mkdir(d)
    dirs.append(d)
for i in range(3000):
    if i % 150 == 0:
        n = r.randrange(500000, 2000000)
    elif i % 10 == 0:
        n = r.randrange(1, 40000)
    else:
        n = r.choice([0, 1, 100, 4095, 4096, 4097, 10000])
    p = os.path.join(r.choice(dirs), "f%04d.dat" % i)
    with open(p, "wb") as f:
        f.write(r.randbytes(n))
    files.append(p)
for i in range(200):
    os.link(r.choice(files), os.path.join(r.choice(dirs), "hard%03d" % i))
for i in range(200):
    d = r.choice(dirs)
    target = "nowhere/%d" % i if i % 7 == 0 else \
        os.path.relpath(r.choice(files + dirs), d)
    os.symlink(target, os.path.join(d, "sym%03d" % i))
PY
}

# The listing both sides compare: checksums of the regular files, then
# mode, link count and name of everything, then the symbolic links'
# targets; run in the tree's parent by sh (bash on the host, busybox in
# the guest).
MANIFEST='cd tree && find . -type f | sort | xargs sha256sum &&
find . | sort | xargs stat -c "%f %h %n" &&
find . -type l | sort | while read -r l; do echo "$l -> $(readlink "$l")"; done'

@test "untar a tree of 3000 files with hard and symbolic links: the guest's copy matches" {
	local d=$BATS_TEST_TMPDIR
	make_tree "$d/src/tree"
	mkdir "$d/disk"
	tar -C "$d/src" -cf "$d/disk/tree.tar" tree
	(cd "$d/src" && LC_ALL=C sh -c "$MANIFEST") >"$d/want"
	(($(wc -l <"$d/want") > 6000)) || umk_fail "the host's listing is short"
	img=$(test_image)
	scratch=$(scratch_disk 256M "$d/disk")
	UMK_IMG=$img guest_rc rw "ubd1=$scratch" "$MOUNT_SCRATCH
mkdir /tmp/s/x && tar -C /tmp/s/x -xf /tmp/s/tree.tar || exit 1
(cd /tmp/s/x && sh -c '$MANIFEST') >/tmp/s/manifest || exit 1
wc -l </tmp/s/manifest
$UMOUNT_SCRATCH"
	assert_ok
	assert_output "$(wc -l <"$d/want")"
	debugfs -R "dump /manifest $d/got" "$scratch" 2>/dev/null
	diff -u "$d/want" "$d/got" | head -20 >&2 ||
		umk_fail "the extracted tree differs from the host's"
	cmp -s "$d/want" "$d/got" || umk_fail "the listings differ"
	assert_image_clean "$scratch"
	assert_image_clean "$img"
}

# free_inodes IMG: the superblock's count of free inodes.
free_inodes() {
	dumpe2fs -h "$1" 2>/dev/null | awk -F: '/^Free inodes/ { print $2 + 0 }'
}

@test "10000 files created and deleted leave a clean image and every inode free again" {
	scratch=$(scratch_disk 320M)
	before=$(free_inodes "$scratch")
	# About 30 s: more than the default limit of one boot.
	UMK_CALL_TIMEOUT=120 guest_rc "ubd1=$scratch" "$MOUNT_SCRATCH
mkdir /tmp/s/many && cd /tmp/s/many || exit 1
i=0; while [ \$i -lt 10000 ]; do echo \$i >f\$i || exit 1; i=\$((i + 1)); done
ls | wc -l; cat f9999
rm f*7; ls | wc -l
cd /tmp/s && rm -r many && ls -d many 2>&1 | sed 's/^.*: //'
$UMOUNT_SCRATCH"
	assert_ok
	assert_output "10000
9999
9000
No such file or directory"
	assert_image_clean "$scratch"
	[[ $(free_inodes "$scratch") == "$before" ]] ||
		umk_fail "free inodes: $before before, $(free_inodes "$scratch") after"
}

# same_on_ext4 PROG: the guest program PROG, run in a directory under the
# guest's ext4 /root, prints what it prints on the host (in /tmp), and
# leaves the image clean.
same_on_ext4() {
	local want
	want=$(cd /tmp && env -i "$UMK_REPO/tests/guest/bin/$1") ||
		umk_fail "$1 fails natively"
	img=$(test_image)
	UMK_IMG=$img guest_rc rw "/tests/$1 /root"
	assert_ok
	assert_output "$want"
	assert_image_clean "$img"
}

@test "a rename storm on ext4 (replacing, RENAME_NOREPLACE, RENAME_EXCHANGE) ends as on the host" {
	same_on_ext4 fs_rename_storm
}

# 200 MB that differ from MB to MB: a counter line, then the same 1 MB of
# numbers; sh on both sides makes it (seq alone is slow in the guest).
GEN_BIG='seq 1 120000 | head -c 1048576 >blk && i=0 &&
while [ $i -lt 200 ]; do echo "block $i"; cat blk; i=$((i + 1)); done'

@test "a 200 MB file reads back with the host's sha256, cached, direct and after a reboot" {
	local d=$BATS_TEST_TMPDIR
	want=$(cd "$d" && sh -c "$GEN_BIG" | sha256sum | cut -d' ' -f1)
	size=$(cd "$d" && sh -c "$GEN_BIG" | wc -c)
	img=$(test_image)
	scratch=$(scratch_disk 320M)
	UMK_IMG=$img UMK_CALL_TIMEOUT=120 guest_rc "ubd1=$scratch" "$MOUNT_SCRATCH
(cd /tmp && sh -c '$GEN_BIG') >/tmp/s/big || exit 1
stat -c %s /tmp/s/big
sha256sum </tmp/s/big
dd if=/tmp/s/big iflag=direct bs=1M 2>/dev/null | sha256sum
$UMOUNT_SCRATCH"
	assert_ok
	assert_output "$size
$want  -
$want  -"
	UMK_IMG=$img UMK_CALL_TIMEOUT=120 guest_rc "ubd1=$scratch" "$MOUNT_SCRATCH
sha256sum </tmp/s/big
$UMOUNT_SCRATCH"
	assert_ok
	assert_output "$want  -"
	assert_image_clean "$scratch"
	debugfs -R "dump /big $d/big" "$scratch" 2>/dev/null
	[[ $(sha256sum <"$d/big") == "$want  -" ]] ||
		umk_fail "the image holds other bytes than the guest wrote"
}

@test "hard links and symbolic links on ext4 survive a reboot and e2fsck" {
	img=$(test_image)
	UMK_IMG=$img guest_rc rw 'mkdir -p /l/a /l/b && cd /l || exit 1
echo data >a/orig; ln a/orig b/h1; ln a/orig h2; ln b/h1 a/h3
stat -c %h a/orig; rm a/orig; stat -c %h b/h1; cat h2
ln -s ../a/h3 b/rel; ln -s /l/h2 abs; ln -s nowhere dangling; ln -s /l/a dirlink
long=$(printf "seg%04d/" $(seq 1 400)); ln -s "$long" longlink
cat b/rel abs; ls dirlink; cat dangling 2>&1 | sed "s/^.*: //"
readlink longlink | wc -c; ln dangling hardsym; stat -c %h dangling'
	assert_ok
	assert_output "4
3
data
data
data
h3
No such file or directory
3201
2"
	UMK_IMG=$img guest_sh 'cd /l && stat -c %h b/h1 && cat a/h3 b/rel abs &&
{ readlink dangling; readlink longlink; } | wc -c && stat -c %h hardsym && ls dirlink/'
	assert_ok
	assert_output "3
data
data
data
3209
2
h3"
	assert_image_clean "$img"
	debugfs -R "stat /l/b/h1" "$img" 2>/dev/null | grep -q "Links: 3" ||
		umk_fail "debugfs does not see three links"
}

@test "many extended attributes on ext4, in inodes and shared blocks, end as on the host" {
	same_on_ext4 fs_xattr_many
}

@test "O_DIRECT: ext4 takes it, tmpfs and hostfs refuse it with EINVAL as Linux 6.1 and UML" {
	own=$UMK_T/export
	mkdir -p "$own"
	umk_as_root && chown "$UMK_TEST_USER" "$own"
	img=$(test_image)
	UMK_IMG=$img guest_rc rw "hostfs=$own" 'mount -t hostfs none /mnt || exit 1
for f in /root/direct /tmp/direct /mnt/direct; do /tests/fs_direct_io probe $f; done
ls /mnt'
	assert_ok
	assert_output "/root/direct: O_DIRECT
/tmp/direct: EINVAL
/mnt/direct: EINVAL
direct"
	assert_image_clean "$img"
}
