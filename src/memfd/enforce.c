/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which traced processes have which memfd trap rules (DESIGN.md decision
 * 1).  Nothing stops on a memfd until an object needs it: a seal that
 * forbids something, or MFD_HUGETLB.  From then on:
 *
 * - every traced process has the watch: one filter on the calls by which
 *   an fd can arrive without lxrun seeing it (recvmsg, recvmmsg, opens for
 *   writing or with O_TRUNC, creat, openat2, open_by_handle_at,
 *   pidfd_getfd) and by which a path or any fd reaches a sealed file
 *   (truncate, chmod, fchmodat, fchmodat2, fchmod); the hooks (arrive.c)
 *   give each fd that arrives its rules before the guest can use it;
 * - every fd of such an object that could write (and every fd of a
 *   hugetlb one) has per-fd rules on the data calls (datapath.c), in
 *   whatever process holds it.
 *
 * Both are in place before the call that sealed (or created) the object
 * returns, in the other processes too: those stop until their rules are
 * in (lx_guest trap_fd_pid).  Children inherit filters, and filters
 * outlive fds, so a rule left on a reused number costs a stop but changes
 * nothing: the hooks look at the file behind the fd.  Each process has at
 * most one watch filter and one filter per fd number ever used for such
 * an object.  Under --trap=all every call stops anyway and no rule is
 * installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lxrun/dispatch.h"
#include "memfd_int.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Opens that can give an fd that writes: the watch's bits test. */
#define OPEN_WRITES	(LX_O_WRONLY | LX_O_RDWR | LX_O_TRUNC)

static const struct lx_fd_trap watch_set[] = {
	{ LX_NR_recvmsg, -1, 0 },
	{ LX_NR_recvmmsg, -1, 0 },
	{ LX_NR_open, 1, OPEN_WRITES },
	{ LX_NR_openat, 2, OPEN_WRITES },
	{ LX_NR_creat, -1, 0 },
	{ LX_NR_openat2, -1, 0 },
	{ LX_NR_open_by_handle_at, -1, 0 },
	{ LX_NR_pidfd_getfd, -1, 0 },
	{ LX_NR_truncate, -1, 0 },
	{ LX_NR_chmod, -1, 0 },
	{ LX_NR_fchmod, -1, 0 },
	{ LX_NR_fchmodat, -1, 0 },
	{ LX_NR_fchmodat2, -1, 0 },
};

static const struct lx_fd_trap data_set[] = {
	{ LX_NR_write, 0, 0 },
	{ LX_NR_pwrite64, 0, 0 },
	{ LX_NR_writev, 0, 0 },
	{ LX_NR_pwritev, 0, 0 },
	{ LX_NR_pwritev2, 0, 0 },
	{ LX_NR_sendfile, 0, 0 },
	{ LX_NR_splice, 2, 0 },
	{ LX_NR_copy_file_range, 2, 0 },
	{ LX_NR_ftruncate, 0, 0 },
	{ LX_NR_fallocate, 0, 0 },
	{ LX_NR_mmap, 4, 0 },
	{ LX_NR_dup, 0, 0 },
	{ LX_NR_dup2, 0, 0 },
	{ LX_NR_dup3, 0, 0 },
	{ LX_NR_fcntl, 0, 0 },
};

/* What one traced process has. */
struct mproc {
	int pid;
	bool watch;
	uint8_t *ruled;		/* 1: the fd number has the data rules */
	int nruled;
	struct mproc *next;
};

static struct mproc *procs;

