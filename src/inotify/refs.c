/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * When does an unlinked file end?  On Linux, IN_DELETE_SELF (and the
 * watch's IN_IGNORED) comes when the last link is gone *and* the last
 * reference to the file is dropped; until then the file keeps reporting
 * (to its own watch, and under its old name to its old directory's watch
 * unless that has IN_EXCL_UNLINK).  The supervisor's own O_PATH fds keep
 * the inode alive, so the host cannot say; lxrun asks whether a traced
 * process still holds the file (an fd or a mapping, from /proc), and
 * looks again at each close note of it.  References held by processes
 * lxrun does not trace are not seen (docs/semantics.md).
 *
 * The answer is cached for a batch: an outsider's `rm -rf` of a big
 * directory looks at the traced processes once, not once per file.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#include "inotify/inotify_int.h"
#include "inotify/traced.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"

/* --- the set of inodes traced processes hold ------------------------ */

struct held {
	uint64_t dev, ino;
	bool mapped;			/* by a mapping (else an fd) */
};
static struct held *set;
static size_t nset, cset;
static bool set_valid;

static void
held_add(uint64_t dev, uint64_t ino, bool mapped)
{
	struct held *v;

	if (nset == cset) {
		size_t c = cset ? 2 * cset : 256;

		if ((v = realloc(set, c * sizeof(*v))) == NULL)
			return;
		set = v;
		cset = c;
	}
	set[nset].dev = dev;
	set[nset].ino = ino;
	set[nset].mapped = mapped;
	nset++;
}

static void
note_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	(void)fd;
	(void)arg;
	held_add(dev, ino, false);
}

static void
scan_maps(int pid)
{
	char path[64], line[512];
	unsigned maj, min;
	uint64_t ino;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %" SCNu64, &maj, &min,
		    &ino) == 3 && ino != 0)
			held_add((uint64_t)makedev(maj, min), ino, true);
	fclose(f);
}

static void
set_build(void)
{
	const int *pids;
	int n = lx_fdtrack_pids(&pids);

	nset = 0;
	for (int i = 0; i < n; i++)
		if (lx_proc_fds(pids[i], note_fd, NULL) == 0)
			scan_maps(pids[i]);
	set_valid = true;
}

/* A new batch, a traced call's exit: what is held may have changed. */
void
ino_refs_invalidate(void)
{
	set_valid = false;
}

static bool
held_by(uint64_t dev, uint64_t ino, bool maps_only)
{
	if (!set_valid)
		set_build();
	for (size_t i = 0; i < nset; i++)
		if (set[i].dev == dev && set[i].ino == ino &&
		    (set[i].mapped || !maps_only))
			return true;
	return false;
}

bool
ino_refs_held(uint64_t dev, uint64_t ino)
{
	return held_by(dev, ino, false);
}

/* Does a traced process map the inode?  (The batch's cached look.) */
bool
ino_refs_mapped(uint64_t dev, uint64_t ino)
{
	return held_by(dev, ino, true);
}

/* --- unlinked watches and children ------------------------------------ */

/*
 * Is the file held, after its knote started asking for closes?  "Not
 * held" in a set built earlier in the batch stays true (an unlinked file
 * cannot be opened again by name); "held" may be stale, closed before
 * the knote asked, so it is looked at again.
 */
static bool
held_after_close_notes(uint64_t dev, uint64_t ino)
{
	if (!ino_refs_held(dev, ino))
		return false;
	ino_refs_invalidate();
	return ino_refs_held(dev, ino);
}

void
ino_unlinked(struct ino_watch *w)
{
	if (w->dead)
		return;
	ino_kn_want_closes(&w->self);
	if (held_after_close_notes(w->dev, w->ino)) {
		w->unlinked = true;
		return;
	}
	ino_deliver(w, LX_IN_DELETE_SELF, 0, NULL);
	ino_watch_remove(w, true);
}

