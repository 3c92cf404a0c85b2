#!/usr/bin/env bats
# The ext4 journal under crashes: vmlinux is killed with SIGKILL at a random
# moment while the guest creates, writes, fsyncs, renames, truncates and
# removes files; the image it leaves must need nothing but journal replay,
# and every file the guest fsync'd must be there with what it fsync'd.
#
# Rounds alternate the image's journal (the default 16 MiB, or 4 MiB: more
# checkpoints) and how the kill is timed: a random time after the
# workload starts, or (with strace) at the Nth write vmlinux makes, so
# that a crash in the few writes of a commit is as likely as anywhere.
#
# The workload reports on the console what it made durable (only after
# the fsync returned):
#
#   OK PATH MD5     PATH holds exactly this now ("gone": PATH is absent)
#   MAY PATH MD5    PATH is about to change to this: either state may be
#                   found until the next OK for PATH (a PATH not reported
#                   before may also be absent)
#   PFX PATH N MD5  PATH (append only) starts with N bytes of this md5
#
# After the kill, two copies of the image are checked:
#
#  * e2fsck's replay: `e2fsck -E journal_only` replays the journal, then
#    `e2fsck -p` releases the orphan list (inodes unlinked while open, or
#    truncations cut short: e2fsck -p does this as part of recovery, just
#    as a Linux boot would, and the list is only right if the journal's
#    metadata is) and must find the filesystem clean without a full
#    check; then `e2fsck -fn` must find nothing at all.
#  * umk's own replay: the image is booted again (the mount replays the
#    journal and finishes the orphans) and powered off; e2fsck -fn clean.
#    In the rounds killed at a write, a first boot is itself killed at
#    one of its first writes, mostly in the middle of the replay: a
#    replay must survive its own crash.
#
# On both, the files are read back with debugfs: the fsync'd ones must be
# as reported, and the others as ordered mode allows (jnl_check_ordered).
# The seed is printed; UMK_JOURNAL_SEED=N repeats a run's choices (not its
# timing), UMK_JOURNAL_ROUNDS=N sets the number of rounds.
# bats file_tags=fs,write,journal,kernel

# status, output and stderr are set by bats's run; UMK_KEEP is for umk_teardown.
# shellcheck disable=SC2154,SC2034
load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# The guest's workload (busybox sh, after rcS).  Every loop does some of
# everything; what it made durable it says with OK/MAY/PFX lines.
jnl_workload() {
	cat <<'EOF'
. /etc/init.d/rcS
mkdir -p /j/many && cd /j || exit 1
sum() { set -- $(md5sum "$1"); echo "$1"; }
# remove files reported before: they may be found until the next commit
drop() {
	for f; do [ -e $f ] && echo "MAY /j/$f gone"; done
	rm -f "$@"
}
exec 5>>/j/log
# a big directory: each loop adds one entry to a leaf block that, most of
# the time, no transaction since the last checkpoint has touched
mkdir cold && seq 1500 | sed 's/^/an-entry-in-a-cold-directory-/' |
	(cd cold && xargs touch) && sync /j/cold
echo START
i=0
while :; do
	i=$((i + 1))
	# a new file, fsync'd
	dd if=/dev/urandom of=f$i bs=1k count=$((i % 37 + 1)) 2>/dev/null
	sync f$i && echo "OK /j/f$i $(sum f$i)"
	for k in a b c d; do
		echo $i$k >cold/new-$i$k && sync cold/new-$i$k &&
			echo "OK /j/cold/new-$i$k $(sum cold/new-$i$k)"
	done
	# appends, fsync'd now and then
	echo "line $i of the append log" >&5
	if [ $((i % 3)) = 0 ] && sync log; then
		echo "PFX /j/log $(wc -c <log) $(sum log)"
	fi
	# many small files in a directory that grows and shrinks
	k=0
	while [ $k -lt 24 ]; do
		echo "$i $k" >many/entry-with-a-longish-name-$i-$k
		k=$((k + 1))
	done
	rm -f many/entry-with-a-longish-name-$((i - 6))-*
	ln -s entry-with-a-longish-name-$i-0 many/link-$i
	rm -f many/link-$((i - 3))
	# a directory tree made and removed
	mkdir -p d$i/a/b && echo $i >d$i/a/b/x && ln d$i/a/b/x d$i/hard
	rm -rf d$((i - 2))
	# atomic replace: write, fsync, rename over, fsync the directory
	dd if=/dev/urandom of=cur.tmp bs=1k count=$((i % 5 + 1)) 2>/dev/null
	sync cur.tmp && s=$(sum cur.tmp) && echo "MAY /j/cur $s" &&
		mv cur.tmp cur && sync /j && echo "OK /j/cur $s"
	# an older fsync'd file renamed, a still older one removed
	o=$((i - 4))
	if [ -e f$o ]; then
		s=$(sum f$o)
		echo "MAY /j/f$o gone"; echo "MAY /j/g$o $s"
		mv f$o g$o && sync /j && echo "OK /j/f$o gone" &&
			echo "OK /j/g$o $s"
	fi
	o=$((i - 8))
	if [ -e g$o ]; then
		echo "MAY /j/g$o gone"
		rm g$o && sync /j && echo "OK /j/g$o gone"
	fi
	# truncation: a big file cut down, fsync'd; an older one cut to 0
	dd if=/dev/urandom of=t$i bs=64k count=4 2>/dev/null
	truncate -s $((i * 1000 % 90000 + 1)) t$i
	sync t$i && echo "OK /j/t$i $(sum t$i)"
	o=$((i - 3))
	if [ -e t$o ]; then
		echo "MAY /j/t$o $(md5sum </dev/null | cut -c1-32)"
		truncate -s 0 t$o && sync t$o &&
			echo "OK /j/t$o $(md5sum </dev/null | cut -c1-32)"
	fi
	drop t$((i - 6))
	# a file unlinked while open (the shell holds fd 4 until next time)
	exec 4>u$i
	dd if=/dev/urandom bs=64k count=8 >&4 2>/dev/null
	rm u$i
	# two files grown a block at a time in turn: many extents, an
	# extent tree with index blocks, freed (and revoked) later
	if [ $((i % 4)) = 1 ]; then
		exec 6>xa$i 7>xb$i
		k=0
		while [ $k -lt 400 ]; do
			printf '%4096s' a >&6
			printf '%4096s' b >&7
			k=$((k + 1))
		done
		exec 6>&- 7>&-
		sync xa$i && echo "OK /j/xa$i $(sum xa$i)"
		drop xa$((i - 8)); rm -f xb$((i - 4))
	fi
	if [ $((i % 5)) = 0 ]; then
		dd if=/dev/zero of=big$i bs=1M count=3 2>/dev/null
		rm -f big$((i - 10))
	fi
done
EOF
}

