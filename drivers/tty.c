/*
 * The tty layer and its line discipline (N_TTY).
 *
 * Input flows one way: the driver hands bytes to tty_input() from the idle
 * loop; the line discipline applies the input flags (ISTRIP, ICRNL …),
 * turns VINTR/VQUIT/VSUSP into signals for the foreground process group,
 * and either edits the current line (ICANON: erase, kill, word erase,
 * literal next, reprint) or passes bytes straight on.  Completed input sits
 * in a ring (struct tty's rbuf) until read(2) takes it.  In canonical mode
 * the ring holds only whole lines: each line's last slot carries TTY_F_EOL,
 * and an end-of-file (VEOF) is a slot of its own marked TTY_F_EOF that
 * reads consume without copying, so "^D" at the start of a line reads as 0.
 * Echo is collected during tty_input() and sent to the device in one write.
 *
 * Output is synchronous: write(2) applies the output flags (OPOST, ONLCR …)
 * and calls the driver's write op, so there is never queued output here
 * and POLLOUT is true unless VSTOP stopped the terminal or the driver
 * (a pty whose master is not reading) says it has no room.
 *
 * Job control (tty_check_*), the controlling terminal (open, TIOCSCTTY,
 * TIOCNOTTY, tty_disassociate) and the ioctls live here too.  Drivers sit
 * below: console.c for the host's stdin/stdout, the pty driver for devpts.
 *
 * All of this runs on the kernel's single thread; only read and write
 * sleep, and they re-check the tty's state after every wakeup.
 */
#include <fcntl.h>
#include <string.h>

#include "drivers/tty.h"
#include "errno.h"
#include "fs/poll.h"
#include "fs/vfs.h"
#include "sched.h"
#include "signal.h"
#include "task.h"
#include "uaccess.h"

/* Guest signal numbers (the core keeps its own list in signal.c). */
#ifndef SIGHUP
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGCONT 18
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGWINCH 28
#endif

#define CTRL(c) ((c) & 037)
#define DEL 0177

#define L_FLAG(tty, f) (((tty)->termios.c_lflag & (f)) != 0)
#define I_FLAG(tty, f) (((tty)->termios.c_iflag & (f)) != 0)
#define O_FLAG(tty, f) (((tty)->termios.c_oflag & (f)) != 0)

static const uint8_t tty_std_cc[K_NCCS] = {
	[K_VINTR] = CTRL('c'),	  [K_VQUIT] = CTRL('\\'),
	[K_VERASE] = DEL,	  [K_VKILL] = CTRL('u'),
	[K_VEOF] = CTRL('d'),	  [K_VTIME] = 0,
	[K_VMIN] = 1,		  [K_VSTART] = CTRL('q'),
	[K_VSTOP] = CTRL('s'),	  [K_VSUSP] = CTRL('z'),
	[K_VREPRINT] = CTRL('r'), [K_VDISCARD] = CTRL('o'),
	[K_VWERASE] = CTRL('w'),  [K_VLNEXT] = CTRL('v'),
};

void
tty_init(struct tty *tty, const char *name, const struct tty_driver_ops *ops,
	 void *driver_priv)
{
	memset(tty, 0, sizeof(*tty));
	tty->name = name;
	tty->ops = ops;
	tty->driver_priv = driver_priv;
	tty->termios.c_iflag = K_ICRNL | K_IXON;
	tty->termios.c_oflag = K_OPOST | K_ONLCR;
	tty->termios.c_cflag = K_B38400 | K_CS8 | K_CREAD | K_HUPCL;
	tty->termios.c_lflag = K_ISIG | K_ICANON | K_ECHO | K_ECHOE | K_ECHOK |
			       K_ECHOCTL | K_ECHOKE | K_IEXTEN;
	memcpy(tty->termios.c_cc, tty_std_cc, sizeof(tty_std_cc));
	tty->termios.c_ispeed = tty->termios.c_ospeed = 38400;
	/* The window size starts 0x0, as on Linux, until someone sets it. */
	wait_queue_init(&tty->read_wait);
	wait_queue_init(&tty->write_wait);
}

/* Is c the (enabled) special character cc[idx]?  0 disables a slot. */
static bool
cc_is(const struct tty *tty, int idx, unsigned char c)
{
	return tty->termios.c_cc[idx] != 0 && tty->termios.c_cc[idx] == c;
}

/*
 * VERASE, made friendlier than POSIX: when it is set to either of the two
 * keys terminals send for backspace (^? or ^H), both keys erase.
 */
static bool
is_erase(const struct tty *tty, unsigned char c)
{
	unsigned char e = tty->termios.c_cc[K_VERASE];

	if (cc_is(tty, K_VERASE, c))
		return true;
	return (e == DEL || e == CTRL('h')) && (c == DEL || c == CTRL('h'));
}

static bool
is_ctrl(unsigned char c)
{
	return c < 32 || c == DEL;
}

/* A UTF-8 continuation byte, when the terminal says input is UTF-8. */
static bool
is_utf8_cont(const struct tty *tty, unsigned char c)
{
	return I_FLAG(tty, K_IUTF8) && (c & 0xc0) == 0x80;
}

/* Output: processing (OPOST) and the device. */

