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
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
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

enum {
	VIA_GUEST,		/* path_open says EAGAIN: the guest stats */
	VIA_SUPERVISOR,		/* path_open opens the file for lxrun */
	VIA_NO_PATH_OPEN,	/* a tracer without path_open */
	VIA_COUNT
};

static void
set_via(struct fake_guest *fg, int via)
{
	static struct lx_guest_ops no_path_open;
	static const struct lx_guest_ops *full;

	if (full == NULL)
		full = fg->g.ops;	/* fg_init's, with path_open */
	no_path_open = *full;
	no_path_open.path_open = NULL;
	fg->g.ops = via == VIA_NO_PATH_OPEN ? &no_path_open : full;
	fg->path_open = via == VIA_SUPERVISOR;
}

static struct lx_statx sx_mine, sx_kern;

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
	/*
	 * glibc's fstat: AT_EMPTY_PATH with "" and with NULL, answered by
	 * the guest's own fstat, from lxrun's copy of the fd (path_open),
	 * and by a tracer without path_open (its fd_stat).
	 */
	assert_int_equal(native(SYS_fstat, fd, (long)kern, 0, 0, 0), 0);
	for (int via = 0; via < VIA_COUNT; via++) {
		set_via(fg, via);
		memset(mine, 0xa5, sizeof(mine));
		assert_int_equal(do_newfstatat(fg, fd, EMPTY, mine,
		    AT_EMPTY_PATH), 0);
		assert_memory_equal(mine, kern, sizeof(mine));
		if (lx_kernel.stat_null_path) {	/* Linux 6.11 */
			memset(mine, 0xa5, sizeof(mine));
			assert_int_equal(do_newfstatat(fg, fd, NULL, mine,
			    AT_EMPTY_PATH), 0);
			assert_memory_equal(mine, kern, sizeof(mine));
		}
		assert_int_equal(do_newfstatat(fg, 999, EMPTY, mine,
		    AT_EMPTY_PATH), -LX_EBADF);
	}
	set_via(fg, VIA_GUEST);
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

/*
 * statx through each way lxrun has (the guest's own host stat at a
 * rewrite, the supervisor's lookup, the supervisor's copy of the fd) is
 * byte-identical to the kernel's statx, for every request mask bit and
 * each AT_ flag: stx_mask, birth time, mount id, attributes and their
 * mask, DIOALIGN, all of it.
 */
static void
statx_same(struct fake_guest *fg, int dfd, const char *path, int flags,
    unsigned mask)
{
	long r;

	/*
	 * A shared directory (/, /dev/shm) may change between the two
	 * calls under other programs: a few tries, one must match.
	 */
	for (int tries = 0; tries < 5; tries++) {
		memset(&sx_mine, 0xa5, sizeof(sx_mine));
		memset(&sx_kern, 0x5a, sizeof(sx_kern));
		r = native(SYS_statx, dfd, (long)path, flags, mask,
		    (long)&sx_kern);
		assert_int_equal(do_statx(fg, dfd, path, flags, mask,
		    &sx_mine), r);
		if (r != 0 || memcmp(&sx_mine, &sx_kern, sizeof(sx_mine)) == 0)
			return;
	}
	print_error("statx(%d, \"%s\", %#x, %#x): mask %#x vs %#x, "
	    "attributes %#llx/%#llx vs %#llx/%#llx\n", dfd,
	    path ? path : "(null)", flags, mask, sx_mine.stx_mask,
	    sx_kern.stx_mask, (unsigned long long)sx_mine.stx_attributes,
	    (unsigned long long)sx_mine.stx_attributes_mask,
	    (unsigned long long)sx_kern.stx_attributes,
	    (unsigned long long)sx_kern.stx_attributes_mask);
	fail();
}

static const unsigned test_masks[] = {
	0, LX_STATX_BASIC_STATS, LX_STATX_ALL, LX_STATX_ALL |
	LX_STATX_MNT_ID, 0x7fffffff, LX_STATX_CHANGE_COOKIE, 0x00040000,
};
static const int test_flags[] = {
	0, AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, LX_AT_STATX_FORCE_SYNC,
	LX_AT_STATX_DONT_SYNC, AT_SYMLINK_NOFOLLOW | LX_AT_STATX_DONT_SYNC,
};

