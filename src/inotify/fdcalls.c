/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calls on an inotify fd that a SEQPACKET socket would answer unlike
 * inotify, trapped on the fd's number (a per-fd seccomp rule added when
 * the number first holds an inotify, in that process and its children):
 *
 * - read/readv: as many whole events as fit, EINVAL if the next one does
 *   not, EAGAIN, or a park in the guest's own ppoll when blocking; a
 *   signal during the park gives -ERESTARTSYS, so the kernel restarts the
 *   read (SA_RESTART) or fails it with EINTR, as inotify_read does.
 * - ioctl FIONREAD: the bytes of the whole queue; other requests ENOTTY.
 * - write/writev: EBADF (the inotify file is read-only).
 * - dup/dup2/dup3/fcntl(F_DUPFD*): the fd-tracking facility makes the
 *   copy in the guest and gives the new number the same rules (a rule
 *   names a number, not a file), as it does for an inotify fd received by
 *   SCM_RIGHTS or pidfd_getfd.  fcntl(F_GETFL) shows O_RDONLY as
 *   inotify's file does.
 * - socket calls: ENOTSOCK; lseek: 0 (noop_llseek); splice, tee and
 *   sendfile: EBADF into it (it is read-only), EINVAL out of it (it has no
 *   splice_read); fchmod/fchown: EOPNOTSUPP (an anonymous inode);
 *   fallocate: EBADF.  Never the socket's own answer, which would also
 *   change the socket (bind, shutdown) or read a record past the queue.
 *
 * Every hook lets calls on other files through: rules only add, so a
 * number keeps its rule after the inotify fd on it is closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"
#include "lxrun/sysent.h"

#define LX_FIOCLEX		0x5451
#define LX_FIONCLEX		0x5450
#define LX_FIONBIO		0x5421
#define LX_FIOASYNC		0x5452
#define LX_FIOQSIZE		0x5460
#define LX_INOTIFY_IOC_SETNEXTWD 0x40044900
#define LX_UIO_MAXIOV		1024

#define RECORD_MAX (LX_INOTIFY_EVENT_SIZE + LX_NAME_MAX + 1 + 15)

/* --- read ------------------------------------------------------------------- */

/*
 * Records the guest read from its socket without us (a copy of the fd
 * on a number without rules) are gone from the head of the queue too.
 */
static void
sock_sync(struct ino_inst *inst, int sfd)
{
	size_t expect = 0;
	struct inq_event *e;
	size_t i;
	int have;

	if (inst->q.nsent == 0 || ioctl(sfd, FIONREAD, &have) < 0)
		return;
	for (i = 0, e = inst->q.head; i < inst->q.nsent && e != NULL;
	    i++, e = e->next)
		expect += inq_event_size(e);
	while (expect > (size_t)have && inst->q.nsent > 0) {
		expect -= inq_event_size(inst->q.head);
		inq_pop(&inst->q, 1);
	}
}

