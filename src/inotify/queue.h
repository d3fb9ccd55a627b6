/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event queue of one inotify instance, as inotify(7) describes it:
 * events in order, an event identical to the unread tail merged into it,
 * one IN_Q_OVERFLOW (wd -1) once max_queued_events are waiting, and reads
 * that take whole events only.  Pure data structure: no guest, no host.
 *
 * The first nsent events have also been sent to the guest's socket as one
 * record each (inotify.c keeps that prefix in step with what the guest
 * read); the queue itself is the truth about content and order.
 */
#ifndef LXRUN_INOTIFY_QUEUE_H
#define LXRUN_INOTIFY_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct inq_event {
	struct inq_event *next;
	int32_t wd;
	uint32_t mask;
	uint32_t cookie;
	uint32_t namelen;	/* strlen(name), 0: no name */
	char name[];
};

struct inq {
	struct inq_event *head, *tail;
	size_t count;		/* events queued, overflow event included */
	size_t bytes;		/* their size as read() returns them */
	size_t nsent;		/* head events also sent to the socket */
	struct inq_event *unsent;	/* first event not sent yet, or NULL */
	size_t max_events;	/* max_queued_events */
	int overflow_queued;	/* the overflow event is waiting */
};

/* What inq_push did. */
enum inq_push_result {
	INQ_QUEUED = 0,
	INQ_MERGED,		/* identical to the tail: dropped */
	INQ_OVERFLOW,		/* queue full: IN_Q_OVERFLOW queued instead */
	INQ_DROPPED,		/* queue full and overflow already waiting */
	INQ_NOMEM,
};

void inq_init(struct inq *q, size_t max_events);
void inq_fini(struct inq *q);
enum inq_push_result inq_push(struct inq *q, int32_t wd, uint32_t mask,
    uint32_t cookie, const char *name);

/* Size of one event as read() returns it: 16 + name padded to 16. */
size_t inq_event_size(const struct inq_event *e);
/* Write e as Linux lays it out into buf (inq_event_size(e) bytes). */
size_t inq_encode(const struct inq_event *e, void *buf);
/*
 * Lay out as many whole head events as fit in count bytes into buf.
 * Returns the bytes written and *nev the events they hold; 0 when the
 * queue is empty; -1 when the first event does not fit (read's EINVAL).
 */
long inq_pack(const struct inq *q, void *buf, size_t count, size_t *nev);
/* The first unsent event has been sent. */
void inq_mark_sent(struct inq *q);
/* Drop n events from the head (they were read). */
void inq_pop(struct inq *q, size_t n);

#endif
