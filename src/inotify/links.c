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
 * link's directory.  The record ends with the inode's close note, or
 * when the table needs its place (the oldest goes).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"

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
	struct link_name names[LINK_NAMES];
} files[LINK_FILES];

static uint64_t clock_now;

static struct link_file *
find(uint64_t dev, uint64_t ino)
{
	for (int i = 0; i < LINK_FILES; i++)
		if (files[i].used != 0 && files[i].dev == dev &&
		    files[i].ino == ino)
			return &files[i];
	return NULL;
}

void
ino_links_opened(const struct ino_look *f, const struct ino_look *p,
    const char *name)
{
	struct link_file *lf;
	int oldest = 0;

	if (f->err != 0 || f->nlink < 2 || (f->mode & S_IFMT) == S_IFDIR)
		return;
	if ((lf = find(f->dev, f->ino)) == NULL) {
		for (int i = 1; i < LINK_FILES; i++)
			if (files[i].used < files[oldest].used)
				oldest = i;
		lf = &files[oldest];
		memset(lf, 0, sizeof(*lf));
		lf->dev = f->dev;
		lf->ino = f->ino;
	}
	lf->used = ++clock_now;
	if (lf->n < 0)
		return;
	/* a name that cannot be told: every link may be the one */
	if (name == NULL || p == NULL || p->err != 0) {
		lf->n = -1;
		return;
	}
	for (int i = 0; i < lf->n; i++)
		if (lf->names[i].pdev == p->dev && lf->names[i].pino ==
		    p->ino && strcmp(lf->names[i].name, name) == 0)
			return;
	if (lf->n == LINK_NAMES) {
		lf->n = -1;
		return;
	}
	lf->names[lf->n].pdev = p->dev;
	lf->names[lf->n].pino = p->ino;
	snprintf(lf->names[lf->n].name, sizeof(lf->names[lf->n].name), "%s",
	    name);
	lf->n++;
}

bool
ino_links_allow(const struct ino_kn *kn)
{
	const struct link_file *lf;

	if (kn->kind != KN_CHILD || kn->w == NULL || kn->name == NULL ||
	    (lf = find(kn->dev, kn->ino)) == NULL || lf->n < 0)
		return true;
	for (int i = 0; i < lf->n; i++)
		if (lf->names[i].pdev == kn->w->dev &&
		    lf->names[i].pino == kn->w->ino &&
		    strcmp(lf->names[i].name, kn->name) == 0)
			return true;
	return false;
}

void
ino_links_closed(uint64_t dev, uint64_t ino)
{
	struct link_file *lf = find(dev, ino);

	if (lf != NULL)
		lf->used = 0;
}
