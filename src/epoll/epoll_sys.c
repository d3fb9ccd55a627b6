/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The epoll syscalls (epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait, epoll_pwait2), with Linux's argument checks in Linux's
 * order (fs/eventpoll.c), over the instances of epoll_inst.c.
 *
 * One stop each, and few host calls: the epoll fd's instance is found
 * with one kcmp when the fd number was seen before (fdcache), the target
 * is pulled once (pidfd_getfd) and handed to the host queue, which keeps
 * no reference to it.  Checks that only an error needs (does the file
 * poll at all?) are made only on the way to an error.
 *
 * Waiting never blocks the supervisor: with nothing ready and a timeout,
 * the call parks in the guest's own ppoll on its epoll fd (the marker byte
 * makes it readable), with the caller's signal mask for pwait/pwait2, and
 * harvests again when resumed.  A waiter stays with the instance it began
 * on, as Linux's does, even if the epoll fd is closed under it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "epoll/epoll_int.h"
#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/handlers.h"
#include "lxrun/supervisor.h"

static void
ep_release(struct lx_object *o)
{
	struct ep_inst *ep = (struct ep_inst *)o;

	/* A thread still waiting keeps the instance, as its fdget does. */
	if (ep->waiters > 0) {
		ep->orphan = true;
		ep_cache_forget(ep);
		ep_host_close(ep->o.sup_fd);
		ep->o.sup_fd = -1;
		return;
	}
	ep_inst_free(ep);
}

const struct lx_object_ops ep_object_ops = {
	.kind = "eventpoll",
	.link = "anon_inode:[eventpoll]",
	.sup_filter = HQ_WRITE,
	.release = ep_release,
	.fdinfo = ep_fdinfo,
	.fdinfo_accmode = LX_O_RDWR,
};

/* --- which instance a guest fd is ------------------------------------ */

#define EP_CACHE 256

/* fd number -> instance, as last seen; each hit is proven by one kcmp. */
static struct {
	int pid, fd;
	struct ep_inst *ep;
} fdcache[EP_CACHE];

static unsigned
cache_slot(int pid, int fd)
{
	return ((unsigned)pid * 31u + (unsigned)fd) % EP_CACHE;
}

void
ep_cache_forget(struct ep_inst *ep)
{
	for (int i = 0; i < EP_CACHE; i++)
		if (fdcache[i].ep == ep)
			fdcache[i].ep = NULL;
}

/* fdget(): an open fd that is not O_PATH. */
static int
fd_get(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	if (fd < 0 || lx_guest_fd_ident(g, fd, id) < 0 ||
	    (id->flags & LX_O_PATH))
		return -LX_EBADF;
	return 0;
}

/*
 * The instance behind guest fd: 0 with *epp (NULL: an open fd that is not
 * an emulated epoll), or -LX_EBADF.
 */
static int
inst_of(struct lx_guest *g, int fd, struct ep_inst **epp)
{
	struct lx_fd_ident id;
	struct ep_inst *ep;
	unsigned s;

	*epp = NULL;
	if (fd < 0)
		return -LX_EBADF;
	s = cache_slot(g->pid, fd);
	ep = fdcache[s].ep;
	if (ep != NULL && fdcache[s].pid == g->pid && fdcache[s].fd == fd &&
	    ep_is_fd(ep, g->tid, fd)) {
		*epp = ep;
		return 0;
	}
	if (fd_get(g, fd, &id) < 0)
		return -LX_EBADF;
	ep = (struct ep_inst *)lx_object_lookup(id.dev, id.ino,
	    &ep_object_ops);
	if (ep == NULL || ep->dead || ep->orphan)
		return 0;
	if (ep_is_fd(ep, g->tid, fd)) {
		fdcache[s].pid = g->pid;
		fdcache[s].fd = fd;
		fdcache[s].ep = ep;
	}
	*epp = ep;
	return 0;
}

/*
 * For the calls of other families' files that stop here too (every read
 * of a process with per-fd rules): one stat of the fd says it is not one
 * of ours, without inst_of's fdinfo read.
 */
