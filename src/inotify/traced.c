/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Events made from the traced processes' own calls (DESIGN.md decision
 * 6): opens and the batch boundaries, and the hooks of every such call
 * (attribute calls: traced_attr.c; name changes: traced_ns.c).
 *
 * Once a watch exists, the calls that can cause an event stop (rules.c).
 * At the entry the path is looked up (the supervisor's lookup with the
 * thread's view, or the guest's own fstatat when that cannot be sure):
 * a call that no watch sees runs on at once.  One that a watch sees first
 * takes every note the host has (so what happened before it is reported
 * before it), runs, and at its exit stop strikes the host's notes of what
 * it did and makes its events the way fsnotify does: the directory's
 * event (with the name) before the inode's own, IN_CREATE before IN_OPEN,
 * IN_OPEN before the IN_MODIFY of O_TRUNC.
 *
 * Reads, writes and closes make no event of their own: each read or write
 * on an fd of a watched file stops at its entry (a boundary: the notes of
 * what came before become events), and its note, or a close's, becomes an
 * event at the next boundary or when the loop wakes.  A close note is the
 * host's word that the last reference went, as Linux's IN_CLOSE_*.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "inotify/traced.h"
#include "lxrun/dispatch.h"
#include "lxrun/host.h"

/* --- looking up what a call names ------------------------------------- */

static void
look_from(struct ino_look *l, const struct stat *st)
{
	l->err = 0;
	l->dev = (uint64_t)st->st_dev;
	l->ino = (uint64_t)st->st_ino;
	l->nlink = (uint64_t)st->st_nlink;
	l->mode = (uint32_t)st->st_mode;
	l->guessed = false;
}

/* The guest's own fstatat (the supervisor cannot see what it sees). */
static void
look_in_guest(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    struct ino_look *l)
{
	size_t len = strlen(path) + 1;
	struct lx_stat lst;
	struct stat st;
	uint64_t buf;
	long r;

	l->err = INO_LOOK_UNKNOWN;
	if (len + sizeof(lst) > LX_SCRATCH_MAX ||
	    (buf = lx_guest_scratch(g, len + sizeof(lst))) == 0 ||
	    lx_guest_write(g, buf + sizeof(lst), path, len) < 0)
		return;
	r = lx_guest_syscall(g, LX_NR_newfstatat, (uint64_t)(int64_t)dirfd,
	    buf + sizeof(lst), buf, nofollow ? LX_AT_SYMLINK_NOFOLLOW : 0, 0,
	    0);
	if (r < 0) {
		l->err = (int)r;
		return;
	}
	if (lx_guest_read(g, &lst, buf, sizeof(lst)) < 0)
		return;
	memset(&st, 0, sizeof(st));
	st.st_dev = (dev_t)lst.st_dev;
	st.st_ino = (ino_t)lst.st_ino;
	st.st_nlink = (nlink_t)lst.st_nlink;
	st.st_mode = (mode_t)lst.st_mode;
	look_from(l, &st);
}

void
ino_look(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    struct ino_look *l)
{
	struct stat st;
	int r = lx_guest_path_stat(g, dirfd, path, nofollow, &st);

	l->direct = r != -LX_EAGAIN;
	l->guessed = false;
	if (r == 0)
		look_from(l, &st);
	else if (r == -LX_EAGAIN)
		look_in_guest(g, dirfd, path, nofollow, l);
	else
		l->err = r;
}

/*
 * The entry name of directory p, whose lookup p is.  In a watched
 * directory the supervisor looks at the entry itself (it lists it
 * anyway); otherwise the path is looked up as the guest sees it, and a
 * lookup that only failed because it left p's mount (the supervisor's
 * lookup stops there rather than guess) means the name does not exist.
 */