static void
out_flush(struct tty *tty, struct tty_outbuf *ob)
{
	ssize_t n;

	if (ob->len == 0)
		return;
	n = tty->ops->write(tty, ob->buf, ob->len);
	if (n < 0 && ob->err == 0)
		ob->err = (int)n;
	ob->len = 0;
}

static void
out_byte(struct tty *tty, struct tty_outbuf *ob, char c)
{
	if (ob->len == sizeof(ob->buf))
		out_flush(tty, ob);
	ob->buf[ob->len++] = c;
}

/* A tab, as spaces (XTABS) or as itself; either way to the next stop. */
static void
opost_tab(struct tty *tty, struct tty_outbuf *ob)
{
	unsigned int spaces = 8 - (tty->column & 7);

	tty->column += spaces;
	if ((tty->termios.c_oflag & K_TABDLY) != K_XTABS) {
		out_byte(tty, ob, '\t');
		return;
	}
	while (spaces-- > 0)
		out_byte(tty, ob, ' ');
}

/*
 * Queue c for the device with the output flags applied, keeping track of
 * the column so erasing can find where a tab began.
 */
static void
opost_put(struct tty *tty, struct tty_outbuf *ob, unsigned char c)
{
	bool post = O_FLAG(tty, K_OPOST);

	switch (c) {
	case '\n':
		if (post && O_FLAG(tty, K_ONLCR))
			out_byte(tty, ob, '\r');
		if (post && (O_FLAG(tty, K_ONLCR) || O_FLAG(tty, K_ONLRET)))
			tty->column = 0;
		break;
	case '\r':
		if (post && O_FLAG(tty, K_ONOCR) && tty->column == 0)
			return;
		if (post && O_FLAG(tty, K_OCRNL)) {
			c = '\n';
			if (O_FLAG(tty, K_ONLRET))
				tty->column = 0;
			break;
		}
		tty->column = 0;
		break;
	case '\t':
		if (post) {
			opost_tab(tty, ob);
			return;
		}
		tty->column = (tty->column | 7) + 1;
		break;
	case '\b':
		if (tty->column > 0)
			tty->column--;
		break;
	default:
		if (post && O_FLAG(tty, K_OLCUC) && c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!is_ctrl(c) && !is_utf8_cont(tty, c))
			tty->column++;
		break;
	}
	out_byte(tty, ob, (char)c);
}

/* Echo. */

static void
echo_raw(struct tty *tty, unsigned char c)
{
	opost_put(tty, &tty->echo, c);
}

/* Echo c as typed; with ECHOCTL a control character shows as "^X". */
static void
echo_char(struct tty *tty, unsigned char c)
{
	if (L_FLAG(tty, K_ECHOCTL) && is_ctrl(c) && c != '\t' && c != '\n') {
		echo_raw(tty, '^');
		echo_raw(tty, c ^ 0100);
		return;
	}
	echo_raw(tty, c);
}

static void
echo_flush(struct tty *tty)
{
	out_flush(tty, &tty->echo);
	tty->echo.err = 0;
}

/* How many columns c took when it was echoed (tabs handled apart). */
static unsigned int
echo_width(const struct tty *tty, unsigned char c)
{
	if (is_ctrl(c))
		return L_FLAG(tty, K_ECHOCTL) ? 2 : 0;
	return is_utf8_cont(tty, c) ? 0 : 1;
}

/* The column after echoing the first n bytes of the edited line. */
static unsigned int
line_column(const struct tty *tty, size_t n)
{
	unsigned int col = tty->canon_column;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tty->line[i];

		if (c == '\t')
			col = (col | 7) + 1;
		else
			col += echo_width(tty, c);
	}
	return col;
}

/* The input ring. */

static size_t
ring_room(const struct tty *tty)
{
	return TTY_BUF_SIZE - tty->rcount;
}

/* Bytes a read could return (EOF marks are not data). */
static size_t
ring_data(const struct tty *tty)
{
	return tty->rcount - tty->reof;
}

static void
ring_put(struct tty *tty, char c, uint8_t flags)
{
	size_t i = (tty->rhead + tty->rcount) % TTY_BUF_SIZE;

	tty->rbuf[i] = c;
	tty->rflags[i] = flags;
	tty->rcount++;
	if (flags & TTY_F_EOF)
		tty->reof++;
}

static void
ring_drop(struct tty *tty, size_t n)
{
	while (n-- > 0) {
		if (tty->rflags[tty->rhead] & TTY_F_EOF)
			tty->reof--;
		tty->rhead = (tty->rhead + 1) % TTY_BUF_SIZE;
		tty->rcount--;
	}
}

static uint8_t *
ring_last_flags(struct tty *tty)
{
	return &tty->rflags[(tty->rhead + tty->rcount - 1) % TTY_BUF_SIZE];
}

/* Throw away all input: the edited line and what waits for read(2). */
static void
tty_flush_input(struct tty *tty)
{
	tty->line_len = 0;
	tty->lnext = false;
	tty->rhead = tty->rcount = tty->reof = 0;
}

/* Readers made room (or input was flushed): let the driver go on. */
static void
tty_unthrottle(struct tty *tty)
{
	if (!tty->throttled || ring_room(tty) == 0)
		return;
	tty->throttled = false;
	if (tty->ops->unthrottle)
		tty->ops->unthrottle(tty);
}

