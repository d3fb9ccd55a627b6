/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One epoll instance: interest list, the host queue that holds it, the
 * marker byte.  This file knows nothing of the guest; the handlers
 * (epoll_sys.c) and the unit tests drive it with supervisor-side fds.
 *
 * Model (fs/eventpoll.c).  A registration is a knote in the instance's
 * host queue (HQ_POLL) keyed by our own number, made from the guest's
 * file; the queue holds no reference to the file and forgets the knote
 * when the file dies, as Linux forgets an epitem (eventpoll_release).
 * The knote's mode is the registration's: level, EPOLLET (HQ_CLEAR),
 * EPOLLONESHOT (HQ_DISPATCH), so at harvest the host asks each file now
 * (ep_item_poll), reports it once per record with the bits OR-ed, and
 * requeues level items at the tail (round robin with small maxevents).
 *
 * Ended registrations are found when their fd number is used again
 * (ep_find) and by a sweep each time the count doubles (ep_collect), so
 * they cost O(1) each, however many fd numbers a server has used.
 *
 * signalfd items are the exception: their readiness is the waiting
 * thread's (signalfd_poll), so their knote only tracks the file's life
 * and this file keeps a small ready list for them, as the old one did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "epoll/epoll_int.h"

struct ep_inst_list ep_all = LIST_HEAD_INITIALIZER(ep_all);
/* Released instances whose struct the loop may still name (ep_inst_reap). */
static struct ep_inst_list ep_dead = LIST_HEAD_INITIALIZER(ep_dead);
static uint64_t next_id = 1;

/* The host queue's poll bits are Linux's (both are poll(2)'s). */
_Static_assert(LX_EPOLLIN == HQ_POLL_IN && LX_EPOLLPRI == HQ_POLL_PRI &&
    LX_EPOLLOUT == HQ_POLL_OUT && LX_EPOLLERR == HQ_POLL_ERR &&
    LX_EPOLLHUP == HQ_POLL_HUP && LX_EPOLLRDNORM == HQ_POLL_RDNORM &&
    LX_EPOLLRDBAND == HQ_POLL_RDBAND && LX_EPOLLWRNORM == HQ_POLL_WRNORM &&
    LX_EPOLLWRBAND == HQ_POLL_WRBAND && LX_EPOLLMSG == HQ_POLL_MSG &&
    LX_EPOLLRDHUP == HQ_POLL_RDHUP, "poll bits");

#define EP_POLL_BITS	(LX_EPOLLIN | LX_EPOLLPRI | LX_EPOLLOUT | \
	LX_EPOLLERR | LX_EPOLLHUP | LX_EPOLLRDNORM | LX_EPOLLRDBAND | \
	LX_EPOLLWRNORM | LX_EPOLLWRBAND | LX_EPOLLMSG | LX_EPOLLRDHUP)
/* Readiness bits a registration can report. */
#define EP_READY_BITS	(~(uint32_t)LX_EP_PRIVATE_BITS)

#define EP_GC_MIN	64

static int
from_host_err(int r)
{
	switch (r) {
	case 0:
		return 0;
	case -EPERM:
		return -LX_EPERM;
	case -EBADF:
		return -LX_EBADF;
	case -ENOENT:
		return -LX_ENOENT;
	case -ENOSPC:
		return -LX_ENOSPC;
	case -ELOOP:
		return -LX_ELOOP;
	case -ENFILE:
		return -LX_ENFILE;
	case -EOPNOTSUPP:
		return -LX_ENOSYS;	/* no such host queue: run natively */
	}
	return -LX_ENOMEM;
}

/* --- the guest fd number index ---------------------------------------- */

static struct ep_item **
fd_chain(struct ep_inst *ep, int fd)
{
	return &ep->byfd[(unsigned)fd & (unsigned)(ep->nbyfd - 1)];
}

static void
byfd_link(struct ep_inst *ep, struct ep_item *it)
{
	struct ep_item **c = fd_chain(ep, it->fd);

	it->fdnext = *c;
	*c = it;
}

static void
byfd_unlink(struct ep_inst *ep, struct ep_item *it)
{
	struct ep_item **pp;

	for (pp = fd_chain(ep, it->fd); *pp != NULL; pp = &(*pp)->fdnext)
		if (*pp == it) {
			*pp = it->fdnext;
			return;
		}
}

