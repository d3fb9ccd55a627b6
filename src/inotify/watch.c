/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify watches on kqueue-style vnode notes (DESIGN.md decision 6).
 *
 * Each watch is an HQ_VNODE knote on an O_PATH fd the supervisor holds;
 * a directory watch also lists the directory when its entries change and
 * diffs the listing against a snapshot (dirdiff.c), and puts a knote on
 * each entry when the mask asks about the children themselves (IN_MODIFY,
 * IN_ATTRIB, IN_OPEN...).  The notes of one batch (everything the host
 * queue has) become events in three steps, which is Linux's order for one
 * operation: the children's events (parent watches first, as fsnotify
 * reports the parent before the inode), the watches' own events, the
 * directory diffs of all the instance's directories together (so that a
 * rename across two watched directories pairs up), and last MOVE_SELF,
 * DELETE_SELF, UNMOUNT and IGNORED.
 *
 * The family has its own host queue, nested in the loop's: a trapped read
 * or FIONREAD first takes every note the host already has (ino_sync), so
 * the events of the guest's own finished operations are queued when it
 * reads, as on Linux, without re-entering the supervisor's loop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "lxrun/linux_abi.h"

#ifndef O_PATH
#define O_PATH (O_RDONLY | O_NONBLOCK)	/* a host without O_PATH */
#endif

struct ino_inst *ino_instances;
long ino_nwatches;

static struct hq *ihq;
static struct lx_source ihq_src;
static struct ino_watch *dead_watches;
static struct ino_watch *touched;	/* watches with pending notes */
static uint32_t next_cookie;

/* --- noise: what our own listing does to the watched directories ------- */

/*
 * Listing a directory opens and reads it, and the host reports that to
 * every knote on it (NOTE_OPEN, NOTE_READ, NOTE_CLOSE).  Those notes are
 * ours, not the guest's: they are struck from the notes of that inode
 * until the host queue has been drained once more.
 */
#define MAX_NOISE 64
static struct {
	uint64_t dev, ino;
	uint32_t notes;
} noise[MAX_NOISE];
static int nnoise;

static void
noise_add(uint64_t dev, uint64_t ino, uint32_t notes)
{
	for (int i = 0; i < nnoise; i++)
		if (noise[i].dev == dev && noise[i].ino == ino) {
			noise[i].notes |= notes;
			return;
		}
	if (nnoise < MAX_NOISE) {
		noise[nnoise].dev = dev;
		noise[nnoise].ino = ino;
		noise[nnoise].notes = notes;
		nnoise++;
	}
}

static uint32_t
noise_of(uint64_t dev, uint64_t ino)
{
	for (int i = 0; i < nnoise; i++)
		if (noise[i].dev == dev && noise[i].ino == ino)
			return noise[i].notes;
	return 0;
}

/* --- the family's host queue ---------------------------------------------- */

static void sync_run(bool forced);

static void
ihq_fire(struct lx_source *src, const struct hq_event *ev)
{
	(void)src;
	(void)ev;
	sync_run(false);
}

struct hq *
ino_hq(void)
{
	struct hq_event ch;

	if (ihq != NULL)
		return ihq;
	if ((ihq = hq_create()) == NULL)
		return NULL;
	ihq_src.fire = ihq_fire;
	ch = hq_event((uintptr_t)hq_fd(ihq), HQ_READ, HQ_ADD, 0, 0, &ihq_src);
	if (hq_change(lx_loop_hq(), &ch, 1) < 0) {
		hq_destroy(ihq);
		ihq = NULL;
	}
	return ihq;
}

static int
kn_register(struct ino_kn *kn)
{
	struct hq_event ch = hq_event((uintptr_t)kn->fd, HQ_VNODE,
	    HQ_ADD | HQ_CLEAR, kn->notes, 0, kn);

	return hq_change(ihq, &ch, 1);
}

static void
kn_close(struct ino_kn *kn)
{
	struct hq_event ch;

	if (kn->fd < 0)
		return;
	ch = hq_event((uintptr_t)kn->fd, HQ_VNODE, HQ_DELETE, 0, 0, NULL);
	hq_change(ihq, &ch, 1);
	close(kn->fd);
	kn->fd = -1;
	kn->pend = 0;
}

