/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Events of the traced calls that change names: unlink, rmdir, rename
 * (RENAME_EXCHANGE too), mkdir, mknod, symlink, link.  Each is looked up
 * at its entry (the file it names and its directory, before the call
 * changes them) and makes its events at its exit in fsnotify's order:
 *  - unlink: IN_ATTRIB (link count) to the file's watch, then when its
 *    last link went and nothing holds it IN_DELETE_SELF and IN_IGNORED,
 *    then IN_DELETE to the directory (rmdir: no IN_ATTRIB);
 *  - rename: IN_MOVED_FROM and IN_MOVED_TO with one cookie, IN_ATTRIB to
 *    a file renamed over, IN_MOVE_SELF to the moved one (an exchange is
 *    two such moves), and the end of a file renamed over;
 *  - mkdir, mknod, symlink: IN_CREATE; link: IN_ATTRIB then IN_CREATE.
 * The watched directories' snapshots follow, so the next listing finds
 * only what someone else did.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"
#include "lxrun/host.h"

#define LX_RENAME_EXCHANGE 0x2

/* --- snapshots ----------------------------------------------------------- */

struct set_arg {
	const char *name;
	uint64_t ino;
	bool isdir, orphan_old;
};

static void
set_one(struct ino_watch *w, void *arg)
{
	const struct set_arg *a = arg;
	struct dd_entry *e;
	void *oldkid;
	int already;

	e = dd_set(&w->snap, a->name, a->ino, a->isdir, &oldkid, &already);
	if (oldkid != NULL) {
		if (a->orphan_old)
			ino_orphan(w, oldkid);
		else
			ino_child_free(oldkid);
	}
	if (e != NULL)
		ino_child_attach(w, e);
}

static void
entry_set(const struct ino_look *p, const char *name, uint64_t ino,
    bool isdir, bool orphan_old)
{
	struct set_arg a = { name, ino, isdir, orphan_old };

	if (p->err == 0)
		ino_each_dir_watch(p->dev, p->ino, set_one, &a);
}

void
ino_entry_set(const struct ino_look *p, const char *name, uint64_t ino,
    bool isdir)
{
	entry_set(p, name, ino, isdir, true);
}

struct remove_arg {
	const char *name;
	bool orphan;
};

static void
remove_one(struct ino_watch *w, void *arg)
{
	const struct remove_arg *a = arg;
	uint64_t ino;
	void *kid;

	if (dd_remove(&w->snap, a->name, &ino, &kid) < 0 || kid == NULL)
		return;
	if (a->orphan)
		ino_orphan(w, kid);
	else
		ino_child_free(kid);
}

static void
entry_remove(const struct ino_look *p, const char *name, bool orphan)
{
	struct remove_arg a = { name, orphan };

	if (p->err == 0)
		ino_each_dir_watch(p->dev, p->ino, remove_one, &a);
}

void
ino_entry_remove(const struct ino_look *p, const char *name)
{
	entry_remove(p, name, true);
}

/* --- the file's state after the call ------------------------------------ */

/* The link count now, through a knote's fd (the supervisor holds it). */
static uint64_t
links_now(const struct ino_look *l, uint64_t guess)
{
	struct stat st;

	for (struct ino_kn *kn = ino_index_first(l->dev, l->ino); kn != NULL;
	    kn = ino_index_next(kn))
		if (kn->fd >= 0 && fstat(kn->fd, &st) == 0)
			return (uint64_t)st.st_nlink;
	return guess;
}

struct gone_name {
	const struct ino_look *p;
	const char *name;
};

static void
unlinked_one(struct ino_watch *w, void *arg)
{
	const struct gone_name *g = arg;

	ino_unlinked_by(w, g->p, g->name);
}

/*
 * The last link of l, name in directory p, went: its watches end, or
 * wait for the last close of that name (IN_DELETE_SELF goes with the
 * name's dentry on Linux).
 */
static void
last_link_gone(const struct ino_look *l, const struct ino_look *p,
    const char *name)
{
	bool isdir = (l->mode & S_IFMT) == S_IFDIR;
	struct gone_name g = { p, name };

	if (!isdir && links_now(l, l->nlink > 0 ? l->nlink - 1 : 0) > 0)
		return;
	ino_refs_invalidate();
	ino_each_watch(l->dev, l->ino, unlinked_one, &g);
}

