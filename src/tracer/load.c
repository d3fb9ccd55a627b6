/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --loader=elf, before the point of no return.  At an execve/execveat
 * seccomp stop, lxrun does what exec checks before it destroys the old
 * image, in the guest's own context and in the kernel's order, so that a
 * program the kernel would refuse gets the kernel's errno while the old
 * image still runs:
 *
 *	the path walk (a stat: ENOENT, ENOTDIR, ELOOP, EACCES...), a regular
 *	file (EACCES), execute permission and no noexec mount (EACCES), not
 *	open for writing (ETXTBSY), argv/envp (EFAULT, E2BIG), then the
 *	format: #! lines (up to LX_EXEC_MAXDEPTH interpreters, ELOOP), ELF
 *	headers (ENOEXEC, EIO), PT_INTERP (its open errors, ELIBBAD).
 *
 * The files are opened in the guest by injected calls (their fds survive
 * the exec: the stub maps from them) and read by the supervisor through a
 * pidfd_getfd copy.  Then the call becomes execveat(stub, "", argv, envp,
 * AT_EMPTY_PATH) on a memfd holding the stub; argv is the #!-rewritten
 * one for scripts.  The kernel's exec of the stub checks what is left
 * (E2BIG) and does exec's process work; load_image() builds the program
 * at the exit stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "load_int.h"
#include "lxrun/linux_abi.h"
#include "lxrun/trace.h"

static bool enabled;

bool
load_enabled(void)
{
	return enabled;
}

long
load_inject(struct exec_req *x, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
    uint64_t a3, uint64_t a4)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, 0 };

	return inject_syscall(x->t, nr, a);
}

static void
gclose(struct exec_req *x, int *gfd)
{
	if (*gfd >= 0)
		load_inject(x, LX_NR_close, (uint64_t)*gfd, 0, 0, 0, 0);
	*gfd = -1;
}

static void
opened_close(struct exec_req *x, struct opened *o)
{
	gclose(x, &o->gfd);
	if (o->sfd >= 0)
		close(o->sfd);
	o->sfd = -1;
}

/* The thread's scratch slot, with "" at SCR_EMPTY: 0 or -errno. */
int
load_need_scratch(struct exec_req *x)
{
	if (x->scratch != 0)
		return 0;
	if ((x->scratch = scratch_slot(x->t)) == 0)
		return -LX_ENOMEM;
	if (mem_write(x->t, x->scratch + SCR_EMPTY, "", 1) < 0)
		return -LX_EFAULT;
	return 0;
}

/* Guest memory for n bytes (a long path, a #! argv): scratch or a map. */
uint64_t
load_guest_area(struct exec_req *x, size_t n, uint64_t scratch_off, size_t room)
{
	struct load_exec *le = x->le;
	long r;

	if (load_need_scratch(x) < 0)
		return 0;
	if (n <= room)
		return x->scratch + scratch_off;
	if (n <= le->tmp_len)
		return le->tmp_map;
	if (le->tmp_map != 0)
		load_inject(x, LX_NR_munmap, le->tmp_map, le->tmp_len, 0, 0, 0);
	le->tmp_map = 0;
	le->tmp_len = (n + 65535) & ~(size_t)65535;
	r = load_inject(x, LX_NR_mmap, 0, le->tmp_len,
	    LX_PROT_READ | LX_PROT_WRITE,
	    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, (uint64_t)-1);
	if (r < 0 && r > -4096) {
		le->tmp_len = 0;
		return 0;
	}
	le->tmp_map = (uint64_t)r;
	return le->tmp_map;
}

/* A path of ours (an interpreter's) in guest memory, for openat. */
static uint64_t
guest_path(struct exec_req *x, const char *path)
{
	size_t n = strlen(path) + 1;
	uint64_t at = load_guest_area(x, n, SCR_PATH, SCR_PATH_MAX);

	if (at == 0 || mem_write(x->t, at, path, n) < 0)
		return 0;
	return at;
}

/*
 * Open path (absolute, or relative to the thread's cwd) as the thread
 * would, from the supervisor: only called once path_stat proved that the
 * thread's credentials, root and mounts are lxrun's.  No magic link is
 * followed (/proc/self would be lxrun).  -errno on failure.
 */
