/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Directory snapshots (name -> inode) and their diff (DESIGN.md decision
 * 6).  A kqueue vnode note only says "this directory's entries changed";
 * the names come from comparing a fresh listing with the snapshot.  The
 * changes of several directories seen in one batch are then put in the
 * order Linux would have reported them: deletions, renames (an inode that
 * left one name and appeared under another, in the same or another
 * watched directory, becomes one MOVED_FROM/MOVED_TO pair; a rename that
 * frees a name comes before the rename that takes it), then creations.
 * Pure data structure: no guest, no host.
 */
#ifndef LXRUN_INOTIFY_DIRDIFF_H
#define LXRUN_INOTIFY_DIRDIFF_H

#include <stddef.h>
#include <stdint.h>

struct dd_entry {
	struct dd_entry *hnext;
	uint64_t ino;
	uint32_t gen;		/* last listing that showed it */
	uint8_t isdir;
	void *kid;		/* the caller's per-entry state, or NULL */
	char name[];
};

struct dd_snap {
	struct dd_entry **tab;
	size_t nbuck;
	size_t n;
	uint32_t gen;
};

enum dd_kind { DD_DELETE, DD_CREATE, DD_MOVED_FROM, DD_MOVED_TO };

/* One change found by a diff; owner is the caller's directory. */
struct dd_change {
	struct dd_change *next;
	enum dd_kind kind;	/* DD_DELETE or DD_CREATE as found */
	void *owner;
	uint64_t ino;
	uint8_t isdir;
	void *kid;		/* DELETE: the gone entry's state, to free */
	struct dd_entry *ent;	/* CREATE: the new entry (set its kid) */
	int pair;		/* after dd_order: pair number, or -1 */
	int suppressed;		/* after dd_order: a name renamed over */
	char name[];
};

void dd_snap_init(struct dd_snap *s);
/* Free the snapshot; free_kid (may be NULL) gets each entry's kid. */
void dd_snap_fini(struct dd_snap *s, void (*free_kid)(void *));
struct dd_entry *dd_lookup(const struct dd_snap *s, const char *name);

/*
 * A diff: dd_begin, then dd_seen for every entry of the new listing, then
 * dd_end.  Changes are prepended to *list.  Without a previous listing
 * (first == 1) the entries are taken as they are and no change is made.
 */
void dd_begin(struct dd_snap *s);
int dd_seen(struct dd_snap *s, void *owner, const char *name, uint64_t ino,
    int isdir, int first, struct dd_change **list);
int dd_end(struct dd_snap *s, void *owner, struct dd_change **list);

/*
 * A traced call made name -> (ino, isdir): the entry is that now.  The
 * replaced entry's kid goes to *oldkid (the caller frees it); *already is
 * set when the snapshot showed exactly that (a listing saw it first).
 * NULL when out of memory.
 */
struct dd_entry *dd_set(struct dd_snap *s, const char *name, uint64_t ino,
    int isdir, void **oldkid, int *already);
/*
 * A traced call removed name: 0 and its inode and kid (the caller's to
 * free), or -1 when the snapshot did not have it (a listing saw it go).
 */
int dd_remove(struct dd_snap *s, const char *name, uint64_t *ino,
    void **kid);

/*
 * Put a batch's changes in Linux's order; returns a malloc'ed array of n
 * pointers (*n set), NULL with *n = 0 when empty.  Each rename becomes a
 * DD_MOVED_FROM immediately followed by its DD_MOVED_TO, both with the
 * same pair number; creations and deletions are sorted by inode (the
 * order files are usually made in); a deletion of a name another inode
 * was renamed over is marked suppressed (Linux reports only the rename).
 */
struct dd_change **dd_order(struct dd_change *list, size_t *n);
void dd_free_changes(struct dd_change *list);

#endif