/* Keep chains short: twice the buckets when the items outgrow them. */
static void
byfd_grow(struct ep_inst *ep)
{
	struct ep_item **nb, *it;
	int n = ep->nbyfd * 2;

	if (ep->nitems < 2 * ep->nbyfd ||
	    (nb = calloc((size_t)n, sizeof(*nb))) == NULL)
		return;
	free(ep->byfd);
	ep->byfd = nb;
	ep->nbyfd = n;
	TAILQ_FOREACH(it, &ep->items, link)
		byfd_link(ep, it);
}

/* --- the signalfd ready list ------------------------------------------- */

static void
rdl_add(struct ep_inst *ep, struct ep_item *it)
{
	if (!it->ready) {
		TAILQ_INSERT_TAIL(&ep->ready, it, rdl);
		it->ready = true;
	}
}

static void
rdl_del(struct ep_inst *ep, struct ep_item *it)
{
	if (it->ready) {
		TAILQ_REMOVE(&ep->ready, it, rdl);
		it->ready = false;
	}
}

/*
 * A signalfd item is queued while the caller has a signal of its mask
 * pending; with EPOLLET only when a signal not pending at the last report
 * came (a signal already pending generates no new wake-up on Linux).
 */
static void
sigfd_refresh(struct ep_inst *ep, struct ep_item *it)
{
	uint64_t set = ep_host_sigfd_pending(it->sigmask, ep_cur_tid);

	if (set == 0) {
		it->sig_seen = 0;
		rdl_del(ep, it);
	}
	if (!it->armed || it->ready || set == 0)
		return;
	if ((it->events & LX_EPOLLET) && (set & ~it->sig_seen) == 0)
		return;
	it->sig_seen = set;
	rdl_add(ep, it);
}

/* --- the instance ---------------------------------------------------- */

/* The loop's watch of the instance's queue: on, or off (no wake-ups). */
static void
watch_set(struct ep_inst *ep, bool on)
{
	struct hq_event ch = hq_event((uintptr_t)hq_fd(ep->hq), HQ_READ,
	    on ? HQ_ENABLE : HQ_DISABLE, 0, 0, &ep->src);

	if (!ep->watched || hq_change(ep->loop, &ch, 1) == 0)
		ep->watch_off = !on;
}

static void
ep_fire(struct lx_source *src, const struct hq_event *ev)
{
	struct ep_inst *ep = (struct ep_inst *)((char *)src -
	    offsetof(struct ep_inst, src));

	(void)ev;
	/* released in this batch of the loop's events: nothing to do */
	if (ep->dead)
		return;
	/*
	 * The byte says "ready" already: until a harvest takes it out,
	 * more activity changes nothing, and every packet of a busy
	 * server's clients would wake the supervisor for nothing
	 * (redis-benchmark: more wake-ups than requests, 6 system calls
	 * each).  So the watch goes off until then (ep_refresh).  Not at
	 * the first fire: a waiter that takes the byte at once (a
	 * ping-pong) would pay for switching it off and on each time.
	 */
	if (ep->byte && !ep->watch_off) {
		watch_set(ep, false);
		return;
	}
	ep_refresh(ep);
}

struct ep_inst *
ep_inst_new(int sup_fd)
{
	struct ep_inst *ep = calloc(1, sizeof(*ep));

	if (ep == NULL)
		return NULL;
	ep->nbyfd = 16;
	if ((ep->byfd = calloc((size_t)ep->nbyfd, sizeof(*ep->byfd))) ==
	    NULL || (ep->hq = hq_create()) == NULL) {
		free(ep->byfd);
		free(ep);
		return NULL;
	}
	ep->o.ops = &ep_object_ops;
	ep->o.sup_fd = sup_fd;
	ep->id = next_id++;
	ep->src.fire = ep_fire;
	ep->next_key = EP_SELF_KEY + 1;
	ep->gc_at = EP_GC_MIN;
	TAILQ_INIT(&ep->items);
	TAILQ_INIT(&ep->ready);
	LIST_INSERT_HEAD(&ep_all, ep, all);
	return ep;
}