/*
 * The last link of w's file went by a traced call that removed name from
 * directory p.  Linux gives IN_DELETE_SELF as that name's dentry lets go
 * of the inode: at once unless something holds that very name (an fd
 * opened by it, a mapping), even if the file is still open by a name
 * removed earlier.  Mappings are not told apart by name: they wait.
 */
void
ino_unlinked_by(struct ino_watch *w, const struct ino_look *p,
    const char *name)
{
	if (w->dead)
		return;
	/* held at all (the batch's cached answer), but not by that name */
	if (!w->isdir && p != NULL && p->err == 0 && name != NULL &&
	    ino_refs_held(w->dev, w->ino) &&
	    !ino_refs_mapped(w->dev, w->ino) &&
	    !ino_links_held_by(w->dev, w->ino, p->dev, p->ino, name)) {
		ino_deliver(w, LX_IN_DELETE_SELF, 0, NULL);
		ino_watch_remove(w, true);
		return;
	}
	ino_unlinked(w);
}

void
ino_orphan(struct ino_watch *w, struct ino_kn *kid)
{
	if (kid == NULL)
		return;
	if (!w->dead && !(w->mask & LX_IN_EXCL_UNLINK))
		ino_kn_want_closes(kid);
	if (w->dead || (w->mask & LX_IN_EXCL_UNLINK) ||
	    !held_after_close_notes(kid->dev, kid->ino)) {
		ino_child_free(kid);
		return;
	}
	kid->orphan = true;
	kid->onext = w->orphans;
	w->orphans = kid;
}

/*
 * A watch made on a directory after a file in it was unlinked (or
 * renamed over) while a traced process held it open: Linux still gives
 * that file's accesses and close to the directory under the old name,
 * since the open file's dentry keeps its parent.  Such files are found by
 * their fd links ("DIR/NAME (deleted)") and become orphan children, as a
 * traced unlink under a watch makes them (tests/diff/inotify_unlinked.c).
 */
bool
ino_strip_deleted(char *link, size_t len)
{
	const size_t tl = sizeof(INO_DELETED) - 1;

	if (len <= tl || strcmp(link + len - tl, INO_DELETED) != 0)
		return false;
	link[len - tl] = '\0';
	return true;
}

static bool
orphan_known(const struct ino_watch *w, uint64_t dev, uint64_t ino)
{
	for (const struct ino_kn *kn = w->orphans; kn != NULL; kn = kn->onext)
		if (kn->dev == dev && kn->ino == ino)
			return true;
	return false;
}

/*
 * The traced fds whose links say "(deleted)", listed once per change
 * of the namespace by a traced call (ino_orphans_seen_change; such calls
 * stop while a watch exists, so the list is made again for a first
 * watch): a program that watches a thousand directories in a row lists
 * its fds once.  An entry may be stale (the fd closed, or reused): it is
 * checked when used.
 */
struct deleted_fd {
	int pid, fd;
	char *link;			/* without " (deleted)" */
};
static struct deleted_fd *dels;
static size_t ndels, cdels;
static bool dels_valid;

void
ino_orphans_seen_change(void)
{
	dels_valid = false;
}

static void
dels_add(int pid, int fd, const char *link, size_t len)
{
	char *copy;

	if (ndels == cdels) {
		size_t c = cdels ? 2 * cdels : 16;
		void *v = realloc(dels, c * sizeof(*dels));

		if (v == NULL)
			return;
		dels = v;
		cdels = c;
	}
	if ((copy = strndup(link, len)) == NULL)
		return;
	dels[ndels].pid = pid;
	dels[ndels].fd = fd;
	dels[ndels].link = copy;
	ndels++;
}

/* fd's link, without " (deleted)": its length, or -1 if not deleted. */
static ssize_t
deleted_link(int pid, int fd, char *link, size_t cap)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
	if ((n = readlink(path, link, cap - 1)) <= 0)
		return -1;
	link[n] = '\0';
	if (!ino_strip_deleted(link, (size_t)n))
		return -1;
	return n - (ssize_t)(sizeof(INO_DELETED) - 1);
}