/* Take n records off the guest's socket (they were read through us). */
static void
sock_consume(int sfd, size_t n)
{
	static char rec[64][RECORD_MAX];
	struct mmsghdr mv[64];
	struct iovec iov[64];
	int k, r;

	while (n > 0) {
		k = n > 64 ? 64 : (int)n;
		memset(mv, 0, sizeof(mv));
		for (int i = 0; i < k; i++) {
			iov[i].iov_base = rec[i];
			iov[i].iov_len = RECORD_MAX;
			mv[i].msg_hdr.msg_iov = &iov[i];
			mv[i].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(sfd, mv, (unsigned)k, MSG_DONTWAIT, NULL);
		if (r <= 0)
			return;
		n -= (size_t)r;
	}
}

/*
 * One read of at most count bytes into buf: whole events only.  Returns
 * the bytes, -EINVAL if the first event does not fit, -EAGAIN if there is
 * none, -EFAULT.
 */
static long
read_events(struct lx_guest *g, struct ino_inst *inst, int sfd, uint64_t buf,
    size_t count)
{
	size_t nev, cap;
	char *tmp;
	long n;

	sock_sync(inst, sfd);
	if (inst->q.count == 0)
		return -LX_EAGAIN;
	cap = count < inst->q.bytes ? count : inst->q.bytes;
	if ((tmp = malloc(cap ? cap : 1)) == NULL)
		return -LX_ENOMEM;
	n = inq_pack(&inst->q, tmp, cap, &nev);
	if (n < 0) {
		n = -LX_EINVAL;
	} else {
		/* As Linux: events copied out (or not: EFAULT) are gone. */
		if (lx_guest_write(g, buf, tmp, (size_t)n) < 0)
			n = -LX_EFAULT;
		sock_consume(sfd, nev < inst->q.nsent ? nev : inst->q.nsent);
		inq_pop(&inst->q, nev);
	}
	free(tmp);
	ino_flush(inst);
	return n;
}

struct iov64 {
	uint64_t base, len;
};

/* readv: read(2) on each segment in turn, as the kernel's loop does. */
static long
readv_events(struct lx_guest *g, struct ino_inst *inst, int sfd,
    const struct iov64 *iov, int cnt)
{
	long total = 0, r;

	for (int i = 0; i < cnt; i++) {
		r = read_events(g, inst, sfd, iov[i].base, (size_t)iov[i].len);
		if (r < 0)
			return total > 0 ? total : r;
		total += r;
		if ((uint64_t)r != iov[i].len)
			break;
	}
	return total;
}

/*
 * A parked read is resumed through its call's row; give the call a copy
 * of the row whose handler is this hook (the row itself is native).
 */
static struct lx_action
read_hook(struct lx_call *c, struct lx_guest *g)
{
	struct iov64 iov[LX_UIO_MAXIOV];
	struct ino_inst *inst;
	int fd = (int)c->arg[0], cnt = 1, sfd;
	long r;

	if ((inst = ino_inst_pull(g, fd, &sfd)) == NULL)
		return lx_native();
	ino_thread_stops(g->tid);
	if (c->nr == LX_NR_readv) {
		if (c->arg[2] > LX_UIO_MAXIOV) {
			close(sfd);
			return lx_return(-LX_EINVAL);
		}
		cnt = (int)c->arg[2];
		if (lx_guest_read(g, iov, c->arg[1], (size_t)cnt *
		    sizeof(iov[0])) < 0) {
			close(sfd);
			return lx_return(-LX_EFAULT);
		}
	} else {
		iov[0].base = c->arg[1];
		iov[0].len = c->arg[2];
	}
	/*
	 * The events of every operation the guest finished are queued
	 * before it reads (fsnotify is synchronous): also when some are
	 * queued already, or the queue would overflow at another point.
	 */
	ino_sync();
	r = readv_events(g, inst, sfd, iov, cnt);
	close(sfd);
	if (r != -LX_EAGAIN)
		return lx_return(r);
	/* O_NONBLOCK is the open file's, as F_SETFL or FIONBIO left it. */
	if (inst->nonblock)
		return lx_return(r);
	/* Nothing queued: a signal ends the wait as inotify_read's does. */
	if (c->resumed && c->park_ret < 0)
		return lx_return(-LX_ERESTARTSYS);
	c->deadline_ns = -1;
	return lx_park(fd, LX_POLLIN, 0, 0);
}

/* --- ioctl, write, dup, fcntl --------------------------------------------- */

/* The guest's O_NONBLOCK changes, which read's EAGAIN follows. */
static long
fionbio_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_inst *inst;
	int v;

	if (ret == 0 && (inst = ino_inst_of(g, (int)c->arg[0])) != NULL &&
	    lx_guest_read(g, &v, c->arg[2], sizeof(v)) == 0)
		inst->nonblock = v != 0;
	return ret;
}

static long
setfl_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_inst *inst;

	if (ret == 0 && (inst = ino_inst_of(g, (int)c->arg[0])) != NULL)
		inst->nonblock = (c->arg[2] & LX_O_NONBLOCK) != 0;
	return ret;
}

static struct lx_action
ioctl_hook(struct lx_call *c, struct lx_guest *g)
{
	unsigned cmd = (unsigned)c->arg[1];
	struct ino_inst *inst;
	int v;

	switch (cmd) {
	case LX_FIONBIO:
		if (ino_inst_of(g, (int)c->arg[0]) == NULL)
			return lx_native();
		return lx_native_then(fionbio_exit);
	case LX_FIOCLEX: case LX_FIONCLEX: case LX_FIOASYNC:
	case LX_FIOQSIZE:
		return lx_native();	/* the VFS answers these for any file */
	}
	if ((inst = ino_inst_of(g, (int)c->arg[0])) == NULL)
		return lx_native();
	switch (cmd) {
	case LX_FIONREAD:
		ino_sync();
		v = inst->q.bytes > INT32_MAX ? INT32_MAX : (int)inst->q.bytes;
		if (lx_guest_write(g, c->arg[2], &v, sizeof(v)) < 0)
			return lx_return(-LX_EFAULT);
		return lx_return(0);
	case LX_INOTIFY_IOC_SETNEXTWD:
		if (c->arg[2] < 1 || c->arg[2] > INT32_MAX)
			return lx_return(-LX_EINVAL);
		inst->last_wd = (int32_t)(c->arg[2] - 1);
		return lx_return(0);
	}
	return lx_return(-LX_ENOTTY);
}

