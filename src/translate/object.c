/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of emulated objects (DESIGN.md decision 2).
 *
 * Objects are made inside the guest by injected syscalls, so the guest's
 * fd is an ordinary kernel object with the number Linux would have given
 * (the lowest free one), and the supervisor takes its own end with
 * pidfd_getfd.  An object is found again from the identity (dev, inode)
 * of the open file behind any guest fd, whatever process or fd number it
 * is seen through, and is released when its supervisor end reports that
 * the guest's last reference is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "lxrun/object.h"
#include "lxrun/supervisor.h"

#define OBJ_BUCKETS 256

static struct lx_object *buckets[OBJ_BUCKETS];
static int nobjects;

static struct lx_object **
bucket(uint64_t dev, uint64_t ino)
{
	return &buckets[(ino * 31 + dev) % OBJ_BUCKETS];
}

static struct lx_object *
object_of_source(struct lx_source *src)
{
	return (struct lx_object *)((char *)src -
	    offsetof(struct lx_object, eof));
}

static void
object_eof(struct lx_source *src, const struct hq_event *ev)
{
	struct lx_object *o = object_of_source(src);

	if (!(ev->flags & (HQ_EOF | HQ_ERROR)))
		return;
	lx_object_unregister(o);
	o->ops->release(o);
}

int
lx_object_register(struct lx_object *o, struct lx_guest *g, int guest_fd)
{
	struct lx_fd_ident id;
	struct lx_object **b;
	int r;

	if ((r = lx_guest_fd_ident(g, guest_fd, &id)) < 0)
		return r;
	o->dev = id.dev;
	o->ino = id.ino;
	o->eof.fire = object_eof;
	b = bucket(o->dev, o->ino);
	o->next = *b;
	*b = o;
	nobjects++;
	if (o->ops->sup_filter != 0 && o->sup_fd >= 0) {
		struct hq_event ch = hq_event((uintptr_t)o->sup_fd,
		    o->ops->sup_filter, HQ_ADD | HQ_CLEAR, 0, 0, &o->eof);

		if ((r = hq_change(lx_loop_hq(), &ch, 1)) < 0) {
			lx_object_unregister(o);
			return -LX_ENOMEM;
		}
	}
	return 0;
}

void
lx_object_unregister(struct lx_object *o)
{
	struct lx_object **pp;

	for (pp = bucket(o->dev, o->ino); *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			nobjects--;
			break;
		}
	if (o->ops->sup_filter != 0 && o->sup_fd >= 0) {
		struct hq_event ch = hq_event((uintptr_t)o->sup_fd,
		    o->ops->sup_filter, HQ_DELETE, 0, 0, NULL);

		hq_change(lx_loop_hq(), &ch, 1);
	}
	o->next = NULL;
}

struct lx_object *
lx_object_lookup(uint64_t dev, uint64_t ino, const struct lx_object_ops *ops)
{
	for (struct lx_object *o = *bucket(dev, ino); o != NULL; o = o->next)
		if (o->dev == dev && o->ino == ino &&
		    (ops == NULL || o->ops == ops))
			return o;
	return NULL;
}

struct lx_object *
lx_object_find(struct lx_guest *g, int guest_fd,
    const struct lx_object_ops *ops)
{
	struct lx_fd_ident id;

	if (lx_guest_fd_ident(g, guest_fd, &id) < 0)
		return NULL;
	return lx_object_lookup(id.dev, id.ino, ops);
}

int
lx_object_count(void)
{
	return nobjects;
}

struct lx_object *
lx_object_by_ino(uint64_t ino)
{
	for (int i = 0; i < OBJ_BUCKETS; i++)
		for (struct lx_object *o = buckets[i]; o != NULL; o = o->next)
			if (o->ino == ino)
				return o;
	return NULL;
}

/*
 * Is sup the other end of the pair whose guest end is guest_fd?  Another
 * thread may have put any file of its own at either number meanwhile: the
 * supervisor's end must be of the kind it made (a pipe's write end shares
 * the read end's inode; a SEQPACKET AF_UNIX socket), or it is not used.
 */
