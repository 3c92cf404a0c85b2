/*
 * Syscall fuzzer for the guest: children call random syscalls with hostile
 * arguments (bad pointers, huge sizes, odd flags); the kernel must survive
 * whatever they do, and each child must end (or be killed) cleanly.
 *
 * Never run this on a host: it makes random mount, chmod, unlink … calls.
 * It runs only inside the guest (tests/robust.bats).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static char scratch[65536];

static uint64_t
arg(void)
{
	static const uint64_t odd[] = {
		0, 1, 2, 3, 4, 7, 8, 16, 64, 100, 4095, 4096, 65536,
		0x7fffffff, 0x80000000, 0xffffffff, (uint64_t)-1,
		(uint64_t)-4096, (uint64_t)-100, 0x7fffe0000000, 0x7fffe0002000,
		0x800000000000, 0xffff800000000000, 0x400000, 0x10000,
	};

	switch (next() % 6) {
	case 0:
		return odd[next() % (sizeof(odd) / sizeof(odd[0]))];
	case 1:
		return (uint64_t)(scratch + next() % sizeof(scratch));
	case 2:
		return next() % 256;
	case 3:
		return next();
	case 4:
		return (uint64_t)"/tmp/fuzz";
	default:
		return next() % 32;
	}
}

/* Calls that would end the test rather than probe the kernel. */
static int
forbidden(long nr)
{
	switch (nr) {
	case SYS_reboot: case SYS_kill: case SYS_tkill: case SYS_tgkill:
	case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_clone3:
	case SYS_execve: case SYS_execveat: case SYS_pause:
	case SYS_rt_sigsuspend: case SYS_setpgid: case SYS_setsid:
	case SYS_umount2: case SYS_mount: case SYS_pidfd_send_signal:
	case SYS_rt_sigqueueinfo: case SYS_rt_tgsigqueueinfo:
		return 1;
	}
	return 0;
}

static void
child(unsigned int seed, int calls)
{
	int i;

	rng = seed * 2654435761u + 1;
	alarm(1);
	for (i = 0; i < calls; i++) {
		long nr = (long)(next() % 335);

		if (forbidden(nr))
			continue;
		syscall(nr, arg(), arg(), arg(), arg(), arg(), arg());
	}
	_exit(0);
}

/* Run only under umk: on a real kernel this would wreck the host. */
static int
inside_umk(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "-umk") != NULL;
}

int
main(int argc, char **argv)
{
	int children = argc > 1 ? atoi(argv[1]) : 300;
	int calls = argc > 2 ? atoi(argv[2]) : 200;
	int i, status, exited = 0, killed = 0;

	if (!inside_umk()) {
		fprintf(stderr, "syscall_fuzz: refusing to run outside umk\n");
		return 0;
	}

	for (i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0)
			child((unsigned int)i + 1, calls);
		if (waitpid(pid, &status, 0) != pid) {
			perror("waitpid");
			return 1;
		}
		if (WIFEXITED(status))
			exited++;
		else if (WIFSIGNALED(status))
			killed++;
	}
	printf("fuzz: %d children: %d exited, %d killed by signals\n",
	       children, exited, killed);
	printf("the kernel survived\n");
	return 0;
}
