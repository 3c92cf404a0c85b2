#!/bin/sh
# Fixtures for tests/unit/ext4_test.c: a populated source tree, a manifest of
# its metadata and a set of ext2/3/4 images made from it with mke2fs -d.
#
#   ext4_fixture.sh OUTDIR
#
# The plain files are made first; then the script runs itself again under
# fakeroot (when available) to give files owners and make device nodes
# without privileges, and to run mke2fs so that it sees them.  The manifest
# records what mke2fs saw (mode, uid, gid, size, rdev, mtime, links), since
# outside fakeroot the tree shows only plain files.  The test compares what
# the driver reads from each image against the trees and the manifests.
set -eu

out=$1
tree=$out/tree
lite=$out/lite
small=$out/small

# Random bytes, reproducible per name.
rnd() {
	n=$1
	seed=$2
	openssl enc -aes-128-ctr -nosalt -pass "pass:$seed" -pbkdf2 \
		</dev/zero 2>/dev/null | head -c "$n" ||
		head -c "$n" /dev/urandom
}

# populate DIR LEVEL: 0 small, 1 without the big directory and the files
# that end in a hole, 2 everything.
populate() {
	d=$1
	level=$2
	mkdir -p "$d"
	printf 'hello, world\n' >"$d/hello.txt"
	ln "$d/hello.txt" "$d/hello-link"
	: >"$d/empty"
	printf x >"$d/one"
	rnd 1024 k1 >"$d/exact1k"
	rnd 4096 k4 >"$d/exact4k"
	mkdir -p "$d/dir/sub/deeper" "$d/emptydir"
	printf 'deep\n' >"$d/dir/sub/deeper/leaf.txt"
	printf 'two\n' >"$d/dir/two"
	ln -s hello.txt "$d/fast-link"
	ln -s ../hello.txt "$d/dir/up-link"
	ln -s "$(printf 'a%.0s' $(seq 1 100))/target-of-a-slow-symlink" \
		"$d/slow-link"
	ln -s nowhere "$d/dangling"
	touch -d '2001-02-03 04:05:06.123456789' "$d/hello.txt"
	touch -d '2100-01-01 00:00:01.5' "$d/one"
	# Many small pieces with holes between them: many extents.
	i=0
	while [ $i -lt 60 ]; do
		rnd 4096 "frag$i" | dd of="$d/frag" bs=4096 seek=$((i * 3)) \
			conv=notrunc status=none
		i=$((i + 1))
	done
	# Enough names for a hash-indexed directory even in the small tree.
	mkdir "$d/many"
	i=0
	while [ $i -lt 200 ]; do
		printf '%s' "$i" >"$d/many/name-$i"
		i=$((i + 1))
	done
	if [ "$level" = 0 ]; then
		return
	fi
	rnd 1500000 contig >"$d/contig"
	rnd 4096 s0 | dd of="$d/sparse" bs=1 seek=0 conv=notrunc status=none
	rnd 5000 s1 | dd of="$d/sparse" bs=1 seek=5000000 conv=notrunc \
		status=none
	rnd 9000 s2 | dd of="$d/sparse" bs=1 seek=70000000 conv=notrunc \
		status=none
	rnd 100 s3 | dd of="$d/sparse" bs=1 seek=83886000 conv=notrunc \
		status=none
	ln -s "$(printf 'b%.0s' $(seq 1 900))" "$d/long-link"
	printf 'sp\n' >"$d/with space"
	printf 'u\n' >"$d/ünïcödé"
	printf 'long\n' >"$d/$(printf 'n%.0s' $(seq 1 255))"
	mkfifo "$d/fifo"
	printf 'owned\n' >"$d/owned"
	printf 'bigids\n' >"$d/bigids"
	printf 'suid\n' >"$d/suid"
	printf 'private\n' >"$d/private"
	mkdir "$d/sticky"
	chmod 4755 "$d/suid"
	chmod 0600 "$d/private"
	chmod 1777 "$d/sticky"
	touch -d '1960-06-07 08:09:10' "$d/empty"
	if [ "$level" = 1 ]; then
		return
	fi
	truncate -s 1000000 "$d/hole-at-end"
	printf 'start' | dd of="$d/hole-at-end" conv=notrunc status=none
	rnd 5000 pre >"$d/prealloc"
	truncate -s 40960 "$d/prealloc"
	mkdir "$d/big"
	i=0
	while [ $i -lt 5000 ]; do
		: >"$d/big/entry-number-$i-with-a-longish-name"
		i=$((i + 1))
	done
}

# Owners and device nodes, as (fake) root.
specials() {
	d=$1
	if [ "$(id -u)" != 0 ]; then
		return
	fi
	chown 1000:1000 "$d/owned"
	chown 70000:80000 "$d/bigids"
	mknod "$d/null" c 1 3
	mknod "$d/sda1" b 8 1
	mknod "$d/bigdev" c 300 70000
}