static int
open_as_guest(struct task *t, const char *path, bool nofollow)
{
	struct open_how how;
	char base[64];
	int bfd = AT_FDCWD, fd;

	if (path[0] != '/') {
		snprintf(base, sizeof(base), "/proc/%d/cwd", (int)t->tid);
		if ((bfd = open(base, O_PATH | O_CLOEXEC)) < 0)
			return -LX_EAGAIN;
	}
	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
	    (nofollow ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, bfd, path, &how, sizeof(how));
	if (fd < 0)
		fd = -errno;
	if (bfd >= 0)
		close(bfd);
	return fd;
}

static long
sfd_pread(void *ctx, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(*(int *)ctx, (char *)buf + done, n - done,
		    (off_t)(off + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (long)done;
}

/*
 * deny_write_access() fails (ETXTBSY) while the file is open for writing:
 * exactly when a read lease cannot be had on it.  Without the right to
 * take leases (not root, not the owner), nothing is checked.
 */
static int
text_busy(int sfd)
{
	if (fcntl(sfd, F_SETLEASE, F_RDLCK) == 0) {
		fcntl(sfd, F_SETLEASE, F_UNLCK);
		return 0;
	}
	return errno == EAGAIN ? -LX_ETXTBSY : 0;
}

/* The file's stat by the guest's own fstatat (another view than lxrun's). */
static int
exec_stat(struct exec_req *x, int dirfd, uint64_t gpath, bool nofollow,
    struct stat *st)
{
	long r;

	if ((r = load_need_scratch(x)) < 0)
		return (int)r;
	r = load_inject(x, LX_NR_newfstatat, (uint64_t)dirfd, gpath,
	    x->scratch + SCR_STAT, nofollow ? LX_AT_SYMLINK_NOFOLLOW : 0, 0);
	if (r < 0)
		return (int)r;
	return mem_read(x->t, st, x->scratch + SCR_STAT, sizeof(*st));
}

/*
 * do_open_execat(): open the file exec would run, with exec's checks.
 * empty: execveat(dirfd, "", AT_EMPTY_PATH), the file is dirfd's.
 */
static int
open_exec(struct exec_req *x, int dirfd, uint64_t gpath, const char *path,
    bool nofollow, bool empty, struct opened *o)
{
	struct stat st;
	bool same = false;
	long r;

	o->gfd = o->sfd = -1;
	o->by_path = false;
	if (empty) {
		char proc[64];

		if ((r = lx_guest_fd_stat(x->g, dirfd, &st)) < 0)
			return (int)r;
		if (!S_ISREG(st.st_mode))
			return -LX_EACCES;
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", dirfd);
		if ((gpath = guest_path(x, proc)) == 0)
			return -LX_ENOMEM;
		r = load_inject(x, LX_NR_openat, (uint64_t)LX_AT_FDCWD, gpath,
		    LX_O_RDONLY | LX_O_NONBLOCK | LX_O_NOCTTY, 0, 0);
	} else {
		if (path[0] == '\0')	/* exec's own "" is its cwd */
			return -LX_EACCES;
		r = path_stat(x->t, dirfd, path, nofollow, &st);
		same = r != -LX_EAGAIN;
		if (!same) {
			/* look in the guest: the path must be in its memory */
			if (gpath == 0 && (gpath = guest_path(x, path)) == 0)
				return -LX_ENOMEM;
			r = exec_stat(x, dirfd, gpath, nofollow, &st);
		}
		if (r < 0)
			return (int)r;
		if (nofollow && S_ISLNK(st.st_mode))
			return -LX_ELOOP;
		if (!S_ISREG(st.st_mode))
			return -LX_EACCES;
		x->same_view |= same;
		/* lxrun's view is the thread's: no call in the guest */
		if (same && (dirfd == LX_AT_FDCWD || path[0] == '/') &&
		    strlen(path) < LX_PATH_MAX - 64 &&
		    (o->sfd = open_as_guest(x->t, path, nofollow)) >= 0) {
			o->by_path = true;
			if (fstat(o->sfd, &st) < 0 || !S_ISREG(st.st_mode))
				return -LX_EACCES;
			goto opened;
		}
		if (gpath == 0 && (gpath = guest_path(x, path)) == 0)
			return -LX_ENOMEM;
		r = load_inject(x, LX_NR_openat, (uint64_t)dirfd, gpath,
		    LX_O_RDONLY | LX_O_NONBLOCK | LX_O_NOCTTY |
		    (nofollow ? LX_O_NOFOLLOW : 0), 0, 0);
	}
	if (r < 0)
		return (int)r;
	o->gfd = (int)r;
	if (lx_guest_fd_stat(x->g, o->gfd, &st) < 0 || !S_ISREG(st.st_mode))
		return -LX_EACCES;	/* replaced meanwhile */
	if ((o->sfd = guest_pull_fd(x->t, o->gfd)) < 0) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", (int)x->t->tid,
		    o->gfd);
		if ((o->sfd = open(proc, O_RDONLY | O_CLOEXEC)) < 0)
			return -LX_EACCES;
	}
opened:
	/* execute permission, noexec mounts, ACLs, LSMs: access(2)'s answer */
	if (same)
		r = syscall(SYS_faccessat2, o->sfd, "", X_OK,
		    AT_EMPTY_PATH | AT_EACCESS) < 0 ? -errno : 0;
	else if ((r = load_need_scratch(x)) == 0)
		r = load_inject(x, LX_NR_faccessat2, (uint64_t)o->gfd,
		    x->scratch + SCR_EMPTY, X_OK,
		    LX_AT_EMPTY_PATH | LX_AT_EACCESS, 0);
	if (r < 0)
		return (int)r;
	if ((r = text_busy(o->sfd)) < 0)
		return (int)r;
	memset(o->buf, 0, sizeof(o->buf));
	r = sfd_pread(&o->sfd, o->buf, sizeof(o->buf), 0);
	return r < 0 ? (int)r : 0;
}

