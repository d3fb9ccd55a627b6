/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A path stat done by the supervisor on the guest's behalf, in one stop
 * instead of a rewrite's two, but only where its answer is certainly the
 * one the guest's own fstatat would get (docs/security.md):
 *  - the thread checks permissions as the supervisor does: the same
 *    credentials (uids, gids, groups, effective capabilities), user
 *    namespace and LSM label;
 *  - it sees the same tree: the same mount namespace and root.  The
 *    answer is cached per thread until the thread's credentials change,
 *    and for every thread whenever any traced thread changes a root or a
 *    namespace (chroot, pivot_root, setns, unshare: a sibling's chroot
 *    moves the root of every thread sharing its fs_struct);
 *  - the lookup starts from the guest's own cwd or dirfd (their /proc
 *    links, opened by the supervisor), follows no magic link on the way
 *    (RESOLVE_NO_MAGICLINKS: /dev/fd/N or /proc/self/cwd would be the
 *    supervisor's), and no procfs is involved: /proc/self names the
 *    supervisor in every procfs mount.  A lookup that stays within its
 *    starting mount (RESOLVE_NO_XDEV) and does not start on a procfs
 *    cannot have touched one; one that crosses mounts is answered only
 *    when it succeeds on a file that is not on a procfs (a failure might
 *    have come from a procfs on the way, e.g. /proc/self/fdinfo/N).
 * Otherwise -LX_EAGAIN, and the handler runs the host's fstatat in the
 * guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

/* Bumped when any traced thread may have changed a root or namespace. */
static unsigned view_gen = 1;

/*
 * The lines of /proc/PID/status that decide a lookup's permissions (real,
 * effective, saved and fs ids; supplementary groups; effective caps).
 */
static const char *const view_keys[] = {
	"Uid:", "Gid:", "Groups:", "CapEff:",
};

static int
read_view(pid_t tid, char *buf, size_t len)
{
	char path[64], line[512];
	size_t used = 0;
	FILE *f;

	snprintf(path, sizeof(path), tid > 0 ? "/proc/%d/status" :
	    "/proc/self/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		for (size_t i = 0; i < sizeof(view_keys) / sizeof(*view_keys);
		    i++)
			if (strncmp(line, view_keys[i], strlen(view_keys[i]))
			    == 0 && used + strlen(line) < len) {
				strcpy(buf + used, line);
				used += strlen(line);
			}
	fclose(f);
	return 0;
}

/* Is path the file *mine is (stat'ed once: lxrun never changes it)? */
static bool
same_inode(const char *path, const char *my_path, struct stat *mine)
{
	struct stat x;

	if (mine->st_ino == 0 && stat(my_path, mine) < 0)
		return false;
	return stat(path, &x) == 0 && x.st_dev == mine->st_dev &&
	    x.st_ino == mine->st_ino;
}

/* Does the thread see the file system as the supervisor does? */
static bool
same_view(struct task *t)
{
	static char mine[1024];
	static struct stat my_mnt, my_root;
	char theirs[1024], path[64], path2[64];

	if (t->view != 0 && t->view_gen == view_gen)
		return t->view > 0;
	t->view = -1;
	t->view_gen = view_gen;
	if (mine[0] == '\0' && read_view(0, mine, sizeof(mine)) < 0)
		return false;
	if (read_view(t->tid, theirs, sizeof(theirs)) < 0 ||
	    strcmp(mine, theirs) != 0 || !creds_same_checker(t->tid))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)t->tid);
	snprintf(path2, sizeof(path2), "/proc/%d/root", (int)t->tid);
	if (!same_inode(path, "/proc/self/ns/mnt", &my_mnt) ||
	    !same_inode(path2, "/", &my_root))
		return false;
	t->view = 1;
	return true;
}

static bool
on_procfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) < 0 || sf.f_type == PROC_SUPER_MAGIC;
}

/*
 * Open path from bfd as O_PATH: the fd in *fdp and 0, or an errno.
 * *procfs says whether the file found is on a procfs.
 */
static int
lookup(int bfd, const char *path, bool nofollow, unsigned long long resolve,
    int *fdp, bool *procfs)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_NO_MAGICLINKS | resolve;
	if ((fd = (int)syscall(SYS_openat2, bfd, path, &how, sizeof(how))) < 0)
		return errno;
	/* Within the starting mount, which is not a procfs (the callers
	 * checked): no fstatfs needed. */
	*procfs = !(resolve & RESOLVE_NO_XDEV) && on_procfs(fd);
	*fdp = fd;
	return 0;
}

