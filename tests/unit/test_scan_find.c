/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun scan: finding the syscall number of a site on small byte
 * sequences (assembled from the snippet in each comment): immediates in
 * the block and in predecessors, several paths, glibc's syscall() and
 * its callers, glibc's internal pattern, Go's stubs and callers in both
 * ABIs, spills across calls, and what stays unknown.  Also the
 * ld.so.cache reader on a hand-made cache.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elf/scan_int.h"

#define BASE 0x401000

/* mov $39,%eax; syscall */
static const uint8_t imm_block[] = {
	0xb8, 0x27, 0x00, 0x00, 0x00, 0x0f, 0x05
};
/* mov $60,%eax; test %edi,%edi; jne 1f; nop; 1: syscall */
static const uint8_t pred_chain[] = {
	0xb8, 0x3c, 0x00, 0x00, 0x00, 0x85, 0xff, 0x75, 0x01, 0x90, 0x0f, 0x05
};
/* test %edi,%edi; je 1f; mov $0,%eax; jmp 2f; 1: mov $1,%eax; 2: syscall */
static const uint8_t two_paths[] = {
	0x85, 0xff, 0x74, 0x07, 0xb8, 0x00, 0x00, 0x00, 0x00, 0xeb, 0x05, 0xb8, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x05
};
/* xor %eax,%eax; syscall */
static const uint8_t xor_zero[] = {
	0x31, 0xc0, 0x0f, 0x05
};
/* mov %rdi,%rax; mov %rsi,%rdi; mov %rdx,%rsi; mov %rcx,%rdx; mov %r8,%r10; mov %r9,%r8; mov 8(%rsp),%r9; syscall; ret */
static const uint8_t glibc_syscall_fn[] = {
	0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x48, 0x89, 0xd6, 0x48, 0x89, 0xca, 0x4d, 0x89, 0xc2, 0x4d, 0x89, 0xc8, 0x4c, 0x8b, 0x4c, 0x24, 0x08, 0x0f, 0x05, 0xc3
};
/* push %rbx; mov $186,%edi; xor %eax,%eax; call .+0x100; pop %rbx; ret */
static const uint8_t glibc_caller[] = {
	0x53, 0xbf, 0xba, 0x00, 0x00, 0x00, 0x31, 0xc0, 0xe8, 0xfb, 0x00, 0x00, 0x00, 0x5b, 0xc3
};
/* mov $0xe7,%esi; mov $0x3c,%edx; jmp 2f; nopl 0(%rax,%rax,1); 1: mov %edx,%eax; syscall; jmp 1b; 2: mov %esi,%eax; syscall; jmp 1b */
static const uint8_t glibc_exit[] = {
	0xbe, 0xe7, 0x00, 0x00, 0x00, 0xba, 0x3c, 0x00, 0x00, 0x00, 0xeb, 0x0a, 0x0f, 0x1f, 0x04, 0x00, 0x89, 0xd0, 0x0f, 0x05, 0xeb, 0xfa, 0x89, 0xf0, 0x0f, 0x05, 0xeb, 0xf4
};
/* mov %rbx,%rdi; mov %rcx,%rsi; syscall; ret */
static const uint8_t go_internal_stub[] = {
	0x48, 0x89, 0xdf, 0x48, 0x89, 0xce, 0x0f, 0x05, 0xc3
};
/* mov $1,%eax; mov $2,%ebx; call .+0x200; ret */
static const uint8_t go_internal_caller[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x02, 0x00, 0x00, 0x00, 0xe8, 0xfb, 0x01, 0x00, 0x00, 0xc3
};
/* mov 0x8(%rsp),%rax; mov 0x10(%rsp),%rdi; syscall; ret */
static const uint8_t go_abi0_stub[] = {
	0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x8b, 0x7c, 0x24, 0x10, 0x0f, 0x05, 0xc3
};
/* sub $0x28,%rsp; movq $0x3,(%rsp); movq $4,8(%rsp); call .+0x300; add $0x28,%rsp; ret */
static const uint8_t go_abi0_caller[] = {
	0x48, 0x83, 0xec, 0x28, 0x48, 0xc7, 0x04, 0x24, 0x03, 0x00, 0x00, 0x00, 0x48, 0xc7, 0x44, 0x24, 0x08, 0x04, 0x00, 0x00, 0x00, 0xe8, 0xfb, 0x02, 0x00, 0x00, 0x48, 0x83, 0xc4, 0x28, 0xc3
};
/* sub $0x18,%rsp; mov %rax,0x20(%rsp); call .+0x400; mov 0x20(%rsp),%rax; add $0x18,%rsp; jmp .+0x500 */
static const uint8_t go_spill[] = {
	0x48, 0x83, 0xec, 0x18, 0x48, 0x89, 0x44, 0x24, 0x20, 0xe8, 0xfb, 0x03, 0x00, 0x00, 0x48, 0x8b, 0x44, 0x24, 0x20, 0x48, 0x83, 0xc4, 0x18, 0xe9, 0xfb, 0x04, 0x00, 0x00
};
/* push $0x27; pop %rax; syscall */
static const uint8_t push_pop[] = {
	0x6a, 0x27, 0x58, 0x0f, 0x05
};
/* mov $1,%eax; mov $2,%ecx; test %edi,%edi; cmove %ecx,%eax; syscall */
static const uint8_t cmov[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xb9, 0x02, 0x00, 0x00, 0x00, 0x85, 0xff, 0x0f, 0x44, 0xc1, 0x0f, 0x05
};
/* mov (%rbx),%eax; syscall */
static const uint8_t from_memory[] = {
	0x8b, 0x03, 0x0f, 0x05
};
/* call .+0x100; syscall */
static const uint8_t from_call[] = {
	0xe8, 0xfb, 0x00, 0x00, 0x00, 0x0f, 0x05
};
/* mov $1,%eax; add %edi,%eax; syscall */
static const uint8_t arith[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x01, 0xf8, 0x0f, 0x05
};
/* jmp *%rax; syscall */
static const uint8_t indirect[] = {
	0xff, 0xe0, 0x0f, 0x05
};
/* mov $1,%eax; int $0x80 */
static const uint8_t int80[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x80
};
/* mov $20,%eax; sysenter */
static const uint8_t sysenter[] = {
	0xb8, 0x14, 0x00, 0x00, 0x00, 0x0f, 0x34
};
/* mov $7,%eax; 1: syscall; cmp $-4,%rax; je 1b; ret */
static const uint8_t loop_retry[] = {
	0xb8, 0x07, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x83, 0xf8, 0xfc, 0x74, 0xf8, 0xc3
};

