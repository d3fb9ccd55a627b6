/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The filters of the Linux host queue other than HQ_VNODE: attach, "is
 * the fd still the registered file", and f_event (is it true now, with
 * what data), in the manner of NetBSD's filt_* routines.  See hq_linux.c
 * for the queue they serve.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "host/hq_linux_int.h"
#include "lxrun/shortage.h"

/* --- READ / WRITE ----------------------------------------------------- */

static int
kn_set(const struct hq *q, const struct knote *kn)
{
	if (kn->direct)
		return q->epfd;
	return kn->filter == HQ_READ ? q->rset : q->wset;
}

static int
kn_fd(const struct knote *kn)
{
	return kn->ident > INT_MAX ? -1 : (int)kn->ident;
}

static void
fd_epoll_event(const struct knote *kn, uint64_t tag, struct epoll_event *e)
{
	memset(e, 0, sizeof(*e));
	e->events = EPOLLET |
	    (kn->filter == HQ_READ ? EPOLLIN | EPOLLRDHUP : EPOLLOUT);
	/* DISPATCH: the host item disarms itself when it fires (hqf_arm) */
	if (kn->flags & HQ_DISPATCH)
		e->events |= EPOLLONESHOT;
	e->data.u64 = tag;
}

/*
 * A disabled knote's host item reports nothing (only private bits left),
 * so that it costs no wake-up of whoever sleeps on the queue; arming it
 * again makes the kernel look at the file and queue the item if it is
 * ready already.  1: done; 0: not an epoll-backed knote; -errno.
 */
int
hqf_arm(struct hq *q, const struct knote *kn, bool on)
{
	struct epoll_event e;

	if ((kn->filter != HQ_READ && kn->filter != HQ_WRITE) ||
	    kn->how != KN_EPOLL)
		return 0;
	fd_epoll_event(kn, kn_tag(kn), &e);
	if (!on)
		e.events = EPOLLONESHOT;
	return epoll_ctl(kn_set(q, kn), EPOLL_CTL_MOD, kn_fd(kn), &e) == 0 ?
	    1 : -errno;
}

static int
fd_attach(struct hq *q, struct knote *kn)
{
	struct epoll_event e;
	struct stat st;
	int fd = kn_fd(kn), error;

	if (fstat(fd, &st) < 0)
		return -errno;
	/*
	 * READ|CLEAR: an edge item right in q->epfd (one nesting level
	 * less), unless its number keys one of our HQ_POLL items there.
	 */
	kn->direct = kn->filter == HQ_READ && (kn->flags & HQ_CLEAR) &&
	    !hqp_number_taken(q, fd);
	if (!kn->direct && (error = hq_need_sets(q)) < 0)
		return error;
	kn->dev = st.st_dev;
	kn->ino = st.st_ino;
	kn->sock = S_ISSOCK(st.st_mode);
	fd_epoll_event(kn, kn_tag(kn), &e);
	if (epoll_ctl(kn_set(q, kn), EPOLL_CTL_ADD, fd, &e) == 0 ||
	    /* A stale entry of this very file (its fd closed and reopened). */
	    (errno == EEXIST &&
	    epoll_ctl(kn_set(q, kn), EPOLL_CTL_MOD, fd, &e) == 0)) {
		if (kn->direct) {
			q->ndirect++;
			hqp_taint(q, fd);	/* not an HQ_POLL number now */
		}
		return 0;
	}
	/* Regular files, directories, /dev/null: always ready, as vnodes. */
	if (errno == EPERM) {
		kn->how = KN_ALWAYS;
		kn->direct = false;
		return 0;
	}
	kn->direct = false;
	return -errno;
}

/*
 * Is ident still the file that was registered?  kcmp asks epoll whether
 * the file at fd is the one of an entry under that fd number in our set.
 */
static bool
fd_same_epoll(const struct hq *q, const struct knote *kn)
{
	struct kcmp_epoll_slot s = { (uint32_t)kn_set(q, kn),
	    (uint32_t)kn_fd(kn), 0 };
	struct epoll_event e;
	pid_t pid = host_self();
	long r;

	for (;; s.toff++) {
		r = syscall(SYS_kcmp, pid, pid, KCMP_EPOLL_TFD, kn_fd(kn), &s);
		if (r == 0)
			return true;
		if (r < 0)
			break;
	}
	if (errno == ENOENT || errno == EBADF || errno == EINVAL)
		return false;
	/* No kcmp (seccomp, !CONFIG_KCMP): MOD finds (file, fd) or not. */
	fd_epoll_event(kn, kn_tag(kn), &e);
	return epoll_ctl(kn_set(q, kn), EPOLL_CTL_MOD, kn_fd(kn), &e) == 0;
}