/* Line editing (ICANON). */

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

static bool
is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Remove the last character (all its bytes, with IUTF8) from the line. */
static unsigned char
line_pop(struct tty *tty)
{
	unsigned char c;

	do
		c = (unsigned char)tty->line[--tty->line_len];
	while (tty->line_len > 0 && is_utf8_cont(tty, c));
	return c;
}

/* Undo the echo of c, just removed from the line (ECHOE). */
static void
echo_erase_one(struct tty *tty, unsigned char c)
{
	unsigned int n, col;

	if (c == '\t') {
		col = line_column(tty, tty->line_len);
		while (tty->column > col)
			echo_raw(tty, '\b');
		return;
	}
	n = is_ctrl(c) ? echo_width(tty, c) : 1;
	while (n-- > 0) {
		echo_raw(tty, '\b');
		echo_raw(tty, ' ');
		echo_raw(tty, '\b');
	}
}

/* Kill the line without erasing it on the screen (no ECHOKE/ECHOE). */
static void
kill_line_plain(struct tty *tty, unsigned char c)
{
	tty->line_len = 0;
	if (!L_FLAG(tty, K_ECHO))
		return;
	echo_char(tty, c);
	if (L_FLAG(tty, K_ECHOK))
		echo_raw(tty, '\n');
}

/* VERASE, VWERASE, VKILL: c is the character that asked for it. */
static void
line_erase(struct tty *tty, unsigned char c, enum erase_kind kind)
{
	bool seen_word = false;

	if (tty->line_len == 0)
		return;
	if (kind == ERASE_LINE &&
	    (!L_FLAG(tty, K_ECHO) || !L_FLAG(tty, K_ECHOK) ||
	     !L_FLAG(tty, K_ECHOKE) || !L_FLAG(tty, K_ECHOE))) {
		kill_line_plain(tty, c);
		return;
	}
	while (tty->line_len > 0) {
		unsigned char last;

		last = (unsigned char)tty->line[tty->line_len - 1];

		if (kind == ERASE_WORD) {
			if (is_word_char(last))
				seen_word = true;
			else if (seen_word)
				break;
		}
		last = line_pop(tty);
		if (L_FLAG(tty, K_ECHO)) {
			if (L_FLAG(tty, K_ECHOE))
				echo_erase_one(tty, last);
			else
				echo_char(tty, c);
		}
		if (kind == ERASE_CHAR)
			break;
	}
}

/* VREPRINT: show the line being edited again on a fresh line. */
static void
line_reprint(struct tty *tty, unsigned char c)
{
	size_t i;

	echo_char(tty, c);
	echo_raw(tty, '\n');
	tty->canon_column = tty->column;
	for (i = 0; i < tty->line_len; i++)
		echo_char(tty, (unsigned char)tty->line[i]);
}

/* Add c to the line being edited; a full line drops it. */
static void
line_add(struct tty *tty, unsigned char c)
{
	if (tty->line_len == TTY_LINE_MAX) {
		if (I_FLAG(tty, K_IMAXBEL))
			echo_raw(tty, '\a');
		return;
	}
	if (tty->line_len == 0)
		tty->canon_column = tty->column;
	tty->line[tty->line_len++] = (char)c;
	if (L_FLAG(tty, K_ECHO))
		echo_char(tty, c);
}

/*
 * The line is complete: move it to the ring, followed by c (a delimiter
 * read(2) returns, flagged TTY_F_EOL) or by an EOF mark (eof).  -ENOSPC,
 * with nothing changed, when the ring cannot take it yet.
 */
static int
line_complete(struct tty *tty, unsigned char c, bool eof)
{
	size_t i;

	if (ring_room(tty) < tty->line_len + 1)
		return -ENOSPC;
	for (i = 0; i < tty->line_len; i++)
		ring_put(tty, tty->line[i], 0);
	ring_put(tty, (char)c, eof ? TTY_F_EOF : TTY_F_EOL);
	tty->line_len = 0;
	return 0;
}

/*
 * After the device's end of file a partial line is all there will be:
 * make it readable (as if VEOF had been typed), once it fits.
 */
static void
line_push_partial(struct tty *tty)
{
	size_t i;

	if (tty->line_len == 0 || ring_room(tty) < tty->line_len)
		return;
	for (i = 0; i < tty->line_len; i++)
		ring_put(tty, tty->line[i], 0);
	*ring_last_flags(tty) |= TTY_F_EOL;
	tty->line_len = 0;
}

