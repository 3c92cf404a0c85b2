#!/bin/sh
# The disk workload, run as init in a guest (umk or UML) booted read-write
# on a throwaway copy of the image, and by the host's copy of the same
# busybox natively, in a scratch directory on the host's disk.  Like
# work.sh: parameters in the environment (kernel command-line NAME=VALUE
# words in a guest), RESULT, INFO and FAIL lines out, and a failed step
# prints FAIL and the script goes on, so a guest always powers off (after
# sync and a remount read-only, so the copy is left clean for e2fsck).
export PATH="${BENCH_PATH:-/bin:/sbin:/usr/bin:/usr/sbin}"
cd "${BENCH_DIR:-/bench}" || echo "FAIL disk: no ${BENCH_DIR:-/bench}"
reps=${BENCH_REPS:-3}
s=${BENCH_SCRATCH:-/scratch}

echo BENCH-START
mkdir -p "$s" || echo "FAIL disk: cannot make $s"
./createfiles "$s/c" "${BENCH_CREATE_N:-2000}" "$reps" ||
	echo "FAIL createfiles: exit status $?"
./writefile "$s/w" "${BENCH_WRITE_MB:-64}" 65536 "$reps" ||
	echo "FAIL writefile: exit status $?"
./readfile "$s/w" 65536 "$reps" readback || echo "FAIL readback: exit status $?"
rm -f "$s/w"
i=0
while [ "$i" -lt "$reps" ]; do
	mkdir "$s/x" || echo "FAIL untar: cannot make $s/x"
	./timeit -l untar -- tar xf tree.tar -C "$s/x" ||
		echo "FAIL untar: exit status $?"
	[ "$i" = 0 ] && echo "INFO untar_files $(find "$s/x" -type f | wc -l)"
	rm -rf "$s/x"
	i=$((i + 1))
done
echo BENCH-END
[ -n "${BENCH_NATIVE:-}" ] && exit 0
sync
# (Two arguments: with one, busybox looks / up in /etc/mtab, and /proc is
# not mounted.)
mount -o remount,ro /dev/root / || echo "FAIL disk: remount read-only: exit status $?"
poweroff -f
