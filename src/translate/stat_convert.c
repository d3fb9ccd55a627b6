/* SPDX-License-Identifier: BSD-2-Clause */
/* Host structures to Linux layouts (see stat_convert.h). */
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "lxrun/kernel.h"
#include "translate/stat_convert.h"

uint64_t
lx_encode_dev(uint32_t major, uint32_t minor)
{
	/* include/linux/kdev_t.h new_encode_dev(): 12-bit major. */
	return (uint64_t)((minor & 0xff) | ((major & 0xfff) << 8) |
	    ((minor & ~0xffU) << 12));
}

uint32_t
lx_mode_from_host(uint32_t mode)
{
	uint32_t type;

	switch (mode & S_IFMT) {
	case S_IFSOCK:	type = LX_S_IFSOCK; break;
	case S_IFLNK:	type = LX_S_IFLNK; break;
	case S_IFREG:	type = LX_S_IFREG; break;
	case S_IFBLK:	type = LX_S_IFBLK; break;
	case S_IFDIR:	type = LX_S_IFDIR; break;
	case S_IFCHR:	type = LX_S_IFCHR; break;
	case S_IFIFO:	type = LX_S_IFIFO; break;
	default:	type = 0; break;
	}
	/* setuid, setgid, sticky and rwx bits have the same values. */
	return type | (mode & 07777);
}

void
lx_stat_from_host(struct lx_stat *out, const struct stat *st)
{
	memset(out, 0, sizeof(*out));
	out->st_dev = lx_encode_dev(major(st->st_dev), minor(st->st_dev));
	out->st_ino = st->st_ino;
	out->st_nlink = st->st_nlink;
	out->st_mode = lx_mode_from_host(st->st_mode);
	out->st_uid = st->st_uid;
	out->st_gid = st->st_gid;
	out->st_rdev = lx_encode_dev(major(st->st_rdev), minor(st->st_rdev));
	out->st_size = st->st_size;
	out->st_blksize = st->st_blksize;
	out->st_blocks = st->st_blocks;
	out->st_atime_sec = (uint64_t)st->st_atim.tv_sec;
	out->st_atime_nsec = (uint64_t)st->st_atim.tv_nsec;
	out->st_mtime_sec = (uint64_t)st->st_mtim.tv_sec;
	out->st_mtime_nsec = (uint64_t)st->st_mtim.tv_nsec;
	out->st_ctime_sec = (uint64_t)st->st_ctim.tv_sec;
	out->st_ctime_nsec = (uint64_t)st->st_ctim.tv_nsec;
}

static struct lx_statx_timestamp
lx_statx_time(const struct timespec *ts)
{
	struct lx_statx_timestamp t = {
		.tv_sec = ts->tv_sec,
		.tv_nsec = (uint32_t)ts->tv_nsec,
	};
	return t;
}

void
lx_statx_from_host(struct lx_statx *out, const struct stat *st)
{
	memset(out, 0, sizeof(*out));
	/*
	 * Only what struct stat has.  Linux would add STATX_MNT_ID always
	 * and STATX_BTIME where the filesystem keeps one; the host's
	 * struct stat carries neither, so claiming them would be a lie
	 * (FreeBSD's compat layer claims STATX_ALL).
	 */
	out->stx_mask = LX_STATX_BASIC_STATS;
	out->stx_blksize = (uint32_t)st->st_blksize;
	out->stx_attributes = 0;
	out->stx_attributes_mask = 0;
	out->stx_nlink = (uint32_t)st->st_nlink;
	out->stx_uid = st->st_uid;
	out->stx_gid = st->st_gid;
	out->stx_mode = (uint16_t)lx_mode_from_host(st->st_mode);
	out->stx_ino = st->st_ino;
	out->stx_size = (uint64_t)st->st_size;
	out->stx_blocks = (uint64_t)st->st_blocks;
	out->stx_atime = lx_statx_time(&st->st_atim);
	out->stx_mtime = lx_statx_time(&st->st_mtim);
	out->stx_ctime = lx_statx_time(&st->st_ctim);
	out->stx_rdev_major = major(st->st_rdev);
	out->stx_rdev_minor = minor(st->st_rdev);
	out->stx_dev_major = major(st->st_dev);
	out->stx_dev_minor = minor(st->st_dev);
}

void
lx_siginfo_from_host_waitid(struct lx_siginfo *out, const siginfo_t *si)
{
	/*
	 * Signal and code numbers for SIGCHLD/CLD_* are Linux's on a Linux
	 * host; a BSD host maps them here.
	 */
	out->si_signo = si->si_signo;
	out->si_errno = si->si_errno;
	out->si_code = si->si_code;
	out->u.sigchld.pid = si->si_pid;
	out->u.sigchld.uid = si->si_uid;
	out->u.sigchld.status = si->si_status;
}

static struct lx_rusage_timeval
lx_rusage_time(const struct timeval *tv)
{
	struct lx_rusage_timeval t = { tv->tv_sec, tv->tv_usec };
	return t;
}

void
lx_rusage_from_host(struct lx_rusage *out, const struct rusage *ru)
{
	memset(out, 0, sizeof(*out));
	out->ru_utime = lx_rusage_time(&ru->ru_utime);
	out->ru_stime = lx_rusage_time(&ru->ru_stime);
	out->ru_maxrss = ru->ru_maxrss;
	out->ru_ixrss = ru->ru_ixrss;
	out->ru_idrss = ru->ru_idrss;
	out->ru_isrss = ru->ru_isrss;
	out->ru_minflt = ru->ru_minflt;
	out->ru_majflt = ru->ru_majflt;
	out->ru_nswap = ru->ru_nswap;
	out->ru_inblock = ru->ru_inblock;
	out->ru_oublock = ru->ru_oublock;
	out->ru_msgsnd = ru->ru_msgsnd;
	out->ru_msgrcv = ru->ru_msgrcv;
	out->ru_nsignals = ru->ru_nsignals;
	out->ru_nvcsw = ru->ru_nvcsw;
	out->ru_nivcsw = ru->ru_nivcsw;
}