static bool
pair_end_ok(struct lx_guest *g, long nr, int sup, int guest_fd)
{
	struct lx_fd_ident id;
	struct stat st;
	int v = 0;
	socklen_t len = sizeof(v);

	if (fstat(sup, &st) < 0 || lx_guest_fd_ident(g, guest_fd, &id) < 0)
		return false;
	if (nr == LX_NR_pipe2)
		return S_ISFIFO(st.st_mode) && (uint64_t)st.st_ino == id.ino &&
		    (uint64_t)st.st_dev == id.dev &&
		    (fcntl(sup, F_GETFL) & O_ACCMODE) == O_WRONLY;
	if (!S_ISSOCK(st.st_mode) ||
	    getsockopt(sup, SOL_SOCKET, SO_TYPE, &v, &len) < 0 ||
	    v != SOCK_SEQPACKET)
		return false;
	len = sizeof(v);
	return getsockopt(sup, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	    v == AF_UNIX;
}

/*
 * Inside the guest: make a pair with pipe2 or socketpair into scratch,
 * pull the supervisor's end from the calling thread's own fd table, close
 * the guest's copy of it.  The guest's end keeps the lowest free fd
 * number, as Linux's own object would.  -LX_ENOSYS: the supervisor cannot
 * take an fd from this thread's table (the family runs natively).
 */
static int
make_pair(struct lx_guest *g, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
    int flags, int *sup_fd)
{
	uint64_t s = lx_guest_scratch(g, 2 * sizeof(int));
	int fds[2], sup;
	long r;

	if (s == 0)
		return -LX_ENOMEM;
	if (nr == LX_NR_pipe2)
		r = lx_guest_syscall(g, nr, s, a0, 0, 0, 0, 0);
	else
		r = lx_guest_syscall(g, nr, a0, a1, a2, s, 0, 0);
	if (r < 0)
		return (int)r;
	if ((r = lx_guest_read(g, fds, s, sizeof(fds))) < 0)
		return (int)r;
	sup = lx_guest_pull_fd(g, fds[1]);
	if (sup >= 0 && !pair_end_ok(g, nr, sup, fds[0])) {
		close(sup);
		sup = -LX_EBADF;
	}
	lx_guest_syscall(g, LX_NR_close, (uint64_t)fds[1], 0, 0, 0, 0, 0);
	if (sup < 0) {
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fds[0], 0, 0, 0, 0,
		    0);
		return sup == -LX_ENOSYS ? sup : -LX_ENOMEM;
	}
	/* The supervisor's end never blocks it (its own open file). */
	fcntl(sup, F_SETFL, fcntl(sup, F_GETFL) | O_NONBLOCK);
	if (!(flags & LX_O_CLOEXEC))
		lx_guest_syscall(g, LX_NR_fcntl, (uint64_t)fds[0], LX_F_SETFD,
		    0, 0, 0, 0);
	*sup_fd = sup;
	return fds[0];
}

/*
 * The guest's end is ready: flags as the guest asked (O_CLOEXEC, and
 * O_NONBLOCK, which the one-fd ways below set for themselves).
 */
static void
guest_end_flags(struct lx_guest *g, int gfd, int flags, bool had_nonblock)
{
	if (!(flags & LX_O_CLOEXEC))
		lx_guest_syscall(g, LX_NR_fcntl, (uint64_t)gfd, LX_F_SETFD,
		    0, 0, 0, 0);
	if (had_nonblock && !(flags & LX_O_NONBLOCK))
		lx_guest_syscall(g, LX_NR_fcntl, (uint64_t)gfd, LX_F_SETFL,
		    0, 0, 0, 0);
}

/* fsuid of a guest thread (/proc/TID/status), or -1. */
static long
guest_fsuid(struct lx_guest *g)
{
	char path[64], line[256];
	unsigned long r, e, sv, fs;
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", g->tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &r, &e, &sv, &fs) ==
		    4) {
			uid = (long)fs;
			break;
		}
	fclose(f);
	return uid;
}

/*
 * A pipe for one free guest fd (pipe2 needs two): a FIFO the guest makes
 * and opens for reading with its own credentials, 0600 under a name no
 * one can guess in /dev/shm (as memfd's files, docs/security.md), then
 * unlinks; the supervisor opens the write end through its own copy of
 * the guest's (/proc/self/fd/N, as it drains the marker), after checking
 * that the copy is that nameless FIFO of the guest's own user.
 */
static int
make_fifo(struct lx_guest *g, int flags, int *sup_fd)
{
	uint64_t path = lx_guest_scratch(g, 128);
	char name[128];
	struct stat st;
	long r = -LX_EEXIST, gfd;
	int copy, sup;

	if (path == 0)
		return -LX_EMFILE;
	for (int tries = 0; tries < 16 && r == -LX_EEXIST; tries++) {
		uint64_t seq;

		if (host_entropy(&seq, sizeof(seq)) < 0)
			return -LX_EMFILE;
		snprintf(name, sizeof(name), "/dev/shm/.lxrun-fifo-%d-%llu",
		    (int)getpid(), (unsigned long long)seq);
		if (lx_guest_write(g, path, name, strlen(name) + 1) < 0)
			return -LX_EMFILE;
		r = lx_guest_syscall(g, LX_NR_mknodat, (uint64_t)LX_AT_FDCWD,
		    path, LX_S_IFIFO | 0600, 0, 0, 0);
	}
	if (r < 0)
		return -LX_EMFILE;
	/* O_NONBLOCK: a FIFO's reader would wait for a writer otherwise */
	gfd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    LX_O_RDONLY | LX_O_NONBLOCK | LX_O_CLOEXEC, 0, 0, 0);
	lx_guest_syscall(g, LX_NR_unlinkat, (uint64_t)LX_AT_FDCWD, path, 0,
	    0, 0, 0);
	if (gfd < 0)
		return gfd == -LX_ENFILE ? (int)gfd : -LX_EMFILE;
	sup = -1;
	if ((copy = lx_guest_pull_fd(g, (int)gfd)) >= 0) {
		char self[64];

		/* nameless now, ours: no one else can have opened it */
		if (fstat(copy, &st) == 0 && S_ISFIFO(st.st_mode) &&
		    st.st_nlink == 0 && (long)st.st_uid == guest_fsuid(g) &&
		    (fcntl(copy, F_GETFL) & O_ACCMODE) == O_RDONLY) {
			snprintf(self, sizeof(self), "/proc/self/fd/%d", copy);
			sup = open(self, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		}
		close(copy);
	}
	if (sup < 0) {
		lx_guest_syscall(g, LX_NR_close, (uint64_t)gfd, 0, 0, 0, 0, 0);
		return copy == -LX_ENOSYS ? -LX_ENOSYS : -LX_ENOMEM;
	}
	guest_end_flags(g, (int)gfd, flags, true);
	*sup_fd = sup;
	return (int)gfd;
}

