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
 * When the guest named the memfd by its own fd number N (execveat(N, "",
 * AT_EMPTY_PATH), or a /proc or /dev/fd path ending in N), the copy takes
 * number N for the exec and the guest's call runs unchanged, so the
 * kernel sees the call the program made (AT_EXECFN, comm, argv, scripts'
 * /dev/fd/N); if the exec fails, N is the memfd again.  Any other path is
 * rewritten into execveat(copy, "", AT_EMPTY_PATH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "memfd_int.h"

/* What the exit of a call run with the copy at N puts back on failure. */
#define DATA_SAVED(d)	((int)((d) & 0xffffffff))
#define DATA_FD(d)	((int)(((d) >> 32) & 0x7fffffff))
#define DATA_CLOEXEC	(1ULL << 63)

/*
 * The fd number N a path names when it is the caller's own fd:
 * /proc/self/fd/N, /proc/thread-self/fd/N, /dev/fd/N, /proc/PID/fd/N with
 * the caller's pid or tid; else -1.  That N really is the file the path
 * names is checked by the caller.
 */
static int
fd_in_path(struct lx_guest *g, uint64_t upath)
{
	char path[256], own[2][32], *end;
	const char *rest = NULL;
	static const char *const self[] = { "/proc/self/fd/",
	    "/proc/thread-self/fd/", "/dev/fd/" };
	long n;

	if (lx_guest_string(g, path, upath, sizeof(path)) < 0)
		return -1;
	snprintf(own[0], sizeof(own[0]), "/proc/%d/fd/", g->pid);
	snprintf(own[1], sizeof(own[1]), "/proc/%d/fd/", g->tid);
	for (int i = 0; i < 3 && rest == NULL; i++)
		if (strncmp(path, self[i], strlen(self[i])) == 0)
			rest = path + strlen(self[i]);
	for (int i = 0; i < 2 && rest == NULL; i++)
		if (strncmp(path, own[i], strlen(own[i])) == 0)
			rest = path + strlen(own[i]);
	if (rest == NULL || *rest < '0' || *rest > '9')
		return -1;
	n = strtol(rest, &end, 10);
	return *end == '\0' && n < (1L << 30) ? (int)n : -1;
}

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

/* Put the copy rfd at the guest's number fd and run the guest's call. */
static struct lx_action
exec_at(struct lx_call *c, struct lx_guest *g, long rfd, int fd)
{
	struct lx_action a = { .kind = LX_REWRITE, .on_exit = exec_exit };
	struct lx_fd_ident id;
	long saved, r;

	if (lx_guest_fd_ident(g, fd, &id) < 0 ||
	    (saved = lx_guest_syscall(g, LX_NR_fcntl, (uint64_t)fd,
	    LX_F_DUPFD_CLOEXEC, 0, 0, 0, 0)) < 0) {
		memfd_guest_close(g, (int)rfd);
		return lx_return(-LX_ENOMEM);
	}
	r = lx_guest_syscall(g, LX_NR_dup3, (uint64_t)rfd, (uint64_t)fd,
	    id.cloexec ? LX_O_CLOEXEC : 0, 0, 0, 0);
	memfd_guest_close(g, (int)rfd);
	if (r < 0) {
		memfd_guest_close(g, (int)saved);
		return lx_return(-LX_ENOMEM);
	}
	c->data = (uint64_t)(uint32_t)saved | (uint64_t)fd << 32 |
	    (id.cloexec ? DATA_CLOEXEC : 0);
	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	return a;
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
	bool at = c->nr == LX_NR_execveat;
	int dirfd = at ? (int)c->arg[0] : LX_AT_FDCWD, opath = -1, src, fd;
	int flags = at ? (int)c->arg[4] : 0;
	uint64_t upath = c->arg[at ? 1 : 0];
	struct lx_fd_ident id, nid;
	struct memfd_obj *o;
	long rfd, r;
	char first;

	if (memfd_count == 0 || (flags & ~(LX_AT_EMPTY_PATH |
	    LX_AT_SYMLINK_NOFOLLOW)) || lx_guest_read(g, &first, upath, 1) < 0)
		return lx_native();
	if (first == '\0') {
		if (!(flags & LX_AT_EMPTY_PATH) ||
		    (o = memfd_of_fd(g, dirfd, &id)) == NULL)
			return lx_native();
		src = fd = dirfd;
	} else {
		o = memfd_of_path(g, dirfd, upath,
		    (flags & LX_AT_SYMLINK_NOFOLLOW) != 0, &opath);
		if (o == NULL || lx_guest_fd_ident(g, opath, &id) < 0) {
			memfd_guest_close(g, opath);
			return lx_native();
		}
		src = opath;
		/* the path names the memfd by the caller's own fd N? */
		fd = fd_in_path(g, upath);
		if (fd >= 0 && (lx_guest_fd_ident(g, fd, &nid) < 0 ||
		    nid.dev != id.dev || nid.ino != id.ino))
			fd = -1;
	}
	if ((r = exec_allowed(g, o, src)) < 0) {
		memfd_guest_close(g, opath);
		return lx_return(r);
	}
	/* O_PATH or write-only: read it through a reopen */
	if ((id.flags & LX_O_PATH) || (id.flags & LX_O_ACCMODE) == LX_O_WRONLY) {
		long ro = reopen(g, src, LX_O_RDONLY);

		if (ro < 0) {
			memfd_guest_close(g, opath);
			return lx_return(ro == -LX_EACCES ? ro : -LX_ENOMEM);
		}
		memfd_guest_close(g, opath);
		opath = (int)ro;
		src = (int)ro;
	}
	rfd = make_copy(g, o, src);
	memfd_guest_close(g, opath);
	if (rfd < 0)
		return lx_return(rfd);
	if (fd >= 0)
		return exec_at(c, g, rfd, fd);
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
