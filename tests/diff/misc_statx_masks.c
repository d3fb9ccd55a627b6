/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx(2) for every request mask from 0 to STATX_ALL, and for each AT_
 * flag (NOFOLLOW, NO_AUTOMOUNT, EMPTY_PATH, FORCE_SYNC, DONT_SYNC) over the
 * optional bits too, on files of several file systems (ext4 or whatever
 * holds the test's cwd, tmpfs, devtmpfs, procfs), by path and by fd.
 * Per object and flag it prints the distinct stx_mask values returned
 * (with how many requests gave each) and a hash of everything that does
 * not change from run to run: result, errno, stx_mask, attributes and
 * their mask, mode, ids, blksize, devices, mount id, DIOALIGN and the
 * other optional fields, which timestamps are zero, and for the test's
 * own files nlink, size and blocks (shared directories change under
 * other programs).
 * The values that do change from run to run (inode numbers, times) are
 * checked against the native stat(2) family instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* struct statx as Linux 6.18 has it (Debian 12's headers are older). */
struct stx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct stx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, pad0;
	uint64_t ino, size, blocks, attributes_mask;
	struct stx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t subvol;
	uint32_t aw_min, aw_max, aw_segs, dio_read_align, aw_max_opt, pad2;
	uint64_t spare[8];
};

#define STATX_ALL_	0xfffU
#define M_ATIME		0x20U
#define M_MTIME		0x40U
#define M_CTIME		0x80U
#define M_INO		0x100U
#define SYNC_FORCE	0x2000
#define SYNC_DONT	0x4000

/* The optional bits beyond STATX_ALL, one at a time and together. */
static const unsigned extra_masks[] = {
	0x1000, 0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000,
	0x40000000, 0x3ffff, 0x7fffffff, STATX_ALL_ | 0x1000,
};

struct obj {
	const char *name;
	int dfd;		/* AT_FDCWD, or an fd with path "" */
	const char *path;
	int own;		/* ours: times must match stat(2) too */
	int stat_nofollow;	/* the native stat to compare with */
};

static uint64_t hash;
static int mismatches;

static void
mix(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		hash ^= b[i];
		hash *= 1099511628211ULL;
	}
}

/* The native stat(2) family's view of the object, for ino and times. */
static int
native_stat(const struct obj *o, int nofollow, struct stat *st)
{
	if (o->dfd != AT_FDCWD)
		return (int)syscall(SYS_fstat, o->dfd, st);
	return (int)syscall(nofollow ? SYS_lstat : SYS_stat, o->path, st);
}

static int
same_time(const struct stx_ts *t, const struct timespec *ts)
{
	return t->tv_sec == ts->tv_sec && t->tv_nsec == ts->tv_nsec;
}

/* One call: fold it into the hash, count its mask, check what varies. */
static void
one(const struct obj *o, int flags, unsigned mask, unsigned *seen,
    unsigned *count, int *nseen)
{
	struct stx sx;
	struct stat st;
	long r;
	int e, z, i;

	memset(&sx, 0xa5, sizeof(sx));
	r = syscall(SYS_statx, o->dfd, o->path, flags, mask, &sx);
	e = r < 0 ? errno : 0;
	mix(&r, sizeof(r));
	mix(&e, sizeof(e));
	if (r < 0)
		return;
	mix(&sx.mask, 8);			/* mask, blksize */
	mix(&sx.attributes, 8);
	mix(&sx.uid, 12);			/* uid gid mode pad */
	mix(&sx.attributes_mask, 8);
	if (o->own) {
		/* others may add entries to /, /dev/shm meanwhile */
		mix(&sx.nlink, 4);
		mix(&sx.size, 16);		/* size blocks */
	}
	mix(&sx.rdev_major, 16);
	mix(&sx.mnt_id, 8);
	mix(&sx.dio_mem_align, 8 + 8 + 24);	/* dio, subvol, atomic.. */
	mix(&sx.spare, sizeof(sx.spare));
	z = (sx.atime.tv_sec == 0) | (sx.btime.tv_sec == 0) << 1 |
	    (sx.ctime.tv_sec == 0) << 2 | (sx.mtime.tv_sec == 0) << 3 |
	    (sx.ino == 0) << 4;
	mix(&z, sizeof(z));
	for (i = 0; i < *nseen && seen[i] != sx.mask; i++)
		;
	if (i == *nseen && *nseen < 32)
		seen[(*nseen)++] = sx.mask;
	count[i]++;
	if (native_stat(o, o->stat_nofollow || (flags & AT_SYMLINK_NOFOLLOW),
	    &st) < 0)
		return;
	if (sx.ino != st.st_ino || makedev(sx.dev_major, sx.dev_minor) !=
	    st.st_dev) {
		mismatches++;
		return;
	}
	if (!o->own)
		return;
	/* a time Linux reports equals stat's; one it does not is 0 */
	if ((sx.mask & M_MTIME ? !same_time(&sx.mtime, &st.st_mtim) :
	    sx.mtime.tv_sec != 0) ||
	    (sx.mask & M_CTIME ? !same_time(&sx.ctime, &st.st_ctim) :
	    sx.ctime.tv_sec != 0) ||
	    (sx.mask & M_ATIME ? !same_time(&sx.atime, &st.st_atim) :
	    sx.atime.tv_sec != 0))
		mismatches++;
}

