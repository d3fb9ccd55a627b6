/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify watches on kqueue-style vnode notes (DESIGN.md decision 6).
 *
 * Each watch is an HQ_VNODE knote on an O_PATH fd the supervisor holds;
 * a directory watch also lists the directory when its entries change and
 * diffs the listing against a snapshot (dirdiff.c), and puts a knote on
 * each entry when the mask asks about the children themselves (IN_MODIFY,
 * IN_ATTRIB, IN_OPEN...).  The notes of one batch (everything the host
 * queue has) become events in events.c.
 *
 * A traced call that changes a directory's entries makes its own events
 * and updates the snapshot at its exit stop; the host's note for it is
 * struck (index.c), and the directory is marked dirty: listed again a
 * little later, for what someone else may have done in the same moment.
 * Listings of a big directory are spaced by a multiple of their cost.
 *
 * The supervisor's own fds here (O_PATH fds of the watched inodes and of
 * their entries, listing fds) pin their file system: before a traced
 * umount2 of it they are let go (ino_watch_release), and taken again by
 * file handle if the umount fails (ino_watch_reopen).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "lxrun/linux_abi.h"

#ifndef O_PATH
#define O_PATH (O_RDONLY | O_NONBLOCK)	/* a host without O_PATH */
#endif
#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200		/* Linux 6.5: a handle to compare */
#endif

struct ino_inst *ino_instances;
long ino_ninstances;
long ino_nwatches;

static struct ino_watch *dead_watches;
static uint64_t serials;
struct ino_watch *ino_touched;	/* watches with pending notes */

/* --- noise: what our own listing does to the watched directories ------- */

/*
 * Listing a directory opens and reads it, and the host reports that to
 * every knote on it (NOTE_OPEN, NOTE_READ, NOTE_CLOSE).  Those notes are
 * ours, not the guest's: they are struck from the notes of that inode
 * until the host queue has been drained once more.
 */
#define MAX_NOISE 64
static struct {
	uint64_t dev, ino;
	uint32_t notes;
} noise[MAX_NOISE];
static int nnoise;

void
ino_noise(uint64_t dev, uint64_t ino, uint32_t notes)
{
	for (int i = 0; i < nnoise; i++)
		if (noise[i].dev == dev && noise[i].ino == ino) {
			noise[i].notes |= notes;
			return;
		}
	if (nnoise < MAX_NOISE) {
		noise[nnoise].dev = dev;
		noise[nnoise].ino = ino;
		noise[nnoise].notes = notes;
		nnoise++;
	}
}

uint32_t
ino_noise_of(uint64_t dev, uint64_t ino)
{
	for (int i = 0; i < nnoise; i++)
		if (noise[i].dev == dev && noise[i].ino == ino)
			return noise[i].notes;
	return 0;
}

void
ino_noise_clear(void)
{
	nnoise = 0;
}

/* --- knotes --------------------------------------------------------------- */

static int
kn_register(struct ino_kn *kn)
{
	struct hq_event ch = hq_event((uintptr_t)kn->fd, HQ_VNODE,
	    HQ_ADD | HQ_CLEAR, kn->notes, 0, kn);

	return hq_change(ino_hq(), &ch, 1);
}

static void
kn_close(struct ino_kn *kn)
{
	struct hq_event ch;

	ino_index_del(kn);
	if (kn->fd < 0)
		return;
	ch = hq_event((uintptr_t)kn->fd, HQ_VNODE, HQ_DELETE, 0, 0, NULL);
	hq_change(ino_hq(), &ch, 1);
	close(kn->fd);
	kn->fd = -1;
	kn->pend = 0;
}

const char *
ino_kn_name(const struct ino_kn *kn)
{
	if (kn->kind != KN_CHILD)
		return NULL;
	return kn->name;
}

/* --- which notes a mask needs ----------------------------------------- */

/* IN_OPEN, IN_ACCESS, IN_CLOSE_*: the same notes on any inode. */
static uint32_t
io_notes(uint32_t mask, bool isdir)
{
	uint32_t n = 0;

	if (mask & LX_IN_OPEN)
		n |= HQ_NOTE_OPEN;
	if (mask & LX_IN_ACCESS)
		n |= HQ_NOTE_READ;
	if ((mask & LX_IN_CLOSE_WRITE) && !isdir)
		n |= HQ_NOTE_CLOSE_WRITE;
	if (mask & LX_IN_CLOSE_NOWRITE)
		n |= HQ_NOTE_CLOSE;
	return n;
}

