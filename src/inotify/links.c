/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files with several links: by which of their names the traced processes
 * opened them.
 *
 * Linux gives the event of a read, a write or a close to the parent of
 * the name the file was opened by (the open file's dentry), not to every
 * directory that has a link to the inode.  lxrun makes those events from
 * the host's notes of the inode, which say nothing of names, and every
 * watched directory holding a link has a knote on it.  So the opens lxrun
 * sees (they stop while a watch exists) record the name they used, for
 * inodes with more than one link, and the notes of such an inode go only
 * to the knotes of recorded names (none, when it was opened through an
 * unwatched directory).  An inode with no record (opened by a process
 * lxrun does not trace, or before any watch) keeps the old way: every
 * link's directory.  With two names open at once, a read or write is the
 * name of the fd that stopped for it (ino_links_io) and a close is the
 * names no traced fd holds any more.  A name leaves the record with its
 * last close (the inode's knotes ask for close notes from then on), the
 * record when none is left or the table needs its place (the oldest).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"
#include "lxrun/fdtrack.h"

#define LINK_FILES	64	/* inodes recorded at once */
#define LINK_NAMES	4	/* names per inode; more: unknown */

struct link_name {
	uint64_t pdev, pino;
	char name[LX_NAME_MAX + 1];
};

static struct link_file {
	uint64_t dev, ino;
	uint64_t used;			/* 0: free; else recency */
	int n;				/* names; -1: too many to tell */
	int current;			/* the name a read or write used */
	struct link_name names[LINK_NAMES];
	/* a close: which names no traced fd holds any more (scanned) */
	unsigned scanned;		/* batch of the scan (0: none) */
	unsigned closed;		/* bit i: names[i] */
	unsigned settled;		/* batch whose close was applied */
} files[LINK_FILES];

static uint64_t clock_now;
static unsigned batch = 1;

static struct link_file *
find(uint64_t dev, uint64_t ino)
{
	for (int i = 0; i < LINK_FILES; i++)
		if (files[i].used != 0 && files[i].dev == dev &&
		    files[i].ino == ino)
			return &files[i];
	return NULL;
}

/* Is l name in directory (pdev, pino)? */
static bool
name_is(const struct link_name *l, uint64_t pdev, uint64_t pino,
    const char *name)
{
	return l->pdev == pdev && l->pino == pino && strcmp(l->name, name) == 0;
}

/* names[i] of dir (dev, ino) and name: i, or -1. */
static int
name_index(const struct link_file *lf, uint64_t pdev, uint64_t pino,
    const char *name)
{
	for (int i = 0; i < lf->n; i++)
		if (name_is(&lf->names[i], pdev, pino, name))
			return i;
	return -1;
}

void
ino_links_opened(const struct ino_look *f, const struct ino_look *p,
    const char *name)
{
	struct link_file *lf;
	int oldest = 0;

	if (f->err != 0 || (f->mode & S_IFMT) == S_IFDIR)
		return;
	/* a file with one name needs no record, unless it had two */
	if ((lf = find(f->dev, f->ino)) == NULL && f->nlink < 2)
		return;
	if (lf == NULL) {
		for (int i = 1; i < LINK_FILES; i++)
			if (files[i].used < files[oldest].used)
				oldest = i;
		lf = &files[oldest];
		memset(lf, 0, sizeof(*lf));
		lf->dev = f->dev;
		lf->ino = f->ino;
		lf->current = -1;
	}
	lf->used = ++clock_now;
	/*
	 * A close takes its names out of the record: the inode's knotes
	 * must hear closes even where no watch asks for IN_CLOSE (else the
	 * names of earlier opens stay, and a later access goes to them).
	 */
	for (struct ino_kn *kn = ino_index_first(f->dev, f->ino); kn != NULL;
	    kn = ino_index_next(kn))
		if (kn->kind == KN_CHILD || kn->kind == KN_SELF)
			ino_kn_want_closes(kn);
	if (lf->n < 0)
		return;
	/* a name that cannot be told: every link may be the one */
	if (name == NULL || p == NULL || p->err != 0) {
		lf->n = -1;
		return;
	}
	/* the open's own note (IN_OPEN) is of this name */
	if ((lf->current = name_index(lf, p->dev, p->ino, name)) >= 0)
		return;
	if (lf->n == LINK_NAMES) {
		lf->n = -1;
		return;
	}
	lf->names[lf->n].pdev = p->dev;
	lf->names[lf->n].pino = p->ino;
	snprintf(lf->names[lf->n].name, sizeof(lf->names[lf->n].name), "%s",
	    name);
	lf->current = lf->n++;
}

/*
 * The directory (its identity in *ds) and name by which process pid's
 * fd was opened, from its /proc link; the directory is looked up in
 * pid's own root (RESOLVE_IN_ROOT), never lxrun's, following no magic
 * link.  false if it cannot be told.
 */
static bool
fd_dir_name(int pid, const char *fdpath, struct stat *ds, char *name)
{
	char root[64], link[PATH_MAX], *slash;
	struct open_how how;
	ssize_t n;
	int rfd, dfd, r;

	if ((n = readlink(fdpath, link, sizeof(link) - 1)) <= 0 ||
	    link[0] != '/')
		return false;
	link[n] = '\0';
	/* an unlinked file's link: its old name, then this */
	ino_strip_deleted(link, (size_t)n);
	slash = strrchr(link, '/');
	*slash = '\0';
	if (strlen(slash + 1) > LX_NAME_MAX)
		return false;
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	if ((rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return false;
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	dfd = (int)syscall(SYS_openat2, rfd, slash == link ? "/" : link, &how,
	    sizeof(how));
	close(rfd);
	if (dfd < 0)
		return false;
	r = fstat(dfd, ds);
	close(dfd);
	snprintf(name, LX_NAME_MAX + 1, "%s", slash + 1);
	return r == 0;
}

/* The recorded name (index) by which pid's fd was opened, or -1. */
static int
fd_name_index(const struct link_file *lf, int pid, const char *fdpath)
{
	char name[LX_NAME_MAX + 1];
	struct stat ds;

	if (!fd_dir_name(pid, fdpath, &ds, name))
		return -1;
	return name_index(lf, (uint64_t)ds.st_dev, (uint64_t)ds.st_ino,
	    name);
}

/* Every fd of every traced process: fn(pid, fd, its file, arg). */
struct pid_walk {
	int pid;
	ino_fd_fn *fn;
	void *arg;
};

static void
pid_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct pid_walk *w = arg;

	w->fn(w->pid, fd, dev, ino, w->arg);
}

void
ino_each_traced_fd(ino_fd_fn *fn, void *arg)
{
	struct pid_walk w = { 0, fn, arg };
	const int *pids;
	int np = lx_fdtrack_pids(&pids);

	for (int i = 0; i < np; i++) {
		w.pid = pids[i];
		lx_proc_fds(pids[i], pid_fd, &w);
	}
}

/* Each traced fd of file (dev, ino): fn(pid, its /proc/PID/fd/N path). */
struct fd_walk {
	uint64_t dev, ino;
	void (*fn)(int pid, const char *path, void *arg);
	void *arg;
};

static void
walk_fd(int pid, int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct fd_walk *w = arg;
	char path[64];

	if (dev != w->dev || ino != w->ino)
		return;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	w->fn(pid, path, w->arg);
}

static void
each_fd_of(uint64_t dev, uint64_t ino,
    void (*fn)(int pid, const char *path, void *arg), void *arg)
{
	struct fd_walk w = { dev, ino, fn, arg };

	ino_each_traced_fd(walk_fd, &w);
}

/*
 * Record the name by which pid's fd (its /proc path) holds a file with
 * two names or more; false if it has one or cannot be told.
 */
static bool
record_fd(int pid, const char *path, const struct stat *st)
{
	char name[LX_NAME_MAX + 1];
	struct ino_look f, p;
	struct stat ds;

	if (st->st_nlink < 2 || !fd_dir_name(pid, path, &ds, name))
		return false;
	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	f.dev = (uint64_t)st->st_dev;
	f.ino = (uint64_t)st->st_ino;
	f.nlink = (uint64_t)st->st_nlink;
	f.mode = (uint32_t)st->st_mode;
	p.dev = (uint64_t)ds.st_dev;
	p.ino = (uint64_t)ds.st_ino;
	p.mode = (uint32_t)ds.st_mode;
	ino_links_opened(&f, &p, name);
	return true;
}

struct held_arg {
	uint64_t pdev, pino;
	const char *name;
	bool held;
};

static void
held_one(int pid, const char *path, void *arg)
{
	struct held_arg *h = arg;
	char name[LX_NAME_MAX + 1];
	struct stat ds;

	/* a name that cannot be told may be this one */
	if (!fd_dir_name(pid, path, &ds, name) ||
	    ((uint64_t)ds.st_dev == h->pdev &&
	    (uint64_t)ds.st_ino == h->pino && strcmp(name, h->name) == 0))
		h->held = true;
}

bool
ino_links_held_by(uint64_t dev, uint64_t ino, uint64_t pdev, uint64_t pino,
    const char *name)
{
	struct held_arg h = { pdev, pino, name, false };

	each_fd_of(dev, ino, held_one, &h);
	return h.held;
}

/*
 * Files with several links that traced processes opened before the
 * first watch (no open stopped then): their fds, listed when it is made,
 * are recorded once a watch's knote sees the file, at that watch or a
 * later one (each fd checked again then: it may have been closed).
 */
static struct early_fd {
	int pid, fd;
	uint64_t dev, ino;
	bool done;
} *early;
static size_t nearly, cearly;

static void
early_add(int pid, int fd, uint64_t dev, uint64_t ino, void *arg)
{
	(void)arg;
	if (nearly == cearly) {
		size_t c = cearly ? 2 * cearly : 16;
		void *v = realloc(early, c * sizeof(*early));

		if (v == NULL)
			return;
		early = v;
		cearly = c;
	}
	early[nearly].pid = pid;
	early[nearly].fd = fd;
	early[nearly].dev = dev;
	early[nearly].ino = ino;
	early[nearly].done = false;
	nearly++;
}

/* Every traced fd: a second link may come to any file later. */
static void
early_list(void)
{
	nearly = 0;
	ino_each_traced_fd(early_add, NULL);
}

/* Early fd e, whose file a knote now sees: recorded if it has two names. */
static void
early_record(struct early_fd *e)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", e->pid, e->fd);
	if (stat(path, &st) < 0 || (uint64_t)st.st_dev != e->dev ||
	    (uint64_t)st.st_ino != e->ino) {
		e->done = true;		/* closed (or reused) */
		return;
	}
	if (!record_fd(e->pid, path, &st))
		return;
	e->done = true;
	/* as an early open, it says nothing of the next note's name */
	ino_links_no_current(e->dev, e->ino);
}

void
ino_links_scan(void)
{
	if (ino_nwatches == 1)
		early_list();
	/* only where a knote will hear its close */
	for (size_t i = 0; i < nearly; i++)
		if (!early[i].done &&
		    ino_index_first(early[i].dev, early[i].ino) != NULL)
			early_record(&early[i]);
}

/*
 * A traced link(2) gave the file a second name: the fds that hold it
 * already (opened by its only name, unrecorded) are recorded now.
 */
static void
linked_one(int pid, const char *path, void *arg)
{
	struct stat st;

	(void)arg;
	if (stat(path, &st) == 0)
		record_fd(pid, path, &st);
}

void
ino_links_linked(uint64_t dev, uint64_t ino)
{
	if (ino_index_first(dev, ino) == NULL)
		return;		/* no knote would hear its closes */
	each_fd_of(dev, ino, linked_one, NULL);
	ino_links_no_current(dev, ino);
}

void
ino_links_knote(uint64_t dev, uint64_t ino)
{
	for (size_t i = 0; i < nearly; i++)
		if (!early[i].done && early[i].dev == dev &&
		    early[i].ino == ino)
			early_record(&early[i]);
}

/*
 * A close of a file open by two names: the names no traced fd holds any
 * more are the ones closed (a file has few such fds; this is rare).
 */
static void
closed_one(int pid, const char *path, void *arg)
{
	struct link_file *lf = arg;
	int i = fd_name_index(lf, pid, path);

	if (i >= 0)
		lf->closed &= ~(1u << i);
}

static void
scan_closed(struct link_file *lf)
{
	lf->closed = (1u << lf->n) - 1;
	each_fd_of(lf->dev, lf->ino, closed_one, lf);
	lf->scanned = batch;
}

bool
ino_links_allow(const struct ino_kn *kn, uint32_t notes)
{
	struct link_file *lf;
	int i;

	if (kn->kind != KN_CHILD || kn->w == NULL || kn->name == NULL ||
	    (lf = find(kn->dev, kn->ino)) == NULL || lf->n < 0)
		return true;
	if (notes & (HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE)) {
		if (lf->scanned != batch)
			scan_closed(lf);
		/*
		 * Every name still held: one fd of several by a name went,
		 * most likely the one of the last open or access seen; with
		 * none seen, any of them.
		 */
		i = name_index(lf, kn->w->dev, kn->w->ino, kn->name);
		if (lf->closed == 0)
			return lf->current >= 0 ? i == lf->current : i >= 0;
		return i >= 0 && (lf->closed >> i & 1);
	}
	/* an open, a read or a write lxrun saw stop: that name only */
	i = name_index(lf, kn->w->dev, kn->w->ino, kn->name);
	if (lf->current >= 0 && !(notes & ~(HQ_NOTE_OPEN | HQ_NOTE_READ |
	    HQ_NOTE_WRITE)))
		return i == lf->current;
	return i >= 0;
}

/*
 * A read or write of fd stops (a boundary) while its file has two names
 * open: the notes it makes are of the name fd was opened by (its /proc
 * link; only when that path means the same to lxrun, as the record's
 * directories are compared by identity), until the next such stop on
 * the file or its close.  Reads and writes stop whenever a watch asks
 * for their events, so each one's note follows its own stop.
 */
void
ino_links_no_current(uint64_t dev, uint64_t ino)
{
	struct link_file *lf = find(dev, ino);

	if (lf != NULL)
		lf->current = -1;
}

void
ino_links_io(int tid, int fd)
{
	struct link_file *lf = NULL;
	char path[64];
	struct stat st;

	for (int i = 0; i < LINK_FILES && lf == NULL; i++)
		if (files[i].used != 0 && files[i].n >= 2)
			lf = &files[i];
	if (lf == NULL)
		return;		/* the rule: nothing to tell apart */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
	if (stat(path, &st) < 0 ||
	    (lf = find((uint64_t)st.st_dev, (uint64_t)st.st_ino)) == NULL ||
	    lf->n < 2)
		return;
	lf->current = fd_name_index(lf, tid, path);
}

void
ino_links_closed(uint64_t dev, uint64_t ino)
{
	struct link_file *lf = find(dev, ino);
	int k = 0;

	/* once a batch (each knote of the inode reports the close) */
	if (lf == NULL || lf->settled == batch)
		return;
	lf->settled = batch;
	/* the names a traced fd still holds stay (another fd by a name) */
	if (lf->n > 0) {
		if (lf->scanned != batch)
			scan_closed(lf);
		for (int i = 0; i < lf->n; i++)
			if (!(lf->closed >> i & 1))
				lf->names[k++] = lf->names[i];
		lf->n = k;
		lf->current = -1;
		lf->closed = 0;
	}
	if (k == 0)
		lf->used = 0;
}

/* A traced rename moved a name: the open files' dentries moved with it. */
void
ino_links_renamed(const struct ino_look *pa, const char *na,
    const struct ino_look *pb, const char *nb, bool exchange)
{
	if (pa->err != 0 || pb->err != 0)
		return;
	for (int f = 0; f < LINK_FILES; f++) {
		struct link_file *lf = &files[f];

		if (lf->used == 0)
			continue;
		for (int i = 0; i < lf->n; i++) {
			struct link_name *l = &lf->names[i];
			bool from = name_is(l, pa->dev, pa->ino, na);
			bool to = exchange && name_is(l, pb->dev, pb->ino, nb);

			if (from) {
				l->pdev = pb->dev;
				l->pino = pb->ino;
				snprintf(l->name, sizeof(l->name), "%s", nb);
			} else if (to) {
				l->pdev = pa->dev;
				l->pino = pa->ino;
				snprintf(l->name, sizeof(l->name), "%s", na);
			}
		}
	}
}

void
ino_links_batch(void)
{
	if (++batch == 0)
		batch = 1;
}
