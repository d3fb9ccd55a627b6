/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to src/inotify: one inotify instance, its watches, the vnode
 * notes they ride on, and the events made from the traced processes' own
 * system calls (DESIGN.md decision 6).
 *
 * An instance is an emulated object (object.h): the guest's fd is one end
 * of a SEQPACKET pair, the supervisor's end (obj.sup_fd) carries one
 * record per queued event, so the guest's poll/epoll/select and blocking
 * see a real readable fd.  The queue (queue.h) is the truth; the socket
 * holds its first q.nsent events.
 *
 * Events come from two places.  A traced process's calls that change a
 * name or open a file stop, and their events are made at the exit stop
 * from the call itself (traced.c, traced_ns.c), in Linux's order, with
 * Linux's names and cookies.  Everything else (reads, writes and closes,
 * which only mark a batch boundary when they stop; and anything done by
 * processes lxrun does not trace) comes from the host's kqueue-style vnode
 * notes: a watch holds an O_PATH fd of the watched inode with an HQ_VNODE
 * knote on it; a directory watch also has a listing fd, a snapshot
 * (dirdiff.h), and a child knote per entry when the mask asks for events
 * about the children's contents.  The notes a traced call explains are
 * struck (index.c), so nothing is reported twice.
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
struct lx_guest;

enum ino_kn_kind { KN_SELF, KN_CHILD, KN_SOCK, KN_TIMER };

/* The udata of everything in the family's host queue. */
struct ino_kn {
	enum ino_kn_kind kind;
	int fd;				/* ident: O_PATH fd (or sup_fd) */
	uint32_t notes;			/* HQ_NOTE_* asked for */
	uint32_t pend;			/* notes gathered in this batch */
	struct ino_watch *w;		/* SELF, CHILD */
	struct ino_inst *inst;		/* SOCK */
	char *name;			/* CHILD: its entry's name, own copy */
	bool orphan;			/* CHILD: unlinked, still open */
	uint64_t dev, ino;		/* identity of the inode (fstat) */
	bool isdir;			/* CHILD: the entry is a directory */
	struct ino_kn *inext;		/* index chain (dev, ino) */
	bool indexed;
	struct ino_kn *onext;		/* w->orphans */
	struct ino_kn *tnext;		/* touched in this batch */
	bool touched;
};

#define INO_FH_MAX 128

struct ino_watch {
	struct ino_watch *next;		/* inst->watches, by wd */
	struct ino_inst *inst;
	int32_t wd;
	uint32_t mask;			/* IN_* as the guest set it */
	uint64_t dev, ino;
	uint64_t serial;		/* creation order (fdinfo) */
	bool isdir;
	bool dead;			/* removed; freed after the batch */
	bool unlinked;			/* last link gone, still referenced */
	bool released;			/* its file system is being unmounted */
	struct ino_kn self;
	int dirfd;			/* directory: for listing, else -1 */
	struct dd_snap snap;
	struct ino_kn *tkids;		/* child knotes touched */
	uint32_t kidnotes;		/* their notes, this batch */
	struct ino_kn *orphans;		/* unlinked children still open */
	struct ino_watch *tnext;	/* touched in this batch */
	bool touched;
	/* Entries changed by traced calls the notes of which were struck:
	 * listed again later for what someone else did meanwhile. */
	bool dirty;
	int64_t list_cost;		/* ns, last listing */
	int64_t due;			/* dirty: when to list it */
	struct ino_watch *dnext;	/* dirty list */
	/* The file handle as fdinfo shows it, and one to reopen the watch
	 * by after a failed umount (-1: none). */
	unsigned char fh[INO_FH_MAX];
	int fh_len, fh_type;
	unsigned char oh[INO_FH_MAX];
	int oh_len, oh_type;
};

struct ino_inst {
	struct lx_object obj;		/* first: the registry's handle */
	struct inq q;
	int32_t last_wd;
	struct ino_watch *watches;
	struct ino_inst *next;		/* all instances */
	struct ino_kn sock;		/* HQ_WRITE on sup_fd when full */
	bool sock_full;
	bool nonblock;			/* O_NONBLOCK of its open file */
};

/* watch.c: the family's host queue and the batch that reads it. */
struct hq *ino_hq(void);
/* Take every vnode note the host has and turn it into queued events. */
void ino_sync(void);
/* The same, unless big directories were listed a moment ago. */
void ino_sync_lazy(void);
/* Only take the host's notes (into the knotes' pend): for a traced call's
 * exit, which strikes its own before ino_sync makes events of the rest. */
