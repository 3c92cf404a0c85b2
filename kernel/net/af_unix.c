/*
 * AF_UNIX: the guest's local sockets, entirely inside the kernel.
 *
 * A unix_sock is a struct sock with a receive queue of messages.  A
 * message is written by its sender straight into the receiver's queue
 * and charged to the sender (sk.wmem) until the receiver consumes it;
 * a sender waits while its own charge is at SO_SNDBUF, and consuming a
 * message wakes its sender.  Datagrams also wait while the receiver
 * holds more than UNIX_DGRAM_QLEN of them (unless the two are each
 * other's peers), as Linux's net.unix.max_dgram_qlen.  Messages carry
 * files in flight (SCM_RIGHTS; each holds a reference until received)
 * and the sender's credentials when either side asked for them.
 *
 * Names: a sock may be bound to a filesystem node (an S_IFSOCK inode made
 * by bind, found again by its inode), to an abstract name (leading NUL,
 * per type), or to an autobind name ("\0" and five hex digits).  Bound
 * socks are on unix_bound until released.
 *
 * Connections (SOCK_STREAM, SOCK_SEQPACKET) are Linux's: connect makes
 * the server's end at once, connected to the client, and queues it on
 * the listener, so the client may write before accept takes it.  A
 * stream keeps no boundaries (reads gather messages); a seqpacket keeps
 * them like datagrams.  When one end is released its peer gets
 * SHUTDOWN_MASK (reads drain, then return 0; writes get EPIPE) and
 * ECONNRESET if the released end had unread data.
 *
 * References: each peer pointer, each message's sender and each queued
 * connection holds one on the sock it names; a task sleeping on another
 * sock's queue holds one too.  Cycles of sockets in flight to each other
 * are not collected (Linux's garbage collector is not here).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/fdtable.h"
#include "fs/namei.h"
#include "fs/poll.h"
#include "fs/proc/proc_int.h"
#include "net/net.h"
#include "signal.h"
#include "task.h"

#define UNIX_DGRAM_QLEN 10
#define UNIX_MSG_OVERHEAD 256	/* charged per message besides its bytes */
#define UNIX_STREAM_CHUNK 65536	/* the most one stream message holds */
#define K_SIGPIPE 13
#define K_FIONREAD 0x541B
#define K_SIOCOUTQ 0x5411

enum unix_state { UNIX_UNCONNECTED, UNIX_LISTEN, UNIX_CONNECTED };

/* A bound name: the sockaddr_un bytes that getsockname returns. */
struct unix_addr {
	int refcount;
	size_t len;
	char name[SOCKADDR_UN_LEN + 1];
};

struct unix_sock {
	struct sock sk;
	enum unix_state state;
	struct unix_sock *peer;	 /* referenced, or NULL */
	struct unix_addr *addr;	 /* the bound name, or NULL */
	struct path path;	 /* the node of a filesystem name (.mnt NULL:
				  * none) */
	struct list bound_link;	 /* unix_bound, while bound and not released */
	struct list all_link;	 /* unix_all, for /proc/net/unix */
	struct list rcvq;	 /* struct unix_msg */
	int rcvq_len;
	int backlog;
	bool dead;		 /* released: no file, no more messages */
};

struct unix_msg {
	struct list link;
	struct unix_sock *sender; /* referenced, charged `charge` */
	size_t charge;
	struct scm scm;
	struct unix_sock *conn;	  /* a listener's queue: the connection */
	size_t len, off;	  /* bytes; consumed (streams) */
	char data[];
};

static struct list unix_bound = LIST_INIT(unix_bound);
static struct list unix_all = LIST_INIT(unix_all);
static const struct proto_ops unix_ops;

static struct unix_sock *
unix_sk(struct sock *sk)
{
	return container_of(sk, struct unix_sock, sk);
}

static bool
unix_connection_type(const struct unix_sock *u)
{
	return u->sk.type == SOCK_STREAM_K || u->sk.type == SOCK_SEQPACKET_K;
}

static struct unix_sock *
unix_get(struct unix_sock *u)
{
	sock_get(&u->sk);
	return u;
}

static void
unix_put(struct unix_sock *u)
{
	if (u)
		sock_put(&u->sk);
}

static struct unix_addr *
addr_get(struct unix_addr *a)
{
	if (a)
		a->refcount++;
	return a;
}

static void
addr_put(struct unix_addr *a)
{
	if (a && --a->refcount == 0)
		free(a);
}

static struct unix_sock *
unix_alloc(int type)
{
	struct sock *sk = sock_alloc(sizeof(struct unix_sock), AF_UNIX_K, type,
				     &unix_ops);
	struct unix_sock *u;

	if (!sk)
		return NULL;
	u = unix_sk(sk);
	list_init(&u->bound_link);
	list_init(&u->rcvq);
	list_add_tail(&u->all_link, &unix_all);
	return u;
}

