/*
 * Permission checks: the classic owner/group/other mode bits against the
 * task's filesystem credentials.  Root (fsuid 0) passes every check except
 * executing a file with no execute bit at all.
 */
#include "fs/vfs.h"
#include "task.h"

bool
cred_in_group(const struct cred *c, uint32_t gid)
{
	int i;

	if (c->fsgid == gid)
		return true;
	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int
inode_permission(struct task *t, struct inode *inode, int mask)
{
	const struct cred *c = &t->cred;
	uint32_t mode = inode->mode, bits;

	if (inode->i_op && inode->i_op->getattr)
		inode->i_op->getattr(inode);
	if (c->fsuid == 0) {
		if ((mask & MAY_EXEC) && !K_ISDIR(mode) && !(mode & 0111))
			return -EACCES;
		return 0;
	}
	if (c->fsuid == inode->uid)
		bits = mode >> 6;
	else if (cred_in_group(c, inode->gid))
		bits = mode >> 3;
	else
		bits = mode;
	return ((bits & 7 & (uint32_t)mask) == (uint32_t)mask) ? 0 : -EACCES;
}
