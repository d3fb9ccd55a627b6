/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The family's host queue and the batches that read it (DESIGN.md
 * decision 6), the directories to list again, and the socket that carries
 * the queued events to the guest.
 *
 * The family has its own host queue, nested in the loop's.  A batch is
 * everything the host has when lxrun looks: at the loop's wake-up, at the
 * entry of every call of a traced process that stops for the family (so
 * the notes of what that process did before are a batch of their own,
 * made into events before the call's own), and before a read of an
 * inotify fd (so the events of the guest's finished operations are
 * queued when it reads, as on Linux).
 *
 * A directory whose entry notes a traced call explained is dirty: its
 * change is already reported, but someone else may have changed it in
 * the same moment, so it is listed again a little later (at least 20 ms,
 * and 100 times what its last listing cost: a 20,000-entry directory
 * under a burst of changes is listed about once a second, not once per
 * change), when no traced call is changing it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "lxrun/linux_abi.h"
#include "lxrun/supervisor.h"

#define DIRTY_MIN_NS	20000000
#define DIRTY_COST_MUL	100

static struct hq *ihq;
static struct lx_source ihq_src;
static struct ino_watch *dirty_list;

static void sync_run(bool forced);

static void
ihq_fire(struct lx_source *src, const struct hq_event *ev)
{
	(void)src;
	(void)ev;
	sync_run(false);
}

struct hq *
ino_hq(void)
{
	struct hq_event ch;

	if (ihq != NULL)
		return ihq;
	if ((ihq = hq_create()) == NULL)
		return NULL;
	ihq_src.fire = ihq_fire;
	ch = hq_event((uintptr_t)hq_fd(ihq), HQ_READ, HQ_ADD | HQ_CLEAR, 0,
	    0, &ihq_src);
	if (hq_change(lx_loop_hq(), &ch, 1) < 0) {
		hq_destroy(ihq);
		ihq = NULL;
	}
	return ihq;
}

/* Drain the host queue into the knotes' pending notes. */
void
ino_gather(void)
{
	struct hq_event ev[128];
	int n;

	if (ihq == NULL)
		return;
	ino_refs_invalidate();
	while ((n = hq_wait(ihq, ev, 128, 0)) > 0) {
		for (int i = 0; i < n; i++) {
			struct ino_kn *kn = ev[i].udata;

			if (kn == NULL || kn->kind == KN_TIMER)
				continue;
			if (kn->kind == KN_SOCK) {
				kn->inst->sock_full = false;
				continue;
			}
			ino_touch(kn, ev[i].fflags |
			    ((ev[i].flags & HQ_EOF) ? HQ_NOTE_REVOKE : 0));
		}
		if (n < 128)
			break;
	}
}

/* Wake the loop at time when (the timer is re-armed only if earlier). */
static void
arm_timer(int64_t when)
{
	static struct ino_kn timer_kn = { .kind = KN_TIMER, .fd = -1 };
	static int64_t armed = -1;
	int64_t now = lx_now_ns(), ns = when - now;
	struct hq_event ch;

	if (armed >= now && armed <= when)
		return;
	ch = hq_event(1, HQ_TIMER, HQ_ADD | HQ_ONESHOT, HQ_NOTE_NSECONDS,
	    ns > 0 ? ns : 1, &timer_kn);
	if (ihq != NULL && hq_change(ihq, &ch, 1) == 0)
		armed = when;
}

/* --- dirty directories ------------------------------------------------- */

void
ino_dirty(struct ino_watch *w)
{
	int64_t wait;

	if (w->dirty || w->dead || !w->isdir || w->dirfd < 0)
		return;
	w->dirty = true;
	wait = w->list_cost * DIRTY_COST_MUL;
	w->due = lx_now_ns() + (wait > DIRTY_MIN_NS ? wait : DIRTY_MIN_NS);
	w->dnext = dirty_list;
	dirty_list = w;
}

/* Forget w (removed): the list holds no dead watch. */
void
ino_undirty(struct ino_watch *w)
{
	struct ino_watch **pp;

	if (!w->dirty)
		return;
	for (pp = &dirty_list; *pp != NULL; pp = &(*pp)->dnext)
		if (*pp == w) {
			*pp = w->dnext;
			break;
		}
	w->dirty = false;
}

/*
 * The dirty directories whose time has come are touched as if their
 * entries had changed: the batch lists them (or, while a traced call is
 * changing one, strikes the note and makes it dirty again).  Returns the
 * time of the next one, or -1.
 */
static int64_t
dirty_due(int64_t now)
{
	struct ino_watch **pp, *w;
	int64_t next = -1;

	for (pp = &dirty_list; (w = *pp) != NULL;) {
		if (w->due <= now) {
			*pp = w->dnext;
			w->dirty = false;
			ino_touch(&w->self, HQ_NOTE_WRITE);
			continue;
		}
		if (next < 0 || w->due < next)
			next = w->due;
		pp = &w->dnext;
	}
	return next;
}

/* --- batches ---------------------------------------------------------- */

/*
 * Take the host's notes and make events of them.  Listing a directory
 * costs time in its size, so when someone changes a big directory fast,
 * batches that the loop brings (not a guest's read or call) wait twice as
 * long as the last one took (10 ms at most): more changes per listing.
 */
static void
sync_run(bool forced)
{
	static bool busy;
	static int64_t hold_until;
	int64_t t0, cost, next;

	if (busy || ihq == NULL)
		return;
	busy = true;
	for (;;) {
		ino_gather();
		t0 = lx_now_ns();
		next = dirty_due(t0);
		ino_flights_strike();
		ino_calls_resolve();
		if (ino_touched == NULL)
			break;
		if (!forced && t0 < hold_until) {
			next = next < 0 || hold_until < next ? hold_until :
			    next;
			break;
		}
		ino_process_batch();
		cost = lx_now_ns() - t0;
		hold_until = cost > 200000 ? t0 + cost +
		    (cost * 2 < 10000000 ? cost * 2 : 10000000) : 0;
	}
	if (ino_touched == NULL)
		ino_noise_clear();	/* our own listings' notes have come */
	if (next >= 0)
		arm_timer(next);
	ino_flush_all();
	ino_reap();
	busy = false;
}

void
ino_sync(void)
{
	sync_run(true);
}

void
ino_sync_lazy(void)
{
	sync_run(false);
}

/* --- the socket --------------------------------------------------------- */

#define FLUSH_BATCH 64
#define RECORD_MAX (LX_INOTIFY_EVENT_SIZE + LX_NAME_MAX + 1 + 15)

void
ino_flush(struct ino_inst *inst)
{
	static char rec[FLUSH_BATCH][RECORD_MAX];
	struct mmsghdr mv[FLUSH_BATCH];
	struct iovec iov[FLUSH_BATCH];
	struct inq_event *e;
	int k, r;

	while (!inst->sock_full && inst->q.unsent != NULL &&
	    inst->obj.sup_fd >= 0) {
		memset(mv, 0, sizeof(mv));
		for (k = 0, e = inst->q.unsent; e != NULL && k < FLUSH_BATCH;
		    e = e->next, k++) {
			iov[k].iov_base = rec[k];
			iov[k].iov_len = inq_encode(e, rec[k]);
			mv[k].msg_hdr.msg_iov = &iov[k];
			mv[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(inst->obj.sup_fd, mv, (unsigned)k,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		for (int i = 0; i < r; i++)
			inq_mark_sent(&inst->q);
		if (r == k)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return;		/* the guest's end is gone */
		/* Full: the loop says when the guest has read some. */
		inst->sock_full = true;
		inst->sock.kind = KN_SOCK;
		inst->sock.inst = inst;
		inst->sock.fd = inst->obj.sup_fd;
		{
			struct hq_event ch = hq_event(
			    (uintptr_t)inst->obj.sup_fd, HQ_WRITE,
			    HQ_ADD | HQ_ONESHOT, 0, 0, &inst->sock);

			hq_change(ihq, &ch, 1);
		}
	}
}

void
ino_flush_all(void)
{
	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		ino_flush(in);
}