static struct mproc *
mproc_find(int pid, bool create)
{
	struct mproc *p;

	for (p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	if (!create || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->pid = pid;
	p->next = procs;
	procs = p;
	return p;
}

bool
memfd_fd_writable(const struct lx_fd_ident *id)
{
	return !(id->flags & LX_O_PATH) &&
	    (id->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

static void
install_watch(struct lx_guest *g, int pid)
{
	struct mproc *p = mproc_find(pid, true);

	if (p != NULL && !p->watch && lx_guest_trap_fd_pid(g, pid, watch_set,
	    NELEM(watch_set), -1) == 0)
		p->watch = true;
}

static void
install_data(struct lx_guest *g, int pid, int fd)
{
	struct mproc *p = mproc_find(pid, true);

	if (p == NULL || fd < 0)
		return;
	if (fd >= p->nruled) {
		int n = fd + 64;
		uint8_t *r = realloc(p->ruled, (size_t)n);

		if (r == NULL)
			return;
		memset(r + p->nruled, 0, (size_t)(n - p->nruled));
		p->ruled = r;
		p->nruled = n;
	}
	if (!p->ruled[fd] && lx_guest_trap_fd_pid(g, pid, data_set,
	    NELEM(data_set), fd) == 0)
		p->ruled[fd] = 1;
}

struct holders {
	uint64_t dev, ino;
	struct {
		int pid, fd;
	} *fds;
	int n, cap, pid;
};

static void
collect_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct holders *h = arg;

	if (dev != h->dev || ino != h->ino)
		return;
	if (h->n == h->cap) {
		int cap = h->cap ? 2 * h->cap : 16;
		void *n = realloc(h->fds, (size_t)cap * sizeof(h->fds[0]));

		if (n == NULL)
			return;
		h->fds = n;
		h->cap = cap;
	}
	h->fds[h->n].pid = h->pid;
	h->fds[h->n].fd = fd;
	h->n++;
}

void
memfd_enforce_object(struct lx_guest *g, const struct memfd_obj *o)
{
	struct holders h = { .dev = o->dev, .ino = o->ino };
	int *pids, n;

	if (lx_opt.trap_all || !memfd_needs_watch(o))
		return;
	n = memfd_traced_pids(&pids);
	/* Listed first, installed after: installing injects syscalls. */
	for (int i = 0; i < n; i++) {
		h.pid = pids[i];
		memfd_proc_fds(pids[i], collect_fd, &h);
	}
	install_watch(g, g->pid);
	for (int i = 0; i < n; i++)
		install_watch(g, pids[i]);
	for (int i = 0; i < h.n; i++) {
		int flags = memfd_proc_fd_flags(h.fds[i].pid, h.fds[i].fd);
		struct lx_fd_ident id = { .flags = (uint32_t)flags };

		if (flags >= 0 && memfd_needs_rules(o, memfd_fd_writable(&id)))
			install_data(g, h.fds[i].pid, h.fds[i].fd);
	}
	free(h.fds);
}

void
memfd_enforce_fd(struct lx_guest *g, int fd)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;

	if (lx_opt.trap_all || memfd_nrules == 0)
		return;
	o = memfd_of_fd(g, fd, &id);
	if (o != NULL && memfd_needs_rules(o, memfd_fd_writable(&id)))
		install_data(g, g->pid, fd);
}

void
memfd_proc_clone(int parent_tid, int child_tid, bool thread)
{
	struct mproc *pp, *cp;

	if (thread || (pp = mproc_find(parent_tid, false)) == NULL)
		return;
	/* The child inherits the parent's filters, so its rules too. */
	if ((cp = mproc_find(child_tid, true)) == NULL)
		return;
	cp->watch = pp->watch;
	if (pp->nruled > 0 && (cp->ruled = malloc((size_t)pp->nruled)) != NULL) {
		memcpy(cp->ruled, pp->ruled, (size_t)pp->nruled);
		cp->nruled = pp->nruled;
	}
}

void
memfd_proc_exit(int tid)
{
	struct mproc **pp, *p;

	for (pp = &procs; (p = *pp) != NULL; pp = &p->next)
		if (p->pid == tid) {
			*pp = p->next;
			free(p->ruled);
			free(p);
			return;
		}
}

long
memfd_guest_size(struct lx_guest *g, int fd)
{
	struct stat st;
	int r;

	if ((r = lx_guest_fd_stat(g, fd, &st)) < 0)
		return r;
	return st.st_size;
}
