/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host, in BSD vocabulary (DESIGN.md decision 7).
 *
 * hq_*: a kqueue-shaped event queue.  hq_kqueue.c (later) is a thin wrapper
 * over kqueue(2); hq_linux.c builds the same thing on epoll, inotify,
 * signalfd, timerfd and eventfd, and gives exactly what a NetBSD kqueue
 * gives, no more (vnode notes in particular), so what works here works there.
 *
 * All functions return >= 0 on success and -errno (host values) on failure;
 * none prints.
 */
#ifndef LXRUN_HOST_H
#define LXRUN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

/* Filters. */
enum hq_filter {
	HQ_READ = 1,	/* ident = fd: readable; data = bytes available */
	HQ_WRITE,	/* ident = fd: writable */
	HQ_VNODE,	/* ident = fd of a file or directory: fflags notes */
	HQ_SIGNAL,	/* ident = signal number: data = times delivered */
	HQ_PROC,	/* ident = pid: NOTE_EXIT */
	HQ_TIMER,	/* ident = caller's id: data = ns period (or one-shot) */
	HQ_USER,	/* ident = caller's id: triggered by HQ_NOTE_TRIGGER */
	HQ_POLL,	/* ident = caller's key, data = fd: poll(2) readiness
			   of a file the queue does not hold (below) */
};

/* Flags (in changes; EOF and ERROR also come back in events). */
#define HQ_ADD		0x0001
#define HQ_DELETE	0x0002
#define HQ_ENABLE	0x0004
#define HQ_DISABLE	0x0008
#define HQ_ONESHOT	0x0010	/* delete after the first event */
#define HQ_CLEAR	0x0020	/* edge: reset state after retrieval */
#define HQ_DISPATCH	0x0080	/* disable after the first event */
#define HQ_EOF		0x8000	/* READ/WRITE: peer gone; fflags = error */
#define HQ_ERROR	0x4000	/* change failed: data = errno */

/* HQ_VNODE notes (fflags), as NetBSD 10's EVFILT_VNODE. */
#define HQ_NOTE_DELETE		0x0001	/* unlinked (last link) */
#define HQ_NOTE_WRITE		0x0002	/* contents changed (dir: entries) */
#define HQ_NOTE_EXTEND		0x0004	/* size grew */
#define HQ_NOTE_ATTRIB		0x0008	/* attributes changed */
#define HQ_NOTE_LINK		0x0010	/* link count changed */
#define HQ_NOTE_RENAME		0x0020	/* renamed */
#define HQ_NOTE_REVOKE		0x0040	/* access revoked, fs unmounted */
#define HQ_NOTE_OPEN		0x0080	/* opened */
#define HQ_NOTE_CLOSE		0x0100	/* closed, not for writing */
#define HQ_NOTE_CLOSE_WRITE	0x0200	/* closed after writing */
#define HQ_NOTE_READ		0x0400	/* read */

/* HQ_PROC notes. */
#define HQ_NOTE_EXIT		0x80000000

/* HQ_USER: fflags in a change that fires the event. */
#define HQ_NOTE_TRIGGER		0x01000000

/* HQ_TIMER: fflags unit (default ns); data = period; ONESHOT for once. */
#define HQ_NOTE_NSECONDS	0x00000000

