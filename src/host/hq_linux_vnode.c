/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HQ_VNODE on Linux inotify, giving what NetBSD 10's EVFILT_VNODE gives.
 *
 * What NetBSD gives that inotify cannot, and what is done about it:
 *
 * - NOTE_DELETE when the last link goes.  While we hold the file open,
 *   inotify sends IN_DELETE_SELF only at the final close, so: unlink (and
 *   rename over the file) sends IN_ATTRIB (fsnotify_link_count), and
 *   st_nlink == 0 after it means DELETE.  rmdir of a held directory sends
 *   nothing at all to the directory's own watch, so a directory knote that
 *   wants DELETE also watches its parent ("/proc/self/fd/N/..") for
 *   IN_DELETE|IN_ISDIR and then checks its own st_nlink; the parent watch
 *   follows the directory when IN_MOVE_SELF says it moved.
 * - NOTE_LINK and NOTE_EXTEND have no inotify event: they are found by
 *   comparing st_nlink and st_size with a snapshot taken at the previous
 *   event.  A directory also gets LINK when a subdirectory is created or
 *   removed in it (IN_ISDIR), for file systems whose directory link counts
 *   mean nothing.
 * - NOTE_ATTRIB vs NOTE_LINK: inotify says IN_ATTRIB for both; NetBSD says
 *   only LINK for link/unlink.  ATTRIB is reported when the link count did
 *   not change or mode/uid/gid did; a utimes() coalesced with a link() in
 *   the same batch is reported as LINK alone.
 * - Ordering and counts: kqueue has one pending event per knote with the
 *   notes OR-ed, and so do we (inotify's own queue is drained into the
 *   knotes); knotes come out in the order they were first activated, as
 *   from a kqueue's active queue.  Names and cookies are never passed up.
 * - IN_Q_OVERFLOW (NetBSD never loses a note): every watch is treated as
 *   written and attribute-changed, plus whatever the snapshots show.
 * - The knote keys the inode, not the vnode-and-file: a closed fd number
 *   reopened on the same inode keeps the knote, where NetBSD drops it.
 * - OPEN/CLOSE/READ come from inotify as on NetBSD; our own fstat() calls
 *   generate none (we never open or read what we watch).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "host/hq_linux_int.h"
#include "lxrun/shortage.h"

struct vwatch {
	struct vwatch *wnext;		/* q->wd_hash chain */
	struct vwatch *inext;		/* q->ino_hash chain */
	struct vwatch *tnext;		/* touched in this drain */
	int wd;				/* -1 once IN_IGNORED */
	dev_t dev;
	ino_t ino;
	bool isdir;
	bool touched;
	uint32_t mask;
	struct knote *knotes;		/* knotes on this inode */
	struct knote *kids;		/* directory knotes whose parent this is */
	/* Snapshot at the previous event. */
	nlink_t nlink;
	off_t size;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	/* Accumulated in this drain. */
	uint32_t pend;
	bool subdir;			/* a subdirectory came or went */
	bool kidgone;			/* a subdirectory went */
};

#define DIR_ENTRY_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

/* Knotes to drop once a drain no longer walks the watch lists. */
struct stale {
	struct knote **v;
	size_t n, cap;
};

static unsigned
ino_hash(dev_t dev, ino_t ino)
{
	return (unsigned)((dev * 31 + ino) % HQ_HASH);
}

static unsigned
wd_hash(int wd)
{
	return (unsigned)wd % HQ_HASH;
}

