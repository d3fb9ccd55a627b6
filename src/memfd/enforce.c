/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd's trap rules (DESIGN.md decision 1), kept by the fd-tracking
 * facility (include/lxrun/fdtrack.h).  Nothing stops on a memfd until an
 * object needs it: a seal that forbids something, or MFD_HUGETLB.  From
 * then on:
 *
 * - every traced process has the watch: one filter on the calls by which
 *   a path or any fd reaches a sealed file (opens for writing or with
 *   O_TRUNC, creat, openat2, truncate, chmod, fchmodat, fchmodat2,
 *   fchmod); the facility follows the other routes by which an fd can
 *   arrive (SCM_RIGHTS, pidfd_getfd, open_by_handle_at) and copies (dup*);
 * - every fd of such an object that could write (and every fd of a
 *   hugetlb one) has per-fd rules on the data calls (datapath.c), in
 *   whatever process holds it.
 *
 * Both are in place before the call that sealed (or created) the object
 * returns, in the other processes too: those stop until their rules are
 * in (lx_guest trap_fd_pid).  Under --trap=all every call stops anyway
 * and no rule is installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "memfd_int.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Opens that can give an fd that writes: the watch's bits test. */
#define OPEN_WRITES	(LX_O_WRONLY | LX_O_RDWR | LX_O_TRUNC)

static const struct lx_fd_trap watch_set[] = {
	{ LX_NR_open, 1, OPEN_WRITES },
	{ LX_NR_openat, 2, OPEN_WRITES },
	{ LX_NR_creat, -1, 0 },
	{ LX_NR_openat2, -1, 0 },
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
};

static struct lx_procset watch = {
	.name = "memfd-watch",
	.traps = watch_set,
	.ntraps = NELEM(watch_set),
};

bool
memfd_fd_writable(const struct lx_fd_ident *id)
{
	return !(id->flags & LX_O_PATH) &&
	    (id->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

/* Does fd of pid, a file dev/ino, need the data rules? */
static bool
data_wanted(int pid, int fd, uint64_t dev, uint64_t ino)
{
	struct memfd_obj *o;
	struct lx_fd_ident id;
	int flags;

	if (lx_opt.trap_all || memfd_nrules == 0 ||
	    (o = memfd_find(dev, ino)) == NULL ||
	    (flags = memfd_proc_fd_flags(pid, fd)) < 0)
		return false;
	id.flags = (uint32_t)flags;
	return memfd_needs_rules(o, memfd_fd_writable(&id));
}

static struct lx_fdset data = {
	.name = "memfd-data",
	.traps = data_set,
	.ntraps = NELEM(data_set),
	.wants = data_wanted,
};

void
memfd_enforce_object(struct lx_guest *g, const struct memfd_obj *o)
{
	const int *pids;
	int n;

	if (lx_opt.trap_all || !memfd_needs_watch(o))
		return;
	lx_procset_require(g, &watch);
	lx_fdtrack_follow_arrivals(g);
	n = lx_fdtrack_pids(&pids);
	for (int i = 0; i < n; i++)
		if (pids[i] != g->pid)
			lx_procset_add_pid(g, pids[i], &watch);
	n = lx_fdtrack_pids(&pids);
	for (int i = 0; i < n; i++)
		lx_fdtrack_scan_pid(g, pids[i]);
}

void
memfd_enforce_init(void)
{
	lx_procset_register(&watch);
	lx_fdset_register(&data, LX_FAM_MEMFD);
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
