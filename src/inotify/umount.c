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

/* The watches released for dev, one at a time (the list changes). */
static struct ino_watch *
next_released(uint64_t dev)
{
	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		for (struct ino_watch *w = in->watches; w != NULL;
		    w = w->next)
			if (w->released && w->dev == dev)
				return w;
	return NULL;
}

/* The umount failed: the guest opens the mount point, watches reopen. */
static void
reopen_all(struct lx_guest *g, struct lx_call *c, uint64_t dev)
{
	uint64_t flags = LX_O_PATH | LX_O_CLOEXEC, path = c->arg[0];
	struct ino_watch *w;
	int sup = -1;
	long fd;

	if (c->arg[1] & LX_UMOUNT_NOFOLLOW)
		flags |= LX_O_NOFOLLOW;
	fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)(int64_t)LX_AT_FDCWD,
	    path, flags, 0, 0, 0);
	if (fd >= 0) {
		sup = lx_guest_pull_fd(g, (int)fd);
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	}
	while ((w = next_released(dev)) != NULL)
		if (sup < 0 || ino_watch_reopen(w, sup) < 0)
			ino_watch_remove(w, true);	/* lost: as IN_IGNORED */
	if (sup >= 0)
		close(sup);
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
			ino_deliver(w, LX_IN_UNMOUNT, 0, NULL);
			ino_watch_remove(w, true);
		}
	}
	ino_flush_all();
	ino_reap();
	return ret;
}
