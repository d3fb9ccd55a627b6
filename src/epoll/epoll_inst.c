/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One epoll instance: interest list, ready list, marker byte.  This file
 * knows nothing of the guest; the handlers (epoll_sys.c) and the unit
 * tests drive it with supervisor-side fds.
 *
 * Model (fs/eventpoll.c): a host event on a copy is the wake-up callback
 * (ep_poll_callback): it only queues the item.  At harvest each queued
 * item is asked for its current readiness (ep_item_poll); not ready: it
 * leaves the list; ready: one record, then EPOLLONESHOT disarms the whole
 * registration, EPOLLET leaves it off the list, and a level-triggered item
 * goes back at the tail, which is what makes small maxevents round-robin.
 */
#include <stdlib.h>
#include <unistd.h>

#include "epoll/epoll_int.h"

struct ep_inst_list ep_all = LIST_HEAD_INITIALIZER(ep_all);
/* Released instances whose struct the loop may still name (ep_inst_reap). */
static struct ep_inst_list ep_dead = LIST_HEAD_INITIALIZER(ep_dead);

#define EP_IN_BITS	(LX_EPOLLIN | LX_EPOLLPRI | LX_EPOLLRDNORM | \
	LX_EPOLLRDBAND | LX_EPOLLMSG | LX_EPOLLRDHUP)
#define EP_OUT_BITS	(LX_EPOLLOUT | LX_EPOLLWRNORM | LX_EPOLLWRBAND)
/* Readiness bits a registration can report. */
#define EP_READY_BITS	(~(uint32_t)LX_EP_PRIVATE_BITS)

#define EP_PUMP_BATCH	64
#define EP_PROBE_BATCH	64

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

/* Host filters a registration needs: none while disarmed. */
static unsigned
filters_for(const struct ep_item *it)
{
	unsigned f = 0;

	/* the supervisor's copy would report the supervisor's signals */
	if (!it->armed || it->sigfd)
		return 0;
	/* READ also carries hang-ups and errors when nothing else is asked. */
	if ((it->events & EP_IN_BITS) || !(it->events & EP_OUT_BITS))
		f |= EP_F_READ;
	if (it->events & EP_OUT_BITS)
		f |= EP_F_WRITE;
	return f;
}

static int
set_filters(struct ep_item *it, unsigned want)
{
	static const struct { unsigned bit; int filter; } fl[] = {
		{ EP_F_READ, HQ_READ }, { EP_F_WRITE, HQ_WRITE },
	};
	struct ep_inst *ep = it->ep;
	int r, err = 0;

	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		bool have = (it->filters & fl[i].bit) != 0;
		bool need = (want & fl[i].bit) != 0;
		struct hq_event ch;

		if (have == need)
			continue;
		ch = hq_event((uintptr_t)it->copy, fl[i].filter,
		    need ? HQ_ADD | HQ_CLEAR : HQ_DELETE, 0, 0, it);
		r = hq_change(ep->hq, &ch, 1);
		if (need && r < 0) {
			err = -LX_ENOMEM;
			continue;
		}
		it->filters ^= fl[i].bit;
	}
	return err;
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
	ep_refresh(ep);
}

struct ep_inst *
ep_inst_new(int sup_fd)
{
	struct ep_inst *ep = calloc(1, sizeof(*ep));

	if (ep == NULL)
		return NULL;
	if ((ep->hq = hq_create()) == NULL) {
		free(ep);
		return NULL;
	}
	ep->o.ops = &ep_object_ops;
	ep->o.sup_fd = sup_fd;
	ep->src.fire = ep_fire;
	TAILQ_INIT(&ep->items);
	TAILQ_INIT(&ep->ready);
	LIST_INSERT_HEAD(&ep_all, ep, all);
	return ep;
}

int
ep_inst_watch(struct ep_inst *ep, struct hq *loop)
{
	struct hq_event ch = hq_event((uintptr_t)hq_fd(ep->hq), HQ_READ,
	    HQ_ADD, 0, 0, &ep->src);

	if (hq_change(loop, &ch, 1) < 0)
		return -LX_ENOMEM;
	ep->watched = true;
	ep->loop = loop;
	return 0;
}

