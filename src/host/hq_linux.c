/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host event queue on Linux: a kqueue built from epoll, inotify,
 * signalfd, timerfd, pidfd and eventfd (DESIGN.md decision 7).
 *
 * The model is NetBSD's kern_event.c, not epoll.  Each (ident, filter)
 * pair is one knote.  Sources only *activate* knotes (put them on the
 * active queue); at retrieval the filter is asked again whether it is
 * still true (as kqueue_scan calls f_event), so level-triggered knotes
 * stay queued while true and HQ_CLEAR knotes are reset after each event.
 *
 *   q->epfd   what hq_fd() hands out; every source nests in it, level-
 *             triggered, and every source is drained when it fires:
 *   q->rset   an epoll set of the READ fds, edge-triggered, so that each
 *             wake-up of the file (a write into a pipe, a hang-up) means
 *             "activity" as a knote hint does on NetBSD;
 *   q->wset   the same for WRITE (a separate set, because epoll keeps one
 *             entry per (file, fd number) and read and write wake-ups
 *             must activate different knotes);
 *   q->ifd    inotify, for HQ_VNODE (hq_linux_vnode.c);
 *   HQ_POLL   items right in q->epfd, keyed by numbers of ours, that hold
 *             no reference to their file (hq_linux_poll.c), plus a
 *             private open of the few proc files whose poll reports a
 *             change once (hq_linux_once.c);
 *   READ|CLEAR knotes also have their (edge-triggered) item right in
 *             q->epfd: one level of nesting less for a queue watched by
 *             another (Linux limits the sets a file may be in by depth);
 *   q->bell   an eventfd that is readable while the active queue is not
 *             empty (level knotes, HQ_USER triggers), so hq_fd() polls
 *             readable exactly while kqueue's would;
 *   own fds   one signalfd, timerfd or pidfd per SIGNAL, TIMER, PROC knote.
 *
 * rset, wset and ifd are made when the first knote needs them, so
 * that a queue costs the host what its knotes use (an inotify instance
 * only with a VNODE knote: the host's max_user_instances is small).
 *
 * Closed fds.  kqueue forgets a knote when its fd is closed; epoll forgets
 * an entry only when the open file dies, and keeps an entry of a file that
 * is still open elsewhere under the old fd number.  So a knote's fd is
 * checked to still be the registered file before its state is used
 * (kcmp(KCMP_EPOLL_TFD) against our own set, which asks epoll itself
 * without side effects; dev/ino for files), and a knote whose fd changed
 * or closed is dropped.  Stale epoll entries that remain carry a slot
 * generation that no longer matches and are ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "host/hq_linux_int.h"

#define HQ_BATCH	64

const char *
hq_backend(void)
{
	return "linux-epoll";
}

int
hq_fd(const struct hq *q)
{
	return q->epfd;
}

/* --- knote bookkeeping ------------------------------------------------ */

static unsigned
kn_hash(uintptr_t ident, int filter)
{
	return (unsigned)((ident * 7 + (unsigned)filter) % HQ_HASH);
}

/* The knote an epoll event's data names, or NULL (gone, or not one). */
struct knote *
hq_knote_from_tag(struct hq *q, uint64_t tag)
{
	uint32_t slot = (uint32_t)tag;
	struct knote *kn;

	if (slot >= q->nslots)
		return NULL;
	kn = q->slots[slot];
	if (kn == NULL || kn->gen != (uint32_t)(tag >> 32))
		return NULL;
	return kn;
}

static struct knote *
kn_lookup(struct hq *q, uintptr_t ident, int filter)
{
	struct knote *kn;

	for (kn = q->hash[kn_hash(ident, filter)]; kn != NULL; kn = kn->hnext)
		if (kn->ident == ident && kn->filter == filter)
			return kn;
	return NULL;
}

struct knote *
hq_knote_lookup(struct hq *q, uintptr_t ident, int filter)
{
	return kn_lookup(q, ident, filter);
}

static int
slot_grow(struct hq *q)
{
	uint32_t n = q->nslots ? q->nslots * 2 : 64, i;
	struct knote **s;
	uint32_t *g, *f;

	s = realloc(q->slots, n * sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	q->slots = s;
	g = realloc(q->slotgen, n * sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	q->slotgen = g;
	f = realloc(q->freeslots, n * sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	q->freeslots = f;
	for (i = n; i > q->nslots; i--) {
		s[i - 1] = NULL;
		g[i - 1] = 0;
		f[q->nfree++] = i - 1;
	}
	q->nslots = n;
	return 0;
}

static struct knote *
kn_alloc(struct hq *q, const struct hq_event *ev)
{
	struct knote *kn;
	unsigned h;

	if (q->nfree == 0 && slot_grow(q) < 0)
		return NULL;
	kn = calloc(1, sizeof(*kn));
	if (kn == NULL)
		return NULL;
	kn->ident = ev->ident;
	kn->filter = ev->filter;
	kn->flags = ev->flags & (HQ_ONESHOT | HQ_CLEAR | HQ_DISPATCH);
	kn->sfflags = ev->fflags;
	kn->sdata = ev->data;
	kn->udata = ev->udata;
	kn->fd = -1;
	kn->num = -1;
	kn->shadow = -1;
	kn->slot = q->freeslots[--q->nfree];
	kn->gen = (q->slotgen[kn->slot] + 1) & 0x7fffffff;
	q->slotgen[kn->slot] = kn->gen;
	q->slots[kn->slot] = kn;
	h = kn_hash(kn->ident, kn->filter);
	kn->hnext = q->hash[h];
	q->hash[h] = kn;
	return kn;
}

static void
kn_dequeue(struct hq *q, struct knote *kn)
{
	if (kn->status & KN_QUEUED) {
		TAILQ_REMOVE(&q->active, kn, tq);
		q->nactive--;
		kn->status &= ~KN_QUEUED;
	}
}

static void
kn_enqueue(struct hq *q, struct knote *kn)
{
	if ((kn->status & (KN_QUEUED | KN_DISABLED)) == 0) {
		TAILQ_INSERT_TAIL(&q->active, kn, tq);
		q->nactive++;
		kn->status |= KN_QUEUED;
	}
}

void
hq_knote_activate(struct hq *q, struct knote *kn)
{
	kn->status |= KN_ACTIVE;
	kn_enqueue(q, kn);
}

void
hq_knote_drop(struct hq *q, struct knote *kn)
{
	struct knote **pp;

	kn_dequeue(q, kn);
	if (kn->filter == HQ_READ || kn->filter == HQ_WRITE)
		hqf_detach(q, kn);
	else if (kn->filter == HQ_VNODE)
		hqv_detach(q, kn);
	else if (kn->filter == HQ_POLL)
		hqp_detach(q, kn);
	if (kn->fd >= 0)
		close(kn->fd);
	for (pp = &q->hash[kn_hash(kn->ident, kn->filter)]; *pp != kn;
	    pp = &(*pp)->hnext)
		;
	*pp = kn->hnext;
	q->slots[kn->slot] = NULL;
	q->freeslots[q->nfree++] = kn->slot;
	free(kn);
}

/* --- the doorbell ----------------------------------------------------- */

static void
bell_sync(struct hq *q)
{
	uint64_t v = 1;

	if (q->nactive > 0 && !q->bell_rung) {
		if (write(q->bell, &v, sizeof(v)) == (ssize_t)sizeof(v))
			q->bell_rung = true;
	} else if (q->nactive == 0 && q->bell_rung) {
		if (read(q->bell, &v, sizeof(v)) == (ssize_t)sizeof(v) ||
		    errno == EAGAIN)
			q->bell_rung = false;
	}
}

/* Wake whoever watches q: its next harvest has something to queue. */
void
hq_ring(struct hq *q)
{
	uint64_t v = 1;

	if (!q->bell_rung && write(q->bell, &v, sizeof(v)) ==
	    (ssize_t)sizeof(v))
		q->bell_rung = true;
}

/* --- create / destroy ------------------------------------------------- */

int
hq_nest(struct hq *q, int fd, uint64_t tag)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = tag };

	return epoll_ctl(q->epfd, EPOLL_CTL_ADD, fd, &e) < 0 ? -errno : 0;
}

/* The READ and WRITE sets, at the first READ or WRITE knote. */
int
hq_need_sets(struct hq *q)
{
	int error;

	if (q->rset >= 0)
		return 0;
	q->rset = hq_unclash(q, epoll_create1(EPOLL_CLOEXEC));
	q->wset = hq_unclash(q, epoll_create1(EPOLL_CLOEXEC));
	if (q->rset < 0 || q->wset < 0 ||
	    (error = hq_nest(q, q->rset, TAG_RSET)) < 0 ||
	    (error = hq_nest(q, q->wset, TAG_WSET)) < 0) {
		error = q->rset < 0 || q->wset < 0 ? -errno : error;
		if (q->rset >= 0)
			close(q->rset);
		if (q->wset >= 0)
			close(q->wset);
		q->rset = q->wset = -1;
		return error;
	}
	return 0;
}

/* The inotify instance, at the first VNODE knote. */
static int
need_inotify(struct hq *q)
{
	int error;

	if (q->ifd >= 0)
		return 0;
	if ((error = hqv_init(q)) < 0)
		return error;
	q->ifd = hq_unclash(q, q->ifd);
	if ((error = hq_nest(q, q->ifd, TAG_INOTIFY)) < 0) {
		hqv_fini(q);
		return error;
	}
	return 0;
}

struct hq *
hq_create(void)
{
	struct hq *q;
	int error;

	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	TAILQ_INIT(&q->active);
	q->rset = q->wset = q->ifd = -1;
	q->epfd = epoll_create1(EPOLL_CLOEXEC);
	q->bell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->epfd < 0 || q->bell < 0)
		goto fail;
	if ((error = hq_nest(q, q->bell, TAG_BELL)) < 0) {
		errno = -error;
		goto fail;
	}
	return q;
fail:
	error = errno;
	hq_destroy(q);
	errno = error;
	return NULL;
}

void
hq_destroy(struct hq *q)
{
	unsigned i;

	if (q == NULL)
		return;
	for (i = 0; i < HQ_HASH; i++)
		while (q->hash[i] != NULL)
			hq_knote_drop(q, q->hash[i]);
	hqv_fini(q);
	hqp_fini(q);
	if (q->epfd >= 0)
		close(q->epfd);
	if (q->rset >= 0)
		close(q->rset);
	if (q->wset >= 0)
		close(q->wset);
	if (q->bell >= 0)
		close(q->bell);
	free(q->slots);
	free(q->slotgen);
	free(q->freeslots);
	free(q);
}

/* --- changes ---------------------------------------------------------- */

static bool
filter_takes_fd(int filter)
{
	return filter == HQ_READ || filter == HQ_WRITE || filter == HQ_VNODE;
}

/* Evaluate now, as kqueue_register does after a change. */
static void
kn_poll_now(struct hq *q, struct knote *kn)
{
	if (kn->status & KN_DISABLED)
		return;
	if (hqf_event(q, kn))
		hq_knote_activate(q, kn);
}

static int
kn_modify(struct hq *q, struct knote *kn, const struct hq_event *ev)
{
	kn->sfflags = ev->fflags;
	kn->sdata = ev->data;
	kn->udata = ev->udata;
	if (kn->filter == HQ_TIMER)
		return hqf_timer_arm(kn);
	if (kn->filter == HQ_VNODE)
		return hqv_modify(q, kn);
	return 0;
}

/*
 * HQ_POLL: data is the file.  A re-ADD is EPOLL_CTL_MOD: new bits, flags
 * and udata, re-enabled, the file looked at again.
 */
static int
change_poll(struct hq *q, const struct hq_event *ev)
{
	struct knote *kn = kn_lookup(q, ev->ident, HQ_POLL);
	int fd = ev->data < 0 || ev->data > INT_MAX ? -1 : (int)ev->data;
	int error;

	if ((ev->flags & HQ_ONESHOT) || fd < 0)
		return fd < 0 ? -EBADF : -EINVAL;
	if (ev->flags & HQ_ADD) {
		if (kn == NULL) {
			if ((kn = kn_alloc(q, ev)) == NULL)
				return -ENOMEM;
			if ((error = hqp_attach(q, kn, fd)) < 0) {
				hq_knote_drop(q, kn);
				return error;
			}
			return 0;
		}
		struct knote old = *kn;

		kn->flags = ev->flags & (HQ_CLEAR | HQ_DISPATCH);
		kn->sfflags = ev->fflags;
		kn->udata = ev->udata;
		if ((error = hqp_modify(q, kn, fd)) < 0) {
			kn->flags = old.flags;
			kn->sfflags = old.sfflags;
			kn->udata = old.udata;
			return error;
		}
		kn->status &= ~KN_DISABLED;
		/*
		 * Queued with the old bits: Linux leaves a modified item
		 * where it is on its ready list and polls it with the new
		 * mask when it copies it out, and an item that then has
		 * nothing is passed over, neither counted nor disarmed.  The
		 * host reports the new bits at the next harvest if it has
		 * them; until then the knote keeps only what the new mask
		 * asks (scan passes over nothing, hqf_event).
		 */
		kn->fflags &= kn->sfflags;
		return 0;
	}
	if (kn == NULL)
		return -ENOENT;
	if (ev->flags & HQ_DELETE) {
		if ((error = hqp_delete(q, kn, fd)) < 0)
			return error;
		hq_knote_drop(q, kn);
		return 0;
	}
	if (ev->flags & HQ_DISABLE) {
		kn->status |= KN_DISABLED;
		kn_dequeue(q, kn);
	}
	if (ev->flags & HQ_ENABLE) {
		if ((error = hqp_modify(q, kn, fd)) < 0)
			return error;
		kn->status &= ~KN_DISABLED;
	}
	return 0;
}

static int
change_one(struct hq *q, const struct hq_event *ev)
{
	struct knote *kn;
	int error;

	if (ev->filter < HQ_READ || ev->filter > HQ_POLL)
		return -EINVAL;
	if (filter_takes_fd(ev->filter) &&
	    (ev->ident > INT_MAX || fcntl((int)ev->ident, F_GETFD) < 0))
		return -EBADF;
	if (ev->filter == HQ_VNODE && (ev->flags & HQ_ADD) &&
	    (error = need_inotify(q)) < 0)
		return error;
	if (ev->filter == HQ_POLL)
		return change_poll(q, ev);
	kn = kn_lookup(q, ev->ident, ev->filter);
	if (kn != NULL && !hqf_same(q, kn)) {
		/* Its fd was closed and the number reused: kqueue forgot it. */
		hq_knote_drop(q, kn);
		kn = NULL;
	}
	if (ev->flags & HQ_ADD) {
		if (kn == NULL) {
			kn = kn_alloc(q, ev);
			if (kn == NULL)
				return -ENOMEM;
			if ((error = hqf_attach(q, kn)) < 0) {
				hq_knote_drop(q, kn);
				return error;
			}
		} else if ((error = kn_modify(q, kn, ev)) < 0)
			return error;
		/* As NetBSD: a re-add keeps flags and a disabled knote off. */
	} else if (kn == NULL)
		return -ENOENT;
	if (ev->flags & HQ_DELETE) {
		hq_knote_drop(q, kn);
		return 0;
	}
	if ((ev->flags & HQ_DISABLE) && !(kn->status & KN_DISABLED)) {
		kn->status |= KN_DISABLED;
		kn_dequeue(q, kn);
		(void)hqf_arm(q, kn, false);
	}
	if ((ev->flags & HQ_ENABLE) && (kn->status & KN_DISABLED)) {
		/* the host looks at the file itself, and queues it if ready */
		if ((error = hqf_arm(q, kn, true)) < 0)
			return error;	/* still off: ask again */
		kn->status &= ~KN_DISABLED;
		if (error > 0)
			return 0;
	}
	if (kn->filter == HQ_USER && (ev->fflags & HQ_NOTE_TRIGGER)) {
		kn->hook = true;
		kn->data = ev->data;
	}
	kn_poll_now(q, kn);
	return 0;
}

int
hq_change(struct hq *q, const struct hq_event *changes, int n)
{
	int i, error = 0;

	for (i = 0; i < n && error == 0; i++)
		error = change_one(q, &changes[i]);
	bell_sync(q);
	return error;
}

/* --- harvesting sources ----------------------------------------------- */

static void
drain_set(struct hq *q, int set)
{
	struct epoll_event e[HQ_BATCH];
	struct knote *kn;
	int n, i;

	do {
		n = epoll_wait(set, e, HQ_BATCH, 0);
		for (i = 0; i < n; i++)
			if ((kn = hq_knote_from_tag(q, e[i].data.u64)) != NULL)
				hq_knote_activate(q, kn);
	} while (n == HQ_BATCH);
}

static void
harvest_one(struct hq *q, uint64_t tag, uint32_t events)
{
	struct knote *kn;
	uint64_t v;

	switch (tag) {
	case TAG_RSET:
		drain_set(q, q->rset);
		return;
	case TAG_WSET:
		drain_set(q, q->wset);
		return;
	case TAG_INOTIFY:
		hqv_drain(q);
		return;
	case TAG_BELL:
		if (q->nactive == 0 && read(q->bell, &v, sizeof(v)) > 0)
			q->bell_rung = false;
		return;
	}
	if ((kn = hq_knote_from_tag(q, tag)) == NULL)
		return;
	switch (kn->filter) {
	case HQ_POLL:
		/* the file's bits of now, as ep_item_poll gave them */
		kn->fflags = hqo_item_bits(kn, events &
		    (uint32_t)~(EPOLLET | EPOLLONESHOT));
		if (kn->fflags == 0)
			return;
		kn->drained = q->pass;
		hq_knote_activate(q, kn);
		return;
	case HQ_READ:
		/* a direct READ|CLEAR item: activity; scan asks f_event */
		hq_knote_activate(q, kn);
		return;
	}
	/* SIGNAL, TIMER, PROC: kn_event drains the fd. */
	if (hqf_event(q, kn))
		hq_knote_activate(q, kn);
}

static void
harvest(struct hq *q, const struct epoll_event *e, int n)
{
	int i;

	for (i = 0; i < n; i++)
		harvest_one(q, e[i].data.u64, e[i].events);
}

/*
 * Everything q->epfd has now.  Level HQ_POLL items stay ready, so each
 * round is one call with room for all of them (a second call would report
 * them again); then queued level HQ_POLL knotes it did not report go.
 */
static void
harvest_ready(struct hq *q)
{
	struct epoll_event fixed[HQ_BATCH], *e = fixed;
	int n, room = HQ_BATCH;

	if (q->npoll + q->ndirect > 0) {
		room = HQ_BATCH + q->npoll + q->ndirect;
		if (q->nebuf < room) {
			void *b = realloc(q->ebuf, (size_t)room * sizeof(*e));

			if (b != NULL) {
				q->ebuf = b;
				q->nebuf = room;
			}
		}
		if (q->nebuf >= room)
			e = q->ebuf;
		else
			room = HQ_BATCH;
	}
	q->pass++;
	hqo_poll();
	do {
		n = epoll_wait(q->epfd, e, room, 0);
		if (n > 0) {
			hqp_relist_order(q, e, n);
			harvest(q, e, n);
		}
	} while (n == room);
	if (q->npoll > 0) {
		hqo_apply(q);
		hqp_prune(q);
	}
}

/* --- retrieval (kqueue_scan) ------------------------------------------ */

static void
kn_after_retrieval(struct hq *q, struct knote *kn)
{
	if (kn->filter == HQ_POLL) {
		/* the host set reports it again while it stays true */
		kn->fflags = 0;
		kn->status &= ~KN_ACTIVE;
		if (kn->flags & HQ_DISPATCH)
			kn->status |= KN_DISABLED;
		/* ... and the next harvest (q->pass + 1) relists it */
		if (!(kn->flags & (HQ_CLEAR | HQ_DISPATCH))) {
			kn->relisted = q->pass + 1;
			kn->relist_seq = ++q->relist_seq;
		}
		return;
	}
	if (kn->flags & HQ_ONESHOT) {
		hq_knote_drop(q, kn);
		return;
	}
	if (kn->flags & HQ_CLEAR) {
		kn->data = 0;
		kn->fflags = 0;
		kn->hook = kn->filter == HQ_PROC && kn->hook;
		kn->status &= ~KN_ACTIVE;
	}
	if (kn->flags & HQ_DISPATCH) {
		kn->status |= KN_DISABLED;
		kn->status &= ~KN_ACTIVE;
	}
	if (kn->status & KN_ACTIVE)
		kn_enqueue(q, kn);	/* level: back on the queue, at the end */
}

static int
scan(struct hq *q, struct hq_event *out, int max)
{
	int todo = q->nactive, n = 0;
	struct knote *kn;

	while (todo-- > 0 && n < max) {
		kn = TAILQ_FIRST(&q->active);
		kn_dequeue(q, kn);
		if (!hqf_same(q, kn)) {
			hq_knote_drop(q, kn);
			continue;
		}
		if (kn->filter == HQ_POLL && !hqp_recheck(q, kn))
			continue;
		if (!hqf_event(q, kn)) {
			kn->status &= ~KN_ACTIVE;
			/* a DISPATCH item that fired for nothing: re-arm */
			if (kn->flags & HQ_DISPATCH)
				(void)hqf_arm(q, kn, true);
			continue;
		}
		out[n++] = hq_event(kn->ident, kn->filter,
		    kn->flags | (kn->eof ? HQ_EOF : 0), kn->fflags, kn->data,
		    kn->udata);
		kn_after_retrieval(q, kn);
	}
	return n;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Block in epoll until a source fires or the deadline passes. */
static int
block(struct hq *q, int64_t deadline)
{
	struct epoll_event e[HQ_BATCH];
	struct timespec ts, *tsp = NULL;
	int64_t left;
	int n;

	if (deadline >= 0) {
		left = deadline - now_ns();
		if (left <= 0)
			return 0;
		ts.tv_sec = left / 1000000000;
		ts.tv_nsec = left % 1000000000;
		tsp = &ts;
	}
	n = epoll_pwait2(q->epfd, e, HQ_BATCH, tsp, NULL);
	if (n < 0)
		return -errno;
	harvest(q, e, n);
	return n;
}

int
hq_wait(struct hq *q, struct hq_event *out, int max, int64_t timeout_ns)
{
	int64_t deadline = timeout_ns < 0 ? -1 : now_ns() + timeout_ns;
	int n, r;

	if (max < 0 || (max > 0 && out == NULL))
		return -EINVAL;
	for (;;) {
		harvest_ready(q);
		n = scan(q, out, max);
		if (n > 0 || timeout_ns == 0 || max == 0)
			break;
		bell_sync(q);
		r = block(q, deadline);
		if (r < 0)
			return r;
		if (r == 0 && deadline >= 0 && now_ns() >= deadline) {
			n = scan(q, out, max);
			break;
		}
	}
	bell_sync(q);
	return n;
}