int
lx_host_at_flags(uint32_t lx_flags)
{
	int f = 0;

	if (lx_flags & LX_AT_SYMLINK_NOFOLLOW)
		f |= AT_SYMLINK_NOFOLLOW;
#ifdef AT_NO_AUTOMOUNT
	if (lx_flags & LX_AT_NO_AUTOMOUNT)
		f |= AT_NO_AUTOMOUNT;
#endif
	return f;
}

/* The layouts are the ABI: catch a typo at compile time. */
_Static_assert(sizeof(struct lx_stat) == 144, "struct stat is 144 bytes");
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx is 256 bytes");
_Static_assert(sizeof(struct lx_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(sizeof(struct lx_rusage) == 144, "rusage is 144 bytes");
_Static_assert(__builtin_offsetof(struct lx_statx, stx_mnt_id) == 144,
    "stx_mnt_id at 144");
_Static_assert(__builtin_offsetof(struct lx_siginfo, u.sigchld.status) == 24,
    "si_status at 24");

/* Whether the path is empty as getname_maybe_null() sees it. */
enum { SP_NAME, SP_EMPTY, SP_FAULT };

static int
stat_path_kind(struct lx_guest *g, uint64_t path, uint32_t flags)
{
	char c0;

	/* Without AT_EMPTY_PATH the host reads the name (EFAULT, ENOENT). */
	if (!(flags & LX_AT_EMPTY_PATH))
		return SP_NAME;
	if (path == 0)
		return SP_EMPTY;
	if (lx_guest_read(g, &c0, path, 1) < 0)
		return SP_FAULT;
	return c0 == '\0' ? SP_EMPTY : SP_NAME;
}

static long
statx_mask_check(uint32_t flags, uint32_t mask)
{
	if (mask & LX_STATX__RESERVED)
		return -LX_EINVAL;
	if ((flags & LX_AT_STATX_SYNC_TYPE) == LX_AT_STATX_SYNC_TYPE)
		return -LX_EINVAL;
	return 0;
}

long
lx_stat_route(struct lx_guest *g, int dfd, uint64_t path, uint32_t flags,
    int is_statx, uint32_t mask)
{
	int kind = stat_path_kind(g, path, flags);
	long r;

	if (is_statx && (r = statx_mask_check(flags, mask)) < 0)
		return r;
	/* Before Linux 6.11: the flags first, and no NULL name. */
	if (!lx_kernel.stat_null_path) {
		if (flags & ~(uint32_t)LX_STATX_VALID_AT_FLAGS)
			return -LX_EINVAL;
		if (path == 0)
			return -LX_EFAULT;
	}
	/* The fd path (vfs_fstat, vfs_statx_fd) ignores unknown flags. */
	if (kind == SP_EMPTY && dfd >= 0)
		return LX_STAT_FD;
	if (flags & ~(uint32_t)LX_STATX_VALID_AT_FLAGS)
		return -LX_EINVAL;
	if (kind == SP_FAULT)
		return -LX_EFAULT;
	if (kind == SP_EMPTY)
		return dfd == LX_AT_FDCWD ? LX_STAT_CWD : -LX_EBADF;
	return LX_STAT_PATH;
}

int
lx_stat_path_direct(struct lx_guest *g, int dfd, uint64_t path,
    uint32_t flags, struct stat *st)
{
	char name[4096];
	long n = lx_guest_string(g, name, path, sizeof(name));

	if (n < 0)
		return (int)n;		/* EFAULT, ENAMETOOLONG: as getname */
	return lx_guest_path_stat(g, dfd, name,
	    (flags & LX_AT_SYMLINK_NOFOLLOW) != 0, st);
}

struct lx_action
lx_stat_rewrite(struct lx_call *c, struct lx_guest *g, long route, int dfd,
    uint64_t path, uint32_t flags, lx_exit_fn *on_exit)
{
	static const char dot[2] = ".";
	uint64_t s = lx_guest_scratch(g, sizeof(struct stat) + sizeof(dot));
	uint64_t name = s + sizeof(struct stat);

	if (s == 0)
		return lx_return(-LX_ENOMEM);
	lx_stash_scratch(c, s);
	switch (route) {
	case LX_STAT_FD:
		return lx_rewrite(LX_NR_fstat, (uint64_t)dfd, s, 0, 0, 0, 0,
		    on_exit);
	case LX_STAT_CWD:
		if (lx_guest_write(g, name, dot, sizeof(dot)) < 0)
			return lx_return(-LX_ENOMEM);
		return lx_rewrite(LX_NR_newfstatat, (uint64_t)(int64_t)dfd,
		    name, s, (uint64_t)lx_host_at_flags(flags), 0, 0, on_exit);
	default:
		/*
		 * The guest's own path pointer: the host reads it in the
		 * guest, so any length (and any fault) behaves as on Linux,
		 * and no copy is limited by the scratch size.
		 */
		return lx_rewrite(LX_NR_newfstatat, (uint64_t)(int64_t)dfd,
		    path, s, (uint64_t)lx_host_at_flags(flags), 0, 0, on_exit);
	}
}

int
lx_stat_result(struct lx_call *c, struct lx_guest *g, struct stat *st)
{
	return lx_guest_read(g, st, lx_stashed_scratch(c), sizeof(*st));
}
