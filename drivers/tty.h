/*
 * Terminals: the tty layer and its line discipline (tty.c), and the
 * console that sits on the host's stdin/stdout (console.c, console_host.c).
 *
 * A struct tty is one terminal, whatever hardware is below it.  The driver
 * owns the device: it hands received bytes to tty_input() (from the idle
 * loop; nothing there sleeps) and gets output through its write op.  The
 * tty owns everything the guest sees: termios, the window size, the
 * foreground process group and session, the line being edited and the
 * completed input waiting for read(2).
 *
 * Flow control towards the driver: tty_input() returns how many bytes it
 * took.  When that is less than offered the tty is full; the driver keeps
 * the rest and the tty calls its unthrottle op once a reader made room.
 *
 * The guest ABI (termios layout, flag bits, ioctl numbers) is Linux's
 * x86_64 one; the names carry a K_ prefix so this header never clashes with
 * the host's <termios.h>.
 */
#ifndef DRIVERS_TTY_H
#define DRIVERS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs/vfs.h"
#include "sched.h"

struct process;

/* c_cc indices */
#define K_VINTR 0
#define K_VQUIT 1
#define K_VERASE 2
#define K_VKILL 3
#define K_VEOF 4
#define K_VTIME 5
#define K_VMIN 6
#define K_VSWTC 7
#define K_VSTART 8
#define K_VSTOP 9
#define K_VSUSP 10
#define K_VEOL 11
#define K_VREPRINT 12
#define K_VDISCARD 13
#define K_VWERASE 14
#define K_VLNEXT 15
#define K_VEOL2 16
#define K_NCCS 19

/* c_iflag */
#define K_IGNBRK 0000001
#define K_BRKINT 0000002
#define K_ISTRIP 0000040
#define K_INLCR 0000100
#define K_IGNCR 0000200
#define K_ICRNL 0000400
#define K_IUCLC 0001000
#define K_IXON 0002000
#define K_IXANY 0004000
#define K_IXOFF 0010000
#define K_IMAXBEL 0020000
#define K_IUTF8 0040000

/* c_oflag */
#define K_OPOST 0000001
#define K_OLCUC 0000002
#define K_ONLCR 0000004
#define K_OCRNL 0000010
#define K_ONOCR 0000020
#define K_ONLRET 0000040
#define K_TABDLY 0014000
#define K_XTABS 0014000

/* c_cflag */
#define K_CBAUD 0010017
#define K_B38400 0000017
#define K_CSIZE 0000060
#define K_CS8 0000060
#define K_CREAD 0000200
#define K_HUPCL 0002000
#define K_CLOCAL 0004000

/* c_lflag */
#define K_ISIG 0000001
#define K_ICANON 0000002
#define K_ECHO 0000010
#define K_ECHOE 0000020
#define K_ECHOK 0000040
#define K_ECHONL 0000100
#define K_NOFLSH 0000200
#define K_TOSTOP 0000400
#define K_ECHOCTL 0001000
#define K_ECHOPRT 0002000
#define K_ECHOKE 0004000
#define K_IEXTEN 0100000

/* ioctls */
#define K_TCGETS 0x5401
#define K_TCSETS 0x5402
#define K_TCSETSW 0x5403
#define K_TCSETSF 0x5404
#define K_TCSBRK 0x5409
#define K_TCXONC 0x540A
#define K_TCFLSH 0x540B
#define K_TIOCEXCL 0x540C
#define K_TIOCNXCL 0x540D
#define K_TIOCSCTTY 0x540E
#define K_TIOCGPGRP 0x540F
#define K_TIOCSPGRP 0x5410
#define K_TIOCOUTQ 0x5411
#define K_TIOCGWINSZ 0x5413
#define K_TIOCSWINSZ 0x5414
#define K_FIONREAD 0x541B
#define K_FIONBIO 0x5421
#define K_TIOCNOTTY 0x5422
#define K_TIOCSETD 0x5423
#define K_TIOCGETD 0x5424
#define K_TCSBRKP 0x5425
#define K_TIOCSBRK 0x5427
#define K_TIOCCBRK 0x5428
#define K_TIOCGSID 0x5429
#define K_TCGETS2 0x802C542A
#define K_TCSETS2 0x402C542B
#define K_TCSETSW2 0x402C542C
#define K_TCSETSF2 0x402C542D

