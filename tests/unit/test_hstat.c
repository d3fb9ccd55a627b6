/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host file status record (struct host_stat, BSD terms) and its two
 * conversions: a fake record as a NetBSD host would fill it (st_flags
 * with UF_/SF_ bits, st_birthtime) must come out as Linux's statx, and
 * the Linux backend's reading of a statx must give the record back
 * without loss.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "host/hstat_linux.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "translate/stat_convert.h"

/* NetBSD's settable flags (sys/stat.h), as its FFS keeps them. */
#define NB_UF_SETTABLE	0x0000ffffU
#define NB_SF_SETTABLE	0xffff0000U

/* A regular file as a NetBSD FFSv2 stat would give it. */
static struct host_stat
netbsd_file(uint32_t flags)
{
	struct host_stat hs;

	memset(&hs, 0, sizeof(hs));
	hs.hs_valid = HS_BASIC | HS_BIRTHTIME;
	hs.hs_mode = S_IFREG | 0644;
	hs.hs_nlink = 1;
	hs.hs_uid = 1000;
	hs.hs_gid = 100;
	hs.hs_blksize = 32768;
	hs.hs_ino = 12345;
	hs.hs_size = 10;
	hs.hs_blocks = 8;
	hs.hs_dev_major = 4;
	hs.hs_dev_minor = 0;
	hs.hs_atime.tv_sec = 1700000003;
	hs.hs_mtime.tv_sec = 1700000002;
	hs.hs_ctime.tv_sec = 1700000001;
	hs.hs_birthtime.tv_sec = 1700000000;
	hs.hs_birthtime.tv_nsec = 123456789;
	hs.hs_flags = flags;
	/* FFS keeps every settable flag */
	hs.hs_flags_kept = HS_UF_NODUMP | HS_UF_IMMUTABLE | HS_UF_APPEND |
	    HS_UF_OPAQUE | HS_SF_ARCHIVED | HS_SF_IMMUTABLE | HS_SF_APPEND;
	return hs;
}

static const uint64_t lx_flag_attrs = LX_STATX_ATTR_IMMUTABLE |
    LX_STATX_ATTR_APPEND | LX_STATX_ATTR_NODUMP;

/* NetBSD bits in, Linux bits out. */
static void
test_netbsd_flags(void **state)
{
	static const struct {
		uint32_t flags;
		uint64_t attrs;
	} t[] = {
		{ 0, 0 },
		{ HS_UF_NODUMP, LX_STATX_ATTR_NODUMP },
		{ HS_UF_IMMUTABLE, LX_STATX_ATTR_IMMUTABLE },
		{ HS_SF_IMMUTABLE, LX_STATX_ATTR_IMMUTABLE },
		{ HS_UF_IMMUTABLE | HS_SF_IMMUTABLE, LX_STATX_ATTR_IMMUTABLE },
		{ HS_UF_APPEND, LX_STATX_ATTR_APPEND },
		{ HS_SF_APPEND, LX_STATX_ATTR_APPEND },
		{ HS_UF_APPEND | HS_SF_IMMUTABLE | HS_UF_NODUMP,
		    lx_flag_attrs },
		/* no Linux attribute for these: nothing shows */
		{ HS_UF_OPAQUE | HS_SF_ARCHIVED, 0 },
		{ HS_SF_ARCHIVED | HS_SF_APPEND, LX_STATX_ATTR_APPEND },
	};
	struct lx_statx sx;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct host_stat hs = netbsd_file(t[i].flags);

		lx_statx_from_hstat(&sx, &hs);
		assert_int_equal(sx.stx_attributes, t[i].attrs);
		/* FFS keeps all three: Linux says it knows all three */
		assert_int_equal(sx.stx_attributes_mask, lx_flag_attrs);
	}
}

/* A flag counts only where the file system keeps it. */
static void
test_flags_kept(void **state)
{
	struct host_stat hs = netbsd_file(HS_UF_APPEND | HS_UF_NODUMP);
	struct lx_statx sx;

	hs.hs_flags_kept = HS_UF_NODUMP;
	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_attributes, LX_STATX_ATTR_NODUMP);
	assert_int_equal(sx.stx_attributes_mask, LX_STATX_ATTR_NODUMP);
	hs.hs_flags_kept = 0;
	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_attributes, 0);
	assert_int_equal(sx.stx_attributes_mask, 0);
	/* kept but not set: in the mask only */
	hs.hs_flags = 0;
	hs.hs_flags_kept = HS_SF_IMMUTABLE | HS_SF_APPEND;
	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_attributes, 0);
	assert_int_equal(sx.stx_attributes_mask, LX_STATX_ATTR_IMMUTABLE |
	    LX_STATX_ATTR_APPEND);
}