/* A character of canonical input, after the input flags.  0 or -ENOSPC. */
static int
canon_receive(struct tty *tty, unsigned char c)
{
	bool iexten = L_FLAG(tty, K_IEXTEN);

	if (c == '\n') {
		if (line_complete(tty, c, false) < 0)
			return -ENOSPC;
		if (L_FLAG(tty, K_ECHO) || L_FLAG(tty, K_ECHONL))
			echo_raw(tty, '\n');
		return 0;
	}
	if (cc_is(tty, K_VEOF, c))
		return line_complete(tty, c, true);
	if (cc_is(tty, K_VEOL, c) || (iexten && cc_is(tty, K_VEOL2, c))) {
		if (ring_room(tty) < tty->line_len + 1)
			return -ENOSPC;
		if (L_FLAG(tty, K_ECHO))
			echo_char(tty, c);
		return line_complete(tty, c, false);
	}
	if (is_erase(tty, c))
		line_erase(tty, c, ERASE_CHAR);
	else if (cc_is(tty, K_VKILL, c))
		line_erase(tty, c, ERASE_LINE);
	else if (iexten && cc_is(tty, K_VWERASE, c))
		line_erase(tty, c, ERASE_WORD);
	else if (iexten && cc_is(tty, K_VREPRINT, c) && L_FLAG(tty, K_ECHO))
		line_reprint(tty, c);
	else if (iexten && cc_is(tty, K_VLNEXT, c)) {
		tty->lnext = true;
		if (L_FLAG(tty, K_ECHO) && L_FLAG(tty, K_ECHOCTL)) {
			echo_raw(tty, '^');
			echo_raw(tty, '\b');
		}
	} else
		line_add(tty, c);
	return 0;
}

/* Input processing: flags, signals, flow control. */

/* VINTR, VQUIT, VSUSP: signal the foreground group, flush, show "^C". */
static void
tty_isig(struct tty *tty, int sig, unsigned char c)
{
	if (!L_FLAG(tty, K_NOFLSH))
		tty_flush_input(tty);
	if (I_FLAG(tty, K_IXON) && tty->stopped) {
		tty->stopped = false;
		wake_up(&tty->write_wait);
	}
	if (L_FLAG(tty, K_ECHO))
		echo_char(tty, c);
	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, sig, NULL);
}

static int
isig_signal(const struct tty *tty, unsigned char c)
{
	if (!L_FLAG(tty, K_ISIG))
		return 0;
	if (cc_is(tty, K_VINTR, c))
		return SIGINT;
	if (cc_is(tty, K_VQUIT, c))
		return SIGQUIT;
	if (cc_is(tty, K_VSUSP, c))
		return SIGTSTP;
	return 0;
}

/* IXON: VSTOP and VSTART are consumed; true if c was one of them. */
static bool
flow_control(struct tty *tty, unsigned char c)
{
	if (!I_FLAG(tty, K_IXON))
		return false;
	if (cc_is(tty, K_VSTART, c)) {
		tty->stopped = false;
		wake_up(&tty->write_wait);
		return true;
	}
	if (cc_is(tty, K_VSTOP, c)) {
		tty->stopped = true;
		return true;
	}
	if (tty->stopped && I_FLAG(tty, K_IXANY) && !isig_signal(tty, c)) {
		tty->stopped = false;
		wake_up(&tty->write_wait);
	}
	return false;
}

/* Non-canonical input: straight to the ring.  0 or -ENOSPC. */
static int
raw_receive(struct tty *tty, unsigned char c)
{
	if (ring_room(tty) == 0)
		return -ENOSPC;
	ring_put(tty, (char)c, 0);
	if (L_FLAG(tty, K_ECHO)) {
		if (c == '\n')
			echo_raw(tty, c);
		else
			echo_char(tty, c);
	}
	return 0;
}

/* A literal byte after VLNEXT: never special, whatever it is. */
static int
lnext_receive(struct tty *tty, unsigned char c)
{
	tty->lnext = false;
	line_add(tty, c);
	return 0;
}

/* One received byte.  0, or -ENOSPC if it must be offered again. */
static int
tty_receive(struct tty *tty, unsigned char c)
{
	int sig;

	if (I_FLAG(tty, K_ISTRIP))
		c &= 0x7f;
	if (I_FLAG(tty, K_IUCLC) && L_FLAG(tty, K_IEXTEN) && c >= 'A' &&
	    c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (tty->lnext && L_FLAG(tty, K_ICANON))
		return lnext_receive(tty, c);
	if (flow_control(tty, c))
		return 0;
	if ((sig = isig_signal(tty, c)) != 0) {
		tty_isig(tty, sig, c);
		return 0;
	}
	if (c == '\r') {
		if (I_FLAG(tty, K_IGNCR))
			return 0;
		if (I_FLAG(tty, K_ICRNL))
			c = '\n';
	} else if (c == '\n' && I_FLAG(tty, K_INLCR)) {
		c = '\r';
	}
	if (L_FLAG(tty, K_ICANON))
		return canon_receive(tty, c);
	return raw_receive(tty, c);
}

size_t
tty_input(struct tty *tty, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (tty_receive(tty, (unsigned char)buf[i]) < 0) {
			tty->throttled = true;
			break;
		}
	}
	echo_flush(tty);
	if (i > 0)
		wake_up(&tty->read_wait);
	return i;
}

void
tty_input_eof(struct tty *tty)
{
	tty->input_eof = true;
	if (L_FLAG(tty, K_ICANON))
		line_push_partial(tty);
	wake_up(&tty->read_wait);
}

/* Job control and the controlling terminal. */

static bool
task_ignores(struct task *t, int sig)
{
	return (t->blocked & SIGMASK(sig)) ||
	       t->proc->sighand->action[sig - 1].handler == K_SIG_IGN;
}

/*
 * The current task wants to use tty in a way a background process group
 * may not: stop its group with sig.  See tty_check_read() in tty.h.
 */