struct ep_inst *
ep_of_fd(struct lx_guest *g, int fd)
{
	struct ep_inst *ep;
	struct stat st;

	if (fd < 0 || LIST_EMPTY(&ep_all) || lx_guest_fd_stat(g, fd, &st) < 0 ||
	    !S_ISFIFO(st.st_mode) || lx_object_lookup((uint64_t)st.st_dev,
	    (uint64_t)st.st_ino, &ep_object_ops) == NULL)
		return NULL;
	return inst_of(g, fd, &ep) == 0 ? ep : NULL;
}

/* --- epoll_create, epoll_create1 -------------------------------------- */

/* Let ep know its guest end by its open file (one kcmp then: inst_of). */
static void
know_self(struct ep_inst *ep, struct lx_guest *g, int gfd)
{
	uint64_t dev, ino;
	uint32_t type;
	int copy = lx_guest_pull_fd(g, gfd);

	if (copy < 0)
		return;
	/* another thread may have put something else there: only ours */
	if (ep_host_file(copy, &dev, &ino, &type) == 0 &&
	    type == LX_S_IFIFO && dev == ep->o.dev && ino == ep->o.ino)
		ep_inst_set_self(ep, copy);
	ep_host_close(copy);
}

/*
 * On an epoll fd's number: the calls the stand-in pipe would answer
 * unlike Linux (epoll_fdcalls.c), and fstat(2), which it would answer as
 * a FIFO (src/translate/object_stat.c answers as Linux).  newfstatat and
 * statx stop anyway.
 */
static const struct lx_fd_trap ep_fd_traps[] = {
	{ LX_NR_fstat, 0, 0 }, { LX_NR_fstatfs, 0, 0 }, { LX_NR_read, 0, 0 }, { LX_NR_readv, 0, 0 },
	{ LX_NR_write, 0, 0 }, { LX_NR_writev, 0, 0 },
	{ LX_NR_preadv2, 0, 0 }, { LX_NR_pwritev2, 0, 0 },
	{ LX_NR_lseek, 0, 0 }, { LX_NR_ioctl, 0, 0 }, { LX_NR_fcntl, 0, 0 },
	{ LX_NR_fchmod, 0, 0 }, { LX_NR_fchown, 0, 0 },
	{ LX_NR_fallocate, 0, 0 }, { LX_NR_fadvise64, 0, 0 },
	{ LX_NR_splice, 0, 0 }, { LX_NR_splice, 2, 0 }, { LX_NR_tee, 0, 0 },
	{ LX_NR_tee, 1, 0 }, { LX_NR_sendfile, 0, 0 },
	{ LX_NR_sendfile, 1, 0 }, { LX_NR_vmsplice, 0, 0 },
};

static bool
ep_fd_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	(void)pid;
	(void)fd;
	return lx_object_lookup(dev, ino, &ep_object_ops) != NULL;
}

static struct lx_fdset ep_fd_rules = {
	.name = "epoll-fd",
	.traps = ep_fd_traps,
	.ntraps = (int)(sizeof(ep_fd_traps) / sizeof(ep_fd_traps[0])),
	.wants = ep_fd_wanted,
};

/* The guest whose epoll_wait is harvesting (item_file), or NULL. */
static struct lx_guest *harvest_guest;

/*
 * An item's file again, for the host queue's look at an edge or one-shot
 * item it reported earlier (hq_poll_file_source): from the waiting
 * thread's fd, once the host proves that fd is the item's file.
 */
static int
item_file(void *udata, void *ctx)
{
	struct ep_item *it = udata;
	struct ep_inst *ep = ctx;

	if (it == NULL || harvest_guest == NULL || it->ep != ep ||
	    it->sigfd ||
	    hq_poll_is(ep->hq, it->key, ep_cur_tid, it->fd) != 1)
		return -1;
	return lx_guest_pull_fd(harvest_guest, it->fd);
}

