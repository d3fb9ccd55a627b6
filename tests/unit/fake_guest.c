/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/linux_abi.h"

static struct fake_guest *
fg_of(struct lx_guest *g)
{
	return (struct fake_guest *)g;
}

static int
fg_valid(struct fake_guest *fg, uint64_t a, size_t n)
{
	for (int i = 0; i < fg->nregion; i++)
		if (a >= fg->region[i].base &&
		    a + n <= fg->region[i].base + fg->region[i].len &&
		    a + n >= a)
			return 1;
	return n == 0;
}

static int
fg_read(struct lx_guest *g, void *dst, uint64_t src, size_t n)
{
	if (!fg_valid(fg_of(g), src, n))
		return -LX_EFAULT;
	memcpy(dst, (void *)(uintptr_t)src, n);
	return 0;
}

static int
fg_write(struct lx_guest *g, uint64_t dst, const void *src, size_t n)
{
	if (!fg_valid(fg_of(g), dst, n))
		return -LX_EFAULT;
	memcpy((void *)(uintptr_t)dst, src, n);
	return 0;
}

static long
fg_read_string(struct lx_guest *g, char *dst, uint64_t src, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (!fg_valid(fg_of(g), src + i, 1))
			return -LX_EFAULT;
		dst[i] = *(char *)(uintptr_t)(src + i);
		if (dst[i] == '\0')
			return (long)i;
	}
	return -LX_ENAMETOOLONG;
}

static long
fg_native_syscall(struct fake_guest *fg, long nr, const uint64_t a[6])
{
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r < 0 ? -errno : r;
}

static long
fg_syscall(struct lx_guest *g, long nr, uint64_t a0, uint64_t a1,
    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct fake_guest *fg = fg_of(g);
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };

	fg->nsyscalls++;
	fg->last_nr = nr;
	return fg->syscall(fg, nr, a);
}

static uint64_t
fg_scratch(struct lx_guest *g, size_t n)
{
	return n <= LX_SCRATCH_MAX ? FG_ADDR(fg_of(g)->scratch) : 0;
}

static int
fg_pull_fd(struct lx_guest *g, int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return r < 0 ? -errno : r;
}

static int
fg_fd_ident(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	struct stat st;
	int fl, fdfl;

	if (fstat(fd, &st) < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    (fdfl = fcntl(fd, F_GETFD)) < 0)
		return -LX_EBADF;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->mode = st.st_mode;
	id->flags = (uint32_t)fl;
	id->cloexec = (fdfl & FD_CLOEXEC) != 0;
	id->pos = (uint64_t)lseek(fd, 0, SEEK_CUR);
	return 0;
}

static int
fg_trap_fd(struct lx_guest *g, const struct lx_fd_trap *t, int n, int fd)
{
	struct fake_guest *fg = fg_of(g);

	for (int i = 0; i < n && fg->ntraps < 32; i++)
		fg->traps[fg->ntraps++] = t[i];
	fg->trap_fd = fd;
	return 0;
}

static int
fg_fd_stat(struct lx_guest *g, int fd, struct stat *st)
{
	return fstat(fd, st) < 0 ? -LX_EBADF : 0;
}

static int
fg_path_stat(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    struct stat *st)
{
	return -LX_EAGAIN;	/* the handlers' rewrite path is what is tested */
}

static int
fg_path_open(struct lx_guest *g, int dirfd, const char *path, bool nofollow)
{
	int r;

	if (!fg_of(g)->path_open)
		return -LX_EAGAIN;
	if (path == NULL)
		return fg_pull_fd(g, dirfd);
	r = openat(dirfd, path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW :
	    0));
	return r < 0 ? -errno : r;
}

/* The fake guest is this process: its rights are ours. */
static int
fg_sup_access(struct lx_guest *g, int fd, int mode)
{
	return faccessat(fd, "", mode, AT_EMPTY_PATH | AT_EACCESS) < 0 ?
	    -errno : 0;
}

static int
fg_same_file(struct lx_guest *g, int sup_fd, int fd)
{
	long r = syscall(SYS_kcmp, (long)getpid(), (long)getpid(), 0L /* KCMP_FILE */,
	    (long)sup_fd, (long)fd);

	return r < 0 ? (errno == EBADF ? 0 : -errno) : r == 0;
}

static int
fg_woken_by_ignored(struct lx_guest *g)
{
	return 0;	/* a real signal: EINTR stands */
}

static int
fg_trap_fd_pid(struct lx_guest *g, int pid, const struct lx_fd_trap *t,
    int n, int fd)
{
	return pid == g->pid ? fg_trap_fd(g, t, n, fd) : -LX_ESRCH;
}

static const struct lx_guest_ops fg_ops = {
	.read = fg_read,
	.write = fg_write,
	.read_string = fg_read_string,
	.syscall = fg_syscall,
	.scratch = fg_scratch,
	.pull_fd = fg_pull_fd,
	.fd_ident = fg_fd_ident,
	.trap_fd = fg_trap_fd,
	.fd_stat = fg_fd_stat,
	.path_stat = fg_path_stat,
	.path_open = fg_path_open,
	.sup_access = fg_sup_access,
	.same_file = fg_same_file,
	.woken_by_ignored = fg_woken_by_ignored,
	.trap_fd_pid = fg_trap_fd_pid,
};

void
fg_init(struct fake_guest *fg)
{
	memset(fg, 0, sizeof(*fg));
	fg->g.ops = &fg_ops;
	fg->g.pid = getpid();
	fg->g.tid = (int)syscall(SYS_gettid);
	fg->syscall = fg_native_syscall;
	fg_map(fg, fg->scratch, sizeof(fg->scratch));
}

void
fg_map(struct fake_guest *fg, const void *p, size_t len)
{
	if (fg->nregion < (int)(sizeof(fg->region) / sizeof(fg->region[0]))) {
		fg->region[fg->nregion].base = FG_ADDR(p);
		fg->region[fg->nregion].len = len;
		fg->nregion++;
	}
}

long
fg_play(struct fake_guest *fg, struct lx_call *c, struct lx_action a)
{
	long r;

	if (a.kind == LX_RETURN)
		return a.value;
	assert_int_equal(a.kind, LX_REWRITE);
	r = syscall(a.rewrite.nr, a.rewrite.arg[0], a.rewrite.arg[1],
	    a.rewrite.arg[2], a.rewrite.arg[3], a.rewrite.arg[4],
	    a.rewrite.arg[5]);
	if (r < 0)
		r = -errno;
	return a.on_exit ? a.on_exit(c, &fg->g, r) : r;
}