static void
test_statx_exact(void **state)
{
	struct fake_guest *fg = guest();
	const char *paths[] = {
		ETC, "/", "/dev/null", "/dev/shm", "/proc/self", "/proc",
		"/proc/self/status", DOTDOT,
	};
	int fds[] = { open(ETC, O_RDONLY), open("/", O_PATH),
		open("/dev/null", O_WRONLY), open("/proc/self/status",
		O_RDONLY), -1 };
	int p[2];

	fg_map(fg, &sx_mine, sizeof(sx_mine));
	assert_int_equal(pipe(p), 0);
	fds[4] = p[0];
	for (int via = 0; via < VIA_COUNT; via++) {
		set_via(fg, via);
		for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
			fg_map(fg, paths[i], strlen(paths[i]) + 1);
			for (size_t m = 0; m < sizeof(test_masks) /
			    sizeof(*test_masks); m++)
				for (size_t f = 0; f < sizeof(test_flags) /
				    sizeof(*test_flags); f++)
					statx_same(fg, AT_FDCWD, paths[i],
					    test_flags[f], test_masks[m]);
			/* each mask bit on its own */
			for (int bit = 0; bit < 31; bit++)
				statx_same(fg, AT_FDCWD, paths[i], 0,
				    1U << bit);
		}
		for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
			for (size_t m = 0; m < sizeof(test_masks) /
			    sizeof(*test_masks); m++) {
				statx_same(fg, fds[i], EMPTY, AT_EMPTY_PATH,
				    test_masks[m]);
				statx_same(fg, fds[i], NULL, AT_EMPTY_PATH |
				    LX_AT_STATX_FORCE_SYNC, test_masks[m]);
			}
		/* the cwd: always the guest's own lookup */
		statx_same(fg, AT_FDCWD, EMPTY, AT_EMPTY_PATH, 0x7fffffff);
		statx_same(fg, AT_FDCWD, NULL, AT_EMPTY_PATH, 0);
	}
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		close(fds[i]);
	close(p[1]);
}

/*
 * Attributes a file really has (chattr +a, +i, +d on tmpfs, which keeps
 * them since Linux 6.0) come through exactly, whichever way.
 */
static void
test_statx_attributes(void **state)
{
	struct fake_guest *fg = guest();
	static char name[] = "/dev/shm/lxrun-unit-statx-XXXXXX";
	const int sets[] = { FS_APPEND_FL, FS_IMMUTABLE_FL, FS_NODUMP_FL,
		FS_APPEND_FL | FS_NODUMP_FL };
	int fd = mkstemp(name), fl;

	assert_true(fd >= 0);
	fg_map(fg, name, sizeof(name));
	fg_map(fg, &sx_mine, sizeof(sx_mine));
	for (size_t i = 0; i < sizeof(sets) / sizeof(*sets); i++) {
		fl = sets[i];
		if (ioctl(fd, FS_IOC_SETFLAGS, &fl) < 0) {
			/* no CAP_LINUX_IMMUTABLE: +a and +i are not ours */
			assert_int_equal(errno, EPERM);
			continue;
		}
		for (int via = 0; via < VIA_COUNT; via++) {
			set_via(fg, via);
			statx_same(fg, AT_FDCWD, name, 0, 0);
			statx_same(fg, AT_FDCWD, name, 0, 0x7fffffff);
			statx_same(fg, fd, EMPTY, AT_EMPTY_PATH, 0);
		}
	}
	fl = 0;
	assert_int_equal(ioctl(fd, FS_IOC_SETFLAGS, &fl), 0);
	close(fd);
	unlink(name);
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
		cmocka_unit_test(test_statx_exact),
		cmocka_unit_test(test_statx_attributes),
		cmocka_unit_test(test_statx_errors),
		cmocka_unit_test(test_before_6_11),
		cmocka_unit_test(test_long_path),
		cmocka_unit_test(test_encode),
	};
	lx_kernel_probe();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