int
hqv_init(struct hq *q)
{
	int e, spare;

	q->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (q->ifd >= 0)
		return 0;
	e = errno;
	/* EMFILE: the user's inotify instances, or lxrun's own fds */
	if (e == EMFILE && (spare = fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0) {
		close(spare);
		lx_shortage(LX_SHORT_INOTIFY_INSTANCES);
	} else {
		lx_shortage_fd_errno(e);
	}
	return -e;
}

void
hqv_fini(struct hq *q)
{
	if (q->ifd >= 0)
		close(q->ifd);
	q->ifd = -1;
}

static void
fd_path(char *buf, size_t len, int fd, bool parent)
{
	snprintf(buf, len, "/proc/self/fd/%d%s", fd, parent ? "/.." : "");
}

bool
hqv_same(const struct knote *kn)
{
	struct stat st;

	return kn->ident <= INT_MAX && fstat((int)kn->ident, &st) == 0 &&
	    st.st_dev == kn->dev && st.st_ino == kn->ino;
}

/* --- watches ---------------------------------------------------------- */

static struct vwatch *
watch_by_ino(struct hq *q, dev_t dev, ino_t ino)
{
	struct vwatch *w;

	for (w = q->ino_hash[ino_hash(dev, ino)]; w != NULL; w = w->inext)
		if (w->dev == dev && w->ino == ino)
			return w;
	return NULL;
}

static struct vwatch *
watch_by_wd(struct hq *q, int wd)
{
	struct vwatch *w;

	if (wd < 0)
		return NULL;
	for (w = q->wd_hash[wd_hash(wd)]; w != NULL; w = w->wnext)
		if (w->wd == wd)
			return w;
	return NULL;
}

static void
snap(struct vwatch *w, const struct stat *st)
{
	w->nlink = st->st_nlink;
	w->size = st->st_size;
	w->mode = st->st_mode;
	w->uid = st->st_uid;
	w->gid = st->st_gid;
}

static struct vwatch *
watch_new(struct hq *q, const struct stat *st)
{
	struct vwatch *w;
	unsigned h;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->wd = -1;
	w->dev = st->st_dev;
	w->ino = st->st_ino;
	w->isdir = S_ISDIR(st->st_mode);
	snap(w, st);
	h = ino_hash(w->dev, w->ino);
	w->inext = q->ino_hash[h];
	q->ino_hash[h] = w;
	return w;
}

static void
watch_unhash_wd(struct hq *q, struct vwatch *w)
{
	struct vwatch **pp;

	if (w->wd < 0)
		return;
	for (pp = &q->wd_hash[wd_hash(w->wd)]; *pp != NULL;
	    pp = &(*pp)->wnext)
		if (*pp == w) {
			*pp = w->wnext;
			break;
		}
	w->wd = -1;
}

static void
watch_release(struct hq *q, struct vwatch *w)
{
	struct vwatch **pp;

	if (w == NULL || w->knotes != NULL || w->kids != NULL)
		return;
	if (w->wd >= 0)
		(void)inotify_rm_watch(q->ifd, w->wd);
	watch_unhash_wd(q, w);
	for (pp = &q->ino_hash[ino_hash(w->dev, w->ino)]; *pp != w;
	    pp = &(*pp)->inext)
		;
	*pp = w->inext;
	free(w);
}

/* The inotify events a knote's notes need. */
static uint32_t
knote_mask(const struct knote *kn, bool isdir)
{
	uint32_t f = kn->sfflags, m = IN_DELETE_SELF | IN_MOVE_SELF;

	if (f & (HQ_NOTE_ATTRIB | HQ_NOTE_LINK | HQ_NOTE_DELETE))
		m |= IN_ATTRIB;
	if (f & (HQ_NOTE_WRITE | HQ_NOTE_EXTEND))
		m |= IN_MODIFY;
	if (isdir && (f & (HQ_NOTE_WRITE | HQ_NOTE_LINK)))
		m |= DIR_ENTRY_EVENTS;
	if (f & HQ_NOTE_READ)
		m |= IN_ACCESS;
	if (f & HQ_NOTE_OPEN)
		m |= IN_OPEN;
	if (f & HQ_NOTE_CLOSE)
		m |= IN_CLOSE_NOWRITE;
	if (f & HQ_NOTE_CLOSE_WRITE)
		m |= IN_CLOSE_WRITE;
	return m;
}

static uint32_t
watch_mask(const struct vwatch *w)
{
	const struct knote *kn;
	uint32_t m = 0;

	for (kn = w->knotes; kn != NULL; kn = kn->vnext)
		m |= knote_mask(kn, w->isdir);
	if (w->kids != NULL)
		m |= IN_DELETE | IN_MOVED_TO;
	return m;
}

/*
 * Make the inotify watch cover w's knotes; path names w's inode.  Masks
 * only grow (a superset costs events, not correctness: notes are filtered
 * per knote).  A new watch is added with IN_MASK_CREATE, so that an inode
 * inotify already watches for us (a watch we lost track of) is found and
 * adopted rather than silently given a new mask.
 */
static int
watch_cover(struct hq *q, struct vwatch *w, const char *path)
{
	uint32_t m = watch_mask(w) | w->mask;
	int wd;

	if (w->wd >= 0 && m == w->mask)
		return 0;
	if (w->wd < 0) {
		wd = inotify_add_watch(q->ifd, path, m | IN_MASK_CREATE);
		if (wd < 0 && errno == EEXIST)
			wd = inotify_add_watch(q->ifd, path, m);
	} else
		wd = inotify_add_watch(q->ifd, path, m);
	if (wd < 0 && errno == ENOSPC)
		lx_shortage(LX_SHORT_INOTIFY_WATCHES);
	if (wd < 0)
		return -errno;
	if (wd != w->wd) {
		watch_unhash_wd(q, w);
		w->wd = wd;
		w->wnext = q->wd_hash[wd_hash(wd)];
		q->wd_hash[wd_hash(wd)] = w;
	}
	w->mask = m;
	return 0;
}

/* --- the parent watch of a directory knote ----------------------------- */

static void
parent_detach(struct hq *q, struct knote *kn)
{
	struct knote **pp;
	struct vwatch *pw = kn->pw;

	if (pw == NULL)
		return;
	for (pp = &pw->kids; *pp != kn; pp = &(*pp)->pnext)
		;
	*pp = kn->pnext;
	kn->pw = NULL;
	watch_release(q, pw);
}

static void
parent_attach(struct hq *q, struct knote *kn)
{
	char path[64];
	struct vwatch *pw;
	struct stat st;

	fd_path(path, sizeof(path), (int)kn->ident, true);
	if (stat(path, &st) < 0)
		return;			/* already removed: nothing to watch */
	if (st.st_dev == kn->dev && st.st_ino == kn->ino)
		return;			/* a root is never removed */
	pw = watch_by_ino(q, st.st_dev, st.st_ino);
	if (pw == NULL && (pw = watch_new(q, &st)) == NULL)
		return;
	kn->pnext = pw->kids;
	pw->kids = kn;
	kn->pw = pw;
	if (watch_cover(q, pw, path) < 0)
		parent_detach(q, kn);
}

/* --- attach / detach -------------------------------------------------- */

static bool
vnode_type_ok(int fd, const struct stat *st)
{
	struct statfs sf;

	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
		return true;
	case S_IFIFO:		/* a named FIFO is a vnode, pipe(2) is not */
		return fstatfs(fd, &sf) == 0 && sf.f_type != PIPEFS_MAGIC;
	}
	return false;		/* sockets, eventfd, epoll...: no vnode */
}