static long
ep_create(struct lx_guest *g, int flags)
{
	struct ep_inst *ep;
	int gfd, sup = -1, r;

	ep_inst_reap();
	gfd = lx_object_make_pipe(g, flags & LX_O_CLOEXEC, &sup);
	if (gfd < 0)
		return gfd;
	if ((ep = ep_inst_new(sup)) == NULL) {
		ep_host_close(sup);
		r = -LX_ENOMEM;
		goto fail;
	}
	hq_poll_file_source(ep->hq, item_file, ep);
	if ((r = lx_object_register(&ep->o, g, gfd)) < 0) {
		ep_inst_free(ep);
		goto fail;
	}
	if ((r = ep_inst_watch(ep, lx_loop_hq())) < 0) {
		lx_object_unregister(&ep->o);
		ep_inst_free(ep);
		goto fail;
	}
	know_self(ep, g, gfd);
	/* Without it fstat shows a pipe: not worth failing the create. */
	lx_fdset_add(g, &ep_fd_rules, gfd);
	/* Its opens stop from now on, for its /proc fdinfo (costs). */
	lx_object_fdinfo_need(g);
	return gfd;
fail:
	lx_guest_syscall(g, LX_NR_close, (uint64_t)gfd, 0, 0, 0, 0, 0);
	return r;
}

/*
 * -LX_ENOSYS: the supervisor cannot take fds from this thread's table (a
 * private one, on a kernel without PIDFD_THREAD), or the host has no
 * queue that forgets closed files: the host's epoll serves.
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

/*
 * file_can_poll(): asked of the host (a file with a poll method takes a
 * knote), only on the way to an error, where Linux's EPERM comes first.
 * -LX_EBADF for an O_PATH fd, which fdget() does not give.
 */
static long
poll_check(int copy, long err)
{
	static struct hq *probe;
	struct hq_event ch = hq_event(1, HQ_POLL, HQ_ADD, 0, copy, NULL);
	int r;

	if (probe == NULL && (probe = hq_create()) == NULL)
		return err;
	if ((r = hq_change(probe, &ch, 1)) == 0) {
		ch.flags = HQ_DELETE;
		hq_change(probe, &ch, 1);
		return err;
	}
	return r == -EPERM ? -LX_EPERM : r == -EBADF ? -LX_EBADF : err;
}

struct target {
	int fd, copy;
	uint64_t dev, ino;
	uint32_t type;
	struct ep_inst *tep;		/* the target is an emulated epoll */
};

static void
target_look(struct target *t)
{
	struct lx_object *o;

	t->tep = NULL;
	if (ep_host_file(t->copy, &t->dev, &t->ino, &t->type) < 0)
		return;
	if (t->type == LX_S_IFIFO &&
	    (o = lx_object_lookup(t->dev, t->ino, &ep_object_ops)) != NULL &&
	    !((struct ep_inst *)o)->dead)
		t->tep = (struct ep_inst *)o;
}

/* Pipes and sockets always poll; anything else is asked (error paths). */
static long
err_after_eperm(const struct target *t, long err)
{
	if (t->type == LX_S_IFIFO || t->type == LX_S_IFSOCK)
		return err;
	return poll_check(t->copy, err);
}

static long
ctl_add(struct ep_inst *ep, struct lx_guest *g, struct target *t,
    struct lx_epoll_event *ev)
{
	struct ep_item *it;
	int err;

	target_look(t);
	/* f.file == tf.file: the instance's own fd (a pipe: it polls) */
	if (t->tep == ep)
		return -LX_EINVAL;
	if ((ev->events & LX_EPOLLEXCLUSIVE) && (t->tep != NULL ||
	    (ev->events & ~(uint32_t)LX_EPOLLEXCLUSIVE_OK)))
		return err_after_eperm(t, -LX_EINVAL);
	if (t->tep != NULL && ep_would_loop(ep, t->tep))
		return -LX_ELOOP;
	if (ep_find(ep, t->fd, g->tid) != NULL)
		return -LX_EEXIST;
	ep_collect(ep);
	it = ep_insert(ep, t->fd, t->copy, ev->events, ev->data, t->tep,
	    t->type == 0, &err);
	return it != NULL ? 0 : err;
}

