#!/bin/sh
# The Debian workload: run as init (by the image's dash) in a guest booted
# read-only on a copy of the Debian image with /bench added, and natively
# by the host's /bin/sh with the host's python3.  Like work.sh: parameters
# in the environment (kernel command-line NAME=VALUE words in a guest),
# RESULT, INFO and FAIL lines out; a failed step prints FAIL and the
# script goes on, so a guest always powers off.
export PATH="${BENCH_PATH:-/usr/sbin:/usr/bin:/sbin:/bin}"
cd "${BENCH_DIR:-/bench}" || echo "FAIL debian: no ${BENCH_DIR:-/bench}"
reps=${BENCH_REPS:-3}
iters=${BENCH_FORK_ITERS:-1000}
maxms=${BENCH_MAXMS:-500}

echo BENCH-START
./forkexec ./nop "$iters" "$maxms" "$reps" deb_forkexec_static ||
	echo "FAIL deb_forkexec_static: exit status $?"
./forkexec ./nop-dyn "$iters" "$maxms" "$reps" deb_forkexec_dyn ||
	echo "FAIL deb_forkexec_dyn: exit status $?"
./timeit -n "$reps" -1 deb_python_first -l deb_python -- python3 -c pass ||
	echo "FAIL deb_python: exit status $?"
echo "INFO python3_version $(python3 -c 'import sys; print(sys.version.split()[0])')"
echo BENCH-END
[ -n "${BENCH_NATIVE:-}" ] || poweroff -f