static int
tty_job_control(struct tty *tty, int sig)
{
	struct task *t = current;
	struct process *p = t ? t->proc : NULL;

	if (p == NULL || p->tty != tty)
		return 0;
	if (tty->pgrp <= 0 || p->pgid == tty->pgrp)
		return 0;
	if (task_ignores(t, sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (process_pgrp_orphaned(p))
		return -EIO;
	kill_pgrp(p->pgid, sig, NULL);
	return -ERESTARTSYS;
}

int
tty_check_read(struct tty *tty)
{
	return tty_job_control(tty, SIGTTIN);
}

int
tty_check_write(struct tty *tty)
{
	if (!L_FLAG(tty, K_TOSTOP))
		return 0;
	return tty_job_control(tty, SIGTTOU);
}

int
tty_check_change(struct tty *tty)
{
	return tty_job_control(tty, SIGTTOU);
}

/* No process of session sid keeps tty as its controlling terminal. */
static void
tty_clear_session(struct tty *tty, int sid)
{
	struct process *q;

	list_for_each_entry(q, &all_processes, all_link) {
		if (q->sid == sid && q->tty == tty)
			q->tty = NULL;
	}
	tty->session = 0;
	tty->pgrp = 0;
}

static void
tty_attach(struct tty *tty, struct process *p)
{
	p->tty = tty;
	tty->session = p->sid;
	tty->pgrp = p->pgid;
}

void
tty_disassociate(struct process *p, bool on_exit)
{
	struct tty *tty = p->tty;

	if (tty == NULL)
		return;
	if (tty->session != p->sid) {
		p->tty = NULL;
		return;
	}
	if (tty->pgrp > 0) {
		kill_pgrp(tty->pgrp, SIGHUP, NULL);
		if (!on_exit)
			kill_pgrp(tty->pgrp, SIGCONT, NULL);
	}
	tty_clear_session(tty, p->sid);
	p->tty = NULL;
}

void
tty_forget(struct tty *tty)
{
	struct process *q;

	list_for_each_entry(q, &all_processes, all_link) {
		if (q->tty == tty)
			q->tty = NULL;
	}
	tty->session = 0;
	tty->pgrp = 0;
}

void
tty_hangup(struct tty *tty)
{
	struct process *leader;

	tty->hungup = true;
	tty->stopped = false;
	if (tty->session > 0) {
		leader = process_find(tty->session);
		if (leader && leader->state == PROC_ALIVE) {
			send_signal_process(leader, SIGHUP, NULL);
			send_signal_process(leader, SIGCONT, NULL);
		}
		tty_clear_session(tty, tty->session);
	}
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

void
tty_set_winsize(struct tty *tty, const struct tty_winsize *ws)
{
	if (memcmp(&tty->winsize, ws, sizeof(*ws)) == 0)
		return;
	tty->winsize = *ws;
	if (tty->pgrp > 0)
		kill_pgrp(tty->pgrp, SIGWINCH, NULL);
}

/* Reading. */

/*
 * Move completed input to u without sleeping.  Canonical reads stop after
 * a line's delimiter or at an EOF mark (consumed, not copied); raw reads
 * skip EOF marks.  Bytes copied, or -EFAULT if none could be.
 */
static ssize_t
tty_copy_out(struct tty *tty, struct uio *u, bool canon)
{
	size_t done = 0, n;
	bool line_end = false;

	while (tty->rcount > 0 && uio_left(u) > 0 && !line_end) {
		size_t i = tty->rhead;

		if (tty->rflags[i] & TTY_F_EOF) {
			ring_drop(tty, 1);
			if (canon)
				return (ssize_t)done;
			continue;
		}
		for (n = 0; n < tty->rcount && i + n < TTY_BUF_SIZE &&
			    n < uio_left(u) &&
			    !(tty->rflags[i + n] & TTY_F_EOF);
		     n++) {
			if (canon && (tty->rflags[i + n] & TTY_F_EOL)) {
				line_end = true;
				n++;
				break;
			}
		}
		if (uio_out(u, &tty->rbuf[i], n) < 0)
			return done > 0 ? (ssize_t)done : -EFAULT;
		ring_drop(tty, n);
		done += n;
	}
	/* A line that ended in VEOF and exactly filled the buffer. */
	if (canon && !line_end && done > 0 && tty->rcount > 0 &&
	    (tty->rflags[tty->rhead] & TTY_F_EOF))
		ring_drop(tty, 1);
	return (ssize_t)done;
}

/* One read(2) in progress, across sleeps. */
struct tty_read_state {
	size_t copied;
	int64_t start;
	int64_t deadline;	/* -1: none */
	unsigned int gen;	/* termios_gen when it went to sleep */
};

#define TTY_TENTH_NS 100000000LL

/*
 * Try to finish a read without sleeping: the final result (bytes, or an
 * error), or -EAGAIN if it must wait (rs->deadline says how long).
 */
static ssize_t
canon_read_try(struct tty *tty, struct uio *u, struct tty_read_state *rs)
{
	if (tty->input_eof)
		line_push_partial(tty);
	if (tty->rcount > 0)
		return tty_copy_out(tty, u, true);
	if (tty->hungup || tty->input_eof)
		return 0;
	return -EAGAIN;
}

/* VMIN/VTIME: see canon_read_try(). */
static ssize_t
raw_read_try(struct tty *tty, struct uio *u, struct tty_read_state *rs)
{
	size_t min = tty->termios.c_cc[K_VMIN];
	int64_t time = tty->termios.c_cc[K_VTIME] * TTY_TENTH_NS;
	ssize_t n = tty_copy_out(tty, u, false);

	if (n < 0)
		return rs->copied > 0 ? (ssize_t)rs->copied : n;
	rs->copied += (size_t)n;
	if (uio_left(u) == 0 || (min == 0 && time == 0))
		return (ssize_t)rs->copied;
	if (min == 0) {
		if (rs->copied > 0)
			return (ssize_t)rs->copied;
		rs->deadline = rs->start + time;
	} else {
		if (rs->copied >= min)
			return (ssize_t)rs->copied;
		if (n > 0 && time > 0)
			rs->deadline = ktime_now() + time; /* inter-byte */
	}
	if (tty->hungup || tty->input_eof)
		return (ssize_t)rs->copied;
	return -EAGAIN;
}

static bool
tty_read_ready(const struct tty *tty, const struct tty_read_state *rs)
{
	return ring_data(tty) > 0 ||
	       (tty->rcount > 0 && L_FLAG(tty, K_ICANON)) || tty->hungup ||
	       tty->input_eof || tty->termios_gen != rs->gen;
}

/*
 * read(2) on a tty: bytes, 0 at end of file, -EAGAIN (nonblock),
 * -ERESTARTSYS (signal, or a background group was stopped), -EIO.
 * May sleep.
 */
static ssize_t
tty_read(struct tty *tty, struct uio *u, bool nonblock)
{
	struct tty_read_state rs = { .start = ktime_now(), .deadline = -1 };
	ssize_t r;
	int w;

	if (uio_left(u) == 0)
		return 0;
	for (;;) {
		if ((r = tty_check_read(tty)) < 0)
			return rs.copied > 0 ? (ssize_t)rs.copied : r;
		if (L_FLAG(tty, K_ICANON))
			r = canon_read_try(tty, u, &rs);
		else
			r = raw_read_try(tty, u, &rs);
		tty_unthrottle(tty);
		if (r != -EAGAIN)
			return r;
		if (nonblock)
			return rs.copied > 0 ? (ssize_t)rs.copied : -EAGAIN;
		rs.gen = tty->termios_gen;
		w = wait_event_deadline(&tty->read_wait,
					tty_read_ready(tty, &rs), rs.deadline,
					"ttyin");
		if (w == -ETIMEDOUT)
			return (ssize_t)rs.copied;
		if (w < 0)
			return rs.copied > 0 ? (ssize_t)rs.copied : w;
	}
}

/* Writing. */

/* Must writers wait: output stopped, or the device has no room. */
static bool
tty_output_blocked(struct tty *tty)
{
	if (tty->stopped)
		return true;
	return tty->ops->write_room &&
	       tty->ops->write_room(tty) < TTY_OBUF_SIZE;
}

/*
 * write(2) on a tty: output processing, then the device.  Bytes taken
 * from u, or -errno when none were.  May sleep (output stopped by VSTOP).
 */
static ssize_t
tty_write(struct tty *tty, struct uio *u, bool nonblock)
{
	static struct tty_outbuf ob; /* one CPU, and the device never sleeps */
	char in[TTY_OBUF_SIZE / 8];
	size_t done = 0, n, i;
	int r;

	if ((r = tty_check_write(tty)) < 0)
		return r;
	while (uio_left(u) > 0) {
		if (tty->hungup)
			return done > 0 ? (ssize_t)done : -EIO;
		if (tty_output_blocked(tty)) {
			if (nonblock)
				return done > 0 ? (ssize_t)done : -EAGAIN;
			r = wait_event(&tty->write_wait,
				       !tty_output_blocked(tty) || tty->hungup,
				       "ttyout");
			if (r < 0)
				return done > 0 ? (ssize_t)done : r;
			continue;
		}
		n = uio_left(u) < sizeof(in) ? uio_left(u) : sizeof(in);
		if (uio_in(u, in, n) < 0)
			return done > 0 ? (ssize_t)done : -EFAULT;
		ob.len = 0;
		ob.err = 0;
		for (i = 0; i < n; i++)
			opost_put(tty, &ob, (unsigned char)in[i]);
		out_flush(tty, &ob);
		if (ob.err < 0)
			return done > 0 ? (ssize_t)done : ob.err;
		done += n;
	}
	return (ssize_t)done;
}

/* termios. */

static void
tty_set_termios(struct tty *tty, const struct ktermios *nt)
{
	bool was_canon = L_FLAG(tty, K_ICANON);
	size_t i, n;

	tty->termios = *nt;
	if (was_canon && !L_FLAG(tty, K_ICANON)) {
		/* The edited line becomes raw input, as much as fits. */
		n = tty->line_len < ring_room(tty) ? tty->line_len
						   : ring_room(tty);
		for (i = 0; i < n; i++)
			ring_put(tty, tty->line[i], 0);
		tty->line_len = 0;
		tty->lnext = false;
	} else if (!was_canon && L_FLAG(tty, K_ICANON) && tty->rcount > 0) {
		/* Raw input already typed reads as one line. */
		*ring_last_flags(tty) |= TTY_F_EOL;
	}
	if (!I_FLAG(tty, K_IXON) && tty->stopped) {
		tty->stopped = false;
		wake_up(&tty->write_wait);
	}
	tty->termios_gen++;
	wake_up(&tty->read_wait);
}

static long
tty_get_termios(struct tty *tty, uint64_t arg, size_t size)
{
	return copy_to_user(current, UADDR(arg), &tty->termios, size);
}

/* TCSETS{,W,F}{,2}: size is the guest struct's; flush for the F forms. */
static long
tty_ioctl_set_termios(struct tty *tty, uint64_t arg, size_t size, bool flush)
{
	struct ktermios nt = tty->termios;
	long r;

	if ((r = tty_check_change(tty)) < 0)
		return r;
	if (copy_from_user(current, &nt, UADDR(arg), size) < 0)
		return -EFAULT;
	if (flush) {
		tty_flush_input(tty);
		tty_unthrottle(tty);
	}
	tty_set_termios(tty, &nt);
	return 0;
}

/* ioctls. */

static long
put_int(uint64_t arg, int v)
{
	if (copy_to_user(current, UADDR(arg), &v, sizeof(v)) < 0)
		return -EFAULT;
	return 0;
}

static long
get_int(uint64_t arg, int *v)
{
	if (copy_from_user(current, v, UADDR(arg), sizeof(*v)) < 0)
		return -EFAULT;
	return 0;
}

/* Is tty the caller's controlling terminal, for its own session? */
static bool
tty_is_own_ctty(const struct tty *tty)
{
	struct process *p = current ? current->proc : NULL;

	return p != NULL && p->tty == tty && tty->session == p->sid;
}

static long
tiocsctty(struct tty *tty, struct file *f, uint64_t arg)
{
	struct process *p = current->proc;
	bool root = cred_is_root(&current->cred);

	if (p->pid == p->sid && p->tty == tty)
		return 0;
	if (p->pid != p->sid || p->tty != NULL)
		return -EPERM;
	if (tty->session > 0) {
		if (arg != 1 || !root)
			return -EPERM;
		tty_clear_session(tty, tty->session);
	}
	if (!FMODE_READ(f) && !root)
		return -EPERM;
	tty_attach(tty, p);
	return 0;
}

static long
tiocnotty(struct tty *tty)
{
	struct process *p = current->proc;

	if (p->tty != tty)
		return -ENOTTY;
	if (p->pid == p->sid)
		tty_disassociate(p, false);
	else
		p->tty = NULL;
	return 0;
}

/* Does process group pgrp exist, and is it in session sid? */
static int
pgrp_check(int pgrp, int sid)
{
	struct process *q;
	bool exists = false;

	list_for_each_entry(q, &all_processes, all_link) {
		if (q->pgid != pgrp)
			continue;
		if (q->sid == sid)
			return 0;
		exists = true;
	}
	return exists ? -EPERM : -ESRCH;
}

static long
tiocspgrp(struct tty *tty, uint64_t arg)
{
	int pgrp;
	long r;

	if ((r = tty_check_change(tty)) < 0)
		return r;
	if (!tty_is_own_ctty(tty))
		return -ENOTTY;
	if (get_int(arg, &pgrp) < 0)
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if ((r = pgrp_check(pgrp, current->proc->sid)) < 0)
		return r;
	tty->pgrp = pgrp;
	return 0;
}

static long
tiocswinsz(struct tty *tty, uint64_t arg)
{
	struct tty_winsize ws;

	if (copy_from_user(current, &ws, UADDR(arg), sizeof(ws)) < 0)
		return -EFAULT;
	tty_set_winsize(tty, &ws);
	return 0;
}

static long
tcflsh(struct tty *tty, uint64_t arg)
{
	long r;

	if ((r = tty_check_change(tty)) < 0)
		return r;
	switch (arg) {
	case K_TCIFLUSH:
	case K_TCIOFLUSH:
		tty_flush_input(tty);
		tty_unthrottle(tty);
		return 0;
	case K_TCOFLUSH:
		return 0; /* output is never queued */
	default:
		return -EINVAL;
	}
}

/* TCIOFF/TCION: send VSTOP/VSTART to the device. */
static void
tty_send_char(struct tty *tty, int idx)
{
	char c = (char)tty->termios.c_cc[idx];

	if (c != 0)
		tty->ops->write(tty, &c, 1);
}

static long
tcxonc(struct tty *tty, uint64_t arg)
{
	long r;

	if ((r = tty_check_change(tty)) < 0)
		return r;
	switch (arg) {
	case K_TCOOFF:
		tty->stopped = true;
		return 0;
	case K_TCOON:
		tty->stopped = false;
		wake_up(&tty->write_wait);
		return 0;
	case K_TCIOFF:
		tty_send_char(tty, K_VSTOP);
		return 0;
	case K_TCION:
		tty_send_char(tty, K_VSTART);
		return 0;
	default:
		return -EINVAL;
	}
}

static long
fionbio(struct file *f, uint64_t arg)
{
	int on;

	if (get_int(arg, &on) < 0)
		return -EFAULT;
	if (on)
		f->flags |= O_NONBLOCK;
	else
		f->flags &= ~(unsigned int)O_NONBLOCK;
	return 0;
}

/* The ioctls about sessions and process groups. */
static long
tty_ioctl_job(struct tty *tty, struct file *f, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case K_TIOCSCTTY:
		return tiocsctty(tty, f, arg);
	case K_TIOCNOTTY:
		return tiocnotty(tty);
	case K_TIOCGPGRP:
		if (!tty_is_own_ctty(tty))
			return -ENOTTY;
		return put_int(arg, tty->pgrp);
	case K_TIOCSPGRP:
		return tiocspgrp(tty, arg);
	case K_TIOCGSID:
		if (!tty_is_own_ctty(tty) || tty->session == 0)
			return -ENOTTY;
		return put_int(arg, tty->session);
	default:
		return -ENOTTY;
	}
}

long
tty_ioctl(struct tty *tty, struct file *f, unsigned int cmd, uint64_t arg)
{
	int v;

	switch (cmd) {
	case K_TCGETS:
		return tty_get_termios(tty, arg, K_TERMIOS_SIZE);
	case K_TCGETS2:
		return tty_get_termios(tty, arg, sizeof(struct ktermios));
	case K_TCSETS:
	case K_TCSETSW:
	case K_TCSETSF:
		return tty_ioctl_set_termios(tty, arg, K_TERMIOS_SIZE,
					     cmd == K_TCSETSF);
	case K_TCSETS2:
	case K_TCSETSW2:
	case K_TCSETSF2:
		return tty_ioctl_set_termios(tty, arg, sizeof(struct ktermios),
					     cmd == K_TCSETSF2);
	case K_TIOCGWINSZ:
		return copy_to_user(current, UADDR(arg), &tty->winsize,
				    sizeof(tty->winsize));
	case K_TIOCSWINSZ:
		return tiocswinsz(tty, arg);
	case K_FIONREAD:
		return put_int(arg, (int)ring_data(tty));
	case K_TIOCOUTQ:
		return put_int(arg, 0);
	case K_TCFLSH:
		return tcflsh(tty, arg);
	case K_TCXONC:
		return tcxonc(tty, arg);
	case K_TCSBRK:
	case K_TCSBRKP:
		return tty_check_change(tty); /* output is already drained */
	case K_TIOCSBRK:
	case K_TIOCCBRK:
	case K_TIOCEXCL:
	case K_TIOCNXCL:
		return 0;
	case K_FIONBIO:
		return fionbio(f, arg);
	case K_TIOCGETD:
		return put_int(arg, 0); /* N_TTY */
	case K_TIOCSETD:
		if (get_int(arg, &v) < 0)
			return -EFAULT;
		return v == 0 ? 0 : -EINVAL;
	default:
		return tty_ioctl_job(tty, f, cmd, arg);
	}
}

/* The file_ops. */

static bool
tty_poll_readable(const struct tty *tty)
{
	size_t min = tty->termios.c_cc[K_VMIN];

	if (tty->hungup || tty->input_eof)
		return true;
	if (L_FLAG(tty, K_ICANON))
		return tty->rcount > 0;
	if (tty->termios.c_cc[K_VTIME] != 0 || min == 0)
		min = 1;
	return ring_data(tty) >= min;
}

static unsigned int
tty_fop_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = f->priv;
	unsigned int mask = 0;

	poll_wait(pt, &tty->read_wait);
	poll_wait(pt, &tty->write_wait);
	if (tty_poll_readable(tty))
		mask |= K_POLLIN | K_POLLRDNORM;
	if (!tty_output_blocked(tty) || tty->hungup)
		mask |= K_POLLOUT | K_POLLWRNORM;
	if (tty->hungup)
		mask |= K_POLLHUP;
	return mask;
}

/* May sleep. */
static ssize_t
tty_fop_read(struct file *f, struct uio *u, uint64_t *pos)
{
	return tty_read(f->priv, u, (f->flags & O_NONBLOCK) != 0);
}

/* May sleep. */
static ssize_t
tty_fop_write(struct file *f, struct uio *u, uint64_t *pos)
{
	return tty_write(f->priv, u, (f->flags & O_NONBLOCK) != 0);
}

static long
tty_fop_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	return tty_ioctl(f->priv, f, cmd, arg);
}

static void
tty_fop_release(struct file *f)
{
	struct tty *tty = f->priv;

	if (--tty->count > 0)
		return;
	tty->hungup = false; /* the next open starts afresh */
	if (tty->ops->close)
		tty->ops->close(tty);
}

static int64_t
tty_fop_llseek(struct file *f, int64_t off, int whence)
{
	return -ESPIPE;
}

const struct file_ops tty_file_ops = {
	.release = tty_fop_release,
	.read = tty_fop_read,
	.write = tty_fop_write,
	.llseek = tty_fop_llseek,
	.ioctl = tty_fop_ioctl,
	.poll = tty_fop_poll,
};

int
tty_open(struct tty *tty, struct file *f, bool noctty)
{
	struct process *p = current ? current->proc : NULL;

	f->priv = tty;
	f->ops = &tty_file_ops;
	tty->count++;
	if (noctty || (f->flags & O_NOCTTY) || p == NULL)
		return 0;
	if (p->pid == p->sid && p->tty == NULL && tty->session == 0)
		tty_attach(tty, p);
	return 0;
}
