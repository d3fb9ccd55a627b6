/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fd-tracking facility (include/lxrun/fdtrack.h, docs/fdtrack.md):
 * which traced processes exist, which numbers of each carry which
 * families' rule sets, and the copies (dup*) of a number that carries
 * one.  Arrivals are in fdarrive.c.
 *
 * A number's sets are remembered, not looked up in the tracer: seccomp
 * filters only add, so a number keeps its rules for the life of the
 * process (and of its children) whatever it holds later, and asking the
 * family again would cost an fd stat per question.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"
#include "lxrun/supervisor.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TRAPS_PER_FILTER 16
#define MAX_FDSETS 15
#define MAX_PROCSETS 16
#define FD_COPIES 0x8000	/* the number has copy_traps */
#define FD_SETS 0x7fff

/* On a number with a set: copies of it stop, so that they get it too. */
static const struct lx_fd_trap copy_traps[] = {
	{ LX_NR_dup, 0, 0 }, { LX_NR_dup2, 0, 0 }, { LX_NR_dup3, 0, 0 },
	{ LX_NR_fcntl, 0, 0 },
};

static struct lx_fdset *fdsets[MAX_FDSETS];
static int nfdsets;
static struct lx_procset *procsets[MAX_PROCSETS];
static int nprocsets;
static bool family_hooked[LX_FAM_COUNT];

struct fproc {
	struct fproc *next;
	int pid;
	int table;		/* processes that share an fd table share it */
	unsigned procsets;	/* lx_procset bits installed */
	unsigned scanned;	/* the scan generation its fds were seen in */
	uint16_t *fds;		/* lx_fdset bits | FD_COPIES, by number */
	int nfds;
};

static struct fproc *procs, *last;
static int *pidv;		/* lx_fdtrack_pids' answer */
static int npids, cpids;
static bool pidv_stale = true;
static unsigned required;	/* procset bits every process must have */
static unsigned scan_gen;

