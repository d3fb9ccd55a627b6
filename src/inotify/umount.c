/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * umount2 of a file system that has watches (DESIGN.md decision 6: the
 * host layer never holds a file system busy).
 *
 * A Linux inotify watch does not keep its file system mounted: umount
 * succeeds and the watch gets IN_UNMOUNT, then IN_IGNORED.  lxrun's
 * watches hold O_PATH and listing fds, which would make the umount fail
 * with EBUSY, so a traced umount2 of a file system with watches lets go
 * of them at its entry; at the exit the watches end as on Linux, or, if
 * the umount failed after all, are taken again by their file handles
 * through the mount point (opened by the guest, with its own rights).
 * An umount by a process lxrun does not trace still fails with EBUSY
 * (docs/semantics.md).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"

#define LX_UMOUNT_NOFOLLOW 0x8

/* Entry knotes of other file systems' watches on dev (mount points). */
static void
release_kids_on(struct ino_watch *w, uint64_t dev)
{
	struct dd_entry *e;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext) {
			struct ino_kn *kn = e->kid;

			if (kn != NULL && kn->dev == dev) {
				ino_child_free(kn);
				e->kid = NULL;
			}
		}
}

/* Let go of everything on dev; true if there was anything. */
static bool
release_dev(uint64_t dev)
{
	bool any = false;

	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		for (struct ino_watch *w = in->watches; w != NULL;
		    w = w->next) {
			if (w->dev == dev && !w->released) {
				ino_watch_release(w);
				any = true;
			} else if (w->dev != dev) {
				release_kids_on(w, dev);
			}
		}
	return any;
}

static long umount_exit(struct lx_call *c, struct lx_guest *g, long ret);

struct lx_action
ino_umount_entry(struct lx_call *c, struct lx_guest *g)
{
	char path[INO_PATH_MAX];
	struct ino_call *cs;
	struct ino_look m;
	struct lx_action a;

	if (!ino_read_path(g, c->arg[0], path))
		return lx_native();
	ino_look(g, LX_AT_FDCWD, path, (c->arg[1] & LX_UMOUNT_NOFOLLOW) != 0,
	    &m);
	if (m.err != 0)
		return lx_native();
	ino_boundary(c->tid);
	if (!release_dev(m.dev))
		return lx_native();
	if ((cs = ino_call_begin(c)) == NULL)
		return lx_native();
	cs->a = m;
	/* A rewrite of itself: a failed umount's exit opens the mount. */
	memset(&a, 0, sizeof(a));
	a.kind = LX_REWRITE;
	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	a.on_exit = umount_exit;
	return a;
}

/*
 * The watches released for dev, one at a time (the list changes), the
 * newest first: Linux goes through the file system's inodes from the one
 * that came into its inode cache last, which is most often the one
 * watched last.
 */
static struct ino_watch *
next_released(uint64_t dev)
{
	struct ino_watch *best = NULL;

	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		for (struct ino_watch *w = in->watches; w != NULL;
		    w = w->next)
			if (w->released && w->dev == dev &&
			    (best == NULL || w->serial > best->serial))
				best = w;
	return best;
}

/*
 * The umount failed: the guest opens the mount point (open_by_handle_at
 * wants an fd it can read, not O_PATH), the watches reopen through it.
 */
static void
reopen_all(struct lx_guest *g, struct lx_call *c, uint64_t dev)
{
	uint64_t flags = LX_O_RDONLY | LX_O_DIRECTORY | LX_O_CLOEXEC, path;
	char name[INO_PATH_MAX];
	struct ino_watch *w;
	size_t len;
	int sup = -1;
	long fd = -1;

	if (c->arg[1] & LX_UMOUNT_NOFOLLOW)
		flags |= LX_O_NOFOLLOW;
	if (ino_read_path(g, c->arg[0], name) &&
	    (len = strlen(name) + 1) <= LX_SCRATCH_MAX &&
	    (path = lx_guest_scratch(g, len)) != 0 &&
	    lx_guest_write(g, path, name, len) == 0)
		fd = lx_guest_syscall(g, LX_NR_openat,
		    (uint64_t)(int64_t)LX_AT_FDCWD, path, flags, 0, 0, 0);
	if (fd >= 0) {
		sup = lx_guest_pull_fd(g, (int)fd);
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	}
	while ((w = next_released(dev)) != NULL)
		if (sup < 0 || ino_watch_reopen(w, sup) < 0)
			ino_watch_remove(w, true);	/* lost: as IN_IGNORED */
	if (sup >= 0) {
		struct stat st;

		/* Its close is ours, not the guest's. */
		if (fstat(sup, &st) == 0)
			ino_noise((uint64_t)st.st_dev, (uint64_t)st.st_ino,
			    HQ_NOTE_CLOSE);
		close(sup);
	}
}

static long
umount_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct ino_call *cs = ino_call_of(c->tid);
	struct ino_watch *w;
	uint64_t dev;

	if (cs == NULL)
		return ret;
	dev = cs->a.dev;
	ino_call_end(c->tid);
	if (ret < 0) {
		reopen_all(g, c, dev);
	} else {
		while ((w = next_released(dev)) != NULL) {
			ino_deliver(w, LX_IN_UNMOUNT | (w->isdir ?
			    LX_IN_ISDIR : 0), 0, NULL);
			ino_watch_remove(w, true);
		}
	}
	/* The mount points' own directories show again: watch them. */
	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		for (w = in->watches; w != NULL; w = w->next)
			ino_watch_reattach(w);
	ino_flush_all();
	ino_reap();
	return ret;
}