static void
dels_note(int pid, int fd, uint64_t dev, uint64_t ino, void *arg)
{
	char link[PATH_MAX + sizeof(INO_DELETED)];
	ssize_t len;

	(void)dev;
	(void)ino;
	(void)arg;
	if ((len = deleted_link(pid, fd, link, sizeof(link))) > 0)
		dels_add(pid, fd, link, (size_t)len);
}

static void
dels_build(void)
{
	for (size_t i = 0; i < ndels; i++)
		free(dels[i].link);
	ndels = 0;
	ino_each_traced_fd(dels_note, NULL);
	dels_valid = true;
}

static void
adopt_fd(struct ino_watch *w, const struct deleted_fd *e, const char *dir,
    size_t dlen)
{
	char path[64], link[PATH_MAX + sizeof(INO_DELETED)];
	struct ino_kn *kn;
	struct stat st;
	uint32_t notes;
	int fd;

	if (strncmp(e->link, dir, dlen) != 0 || e->link[dlen] != '/' ||
	    strchr(e->link + dlen + 1, '/') != NULL ||
	    e->link[dlen + 1] == '\0')
		return;
	/* the file the guest holds, no other: its own fd's inode */
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", e->pid, e->fd);
	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return;
	if (deleted_link(e->pid, e->fd, link, sizeof(link)) < 0 ||
	    strcmp(link, e->link) != 0 || fstat(fd, &st) < 0 ||
	    st.st_nlink != 0 ||
	    orphan_known(w, (uint64_t)st.st_dev, (uint64_t)st.st_ino) ||
	    (notes = ino_child_notes(w->mask, S_ISDIR(st.st_mode))) == 0) {
		close(fd);
		return;
	}
	if ((kn = ino_child_make(w, fd, &st, e->link + dlen + 1, notes)) ==
	    NULL)
		return;
	ino_kn_want_closes(kn);
	kn->orphan = true;
	kn->onext = w->orphans;
	w->orphans = kn;
}

void
ino_orphans_adopt(struct ino_watch *w)
{
	char self[64], dir[PATH_MAX];
	ssize_t dlen;

	if (!w->isdir || w->self.fd < 0 || (w->mask & LX_IN_EXCL_UNLINK) ||
	    ino_child_notes(w->mask, false) == 0)
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", w->self.fd);
	if ((dlen = readlink(self, dir, sizeof(dir) - 1)) <= 0 ||
	    dir[0] != '/')
		return;
	dir[dlen] = '\0';
	if (strcmp(dir, "/") == 0)
		dlen = 0;	/* "/NAME (deleted)" */
	/* a lone watch: the calls before it made no stop, none was seen */
	if (!dels_valid || ino_nwatches <= 1)
		dels_build();
	for (size_t i = 0; i < ndels; i++)
		adopt_fd(w, &dels[i], dir, (size_t)dlen);
}

static void
end_watch(struct ino_watch *w, void *arg)
{
	(void)arg;
	if (w->unlinked) {
		ino_deliver(w, LX_IN_DELETE_SELF, 0, NULL);
		ino_watch_remove(w, true);
	}
}

static void
drop_orphans(struct ino_watch *w, uint64_t dev, uint64_t ino)
{
	struct ino_kn **pp, *kn;

	for (pp = &w->orphans; (kn = *pp) != NULL;) {
		if (kn->dev == dev && kn->ino == ino) {
			*pp = kn->onext;
			ino_child_free(kn);
			continue;
		}
		pp = &kn->onext;
	}
}

void
ino_closed(uint64_t dev, uint64_t ino)
{
	struct ino_watch *parents[16];
	int n = 0;

	if (ino_refs_held(dev, ino))
		return;
	for (struct ino_kn *kn = ino_index_first(dev, ino); kn != NULL;
	    kn = ino_index_next(kn))
		if (kn->kind == KN_CHILD && kn->orphan && n < 16)
			parents[n++] = kn->w;
	for (int i = 0; i < n; i++)
		drop_orphans(parents[i], dev, ino);
	ino_each_watch(dev, ino, end_watch, NULL);
}