void
ep_inst_free(struct ep_inst *ep)
{
	struct ep_item *it;
	struct ep_inst *o;

	while ((it = TAILQ_FIRST(&ep->items)) != NULL)
		ep_remove(it);
	/* Outer instances hold our pipe, so none should point here; be safe. */
	LIST_FOREACH(o, &ep_all, all)
		TAILQ_FOREACH(it, &o->items, link)
			if (it->nested == ep)
				it->nested = NULL;
	if (ep->watched) {
		struct hq_event ch = hq_event((uintptr_t)hq_fd(ep->hq),
		    HQ_READ, HQ_DELETE, 0, 0, NULL);

		hq_change(ep->loop, &ch, 1);
	}
	hq_destroy(ep->hq);
	ep_host_close(ep->o.sup_fd);
	ep->o.sup_fd = -1;
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

struct ep_item *
ep_find(struct ep_inst *ep, int fd, int pid)
{
	struct ep_item *it;

	TAILQ_FOREACH(it, &ep->items, link)
		if (it->fd == fd && ep_host_same_file(it->copy, pid, fd) == 1)
			return it;
	return NULL;
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

/*
 * Current readiness of n items (ep_item_poll): a nested emulated epoll
 * is readable while its own ready list holds a ready item; anything else
 * is asked through its copy.
 */
static void
probe(struct ep_item **its, uint32_t *rev, int n)
{
	struct ep_poll p[EP_PROBE_BATCH];
	int idx[EP_PROBE_BATCH], k = 0;

	for (int i = 0; i < n; i++) {
		rev[i] = 0;
		if (its[i]->nested != NULL) {
			if (ep_refresh(its[i]->nested))
				rev[i] = LX_EPOLLIN | LX_EPOLLRDNORM;
		} else if (its[i]->sigfd) {
			if (ep_host_sigfd_pending(its[i]->copy, ep_cur_tid))
				rev[i] = LX_EPOLLIN | LX_EPOLLRDNORM;
		} else {
			p[k].fd = its[i]->copy;
			p[k].events = its[i]->events & EP_READY_BITS;
			idx[k++] = i;
		}
	}
	if (k > 0 && ep_host_poll(p, k) == 0)
		for (int j = 0; j < k; j++)
			rev[idx[j]] = p[j].revents;
	for (int i = 0; i < n; i++)
		rev[i] &= its[i]->events & EP_READY_BITS;
}

static uint32_t
probe_one(struct ep_item *it)
{
	uint32_t r;

	probe(&it, &r, 1);
	return r;
}

struct ep_item *
ep_insert(struct ep_inst *ep, int fd, int copy, uint32_t events,
    uint64_t data, struct ep_inst *nested, int *err)
{
	struct ep_item *it = calloc(1, sizeof(*it));
	int r;

	if (it == NULL) {
		ep_host_close(copy);
		*err = -LX_ENOMEM;
		return NULL;
	}
	it->ep = ep;
	it->fd = fd;
	it->copy = copy;
	it->events = events | LX_EPOLLERR | LX_EPOLLHUP;
	it->data = data;
	it->armed = true;
	it->nested = nested;
	it->ref_fd = fd;
	it->sigfd = nested == NULL && ep_host_is_signalfd(copy);
	if ((r = set_filters(it, filters_for(it))) < 0) {
		set_filters(it, 0);
		ep_host_close(copy);
		free(it);
		*err = r;
		return NULL;
	}
	TAILQ_INSERT_TAIL(&ep->items, it, link);
	ep->nitems++;
	ep->nsigfd += it->sigfd;
	ep->nnested += nested != NULL;
	if (probe_one(it) != 0) {
		rdl_add(ep, it);
		ep_sync_byte(ep);
	}
	return it;
}

int
ep_modify(struct ep_item *it, uint32_t events, uint64_t data)
{
	int r;

	it->events = events | LX_EPOLLERR | LX_EPOLLHUP;
	it->data = data;
	it->armed = true;
	r = set_filters(it, filters_for(it));
	if (probe_one(it) != 0) {
		rdl_add(it->ep, it);
		ep_sync_byte(it->ep);
	}
	return r;
}

void
ep_remove(struct ep_item *it)
{
	struct ep_inst *ep = it->ep;

	rdl_del(ep, it);
	set_filters(it, 0);
	ep_host_close(it->copy);
	TAILQ_REMOVE(&ep->items, it, link);
	ep->nitems--;
	ep->nsigfd -= it->sigfd;
	ep->nnested -= it->nested != NULL;
	free(it->alias);
	free(it);
	ep_sync_byte(ep);
}

/* Host events: queue each armed item they name (ep_poll_callback). */
static void
pump(struct ep_inst *ep)
{
	struct hq_event ev[EP_PUMP_BATCH];
	int n;

	do {
		n = hq_wait(ep->hq, ev, EP_PUMP_BATCH, 0);
		for (int i = 0; i < n; i++) {
			struct ep_item *it = ev[i].udata;

			if (it != NULL && it->armed)
				rdl_add(ep, it);
		}
	} while (n == EP_PUMP_BATCH);
}

void
ep_sync_byte(struct ep_inst *ep)
{
	bool want = !TAILQ_EMPTY(&ep->ready);

	if (want == ep->byte)
		return;
	if (want)
		ep->byte = ep_host_byte_set(ep->o.sup_fd) == 0;
	else
		ep->byte = ep_host_byte_clear(ep->o.sup_fd) != 0;
}

bool
ep_refresh(struct ep_inst *ep)
{
	struct ep_item *its[EP_PROBE_BATCH], *it, *next;
	uint32_t rev[EP_PROBE_BATCH];
	int n;

	pump(ep);
	it = TAILQ_FIRST(&ep->ready);
	while (it != NULL) {
		for (n = 0; it != NULL && n < EP_PROBE_BATCH; it = next) {
			next = TAILQ_NEXT(it, rdl);
			its[n++] = it;
		}
		probe(its, rev, n);
		for (int i = 0; i < n; i++)
			if (rev[i] == 0)
				rdl_del(ep, its[i]);
	}
	ep_sync_byte(ep);
	return !TAILQ_EMPTY(&ep->ready);
}

/*
 * A signalfd item is queued while the caller has a signal of its mask
 * pending; with EPOLLET only when a signal not pending at the last report
 * came (a signal already pending generates no new wake-up on Linux).
 */
static void
sigfd_refresh(struct ep_inst *ep, struct ep_item *it)
{
	uint64_t set = ep_host_sigfd_pending(it->copy, ep_cur_tid);

	if (set == 0)
		it->sig_seen = 0;
	if (!it->armed || it->ready || set == 0)
		return;
	if ((it->events & LX_EPOLLET) && (set & ~it->sig_seen) == 0)
		return;
	it->sig_seen = set;
	rdl_add(ep, it);
}

void
ep_harvest_begin(struct ep_inst *ep)
{
	struct ep_item *it;

	/*
	 * A nested instance tells us it is ready through its marker byte,
	 * which the loop sets when it gets to that instance's host events:
	 * bring nested instances up to date first, so that a wait never
	 * misses what a nested one already has (ep_poll's nested walk).
	 */
	if (ep->nnested > 0)
		TAILQ_FOREACH(it, &ep->items, link)
			if (it->nested != NULL)
				ep_refresh(it->nested);
	pump(ep);
	/* signalfds send no host events: ask them now, for this caller */
	if (ep->nsigfd > 0)
		TAILQ_FOREACH(it, &ep->items, link)
			if (it->sigfd)
				sigfd_refresh(ep, it);
	if (++ep->pass == 0)
		ep->pass = 1;
}

/* The item was reported: ONESHOT disarms, ET leaves, LT goes to the tail. */
static void
after_report(struct ep_inst *ep, struct ep_item *it)
{
	rdl_del(ep, it);
	it->seen = ep->pass;
	if (it->events & LX_EPOLLONESHOT) {
		it->armed = false;
		set_filters(it, 0);
	} else if (!(it->events & LX_EPOLLET)) {
		rdl_add(ep, it);
	}
}

int
ep_harvest(struct ep_inst *ep, struct lx_epoll_event *out,
    struct ep_item **its, int max)
{
	struct ep_item *batch[EP_PROBE_BATCH], *it;
	uint32_t rev[EP_PROBE_BATCH];
	int n = 0, k;

	while (n < max) {
		k = 0;
		for (it = TAILQ_FIRST(&ep->ready);
		    it != NULL && it->seen != ep->pass && k < EP_PROBE_BATCH;
		    it = TAILQ_NEXT(it, rdl))
			batch[k++] = it;
		if (k == 0)
			break;
		probe(batch, rev, k);
		for (int i = 0; i < k; i++) {
			if (rev[i] == 0) {
				rdl_del(ep, batch[i]);
				continue;
			}
			if (n == max)
				break;
			out[n].events = rev[i];
			out[n].data = batch[i]->data;
			its[n++] = batch[i];
			after_report(ep, batch[i]);
		}
	}
	ep_sync_byte(ep);
	return n;
}

void
ep_unharvest(struct ep_inst *ep, struct ep_item **its, int from, int n)
{
	for (int i = n - 1; i >= from; i--) {
		struct ep_item *it = its[i];

		if (!it->armed) {
			it->armed = true;
			set_filters(it, filters_for(it));
		}
		rdl_del(ep, it);
		TAILQ_INSERT_HEAD(&ep->ready, it, rdl);
		it->ready = true;
		it->seen = 0;
	}
	ep_sync_byte(ep);
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
