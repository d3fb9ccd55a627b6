/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newfstatat(2) and statx(2): the routing and flag checks, and the
 * conversions, checked byte for byte against what this Linux kernel
 * itself writes.  Where Linux 6.11 changed an answer (a NULL path with
 * AT_EMPTY_PATH, unknown flags on the fd path), a row also holds the
 * answer of the kernels before it, which Linux 6.1 gave natively (make
 * check-vm); lx_kernel_probe() says which this kernel gives.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/handlers.h"
#include "lxrun/kernel.h"
#include "lxrun/linux_abi.h"
#include "translate/stat_convert.h"

static struct lx_call
mkcall(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4)
{
	struct lx_call c = { .nr = nr };

	c.arg[0] = a0;
	c.arg[1] = a1;
	c.arg[2] = a2;
	c.arg[3] = a3;
	c.arg[4] = a4;
	return c;
}

static long
do_newfstatat(struct fake_guest *fg, int dfd, const char *path, void *buf,
    int flags)
{
	struct lx_call c = mkcall(LX_NR_newfstatat, (uint64_t)(int64_t)dfd,
	    FG_ADDR(path), FG_ADDR(buf), (uint64_t)flags, 0);

	return fg_play(fg, &c, lx_sys_newfstatat(&c, &fg->g));
}

static long
do_statx(struct fake_guest *fg, int dfd, const char *path, int flags,
    unsigned mask, void *buf)
{
	struct lx_call c = mkcall(LX_NR_statx, (uint64_t)(int64_t)dfd,
	    FG_ADDR(path), (uint64_t)(unsigned)flags, mask, FG_ADDR(buf));

	return fg_play(fg, &c, lx_sys_statx(&c, &fg->g));
}

static long
native(long nr, long a, long b, long c, long d, long e)
{
	long r = syscall(nr, a, b, c, d, e);

	return r < 0 ? -errno : r;
}

/* A row whose answer before Linux 6.11 differs. */
#define OLD(v)	.differs = true, .old = (v)

/* The answer a row expects from this kernel (or from an old one). */
#define WANT(row, old_kernel) \
	((old_kernel) && (row).differs ? (row).old : (row).want)

static const char ETC[] = "/etc/passwd";
static const char EMPTY[] = "";
static const char DOTDOT[] = "..";
static const char NOPE[] = "/nonexistent/x";

static struct fake_guest *
guest(void)
{
	static struct fake_guest fg;

	fg_init(&fg);
	fg_map(&fg, ETC, sizeof(ETC));
	fg_map(&fg, EMPTY, sizeof(EMPTY));
	fg_map(&fg, DOTDOT, sizeof(DOTDOT));
	fg_map(&fg, NOPE, sizeof(NOPE));
	return &fg;
}

/* The converted struct stat is byte-identical to the kernel's own. */
static void
test_newfstatat_bytes(void **state)
{
	struct fake_guest *fg = guest();
	unsigned char mine[sizeof(struct lx_stat)], kern[sizeof(mine)];
	int fd = open(ETC, O_RDONLY);
	const char *paths[] = { ETC, DOTDOT, "/dev/null", "/proc/self" };

	fg_map(fg, mine, sizeof(mine));
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fg_map(fg, paths[i], strlen(paths[i]) + 1);
		for (int nofollow = 0; nofollow < 2; nofollow++) {
			int fl = nofollow ? AT_SYMLINK_NOFOLLOW : 0;

			memset(mine, 0xa5, sizeof(mine));
			memset(kern, 0x5a, sizeof(kern));
			assert_int_equal(do_newfstatat(fg, AT_FDCWD,
			    paths[i], mine, fl), 0);
			assert_int_equal(native(SYS_newfstatat, AT_FDCWD,
			    (long)paths[i], (long)kern, fl, 0), 0);
			assert_memory_equal(mine, kern, sizeof(mine));
		}
	}
	/* glibc's fstat: AT_EMPTY_PATH with "" and with NULL (6.11). */
	assert_int_equal(do_newfstatat(fg, fd, EMPTY, mine, AT_EMPTY_PATH), 0);
	assert_int_equal(native(SYS_fstat, fd, (long)kern, 0, 0, 0), 0);
	assert_memory_equal(mine, kern, sizeof(mine));
	if (lx_kernel.stat_null_path) {
		assert_int_equal(do_newfstatat(fg, fd, NULL, mine,
		    AT_EMPTY_PATH), 0);
		assert_memory_equal(mine, kern, sizeof(mine));
	}
	close(fd);
}

/*
 * Every error path, against the kernel's answer for the same call; with
 * old_kernel, lxrun told that the host is older than 6.11 must give the
 * old answers (and the host is not asked).
 */