/* st_birthtime gives STATX_BTIME; no mount id on a record without one. */
static void
test_birthtime_and_mask(void **state)
{
	struct host_stat hs = netbsd_file(0);
	struct lx_statx sx;

	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_mask, LX_STATX_BASIC_STATS | LX_STATX_BTIME);
	assert_int_equal(sx.stx_btime.tv_sec, 1700000000);
	assert_int_equal(sx.stx_btime.tv_nsec, 123456789);
	assert_int_equal(sx.stx_atime.tv_sec, 1700000003);
	assert_int_equal(sx.stx_mtime.tv_sec, 1700000002);
	assert_int_equal(sx.stx_ctime.tv_sec, 1700000001);
	assert_int_equal(sx.stx_mode, LX_S_IFREG | 0644);
	assert_int_equal(sx.stx_ino, 12345);
	assert_int_equal(sx.stx_blksize, 32768);
	assert_int_equal(sx.stx_dev_major, 4);
	assert_int_equal(sx.stx_mnt_id, 0);
	/* a file system without birth times: no STATX_BTIME, btime 0 */
	hs.hs_valid = HS_BASIC;
	memset(&hs.hs_birthtime, 0, sizeof(hs.hs_birthtime));
	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_mask, LX_STATX_BASIC_STATS);
	assert_int_equal(sx.stx_btime.tv_sec, 0);
	/* mount id, unique mount id, DIOALIGN as the host says */
	hs.hs_valid = HS_BASIC | HS_MNT_ID_UNIQUE | HS_DIOALIGN;
	hs.hs_mnt_id = 0x80000001;
	hs.hs_dio_mem_align = 512;
	hs.hs_dio_offset_align = 4096;
	lx_statx_from_hstat(&sx, &hs);
	assert_int_equal(sx.stx_mask, LX_STATX_BASIC_STATS |
	    LX_STATX_MNT_ID_UNIQUE | LX_STATX_DIOALIGN);
	assert_int_equal(sx.stx_mnt_id, 0x80000001);
	assert_int_equal(sx.stx_dio_mem_align, 512);
	assert_int_equal(sx.stx_dio_offset_align, 4096);
}

/* What no BSD flag says: compressed, encrypted, mount root... */
static void
test_props(void **state)
{
	static const struct { uint32_t prop; uint64_t attr; } t[] = {
		{ HS_P_COMPRESSED, LX_STATX_ATTR_COMPRESSED },
		{ HS_P_ENCRYPTED, LX_STATX_ATTR_ENCRYPTED },
		{ HS_P_AUTOMOUNT, LX_STATX_ATTR_AUTOMOUNT },
		{ HS_P_MOUNT_ROOT, LX_STATX_ATTR_MOUNT_ROOT },
		{ HS_P_VERITY, LX_STATX_ATTR_VERITY },
		{ HS_P_DAX, LX_STATX_ATTR_DAX },
		{ HS_P_WRITE_ATOMIC, LX_STATX_ATTR_WRITE_ATOMIC },
	};
	struct host_stat hs = netbsd_file(0);
	struct lx_statx sx;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		hs.hs_props = t[i].prop;
		hs.hs_props_known = t[i].prop | HS_P_MOUNT_ROOT;
		lx_statx_from_hstat(&sx, &hs);
		assert_int_equal(sx.stx_attributes, t[i].attr);
		assert_int_equal(sx.stx_attributes_mask, lx_flag_attrs |
		    t[i].attr | LX_STATX_ATTR_MOUNT_ROOT);
	}
}

static void
test_want_and_sync(void **state)
{
	assert_int_equal(lx_hs_want(0), 0);
	assert_int_equal(lx_hs_want(LX_STATX_BASIC_STATS), HS_BASIC);
	assert_int_equal(lx_hs_want(LX_STATX_BTIME | LX_STATX_MNT_ID_UNIQUE |
	    LX_STATX_DIO_READ_ALIGN), HS_BIRTHTIME | HS_MNT_ID_UNIQUE |
	    HS_DIO_READ_ALIGN);
	/* kernel-internal and unknown bits ask for nothing */
	assert_int_equal(lx_hs_want(LX_STATX_CHANGE_COOKIE | 0x00040000), 0);
	assert_int_equal(lx_hs_sync(0), HS_SYNC_AS_STAT);
	assert_int_equal(lx_hs_sync(LX_AT_STATX_FORCE_SYNC |
	    LX_AT_SYMLINK_NOFOLLOW), HS_SYNC_FORCE);
	assert_int_equal(lx_hs_sync(LX_AT_STATX_DONT_SYNC), HS_SYNC_DONT);
}