int
hqv_attach(struct hq *q, struct knote *kn)
{
	char path[64];
	struct vwatch *w;
	struct stat st;
	int fd = (int)kn->ident, error;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!vnode_type_ok(fd, &st))
		return -EINVAL;
	kn->dev = st.st_dev;
	kn->ino = st.st_ino;
	/* Events already queued happened before this knote existed. */
	hqv_drain(q);
	w = watch_by_ino(q, st.st_dev, st.st_ino);
	/*
	 * A change the watch's knotes did not ask for left no event, and
	 * the watch's last look at the inode predates it: look again, or
	 * the next event's stat would tell this knote of it (a link count
	 * changed before the knote existed, as NOTE_LINK).
	 */
	if (w != NULL)
		snap(w, &st);
	if (w == NULL && (w = watch_new(q, &st)) == NULL)
		return -ENOMEM;
	kn->vw = w;
	kn->vnext = w->knotes;
	w->knotes = kn;
	fd_path(path, sizeof(path), fd, false);
	if ((error = watch_cover(q, w, path)) < 0)
		return error;	/* the caller drops kn, which detaches */
	if (w->isdir && (kn->sfflags & HQ_NOTE_DELETE))
		parent_attach(q, kn);
	return 0;
}

int
hqv_modify(struct hq *q, struct knote *kn)
{
	char path[64];

	fd_path(path, sizeof(path), (int)kn->ident, false);
	if (kn->vw->isdir && (kn->sfflags & HQ_NOTE_DELETE) && kn->pw == NULL)
		parent_attach(q, kn);
	return watch_cover(q, kn->vw, path);
}