/*
 * lxrun's own root, opened once: an absolute path is looked up from it
 * only once same_view() proved the thread's root is this one, and lxrun
 * never changes its root, so the open, the procfs test and the close of
 * "/" need not be paid on every stat (docs/perf-stop.md).
 */
static int
root_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		int r = open("/", O_PATH | O_CLOEXEC);

		if (r >= 0 && on_procfs(r)) {
			close(r);
			return -1;
		}
		fd = r;
	}
	return fd;
}

void
path_view_is_ours(struct task *t)
{
	t->view = 1;
	t->view_gen = view_gen;
}

void
path_view_exec(struct task *t, bool loader)
{
	if (!loader || t->view != 1 || t->view_gen != view_gen ||
	    !creds_kept_by_exec(t->tid))
		t->view = 0;
}

int
path_open(struct task *t, int dirfd, const char *path, bool nofollow)
{
	char base[64];
	int bfd, e, fd = -1;
	bool procfs = false, own_root = false;

	if (!same_view(t))
		return -LX_EAGAIN;
	if (path == NULL)	/* the file open at dirfd, as it is */
		return guest_pull_fd(t, dirfd);
	/* getname: an empty path is ENOENT before dirfd is looked at */
	if (path[0] == '\0')
		return -LX_ENOENT;
	if (path[0] != '/' && dirfd == LX_AT_FDCWD)
		snprintf(base, sizeof(base), "/proc/%d/cwd", (int)t->tid);
	else if (path[0] != '/' && dirfd >= 0)
		snprintf(base, sizeof(base), "/proc/%d/fd/%d", (int)t->tid,
		    dirfd);
	else if (path[0] != '/')
		return -LX_EBADF;
	else
		own_root = true;
	if (own_root) {
		if ((bfd = root_fd()) < 0)
			return -LX_EAGAIN;
	} else {
		if ((bfd = open(base, O_PATH | O_CLOEXEC)) < 0)
			return dirfd == LX_AT_FDCWD ? -LX_EAGAIN : -LX_EBADF;
		if (on_procfs(bfd)) {
			close(bfd);
			return -LX_EAGAIN;
		}
	}
	e = lookup(bfd, path, nofollow, RESOLVE_NO_XDEV, &fd, &procfs);
	if (e == EXDEV) {
		e = lookup(bfd, path, nofollow, 0, &fd, &procfs);
		if (e != 0)
			e = EAGAIN;
	}
	if (!own_root)
		close(bfd);
	/* ELOOP may be a magic link we refused: let the guest look. */
	if (e == ELOOP || e == ENOSYS || e == EAGAIN || e == EXDEV ||
	    e == EINVAL || e == ENOMEM || e == EMFILE || e == ENFILE)
		return -LX_EAGAIN;
	if (e != 0)
		return -e;
	if (procfs) {
		close(fd);
		return -LX_EAGAIN;
	}
	return fd;
}

int
path_stat(struct task *t, int dirfd, const char *path, bool nofollow,
    struct stat *st)
{
	int fd = path_open(t, dirfd, path, nofollow), e = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0)
		e = -LX_EAGAIN;
	close(fd);
	return e;
}

/* Calls that change a root or namespace, for every thread that shares it. */
static bool
changes_tree(long nr)
{
	return nr == LX_NR_unshare || nr == LX_NR_setns ||
	    nr == LX_NR_chroot || nr == LX_NR_pivot_root;
}

/* A call that may change what the thread sees: look again next time. */
static long
view_changed(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct task *t = g->priv;

	if (changes_tree(c->nr))
		view_gen++;
	t->view = 0;
	return ret;
}

static struct lx_action
hook_view_change(struct lx_call *c, struct lx_guest *g)
{
	(void)g;
	/* Other threads' lookups meanwhile must look again too. */
	if (changes_tree(c->nr))
		view_gen++;
	return lx_native_then(view_changed);
}

__attribute__((constructor)) static void
pathstat_init(void)
{
	static const long nrs[] = {
		LX_NR_setuid, LX_NR_setgid, LX_NR_setreuid, LX_NR_setregid,
		LX_NR_setresuid, LX_NR_setresgid, LX_NR_setfsuid,
		LX_NR_setfsgid, LX_NR_setgroups, LX_NR_capset, LX_NR_unshare,
		LX_NR_setns, LX_NR_chroot, LX_NR_pivot_root,
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		lx_trap_nr_add(nrs[i], LX_FAM_STAT);
		lx_hook_add(nrs[i], LX_FAM_STAT, hook_view_change);
	}
}
