/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The memfd seal state machine (src/memfd/seal.c), rule by rule, with
 * the answers Linux 6.18 gave natively for the same inputs (and, where
 * lx_kernel says the host predates the exec seal, Linux 6.1's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lxrun/kernel.h"
#include "lxrun/linux_abi.h"
#include "memfd/memfd_int.h"

#define SEAL	LX_F_SEAL_SEAL
#define SHRINK	LX_F_SEAL_SHRINK
#define GROW	LX_F_SEAL_GROW
#define WRITE	LX_F_SEAL_WRITE
#define FWRITE	LX_F_SEAL_FUTURE_WRITE
#define EXEC	LX_F_SEAL_EXEC

static void
flags_valid(void **state)
{
	struct memfd_flags f;

	(void)state;
	assert_int_equal(memfd_flags_parse(0, 0, &f), 0);
	assert_int_equal(f.mode, 0777);
	assert_int_equal(f.seals, SEAL);
	assert_false(f.cloexec);
	assert_int_equal(memfd_flags_parse(LX_MFD_CLOEXEC, 0, &f), 0);
	assert_true(f.cloexec);
	assert_int_equal(memfd_flags_parse(LX_MFD_ALLOW_SEALING, 0, &f), 0);
	assert_int_equal(f.seals, 0);
	/* NOEXEC_SEAL opens sealing by itself, with F_SEAL_EXEC set */
	assert_int_equal(memfd_flags_parse(LX_MFD_NOEXEC_SEAL, 0, &f), 0);
	assert_int_equal(f.mode, 0666);
	assert_int_equal(f.seals, EXEC);
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC, 0, &f), 0);
	assert_int_equal(f.mode, 0777);
	assert_int_equal(f.seals, SEAL);
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC |
	    LX_MFD_ALLOW_SEALING, 0, &f), 0);
	assert_int_equal(f.seals, 0);
}

static void
flags_invalid(void **state)
{
	struct memfd_flags f;

	(void)state;
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC | LX_MFD_NOEXEC_SEAL,
	    0, &f), -LX_EINVAL);
	assert_int_equal(memfd_flags_parse(0x20, 0, &f), -LX_EINVAL);
	assert_int_equal(memfd_flags_parse(0x80000000U, 0, &f), -LX_EINVAL);
	/* size bits only with HUGETLB */
	assert_int_equal(memfd_flags_parse(21U << LX_MFD_HUGE_SHIFT, 0, &f),
	    -LX_EINVAL);
	assert_int_equal(memfd_flags_parse(LX_MFD_HUGETLB |
	    (21U << LX_MFD_HUGE_SHIFT), 0, &f), 0);
	assert_true(f.hugetlb);
	assert_int_equal(f.huge_log, 21);
	assert_int_equal(memfd_flags_parse(LX_MFD_HUGETLB |
	    (63U << LX_MFD_HUGE_SHIFT), 0, &f), 0);
	assert_int_equal(f.huge_log, 63);
}

static void
flags_sysctl(void **state)
{
	struct memfd_flags f;

	(void)state;
	/* scope 1: NOEXEC_SEAL unless MFD_EXEC asked otherwise */
	assert_int_equal(memfd_flags_parse(0, 1, &f), 0);
	assert_int_equal(f.mode, 0666);
	assert_int_equal(f.seals, EXEC);
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC, 1, &f), 0);
	assert_int_equal(f.mode, 0777);
	/* scope 2: anything but NOEXEC_SEAL is refused */
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC, 2, &f), -LX_EACCES);
	assert_int_equal(memfd_flags_parse(0, 2, &f), 0);
	assert_int_equal(f.seals, EXEC);
}

static long
add(uint32_t cur, uint64_t req, bool writable, uint32_t mode, bool *busy)
{
	return memfd_seals_add(cur, req, writable, mode, busy);
}