/*
 * HQ_POLL: a knote on a file that the queue keeps no reference to, so
 * that closing the file everywhere else really closes it; the knote then
 * ends by itself, as a kqueue knote ends when its fd is closed.
 *
 *  - ident is a key the caller chooses (unique in the queue); the file is
 *    the fd in data, held by the caller for the call only.  A change to
 *    the knote (a re-ADD, ENABLE, DELETE) names the file again in data:
 *    a backend may key its host object by the file.  -ENOENT: the knote's
 *    file is not that one (or the knote ended).
 *  - fflags of the change: the HQ_POLL_* bits wanted; of an event: those
 *    of them true when the queue was asked (hq_wait), plus ERR and HUP,
 *    which are always reported.  Level by default: an event for as long
 *    as the file is ready; HQ_CLEAR: once per new activity of the file;
 *    HQ_DISPATCH: disabled after one event until a re-ADD.  A re-ADD
 *    replaces the bits, these flags and udata, re-enables the knote and
 *    looks at the file again.
 *  - ADD fails with -EPERM for a file that has no poll (regular files,
 *    directories...), -EBADF for an O_PATH fd, -ENOSPC when the backend
 *    has no room left for another such knote.
 *
 * Backends: on Linux each knote is an item of a host epoll set, which
 * keeps items only while their file lives; on a kqueue host the backend
 * holds a copy of the file and its READ/WRITE knotes, and the caller says
 * when a file may have been closed (hq_poll_alive after every close:
 * every syscall stops there).  docs/semantics.md, epoll.
 */
#define HQ_POLL_IN		0x0001
#define HQ_POLL_PRI		0x0002
#define HQ_POLL_OUT		0x0004
#define HQ_POLL_ERR		0x0008
#define HQ_POLL_HUP		0x0010
#define HQ_POLL_RDNORM		0x0040
#define HQ_POLL_RDBAND		0x0080
#define HQ_POLL_WRNORM		0x0100
#define HQ_POLL_WRBAND		0x0200
#define HQ_POLL_MSG		0x0400
#define HQ_POLL_RDHUP		0x2000

struct hq_event {
	uintptr_t ident;
	int16_t filter;		/* enum hq_filter */
	uint16_t flags;
	uint32_t fflags;
	int64_t data;
	void *udata;
};

static inline struct hq_event
hq_event(uintptr_t ident, int filter, unsigned flags, uint32_t fflags,
    int64_t data, void *udata)
{
	struct hq_event e = { ident, (int16_t)filter, (uint16_t)flags,
		fflags, data, udata };
	return e;
}

struct hq;

/* A new, empty queue; NULL with errno set on failure. */
struct hq *hq_create(void);
void hq_destroy(struct hq *q);
/* An fd that polls readable while events may be pending (for nesting). */
int hq_fd(const struct hq *q);
/*
 * Apply n changes.  A failed change is reported by returning -errno for the
 * first failure (earlier changes stay applied), as kevent(2) does without
 * an event list.
 */
int hq_change(struct hq *q, const struct hq_event *changes, int n);
/*
 * Wait up to timeout_ns (-1: forever, 0: poll) for events; fill at most
 * max; return how many, or -errno (-EINTR when a signal came).
 */
int hq_wait(struct hq *q, struct hq_event *out, int max, int64_t timeout_ns);
/*
 * HQ_POLL knote `key`: does its file still exist?  1 yes; 0 no, and the
 * knote is gone (as if deleted); -errno if the host cannot tell.
 */
int hq_poll_alive(struct hq *q, uintptr_t key);
/*
 * Is fd of process (thread) pid the very open file of HQ_POLL knote key?
 * 1 yes, 0 no (or the knote ended), -errno if the host cannot tell.  The
 * caller must be allowed to look at pid's files (it traces pid).
 */
int hq_poll_is(struct hq *q, uintptr_t key, int pid, int fd);
/*
 * How the queue gets an HQ_POLL knote's file again: file_of(udata, ctx)
 * returns a copy (the queue closes it) or -1.  Linux's epoll polls an
 * item again when it copies it out; a backend that took an edge or
 * dispatch knote from the host at an earlier harvest and still holds it
 * asks this, to report the file's bits of now and to pass over a knote
 * that has nothing (a kqueue asks its filter itself and never calls it).
 * Without it, or when it returns -1, the knote keeps the harvest's bits.
 */
void hq_poll_file_source(struct hq *q, int (*file_of)(void *udata,
    void *ctx), void *ctx);