/* Notes on the watched inode itself. */
static uint32_t
self_notes(uint32_t mask, bool isdir)
{
	uint32_t n = HQ_NOTE_DELETE | HQ_NOTE_REVOKE;

	if (isdir)
		n |= HQ_NOTE_WRITE;	/* entries: keeps the names known */
	else if (mask & LX_IN_MODIFY)
		n |= HQ_NOTE_WRITE;
	if (mask & LX_IN_ATTRIB)
		n |= HQ_NOTE_ATTRIB | (isdir ? 0 : HQ_NOTE_LINK);
	if (mask & LX_IN_MOVE_SELF)
		n |= HQ_NOTE_RENAME;
	return n | io_notes(mask, isdir);
}

/* Notes on an entry of a watched directory: 0 means no knote needed. */
uint32_t
ino_child_notes(uint32_t mask, bool isdir)
{
	uint32_t n = 0;

	if ((mask & LX_IN_MODIFY) && !isdir)
		n |= HQ_NOTE_WRITE;
	if (mask & LX_IN_ATTRIB)
		n |= HQ_NOTE_ATTRIB;
	return n | io_notes(mask, isdir);
}

/*
 * An unlinked file's end (IN_DELETE_SELF, an orphan child forgotten)
 * comes at its last close: from the moment its last link goes, its
 * knote also asks for the closes.  Not before: a watcher that asks for
 * no IN_CLOSE_* (syncthing's) would be woken by every close of every
 * file it watches, its own hashing reads included.  The caller looks
 * at the references only after this, so a close in between is seen.
 */
void
ino_kn_want_closes(struct ino_kn *kn)
{
	const uint32_t c = HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE;

	if (kn->fd < 0 || (kn->notes & c) == c)
		return;
	kn->notes |= c;
	kn_register(kn);
}

/* --- child knotes --------------------------------------------------------- */

void
ino_child_free(void *kid)
{
	struct ino_kn *kn = kid, **pp;

	if (kn->touched) {
		/* Out of the batch in progress. */
		for (pp = &kn->w->tkids; *pp != NULL; pp = &(*pp)->tnext)
			if (*pp == kn) {
				*pp = kn->tnext;
				break;
			}
	}
	kn_close(kn);
	free(kn->name);
	free(kn);
}

/* A child knote of w on fd (an O_PATH fd of st's inode, which it takes). */
struct ino_kn *
ino_child_make(struct ino_watch *w, int fd, const struct stat *st,
    const char *name, uint32_t notes)
{
	struct ino_kn *kn = calloc(1, sizeof(*kn));

	/*
	 * The name a copy, not a pointer into the snapshot: a diff frees
	 * the entries gone before the batch's events about them are made
	 * (issue 17's use-after-free).
	 */
	if (kn == NULL || (kn->name = strdup(name)) == NULL) {
		free(kn);
		close(fd);
		return NULL;
	}
	kn->kind = KN_CHILD;
	kn->fd = fd;
	kn->notes = notes;
	kn->w = w;
	kn->dev = (uint64_t)st->st_dev;
	kn->ino = (uint64_t)st->st_ino;
	kn->isdir = S_ISDIR(st->st_mode);
	if (kn_register(kn) < 0) {	/* sockets have no vnode notes */
		close(fd);
		free(kn->name);
		free(kn);
		return NULL;
	}
	ino_index_add(kn);
	ino_links_knote(kn->dev, kn->ino);
	return kn;
}

/*
 * Watch one entry: an O_PATH fd that is the entry itself (never a
 * symlink's target), checked to be the inode the snapshot shows.
 */
struct ino_kn *
ino_child_attach(struct ino_watch *w, struct dd_entry *e)
{
	uint32_t notes = ino_child_notes(w->mask, e->isdir);
	struct stat st;
	int fd;

	if (notes == 0 || e->kid != NULL || w->self.fd < 0 || w->released)
		return e->kid;
	fd = openat(w->self.fd, e->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino) {
		close(fd);
		return NULL;
	}
	e->kid = ino_child_make(w, fd, &st, e->name, notes);
	return e->kid;
}

static void
children_attach_all(struct ino_watch *w)
{
	struct dd_entry *e;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			ino_child_attach(w, e);
}

/* The knotes of w's entries go; its orphans too, unless keep_orphans. */
static void
children_detach_all(struct ino_watch *w, bool keep_orphans)
{
	struct dd_entry *e;
	struct ino_kn *kn;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			if (e->kid != NULL) {
				ino_child_free(e->kid);
				e->kid = NULL;
			}
	while (!keep_orphans && (kn = w->orphans) != NULL) {
		w->orphans = kn->onext;
		ino_child_free(kn);
	}
}

/*
 * A new mask: an orphan (a file unlinked while open, still reporting
 * under its old name) keeps reporting with the notes the mask asks, and
 * goes if it asks none or excludes unlinked files now.
 */