static void
look_entry(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    const struct ino_look *p, const char *name, struct ino_look *l)
{
	struct stat st;
	int r;

	if (p->err == 0 && ino_dir_watched(p->dev, p->ino) &&
	    (r = ino_entry_stat(p->dev, p->ino, name, &st)) != 1) {
		if (r < 0) {
			l->err = -LX_ENOENT;
			return;
		}
		if (nofollow || (st.st_mode & S_IFMT) != S_IFLNK) {
			look_from(l, &st);
			l->direct = true;
			return;
		}
	}
	if (p->err == 0 && p->direct &&
	    lx_guest_path_stat(g, dirfd, path, nofollow, &st) == -LX_EAGAIN) {
		l->err = -LX_ENOENT;
		l->direct = true;
		return;
	}
	ino_look(g, dirfd, path, nofollow, l);
}

void
ino_look_fd(struct lx_guest *g, int fd, struct ino_look *l)
{
	struct stat st;

	if (fd == LX_AT_FDCWD) {
		ino_look(g, fd, ".", false, l);
		return;
	}
	if (lx_guest_fd_stat(g, fd, &st) < 0)
		l->err = -LX_EBADF;
	else
		look_from(l, &st);
}

bool
ino_look_seen(const struct ino_look *l)
{
	return l->err == 0 && ino_index_first(l->dev, l->ino) != NULL;
}

bool
ino_look_dir_watched(const struct ino_look *l)
{
	return l->err == 0 && ino_dir_watched(l->dev, l->ino);
}