void ino_gather(void);
/* Send what the socket can take of inst's queue. */
void ino_flush(struct ino_inst *inst);
void ino_flush_all(void);
/* Instances, for the batch. */
extern struct ino_inst *ino_instances;
extern long ino_ninstances;

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
/* Let go of every fd a watch holds (umount); ino_watch_reopen undoes it. */
void ino_watch_release(struct ino_watch *w);
int ino_watch_reopen(struct ino_watch *w, int fd);
/* Knotes on every entry again (an umount uncovered a mount point). */
void ino_watch_reattach(struct ino_watch *w);

/* Queue an event for w (mask filtered, IN_ONESHOT applied). */
void ino_deliver(struct ino_watch *w, uint32_t mask, uint32_t cookie,
    const char *name);
/* A fresh rename cookie, never 0. */
uint32_t ino_cookie(void);

/* Limits, from /proc/sys/fs/inotify (Linux's defaults if unreadable). */
struct ino_limits {
	long max_queued_events;
	long max_user_instances;
	long max_user_watches;
};
extern struct ino_limits ino_limits;
extern long ino_nwatches;		/* across all instances */

/* watch.c, for events.c and traced*.c */
extern struct ino_watch *ino_touched;	/* watches with notes this batch */
uint32_t ino_noise_of(uint64_t dev, uint64_t ino);
struct ino_kn *ino_child_attach(struct ino_watch *w, struct dd_entry *e);
struct stat;
/* A child knote of w on fd (O_PATH, taken) of st's inode, named name. */
struct ino_kn *ino_child_make(struct ino_watch *w, int fd,
    const struct stat *st, const char *name, uint32_t notes);
/* refs.c: files unlinked while open whose old directory w now is. */
void ino_orphans_adopt(struct ino_watch *w);
/* A /proc fd link of an unlinked file ends so; strip it off: was it there? */
#define INO_DELETED " (deleted)"
bool ino_strip_deleted(char *link, size_t len);
/* Every fd of every traced process (links.c). */
typedef void ino_fd_fn(int pid, int fd, uint64_t dev, uint64_t ino,
    void *arg);
void ino_each_traced_fd(ino_fd_fn *fn, void *arg);
/* A traced call may have unlinked an open file: look again next time. */
void ino_orphans_seen_change(void);
void ino_child_free(void *kid);
void ino_list_dir(struct ino_watch *w, int first, struct dd_change **list);
uint32_t ino_child_notes(uint32_t mask, bool isdir);
/* Mark w's entries to be listed again (soon, not at once). */
void ino_dirty(struct ino_watch *w);
void ino_undirty(struct ino_watch *w);
/* Our own listings' notes have all come. */
void ino_noise_clear(void);
/* Notes of (dev, ino) that lxrun itself causes (not the guest's). */
void ino_noise(uint64_t dev, uint64_t ino, uint32_t notes);
/* events.c */
void ino_touch(struct ino_kn *kn, uint32_t fflags);
void ino_process_batch(void);
/* The name a child knote reports under. */
const char *ino_kn_name(const struct ino_kn *kn);

/* index.c: every knote by the identity of its inode. */
void ino_index_add(struct ino_kn *kn);
void ino_index_del(struct ino_kn *kn);
struct ino_kn *ino_index_first(uint64_t dev, uint64_t ino);
struct ino_kn *ino_index_next(struct ino_kn *kn);
/* Any live watch on (dev, ino)?  Any directory watch? */
bool ino_watched(uint64_t dev, uint64_t ino);
bool ino_dir_watched(uint64_t dev, uint64_t ino);
/* Union of the masks of the watches that see inode (dev, ino). */
uint32_t ino_masks_on(uint64_t dev, uint64_t ino);
/* Drop pending notes of (dev, ino) a traced call explains; a directory
 * whose entry notes are struck is marked to be listed again. */
void ino_strike(uint64_t dev, uint64_t ino, uint32_t notes);
/* Events to every watch of inode (dev, ino) / to every directory watch of
 * (pdev, pino), under name. */
void ino_emit_self(uint64_t dev, uint64_t ino, uint32_t mask,
    uint32_t cookie);
void ino_emit_child(uint64_t pdev, uint64_t pino, const char *name,
    uint32_t mask, uint32_t cookie);
/* fstatat of name in the watched directory (pdev, pino) by the
 * supervisor: 0, -1 if it does not exist, 1 if no watch could tell. */
struct stat;
int ino_entry_stat(uint64_t pdev, uint64_t pino, const char *name,
    struct stat *st);