static void
orphans_remask(struct ino_watch *w)
{
	struct ino_kn **pp = &w->orphans, *kn;

	while ((kn = *pp) != NULL) {
		uint32_t notes = ino_child_notes(w->mask, kn->isdir);

		if (notes == 0 || (w->mask & LX_IN_EXCL_UNLINK)) {
			*pp = kn->onext;
			ino_child_free(kn);
			continue;
		}
		kn->notes = notes | HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE;
		kn_register(kn);
		pp = &kn->onext;
	}
}

/* --- listing ---------------------------------------------------------------- */

static bool
entry_isdir(int dirfd, const char *name, unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type == DT_DIR;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode);
}

/*
 * The inode of an entry as the snapshot knows it: a traced call records
 * what stat says, a listing what getdents says; where the two differ (a
 * file system whose d_ino is not st_ino) the entry is checked by stat.
 */
static uint64_t
entry_ino(struct ino_watch *w, const char *name, uint64_t d_ino)
{
	struct dd_entry *e = dd_lookup(&w->snap, name);
	struct stat st;

	if (e == NULL || e->ino == d_ino)
		return d_ino;
	if (fstatat(w->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (uint64_t)st.st_ino == e->ino)
		return e->ino;
	return d_ino;
}

/* List w's directory into its snapshot; changes go to *list. */
void
ino_list_dir(struct ino_watch *w, int first, struct dd_change **list)
{
	char buf[32768] __attribute__((aligned(8)));
	int64_t t0 = lx_now_ns();
	ssize_t n;

	if (w->dirfd < 0)
		return;
	if (lseek(w->dirfd, 0, SEEK_SET) < 0)
		return;
	dd_begin(&w->snap);
	while ((n = getdents64(w->dirfd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			dd_seen(&w->snap, w, d->d_name,
			    entry_ino(w, d->d_name, (uint64_t)d->d_ino),
			    entry_isdir(w->dirfd, d->d_name, d->d_type), first,
			    list);
		}
	ino_noise(w->dev, w->ino, HQ_NOTE_READ);
	if (n < 0)
		return;			/* keep what we had */
	dd_end(&w->snap, w, list);
	w->list_cost = lx_now_ns() - t0;
}

/* --- watches ---------------------------------------------------------------- */

static void
raise_fd_limit(void)
{
	static bool done;
	struct rlimit rl;

	/* Child knotes cost one fd each; the guest's limit is its own. */
	if (!done && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	done = true;
}

static void
watch_link(struct ino_inst *inst, struct ino_watch *w)
{
	struct ino_watch **pp = &inst->watches;

	while (*pp != NULL && (*pp)->wd < w->wd)
		pp = &(*pp)->next;
	w->next = *pp;
	*pp = w;
}

static bool
wd_in_use(const struct ino_inst *inst, int32_t wd)
{
	const struct ino_watch *x;

	for (x = inst->watches; x != NULL; x = x->next)
		if (x->wd == wd)
			return true;
	return false;
}

/* A file handle of the watched inode, with flags: its length or -1. */
static int
handle_of(int fd, int flags, unsigned char *bytes, int *type)
{
	struct {
		struct file_handle h;
		unsigned char bytes[INO_FH_MAX];
	} fh;
	int mnt;

	fh.h.handle_bytes = INO_FH_MAX;
	if (name_to_handle_at(fd, "", &fh.h, &mnt, AT_EMPTY_PATH | flags) < 0 ||
	    fh.h.handle_bytes > INO_FH_MAX)
		return -1;
	*type = fh.h.handle_type;
	memcpy(bytes, fh.h.f_handle, fh.h.handle_bytes);
	return (int)fh.h.handle_bytes;
}

/* fdinfo's (the kernel's fid form, none on some fs) and an openable one. */
static void
take_handle(struct ino_watch *w)
{
	w->oh_len = handle_of(w->self.fd, 0, w->oh, &w->oh_type);
	w->fh_len = handle_of(w->self.fd, AT_HANDLE_FID, w->fh, &w->fh_type);
	if (w->fh_len < 0) {
		w->fh_len = w->oh_len;
		w->fh_type = w->oh_type;
		memcpy(w->fh, w->oh, sizeof(w->fh));
	}
}

/* Take the watch's fds: listing, snapshot, knotes (first: no events). */
static void
watch_open(struct ino_watch *w, int first)
{
	struct dd_change *changes = NULL;

	w->self.notes = self_notes(w->mask, w->isdir);
	if (w->isdir) {
		w->dirfd = openat(w->self.fd, ".", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
		ino_noise(w->dev, w->ino, HQ_NOTE_OPEN);
		ino_list_dir(w, first, &changes);
		dd_free_changes(changes);	/* a reopen lost what it missed */
	}
	if (kn_register(&w->self) < 0) {
		/* Not a vnode (a socket): Linux watches it, nothing comes. */
		w->self.notes = 0;
	}
	ino_index_add(&w->self);
	ino_dircache_add(w);
	children_attach_all(w);
}

struct ino_watch *
ino_watch_new(struct ino_inst *inst, int fd, const void *stp, uint32_t mask,
    int *err)
{
	const struct stat *st = stp;
	struct ino_watch *w;

	if (ino_hq() == NULL || (w = calloc(1, sizeof(*w))) == NULL) {
		close(fd);
		*err = -LX_ENOMEM;
		return NULL;
	}
	raise_fd_limit();
	w->inst = inst;
	w->mask = mask;
	w->dev = (uint64_t)st->st_dev;
	w->ino = (uint64_t)st->st_ino;
	w->isdir = S_ISDIR(st->st_mode);
	w->serial = ++serials;
	w->dirfd = -1;
	w->self.kind = KN_SELF;
	w->self.fd = fd;
	w->self.w = w;
	w->self.dev = w->dev;
	w->self.ino = w->ino;
	w->self.isdir = w->isdir;
	dd_snap_init(&w->snap);
	take_handle(w);
	watch_open(w, 1);
	/* Linux: idr_alloc_cyclic from the last wd given, never 0. */
	do {
		inst->last_wd = inst->last_wd == INT32_MAX ? 1 :
		    inst->last_wd + 1;
	} while (wd_in_use(inst, inst->last_wd));
	w->wd = inst->last_wd;
	watch_link(inst, w);
	ino_nwatches++;
	if (w->isdir)
		ino_orphans_adopt(w);
	ino_links_scan();
	if (mask & (LX_IN_ACCESS | LX_IN_MODIFY | LX_IN_ATTRIB))
		ino_rules_rescan();
	*err = 0;
	return w;
}

int
ino_watch_set_mask(struct ino_watch *w, uint32_t mask)
{
	uint32_t old = w->mask;

	w->mask = mask;
	w->self.notes = self_notes(mask, w->isdir);
	if (w->unlinked)
		w->self.notes |= HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE;
	if (w->self.fd >= 0)
		kn_register(&w->self);
	if (w->isdir && ino_child_notes(old, false) !=
	    ino_child_notes(mask, false)) {
		children_detach_all(w, true);
		orphans_remask(w);
		children_attach_all(w);
		ino_orphans_adopt(w);
	}
	if (mask & ~old & (LX_IN_ACCESS | LX_IN_MODIFY | LX_IN_ATTRIB))
		ino_rules_rescan();
	return 0;
}

/* Close everything the watch holds open. */
static void
watch_close(struct ino_watch *w)
{
	ino_dircache_del(w);
	children_detach_all(w, false);
	kn_close(&w->self);
	if (w->dirfd >= 0) {
		close(w->dirfd);
		ino_noise(w->dev, w->ino, HQ_NOTE_CLOSE);
		w->dirfd = -1;
	}
	ino_undirty(w);
}

void
ino_watch_remove(struct ino_watch *w, bool ignored)
{
	struct ino_watch **pp;

	if (w->dead)
		return;
	if (ignored)
		inq_push(&w->inst->q, w->wd, LX_IN_IGNORED, 0, NULL);
	w->dead = true;
	for (pp = &w->inst->watches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	watch_close(w);
	ino_nwatches--;
	w->next = dead_watches;
	dead_watches = w;
}

void
ino_watch_release(struct ino_watch *w)
{
	if (w->dead || w->released)
		return;
	watch_close(w);
	w->released = true;
}

/* fd: a mount of the released file system, to reopen the watch by. */
int
ino_watch_reopen(struct ino_watch *w, int mount_fd)
{
	struct {
		struct file_handle h;
		unsigned char bytes[INO_FH_MAX];
	} fh;
	struct stat st;
	int fd;

	if (!w->released || w->dead || w->oh_len < 0)
		return -LX_ESTALE;
	fh.h.handle_bytes = (unsigned)w->oh_len;
	fh.h.handle_type = w->oh_type;
	memcpy(fh.h.f_handle, w->oh, (size_t)w->oh_len);
	fd = open_by_handle_at(mount_fd, &fh.h, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -LX_ESTALE;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != w->ino ||
	    (uint64_t)st.st_dev != w->dev) {
		close(fd);
		return -LX_ESTALE;
	}
	w->released = false;
	w->self.fd = fd;
	watch_open(w, 0);
	return 0;
}

void
ino_watch_reattach(struct ino_watch *w)
{
	if (!w->dead && !w->released)
		children_attach_all(w);
}

void
ino_reap(void)
{
	struct ino_watch *w;

	if (ino_touched != NULL)
		return;			/* a batch still refers to them */
	while ((w = dead_watches) != NULL) {
		dead_watches = w->next;
		dd_snap_fini(&w->snap, ino_child_free);
		free(w);
	}
}