int
unix_create(int type, int protocol, struct sock **out)
{
	struct unix_sock *u;

	if (protocol != 0 && protocol != AF_UNIX_K)
		return -EPROTONOSUPPORT;
	if (type == SOCK_RAW_K)
		type = SOCK_DGRAM_K; /* as Linux: BSD's raw unix is a dgram */
	if (type != SOCK_STREAM_K && type != SOCK_DGRAM_K &&
	    type != SOCK_SEQPACKET_K)
		return -ESOCKTNOSUPPORT;
	if ((u = unix_alloc(type)) == NULL)
		return -ENOMEM;
	*out = &u->sk;
	return 0;
}

/* Messages */

static struct unix_msg *
msg_alloc(size_t len)
{
	struct unix_msg *msg = calloc(1, sizeof(*msg) + len);

	if (msg)
		msg->len = len;
	return msg;
}

/* Charge msg to its sender u until it is consumed. */
static void
msg_charge(struct unix_msg *msg, struct unix_sock *u)
{
	msg->sender = unix_get(u);
	msg->charge = msg->len + UNIX_MSG_OVERHEAD;
	u->sk.wmem += msg->charge;
}

/* Free a message: its sender may write again; files in flight close. */
static void
msg_free(struct unix_msg *msg)
{
	struct unix_sock *s = msg->sender;

	if (s) {
		s->sk.wmem -= msg->charge;
		wake_up_poll(&s->sk.wq, K_POLLOUT | K_POLLWRNORM | K_POLLWRBAND);
		unix_put(s);
	}
	scm_destroy(&msg->scm);
	free(msg);
}

static void unix_release_sock(struct unix_sock *u, bool embryo);

/* Drop every queued message; queued connections are released. */
static void
unix_purge(struct unix_sock *u)
{
	struct list q;
	struct unix_msg *msg, *tmp;

	if (list_empty(&u->rcvq))
		return;
	/* Move the queue aside: closing files in flight may reenter. */
	q = u->rcvq;
	q.next->prev = &q;
	q.prev->next = &q;
	list_init(&u->rcvq);
	u->rcvq_len = 0;
	list_for_each_entry_safe(msg, tmp, &q, link) {
		list_del(&msg->link);
		if (msg->conn)
			unix_release_sock(msg->conn, true);
		msg_free(msg);
	}
}

static void
unix_enqueue(struct unix_sock *to, struct unix_msg *msg)
{
	list_add_tail(&msg->link, &to->rcvq);
	to->rcvq_len++;
	wake_up_poll(&to->sk.wq, K_POLLIN | K_POLLRDNORM);
}

/* Take msg off u's queue (it is consumed). */
static void
unix_dequeue(struct unix_sock *u, struct unix_msg *msg)
{
	list_del(&msg->link);
	u->rcvq_len--;
	/* Datagram senders waiting for a short queue sleep on ours. */
	wake_up_poll(&u->sk.wq, K_POLLOUT | K_POLLWRNORM | K_POLLWRBAND);
}

static struct unix_msg *
unix_first(struct unix_sock *u)
{
	if (list_empty(&u->rcvq))
		return NULL;
	return list_first_entry(&u->rcvq, struct unix_msg, link);
}

/* Addresses */

enum { ADDR_AUTOBIND, ADDR_ABSTRACT, ADDR_PATH };

/*
 * Check a sockaddr_un of len bytes (buf holds at least len + 1): its
 * kind, or -EINVAL.  A path is NUL-terminated in place.
 */
static int
unix_addr_kind(char *buf, size_t len, bool autobind_ok)
{
	uint16_t family;

	if (len < SUN_PATH_OFF || len > SOCKADDR_UN_LEN)
		return -EINVAL;
	memcpy(&family, buf, sizeof(family));
	if (family != AF_UNIX_K)
		return -EINVAL;
	if (len == SUN_PATH_OFF)
		return autobind_ok ? ADDR_AUTOBIND : -EINVAL;
	if (buf[SUN_PATH_OFF] == '\0')
		return ADDR_ABSTRACT;
	buf[len] = '\0';
	return ADDR_PATH;
}

static struct unix_addr *
addr_make(const char *name, size_t len)
{
	struct unix_addr *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->refcount = 1;
	a->len = len;
	memcpy(a->name, name, len);
	return a;
}

/* The bound sock with abstract name (name, len) and type, or NULL. */
static struct unix_sock *
unix_find_abstract(const char *name, size_t len, int type)
{
	struct unix_sock *u;

	list_for_each_entry(u, &unix_bound, bound_link) {
		if (!u->path.mnt && u->addr->len == len &&
		    memcmp(u->addr->name, name, len) == 0 &&
		    (type < 0 || u->sk.type == type))
			return u;
	}
	return NULL;
}

/* The sock bound to inode, or NULL. */
static struct unix_sock *
unix_find_inode(const struct inode *inode)
{
	struct unix_sock *u;
	const struct inode *ui;

	list_for_each_entry(u, &unix_bound, bound_link) {
		if (!u->path.mnt)
			continue;
		ui = u->path.dentry->inode;
		if (ui && ui->sb == inode->sb && ui->ino == inode->ino)
			return u;
	}
	return NULL;
}

