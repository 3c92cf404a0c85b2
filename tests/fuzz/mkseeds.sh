#!/bin/sh
# Seed corpus for tests/fuzz/ext4_fuzz.c: small ext2/ext4 images (64-256
# KiB; 1 MiB journals truncated after their last transaction) made with
# mke2fs -d from a small tree and finished with debugfs, without root.
#
#   mkseeds.sh OUTDIR
#
# Between them the seeds hold: ext2 with indirect, double and triple
# indirect blocks; ext4 with and without metadata_csum (and 64bit, 4 KiB
# blocks); an extent tree with an index node; a hash-indexed directory;
# inline data; fast and slow symlinks, hard links, a device node, a FIFO;
# xattrs in the inode and in a block; journals (with and without
# checksums) that need recovery, with a revoke record; an orphan list.
set -eu

out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
tree=$tmp/tree

# The tree: a little of everything, in few blocks.
mkdir -p "$tree/dir/sub" "$tree/many" "$tree/emptydir"
printf 'hello, world\n' >"$tree/hello"
ln "$tree/hello" "$tree/hello-link"
printf 'x' >"$tree/one"
: >"$tree/empty"
printf 'deep\n' >"$tree/dir/sub/leaf"
ln -s hello "$tree/fast-link"
ln -s "$(printf 'a%.0s' $(seq 1 80))/slow" "$tree/slow-link"
head -c 14000 /dev/zero | tr '\0' 'i' >"$tree/indirect"
# Pieces between holes: several extents (an index node), or double and
# triple indirect blocks on ext2.
for off in 0 20 40 60 80 100 300; do
	printf 'piece %s\n' "$off" |
		dd of="$tree/sparse" bs=1024 seek="$off" conv=notrunc status=none
done
printf 'far\n' | dd of="$tree/far" bs=1024 seek=70000 conv=notrunc status=none
i=0
while [ $i -lt 40 ]; do
	: >"$tree/many/a-longer-name-for-entry-number-$i"
	i=$((i + 1))
done
printf 'big xattr value %.0s' $(seq 1 40) >"$tmp/bigvalue"

# mkimg NAME SIZE MKE2FS-ARGS...: the image, with xattrs, a device, a
# FIFO and an indexed directory added.
mkimg() {
	img=$out/$1
	size=$2
	shift 2
	rm -f "$img"
	mke2fs -q -F -E root_owner=0:0 -d "$tree" "$@" "$img" "$size"
	debugfs -w -f - "$img" >/dev/null 2>&1 <<-EOF
	ea_set /hello user.small tiny
	ea_set -f $tmp/bigvalue /one user.big
	ea_set /dir trusted.t dirvalue
	mknod /null c 1 3
	mknod /fifo p
	EOF
	rc=0
	e2fsck -fyD "$img" >/dev/null 2>&1 || rc=$?
	[ $rc -lt 4 ] || { echo "mkseeds: e2fsck $1: $rc" >&2; exit 1; }
}

mkimg ext2.img 128K -t ext2 -b 1024 -N 128
mkimg ext4-csum.img 256K -t ext4 -b 1024 -N 128 -O ^has_journal
mkimg ext4-plain.img 256K -t ext4 -b 1024 -N 128 \
	-O ^has_journal,^metadata_csum,uninit_bg
mkimg ext4-inline.img 192K -t ext4 -b 1024 -N 128 -O ^has_journal,inline_data
mkimg ext4-4k.img 256K -t ext4 -b 4096 -N 128 -O ^has_journal,64bit
mkimg ext4-nofiletype.img 128K -t ext4 -b 1024 -N 128 \
	-O ^has_journal,^metadata_csum,^filetype,^dir_index

# An orphan list: the first inode has no links and is in s_last_orphan.
cp "$out/ext4-csum.img" "$out/ext4-orphan.img"
ino=$(debugfs -R 'stat /indirect' "$out/ext4-orphan.img" 2>/dev/null |
	sed -n 's/^Inode: \([0-9]*\).*/\1/p')
debugfs -w -f - "$out/ext4-orphan.img" >/dev/null 2>&1 <<-EOF
	unlink /indirect
	sif <$ino> links_count 0
	ssv last_orphan $ino
EOF

# jnlimg NAME JO-FLAGS MKE2FS-ARGS...: the journal (1 MiB, the least
# mke2fs makes) is added after the files, so that the image can be cut
# after the journal's head; it holds two transactions (the root directory
# and a block of the inode table, then that block again and a revoke of
# the first) and needs recovery.
jnlimg() {
	img=$out/$1
	jo=$2
	shift 2
	rm -f "$img"
	mke2fs -q -F -E root_owner=0:0 -d "$tree" -b 1024 -N 128 \
		-O ^has_journal "$@" "$img" 3M
	tune2fs -J size=1 "$img" >/dev/null
	root=$(debugfs -R 'bmap / 0' "$img" 2>/dev/null)
	itab=$(dumpe2fs "$img" 2>/dev/null |
		sed -n 's/.*Inode table at \([0-9]*\)-.*/\1/p' | head -1)
	jstart=$(debugfs -R 'bmap <8> 0' "$img" 2>/dev/null)
	dd if="$img" of="$tmp/root.blk" bs=1024 skip="$root" count=1 \
		status=none
	dd if="$img" of="$tmp/itab.blk" bs=1024 skip="$itab" count=1 \
		status=none
	debugfs -w -f - "$img" >/dev/null 2>&1 <<-EOF
	jo $jo
	jw -b $root $tmp/root.blk
	jw -b $itab $tmp/itab.blk
	jc
	jo $jo
	jw -b $itab $tmp/itab.blk
	jw -r $root
	jc
	EOF
	dumpe2fs -h "$img" 2>/dev/null | grep -q needs_recovery ||
		{ echo "mkseeds: $1 does not need recovery" >&2; exit 1; }
	truncate -s $(((jstart + 16) * 1024)) "$img"
}

jnlimg ext4-journal.img -c -t ext4
jnlimg ext4-journal-plain.img "" -t ext4 -O ^metadata_csum
