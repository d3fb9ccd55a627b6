/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to src/inotify: one inotify instance, its watches and the vnode
 * notes they ride on.
 *
 * An instance is an emulated object (object.h): the guest's fd is one end
 * of a SEQPACKET pair, the supervisor's end (obj.sup_fd) carries one
 * record per queued event, so the guest's poll/epoll/select and blocking
 * see a real readable fd.  The queue (queue.h) is the truth; the socket
 * holds its first q.nsent events.
 *
 * A watch holds an O_PATH fd of the watched inode (never a guest fd) with
 * an HQ_VNODE knote on it; a directory watch also has a listing fd, a
 * snapshot (dirdiff.h), and a child knote per entry when the mask asks
 * for events about the children's contents.
 */
#ifndef LXRUN_INOTIFY_INT_H
#define LXRUN_INOTIFY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "inotify/dirdiff.h"
#include "inotify/queue.h"
#include "lxrun/object.h"

struct ino_watch;
struct ino_inst;

enum ino_kn_kind { KN_SELF, KN_CHILD, KN_SOCK, KN_TIMER };

/*
 * The udata of everything in the family's host queue.
 *
 * A child knote stands for one (name, inode) pair of its directory's
 * snapshot and keeps its own copy of the name: the diff that finds the
 * entry gone frees the snapshot's entry at once, while the knote (and
 * the events its notes make in the same batch) live on until the batch
 * has delivered them.  A rename or a new inode under the name gets a new
 * knote, so the copy never goes stale.
 */
struct ino_kn {
	enum ino_kn_kind kind;
	int fd;				/* ident: O_PATH fd (or sup_fd) */
	uint32_t notes;			/* HQ_NOTE_* asked for */
	uint32_t pend;			/* notes gathered in this batch */
	struct ino_watch *w;		/* SELF, CHILD */
	struct ino_inst *inst;		/* SOCK */
	const char *name;		/* CHILD: the entry's name (own copy) */
	bool isdir;			/* CHILD: the entry is a directory */
	uint64_t ino;			/* of the inode, for the noise filter */
	struct ino_kn *tnext;		/* touched in this batch */
	bool touched;
};

struct ino_watch {
	struct ino_watch *next;		/* inst->watches, by wd */
	struct ino_inst *inst;		/* NULL once dead (it may be freed) */
	int32_t wd;
	uint32_t mask;			/* IN_* as the guest set it */
	uint64_t dev, ino;
	bool isdir;
	bool dead;			/* removed; freed after the batch */
	struct ino_kn self;
	int dirfd;			/* directory: for listing, else -1 */
	struct dd_snap snap;
	struct ino_kn *tkids;		/* child knotes touched, untaken */
	uint32_t kidnotes;		/* their notes, this batch */
	struct ino_watch *tnext;	/* touched in this batch */
	bool touched;
};

struct ino_inst {
	struct lx_object obj;		/* first: the registry's handle */
	struct inq q;
	int32_t last_wd;
	struct ino_watch *watches;
	struct ino_inst *next;		/* all instances */
	struct ino_kn sock;		/* HQ_WRITE on sup_fd when full */
	bool sock_full;
};

/* watch.c: the family's host queue and the batch that reads it. */
struct hq *ino_hq(void);
/* Take every vnode note the host has and turn it into queued events. */
void ino_sync(void);
/* The same, unless big directories were listed a moment ago. */
void ino_sync_lazy(void);
/* Send what the socket can take of inst's queue. */
void ino_flush(struct ino_inst *inst);
/* Instances, for the batch. */
extern struct ino_inst *ino_instances;

/*
 * A new watch on the inode of fd (an O_PATH fd now owned by the watch);
 * -errno on failure (fd closed).
 */
struct ino_watch *ino_watch_new(struct ino_inst *inst, int fd,
    const void *st /* struct stat of fd */, uint32_t mask, int *err);
/* Change a watch's mask (add_watch on an inode already watched). */
int ino_watch_set_mask(struct ino_watch *w, uint32_t mask);
/* Remove a watch; queue IN_IGNORED if ignored is set. */
void ino_watch_remove(struct ino_watch *w, bool ignored);
/* Free the watches removed since the last call. */
void ino_reap(void);

/* Queue an event for w (mask filtered, IN_ONESHOT applied). */
void ino_deliver(struct ino_watch *w, uint32_t mask, uint32_t cookie,
    const char *name);

/* Limits, from /proc/sys/fs/inotify (Linux's defaults if unreadable). */
struct ino_limits {
	long max_queued_events;
	long max_user_instances;
	long max_user_watches;
};
extern struct ino_limits ino_limits;
extern long ino_nwatches;		/* across all instances */

/* watch.c, for events.c */
extern struct ino_watch *ino_touched;	/* watches with notes this batch */
uint32_t ino_noise_of(uint64_t dev, uint64_t ino);
void ino_child_attach(struct ino_watch *w, struct dd_entry *e);
void ino_child_free(void *kid);
void ino_list_dir(struct ino_watch *w, int first, struct dd_change **list);
/* events.c */
void ino_touch(struct ino_kn *kn, uint32_t fflags);
void ino_process_batch(void);

#endif