/* An error after the open of the program: argv/envp errors come first. */
static int
fail(struct exec_req *x, int err)
{
	int r;

	if (x->past_open && (r = load_argv_check(x)) < 0)
		return r;
	return err;
}

/* bprm->filename and the comm exec gives the process. */
static int
exec_names(struct exec_req *x, bool empty)
{
	struct load_exec *le = x->le;
	char target[LX_PATH_MAX];
	const char *base;

	if (x->dirfd == LX_AT_FDCWD || x->path[0] == '/') {
		snprintf(le->execfn, sizeof(le->execfn), "%s", x->path);
	} else {
		struct lx_fd_ident id;

		if (empty)
			snprintf(le->execfn, sizeof(le->execfn), "/dev/fd/%d",
			    x->dirfd);
		else
			snprintf(le->execfn, sizeof(le->execfn),
			    "/dev/fd/%d/%s", x->dirfd, x->path);
		if (lx_guest_fd_ident(x->g, x->dirfd, &id) == 0 && id.cloexec)
			x->fd_inaccessible = true;
	}
	if (empty) {
		/* comm from the file's own name, as exec's dentry name */
		char proc[64];
		ssize_t n;
		char *del;

		snprintf(proc, sizeof(proc), "/proc/%d/fd/%d", (int)x->t->tid,
		    x->dirfd);
		n = readlink(proc, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if ((del = strstr(target, " (deleted)")) != NULL)
			*del = '\0';
		base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	} else {
		base = strrchr(le->execfn, '/') ? strrchr(le->execfn, '/') + 1 :
		    le->execfn;
	}
	/* the kernel keeps TASK_COMM_LEN - 1 bytes of it */
	memset(le->comm, 0, sizeof(le->comm));
	memcpy(le->comm, base, strnlen(base, sizeof(le->comm) - 1));
	snprintf(x->interp_name, sizeof(x->interp_name), "%s", le->execfn);
	return 0;
}

/*
 * lxrun's fds kept from an exec's checks to its batch A (load_path.sfd),
 * by thread and exec: a thread that dies in between (its call's state is
 * freed without an exit) has them closed at the next exec's checks.  When
 * the table is full, the file is not kept and the stub opens it by path.
 */
#define HELD_MAX 32
static struct held {
	pid_t tid;
	const struct load_exec *le;
	int fd;
} held[HELD_MAX];

static void
held_sweep(void)
{
	for (int i = 0; i < HELD_MAX; i++) {
		struct task *t;

		if (held[i].le == NULL)
			continue;
		t = task_find(held[i].tid);
		if (t == NULL || t->call.park_state != held[i].le) {
			close(held[i].fd);
			held[i].le = NULL;
		}
	}
}

static bool
held_add(pid_t tid, const struct load_exec *le, int fd)
{
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i].le == NULL) {
			held[i].tid = tid;
			held[i].le = le;
			held[i].fd = fd;
			return true;
		}
	return false;
}

