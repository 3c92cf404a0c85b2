#!/usr/bin/env bats
# The page cache under the mem= limit: a data disk (ubdb) made once per run
# holds a file three times mem=, a file to map and 20 000 small files.  The
# guest reads them with mem=64M; the host watches the kernel's page-cache
# memfds (/proc/PID/fd, their allocated blocks) and its fd limit.
# bats file_tags=pagecache,kernel

load helpers/common

MEM_MB=64
BIG_MB=192

setup_file() {
	umk_setup_file
	export DATA_IMG=$UMK_RUN/pagecache-data.img DATA_DIR=$UMK_RUN/pagecache-data
	[[ -f $DATA_IMG ]] && return 0
	make_data "$DATA_DIR" && mke2fs -q -F -t ext4 -d "$DATA_DIR" \
		"$DATA_IMG.tmp" 400M && chmod 644 "$DATA_IMG.tmp" &&
		mv "$DATA_IMG.tmp" "$DATA_IMG"
}

setup() { umk_setup; }
teardown() { umk_teardown; }

# The data tree: big.bin, map.bin (4 MiB) and many/dNN/fNNN, 40 x 500.
make_data() {
	local d=$1 j
	mkdir -p "$d/many"
	head -c $((BIG_MB << 20)) /dev/urandom >"$d/big.bin"
	head -c $((4 << 20)) /dev/urandom >"$d/map.bin"
	for ((j = 0; j < 40; j++)); do
		mkdir "$d/many/d$j"
	done
	awk -v d="$d/many" 'BEGIN {
		for (j = 0; j < 40; j++)
			for (i = 0; i < 500; i++) {
				f = d "/d" j "/f" i
				print "small file " j "/" i > f
				close(f)
			}
	}'
}

