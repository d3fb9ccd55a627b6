/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The epoll syscalls (epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2), with Linux's argument checks in Linux's
 * order (fs/eventpoll.c), over the instances of epoll_inst.c.
 *
 * Waiting never blocks the supervisor: with nothing ready and a timeout,
 * the call parks in the guest's own ppoll on its epoll fd (the marker byte
 * makes it readable), with the caller's signal mask for pwait/pwait2, and
 * harvests again when resumed.  One stop when events are ready.
 */
#include <stdlib.h>

#include "epoll/epoll_int.h"
#include "lxrun/handlers.h"
#include "lxrun/supervisor.h"

/* Events harvested and written to the guest per round. */
#define EP_CHUNK		256

static void
ep_release(struct lx_object *o)
{
	ep_inst_free((struct ep_inst *)o);
}

const struct lx_object_ops ep_object_ops = {
	.kind = "eventpoll",
	.link = "anon_inode:[eventpoll]",
	.sup_filter = HQ_WRITE,
	.release = ep_release,
};

/* --- epoll_create, epoll_create1 -------------------------------------- */

static long
ep_create(struct lx_guest *g, int flags)
{
	struct ep_inst *ep;
	int gfd, sup = -1, r;

	ep_inst_reap();
	ep_life_seen(g);
	gfd = lx_object_make_pipe(g, flags & LX_O_CLOEXEC, &sup);
	if (gfd < 0)
		return gfd;
	if ((ep = ep_inst_new(sup)) == NULL) {
		ep_host_close(sup);
		r = -LX_ENOMEM;
		goto fail;
	}
	if ((r = lx_object_register(&ep->o, g, gfd)) < 0) {
		ep_inst_free(ep);
		goto fail;
	}
	if ((r = ep_inst_watch(ep, lx_loop_hq())) < 0) {
		lx_object_unregister(&ep->o);
		ep_inst_free(ep);
		goto fail;
	}
	return gfd;
fail:
	lx_guest_syscall(g, LX_NR_close, (uint64_t)gfd, 0, 0, 0, 0, 0);
	return r;
}

/*
 * -LX_ENOSYS: the supervisor cannot take fds from this thread's table (a
 * private one, on a kernel without PIDFD_THREAD): the host's epoll serves.
 */
static struct lx_action
ep_answer(long r)
{
	return r == -LX_ENOSYS ? lx_native() : lx_return(r);
}

struct lx_action
lx_sys_epoll_create(struct lx_call *c, struct lx_guest *g)
{
	if ((int)c->arg[0] <= 0)
		return lx_return(-LX_EINVAL);
	return ep_answer(ep_create(g, 0));
}

struct lx_action
lx_sys_epoll_create1(struct lx_call *c, struct lx_guest *g)
{
	int flags = (int)c->arg[0];

	if (flags & ~LX_EPOLL_CLOEXEC)
		return lx_return(-LX_EINVAL);
	return ep_answer(ep_create(g, flags));
}

/* --- epoll_ctl -------------------------------------------------------- */

/* fdget(): an open fd that is not O_PATH. */
static int
fd_get(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	if (fd < 0 || lx_guest_fd_ident(g, fd, id) < 0 ||
	    (id->flags & LX_O_PATH))
		return -LX_EBADF;
	return 0;
}

/* file_can_poll(): files, directories and block devices have no poll. */
static bool
can_poll(const struct lx_fd_ident *id)
{
	uint32_t t = id->mode & LX_S_IFMT;

	return t != LX_S_IFREG && t != LX_S_IFDIR && t != LX_S_IFBLK;
}

static long
ctl_add(struct ep_inst *ep, struct lx_guest *g, int fd,
    struct lx_epoll_event *ev, struct ep_inst *tep)
{
	struct ep_item *it;
	int copy, err;

	if (tep != NULL && ep_would_loop(ep, tep))
		return -LX_ELOOP;
	if (ep_find(ep, fd, g->pid) != NULL)
		return -LX_EEXIST;
	if ((copy = lx_guest_pull_fd(g, fd)) < 0)
		return copy == -LX_EBADF ? copy : -LX_ENOMEM;
	it = ep_insert(ep, fd, copy, ev->events, ev->data, tep, &err);
	if (it == NULL)
		return err;
	ep_life_added(it, g);
	return 0;
}