/*
 * What Linux answers when the quick way did not succeed: every check in
 * its order, EPERM (the file cannot poll) first.
 */
static long
ctl_error(struct ep_inst *ep, struct lx_guest *g, int op, struct target *t,
    const struct lx_epoll_event *ev, bool has_event)
{
	struct ep_item *it;

	target_look(t);
	if (ep == NULL || t->tep == ep)
		return err_after_eperm(t, -LX_EINVAL);
	if (has_event && (ev->events & LX_EPOLLEXCLUSIVE) &&
	    (op == LX_EPOLL_CTL_MOD || (op == LX_EPOLL_CTL_ADD &&
	    (t->tep != NULL ||
	    (ev->events & ~(uint32_t)LX_EPOLLEXCLUSIVE_OK)))))
		return err_after_eperm(t, -LX_EINVAL);
	switch (op) {
	case LX_EPOLL_CTL_MOD:
	case LX_EPOLL_CTL_DEL:
		if ((it = ep_find(ep, t->fd, g->tid)) == NULL)
			return err_after_eperm(t, -LX_ENOENT);
		/* MOD of an EPOLLEXCLUSIVE registration */
		return -LX_EINVAL;
	}
	return err_after_eperm(t, -LX_EINVAL);
}

static long
ep_ctl(struct lx_call *c, struct lx_guest *g)
{
	int epfd = (int)c->arg[0], op = (int)c->arg[1];
	struct target t = { (int)c->arg[2], -1 };
	struct lx_epoll_event ev = { 0, 0 };
	bool has_event = op != LX_EPOLL_CTL_DEL;
	struct ep_inst *ep;
	struct ep_item *it;
	long r;

	if (has_event && lx_guest_read(g, &ev, c->arg[3], sizeof(ev)) < 0)
		return -LX_EFAULT;
	if ((r = inst_of(g, epfd, &ep)) < 0 || t.fd < 0)
		return -LX_EBADF;
	if (ep != NULL && op == LX_EPOLL_CTL_MOD &&
	    (it = ep_only(ep, t.fd)) != NULL &&
	    ep_modify_data(it, g->tid, ev.events & ~(uint32_t)LX_EPOLLWAKEUP,
	    ev.data) == 1)
		return 0;
	if ((t.copy = lx_guest_pull_fd(g, t.fd)) < 0)
		return t.copy == -LX_EBADF ? -LX_EBADF : -LX_ENOMEM;
	/* No CAP_BLOCK_SUSPEND semantics: EPOLLWAKEUP is dropped. */
	ev.events &= ~(uint32_t)LX_EPOLLWAKEUP;
	r = 1;
	if (ep != NULL) {
		switch (op) {
		case LX_EPOLL_CTL_ADD:
			r = ctl_add(ep, g, &t, &ev);
			break;
		case LX_EPOLL_CTL_MOD:
			if (ev.events & LX_EPOLLEXCLUSIVE)
				break;
			/* the host checks that the file is the item's */
			if ((it = ep_only(ep, t.fd)) == NULL ||
			    (it->events & LX_EPOLLEXCLUSIVE) ||
			    (r = ep_modify(it, t.copy, ev.events, ev.data)) ==
			    -LX_ENOENT) {
				r = 1;
				it = ep_find(ep, t.fd, g->tid);
			}
			if (it != NULL && r > 0 &&
			    !(it->events & LX_EPOLLEXCLUSIVE))
				r = ep_modify(it, t.copy, ev.events, ev.data);
			break;
		case LX_EPOLL_CTL_DEL:
			if ((it = ep_only(ep, t.fd)) == NULL ||
			    (r = ep_delete(it, t.copy)) == -LX_ENOENT) {
				r = 1;
				if ((it = ep_find(ep, t.fd, g->tid)) != NULL)
					r = ep_delete(it, t.copy);
			}
			break;
		}
	}
	if (r > 0)
		r = ctl_error(ep, g, op, &t, &ev, has_event);
	ep_host_close(t.copy);
	return r;
}

