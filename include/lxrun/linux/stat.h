/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux x86-64 ABI: struct stat (newfstatat, fstat, stat, lstat) and
 * struct statx with its mask and attribute bits.
 */
#ifndef LXRUN_LINUX_STAT_H
#define LXRUN_LINUX_STAT_H

#include <stdint.h>

#include "lxrun/linux/fcntl.h"

/* arch/x86/include/uapi/asm/stat.h, x86-64: 144 bytes. */
/* struct statfs (x86-64: 120 bytes). */
struct lx_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};

struct lx_stat {
	uint64_t st_dev;		/* new_encode_dev(): 32-bit encoding */
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;		/* 512-byte units */
	uint64_t st_atime_sec;
	uint64_t st_atime_nsec;
	uint64_t st_mtime_sec;
	uint64_t st_mtime_nsec;
	uint64_t st_ctime_sec;
	uint64_t st_ctime_nsec;
	int64_t __unused[3];
};

struct lx_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

/* include/uapi/linux/stat.h: 256 bytes. */
struct lx_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t __spare0[1];
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct lx_statx_timestamp stx_atime;
	struct lx_statx_timestamp stx_btime;
	struct lx_statx_timestamp stx_ctime;
	struct lx_statx_timestamp stx_mtime;
	uint32_t stx_rdev_major;
	uint32_t stx_rdev_minor;
	uint32_t stx_dev_major;
	uint32_t stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align;
	uint32_t stx_dio_offset_align;
	uint64_t stx_subvol;
	uint32_t stx_atomic_write_unit_min;
	uint32_t stx_atomic_write_unit_max;
	uint32_t stx_atomic_write_segments_max;
	uint32_t stx_dio_read_offset_align;
	uint32_t stx_atomic_write_unit_max_opt;
	uint32_t __spare2[1];
	uint64_t __spare3[8];
};

/* stx_mask and the statx() mask argument. */
#define LX_STATX_TYPE			0x00000001U
#define LX_STATX_MODE			0x00000002U
#define LX_STATX_NLINK			0x00000004U
#define LX_STATX_UID			0x00000008U
#define LX_STATX_GID			0x00000010U
#define LX_STATX_ATIME			0x00000020U
#define LX_STATX_MTIME			0x00000040U
#define LX_STATX_CTIME			0x00000080U
#define LX_STATX_INO			0x00000100U
#define LX_STATX_SIZE			0x00000200U
#define LX_STATX_BLOCKS			0x00000400U
#define LX_STATX_BASIC_STATS		0x000007ffU
#define LX_STATX_BTIME			0x00000800U
#define LX_STATX_ALL			0x00000fffU
#define LX_STATX_MNT_ID			0x00001000U
#define LX_STATX_DIOALIGN		0x00002000U
#define LX_STATX_MNT_ID_UNIQUE		0x00004000U
#define LX_STATX_SUBVOL			0x00008000U
#define LX_STATX_WRITE_ATOMIC		0x00010000U
#define LX_STATX_DIO_READ_ALIGN		0x00020000U
#define LX_STATX_CHANGE_COOKIE		0x40000000U	/* kernel-internal */
#define LX_STATX__RESERVED		0x80000000U

/* stx_attributes and stx_attributes_mask. */
#define LX_STATX_ATTR_COMPRESSED	0x00000004ULL
#define LX_STATX_ATTR_IMMUTABLE		0x00000010ULL
#define LX_STATX_ATTR_APPEND		0x00000020ULL
#define LX_STATX_ATTR_NODUMP		0x00000040ULL
#define LX_STATX_ATTR_ENCRYPTED		0x00000800ULL
#define LX_STATX_ATTR_AUTOMOUNT		0x00001000ULL
#define LX_STATX_ATTR_MOUNT_ROOT	0x00002000ULL
#define LX_STATX_ATTR_VERITY		0x00100000ULL
#define LX_STATX_ATTR_DAX		0x00200000ULL
#define LX_STATX_ATTR_WRITE_ATOMIC	0x00400000ULL

/* The *at() flags vfs_statx() accepts; anything else is EINVAL. */
#define LX_STATX_VALID_AT_FLAGS \
	(LX_AT_SYMLINK_NOFOLLOW | LX_AT_NO_AUTOMOUNT | LX_AT_EMPTY_PATH | \
	 LX_AT_STATX_SYNC_TYPE)

#endif
