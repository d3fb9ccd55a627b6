/* SPDX-License-Identifier: BSD-2-Clause */
/* getrandom(2): flag checks, the length cap, chunking and partial writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "translate/getrandom.h"

/* Until src/host/entropy.c is linked in, a stand-in (weak). */

__attribute__((weak)) int
host_entropy(void *buf, size_t n)
{
	static unsigned char x = 1;

	for (size_t i = 0; i < n; i++)
		((unsigned char *)buf)[i] = x++ | 1;	/* never 0 */
	return 0;
}

static struct lx_call
call3(uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct lx_call c = { .nr = LX_NR_getrandom };

	c.arg[0] = a0;
	c.arg[1] = a1;
	c.arg[2] = a2;
	return c;
}

static long
run(struct fake_guest *fg, uint64_t buf, uint64_t len, uint64_t flags)
{
	struct lx_call c = call3(buf, len, flags);
	struct lx_action a = lx_sys_getrandom(&c, &fg->g);

	assert_int_equal(a.kind, LX_RETURN);
	return a.value;
}

static void
test_flags(void **state)
{
	struct fake_guest fg;
	unsigned char b[16];

	fg_init(&fg);
	fg_map(&fg, b, sizeof(b));
	assert_int_equal(run(&fg, FG_ADDR(b), 16, 0), 16);
	assert_int_equal(run(&fg, FG_ADDR(b), 16, LX_GRND_NONBLOCK), 16);
	assert_int_equal(run(&fg, FG_ADDR(b), 16, LX_GRND_RANDOM), 16);
	assert_int_equal(run(&fg, FG_ADDR(b), 16, LX_GRND_INSECURE), 16);
	assert_int_equal(run(&fg, FG_ADDR(b), 16,
	    LX_GRND_RANDOM | LX_GRND_INSECURE), -LX_EINVAL);
	assert_int_equal(run(&fg, FG_ADDR(b), 16, 8), -LX_EINVAL);
	/* EINVAL comes before the buffer is looked at. */
	assert_int_equal(run(&fg, 0, 16, 8), -LX_EINVAL);
	/* flags is an unsigned int: the upper half is ignored. */
	assert_int_equal(run(&fg, FG_ADDR(b), 16, 1ULL << 32), 16);
}

static void
test_efault_and_zero(void **state)
{
	struct fake_guest fg;

	fg_init(&fg);
	assert_int_equal(run(&fg, 0, 0, 0), 0);
	assert_int_equal(run(&fg, 0x1000, 10, 0), -LX_EFAULT);
	/* access_ok fails even for a zero length at the top. */
	assert_int_equal(run(&fg, (uint64_t)-4096, 0, 0), -LX_EFAULT);
	assert_int_equal(run(&fg, 0xffff800000000000ULL, 10, 0), -LX_EFAULT);
}

static void
test_cap(void **state)
{
	uint64_t len = UINT64_MAX;

	assert_int_equal(lx_getrandom_check(0x10000, &len, 0), 0);
	assert_int_equal(len, LX_MAX_RW_COUNT);
	len = 100;
	assert_int_equal(lx_getrandom_check(0x10000, &len, 0), 0);
	assert_int_equal(len, 100);
	len = 0x1000;
	assert_int_equal(lx_getrandom_check(LX_TASK_SIZE_MAX - 0x800, &len,
	    0), -LX_EFAULT);
}

static void
test_partial_page(void **state)
{
	struct fake_guest fg;
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_ptr_not_equal(p, MAP_FAILED);
	memset(p, 0, 2 * pg);
	fg_init(&fg);
	fg_map(&fg, p, pg);		/* only the first page is the guest's */
	/* 100 writable bytes, then a hole: 100, as Linux. */
	assert_int_equal(run(&fg, FG_ADDR(p + pg - 100), 1000, 0), 100);
	assert_int_equal(run(&fg, FG_ADDR(p + pg - 10), 20, 0), 10);
	assert_int_equal(run(&fg, FG_ADDR(p + pg), 20, 0), -LX_EFAULT);
	/* The bytes past the boundary were never touched. */
	for (long i = 0; i < pg; i++)
		assert_int_equal(p[pg + i], 0);
	munmap(p, 2 * pg);
}

/* A guest whose writes are counted and limited to one mapped region. */
static int nwrites;
static size_t maxwrite;
static int (*real_write)(struct lx_guest *, uint64_t, const void *, size_t);

static int
counting_write(struct lx_guest *g, uint64_t dst, const void *src, size_t n)
{
	nwrites++;
	if (n > maxwrite)
		maxwrite = n;
	return real_write(g, dst, src, n);
}

static void
test_chunks(void **state)
{
	struct fake_guest fg;
	struct lx_guest_ops ops;
	size_t len = 300 * 1024 + 7;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char chunk[4096];
	size_t zeros = 0;

	fg_init(&fg);
	fg_map(&fg, p, len);
	ops = *fg.g.ops;
	real_write = ops.write;
	ops.write = counting_write;
	fg.g.ops = &ops;
	nwrites = 0;
	maxwrite = 0;
	assert_int_equal(lx_getrandom_fill(&fg.g, FG_ADDR(p), len, chunk,
	    sizeof(chunk)), (long)len);
	/* One write per chunk, none larger than the chunk. */
	assert_int_equal(nwrites, (len + sizeof(chunk) - 1) / sizeof(chunk));
	assert_true(maxwrite <= sizeof(chunk));
	for (size_t i = 0; i < len; i++)
		zeros += p[i] == 0;
	assert_true(zeros < len / 64);
	/* The chunk buffer is wiped afterwards. */
	for (size_t i = 0; i < sizeof(chunk); i++)
		assert_int_equal(chunk[i], 0);
	/* The handler's big call: whole count, through 256-byte host calls. */
	assert_int_equal(run(&fg, FG_ADDR(p), len, 0), (long)len);
	munmap(p, len);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_efault_and_zero),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_partial_page),
		cmocka_unit_test(test_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