int
ep_inst_set_self(struct ep_inst *ep, int copy)
{
	struct hq_event ch = hq_event(EP_SELF_KEY, HQ_POLL, HQ_ADD, 0,
	    copy, NULL);
	int r = hq_change(ep->hq, &ch, 1);

	ep->self = r == 0;
	return from_host_err(r);
}

int
ep_is_fd(struct ep_inst *ep, int tid, int fd)
{
	return ep->self && !ep->dead &&
	    hq_poll_is(ep->hq, EP_SELF_KEY, tid, fd) == 1;
}

int
ep_inst_watch(struct ep_inst *ep, struct hq *loop)
{
	/* edge: the queue stays readable while level items are ready */
	struct hq_event ch = hq_event((uintptr_t)hq_fd(ep->hq), HQ_READ,
	    HQ_ADD | HQ_CLEAR, 0, 0, &ep->src);

	if (hq_change(loop, &ch, 1) < 0)
		return -LX_ENOMEM;
	ep->watched = true;
	ep->loop = loop;
	return 0;
}

struct ep_inst *
ep_inst_by_id(uint64_t id)
{
	struct ep_inst *ep;

	LIST_FOREACH(ep, &ep_all, all)
		if (ep->id == id)
			return ep;
	return NULL;
}

static void
item_free(struct ep_item *it)
{
	struct ep_inst *ep = it->ep;
	int k = 0;

	rdl_del(ep, it);
	for (int i = 0; i < ep->npend; i++)
		if (ep->pend[i].it != it)
			ep->pend[k++] = ep->pend[i];
	ep->npend = k;
	byfd_unlink(ep, it);
	TAILQ_REMOVE(&ep->items, it, link);
	ep->nitems--;
	ep->nsigfd -= it->sigfd;
	ep->nnested -= it->nested != NULL;
	free(it);
}

void
ep_inst_free(struct ep_inst *ep)
{
	struct ep_item *it;
	struct ep_inst *o;

	if (ep->dead)
		return;
	/* the host queue goes with its knotes: no per-item host call */
	while ((it = TAILQ_FIRST(&ep->items)) != NULL)
		item_free(it);
	LIST_FOREACH(o, &ep_all, all)
		TAILQ_FOREACH(it, &o->items, link)
			if (it->nested == ep)
				it->nested = NULL;
	ep_cache_forget(ep);
	if (ep->watched) {
		struct hq_event ch = hq_event((uintptr_t)hq_fd(ep->hq),
		    HQ_READ, HQ_DELETE, 0, 0, NULL);

		hq_change(ep->loop, &ch, 1);
	}
	hq_destroy(ep->hq);
	ep->hq = NULL;
	ep_host_close(ep->o.sup_fd);
	ep->o.sup_fd = -1;
	free(ep->pend);
	free(ep->byfd);
	ep->pend = NULL;
	ep->byfd = NULL;
	LIST_REMOVE(ep, all);
	/*
	 * The loop may be dispatching a batch of events that still names
	 * ep->src (its queue was ready when the batch was taken): the struct
	 * lives until the next epoll call, which never runs inside a batch.
	 */
	ep->dead = true;
	LIST_INSERT_HEAD(&ep_dead, ep, all);
}

void
ep_inst_reap(void)
{
	struct ep_inst *ep;

	while ((ep = LIST_FIRST(&ep_dead)) != NULL) {
		LIST_REMOVE(ep, all);
		free(ep);
	}
}

/* --- registrations ----------------------------------------------------- */

static int
knote_change(struct ep_item *it, unsigned flags, int copy)
{
	struct hq_event ch = hq_event(it->key, HQ_POLL, flags,
	    it->sigfd ? 0 : it->events & EP_POLL_BITS, copy, it);

	if (flags & HQ_ADD) {
		if (it->events & LX_EPOLLET)
			ch.flags |= HQ_CLEAR;
		if (it->events & LX_EPOLLONESHOT)
			ch.flags |= HQ_DISPATCH;
	}
	return from_host_err(hq_change(it->ep->hq, &ch, 1));
}

struct ep_item *
ep_find(struct ep_inst *ep, int fd, int tid)
{
	struct ep_item *it, *next;

	for (it = *fd_chain(ep, fd); it != NULL; it = next) {
		next = it->fdnext;
		if (it->fd != fd)
			continue;
		if (hq_poll_is(ep->hq, it->key, tid, fd) == 1)
			return it;
		/* another file at that number now: has this one ended? */
		if (hq_poll_alive(ep->hq, it->key) == 0)
			item_free(it);
	}
	return NULL;
}

