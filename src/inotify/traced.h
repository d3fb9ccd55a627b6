/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the hooks that make events from the traced processes' own
 * calls: opens and attribute changes (traced.c), calls that change names
 * (traced_ns.c), umount (umount.c) and /proc/PID/fdinfo (fdinfo.c).
 */
#ifndef LXRUN_INOTIFY_TRACED_H
#define LXRUN_INOTIFY_TRACED_H

#include <stdbool.h>
#include <stdint.h>

#include "inotify/flight.h"
#include "lxrun/linux_abi.h"
#include "lxrun/lxrun.h"

#define INO_PATH_MAX 4096

/* A file as a traced call's path names it (looked up at the entry). */
struct ino_look {
	int err;		/* 0 found, -LX_E*, or INO_LOOK_UNKNOWN */
	uint64_t dev, ino, nlink;
	uint32_t mode;		/* S_IF* | permissions (host values) */
	bool direct;		/* the supervisor's own lookup answered */
	bool guessed;		/* from the path's text (dircache.c) */
};
#define INO_LOOK_UNKNOWN 1

/* What a call's exit needs from its entry. */
struct ino_call {
	struct ino_flight *f;
	int tid;
	long nr;
	uint64_t flags;		/* open flags, rename flags, at flags */
	struct ino_look a, b;	/* the file(s) named */
	struct ino_look pa, pb;	/* their directories */
	char na[LX_NAME_MAX + 1], nb[LX_NAME_MAX + 1];	/* their names */
	bool named_a, named_b;	/* na/nb are real names */
	uint32_t mask;		/* attribute calls: the event */
	bool events;		/* a watch sees it: make its events */
	bool locate;		/* find where the opened file is from its fd */
	bool via_link;		/* O_CREAT through a dangling symlink */
	/* Pending (no exit stop): has it happened (1), not yet (0)? */
	bool pending;
	int64_t since;
	int (*check)(struct ino_call *cs);
	void (*done)(struct ino_call *cs);	/* its events */
};

/* calls.c: the call in flight of thread tid, with its state. */
struct ino_call *ino_call_begin(struct lx_call *c);
struct ino_call *ino_call_of(int tid);
void ino_call_end(int tid);
/* The call runs on without an exit stop; check says when it happened. */
void ino_call_pend(struct ino_call *cs, int (*check)(struct ino_call *),
    void (*done)(struct ino_call *));

void ino_look(struct lx_guest *g, int dirfd, const char *path,
    bool nofollow, struct ino_look *l);
void ino_look_fd(struct lx_guest *g, int fd, struct ino_look *l);
/* Does some knote (a watch, an entry of a watched directory) see it? */
bool ino_look_seen(const struct ino_look *l);
bool ino_look_dir_watched(const struct ino_look *l);
/*
 * The last component of path into name, the rest into dir ("." when
 * none); false when there is no usable name (".", "..", "/", "").
 */
bool ino_split(const char *path, char *dir, size_t dlen, char *name);
/* The call's path argument; false if it cannot be read. */
bool ino_read_path(struct lx_guest *g, uint64_t addr, char *buf);
/* A directory the path dir names (a watched one by its text, maybe). */
void ino_look_dir(struct lx_guest *g, int dirfd, const char *dir,
    struct ino_look *l);
/* dircache.c */
struct ino_watch *ino_dircache_find(const char *dir);
void ino_dircache_learn(const struct ino_look *p);
/* Look a path and its directory up into l / pl, name into name. */
bool ino_look_both(struct lx_guest *g, int dirfd, const char *path,
    bool nofollow, struct ino_look *l, struct ino_look *pl, char *name);
/* Is (pdev, pino)/name the inode (dev, ino) now?  (A watch's fd.) */
bool ino_verify_entry(const struct ino_look *p, const char *name,
    uint64_t dev, uint64_t ino);
/*
 * The watched directory and name an inode is reported under when the
 * path did not say (a followed symlink): its only link's entry knote.
 */
bool ino_only_parent(uint64_t dev, uint64_t ino, struct ino_look *p,
    char *name);

/* Do directory p's new entries get knotes (then they need them before
 * the guest goes on: the call takes its exit stop)? */
bool ino_kids_wanted(const struct ino_look *p);
/* A traced call's exit: strike its notes, make events of the rest. */
void ino_exit_sync(struct ino_call *cs);

/* traced_attr.c: an attribute call (chmod, truncate...) by path or fd */
struct lx_action ino_attr_entry(struct lx_call *c, struct lx_guest *g);
/* traced_ns.c */
struct lx_action ino_ns_entry(struct lx_call *c, struct lx_guest *g);
/* A traced call made name -> inode in directory p (snapshots). */
void ino_entry_set(const struct ino_look *p, const char *name,
    uint64_t ino, bool isdir);
/* A traced call removed name from directory p; unlinked: the file's last
 * link went (an open file keeps reporting under its old name). */
void ino_entry_remove(const struct ino_look *p, const char *name);
/* umount.c */
struct lx_action ino_umount_entry(struct lx_call *c, struct lx_guest *g);

struct ino_watch;
/* refs.c: the last link of w's file went, name removed from p. */
void ino_unlinked_by(struct ino_watch *w, const struct ino_look *p,
    const char *name);
/* links.c: a traced open of f (more than one link) used name in
 * directory p (name NULL: a name that cannot be told). */
void ino_links_opened(const struct ino_look *f, const struct ino_look *p,
    const char *name);
/* links.c: a traced rename moved name na of pa to nb of pb (or swapped). */
void ino_links_renamed(const struct ino_look *pa, const char *na,
    const struct ino_look *pb, const char *nb, bool exchange);

#endif