/* dircache.c: the paths of the watched directories. */
void ino_dircache_add(struct ino_watch *w);
void ino_dircache_del(struct ino_watch *w);
/* Each directory watch of (pdev, pino). */
typedef void ino_watch_fn(struct ino_watch *w, void *arg);
void ino_each_dir_watch(uint64_t pdev, uint64_t pino, ino_watch_fn *fn,
    void *arg);
void ino_each_watch(uint64_t dev, uint64_t ino, ino_watch_fn *fn,
    void *arg);

/* flight.c: notes the calls in flight explain are struck from a batch,
 * and the directories they change are listed later. */
void ino_flights_strike(void);
/* calls.c: traced calls that ran on without an exit stop make their
 * events once they happened (in a batch, before its notes). */
void ino_calls_resolve(void);
/* Thread tid stops again: its previous call is over. */
void ino_thread_stops(int tid);
/* A boundary: the notes of what happened before the call of tid that
 * stops now become events (once per stop). */
void ino_boundary(int tid);

/* refs.c: does a traced process still hold inode (dev, ino)? */
bool ino_refs_held(uint64_t dev, uint64_t ino);
void ino_refs_invalidate(void);
/* links.c: may a note of kn's inode go to kn (by the name opened)?  Its
 * last reference went (a close note): forget those names. */
bool ino_links_allow(const struct ino_kn *kn, uint32_t notes);
void ino_links_closed(uint64_t dev, uint64_t ino);
/* A read or write of tid's fd stops (a boundary); a batch begins; a
 * watch is made (files opened before the first one). */
void ino_links_io(int tid, int fd);
void ino_links_batch(void);
void ino_links_scan(void);
/* A knote now sees (dev, ino); forget which name the last open used. */
void ino_links_knote(uint64_t dev, uint64_t ino);
void ino_links_no_current(uint64_t dev, uint64_t ino);
/* A traced link(2) gave (dev, ino) another name. */
void ino_links_linked(uint64_t dev, uint64_t ino);
/* Does a traced fd hold (dev, ino) by name in directory (pdev, pino)? */
bool ino_links_held_by(uint64_t dev, uint64_t ino, uint64_t pdev,
    uint64_t pino, const char *name);
/* refs.c: does a traced process map the inode? */
bool ino_refs_mapped(uint64_t dev, uint64_t ino);
/* The last link of w's inode went (unlink, rename over). */
void ino_unlinked(struct ino_watch *w);
/* A close note on inode (dev, ino): unlinked inodes may be gone now. */
void ino_closed(uint64_t dev, uint64_t ino);
/* w's directory lost name (an entry knote kid): keep it as an orphan
 * while the file is open and the watch reports unlinked children. */
void ino_orphan(struct ino_watch *w, struct ino_kn *kid);
/* From now on kn's notes include the closes (an unlinked file's end). */
void ino_kn_want_closes(struct ino_kn *kn);

/* rules.c: seccomp rules of the family, per process. */
#define INO_RULES_OPEN	0x1	/* every open-type call stops */
#define INO_RULES_NS	0x2	/* every namespace and attribute call */
void ino_rules_need(struct lx_guest *g, unsigned sets);
/* At every hook: a process that has not got the rules yet gets them. */
void ino_rules_catch_up(struct lx_guest *g);
/* The inotify fd's own rules on number fd (fdcalls.c). */
int ino_rules_inofd(struct lx_guest *g, int fd);
/* Batch-boundary rules on number fd: the reads (IN_ACCESS), the changes
 * (IN_MODIFY, IN_ATTRIB), and in both cases the copies of the fd. */
#define INO_IO_READS	0x1
#define INO_IO_CHANGES	0x2
void ino_rules_iofd(struct lx_guest *g, int fd, unsigned sets);
unsigned ino_rules_iofd_sets(int pid, int fd);
bool ino_rules_has_iofd(int pid, int fd);
/* Which boundary rules the fds that hold (dev, ino) need (INO_IO_*). */
unsigned ino_iofd_sets(uint64_t dev, uint64_t ino);
/* Give boundary rules to the process's fds that hold a watched file. */
void ino_rules_scan_fds(struct lx_guest *g);
/* A watch asks about reads, writes or attributes: every process looks at
 * its fds again at its next hook. */
void ino_rules_rescan(void);

/* fdinfo.c: the watch lines of /proc/PID/fdinfo of an inotify fd (the
 * object's fdinfo method). */
size_t ino_fdinfo(struct lx_object *o, char *t, size_t cap);

#endif