static long
ep_ctl(struct lx_call *c, struct lx_guest *g)
{
	int epfd = (int)c->arg[0], op = (int)c->arg[1], fd = (int)c->arg[2];
	struct lx_epoll_event ev = { 0, 0 };
	struct lx_fd_ident eid, tid;
	struct ep_inst *ep, *tep;
	struct ep_item *it;
	bool has_event = op != LX_EPOLL_CTL_DEL;

	if (has_event && lx_guest_read(g, &ev, c->arg[3], sizeof(ev)) < 0)
		return -LX_EFAULT;
	if (fd_get(g, epfd, &eid) < 0 || fd_get(g, fd, &tid) < 0)
		return -LX_EBADF;
	if (!can_poll(&tid))
		return -LX_EPERM;
	/* No CAP_BLOCK_SUSPEND semantics: EPOLLWAKEUP is dropped. */
	ev.events &= ~(uint32_t)LX_EPOLLWAKEUP;
	if ((ep = ep_of_fd(g, epfd)) == NULL ||
	    (eid.dev == tid.dev && eid.ino == tid.ino))
		return -LX_EINVAL;
	tep = ep_of_fd(g, fd);
	if (has_event && (ev.events & LX_EPOLLEXCLUSIVE)) {
		if (op == LX_EPOLL_CTL_MOD)
			return -LX_EINVAL;
		if (op == LX_EPOLL_CTL_ADD && (tep != NULL ||
		    (ev.events & ~(uint32_t)LX_EPOLLEXCLUSIVE_OK)))
			return -LX_EINVAL;
	}
	switch (op) {
	case LX_EPOLL_CTL_ADD:
		return ctl_add(ep, g, fd, &ev, tep);
	case LX_EPOLL_CTL_MOD:
		if ((it = ep_find(ep, fd, g->pid)) == NULL)
			return -LX_ENOENT;
		if (it->events & LX_EPOLLEXCLUSIVE)
			return -LX_EINVAL;
		return ep_modify(it, ev.events, ev.data);
	case LX_EPOLL_CTL_DEL:
		if ((it = ep_find(ep, fd, g->pid)) == NULL)
			return -LX_ENOENT;
		ep_remove(it);
		return 0;
	}
	return -LX_EINVAL;
}

struct lx_action
lx_sys_epoll_ctl(struct lx_call *c, struct lx_guest *g)
{
	ep_inst_reap();
	ep_life_seen(g);
	ep_cur_tid = g->tid;
	return lx_return(ep_ctl(c, g));
}

/* --- epoll_wait, epoll_pwait, epoll_pwait2 ---------------------------- */

struct wait_args {
	int epfd;
	uint64_t events;
	int maxevents;
	uint64_t sigmask;	/* pwait, pwait2: guest sigset or 0 */
	int64_t timeout_ns;	/* -1: forever */
};

/*
 * Harvest into the guest's array in rounds of EP_CHUNK, so that nothing
 * is allocated in proportion to maxevents.  A copy-out that fails puts
 * back what was not delivered: EFAULT if nothing was, else the count.
 */
static long
harvest_out(struct ep_inst *ep, struct lx_guest *g, uint64_t dst, int max)
{
	struct lx_epoll_event buf[EP_CHUNK];
	struct ep_item *its[EP_CHUNK];
	long total = 0;
	int n, k;

	ep_harvest_begin(ep);
	while (total < max) {
		k = max - total < EP_CHUNK ? (int)(max - total) : EP_CHUNK;
		if ((n = ep_harvest(ep, buf, its, k)) == 0)
			break;
		if (lx_guest_write(g, dst + (uint64_t)total * sizeof(buf[0]),
		    buf, (size_t)n * sizeof(buf[0])) < 0) {
			int ok = 0;

			while (ok < n && lx_guest_write(g, dst + (uint64_t)
			    (total + ok) * sizeof(buf[0]), &buf[ok],
			    sizeof(buf[0])) == 0)
				ok++;
			ep_unharvest(ep, its, ok, n);
			total += ok;
			return total > 0 ? total : -LX_EFAULT;
		}
		total += n;
		if (n < k)
			break;
	}
	return total;
}