struct ep_item *
ep_only(struct ep_inst *ep, int fd)
{
	struct ep_item *it, *one = NULL;

	for (it = *fd_chain(ep, fd); it != NULL; it = it->fdnext)
		if (it->fd == fd) {
			if (one != NULL)
				return NULL;
			one = it;
		}
	return one;
}

void
ep_collect(struct ep_inst *ep)
{
	struct ep_item *it, *next;

	if (ep->nitems < ep->gc_at)
		return;
	for (it = TAILQ_FIRST(&ep->items); it != NULL; it = next) {
		next = TAILQ_NEXT(it, link);
		if (hq_poll_alive(ep->hq, it->key) == 0)
			item_free(it);
	}
	ep->gc_at = ep->nitems * 2 > EP_GC_MIN ? ep->nitems * 2 : EP_GC_MIN;
}

/* Longest chain of instances below x (0: x holds no epoll). */
static int
depth_down(const struct ep_inst *x, const struct ep_inst *stop, bool *cycle)
{
	const struct ep_item *it;
	int d = 0;

	TAILQ_FOREACH(it, &x->items, link) {
		int k;

		if (it->nested == NULL)
			continue;
		if (it->nested == stop) {
			*cycle = true;
			return 0;
		}
		k = 1 + depth_down(it->nested, stop, cycle);
		if (*cycle)
			return 0;
		if (k > d)
			d = k;
	}
	return d;
}

/* Longest chain of instances above x. */
static int
depth_up(const struct ep_inst *x)
{
	const struct ep_inst *p;
	const struct ep_item *it;
	int d = 0;

	LIST_FOREACH(p, &ep_all, all)
		TAILQ_FOREACH(it, &p->items, link)
			if (it->nested == x) {
				int k = 1 + depth_up(p);

				if (k > d)
					d = k;
				break;
			}
	return d;
}

bool
ep_would_loop(struct ep_inst *ep, struct ep_inst *to)
{
	bool cycle = false;
	int down = depth_down(to, ep, &cycle);

	if (cycle)
		return true;
	return down + 1 + depth_up(ep) > LX_EP_MAX_NESTS;
}

struct ep_item *
ep_insert(struct ep_inst *ep, int fd, int copy, uint32_t events,
    uint64_t data, struct ep_inst *nested, bool anon, int *err)
{
	struct ep_item *it = calloc(1, sizeof(*it));
	int r;

	if (it == NULL) {
		*err = -LX_ENOMEM;
		return NULL;
	}
	it->ep = ep;
	it->fd = fd;
	it->key = ep->next_key++;
	it->events = events | LX_EPOLLERR | LX_EPOLLHUP;
	it->data = data;
	it->armed = true;
	it->nested = nested;
	it->sigfd = anon && ep_host_sigfd_mask(copy, &it->sigmask);
	/* Linux's ep_insert polls the file and queues it if ready: so does
	 * the host queue, which the marker then follows. */
	if ((r = knote_change(it, HQ_ADD, copy)) < 0) {
		free(it);
		*err = r;
		return NULL;
	}
	byfd_grow(ep);		/* before it is in ep->items: linked once */
	TAILQ_INSERT_TAIL(&ep->items, it, link);
	ep->nitems++;
	byfd_link(ep, it);
	ep->nsigfd += it->sigfd;
	ep->nnested += nested != NULL;
	if (it->sigfd)
		sigfd_refresh(ep, it);
	ep_refresh(ep);
	return it;
}

/*
 * Records harvested before a MOD and not yet given to the guest: Linux
 * reads an item's mask and data when it copies the event out, so they
 * follow the registration (a bit it no longer asks for is not reported).
 */
static void
pend_follow(struct ep_item *it)
{
	for (int i = 0; i < it->ep->npend; i++)
		if (it->ep->pend[i].it == it) {
			it->ep->pend[i].events &= it->events;
			it->ep->pend[i].data = it->data;
		}
}