static struct lx_action
write_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_inst_of(g, (int)c->arg[0]) == NULL)
		return lx_native();
	return lx_return(-LX_EBADF);
}

static long
getfl_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	(void)c;
	(void)g;
	/* inotify's file is opened read-only; the socket says O_RDWR. */
	return ret >= 0 ? (ret & ~(long)LX_O_ACCMODE) : ret;
}

static struct lx_action
fcntl_hook(struct lx_call *c, struct lx_guest *g)
{
	if (c->arg[1] == LX_F_GETFL) {
		if (ino_inst_of(g, (int)c->arg[0]) == NULL)
			return lx_native();
		return lx_native_then(getfl_exit);
	}
	if (c->arg[1] == LX_F_SETFL) {
		if (ino_inst_of(g, (int)c->arg[0]) == NULL)
			return lx_native();
		return lx_native_then(setfl_exit);
	}
	return lx_native();	/* F_DUPFD*: the fd-tracking facility's */
}

/* --- calls that are not inotify's ---------------------------------------- */

static struct lx_action
notsock_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_inst_of(g, (int)c->arg[0]) == NULL)
		return lx_native();
	return lx_return(-LX_ENOTSOCK);
}

static struct lx_action
lseek_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_inst_of(g, (int)c->arg[0]) == NULL)
		return lx_native();
	if ((uint32_t)c->arg[2] > LX_SEEK_HOLE)
		return lx_return(-LX_EINVAL);	/* ksys_lseek's check */
	return lx_return(0);	/* noop_llseek: the position, always 0 */
}

static struct lx_action
fchmod_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_inst_of(g, (int)c->arg[0]) == NULL)
		return lx_native();
	return lx_return(-LX_ENOTSUP);
}

static struct lx_action
fallocate_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_inst_of(g, (int)c->arg[0]) == NULL)
		return lx_native();
	return lx_return(-LX_EBADF);
}

static bool
is_inotify(struct lx_guest *g, int fd)
{
	return ino_inst_of(g, fd) != NULL;
}

/* splice, tee, sendfile: inotify's file is read-only. */
static struct lx_action
splice_hook(struct lx_call *c, struct lx_guest *g)
{
	return lx_object_splice_answer(c, g, is_inotify, false);
}

__attribute__((constructor)) static void
inotify_hooks_init(void)
{
	static const long sock_nrs[] = {
		LX_NR_sendto, LX_NR_recvfrom, LX_NR_sendmsg, LX_NR_recvmsg,
		LX_NR_sendmmsg, LX_NR_recvmmsg, LX_NR_accept, LX_NR_accept4,
		LX_NR_connect, LX_NR_bind, LX_NR_listen, LX_NR_shutdown,
		LX_NR_getsockname, LX_NR_getpeername, LX_NR_getsockopt,
		LX_NR_setsockopt,
	};

	lx_hook_add(LX_NR_read, LX_FAM_INOTIFY, read_hook);
	lx_hook_add(LX_NR_readv, LX_FAM_INOTIFY, read_hook);
	lx_hook_add(LX_NR_ioctl, LX_FAM_INOTIFY, ioctl_hook);
	lx_hook_add(LX_NR_write, LX_FAM_INOTIFY, write_hook);
	lx_hook_add(LX_NR_writev, LX_FAM_INOTIFY, write_hook);
	lx_hook_add(LX_NR_fcntl, LX_FAM_INOTIFY, fcntl_hook);
	lx_hook_add(LX_NR_lseek, LX_FAM_INOTIFY, lseek_hook);
	lx_hook_add(LX_NR_fchmod, LX_FAM_INOTIFY, fchmod_hook);
	lx_hook_add(LX_NR_fchown, LX_FAM_INOTIFY, fchmod_hook);
	lx_hook_add(LX_NR_fallocate, LX_FAM_INOTIFY, fallocate_hook);
	lx_hook_add(LX_NR_splice, LX_FAM_INOTIFY, splice_hook);
	lx_hook_add(LX_NR_tee, LX_FAM_INOTIFY, splice_hook);
	lx_hook_add(LX_NR_sendfile, LX_FAM_INOTIFY, splice_hook);
	for (size_t i = 0; i < sizeof(sock_nrs) / sizeof(sock_nrs[0]); i++)
		lx_hook_add(sock_nrs[i], LX_FAM_INOTIFY, notsock_hook);
}
