/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /proc/PID/fdinfo/N of an emulated object's fd, as Linux writes it:
 *
 *	pos:	0
 *	flags:	02000002
 *	mnt_id:	15
 *	ino:	1057
 *	tfd:        5 events:       19 data:                5  pos:0 ...
 *
 * the four lines every file has (an anonymous inode's mount id and inode
 * number), then the object's own (an inotify watch's or an epoll
 * registration's).  The guest's fd is a pipe or a socket, whose fdinfo
 * says other things, and procfs writes it: only the open can be
 * changed.  So an open of a path that may name an fdinfo file stops
 * (opens stop in a process that made an object: inotify's rules, and
 * fdinfo_open_rules for epoll), runs, and at its exit, when the opened
 * file says it describes one of our objects' fds, the fd number it
 * returned gets in its place a file with Linux's text: a memfd made and
 * filled by the guest itself, reopened read-only as procfs's file is.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

#define TEXT_MAX	(256 * 1024)
#define PATH_MAX_FDINFO	4096

static const struct lx_fd_trap open_traps[] = {
	{ LX_NR_open, -1 }, { LX_NR_openat, -1 }, { LX_NR_openat2, -1 },
};

static struct lx_procset open_rules = {
	.name = "fdinfo-open",
	.traps = open_traps,
	.ntraps = (int)(sizeof(open_traps) / sizeof(open_traps[0])),
};

void
lx_object_fdinfo_need(struct lx_guest *g)
{
	lx_procset_add(g, &open_rules);
}

/* A dirfd that may be /proc/PID/fdinfo (openat of "N" in it). */
static bool
fdinfo_dirfd(struct lx_guest *g, int dirfd)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", g->tid, dirfd);
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return false;
	target[n] = '\0';
	return strstr(target, "fdinfo") != NULL;
}

/* The open flags, dirfd and path address of an open-type call. */
static bool
open_args(struct lx_call *c, struct lx_guest *g, uint64_t *flags, int *dirfd,
    uint64_t *path)
{
	uint64_t how[3];

	switch (c->nr) {
	case LX_NR_open:
		*flags = c->arg[1];
		*dirfd = LX_AT_FDCWD;
		*path = c->arg[0];
		return true;
	case LX_NR_openat:
		*flags = c->arg[2];
		break;
	case LX_NR_openat2:
		if (c->arg[3] < sizeof(how) ||
		    lx_guest_read(g, how, c->arg[2], sizeof(how)) < 0)
			return false;
		*flags = how[0];
		break;
	default:
		return false;
	}
	*dirfd = (int)c->arg[0];
	*path = c->arg[1];
	return true;
}

/*
 * The mount id and inode every anonymous-inode file has: a file of the
 * kind the guest makes once (an eventfd of its own, closed at once)
 * shows them in its fdinfo, as the guest's own /proc sees them.
 */
static void
anon_ids(struct lx_guest *g, int *mnt_id, unsigned long *ino)
{
	static int m = -1;
	static unsigned long i;
	char path[64], line[128];
	FILE *f;
	long fd;

	if (m < 0 && (fd = lx_guest_syscall(g, LX_NR_eventfd2, 0,
	    LX_O_CLOEXEC, 0, 0, 0, 0)) >= 0) {
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%ld", g->tid, fd);
		if ((f = fopen(path, "re")) != NULL) {
			while (fgets(line, sizeof(line), f) != NULL) {
				if (strncmp(line, "mnt_id:", 7) == 0)
					m = atoi(line + 7);
				else if (strncmp(line, "ino:", 4) == 0)
					i = strtoul(line + 4, NULL, 10);
			}
			fclose(f);
		}
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	}
	*mnt_id = m < 0 ? 0 : m;
	*ino = i;
}

/*
 * What the kernel says, in the procfs file the guest opened, of the fd
 * it describes: its inode number and open flags.  Read through a copy of
 * the guest's own new fd, so that the answer is about the file the guest
 * named, whatever pid namespace or procfs mount it named it through (a
 * pid in the path may be another process in lxrun's view).  Only a file
 * on procfs is believed: any file of the guest's own can hold such lines
 * (tests/diff/epoll_fdinfo_fake.c).  0 or -1.
 */
static int
described_file(struct lx_guest *g, long fd, uint64_t *ino, unsigned *flags,
    uint64_t *mnt_id)
{
	bool has_ino = false, has_flags = false, has_mnt = false;
	int copy = lx_guest_pull_fd(g, (int)fd);
	struct statfs sfs;
	char buf[512];
	ssize_t n = -1;

	if (copy < 0)
		return -1;
	if (fstatfs(copy, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
		n = pread(copy, buf, sizeof(buf) - 1, 0);
	close(copy);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *l = buf; l != NULL && *l != '\0';
	    l = strchr(l, '\n') != NULL ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, "flags:", 6) == 0) {
			*flags = (unsigned)strtoul(l + 6, NULL, 8);
			has_flags = true;
		} else if (strncmp(l, "ino:", 4) == 0) {
			*ino = strtoull(l + 4, NULL, 10);
			has_ino = true;
		} else if (strncmp(l, "mnt_id:", 7) == 0) {
			*mnt_id = strtoull(l + 7, NULL, 10);
			has_mnt = true;
		}
	}
	return has_ino && has_flags && has_mnt ? 0 : -1;
}

