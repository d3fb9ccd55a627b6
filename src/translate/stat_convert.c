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

void
lx_stat_from_hstat(struct lx_stat *out, const struct host_stat *hs)
{
	memset(out, 0, sizeof(*out));
	out->st_dev = lx_encode_dev(hs->hs_dev_major, hs->hs_dev_minor);
	out->st_ino = hs->hs_ino;
	out->st_nlink = hs->hs_nlink;
	out->st_mode = lx_mode_from_host(hs->hs_mode);
	out->st_uid = hs->hs_uid;
	out->st_gid = hs->hs_gid;
	out->st_rdev = lx_encode_dev(hs->hs_rdev_major, hs->hs_rdev_minor);
	out->st_size = (int64_t)hs->hs_size;
	out->st_blksize = hs->hs_blksize;
	out->st_blocks = (int64_t)hs->hs_blocks;
	out->st_atime_sec = (uint64_t)hs->hs_atime.tv_sec;
	out->st_atime_nsec = (uint64_t)hs->hs_atime.tv_nsec;
	out->st_mtime_sec = (uint64_t)hs->hs_mtime.tv_sec;
	out->st_mtime_nsec = (uint64_t)hs->hs_mtime.tv_nsec;
	out->st_ctime_sec = (uint64_t)hs->hs_ctime.tv_sec;
	out->st_ctime_nsec = (uint64_t)hs->hs_ctime.tv_nsec;
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

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* What the host filled (HS_*) and Linux's stx_mask bits. */
static const struct { uint32_t hs, lx; } stx_valid[] = {
	{ HS_TYPE, LX_STATX_TYPE }, { HS_MODE, LX_STATX_MODE },
	{ HS_NLINK, LX_STATX_NLINK }, { HS_UID, LX_STATX_UID },
	{ HS_GID, LX_STATX_GID }, { HS_ATIME, LX_STATX_ATIME },
	{ HS_MTIME, LX_STATX_MTIME }, { HS_CTIME, LX_STATX_CTIME },
	{ HS_INO, LX_STATX_INO }, { HS_SIZE, LX_STATX_SIZE },
	{ HS_BLOCKS, LX_STATX_BLOCKS }, { HS_BIRTHTIME, LX_STATX_BTIME },
	{ HS_MNT_ID, LX_STATX_MNT_ID }, { HS_DIOALIGN, LX_STATX_DIOALIGN },
	{ HS_MNT_ID_UNIQUE, LX_STATX_MNT_ID_UNIQUE },
	{ HS_SUBVOL, LX_STATX_SUBVOL },
	{ HS_WRITE_ATOMIC, LX_STATX_WRITE_ATOMIC },
	{ HS_DIO_READ_ALIGN, LX_STATX_DIO_READ_ALIGN },
};

/*
 * BSD file flags as Linux attributes: Linux has one immutable and one
 * append-only flag (settable with CAP_LINUX_IMMUTABLE, like the SF_
 * ones); a user's UF_ flag locks the file just the same.
 */
static const struct { uint32_t flags; uint64_t lx; } stx_flags[] = {
	{ HS_UF_IMMUTABLE | HS_SF_IMMUTABLE, LX_STATX_ATTR_IMMUTABLE },
	{ HS_UF_APPEND | HS_SF_APPEND, LX_STATX_ATTR_APPEND },
	{ HS_UF_NODUMP, LX_STATX_ATTR_NODUMP },
};

static const struct { uint32_t prop; uint64_t lx; } stx_props[] = {
	{ HS_P_COMPRESSED, LX_STATX_ATTR_COMPRESSED },
	{ HS_P_ENCRYPTED, LX_STATX_ATTR_ENCRYPTED },
	{ HS_P_AUTOMOUNT, LX_STATX_ATTR_AUTOMOUNT },
	{ HS_P_MOUNT_ROOT, LX_STATX_ATTR_MOUNT_ROOT },
	{ HS_P_VERITY, LX_STATX_ATTR_VERITY },
	{ HS_P_DAX, LX_STATX_ATTR_DAX },
	{ HS_P_WRITE_ATOMIC, LX_STATX_ATTR_WRITE_ATOMIC },
};

uint32_t
lx_hs_want(uint32_t lx_mask)
{
	uint32_t want = 0;

	for (size_t i = 0; i < NELEM(stx_valid); i++)
		if (lx_mask & stx_valid[i].lx)
			want |= stx_valid[i].hs;
	return want;
}

int
lx_hs_sync(uint32_t lx_flags)
{
	switch (lx_flags & LX_AT_STATX_SYNC_TYPE) {
	case LX_AT_STATX_FORCE_SYNC:
		return HS_SYNC_FORCE;
	case LX_AT_STATX_DONT_SYNC:
		return HS_SYNC_DONT;
	default:
		return HS_SYNC_AS_STAT;
	}
}

void
lx_statx_from_hstat(struct lx_statx *out, const struct host_stat *hs)
{
	/* A flag counts where the file system reports it, as on Linux. */
	uint32_t flags = hs->hs_flags & hs->hs_flags_kept;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < NELEM(stx_valid); i++)
		if (hs->hs_valid & stx_valid[i].hs)
			out->stx_mask |= stx_valid[i].lx;
	for (size_t i = 0; i < NELEM(stx_flags); i++) {
		if (flags & stx_flags[i].flags)
			out->stx_attributes |= stx_flags[i].lx;
		if (hs->hs_flags_kept & stx_flags[i].flags)
			out->stx_attributes_mask |= stx_flags[i].lx;
	}
	for (size_t i = 0; i < NELEM(stx_props); i++) {
		if (hs->hs_props & stx_props[i].prop)
			out->stx_attributes |= stx_props[i].lx;
		if (hs->hs_props_known & stx_props[i].prop)
			out->stx_attributes_mask |= stx_props[i].lx;
	}
	out->stx_blksize = hs->hs_blksize;
	out->stx_nlink = hs->hs_nlink;
	out->stx_uid = hs->hs_uid;
	out->stx_gid = hs->hs_gid;
	out->stx_mode = (uint16_t)lx_mode_from_host(hs->hs_mode);
	out->stx_ino = hs->hs_ino;
	out->stx_size = hs->hs_size;
	out->stx_blocks = hs->hs_blocks;
	/* What the host left unfilled is 0 there, as Linux leaves it. */
	out->stx_atime = lx_statx_time(&hs->hs_atime);
	out->stx_btime = lx_statx_time(&hs->hs_birthtime);
	out->stx_ctime = lx_statx_time(&hs->hs_ctime);
	out->stx_mtime = lx_statx_time(&hs->hs_mtime);
	out->stx_rdev_major = hs->hs_rdev_major;
	out->stx_rdev_minor = hs->hs_rdev_minor;
	out->stx_dev_major = hs->hs_dev_major;
	out->stx_dev_minor = hs->hs_dev_minor;
	out->stx_mnt_id = hs->hs_mnt_id;
	out->stx_dio_mem_align = hs->hs_dio_mem_align;
	out->stx_dio_offset_align = hs->hs_dio_offset_align;
	out->stx_subvol = hs->hs_subvol;
	out->stx_atomic_write_unit_min = hs->hs_write_atomic_min;
	out->stx_atomic_write_unit_max = hs->hs_write_atomic_max;
	out->stx_atomic_write_segments_max = hs->hs_write_atomic_segments;
	out->stx_dio_read_offset_align = hs->hs_dio_read_offset_align;
	out->stx_atomic_write_unit_max_opt = hs->hs_write_atomic_max_opt;
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
