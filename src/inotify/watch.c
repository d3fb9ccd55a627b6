/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify watches on kqueue-style vnode notes (DESIGN.md decision 6).
 *
 * Each watch is an HQ_VNODE knote on an O_PATH fd the supervisor holds;
 * a directory watch also lists the directory when its entries change and
 * diffs the listing against a snapshot (dirdiff.c), and puts a knote on
 * each entry when the mask asks about the children themselves (IN_MODIFY,
 * IN_ATTRIB, IN_OPEN...).  The notes of one batch (everything the host
 * queue has) become events in three steps, which is Linux's order for one
 * operation: the children's events (parent watches first, as fsnotify
 * reports the parent before the inode), the watches' own events, the
 * directory diffs of all the instance's directories together (so that a
 * rename across two watched directories pairs up), and last MOVE_SELF,
 * DELETE_SELF, UNMOUNT and IGNORED.
 *
 * The family has its own host queue, nested in the loop's: a trapped read
 * or FIONREAD first takes every note the host already has (ino_sync), so
 * the events of the guest's own finished operations are queued when it
 * reads, as on Linux, without re-entering the supervisor's loop.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify_int.h"
#include "lxrun/linux_abi.h"
#include "lxrun/supervisor.h"

#ifndef O_PATH
#define O_PATH (O_RDONLY | O_NONBLOCK)	/* a host without O_PATH */
#endif

struct ino_inst *ino_instances;
long ino_nwatches;

static struct hq *ihq;
static struct lx_source ihq_src;
static struct ino_watch *dead_watches;
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

static void
noise_add(uint64_t dev, uint64_t ino, uint32_t notes)
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

/* --- the family's host queue ---------------------------------------------- */

static void sync_run(bool forced);

static void
ihq_fire(struct lx_source *src, const struct hq_event *ev)
{
	(void)src;
	(void)ev;
	sync_run(false);
}

struct hq *
ino_hq(void)
{
	struct hq_event ch;

	if (ihq != NULL)
		return ihq;
	if ((ihq = hq_create()) == NULL)
		return NULL;
	ihq_src.fire = ihq_fire;
	ch = hq_event((uintptr_t)hq_fd(ihq), HQ_READ, HQ_ADD, 0, 0, &ihq_src);
	if (hq_change(lx_loop_hq(), &ch, 1) < 0) {
		hq_destroy(ihq);
		ihq = NULL;
	}
	return ihq;
}

static int
kn_register(struct ino_kn *kn)
{
	struct hq_event ch = hq_event((uintptr_t)kn->fd, HQ_VNODE,
	    HQ_ADD | HQ_CLEAR, kn->notes, 0, kn);

	return hq_change(ihq, &ch, 1);
}

