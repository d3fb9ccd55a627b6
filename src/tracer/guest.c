/* SPDX-License-Identifier: BSD-2-Clause */
/* struct lx_guest for a stopped traced thread: what handlers may touch. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "tracer.h"
#include "lxrun/shortage.h"

static struct task *
task_of(struct lx_guest *g)
{
	return g->priv;
}

static int
g_read(struct lx_guest *g, void *dst, uint64_t src, size_t n)
{
	return mem_read(task_of(g), dst, src, n);
}

static int
g_write(struct lx_guest *g, uint64_t dst, const void *src, size_t n)
{
	return mem_write(task_of(g), dst, src, n);
}

/*
 * The last string read, for the next reader of the same call: the hooks of
 * several families read one path (an open's: inotify's and fdinfo's), and
 * the kernel too copies it once.  Valid until a handler starts again
 * (guest_init), lxrun writes guest memory or injects a call (mem_gen).
 */
static struct {
	unsigned gen;
	int tid;
	uint64_t addr;
	long len;
	char buf[4096];
} last_string;

static long
g_read_string(struct lx_guest *g, char *dst, uint64_t src, size_t cap)
{
	long r;

	if (last_string.gen == mem_gen && last_string.tid == g->tid &&
	    last_string.addr == src) {
		if ((size_t)last_string.len >= cap)
			return -LX_ENAMETOOLONG;
		memcpy(dst, last_string.buf, (size_t)last_string.len + 1);
		return last_string.len;
	}
	r = mem_read_string(task_of(g), dst, src, cap);
	if (r >= 0 && (size_t)r < sizeof(last_string.buf)) {
		last_string.gen = mem_gen;
		last_string.tid = g->tid;
		last_string.addr = src;
		last_string.len = r;
		memcpy(last_string.buf, dst, (size_t)r + 1);
	}
	return r;
}

static long
g_syscall(struct lx_guest *g, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
    uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };

	return inject_syscall(task_of(g), nr, a);
}

static uint64_t
g_scratch(struct lx_guest *g, size_t n)
{
	return n <= LX_SCRATCH_MAX ? scratch_slot(task_of(g)) : 0;
}

/*
 * pidfd_getfd reads the fd table of the task its pidfd names.  A pidfd
 * made with PIDFD_THREAD (Linux 6.9) names the thread itself; an older
 * kernel knows only process pidfds, which name the thread-group leader,
 * whose table a thread need not share (clone without CLONE_FILES,
 * unshare(CLONE_FILES)).  There, a leader's pidfd serves only a thread
 * that kcmp proves shares that leader's table: the calling thread's own
 * leader, or another traced process's (a clone with CLONE_FILES but not
 * CLONE_THREAD).  Anything else would pull a different file that happens
 * to have the same number (docs/security.md).
 */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static int thread_pidfds = -1;	/* the kernel has PIDFD_THREAD: 1, 0, ? */

static bool
have_thread_pidfds(void)
{
	if (thread_pidfds < 0) {
		int fd = (int)syscall(SYS_pidfd_open, getpid(), PIDFD_THREAD);

		thread_pidfds = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return thread_pidfds == 1;
}

static bool
same_files(pid_t a, pid_t b)
{
	return a == b || syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0) == 0;
}

static int
proc_pidfd(struct proc *p)
{
	if (p->pidfd < 0 &&
	    (p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0)) < 0)
		return -errno;
	return p->pidfd;
}

struct files_owner {
	pid_t tid;
	struct proc *found;
};

static void
find_files_owner(struct task *t, void *arg)
{
	struct files_owner *fo = arg;

	if (fo->found == NULL && t->tid == t->proc->pid &&
	    same_files(t->tid, fo->tid))
		fo->found = t->proc;
}

/* A pidfd whose pidfd_getfd reads t's own fd table, or -errno. */
static int
task_files_pidfd(struct task *t)
{
	struct files_owner fo = { t->tid, NULL };

	if (have_thread_pidfds()) {
		if (t->pidfd < 0 && (t->pidfd = (int)syscall(SYS_pidfd_open,
		    t->tid, PIDFD_THREAD)) < 0)
			return -errno;
		return t->pidfd;
	}
	if (same_files(t->proc->pid, t->tid))
		return proc_pidfd(t->proc);
	task_foreach(find_files_owner, &fo);
	return fo.found != NULL ? proc_pidfd(fo.found) : -ENOSYS;
}

int
guest_pull_fd(struct task *t, int fd)
{
	int pidfd = task_files_pidfd(t), r;

	if (pidfd < 0)
		return pidfd;
	r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	return r < 0 ? -lx_shortage_fd_errno(errno) : r;
}

static int
g_pull_fd(struct lx_guest *g, int fd)
{
	return guest_pull_fd(task_of(g), fd);
}

