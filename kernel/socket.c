/*
 * Sockets: not yet.  Every address family answers EAFNOSUPPORT (not
 * ENOSYS), which is what programs check to learn that a family is absent:
 * PAM's audit code, syslog(3) and the rest then carry on without it.
 * The first use of each family is logged, so a user sees what was needed.
 */
#include "errno.h"
#include "fs/fdtable.h"
#include "printk.h"
#include "syscalls.h"
#include "task.h"

#define AF_MAX_K 46

static void
note_family(struct task *t, int family)
{
	static unsigned char seen[AF_MAX_K + 1];
	int slot = family >= 0 && family <= AF_MAX_K ? family : AF_MAX_K;

	if (seen[slot])
		return;
	seen[slot] = 1;
	pr_warn("%s (pid %d) needed sockets of family %d: not supported yet",
		t->comm, t->proc->pid, family);
}

long
sys_socket(struct task *t, const uint64_t a[6])
{
	note_family(t, (int)a[0]);
	return -EAFNOSUPPORT;
}

long
sys_socketpair(struct task *t, const uint64_t a[6])
{
	note_family(t, (int)a[0]);
	return -EAFNOSUPPORT;
}

/* Socket calls on an fd: none of ours is a socket yet. */
static long
not_a_socket(struct task *t, int fd)
{
	struct file *f = fd_get(t, fd);

	if (!f)
		return -EBADF;
	file_put(f);
	return -ENOTSOCK;
}

long
sys_getpeername(struct task *t, const uint64_t a[6])
{
	return not_a_socket(t, (int)a[0]);
}

long
sys_getsockname(struct task *t, const uint64_t a[6])
{
	return not_a_socket(t, (int)a[0]);
}

long
sys_getsockopt(struct task *t, const uint64_t a[6])
{
	return not_a_socket(t, (int)a[0]);
}

long
sys_setsockopt(struct task *t, const uint64_t a[6])
{
	return not_a_socket(t, (int)a[0]);
}