/*
 * Is the object's stand-in on that mount?  An inode number alone can be
 * another file system's too (a tmpfs file's and a pipe's); the stand-in
 * and lxrun's end of it share a mount (pipefs, sockfs).
 */
static bool
on_mount(const struct lx_object *o, uint64_t mnt_id)
{
	struct statx sx;

	return o->sup_fd >= 0 &&
	    statx(o->sup_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) == 0 &&
	    (sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id == mnt_id;
}

/* Write text into the guest's fd mfd, a chunk at a time. */
static int
fill(struct lx_guest *g, long mfd, const char *t, size_t n)
{
	size_t chunk = LX_SCRATCH_MAX - 64;
	uint64_t buf = lx_guest_scratch(g, chunk);

	if (buf == 0)
		return -1;
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;

		if (lx_guest_write(g, buf, t + off, k) < 0 ||
		    lx_guest_syscall(g, LX_NR_write, (uint64_t)mfd, buf, k, 0,
		    0, 0) != (long)k)
			return -1;
	}
	return 0;
}

/* Put a read-only file holding text at the guest's fd number fd. */
static void
substitute(struct lx_guest *g, long fd, uint64_t flags, const char *t,
    size_t len)
{
	char path[64];
	long mfd, ro = -1;
	uint64_t buf;

	if ((buf = lx_guest_scratch(g, 64)) == 0 ||
	    lx_guest_write(g, buf, "fdinfo", 7) < 0)
		return;
	mfd = lx_guest_syscall(g, LX_NR_memfd_create, buf, LX_MFD_CLOEXEC, 0,
	    0, 0, 0);
	if (mfd >= 0 && fill(g, mfd, t, len) == 0) {
		/* Read-only, as procfs's file: a reopen of it. */
		snprintf(path, sizeof(path), "/proc/thread-self/fd/%ld", mfd);
		if ((buf = lx_guest_scratch(g, sizeof(path))) != 0 &&
		    lx_guest_write(g, buf, path, strlen(path) + 1) == 0)
			ro = lx_guest_syscall(g, LX_NR_openat,
			    (uint64_t)(int64_t)LX_AT_FDCWD, buf,
			    LX_O_RDONLY | LX_O_CLOEXEC, 0, 0, 0);
		if (ro >= 0 && lx_guest_syscall(g, LX_NR_dup3, (uint64_t)ro,
		    (uint64_t)fd, flags & LX_O_CLOEXEC, 0, 0, 0) < 0)
			ro = -1;
	}
	if (ro >= 0)
		lx_guest_syscall(g, LX_NR_close, (uint64_t)ro, 0, 0, 0, 0, 0);
	if (mfd >= 0)
		lx_guest_syscall(g, LX_NR_close, (uint64_t)mfd, 0, 0, 0, 0, 0);
}

static long
fdinfo_open_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct lx_object *o;
	unsigned long aino;
	uint64_t flags, path, ino, mnt_id;
	unsigned stand_in_flags;
	int dirfd, mnt;
	size_t len;
	char *t;

	if (ret < 0 || !open_args(c, g, &flags, &dirfd, &path) ||
	    described_file(g, ret, &ino, &stand_in_flags, &mnt_id) < 0 ||
	    (o = lx_object_by_ino(ino)) == NULL || o->ops->fdinfo == NULL ||
	    !on_mount(o, mnt_id) ||
	    (t = malloc(TEXT_MAX)) == NULL)
		return ret;
	anon_ids(g, &mnt, &aino);
	/* the stand-in's flags but its access mode (O_CLOEXEC...) */
	len = (size_t)snprintf(t, TEXT_MAX, "pos:\t0\nflags:\t0%o\nmnt_id:\t%d\n"
	    "ino:\t%lu\n", (stand_in_flags & ~(unsigned)LX_O_ACCMODE) |
	    (unsigned)o->ops->fdinfo_accmode, mnt, aino);
	len += o->ops->fdinfo(o, t + len, TEXT_MAX - len);
	substitute(g, ret, flags, t, len);
	free(t);
	return ret;
}

/*
 * An open that may name an fdinfo file: by its text, or relative to a
 * dirfd that is an fdinfo directory.  Everything else runs on at once.
 */
static struct lx_action
fdinfo_open(struct lx_call *c, struct lx_guest *g)
{
	char path[PATH_MAX_FDINFO];
	uint64_t flags, addr;
	int dirfd;

	if (lx_object_count() == 0 || !open_args(c, g, &flags, &dirfd, &addr) ||
	    (flags & LX_O_PATH) || addr == 0 ||
	    lx_guest_string(g, path, addr, sizeof(path)) < 0)
		return lx_native();
	if (strstr(path, "fdinfo") == NULL && (dirfd == LX_AT_FDCWD ||
	    path[0] == '/' || !fdinfo_dirfd(g, dirfd)))
		return lx_native();
	/* A rewrite of itself: its exit may inject. */
	return lx_same_call_then(c, fdinfo_open_exit);
}

__attribute__((constructor)) static void
object_fdinfo_init(void)
{
	lx_procset_register(&open_rules);
	for (size_t i = 0; i < sizeof(open_traps) / sizeof(open_traps[0]); i++)
		lx_hook_add(open_traps[i].nr, LX_FAM_NONE, fdinfo_open);
}