static struct decoder *dec;
static struct func fn;

static int
setup(void **state)
{
	dec = decoder_new();
	return dec == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	func_clear(&fn);
	decoder_free(dec);
	return 0;
}

static void
decode(const uint8_t *code, size_t n)
{
	func_clear(&fn);
	memset(&fn, 0, sizeof(fn));
	fn.start = BASE;
	fn.end = BASE + n;
	fn.entry = true;
	assert_int_equal(decode_func(dec, &fn, code), 0);
}

/* Index of the nth instruction with this op. */
static int
nth(uint8_t op, int n)
{
	for (int i = 0; i < fn.nin; i++)
		if (fn.in[i].op == op && n-- == 0)
			return i;
	fail_msg("no instruction with op %d", op);
	return -1;
}

static struct finding
at(uint8_t op, int n, struct loc l, bool go)
{
	struct finding f;

	find_value(&fn, nth(op, n), l, go, &f);
	return f;
}

static const struct loc rax = { R_AX, 0 };

#define DECODE(a) decode((a), sizeof(a))

/* The values found are exactly these (in any order), nothing unknown. */
static void
expect_values(const struct finding *f, int n, const long *v)
{
	assert_null(f->unknown);
	assert_int_equal(f->nargs, 0);
	assert_int_equal(f->nvalues, n);
	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int j = 0; j < f->nvalues; j++)
			seen |= f->value[j] == v[i];
		assert_true(seen);
	}
}

#define EXPECT(f, ...) do {						\
	const long v_[] = { __VA_ARGS__ };				\
	expect_values(&(f), (int)(sizeof(v_) / sizeof(v_[0])), v_);	\
} while (0)

static void
expect_arg(const struct finding *f, uint8_t reg, int32_t slot)
{
	assert_null(f->unknown);
	assert_int_equal(f->nvalues, 0);
	assert_int_equal(f->nargs, 1);
	assert_int_equal(f->arg[0].reg, reg);
	if (reg == R_NONE)
		assert_int_equal(f->arg[0].slot, slot);
}

