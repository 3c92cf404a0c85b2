/*
 * Credentials: the set*id system calls, supplementary groups, capget and
 * capset, and what execve does to the ids (set-user-id and set-group-id
 * programs, AT_SECURE).
 *
 * The model.  A struct cred (task.h) belongs to one thread, as in Linux:
 * the C library makes setuid() and friends process-wide by running the
 * system call on every thread (glibc's SIGSETXID broadcast), so the kernel
 * changes the caller's alone.  fork copies them (cred_copy, task.c).
 *
 * There are no capability sets.  What Linux grants through a capability
 * (CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SYS_ADMIN ...) is "euid 0" here
 * (cred_is_root), and what it grants through the filesystem capabilities
 * (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN, CAP_FSETID) is "fsuid 0"
 * (fs/perm.c, fs/open.c).  Linux reaches the same answers in the ordinary
 * cases because of its capability fix-ups: when the euid leaves 0 the
 * effective set is cleared, when it comes back it is refilled from the
 * permitted set, and the permitted set is emptied once no uid is 0.  So
 * capget can report "everything in the effective set when euid is 0,
 * everything permitted while any uid is 0".  PR_SET_KEEPCAPS, file
 * capabilities and partial capability sets are not modelled.
 *
 * Every set*id call makes the fs id follow the effective one; setfsuid and
 * setfsgid set the fs ids alone.  A change of the effective or fs ids
 * clears the parent-death signal, as Linux's commit_creds does.
 *
 * Neighbours: the getters (getuid, getresuid, getgroups ...) are in sys.c,
 * file permission checks in fs/perm.c and fs/open.c, the kill permission
 * in sys_signal.c, execve in exec.c (which calls cred_exec).
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fs/vfs.h"
#include "syscalls.h"
#include "task.h"
#include "uaccess.h"

#define NO_ID ((uint32_t)-1) /* "leave it", and never a valid id */

/* One kind of id, user or group: real, effective, saved, filesystem. */
struct idset {
	uint32_t *r, *e, *s, *fs;
};

static struct idset
uids_of(struct cred *c)
{
	return (struct idset){ &c->uid, &c->euid, &c->suid, &c->fsuid };
}

static struct idset
gids_of(struct cred *c)
{
	return (struct idset){ &c->gid, &c->egid, &c->sgid, &c->fsgid };
}

/* Is id one of the real, effective or saved ids? */
static bool
id_is_held(const struct idset *s, uint32_t id)
{
	return id == *s->r || id == *s->e || id == *s->s;
}

/*
 * Call after changing t's ids, with a copy of the ids from before: a
 * process whose effective or fs ids changed loses its parent-death signal
 * (it might now be privileged, or no longer allowed to receive it).
 */
static void
cred_changed(struct task *t, const struct cred *old)
{
	const struct cred *c = &t->cred;

	if (c->euid != old->euid || c->egid != old->egid ||
	    c->fsuid != old->fsuid || c->fsgid != old->fsgid)
		t->pdeath_signal = 0;
}

/* setuid/setgid: root sets all four ids, others only effective and fs. */
static long
set_id(struct task *t, struct idset s, uint32_t id)
{
	struct cred old = t->cred;

	if (id == NO_ID)
		return -EINVAL;
	if (cred_is_root(&t->cred)) {
		*s.r = id;
		*s.s = id;
	} else if (id != *s.r && id != *s.s) {
		return -EPERM;
	}
	*s.e = id;
	*s.fs = id;
	cred_changed(t, &old);
	return 0;
}

/*
 * setreuid/setregid: the real id may become the real or effective one, the
 * effective id any held one.  The saved id takes the new effective id when
 * the real id is set, or the effective id set to other than the old real.
 */
static long
set_re_id(struct task *t, struct idset s, uint32_t r, uint32_t e)
{
	struct cred old = t->cred;
	bool root = cred_is_root(&t->cred);
	uint32_t old_r = *s.r;

	if (r != NO_ID && !root && r != *s.r && r != *s.e)
		return -EPERM;
	if (e != NO_ID && !root && !id_is_held(&s, e))
		return -EPERM;
	if (r != NO_ID)
		*s.r = r;
	if (e != NO_ID)
		*s.e = e;
	if (r != NO_ID || (e != NO_ID && e != old_r))
		*s.s = *s.e;
	*s.fs = *s.e;
	cred_changed(t, &old);
	return 0;
}