/* The checks do_epoll_wait makes before it looks at the instance. */
static long
wait_check(struct lx_guest *g, const struct wait_args *w, struct ep_inst **ep)
{
	struct lx_fd_ident id;
	uint64_t len;

	if (w->maxevents <= 0 || w->maxevents > LX_EP_MAX_EVENTS)
		return -LX_EINVAL;
	len = (uint64_t)w->maxevents * LX_EPOLL_EVENT_SIZE;
	if (w->events > LX_TASK_SIZE_MAX || len > LX_TASK_SIZE_MAX - w->events)
		return -LX_EFAULT;
	/* The common case first: one identity lookup per call. */
	if ((*ep = ep_of_fd(g, w->epfd)) != NULL)
		return 0;
	return fd_get(g, w->epfd, &id) < 0 ? -LX_EBADF : -LX_EINVAL;
}

static struct lx_action
ep_wait(struct lx_call *c, struct lx_guest *g, const struct wait_args *w)
{
	struct ep_inst *ep = NULL;
	struct lx_action a;
	long r;

	ep_inst_reap();
	ep_life_seen(g);
	ep_cur_tid = g->tid;
	if ((r = wait_check(g, w, &ep)) < 0) {
		/* The file went away under a parked waiter: time is up. */
		return lx_return(c->resumed && r == -LX_EINVAL ? 0 : r);
	}
	if (!c->resumed && w->timeout_ns > 0)
		c->deadline_ns = lx_now_ns() + w->timeout_ns;
	if ((r = harvest_out(ep, g, w->events, w->maxevents)) != 0)
		return lx_return(r);
	if (w->timeout_ns == 0)
		return lx_return(0);
	if (c->resumed) {
		/*
		 * A signal: EINTR if a handler runs (never restarted, even
		 * with SA_RESTART), a transparent restart if none does (an
		 * ignored SIGCHLD wakes a ptraced thread; natively it never
		 * would).  That is ERESTARTNOHAND, the kernel decides.
		 */
		if (c->park_ret < 0)
			return lx_return(-LX_ERESTARTNOHAND);
		if (c->park_ret == 0 ||
		    (c->deadline_ns >= 0 && lx_now_ns() >= c->deadline_ns))
			return lx_return(0);
	}
	a = lx_park(w->epfd, LX_POLLIN, w->sigmask, w->sigmask != 0 ? 8 : 0);
	/* the guest's own ppoll sees its signalfds become ready */
	a.park.nextra = ep_sigfds(ep, a.park.extra, LX_PARK_EXTRA);
	return a;
}

/* set_user_sigmask(): a mask must be a whole, readable sigset_t. */
static long
sigmask_check(struct lx_guest *g, uint64_t mask, uint64_t size)
{
	uint64_t set;

	if (mask == 0)
		return 0;
	if (size != sizeof(set))
		return -LX_EINVAL;
	if (lx_guest_read(g, &set, mask, sizeof(set)) < 0)
		return -LX_EFAULT;
	return 0;
}

static int64_t
ms_to_ns(int ms)
{
	return ms < 0 ? -1 : (int64_t)ms * 1000000;
}

struct lx_action
lx_sys_epoll_wait(struct lx_call *c, struct lx_guest *g)
{
	struct wait_args w = { (int)c->arg[0], c->arg[1], (int)c->arg[2], 0,
		ms_to_ns((int)c->arg[3]) };

	return ep_wait(c, g, &w);
}

struct lx_action
lx_sys_epoll_pwait(struct lx_call *c, struct lx_guest *g)
{
	struct wait_args w = { (int)c->arg[0], c->arg[1], (int)c->arg[2],
		c->arg[4], ms_to_ns((int)c->arg[3]) };
	long r;

	if (!c->resumed && (r = sigmask_check(g, c->arg[4], c->arg[5])) < 0)
		return lx_return(r);
	return ep_wait(c, g, &w);
}

struct lx_action
lx_sys_epoll_pwait2(struct lx_call *c, struct lx_guest *g)
{
	struct wait_args w = { (int)c->arg[0], c->arg[1], (int)c->arg[2],
		c->arg[4], -1 };
	struct { int64_t sec, nsec; } ts;
	long r;

	if (c->arg[3] != 0) {
		if (lx_guest_read(g, &ts, c->arg[3], sizeof(ts)) < 0)
			return lx_return(-LX_EFAULT);
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return lx_return(-LX_EINVAL);
		w.timeout_ns = ts.sec > INT64_MAX / 1000000000 - 1 ? -1 :
		    ts.sec * 1000000000 + ts.nsec;
	}
	if (!c->resumed && (r = sigmask_check(g, c->arg[4], c->arg[5])) < 0)
		return lx_return(r);
	return ep_wait(c, g, &w);
}