static void
sweep(const struct obj *o, const char *flagname, int flags, int all_masks)
{
	unsigned seen[32], count[32] = { 0 };
	int nseen = 0;

	hash = 1469598103934665603ULL;
	mismatches = 0;
	if (all_masks)
		for (unsigned m = 0; m <= STATX_ALL_; m++)
			one(o, flags, m, seen, count, &nseen);
	else
		for (unsigned m = 0; m <= STATX_ALL_; m = m ? m << 1 : 1)
			one(o, flags, m, seen, count, &nseen);
	for (size_t i = 0; i < sizeof(extra_masks) / sizeof(*extra_masks);
	    i++)
		one(o, flags, extra_masks[i], seen, count, &nseen);
	printf("%s, %s:", o->name, flagname);
	for (int i = 0; i < nseen; i++)
		printf(" %#x*%u", seen[i], count[i]);
	printf(" hash %016llx%s\n", (unsigned long long)hash,
	    mismatches ? " (ino/dev/times differ from stat)" : "");
}

int
main(void)
{
	static const struct { const char *name; int flags; } path_flags[] = {
		{ "0", 0 },
		{ "AT_SYMLINK_NOFOLLOW", AT_SYMLINK_NOFOLLOW },
		{ "AT_NO_AUTOMOUNT", AT_NO_AUTOMOUNT },
		{ "AT_EMPTY_PATH (a name)", AT_EMPTY_PATH },
		{ "AT_STATX_FORCE_SYNC", SYNC_FORCE },
		{ "AT_STATX_DONT_SYNC", SYNC_DONT },
		{ "NOFOLLOW|NO_AUTOMOUNT|DONT_SYNC",
		    AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | SYNC_DONT },
	};
	static const struct { const char *name; int flags; } fd_flags[] = {
		{ "AT_EMPTY_PATH", AT_EMPTY_PATH },
		{ "AT_EMPTY_PATH|FORCE_SYNC", AT_EMPTY_PATH | SYNC_FORCE },
		{ "AT_EMPTY_PATH|DONT_SYNC", AT_EMPTY_PATH | SYNC_DONT },
		{ "AT_EMPTY_PATH|NOFOLLOW|NO_AUTOMOUNT", AT_EMPTY_PATH |
		    AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT },
	};
	char shm[64];
	int p[2], fd;

	fd = open("file", O_RDWR | O_CREAT, 0640);
	if (fd < 0 || write(fd, "hello", 5) != 5 || pipe(p) < 0)
		return 1;
	mkdir("dir", 0750);
	symlink("file", "link");
	snprintf(shm, sizeof(shm), "/dev/shm/lxrun-statx-masks-%d",
	    (int)getpid());
	close(open(shm, O_RDWR | O_CREAT, 0600));

	{
		const struct obj paths[] = {
			{ "file", AT_FDCWD, "file", 1, 0 },
			{ "dir", AT_FDCWD, "dir", 1, 0 },
			{ "link", AT_FDCWD, "link", 1, 0 },
			{ "cwd", AT_FDCWD, ".", 0, 0 },
			{ "tmpfs file", AT_FDCWD, shm, 1, 0 },
			{ "/dev/shm", AT_FDCWD, "/dev/shm", 0, 0 },
			{ "/", AT_FDCWD, "/", 0, 0 },
			{ "/dev/null", AT_FDCWD, "/dev/null", 0, 0 },
			{ "/proc/self/status", AT_FDCWD, "/proc/self/status",
			    0, 0 },
		};
		const struct obj fds[] = {
			{ "fd of file", fd, "", 1, 0 },
			{ "O_PATH fd of link", open("link", O_PATH |
			    O_NOFOLLOW), "", 1, 1 },
			{ "O_PATH fd of dir", open("dir", O_PATH), "", 1, 0 },
			{ "fd of tmpfs file", open(shm, O_RDONLY), "", 1, 0 },
			{ "pipe", p[0], "", 0, 0 },
			{ "fd of /proc/self/status", open("/proc/self/status",
			    O_RDONLY), "", 0, 0 },
			{ "fd of file, NULL path", fd, NULL, 1, 0 },
		};

		for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
			for (size_t f = 0; f < sizeof(path_flags) /
			    sizeof(*path_flags); f++)
				sweep(&paths[i], path_flags[f].name,
				    path_flags[f].flags,
				    f == 0 && (i == 0 || i == 4 || i == 5));
		for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
			for (size_t f = 0; f < sizeof(fd_flags) /
			    sizeof(*fd_flags); f++)
				sweep(&fds[i], fd_flags[f].name,
				    fd_flags[f].flags, f == 0 && i == 0);
	}
	unlink(shm);
	return 0;
}