/* The sock a filesystem name leads to: a new reference, or -errno. */
static int
unix_find_path(const char *name, int type, struct unix_sock **out)
{
	struct unix_sock *u = NULL;
	struct path p;
	int r;

	if ((r = path_lookup(current, AT_FDCWD_K, name, LOOKUP_FOLLOW, &p)) < 0)
		return r;
	r = inode_permission(current, p.dentry->inode, MAY_WRITE);
	if (r == 0 && (!K_ISSOCK(p.dentry->inode->mode) ||
		       (u = unix_find_inode(p.dentry->inode)) == NULL))
		r = -ECONNREFUSED;
	if (r == 0 && u->sk.type != type)
		r = -EPROTOTYPE;
	path_put(&p);
	if (r == 0)
		*out = unix_get(u);
	return r;
}

/* The sock a checked address names: a new reference, or -errno. */
static int
unix_find(char *addr, size_t len, int type, struct unix_sock **out)
{
	int kind = unix_addr_kind(addr, len, false);
	struct unix_sock *u;

	if (kind < 0)
		return kind;
	if (kind == ADDR_PATH)
		return unix_find_path(addr + SUN_PATH_OFF, type, out);
	if ((u = unix_find_abstract(addr, len, type)) == NULL)
		return -ECONNREFUSED;
	*out = unix_get(u);
	return 0;
}

static void
unix_set_addr(struct unix_sock *u, struct unix_addr *a)
{
	u->addr = a;
	list_add_tail(&u->bound_link, &unix_bound);
}

/* Bind to a fresh name "\0XXXXX" (already bound: nothing to do). */
static int
unix_autobind(struct unix_sock *u)
{
	static unsigned int next;
	char name[16] = { AF_UNIX_K, 0, 0 };
	struct unix_addr *a;
	unsigned int tries;

	if (u->addr)
		return 0;
	for (tries = 0; tries < 0x100000; tries++) {
		snprintf(name + 3, sizeof(name) - 3, "%05x", next++ & 0xfffff);
		if (!unix_find_abstract(name, 8, -1))
			break;
	}
	if (tries == 0x100000)
		return -ENOSPC;
	if ((a = addr_make(name, 8)) == NULL)
		return -ENOMEM;
	unix_set_addr(u, a);
	return 0;
}

static int
unix_bind_path(struct unix_sock *u, const char *path, struct unix_addr *a)
{
	uint32_t mode = K_S_IFSOCK | (0777 & ~current->fs->umask);
	int r = vfs_mknod_name(current, path, mode, &u->path);

	if (r < 0)
		return r == -EEXIST ? -EADDRINUSE : r;
	unix_set_addr(u, a);
	return 0;
}

static int
unix_bind(struct sock *sk, const char *addr, size_t len)
{
	struct unix_sock *u = unix_sk(sk);
	char buf[SOCKADDR_STORAGE_LEN + 1];
	struct unix_addr *a;
	int kind, r;

	if (len > SOCKADDR_STORAGE_LEN)
		return -EINVAL;
	memcpy(buf, addr, len);
	if ((kind = unix_addr_kind(buf, len, true)) < 0)
		return kind;
	if (kind == ADDR_AUTOBIND)
		return unix_autobind(u);
	if (u->addr)
		return -EINVAL;
	if (kind == ADDR_PATH)
		len = SUN_PATH_OFF + strlen(buf + SUN_PATH_OFF) + 1;
	if ((a = addr_make(buf, len)) == NULL)
		return -ENOMEM;
	if (kind == ADDR_PATH)
		r = unix_bind_path(u, buf + SUN_PATH_OFF, a);
	else if (unix_find_abstract(buf, len, sk->type))
		r = -EADDRINUSE;
	else
		r = (unix_set_addr(u, a), 0);
	if (r < 0)
		addr_put(a);
	return r;
}

static int
unix_getname(struct sock *sk, char *addr, bool peer)
{
	struct unix_sock *u = unix_sk(sk);
	uint16_t family = AF_UNIX_K;

	if (peer && !u->peer)
		return -ENOTCONN;
	if (peer)
		u = u->peer;
	if (!u->addr) {
		memcpy(addr, &family, sizeof(family));
		return SUN_PATH_OFF;
	}
	memcpy(addr, u->addr->name, u->addr->len);
	return (int)u->addr->len;
}

/* Connections */

static void
unix_set_peer(struct unix_sock *u, struct unix_sock *peer)
{
	struct unix_sock *old = u->peer;

	u->peer = peer ? unix_get(peer) : NULL;
	u->state = peer ? UNIX_CONNECTED : UNIX_UNCONNECTED;
	unix_put(old);
}

static int
unix_pair(struct sock *a, struct sock *b)
{
	struct unix_sock *ua = unix_sk(a), *ub = unix_sk(b);

	unix_set_peer(ua, ub);
	unix_set_peer(ub, ua);
	a->peercred = b->peercred = sock_current_cred();
	a->has_peercred = b->has_peercred = true;
	return 0;
}

