/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct host_stat on a Linux host: the host's statx(2) says everything a
 * BSD stat says and more (birth time where the file system keeps one,
 * mount ids, direct-I/O alignment, the file's attributes and which of
 * them its file system reports).  Its layout is the Linux ABI's, so the
 * shared definition in lxrun/linux/stat.h serves (Debian 12's headers
 * predate the newest fields).
 *
 * The file flags come from statx's attributes.  On a file system whose
 * statx reports none of them (attributes_mask without APPEND, IMMUTABLE,
 * NODUMP) but which keeps them all the same, FS_IOC_GETFLAGS fills
 * hs_flags, as a BSD st_flags would have them, but hs_flags_kept stays
 * what statx said: Linux's own statx reports nothing there, and neither
 * may a translation of it.  The ioctl runs only on an open regular file
 * or directory (on any other kind the request would go to a driver), and
 * not on FUSE, where it would be a request to a server that may be a
 * stopped guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host/hstat_linux.h"
#include "lxrun/host.h"
#include "lxrun/linux/stat.h"

/* statx mask bits and HS_* validity bits, one for one. */
static const struct { uint32_t hs, stx; } valid_bits[] = {
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

/* statx attributes that are BSD file flags (Linux's are the system's). */
static const struct { uint32_t flag; uint64_t attr; } flag_bits[] = {
	{ HS_SF_IMMUTABLE, LX_STATX_ATTR_IMMUTABLE },
	{ HS_SF_APPEND, LX_STATX_ATTR_APPEND },
	{ HS_UF_NODUMP, LX_STATX_ATTR_NODUMP },
};

/* statx attributes that no BSD flag says. */
static const struct { uint32_t prop; uint64_t attr; } prop_bits[] = {
	{ HS_P_COMPRESSED, LX_STATX_ATTR_COMPRESSED },
	{ HS_P_ENCRYPTED, LX_STATX_ATTR_ENCRYPTED },
	{ HS_P_AUTOMOUNT, LX_STATX_ATTR_AUTOMOUNT },
	{ HS_P_MOUNT_ROOT, LX_STATX_ATTR_MOUNT_ROOT },
	{ HS_P_VERITY, LX_STATX_ATTR_VERITY },
	{ HS_P_DAX, LX_STATX_ATTR_DAX },
	{ HS_P_WRITE_ATOMIC, LX_STATX_ATTR_WRITE_ATOMIC },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint32_t
statx_mask(uint32_t want)
{
	uint32_t m = 0;

	for (size_t i = 0; i < NELEM(valid_bits); i++)
		if (want & valid_bits[i].hs)
			m |= valid_bits[i].stx;
	return m;
}

static int
sync_flags(int sync)
{
	return sync == HS_SYNC_FORCE ? AT_STATX_FORCE_SYNC :
	    sync == HS_SYNC_DONT ? AT_STATX_DONT_SYNC : 0;
}

static struct timespec
ts(const struct lx_statx_timestamp *t)
{
	struct timespec r = { .tv_sec = t->tv_sec, .tv_nsec = t->tv_nsec };

	return r;
}

void
hs_from_statx(const struct lx_statx *sx, struct host_stat *hs)
{
	memset(hs, 0, sizeof(*hs));
	for (size_t i = 0; i < NELEM(valid_bits); i++)
		if (sx->stx_mask & valid_bits[i].stx)
			hs->hs_valid |= valid_bits[i].hs;
	hs->hs_mode = sx->stx_mode;
	hs->hs_nlink = sx->stx_nlink;
	hs->hs_uid = sx->stx_uid;
	hs->hs_gid = sx->stx_gid;
	hs->hs_blksize = sx->stx_blksize;
	hs->hs_ino = sx->stx_ino;
	hs->hs_size = sx->stx_size;
	hs->hs_blocks = sx->stx_blocks;
	hs->hs_dev_major = sx->stx_dev_major;
	hs->hs_dev_minor = sx->stx_dev_minor;
	hs->hs_rdev_major = sx->stx_rdev_major;
	hs->hs_rdev_minor = sx->stx_rdev_minor;
	/* Times are copied whatever the mask says: Linux leaves 0 there. */
	hs->hs_atime = ts(&sx->stx_atime);
	hs->hs_mtime = ts(&sx->stx_mtime);
	hs->hs_ctime = ts(&sx->stx_ctime);
	hs->hs_birthtime = ts(&sx->stx_btime);
	for (size_t i = 0; i < NELEM(flag_bits); i++) {
		if (sx->stx_attributes & flag_bits[i].attr)
			hs->hs_flags |= flag_bits[i].flag;
		if (sx->stx_attributes_mask & flag_bits[i].attr)
			hs->hs_flags_kept |= flag_bits[i].flag;
	}
	for (size_t i = 0; i < NELEM(prop_bits); i++) {
		if (sx->stx_attributes & prop_bits[i].attr)
			hs->hs_props |= prop_bits[i].prop;
		if (sx->stx_attributes_mask & prop_bits[i].attr)
			hs->hs_props_known |= prop_bits[i].prop;
	}
	hs->hs_mnt_id = sx->stx_mnt_id;
	hs->hs_subvol = sx->stx_subvol;
	hs->hs_dio_mem_align = sx->stx_dio_mem_align;
	hs->hs_dio_offset_align = sx->stx_dio_offset_align;
	hs->hs_dio_read_offset_align = sx->stx_dio_read_offset_align;
	hs->hs_write_atomic_min = sx->stx_atomic_write_unit_min;
	hs->hs_write_atomic_max = sx->stx_atomic_write_unit_max;
	hs->hs_write_atomic_max_opt = sx->stx_atomic_write_unit_max_opt;
	hs->hs_write_atomic_segments = sx->stx_atomic_write_segments_max;
}

uint32_t
hs_flags_from_fsflags(unsigned fsflags)
{
	uint32_t f = 0;

	if (fsflags & FS_IMMUTABLE_FL)
		f |= HS_SF_IMMUTABLE;
	if (fsflags & FS_APPEND_FL)
		f |= HS_SF_APPEND;
	if (fsflags & FS_NODUMP_FL)
		f |= HS_UF_NODUMP;
	return f;
}

/* The flags statx did not report, from the inode flags where safe. */
static void
flags_by_ioctl(int fd, struct host_stat *hs)
{
	const uint32_t all = HS_SF_IMMUTABLE | HS_SF_APPEND | HS_UF_NODUMP;
	struct statfs sf;
	int fl, fsflags = 0;

	if ((hs->hs_flags_kept & all) == all ||
	    !(S_ISREG(hs->hs_mode) || S_ISDIR(hs->hs_mode)))
		return;
	if ((fl = fcntl(fd, F_GETFL)) < 0 || (fl & O_PATH))
		return;
	if (fstatfs(fd, &sf) < 0 || sf.f_type == FUSE_SUPER_MAGIC)
		return;
	if (ioctl(fd, FS_IOC_GETFLAGS, &fsflags) < 0)
		return;
	hs->hs_flags |= hs_flags_from_fsflags((unsigned)fsflags) &
	    ~hs->hs_flags_kept;
}

int
host_stat_fd(int fd, uint32_t want, int sync, struct host_stat *hs)
{
	struct lx_statx sx;

	if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH | sync_flags(sync),
	    statx_mask(want), &sx) < 0)
		return -errno;
	hs_from_statx(&sx, hs);
	flags_by_ioctl(fd, hs);
	return 0;
}

