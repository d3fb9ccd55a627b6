/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * execve and execveat of a memfd (fexecve, execve("/proc/self/fd/N"):
 * runc, systemd and many loaders run programs that way).
 *
 * Linux execs a memfd even while the memfd's own fd is open for writing:
 * memfd_create's open file is not counted as a writer (only a reopen for
 * writing is, and then exec gives ETXTBSY).  Our stand-in was opened
 * like any file, so the host refuses to exec it (ETXTBSY).  So the guest
 * makes a copy at the exec: a nameless shm file (O_TMPFILE, as the memfd
 * itself) with the memfd's contents and permission bits, opened again
 * read-only so that nothing writes it, and registered as a memfd with the
 * same name and seals (so /proc/self/exe reads "/memfd:NAME (deleted)").
 * When the guest named the memfd by one of its own fd numbers N
 * (execveat(N, "", AT_EMPTY_PATH), /proc/self/fd/N, /dev/fd/N, a link to
 * /proc/PID/fd/N...), the copy takes number N for the exec and the
 * guest's call runs unchanged, so the kernel sees the call the program
 * made (AT_EXECFN, argv, a script's /dev/fd/N); if the exec fails,
 * N is the memfd again.  Any other path (another process's fd) is
 * rewritten into execveat(copy, "", AT_EMPTY_PATH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "memfd_int.h"

/* What the exit of a call run with the copy at N puts back on failure. */
#define DATA_SAVED(d)	((int)((d) & 0xffffffff))
#define DATA_FD(d)	((int)(((d) >> 32) & 0x7fffffff))
#define DATA_CLOEXEC	(1ULL << 63)

/* A read-only reopen of guest fd through /proc/thread-self/fd, or -errno. */
static long
reopen(struct lx_guest *g, int fd, int flags)
{
	uint64_t path = lx_guest_scratch(g, 64);
	char p[64];

	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d", fd);
	if (path == 0 || lx_guest_write(g, path, p, strlen(p) + 1) < 0)
		return -LX_ENOMEM;
	return lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    (uint64_t)flags | LX_O_CLOEXEC, 0, 0, 0);
}

/* Copy len bytes of src (from offset 0) to the start of dst, in the guest. */
static int
copy_data(struct lx_guest *g, int src, int dst, uint64_t len)
{
	uint64_t offp = lx_guest_scratch(g, 8), off = 0;

	if (offp == 0 || lx_guest_write(g, offp, &off, sizeof(off)) < 0)
		return -LX_ENOMEM;
	while (len > 0) {
		long n = lx_guest_syscall(g, LX_NR_copy_file_range,
		    (uint64_t)src, offp, (uint64_t)dst, 0, len, 0);

		if (n <= 0)
			return n < 0 ? (int)n : -LX_EIO;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * The copy of o's file (readable through guest fd src), opened
 * read-only: its guest fd, or -errno.
 */
static long
make_copy(struct lx_guest *g, const struct memfd_obj *o, int src)
{
	uint64_t path = lx_guest_scratch(g, 64);
	struct lx_fd_ident id;
	long cfd, rfd, r;
	int64_t size;

	if (lx_guest_fd_ident(g, src, &id) < 0 ||
	    (size = memfd_guest_size(g, src)) < 0)
		return -LX_EBADF;
	if (path == 0 || lx_guest_write(g, path, MEMFD_SHM_DIR,
	    sizeof(MEMFD_SHM_DIR)) < 0)
		return -LX_ENOMEM;
	cfd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    LX_O_RDWR | LX_O_TMPFILE | LX_O_CLOEXEC, 0700, 0, 0);
	if (cfd < 0)
		return cfd == -LX_EMFILE || cfd == -LX_ENFILE ? cfd : -LX_ENOMEM;
	r = copy_data(g, src, (int)cfd, (uint64_t)size);
	if (r == 0)
		r = lx_guest_syscall(g, LX_NR_fchmod, (uint64_t)cfd,
		    id.mode & 07777, 0, 0, 0, 0);
	rfd = r == 0 ? reopen(g, (int)cfd, LX_O_RDONLY) : r;
	memfd_guest_close(g, (int)cfd);
	if (rfd < 0)
		return rfd == -LX_EMFILE || rfd == -LX_ENFILE ? rfd : -LX_ENOMEM;
	if (lx_guest_fd_ident(g, (int)rfd, &id) < 0 ||
	    memfd_add_exec_copy(o, id.dev, id.ino) < 0) {
		memfd_guest_close(g, (int)rfd);
		return -LX_ENOMEM;
	}
	return rfd;
}

/* A failed exec of the copy at N: N is the memfd again. */
static long
exec_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	int saved = DATA_SAVED(c->data), fd = DATA_FD(c->data);

	if (ret < 0) {
		lx_guest_syscall(g, LX_NR_dup3, (uint64_t)saved, (uint64_t)fd,
		    (c->data & DATA_CLOEXEC) ? LX_O_CLOEXEC : 0, 0, 0, 0);
		memfd_guest_close(g, saved);
	}
	return ret;
}

/*
 * Put the copy rfd at the guest's number fd (the memfd), keeping the
 * memfd at a new number: *saved, or -errno.
 */
static int
place_at(struct lx_guest *g, long rfd, int fd, bool *cloexec, long *saved)
{
	struct lx_fd_ident id;
	long r;

	if (lx_guest_fd_ident(g, fd, &id) < 0 ||
	    (*saved = lx_guest_syscall(g, LX_NR_fcntl, (uint64_t)fd,
	    LX_F_DUPFD_CLOEXEC, 0, 0, 0, 0)) < 0)
		return -LX_ENOMEM;
	*cloexec = id.cloexec;
	r = lx_guest_syscall(g, LX_NR_dup3, (uint64_t)rfd, (uint64_t)fd,
	    id.cloexec ? LX_O_CLOEXEC : 0, 0, 0, 0);
	if (r < 0) {
		memfd_guest_close(g, (int)*saved);
		return -LX_ENOMEM;
	}
	return 0;
}

static void
put_back(struct lx_guest *g, int fd, bool cloexec, long saved)
{
	lx_guest_syscall(g, LX_NR_dup3, (uint64_t)saved, (uint64_t)fd,
	    cloexec ? LX_O_CLOEXEC : 0, 0, 0, 0);
	memfd_guest_close(g, (int)saved);
}

/* Run the guest's own call with the copy at fd; put it back on failure. */
static struct lx_action
run_at(struct lx_call *c, int fd, bool cloexec, long saved)
{
	struct lx_action a = { .kind = LX_REWRITE, .on_exit = exec_exit };

	c->data = (uint64_t)(uint32_t)saved | (uint64_t)fd << 32 |
	    (cloexec ? DATA_CLOEXEC : 0);
	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	return a;
}

struct own_fds {
	uint64_t dev, ino;
	int fd[8];
	int n;
};

static void
note_own(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct own_fds *o = arg;

	if (dev == o->dev && ino == o->ino && o->n < 8)
		o->fd[o->n++] = fd;
}

/*
 * A path (/proc/self/fd/N, /dev/fd/N, a link to /proc/PID/fd/N...) that
 * names the memfd through one of the caller's own fd numbers N: with the
 * copy at N, the path names the copy, and the guest's call runs as it
 * is.  Each of the caller's fds of the memfd is tried, and kept if the
 * path then leads to the copy.
 */
static bool
try_own_number(struct lx_call *c, struct lx_guest *g, const struct
    memfd_obj *o, long rfd, uint64_t upath, bool nofollow,
    struct lx_action *a)
{
	struct own_fds own = { .dev = o->dev, .ino = o->ino };
	struct lx_fd_ident cid, pid;
	int dirfd = c->nr == LX_NR_execveat ? (int)c->arg[0] : LX_AT_FDCWD;

	if (lx_guest_fd_ident(g, (int)rfd, &cid) < 0)
		return false;
	lx_proc_fds(g->tid, note_own, &own);
	for (int i = 0; i < own.n; i++) {
		bool cloexec, same;
		long saved;
		int opath;

		if (place_at(g, rfd, own.fd[i], &cloexec, &saved) < 0)
			continue;
		opath = (int)lx_guest_syscall(g, LX_NR_openat,
		    (uint64_t)(int64_t)dirfd, upath, LX_O_PATH | LX_O_CLOEXEC |
		    (nofollow ? LX_O_NOFOLLOW : 0), 0, 0, 0);
		same = opath >= 0 && lx_guest_fd_ident(g, opath, &pid) == 0 &&
		    pid.dev == cid.dev && pid.ino == cid.ino;
		memfd_guest_close(g, opath);
		if (same) {
			memfd_guest_close(g, (int)rfd);
			*a = run_at(c, own.fd[i], cloexec, saved);
			return true;
		}
		put_back(g, own.fd[i], cloexec, saved);
	}
	return false;
}

static long
close_copy_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	if (ret < 0)
		memfd_guest_close(g, (int)c->data);
	return ret;
}

/* Any other way of naming the memfd: exec the copy by its fd. */
static struct lx_action
exec_by_fd(struct lx_call *c, struct lx_guest *g, long rfd, uint64_t argv,
    uint64_t envp, int flags)
{
	struct lx_action a = { .kind = LX_REWRITE, .on_exit = close_copy_exit };
	uint64_t empty = lx_guest_scratch(g, 8);

	if (empty == 0 || lx_guest_write(g, empty, "", 1) < 0) {
		memfd_guest_close(g, (int)rfd);
		return lx_return(-LX_ENOMEM);
	}
	c->data = (uint64_t)rfd;
	a.rewrite.nr = LX_NR_execveat;
	a.rewrite.arg[0] = (uint64_t)rfd;
	a.rewrite.arg[1] = empty;
	a.rewrite.arg[2] = argv;
	a.rewrite.arg[3] = envp;
	a.rewrite.arg[4] = (uint64_t)((flags & ~LX_AT_SYMLINK_NOFOLLOW) |
	    LX_AT_EMPTY_PATH);
	return a;
}

/* Linux's own exec checks on the memfd: EACCES, then ETXTBSY. */
static long
exec_allowed(struct lx_guest *g, const struct memfd_obj *o, int fd)
{
	uint64_t empty = lx_guest_scratch(g, 8);

	if (empty == 0 || lx_guest_write(g, empty, "", 1) < 0)
		return -LX_ENOMEM;
	if (lx_guest_syscall(g, LX_NR_faccessat2, (uint64_t)fd, empty,
	    LX_X_OK, LX_AT_EMPTY_PATH | LX_AT_EACCESS, 0, 0) < 0)
		return -LX_EACCES;
	/* the memfd's own open file is no writer; a reopen is */
	if (memfd_proc_writers(o->dev, o->ino) > 1)
		return -LX_ETXTBSY;
	return 0;
}

static struct lx_action
memfd_execve(struct lx_call *c, struct lx_guest *g)
{
	bool at = c->nr == LX_NR_execveat, cloexec;
	int dirfd = at ? (int)c->arg[0] : LX_AT_FDCWD, opath = -1, src;
	int flags = at ? (int)c->arg[4] : 0;
	bool nofollow = (flags & LX_AT_SYMLINK_NOFOLLOW) != 0;
	uint64_t upath = c->arg[at ? 1 : 0];
	struct lx_fd_ident id;
	struct lx_action a;
	struct memfd_obj *o;
	long rfd, r, saved;
	char first;

	if (memfd_count == 0 || (flags & ~(LX_AT_EMPTY_PATH |
	    LX_AT_SYMLINK_NOFOLLOW)) || lx_guest_read(g, &first, upath, 1) < 0)
		return lx_native();
	if (first == '\0') {
		if (!(flags & LX_AT_EMPTY_PATH) ||
		    (o = memfd_of_fd(g, dirfd, &id)) == NULL)
			return lx_native();
		src = dirfd;
	} else {
		o = memfd_of_path(g, dirfd, upath, nofollow, &opath);
		if (o == NULL || lx_guest_fd_ident(g, opath, &id) < 0) {
			memfd_guest_close(g, opath);
			return lx_native();
		}
		src = opath;
	}
	if ((r = exec_allowed(g, o, src)) < 0) {
		memfd_guest_close(g, opath);
		return lx_return(r);
	}
	/* O_PATH or write-only: read it through a reopen */
	if ((id.flags & LX_O_PATH) || (id.flags & LX_O_ACCMODE) == LX_O_WRONLY) {
		long ro = reopen(g, src, LX_O_RDONLY);

		memfd_guest_close(g, opath);
		if (ro < 0)
			return lx_return(ro == -LX_EACCES ? ro : -LX_ENOMEM);
		opath = (int)ro;
		src = (int)ro;
	}
	rfd = make_copy(g, o, src);
	memfd_guest_close(g, opath);
	if (rfd < 0)
		return lx_return(rfd);
	if (first == '\0') {
		if (place_at(g, rfd, dirfd, &cloexec, &saved) < 0) {
			memfd_guest_close(g, (int)rfd);
			return lx_return(-LX_ENOMEM);
		}
		memfd_guest_close(g, (int)rfd);
		return run_at(c, dirfd, cloexec, saved);
	}
	if (try_own_number(c, g, o, rfd, upath, nofollow, &a))
		return a;
	return exec_by_fd(c, g, rfd, c->arg[at ? 2 : 1], c->arg[at ? 3 : 2],
	    flags);
}

void
memfd_exec_init(void)
{
	/* rare calls: one stop each, and nothing more while no memfd lives */
	lx_trap_nr_add(LX_NR_execve, LX_FAM_MEMFD);
	lx_trap_nr_add(LX_NR_execveat, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_execve, LX_FAM_MEMFD, memfd_execve);
	lx_hook_add(LX_NR_execveat, LX_FAM_MEMFD, memfd_execve);
}