bool
ino_split(const char *path, char *dir, size_t dlen, char *name)
{
	size_t len = strlen(path), end, start;

	end = len;
	while (end > 1 && path[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start > LX_NAME_MAX || end == start)
		return false;
	memcpy(name, path + start, end - start);
	name[end - start] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	/* The directory part, without its trailing slashes. */
	while (start > 1 && path[start - 1] == '/')
		start--;
	if (start == 0) {
		snprintf(dir, dlen, ".");
	} else if (start >= dlen) {
		return false;
	} else {
		memcpy(dir, path, start);
		dir[start] = '\0';
	}
	return true;
}

bool
ino_read_path(struct lx_guest *g, uint64_t addr, char *buf)
{
	return addr != 0 && lx_guest_string(g, buf, addr, INO_PATH_MAX) >= 0;
}

void
ino_look_dir(struct lx_guest *g, int dirfd, const char *dir,
    struct ino_look *l)
{
	struct ino_watch *w = ino_dircache_find(dir);

	if (w != NULL) {
		memset(l, 0, sizeof(*l));
		l->dev = w->dev;
		l->ino = w->ino;
		l->mode = LX_S_IFDIR;
		l->direct = true;
		l->guessed = true;
		return;
	}
	ino_look(g, dirfd, dir, false, l);
	l->guessed = false;
	if (dir[0] == '/' && ino_look_dir_watched(l))
		ino_dircache_learn(l);
}

bool
ino_look_both(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    struct ino_look *l, struct ino_look *pl, char *name)
{
	char dir[INO_PATH_MAX];

	if (!ino_split(path, dir, sizeof(dir), name)) {
		ino_look(g, dirfd, path, nofollow, l);
		pl->err = -LX_ENOENT;
		return false;
	}
	ino_look_dir(g, dirfd, dir, pl);
	look_entry(g, dirfd, path, nofollow, pl, name, l);
	return true;
}

struct verify {
	const char *name;
	uint64_t dev, ino;
	bool ok, tried;
};

static void
verify_one(struct ino_watch *w, void *arg)
{
	struct verify *v = arg;
	struct stat st;

	if (v->tried || w->self.fd < 0)
		return;
	v->tried = true;
	v->ok = fstatat(w->self.fd, v->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (uint64_t)st.st_dev == v->dev && (uint64_t)st.st_ino == v->ino;
}

bool
ino_verify_entry(const struct ino_look *p, const char *name, uint64_t dev,
    uint64_t ino)
{
	struct verify v = { name, dev, ino, false, false };

	if (p->err != 0)
		return false;
	ino_each_dir_watch(p->dev, p->ino, verify_one, &v);
	return v.ok;
}

bool
ino_only_parent(uint64_t dev, uint64_t ino, struct ino_look *p, char *name)
{
	struct ino_kn *found = NULL;

	for (struct ino_kn *kn = ino_index_first(dev, ino); kn != NULL;
	    kn = ino_index_next(kn))
		if (kn->kind == KN_CHILD && !kn->orphan) {
			if (found != NULL && (found->w->dev != kn->w->dev ||
			    found->w->ino != kn->w->ino ||
			    strcmp(found->name, kn->name) != 0))
				return false;	/* several links: unknown */
			found = kn;
		}
	if (found == NULL)
		return false;
	p->err = 0;
	p->dev = found->w->dev;
	p->ino = found->w->ino;
	p->mode = LX_S_IFDIR;
	snprintf(name, LX_NAME_MAX + 1, "%s", found->name);
	return true;
}

/* --- opens --------------------------------------------------------------- */

static uint64_t
open_flags(struct lx_call *c, struct lx_guest *g, bool *ok)
{
	uint64_t how[3];

	*ok = true;
	switch (c->nr) {
	case LX_NR_open:
		return c->arg[1];
	case LX_NR_creat:
		return LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC;
	case LX_NR_openat:
		return c->arg[2];
	case LX_NR_openat2:
		if (c->arg[3] < sizeof(how) ||
		    lx_guest_read(g, how, c->arg[2], sizeof(how)) < 0) {
			*ok = false;
			return 0;
		}
		return how[0];
	}
	*ok = false;
	return 0;
}

/*
 * Where the opened file is, when its path did not say for sure (a
 * followed symlink, ".", a lookup the supervisor could not make): the
 * directory of the fd's own path, if it is a watched one that has the
 * name, else its only link in a watched directory.
 */
static void
locate_from_fd(struct lx_guest *g, int fd, const struct ino_look *f,
    struct ino_call *cs)
{
	char link[64], target[INO_PATH_MAX], dir[INO_PATH_MAX];
	struct stat st;
	ssize_t n;

	cs->named_a = false;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", g->tid, fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0 && target[0] == '/') {
		target[n] = '\0';
		if (ino_split(target, dir, sizeof(dir), cs->na) &&
		    stat(dir, &st) == 0) {
			cs->pa.err = 0;
			cs->pa.dev = (uint64_t)st.st_dev;
			cs->pa.ino = (uint64_t)st.st_ino;
			if (ino_verify_entry(&cs->pa, cs->na, f->dev, f->ino)) {
				cs->named_a = true;
				return;
			}
		}
	}
	cs->named_a = ino_only_parent(f->dev, f->ino, &cs->pa, cs->na);
}

/* The boundary rules an fd opened with flags on l needs (INO_IO_*). */
static unsigned
io_wanted(const struct ino_look *l, uint64_t flags)
{
	unsigned sets;

	if (l->err != 0)
		return 0;
	sets = ino_iofd_sets(l->dev, l->ino);
	/* It cannot write; its attribute calls stop anyway (rules.c). */
	if ((flags & LX_O_ACCMODE) == LX_O_RDONLY && !(flags & LX_O_TRUNC))
		sets &= ~(unsigned)INO_IO_CHANGES;
	return sets;
}

bool
ino_kids_wanted(const struct ino_look *p)
{
	return p->err == 0 &&
	    ino_child_notes(ino_masks_on(p->dev, p->ino), false) != 0;
}

static long open_exit(struct lx_call *c, struct lx_guest *g, long ret);

/*
 * The events of an open of f, in fsnotify's order: IN_CREATE, IN_OPEN
 * (the directory's, then the file's own), the IN_MODIFY of O_TRUNC.
 */
static void
open_events(struct ino_call *cs, const struct ino_look *f, bool created)
{
	uint32_t d = (f->mode & S_IFMT) == S_IFDIR ? LX_IN_ISDIR : 0;

	ino_links_opened(f, &cs->pa, cs->named_a ? cs->na : NULL);
	if (created && cs->named_a) {
		ino_entry_set(&cs->pa, cs->na, f->ino, d != 0);
		ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na, LX_IN_CREATE | d,
		    0);
	}
	if (cs->named_a)
		ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na, LX_IN_OPEN | d, 0);
	ino_emit_self(f->dev, f->ino, LX_IN_OPEN | d, 0);
	/* O_RDONLY|O_TRUNC truncates too (the open asks for write access). */
	if ((cs->flags & LX_O_TRUNC) && !created &&
	    (f->mode & S_IFMT) == S_IFREG) {
		if (cs->named_a)
			ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na,
			    LX_IN_MODIFY, 0);
		ino_emit_self(f->dev, f->ino, LX_IN_MODIFY, 0);
	}
}