/* The Linux backend: Linux attributes in, BSD flags out. */
static void
test_linux_backend_flags(void **state)
{
	struct lx_statx sx;
	struct host_stat hs;

	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = LX_STATX_BASIC_STATS;
	sx.stx_mode = S_IFREG | 0600;
	sx.stx_attributes = LX_STATX_ATTR_IMMUTABLE | LX_STATX_ATTR_NODUMP |
	    LX_STATX_ATTR_MOUNT_ROOT;
	sx.stx_attributes_mask = lx_flag_attrs | LX_STATX_ATTR_MOUNT_ROOT |
	    LX_STATX_ATTR_DAX;
	hs_from_statx(&sx, &hs);
	assert_int_equal(hs.hs_flags, HS_SF_IMMUTABLE | HS_UF_NODUMP);
	assert_int_equal(hs.hs_flags_kept, HS_SF_IMMUTABLE | HS_SF_APPEND |
	    HS_UF_NODUMP);
	assert_int_equal(hs.hs_props, HS_P_MOUNT_ROOT);
	assert_int_equal(hs.hs_props_known, HS_P_MOUNT_ROOT | HS_P_DAX);
	assert_int_equal(hs_flags_from_fsflags(FS_APPEND_FL |
	    FS_IMMUTABLE_FL | FS_NODUMP_FL | FS_NOATIME_FL), HS_SF_APPEND |
	    HS_SF_IMMUTABLE | HS_UF_NODUMP);
	assert_int_equal(hs_flags_from_fsflags(FS_SYNC_FL), 0);
}

/*
 * Whatever a Linux statx can hold goes through the record unchanged:
 * every field set to a distinct value, every mask and attribute bit.
 */
static void
test_linux_roundtrip(void **state)
{
	struct lx_statx in, out;
	struct host_stat hs;
	unsigned char *p = (unsigned char *)&in;

	for (size_t i = 0; i < sizeof(in); i++)
		p[i] = (unsigned char)(i * 7 + 1);
	in.stx_mask = 0x3ffff;
	in.stx_attributes = 0x703874 | LX_STATX_ATTR_AUTOMOUNT;
	in.stx_attributes_mask = 0x703874 | LX_STATX_ATTR_AUTOMOUNT;
	in.stx_mode = S_IFDIR | 01777;
	in.stx_atime.tv_nsec = 999999999;
	in.stx_btime.tv_nsec = 1;
	in.stx_ctime.tv_nsec = 2;
	in.stx_mtime.tv_nsec = 3;
	in.stx_atime.__reserved = in.stx_btime.__reserved = 0;
	in.stx_ctime.__reserved = in.stx_mtime.__reserved = 0;
	in.__spare0[0] = 0;
	in.__spare2[0] = 0;
	memset(in.__spare3, 0, sizeof(in.__spare3));
	hs_from_statx(&in, &hs);
	lx_statx_from_hstat(&out, &hs);
	assert_memory_equal(&in, &out, sizeof(in));
}

static void
test_call(void **state)
{
	struct host_stat_call hc;

	host_stat_call(&hc, 5, 0x1000, 0x2000, HS_STAT_FD, HS_BIRTHTIME,
	    HS_SYNC_DONT, 0x3000);
	assert_int_equal(hc.nr, SYS_statx);
	assert_int_equal(hc.arg[0], 5);
	assert_int_equal(hc.arg[1], 0x2000);	/* the empty string */
	assert_int_equal(hc.arg[2], AT_EMPTY_PATH | AT_STATX_DONT_SYNC);
	assert_int_equal(hc.arg[3], LX_STATX_BTIME);
	assert_int_equal(hc.arg[4], 0x3000);
	host_stat_call(&hc, AT_FDCWD, 0x1000, 0x2000, HS_STAT_NOFOLLOW |
	    HS_STAT_NOAUTOMOUNT, HS_BASIC, HS_SYNC_FORCE, 0x3000);
	assert_int_equal((int)hc.arg[0], AT_FDCWD);
	assert_int_equal(hc.arg[1], 0x1000);
	assert_int_equal(hc.arg[2], AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
	    AT_STATX_FORCE_SYNC);
	assert_int_equal(hc.arg[3], LX_STATX_BASIC_STATS);
	assert_int_equal(host_stat_buf_size(), sizeof(struct lx_statx));
}

/* host_stat_fd on a real file agrees with the kernel's statx. */
static void
test_stat_fd(void **state)
{
	struct lx_statx kern, mine;
	struct host_stat hs;
	int fd = open("/etc/passwd", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(host_stat_fd(fd, HS_BASIC | HS_BIRTHTIME |
	    HS_MNT_ID_UNIQUE, HS_SYNC_AS_STAT, &hs), 0);
	assert_int_equal(syscall(SYS_statx, fd, "", AT_EMPTY_PATH,
	    LX_STATX_BASIC_STATS | LX_STATX_BTIME | LX_STATX_MNT_ID_UNIQUE,
	    &kern), 0);
	lx_statx_from_hstat(&mine, &hs);
	assert_memory_equal(&mine, &kern, sizeof(kern));
	assert_int_equal(host_stat_fd(-1, 0, 0, &hs), -EBADF);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netbsd_flags),
		cmocka_unit_test(test_flags_kept),
		cmocka_unit_test(test_birthtime_and_mask),
		cmocka_unit_test(test_props),
		cmocka_unit_test(test_want_and_sync),
		cmocka_unit_test(test_linux_backend_flags),
		cmocka_unit_test(test_linux_roundtrip),
		cmocka_unit_test(test_call),
		cmocka_unit_test(test_stat_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
