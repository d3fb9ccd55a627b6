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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "inotify/inotify_int.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"

/* --- the set of inodes traced processes hold ------------------------ */

struct held {
	uint64_t dev, ino;
};
static struct held *set;
static size_t nset, cset;
static bool set_valid;

static void
held_add(uint64_t dev, uint64_t ino)
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
	nset++;
}

static void
note_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	(void)fd;
	(void)arg;
	held_add(dev, ino);
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
			held_add((uint64_t)makedev(maj, min), ino);
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

bool
ino_refs_held(uint64_t dev, uint64_t ino)
{
	if (!set_valid)
		set_build();
	for (size_t i = 0; i < nset; i++)
		if (set[i].dev == dev && set[i].ino == ino)
			return true;
	return false;
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