static bool
fd_same_inode(const struct knote *kn)
{
	struct stat st;

	return kn_fd(kn) >= 0 && fstat(kn_fd(kn), &st) == 0 &&
	    st.st_dev == kn->dev && st.st_ino == kn->ino;
}

void
hqf_detach(struct hq *q, struct knote *kn)
{
	if (kn->how == KN_EPOLL && fd_same_epoll(q, kn))
		(void)epoll_ctl(kn_set(q, kn), EPOLL_CTL_DEL, kn_fd(kn), NULL);
	/*
	 * A direct item whose fd was closed stays while its file lives
	 * elsewhere: its number stays out of HQ_POLL's way (hqp_taint).
	 */
	if (kn->direct) {
		q->ndirect--;
		kn->direct = false;
	}
}

/*
 * Bytes to read; 0 where the file cannot say.  An epoll set cannot (the
 * loop's watch of each emulated instance's queue): asked once only.
 */
static int64_t
fd_readable_bytes(struct knote *kn, int fd)
{
	int n;

	if (kn->uncounted)
		return 0;
	if (ioctl(fd, FIONREAD, &n) == 0)
		return n;
	kn->uncounted = errno == EINVAL || errno == ENOTTY;
	return 0;
}

/* Free space in a pipe or a socket's send buffer; 0 where not cheap. */
static int64_t
fd_writable_bytes(const struct knote *kn, int fd)
{
	int size, used;
	socklen_t len = sizeof(size);

	if (kn->sock) {
		if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) < 0 ||
		    ioctl(fd, SIOCOUTQ, &used) < 0)
			return 0;
	} else {
		size = fcntl(fd, F_GETPIPE_SZ);
		if (size < 0 || ioctl(fd, FIONREAD, &used) < 0)
			return 0;
	}
	return size > used ? size - used : 0;
}

static bool
fd_event_epoll(struct knote *kn)
{
	struct pollfd p = { kn_fd(kn), POLLIN | POLLOUT | POLLRDHUP, 0 };
	short r;

	if (poll(&p, 1, 0) <= 0 || (p.revents & POLLNVAL))
		return false;
	r = p.revents;
	if (kn->filter == HQ_READ) {
		kn->eof = (r & (POLLRDHUP | POLLHUP)) != 0;
		kn->data = fd_readable_bytes(kn, p.fd);
		return (r & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0;
	}
	/* A pipe whose reader is gone polls POLLERR; a socket's error alone
	 * is not EOF (NetBSD's filt_sowrite). */
	kn->eof = (r & POLLHUP) || ((r & POLLERR) && !kn->sock);
	kn->data = kn->eof ? 0 : fd_writable_bytes(kn, p.fd);
	return (r & (POLLOUT | POLLHUP | POLLERR)) != 0;
}

/* NetBSD's filt_vfsread/filt_vfswrite, for what epoll will not take. */
static bool
fd_event_always(struct knote *kn)
{
	struct stat st;
	off_t off;

	kn->data = 0;
	if (kn->filter == HQ_WRITE)
		return true;
	if (fstat(kn_fd(kn), &st) < 0 || !S_ISREG(st.st_mode))
		return true;
	off = lseek(kn_fd(kn), 0, SEEK_CUR);
	kn->data = off < 0 ? 0 : (int64_t)(st.st_size - off);
	return kn->data != 0;
}

/* --- SIGNAL / TIMER / PROC / USER: one own fd each --------------------- */

static int
own_fd_add(struct hq *q, struct knote *kn)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = kn_tag(kn) };

	kn->fd = hq_unclash(q, kn->fd);
	if (epoll_ctl(q->epfd, EPOLL_CTL_ADD, kn->fd, &e) < 0) {
		if (errno == ENOSPC)
			lx_shortage(LX_SHORT_EPOLL_WATCHES);
		return -errno;
	}
	return 0;
}

static int
sig_attach(struct hq *q, struct knote *kn)
{
	sigset_t set;

	if (kn->ident < 1 || kn->ident >= (uintptr_t)SIGRTMAX + 1)
		return -EINVAL;
	sigemptyset(&set);
	if (sigaddset(&set, (int)kn->ident) < 0)
		return -EINVAL;
	kn->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (kn->fd < 0)
		return -errno;
	kn->flags |= HQ_CLEAR;		/* as filt_sigattach */
	return own_fd_add(q, kn);
}