/*
 * What Linux's /proc/PID/fdinfo of an epoll set says of an HQ_POLL
 * knote's file (its tfd: line): the file's position, inode number and
 * device in the kernel's encoding (major << 20 | minor), and the events
 * the host's item has now (a HQ_DISPATCH knote that fired has none of
 * HQ_POLL_*).  The caller sets key; found is false when the file is gone
 * or the host cannot tell (-errno: it cannot tell for any).
 */
struct hq_poll_file {
	uintptr_t key;
	uint32_t events;
	int64_t pos;
	uint64_t ino;
	uint32_t sdev;
	bool found;
};
int hq_poll_files(struct hq *q, struct hq_poll_file *files, int n);
/* Name of the backend, for --version ("linux-epoll", "kqueue"). */
const char *hq_backend(void);

/*
 * The supervisor's own pid, asked once (kcmp against our own fds wants it
 * on every call, and glibc no longer caches getpid); a fork resets it.
 */
pid_t host_self(void);

/*
 * File status in BSD terms: what a BSD struct stat holds (st_flags,
 * st_birthtime) plus what a Linux host's statx adds (mount id, direct-I/O
 * alignment...), for the translators to map onto Linux's statx.  The
 * Linux backend (hstat_linux.c) fills it from the host's statx, and the
 * file flags from FS_IOC_GETFLAGS where statx cannot tell them; a NetBSD
 * backend fills it from its own struct stat.
 */

/* hs_valid and the want argument: which fields the host filled / asked. */
#define HS_TYPE			0x00000001
#define HS_MODE			0x00000002	/* permission bits */
#define HS_NLINK		0x00000004
#define HS_UID			0x00000008
#define HS_GID			0x00000010
#define HS_ATIME		0x00000020
#define HS_MTIME		0x00000040
#define HS_CTIME		0x00000080
#define HS_INO			0x00000100
#define HS_SIZE			0x00000200
#define HS_BLOCKS		0x00000400
#define HS_BASIC		0x000007ff	/* all of the above */
#define HS_BIRTHTIME		0x00000800
#define HS_MNT_ID		0x00001000	/* a reusable mount number */
#define HS_DIOALIGN		0x00002000	/* direct-I/O alignment */
#define HS_MNT_ID_UNIQUE	0x00004000	/* a never-reused mount id */
#define HS_SUBVOL		0x00008000
#define HS_WRITE_ATOMIC		0x00010000	/* untorn-write limits */
#define HS_DIO_READ_ALIGN	0x00020000

/* hs_flags: st_flags, with NetBSD's values (<sys/stat.h>). */
#define HS_UF_NODUMP		0x00000001	/* do not dump */
#define HS_UF_IMMUTABLE		0x00000002	/* owner may not change */
#define HS_UF_APPEND		0x00000004	/* owner: append only */
#define HS_UF_OPAQUE		0x00000008	/* opaque in a union mount */
#define HS_SF_ARCHIVED		0x00010000
#define HS_SF_IMMUTABLE		0x00020000	/* nobody may change */
#define HS_SF_APPEND		0x00040000	/* append only, for all */
#define HS_SF_SNAPSHOT		0x00200000
#define HS_SF_LOG		0x00400000
#define HS_SF_SNAPINVAL		0x00800000

/* hs_props: what a file is that no BSD st_flags bit says. */
#define HS_P_COMPRESSED		0x0001	/* compressed by the file system */
#define HS_P_ENCRYPTED		0x0002	/* needs a key to read */
#define HS_P_AUTOMOUNT		0x0004	/* an automount trigger */
#define HS_P_MOUNT_ROOT		0x0008	/* the root of a mount */
#define HS_P_VERITY		0x0010	/* fs-verity protected */
#define HS_P_DAX		0x0020	/* direct access, no page cache */
#define HS_P_WRITE_ATOMIC	0x0040	/* untorn writes possible */

