/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The inotify event queue (see queue.h).  Linux's rules, from
 * fsnotify_insert_event and inotify_merge: once max_events are waiting,
 * a new event becomes the single overflow event (queued only if it is not
 * already waiting, and counted too); otherwise an event equal to the tail
 * in wd, mask, cookie and name is merged into it, unless the tail is an
 * IN_IGNORED.
 */
#include <stdlib.h>
#include <string.h>

#include "inotify/queue.h"
#include "lxrun/linux_abi.h"

void
inq_init(struct inq *q, size_t max_events)
{
	memset(q, 0, sizeof(*q));
	q->max_events = max_events;
}

void
inq_fini(struct inq *q)
{
	inq_pop(q, q->count);
}

static size_t
padded_name(uint32_t namelen)
{
	if (namelen == 0)
		return 0;
	/* The name, its NUL, padded to a whole event header (16 bytes). */
	return (namelen + 1 + LX_INOTIFY_EVENT_SIZE - 1) &
	    ~(size_t)(LX_INOTIFY_EVENT_SIZE - 1);
}

size_t
inq_event_size(const struct inq_event *e)
{
	return LX_INOTIFY_EVENT_SIZE + padded_name(e->namelen);
}

size_t
inq_encode(const struct inq_event *e, void *buf)
{
	struct lx_inotify_event h;
	size_t pad = padded_name(e->namelen);

	h.wd = e->wd;
	h.mask = e->mask;
	h.cookie = e->cookie;
	h.len = (uint32_t)pad;
	memcpy(buf, &h, sizeof(h));
	if (pad > 0) {
		memset((char *)buf + sizeof(h), 0, pad);
		memcpy((char *)buf + sizeof(h), e->name, e->namelen);
	}
	return sizeof(h) + pad;
}

static int
same_event(const struct inq_event *e, int32_t wd, uint32_t mask,
    uint32_t cookie, const char *name, size_t namelen)
{
	if (e->mask & LX_IN_IGNORED)
		return 0;
	return e->wd == wd && e->mask == mask && e->cookie == cookie &&
	    e->namelen == namelen &&
	    (namelen == 0 || memcmp(e->name, name, namelen) == 0);
}

static void
append(struct inq *q, struct inq_event *e)
{
	e->next = NULL;
	if (q->tail != NULL)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	if (q->unsent == NULL)
		q->unsent = e;
	q->count++;
	q->bytes += inq_event_size(e);
}

enum inq_push_result
inq_push(struct inq *q, int32_t wd, uint32_t mask, uint32_t cookie,
    const char *name)
{
	size_t namelen = name != NULL ? strnlen(name, LX_NAME_MAX) : 0;
	struct inq_event *e;

	if (q->count >= q->max_events) {
		if (q->overflow_queued)
			return INQ_DROPPED;
		wd = -1;
		mask = LX_IN_Q_OVERFLOW;
		cookie = 0;
		namelen = 0;
	} else if (q->tail != NULL &&
	    same_event(q->tail, wd, mask, cookie, name, namelen)) {
		return INQ_MERGED;
	}
	if ((e = malloc(sizeof(*e) + namelen + 1)) == NULL)
		return INQ_NOMEM;
	e->wd = wd;
	e->mask = mask;
	e->cookie = cookie;
	e->namelen = (uint32_t)namelen;
	if (namelen > 0)
		memcpy(e->name, name, namelen);
	e->name[namelen] = '\0';
	append(q, e);
	if (mask == LX_IN_Q_OVERFLOW && wd == -1) {
		q->overflow_queued = 1;
		return INQ_OVERFLOW;
	}
	return INQ_QUEUED;
}

long
inq_pack(const struct inq *q, void *buf, size_t count, size_t *nev)
{
	const struct inq_event *e;
	size_t used = 0, n = 0, sz;

	for (e = q->head; e != NULL; e = e->next) {
		sz = inq_event_size(e);
		if (sz > count - used)
			break;
		inq_encode(e, (char *)buf + used);
		used += sz;
		n++;
	}
	*nev = n;
	if (n == 0 && q->head != NULL)
		return -1;
	return (long)used;
}

void
inq_pop(struct inq *q, size_t n)
{
	struct inq_event *e;

	while (n-- > 0 && (e = q->head) != NULL) {
		q->head = e->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->count--;
		q->bytes -= inq_event_size(e);
		if (q->nsent > 0)
			q->nsent--;
		else
			q->unsent = e->next;
		if (e->wd == -1 && e->mask == LX_IN_Q_OVERFLOW)
			q->overflow_queued = 0;
		free(e);
	}
}

void
inq_mark_sent(struct inq *q)
{
	if (q->unsent != NULL) {
		q->unsent = q->unsent->next;
		q->nsent++;
	}
}