# jnl_expect CONSOLE: the final expectation per path from the workload's
# report, one "PATH WANT..." line each (WANT: md5, "gone", or N:md5 for a
# prefix).  A line cut short by the kill is ignored.
jnl_expect() {
	awk '
	function sum(s) { return s == "gone" || (length(s) == 32 && s ~ /^[0-9a-f]+$/) }
	$1 == "OK" && NF == 3 && sum($3) { w[$2] = $3 }
	$1 == "MAY" && NF == 3 && sum($3) {
		v = $2 in w ? w[$2] : "gone"	# before w[$2] exists
		w[$2] = v " " $3
	}
	$1 == "PFX" && NF == 4 && $4 != "gone" && sum($4) { w[$2] = $3 ":" $4 }
	END { for (p in w) print p, w[p] }' "$1"
}

# jnl_check_files IMG EXPECT: every expectation holds on IMG (read with
# debugfs), and so does ordered mode (jnl_check_ordered); prints the
# failures and returns 1 if any.
jnl_check_files() {
	local img=$1 dir path want have w n f ok bad=0
	dir=$(mktemp -d "$UMK_SCRATCH/dump.XXXXXX")
	debugfs -R "rdump /j $dir" "$img" >/dev/null 2>&1
	while read -r path want; do
		f=$dir/$path
		ok=0
		for w in $want; do
			if [[ $w == gone ]]; then
				[[ -e $f ]] || ok=1
			elif [[ $w == *:* ]]; then
				n=${w%%:*}
				[[ -e $f ]] && (($(stat -c %s "$f") >= n)) &&
					[[ $(head -c "$n" "$f" | md5sum | cut -c1-32) == "${w#*:}" ]] &&
					ok=1
			else
				[[ -e $f ]] && [[ $(md5sum <"$f" | cut -c1-32) == "$w" ]] && ok=1
			fi
		done
		if ((ok == 0)); then
			have=gone
			[[ -e $f ]] && have="$(stat -c %s "$f") bytes, md5 $(md5sum <"$f" | cut -c1-32)"
			echo "# $path: want one of [$want], have $have" >&2
			bad=1
		fi
	done <"$2"
	jnl_check_ordered "$dir/j" || bad=1
	rm -rf "$dir"
	return "$bad"
}