/* TCFLSH and TCXONC arguments */
#define K_TCIFLUSH 0
#define K_TCOFLUSH 1
#define K_TCIOFLUSH 2
#define K_TCOOFF 0
#define K_TCOON 1
#define K_TCIOFF 2
#define K_TCION 3

/*
 * The kernel's termios: struct termios2 as the guest sees it.  The
 * classic struct termios (TCGETS) is its first K_TERMIOS_SIZE bytes.
 */
struct ktermios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[K_NCCS];
	uint32_t c_ispeed;
	uint32_t c_ospeed;
};

#define K_TERMIOS_SIZE offsetof(struct ktermios, c_ispeed)
_Static_assert(K_TERMIOS_SIZE == 36, "struct termios is 36 bytes");
_Static_assert(sizeof(struct ktermios) == 44, "struct termios2 is 44 bytes");

struct tty_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};

struct tty;

struct tty_driver_ops {
	/*
	 * Send len bytes to the device: len, or -errno.  Called from task
	 * context and from tty_input() (echo); it must not sleep.
	 */
	ssize_t (*write)(struct tty *tty, const char *buf, size_t len);
	/* tty_input() refused bytes earlier; there is room again. */
	void (*unthrottle)(struct tty *tty);
	/*
	 * Optional: bytes the device can take now.  Writers sleep on the
	 * tty's write_wait while it is below TTY_OBUF_SIZE (what one chunk
	 * of output can grow to); the driver wakes them when it drained.
	 */
	size_t (*write_room)(struct tty *tty);
	/*
	 * Optional: the last open file of the tty was closed.  The driver
	 * may free the tty here; the tty layer no longer touches it.
	 */
	void (*close)(struct tty *tty);
};

/* Completed input, a line being edited, output staging. */
#define TTY_BUF_SIZE 4096
#define TTY_LINE_MAX 4095
#define TTY_OBUF_SIZE 2048

/* Bytes on their way to the device, after output processing. */
struct tty_outbuf {
	char buf[TTY_OBUF_SIZE];
	size_t len;
	int err; /* the first failed device write, or 0 */
};

struct tty {
	const char *name;
	const struct tty_driver_ops *ops;
	void *driver_priv;

	struct ktermios termios;
	struct tty_winsize winsize;
	int pgrp;    /* foreground process group; 0: none */
	int session; /* the session it controls; 0: none */
	int count;   /* open files */

	bool hungup;	/* reads return 0, writes -EIO */
	bool input_eof; /* the device will send nothing more */
	bool stopped;	/* output stopped by VSTOP (IXON) or TCOOFF */
	bool throttled; /* tty_input() refused bytes: unthrottle later */
	bool lnext;	/* the next byte is literal (VLNEXT) */
	unsigned int termios_gen; /* bumped by every termios change */

	unsigned int column;	   /* output column, for erasing tabs */
	unsigned int canon_column; /* column where the edited line began */

	/* The line being edited (ICANON). */
	char line[TTY_LINE_MAX];
	size_t line_len;

	/*
	 * Input ready for read(2): a ring of bytes, each with TTY_F_* flags
	 * saying where canonical lines end.
	 */
	char rbuf[TTY_BUF_SIZE];
	uint8_t rflags[TTY_BUF_SIZE];
	size_t rhead;  /* index of the oldest byte */
	size_t rcount; /* bytes (slots) in the ring */
	size_t reof;   /* of which end-of-file marks (no data) */

	/* Echo bytes collected during tty_input(), sent in one write. */
	struct tty_outbuf echo;

	struct wait_queue read_wait;
	struct wait_queue write_wait;
};

/* rflags: a line delimiter; an EOF mark (a slot that is not data). */
#define TTY_F_EOL 1
#define TTY_F_EOF 2