static int
unix_listen(struct sock *sk, int backlog)
{
	struct unix_sock *u = unix_sk(sk);

	if (!unix_connection_type(u))
		return -EOPNOTSUPP;
	if (!u->addr || u->state == UNIX_CONNECTED)
		return -EINVAL;
	if (backlog > u->backlog)
		wake_up(&sk->wq); /* connects waiting for room */
	u->backlog = backlog;
	u->state = UNIX_LISTEN;
	sk->listening = true;
	sk->peercred = sock_current_cred();
	sk->has_peercred = true;
	return 0;
}

static bool
unix_listener_full(const struct unix_sock *l)
{
	return l->rcvq_len > l->backlog;
}

static bool
unix_refuses(const struct unix_sock *l)
{
	return l->dead || l->state != UNIX_LISTEN;
}

/*
 * Make the server's end of a connection from u to listener l and queue
 * it there.  u is connected when this returns 0.
 */
static int
unix_make_connection(struct unix_sock *u, struct unix_sock *l)
{
	struct unix_sock *n = unix_alloc(u->sk.type);
	struct unix_msg *msg = msg_alloc(0);

	if (!n || !msg) {
		unix_put(n);
		free(msg);
		return -ENOMEM;
	}
	n->addr = addr_get(l->addr);
	n->sk.peercred = sock_current_cred();
	n->sk.has_peercred = true;
	n->sk.passcred = l->sk.passcred;
	n->sk.sndbuf = l->sk.sndbuf;
	n->sk.rcvbuf = l->sk.rcvbuf;
	unix_set_peer(n, u);
	unix_set_peer(u, n);
	u->sk.peercred = l->sk.peercred;
	u->sk.has_peercred = true;
	msg->conn = n; /* the queue holds n's first reference */
	unix_enqueue(l, msg);
	return 0;
}

/* May sleep. */
static int
unix_stream_connect(struct unix_sock *u, char *addr, size_t len,
		    bool nonblock)
{
	int64_t deadline = sock_deadline(u->sk.sndtimeo);
	struct unix_sock *l;
	int r;

	for (;;) {
		if ((r = unix_addr_kind(addr, len, false)) < 0)
			return r;
		if (u->sk.passcred && (r = unix_autobind(u)) < 0)
			return r;
		if (u->state == UNIX_CONNECTED)
			return -EISCONN;
		if (u->state == UNIX_LISTEN)
			return -EINVAL;
		if ((r = unix_find(addr, len, u->sk.type, &l)) < 0)
			return r;
		if (unix_refuses(l))
			r = -ECONNREFUSED;
		else if (!unix_listener_full(l))
			break;
		else if (nonblock)
			r = -EAGAIN;
		else
			r = sock_wait_event(&l->sk.wq,
					    unix_refuses(l) ||
						    !unix_listener_full(l),
					    deadline, "unixconn");
		unix_put(l);
		if (r < 0)
			return r;
	}
	r = unix_make_connection(u, l);
	unix_put(l);
	return r;
}

/* May the sock u send to other?  Not if other is connected elsewhere. */
static bool
unix_may_send(const struct unix_sock *u, const struct unix_sock *other)
{
	return !other->peer || other->peer == u;
}

static int
unix_dgram_connect(struct unix_sock *u, char *addr, size_t len)
{
	struct unix_sock *other;
	uint16_t family;
	int r;

	if (len < sizeof(family))
		return -EINVAL;
	memcpy(&family, addr, sizeof(family));
	if (family == AF_UNSPEC_K) {
		unix_set_peer(u, NULL);
		return 0;
	}
	if ((r = unix_addr_kind(addr, len, false)) < 0)
		return r;
	if (u->sk.passcred && (r = unix_autobind(u)) < 0)
		return r;
	if ((r = unix_find(addr, len, u->sk.type, &other)) < 0)
		return r;
	if (unix_may_send(u, other))
		unix_set_peer(u, other);
	else
		r = -EPERM;
	unix_put(other);
	return r;
}

static int
unix_connect(struct sock *sk, const char *addr, size_t len, bool nonblock)
{
	char buf[SOCKADDR_STORAGE_LEN + 1];

	if (len > SOCKADDR_STORAGE_LEN)
		return -EINVAL;
	memcpy(buf, addr, len);
	if (sk->type == SOCK_DGRAM_K)
		return unix_dgram_connect(unix_sk(sk), buf, len);
	return unix_stream_connect(unix_sk(sk), buf, len, nonblock);
}

/* May sleep. */
static int
unix_accept(struct sock *sk, bool nonblock, struct sock **out)
{
	struct unix_sock *u = unix_sk(sk);
	int64_t deadline = sock_deadline(sk->rcvtimeo);
	struct unix_msg *msg;
	int r;

	if (!unix_connection_type(u))
		return -EOPNOTSUPP;
	if (u->state != UNIX_LISTEN)
		return -EINVAL;
	while ((msg = unix_first(u)) == NULL) {
		if (nonblock)
			return -EAGAIN;
		r = sock_wait_event(&sk->wq,
				    !list_empty(&u->rcvq) ||
					    u->state != UNIX_LISTEN,
				    deadline, "unixacc");
		if (r < 0)
			return r;
		if (u->state != UNIX_LISTEN)
			return -EINVAL;
	}
	unix_dequeue(u, msg);
	wake_up(&sk->wq); /* connects waiting for room */
	*out = &msg->conn->sk;
	msg->conn = NULL;
	msg_free(msg);
	return 0;
}