void
hqv_detach(struct hq *q, struct knote *kn)
{
	struct knote **pp;
	struct vwatch *w = kn->vw;

	parent_detach(q, kn);
	if (w == NULL)
		return;
	for (pp = &w->knotes; *pp != kn; pp = &(*pp)->vnext)
		;
	*pp = kn->vnext;
	kn->vw = NULL;
	watch_release(q, w);
}

/* --- events -> notes -------------------------------------------------- */

static uint32_t
notes_from_events(const struct vwatch *w)
{
	uint32_t m = w->pend, n = 0;

	if (m & IN_ACCESS)
		n |= HQ_NOTE_READ;
	if (m & IN_OPEN)
		n |= HQ_NOTE_OPEN;
	if (m & IN_CLOSE_NOWRITE)
		n |= HQ_NOTE_CLOSE;
	if (m & IN_CLOSE_WRITE)
		n |= HQ_NOTE_CLOSE_WRITE;
	if ((m & IN_MODIFY) || (w->isdir && (m & DIR_ENTRY_EVENTS)))
		n |= HQ_NOTE_WRITE;
	if (m & IN_MOVE_SELF)
		n |= HQ_NOTE_RENAME;
	if (m & IN_UNMOUNT)
		n |= HQ_NOTE_REVOKE;
	if (m & IN_DELETE_SELF)
		n |= HQ_NOTE_DELETE;
	if (w->isdir && w->subdir)
		n |= HQ_NOTE_LINK;
	return n;
}

/* What the inode's new state says that inotify did not. */
static uint32_t
notes_from_stat(const struct vwatch *w, const struct stat *st)
{
	uint32_t n = 0;
	bool relinked = st->st_nlink != w->nlink;

	if (!w->isdir && st->st_size > w->size)
		n |= HQ_NOTE_EXTEND;
	if (relinked)
		n |= HQ_NOTE_LINK;
	if (st->st_nlink == 0 && w->nlink != 0)
		n |= HQ_NOTE_DELETE;
	if ((w->pend & IN_ATTRIB) && (!relinked || st->st_mode != w->mode ||
	    st->st_uid != w->uid || st->st_gid != w->gid))
		n |= HQ_NOTE_ATTRIB;
	return n;
}

static void
post(struct hq *q, struct knote *kn, uint32_t notes)
{
	uint32_t f = notes & kn->sfflags;

	if (notes & HQ_NOTE_REVOKE)
		kn->eof = true;		/* filt_vnode: EV_EOF on revoke */
	kn->fflags |= f;
	if (f != 0 || (notes & HQ_NOTE_REVOKE))
		hq_knote_activate(q, kn);
}

static void
stale_add(struct stale *s, struct knote *kn)
{
	struct knote **v;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == kn)
			return;
	if (s->n == s->cap) {
		v = realloc(s->v, (s->cap ? s->cap * 2 : 16) * sizeof(*v));
		if (v == NULL)
			return;		/* dropped later, at retrieval */
		s->v = v;
		s->cap = s->cap ? s->cap * 2 : 16;
	}
	s->v[s->n++] = kn;
}

/* fstat the knote's fd; false (and queued for dropping) if it changed. */
static bool
knote_stat(struct knote *kn, struct stat *st, struct stale *s)
{
	if (kn->ident <= INT_MAX && fstat((int)kn->ident, st) == 0 &&
	    st->st_dev == kn->dev && st->st_ino == kn->ino)
		return true;
	stale_add(s, kn);
	return false;
}

/* A subdirectory went from a parent: did one of our directories die? */
static void
check_kids(struct hq *q, struct vwatch *pw, struct stale *s)
{
	struct knote *kn;
	struct stat st;

	for (kn = pw->kids; kn != NULL; kn = kn->pnext) {
		if (!knote_stat(kn, &st, s))
			continue;
		if (st.st_nlink == 0 && kn->vw->nlink != 0) {
			kn->vw->nlink = 0;
			post(q, kn, HQ_NOTE_DELETE);
		}
	}
}

