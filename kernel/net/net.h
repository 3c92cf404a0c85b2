/*
 * Sockets: the socket layer (socket.c) and its one address family,
 * AF_UNIX (af_unix.c).
 *
 * A socket file's f->priv is a struct sock, the protocol's object; the
 * socket layer owns the file side (the syscalls, sockfs inodes, read and
 * write, socket options that every family shares, control messages) and
 * calls the family through struct proto_ops.  A sock can exist without a
 * file: an AF_UNIX connection waiting in a listener's queue is accepted
 * into a new file later.
 *
 * Guest-visible values below are Linux's x86_64 ABI.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/vfs.h"
#include "sched.h"

#define AF_UNSPEC_K 0
#define AF_UNIX_K 1
#define AF_MAX_K 46

#define SOCK_STREAM_K 1
#define SOCK_DGRAM_K 2
#define SOCK_RAW_K 3
#define SOCK_SEQPACKET_K 5
#define SOCK_TYPE_MASK_K 0xf
#define SOCK_NONBLOCK_K 04000
#define SOCK_CLOEXEC_K 02000000

#define MSG_OOB_K 0x1
#define MSG_PEEK_K 0x2
#define MSG_CTRUNC_K 0x8
#define MSG_TRUNC_K 0x20
#define MSG_DONTWAIT_K 0x40
#define MSG_EOR_K 0x80
#define MSG_WAITALL_K 0x100
#define MSG_NOSIGNAL_K 0x4000
#define MSG_CMSG_CLOEXEC_K 0x40000000

#define SHUT_RD_K 0
#define SHUT_WR_K 1
#define SHUT_RDWR_K 2
#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3

#define SOL_SOCKET_K 1
#define SCM_RIGHTS_K 1
#define SCM_CREDENTIALS_K 2
#define SCM_MAX_FD 253

/* struct sockaddr_un: the family and up to 108 bytes of path. */
#define SUN_PATH_OFF 2
#define SOCKADDR_UN_LEN 110
#define SOCKADDR_STORAGE_LEN 128

#define SOCK_DEFAULT_BUF 212992	/* net.core.[rw]mem_default */
#define SOCK_MAX_BUF 212992	/* net.core.[rw]mem_max */

/* struct ucred: SO_PEERCRED and SCM_CREDENTIALS. */
struct ucred_k {
	int32_t pid;
	uint32_t uid, gid;
};

/*
 * Control data travelling with a message: files in flight (one
 * reference each) and credentials.  Owned by whoever holds the struct;
 * scm_destroy() drops the files.
 */
struct scm {
	bool has_cred;
	struct ucred_k cred;
	int nfiles;
	struct file **files;
};

void scm_destroy(struct scm *scm);

/* One sendmsg or recvmsg, in kernel form. */
struct msg_k {
	struct uio *data;	 /* the payload, guest memory */
	unsigned int flags;	 /* MSG_* of the call */
	bool nonblock;		 /* MSG_DONTWAIT or O_NONBLOCK */
	/* send: the destination (namelen 0: none); recv: the source */
	char name[SOCKADDR_STORAGE_LEN];
	size_t namelen;
	struct scm scm;		 /* send: to pass; recv: received */
	unsigned int out_flags;	 /* recv: MSG_TRUNC … for msg_flags */
};

struct sock;

/*
 * A family's operations.  Addresses are kernel copies of the guest's
 * sockaddr; errors are negative errno; everything may sleep unless it
 * says otherwise.
 */
struct proto_ops {
	int family;
	int (*bind)(struct sock *sk, const char *addr, size_t len);
	int (*connect)(struct sock *sk, const char *addr, size_t len,
		       bool nonblock);
	/* Connect two new socks to each other (socketpair). */
	int (*pair)(struct sock *a, struct sock *b);
	int (*listen)(struct sock *sk, int backlog);
	/* A connection from the queue: *out a new sock with no file. */
	int (*accept)(struct sock *sk, bool nonblock, struct sock **out);
	/* The own (peer 0) or the peer's address into addr: its length. */
	int (*getname)(struct sock *sk, char *addr, bool peer);
	/* Readiness; does not sleep. */
	unsigned int (*poll)(struct sock *sk, struct poll_table *pt);
	int (*shutdown)(struct sock *sk, int how);
	/* Bytes sent, or -errno (the payload is m->data). */
	ssize_t (*sendmsg)(struct sock *sk, struct msg_k *m);
	/* Bytes received (or the datagram's length with MSG_TRUNC). */
	ssize_t (*recvmsg)(struct sock *sk, struct msg_k *m);
	long (*ioctl)(struct sock *sk, unsigned int cmd, uint64_t arg);
	/* The sock has no file any more: disconnect and drop its reference. */
	void (*release)(struct sock *sk);
	/* The last reference is gone: free the protocol's part. */
	void (*destruct)(struct sock *sk);
};

/*
 * The part of a socket every family shares.  refcount: the file (or a
 * listener's queue, for a connection not yet accepted), peers and
 * sleepers waiting on wq each hold one.
 */
struct sock {
	int refcount;
	int family, type, protocol;
	const struct proto_ops *ops;
	struct file *file;	  /* not referenced; NULL without one */
	struct wait_queue wq;	  /* readers, writers, pollers, accept */
	unsigned int shutdown;	  /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;		  /* pending error for SO_ERROR, or 0 */
	int sndbuf, rcvbuf;	  /* bytes, as SO_SNDBUF reports them */
	size_t wmem;		  /* bytes sent and not yet received */
	int64_t rcvtimeo, sndtimeo; /* ns, 0: wait forever */
	bool passcred;		  /* SO_PASSCRED */
	bool reuseaddr;		  /* SO_REUSEADDR, remembered only */
	bool listening;		  /* SO_ACCEPTCONN */
	bool has_peercred;
	struct ucred_k peercred;  /* SO_PEERCRED */
};

/* A new sock of the family's size (zeroed) with one reference. */
struct sock *sock_alloc(size_t size, int family, int type,
			const struct proto_ops *ops);
struct sock *sock_get(struct sock *sk);
void sock_put(struct sock *sk);

/* The calling task's credentials as a ucred (pid, euid, egid). */
struct ucred_k sock_current_cred(void);

/* The deadline of a wait with timeout timeo (0: none, -1). */
int64_t sock_deadline(int64_t timeo);
/*
 * The errno a socket wait ends with: a deadline that passed is -EAGAIN,
 * a signal is -ERESTARTSYS, or -EINTR when a timeout was set (the call
 * is not restarted then, as in Linux).
 */
int sock_wait_errno(int r, int64_t deadline);

/* Sleep on wq until cond, a signal, or the deadline (< 0: none). */
#define sock_wait_event(wq, cond, deadline, wchan)                          \
	sock_wait_errno(wait_event_deadline(wq, cond, deadline, wchan),      \
			deadline)

/* AF_UNIX (af_unix.c): make a sock of type (ESOCKTNOSUPPORT …). */
int unix_create(int type, int protocol, struct sock **out);
/* The text of /proc/net/unix. */
struct pbuf;
void unix_show_proc(struct pbuf *b);

#endif