# watch_memfds OUT: in the background, until this test's kernel exits,
# record in OUT the largest total (KiB) of blocks allocated to its
# page-cache memfds at any sample.
watch_memfds() {
	local out=$1
	(
		local pid='' max=0 t f i b
		for ((i = 0; i < 300; i++)); do
			pid=$(pgrep -f "^$UMK_RUN/kernel/vmlinux " | head -n 1)
			[[ -n $pid ]] && break
			sleep 0.1
		done
		while kill -0 "$pid" 2>/dev/null; do
			t=0
			for f in /proc/"$pid"/fd/*; do
				[[ $(readlink "$f" 2>/dev/null) == /memfd:pagecache* ]] ||
					continue
				b=$(stat -L -c %b "$f" 2>/dev/null) && t=$((t + b / 2))
			done
			((t > max)) && max=$t
			sleep 0.2
		done
		echo "$max" >"$out"
	) &
	WATCH_PID=$!
}

# A writable copy of the data disk for data_sh: $DATA_RW.
data_rw_copy() {
	DATA_RW=$UMK_T/data.img
	cp --sparse=always "$DATA_IMG" "$DATA_RW"
	if umk_as_root; then
		chown "$UMK_TEST_USER" "$DATA_RW"
	fi
}

# The kernel's page-cache memfds stayed within mem= (and a little).
assert_memfds_bounded() {
	local max
	max=$(cat "$BATS_TEST_TMPDIR/max")
	echo "# page-cache memfds held at most $max KiB (mem=${MEM_MB}M)" >&2
	((max > 0 && max <= (MEM_MB + 8) * 1024)) ||
		umk_fail "page-cache memfds reached $max KiB with mem=${MEM_MB}M"
}

# data_sh ARGS... SCRIPT: guest_rc with the data disk on /mnt (read-only
# unless DATA_RW names a writable copy) and mem=$MEM_MB.
data_sh() {
	local script=${*: -1} dev="ubd1r=$DATA_IMG" opt=ro
	if [[ -n ${DATA_RW:-} ]]; then
		dev="ubd1=$DATA_RW" opt=rw
	fi
	UMK_CALL_TIMEOUT=${UMK_CALL_TIMEOUT:-180} guest_rc "$dev" \
		mem=${MEM_MB}M "${@:1:$#-1}" "mount -t ext4 -o $opt /dev/ubdb /mnt
$script
umount /mnt"
}

@test "a file three times mem= reads right twice; the cache stays within mem=" {
	local want
	want=$(sha256sum <"$DATA_DIR/big.bin")
	watch_memfds "$BATS_TEST_TMPDIR/max"
	data_sh 'grep ^Cached: /proc/meminfo
sha256sum </mnt/big.bin
sha256sum </mnt/big.bin
grep -E "^(MemTotal|MemFree|MemAvailable|Cached):" /proc/meminfo'
	wait "$WATCH_PID"
	assert_ok
	[[ ${lines[1]} == "$want" && ${lines[2]} == "$want" ]] ||
		umk_fail "sha256 of big.bin differs from the host's $want"
	# Cached grew from what boot left to most of mem=, and the figures
	# add up: free + cached = available <= total.
	local -A kb
	local l k v
	for l in "${lines[@]:3}"; do
		read -r k v _ <<<"$l"
		kb[${k%:}]=$v
	done
	read -r _ v _ <<<"${lines[0]}"
	echo "# Cached $v -> ${kb[Cached]} kB; free ${kb[MemFree]} kB," \
		"available ${kb[MemAvailable]} kB" >&2
	((kb[Cached] > v + 16 * 1024)) || umk_fail "Cached did not grow"
	((kb[MemFree] + kb[Cached] == kb[MemAvailable] &&
		kb[MemAvailable] <= kb[MemTotal])) ||
		umk_fail "meminfo does not add up"
	assert_memfds_bounded
}

@test "20 000 small files read in one boot with 1024 host fds" {
	local want
	want=$(cd "$DATA_DIR/many" && find . -type f | LC_ALL=C sort |
		xargs cat | sha256sum)
	ulimit -n 1024
	data_sh 'cd /mnt/many && find . -type f | sort | xargs cat | sha256sum
cd /'
	assert_ok
	assert_output "$want"
}

@test "shared and private mappings keep their contents while big reads evict" {
	local want
	cp "$DATA_DIR/map.bin" "$BATS_TEST_TMPDIR/map.bin"
	want=$("$UMK_REPO/tests/guest/bin/mm_pagecache_evict" \
		"$BATS_TEST_TMPDIR/map.bin")
	data_rw_copy
	watch_memfds "$BATS_TEST_TMPDIR/max"
	data_sh '/tests/mm_pagecache_evict /mnt/map.bin /mnt/big.bin /mnt/big.bin'
	wait "$WATCH_PID"
	assert_ok
	assert_output "$want"
	assert_image_clean "$DATA_RW"
	assert_memfds_bounded
}

@test "a store through a shared mapping reaches the disk within 30 s, no sync asked" {
	local head out=$BATS_TEST_TMPDIR/console
	data_rw_copy
	UMK_CALL_TIMEOUT=120 vmlinux_bg "$out" "ubd0=$(test_image)" \
		"ubd1=$DATA_RW" mem=${MEM_MB}M \
		init=/bin/sh -- -c '. /etc/init.d/rcS
mount -t ext4 /dev/ubdb /mnt && /tests/mm_pagecache_evict -hold /mnt/map.bin'
	wait_for_line "$out" held 60
	sleep 36
	kill_vmlinux
	head=$(debugfs -R "cat /map.bin" "$DATA_RW" 2>/dev/null | head -c 25)
	[[ $head == "stored through MAP_SHARED" ]] ||
		umk_fail "after 36 s the store was still not on the disk"
}

@test "shutdown writes back a store through a shared mapping still in place" {
	data_rw_copy
	data_sh '/tests/mm_pagecache_evict -hold /mnt/map.bin >/tmp/out &
until grep -q held /tmp/out; do sleep 0.1; done'
	assert_ok
	assert_image_clean "$DATA_RW"
	local head
	head=$(debugfs -R "cat /map.bin" "$DATA_RW" 2>/dev/null | head -c 25)
	[[ $head == "stored through MAP_SHARED" ]] ||
		umk_fail "the store did not reach the disk"
}