static uint32_t
isdir_bit(const struct ino_look *l)
{
	return (l->mode & S_IFMT) == S_IFDIR ? LX_IN_ISDIR : 0;
}

/* The new entry name in watched directory p, as the supervisor sees it. */
static bool
entry_now(const struct ino_look *p, const char *name, struct ino_look *l)
{
	struct ino_kn *kn;
	struct stat st;

	for (kn = ino_index_first(p->dev, p->ino); kn != NULL;
	    kn = ino_index_next(kn))
		if (kn->kind == KN_SELF && kn->w->isdir && kn->fd >= 0 &&
		    fstatat(kn->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			l->err = 0;
			l->dev = (uint64_t)st.st_dev;
			l->ino = (uint64_t)st.st_ino;
			l->nlink = (uint64_t)st.st_nlink;
			l->mode = (uint32_t)st.st_mode;
			return true;
		}
	return false;
}

/* --- the calls -------------------------------------------------------------- */

enum ns_kind { NS_UNLINK, NS_RENAME, NS_CREATE, NS_LINK };

static enum ns_kind
kind_of(long nr)
{
	switch (nr) {
	case LX_NR_unlink: case LX_NR_unlinkat: case LX_NR_rmdir:
		return NS_UNLINK;
	case LX_NR_rename: case LX_NR_renameat: case LX_NR_renameat2:
		return NS_RENAME;
	case LX_NR_link: case LX_NR_linkat:
		return NS_LINK;
	}
	return NS_CREATE;
}

/* The path arguments: (dirfd, path) of the first and second name. */
static void
ns_args(struct lx_call *c, int *d1, uint64_t *p1, int *d2, uint64_t *p2)
{
	*d1 = *d2 = LX_AT_FDCWD;
	*p1 = *p2 = 0;
	switch (c->nr) {
	case LX_NR_unlink: case LX_NR_rmdir: case LX_NR_mkdir:
	case LX_NR_mknod:
		*p1 = c->arg[0];
		break;
	case LX_NR_unlinkat: case LX_NR_mkdirat: case LX_NR_mknodat:
		*d1 = (int)c->arg[0];
		*p1 = c->arg[1];
		break;
	case LX_NR_symlink:
		*p1 = c->arg[1];
		break;
	case LX_NR_symlinkat:
		*d1 = (int)c->arg[1];
		*p1 = c->arg[2];
		break;
	case LX_NR_rename: case LX_NR_link:
		*p1 = c->arg[0];
		*p2 = c->arg[1];
		break;
	case LX_NR_renameat: case LX_NR_renameat2: case LX_NR_linkat:
		*d1 = (int)c->arg[0];
		*p1 = c->arg[1];
		*d2 = (int)c->arg[2];
		*p2 = c->arg[3];
		break;
	}
}

static long ns_exit(struct lx_call *c, struct lx_guest *g, long ret);
static int ns_check(struct ino_call *cs);
static void ns_done(struct ino_call *cs);

/* Can the result be read from the watched directories (no exit stop)? */
static bool
pendable(enum ns_kind k, const struct ino_look *pa, const struct ino_look *pb)
{
	switch (k) {
	case NS_UNLINK:
		return ino_look_dir_watched(pa);
	case NS_CREATE:
		return ino_look_dir_watched(pa) && !ino_kids_wanted(pa);
	case NS_LINK:
		return ino_look_dir_watched(pb) && !ino_kids_wanted(pb);
	case NS_RENAME:
		return (ino_look_dir_watched(pb) || ino_look_dir_watched(pa)) &&
		    !ino_kids_wanted(pb);
	}
	return false;
}

struct lx_action
ino_ns_entry(struct lx_call *c, struct lx_guest *g)
{
	char path[INO_PATH_MAX], dir[INO_PATH_MAX];
	char na[LX_NAME_MAX + 1], nb[LX_NAME_MAX + 1];
	struct ino_look a, b, pa, pb;
	enum ns_kind k = kind_of(c->nr);
	struct ino_call *cs;
	uint64_t p1, p2, flags = 0;
	int d1, d2;
	bool seen;

	ino_orphans_seen_change();
	ns_args(c, &d1, &p1, &d2, &p2);
	memset(&a, 0, sizeof(a));
	b = pa = pb = a;
	a.err = b.err = -LX_ENOENT;
	if (c->nr == LX_NR_renameat2)
		flags = c->arg[4];
	else if (c->nr == LX_NR_linkat)
		flags = c->arg[4];
	if (!ino_read_path(g, p1, path))
		return lx_native();
	if (k == NS_CREATE) {
		struct stat st;

		if (!ino_split(path, dir, sizeof(dir), na))
			return lx_native();
		ino_look_dir(g, d1, dir, &pa);
		seen = ino_look_dir_watched(&pa);
		/* The name is taken: EEXIST, nothing made. */
		if (seen && ino_entry_stat(pa.dev, pa.ino, na, &st) == 0)
			return lx_native();
	} else if (k == NS_LINK && (flags & LX_AT_EMPTY_PATH) &&
	    path[0] == '\0') {
		ino_look_fd(g, d1, &a);
		seen = ino_look_seen(&a);
	} else {
		if (!ino_look_both(g, d1, path, k != NS_LINK ||
		    !(flags & LX_AT_SYMLINK_FOLLOW), &a, &pa, na) && k != NS_LINK)
			return lx_native();
		seen = ino_look_seen(&a) || (k != NS_LINK &&
		    ino_look_dir_watched(&pa));
	}
	if (k == NS_RENAME || k == NS_LINK) {
		if (!ino_read_path(g, p2, path) ||
		    !ino_look_both(g, d2, path, true, &b, &pb, nb))
			return lx_native();
		seen = seen || ino_look_dir_watched(&pb) ||
		    (k == NS_RENAME && ino_look_seen(&b));
		/* link(2) never replaces: a taken name is EEXIST, no event */
		if (k == NS_LINK && b.err == 0)
			return lx_native();
	}
	if (!seen || (k != NS_LINK && pa.err != 0) ||
	    ((k == NS_UNLINK || k == NS_RENAME) && a.err != 0))
		return lx_native();
	/*
	 * The sync first: the notes of this thread's previous call are
	 * struck by its flight, which ino_call_begin would end.
	 */
	ino_boundary(c->tid);
	if ((cs = ino_call_begin(c)) == NULL)
		return lx_native();
	cs->flags = flags;
	cs->a = a;
	cs->b = b;
	cs->pa = pa;
	cs->pb = pb;
	memcpy(cs->na, na, sizeof(na));
	if (k == NS_RENAME || k == NS_LINK)
		memcpy(cs->nb, nb, sizeof(nb));
	if (pa.err == 0)
		ino_flight_add(cs->f, pa.dev, pa.ino, HQ_NOTE_WRITE |
		    HQ_NOTE_LINK);
	if (pb.err == 0)
		ino_flight_add(cs->f, pb.dev, pb.ino, HQ_NOTE_WRITE |
		    HQ_NOTE_LINK);
	if (a.err == 0)
		ino_flight_add(cs->f, a.dev, a.ino, HQ_NOTE_LINK |
		    HQ_NOTE_ATTRIB | HQ_NOTE_DELETE | HQ_NOTE_RENAME);
	if (b.err == 0)
		ino_flight_add(cs->f, b.dev, b.ino, HQ_NOTE_LINK |
		    HQ_NOTE_ATTRIB | HQ_NOTE_DELETE | HQ_NOTE_RENAME);
	if (pendable(k, &pa, &pb)) {
		ino_call_pend(cs, ns_check, ns_done);
		return lx_native();
	}
	return lx_native_then(ns_exit);
}

/* Has the pending call happened?  What the watched directories show. */
static int
ns_check(struct ino_call *cs)
{
	struct stat st;
	int r;

	switch (kind_of(cs->nr)) {
	case NS_UNLINK:
		r = ino_entry_stat(cs->pa.dev, cs->pa.ino, cs->na, &st);
		return r < 0 || (r == 0 && (uint64_t)st.st_ino != cs->a.ino);
	case NS_CREATE:
		return ino_entry_stat(cs->pa.dev, cs->pa.ino, cs->na, &st) == 0;
	case NS_LINK:
		return ino_entry_stat(cs->pb.dev, cs->pb.ino, cs->nb, &st) == 0 &&
		    (uint64_t)st.st_ino == cs->a.ino;
	case NS_RENAME:
		if (ino_look_dir_watched(&cs->pb))
			return ino_entry_stat(cs->pb.dev, cs->pb.ino, cs->nb,
			    &st) == 0 && (uint64_t)st.st_ino == cs->a.ino;
		r = ino_entry_stat(cs->pa.dev, cs->pa.ino, cs->na, &st);
		return r < 0 || (r == 0 && (uint64_t)st.st_ino != cs->a.ino);
	}
	return -1;
}

static void
unlink_exit(struct ino_call *cs)
{
	if ((cs->a.mode & S_IFMT) != S_IFDIR)
		ino_emit_self(cs->a.dev, cs->a.ino, LX_IN_ATTRIB, 0);
	last_link_gone(&cs->a, &cs->pa, cs->na);
	ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na,
	    LX_IN_DELETE | isdir_bit(&cs->a), 0);
	entry_remove(&cs->pa, cs->na, true);
}