static int
unix_shutdown(struct sock *sk, int how)
{
	struct unix_sock *u = unix_sk(sk), *peer = u->peer;
	unsigned int mode = (unsigned int)how + 1, peer_mode = 0;

	sk->shutdown |= mode;
	wake_up(&sk->wq);
	if (!peer || !unix_connection_type(u))
		return 0;
	if (mode & RCV_SHUTDOWN)
		peer_mode |= SEND_SHUTDOWN;
	if (mode & SEND_SHUTDOWN)
		peer_mode |= RCV_SHUTDOWN;
	peer->sk.shutdown |= peer_mode;
	wake_up(&peer->sk.wq);
	return 0;
}

/* Sending */

/* Credentials for a message from u to other, if either side wants them. */
static void
unix_msg_creds(struct unix_msg *msg, struct unix_sock *u,
	       struct unix_sock *other, const struct scm *scm)
{
	if (scm->has_cred) {
		msg->scm.cred = scm->cred;
		msg->scm.has_cred = true;
	} else if (u->sk.passcred || (other && other->sk.passcred)) {
		msg->scm.cred = (struct ucred_k){ current->proc->pid,
						  current->cred.uid,
						  current->cred.gid };
		msg->scm.has_cred = true;
	}
}

/* Move the files in flight of scm to msg. */
static void
unix_msg_rights(struct unix_msg *msg, struct scm *scm)
{
	msg->scm.files = scm->files;
	msg->scm.nfiles = scm->nfiles;
	scm->files = NULL;
	scm->nfiles = 0;
}

/* The writer hit a shut or closed peer. */
static ssize_t
unix_broken_pipe(size_t sent, unsigned int flags)
{
	if (sent == 0 && !(flags & MSG_NOSIGNAL_K))
		send_signal_self(current, K_SIGPIPE);
	return sent ? (ssize_t)sent : -EPIPE;
}

static bool
unix_peer_gone(const struct unix_sock *u)
{
	return (u->sk.shutdown & SEND_SHUTDOWN) || u->peer->dead ||
	       (u->peer->sk.shutdown & RCV_SHUTDOWN);
}

/* May sleep. */
static ssize_t
unix_stream_sendmsg(struct unix_sock *u, struct msg_k *m)
{
	int64_t deadline = sock_deadline(u->sk.sndtimeo);
	size_t total = uio_left(m->data), sent = 0, chunk;
	struct unix_msg *msg;
	ssize_t r = 0;

	if (m->flags & MSG_OOB_K)
		return -EOPNOTSUPP;
	if (m->namelen)
		return u->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
	if (u->state != UNIX_CONNECTED)
		return -ENOTCONN;
	if (u->sk.shutdown & SEND_SHUTDOWN)
		return unix_broken_pipe(0, m->flags);
	while (sent < total) {
		if (unix_peer_gone(u))
			return unix_broken_pipe(sent, m->flags);
		if (u->sk.wmem >= (size_t)u->sk.sndbuf) {
			if (m->nonblock) {
				r = -EAGAIN;
				break;
			}
			r = sock_wait_event(&u->sk.wq,
					    u->sk.wmem < (size_t)u->sk.sndbuf ||
						    unix_peer_gone(u),
					    deadline, "unixsnd");
			if (r < 0)
				break;
			continue;
		}
		chunk = total - sent;
		if (chunk > (size_t)u->sk.sndbuf / 2 - 64)
			chunk = (size_t)u->sk.sndbuf / 2 - 64;
		if (chunk > UNIX_STREAM_CHUNK)
			chunk = UNIX_STREAM_CHUNK;
		if ((msg = msg_alloc(chunk)) == NULL) {
			r = -ENOMEM;
			break;
		}
		if (uio_in(m->data, msg->data, chunk) < 0) {
			free(msg);
			r = -EFAULT;
			break;
		}
		unix_msg_creds(msg, u, u->peer, &m->scm);
		unix_msg_rights(msg, &m->scm); /* the first message only */
		msg_charge(msg, u);
		unix_enqueue(u->peer, msg);
		sent += chunk;
	}
	return sent ? (ssize_t)sent : r;
}

static bool
unix_dgram_full(const struct unix_sock *u, const struct unix_sock *other)
{
	return other->peer != u && other->rcvq_len > UNIX_DGRAM_QLEN;
}

/*
 * The receiver of a datagram from u: the named sock or u's peer, a new
 * reference.  A peer that went away disconnects u (ECONNREFUSED once).
 */
static int
unix_dgram_target(struct unix_sock *u, struct msg_k *m,
		  struct unix_sock **out)
{
	struct unix_sock *other;
	int r;

