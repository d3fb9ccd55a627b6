/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host event queue on a real kqueue(2) (NetBSD >= 10, FreeBSD): a thin
 * translation of struct hq_event to struct kevent and back.  Not built on
 * Linux (the Makefile leaves it out); hq_linux*.c imitates this file.
 */
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "lxrun/host.h"

struct hq {
	int kq;
};

#define HQ_WAIT_BATCH	64

static const struct {
	int hq, kq;
} filters[] = {
	{ HQ_READ, EVFILT_READ },
	{ HQ_WRITE, EVFILT_WRITE },
	{ HQ_VNODE, EVFILT_VNODE },
	{ HQ_SIGNAL, EVFILT_SIGNAL },
	{ HQ_PROC, EVFILT_PROC },
	{ HQ_TIMER, EVFILT_TIMER },
	{ HQ_USER, EVFILT_USER },
};

static const struct {
	unsigned hq, kq;
} flags[] = {
	{ HQ_ADD, EV_ADD }, { HQ_DELETE, EV_DELETE },
	{ HQ_ENABLE, EV_ENABLE }, { HQ_DISABLE, EV_DISABLE },
	{ HQ_ONESHOT, EV_ONESHOT }, { HQ_CLEAR, EV_CLEAR },
	{ HQ_DISPATCH, EV_DISPATCH }, { HQ_EOF, EV_EOF },
	{ HQ_ERROR, EV_ERROR },
};

static const struct {
	uint32_t hq, kq;
} notes[] = {
	{ HQ_NOTE_DELETE, NOTE_DELETE }, { HQ_NOTE_WRITE, NOTE_WRITE },
	{ HQ_NOTE_EXTEND, NOTE_EXTEND }, { HQ_NOTE_ATTRIB, NOTE_ATTRIB },
	{ HQ_NOTE_LINK, NOTE_LINK }, { HQ_NOTE_RENAME, NOTE_RENAME },
	{ HQ_NOTE_REVOKE, NOTE_REVOKE }, { HQ_NOTE_OPEN, NOTE_OPEN },
	{ HQ_NOTE_CLOSE, NOTE_CLOSE },
	{ HQ_NOTE_CLOSE_WRITE, NOTE_CLOSE_WRITE },
	{ HQ_NOTE_READ, NOTE_READ },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
filter_to_kq(int f)
{
	size_t i;

	for (i = 0; i < NELEM(filters); i++)
		if (filters[i].hq == f)
			return filters[i].kq;
	return 0;
}

static int
filter_from_kq(int f)
{
	size_t i;

	for (i = 0; i < NELEM(filters); i++)
		if (filters[i].kq == f)
			return filters[i].hq;
	return 0;
}

static unsigned
flags_map(unsigned in, int to_kq)
{
	unsigned out = 0;
	size_t i;

	for (i = 0; i < NELEM(flags); i++)
		if (in & (to_kq ? flags[i].hq : flags[i].kq))
			out |= to_kq ? flags[i].kq : flags[i].hq;
	return out;
}

static uint32_t
fflags_map(int filter, uint32_t in, int to_kq)
{
	uint32_t out = 0;
	size_t i;

	switch (filter) {
	case HQ_VNODE:
		for (i = 0; i < NELEM(notes); i++)
			if (in & (to_kq ? notes[i].hq : notes[i].kq))
				out |= to_kq ? notes[i].kq : notes[i].hq;
		return out;
	case HQ_PROC:
		return (in & (to_kq ? HQ_NOTE_EXIT : NOTE_EXIT)) ?
		    (to_kq ? NOTE_EXIT : HQ_NOTE_EXIT) : 0;
	case HQ_USER:
		return (in & (to_kq ? HQ_NOTE_TRIGGER : NOTE_TRIGGER)) ?
		    (to_kq ? NOTE_TRIGGER : HQ_NOTE_TRIGGER) : 0;
	case HQ_TIMER:
		return to_kq ? NOTE_NSECONDS : 0;
	}
	return in;			/* READ/WRITE: a socket error */
}

const char *
hq_backend(void)
{
	return "kqueue";
}

struct hq *
hq_create(void)
{
	struct hq *q = malloc(sizeof(*q));

	if (q == NULL)
		return NULL;
	q->kq = kqueue();
	if (q->kq < 0) {
		free(q);
		return NULL;
	}
	(void)fcntl(q->kq, F_SETFD, FD_CLOEXEC);
	return q;
}

void
hq_destroy(struct hq *q)
{
	if (q != NULL) {
		close(q->kq);
		free(q);
	}
}

int
hq_fd(const struct hq *q)
{
	return q->kq;
}

int
hq_change(struct hq *q, const struct hq_event *changes, int n)
{
	struct kevent kev;
	int i, kf;

	/* One at a time: kevent(2) without an event list stops at the first
	 * failure too, but this names which change failed in errno. */
	for (i = 0; i < n; i++) {
		kf = filter_to_kq(changes[i].filter);
		if (kf == 0)
			return -EINVAL;
		EV_SET(&kev, changes[i].ident, kf,
		    flags_map(changes[i].flags, 1),
		    fflags_map(changes[i].filter, changes[i].fflags, 1),
		    changes[i].data, changes[i].udata);
		if (kevent(q->kq, &kev, 1, NULL, 0, NULL) < 0)
			return -errno;
	}
	return 0;
}

int
hq_wait(struct hq *q, struct hq_event *out, int max, int64_t timeout_ns)
{
	struct kevent kev[HQ_WAIT_BATCH];
	struct timespec ts, *tsp = NULL;
	int n, i, f;

	if (max < 0 || (max > 0 && out == NULL))
		return -EINVAL;
	if (max > HQ_WAIT_BATCH)
		max = HQ_WAIT_BATCH;
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tsp = &ts;
	}
	n = kevent(q->kq, NULL, 0, kev, max, tsp);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		f = filter_from_kq(kev[i].filter);
		out[i] = hq_event(kev[i].ident, f,
		    flags_map(kev[i].flags, 0),
		    fflags_map(f, kev[i].fflags, 0), kev[i].data,
		    (void *)kev[i].udata);
	}
	return n;
}

/* kqueue_scan asks each knote's filter again at retrieval: no file needed. */
void
hq_poll_file_source(struct hq *q, int (*file_of)(void *, void *), void *ctx)
{
	(void)q;
	(void)file_of;
	(void)ctx;
}
