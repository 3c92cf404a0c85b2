#!/usr/bin/env bats
# tools/mkrootfs, checked on the host with e2fsck and debugfs: no kernel.
# bats file_tags=mkrootfs

load helpers/common

MKROOTFS=$BATS_TEST_DIRNAME/../tools/mkrootfs

setup_file() {
	export BASE_IMG=$BATS_FILE_TMPDIR/base.img
	"$MKROOTFS" busybox "$BASE_IMG"
}

# debugfs ls -p of DIR in IMG: one "mode uid gid name" line per entry.
ls_image() {
	debugfs -R "ls -p $2" "$1" 2>/dev/null |
		awk -F/ 'NF >= 6 && $6 != "." && $6 != ".." { print $3, $4, $5, $6 }'
}

@test "--help explains the modes and options and exits 0" {
	run "$MKROOTFS" --help
	[ "$status" -eq 0 ]
	for w in busybox debian --size --add --hook; do
		[[ $output == *"$w"* ]] || { echo "# --help lacks $w" >&2; return 1; }
	done
}

@test "debian mode checks its options before building anything: exit 2" {
	run "$MKROOTFS" debian "$BATS_TEST_TMPDIR/d.img" --packages 'bad;name'
	[ "$status" -eq 2 ]
	[[ $output == *"not a package name"* ]]
	run "$MKROOTFS" debian "$BATS_TEST_TMPDIR/d.img" --cache
	[ "$status" -eq 2 ]
	run "$MKROOTFS" busybox "$BATS_TEST_TMPDIR/d.img" --packages bash
	[ "$status" -eq 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/d.img" ]
}

@test "bad usage exits 2" {
	run "$MKROOTFS"
	[ "$status" -eq 2 ]
	run "$MKROOTFS" floppy x.img
	[ "$status" -eq 2 ]
	run "$MKROOTFS" busybox
	[ "$status" -eq 2 ]
	run "$MKROOTFS" busybox x.img --size lots
	[ "$status" -eq 2 ]
	run "$MKROOTFS" busybox x.img --frob
	[ "$status" -eq 2 ]
	run "$MKROOTFS" busybox x.img --add nocolon
	[ "$status" -eq 2 ]
}

@test "the image is a clean ext4 filesystem labelled umk-root" {
	run e2fsck -fn "$BASE_IMG"
	[ "$status" -eq 0 ]
	run dumpe2fs -h "$BASE_IMG"
	[[ $output == *"Filesystem volume name:   umk-root"* ]]
	[[ $output == *"extent"* && $output == *"has_journal"* ]]
	[ "$(stat -c %s "$BASE_IMG")" -eq $((64 << 20)) ]
}

@test "every file in the image belongs to root" {
	bad=$(for d in / /bin /sbin /etc /etc/init.d /dev /usr/bin /usr/sbin; do
		ls_image "$BASE_IMG" "$d" | awk '$2 != 0 || $3 != 0'
	done)
	[[ -z $bad ]] || { echo "# not root-owned: $bad" >&2; return 1; }
	[ "$(ls_image "$BASE_IMG" / | wc -l)" -eq 13 ]
}

@test "the top level has the standard directories with the right modes" {
	run ls_image "$BASE_IMG" /
	for want in "040755 0 0 bin" "040755 0 0 sbin" "040755 0 0 etc" \
		"040755 0 0 dev" "040755 0 0 proc" "040755 0 0 sys" "041777 0 0 tmp" \
		"040755 0 0 run" "040700 0 0 root" "040755 0 0 home" "040755 0 0 mnt" \
		"040755 0 0 usr"; do
		[[ $'\n'$output$'\n' == *$'\n'"$want"$'\n'* ]] ||
			{ echo "# missing: $want" >&2; return 1; }
	done
}

@test "busybox is static, init and sh are applet symlinks" {
	bb=$BATS_TEST_TMPDIR/busybox
	debugfs -R "dump /bin/busybox $bb" "$BASE_IMG" 2>/dev/null
	chmod +x "$bb"
	! readelf -lW "$bb" | grep -q 'program interpreter'
	for l in /sbin/init /bin/sh /bin/ls /usr/bin/awk /sbin/poweroff; do
		run debugfs -R "stat $l" "$BASE_IMG"
		[[ $output == *"Type: symlink"* && $output == *'"/bin/busybox"'* ]] ||
			{ echo "# $l is not a symlink to /bin/busybox" >&2; return 1; }
	done
	n=$(for d in /bin /sbin /usr/bin /usr/sbin; do
		ls_image "$BASE_IMG" "$d"; done | grep -c '^120777 ')
	want=$(("$("$bb" --list-full | grep -c /)" - 1))	# not bin/busybox
	[ "$n" -eq "$want" ]
}

@test "/dev/console and /dev/null are device nodes" {
	run debugfs -R 'stat /dev/console' "$BASE_IMG"
	[[ $output == *"Type: character special"* && $output == *"major/minor number: 05:01"* ]]
	run debugfs -R 'stat /dev/null' "$BASE_IMG"
	[[ $output == *"Type: character special"* && $output == *"major/minor number: 01:03"* ]]
}

@test "inittab, rcS, passwd, group, hostname and profile are in place" {
	cat_img() { debugfs -R "cat $1" "$BASE_IMG" 2>/dev/null; }
	[[ $(cat_img /etc/inittab) == *"::sysinit:/etc/init.d/rcS"* ]]
	[[ $(cat_img /etc/inittab) == *"::respawn:-/bin/sh"* ]]
	[[ $(cat_img /etc/inittab) == *"::shutdown:/bin/umount -a -r"* ]]
	[[ $(cat_img /etc/inittab) == *"::ctrlaltdel:"* ]]
	rcs=$(cat_img /etc/init.d/rcS)
	[[ $rcs == "#!/bin/sh"* && $rcs == *"mount -t proc proc /proc"* ]]
	[[ $rcs == *"tmpfs /tmp"* && $rcs == *"tmpfs /run"* ]]
	run debugfs -R 'stat /etc/init.d/rcS' "$BASE_IMG"
	[[ $output == *"Mode:  0755"* ]]
	[[ $(cat_img /etc/passwd) == "root::0:0:root:/root:/bin/sh"* ]]
	[[ $(cat_img /etc/group) == "root:x:0:"* ]]
	[ "$(cat_img /etc/hostname)" = umk ]
	[[ $(cat_img /etc/profile) == *"PS1='umk:\w\\$ '"* ]]
	# The boot script itself is valid sh.
	cat_img /etc/init.d/rcS >"$BATS_TEST_TMPDIR/rcS"
	sh -n "$BATS_TEST_TMPDIR/rcS"
}

@test "--add copies directories and files, --hook runs under fakeroot, --size" {
	src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/sub"
	echo one >"$src/a"
	echo two >"$src/sub/b"
	chmod 640 "$src/a"
	echo single >"$BATS_TEST_TMPDIR/single"
	printf 'chown 7:8 extra/a\nmknod extra/tty c 4 1\n' >"$BATS_TEST_TMPDIR/hook"
	img=$BATS_TEST_TMPDIR/add.img
	run "$MKROOTFS" busybox "$img" --size 32M --add "$src:/extra" \
		--add "$BATS_TEST_TMPDIR/single:/etc/single.conf" \
		--hook "$BATS_TEST_TMPDIR/hook"
	[ "$status" -eq 0 ]
	e2fsck -fn "$img"
	[ "$(stat -c %s "$img")" -eq $((32 << 20)) ]
	[ "$(debugfs -R 'cat /extra/sub/b' "$img" 2>/dev/null)" = two ]
	[ "$(debugfs -R 'cat /etc/single.conf' "$img" 2>/dev/null)" = single ]
	run ls_image "$img" /extra
	[[ $output == *"100640 7 8 a"* ]]
	[[ $output == *"040755 0 0 sub"* ]]
	run debugfs -R 'stat /extra/tty' "$img"
	[[ $output == *"major/minor number: 04:01"* ]]
}

@test "works as an unprivileged user, and the files still belong to root" {
	[[ $(id -u) == 0 ]] || skip "run as root to test the unprivileged path"
	dir=$(mktemp -d /tmp/mkrootfs-test.XXXXXX)
	chown 65534:65534 "$dir"
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		env HOME="$dir" TMPDIR="$dir" "$MKROOTFS" busybox "$dir/u.img"
	st=$status
	[ "$st" -eq 0 ] || { echo "$output" >&2; rm -rf "$dir"; return 1; }
	e2fsck -fn "$dir/u.img"
	owners=$(ls_image "$dir/u.img" /etc | awk '{ print $2, $3 }' | sort -u)
	rm -rf "$dir"
	[ "$owners" = "0 0" ]
}