int
ep_modify(struct ep_item *it, int copy, uint32_t events, uint64_t data)
{
	uint32_t old = it->events;
	int r;

	it->events = events | LX_EPOLLERR | LX_EPOLLHUP;
	if ((r = knote_change(it, HQ_ADD, copy)) < 0) {
		it->events = old;
		return r;
	}
	it->data = data;
	it->armed = true;
	if (it->sigfd)
		sigfd_refresh(it->ep, it);
	pend_follow(it);
	ep_refresh(it->ep);
	return 0;
}

/*
 * A MOD that keeps a level-triggered registration's bits and changes its
 * data only (a server that stores a new pointer) leaves the host's item as
 * it is: Linux's MOD polls the file and queues the item if ready, and a
 * ready level item is on the host's ready list already.  So the guest's
 * fd is not pulled: the host proves it is the item's file (hq_poll_is).
 * 1 if done, 0 if the full MOD must run.
 */
int
ep_modify_data(struct ep_item *it, int tid, uint32_t events, uint64_t data)
{
	const uint32_t keep = LX_EPOLLET | LX_EPOLLONESHOT | LX_EPOLLEXCLUSIVE;

	if (it->sigfd || it->nested != NULL || !it->armed ||
	    (it->events & keep) || (events & keep) ||
	    (events | LX_EPOLLERR | LX_EPOLLHUP) != it->events)
		return 0;
	if (hq_poll_is(it->ep->hq, it->key, tid, it->fd) != 1)
		return 0;
	it->data = data;
	pend_follow(it);
	return 1;
}

int
ep_delete(struct ep_item *it, int copy)
{
	struct ep_inst *ep = it->ep;
	int r;

	if ((r = knote_change(it, HQ_DELETE, copy)) < 0)
		return r;
	item_free(it);
	ep_refresh(ep);
	return 0;
}

/* --- harvesting --------------------------------------------------------- */

bool
ep_refresh(struct ep_inst *ep)
{
	bool want;

	if (ep->dead)
		return false;
	want = ep->npend > 0 || !TAILQ_EMPTY(&ep->ready) ||
	    ep_host_readable(hq_fd(ep->hq));
	if (ep->o.sup_fd >= 0 && want != ep->byte) {
		if (want)
			ep->byte = ep_host_byte_set(ep->o.sup_fd) == 0;
		else
			ep->byte = ep_host_byte_clear(ep->o.sup_fd) != 0;
	}
	if (ep->watch_off && !ep->byte) {
		watch_set(ep, true);
		/*
		 * Still off (the host could not arm it: ENOMEM): the byte
		 * stays in, so that a waiter wakes and this is tried again,
		 * rather than one that sleeps through its events.
		 */
		if (ep->watch_off && ep->o.sup_fd >= 0)
			ep->byte = ep_host_byte_set(ep->o.sup_fd) == 0;
	}
	return want;
}

void
ep_harvest_begin(struct ep_inst *ep)
{
	struct ep_item *it;

	/*
	 * A nested instance tells us it is ready through its marker byte,
	 * which follows it as of the supervisor's last look: bring nested
	 * instances up to date first, so that the host, asking the marker
	 * pipe, sees what they have now (ep_poll's nested walk).
	 */
	if (ep->nnested > 0)
		TAILQ_FOREACH(it, &ep->items, link)
			if (it->nested != NULL)
				ep_refresh(it->nested);
	/* signalfds: asked now, for this caller, with their mask of now */
	if (ep->nsigfd > 0)
		TAILQ_FOREACH(it, &ep->items, link)
			if (it->sigfd) {
				if (hq_poll_is(ep->hq, it->key, ep_cur_tid,
				    it->fd) == 1)
					ep_host_guest_sigfd_mask(ep_cur_tid,
					    it->fd, &it->sigmask);
				sigfd_refresh(ep, it);
			}
}

/* The item was reported: ONESHOT disarms, ET leaves, LT goes to the tail. */
static void
after_report(struct ep_inst *ep, struct ep_item *it)
{
	rdl_del(ep, it);
	if (it->events & LX_EPOLLONESHOT)
		it->armed = false;
	else if (!(it->events & LX_EPOLLET))
		rdl_add(ep, it);
}