# Ordered mode for the files nobody fsync'd: a size the journal committed
# never shows data that was not written.  Each write of the workload is
# one call, so a file holds all of a write or none of it: the append log
# whole lines 1..N, a small file its line or nothing.
jnl_check_ordered() {
	local j=$1 f name want k bad=0
	[[ -d $j ]] || return 0	# killed before /j was committed
	if [[ -s $j/log ]] && { [[ $(tail -c 1 "$j/log" | od -An -c | tr -d ' ') != '\n' ]] ||
		! awk '$0 != "line " NR " of the append log" { exit 1 }' "$j/log"; }; then
		echo "# /j/log is not whole lines 1..N:" >&2
		od -c "$j/log" | tail -n 4 | sed 's/^/#   /' >&2
		bad=1
	fi
	for f in "$j"/xb*; do
		[[ -f $f ]] || continue
		if (($(stat -c %s "$f") % 4096)) ||
			! cmp -s "$f" <(for ((k = 0; k < 400; k++)); do printf '%4096s' b; done) \
				-n "$(stat -c %s "$f")"; then
			echo "# /j/${f##*/}: not whole blocks of the pattern" >&2
			bad=1
		fi
	done
	for f in "$j"/many/entry-with-a-longish-name-* "$j"/d*/a/b/x "$j"/d*/hard; do
		[[ -f $f ]] || continue
		name=${f#"$j"/}
		case $name in
		many/*) want=${name##*name-}; want="${want%-*} ${want##*-}" ;;
		*) want=${name%%/*}; want=${want#d} ;;
		esac
		if [[ -s $f && $(cat "$f") != "$want" ]]; then
			echo "# /j/$name: want '$want' or nothing, have $(od -c "$f" | head -n 2)" >&2
			bad=1
		fi
	done
	return "$bad"
}

# e2fsck's recovery on IMG: journal replay, the orphan list, nothing else.
jnl_e2fsck_recover() {
	local img=$1 log rc=0
	log=$(e2fsck -E journal_only -y "$img" 2>&1) || rc=$?
	if ((rc > 1)); then
		printf '# e2fsck -E journal_only: status %s\n%s\n' "$rc" "$log" >&2
		return 1
	fi
	rc=0
	log=$(e2fsck -p "$img" 2>&1) || rc=$?
	if ((rc > 1)) || ! grep -q ': clean, ' <<<"$log" ||
		grep -v -e 'orphaned inode' -e ': clean, ' <<<"$log" | grep -q .; then
		printf '# e2fsck -p after the replay: status %s\n%s\n' "$rc" "$log" >&2
		return 1
	fi
}

# e2fsck -fn finds IMG clean: status 0, and nothing to say past its passes
# (some problems, such as wrong free counts, leave the status at 0).
jnl_fsck_clean() {
	local log
	if ! log=$(e2fsck -fn "$1" 2>&1) ||
		grep -v -e '^e2fsck [0-9]' -e '^Pass [1-5]: ' -e ' files (.* blocks$' \
			<<<"$log" | grep -q .; then
		printf '# e2fsck -fn after %s:\n%s\n' "$2" "$log" | sed 's/^/#   | /' >&2
		return 1
	fi
}

# How the kill left the log: "empty", or the committed transactions and
# whether a transaction after them was torn (the kill came mid-commit).
jnl_log_state() {
	debugfs -R 'logdump' "$1" 2>/dev/null | awk '
	/^Journal starts at block/ { start = 1 }
	/Found expected sequence/ { last = $0 }
	/commit block/ { commits++ }
	END {
		if (!last) { print "empty"; exit }
		torn = last !~ /commit block/
		printf "%d commits%s\n", commits, torn ? ", torn commit" : ""
	}'
}

# jnl_kill_after_time IMG OUT MS: boot the workload on IMG (console to OUT)
# and SIGKILL vmlinux MS milliseconds after it starts.
jnl_kill_after_time() {
	local pid
	UMK_CALL_TIMEOUT=120 vmlinux_bg "$2" "ubd0=$1" rw \
		init=/bin/sh -- -c "$(jnl_workload)"
	wait_for_line "$2" START 60 || return 1
	sleep "$(($3 / 1000)).$(printf %03d $(($3 % 1000)))"
	pid=$(tail -n 1 "$UMK_SIDS")	# the session's leader is vmlinux
	kill -KILL "$pid"
	wait_bg || true
}

# jnl_kill_at_write IMG OUT N [SCRIPT]: the same, but the kill comes as
# vmlinux makes its Nth write (pwrite64) to a file: strace injects SIGKILL
# there, so every crash point is as likely as every other, however short
# the time between two writes.  SCRIPT runs instead of the workload.
jnl_kill_at_write() {
	local i pid
	UMK_CALL_TIMEOUT=120 umk_run_host strace -qq -o /dev/null -e trace=pwrite64 \
		-e inject=pwrite64:signal=KILL:when="$3" "$UMK_VMLINUX" "ubd0=$1" rw \
		init=/bin/sh -- -c "${4:-$(jnl_workload)}" >"$2" 2>"$2.err" &
	UMK_BG_PIDS+=("$!")
	for ((i = 0; i < 300; i++)); do
		kill -0 "${UMK_BG_PIDS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	if ((i == 300)); then	# never got that far: kill it now
		pid=$(tail -n 1 "$UMK_SIDS")	# strace; vmlinux is its child
		kill -KILL $(pgrep -P "$pid") 2>/dev/null
	fi
	wait_bg || true
}

@test "SIGKILL at random moments: journal replay alone repairs the image, fsync'd files are intact" {
	local seed=${UMK_JOURNAL_SEED:-$(date +%s%N | cut -c10-15)}
	local rounds=${UMK_JOURNAL_ROUNDS:-10} round img copy out how state n
	local fails=0
	echo "# seed $seed ($rounds rounds; UMK_JOURNAL_SEED=$seed repeats them)" >&3
	RANDOM=$seed
	for ((round = 1; round <= rounds; round++)); do
		img=$UMK_T/r$round.img
		cp --sparse=always "$(test_image)" "$img"
		chmod 666 "$img"
		if ((round % 2)); then
			# the smallest journal e2fsprogs makes: frequent checkpoints
			tune2fs -O ^has_journal "$img" >/dev/null &&
				tune2fs -J size=4 "$img" >/dev/null || return 1
		fi
		out=$UMK_T/r$round.console
		if ((round / 2 % 2)) && command -v strace >/dev/null; then
			n=$(((RANDOM * 32768 + RANDOM) % 15000 + 1))
			how="at write $n"
			jnl_kill_at_write "$img" "$out" "$n" || return 1
		else
			n=$((RANDOM % 10000 + 1))
			how="after $n ms"
			jnl_kill_after_time "$img" "$out" "$n" || return 1
		fi
		if grep -qE 'Sanitizer|runtime error|Kernel panic' "$out.err"; then
			echo "# round $round: the kernel failed before the kill:" >&3
			sed 's/^/#   | /' "$out.err" >&3
			fails=$((fails + 1))
			continue
		fi
		jnl_expect "$out" >"$out.want"
		copy=$UMK_T/r$round-umk.img
		cp --sparse=always "$img" "$copy"
		chmod 666 "$copy"
		state=$(jnl_log_state "$img")
		dumpe2fs -h "$img" 2>/dev/null | grep -q '^First orphan inode' &&
			state="$state, orphans"
		echo "# round $round: killed $how, $(wc -l <"$out.want") paths reported, log: $state" >&3
		if ! jnl_e2fsck_recover "$img" || ! jnl_fsck_clean "$img" "e2fsck's replay" ||
			! jnl_check_files "$img" "$out.want"; then
			echo "# round $round FAILED after e2fsck's replay (seed $seed)" >&3
			fails=$((fails + 1))
			UMK_KEEP=1
			continue
		fi
		if [[ $how == "at write"* ]]; then
			# umk's replay killed too, at one of its first writes
			n=$((RANDOM % 400 + 1))
			jnl_kill_at_write "$copy" "$out.rec" "$n" 'echo UP; sleep 1; poweroff -f'
			grep -qx UP "$out.rec" && how="after the mount" || how="mounting"
			echo "# round $round: umk's replay boot killed at write $n ($how)" >&3
		fi
		run --separate-stderr run_vmlinux "ubd0=$copy" rw init=/bin/sh -- -c \
			'cat /j/log >/dev/null; ls /j >/dev/null; poweroff -f'
		if ((status != 0)) || ! jnl_fsck_clean "$copy" "umk's replay" ||
			! jnl_check_files "$copy" "$out.want"; then
			echo "# round $round FAILED after umk's replay (seed $seed, status $status)" >&3
			printf '%s\n' "$stderr" | sed 's/^/#   | /' >&3
			fails=$((fails + 1))
			UMK_KEEP=1
			continue
		fi
		rm -f "$img" "$copy"
	done
	((fails == 0)) || umk_fail "$fails of $rounds rounds failed (seed $seed; images kept in $UMK_T)"
}
