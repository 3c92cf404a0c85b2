/*
 * The socket layer: the socket syscalls, socket files on the internal
 * sockfs, the socket options every family shares (SOL_SOCKET), and
 * control messages (SCM_RIGHTS, SCM_CREDENTIALS) in and out of guest
 * memory.  The one family is AF_UNIX (af_unix.c, through proto_ops);
 * every other family answers EAFNOSUPPORT, which programs check to learn
 * that a family is absent (PAM's audit code carries on without
 * AF_NETLINK), and its first use is logged so a user sees what was
 * needed.
 *
 * Syscalls decode and copy in their arguments (sockaddrs, msghdrs, iovecs
 * and control data are copied once and validated in kernel memory), find
 * the sock behind the fd, and make one call into the family.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/fdtable.h"
#include "fs/poll.h"
#include "net/net.h"
#include "printk.h"
#include "signal.h"
#include "syscalls.h"
#include "task.h"
#include "time.h"
#include "uaccess.h"

#define K_O_NONBLOCK 04000
#define K_O_RDWR 2
#define SOCKFS_MAGIC 0x534F434B
#define SOMAXCONN_K 4096
#define MAX_RW_COUNT 0x7ffff000UL
#define UIO_MAXIOV 1024
#define CONTROL_MAX 65536	/* net.core.optmem_max, roughly */

/* SOL_SOCKET options */
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO_OLD 20
#define SO_SNDTIMEO_OLD 21
#define SO_ACCEPTCONN 30
#define SO_SNDBUFFORCE 32
#define SO_RCVBUFFORCE 33
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

/* The guest's struct msghdr and struct cmsghdr. */
struct msghdr_k {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad1;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	uint32_t flags;
	uint32_t pad2;
};

struct cmsghdr_k {
	uint64_t len;
	int32_t level;
	int32_t type;
};

#define CMSG_ALIGN_K(n) (((n) + 7) & ~(size_t)7)
#define CMSG_HDR_LEN sizeof(struct cmsghdr_k)
#define CMSG_LEN_K(n) (CMSG_HDR_LEN + (n))
#define CMSG_SPACE_K(n) (CMSG_HDR_LEN + CMSG_ALIGN_K(n))

struct timeval_k {
	int64_t sec;
	int64_t usec;
};

/* Socks */

struct sock *
sock_alloc(size_t size, int family, int type, const struct proto_ops *ops)
{
	struct sock *sk = calloc(1, size);

	if (!sk)
		return NULL;
	sk->refcount = 1;
	sk->family = family;
	sk->type = type;
	sk->ops = ops;
	sk->sndbuf = SOCK_DEFAULT_BUF;
	sk->rcvbuf = SOCK_DEFAULT_BUF;
	wait_queue_init(&sk->wq);
	return sk;
}

struct sock *
sock_get(struct sock *sk)
{
	sk->refcount++;
	return sk;
}

void
sock_put(struct sock *sk)
{
	if (!sk || --sk->refcount > 0)
		return;
	wake_up_pollfree(&sk->wq); /* pollers of a peer may sit on it */
	if (sk->ops->destruct)
		sk->ops->destruct(sk);
	free(sk);
}

struct ucred_k
sock_current_cred(void)
{
	return (struct ucred_k){ current->proc->pid, current->cred.euid,
				 current->cred.egid };
}

int64_t
sock_deadline(int64_t timeo)
{
	return timeo ? ktime_after(timeo) : -1;
}

int
sock_wait_errno(int r, int64_t deadline)
{
	if (r == -ETIMEDOUT)
		return -EAGAIN;
	if (r == -ERESTARTSYS && deadline >= 0)
		return -EINTR;
	return r;
}

void
scm_destroy(struct scm *scm)
{
	int i;

	for (i = 0; i < scm->nfiles; i++)
		file_put(scm->files[i]);
	free(scm->files);
	scm->files = NULL;
	scm->nfiles = 0;
}

/* Socket files on sockfs */

static struct super_block *sockfs_sb;

static int
sockfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = SOCKFS_MAGIC;
	st->bsize = st->frsize = 4096;
	st->namelen = NAME_MAX_K;
	return 0;
}

static const struct super_ops sockfs_super_ops = {
	.statfs = sockfs_statfs,
};

static const struct fs_type sockfs_type = {
	.name = "sockfs",
	.nodev = true,
};

