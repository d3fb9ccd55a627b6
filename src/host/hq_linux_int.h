/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to hq_linux*.c: the knote and queue structures shared by the
 * core (hq_linux.c) and the vnode filter (hq_linux_vnode.c).
 */
#ifndef HQ_LINUX_INT_H
#define HQ_LINUX_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "lxrun/host.h"

struct vwatch;

/* Knote status bits, as in NetBSD's kern_event.c. */
#define KN_ACTIVE	0x01	/* the filter said "true" */
#define KN_QUEUED	0x02	/* on the active queue */
#define KN_DISABLED	0x04	/* HQ_DISABLE or HQ_DISPATCH fired */

/* How a READ/WRITE knote learns of activity. */
enum kn_how {
	KN_EPOLL,		/* edge-triggered entry in q->rset / q->wset */
	KN_ALWAYS,		/* epoll refuses the fd (regular file): ready */
};

struct knote {
	struct knote *hnext;		/* (ident, filter) hash chain */
	TAILQ_ENTRY(knote) tq;		/* active queue */
	uintptr_t ident;
	int filter;
	unsigned flags;			/* ONESHOT | CLEAR | DISPATCH */
	unsigned status;		/* KN_* */
	uint32_t sfflags;		/* fflags given in the change */
	int64_t sdata;			/* data given in the change */
	void *udata;
	/* Pending state, reset by HQ_CLEAR after retrieval. */
	uint32_t fflags;
	int64_t data;
	bool eof;
	uint32_t slot;			/* index in q->slots; epoll tag */
	uint32_t gen;			/* slot generation; epoll tag */
	int fd;				/* own signalfd/timerfd/pidfd, or -1 */
	bool hook;			/* USER: triggered; PROC: exited */
	bool sock;			/* ident is a socket */
	bool uncounted;			/* FIONREAD fails on it (epoll) */
	enum kn_how how;
	dev_t dev;			/* identity of ident's file (VNODE, */
	ino_t ino;			/*   KN_ALWAYS) */
	/* HQ_VNODE */
	struct vwatch *vw;		/* the watch on ident's inode */
	struct knote *vnext;		/* next knote on vw */
	struct vwatch *pw;		/* directory: watch on its parent */
	struct knote *pnext;		/* next child knote on pw */
	unsigned vchecked;		/* q->pass that proved ident (0: none) */
	/* HQ_POLL */
	int num;			/* fd number keying its q->epfd item */
	unsigned drained;		/* q->pass of the harvest that saw it */
	unsigned relisted;		/* level, retrieved after harvest */
	uint64_t relist_seq;		/*   relisted: in this order */
	bool direct;			/* READ|CLEAR: its item is in q->epfd */
	/* HQ_POLL on a file that reports a change once (hq_linux_once.c) */
	int shadow;			/* our own open of it, or -1 */
	uint32_t spend;			/* change seen there, not yet queued */
	struct hq *sq;			/* the knote's queue */
	struct knote *onext;		/* every knote with a shadow */
};

TAILQ_HEAD(knq, knote);

#define HQ_HASH		256

struct hq {
	int epfd;			/* hq_fd(): everything nests here */
	int rset;			/* ET epoll of READ fds */
	int wset;			/* ET epoll of WRITE fds */
	int bell;			/* eventfd: the active queue is non-empty */
	bool bell_rung;
	struct knq active;
	int nactive;
	struct knote *hash[HQ_HASH];
	struct knote **slots;		/* slot -> knote (NULL: free) */
	uint32_t *slotgen;
	uint32_t nslots;
	uint32_t *freeslots;		/* stack of free slot numbers */
	uint32_t nfree;
	/* HQ_POLL (hq_linux_poll.c); its items are in q->epfd */
	int npoll;			/* HQ_POLL knotes */
	int ndirect;			/* READ knotes whose item is in q->epfd */
	void *ebuf;			/* harvest buffer, nebuf entries */
	int nebuf;
	uint64_t *pnums;		/* fd numbers keying q->epfd items */
	int npnums;			/* bits in pnums */
	int pnum_hint;			/* no free number below it */
	unsigned pass;			/* harvests so far */
	uint64_t relist_seq;		/* level HQ_POLL retrievals so far */
	int (*file_of)(void *, void *);	/* hq_poll_file_source */
	void *file_ctx;
	/* HQ_VNODE */
	int ifd;			/* inotify, made at the first VNODE knote */
	struct vwatch *wd_hash[HQ_HASH];
	struct vwatch *ino_hash[HQ_HASH];
};