/* Kept open: one fd, and the inode's times never move. */
static int
anon_inode_fd(void)
{
	static int anon = -1;

	if (anon < 0 && (anon = (int)syscall(SYS_eventfd2, 0, O_CLOEXEC)) < 0)
		return -errno;
	return anon;
}

int
host_anon_inode_stat(uint32_t want, int sync, struct host_stat *hs)
{
	int fd = anon_inode_fd();

	return fd < 0 ? fd : host_stat_fd(fd, want, sync, hs);
}

int
host_anon_inode_statfs(struct lx_statfs *out)
{
	struct statfs sf;
	int fd = anon_inode_fd();

	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sf) < 0)
		return -errno;
	/* a Linux host's struct statfs is the Linux ABI's */
	memset(out, 0, sizeof(*out));
	memcpy(out, &sf, sizeof(*out) < sizeof(sf) ? sizeof(*out) :
	    sizeof(sf));
	return 0;
}

size_t
host_stat_buf_size(void)
{
	return sizeof(struct lx_statx);
}

void
host_stat_call(struct host_stat_call *hc, int dfd, uint64_t path,
    uint64_t empty, int how, uint32_t want, int sync, uint64_t buf)
{
	int at = sync_flags(sync);

	if (how & HS_STAT_FD) {
		at |= AT_EMPTY_PATH;
		path = empty;
	}
	if (how & HS_STAT_NOFOLLOW)
		at |= AT_SYMLINK_NOFOLLOW;
	if (how & HS_STAT_NOAUTOMOUNT)
		at |= AT_NO_AUTOMOUNT;
	memset(hc, 0, sizeof(*hc));
	hc->nr = SYS_statx;
	hc->arg[0] = (uint64_t)(int64_t)dfd;
	hc->arg[1] = path;
	hc->arg[2] = (uint64_t)(unsigned)at;
	hc->arg[3] = statx_mask(want);
	hc->arg[4] = buf;
}

void
host_stat_from_buf(const void *buf, struct host_stat *hs)
{
	struct lx_statx sx;

	memcpy(&sx, buf, sizeof(sx));
	hs_from_statx(&sx, hs);
}