/* Open flags and position from /proc/TID/fdinfo/N. */
static int
read_fdinfo(pid_t tid, int fd, struct lx_fd_ident *id)
{
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	/* out of fds of our own: not the guest's fault, not EBADF */
	if ((f = fopen(path, "re")) == NULL)
		return lx_shortage_fd_errno(errno) == ENOENT ? -LX_EBADF :
		    -LX_ENOMEM;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "pos:", 4) == 0)
			id->pos = strtoull(line + 4, NULL, 10);
		else if (strncmp(line, "flags:", 6) == 0) {
			unsigned long fl = strtoul(line + 6, NULL, 8);

			id->flags = (uint32_t)fl & ~(uint32_t)LX_O_CLOEXEC;
			id->cloexec = (fl & LX_O_CLOEXEC) != 0;
		}
	}
	fclose(f);
	return 0;
}

/* stat of /proc/TID/fd/N is fstat of the guest's fd (the magic link). */
static int
g_fd_stat(struct lx_guest *g, int fd, struct stat *st)
{
	char path[64];

	if (fd < 0)
		return -LX_EBADF;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", g->tid, fd);
	return stat(path, st) < 0 ? -LX_EBADF : 0;
}

static int
g_fd_ident(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	struct task *t = task_of(g);
	struct stat st;

	if (g_fd_stat(g, fd, &st) < 0)
		return -LX_EBADF;
	memset(id, 0, sizeof(*id));
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->mode = st.st_mode;
	return read_fdinfo(t->tid, fd, id);
}

static int
g_trap_fd(struct lx_guest *g, const struct lx_fd_trap *traps, int n, int fd)
{
	return fdtrap_install(task_of(g), traps, n, fd);
}

static int
g_path_stat(struct lx_guest *g, int dirfd, const char *path, bool nofollow,
    struct stat *st)
{
	return path_stat(task_of(g), dirfd, path, nofollow, st);
}

static int
g_path_open(struct lx_guest *g, int dirfd, const char *path, bool nofollow)
{
	return path_open(task_of(g), dirfd, path, nofollow);
}

static int
g_sup_access(struct lx_guest *g, int sup_fd, int mode)
{
	return creds_access_fd(task_of(g), sup_fd, mode);
}

static int
g_same_file(struct lx_guest *g, int sup_fd, int guest_fd)
{
	long r;

	if (guest_fd < 0)
		return 0;
	r = syscall(SYS_kcmp, (long)host_self(), (long)g->tid, (long)KCMP_FILE,
	    (long)sup_fd, (long)guest_fd);
	if (r < 0)
		return errno == EBADF ? 0 : -errno;
	return r == 0;
}

/* Signals whose default action is to ignore them (sig_kernel_ignore). */
#define DEFAULT_IGNORED ((1ULL << (SIGCHLD - 1)) | (1ULL << (SIGURG - 1)) | \
	(1ULL << (SIGWINCH - 1)) | (1ULL << (SIGCONT - 1)))

static int
g_woken_by_ignored(struct lx_guest *g)
{
	unsigned long long pnd = 0, shd = 0, blk = 0, ign = 0, cgt = 0, v;
	char path[64], line[256];
	unsigned seen = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", g->tid);
	if ((f = fopen(path, "re")) == NULL)
		return -LX_ESRCH;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "SigPnd: %llx", &v) == 1)
			pnd = v, seen |= 1;
		else if (sscanf(line, "ShdPnd: %llx", &v) == 1)
			shd = v, seen |= 2;
		else if (sscanf(line, "SigBlk: %llx", &v) == 1)
			blk = v, seen |= 4;
		else if (sscanf(line, "SigIgn: %llx", &v) == 1)
			ign = v, seen |= 8;
		else if (sscanf(line, "SigCgt: %llx", &v) == 1)
			cgt = v, seen |= 16;
	}
	fclose(f);
	if (seen != 31)
		return -LX_EIO;
	/* what may wake it: pending and not blocked */
	pnd = (pnd | shd) & ~blk;
	return (pnd & ~(ign | (DEFAULT_IGNORED & ~cgt))) == 0;
}

static int
g_trap_fd_pid(struct lx_guest *g, int pid, const struct lx_fd_trap *traps,
    int n, int fd)
{
	if (pid == g->pid)
		return fdtrap_install(task_of(g), traps, n, fd);
	return fdtrap_install_pid(pid, traps, n, fd);
}

static const struct lx_guest_ops guest_ops = {
	.read = g_read,
	.write = g_write,
	.read_string = g_read_string,
	.syscall = g_syscall,
	.scratch = g_scratch,
	.pull_fd = g_pull_fd,
	.fd_ident = g_fd_ident,
	.trap_fd = g_trap_fd,
	.fd_stat = g_fd_stat,
	.path_stat = g_path_stat,
	.path_open = g_path_open,
	.sup_access = g_sup_access,
	.same_file = g_same_file,
	.woken_by_ignored = g_woken_by_ignored,
	.trap_fd_pid = g_trap_fd_pid,
};

void
guest_init(struct lx_guest *g, struct task *t)
{
	mem_gen++;		/* a new handler: strings are read again */
	g->ops = &guest_ops;
	g->pid = t->proc->pid;
	g->tid = t->tid;
	g->priv = t;
}