	if (m->namelen) {
		r = unix_find(m->name, m->namelen, u->sk.type, &other);
		if (r < 0)
			return r;
	} else {
		if (!u->peer)
			return -ENOTCONN;
		other = unix_get(u->peer);
	}
	if (other->dead) {
		r = u->sk.type == SOCK_SEQPACKET_K ? -EPIPE : -ECONNREFUSED;
		if (other == u->peer && r == -ECONNREFUSED)
			unix_set_peer(u, NULL);
		unix_put(other);
		return r;
	}
	*out = other;
	return 0;
}

/* Wait until msg may go from u to a receiver; *out that receiver. */
static int
unix_dgram_wait_target(struct unix_sock *u, struct msg_k *m,
		       int64_t deadline, struct unix_sock **out)
{
	struct unix_sock *other;
	int r;

	for (;;) {
		if ((r = unix_dgram_target(u, m, &other)) < 0)
			return r;
		if (!unix_may_send(u, other))
			r = -EPERM;
		else if (other->sk.shutdown & RCV_SHUTDOWN)
			r = -EPIPE;
		else if (!unix_dgram_full(u, other))
			break;
		else if (m->nonblock)
			r = -EAGAIN;
		else
			r = sock_wait_event(&other->sk.wq,
					    other->dead ||
						    !unix_dgram_full(u, other),
					    deadline, "unixdgrm");
		unix_put(other);
		if (r < 0)
			return r;
	}
	*out = other;
	return 0;
}

/* SOCK_DGRAM and SOCK_SEQPACKET.  May sleep. */
static ssize_t
unix_dgram_sendmsg(struct unix_sock *u, struct msg_k *m)
{
	int64_t deadline = sock_deadline(u->sk.sndtimeo);
	size_t len = uio_left(m->data);
	struct unix_sock *other;
	struct unix_msg *msg;
	int r;

	if (m->flags & MSG_OOB_K)
		return -EOPNOTSUPP;
	if (u->sk.shutdown & SEND_SHUTDOWN)
		return -EPIPE; /* and no SIGPIPE, as Linux */
	if (u->sk.type == SOCK_SEQPACKET_K) {
		if (u->state != UNIX_CONNECTED)
			return -ENOTCONN;
		m->namelen = 0;
	}
	if (m->namelen && (r = unix_addr_kind(m->name, m->namelen, false)) < 0)
		return r;
	if (!m->namelen && !u->peer)
		return -ENOTCONN;
	if (u->sk.passcred && (r = unix_autobind(u)) < 0)
		return r;
	if (len + 32 > (size_t)u->sk.sndbuf)
		return -EMSGSIZE;
	while (u->sk.wmem >= (size_t)u->sk.sndbuf) {
		if (m->nonblock)
			return -EAGAIN;
		r = sock_wait_event(&u->sk.wq,
				    u->sk.wmem < (size_t)u->sk.sndbuf, deadline,
				    "unixsnd");
		if (r < 0)
			return r;
	}
	if ((msg = msg_alloc(len)) == NULL)
		return -ENOMEM;
	if (uio_in(m->data, msg->data, len) < 0) {
		free(msg);
		return -EFAULT;
	}
	if ((r = unix_dgram_wait_target(u, m, deadline, &other)) < 0) {
		free(msg);
		return r;
	}
	unix_msg_creds(msg, u, other, &m->scm);
	unix_msg_rights(msg, &m->scm);
	msg_charge(msg, u);
	unix_enqueue(other, msg);
	unix_put(other);
	return (ssize_t)len;
}

static ssize_t
unix_sendmsg(struct sock *sk, struct msg_k *m)
{
	if (sk->type == SOCK_STREAM_K)
		return unix_stream_sendmsg(unix_sk(sk), m);
	return unix_dgram_sendmsg(unix_sk(sk), m);
}

/* Receiving */

/* Hand msg's control data to the receiver (copies, when peeking). */
static void
unix_recv_scm(struct msg_k *m, struct unix_msg *msg, bool peek)
{
	int i;

	if (msg->scm.has_cred && !m->scm.has_cred) {
		m->scm.cred = msg->scm.cred;
		m->scm.has_cred = true;
	}
	if (!msg->scm.nfiles || m->scm.nfiles)
		return;
	if (!peek) {
		m->scm.files = msg->scm.files;
		m->scm.nfiles = msg->scm.nfiles;
		msg->scm.files = NULL;
		msg->scm.nfiles = 0;
		return;
	}
	if ((m->scm.files = malloc(sizeof(struct file *) *
				   (size_t)msg->scm.nfiles)) == NULL)
		return;
	for (i = 0; i < msg->scm.nfiles; i++)
		m->scm.files[i] = file_get(msg->scm.files[i]);
	m->scm.nfiles = msg->scm.nfiles;
}

/* The sender's name for recvfrom (none: length 0, as Linux). */
static void
unix_recv_name(struct msg_k *m, const struct unix_msg *msg)
{
	const struct unix_addr *a = msg->sender ? msg->sender->addr : NULL;

	m->namelen = a ? a->len : 0;
	if (a)
		memcpy(m->name, a->name, a->len);
}

