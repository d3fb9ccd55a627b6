/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Events made from the traced processes' attribute calls by path or fd
 * (chmod, chown, utimes, truncate, xattrs): IN_ATTRIB or IN_MODIFY, to
 * the directory of the name the call used and to the inode's own
 * watches, at the call's exit (traced.c has the opens and the hooks).
 */
#include <string.h>
#include <sys/stat.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "inotify/traced.h"
#include "lxrun/dispatch.h"
#include "lxrun/host.h"

/* --- attribute changes by path ------------------------------------------ */

/* The event an attribute call makes (0: none, e.g. chown(-1, -1)). */
static uint32_t
attr_mask(struct lx_call *c, struct lx_guest *g)
{
	uint64_t ts[4];

	switch (c->nr) {
	case LX_NR_truncate:
		return LX_IN_MODIFY;
	case LX_NR_chown: case LX_NR_lchown:
		return (c->arg[1] == (uint32_t)-1 && c->arg[2] ==
		    (uint32_t)-1) ? 0 : LX_IN_ATTRIB;
	case LX_NR_fchownat:
		return (c->arg[2] == (uint32_t)-1 && c->arg[3] ==
		    (uint32_t)-1) ? 0 : LX_IN_ATTRIB;
	case LX_NR_utimensat:
		/* Both UTIME_OMIT: nothing changes, nothing is said. */
		if (c->arg[2] != 0 && lx_guest_read(g, ts, c->arg[2],
		    sizeof(ts)) == 0 && ts[1] == ((1UL << 30) - 2) &&
		    ts[3] == ((1UL << 30) - 2))
			return 0;
		return LX_IN_ATTRIB;
	}
	return LX_IN_ATTRIB;
}

/* dirfd, path address, nofollow; false when the call names an fd. */
static bool
attr_target(struct lx_call *c, int *dirfd, uint64_t *addr, bool *nofollow)
{
	*dirfd = LX_AT_FDCWD;
	*nofollow = false;
	*addr = c->arg[0];
	switch (c->nr) {
	case LX_NR_lchown: case LX_NR_lsetxattr: case LX_NR_lremovexattr:
		*nofollow = true;
		break;
	case LX_NR_fchmodat:
		*dirfd = (int)c->arg[0];
		*addr = c->arg[1];
		break;
	case LX_NR_futimesat:
		*dirfd = (int)c->arg[0];
		*addr = c->arg[1];
		return c->arg[1] != 0;
	case LX_NR_fchmodat2:
		*dirfd = (int)c->arg[0];
		*addr = c->arg[1];
		*nofollow = (c->arg[3] & LX_AT_SYMLINK_NOFOLLOW) != 0;
		return !(c->arg[3] & LX_AT_EMPTY_PATH);
	case LX_NR_fchownat:
		*dirfd = (int)c->arg[0];
		*addr = c->arg[1];
		*nofollow = (c->arg[4] & LX_AT_SYMLINK_NOFOLLOW) != 0;
		return !(c->arg[4] & LX_AT_EMPTY_PATH);
	case LX_NR_utimensat:
		*dirfd = (int)c->arg[0];
		*addr = c->arg[1];
		*nofollow = (c->arg[3] & LX_AT_SYMLINK_NOFOLLOW) != 0;
		return c->arg[1] != 0 && !(c->arg[3] & LX_AT_EMPTY_PATH);
	}
	return true;
}

static long attr_exit(struct lx_call *c, struct lx_guest *g, long ret);

struct lx_action
ino_attr_entry(struct lx_call *c, struct lx_guest *g)
{
	char path[INO_PATH_MAX], name[LX_NAME_MAX + 1];
	struct ino_look t, p;
	struct ino_call *cs;
	uint32_t mask = attr_mask(c, g);
	uint64_t addr;
	bool nofollow, named = false;
	int dirfd;

	if (mask == 0)
		return lx_native();
	memset(&p, 0, sizeof(p));
	p.err = -LX_ENOENT;
	if (attr_target(c, &dirfd, &addr, &nofollow)) {
		if (!ino_read_path(g, addr, path))
			return lx_native();
		named = ino_look_both(g, dirfd, path, nofollow, &t, &p, name);
	} else {
		ino_look_fd(g, dirfd, &t);
	}
	if (!ino_look_seen(&t))
		return lx_native();
	if ((cs = ino_call_begin(c)) == NULL)
		return lx_native();
	ino_boundary(c->tid);
	cs->a = t;
	cs->pa = p;
	cs->mask = mask;
	cs->named_a = named && ino_verify_entry(&p, name, t.dev, t.ino);
	if (cs->named_a)
		memcpy(cs->na, name, sizeof(name));
	else if (!named || p.err != 0 || ino_look_dir_watched(&p))
		cs->named_a = ino_only_parent(t.dev, t.ino, &cs->pa, cs->na);
	/*
	 * else: named in a directory no watch sees; another link of the
	 * file in a watched one is not the name used (Linux gives the event
	 * to the parent of the name the call used).
	 */
	ino_flight_add(cs->f, t.dev, t.ino, mask == LX_IN_MODIFY ?
	    HQ_NOTE_WRITE | HQ_NOTE_EXTEND : HQ_NOTE_ATTRIB);
	return lx_native_then(attr_exit);
}

static long
attr_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_call *cs = ino_call_of(c->tid);
	uint32_t m;

	(void)g;
	if (cs == NULL)
		return ret;
	if (ret < 0) {
		ino_call_end(c->tid);
		return ret;
	}
	ino_exit_sync(cs);
	m = cs->mask | ((cs->a.mode & S_IFMT) == S_IFDIR ? LX_IN_ISDIR : 0);
	if (cs->named_a)
		ino_emit_child(cs->pa.dev, cs->pa.ino, cs->na, m, 0);
	ino_emit_self(cs->a.dev, cs->a.ino, m, 0);
	ino_flush_all();
	ino_call_end(c->tid);
	return ret;
}

