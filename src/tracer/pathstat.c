/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A path stat done by the supervisor on the guest's behalf, in one stop
 * instead of a rewrite's two, but only where its answer is certainly the
 * one the guest's own fstatat would get:
 *  - the thread has the supervisor's credentials (uids, gids, groups,
 *    capabilities), mount namespace and root (cached per thread; the
 *    calls that change them are trapped and drop the cache, as exec does);
 *  - the lookup starts from the guest's own cwd or dirfd (their /proc
 *    links, opened by the supervisor) and follows no magic link on the way
 *    (openat2 RESOLVE_NO_MAGICLINKS: /dev/fd/N or /proc/self/cwd would be
 *    the supervisor's);
 *  - the file found is not on procfs (/proc/self would be the supervisor).
 * Otherwise -LX_EAGAIN, and the handler runs the host's fstatat in the
 * guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "tracer.h"

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

static bool
same_inode(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	    x.st_ino == y.st_ino;
}

/* Does the thread see the file system as the supervisor does? */
static bool
same_view(struct task *t)
{
	static char mine[1024];
	char theirs[1024], path[64], path2[64];

	if (t->view != 0)
		return t->view > 0;
	t->view = -1;
	if (mine[0] == '\0' && read_view(0, mine, sizeof(mine)) < 0)
		return false;
	if (read_view(t->tid, theirs, sizeof(theirs)) < 0 ||
	    strcmp(mine, theirs) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)t->tid);
	snprintf(path2, sizeof(path2), "/proc/%d/root", (int)t->tid);
	if (!same_inode(path, "/proc/self/ns/mnt") || !same_inode(path2, "/"))
		return false;
	t->view = 1;
	return true;
}

static dev_t
procfs_dev(void)
{
	static dev_t dev;
	struct stat st;

	if (dev == 0 && stat("/proc/self", &st) == 0)
		dev = st.st_dev;
	return dev;
}

int
path_stat(struct task *t, int dirfd, const char *path, bool nofollow,
    struct stat *st)
{
	struct open_how how;
	char base[64];
	int bfd = AT_FDCWD, fd, e = 0;

	if (!same_view(t))
		return -LX_EAGAIN;
	if (path[0] != '/') {
		if (dirfd == LX_AT_FDCWD)
			snprintf(base, sizeof(base), "/proc/%d/cwd",
			    (int)t->tid);
		else if (dirfd >= 0)
			snprintf(base, sizeof(base), "/proc/%d/fd/%d",
			    (int)t->tid, dirfd);
		else
			return -LX_EBADF;
		if ((bfd = open(base, O_PATH | O_CLOEXEC)) < 0)
			return dirfd == LX_AT_FDCWD ? -LX_EAGAIN : -LX_EBADF;
	}
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
	how.resolve = RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, bfd, path, &how, sizeof(how));
	if (fd < 0)
		e = errno;
	else if (fstat(fd, st) < 0)
		e = EAGAIN;
	if (fd >= 0)
		close(fd);
	if (bfd >= 0)
		close(bfd);
	/* ELOOP may be a magic link we refused: let the guest look. */
	if (e == ELOOP || e == ENOSYS || e == EAGAIN || e == EXDEV ||
	    e == EINVAL || e == ENOMEM || e == EMFILE || e == ENFILE)
		return -LX_EAGAIN;
	if (e != 0)
		return -e;
	return st->st_dev == procfs_dev() ? -LX_EAGAIN : 0;
}

/* A call that may change what the thread sees: look again next time. */
static long
view_changed(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct task *t = g->priv;

	(void)c;
	if (ret >= 0)
		t->view = 0;
	return ret;
}

static struct lx_action
hook_view_change(struct lx_call *c, struct lx_guest *g)
{
	(void)c;
	(void)g;
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