/*
 * Wait for something to read: 0 when a message is queued, else 0 with
 * *eof at end of stream, or -errno.  May sleep.
 */
static int
unix_wait_data(struct unix_sock *u, bool nonblock, int64_t deadline,
	       bool *eof)
{
	int r;

	*eof = false;
	while (list_empty(&u->rcvq)) {
		if (u->sk.err) {
			r = -u->sk.err;
			u->sk.err = 0;
			return r;
		}
		if (u->sk.shutdown & RCV_SHUTDOWN) {
			*eof = true;
			return 0;
		}
		if (nonblock)
			return -EAGAIN;
		r = sock_wait_event(&u->sk.wq,
				    !list_empty(&u->rcvq) || u->sk.err ||
					    (u->sk.shutdown & RCV_SHUTDOWN),
				    deadline, "unixrcv");
		if (r < 0)
			return r;
	}
	return 0;
}

/* SOCK_DGRAM and SOCK_SEQPACKET: one message.  May sleep. */
static ssize_t
unix_dgram_recvmsg(struct unix_sock *u, struct msg_k *m)
{
	bool peek = m->flags & MSG_PEEK_K, eof;
	size_t want = uio_left(m->data), n;
	struct unix_msg *msg;
	ssize_t r;

	if (m->flags & MSG_OOB_K)
		return -EOPNOTSUPP;
	if (u->sk.type == SOCK_SEQPACKET_K && u->state != UNIX_CONNECTED)
		return -ENOTCONN;
	r = unix_wait_data(u, m->nonblock, sock_deadline(u->sk.rcvtimeo),
			   &eof);
	if (r < 0 || eof)
		return r;
	msg = unix_first(u);
	if (!peek)
		unix_dequeue(u, msg);
	n = msg->len < want ? msg->len : want;
	if (msg->len > want)
		m->out_flags |= MSG_TRUNC_K;
	r = uio_out(m->data, msg->data, n) < 0 ? -EFAULT : (ssize_t)n;
	if (r >= 0 && (m->flags & MSG_TRUNC_K))
		r = (ssize_t)msg->len;
	unix_recv_name(m, msg);
	unix_recv_scm(m, msg, peek);
	if (!peek)
		msg_free(msg);
	return r;
}

/* Do two messages come from different writers (passcred readers)? */
static bool
unix_creds_differ(const struct scm *a, const struct scm *b)
{
	return a->has_cred != b->has_cred ||
	       (a->has_cred && memcmp(&a->cred, &b->cred, sizeof(a->cred)));
}

/*
 * Copy from one stream message at cur (the first, unless peeking); true
 * when the read must stop after it.
 */
static bool
unix_stream_take(struct unix_sock *u, struct msg_k *m, struct unix_msg *cur,
		 size_t *copied, ssize_t *err)
{
	bool peek = m->flags & MSG_PEEK_K, had_files = cur->scm.nfiles > 0;
	size_t n = cur->len - cur->off;

	if (n > uio_left(m->data))
		n = uio_left(m->data);
	if (uio_out(m->data, cur->data + cur->off, n) < 0) {
		*err = -EFAULT;
		return true;
	}
	if (*copied == 0)
		unix_recv_name(m, cur);
	*copied += n;
	unix_recv_scm(m, cur, peek);
	if (peek)
		return had_files;
	cur->off += n;
	if (cur->off < cur->len)
		return true;
	unix_dequeue(u, cur);
	msg_free(cur);
	return had_files;
}

/* SOCK_STREAM: gather bytes across messages.  May sleep. */
static ssize_t
unix_stream_recvmsg(struct unix_sock *u, struct msg_k *m)
{
	int64_t deadline = sock_deadline(u->sk.rcvtimeo);
	size_t target = 1, copied = 0;
	struct unix_msg *cur = NULL;
	ssize_t r = 0;
	bool eof;

	if (m->flags & MSG_OOB_K)
		return -EOPNOTSUPP;
	if (u->state != UNIX_CONNECTED)
		return -EINVAL;
	if (m->flags & MSG_WAITALL_K)
		target = uio_left(m->data);
	do {
		if (!(m->flags & MSG_PEEK_K) || !cur)
			cur = unix_first(u);
		else if (cur->link.next == &u->rcvq)
			break; /* peeked at everything */
		else
			cur = list_entry(cur->link.next, struct unix_msg, link);
		if (!cur) {
			if (copied >= target)
				break;
			r = unix_wait_data(u, m->nonblock, deadline, &eof);
			if (r < 0 || eof)
				break;
			continue;
		}
		if (copied && u->sk.passcred &&
		    unix_creds_differ(&cur->scm, &m->scm))
			break;
		if (unix_stream_take(u, m, cur, &copied, &r))
			break;
	} while (uio_left(m->data) > 0);
	return copied ? (ssize_t)copied : r;
}

static ssize_t
unix_recvmsg(struct sock *sk, struct msg_k *m)
{
	if (sk->type == SOCK_STREAM_K)
		return unix_stream_recvmsg(unix_sk(sk), m);
	return unix_dgram_recvmsg(unix_sk(sk), m);
}

