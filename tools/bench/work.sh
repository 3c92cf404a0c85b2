#!/bin/sh
# The benchmark workload, run as init in a guest (umk or UML) and by the
# host's copy of the same busybox natively.  tools/bench/run passes the
# parameters as environment variables (kernel command-line NAME=VALUE words
# in a guest) and reads the RESULT, INFO and FAIL lines it prints.  Steps
# that fail print FAIL and the script goes on, so a guest always powers off.
export PATH="${BENCH_PATH:-/bin:/sbin:/usr/bin:/usr/sbin}"
cd "${BENCH_DIR:-/bench}" || echo "FAIL work: no ${BENCH_DIR:-/bench}"
reps=${BENCH_REPS:-3}

echo BENCH-START
./getppid "${BENCH_GETPPID_CALLS:-200000}" "${BENCH_MAXMS:-500}" "$reps" ||
	echo "FAIL getppid: exit status $?"
./forkexec ./nop "${BENCH_FORK_ITERS:-1000}" "${BENCH_MAXMS:-500}" "$reps" ||
	echo "FAIL forkexec: exit status $?"
# shellcheck disable=SC2016 # expanded by the timed shell
./timeit -n "$reps" -l shell -- sh -c \
	'for i in $(seq "$0"); do echo $i | cat > /dev/null; done' \
	"${BENCH_SHELL_N:-200}" || echo "FAIL shell: exit status $?"
./readfile big 65536 "$reps" || echo "FAIL readfile: exit status $?"
./timeit -n "$reps" -1 walk_first -l walk_cached -q -- ls -lR tree ||
	echo "FAIL walk: exit status $?"
# shellcheck disable=SC2012 # ls -lR is what is being measured
echo "INFO walk_lines $(ls -lR tree | wc -l)"
echo BENCH-END
[ -n "${BENCH_NATIVE:-}" ] || poweroff -f