static void
seals_add_errors(void **state)
{
	bool busy;

	(void)state;
	/* a read-only open file: EPERM, before the bits are looked at */
	assert_int_equal(add(0, 0, false, 0777, &busy), -LX_EPERM);
	assert_int_equal(add(0, 0x40, false, 0777, &busy), -LX_EPERM);
	assert_int_equal(add(0, 0x40, true, 0777, &busy), -LX_EINVAL);
	assert_int_equal(add(0, 0x100000000ULL, true, 0777, &busy),
	    -LX_EINVAL);
	/* F_SEAL_SEAL: EPERM, but unknown bits still EINVAL first */
	assert_int_equal(add(SEAL, 0, true, 0777, &busy), -LX_EPERM);
	assert_int_equal(add(SEAL, 0x40, true, 0777, &busy), -LX_EINVAL);
	assert_int_equal(add(SEAL | GROW, GROW, true, 0777, &busy),
	    -LX_EPERM);
}

static void
seals_add_values(void **state)
{
	bool busy;

	(void)state;
	assert_int_equal(add(0, 0, true, 0777, &busy), 0);
	assert_false(busy);
	assert_int_equal(add(0, SHRINK, true, 0777, &busy), SHRINK);
	assert_int_equal(add(SHRINK, SHRINK, true, 0777, &busy), SHRINK);
	assert_int_equal(add(SHRINK, GROW | SEAL, true, 0777, &busy),
	    SHRINK | GROW | SEAL);
	/* WRITE asks for the busy check only when new */
	assert_int_equal(add(0, WRITE, true, 0777, &busy), WRITE);
	assert_true(busy);
	assert_int_equal(add(WRITE, WRITE | GROW, true, 0777, &busy),
	    WRITE | GROW);
	assert_false(busy);
	assert_int_equal(add(0, FWRITE, true, 0777, &busy), FWRITE);
	assert_false(busy);
}

static void
seals_exec(void **state)
{
	bool busy;

	(void)state;
	/* on an executable file, EXEC implies the write seals (W^X) */
	assert_int_equal(add(0, EXEC, true, 0777, &busy),
	    EXEC | SHRINK | GROW | WRITE | FWRITE);
	assert_true(busy);
	assert_int_equal(add(0, EXEC, true, 0700, &busy),
	    EXEC | SHRINK | GROW | WRITE | FWRITE);
	assert_int_equal(add(0, EXEC, true, 0666, &busy), EXEC);
	assert_false(busy);
	assert_int_equal(add(0, EXEC | SEAL, true, 0600, &busy), EXEC | SEAL);
	/* every single request on a fresh 0777 object, as Linux answered */
	for (uint32_t s = 0; s <= LX_F_SEAL_ALL; s++) {
		long want = (s & EXEC) ? 0x3e | s : s;

		assert_int_equal(add(0, s, true, 0777, &busy), want);
	}
}

static void
enforced(void **state)
{
	(void)state;
	assert_false(memfd_seals_enforced(0));
	assert_false(memfd_seals_enforced(SEAL));
	assert_true(memfd_seals_enforced(SHRINK));
	assert_true(memfd_seals_enforced(GROW));
	assert_true(memfd_seals_enforced(WRITE));
	assert_true(memfd_seals_enforced(FWRITE));
	assert_true(memfd_seals_enforced(EXEC));
}

#define SZ	(3 * 4096 + 100)

static void
write_rules(void **state)
{
	(void)state;
	assert_int_equal(memfd_write_allowed(WRITE, 0, 0, SZ), 0);
	assert_int_equal(memfd_write_allowed(WRITE, 0, 1, SZ), -LX_EPERM);
	assert_int_equal(memfd_write_allowed(FWRITE, 0, 1, SZ), -LX_EPERM);
	assert_int_equal(memfd_write_allowed(SHRINK, SZ, 100, SZ), 100);
	assert_int_equal(memfd_write_allowed(0, 1 << 30, 5, SZ), 5);
	assert_int_equal(memfd_write_allowed(SEAL | EXEC, 0, 9, 0), 9);
}