/* A pending creating open: is the new name there? */
static int
open_check(struct ino_call *cs)
{
	struct stat st;

	if (ino_entry_stat(cs->pa.dev, cs->pa.ino, cs->na, &st) != 0)
		return 0;
	look_from(&cs->b, &st);		/* the new file, for open_done */
	return 1;
}

static void
open_done(struct ino_call *cs)
{
	open_events(cs, &cs->b, true);
}

static struct lx_action
open_entry(struct lx_call *c, struct lx_guest *g)
{
	char path[INO_PATH_MAX], name[LX_NAME_MAX + 1];
	struct ino_look t, p, target;
	struct ino_call *cs;
	bool ok, relevant = false, create, named, locate;
	int dirfd = c->nr == LX_NR_openat || c->nr == LX_NR_openat2 ?
	    (int)c->arg[0] : LX_AT_FDCWD;
	uint64_t flags = open_flags(c, g, &ok), addr;
	struct lx_action a;

	addr = dirfd == LX_AT_FDCWD && c->nr != LX_NR_openat &&
	    c->nr != LX_NR_openat2 ? c->arg[0] : c->arg[1];
	if (!ok || (flags & LX_O_PATH) || !ino_read_path(g, addr, path))
		return lx_native();
	if (ino_nwatches == 0)
		return lx_native();
	create = (flags & LX_O_CREAT) && (flags & LX_O_TMPFILE) !=
	    LX_O_TMPFILE;
	memset(&p, 0, sizeof(p));
	named = ino_look_both(g, dirfd, path, true, &t, &p, name);
	if (t.err == INO_LOOK_UNKNOWN || p.err == INO_LOOK_UNKNOWN)
		relevant = true;
	else if (t.err == 0 && (t.mode & S_IFMT) == S_IFLNK &&
	    !(flags & LX_O_NOFOLLOW))
		relevant = true;	/* followed: placed at the exit */
	else if (t.err == 0)
		relevant = ino_look_seen(&t) || ino_look_dir_watched(&p);
	else if (create && t.err == -LX_ENOENT)
		relevant = ino_look_dir_watched(&p);
	if (!relevant)
		return lx_native();
	locate = t.err == INO_LOOK_UNKNOWN || !named ||
	    (t.err == 0 && (t.mode & S_IFMT) == S_IFLNK) ||
	    p.err == INO_LOOK_UNKNOWN;
	if (!locate) {
		/*
		 * An existing file that needs no rules: its notes (IN_OPEN,
		 * the IN_MODIFY of O_TRUNC) say it, at the next boundary.
		 */
		if (t.err == 0 && !io_wanted(&t, flags)) {
			ino_boundary(c->tid);
			ino_links_opened(&t, &p, named ? name : NULL);
			return lx_native();
		}
		/* A new file that needs no knote: no exit stop either. */
		if (t.err == -LX_ENOENT && !ino_kids_wanted(&p)) {
			ino_boundary(c->tid);
			if ((cs = ino_call_begin(c)) == NULL)
				return lx_native();
			cs->flags = flags;
			cs->a = t;
			cs->pa = p;
			cs->named_a = true;
			memcpy(cs->na, name, sizeof(name));
			ino_flight_add(cs->f, p.dev, p.ino, HQ_NOTE_WRITE |
			    HQ_NOTE_LINK);
			ino_call_pend(cs, open_check, open_done);
			return lx_native();
		}
	}
	if ((cs = ino_call_begin(c)) == NULL)
		return lx_native();
	cs->flags = flags;
	cs->a = t;
	cs->pa = p;
	cs->named_a = named;
	if (named)
		memcpy(cs->na, name, sizeof(name));
	cs->locate = locate;
	target.err = -LX_ENOENT;
	/*
	 * A symlink at the end of the path is followed (unless O_NOFOLLOW,
	 * or O_CREAT|O_EXCL): the notes of its target are the call's own,
	 * and O_CREAT makes the target if it is missing, a new file where
	 * the link points (found from the fd at the exit).
	 */
	if (t.err == 0 && (t.mode & S_IFMT) == S_IFLNK &&
	    !(flags & LX_O_NOFOLLOW) &&
	    !(create && (flags & LX_O_EXCL))) {
		ino_look(g, dirfd, path, false, &target);
		cs->via_link = create && target.err == -LX_ENOENT;
	}
	ino_boundary(c->tid);
	if (t.err == 0)
		ino_flight_add(cs->f, t.dev, t.ino, HQ_NOTE_OPEN |
		    HQ_NOTE_WRITE | HQ_NOTE_EXTEND);
	if (target.err == 0)
		ino_flight_add(cs->f, target.dev, target.ino, HQ_NOTE_OPEN |
		    HQ_NOTE_WRITE | HQ_NOTE_EXTEND);
	if (create && p.err == 0)
		ino_flight_add(cs->f, p.dev, p.ino, HQ_NOTE_WRITE |
		    HQ_NOTE_LINK);
	if (cs->locate)
		cs->f->blind = true;
	cs->events = true;
	/* A rewrite of itself: its exit may inject (rules). */
	a.kind = LX_REWRITE;
	a.value = 0;
	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	a.on_exit = open_exit;
	return a;
}