/* --- which notes a mask needs ----------------------------------------- */

/* Notes on the watched inode itself. */
static uint32_t
self_notes(uint32_t mask, bool isdir)
{
	uint32_t n = HQ_NOTE_DELETE | HQ_NOTE_REVOKE;

	if (isdir)
		n |= HQ_NOTE_WRITE;	/* entries: keeps the names known */
	else if (mask & LX_IN_MODIFY)
		n |= HQ_NOTE_WRITE;
	if (mask & LX_IN_ATTRIB)
		n |= HQ_NOTE_ATTRIB | (isdir ? 0 : HQ_NOTE_LINK);
	if (mask & LX_IN_MOVE_SELF)
		n |= HQ_NOTE_RENAME;
	if (mask & LX_IN_OPEN)
		n |= HQ_NOTE_OPEN;
	if (mask & LX_IN_ACCESS)
		n |= HQ_NOTE_READ;
	if ((mask & LX_IN_CLOSE_WRITE) && !isdir)
		n |= HQ_NOTE_CLOSE_WRITE;
	if (mask & LX_IN_CLOSE_NOWRITE)
		n |= HQ_NOTE_CLOSE;
	return n;
}

/* Notes on an entry of a watched directory: 0 means no knote needed. */
static uint32_t
child_notes(uint32_t mask, bool isdir)
{
	uint32_t n = 0;

	if ((mask & LX_IN_MODIFY) && !isdir)
		n |= HQ_NOTE_WRITE;
	if (mask & LX_IN_ATTRIB)
		n |= HQ_NOTE_ATTRIB;
	if (mask & LX_IN_OPEN)
		n |= HQ_NOTE_OPEN;
	if (mask & LX_IN_ACCESS)
		n |= HQ_NOTE_READ;
	if ((mask & LX_IN_CLOSE_WRITE) && !isdir)
		n |= HQ_NOTE_CLOSE_WRITE;
	if (mask & LX_IN_CLOSE_NOWRITE)
		n |= HQ_NOTE_CLOSE;
	return n;
}

/* --- child knotes --------------------------------------------------------- */

static void
child_free(void *kid)
{
	struct ino_kn *kn = kid;

	kn_close(kn);
	free(kn);
}

/*
 * Watch one entry: an O_PATH fd that is the entry itself (never a
 * symlink's target), checked to be the inode the listing showed.
 */
static void
child_attach(struct ino_watch *w, struct dd_entry *e)
{
	uint32_t notes = child_notes(w->mask, e->isdir);
	struct ino_kn *kn;
	struct stat st;
	int fd;

	if (notes == 0 || e->kid != NULL || w->self.fd < 0)
		return;
	fd = openat(w->self.fd, e->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino ||
	    (kn = calloc(1, sizeof(*kn))) == NULL) {
		close(fd);
		return;
	}
	kn->kind = KN_CHILD;
	kn->fd = fd;
	kn->notes = notes;
	kn->w = w;
	kn->ent = e;
	kn->ino = e->ino;
	if (kn_register(kn) < 0) {	/* sockets have no vnode notes */
		close(fd);
		free(kn);
		return;
	}
	e->kid = kn;
}

static void
children_attach_all(struct ino_watch *w)
{
	struct dd_entry *e;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			child_attach(w, e);
}

static void
children_detach_all(struct ino_watch *w)
{
	struct dd_entry *e;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			if (e->kid != NULL) {
				child_free(e->kid);
				e->kid = NULL;
			}
}

/* --- listing ---------------------------------------------------------------- */

