#!/usr/bin/env bats
# A Debian system on umk: build/test/debian.img (tools/mkrootfs debian,
# `make debian-image`) booted with init=/sbin/umk-init, which mounts /proc,
# /sys, /dev, /dev/pts, /dev/shm, /run and /tmp, then runs bash on the
# console and powers off when it exits.  Real Debian programs, dynamically
# linked against bookworm's glibc: bash, coreutils, procps, python3
# (threads, subprocess, multiprocessing), gcc, make, job control on a
# pseudo-terminal, su.  Every test checks an exact result.  Without the
# image (no network to build it) the tests skip; in CI they fail.
# bats file_tags=debian,kernel

load helpers/common

# Only the Debian image and the kernel: not the busybox test image.
setup_file() {
	umk_run_dir
	(
		flock 9
		umk_make debian-image
	) 9>"$UMK_RUN/make.lock" || true
	umk_mirror_vmlinux
}
setup() { umk_setup; }
teardown() { umk_teardown; }

# deb_sh [rw] [SCRIPT]: boot a private copy of the Debian image (the root
# read-write with rw) and run SCRIPT (else stdin) with bash -c, in /tmp (a
# tmpfs); sets $status, $output (the console) and $stderr (the kernel log)
# like guest_sh.  umk-init powers off
# afterwards (status 0), printing "umk-init: exit N" if SCRIPT failed.
deb_sh() {
	local script
	local -a kargs=()
	[[ ${1:-} == rw ]] && kargs=(rw) && shift
	if (($#)); then
		script=$1
	else
		script=$(cat)
	fi
	debian_image
	run --separate-stderr run_vmlinux "ubd0=$DEBIAN_IMG" "${kargs[@]}" \
		init=/sbin/umk-init -- -c "cd /tmp || exit 99
$script"
}

@test "umk-init mounts the virtual filesystems and bash runs as its child" {
	deb_sh <<'EOF'
for m in / /proc /sys /dev /dev/pts /dev/shm /run /tmp; do
	awk -v m="$m" '$2 == m { t = $3 } END { print m, t }' /proc/mounts
done
echo "ppid=$PPID pid1=$(cat /proc/1/comm) hostname=$(hostname)"
echo "bash ${BASH_VERSINFO[0]}, $(id -un) in $HOME"
EOF
	assert_ok
	assert_output "/ ext4
/proc proc
/sys sysfs
/dev devtmpfs
/dev/pts devpts
/dev/shm tmpfs
/run tmpfs
/tmp tmpfs
ppid=1 pid1=umk-init hostname=umk
bash 5, root in /root"
}

@test "bash runs a script: functions, arrays, regexps, here-strings, traps" {
	deb_sh <<'EOF'
printf '%s\n' '#!/bin/bash' 'set -eu' \
	'fact() { local n=$1; (( n <= 1 )) && echo 1 || echo $(( n * $(fact $((n - 1))) )); }' \
	'declare -A colour=([apple]=red [banana]=yellow)' \
	'words=("$@")' \
	'trap '\''echo "trap: exiting $?"'\'' EXIT' \
	'echo "args=${#words[@]} last=${words[-1]} fact10=$(fact 10)"' \
	'for k in $(printf "%s\n" "${!colour[@]}" | sort); do echo "$k=${colour[$k]}"; done' \
	'[[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "re=${BASH_REMATCH[2]}"' \
	'read -r a b <<<"left right"; echo "$b $a"' \
	'x=$(for i in {1..5}; do echo $((i * i)); done | paste -sd+); echo "$x=$((x))"' \
	>/tmp/s.sh
chmod +x /tmp/s.sh
/tmp/s.sh one two three
EOF
	assert_ok
	assert_output "args=3 last=three fact10=3628800
apple=red
banana=yellow
re=123
right left
1+4+9+16+25=55
trap: exiting 0"
}

@test "coreutils: ls -l, sort, wc, cut on tmpfs" {
	deb_sh <<'EOF'
mkdir d && printf 'hello\n' >d/a && printf 0123456789 >d/b
chmod 640 d/a && chmod 600 d/b && ln -s a d/c
ls -l --time-style=+T d
printf 'pear\napple\nfig\n' | sort
printf '3\n1\n2\n' >n; sort -n n | paste -sd,
wc -c d/a d/b | tail -n1
echo x:y:z | cut -d: -f2
EOF
	assert_ok
	# tmpfs: a page (8 blocks of 512 bytes) a file, none for a short symlink
	assert_output "total 8
-rw-r----- 1 root root  6 T a
-rw------- 1 root root 10 T b
lrwxrwxrwx 1 root root  1 T c -> a
apple
fig
pear
1,2,3
16 total
y"
}

@test "sha256sum of files on the ext4 root matches the host's" {
	debian_image
	local f want=
	for f in /usr/bin/bash /usr/lib/x86_64-linux-gnu/libc.so.6 /etc/passwd; do
		debugfs -R "dump $f $BATS_TEST_TMPDIR/f" "$DEBIAN_IMG" 2>/dev/null
		want+="$(sha256sum <"$BATS_TEST_TMPDIR/f" | cut -d' ' -f1)  $f"$'\n'
	done
	deb_sh 'sha256sum /usr/bin/bash /usr/lib/x86_64-linux-gnu/libc.so.6 /etc/passwd'
	assert_ok
	assert_output "${want%$'\n'}"
}

@test "ps aux and top -b -n1 show the processes" {
	deb_sh <<'EOF'
sleep 77 &
ps aux >ps.out; echo "ps=$?"
head -n1 ps.out | tr -s ' '
awk '$11 == "sleep" && $12 == "77" { print "sleep:", $1, $8 }' ps.out
awk '$2 == 1 { print "pid1:", $1, $11, $12 }' ps.out
top -b -n1 >top.out; echo "top=$?"
head -n1 top.out | cut -c1-6
awk '$NF == "sleep" { print "top:", $2, $8 }' top.out
total=$(awk '/^Tasks:/ { print $2 }' top.out)
listed=$(awk 'f { n++ } /PID USER/ { f = 1 } END { print n }' top.out)
echo "tasks listed: $((total == listed))"
kill %1
EOF
	assert_ok
	# bash -c has no job control: sleep is in the console's foreground group
	assert_output "ps=0
USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND
sleep: root S+
pid1: root /bin/sh /sbin/umk-init
top=0
top - 
top: root S
tasks listed: 1"
}

@test "a shell runs 200 dynamically linked programs in a row" {
	deb_sh <<'EOF'
n=0
for i in $(seq 200); do /bin/true && n=$((n + 1)); done
echo "ran $n"
EOF
	assert_ok
	assert_output "ran 200"
}

@test "address-space reservations (PROT_NONE, MAP_NORESERVE) are not charged to mem=" {
	# glibc's malloc arenas and xz's threads reserve 64-128 MiB this way:
	# dpkg-deb's xz encoder failed with "lzma error: Cannot allocate memory".
	deb_sh <<'EOF'
python3 - <<'PY'
import mmap
maps = [mmap.mmap(-1, 128 << 20, prot=0,
                  flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | 0x4000)
        for i in range(8)]
print(len(maps), "reservations of 128 MiB")
PY
EOF
	assert_ok
	assert_output "8 reservations of 128 MiB"
}

@test "python3 runs: print(1+1)" {
	deb_sh 'python3 -c "print(1+1)"'
	assert_ok
	assert_output "2"
}

@test "python3 threading: 4 threads, joined, sum their work" {
	deb_sh <<'EOF'
python3 - <<'PY'
import threading
parts = [0] * 4
def work(i):
    parts[i] = sum(range(i * 100000, (i + 1) * 100000))
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(parts), threading.active_count())
PY
EOF
	assert_ok
	assert_output "79999800000 1"
}

@test "python3 subprocess: run echo and capture its output and status" {
	deb_sh <<'EOF'
python3 - <<'PY'
import subprocess
r = subprocess.run(["echo", "hello", "from", "echo"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
print(subprocess.run("exit 3", shell=True).returncode)
print(subprocess.check_output(["sh", "-c", "echo $((6 * 7))"]).decode().strip())
PY
EOF
	assert_ok
	assert_output "'hello from echo\n' 0
3
42"
}

@test "python3 multiprocessing: Pool(2).map with fork" {
	deb_sh <<'EOF'
python3 - <<'PY'
import multiprocessing as mp, os
parent = os.getpid()
def square(x):
    return x * x, os.getpid() != parent
if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        res = pool.map(square, range(10))
    print([r[0] for r in res], all(r[1] for r in res))
PY
EOF
	assert_ok
	assert_output "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81] True"
}

@test "python3 AF_UNIX: socket.socketpair() carries bytes and fds both ways" {
	deb_sh <<'EOF'
python3 - <<'PY'
import os, socket
a, b = socket.socketpair()
a.sendall(b"ping")
print(b.recv(16), a.family == socket.AF_UNIX, a.type == socket.SOCK_STREAM)
r, w = os.pipe()
socket.send_fds(b, [b"fd"], [r])
msg, fds, flags, addr = socket.recv_fds(a, 16, 4)
os.write(w, b"via the passed fd")
print(msg, len(fds), os.read(fds[0], 64))
b.close()
print(a.recv(16))
PY
EOF
	assert_ok
	assert_output "b'ping' True True
b'fd' 1 b'via the passed fd'
b''"
}

@test "python3 AF_UNIX: a socketserver on a path answers a client in another process" {
	deb_sh <<'EOF'
python3 - <<'PY'
import os, socket, socketserver, threading
class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.readline().upper())
path = "/tmp/upper.sock"
srv = socketserver.ThreadingUnixStreamServer(path, Upper)
threading.Thread(target=srv.serve_forever, daemon=True).start()
pid = os.fork()
if pid == 0:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(path)
    c.sendall(b"hello from the child\n")
    os._exit(0 if c.makefile().readline() == "HELLO FROM THE CHILD\n" else 1)
_, st = os.waitpid(pid, 0)
srv.shutdown()
srv.server_close()
print("child status", os.waitstatus_to_exitcode(st), os.path.exists(path))
PY
EOF
	assert_ok
	assert_output "child status 0 True"
}

@test "python3 AF_UNIX: bind on the ext4 root makes a socket node; the image stays clean" {
	deb_sh rw <<'EOF'
python3 - <<'PY'
import os, socket, stat
path = "/root/ext4.sock"
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
c.sendto(b"over ext4", path)
print(s.recv(16), stat.S_ISSOCK(os.stat(path).st_mode))
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(path)
except OSError as e:
    print("again:", e.strerror)
PY
EOF
	assert_ok
	assert_output "b'over ext4' True
again: Address already in use"
	assert_image_clean "$DEBIAN_IMG"
	run --separate-stderr debugfs -R "stat /root/ext4.sock" "$DEBIAN_IMG"
	assert_output_contains "Type: socket"
}

@test "python3 AF_UNIX: /proc/net/unix lists a listener and an abstract datagram socket" {
	deb_sh <<'EOF'
python3 - <<'PY'
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("/tmp/listen.sock")
s.listen()
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
d.bind("\0abstract-name")
lines = open("/proc/net/unix").read().splitlines()
print(lines[0])
for l in lines[1:]:
    f = l.split()
    if len(f) == 8 and f[7] in ("/tmp/listen.sock", "@abstract-name"):
        print(f[3], f[4], f[5], f[7], int(f[6]) == os.fstat((s if f[7][0] == "/" else d).fileno()).st_ino)
PY
EOF
	assert_ok
	assert_output "Num       RefCount Protocol Flags    Type St Inode Path
00010000 0001 01 /tmp/listen.sock True
00000000 0002 01 @abstract-name True"
}

@test "python3 multiprocessing: a Manager() dict round trip through its server process" {
	deb_sh <<'EOF'
python3 - <<'PY'
import multiprocessing as mp
def work(d, i):
    d[i] = i * i
if __name__ == "__main__":
    with mp.Manager() as m:
        d = m.dict()
        ps = [mp.Process(target=work, args=(d, i)) for i in range(4)]
        for p in ps: p.start()
        for p in ps: p.join()
        q = m.Queue()
        q.put("queued")
        print(sorted(d.items()), q.get())
PY
EOF
	assert_ok
	assert_output "[(0, 0), (1, 1), (2, 4), (3, 9)] queued"
}

@test "gcc compiles hello.c in /tmp, dynamic and static, and both run" {
	deb_sh <<'EOF'
cat >hello.c <<'C'
#include <stdio.h>
int main(int argc, char **argv) { printf("hello %d %s\n", 6 * 7, argv[1]); return 3; }
C
gcc -O2 -Wall -o hello hello.c && ./hello dyn; echo "status=$?"
gcc -static -o hello-static hello.c && ./hello-static static; echo "status=$?"
EOF
	assert_ok
	assert_output "hello 42 dyn
status=3
hello 42 static
status=3"
}

@test "make builds with a tiny Makefile and rebuilds only what changed" {
	deb_sh <<'EOF'
mkdir p && cd p
echo 'int twice(int x) { return 2 * x; }' >twice.c
printf '%s\n' '#include <stdio.h>' 'int twice(int);' \
	'int main(void) { printf("%d\n", twice(21)); return 0; }' >main.c
printf 'prog: main.o twice.o\n\tgcc -o $@ $^\n%%.o: %%.c\n\tgcc -c -o $@ $<\n' >Makefile
make -s && ./prog
sleep 1
echo 'int twice(int x) { return x + x; }' >twice.c
make && ./prog
EOF
	assert_ok
	assert_output "42
gcc -c -o twice.o twice.c
gcc -o prog main.o twice.o
42"
}

@test "su runs a command as another user" {
	deb_sh <<'EOF'
su umk -c 'id; echo $HOME; touch /tmp/by-umk'
stat -c '%U %G' /tmp/by-umk
EOF
	assert_ok
	assert_output "uid=1000(umk) gid=1000(umk) groups=1000(umk)
/home/umk
umk umk"
}

@test "script(1) runs a command on a pseudo-terminal in the guest" {
	deb_sh <<'EOF'
script -qec 'tty; stty size; echo "in a pty: $(tty -s && echo yes)"' /dev/null |
	tr -d '\r'
echo "status=${PIPESTATUS[0]}"
EOF
	assert_ok
	assert_output "/dev/pts/0
0 0
in a pty: yes
status=0"
}

@test "dpkg builds and installs a package on the root mounted rw" {
	deb_sh rw <<'EOF'
mkdir -p pkg/DEBIAN pkg/usr/local/bin
printf '%s\n' 'Package: umk-hello' 'Version: 1.0' 'Architecture: all' \
	'Maintainer: umk <umk@example.org>' 'Description: umk test package' \
	>pkg/DEBIAN/control
printf '#!/bin/sh\necho hello from the package\n' >pkg/usr/local/bin/umk-hello
chmod 755 pkg/usr/local/bin/umk-hello
dpkg-deb -Zgzip --build --root-owner-group pkg umk-hello.deb >/dev/null
echo "build=$?"
dpkg -i umk-hello.deb >/dev/null; echo "install=$?"
umk-hello
dpkg-query -W -f '${Package} ${Version} ${Status}\n' umk-hello
EOF
	assert_ok
	assert_output "build=0
install=0
hello from the package
umk-hello 1.0 install ok installed"
	assert_image_clean "$DEBIAN_IMG"
	run --separate-stderr debugfs -R "cat /usr/local/bin/umk-hello" "$DEBIAN_IMG"
	assert_output "#!/bin/sh
echo hello from the package"
}

# --- job control on a pseudo-terminal ---------------------------------------
# vmlinux runs under script(1), as on a user's terminal; umk-init gives bash
# the console as its controlling terminal.  pty_type sends keys (printf
# escapes), pty_expect waits for an exact output line.

pty_start() {
	local dir=$BATS_TEST_TMPDIR
	mkfifo "$dir/keys"
	exec {PTY_KEYS}<>"$dir/keys"
	# The typescript goes to a file of the test user's, not /dev/null.
	umk_exec script -qefc "$UMK_VMLINUX ubd0=$DEBIAN_IMG init=/sbin/umk-init" \
		"$UMK_T/typescript" <"$dir/keys" 2>&1 |
		sed -u 's/\r//g; s/\x1b\[?2004[hl]//g' >"$dir/out" &
	PTY_PID=$!
}

pty_type() {
	# shellcheck disable=SC2059 # the keys are a format: \n, \003
	printf "$1" >&"$PTY_KEYS"
}

pty_expect() {
	local i
	for ((i = 0; i < ${2:-20} * 10; i++)); do
		grep -qxF -- "$1" "$BATS_TEST_TMPDIR/out" && return 0
		sleep 0.1
	done
	echo "# no line '$1' on the terminal; it shows:" >&2
	sed 's/^/#   | /' "$BATS_TEST_TMPDIR/out" >&2
	return 1
}

@test "bash job control on a pty: jobs, fg and ^C, ^Z and bg, ^C hits only the foreground job" {
	debian_image
	pty_start
	# The arithmetic makes each marker differ from the echo of its command.
	pty_type 'PS1="$ "; cd /tmp; echo ready-$((1 + 1))\n'
	pty_expect "ready-2" 30
	pty_type 'sleep 100 &\n'
	pty_type 'jobs; echo jobs-$((2 + 2))\n'
	pty_expect "jobs-4"
	pty_expect "[1]+  Running                 sleep 100 &"
	pty_type 'fg\n'
	pty_expect "sleep 100"
	sleep 1
	pty_type '\003'
	pty_type 'echo fg-status=$?\n'
	pty_expect "fg-status=130"
	pty_type 'sleep 101\n'
	sleep 1
	pty_type '\032'
	pty_expect "[1]+  Stopped                 sleep 101"
	pty_type 'echo stop-status=$?\n'
	pty_expect "stop-status=148"
	pty_type 'bg\n'
	pty_expect "[1]+ sleep 101 &"
	pty_type 'sleep 102 & sleep 103\n'
	sleep 1
	pty_type '\003'
	pty_type 'echo int-status=$?; jobs\n'
	pty_expect "int-status=130"
	pty_expect "[1]-  Running                 sleep 101 &"
	pty_expect "[2]+  Running                 sleep 102 &"
	pty_type 'ps -eo args= | sed -n "s/^sleep /left: /p" | sort; echo ps-$((3 * 3))\n'
	pty_expect "ps-9"
	pty_type 'kill %%1 %%2; wait; exit 7\n'
	pty_expect "umk-init: exit 7"
	wait "$PTY_PID"
	run grep '^left: ' "$BATS_TEST_TMPDIR/out"
	assert_output "left: 101
left: 102"
}

@test "the image is still a clean ext4 filesystem after a session" {
	deb_sh 'ls / >/dev/null; python3 -c pass; sync'
	assert_ok
	assert_image_clean "$DEBIAN_IMG"
}