static void
newfstatat_errors(bool old_kernel)
{
	struct fake_guest *fg = guest();
	unsigned char b[sizeof(struct lx_stat)];
	int fd = open(ETC, O_RDONLY);
	const char *bad = (const char *)1;
	struct {
		int dfd;
		const char *path;
		void *buf;
		int flags;
		long want;
		bool differs;
		long old;
	} t[] = {
		{ fd, EMPTY, b, AT_EMPTY_PATH | 0x80000, 0, OLD(-LX_EINVAL) },
		{ fd, NULL, b, 0, -LX_EFAULT },
		{ AT_FDCWD, EMPTY, b, AT_EMPTY_PATH, 0 },
		{ AT_FDCWD, NULL, b, AT_EMPTY_PATH, 0, OLD(-LX_EFAULT) },
		{ -5, EMPTY, b, AT_EMPTY_PATH, -LX_EBADF },
		{ -5, bad, b, AT_EMPTY_PATH, -LX_EFAULT },
		{ -5, bad, b, 0x80000, -LX_EINVAL },
		{ AT_FDCWD, bad, b, 0x80000, -LX_EINVAL },
		{ AT_FDCWD, NOPE, (void *)1, 0, -LX_ENOENT },
		{ AT_FDCWD, ETC, (void *)1, 0, -LX_EFAULT },
		{ AT_FDCWD, EMPTY, b, 0, -LX_ENOENT },
		{ 999, DOTDOT, b, 0, -LX_EBADF },
		{ 999, ETC, b, 0, 0 },
		{ 999, EMPTY, b, AT_EMPTY_PATH, -LX_EBADF },
		{ fd, DOTDOT, b, 0, -LX_ENOTDIR },
		{ AT_FDCWD, ETC, b, LX_AT_STATX_SYNC_TYPE, 0 },
		{ AT_FDCWD, ETC, b, AT_NO_AUTOMOUNT, 0 },
		{ AT_FDCWD, ETC, b, AT_REMOVEDIR, -LX_EINVAL },
	};

	bool saved = lx_kernel.stat_null_path;

	if (old_kernel)
		lx_kernel.stat_null_path = false;
	fg_map(fg, b, sizeof(b));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long want = WANT(t[i], !lx_kernel.stat_null_path);

		if (!old_kernel)
			assert_int_equal(native(SYS_newfstatat, t[i].dfd,
			    (long)t[i].path, (long)t[i].buf, t[i].flags, 0),
			    want);
		assert_int_equal(do_newfstatat(fg, t[i].dfd, t[i].path,
		    t[i].buf, t[i].flags), want);
	}
	lx_kernel.stat_null_path = saved;
	close(fd);
}

static void
test_newfstatat_errors(void **state)
{
	newfstatat_errors(false);
}

static void
test_statx_fields(void **state)
{
	struct fake_guest *fg = guest();
	struct lx_statx mine, kern;
	struct stat st;
	int fd = open(ETC, O_RDONLY);

	fg_map(fg, &mine, sizeof(mine));
	memset(&mine, 0xa5, sizeof(mine));
	assert_int_equal(do_statx(fg, AT_FDCWD, ETC, 0, LX_STATX_ALL |
	    LX_STATX_MNT_ID, &mine), 0);
	assert_int_equal(native(SYS_statx, AT_FDCWD, (long)ETC, 0,
	    LX_STATX_BASIC_STATS, (long)&kern), 0);
	assert_int_equal(stat(ETC, &st), 0);
	/* Only what a struct stat has; nothing about attributes. */
	assert_int_equal(mine.stx_mask, LX_STATX_BASIC_STATS);
	assert_int_equal(mine.stx_attributes_mask, 0);
	assert_int_equal(mine.stx_btime.tv_sec, 0);
	assert_int_equal(mine.stx_mnt_id, 0);
	/* The fields both have agree with the kernel's statx. */
	assert_int_equal(mine.stx_mode, kern.stx_mode);
	assert_int_equal(mine.stx_ino, kern.stx_ino);
	assert_int_equal(mine.stx_nlink, kern.stx_nlink);
	assert_int_equal(mine.stx_uid, kern.stx_uid);
	assert_int_equal(mine.stx_gid, kern.stx_gid);
	assert_int_equal(mine.stx_size, kern.stx_size);
	assert_int_equal(mine.stx_blocks, kern.stx_blocks);
	assert_int_equal(mine.stx_blksize, kern.stx_blksize);
	assert_int_equal(mine.stx_dev_major, kern.stx_dev_major);
	assert_int_equal(mine.stx_dev_minor, kern.stx_dev_minor);
	assert_int_equal(mine.stx_rdev_major, kern.stx_rdev_major);
	assert_memory_equal(&mine.stx_mtime, &kern.stx_mtime, 16);
	assert_memory_equal(&mine.stx_ctime, &kern.stx_ctime, 16);
	assert_memory_equal(&mine.stx_atime, &kern.stx_atime, 16);
	/* By fd, and the char device's rdev. */
	assert_int_equal(do_statx(fg, fd, EMPTY, AT_EMPTY_PATH, 0, &mine), 0);
	assert_int_equal(mine.stx_ino, st.st_ino);
	fg_map(fg, "/dev/null", 10);
	assert_int_equal(do_statx(fg, AT_FDCWD, "/dev/null", 0, 0, &mine), 0);
	assert_int_equal(mine.stx_rdev_major, 1);
	assert_int_equal(mine.stx_rdev_minor, 3);
	close(fd);
}