static bool
entry_isdir(int dirfd, const char *name, unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type == DT_DIR;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/* List w's directory into its snapshot; changes go to *list. */
static void
list_dir(struct ino_watch *w, int first, struct dd_change **list)
{
	char buf[32768] __attribute__((aligned(8)));
	ssize_t n;

	if (w->dirfd < 0)
		return;
	if (lseek(w->dirfd, 0, SEEK_SET) < 0)
		return;
	dd_begin(&w->snap);
	while ((n = getdents64(w->dirfd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			dd_seen(&w->snap, w, d->d_name, (uint64_t)d->d_ino,
			    entry_isdir(w->dirfd, d->d_name, d->d_type), first,
			    list);
		}
	if (n < 0)
		return;			/* keep what we had */
	dd_end(&w->snap, w, list);
	noise_add(w->dev, w->ino, HQ_NOTE_READ);
}

/* --- watches ---------------------------------------------------------------- */

static void
raise_fd_limit(void)
{
	static bool done;
	struct rlimit rl;

	/* Child knotes cost one fd each; the guest's limit is its own. */
	if (!done && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	done = true;
}

static void
watch_link(struct ino_inst *inst, struct ino_watch *w)
{
	struct ino_watch **pp = &inst->watches;

	while (*pp != NULL && (*pp)->wd < w->wd)
		pp = &(*pp)->next;
	w->next = *pp;
	*pp = w;
}

static bool
wd_in_use(const struct ino_inst *inst, int32_t wd)
{
	const struct ino_watch *x;

	for (x = inst->watches; x != NULL; x = x->next)
		if (x->wd == wd)
			return true;
	return false;
}

struct ino_watch *
ino_watch_new(struct ino_inst *inst, int fd, const void *stp, uint32_t mask,
    int *err)
{
	const struct stat *st = stp;
	struct dd_change *none = NULL;
	struct ino_watch *w;

	if (ino_hq() == NULL || (w = calloc(1, sizeof(*w))) == NULL) {
		close(fd);
		*err = -LX_ENOMEM;
		return NULL;
	}
	raise_fd_limit();
	w->inst = inst;
	w->mask = mask;
	w->dev = (uint64_t)st->st_dev;
	w->ino = (uint64_t)st->st_ino;
	w->isdir = S_ISDIR(st->st_mode);
	w->dirfd = -1;
	w->self.kind = KN_SELF;
	w->self.fd = fd;
	w->self.w = w;
	w->self.ino = w->ino;
	w->self.notes = self_notes(mask, w->isdir);
	dd_snap_init(&w->snap);
	if (w->isdir) {
		w->dirfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		noise_add(w->dev, w->ino, HQ_NOTE_OPEN);
		list_dir(w, 1, &none);
	}
	if (kn_register(&w->self) < 0) {
		/* Not a vnode (a socket): Linux watches it, nothing comes. */
		w->self.notes = 0;
	}
	children_attach_all(w);
	/* Linux: idr_alloc_cyclic from the last wd given, never 0. */
	do {
		inst->last_wd = inst->last_wd == INT32_MAX ? 1 :
		    inst->last_wd + 1;
	} while (wd_in_use(inst, inst->last_wd));
	w->wd = inst->last_wd;
	watch_link(inst, w);
	ino_nwatches++;
	*err = 0;
	return w;
}

int
ino_watch_set_mask(struct ino_watch *w, uint32_t mask)
{
	uint32_t old = w->mask;

	w->mask = mask;
	w->self.notes = self_notes(mask, w->isdir);
	if (w->self.fd >= 0)
		kn_register(&w->self);
	if (w->isdir && child_notes(old, false) != child_notes(mask, false)) {
		children_detach_all(w);
		children_attach_all(w);
	}
	return 0;
}

void
ino_watch_remove(struct ino_watch *w, bool ignored)
{
	struct ino_watch **pp;

	if (w->dead)
		return;
	if (ignored)
		inq_push(&w->inst->q, w->wd, LX_IN_IGNORED, 0, NULL);
	w->dead = true;
	for (pp = &w->inst->watches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	children_detach_all(w);
	kn_close(&w->self);
	if (w->dirfd >= 0) {
		close(w->dirfd);
		noise_add(w->dev, w->ino, HQ_NOTE_CLOSE);
		w->dirfd = -1;
	}
	ino_nwatches--;
	w->next = dead_watches;
	dead_watches = w;
}

void
ino_reap(void)
{
	struct ino_watch *w;

	if (touched != NULL)
		return;			/* a batch still refers to them */
	while ((w = dead_watches) != NULL) {
		dead_watches = w->next;
		dd_snap_fini(&w->snap, child_free);
		free(w);
	}
}

/* --- events ----------------------------------------------------------------- */

void
ino_deliver(struct ino_watch *w, uint32_t mask, uint32_t cookie,
    const char *name)
{
	uint32_t always = LX_IN_IGNORED | LX_IN_UNMOUNT;

	if (w->dead)
		return;
	if (!(mask & always) && !(mask & w->mask & LX_IN_ALL_EVENTS))
		return;
	inq_push(&w->inst->q, w->wd, mask, cookie, name);
	/* IN_ONESHOT: the watch goes after its first event. */
	if ((w->mask & LX_IN_ONESHOT) && !(mask & always))
		ino_watch_remove(w, true);
}

/* Notes about one inode, in the order one process's calls make them. */
static void
deliver_notes(struct ino_watch *w, uint32_t n, bool isdir, bool self,
    const char *name)
{
	uint32_t d = isdir ? LX_IN_ISDIR : 0;

	if (n & HQ_NOTE_OPEN)
		ino_deliver(w, LX_IN_OPEN | d, 0, name);
	if (n & HQ_NOTE_READ)
		ino_deliver(w, LX_IN_ACCESS | d, 0, name);
	if ((n & HQ_NOTE_WRITE) && !isdir)
		ino_deliver(w, LX_IN_MODIFY, 0, name);
	/* A link count change is IN_ATTRIB on the inode's own watch only. */
	if ((n & HQ_NOTE_ATTRIB) || (self && !isdir && (n & HQ_NOTE_LINK)))
		ino_deliver(w, LX_IN_ATTRIB | d, 0, name);
	if ((n & HQ_NOTE_CLOSE_WRITE) && !isdir)
		ino_deliver(w, LX_IN_CLOSE_WRITE, 0, name);
	if (n & HQ_NOTE_CLOSE)
		ino_deliver(w, LX_IN_CLOSE_NOWRITE | d, 0, name);
}

static void
touch(struct ino_kn *kn, uint32_t fflags)
{
	struct ino_watch *w = kn->w;

	kn->pend |= fflags;
	if (kn->kind == KN_CHILD && !kn->touched) {
		kn->touched = true;
		kn->tnext = w->tkids;
		w->tkids = kn;
	}
	if (!w->touched) {
		w->touched = true;
		w->tnext = touched;
		touched = w;
	}
}

static int
by_inst_wd(const void *a, const void *b)
{
	const struct ino_watch *x = *(struct ino_watch *const *)a;
	const struct ino_watch *y = *(struct ino_watch *const *)b;

	if (x->inst != y->inst)
		return (uintptr_t)x->inst < (uintptr_t)y->inst ? -1 : 1;
	return x->wd < y->wd ? -1 : x->wd > y->wd;
}

/* The touched child knotes of w, in the order the host saw them. */
static struct ino_kn **
touched_kids(struct ino_watch *w, size_t *n)
{
	struct ino_kn **v, *kn;
	size_t k = 0;

	*n = 0;
	for (kn = w->tkids; kn != NULL; kn = kn->tnext)
		k++;
	if (k == 0 || (v = malloc(k * sizeof(*v))) == NULL)
		return NULL;
	*n = k;
	for (kn = w->tkids; kn != NULL; kn = kn->tnext)
		v[--k] = kn;
	for (size_t i = 0; i < *n; i++) {
		v[i]->touched = false;
		v[i]->pend &= ~noise_of(w->dev, v[i]->ino);
		w->kidnotes |= v[i]->pend;
	}
	w->tkids = NULL;
	return v;
}

/* A batch's directory diffs: found before any event, emitted later. */
struct diff {
	struct dd_change *list;
	struct dd_change **order;
	size_t n;
};

static void
diff_compute(struct diff *df, struct ino_watch **v, size_t lo, size_t hi)
{
	memset(df, 0, sizeof(*df));
	for (size_t i = lo; i < hi; i++)
		if (!v[i]->dead && v[i]->isdir &&
		    (v[i]->self.pend & HQ_NOTE_WRITE))
			list_dir(v[i], 0, &df->list);
	if (df->list != NULL)
		df->order = dd_order(df->list, &df->n);
}

/* Was w's inode renamed over (its name taken) in this batch? */
static bool
diff_renamed_over(const struct diff *df, const struct ino_watch *w)
{
	for (size_t i = 0; i < df->n; i++)
		if (df->order[i]->suppressed && df->order[i]->ino == w->ino &&
		    ((struct ino_watch *)df->order[i]->owner)->dev == w->dev)
			return true;
	return false;
}

static void
diff_emit(struct diff *df)
{
	uint32_t base = next_cookie;
	struct dd_change *c;

	for (size_t i = 0; i < df->n; i++) {
		struct ino_watch *w;
		uint32_t d, cookie = 0;

		c = df->order[i];
		w = c->owner;
		d = c->isdir ? LX_IN_ISDIR : 0;
		if (c->pair >= 0) {
			/* One fresh cookie per rename, never 0. */
			cookie = base + (uint32_t)c->pair + 1;
			if (cookie == 0)
				cookie = base = 1;
			if (cookie > next_cookie)
				next_cookie = cookie;
		}
		if (c->suppressed)
			continue;
		switch (c->kind) {
		case DD_DELETE:
			ino_deliver(w, LX_IN_DELETE | d, 0, c->name);
			break;
		case DD_CREATE:
			ino_deliver(w, LX_IN_CREATE | d, 0, c->name);
			break;
		case DD_MOVED_FROM:
			ino_deliver(w, LX_IN_MOVED_FROM | d, cookie, c->name);
			break;
		case DD_MOVED_TO:
			ino_deliver(w, LX_IN_MOVED_TO | d, cookie, c->name);
			break;
		}
	}
	free(df->order);
	/* Gone entries lose their knotes, new ones get theirs. */
	for (c = df->list; c != NULL; c = c->next) {
		struct ino_watch *w = c->owner;

		if (c->kid != NULL)
			child_free(c->kid);
		if (c->ent != NULL && !w->dead)
			child_attach(w, c->ent);
	}
	dd_free_changes(df->list);
	memset(df, 0, sizeof(*df));
}

/*
 * MOVE_SELF, DELETE_SELF, UNMOUNT and IGNORED (none with IN_ISDIR, as
 * Linux sends them).  An unlink or rmdir reports the inode's end before
 * the directory's IN_DELETE, a rename after its MOVED_FROM/MOVED_TO.
 */
static void
deliver_terminal(struct ino_watch *w, bool late_attrib)
{
	uint32_t n = w->self.pend;

	if (w->dead)
		return;
	if (late_attrib)
		ino_deliver(w, LX_IN_ATTRIB, 0, NULL);
	if (n & HQ_NOTE_RENAME)
		ino_deliver(w, LX_IN_MOVE_SELF, 0, NULL);
	if (n & HQ_NOTE_REVOKE) {
		ino_deliver(w, LX_IN_UNMOUNT, 0, NULL);
		ino_watch_remove(w, true);
	} else if (n & HQ_NOTE_DELETE) {
		ino_deliver(w, LX_IN_DELETE_SELF, 0, NULL);
		ino_watch_remove(w, true);
	}
}

/*
 * A directory's own notes, less what its children's notes explain: a
 * host that reports a child's chmod, read or close on the directory too
 * (Linux inotify does, to a directory watch) must not make the directory
 * look changed itself.  A kqueue never does that, so this costs nothing
 * there.
 */
static uint32_t
self_pend(struct ino_watch *w)
{
	uint32_t n = w->self.pend;

	if (w->isdir)
		n &= ~(w->kidnotes & (HQ_NOTE_ATTRIB | HQ_NOTE_OPEN |
		    HQ_NOTE_READ | HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE));
	return n;
}

/*
 * The notes of one batch, note by note (all opens, then reads, writes,
 * attribute changes, closes), each first to the directories watching the
 * inode as their child, then to the inode's own watches: fsnotify's
 * order for one operation seen by a parent and a child watch.
 */
static void
deliver_by_note(struct ino_watch **v, size_t lo, size_t hi,
    struct ino_kn ***kids, const size_t *nkids)
{
	static const uint32_t order[] = { HQ_NOTE_OPEN, HQ_NOTE_READ,
		HQ_NOTE_WRITE, HQ_NOTE_ATTRIB | HQ_NOTE_LINK,
		HQ_NOTE_CLOSE_WRITE, HQ_NOTE_CLOSE };

	for (size_t t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
		for (size_t k = lo; k < hi; k++)
			for (size_t j = 0; j < nkids[k]; j++) {
				struct ino_kn *kn = kids[k][j];

				if (!v[k]->dead && kn->fd >= 0 &&
				    (kn->pend & order[t]))
					deliver_notes(v[k], kn->pend & order[t],
					    kn->ent->isdir, false,
					    kn->ent->name);
			}
		for (size_t k = lo; k < hi; k++)
			if (!v[k]->dead)
				deliver_notes(v[k], self_pend(v[k]) & order[t],
				    v[k]->isdir, true, NULL);
	}
}

/* One instance's watches v[lo..hi) of a batch. */
static void
process_instance(struct ino_watch **v, size_t lo, size_t hi,
    struct ino_kn ***kids, size_t *nkids, bool *late)
{
	struct diff df;

	for (size_t k = lo; k < hi; k++) {
		v[k]->self.pend &= ~noise_of(v[k]->dev, v[k]->ino);
		kids[k] = touched_kids(v[k], &nkids[k]);
	}
	diff_compute(&df, v, lo, hi);
	for (size_t k = lo; k < hi; k++) {
		uint32_t sp = self_pend(v[k]);

		/* rename(2) over a watched file: its ATTRIB after the move. */
		late[k] = !v[k]->isdir && (sp & HQ_NOTE_LINK) &&
		    !(sp & HQ_NOTE_ATTRIB) && diff_renamed_over(&df, v[k]);
		if (late[k])
			v[k]->self.pend &= ~HQ_NOTE_LINK;
	}
	deliver_by_note(v, lo, hi, kids, nkids);
	for (size_t k = lo; k < hi; k++)
		if (!late[k] && !(v[k]->self.pend & HQ_NOTE_RENAME))
			deliver_terminal(v[k], false);
	diff_emit(&df);
	for (size_t k = lo; k < hi; k++)
		deliver_terminal(v[k], late[k]);
	for (size_t k = lo; k < hi; k++) {
		for (size_t j = 0; j < nkids[k]; j++)
			kids[k][j]->pend = 0;
		free(kids[k]);
	}
}

/* Turn one batch's notes into events, instance by instance. */
static void
process_batch(void)
{
	struct ino_watch **v, *w;
	struct ino_kn ***kids;
	size_t n = 0, i, lo, *nkids;
	bool *late;

	for (w = touched; w != NULL; w = w->tnext)
		n++;
	if (n == 0)
		return;
	v = malloc(n * sizeof(*v));
	late = calloc(n, sizeof(*late));
	kids = calloc(n, sizeof(*kids));
	nkids = calloc(n, sizeof(*nkids));
	if (v == NULL || late == NULL || kids == NULL || nkids == NULL)
		goto out;
	for (n = 0, w = touched; w != NULL; w = w->tnext)
		v[n++] = w;
	qsort(v, n, sizeof(*v), by_inst_wd);
	for (lo = 0; lo < n; lo = i) {
		for (i = lo; i < n && v[i]->inst == v[lo]->inst; i++)
			;
		process_instance(v, lo, i, kids, nkids, late);
	}
	for (i = 0; i < n; i++) {
		v[i]->self.pend = 0;
		v[i]->touched = false;
		v[i]->tkids = NULL;
		v[i]->kidnotes = 0;
	}
out:
	/* Even out of memory: the batch is over (notes lost). */
	for (w = touched; w != NULL; w = w->tnext)
		w->touched = false;
	touched = NULL;
	free(v);
	free(late);
	free(kids);
	free(nkids);
}

/* Drain the host queue into the knotes' pending notes. */
static void
gather(void)
{
	struct hq_event ev[128];
	int n;

	while ((n = hq_wait(ihq, ev, 128, 0)) > 0) {
		for (int i = 0; i < n; i++) {
			struct ino_kn *kn = ev[i].udata;

			if (kn == NULL || kn->kind == KN_TIMER)
				continue;
			if (kn->kind == KN_SOCK) {
				kn->inst->sock_full = false;
				continue;
			}
			touch(kn, ev[i].fflags |
			    ((ev[i].flags & HQ_EOF) ? HQ_NOTE_REVOKE : 0));
		}
		if (n < 128)
			break;
	}
}

static void
arm_timer(int64_t ns)
{
	static struct ino_kn timer_kn = { .kind = KN_TIMER, .fd = -1 };
	struct hq_event ch = hq_event(1, HQ_TIMER, HQ_ADD | HQ_ONESHOT,
	    HQ_NOTE_NSECONDS, ns > 0 ? ns : 1, &timer_kn);

	hq_change(ihq, &ch, 1);
}

/*
 * Take the host's notes and make events of them.  Listing a directory
 * costs time in its size, so when the guest changes a big directory
 * fast, batches that the loop brings (not a guest's read) wait twice as
 * long as the last one took (10 ms at most): more changes per listing.
 * A read, FIONREAD or inotify call never waits.
 */
static void
sync_run(bool forced)
{
	static bool busy;
	static int64_t hold_until;
	int64_t t0, cost;

	if (busy || ihq == NULL)
		return;
	busy = true;
	for (;;) {
		gather();
		if (touched == NULL)
			break;
		t0 = lx_now_ns();
		if (!forced && t0 < hold_until) {
			arm_timer(hold_until - t0);
			break;
		}
		process_batch();
		cost = lx_now_ns() - t0;
		hold_until = cost > 200000 ? t0 + cost +
		    (cost * 2 < 10000000 ? cost * 2 : 10000000) : 0;
	}
	if (touched == NULL)
		nnoise = 0;	/* our own listings' notes have all come */
	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		ino_flush(in);
	ino_reap();
	busy = false;
}

void
ino_sync(void)
{
	sync_run(true);
}

void
ino_sync_lazy(void)
{
	sync_run(false);
}

/* --- the socket --------------------------------------------------------- */

#define FLUSH_BATCH 64
#define RECORD_MAX (LX_INOTIFY_EVENT_SIZE + LX_NAME_MAX + 1 + 15)

void
ino_flush(struct ino_inst *inst)
{
	static char rec[FLUSH_BATCH][RECORD_MAX];
	struct mmsghdr mv[FLUSH_BATCH];
	struct iovec iov[FLUSH_BATCH];
	struct inq_event *e;
	int k, r;

	while (!inst->sock_full && inst->q.unsent != NULL &&
	    inst->obj.sup_fd >= 0) {
		memset(mv, 0, sizeof(mv));
		for (k = 0, e = inst->q.unsent; e != NULL && k < FLUSH_BATCH;
		    e = e->next, k++) {
			iov[k].iov_base = rec[k];
			iov[k].iov_len = inq_encode(e, rec[k]);
			mv[k].msg_hdr.msg_iov = &iov[k];
			mv[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(inst->obj.sup_fd, mv, (unsigned)k,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		for (int i = 0; i < r; i++)
			inq_mark_sent(&inst->q);
		if (r == k)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return;		/* the guest's end is gone */
		/* Full: the loop says when the guest has read some. */
		inst->sock_full = true;
		inst->sock.kind = KN_SOCK;
		inst->sock.inst = inst;
		inst->sock.fd = inst->obj.sup_fd;
		{
			struct hq_event ch = hq_event(
			    (uintptr_t)inst->obj.sup_fd, HQ_WRITE,
			    HQ_ADD | HQ_ONESHOT, 0, 0, &inst->sock);

			hq_change(ihq, &ch, 1);
		}
	}
}