static void
kn_close(struct ino_kn *kn)
{
	struct hq_event ch;

	if (kn->fd < 0)
		return;
	ch = hq_event((uintptr_t)kn->fd, HQ_VNODE, HQ_DELETE, 0, 0, NULL);
	hq_change(ihq, &ch, 1);
	close(kn->fd);
	kn->fd = -1;
	kn->pend = 0;
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
static uint32_t
child_notes(uint32_t mask, bool isdir)
{
	uint32_t n = 0;

	if ((mask & LX_IN_MODIFY) && !isdir)
		n |= HQ_NOTE_WRITE;
	if (mask & LX_IN_ATTRIB)
		n |= HQ_NOTE_ATTRIB;
	return n | io_notes(mask, isdir);
}

/* --- child knotes --------------------------------------------------------- */

/* A child knote and its copy of the entry's name, in one allocation. */
struct ino_child {
	struct ino_kn kn;		/* first: the kid is &kn */
	char name[];
};

/*
 * Drop the notes w's entries gathered and no batch has taken yet (a
 * batch the loop holds back, see sync_run): the knotes are about to go,
 * and a batch must never find a freed knote on w->tkids.
 */
static void
children_forget_notes(struct ino_watch *w)
{
	struct ino_kn *kn, *next;

	for (kn = w->tkids; kn != NULL; kn = next) {
		next = kn->tnext;
		kn->tnext = NULL;
		kn->touched = false;
		kn->pend = 0;
	}
	w->tkids = NULL;
}

void
ino_child_free(void *kid)
{
	struct ino_kn *kn = kid, **pp;

	/* Still listed as touched: unlink it first (see above). */
	if (kn->touched)
		for (pp = &kn->w->tkids; *pp != NULL; pp = &(*pp)->tnext)
			if (*pp == kn) {
				*pp = kn->tnext;
				break;
			}
	kn_close(kn);
	free(kn);			/* the whole struct ino_child */
}

/*
 * Watch one entry: an O_PATH fd that is the entry itself (never a
 * symlink's target), checked to be the inode the listing showed.
 */
void
ino_child_attach(struct ino_watch *w, struct dd_entry *e)
{
	uint32_t notes = child_notes(w->mask, e->isdir);
	size_t len = strlen(e->name);
	struct ino_child *c;
	struct stat st;
	int fd;

	if (notes == 0 || e->kid != NULL || w->self.fd < 0)
		return;
	fd = openat(w->self.fd, e->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != e->ino ||
	    (c = calloc(1, sizeof(*c) + len + 1)) == NULL) {
		close(fd);
		return;
	}
	/* Not a pointer to e: the diff frees e before our events are made. */
	memcpy(c->name, e->name, len + 1);
	c->kn.kind = KN_CHILD;
	c->kn.fd = fd;
	c->kn.notes = notes;
	c->kn.w = w;
	c->kn.name = c->name;
	c->kn.isdir = e->isdir != 0;
	c->kn.ino = e->ino;
	if (kn_register(&c->kn) < 0) {	/* sockets have no vnode notes */
		close(fd);
		free(c);
		return;
	}
	e->kid = &c->kn;
}

static void
children_attach_all(struct ino_watch *w)
{
	struct dd_entry *e;

	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			ino_child_attach(w, e);
}

/*
 * Free every entry's knote.  Notes they gathered and no batch took are
 * lost: callers that care (a mask change) take the batch first.
 */
static void
children_detach_all(struct ino_watch *w)
{
	struct dd_entry *e;

	children_forget_notes(w);
	for (size_t i = 0; i < w->snap.nbuck; i++)
		for (e = w->snap.tab[i]; e != NULL; e = e->hnext)
			if (e->kid != NULL) {
				ino_child_free(e->kid);
				e->kid = NULL;
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

/* List w's directory into its snapshot; changes go to *list. */
void
ino_list_dir(struct ino_watch *w, int first, struct dd_change **list)
{
	char buf[32768] __attribute__((aligned(8)));
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
			dd_seen(&w->snap, w, d->d_name, (uint64_t)d->d_ino,
			    entry_isdir(w->dirfd, d->d_name, d->d_type), first,
			    list);
		}
	if (n < 0)
		return;			/* keep what we had */
	dd_end(&w->snap, w, list);
	noise_add(w->dev, w->ino, HQ_NOTE_READ);
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

struct ino_watch *
ino_watch_new(struct ino_inst *inst, int fd, const void *stp, uint32_t mask,
    int *err)
{
	const struct stat *st = stp;
	struct dd_change *none = NULL;
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
	w->dirfd = -1;
	w->self.kind = KN_SELF;
	w->self.fd = fd;
	w->self.w = w;
	w->self.ino = w->ino;
	w->self.notes = self_notes(mask, w->isdir);
	dd_snap_init(&w->snap);
	if (w->isdir) {
		w->dirfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		noise_add(w->dev, w->ino, HQ_NOTE_OPEN);
		ino_list_dir(w, 1, &none);
	}
	if (kn_register(&w->self) < 0) {
		/* Not a vnode (a socket): Linux watches it, nothing comes. */
		w->self.notes = 0;
	}
	children_attach_all(w);
	/* Linux: idr_alloc_cyclic from the last wd given, never 0. */
	do {
		inst->last_wd = inst->last_wd == INT32_MAX ? 1 :
		    inst->last_wd + 1;
	} while (wd_in_use(inst, inst->last_wd));
	w->wd = inst->last_wd;
	watch_link(inst, w);
	ino_nwatches++;
	*err = 0;
	return w;
}

int
ino_watch_set_mask(struct ino_watch *w, uint32_t mask)
{
	uint32_t old = w->mask;

	w->mask = mask;
	w->self.notes = self_notes(mask, w->isdir);
	if (w->self.fd >= 0)
		kn_register(&w->self);
	if (w->isdir && child_notes(old, false) != child_notes(mask, false)) {
		children_detach_all(w);
		children_attach_all(w);
	}
	return 0;
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
	children_detach_all(w);
	kn_close(&w->self);
	if (w->dirfd >= 0) {
		close(w->dirfd);
		noise_add(w->dev, w->ino, HQ_NOTE_CLOSE);
		w->dirfd = -1;
	}
	ino_nwatches--;
	/*
	 * A batch under way, or one the loop holds back, may still list w
	 * (it is freed by ino_reap when none does), but its instance can be
	 * freed before that (ino_release): a dead watch has none.
	 */
	w->inst = NULL;
	w->next = dead_watches;
	dead_watches = w;
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

/* Drain the host queue into the knotes' pending notes. */
static void
gather(void)
{
	struct hq_event ev[128];
	int n;

	while ((n = hq_wait(ihq, ev, 128, 0)) > 0) {
		for (int i = 0; i < n; i++) {
			struct ino_kn *kn = ev[i].udata;

			if (kn == NULL || kn->kind == KN_TIMER)
				continue;
			if (kn->kind == KN_SOCK) {
				kn->inst->sock_full = false;
				continue;
			}
			ino_touch(kn, ev[i].fflags |
			    ((ev[i].flags & HQ_EOF) ? HQ_NOTE_REVOKE : 0));
		}
		if (n < 128)
			break;
	}
}

static void
arm_timer(int64_t ns)
{
	static struct ino_kn timer_kn = { .kind = KN_TIMER, .fd = -1 };
	struct hq_event ch = hq_event(1, HQ_TIMER, HQ_ADD | HQ_ONESHOT,
	    HQ_NOTE_NSECONDS, ns > 0 ? ns : 1, &timer_kn);

	hq_change(ihq, &ch, 1);
}

/*
 * Take the host's notes and make events of them.  Listing a directory
 * costs time in its size, so when the guest changes a big directory
 * fast, batches that the loop brings (not a guest's read) wait twice as
 * long as the last one took (10 ms at most): more changes per listing.
 * A read, FIONREAD or inotify call never waits.
 */
static void
sync_run(bool forced)
{
	static bool busy;
	static int64_t hold_until;
	int64_t t0, cost;

	if (busy || ihq == NULL)
		return;
	busy = true;
	for (;;) {
		gather();
		if (ino_touched == NULL)
			break;
		t0 = lx_now_ns();
		if (!forced && t0 < hold_until) {
			arm_timer(hold_until - t0);
			break;
		}
		ino_process_batch();
		cost = lx_now_ns() - t0;
		hold_until = cost > 200000 ? t0 + cost +
		    (cost * 2 < 10000000 ? cost * 2 : 10000000) : 0;
	}
	if (ino_touched == NULL)
		nnoise = 0;	/* our own listings' notes have all come */
	for (struct ino_inst *in = ino_instances; in != NULL; in = in->next)
		ino_flush(in);
	ino_reap();
	busy = false;
}

void
ino_sync(void)
{
	sync_run(true);
}

void
ino_sync_lazy(void)
{
	sync_run(false);
}

/* --- the socket --------------------------------------------------------- */

#define FLUSH_BATCH 64
#define RECORD_MAX (LX_INOTIFY_EVENT_SIZE + LX_NAME_MAX + 1 + 15)

void
ino_flush(struct ino_inst *inst)
{
	static char rec[FLUSH_BATCH][RECORD_MAX];
	struct mmsghdr mv[FLUSH_BATCH];
	struct iovec iov[FLUSH_BATCH];
	struct inq_event *e;
	int k, r;

	while (!inst->sock_full && inst->q.unsent != NULL &&
	    inst->obj.sup_fd >= 0) {
		memset(mv, 0, sizeof(mv));
		for (k = 0, e = inst->q.unsent; e != NULL && k < FLUSH_BATCH;
		    e = e->next, k++) {
			iov[k].iov_base = rec[k];
			iov[k].iov_len = inq_encode(e, rec[k]);
			mv[k].msg_hdr.msg_iov = &iov[k];
			mv[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(inst->obj.sup_fd, mv, (unsigned)k,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		for (int i = 0; i < r; i++)
			inq_mark_sent(&inst->q);
		if (r == k)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return;		/* the guest's end is gone */
		/* Full: the loop says when the guest has read some. */
		inst->sock_full = true;
		inst->sock.kind = KN_SOCK;
		inst->sock.inst = inst;
		inst->sock.fd = inst->obj.sup_fd;
		{
			struct hq_event ch = hq_event(
			    (uintptr_t)inst->obj.sup_fd, HQ_WRITE,
			    HQ_ADD | HQ_ONESHOT, 0, 0, &inst->sock);

			hq_change(ihq, &ch, 1);
		}
	}
}