static long
open_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_call *cs = ino_call_of(c->tid);
	struct ino_look f;
	bool created;

	if (cs == NULL)
		return ret;
	if (ret < 0 || cs->f == NULL) {
		ino_call_end(c->tid);
		return ret;
	}
	if (!cs->events) {
		ino_call_end(c->tid);
		return ret;
	}
	ino_look_fd(g, (int)ret, &f);
	if (f.err != 0) {
		ino_call_end(c->tid);
		return ret;
	}
	/* Its own notes: of the file, and of the directory it was made in. */
	ino_flight_add(cs->f, f.dev, f.ino, HQ_NOTE_OPEN | HQ_NOTE_WRITE |
	    HQ_NOTE_EXTEND);
	if (cs->locate)
		locate_from_fd(g, (int)ret, &f, cs);
	else if (cs->named_a && ino_look_dir_watched(&cs->pa) &&
	    !ino_verify_entry(&cs->pa, cs->na, f.dev, f.ino))
		locate_from_fd(g, (int)ret, &f, cs);
	created = (cs->flags & LX_O_CREAT) && (cs->a.err == -LX_ENOENT ||
	    cs->via_link);
	if (created && cs->named_a)
		ino_flight_add(cs->f, cs->pa.dev, cs->pa.ino, HQ_NOTE_WRITE |
		    HQ_NOTE_LINK);
	ino_exit_sync(cs);
	open_events(cs, &f, created);
	ino_rules_iofd(g, (int)ret, io_wanted(&f, cs->flags));
	ino_flush_all();
	ino_call_end(c->tid);
	return ret;
}

/* --- the hooks ---------------------------------------------------------- */

static bool
is_attr(long nr)
{
	switch (nr) {
	case LX_NR_chmod: case LX_NR_fchmodat: case LX_NR_fchmodat2:
	case LX_NR_chown: case LX_NR_lchown: case LX_NR_fchownat:
	case LX_NR_utime: case LX_NR_utimes: case LX_NR_futimesat:
	case LX_NR_utimensat: case LX_NR_truncate: case LX_NR_setxattr:
	case LX_NR_lsetxattr: case LX_NR_removexattr:
	case LX_NR_lremovexattr:
		return true;
	}
	return false;
}