static void
expect_unknown(const struct finding *f)
{
	assert_non_null(f->unknown);
}

static void
test_immediate_in_block(void **state)
{
	struct finding f;

	DECODE(imm_block);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 39);
}

static void
test_predecessor_chain(void **state)
{
	struct finding f;

	DECODE(pred_chain);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 60);
}

static void
test_two_paths_give_both(void **state)
{
	struct finding f;

	DECODE(two_paths);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 0, 1);
}

static void
test_xor_is_zero(void **state)
{
	struct finding f;

	DECODE(xor_zero);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 0);
}

static void
test_push_pop(void **state)
{
	struct finding f;

	DECODE(push_pop);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 39);
}

static void
test_cmov_gives_both(void **state)
{
	struct finding f;

	DECODE(cmov);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 1, 2);
}

/* glibc's _exit: the numbers are in esi and edx, set before a jump. */
static void
test_glibc_internal_syscall(void **state)
{
	struct finding f;

	DECODE(glibc_exit);
	f = at(OP_SYSCALL, 0, rax, false);
	EXPECT(f, 60);
	f = at(OP_SYSCALL, 1, rax, false);
	EXPECT(f, 231);
}

/* A retry loop: the number is kept, the syscall's result is not it. */
static void
test_retry_loop(void **state)
{
	struct finding f;

	DECODE(loop_retry);
	f = at(OP_SYSCALL, 0, rax, false);
	/* the back edge brings the previous call's result: unknown */
	assert_int_equal(f.nvalues, 1);
	assert_int_equal(f.value[0], 7);
	expect_unknown(&f);
}

/* syscall(nr, ...): the number is the function's first argument. */
static void
test_glibc_syscall_function(void **state)
{
	struct finding f;

	DECODE(glibc_syscall_fn);
	f = at(OP_SYSCALL, 0, rax, false);
	expect_arg(&f, R_DI, 0);
}

static void
test_glibc_syscall_caller(void **state)
{
	struct loc rdi = { R_DI, 0 };
	struct finding f;

	DECODE(glibc_caller);
	f = at(OP_CALL, 0, loc_at_call(rdi, false), false);
	EXPECT(f, 186);
}

/* Go ABIInternal: Syscall6's number comes in AX. */
static void
test_go_internal_stub_and_caller(void **state)
{
	struct finding f;

	DECODE(go_internal_stub);
	f = at(OP_SYSCALL, 0, rax, true);
	expect_arg(&f, R_AX, 0);
	DECODE(go_internal_caller);
	f = at(OP_CALL, 0, loc_at_call(rax, false), true);
	EXPECT(f, 1);
}

/* Go ABI0: the number is at 8(SP) in the stub, 0(SP) in the caller. */
static void
test_go_abi0_stub_and_caller(void **state)
{
	struct finding f;

	DECODE(go_abi0_stub);
	f = at(OP_SYSCALL, 0, rax, true);
	expect_arg(&f, R_NONE, 8);
	DECODE(go_abi0_caller);
	f = at(OP_CALL, 0, loc_at_call(f.arg[0], false), true);
	EXPECT(f, 3);
}

/* A Go wrapper spills AX around a call, then tail-jumps with it. */
static void
test_spill_across_call(void **state)
{
	struct finding f;

	DECODE(go_spill);
	f = at(OP_JMP, 0, loc_at_call(rax, true), true);
	expect_arg(&f, R_AX, 0);
	/* without the spill, AX would not survive a Go call */
	f = at(OP_CALL, 0, rax, true);
	expect_arg(&f, R_AX, 0);
}

static void
test_int80_and_sysenter(void **state)
{
	struct finding f;

	DECODE(int80);
	f = at(OP_INT80, 0, rax, false);
	EXPECT(f, 1);
	DECODE(sysenter);
	f = at(OP_SYSENTER, 0, rax, false);
	EXPECT(f, 20);
}

static void
test_unknown_from_memory(void **state)
{
	struct finding f;

	DECODE(from_memory);
	f = at(OP_SYSCALL, 0, rax, false);
	expect_unknown(&f);
	assert_int_equal(f.nvalues, 0);
}

