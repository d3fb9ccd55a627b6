/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Traced calls that make events, from their entry stop to their events.
 *
 * A call that a watch sees is recorded at its entry (what it names, as it
 * was) and is in flight (flight.c) until its events are made.  Most calls
 * then run on with no exit stop (one stop instead of two): the call is
 * pending, and whether it did what it says is read from the watched
 * directory itself (fstatat on the watch's fd: is the new name there,
 * the old one gone?) at every batch, which the host's note of the change
 * brings at once.  Its events are made then, before the batch's notes
 * (everything in that batch happened at or after its change), as Linux
 * queues them from inside the call.  A pending call that has not happened
 * when its thread stops again, or exits, or 250 ms later, failed: it is
 * dropped.  Calls whose result the directories cannot show (an open whose
 * new fd needs rules, a rename between unwatched directories) take the
 * exit stop and read their result there.
 */
#include <stdlib.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"

#define PENDING_MAX_NS 250000000
#define LINGER_NS	20000000	/* a done call's notes come by then */

struct callrec {
	struct callrec *next;
	int tid;
	struct ino_call cs;
};
static struct callrec *calls, **calls_tail = &calls;
static int over_tid = -1;
static int boundary_tid = -1;	/* synced in this stop of that thread */

static void
unlink_rec(struct callrec *r)
{
	struct callrec **pp;

	for (pp = &calls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			if (calls_tail == &r->next)
				calls_tail = pp;
			return;
		}
}

static struct callrec *
rec_of(int tid)
{
	for (struct callrec *r = calls; r != NULL; r = r->next)
		if (r->tid == tid)
			return r;
	return NULL;
}

struct ino_call *
ino_call_begin(struct lx_call *c)
{
	struct callrec *r;

	ino_call_end(c->tid);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->cs.f = ino_flight_begin(c->tid)) == NULL) {
		free(r);
		return NULL;
	}
	r->tid = c->tid;
	r->cs.tid = c->tid;
	r->cs.nr = c->nr;
	r->next = NULL;
	*calls_tail = r;
	calls_tail = &r->next;
	return &r->cs;
}

struct ino_call *
ino_call_of(int tid)
{
	struct callrec *r = rec_of(tid);

	return r != NULL ? &r->cs : NULL;
}

void
ino_call_end(int tid)
{
	struct callrec *r = rec_of(tid);

	ino_flight_end(tid);
	if (r != NULL) {
		unlink_rec(r);
		free(r);
	}
}

void
ino_call_pend(struct ino_call *cs, int (*check)(struct ino_call *),
    void (*done)(struct ino_call *))
{
	cs->check = check;
	cs->done = done;
	cs->since = lx_now_ns();
	cs->pending = true;
}

/*
 * The flight stays on until the caller's ino_call_end, after its events
 * and snapshot changes: a directory listed meanwhile would show the
 * call's change as someone else's.
 */
void
ino_exit_sync(struct ino_call *cs)
{
	ino_gather();
	ino_flight_strike(cs->f);
	ino_refs_invalidate();
	ino_sync();
}

/*
 * The pending calls that happened make their events, in the order they
 * were made; those that will not happen any more are dropped.  Their
 * notes were struck already (their flights are on until now).
 */
void
ino_calls_resolve(void)
{
	int64_t now = -1;
	struct callrec *r, *next;
	int st;

	for (r = calls; r != NULL; r = next) {
		next = r->next;
		if (!r->cs.pending)
			continue;
		st = r->cs.check(&r->cs);
		if (st == 0 && r->tid != over_tid) {
			if (now < 0)
				now = lx_now_ns();
			if (now - r->cs.since < PENDING_MAX_NS)
				continue;
		}
		unlink_rec(r);
		if (st > 0)
			r->cs.done(&r->cs);
		/*
		 * Seen done by its directory, maybe before its notes came
		 * (the check can run while the call is still in the kernel,
		 * between its change and its fsnotify): the flight stays to
		 * strike them, or they would be listed as someone else's.
		 */
		if (st > 0 && r->tid != over_tid)
			ino_flight_linger(r->tid, lx_now_ns() + LINGER_NS);
		else
			ino_flight_end(r->tid);
		free(r);
	}
}

void
ino_boundary(int tid)
{
	if (boundary_tid != tid) {
		ino_sync();
		/* the notes of tid's calls before this stop are taken now */
		ino_flight_end_lingering(tid);
	}
	boundary_tid = tid;
}

void
ino_thread_stops(int tid)
{
	struct callrec *r = rec_of(tid);

	boundary_tid = -1;
	if (r == NULL || !r->cs.pending)
		return;
	over_tid = tid;
	ino_sync();
	over_tid = -1;
	boundary_tid = tid;
	/* A batch in progress (a read's) could not take it: drop it. */
	if ((r = rec_of(tid)) != NULL && r->cs.pending)
		ino_call_end(tid);
}

static void
on_exit_tid(int tid)
{
	ino_thread_stops(tid);
	ino_call_end(tid);
}

static const struct lx_hooks life = {
	.on_exit = on_exit_tid,
};

__attribute__((constructor)) static void
ino_calls_init(void)
{
	lx_hooks_register(&life);
}