struct lx_action
lx_sys_epoll_ctl(struct lx_call *c, struct lx_guest *g)
{
	ep_inst_reap();
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
 * Threads parked on an instance.  Linux's waiter holds its instance (the
 * fdget of epoll_wait): ours keeps it from being freed while it waits,
 * even when the guest closes the epoll fd meanwhile.
 */
struct parked {
	int tid;
	uint64_t id;
};
static struct parked *parked;
static int nparked, cparked;

/* What a parked call remembers (c->park_state, freed by the tracer). */
struct park_state {
	uint64_t id;		/* the instance it waits on */
	int64_t deadline;	/* its own; c->deadline_ns may be a tick */
};

/* A bound waiter whose epoll fd is gone looks again this often. */
#define EP_ORPHAN_TICK_NS	10000000

static void
park_note(int tid, struct ep_inst *ep)
{
	if (nparked == cparked) {
		int n = cparked ? 2 * cparked : 16;
		struct parked *p = realloc(parked, (size_t)n * sizeof(*p));

		if (p == NULL)
			return;
		parked = p;
		cparked = n;
	}
	parked[nparked].tid = tid;
	parked[nparked++].id = ep->id;
	ep->waiters++;
}

/* An instance no guest fd names goes with its last waiter. */
static void
orphan_check(struct ep_inst *ep)
{
	if (ep != NULL && ep->orphan && ep->waiters == 0)
		ep_inst_free(ep);
}

static void
park_forget(int tid, bool release)
{
	for (int i = 0; i < nparked; i++) {
		struct ep_inst *ep;

		if (parked[i].tid != tid)
			continue;
		ep = ep_inst_by_id(parked[i].id);
		parked[i] = parked[--nparked];
		if (ep != NULL)
			ep->waiters--;
		if (release)
			orphan_check(ep);
		return;
	}
}

/*
 * Harvest into the guest's array.  The host reports each item at most
 * once per harvest, so there is one harvest for the whole array; a
 * copy-out that fails puts back what was not delivered: EFAULT if nothing
 * was, else the count.
 */
static long
harvest_out(struct ep_inst *ep, struct lx_guest *g, uint64_t dst, int max)
{
	static struct ep_rec *recs;
	static struct lx_epoll_event *buf;
	static int nbuf;
	int n, cap = ep->nitems + ep->npend + 1, ok;

	if (max > cap)
		max = cap;
	if (nbuf < max) {
		struct ep_rec *r = realloc(recs, (size_t)max * sizeof(*r));
		struct lx_epoll_event *b;

		if (r != NULL)
			recs = r;
		b = realloc(buf, (size_t)max * sizeof(*b));
		if (b != NULL)
			buf = b;
		if (r == NULL || b == NULL)
			return -LX_ENOMEM;
		nbuf = max;
	}
	ep_harvest_begin(ep);
	harvest_guest = g;
	n = ep_harvest(ep, recs, max);
	harvest_guest = NULL;
	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++) {
		buf[i].events = recs[i].events;
		buf[i].data = recs[i].data;
	}
	if (lx_guest_write(g, dst, buf, (size_t)n * sizeof(buf[0])) == 0)
		return n;
	for (ok = 0; ok < n && lx_guest_write(g, dst + (uint64_t)ok *
	    sizeof(buf[0]), &buf[ok], sizeof(buf[0])) == 0; ok++)
		;
	ep_unharvest(ep, recs, ok, n);
	return ok > 0 ? ok : -LX_EFAULT;
}

/* The checks do_epoll_wait makes before it looks at the instance. */
static long
wait_check(struct lx_guest *g, const struct wait_args *w, struct ep_inst **ep)
{
	*ep = NULL;
	if (w->maxevents <= 0 || w->maxevents > LX_EP_MAX_EVENTS)
		return -LX_EINVAL;
	if (w->events > LX_TASK_SIZE_MAX ||
	    (uint64_t)w->maxevents * LX_EPOLL_EVENT_SIZE >
	    LX_TASK_SIZE_MAX - w->events)
		return -LX_EFAULT;
	if (inst_of(g, w->epfd, ep) < 0)
		return -LX_EBADF;
	return *ep != NULL ? 0 : -LX_EINVAL;
}