void
load_path_release(struct load_path *lp)
{
	if (lp->sfd < 0)
		return;
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i].le != NULL && held[i].fd == lp->sfd)
			held[i].le = NULL;
	close(lp->sfd);
	lp->sfd = -1;
}

/*
 * A file the stub will take or open: what it must turn out to be.  Takes
 * o's supervisor fd: kept in lp->sfd for the stub to take, or closed.
 */
static void
note_path(struct exec_req *x, struct load_path *lp, struct opened *o,
    const char *path, bool nofollow)
{
	struct stat st;

	memset(lp, 0, sizeof(*lp));
	lp->sfd = -1;
	if (o->by_path && fstat(o->sfd, &st) == 0) {
		lp->by_path = true;
		lp->nofollow = nofollow;
		lp->dev = st.st_dev;
		lp->ino = st.st_ino;
		snprintf(lp->path, sizeof(lp->path), "%s", path);
		if (held_add(x->t->tid, x->le, o->sfd)) {
			lp->sfd = o->sfd;
			o->sfd = -1;
		}
	}
	if (o->sfd >= 0)
		close(o->sfd);
	o->sfd = -1;
}

/* Open the chain of files down to the ELF program, as exec_binprm. */
static int
exec_checks(struct exec_req *x)
{
	struct load_exec *le = x->le;
	bool empty = (x->flags & LX_AT_EMPTY_PATH) && x->path[0] == '\0';
	bool nofollow = (x->flags & LX_AT_SYMLINK_NOFOLLOW) != 0;
	static char cur[LX_PATH_MAX];
	struct opened o, io;
	struct lx_script s;
	int r, depth = 0;

	exec_names(x, empty);
	snprintf(cur, sizeof(cur), "%s", x->path);
	r = open_exec(x, x->dirfd, x->path_ptr, x->path, nofollow, empty, &o);
	if (r < 0) {
		opened_close(x, &o);
		return r;
	}
	x->past_open = true;
	for (;;) {
		if ((r = lx_script_parse(o.buf, &s)) < 0)
			goto bad;
		if (r == 1)
			break;
		if (x->fd_inaccessible) {
			r = -LX_ENOENT;
			goto bad;
		}
		opened_close(x, &o);
		if ((r = load_script_argv(x, &s)) < 0)
			return fail(x, r);
		snprintf(cur, sizeof(cur), "%s", s.name);
		nofollow = false;
		r = open_exec(x, LX_AT_FDCWD, 0, s.name, false, false, &o);
		if (r < 0)
			goto bad;
		if (++depth > LX_EXEC_MAXDEPTH) {
			r = -LX_ELOOP;
			goto bad;
		}
	}
	if ((r = lx_elf_check_main(o.buf, sfd_pread, &o.sfd, &le->main)) < 0)
		goto bad;
	if (le->main.has_interp) {
		r = open_exec(x, LX_AT_FDCWD, 0, le->main.interp, false,
		    false, &io);
		if (r == 0)
			r = lx_elf_check_interp(sfd_pread, &io.sfd,
			    &le->interp);
		if (r < 0) {
			opened_close(x, &io);
			goto bad;
		}
		le->has_interp = true;
		le->interp_gfd = io.gfd;
		note_path(x, &le->interp_path, &io, le->main.interp, false);
	}
	le->main_gfd = o.gfd;
	note_path(x, &le->main_path, &o, cur, nofollow);
	return 0;
bad:
	opened_close(x, &o);
	return fail(x, r);
}

/* Undo the guest side of a failed exec. */
static void
exec_cleanup(struct exec_req *x)
{
	struct load_exec *le = x->le;

	gclose(x, &le->main_gfd);
	gclose(x, &le->interp_gfd);
	gclose(x, &le->stub_gfd);
	load_path_release(&le->main_path);
	load_path_release(&le->interp_path);
	if (le->tmp_map != 0)
		load_inject(x, LX_NR_munmap, le->tmp_map, le->tmp_len, 0, 0, 0);
	le->tmp_map = 0;
	for (int i = 0; i < x->npre; i++)
		free(x->pre[i]);
	x->npre = 0;
}

