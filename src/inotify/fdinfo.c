/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /proc/PID/fdinfo/N of an inotify fd, as Linux's fs/notify/fdinfo.c
 * writes it:
 *
 *	pos:	0
 *	flags:	02004000
 *	mnt_id:	15
 *	ino:	1057
 *	inotify wd:2 ino:2dd sdev:fe00000 mask:fff ignored_mask:0 ...
 *
 * one inotify line per watch, the newest first, with the mask as the
 * kernel keeps it (the events, IN_EXCL_UNLINK, IN_ONESHOT), the device
 * in the kernel's encoding and the file handle.  The guest's fd is a
 * socket, whose fdinfo says other things: an open (trapped while an
 * instance exists) that the kernel let the guest make, of the fdinfo of
 * an fd that is one of our instances, gets in its place a file with
 * Linux's text (a memfd made, filled and reopened read-only by the guest
 * itself, put at the fd number the open returned).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "inotify/traced.h"

#define TEXT_MAX	65536

bool
ino_fdinfo_path(const char *path)
{
	return strstr(path, "fdinfo") != NULL;
}

/* A dirfd that may be /proc/PID/fdinfo (openat of "N" in it). */
bool
ino_fdinfo_dirfd(struct lx_guest *g, int dirfd)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", g->tid, dirfd);
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return false;
	target[n] = '\0';
	return strstr(target, "fdinfo") != NULL;
}

/*
 * The mount id and inode every inotify file has: an inotify fd the guest
 * makes once (the host's own, never used) shows them in its fdinfo.
 */
static void
anon_ids(struct lx_guest *g, int *mnt_id, unsigned long *ino)
{
	static int m = -1;
	static unsigned long i;
	char path[64], line[128];
	FILE *f;
	long fd;

	if (m < 0 && (fd = lx_guest_syscall(g, LX_NR_inotify_init1,
	    LX_IN_CLOEXEC, 0, 0, 0, 0, 0)) >= 0) {
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

/* The stand-in's open flags, as the inotify file's would be. */
static unsigned
stand_in_flags(int pid, int fd)
{
	char path[64], line[128];
	unsigned fl = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "flags:", 6) == 0)
			fl = (unsigned)strtoul(line + 6, NULL, 8);
	fclose(f);
	return fl & ~(unsigned)LX_O_ACCMODE;
}

static int
by_serial_desc(const void *a, const void *b)
{
	const struct ino_watch *x = *(struct ino_watch *const *)a;
	const struct ino_watch *y = *(struct ino_watch *const *)b;

	return x->serial < y->serial ? 1 : x->serial > y->serial ? -1 : 0;
}

static size_t
text_of(struct lx_guest *g, struct ino_inst *inst, int pid, int fd, char *t,
    size_t cap)
{
	struct ino_watch *w, **v;
	unsigned long aino;
	size_t n = 0, k = 0;
	int mnt;

	anon_ids(g, &mnt, &aino);
	n += (size_t)snprintf(t, cap, "pos:\t0\nflags:\t0%o\nmnt_id:\t%d\n"
	    "ino:\t%lu\n", stand_in_flags(pid, fd), mnt, aino);
	for (w = inst->watches; w != NULL; w = w->next)
		k++;
	if (k == 0 || (v = malloc(k * sizeof(*v))) == NULL)
		return n;
	k = 0;
	for (w = inst->watches; w != NULL; w = w->next)
		v[k++] = w;
	qsort(v, k, sizeof(*v), by_serial_desc);
	for (size_t i = 0; i < k && n < cap - 512; i++) {
		w = v[i];
		n += (size_t)snprintf(t + n, cap - n, "inotify wd:%x ino:%lx "
		    "sdev:%x mask:%x ignored_mask:0 ", (unsigned)w->wd,
		    (unsigned long)w->ino,
		    (unsigned)(major(w->dev) << 20 | minor(w->dev)),
		    w->mask & (LX_IN_ALL_EVENTS | LX_IN_EXCL_UNLINK |
		    LX_IN_ONESHOT));
		if (w->fh_len >= 0) {
			n += (size_t)snprintf(t + n, cap - n, "fhandle-bytes:%x "
			    "fhandle-type:%x f_handle:", (unsigned)w->fh_len,
			    (unsigned)w->fh_type);
			for (int j = 0; j < w->fh_len; j++)
				n += (size_t)snprintf(t + n, cap - n, "%02x",
				    w->fh[j]);
		}
		t[n++] = '\n';
	}
	free(v);
	return n;
}

/* The instance whose fd is fd of process pid, from the link's target. */
static struct ino_inst *
target_inst(const char *target, int *pid, int *fd)
{
	char path[64];
	struct lx_object *o;
	struct stat st;
	int tid, n = 0;

	if (sscanf(target, "/proc/%d/fdinfo/%d%n", pid, fd, &n) != 2 ||
	    target[n] != '\0') {
		if (sscanf(target, "/proc/%d/task/%d/fdinfo/%d%n", pid, &tid,
		    fd, &n) != 3 || target[n] != '\0')
			return NULL;
		*pid = tid;
	}
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", *pid, *fd);
	if (stat(path, &st) < 0 ||
	    (o = lx_object_by_ino((uint64_t)st.st_ino)) == NULL ||
	    o->ops != &ino_ops || o->dev != (uint64_t)st.st_dev)
		return NULL;
	return (struct ino_inst *)(void *)o;
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

long
ino_fdinfo_exit(struct lx_guest *g, long fd, uint64_t flags)
{
	char link[64], target[256], path[64];
	struct ino_inst *inst;
	long mfd, ro = -1;
	int pid, ifd;
	uint64_t buf;
	ssize_t n;
	size_t len;
	char *t;

	snprintf(link, sizeof(link), "/proc/%d/fd/%ld", g->tid, fd);
	if ((n = readlink(link, target, sizeof(target) - 1)) <= 0)
		return fd;
	target[n] = '\0';
	if ((inst = target_inst(target, &pid, &ifd)) == NULL)
		return fd;
	ino_sync();
	if ((t = malloc(TEXT_MAX)) == NULL)
		return fd;
	len = text_of(g, inst, pid, ifd, t, TEXT_MAX);
	if ((buf = lx_guest_scratch(g, 64)) == 0 ||
	    lx_guest_write(g, buf, "fdinfo", 7) < 0) {
		free(t);
		return fd;
	}
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
	free(t);
	return fd;
}