/* Readiness, ioctl, release */

static bool
unix_writable(const struct unix_sock *u)
{
	return u->state != UNIX_LISTEN && u->sk.wmem * 4 <= (size_t)u->sk.sndbuf;
}

static unsigned int
unix_poll(struct sock *sk, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(sk), *peer = u->peer;
	unsigned int mask = 0;
	bool writable = unix_writable(u);

	poll_wait(pt, &sk->wq);
	if (sk->err)
		mask |= K_POLLERR;
	if (sk->shutdown == SHUTDOWN_MASK)
		mask |= K_POLLHUP;
	if (sk->shutdown & RCV_SHUTDOWN)
		mask |= K_POLLRDHUP | K_POLLIN | K_POLLRDNORM;
	if (!list_empty(&u->rcvq))
		mask |= K_POLLIN | K_POLLRDNORM;
	if (unix_connection_type(u) && u->state == UNIX_UNCONNECTED)
		mask |= K_POLLHUP;
	if (sk->type == SOCK_DGRAM_K && peer && peer->peer != u) {
		/* Its reader makes room: register even while there is
		 * some, for epoll registers only once. */
		poll_wait(pt, &peer->sk.wq);
		if (unix_dgram_full(u, peer))
			writable = false;
	}
	if (writable)
		mask |= K_POLLOUT | K_POLLWRNORM | K_POLLWRBAND;
	return mask;
}

static long
unix_ioctl(struct sock *sk, unsigned int cmd, uint64_t arg)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_msg *msg;
	int n = 0;

	if (cmd == K_SIOCOUTQ) {
		n = (int)sk->wmem;
	} else if (cmd == K_FIONREAD) {
		if (u->state == UNIX_LISTEN)
			return -EINVAL;
		list_for_each_entry(msg, &u->rcvq, link) {
			n += (int)(msg->len - msg->off);
			if (sk->type == SOCK_DGRAM_K)
				break;
		}
	} else {
		return -ENOTTY;
	}
	return copy_to_user(current, UADDR(arg), &n, sizeof(n));
}

/*
 * u loses its file (or, for a connection never accepted, its listener):
 * unbind, tell the peer, drop what is queued.
 */
static void
unix_release_sock(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer = u->peer;

	u->dead = true;
	list_del(&u->bound_link);
	if (u->path.mnt) {
		path_put(&u->path);
		u->path.mnt = NULL;
	}
	u->sk.shutdown = SHUTDOWN_MASK;
	if (peer && unix_connection_type(u)) {
		peer->sk.shutdown = SHUTDOWN_MASK;
		if (!list_empty(&u->rcvq) || embryo)
			peer->sk.err = ECONNRESET;
	}
	if (peer)
		wake_up(&peer->sk.wq);
	unix_set_peer(u, NULL);
	u->state = UNIX_UNCONNECTED;
	wake_up(&u->sk.wq);
	unix_purge(u);
	unix_put(u);
}

static void
unix_release(struct sock *sk)
{
	unix_release_sock(unix_sk(sk), false);
}

static void
unix_destruct(struct sock *sk)
{
	struct unix_sock *u = unix_sk(sk);

	unix_purge(u);
	addr_put(u->addr);
	list_del(&u->all_link);
}

/*
 * /proc/net/unix: a line per socket in Linux's format.  The first column
 * (the kernel's address) is 0, as Linux shows it to the unprivileged.
 */
void
unix_show_proc(struct pbuf *b)
{
	struct unix_sock *u;
	size_t i, end;
	int st;

	pbuf_puts(b, "Num       RefCount Protocol Flags    Type St Inode Path\n");
	list_for_each_entry(u, &unix_all, all_link) {
		if (u->sk.file)
			st = u->state == UNIX_CONNECTED ? 3 : 1;
		else
			st = u->state == UNIX_CONNECTED ? 2 : 4;
		pbuf_printf(b, "%016x: %08X %08X %08X %04X %02X %5llu", 0,
			    u->sk.refcount, 0, u->sk.listening ? 1u << 16 : 0,
			    u->sk.type, st,
			    u->sk.file ? (unsigned long long)u->sk.file->inode->ino
				       : 0ULL);
		pbuf_putc(b, u->addr ? ' ' : '\n');
		if (!u->addr)
			continue;
		/* A path without its NUL; NULs of abstract names as '@'. */
		end = u->addr->len - (u->addr->name[SUN_PATH_OFF] ? 1 : 0);
		for (i = SUN_PATH_OFF; i < end; i++)
			pbuf_putc(b, u->addr->name[i] ? u->addr->name[i] : '@');
		pbuf_putc(b, '\n');
	}
}

static const struct proto_ops unix_ops = {
	.family = AF_UNIX_K,
	.bind = unix_bind,
	.connect = unix_connect,
	.pair = unix_pair,
	.listen = unix_listen,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.shutdown = unix_shutdown,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.ioctl = unix_ioctl,
	.release = unix_release,
	.destruct = unix_destruct,
};