static struct lx_action
path_hook(struct lx_call *c, struct lx_guest *g)
{
	if (ino_ninstances == 0)
		return lx_native();
	ino_rules_catch_up(g);
	switch (c->nr) {
	case LX_NR_open: case LX_NR_openat: case LX_NR_openat2:
	case LX_NR_creat:
		return open_entry(c, g);
	case LX_NR_umount2:
		return ino_nwatches > 0 ? ino_umount_entry(c, g) : lx_native();
	case LX_NR_execve: case LX_NR_execveat:
		/* Its open and reads of the program come as notes. */
		if (ino_nwatches > 0)
			ino_boundary(c->tid);
		return lx_native();
	}
	if (ino_nwatches == 0)
		return lx_native();
	if (is_attr(c->nr))
		return ino_attr_entry(c, g);
	return ino_ns_entry(c, g);
}

static bool
is_fd_attr(long nr)
{
	return nr == LX_NR_fchmod || nr == LX_NR_fchown ||
	    nr == LX_NR_fsetxattr || nr == LX_NR_fremovexattr;
}

/* Does a watch ask about attribute changes of the file behind fd? */
static bool
fd_changes_wanted(struct lx_guest *g, int fd)
{
	struct stat st;

	return lx_guest_fd_stat(g, fd, &st) == 0 &&
	    (ino_iofd_sets((uint64_t)st.st_dev, (uint64_t)st.st_ino) &
	    INO_IO_CHANGES) != 0;
}

/*
 * A read, write or attribute call on an fd that holds a watched file:
 * the notes of everything before it become events now.  The attribute
 * calls stop in every process (rules.c), fds with rules or not.
 */
static struct lx_action
io_hook(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[0];

	if (ino_nwatches == 0)
		return lx_native();
	ino_rules_catch_up(g);
	if (c->nr == LX_NR_sendfile || c->nr == LX_NR_splice ||
	    c->nr == LX_NR_copy_file_range) {
		int other = (int)(c->nr == LX_NR_sendfile ? c->arg[1] :
		    c->arg[2]);

		if (ino_rules_has_iofd(g->pid, other))
			fd = other;
	}
	if (ino_rules_has_iofd(g->pid, fd) ||
	    (is_fd_attr(c->nr) && fd_changes_wanted(g, fd))) {
		ino_boundary(c->tid);
		ino_links_io(c->tid, fd);
	}
	return lx_native();
}

__attribute__((constructor)) static void
ino_traced_init(void)
{
	static const long paths[] = {
		LX_NR_open, LX_NR_openat, LX_NR_openat2, LX_NR_creat,
		LX_NR_unlink, LX_NR_unlinkat, LX_NR_rmdir, LX_NR_rename,
		LX_NR_renameat, LX_NR_renameat2, LX_NR_mkdir, LX_NR_mkdirat,
		LX_NR_mknod, LX_NR_mknodat, LX_NR_symlink, LX_NR_symlinkat,
		LX_NR_link, LX_NR_linkat, LX_NR_umount2, LX_NR_execve,
		LX_NR_execveat, LX_NR_chmod, LX_NR_fchmodat,
		LX_NR_fchmodat2, LX_NR_chown, LX_NR_lchown, LX_NR_fchownat,
		LX_NR_utime, LX_NR_utimes, LX_NR_futimesat, LX_NR_utimensat,
		LX_NR_truncate, LX_NR_setxattr, LX_NR_lsetxattr,
		LX_NR_removexattr, LX_NR_lremovexattr,
	};
	static const long ios[] = {
		LX_NR_read, LX_NR_readv, LX_NR_pread64, LX_NR_preadv,
		LX_NR_preadv2, LX_NR_getdents, LX_NR_getdents64,
		LX_NR_write, LX_NR_writev, LX_NR_pwrite64, LX_NR_pwritev,
		LX_NR_pwritev2, LX_NR_ftruncate, LX_NR_fallocate,
		LX_NR_sendfile, LX_NR_splice, LX_NR_copy_file_range,
		LX_NR_fchmod, LX_NR_fchown, LX_NR_fsetxattr,
		LX_NR_fremovexattr,
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		lx_hook_add(paths[i], LX_FAM_INOTIFY, path_hook);
	for (size_t i = 0; i < sizeof(ios) / sizeof(ios[0]); i++)
		lx_hook_add(ios[i], LX_FAM_INOTIFY, io_hook);
}
