/* SPDX-License-Identifier: BSD-2-Clause */
/* readahead(2) and close_range(2): checks against the kernel's answers. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/close_range.h"

static long
emu_readahead(int fd, int64_t off, int64_t count)
{
	struct fake_guest fg;
	struct lx_call c = { .nr = LX_NR_readahead };

	fg_init(&fg);
	c.arg[0] = (uint64_t)(uint32_t)fd;
	c.arg[1] = (uint64_t)off;
	c.arg[2] = (uint64_t)count;
	return fg_play(&fg, &c, lx_sys_readahead(&c, &fg.g));
}

static long
nat_readahead(int fd, int64_t off, int64_t count)
{
	long r = syscall(SYS_readahead, fd, off, count);

	return r < 0 ? -errno : r;
}

static void
test_readahead(void **state)
{
	int p[2], s[2];
	int fds[8];
	int64_t args[][2] = {
		{ 0, 10 }, { -1, 10 }, { 0, -1 }, { -5, -5 }, { 0, 0 },
		{ 1LL << 62, 10 }, { 5, INT64_MAX },
	};

	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	fds[0] = open("/etc/passwd", O_RDONLY);
	fds[1] = open("/tmp", O_RDONLY);
	fds[2] = open("/dev/null", O_RDONLY);
	fds[3] = open("/etc/passwd", O_PATH);
	fds[4] = p[0];
	fds[5] = p[1];
	fds[6] = s[0];
	fds[7] = open("/proc/self/status", O_RDONLY);
	for (size_t i = 0; i < 8; i++)
		for (size_t j = 0; j < sizeof(args) / sizeof(args[0]); j++)
			assert_int_equal(emu_readahead(fds[i], args[j][0],
			    args[j][1]), nat_readahead(fds[i], args[j][0],
			    args[j][1]));
	assert_int_equal(emu_readahead(999, 0, 10), -LX_EBADF);
	assert_int_equal(emu_readahead(-1, 0, 10), -LX_EBADF);
	close(fds[0]);
	int w = open("/tmp", O_TMPFILE | O_WRONLY, 0600);
	if (w >= 0) {
		assert_int_equal(emu_readahead(w, 0, 10), -LX_EBADF);
		assert_int_equal(nat_readahead(w, 0, 10), -LX_EBADF);
		close(w);
	}
}

static long
emu_close_range(uint64_t a, uint64_t b, uint64_t f)
{
	struct fake_guest fg;
	struct lx_call c = { .nr = LX_NR_close_range };

	fg_init(&fg);
	c.arg[0] = a;
	c.arg[1] = b;
	c.arg[2] = f;
	return fg_play(&fg, &c, lx_sys_close_range(&c, &fg.g));
}

static void
test_close_range(void **state)
{
	int fd = open("/dev/null", O_RDONLY);

	assert_int_equal(lx_close_range_check(10, 5, 0), -LX_EINVAL);
	assert_int_equal(lx_close_range_check(5, 10, 1), -LX_EINVAL);
	assert_int_equal(lx_close_range_check(5, 10, 8), -LX_EINVAL);
	assert_int_equal(lx_close_range_check(5, 5, LX_CLOSE_RANGE_CLOEXEC |
	    LX_CLOSE_RANGE_UNSHARE), 0);
	assert_int_equal(emu_close_range(10, 5, 0), -LX_EINVAL);
	/* unsigned int arguments: upper halves ignored. */
	assert_int_equal(emu_close_range(0xffffffff00000064ULL, 5, 0),
	    -LX_EINVAL);
	assert_int_equal(emu_close_range(1000, 0xffffffffULL, 1ULL << 32), 0);
	/* CLOEXEC marks, does not close. */
	assert_int_equal(emu_close_range((unsigned)fd, (unsigned)fd,
	    LX_CLOSE_RANGE_CLOEXEC), 0);
	assert_int_equal(fcntl(fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(emu_close_range((unsigned)fd, ~0U, 0), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readahead),
		cmocka_unit_test(test_close_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
