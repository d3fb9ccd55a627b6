/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll, emulated (DESIGN.md decisions 2, 3, 5): private to src/epoll.
 *
 * An instance (struct ep_inst) lives in the supervisor.  The guest's
 * epoll fd is the read end of a pipe whose write end (o.sup_fd) the
 * supervisor keeps: one byte sits in the pipe while the ready list is not
 * empty, so poll, select and a nested epoll on the guest's fd work
 * natively, and a waiting epoll_wait parks in a ppoll on it.
 *
 * Each registration (struct ep_item) holds the supervisor's copy of the
 * guest's open file and watches it in the instance's own host queue
 * (READ/WRITE filters, HQ_CLEAR).  A host event only says "look again":
 * as Linux's ep_poll_callback, it puts the item on the ready list, and at
 * harvest the item's readiness is asked of the file itself (poll(2) on
 * the copy, the question ep_item_poll asks of f_op->poll), so what is
 * reported per kind of file is the kernel's own answer.
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
	int copy;			/*   the open file this copy holds */
	uint32_t events;		/* as registered (plus ERR|HUP) */
	uint64_t data;
	bool armed;			/* false: ONESHOT fired, until MOD */
	bool ready;			/* on ep->ready */
	bool pending;			/* its file's references are unknown */
	unsigned seen;			/* harvest pass that reported it */
	unsigned filters;		/* host filters in ep->hq (bits) */
	struct ep_inst *nested;		/* the target is an emulated epoll */
	bool sigfd;			/* a signalfd: ready per the caller */
	uint64_t sig_seen;		/* EPOLLET: pending set last reported */
	int ref_pid, ref_fd;		/* last known guest reference */
	TAILQ_ENTRY(ep_item) link;	/* ep->items */
	TAILQ_ENTRY(ep_item) rdl;	/* ep->ready */
	int *alias;			/* other fd numbers seen holding it */
	int nalias;
};

TAILQ_HEAD(ep_items, ep_item);

struct ep_inst {
	struct lx_object o;		/* kind "eventpoll"; sup_fd: pipe W */
	struct hq *hq;			/* the copies' READ/WRITE filters */
	struct lx_source src;		/* loop's watch on hq_fd(hq) */
	struct ep_items items;
	struct ep_items ready;
	int nitems;
	int nsigfd;			/* signalfd items among them */
	int nnested;			/* items that are emulated epolls */
	bool byte;			/* the marker byte is in the pipe */
	bool watched;			/* src is in the loop's queue */
	bool dead;			/* released; memory kept for the loop */
	unsigned pass;			/* harvest pass number */
	struct hq *loop;		/* the queue src is in */
	LIST_ENTRY(ep_inst) all;
};

/* Host filter bits in ep_item.filters. */
#define EP_F_READ	0x1
#define EP_F_WRITE	0x2

/* --- epoll_inst.c: the instance, independent of the guest ------------ */

/* A new instance over sup_fd (the pipe's write end); NULL: no memory. */
struct ep_inst *ep_inst_new(int sup_fd);
/*
 * Release: every registration, the host queue and sup_fd go now; the
 * struct itself when no event the loop already holds can name it.
 */
void ep_inst_free(struct ep_inst *ep);
/* Free the structs of released instances (never from a loop callback). */
void ep_inst_reap(void);
/* Watch the instance's queue from the supervisor's loop (lx_loop_hq). */
int ep_inst_watch(struct ep_inst *ep, struct hq *loop);

/* The registration of (fd, the open file guest pid has at fd), or NULL. */
struct ep_item *ep_find(struct ep_inst *ep, int fd, int pid);
/* Does `to` reach `ep`, or would ep -> to nest deeper than Linux allows? */
bool ep_would_loop(struct ep_inst *ep, struct ep_inst *to);
/*
 * Register copy (owned by the item from now on) as fd with events/data.
 * Returns the item, or NULL with *err set (-LX_E*); on failure the copy
 * is closed.
 */
struct ep_item *ep_insert(struct ep_inst *ep, int fd, int copy,
    uint32_t events, uint64_t data, struct ep_inst *nested, int *err);
int ep_modify(struct ep_item *it, uint32_t events, uint64_t data);
/* Drop the registration: its filters, its copy, the item. */
void ep_remove(struct ep_item *it);

/*
 * Harvesting, as Linux's ep_send_events: begin() pulls the host events
 * and starts a pass; each harvest() takes up to max more records off the
 * ready list (one per item, bits OR-ed, ET and ONESHOT applied, level
 * items re-queued at the tail, each item at most once per pass) and
 * names the items in its[].  unharvest() puts back its[from..n-1] when
 * the copy-out to the guest failed.
 */
void ep_harvest_begin(struct ep_inst *ep);
int ep_harvest(struct ep_inst *ep, struct lx_epoll_event *out,
    struct ep_item **its, int max);
void ep_unharvest(struct ep_inst *ep, struct ep_item **its, int from, int n);
/* Guest fd numbers of the armed signalfd items (for the park), at most max. */
int ep_sigfds(struct ep_inst *ep, int *fds, int max);
/* Pull pending host events, drop what is not ready, fix the marker. */
bool ep_refresh(struct ep_inst *ep);
/* Make the marker byte follow the ready list. */
void ep_sync_byte(struct ep_inst *ep);

/* Every instance (for nesting checks and file rechecks). */
LIST_HEAD(ep_inst_list, ep_inst);
extern struct ep_inst_list ep_all;

/* --- epoll_host.c: host primitives (Linux host; the NetBSD port swaps) - */

/* Linux poll bits of each fd (events in, revents out); -errno on error. */
struct ep_poll {
	int fd;
	uint32_t events;
	uint32_t revents;
};
int ep_host_poll(struct ep_poll *p, int n);
/* Is guest (pid, fd) the open file our copy holds?  1 yes, 0 no, < 0. */
int ep_host_same_file(int copy, int pid, int fd);
/*
 * Find a reference to copy's open file among pid's fds: its fd number,
 * or -1.  Calls found() for every other match too when it is not NULL.
 */
int ep_host_find_file(int copy, int pid, void (*found)(void *, int),
    void *arg);
/* Put the marker byte in the pipe / take it out again. */
int ep_host_byte_set(int sup_fd);
/*
 * signalfd readiness depends on who asks (signalfd_poll looks at the
 * caller's pending signals), so it cannot come from the supervisor's copy:
 * it is computed for guest thread tid: its pending signals (its own and
 * its process's) in the signalfd's mask, as a signal set.
 */
bool ep_host_is_signalfd(int copy);
uint64_t ep_host_sigfd_pending(int copy, int tid);
/* The guest thread on whose behalf the instance is being looked at. */
extern int ep_cur_tid;
int ep_host_byte_clear(int sup_fd);
void ep_host_close(int fd);

/* --- epoll_fdlife.c: registrations follow the guest's open files ----- */

/* A registration was made: trap its fd number's closes in g's process. */
void ep_life_added(struct ep_item *it, struct lx_guest *g);
/*
 * An epoll call stopped in g's process: remember the process, install
 * the close traps it still owes.
 */
void ep_life_seen(struct lx_guest *g);
/* Instance behind a guest fd, or NULL. */
struct ep_inst *ep_of_fd(struct lx_guest *g, int fd);

extern const struct lx_object_ops ep_object_ops;

#endif