static struct fproc *
proc_of(int pid, bool make)
{
	struct fproc *p;

	if (last != NULL && last->pid == pid)
		return last;
	for (p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return last = p;
	if (!make || pid <= 0 || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->pid = pid;
	p->table = pid;
	p->scanned = scan_gen;
	p->next = procs;
	procs = p;
	pidv_stale = true;
	return last = p;
}

static void
proc_forget(int pid)
{
	struct fproc **pp, *p;

	for (pp = &procs; (p = *pp) != NULL; pp = &p->next)
		if (p->pid == pid) {
			*pp = p->next;
			if (last == p)
				last = NULL;
			free(p->fds);
			free(p);
			pidv_stale = true;
			return;
		}
}

static uint16_t
fd_bits(const struct fproc *p, int fd)
{
	return p != NULL && fd >= 0 && fd < p->nfds ? p->fds[fd] : 0;
}

static bool
fd_mark(struct fproc *p, int fd, uint16_t bits)
{
	if (fd < 0)
		return false;
	if (fd >= p->nfds) {
		int n = fd + 64;
		uint16_t *v = realloc(p->fds, (size_t)n * sizeof(*v));

		if (v == NULL)
			return false;	/* asked again later: harmless */
		memset(v + p->nfds, 0, (size_t)(n - p->nfds) * sizeof(*v));
		p->fds = v;
		p->nfds = n;
	}
	p->fds[fd] |= bits;
	return true;
}

/* Install traps[0..n) on fd of pid, in groups the filter builder takes. */
static int
install(struct lx_guest *g, int pid, const struct lx_fd_trap *traps, int n,
    int fd)
{
	for (int i = 0; i < n; i += TRAPS_PER_FILTER) {
		int k = n - i < TRAPS_PER_FILTER ? n - i : TRAPS_PER_FILTER;
		int r = pid == g->pid ? lx_guest_trap_fd(g, traps + i, k, fd) :
		    lx_guest_trap_fd_pid(g, pid, traps + i, k, fd);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Do processes a and b share one fd table (clone(CLONE_FILES) without
 * CLONE_THREAD)?  The Linux host's answer: kcmp KCMP_FILES.
 */
static bool
same_table(int a, int b)
{
	return syscall(SYS_kcmp, (long)a, (long)b, 2L /* KCMP_FILES */,
	    0L, 0L) == 0;
}

/* ---- registration ---- */

static struct lx_action copy_hook(struct lx_call *c, struct lx_guest *g);

void
lx_fdset_register(struct lx_fdset *set, enum lx_family fam)
{
	if (nfdsets == MAX_FDSETS)
		lx_die("too many fd rule sets registered");
	set->bit = 1u << nfdsets;
	fdsets[nfdsets++] = set;
	if (fam <= LX_FAM_NONE || fam >= LX_FAM_COUNT || family_hooked[fam])
		return;
	/* One copy of the hooks per family: a family switched off keeps
	 * none, and the first asked serves the call for all sets. */
	family_hooked[fam] = true;
	lx_hook_add(LX_NR_dup, fam, copy_hook);
	lx_hook_add(LX_NR_dup2, fam, copy_hook);
	lx_hook_add(LX_NR_dup3, fam, copy_hook);
	lx_hook_add(LX_NR_fcntl, fam, copy_hook);
	lx_fdarrive_hooks(fam);
}

void
lx_procset_register(struct lx_procset *set)
{
	if (nprocsets == MAX_PROCSETS)
		lx_die("too many process rule sets registered");
	set->bit = 1u << nprocsets;
	procsets[nprocsets++] = set;
}

/* ---- per-fd sets ---- */

static int fdset_add_one(struct lx_guest *g, int pid, struct lx_fdset *set,
    int fd);

/*
 * A number of one fd table is a number of every process that shares it,
 * each with its own filters: all of them get the set.  A process that
 * left the table since (unshare(CLONE_FILES), exec) has one of its own.
 */
int
lx_fdset_add_pid(struct lx_guest *g, int pid, struct lx_fdset *set, int fd)
{
	struct fproc *p, *q;
	int r;

	if (lx_fdset_has(pid, set, fd))
		return 0;
	p = proc_of(pid, true);
	if ((r = fdset_add_one(g, pid, set, fd)) < 0 || p == NULL)
		return r;
	for (q = procs; q != NULL; q = q->next) {
		if (q == p || q->table != p->table)
			continue;
		if (!same_table(pid, q->pid)) {
			q->table = q->pid;
			continue;
		}
		fdset_add_one(g, q->pid, set, fd);
	}
	return 0;
}

static int
fdset_add_one(struct lx_guest *g, int pid, struct lx_fdset *set, int fd)
{
	struct fproc *p = proc_of(pid, true);
	uint16_t have = fd_bits(p, fd);
	struct lx_fd_trap both[64];
	int r;

	if (fd < 0)
		return -LX_EBADF;
	if (have & set->bit)
		return 0;
	if (!(have & FD_COPIES) && set->ntraps + NELEM(copy_traps) <=
	    NELEM(both)) {
		/* One install: every filter is run by every call after. */
		memcpy(both, set->traps, (size_t)set->ntraps * sizeof(*both));
		memcpy(both + set->ntraps, copy_traps, sizeof(copy_traps));
		if ((r = install(g, pid, both, set->ntraps +
		    NELEM(copy_traps), fd)) < 0)
			return r;
		have |= FD_COPIES;
	} else if ((r = install(g, pid, set->traps, set->ntraps, fd)) < 0) {
		return r;
	}
	if (!(have & FD_COPIES) &&
	    install(g, pid, copy_traps, NELEM(copy_traps), fd) == 0)
		have |= FD_COPIES;
	if (p != NULL)
		fd_mark(p, fd, (uint16_t)(set->bit | (have & FD_COPIES)));
	return 0;
}

int
lx_fdset_add(struct lx_guest *g, struct lx_fdset *set, int fd)
{
	return lx_fdset_add_pid(g, g->pid, set, fd);
}

bool
lx_fdset_has(int pid, const struct lx_fdset *set, int fd)
{
	return (fd_bits(proc_of(pid, false), fd) & set->bit) != 0;
}

bool
lx_fdtrack_has_any(int pid, int fd)
{
	return (fd_bits(proc_of(pid, false), fd) & FD_SETS) != 0;
}

/* Give fd of pid (file dev/ino) each set of mask that wants it. */
static void
give_wanted(struct lx_guest *g, int pid, int fd, uint64_t dev, uint64_t ino,
    unsigned mask)
{
	unsigned have = fd_bits(proc_of(pid, false), fd);

	for (int i = 0; i < nfdsets; i++) {
		struct lx_fdset *s = fdsets[i];

		if ((mask & s->bit) && !(have & s->bit) &&
		    s->wants(pid, fd, dev, ino))
			lx_fdset_add_pid(g, pid, s, fd);
	}
}

void
lx_fdtrack_arrived(struct lx_guest *g, int fd)
{
	struct stat st;

	if (nfdsets == 0 || fd < 0 || lx_guest_fd_stat(g, fd, &st) < 0)
		return;
	give_wanted(g, g->pid, fd, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
	    FD_SETS);
}

/*
 * dup, dup2, dup3, fcntl(F_DUPFD, F_DUPFD_CLOEXEC) of a number that
 * carries a set: the copy is made here (same arguments, all scalars), and
 * the new number gets the sets that want the file before the guest can
 * use it.  Anything else runs natively: the kernel's errors stand.
 */
static struct lx_action
copy_hook(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[0];
	unsigned sets;
	struct stat st;
	long r;

	if (c->nr == LX_NR_fcntl && c->arg[1] != LX_F_DUPFD &&
	    c->arg[1] != LX_F_DUPFD_CLOEXEC)
		return lx_native();
	if ((sets = fd_bits(proc_of(g->pid, false), fd) & FD_SETS) == 0)
		return lx_native();
	r = lx_guest_syscall(g, c->nr, c->arg[0], c->arg[1], c->arg[2],
	    c->arg[3], c->arg[4], c->arg[5]);
	if (r >= 0 && r != fd && lx_guest_fd_stat(g, (int)r, &st) == 0)
		give_wanted(g, g->pid, (int)r, (uint64_t)st.st_dev,
		    (uint64_t)st.st_ino, sets);
	return lx_return(r);
}

/* ---- process-wide sets ---- */

int
lx_procset_add_pid(struct lx_guest *g, int pid, struct lx_procset *set)
{
	struct fproc *p = proc_of(pid, true);
	int r;

	if (p != NULL && (p->procsets & set->bit))
		return 0;
	if ((r = install(g, pid, set->traps, set->ntraps, -1)) < 0)
		return r;
	if (p != NULL)
		p->procsets |= set->bit;
	return 0;
}

int
lx_procset_add(struct lx_guest *g, struct lx_procset *set)
{
	return lx_procset_add_pid(g, g->pid, set);
}

bool
lx_procset_has(int pid, const struct lx_procset *set)
{
	const struct fproc *p = proc_of(pid, false);

	return p != NULL && (p->procsets & set->bit) != 0;
}

void
lx_procset_require(struct lx_guest *g, struct lx_procset *set)
{
	required |= set->bit;
	lx_procset_add(g, set);
}

/* ---- scans ---- */

struct fd_seen {
	int fd;
	uint64_t dev, ino;
};

struct fd_list {
	struct fd_seen *v;
	int n, cap;
};

static void
list_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct fd_list *l = arg;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 64;
		struct fd_seen *v = realloc(l->v, (size_t)cap * sizeof(*v));

		if (v == NULL)
			return;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].fd = fd;
	l->v[l->n].dev = dev;
	l->v[l->n].ino = ino;
	l->n++;
}

void
lx_fdtrack_scan_pid(struct lx_guest *g, int pid)
{
	struct fd_list l = { 0 };

	if (nfdsets == 0)
		return;
	/* Listed first, installed after: installing injects syscalls. */
	lx_proc_fds(pid, list_fd, &l);
	for (int i = 0; i < l.n; i++)
		give_wanted(g, pid, l.v[i].fd, l.v[i].dev, l.v[i].ino, FD_SETS);
	free(l.v);
}

void
lx_fdtrack_rescan_all(void)
{
	scan_gen++;
}

void
lx_fdtrack_catch_up(struct lx_guest *g)
{
	struct fproc *p = proc_of(g->pid, true);

	if (p == NULL)
		return;
	for (int i = 0; i < nprocsets; i++)
		if ((required & procsets[i]->bit) &&
		    !(p->procsets & procsets[i]->bit))
			lx_procset_add(g, procsets[i]);
	if (p->scanned != scan_gen) {
		p->scanned = scan_gen;
		lx_fdtrack_scan_pid(g, g->pid);
	}
}

/* ---- the traced processes ---- */

int
lx_fdtrack_pids(const int **pids)
{
	if (pidv_stale) {
		npids = 0;
		for (struct fproc *p = procs; p != NULL; p = p->next) {
			if (npids == cpids) {
				int c = cpids ? 2 * cpids : 16;
				int *v = realloc(pidv, (size_t)c * sizeof(*v));

				if (v == NULL)
					break;
				pidv = v;
				cpids = c;
			}
			pidv[npids++] = p->pid;
		}
		pidv_stale = false;
	}
	*pids = pidv;
	return npids;
}

bool
lx_fdtrack_traced(int pid)
{
	return proc_of(pid, false) != NULL;
}

int
lx_proc_fds(int pid, void (*fn)(int fd, uint64_t dev, uint64_t ino,
    void *arg), void *arg)
{
	char dir[32], path[300];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	if ((d = opendir(dir)) == NULL)
		return -LX_ESRCH;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid,
		    de->d_name);
		if (stat(path, &st) == 0)
			fn(atoi(de->d_name), (uint64_t)st.st_dev,
			    (uint64_t)st.st_ino, arg);
	}
	closedir(d);
	return 0;
}

