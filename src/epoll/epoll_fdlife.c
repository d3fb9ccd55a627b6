/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Registrations follow the guest's open files (DESIGN.md decision 5).
 *
 * A registration holds the supervisor's copy of the guest's open file,
 * and a copy keeps the file open: a guest close() must still really
 * close (a peer sees EOF at once).  So every place where the guest can
 * drop a reference is watched, and the copy is dropped as soon as no fd
 * of any traced process refers to the file any more:
 *
 *  - close(N), dup2(_, N), dup3(_, N) for the fd numbers that hold a
 *    registered file stop (a per-fd seccomp rule in that process, which
 *    its children inherit); after the call, the registrations that may
 *    have lost a reference are checked again;
 *  - exec (close-on-exec fds) and process exit check every registration.
 *
 * "Is the file still referenced?" asks kcmp(KCMP_FILE) first of the last
 * reference we knew of, then of every fd of every traced process.  A
 * reference found under another fd number gets its own close rule (at the
 * process's next stop in an epoll call or a trapped close).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epoll/epoll_int.h"
#include "lxrun/dispatch.h"

/* A traced process: which fd numbers already stop on close. */
struct ep_proc {
	int pid;
	uint8_t *trapped;		/* bitmap of fd numbers */
	int ntrapped;			/* bits */
	int *owed;			/* fd numbers to trap at the next stop */
	int nowed, cowed;
	struct ep_proc *next;
};

static struct ep_proc *procs;

static const struct lx_fd_trap close_traps[] = {
	{ LX_NR_close, 0 }, { LX_NR_dup2, 1 }, { LX_NR_dup3, 1 },
};

static struct ep_proc *
proc_find(int pid)
{
	for (struct ep_proc *p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static struct ep_proc *
proc_get(int pid)
{
	struct ep_proc *p = proc_find(pid);

	if (p != NULL || (p = calloc(1, sizeof(*p))) == NULL)
		return p;
	p->pid = pid;
	p->next = procs;
	procs = p;
	return p;
}

static void
proc_free(int pid)
{
	for (struct ep_proc **pp = &procs; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->pid == pid) {
			struct ep_proc *p = *pp;

			*pp = p->next;
			free(p->trapped);
			free(p->owed);
			free(p);
			return;
		}
}

static bool
proc_trapped(const struct ep_proc *p, int fd)
{
	return fd < p->ntrapped && (p->trapped[fd / 8] & (1 << (fd % 8)));
}

static void
proc_mark(struct ep_proc *p, int fd)
{
	if (fd >= p->ntrapped) {
		int n = (fd / 64 + 1) * 64;
		uint8_t *b = realloc(p->trapped, (size_t)n / 8);

		if (b == NULL)
			return;
		memset(b + p->ntrapped / 8, 0, (size_t)(n - p->ntrapped) / 8);
		p->trapped = b;
		p->ntrapped = n;
	}
	p->trapped[fd / 8] |= (uint8_t)(1 << (fd % 8));
}

/* Remember that fd's closes must stop in p (installed at its next stop). */
static void
proc_owe(struct ep_proc *p, int fd)
{
	if (proc_trapped(p, fd))
		return;
	for (int i = 0; i < p->nowed; i++)
		if (p->owed[i] == fd)
			return;
	if (p->nowed == p->cowed) {
		int n = p->cowed ? 2 * p->cowed : 8;
		int *o = realloc(p->owed, (size_t)n * sizeof(*o));

		if (o == NULL)
			return;
		p->owed = o;
		p->cowed = n;
	}
	p->owed[p->nowed++] = fd;
}

/* Install what p owes, from a stop of one of its threads. */
static void
proc_pay(struct ep_proc *p, struct lx_guest *g)
{
	while (p->nowed > 0) {
		int fd = p->owed[--p->nowed];

		if (proc_trapped(p, fd))
			continue;
		if (lx_guest_trap_fd(g, close_traps, 3, fd) == 0)
			proc_mark(p, fd);
	}
}

void
ep_life_seen(struct lx_guest *g)
{
	struct ep_proc *p = proc_get(g->pid);

	if (p != NULL)
		proc_pay(p, g);
}

void
ep_life_added(struct ep_item *it, struct lx_guest *g)
{
	struct ep_proc *p = proc_get(g->pid);

	it->ref_pid = g->pid;
	it->ref_fd = it->fd;
	if (p != NULL) {
		proc_owe(p, it->fd);
		proc_pay(p, g);
	}
}

struct ep_inst *
ep_of_fd(struct lx_guest *g, int fd)
{
	return (struct ep_inst *)lx_object_find(g, fd, &ep_object_ops);
}

/* --- is the file still referenced? ------------------------------------ */

static void
alias_add(struct ep_item *it, int fd)
{
	int *a;

	if (fd == it->fd)
		return;
	for (int i = 0; i < it->nalias; i++)
		if (it->alias[i] == fd)
			return;
	if ((a = realloc(it->alias, (size_t)(it->nalias + 1) *
	    sizeof(*a))) == NULL)
		return;
	it->alias = a;
	it->alias[it->nalias++] = fd;
}

struct found_ctx {
	struct ep_item *it;
	struct ep_proc *p;
};

static void
found_ref(void *arg, int fd)
{
	struct found_ctx *f = arg;

	alias_add(f->it, fd);
	if (f->p != NULL)
		proc_owe(f->p, fd);
}

/* Keep the registration while any traced fd refers to its file. */
static void
recheck(struct ep_item *it)
{
	if (ep_host_same_file(it->copy, it->ref_pid, it->ref_fd) == 1)
		return;
	for (struct ep_proc *p = procs; p != NULL; p = p->next) {
		struct found_ctx f = { it, p };
		int fd = ep_host_find_file(it->copy, p->pid, found_ref, &f);

		if (fd >= 0) {
			it->ref_pid = p->pid;
			it->ref_fd = fd;
			return;
		}
	}
	ep_remove(it);
}

static bool
names_fd(const struct ep_item *it, int fd)
{
	if (it->fd == fd || it->ref_fd == fd)
		return true;
	for (int i = 0; i < it->nalias; i++)
		if (it->alias[i] == fd)
			return true;
	return false;
}

static bool
any_names_fd(int fd)
{
	struct ep_inst *ep;
	struct ep_item *it;

	LIST_FOREACH(ep, &ep_all, all)
		TAILQ_FOREACH(it, &ep->items, link)
			if (names_fd(it, fd))
				return true;
	return false;
}

/*
 * Recheck registrations (those that name fd, or all with fd < 0).  A
 * removal changes the lists being walked, so the walk starts again; what
 * was kept costs one kcmp to check again.
 */
static void
recheck_all(int fd)
{
	struct ep_inst *ep;
	struct ep_item *it;
	bool again = true;

	while (again) {
		again = false;
		LIST_FOREACH(ep, &ep_all, all) {
			TAILQ_FOREACH(it, &ep->items, link) {
				int n = ep->nitems;

				if (fd >= 0 && !names_fd(it, fd))
					continue;
				recheck(it);
				if (ep->nitems != n) {
					again = true;
					break;
				}
			}
			if (again)
				break;
		}
	}
}

/* --- the trapped calls -------------------------------------------------- */

static long
closed_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	int fd = (int)(c->nr == LX_NR_close ? c->arg[0] : c->arg[1]);

	(void)g;
	if (ret >= 0)
		recheck_all(fd);
	return ret;
}

static struct lx_action
hook_close(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[c->nr == LX_NR_close ? 0 : 1];
	struct ep_proc *p;

	if (c->nr != LX_NR_close && (int)c->arg[0] == fd)
		return lx_native();	/* dup2(n, n) closes nothing */
	if (fd < 0 || !any_names_fd(fd))
		return lx_native();
	if ((p = proc_find(g->pid)) != NULL && p->nowed > 0)
		proc_pay(p, g);
	return lx_native_then(closed_exit);
}

/* --- process life --------------------------------------------------------- */

static void
life_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	struct ep_proc *pp, *cp;

	if (thread)
		return;
	/*
	 * Every process that may hold a registered file must be known; the
	 * child inherits the parent's seccomp rules and its fds.
	 */
	pp = proc_find(parent_tid);
	if (pp == NULL)
		pp = proc_get(parent_pid);
	if ((cp = proc_get(child_tid)) == NULL)
		return;
	if (pp != NULL && pp->ntrapped > 0 &&
	    (cp->trapped = malloc((size_t)pp->ntrapped / 8)) != NULL) {
		memcpy(cp->trapped, pp->trapped, (size_t)pp->ntrapped / 8);
		cp->ntrapped = pp->ntrapped;
	}
}

static void
life_exec(int pid)
{
	/* Close-on-exec fds are gone; the rules (seccomp) stay. */
	if (!LIST_EMPTY(&ep_all))
		recheck_all(-1);
}

static void
life_exit(int tid)
{
	if (proc_find(tid) == NULL)
		return;
	proc_free(tid);
	if (!LIST_EMPTY(&ep_all))
		recheck_all(-1);
}

static void
life_fds_closed(int tid, unsigned first, unsigned last)
{
	(void)tid;
	(void)first;
	(void)last;
	if (!LIST_EMPTY(&ep_all))
		recheck_all(-1);
}

static const struct lx_hooks life_hooks = {
	.on_clone = life_clone,
	.on_exec = life_exec,
	.on_exit = life_exit,
	.on_fds_closed = life_fds_closed,
};

__attribute__((constructor)) static void
ep_life_init(void)
{
	lx_hooks_register(&life_hooks);
	lx_hook_add(LX_NR_close, LX_FAM_EPOLL, hook_close);
	lx_hook_add(LX_NR_dup2, LX_FAM_EPOLL, hook_close);
	lx_hook_add(LX_NR_dup3, LX_FAM_EPOLL, hook_close);
}
