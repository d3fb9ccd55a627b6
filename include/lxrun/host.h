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

#include <stddef.h>
#include <stdint.h>

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
/* Name of the backend, for --version ("linux-epoll", "kqueue"). */
const char *hq_backend(void);

/* Host entropy: fill n bytes (n <= 256 per call, as getentropy). */
int host_entropy(void *buf, size_t n);

#endif