static void
watch_post(struct hq *q, struct vwatch *w, struct stale *s,
    struct stale *moved)
{
	struct knote *kn;
	struct stat st, cur;
	bool have = false;
	uint32_t notes;

	for (kn = w->knotes; kn != NULL; kn = kn->vnext) {
		if (!knote_stat(kn, &cur, s))
			continue;
		kn->vchecked = q->pass;
		if (!have) {
			st = cur;
			have = true;
		}
	}
	notes = notes_from_events(w);
	if (have) {
		notes |= notes_from_stat(w, &st);
		snap(w, &st);
	}
	for (kn = w->knotes; kn != NULL; kn = kn->vnext) {
		post(q, kn, notes);
		if ((w->pend & IN_MOVE_SELF) && kn->pw != NULL)
			stale_add(moved, kn);
	}
	if (w->kidgone)
		check_kids(q, w, s);
	w->pend = 0;
	w->subdir = w->kidgone = false;
}

/* Watches touched in a drain, in the order inotify reported them. */
struct touched {
	struct vwatch *head, **tail;
};

static void
touch(struct vwatch *w, struct touched *touched)
{
	if (!w->touched) {
		w->touched = true;
		w->tnext = NULL;
		*touched->tail = w;
		touched->tail = &w->tnext;
	}
}

static void
overflow(struct hq *q, struct touched *touched)
{
	struct vwatch *w;
	unsigned i;

	for (i = 0; i < HQ_HASH; i++)
		for (w = q->ino_hash[i]; w != NULL; w = w->inext) {
			w->pend |= IN_MODIFY | IN_ATTRIB;
			w->kidgone = true;
			touch(w, touched);
		}
}

static void
account(struct hq *q, const struct inotify_event *e, struct touched *touched)
{
	struct vwatch *w;
	uint32_t m = e->mask;

	if (m & IN_Q_OVERFLOW) {
		overflow(q, touched);
		return;
	}

	if ((w = watch_by_wd(q, e->wd)) == NULL)
		return;
	if (m & IN_IGNORED) {
		watch_unhash_wd(q, w);	/* the kernel removed the watch */
		return;
	}
	/* A named event is about an entry; only the entry set matters. */
	if (e->len > 0)
		m &= DIR_ENTRY_EVENTS | IN_ISDIR;
	if (m == 0)
		return;
	w->pend |= m;
	if ((m & IN_ISDIR) && (m & (IN_CREATE | IN_DELETE)))
		w->subdir = true;
	if ((m & IN_ISDIR) && (m & (IN_DELETE | IN_MOVED_TO)))
		w->kidgone = true;
	touch(w, touched);
}

void
hqv_drain(struct hq *q)
{
	char buf[8192] __attribute__((aligned(8)));
	struct touched touched;
	struct vwatch *w;
	struct stale s = { NULL, 0, 0 }, moved = { NULL, 0, 0 };
	const struct inotify_event *e;
	ssize_t n;
	char *p;
	size_t i;

	touched.head = NULL;
	touched.tail = &touched.head;
	while ((n = read(q->ifd, buf, sizeof(buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)(void *)p;
			account(q, e, &touched);
		}
		/*
		 * A read takes every queued event that fits: room left for
		 * the largest one means the queue was empty (an event queued
		 * since is the next drain's: the fd stays readable).
		 */
		if ((size_t)n <= sizeof(buf) - (sizeof(*e) + NAME_MAX + 1))
			break;
	}
	for (w = touched.head; w != NULL; w = w->tnext)
		watch_post(q, w, &s, &moved);
	for (w = touched.head; w != NULL; w = w->tnext)
		w->touched = false;
	/* Watches may be freed from here on. */
	for (i = 0; i < moved.n; i++) {
		/* A moved directory has a new parent to watch. */
		parent_detach(q, moved.v[i]);
		if (hqv_same(moved.v[i]))
			parent_attach(q, moved.v[i]);
	}
	for (i = 0; i < s.n; i++)
		hq_knote_drop(q, s.v[i]);
	free(s.v);
	free(moved.v);
}