/*
 * A SEQPACKET pair for one free guest fd (socketpair needs two): the
 * guest makes one socket; the supervisor connects its copy of it to a
 * listener of its own (an abstract address the kernel picks, in the
 * guest's network namespace when it is lxrun's) and keeps the accepted
 * end, after checking that the connection is the one it made.
 */
static int
make_seqpacket_one(struct lx_guest *g, int flags, int *sup_fd)
{
	const uint64_t af_unix = 1, sock_seqpacket = 5;
	struct sockaddr_un a;
	socklen_t alen = sizeof(sa_family_t);
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	long gfd;
	int copy, lst = -1, sup = -1, fl;

	gfd = lx_guest_syscall(g, LX_NR_socket, af_unix, sock_seqpacket |
	    LX_O_CLOEXEC | LX_O_NONBLOCK, 0, 0, 0, 0);
	if (gfd < 0)
		return gfd == -LX_ENFILE ? (int)gfd : -LX_EMFILE;
	if ((copy = lx_guest_pull_fd(g, (int)gfd)) < 0)
		goto out;
	/* what the injected socket() made: unconnected, not blocking us */
	fl = fcntl(copy, F_GETFL);
	alen = sizeof(a);
	if (!pair_end_ok(g, LX_NR_socketpair, copy, (int)gfd) ||
	    !(fl & O_NONBLOCK) ||
	    getpeername(copy, (struct sockaddr *)&a, &alen) == 0 ||
	    errno != ENOTCONN)
		goto out;
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	alen = sizeof(sa_family_t);
	lst = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	/* an address length of just the family: the kernel picks a name */
	if (lst < 0 || bind(lst, (struct sockaddr *)&a, alen) < 0 ||
	    listen(lst, 1) < 0 ||
	    getsockname(lst, (struct sockaddr *)&a, (alen = sizeof(a),
	    &alen)) < 0 || connect(copy, (struct sockaddr *)&a, alen) < 0)
		goto out;
	/* someone else may have come first: only our own connection */
	for (int tries = 0; tries < 4 && sup < 0; tries++) {
		int s = accept4(lst, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		crlen = sizeof(cr);
		if (s < 0)
			break;
		if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == 0 &&
		    cr.pid == getpid())
			sup = s;
		else
			close(s);
	}
out:
	if (lst >= 0)
		close(lst);
	if (copy >= 0)
		close(copy);
	if (sup < 0) {
		lx_guest_syscall(g, LX_NR_close, (uint64_t)gfd, 0, 0, 0, 0, 0);
		return copy == -LX_ENOSYS ? -LX_ENOSYS : -LX_EMFILE;
	}
	guest_end_flags(g, (int)gfd, flags, true);
	*sup_fd = sup;
	return (int)gfd;
}

int
lx_object_make_pipe(struct lx_guest *g, int flags, int *sup_fd)
{
	/* Both ends share O_NONBLOCK through pipe2: the guest asked for it. */
	int r = make_pair(g, LX_NR_pipe2,
	    LX_O_CLOEXEC | (uint64_t)(flags & LX_O_NONBLOCK), 0, 0, flags,
	    sup_fd);

	/* Linux's epoll fd needs one free fd number; so must ours. */
	return r == -LX_EMFILE ? make_fifo(g, flags, sup_fd) : r;
}

int
lx_object_make_seqpacket(struct lx_guest *g, int flags, int *sup_fd)
{
	const uint64_t af_unix = 1, sock_seqpacket = 5;
	int r = make_pair(g, LX_NR_socketpair, af_unix,
	    sock_seqpacket | LX_O_CLOEXEC | (uint64_t)(flags & LX_O_NONBLOCK),
	    0, flags, sup_fd);

	return r == -LX_EMFILE ? make_seqpacket_one(g, flags, sup_fd) : r;
}