static void
rename_exit(struct ino_call *cs)
{
	bool exch = (cs->flags & LX_RENAME_EXCHANGE) != 0;
	bool over = cs->b.err == 0 && !exch;
	uint32_t sd = isdir_bit(&cs->a), td = isdir_bit(&cs->b), c1, c2;

	/* Two links of one inode: Linux does nothing at all. */
	if (cs->b.err == 0 && cs->a.dev == cs->b.dev && cs->a.ino == cs->b.ino)
		return;
	ino_links_renamed(&cs->pa, cs->na, &cs->pb, cs->nb, exch);
	c1 = ino_cookie();
	ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na, LX_IN_MOVED_FROM | sd,
	    c1);
	ino_emit_child(cs->pb.dev, cs->pb.ino, cs->nb, LX_IN_MOVED_TO | sd, c1);
	/* fsnotify_link_count of the victim: a directory's has IN_ISDIR */
	if (over)
		ino_emit_self(cs->b.dev, cs->b.ino, LX_IN_ATTRIB | td, 0);
	ino_emit_self(cs->a.dev, cs->a.ino, LX_IN_MOVE_SELF, 0);
	if (exch) {
		c2 = ino_cookie();
		ino_emit_child(cs->pb.dev, cs->pb.ino, cs->nb,
		    LX_IN_MOVED_FROM | td, c2);
		ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na,
		    LX_IN_MOVED_TO | td, c2);
		ino_emit_self(cs->b.dev, cs->b.ino, LX_IN_MOVE_SELF, 0);
		entry_set(&cs->pa, cs->na, cs->b.ino, td != 0, false);
		entry_set(&cs->pb, cs->nb, cs->a.ino, sd != 0, false);
		return;
	}
	if (over)
		last_link_gone(&cs->b, &cs->pb, cs->nb);
	entry_remove(&cs->pa, cs->na, false);
	entry_set(&cs->pb, cs->nb, cs->a.ino, sd != 0, true);
}

