/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every knote of the family by the identity (dev, ino) of its inode: the
 * watches' own knotes and the directory watches' entry knotes.  A traced
 * call names an inode (its path, looked up, or its fd); this says which
 * watches see it, makes its events, and strikes the host notes it
 * explains (the same change must not come back as someone else's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "inotify/inotify_int.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"

#define INDEX_BUCKETS 1024

static struct ino_kn *buckets[INDEX_BUCKETS];

static struct ino_kn **
bucket(uint64_t dev, uint64_t ino)
{
	return &buckets[(ino * 31 + dev) % INDEX_BUCKETS];
}

void
ino_index_add(struct ino_kn *kn)
{
	struct ino_kn **b = bucket(kn->dev, kn->ino);

	if (kn->indexed)
		return;
	kn->inext = *b;
	*b = kn;
	kn->indexed = true;
}

void
ino_index_del(struct ino_kn *kn)
{
	struct ino_kn **pp;

	if (!kn->indexed)
		return;
	for (pp = bucket(kn->dev, kn->ino); *pp != NULL; pp = &(*pp)->inext)
		if (*pp == kn) {
			*pp = kn->inext;
			break;
		}
	kn->indexed = false;
	kn->inext = NULL;
}

static struct ino_kn *
match(struct ino_kn *kn, uint64_t dev, uint64_t ino)
{
	while (kn != NULL && (kn->dev != dev || kn->ino != ino))
		kn = kn->inext;
	return kn;
}

struct ino_kn *
ino_index_first(uint64_t dev, uint64_t ino)
{
	return match(*bucket(dev, ino), dev, ino);
}

struct ino_kn *
ino_index_next(struct ino_kn *kn)
{
	return match(kn->inext, kn->dev, kn->ino);
}

#define EACH(kn, dev, ino) \
	for (struct ino_kn *kn = ino_index_first(dev, ino); kn != NULL; \
	    kn = ino_index_next(kn))

bool
ino_watched(uint64_t dev, uint64_t ino)
{
	EACH(kn, dev, ino)
		if (kn->kind == KN_SELF && !kn->w->dead)
			return true;
	return false;
}

bool
ino_dir_watched(uint64_t dev, uint64_t ino)
{
	EACH(kn, dev, ino)
		if (kn->kind == KN_SELF && !kn->w->dead && kn->w->isdir)
			return true;
	return false;
}

uint32_t
ino_masks_on(uint64_t dev, uint64_t ino)
{
	uint32_t m = 0;

	EACH(kn, dev, ino)
		if (!kn->w->dead)
			m |= kn->w->mask;
	return m;
}

void
ino_strike(uint64_t dev, uint64_t ino, uint32_t notes)
{
	EACH(kn, dev, ino) {
		if (kn->kind == KN_SELF && kn->w->isdir &&
		    (kn->pend & notes & HQ_NOTE_WRITE))
			ino_dirty(kn->w);
		kn->pend &= ~notes;
	}
}

/*
 * Each watch, in the order of the instances' list, at most once per
 * watch: the list of knotes of one inode may change under fn (a watch
 * removed by IN_ONESHOT), so the watches are collected first.
 */
static void
each(uint64_t dev, uint64_t ino, bool dirs_only, ino_watch_fn *fn, void *arg)
{
	struct ino_watch *one[8], **v = one;
	size_t n = 0, cap = 8;

	EACH(kn, dev, ino) {
		if (kn->kind != KN_SELF || kn->w->dead ||
		    (dirs_only && !kn->w->isdir))
			continue;
		if (n == cap) {
			struct ino_watch **nv = malloc(2 * cap * sizeof(*nv));

			if (nv == NULL)
				break;
			for (size_t i = 0; i < n; i++)
				nv[i] = v[i];
			if (v != one)
				free(v);
			v = nv;
			cap *= 2;
		}
		v[n++] = kn->w;
	}
	for (size_t i = 0; i < n; i++)
		if (!v[i]->dead)
			fn(v[i], arg);
	if (v != one)
		free(v);
}

void
ino_each_watch(uint64_t dev, uint64_t ino, ino_watch_fn *fn, void *arg)
{
	each(dev, ino, false, fn, arg);
}

void
ino_each_dir_watch(uint64_t pdev, uint64_t pino, ino_watch_fn *fn, void *arg)
{
	each(pdev, pino, true, fn, arg);
}

int
ino_entry_stat(uint64_t pdev, uint64_t pino, const char *name,
    struct stat *st)
{
	EACH(kn, pdev, pino)
		if (kn->kind == KN_SELF && kn->w->isdir && kn->fd >= 0) {
			if (fstatat(kn->fd, name, st, AT_SYMLINK_NOFOLLOW) == 0)
				return 0;
			return errno == ENOENT ? -1 : 1;
		}
	return 1;
}

struct emit {
	uint32_t mask, cookie;
	const char *name;
};

static void
emit_one(struct ino_watch *w, void *arg)
{
	const struct emit *e = arg;

	/* IN_EXCL_UNLINK: nothing about a file whose last link went. */
	if (w->unlinked && (w->mask & LX_IN_EXCL_UNLINK) && !(e->mask &
	    (LX_IN_DELETE_SELF | LX_IN_IGNORED | LX_IN_UNMOUNT)))
		return;
	ino_deliver(w, e->mask, e->cookie, e->name);
}

void
ino_emit_self(uint64_t dev, uint64_t ino, uint32_t mask, uint32_t cookie)
{
	struct emit e = { mask, cookie, NULL };

	each(dev, ino, false, emit_one, &e);
}

static void
emit_child(struct ino_watch *w, void *arg)
{
	const struct emit *e = arg;

	ino_deliver(w, e->mask, e->cookie, e->name);
}

void
ino_emit_child(uint64_t pdev, uint64_t pino, const char *name, uint32_t mask,
    uint32_t cookie)
{
	struct emit e = { mask, cookie, name };

	each(pdev, pino, true, emit_child, &e);
}
