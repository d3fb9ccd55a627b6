/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll, emulated (DESIGN.md decisions 2, 3, 5): private to src/epoll.
 *
 * An instance (struct ep_inst) lives in the supervisor.  The guest's
 * epoll fd is the read end of a pipe whose write end (o.sup_fd) the
 * supervisor keeps: one byte sits in the pipe while the instance has
 * something to report, so poll, select and a nested epoll on the guest's
 * fd work natively, and a waiting epoll_wait parks in a ppoll on it.
 *
 * Each registration (struct ep_item) is an HQ_POLL knote in the
 * instance's own host queue: the queue keeps no reference to the guest's
 * file, so a guest close() closes it at once (the peer sees EOF), and the
 * knote ends with the file as Linux's epitem does (eventpoll_release).
 * The knote asks the file itself at harvest time for its readiness (the
 * question ep_item_poll asks), with the registration's trigger mode, so
 * what is reported per kind of file is the kernel's own answer.
 *
 * Two kinds of target are also looked at here: a signalfd, whose
 * readiness depends on the thread that waits (its knote only tells
 * whether the file lives), and a nested emulated instance, whose marker
 * is brought up to date before the outer one is asked.
 */
#ifndef EPOLL_INT_H
#define EPOLL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

struct ep_inst;

struct ep_item {
	struct ep_inst *ep;
	int fd;				/* guest fd number: the key, with */
	uintptr_t key;			/*   the file of knote key in ep->hq */
	uint32_t events;		/* as registered (plus ERR|HUP) */
	uint64_t data;
	struct ep_inst *nested;		/* the target is an emulated epoll */
	/* signalfd targets: readiness is computed for the caller */
	bool sigfd;
	bool armed;			/* false: ONESHOT fired, until MOD */
	bool ready;			/* on ep->ready */
	uint64_t sigmask;		/* the signalfd's mask, as last read */
	uint64_t sig_seen;		/* EPOLLET: pending set last reported */
	unsigned pass;			/* harvest that reported it last */
	TAILQ_ENTRY(ep_item) link;	/* ep->items */
	TAILQ_ENTRY(ep_item) rdl;	/* ep->ready */
	struct ep_item *fdnext;		/* ep->byfd chain */
};

TAILQ_HEAD(ep_items, ep_item);

/* A record harvested, not yet in the guest's memory. */
struct ep_rec {
	struct ep_item *it;
	uint32_t events;
	uint64_t data;
};

struct ep_inst {
	struct lx_object o;		/* kind "eventpoll"; sup_fd: pipe W */
	uint64_t id;			/* never reused (parked waiters) */
	struct hq *hq;			/* one HQ_POLL knote per registration */
	struct lx_source src;		/* loop's watch on hq_fd(hq) */
	struct ep_items items;
	struct ep_items ready;		/* signalfd items ready for the caller */
	struct ep_item **byfd;		/* registrations by guest fd number */
	int nbyfd;			/* buckets (a power of 2) */
	int nitems;
	int nsigfd;			/* signalfd items among them */
	int nnested;			/* items that are emulated epolls */
	int gc_at;			/* look for ended ones at this many */
	uintptr_t next_key;
	bool self;			/* knote EP_SELF_KEY: our own read end */
	struct ep_rec *pend;		/* records put back (EFAULT) */
	int npend, cpend;
	bool byte;			/* the marker byte is in the pipe */
	bool watched;			/* src is in the loop's queue */
	bool watch_off;			/* src off until the byte goes */
	bool dead;			/* released; memory kept for the loop */
	bool orphan;			/* no guest fd left, a waiter still on it */
	bool host_first;		/* harvest order (fairness) */
	unsigned pass;			/* harvests so far */
	int waiters;			/* threads parked on it */
	struct hq *loop;		/* the queue src is in */
	/* EPIOCSPARAMS's, shown by EPIOCGPARAMS (nothing busy-polls) */
	uint32_t busy_poll_usecs;
	uint16_t busy_poll_budget;
	uint8_t prefer_busy_poll;
	LIST_ENTRY(ep_inst) all;
};

/* The knote of the instance's own guest end (identity of the epoll fd). */
#define EP_SELF_KEY	((uintptr_t)0)

/* --- epoll_inst.c: the instance, independent of the guest ------------ */

/* A new instance over sup_fd (the pipe's write end); NULL: no memory. */
struct ep_inst *ep_inst_new(int sup_fd);
/*
 * Remember the guest's own end of the instance (a supervisor copy of it,
 * which the caller keeps), so that ep_is_fd can tell it in one kcmp.
 */
int ep_inst_set_self(struct ep_inst *ep, int copy);
/* Is guest thread tid's fd this instance's own guest end?  1, 0. */
int ep_is_fd(struct ep_inst *ep, int tid, int fd);
/*
 * Release: every registration, the host queue and sup_fd go now; the
 * struct itself when no event the loop already holds can name it.
 */