/* ---- life events ---- */

/* A forked child has its parent's filters, so its parent's sets. */
static void
on_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	struct fproc *pp, *cp;

	(void)parent_tid;
	if (thread)
		return;
	pp = proc_of(parent_pid, false);
	if ((cp = proc_of(child_tid, true)) == NULL || pp == NULL)
		return;
	cp->procsets = pp->procsets;
	cp->scanned = pp->scanned;
	if (same_table(parent_pid, child_tid))
		cp->table = pp->table;
	if (pp->nfds > 0 &&
	    (cp->fds = malloc((size_t)pp->nfds * sizeof(*cp->fds))) != NULL) {
		memcpy(cp->fds, pp->fds, (size_t)pp->nfds * sizeof(*cp->fds));
		cp->nfds = pp->nfds;
	}
}

/* Filters and numbers survive exec: nothing to forget. */
static void
on_exec(int pid)
{
	proc_of(pid, true);
}

static void
on_exit_tid(int tid)
{
	proc_forget(tid);
}

/*
 * Any stop of a process: one that ran on without the rules every
 * process must have, or whose fds were not looked at since sets began
 * to want more, gets them here, before it does more unseen.
 */
static bool
needs_stop(int pid)
{
	struct fproc *p = proc_of(pid, true);

	return p != NULL && ((p->procsets & required) != required ||
	    p->scanned != scan_gen);
}

static void
on_stop(struct lx_call *c, struct lx_guest *g)
{
	(void)c;
	if (needs_stop(g->pid))
		lx_fdtrack_catch_up(g);
}

static const struct lx_hooks life = {
	.on_clone = on_clone,
	.on_exec = on_exec,
	.on_exit = on_exit_tid,
	.on_stop = on_stop,
	.needs_stop = needs_stop,
};

__attribute__((constructor)) static void
fdtrack_init(void)
{
	lx_hooks_register(&life);
}