static void
statx_errors(bool old_kernel)
{
	struct fake_guest *fg = guest();
	struct lx_statx b;
	int fd = open(ETC, O_RDONLY);
	const char *bad = (const char *)1;
	struct {
		int dfd;
		const char *path;
		int flags;
		unsigned mask;
		void *buf;
		long want;
		bool differs;
		long old;
	} t[] = {
		{ AT_FDCWD, ETC, LX_AT_STATX_SYNC_TYPE, 0, &b, -LX_EINVAL },
		{ AT_FDCWD, ETC, LX_AT_STATX_FORCE_SYNC, 0, &b, 0 },
		{ AT_FDCWD, ETC, LX_AT_STATX_DONT_SYNC, 0, &b, 0 },
		{ fd, EMPTY, AT_EMPTY_PATH | 0x80000, 0, &b, 0, OLD(-LX_EINVAL) },
		{ fd, EMPTY, AT_EMPTY_PATH | LX_AT_STATX_SYNC_TYPE, 0, &b,
		    -LX_EINVAL },
		{ fd, EMPTY, AT_EMPTY_PATH, LX_STATX__RESERVED, &b,
		    -LX_EINVAL },
		{ AT_FDCWD, bad, 0x80000, 0, &b, -LX_EINVAL },
		{ AT_FDCWD, bad, 0, LX_STATX__RESERVED, &b, -LX_EINVAL },
		{ AT_FDCWD, bad, 0, 0, &b, -LX_EFAULT },
		{ fd, NULL, 0, 0, &b, -LX_EFAULT },
		{ -5, NULL, AT_EMPTY_PATH, 0, &b, -LX_EBADF, OLD(-LX_EFAULT) },
		{ AT_FDCWD, NULL, AT_EMPTY_PATH, 0, &b, 0, OLD(-LX_EFAULT) },
		{ AT_FDCWD, ETC, 0, 0, (void *)1, -LX_EFAULT },
		{ AT_FDCWD, NOPE, 0, 0, (void *)1, -LX_ENOENT },
		{ AT_FDCWD, ETC, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0,
		    &b, 0 },
		{ AT_FDCWD, ETC, 0, LX_STATX_CHANGE_COOKIE, &b, 0 },
	};

	bool saved = lx_kernel.stat_null_path;

	if (old_kernel)
		lx_kernel.stat_null_path = false;
	fg_map(fg, &b, sizeof(b));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long want = WANT(t[i], !lx_kernel.stat_null_path);

		if (!old_kernel)
			assert_int_equal(native(SYS_statx, t[i].dfd,
			    (long)t[i].path, t[i].flags, t[i].mask,
			    (long)t[i].buf), want);
		assert_int_equal(do_statx(fg, t[i].dfd, t[i].path,
		    t[i].flags, t[i].mask, t[i].buf), want);
	}
	lx_kernel.stat_null_path = saved;
	close(fd);
}

static void
test_statx_errors(void **state)
{
	statx_errors(false);
}

/* lxrun told the host is older than 6.11 answers as 6.1 did natively. */
static void
test_before_6_11(void **state)
{
	newfstatat_errors(true);
	statx_errors(true);
}

/* A path longer than scratch: the host reads the guest's own pointer. */
static void
test_long_path(void **state)
{
	struct fake_guest *fg = guest();
	static char path[LX_SCRATCH_MAX + 1000];	/* < PATH_MAX */
	unsigned char b[sizeof(struct lx_stat)];
	size_t n = 0;

	while (n + 3 < sizeof(path) - sizeof(ETC))
		n += (size_t)snprintf(path + n, sizeof(path) - n, "/.");
	snprintf(path + n, sizeof(path) - n, "%s", ETC);
	fg_map(fg, path, sizeof(path));
	fg_map(fg, b, sizeof(b));
	assert_true(strlen(path) > LX_SCRATCH_MAX);
	assert_int_equal(do_newfstatat(fg, AT_FDCWD, path, b, 0), 0);
}

static void
test_encode(void **state)
{
	assert_int_equal(lx_encode_dev(8, 1), 0x801);
	assert_int_equal(lx_encode_dev(259, 0x12345), 0x12310345);
	assert_int_equal(lx_mode_from_host(S_IFDIR | 01755),
	    LX_S_IFDIR | 01755);
	assert_int_equal(lx_host_at_flags(LX_AT_SYMLINK_NOFOLLOW |
	    LX_AT_EMPTY_PATH | LX_AT_STATX_FORCE_SYNC), AT_SYMLINK_NOFOLLOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newfstatat_bytes),
		cmocka_unit_test(test_newfstatat_errors),
		cmocka_unit_test(test_statx_fields),
		cmocka_unit_test(test_statx_errors),
		cmocka_unit_test(test_before_6_11),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_encode),
	};
	lx_kernel_probe();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