manifest() {
	(cd "$1" && find . -exec stat -c '%n|%f|%u|%g|%s|%t|%T|%.9Y|%h' {} +) \
		>"$2"
}

# mke2fs IMAGE SIZE TREE ARGS...
mkimg() {
	img=$1
	size=$2
	src=$3
	shift 3
	rm -f "$img"
	mke2fs -q -F -E root_owner=0:0 -d "$src" "$@" "$img" "$size" \
		>"$img.log" 2>&1
	# Index the large directories (mke2fs -d leaves them linear).
	rc=0
	e2fsck -fyD "$img" >>"$img.log" 2>&1 || rc=$?
	[ $rc -lt 4 ]
	# mke2fs -d keeps whole seconds only: set the nanoseconds and the
	# epoch bits (the 2100 date) of two files by hand.
	debugfs -w -f - "$img" >>"$img.log" 2>&1 <<-EOF
	sif /hello.txt mtime_extra 0x1D6F3454
	sif /one mtime_extra 0x77359401
	EOF
}

if [ "${EXT4_FIXTURE_PHASE:-1}" = 1 ]; then
	# The trees: the full one, one without the 5000-entry directory
	# (mke2fs -d fills a directory in quadratic time: only some images get
	# it) and without files that end in a hole (mke2fs -d -O inline_data
	# drops trailing holes, e2fsprogs 1.47.0), and a small one.
	populate "$tree" 2
	populate "$lite" 1
	populate "$small" 0
	if command -v fakeroot >/dev/null; then
		EXT4_FIXTURE_PHASE=2 exec fakeroot "$0" "$@"
	fi
fi

specials "$tree"
specials "$lite"
manifest "$tree" "$out/tree.manifest"
manifest "$lite" "$out/lite.manifest"
manifest "$small" "$out/small.manifest"

# The images are independent: make them in parallel.
pids=
mkimg "$out/ext4-1k.img" 32M "$tree" -t ext4 -b 1024 -N 12288 &
pids="$pids $!"
mkimg "$out/ext4-4k.img" 32M "$tree" -t ext4 -b 4096 -N 12288 &
pids="$pids $!"
mkimg "$out/ext2-1k.img" 32M "$tree" -t ext2 -b 1024 -N 12288 &
pids="$pids $!"
mkimg "$out/ext3-1k.img" 32M "$tree" -t ext3 -b 1024 -N 12288 &
pids="$pids $!"
mkimg "$out/ext2-4k.img" 32M "$lite" -t ext2 -b 4096 &
pids="$pids $!"
mkimg "$out/ext4-inline.img" 32M "$lite" -t ext4 -b 4096 -O inline_data &
pids="$pids $!"
mkimg "$out/ext4-64k.img" 64M "$lite" -t ext4 -b 65536 &
pids="$pids $!"
mkimg "$out/ext4-metabg.img" 32M "$lite" -t ext4 -b 1024 \
	-O meta_bg,^resize_inode &
pids="$pids $!"
mkimg "$out/ext4-plain.img" 32M "$lite" -t ext4 -b 1024 \
	-O ^metadata_csum,^64bit,uninit_bg &
pids="$pids $!"
mkimg "$out/ext4-seed.img" 32M "$lite" -t ext4 -b 4096 -O metadata_csum_seed &
pids="$pids $!"
mkimg "$out/ext4-bigalloc.img" 64M "$lite" -t ext4 -b 4096 -O bigalloc \
	-C 16384 &
pids="$pids $!"
fail=0
for pid in $pids; do
	wait "$pid" || fail=1
done
[ $fail = 0 ]
tune2fs -U random "$out/ext4-seed.img" >/dev/null 2>&1

# Unwritten extents inside i_size of /prealloc (blocks 2..5 of 4 KiB).
debugfs -w -R "fallocate /prealloc 2 5" "$out/ext4-4k.img" \
	>>"$out/ext4-4k.img.log" 2>&1

# A journal that claims to need recovery.
cp "$out/ext4-1k.img" "$out/ext4-recover.img"
debugfs -w -R "feature needs_recovery" "$out/ext4-recover.img" \
	>>"$out/ext4-recover.img.log" 2>&1

# Small images for corruption and fuzzing.
mkimg "$out/small-ext4.img" 1M "$small" -t ext4 -b 1024 -N 256 \
	-O ^has_journal
mkimg "$out/small-plain.img" 1M "$small" -t ext4 -b 1024 -N 256 \
	-O ^has_journal,^metadata_csum
mkimg "$out/small-ext2.img" 1M "$small" -t ext2 -b 1024 -N 256
mkimg "$out/small-inline.img" 1M "$small" -t ext4 -b 1024 -N 256 \
	-O ^has_journal,inline_data