/* The rewritten exec came back: in the stub (0) or still the old image. */
static long
load_exec_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct load_exec *le = c->park_state;
	struct exec_req x;

	if (le == NULL)
		return ret;
	if (ret < 0) {
		memset(&x, 0, sizeof(x));
		x.t = g->priv;
		x.g = g;
		x.le = le;
		exec_cleanup(&x);
		return ret;
	}
	load_stub_execd(g->priv);
	load_image(g->priv, le);
	return 0;
}

static struct lx_action
load_execve(struct lx_call *c, struct lx_guest *g)
{
	struct exec_req x;
	struct load_exec *le;
	struct lx_action a;
	uint64_t stub = 0;
	long r, argv;

	memset(&x, 0, sizeof(x));
	x.t = g->priv;
	x.g = g;
	if (c->nr == LX_NR_execveat) {
		x.dirfd = (int)c->arg[0];
		x.path_ptr = c->arg[1];
		x.argv = c->arg[2];
		x.envp = c->arg[3];
		x.flags = (int)c->arg[4];
		if (x.flags & LX_AT_EXECVE_CHECK)
			return lx_native();	/* checks only: the kernel's */
	} else {
		x.dirfd = LX_AT_FDCWD;
		x.path_ptr = c->arg[0];
		x.argv = c->arg[1];
		x.envp = c->arg[2];
	}
	r = mem_read_string(x.t, x.path, x.path_ptr, sizeof(x.path));
	if (r < 0)
		return lx_return(r);
	if (x.path[0] == '\0' && !(x.flags & LX_AT_EMPTY_PATH))
		return lx_return(-LX_ENOENT);
	if (x.flags & ~(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return lx_return(-LX_EINVAL);
	held_sweep();
	if ((le = calloc(1, sizeof(*le))) == NULL)
		return lx_return(-LX_ENOMEM);
	le->main_gfd = le->interp_gfd = le->stub_gfd = -1;
	le->main_path.sfd = le->interp_path.sfd = -1;
	x.le = le;
	argv = (long)x.argv;
	r = exec_checks(&x);
	if (r == 0 && (le->stub_base = load_stub_base(le)) == 0)
		r = -LX_ENOMEM;
	if (r == 0 && (stub = load_stub_path(&x)) == 0 &&
	    (r = load_need_scratch(&x)) == 0)
		r = load_make_stub(&x);
	if (r == 0 && x.rewrite_argv && (argv = load_build_argv(&x)) < 0)
		r = argv;
	if (r < 0) {
		exec_cleanup(&x);
		free(le);
		return lx_return(r);
	}
	for (int i = 0; i < x.npre; i++)
		free(x.pre[i]);
	c->park_state = le;
	memset(&a, 0, sizeof(a));
	a.kind = LX_REWRITE;
	a.rewrite.nr = LX_NR_execveat;
	a.rewrite.arg[2] = (uint64_t)argv;
	a.rewrite.arg[3] = x.envp;
	if (stub != 0) {
		a.rewrite.arg[0] = (uint64_t)LX_AT_FDCWD;
		a.rewrite.arg[1] = stub;
	} else {
		a.rewrite.arg[0] = (uint64_t)le->stub_gfd;
		a.rewrite.arg[1] = x.scratch + SCR_EMPTY;
		a.rewrite.arg[4] = LX_AT_EMPTY_PATH;
	}
	a.on_exit = load_exec_exit;
	return a;
}

bool
load_builds_at_exec(const struct lx_action *a)
{
	return a->on_exit == load_exec_exit;
}

void
load_enable(void)
{
	if (enabled)
		return;
	enabled = true;
	lx_trap_nr_add(LX_NR_execve, LX_FAM_NONE);
	lx_trap_nr_add(LX_NR_execveat, LX_FAM_NONE);
	lx_hook_add(LX_NR_execve, LX_FAM_NONE, load_execve);
	lx_hook_add(LX_NR_execveat, LX_FAM_NONE, load_execve);
}