void ep_inst_free(struct ep_inst *ep);
/* Free the structs of released instances (never from a loop callback). */
void ep_inst_reap(void);
/* Watch the instance's queue from the supervisor's loop (lx_loop_hq). */
int ep_inst_watch(struct ep_inst *ep, struct hq *loop);
/* The instance with this id if it still exists (even released), or NULL. */
struct ep_inst *ep_inst_by_id(uint64_t id);

/* The registration of (fd, the open file thread tid has at fd), or NULL. */
struct ep_item *ep_find(struct ep_inst *ep, int fd, int tid);
/*
 * The one registration under fd number fd, if there is exactly one (its
 * file unchecked: a host MOD or DEL names the file and checks it).
 */
struct ep_item *ep_only(struct ep_inst *ep, int fd);
/* Does `to` reach `ep`, or would ep -> to nest deeper than Linux allows? */
bool ep_would_loop(struct ep_inst *ep, struct ep_inst *to);
/*
 * Register the file behind copy (a supervisor fd, which the caller keeps
 * and closes) as fd with events/data; anon: an anonymous inode (it may be
 * a signalfd).  Returns the item, or NULL with *err set (-LX_EPERM: the
 * file has no poll; -LX_EBADF: O_PATH; -LX_ENOSPC, -LX_ENOMEM).
 */
struct ep_item *ep_insert(struct ep_inst *ep, int fd, int copy,
    uint32_t events, uint64_t data, struct ep_inst *nested, bool anon,
    int *err);
/* EPOLL_CTL_MOD; copy is the file again.  -LX_ENOENT: not its file. */
int ep_modify(struct ep_item *it, int copy, uint32_t events, uint64_t data);
int ep_modify_data(struct ep_item *it, int tid, uint32_t events,
    uint64_t data);
/* EPOLL_CTL_DEL; copy is the file again. */
int ep_delete(struct ep_item *it, int copy);
/*
 * Look for registrations whose file is gone when there are twice as many
 * as at the last look, so that ended ones cost O(1) each.
 */
void ep_collect(struct ep_inst *ep);

/*
 * Harvesting, as Linux's ep_send_events: begin() brings nested instances
 * and signalfd items up to date; harvest() takes up to max records (one
 * per item, bits OR-ed, ET and ONESHOT applied, level items re-queued);
 * unharvest() puts back recs[from..n-1] when the copy-out to the guest
 * failed: they are reported first next time.
 */
void ep_harvest_begin(struct ep_inst *ep);
int ep_harvest(struct ep_inst *ep, struct ep_rec *recs, int max);
void ep_unharvest(struct ep_inst *ep, const struct ep_rec *recs, int from,
    int n);
/* Guest fd numbers of the armed signalfd items (for the park), at most max. */
int ep_sigfds(struct ep_inst *ep, int *fds, int max);
/* Make the marker follow the instance; true if it has something. */
bool ep_refresh(struct ep_inst *ep);

/* Every instance (for nesting checks). */
LIST_HEAD(ep_inst_list, ep_inst);
extern struct ep_inst_list ep_all;

/* --- epoll_host.c: host primitives (Linux host; the NetBSD port swaps) - */

/* Identity and LX_S_IF* type (0: anonymous inode) of a supervisor fd. */
int ep_host_file(int fd, uint64_t *dev, uint64_t *ino, uint32_t *type);
/* Does fd poll readable now (a nested queue's fd)? */
bool ep_host_readable(int fd);
/* Put the marker byte in the pipe / take it out again. */
int ep_host_byte_set(int sup_fd);
int ep_host_byte_clear(int sup_fd);
void ep_host_close(int fd);
/*
 * signalfd readiness depends on who asks (signalfd_poll looks at the
 * caller's pending signals), so it cannot come from the host queue: it
 * is computed for guest thread tid: its pending signals (its own and its
 * process's) in the signalfd's mask, as a signal set.
 */
bool ep_host_sigfd_mask(int copy, uint64_t *mask);
bool ep_host_guest_sigfd_mask(int tid, int fd, uint64_t *mask);
uint64_t ep_host_sigfd_pending(uint64_t mask, int tid);
/* The guest thread on whose behalf the instance is being looked at. */
extern int ep_cur_tid;

/* --- epoll_fdinfo.c: the tfd: lines of the epoll fd's /proc fdinfo ---- */
size_t ep_fdinfo(struct lx_object *o, char *t, size_t cap);

/* --- epoll_sys.c ------------------------------------------------------- */

/* Instance behind a guest fd (by identity), or NULL. */
struct ep_inst *ep_of_fd(struct lx_guest *g, int fd);
/* The calls on an epoll fd its stand-in pipe would answer (fdcalls). */
void ep_fdcalls_init(void);
/* Forget the fd -> instance cache entries of ep. */
void ep_cache_forget(struct ep_inst *ep);

extern const struct lx_object_ops ep_object_ops;

#endif