/* host_stat_fd's sync argument (network file systems). */
#define HS_SYNC_AS_STAT		0
#define HS_SYNC_FORCE		1	/* ask the server */
#define HS_SYNC_DONT		2	/* whatever is cached */

struct host_stat {
	uint32_t hs_valid;		/* HS_*: what the host filled */
	uint32_t hs_mode;		/* host S_IF* type and permissions */
	uint32_t hs_nlink;
	uint32_t hs_uid, hs_gid;
	uint32_t hs_blksize;
	uint64_t hs_ino;
	uint64_t hs_size;
	uint64_t hs_blocks;		/* 512-byte units */
	uint32_t hs_dev_major, hs_dev_minor;
	uint32_t hs_rdev_major, hs_rdev_minor;
	struct timespec hs_atime, hs_mtime, hs_ctime;
	struct timespec hs_birthtime;	/* HS_BIRTHTIME */
	uint32_t hs_flags;		/* HS_UF_*, HS_SF_* the file has */
	uint32_t hs_flags_kept;		/* those its file system reports */
	uint32_t hs_props;		/* HS_P_* the file has */
	uint32_t hs_props_known;	/* those its file system reports */
	uint64_t hs_mnt_id;		/* HS_MNT_ID or HS_MNT_ID_UNIQUE */
	uint64_t hs_subvol;		/* HS_SUBVOL */
	uint32_t hs_dio_mem_align;	/* HS_DIOALIGN */
	uint32_t hs_dio_offset_align;	/* HS_DIOALIGN */
	uint32_t hs_dio_read_offset_align;	/* HS_DIO_READ_ALIGN */
	uint32_t hs_write_atomic_min;	/* HS_WRITE_ATOMIC, bytes */
	uint32_t hs_write_atomic_max;
	uint32_t hs_write_atomic_max_opt;
	uint32_t hs_write_atomic_segments;
};

/*
 * Status of the file open at fd (any kind of fd, O_PATH too): the basic
 * fields always, the others that want (HS_*) asks for and the host has,
 * as hs_valid says (the host may give more or fewer than asked, as
 * Linux's statx does; what it did not fill is 0).  0 or -errno.
 */
int host_stat_fd(int fd, uint32_t want, int sync, struct host_stat *hs);
/*
 * The status Linux shows for a file with an anonymous inode (an epoll,
 * inotify, eventfd... fd: all share one inode, mode 0600 with no file
 * type): the host's own such inode where it has one (a Linux host: an
 * eventfd the supervisor keeps), as host_stat_fd would give it.  -errno
 * if the host has none.
 */
int host_anon_inode_stat(uint32_t want, int sync, struct host_stat *hs);
/* The same inode's file system, as Linux's fstatfs gives it. */
struct lx_statfs;
int host_anon_inode_statfs(struct lx_statfs *out);

/*
 * The same, by a syscall the guest runs itself (its credentials, cwd and
 * root): host_stat_call() gives the syscall that stats path (a guest
 * address; HS_STAT_FD: the file open at dfd) into a buffer of
 * host_stat_buf_size() bytes at buf in guest memory, empty is the guest
 * address of an empty string; host_stat_from_buf() reads the buffer back.
 */
#define HS_STAT_FD		0x01	/* no path: the file at dfd */
#define HS_STAT_NOFOLLOW	0x02	/* do not follow a final symlink */
#define HS_STAT_NOAUTOMOUNT	0x04	/* do not trigger an automount */

struct host_stat_call {
	long nr;
	uint64_t arg[6];
};

size_t host_stat_buf_size(void);
void host_stat_call(struct host_stat_call *hc, int dfd, uint64_t path,
    uint64_t empty, int how, uint32_t want, int sync, uint64_t buf);
void host_stat_from_buf(const void *buf, struct host_stat *hs);

/* Host entropy: fill n bytes (n <= 256 per call, as getentropy). */
int host_entropy(void *buf, size_t n);

#endif