/* The table tests/diff/memfd_write.c prints, as Linux answered it. */
static void
grow_page_rule(void **state)
{
	static const struct {
		uint64_t pos, len;
		long want;
	} t[] = {
		{ 0, 1, 1 }, { 0, 8192, 8192 }, { 0, 20000, 12288 },
		{ 100, 20000, 12188 }, { 4096, 20000, 8192 },
		{ 8192, 4097, 4097 }, { 8192, 8192, 4096 },
		{ 8242, 4097, 4097 }, { 8242, 8192, 4046 },
		{ 12288, 100, 100 }, { 12288, 101, -LX_EPERM },
		{ 12288, 4096, -LX_EPERM }, { 12338, 1, 1 },
		{ 12338, 100, -LX_EPERM }, { 12388, 1, -LX_EPERM },
		{ 20000, 1, -LX_EPERM }, { 12388, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(memfd_write_allowed(GROW, t[i].pos, t[i].len,
		    SZ), t[i].want);
	/* a page-aligned size: the whole last page may be filled */
	assert_int_equal(memfd_write_allowed(GROW, 4000, 200, 8192), 200);
	assert_int_equal(memfd_write_allowed(GROW, 4000, 8000, 8192), 4192);
	assert_int_equal(memfd_write_allowed(GROW, 8192, 1, 8192),
	    -LX_EPERM);
}

static void
truncate_rules(void **state)
{
	(void)state;
	assert_int_equal(memfd_truncate_check(SHRINK, 100, 10), -LX_EPERM);
	assert_int_equal(memfd_truncate_check(SHRINK, 100, 1000), 0);
	assert_int_equal(memfd_truncate_check(GROW, 100, 1000), -LX_EPERM);
	assert_int_equal(memfd_truncate_check(GROW, 100, 10), 0);
	assert_int_equal(memfd_truncate_check(GROW | SHRINK, 100, 100), 0);
	assert_int_equal(memfd_truncate_check(WRITE | FWRITE, 100, 0), 0);
}

static void
fallocate_rules(void **state)
{
	const int keep = LX_FALLOC_FL_KEEP_SIZE;
	const int punch = LX_FALLOC_FL_PUNCH_HOLE | keep;

	(void)state;
	assert_int_equal(memfd_fallocate_check(WRITE, 0, 0, 4096, SZ), 0);
	assert_int_equal(memfd_fallocate_check(WRITE, 0, 0, 1 << 22, SZ), 0);
	assert_int_equal(memfd_fallocate_check(WRITE, punch, 0, 4096, SZ),
	    -LX_EPERM);
	assert_int_equal(memfd_fallocate_check(FWRITE, punch, 0, 4096, SZ),
	    -LX_EPERM);
	assert_int_equal(memfd_fallocate_check(GROW, 0, 0, 4096, SZ), 0);
	assert_int_equal(memfd_fallocate_check(GROW, 0, 4096, SZ, SZ),
	    -LX_EPERM);
	assert_int_equal(memfd_fallocate_check(GROW, keep, 0, SZ + 1, SZ),
	    -LX_EPERM);
	/* punching never grows */
	assert_int_equal(memfd_fallocate_check(GROW, punch, 0, 1 << 22, SZ),
	    0);
	assert_int_equal(memfd_fallocate_check(SHRINK, punch, 0, 4096, SZ),
	    0);
}

static void
mmap_rules(void **state)
{
	const uint64_t rw = LX_PROT_READ | LX_PROT_WRITE;

	(void)state;
	assert_int_equal(memfd_mmap_check(WRITE, rw, LX_MAP_SHARED, true),
	    MEMFD_MMAP_EPERM);
	assert_int_equal(memfd_mmap_check(FWRITE, LX_PROT_WRITE,
	    LX_MAP_SHARED_VALIDATE, true), MEMFD_MMAP_EPERM);
	assert_int_equal(memfd_mmap_check(WRITE, LX_PROT_READ, LX_MAP_SHARED,
	    true), MEMFD_MMAP_READONLY);
	assert_int_equal(memfd_mmap_check(WRITE, LX_PROT_NONE,
	    LX_MAP_SHARED | LX_MAP_FIXED, true), MEMFD_MMAP_READONLY);
	assert_int_equal(memfd_mmap_check(WRITE, rw, LX_MAP_PRIVATE, true),
	    MEMFD_MMAP_NATIVE);
	/* a read-only fd: the kernel's own EACCES / no VM_MAYWRITE */
	assert_int_equal(memfd_mmap_check(WRITE, rw, LX_MAP_SHARED, false),
	    MEMFD_MMAP_NATIVE);
	assert_int_equal(memfd_mmap_check(GROW | SHRINK, rw, LX_MAP_SHARED,
	    true), MEMFD_MMAP_NATIVE);
}

static void
chmod_rules(void **state)
{
	(void)state;
	assert_int_equal(memfd_chmod_check(EXEC, 0777, 0666), -LX_EPERM);
	assert_int_equal(memfd_chmod_check(EXEC, 0777, 01777), 0);
	assert_int_equal(memfd_chmod_check(EXEC, 0666, 0644), 0);
	assert_int_equal(memfd_chmod_check(EXEC, 0666, 0766), -LX_EPERM);
	assert_int_equal(memfd_chmod_check(WRITE | SEAL, 0777, 0600), 0);
}

/* A host before Linux 6.3 has no exec seal: Linux 6.1's answers. */
static void
before_6_3(void **state)
{
	struct memfd_flags f;
	bool busy;

	(void)state;
	lx_kernel.memfd_exec_seal = false;
	assert_int_equal(memfd_flags_parse(LX_MFD_NOEXEC_SEAL, 0, &f),
	    -LX_EINVAL);
	assert_int_equal(memfd_flags_parse(LX_MFD_EXEC, 0, &f), -LX_EINVAL);
	assert_int_equal(memfd_flags_parse(LX_MFD_ALLOW_SEALING, 0, &f), 0);
	assert_int_equal(f.mode, 0777);
	assert_int_equal(f.seals, 0);
	/* F_SEAL_EXEC is an unknown seal; a read-only file still EPERM */
	assert_int_equal(add(0, EXEC, true, 0777, &busy), -LX_EINVAL);
	assert_int_equal(add(0, EXEC | GROW, true, 0777, &busy), -LX_EINVAL);
	assert_int_equal(add(0, EXEC, false, 0777, &busy), -LX_EPERM);
	assert_int_equal(add(0, SHRINK | GROW, true, 0777, &busy),
	    SHRINK | GROW);
	lx_kernel.memfd_exec_seal = true;
}

/* hugetlbfs with 2 MiB pages, as Linux 6.18 answered natively */
static void
huge_rules(void **state)
{
	const unsigned shift = 21;
	const uint64_t mb = 1 << 20;
	uint64_t pages;

	(void)state;
	assert_int_equal(memfd_huge_truncate_check(shift, 0), 0);
	assert_int_equal(memfd_huge_truncate_check(shift, 2 * mb), 0);
	assert_int_equal(memfd_huge_truncate_check(shift, 4096), -LX_EINVAL);
	assert_int_equal(memfd_huge_truncate_check(shift, 3 * mb), -LX_EINVAL);
	/* offsets must be huge-page aligned; lengths round up */
	assert_int_equal(memfd_huge_mmap_check(shift, 2 * mb, 4096,
	    LX_MAP_SHARED, &pages), -LX_EINVAL);
	assert_int_equal(memfd_huge_mmap_check(shift, 0, 0, LX_MAP_SHARED,
	    &pages), -LX_EINVAL);
	assert_int_equal(memfd_huge_mmap_check(shift, 4096, 0, LX_MAP_SHARED,
	    &pages), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(memfd_huge_mmap_check(shift, 3 * mb, 2 * mb,
	    LX_MAP_PRIVATE, &pages), 0);
	assert_int_equal(pages, 2);
	/* MAP_NORESERVE reserves nothing */
	assert_int_equal(memfd_huge_mmap_check(shift, 3 * mb, 0,
	    LX_MAP_SHARED | LX_MAP_NORESERVE, &pages), 0);
	assert_int_equal(pages, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags_valid),
		cmocka_unit_test(before_6_3),
		cmocka_unit_test(flags_invalid),
		cmocka_unit_test(flags_sysctl),
		cmocka_unit_test(seals_add_errors),
		cmocka_unit_test(seals_add_values),
		cmocka_unit_test(seals_exec),
		cmocka_unit_test(enforced),
		cmocka_unit_test(write_rules),
		cmocka_unit_test(grow_page_rule),
		cmocka_unit_test(truncate_rules),
		cmocka_unit_test(fallocate_rules),
		cmocka_unit_test(mmap_rules),
		cmocka_unit_test(chmod_rules),
		cmocka_unit_test(huge_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
