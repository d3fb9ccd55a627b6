/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Emulated objects (DESIGN.md decision 2).  The guest holds a real fd (a
 * pipe read end, a SEQPACKET socket, a shm file) made inside the guest by
 * injected syscalls; the supervisor keeps its own end and the object's
 * state.  The object is found again from the identity of the open file
 * behind a guest fd, so dup, fork, SCM_RIGHTS and exec need no per-fd
 * bookkeeping; it is released when the supervisor's end reports that no
 * guest reference is left.
 */
#ifndef LXRUN_OBJECT_H
#define LXRUN_OBJECT_H

#include <stdint.h>

#include "lxrun/host.h"
#include "lxrun/lxrun.h"
#include "lxrun/supervisor.h"

struct lx_object;

struct lx_object_ops {
	const char *kind;	/* "eventpoll", "inotify", "memfd" */
	/*
	 * What readlink of /proc/PID/fd/N reads for this object on Linux
	 * ("anon_inode:[eventpoll]"), or NULL to leave the host's answer.
	 */
	const char *link;
	/*
	 * How the registry learns that no guest reference is left: the
	 * filter (HQ_READ or HQ_WRITE) whose HQ_EOF on sup_fd says so, or 0
	 * when the object has no supervisor end.
	 */
	int sup_filter;
	/* The last guest reference is gone: close sup_fd, free everything. */
	void (*release)(struct lx_object *o);
	/*
	 * /proc/PID/fdinfo/FD of a guest fd of the object
	 * (src/translate/object_fdinfo.c): the lines Linux writes after
	 * the four every file has, into t (at most cap bytes, NUL not
	 * counted); returns their length.  NULL: the host's text stands.
	 * fdinfo_accmode is the access mode Linux's file has (LX_O_RDONLY
	 * for inotify, LX_O_RDWR for epoll).
	 */
	size_t (*fdinfo)(struct lx_object *o, char *t, size_t cap);
	int fdinfo_accmode;
};

struct lx_object {
	const struct lx_object_ops *ops;
	uint64_t dev, ino;	/* identity of the guest's open file */
	int sup_fd;		/* supervisor's end, or -1 */
	struct lx_source eof;	/* registry's watch on sup_fd */
	struct lx_object *next;	/* registry chain */
};

/*
 * Make a pipe inside the guest: the guest keeps the read end as a new fd
 * (O_CLOEXEC/O_NONBLOCK from flags, LX_O_* values), the supervisor gets
 * the write end.  Returns the guest fd or -errno; *sup_fd is set.
 */
int lx_object_make_pipe(struct lx_guest *g, int flags, int *sup_fd);
/*
 * Make an AF_UNIX SOCK_SEQPACKET pair inside the guest: the guest keeps
 * one end (flags as above), the supervisor gets the other.
 */
int lx_object_make_seqpacket(struct lx_guest *g, int flags, int *sup_fd);

/*
 * Register o under the identity of guest_fd; the loop watches o->sup_fd
 * for "no guest reference left" (EOF/ERROR) and then calls release.
 */
int lx_object_register(struct lx_object *o, struct lx_guest *g, int guest_fd);
/* The object behind guest_fd if it is one of ops' kind, else NULL. */
struct lx_object *lx_object_find(struct lx_guest *g, int guest_fd,
    const struct lx_object_ops *ops);
/* The object of ops' kind (any kind if NULL) whose guest file is dev/ino. */
struct lx_object *lx_object_lookup(uint64_t dev, uint64_t ino,
    const struct lx_object_ops *ops);
/* Forget o (does not call release). */
void lx_object_unregister(struct lx_object *o);
/* The object whose guest end is inode ino (of a pipe or socket), or NULL. */
struct lx_object *lx_object_by_ino(uint64_t ino);
/* How many objects are registered (0: nothing to disguise). */
int lx_object_count(void);
/*
 * From now on the opens of g's process (and of the processes it makes)
 * stop, so that an open of an object's /proc fdinfo file reads Linux's
 * text (families whose opens do not stop anyway: epoll).
 */
void lx_object_fdinfo_need(struct lx_guest *g);

/*
 * For families that disguise their objects' /proc fd links: the target
 * of the link a trapped readlink/readlinkat names, read inside the guest
 * (its own view of /proc), into target (NUL-terminated).  Returns its
 * length, or -1 when the kernel should simply answer the call (an error,
 * a path that cannot be an fd link, a target longer than len - 1).
 */
long lx_fdlink_target(struct lx_call *c, struct lx_guest *g, char *target,
    size_t len);
/* Answer the readlink with link, cut to the caller's buffer size. */
struct lx_action lx_fdlink_answer(struct lx_call *c, struct lx_guest *g,
    const char *link);

/*
 * The status Linux shows for an epoll or inotify fd (object_stat.c): if
 * hs (asked with want, sync) or st is that of such an object's file,
 * replace it with the host's anonymous inode's and return true.
 */
struct lx_stat;
struct stat;
bool lx_object_disguise_hstat(struct host_stat *hs, uint32_t want, int sync);
bool lx_object_disguise_stat(const struct stat *st, struct lx_stat *out);

/*
 * splice, tee or sendfile with an fd of a file that has no splice
 * methods (is_obj says which fds are; obj_writable: opened O_RDWR): the
 * errors Linux gives (object_calls.c); lx_native() if neither fd is one.
 */
struct lx_action lx_object_splice_answer(struct lx_call *c,
    struct lx_guest *g, bool (*is_obj)(struct lx_guest *g, int fd),
    bool obj_writable);

#endif