static void
test_unknown_from_call(void **state)
{
	struct finding f;

	DECODE(from_call);
	f = at(OP_SYSCALL, 0, rax, false);
	expect_unknown(&f);
	assert_int_equal(f.nvalues, 0);
}

static void
test_unknown_arithmetic(void **state)
{
	struct finding f;

	DECODE(arith);
	f = at(OP_SYSCALL, 0, rax, false);
	expect_unknown(&f);
	assert_int_equal(f.nvalues, 0);
}

static void
test_unknown_after_indirect_jump(void **state)
{
	struct finding f;

	DECODE(indirect);
	f = at(OP_SYSCALL, 0, rax, false);
	expect_unknown(&f);
}

/* Code not known to start a function has no arguments to name. */
static void
test_no_arguments_outside_functions(void **state)
{
	struct finding f;

	DECODE(glibc_syscall_fn);
	fn.entry = false;
	f = at(OP_SYSCALL, 0, rax, false);
	expect_unknown(&f);
	assert_int_equal(f.nargs, 0);
}

/* A byte pair 0f 05 inside another instruction is no site. */
static void
test_no_site_inside_an_instruction(void **state)
{
	/* mov $0x050f, %eax; ret */
	static const uint8_t code[] = { 0xb8, 0x0f, 0x05, 0x00, 0x00, 0xc3 };

	DECODE(code);
	assert_int_equal(func_index(&fn, BASE + 1), -1);
	assert_int_equal(fn.in[0].op, OP_MOV_IMM);
}

/* A new-format ld.so.cache: the x86-64 entry, the baseline preferred. */
static void
test_ldcache_lookup(void **state)
{
	uint8_t c[48 + 3 * 24 + 128];
	uint32_t v;
	uint64_t hw = 1ULL << 62;
	const char strs[] = "libz.so.1\0/lib32/libz.so.1\0/hw/libz.so.1\0"
	    "/lib/libz.so.1";
	const size_t so = 48 + 3 * 24;

	memset(c, 0, sizeof(c));
	memcpy(c, "glibc-ld.so.cache1.1", 20);
	v = 3;
	memcpy(c + 20, &v, 4);
	memcpy(c + so, strs, sizeof(strs));
	/* an i386 entry, an hwcaps one, then the baseline x86-64 one */
	{
		const uint32_t flags[3] = { 0x0803, 0x0303, 0x0303 };
		const uint32_t val[3] = { 10, 27, 41 };

		for (int i = 0; i < 3; i++) {
			uint8_t *e = c + 48 + 24 * i;
			uint32_t key = (uint32_t)so;
			uint32_t value = (uint32_t)so + val[i];

			memcpy(e, &flags[i], 4);
			memcpy(e + 4, &key, 4);
			memcpy(e + 8, &value, 4);
			if (i == 1)
				memcpy(e + 16, &hw, 8);
		}
	}
	assert_string_equal(ldcache_lookup(c, sizeof(c), "libz.so.1"),
	    "/lib/libz.so.1");
	assert_null(ldcache_lookup(c, sizeof(c), "libm.so.6"));
	/* a truncated cache is refused, not read past its end */
	assert_null(ldcache_lookup(c, 60, "libz.so.1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_immediate_in_block),
		cmocka_unit_test(test_predecessor_chain),
		cmocka_unit_test(test_two_paths_give_both),
		cmocka_unit_test(test_xor_is_zero),
		cmocka_unit_test(test_push_pop),
		cmocka_unit_test(test_cmov_gives_both),
		cmocka_unit_test(test_glibc_internal_syscall),
		cmocka_unit_test(test_retry_loop),
		cmocka_unit_test(test_glibc_syscall_function),
		cmocka_unit_test(test_glibc_syscall_caller),
		cmocka_unit_test(test_go_internal_stub_and_caller),
		cmocka_unit_test(test_go_abi0_stub_and_caller),
		cmocka_unit_test(test_spill_across_call),
		cmocka_unit_test(test_int80_and_sysenter),
		cmocka_unit_test(test_unknown_from_memory),
		cmocka_unit_test(test_unknown_from_call),
		cmocka_unit_test(test_unknown_arithmetic),
		cmocka_unit_test(test_unknown_after_indirect_jump),
		cmocka_unit_test(test_no_arguments_outside_functions),
		cmocka_unit_test(test_no_site_inside_an_instruction),
		cmocka_unit_test(test_ldcache_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