/* Set up a tty with the standard termios (cooked, echo, 38400 8N1). */
void tty_init(struct tty *tty, const char *name,
	      const struct tty_driver_ops *ops, void *driver_priv);

/*
 * Bytes received from the device.  Runs the line discipline (signals,
 * editing, echo) and wakes readers.  Returns how many bytes it took; fewer
 * than len means the tty is full and the driver must offer the rest again
 * after its unthrottle op is called.  Does not sleep.
 */
size_t tty_input(struct tty *tty, const char *buf, size_t len);
/*
 * The device has no more input (the host's stdin reached end of file):
 * once the buffered input is read, reads return 0.  Does not sleep.
 */
void tty_input_eof(struct tty *tty);
/* The device hung up: SIGHUP to the session, reads 0, writes -EIO. */
void tty_hangup(struct tty *tty);
/* A new window size from the device; SIGWINCH if it changed. */
void tty_set_winsize(struct tty *tty, const struct tty_winsize *ws);

/*
 * Open f on tty: f->priv and f->ops become the tty's.  A session leader
 * without a controlling terminal acquires tty unless noctty (O_NOCTTY, or
 * a device such as /dev/console that never becomes one).  Drivers call it
 * from their file_ops open.
 */
int tty_open(struct tty *tty, struct file *f, bool noctty);
/* The file_ops tty_open() installs. */
extern const struct file_ops tty_file_ops;
/*
 * The tty ioctls (termios, window size, job control …) on tty for file f,
 * for drivers whose files are not tty files (the pty master passes the
 * termios ioctls on to its slave).  -ENOTTY for unknown commands.
 */
long tty_ioctl(struct tty *tty, struct file *f, unsigned int cmd,
	       uint64_t arg);
/* No process keeps tty as its controlling terminal (the tty goes away). */
void tty_forget(struct tty *tty);

/*
 * Job control, for the current task: 0 if it may go on, -ERESTARTSYS after
 * stopping its process group (SIGTTIN/SIGTTOU), -EIO when it can't be
 * stopped (the signal is ignored or blocked for reads, orphaned group).
 * tty_check_write applies only with TOSTOP; tty_check_change always (for
 * termios changes and the like).
 */
int tty_check_read(struct tty *tty);
int tty_check_write(struct tty *tty);
int tty_check_change(struct tty *tty);

/*
 * Session leader p gives up its controlling terminal (exit, TIOCNOTTY):
 * SIGHUP (and SIGCONT unless on_exit) to the foreground group, and no
 * process of the session keeps the tty.  The core calls it when a session
 * leader exits.
 */
void tty_disassociate(struct process *p, bool on_exit);

/*
 * Pseudo-terminals (pty.c): /dev/ptmx and the slaves on devpts.  Register
 * the devices after devtmpfs_init() and devpts_init().
 */
int pty_init(void);

/* The console (console.c): /dev/console, /dev/tty, /dev/tty0. */

/* Register the devices and their devtmpfs nodes; after host_init(). */
int console_init(void);
/* A new open file on the console, for init's fds 0, 1 and 2; or NULL. */
struct file *console_open_initial(void);

/*
 * The console's host side (console_host.c): the host's stdin and stdout.
 * The host terminal, if stdin is one, stays in raw mode until exit.
 */
int console_host_init(void);
/* Read what stdin has without blocking: bytes, 0 at end of file, -EAGAIN. */
ssize_t console_host_read(char *buf, size_t len);
/* Write all of buf to stdout: len or -EIO. */
ssize_t console_host_write(const char *buf, size_t len);
/*
 * Call cb(arg) from the idle loop when stdin is readable.  -EPERM: stdin
 * cannot be watched (a regular file or /dev/null) and is always readable.
 */
int console_host_watch_input(void (*cb)(void *arg), void *arg);
void console_host_unwatch_input(void);
/* The host terminal's size: 0, or -ENOTTY when there is none. */
int console_host_winsize(struct tty_winsize *ws);
/* Call cb(arg) from the idle loop when the host window size changes. */
int console_host_watch_winch(void (*cb)(void *arg), void *arg);

#endif