static inline uint64_t
kn_tag(const struct knote *kn)
{
	return (uint64_t)kn->gen << 32 | kn->slot;
}

/* Core services for the filters. */
void hq_knote_activate(struct hq *q, struct knote *kn);
void hq_knote_drop(struct hq *q, struct knote *kn);
struct knote *hq_knote_lookup(struct hq *q, uintptr_t ident, int filter);
struct knote *hq_knote_from_tag(struct hq *q, uint64_t tag);

/* READ, WRITE, SIGNAL, TIMER, PROC, USER (hq_linux_filt.c). */
int hqf_attach(struct hq *q, struct knote *kn);
void hqf_detach(struct hq *q, struct knote *kn);
bool hqf_same(struct hq *q, const struct knote *kn);
bool hqf_event(struct hq *q, struct knote *kn);
int hqf_arm(struct hq *q, const struct knote *kn, bool on);
int hqf_timer_arm(struct knote *kn);

/* Nest fd in q->epfd under tag (level-triggered); lazily made sources. */
int hq_nest(struct hq *q, int fd, uint64_t tag);
int hq_need_sets(struct hq *q);

/* Tags of the fixed sources in q->epfd; knote tags have bit 63 clear. */
#define TAG_RSET	(UINT64_C(1) << 63 | 1)
#define TAG_WSET	(UINT64_C(1) << 63 | 2)
#define TAG_INOTIFY	(UINT64_C(1) << 63 | 3)
#define TAG_BELL	(UINT64_C(1) << 63 | 4)

/* HQ_POLL (hq_linux_poll.c). */
int hqp_attach(struct hq *q, struct knote *kn, int fd);
int hqp_modify(struct hq *q, struct knote *kn, int fd);
int hqp_delete(struct hq *q, struct knote *kn, int fd);
void hqp_detach(struct hq *q, struct knote *kn);
void hqp_prune(struct hq *q);
/* scan's question for an HQ_POLL knote: report it?  (false: it may be gone) */
bool hqp_recheck(struct hq *q, struct knote *kn);
struct epoll_event;
void hqp_relist_order(struct hq *q, struct epoll_event *e, int n);
void hqp_fini(struct hq *q);
/*
 * q->epfd keys HQ_POLL items by numbers of ours that no held fd has; an
 * fd of ours about to be added to q->epfd must not have one of those
 * numbers (hq_unclash moves it), and a number that keyed an item of ours
 * we could not delete is kept from HQ_POLL (hqp_taint).
 */
int hq_unclash(struct hq *q, int fd);
void hq_ring(struct hq *q);

/* HQ_POLL on files that report a change once (hq_linux_once.c). */
void hqo_attach(struct hq *q, struct knote *kn, int fd);
void hqo_detach(struct knote *kn);
uint32_t hqo_item_bits(const struct knote *kn, uint32_t bits);
void hqo_poll(void);
void hqo_apply(struct hq *q);
bool hqp_number_taken(const struct hq *q, int k);
void hqp_taint(struct hq *q, int k);

/* HQ_VNODE (hq_linux_vnode.c). */
int hqv_init(struct hq *q);
void hqv_fini(struct hq *q);
int hqv_attach(struct hq *q, struct knote *kn);
int hqv_modify(struct hq *q, struct knote *kn);
void hqv_detach(struct hq *q, struct knote *kn);
void hqv_drain(struct hq *q);
bool hqv_same(const struct knote *kn);

#endif