/*
 * setresuid/setresgid: without root each new id must be a held one.  A
 * call that changes nothing leaves even the fs id alone (Linux's fast
 * path, visible after setfsuid).
 */
static long
set_res_id(struct task *t, struct idset s, uint32_t r, uint32_t e,
	   uint32_t sv)
{
	struct cred old = t->cred;

	if ((r == NO_ID || r == *s.r) &&
	    (e == NO_ID || (e == *s.e && e == *s.fs)) &&
	    (sv == NO_ID || sv == *s.s))
		return 0;
	if (!cred_is_root(&t->cred) &&
	    ((r != NO_ID && !id_is_held(&s, r)) ||
	     (e != NO_ID && !id_is_held(&s, e)) ||
	     (sv != NO_ID && !id_is_held(&s, sv))))
		return -EPERM;
	if (r != NO_ID)
		*s.r = r;
	if (e != NO_ID)
		*s.e = e;
	if (sv != NO_ID)
		*s.s = sv;
	*s.fs = *s.e;
	cred_changed(t, &old);
	return 0;
}

/* setfsuid/setfsgid: the old fs id, whether or not the change was allowed. */
static long
set_fs_id(struct task *t, struct idset s, uint32_t id)
{
	struct cred old = t->cred;
	uint32_t prev = *s.fs;

	if (id == NO_ID)
		return prev;
	if (cred_is_root(&t->cred) || id_is_held(&s, id) || id == prev)
		*s.fs = id;
	cred_changed(t, &old);
	return prev;
}

long
sys_setuid(struct task *t, const uint64_t a[6])
{
	return set_id(t, uids_of(&t->cred), (uint32_t)a[0]);
}

long
sys_setgid(struct task *t, const uint64_t a[6])
{
	return set_id(t, gids_of(&t->cred), (uint32_t)a[0]);
}

long
sys_setreuid(struct task *t, const uint64_t a[6])
{
	return set_re_id(t, uids_of(&t->cred), (uint32_t)a[0], (uint32_t)a[1]);
}

long
sys_setregid(struct task *t, const uint64_t a[6])
{
	return set_re_id(t, gids_of(&t->cred), (uint32_t)a[0], (uint32_t)a[1]);
}

long
sys_setresuid(struct task *t, const uint64_t a[6])
{
	return set_res_id(t, uids_of(&t->cred), (uint32_t)a[0],
			  (uint32_t)a[1], (uint32_t)a[2]);
}

long
sys_setresgid(struct task *t, const uint64_t a[6])
{
	return set_res_id(t, gids_of(&t->cred), (uint32_t)a[0],
			  (uint32_t)a[1], (uint32_t)a[2]);
}

long
sys_setfsuid(struct task *t, const uint64_t a[6])
{
	return set_fs_id(t, uids_of(&t->cred), (uint32_t)a[0]);
}

long
sys_setfsgid(struct task *t, const uint64_t a[6])
{
	return set_fs_id(t, gids_of(&t->cred), (uint32_t)a[0]);
}

static int
gid_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Root only.  The list is kept sorted, duplicates and all, as Linux does. */
long
sys_setgroups(struct task *t, const uint64_t a[6])
{
	int n = (int)a[0], i;
	uint32_t *groups = NULL;

	if (!cred_is_root(&t->cred))
		return -EPERM;
	if ((unsigned int)n > NGROUPS_MAX_GUEST)
		return -EINVAL;
	if (n > 0) {
		if ((groups = malloc(sizeof(*groups) * (size_t)n)) == NULL)
			return -ENOMEM;
		if (copy_from_user(t, groups, UADDR(a[1]),
				   sizeof(*groups) * (size_t)n) < 0) {
			free(groups);
			return -EFAULT;
		}
		for (i = 0; i < n; i++) {
			if (groups[i] == NO_ID) {
				free(groups);
				return -EINVAL;
			}
		}
		qsort(groups, (size_t)n, sizeof(*groups), gid_cmp);
	}
	free(t->cred.groups);
	t->cred.groups = groups;
	t->cred.ngroups = n;
	return 0;
}

/*
 * execve: a set-user-id file makes its owner the effective uid, a
 * set-group-id file (with group execute: without it the bit means
 * mandatory locking) its group the effective gid, unless the mount is
 * nosuid or the task has no_new_privs.  Either way the saved and fs ids
 * become the effective ones.  Returns AT_SECURE: whether the new program
 * runs with ids its invoker does not hold.
 */