static void
ns_done(struct ino_call *cs)
{
	struct ino_look n;

	switch (kind_of(cs->nr)) {
	case NS_UNLINK:
		unlink_exit(cs);
		break;
	case NS_RENAME:
		rename_exit(cs);
		break;
	case NS_LINK:
		ino_emit_self(cs->a.dev, cs->a.ino, LX_IN_ATTRIB, 0);
		if (cs->pb.err == 0 && entry_now(&cs->pb, cs->nb, &n)) {
			ino_emit_child(cs->pb.dev, cs->pb.ino, cs->nb,
			    LX_IN_CREATE | isdir_bit(&n), 0);
			entry_set(&cs->pb, cs->nb, n.ino, false, true);
		}
		/* after the new name's knote: it must hear the closes */
		ino_links_linked(cs->a.dev, cs->a.ino);
		break;
	case NS_CREATE:
		if (entry_now(&cs->pa, cs->na, &n)) {
			ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na,
			    LX_IN_CREATE | isdir_bit(&n), 0);
			entry_set(&cs->pa, cs->na, n.ino, isdir_bit(&n) != 0,
			    true);
		}
		break;
	}
}

static long
ns_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_call *cs = ino_call_of(c->tid);

	(void)g;
	if (cs == NULL)
		return ret;
	if (ret < 0 || cs->f == NULL) {
		ino_call_end(c->tid);
		return ret;
	}
	ino_exit_sync(cs);
	/* A directory placed by its path's text: only what it shows. */
	if (!(cs->pa.guessed || cs->pb.guessed) || ns_check(cs) == 1)
		ns_done(cs);
	ino_flush_all();
	ino_call_end(c->tid);
	return ret;
}
