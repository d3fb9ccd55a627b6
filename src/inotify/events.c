/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify events from a batch of vnode notes (see watch.c for the
 * watches).  The notes of one batch become events in Linux's order for
 * one operation: the children's events (parent watches first, as fsnotify
 * reports the parent before the inode), the watches' own events, the
 * directory diffs of all the instance's directories together (so that a
 * rename across two watched directories pairs up with one cookie), and
 * last MOVE_SELF, DELETE_SELF, UNMOUNT and IGNORED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inotify/inotify_int.h"
#include "lxrun/linux_abi.h"

static uint32_t next_cookie;

uint32_t
ino_cookie(void)
{
	if (++next_cookie == 0)
		next_cookie = 1;
	return next_cookie;
}

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

	/* IN_EXCL_UNLINK: nothing about a file whose last link went. */
	if (self && w->unlinked && (w->mask & LX_IN_EXCL_UNLINK))
		return;

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

void
ino_touch(struct ino_kn *kn, uint32_t fflags)
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
		w->tnext = ino_touched;
		ino_touched = w;
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

/* The ino_touched child knotes of w, in the order the host saw them. */
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
		v[i]->pend &= ~ino_noise_of(w->dev, v[i]->ino);
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
			ino_list_dir(v[i], 0, &df->list);
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
	/*
	 * Gone entries lose their knotes (an unlinked file still open keeps
	 * reporting under its old name), new ones get theirs.
	 */
	for (c = df->list; c != NULL; c = c->next) {
		struct ino_watch *w = c->owner;

		if (c->kid != NULL && c->kind == DD_DELETE && !c->suppressed)
			ino_orphan(w, c->kid);
		else if (c->kid != NULL)
			ino_child_free(c->kid);
		if (c->ent != NULL && !w->dead)
			ino_child_attach(w, c->ent);
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
		ino_unlinked(w);
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
 * Inodes with a close note in this batch, looked at once the batch is
 * over, by identity (the knotes may be gone by then): `closed`, those of
 * unlinked watches and children (one whose last link went may be gone
 * now: DELETE_SELF, an unlinked child forgotten); `closing`, all of them
 * (links.c takes the names no traced fd holds out of its records).
 */
struct closes {
	struct {
		uint64_t dev, ino;
	} *v;
	size_t n, cap;
};
static struct closes closed, closing;

static void
closes_add(struct closes *l, const struct ino_kn *kn)
{
	if (!(kn->pend & (HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE)))
		return;
	if (l->n == l->cap) {
		size_t c = l->cap ? 2 * l->cap : 16;
		void *v = realloc(l->v, c * sizeof(*l->v));

		if (v == NULL)
			return;
		l->v = v;
		l->cap = c;
	}
	l->v[l->n].dev = kn->dev;
	l->v[l->n].ino = kn->ino;
	l->n++;
}

/* Notes of an open file, whose events go to the name it was opened by. */
#define BY_NAME_USED	(HQ_NOTE_OPEN | HQ_NOTE_READ | HQ_NOTE_WRITE | \
	HQ_NOTE_CLOSE_WRITE | HQ_NOTE_CLOSE)

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

	/* taken now: a delivery may end a watch, and free its knotes */
	for (size_t k = lo; k < hi; k++) {
		closes_add(&closing, &v[k]->self);
		for (size_t j = 0; j < nkids[k]; j++)
			closes_add(&closing, kids[k][j]);
	}
	for (size_t t = 0; t < sizeof(order) / sizeof(order[0]); t++) {
		for (size_t k = lo; k < hi; k++)
			for (size_t j = 0; j < nkids[k]; j++) {
				struct ino_kn *kn = kids[k][j];

				if (!v[k]->dead && kn->fd >= 0 &&
				    (kn->pend & order[t]) &&
				    ((order[t] & BY_NAME_USED) == 0 ||
				    ino_links_allow(kn, order[t])))
					deliver_notes(v[k], kn->pend & order[t],
					    kn->isdir, false, ino_kn_name(kn));
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
		v[k]->self.pend &= ~ino_noise_of(v[k]->dev, v[k]->ino);
		kids[k] = touched_kids(v[k], &nkids[k]);
		if (v[k]->unlinked || v[k]->orphans != NULL) {
			closes_add(&closed, &v[k]->self);
			for (size_t j = 0; j < nkids[k]; j++)
				closes_add(&closed, kids[k][j]);
		}
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
	/* Before the diff frees gone entries' knotes (and their watches). */
	for (size_t k = lo; k < hi; k++) {
		for (size_t j = 0; j < nkids[k] && !v[k]->dead; j++)
			kids[k][j]->pend = 0;
		free(kids[k]);
		kids[k] = NULL;
	}
	for (size_t k = lo; k < hi; k++)
		if (!late[k] && !(v[k]->self.pend & HQ_NOTE_RENAME))
			deliver_terminal(v[k], false);
	diff_emit(&df);
	for (size_t k = lo; k < hi; k++)
		deliver_terminal(v[k], late[k]);
}

/* Turn one batch's notes into events, instance by instance. */
void
ino_process_batch(void)
{
	struct ino_watch **v, *w;
	struct ino_kn ***kids;
	size_t n = 0, i, lo, *nkids;
	bool *late;

	for (w = ino_touched; w != NULL; w = w->tnext)
		n++;
	if (n == 0)
		return;
	ino_links_batch();
	v = malloc(n * sizeof(*v));
	late = calloc(n, sizeof(*late));
	kids = calloc(n, sizeof(*kids));
	nkids = calloc(n, sizeof(*nkids));
	if (v == NULL || late == NULL || kids == NULL || nkids == NULL)
		goto out;
	for (n = 0, w = ino_touched; w != NULL; w = w->tnext)
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
	for (w = ino_touched; w != NULL; w = w->tnext)
		w->touched = false;
	ino_touched = NULL;
	free(v);
	free(late);
	free(kids);
	free(nkids);
	for (i = 0; i < closed.n; i++)
		ino_closed(closed.v[i].dev, closed.v[i].ino);
	closed.n = 0;
	for (i = 0; i < closing.n; i++)
		ino_links_closed(closing.v[i].dev, closing.v[i].ino);
	closing.n = 0;
}