bool
cred_exec(struct task *t, const struct inode *inode, bool nosuid)
{
	struct cred *c = &t->cred, old = *c;
	bool apply = !nosuid && !t->no_new_privs, secure = false;

	if (apply && (inode->mode & K_S_ISUID)) {
		c->euid = inode->uid;
		secure = c->euid != old.euid;
	}
	if (apply && (inode->mode & (K_S_ISGID | 010)) == (K_S_ISGID | 010)) {
		secure = secure || !cred_in_group(&old, inode->gid);
		c->egid = inode->gid;
	}
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	cred_changed(t, &old);
	secure = secure || c->euid != c->uid || c->egid != c->gid;
	if (secure)
		t->pdeath_signal = 0;
	return secure;
}

/* Capabilities: see the comment at the top. */
#define CAP_VERSION_1 0x19980330u
#define CAP_VERSION_2 0x20071026u
#define CAP_VERSION_3 0x20080522u
#define CAP_ALL 0x000001ffffffffffULL /* 0 to CAP_CHECKPOINT_RESTORE (40) */

struct cap_header {
	uint32_t version;
	int32_t pid;
};

struct cap_data {
	uint32_t effective, permitted, inheritable;
};

uint64_t
cred_cap_effective(const struct cred *c)
{
	return c->euid == 0 ? CAP_ALL : 0;
}

uint64_t
cred_cap_permitted(const struct cred *c)
{
	return c->uid == 0 || c->euid == 0 || c->suid == 0 ? CAP_ALL : 0;
}

/*
 * Read the header and check its version: the number of 32-bit words of
 * each set that version carries, or -EINVAL after writing the preferred
 * version back (how libcap asks), or -EFAULT.
 */
static int
cap_read_header(struct task *t, uaddr_t uhdr, struct cap_header *h)
{
	uint32_t v = CAP_VERSION_3;

	if (copy_from_user(t, h, uhdr, sizeof(*h)) < 0)
		return -EFAULT;
	switch (h->version) {
	case CAP_VERSION_1:
		return 1;
	case CAP_VERSION_2:
	case CAP_VERSION_3:
		return 2;
	}
	if (copy_to_user(t, uhdr, &v, sizeof(v)) < 0)
		return -EFAULT;
	return -EINVAL;
}

/* Pid 0 or a thread id; its capabilities are its credentials'. */
long
sys_capget(struct task *t, const uint64_t a[6])
{
	struct cap_data d[2] = { { 0 } };
	struct cap_header h;
	struct task *target = t;
	uint64_t eff, perm;
	int words, i;

	words = cap_read_header(t, UADDR(a[0]), &h);
	if (a[1] == 0)
		return words == -EINVAL || words > 0 ? 0 : words;
	if (words < 0)
		return words;
	if (h.pid < 0)
		return -EINVAL;
	if (h.pid != 0 && (target = task_find(h.pid)) == NULL)
		return -ESRCH;
	eff = cred_cap_effective(&target->cred);
	perm = cred_cap_permitted(&target->cred);
	for (i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(eff >> (32 * i));
		d[i].permitted = (uint32_t)(perm >> (32 * i));
	}
	if (copy_to_user(t, UADDR(a[1]), d, sizeof(d[0]) * (size_t)words) < 0)
		return -EFAULT;
	return 0;
}

/*
 * Only the caller's own sets, and only to what it has: raising any
 * capability is EPERM as in Linux; so is a real drop, which this kernel
 * cannot represent (refusing is safer than pretending).
 */
long
sys_capset(struct task *t, const uint64_t a[6])
{
	struct cap_data d[2] = { { 0 } };
	struct cap_header h;
	uint64_t eff = 0, perm = 0, inh = 0;
	int words, i;

	if ((words = cap_read_header(t, UADDR(a[0]), &h)) < 0)
		return words;
	if (h.pid != 0 && h.pid != t->tid)
		return -EPERM;
	if (copy_from_user(t, d, UADDR(a[1]), sizeof(d[0]) * (size_t)words) < 0)
		return -EFAULT;
	for (i = 0; i < words; i++) {
		eff |= (uint64_t)d[i].effective << (32 * i);
		perm |= (uint64_t)d[i].permitted << (32 * i);
		inh |= (uint64_t)d[i].inheritable << (32 * i);
	}
	if (eff != cred_cap_effective(&t->cred) ||
	    perm != cred_cap_permitted(&t->cred) || inh != 0)
		return -EPERM;
	return 0;
}