/* A new sockfs inode for a socket of the current task. */
static struct inode *
sockfs_new_inode(void)
{
	struct inode *inode;

	if (!sockfs_sb) {
		sockfs_sb = sb_alloc(&sockfs_type, &sockfs_super_ops);
		if (!sockfs_sb)
			return NULL;
		sockfs_sb->dev = sb_anon_dev();
		sockfs_sb->next_ino = 1;
		sockfs_sb->active = 1; /* never unmounted */
	}
	if ((inode = inode_alloc(sockfs_sb)) == NULL)
		return NULL;
	inode->ino = sockfs_sb->next_ino++;
	inode->mode = K_S_IFSOCK | 0777;
	inode->uid = current->cred.fsuid;
	inode->gid = current->cred.fsgid;
	inode->nlink = 1;
	inode->blksize = 4096;
	inode->atime = inode->mtime = inode->ctime = inode->btime =
		current_time();
	return inode;
}

static struct sock *
file_sock(struct file *f)
{
	return f->priv;
}

static ssize_t
sock_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct sock *sk = file_sock(f);
	struct msg_k m = { .data = u };
	ssize_t r;

	m.nonblock = f->flags & K_O_NONBLOCK;
	r = sk->ops->recvmsg(sk, &m);
	scm_destroy(&m.scm); /* no room for control data: files dropped */
	return r;
}

static ssize_t
sock_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct sock *sk = file_sock(f);
	struct msg_k m = { .data = u };

	m.nonblock = f->flags & K_O_NONBLOCK;
	return sk->ops->sendmsg(sk, &m);
}

static unsigned int
sock_poll(struct file *f, struct poll_table *pt)
{
	struct sock *sk = file_sock(f);

	return sk->ops->poll(sk, pt);
}

static long
sock_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct sock *sk = file_sock(f);

	return sk->ops->ioctl ? sk->ops->ioctl(sk, cmd, arg) : -ENOTTY;
}

static int64_t
sock_llseek(struct file *f, int64_t off, int whence)
{
	return -ESPIPE;
}

static void
sock_release(struct file *f)
{
	struct sock *sk = file_sock(f);

	sk->file = NULL;
	sk->ops->release(sk);
}

static const struct file_ops sock_file_ops = {
	.release = sock_release,
	.read = sock_read,
	.write = sock_write,
	.llseek = sock_llseek,
	.ioctl = sock_ioctl,
	.poll = sock_poll,
};

/*
 * A file for sk, taking over the caller's sock reference (released with
 * the sock on failure).  flags: SOCK_NONBLOCK.
 */
static struct file *
sock_file(struct sock *sk, unsigned int flags)
{
	struct inode *inode = sockfs_new_inode();
	struct file *f = NULL;

	if (inode)
		f = file_alloc(inode, &sock_file_ops,
			       K_O_RDWR | (flags & K_O_NONBLOCK));
	if (inode)
		inode_put(inode); /* the file holds its own */
	if (!f) {
		sk->ops->release(sk);
		return NULL;
	}
	f->priv = sk;
	sk->file = f;
	return f;
}

/* Install a file for sk: the fd or -errno (sk is gone then). */
static int
sock_install(struct task *t, struct sock *sk, unsigned int flags)
{
	struct file *f = sock_file(sk, flags);

	if (!f)
		return -ENOMEM;
	return fd_install(t, f, (flags & SOCK_CLOEXEC_K) ? FD_CLOEXEC_K : 0,
			  0);
}

/*
 * The sock behind fd in *skp, with a reference to its file in *fp: 0, or
 * -EBADF or -ENOTSOCK.
 */
static long
sockfd_get(struct task *t, int fd, struct file **fp, struct sock **skp)
{
	struct file *f = fd_get(t, fd);

	if (!f)
		return -EBADF;
	if (f->ops != &sock_file_ops) {
		file_put(f);
		return -ENOTSOCK;
	}
	*fp = f;
	*skp = file_sock(f);
	return 0;
}

static bool
sock_nonblock(struct sock *sk, unsigned int msgflags)
{
	return (msgflags & MSG_DONTWAIT_K) ||
	       (sk->file && (sk->file->flags & K_O_NONBLOCK));
}

/* Creating sockets */

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