static bool
sig_event(struct knote *kn)
{
	struct signalfd_siginfo si[16];
	ssize_t n;

	while ((n = read(kn->fd, si, sizeof(si))) > 0)
		kn->data += n / (ssize_t)sizeof(si[0]);
	return kn->data > 0;
}

int
hqf_timer_arm(struct knote *kn)
{
	struct itimerspec its;
	int64_t ns = kn->sdata > 0 ? kn->sdata : 1;

	if (kn->sdata < 0)
		return -EINVAL;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ns / 1000000000;
	its.it_value.tv_nsec = ns % 1000000000;
	if (!(kn->flags & HQ_ONESHOT))
		its.it_interval = its.it_value;
	kn->data = 0;
	if (timerfd_settime(kn->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

static int
timer_attach(struct hq *q, struct knote *kn)
{
	int error;

	if (kn->sdata < 0)
		return -EINVAL;
	kn->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (kn->fd < 0)
		return -errno;
	kn->flags |= HQ_CLEAR;		/* as filt_timerattach */
	if ((error = hqf_timer_arm(kn)) < 0)
		return error;
	return own_fd_add(q, kn);
}

static bool
timer_event(struct knote *kn)
{
	uint64_t n;

	if (read(kn->fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		kn->data += (int64_t)n;
	return kn->data > 0;
}

static int
proc_attach(struct hq *q, struct knote *kn)
{
	if (kn->ident == 0 || kn->ident > INT_MAX)
		return -ESRCH;
	kn->fd = (int)syscall(SYS_pidfd_open, (pid_t)kn->ident, 0);
	if (kn->fd < 0)
		return -errno;
	return own_fd_add(q, kn);
}

/* The wait status, if the process is our child (or tracee); else 0. */
static int64_t
proc_status(int pidfd)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	    si.si_pid == 0)
		return 0;
	switch (si.si_code) {
	case CLD_EXITED:
		return (si.si_status & 0xff) << 8;
	case CLD_KILLED:
		return si.si_status & 0x7f;
	case CLD_DUMPED:
		return (si.si_status & 0x7f) | 0x80;
	}
	return 0;
}

static bool
proc_event(struct hq *q, struct knote *kn)
{
	struct pollfd p = { kn->fd, POLLIN, 0 };

	if (!kn->hook) {
		if (poll(&p, 1, 0) <= 0)
			return false;
		kn->hook = true;
		kn->data = proc_status(kn->fd);
		(void)epoll_ctl(q->epfd, EPOLL_CTL_DEL, kn->fd, NULL);
	}
	/* filt_proc: exit ends the knote. */
	kn->fflags = kn->sfflags & HQ_NOTE_EXIT;
	kn->eof = true;
	kn->flags |= HQ_ONESHOT;
	return true;
}

/* --- the filter switch ------------------------------------------------ */

int
hqf_attach(struct hq *q, struct knote *kn)
{
	switch (kn->filter) {
	case HQ_READ:
	case HQ_WRITE:
		return fd_attach(q, kn);
	case HQ_VNODE:
		return hqv_attach(q, kn);
	case HQ_SIGNAL:
		return sig_attach(q, kn);
	case HQ_TIMER:
		return timer_attach(q, kn);
	case HQ_PROC:
		return proc_attach(q, kn);
	case HQ_USER:
		return 0;
	}
	return -EINVAL;
}

/* Is the knote's fd still the file it was registered on? */
bool
hqf_same(struct hq *q, const struct knote *kn)
{
	switch (kn->filter) {
	case HQ_READ:
	case HQ_WRITE:
		return kn->how == KN_EPOLL ? fd_same_epoll(q, kn) :
		    fd_same_inode(kn);
	case HQ_VNODE:
		/* the drain of this very harvest fstat'ed it already */
		return (kn->vchecked != 0 && kn->vchecked == q->pass) ||
		    hqv_same(kn);
	}
	return true;
}

/* f_event: is the knote true now?  Updates data, fflags and eof. */
bool
hqf_event(struct hq *q, struct knote *kn)
{
	switch (kn->filter) {
	case HQ_READ:
	case HQ_WRITE:
		return kn->how == KN_EPOLL ? fd_event_epoll(kn) :
		    fd_event_always(kn);
	case HQ_VNODE:
		return kn->fflags != 0 || kn->eof;
	case HQ_SIGNAL:
		return sig_event(kn);
	case HQ_TIMER:
		return timer_event(kn);
	case HQ_PROC:
		return proc_event(q, kn);
	case HQ_USER:
		return kn->hook;
	case HQ_POLL:
		return kn->fflags != 0;	/* set by the harvest (hq_linux.c) */
	}
	return false;
}