/* signalfd items, each at most once per call. */
static int
harvest_own(struct ep_inst *ep, struct ep_rec *recs, int max)
{
	struct ep_item *it, *last = TAILQ_LAST(&ep->ready, ep_items);
	int n = 0;

	while (n < max && (it = TAILQ_FIRST(&ep->ready)) != NULL) {
		bool end = it == last;
		uint32_t bits = LX_EPOLLIN | LX_EPOLLRDNORM;

		bits &= it->events;
		if (bits != 0) {
			recs[n].it = it;
			recs[n].events = bits;
			recs[n++].data = it->data;
			after_report(ep, it);
		} else {
			rdl_del(ep, it);
		}
		if (end)
			break;
	}
	return n;
}

static int
harvest_host(struct ep_inst *ep, struct ep_rec *recs, int max)
{
	static struct hq_event *ev;
	static int nev;
	int n, k = 0;

	if (max > ep->nitems)
		max = ep->nitems;
	if (max <= 0)
		return 0;
	if (nev < max) {
		struct hq_event *e = realloc(ev, (size_t)max * sizeof(*e));

		if (e == NULL)
			return 0;
		ev = e;
		nev = max;
	}
	/* one call: the host reports each item at most once in it */
	n = hq_wait(ep->hq, ev, max, 0);
	for (int i = 0; i < n; i++) {
		struct ep_item *it = ev[i].udata;
		uint32_t bits;

		/* reported from ep->pend in this very call already */
		if (it == NULL || it->sigfd || it->pass == ep->pass)
			continue;
		bits = ev[i].fflags & it->events & EP_READY_BITS;
		if (bits == 0)
			continue;
		recs[k].it = it;
		recs[k].events = bits;
		recs[k++].data = it->data;
	}
	return k;
}

int
ep_harvest(struct ep_inst *ep, struct ep_rec *recs, int max)
{
	int n = 0, p = 0;

	/* records a failed copy-out put back come first, as on Linux */
	ep->pass++;
	while (n < max && p < ep->npend) {
		ep->pend[p].it->pass = ep->pass;
		recs[n++] = ep->pend[p++];
	}
	if (p > 0) {
		memmove(ep->pend, ep->pend + p, (size_t)(ep->npend - p) *
		    sizeof(*ep->pend));
		ep->npend -= p;
	}
	/* take turns, so that neither kind starves the other */
	if (ep->host_first) {
		n += harvest_host(ep, recs + n, max - n);
		n += harvest_own(ep, recs + n, max - n);
	} else {
		n += harvest_own(ep, recs + n, max - n);
		n += harvest_host(ep, recs + n, max - n);
	}
	ep->host_first = !ep->host_first;
	ep_refresh(ep);
	return n;
}

void
ep_unharvest(struct ep_inst *ep, const struct ep_rec *recs, int from, int n)
{
	int h = 0, j = 0;

	for (int i = from; i < n; i++)
		h += !recs[i].it->sigfd;
	if (ep->npend + h > ep->cpend) {
		int c = ep->npend + h + 8;
		struct ep_rec *p = realloc(ep->pend, (size_t)c * sizeof(*p));

		if (p == NULL)
			h = 0;	/* no memory: those records are lost */
		else {
			ep->pend = p;
			ep->cpend = c;
		}
	}
	/* host records: kept with their bits, in front of older ones */
	if (h > 0) {
		memmove(ep->pend + h, ep->pend, (size_t)ep->npend *
		    sizeof(*ep->pend));
		for (int i = from; i < n; i++)
			if (!recs[i].it->sigfd)
				ep->pend[j++] = recs[i];
		ep->npend += h;
	}
	/* signalfd items: after_report undone, back at the head in order */
	for (int i = n - 1; i >= from; i--) {
		struct ep_item *it = recs[i].it;

		if (!it->sigfd)
			continue;
		it->armed = true;
		rdl_del(ep, it);
		TAILQ_INSERT_HEAD(&ep->ready, it, rdl);
		it->ready = true;
	}
	ep_refresh(ep);
}

int
ep_sigfds(struct ep_inst *ep, int *fds, int max)
{
	struct ep_item *it;
	int n = 0;

	if (ep->nsigfd == 0)
		return 0;
	TAILQ_FOREACH(it, &ep->items, link)
		if (it->sigfd && it->armed && n < max)
			fds[n++] = it->fd;
	return n;
}