/* A new sock for socket(2) arguments: checks as Linux orders them. */
static int
sock_create(struct task *t, int family, int type, int protocol,
	    struct sock **out)
{
	if (type & ~(SOCK_TYPE_MASK_K | SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if (family != AF_UNIX_K) {
		note_family(t, family);
		return -EAFNOSUPPORT;
	}
	return unix_create(type & SOCK_TYPE_MASK_K, protocol, out);
}

long
sys_socket(struct task *t, const uint64_t a[6])
{
	int type = (int)a[1];
	struct sock *sk;
	int r;

	if ((r = sock_create(t, (int)a[0], type, (int)a[2], &sk)) < 0)
		return r;
	return sock_install(t, sk, (unsigned int)type);
}

long
sys_socketpair(struct task *t, const uint64_t a[6])
{
	int type = (int)a[1], fds[2];
	struct sock *sa, *sb;
	int r;

	if ((r = sock_create(t, (int)a[0], type, (int)a[2], &sa)) < 0)
		return r;
	if ((r = unix_create(type & SOCK_TYPE_MASK_K, (int)a[2], &sb)) < 0) {
		sa->ops->release(sa);
		return r;
	}
	if ((r = sa->ops->pair(sa, sb)) < 0) {
		sa->ops->release(sa);
		sb->ops->release(sb);
		return r;
	}
	if ((fds[0] = sock_install(t, sa, (unsigned int)type)) < 0) {
		sb->ops->release(sb);
		return fds[0];
	}
	if ((fds[1] = sock_install(t, sb, (unsigned int)type)) < 0) {
		fd_close(t, fds[0]);
		return fds[1];
	}
	if (copy_to_user(t, UADDR(a[3]), fds, sizeof(fds)) < 0) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* Addresses */

/*
 * Copy a guest sockaddr into buf (SOCKADDR_STORAGE_LEN): its length (an
 * int, as the guest's socklen_t is read), or -EINVAL / -EFAULT.
 */
static int
sockaddr_in(struct task *t, uaddr_t uaddr, uint64_t ulen, char *buf)
{
	int len = (int)ulen;

	if (len < 0 || len > SOCKADDR_STORAGE_LEN)
		return -EINVAL;
	if (copy_from_user(t, buf, uaddr, (size_t)len) < 0)
		return -EFAULT;
	return len;
}

/*
 * Give the guest an address of klen bytes: at most *ulen of it (ulen is
 * read from the guest), then the whole length in *ulen.
 */
static int
sockaddr_out(struct task *t, const char *addr, size_t klen, uaddr_t uaddr,
	     uaddr_t ulen)
{
	int32_t len;

	if (copy_from_user(t, &len, ulen, sizeof(len)) < 0)
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if ((size_t)len > klen)
		len = (int32_t)klen;
	if (len > 0 && copy_to_user(t, uaddr, addr, (size_t)len) < 0)
		return -EFAULT;
	len = (int32_t)klen;
	return copy_to_user(t, ulen, &len, sizeof(len));
}

/* bind and connect: a sock and a guest sockaddr. */
static long
sockaddr_call(struct task *t, const uint64_t a[6], bool connect)
{
	char addr[SOCKADDR_STORAGE_LEN];
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if ((r = sockaddr_in(t, UADDR(a[1]), a[2], addr)) < 0)
		;
	else if (connect)
		r = sk->ops->connect(sk, addr, (size_t)r, sock_nonblock(sk, 0));
	else
		r = sk->ops->bind(sk, addr, (size_t)r);
	file_put(f);
	return r;
}

long
sys_bind(struct task *t, const uint64_t a[6])
{
	return sockaddr_call(t, a, false);
}

/* May sleep. */
long
sys_connect(struct task *t, const uint64_t a[6])
{
	return sockaddr_call(t, a, true);
}

long
sys_listen(struct task *t, const uint64_t a[6])
{
	int backlog = (int)a[1];
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if ((unsigned int)backlog > SOMAXCONN_K)
		backlog = SOMAXCONN_K;
	r = sk->ops->listen(sk, backlog);
	file_put(f);
	return r;
}

/* accept4: the new connection's fd; its peer's address to the guest. */
static long
accept_common(struct task *t, int fd, uaddr_t uaddr, uaddr_t ulen,
	      unsigned int flags)
{
	char addr[SOCKADDR_STORAGE_LEN];
	struct sock *sk, *nsk;
	struct file *f;
	long r;
	int len;

	if (flags & ~(SOCK_NONBLOCK_K | SOCK_CLOEXEC_K))
		return -EINVAL;
	if ((r = sockfd_get(t, fd, &f, &sk)) < 0)
		return r;
	r = sk->ops->accept(sk, sock_nonblock(sk, 0), &nsk);
	file_put(f);
	if (r < 0)
		return r;
	len = nsk->ops->getname(nsk, addr, true);
	if ((r = sock_install(t, nsk, flags)) < 0)
		return r;
	if (!uaddr_is_null(uaddr) && len >= 0 &&
	    sockaddr_out(t, addr, (size_t)len, uaddr, ulen) < 0) {
		fd_close(t, (int)r);
		return -EFAULT;
	}
	return r;
}

long
sys_accept(struct task *t, const uint64_t a[6])
{
	return accept_common(t, (int)a[0], UADDR(a[1]), UADDR(a[2]), 0);
}

long
sys_accept4(struct task *t, const uint64_t a[6])
{
	return accept_common(t, (int)a[0], UADDR(a[1]), UADDR(a[2]),
			     (unsigned int)a[3]);
}

static long
getname_common(struct task *t, const uint64_t a[6], bool peer)
{
	char addr[SOCKADDR_STORAGE_LEN];
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	r = sk->ops->getname(sk, addr, peer);
	if (r >= 0)
		r = sockaddr_out(t, addr, (size_t)r, UADDR(a[1]), UADDR(a[2]));
	file_put(f);
	return r;
}

long
sys_getsockname(struct task *t, const uint64_t a[6])
{
	return getname_common(t, a, false);
}

long
sys_getpeername(struct task *t, const uint64_t a[6])
{
	return getname_common(t, a, true);
}

long
sys_shutdown(struct task *t, const uint64_t a[6])
{
	int how = (int)a[1];
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if (how < SHUT_RD_K || how > SHUT_RDWR_K)
		r = -EINVAL;
	else
		r = sk->ops->shutdown(sk, how);
	file_put(f);
	return r;
}

/* Control messages */

/* Take the files of an SCM_RIGHTS message's fds (a reference each). */
static int
scm_add_rights(struct task *t, struct scm *scm, const int *fds, size_t n)
{
	struct file **files;
	size_t i;

	if (n == 0)
		return 0;
	if (scm->nfiles + n > SCM_MAX_FD)
		return -EINVAL;
	files = realloc(scm->files, (scm->nfiles + n) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	scm->files = files;
	for (i = 0; i < n; i++) {
		if ((files[scm->nfiles] = fd_get(t, fds[i])) == NULL)
			return -EBADF;
		scm->nfiles++;
	}
	return 0;
}

/* SCM_CREDENTIALS: a sender may claim only its own ids unless root. */
static int
scm_add_creds(struct task *t, struct scm *scm, const struct ucred_k *uc)
{
	const struct cred *c = &t->cred;
	bool root = cred_is_root(c);

	if (uc->pid != t->proc->pid && !root)
		return -EPERM;
	if (uc->uid != c->uid && uc->uid != c->euid && uc->uid != c->suid &&
	    !root)
		return -EPERM;
	if (uc->gid != c->gid && uc->gid != c->egid && uc->gid != c->sgid &&
	    !root)
		return -EPERM;
	scm->cred = *uc;
	scm->has_cred = true;
	return 0;
}

/* Parse a sendmsg's control data (a kernel copy of len bytes). */
static int
scm_parse(struct task *t, const char *buf, size_t len, struct scm *scm)
{
	size_t off = 0, datalen;
	struct cmsghdr_k h;
	int r = 0;

	while (r == 0 && len - off >= CMSG_HDR_LEN) {
		memcpy(&h, buf + off, sizeof(h));
		if (h.len < CMSG_HDR_LEN || h.len > len - off)
			return -EINVAL;
		datalen = h.len - CMSG_HDR_LEN;
		if (h.level != SOL_SOCKET_K)
			;
		else if (h.type == SCM_RIGHTS_K)
			r = scm_add_rights(t, scm,
					   (const int *)(buf + off + CMSG_HDR_LEN),
					   datalen / sizeof(int));
		else if (h.type == SCM_CREDENTIALS_K &&
			 datalen == sizeof(struct ucred_k))
			r = scm_add_creds(t, scm,
					  (const struct ucred_k *)(buf + off +
								   CMSG_HDR_LEN));
		else
			return -EINVAL;
		if (CMSG_ALIGN_K(h.len) > len - off)
			break;
		off += CMSG_ALIGN_K(h.len);
	}
	return r;
}

/* Where received control messages go: the guest's buffer. */
struct cmsg_out {
	struct task *t;
	uaddr_t ptr;
	size_t left;
	size_t used;
	unsigned int *flags;
};

/* Write one control message; a short buffer truncates (MSG_CTRUNC). */
static int
cmsg_put(struct cmsg_out *co, int type, const void *data, size_t len)
{
	struct cmsghdr_k h = { CMSG_LEN_K(len), SOL_SOCKET_K, type };
	size_t space = CMSG_SPACE_K(len), n;

	if (co->left < CMSG_HDR_LEN) {
		*co->flags |= MSG_CTRUNC_K;
		return 0;
	}
	if (co->left < h.len) {
		*co->flags |= MSG_CTRUNC_K;
		h.len = co->left;
	}
	n = h.len - CMSG_HDR_LEN;
	if (copy_to_user(co->t, co->ptr, &h, sizeof(h)) < 0 ||
	    copy_to_user(co->t, uaddr_add(co->ptr, CMSG_HDR_LEN), data, n) < 0)
		return -EFAULT;
	if (space > co->left)
		space = co->left;
	co->ptr = uaddr_add(co->ptr, space);
	co->left -= space;
	co->used += space;
	return 0;
}

/* Install the received files as fds, as many as fit; the rest close. */
static int
cmsg_put_rights(struct cmsg_out *co, struct scm *scm, unsigned int msgflags)
{
	unsigned int fdflags = (msgflags & MSG_CMSG_CLOEXEC_K) ? FD_CLOEXEC_K
							       : 0;
	int fds[SCM_MAX_FD], n = 0, max, i, r;

	max = co->left > CMSG_HDR_LEN
		      ? (int)((co->left - CMSG_HDR_LEN) / sizeof(int))
		      : 0;
	for (i = 0; i < scm->nfiles && n < max; i++) {
		r = fd_install(co->t, scm->files[i], fdflags, 0);
		scm->files[i] = NULL; /* taken over, or put on error */
		if (r < 0)
			break;
		fds[n++] = r;
	}
	if (n < scm->nfiles)
		*co->flags |= MSG_CTRUNC_K;
	for (; i < scm->nfiles; i++)
		file_put(scm->files[i]);
	scm->nfiles = 0;
	if (n == 0)
		return 0;
	if ((r = cmsg_put(co, SCM_RIGHTS_K, fds, n * sizeof(int))) < 0) {
		for (i = 0; i < n; i++)
			fd_close(co->t, fds[i]);
	}
	return r;
}

/* Deliver a received message's control data (scm is emptied). */
static int
scm_deliver(struct task *t, struct sock *sk, struct scm *scm, uaddr_t ctl,
	    size_t ctllen, struct msg_k *m)
{
	struct cmsg_out co = { t, ctl, ctllen, 0, &m->out_flags };
	int r = 0;

	if (uaddr_is_null(ctl))
		co.left = 0;
	if (sk->passcred && scm->has_cred)
		r = cmsg_put(&co, SCM_CREDENTIALS_K, &scm->cred,
			     sizeof(scm->cred));
	if (r == 0 && scm->nfiles)
		r = cmsg_put_rights(&co, scm, m->flags);
	scm_destroy(scm);
	return r < 0 ? r : (int)co.used;
}

/* Sending and receiving */

/* Copy in a guest iovec array: *segs (to free) and the total. */
static long
iovec_in(struct task *t, uaddr_t uiov, uint64_t n, struct uio_seg **segs,
	 size_t *total)
{
	uint64_t i, sum = 0;

	if (n > UIO_MAXIOV)
		return -EMSGSIZE;
	if ((*segs = malloc(sizeof(**segs) * (n ? n : 1))) == NULL)
		return -ENOMEM;
	if (copy_from_user(t, *segs, uiov, sizeof(**segs) * n) < 0)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		if ((int64_t)(*segs)[i].len < 0)
			return -EINVAL;
		if ((*segs)[i].len > MAX_RW_COUNT - sum)
			(*segs)[i].len = MAX_RW_COUNT - sum;
		sum += (*segs)[i].len;
	}
	*total = sum;
	return 0;
}

/* One send: the sock's, with control data already parsed into m->scm. */
static long
sock_send(struct sock *sk, struct msg_k *m)
{
	long r;

	m->nonblock = sock_nonblock(sk, m->flags);
	r = sk->ops->sendmsg(sk, m);
	scm_destroy(&m->scm);
	return r;
}

long
sys_sendto(struct task *t, const uint64_t a[6])
{
	struct uio u = uio_user(t, UADDR(a[1]),
				a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a[2]);
	struct msg_k m = { .data = &u, .flags = (unsigned int)a[3] };
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if (a[4] && (r = sockaddr_in(t, UADDR(a[4]), a[5], m.name)) >= 0)
		m.namelen = (size_t)r;
	if (r >= 0)
		r = sock_send(sk, &m);
	file_put(f);
	return r;
}

/* sendmsg's msghdr: the address, payload and control data, copied in. */
static long
sendmsg_in(struct task *t, const struct msghdr_k *h, struct msg_k *m,
	   struct uio_seg **segs)
{
	size_t total, clen = (size_t)h->controllen;
	char *ctl;
	long r;

	if (h->name && (int32_t)h->namelen < 0)
		return -EINVAL;
	if (h->name && h->namelen) {
		m->namelen = h->namelen > SOCKADDR_STORAGE_LEN
				     ? SOCKADDR_STORAGE_LEN
				     : h->namelen;
		if (copy_from_user(t, m->name, UADDR(h->name), m->namelen) < 0)
			return -EFAULT;
	}
	if ((r = iovec_in(t, UADDR(h->iov), h->iovlen, segs, &total)) < 0)
		return r;
	*m->data = uio_user_segs(t, *segs, (size_t)h->iovlen, total);
	if (h->controllen > INT32_MAX || h->controllen > CONTROL_MAX)
		return -ENOBUFS;
	if (clen == 0)
		return 0;
	if ((ctl = malloc(clen)) == NULL)
		return -ENOMEM;
	r = copy_from_user(t, ctl, UADDR(h->control), clen);
	if (r == 0)
		r = scm_parse(t, ctl, clen, &m->scm);
	free(ctl);
	return r;
}

/* One sendmsg of the guest's msghdr at uh: bytes sent or -errno. */
static long
sendmsg_one(struct task *t, struct sock *sk, uaddr_t uh, unsigned int flags)
{
	struct uio u;
	struct msg_k m = { .data = &u, .flags = flags };
	struct uio_seg *segs = NULL;
	struct msghdr_k h;
	long r;

	if (copy_from_user(t, &h, uh, sizeof(h)) < 0)
		r = -EFAULT;
	else if ((r = sendmsg_in(t, &h, &m, &segs)) == 0)
		r = sock_send(sk, &m);
	scm_destroy(&m.scm);
	free(segs);
	return r;
}

long
sys_recvfrom(struct task *t, const uint64_t a[6])
{
	struct uio u = uio_user(t, UADDR(a[1]),
				a[2] > MAX_RW_COUNT ? MAX_RW_COUNT : a[2]);
	struct msg_k m = { .data = &u, .flags = (unsigned int)a[3] };
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	m.nonblock = sock_nonblock(sk, m.flags);
	r = sk->ops->recvmsg(sk, &m);
	scm_destroy(&m.scm);
	if (r >= 0 && a[4]) {
		long e = sockaddr_out(t, m.name, m.namelen, UADDR(a[4]),
				      UADDR(a[5]));
		if (e < 0)
			r = e;
	}
	file_put(f);
	return r;
}

/* recvmsg's results back into the guest's msghdr at uh. */
static long
recvmsg_out(struct task *t, struct sock *sk, struct msg_k *m,
	    const struct msghdr_k *h, uaddr_t uh)
{
	uint64_t ctl_used;
	long r;

	r = scm_deliver(t, sk, &m->scm, UADDR(h->control),
			(size_t)h->controllen, m);
	if (r < 0)
		return r;
	ctl_used = (uint64_t)r;
	if (h->name) {
		r = sockaddr_out(t, m->name, m->namelen, UADDR(h->name),
				 uaddr_add(uh, offsetof(struct msghdr_k,
							namelen)));
		if (r < 0)
			return r;
	}
	if (copy_to_user(t, uaddr_add(uh, offsetof(struct msghdr_k, flags)),
			 &m->out_flags, sizeof(m->out_flags)) < 0 ||
	    copy_to_user(t,
			 uaddr_add(uh, offsetof(struct msghdr_k, controllen)),
			 &ctl_used, sizeof(ctl_used)) < 0)
		return -EFAULT;
	return 0;
}

/* One recvmsg into the guest's msghdr at uh: bytes or -errno. */
static long
recvmsg_one(struct task *t, struct sock *sk, uaddr_t uh, unsigned int flags)
{
	struct uio u;
	struct msg_k m = { .data = &u, .flags = flags };
	struct uio_seg *segs = NULL;
	struct msghdr_k h;
	size_t total;
	long r, e;

	if (copy_from_user(t, &h, uh, sizeof(h)) < 0)
		return -EFAULT;
	if ((r = iovec_in(t, UADDR(h.iov), h.iovlen, &segs, &total)) < 0)
		goto out;
	u = uio_user_segs(t, segs, (size_t)h.iovlen, total);
	m.nonblock = sock_nonblock(sk, m.flags);
	r = sk->ops->recvmsg(sk, &m);
	if (r >= 0 && (e = recvmsg_out(t, sk, &m, &h, uh)) < 0)
		r = e;
out:
	scm_destroy(&m.scm);
	free(segs);
	return r;
}

/* sendmsg and recvmsg: a sock and one guest msghdr. */
static long
msg_call(struct task *t, const uint64_t a[6], bool recv)
{
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	r = (recv ? recvmsg_one : sendmsg_one)(t, sk, UADDR(a[1]),
					       (unsigned int)a[2]);
	file_put(f);
	return r;
}

long
sys_sendmsg(struct task *t, const uint64_t a[6])
{
	return msg_call(t, a, false);
}

long
sys_recvmsg(struct task *t, const uint64_t a[6])
{
	return msg_call(t, a, true);
}

/*
 * sendmmsg and recvmmsg: a vector of struct mmsghdr (a msghdr and the
 * length moved), one call each, stopping at the first error; the count
 * done, or the error if none was.  recvmmsg's deadline (< 0: none) is
 * checked after each message, as Linux does.
 */
#define MMSGHDR_SIZE 64
#define MSG_LEN_OFF 56
#define MSG_WAITFORONE_K 0x10000

static long
mmsg_call(struct task *t, const uint64_t a[6], bool recv, int64_t deadline)
{
	unsigned int vlen = (unsigned int)a[2], flags = (unsigned int)a[3], i;
	uaddr_t one;
	struct file *f;
	struct sock *sk;
	uint32_t len;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if (vlen > UIO_MAXIOV)
		vlen = UIO_MAXIOV;
	for (i = 0; i < vlen; i++) {
		one = uaddr_add(UADDR(a[1]), (uint64_t)i * MMSGHDR_SIZE);
		r = (recv ? recvmsg_one : sendmsg_one)(t, sk, one,
						       flags & ~MSG_WAITFORONE_K);
		if (r < 0)
			break;
		len = (uint32_t)r;
		if (copy_to_user(t, uaddr_add(one, MSG_LEN_OFF), &len,
				 sizeof(len)) < 0) {
			r = -EFAULT;
			break;
		}
		if (recv && (flags & MSG_WAITFORONE_K))
			flags |= MSG_DONTWAIT_K;
		if (deadline >= 0 && ktime_now() >= deadline) {
			i++;
			break;
		}
	}
	file_put(f);
	return i ? (long)i : r;
}

long
sys_sendmmsg(struct task *t, const uint64_t a[6])
{
	return mmsg_call(t, a, false, -1);
}

long
sys_recvmmsg(struct task *t, const uint64_t a[6])
{
	struct timespec_k ts;
	int64_t deadline = -1;

	if (a[4]) {
		if (copy_from_user(t, &ts, UADDR(a[4]), sizeof(ts)) < 0)
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = ktime_after(ktime_from(ts.sec, ts.nsec));
	}
	return mmsg_call(t, a, true, deadline);
}

/* Socket options */

static int
sockopt_buf(int val, int min)
{
	if (val > SOCK_MAX_BUF)
		val = SOCK_MAX_BUF;
	return val * 2 > min ? val * 2 : min;
}

/* SO_RCVTIMEO / SO_SNDTIMEO from a guest struct timeval. */
static int
sockopt_timeout(struct task *t, uaddr_t uval, uint32_t len, int64_t *timeo)
{
	struct timeval_k tv;

	if (len < sizeof(tv))
		return -EINVAL;
	if (copy_from_user(t, &tv, uval, sizeof(tv)) < 0)
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	/* A negative time means "do not wait": a deadline 1 ns away. */
	*timeo = tv.sec < 0 ? 1 : ktime_from(tv.sec, tv.usec * 1000);
	return 0;
}

static long
sock_setopt(struct task *t, struct sock *sk, int name, uaddr_t uval,
	    uint32_t len)
{
	int val;

	if (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW)
		return sockopt_timeout(t, uval, len, &sk->rcvtimeo);
	if (name == SO_SNDTIMEO_OLD || name == SO_SNDTIMEO_NEW)
		return sockopt_timeout(t, uval, len, &sk->sndtimeo);
	if (len < sizeof(int))
		return -EINVAL;
	if (copy_from_user(t, &val, uval, sizeof(val)) < 0)
		return -EFAULT;
	switch (name) {
	case SO_REUSEADDR:
		sk->reuseaddr = val != 0;
		return 0;
	case SO_SNDBUF:
	case SO_SNDBUFFORCE:
		sk->sndbuf = sockopt_buf(val < 0 ? 0 : val, SOCK_MIN_SNDBUF);
		wake_up(&sk->wq); /* writers may fit now */
		return 0;
	case SO_RCVBUF:
	case SO_RCVBUFFORCE:
		sk->rcvbuf = sockopt_buf(val < 0 ? 0 : val, SOCK_MIN_RCVBUF);
		return 0;
	case SO_PASSCRED:
		sk->passcred = val != 0;
		return 0;
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_KEEPALIVE:
	case SO_OOBINLINE:
	case SO_LINGER:
	case SO_RCVLOWAT:
		return 0; /* meaningless for a local socket: accepted */
	default:
		return -ENOPROTOOPT;
	}
}

long
sys_setsockopt(struct task *t, const uint64_t a[6])
{
	struct file *f;
	struct sock *sk;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if ((int)a[1] != SOL_SOCKET_K)
		r = -EOPNOTSUPP;
	else
		r = sock_setopt(t, sk, (int)a[2], UADDR(a[3]), (uint32_t)a[4]);
	file_put(f);
	return r;
}

static struct timeval_k
timeval_of(int64_t ns)
{
	return (struct timeval_k){ ns / NSEC_PER_SEC,
				   ns % NSEC_PER_SEC / 1000 };
}

/* The value of option name into buf: its length, or -ENOPROTOOPT. */
static int
sock_getopt(struct sock *sk, int name, void *buf)
{
	int *ip = buf;
	struct ucred_k none = { 0, UINT32_MAX, UINT32_MAX };

	switch (name) {
	case SO_TYPE: *ip = sk->type; break;
	case SO_DOMAIN: *ip = sk->family; break;
	case SO_PROTOCOL: *ip = sk->protocol; break;
	case SO_ERROR: *ip = sk->err; sk->err = 0; break;
	case SO_SNDBUF: *ip = sk->sndbuf; break;
	case SO_RCVBUF: *ip = sk->rcvbuf; break;
	case SO_REUSEADDR: *ip = sk->reuseaddr; break;
	case SO_PASSCRED: *ip = sk->passcred; break;
	case SO_ACCEPTCONN: *ip = sk->listening; break;
	case SO_RCVLOWAT:
	case SO_SNDLOWAT: *ip = 1; break;
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_DONTROUTE:
	case SO_OOBINLINE: *ip = 0; break;
	case SO_LINGER:
		memset(buf, 0, 8);
		return 8;
	case SO_PEERCRED:
		memcpy(buf, sk->has_peercred ? &sk->peercred : &none,
		       sizeof(none));
		return sizeof(none);
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		*(struct timeval_k *)buf = timeval_of(sk->rcvtimeo);
		return sizeof(struct timeval_k);
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		*(struct timeval_k *)buf = timeval_of(sk->sndtimeo);
		return sizeof(struct timeval_k);
	default:
		return -ENOPROTOOPT;
	}
	return sizeof(int);
}

long
sys_getsockopt(struct task *t, const uint64_t a[6])
{
	uint64_t buf[4];
	uaddr_t ulen = UADDR(a[4]);
	struct file *f;
	struct sock *sk;
	int32_t len;
	long r;

	if ((r = sockfd_get(t, (int)a[0], &f, &sk)) < 0)
		return r;
	if ((int)a[1] != SOL_SOCKET_K) {
		r = -EOPNOTSUPP;
		goto out;
	}
	if (copy_from_user(t, &len, ulen, sizeof(len)) < 0) {
		r = -EFAULT;
		goto out;
	}
	if (len < 0) {
		r = -EINVAL;
		goto out;
	}
	if ((r = sock_getopt(sk, (int)a[2], buf)) < 0)
		goto out;
	if (len > r)
		len = (int32_t)r;
	if (copy_to_user(t, UADDR(a[3]), buf, (size_t)len) < 0 ||
	    copy_to_user(t, ulen, &len, sizeof(len)) < 0)
		r = -EFAULT;
	else
		r = 0;
out:
	file_put(f);
	return r;
}