static struct lx_action
ep_wait_on(struct lx_call *c, struct lx_guest *g, const struct wait_args *w,
    struct ep_inst *bound)
{
	struct park_state *ps = c->park_state;
	struct ep_inst *ep = NULL;
	struct lx_action a;
	bool own_fd;
	long r;

	r = wait_check(g, w, &ep);
	own_fd = r == 0 && (bound == NULL || ep == bound);
	/* The epoll fd was closed (or is another file now) under a waiter:
	 * on Linux it keeps waiting on the instance it began with. */
	if (bound != NULL && ep != bound) {
		ep = bound;
		r = 0;
	}
	if (r < 0)
		return lx_return(c->resumed && ps != NULL ? 0 : r);
	/* a deadline set already is the one of a call the kernel restarted */
	if (!c->resumed && w->timeout_ns > 0 && c->deadline_ns < 0)
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
		if ((c->park_ret == 0 && own_fd) ||
		    (c->deadline_ns >= 0 && lx_now_ns() >= c->deadline_ns))
			return lx_return(0);
	}
	if (ps == NULL && (ps = c->park_state = malloc(sizeof(*ps))) == NULL)
		return lx_return(-LX_ENOMEM);
	ps->id = ep->id;
	ps->deadline = c->deadline_ns;
	park_note(g->tid, ep);
	if (!own_fd) {
		/* no fd of ours to wait on: look again every tick */
		int64_t tick = lx_now_ns() + EP_ORPHAN_TICK_NS;

		if (c->deadline_ns < 0 || c->deadline_ns > tick)
			c->deadline_ns = tick;
		return lx_park(-1, LX_POLLIN, w->sigmask,
		    w->sigmask != 0 ? 8 : 0);
	}
	a = lx_park(w->epfd, LX_POLLIN, w->sigmask, w->sigmask != 0 ? 8 : 0);
	/* the guest's own ppoll sees its signalfds become ready */
	a.park.nextra = ep_sigfds(ep, a.park.extra, LX_PARK_EXTRA);
	return a;
}

static struct lx_action
ep_wait(struct lx_call *c, struct lx_guest *g, const struct wait_args *w)
{
	struct park_state *ps = c->park_state;
	struct ep_inst *bound = NULL;
	struct lx_action a;

	ep_inst_reap();
	ep_cur_tid = g->tid;
	if (c->resumed && ps != NULL) {
		bound = ep_inst_by_id(ps->id);
		park_forget(g->tid, false);
		c->deadline_ns = ps->deadline;
	}
	a = ep_wait_on(c, g, w, bound);
	if (a.kind != LX_PARK)
		orphan_check(bound);
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

/* --- thread life ---------------------------------------------------------- */

static void
life_exit(int tid)
{
	park_forget(tid, true);
}

static const struct lx_hooks life_hooks = {
	.on_exit = life_exit,
};

/*
 * A wait with timeout 0 never parks, and epoll_ctl is always answered at
 * once (the target is pulled with pidfd_getfd, nothing is injected):
 * these can be served from a seccomp notification (src/tracer/notify.c);
 * epfd, an int, carries the mark.
 */
static const struct lx_notif_rule notif_rules[] = {
	{ .nr = LX_NR_epoll_ctl, .argidx = 1, .max = UINT32_MAX,
	    .marker_arg = 0 },
	{ .nr = LX_NR_epoll_wait, .argidx = 3, .max = 0, .marker_arg = 0 },
	{ .nr = LX_NR_epoll_pwait, .argidx = 3, .max = 0, .marker_arg = 0 },
};

__attribute__((constructor)) static void
ep_sys_init(void)
{
	for (size_t i = 0; i < sizeof(notif_rules) / sizeof(notif_rules[0]);
	    i++)
		lx_notif_rule_add(&notif_rules[i], LX_FAM_EPOLL);
	lx_hooks_register(&life_hooks);
	lx_fdset_register(&ep_fd_rules, LX_FAM_EPOLL);
	ep_fdcalls_init();
}
