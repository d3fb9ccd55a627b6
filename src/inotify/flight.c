/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Traced calls in flight: stopped at their entry, not yet at their exit.
 *
 * Such a call makes its own events at its exit stop.  The host's notes
 * for what it did may be taken by a batch before that (another thread's
 * stop, the loop): they are struck there too, and a directory whose
 * entries it is changing is not listed meanwhile (it is marked dirty and
 * listed later), so the change is never also reported as someone else's.
 * A call whose directory could not be looked up at its entry is blind:
 * while it flies, no directory is listed.
 */
#include <stdlib.h>
#include <string.h>

#include "inotify/flight.h"
#include "inotify/inotify_int.h"
#include "lxrun/host.h"

static struct ino_flight *flights;

struct ino_flight *
ino_flight_begin(int tid)
{
	struct ino_flight *f;

	ino_flight_end(tid);	/* a restarted call begins again */
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->tid = tid;
	f->next = flights;
	flights = f;
	return f;
}

void
ino_flight_add(struct ino_flight *f, uint64_t dev, uint64_t ino,
    uint32_t notes)
{
	if (f == NULL)
		return;
	if (f->n == INO_FLIGHT_IDS) {
		f->blind = true;
		return;
	}
	f->id[f->n].dev = dev;
	f->id[f->n].ino = ino;
	f->id[f->n].notes = notes;
	f->n++;
}

struct ino_flight *
ino_flight_of(int tid)
{
	struct ino_flight *f;

	for (f = flights; f != NULL; f = f->next)
		if (f->tid == tid)
			return f;
	return NULL;
}

/* Strike what the call explains (at its exit, before its events). */
void
ino_flight_strike(const struct ino_flight *f)
{
	if (f == NULL)
		return;
	for (int i = 0; i < f->n; i++)
		ino_strike(f->id[i].dev, f->id[i].ino, f->id[i].notes);
}

void
ino_flight_end(int tid)
{
	struct ino_flight **pp, *f;

	for (pp = &flights; (f = *pp) != NULL; pp = &f->next)
		if (f->tid == tid) {
			*pp = f->next;
			free(f);
			return;
		}
}

void
ino_flight_linger(int tid, int64_t until)
{
	struct ino_flight *f = ino_flight_of(tid);

	if (f != NULL)
		f->linger_until = until;
}

void
ino_flight_end_lingering(int tid)
{
	struct ino_flight *f = ino_flight_of(tid);

	if (f != NULL && f->linger_until != 0)
		ino_flight_end(tid);
}

void
ino_flights_strike(void)
{
	struct ino_flight **pp, *f;
	bool blind = false;
	int64_t now = -1;

	for (f = flights; f != NULL; f = f->next) {
		ino_flight_strike(f);
		blind |= f->blind;
	}
	/* after striking: a late note taken by this batch is struck too */
	for (pp = &flights; (f = *pp) != NULL;) {
		if (f->linger_until != 0) {
			if (now < 0)
				now = lx_now_ns();
			if (now >= f->linger_until) {
				*pp = f->next;
				free(f);
				continue;
			}
		}
		pp = &f->next;
	}
	if (!blind)
		return;
	for (struct ino_watch *w = ino_touched; w != NULL; w = w->tnext)
		if (w->isdir && (w->self.pend & HQ_NOTE_WRITE)) {
			w->self.pend &= ~HQ_NOTE_WRITE;
			ino_dirty(w);
		}
}

static void
on_exit_tid(int tid)
{
	ino_flight_end(tid);
}

static const struct lx_hooks life = {
	.on_exit = on_exit_tid,
};

__attribute__((constructor)) static void
ino_flight_init(void)
{
	lx_hooks_register(&life);
}
