/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seccomp filter generator: the program is run here by a small BPF
 * interpreter over synthetic seccomp_data, so each verdict is checked
 * without installing anything.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "tracer/tracer.h"

/* Run a classic BPF program as seccomp would (only what we generate). */
static uint32_t
bpf_run(const struct sock_fprog *p, const struct seccomp_data *d)
{
	uint32_t a = 0;
	unsigned pc = 0;

	while (pc < p->len) {
		const struct sock_filter *f = &p->filter[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k + 4 <= sizeof(*d));
			memcpy(&a, (const char *)d + f->k, 4);
			pc++;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += 1 + (a == f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += 1 + (a >= f->k ? f->jt : f->jf);
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += 1 + (a > f->k ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			fail_msg("unexpected BPF op %#x", f->code);
		}
	}
	fail_msg("fell off the end of the program");
	return 0;
}

static uint32_t
verdict(const struct sock_fprog *p, uint32_t arch, long nr, uint64_t arg1)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = arch;
	d.nr = (int)nr;
	d.args[1] = arg1;
	return bpf_run(p, &d);
}

#define TRACE(data)	(SECCOMP_RET_TRACE | (data))
#define ALLOW		SECCOMP_RET_ALLOW
#define ENOSYS_ANSWER	(SECCOMP_RET_ERRNO | LX_ENOSYS)

static void
default_options(void)
{
	lx_opt.trap_all = false;
	lx_opt.emulate = ~0u;
}

static void
test_traps_exactly_what_dispatch_needs(void **state)
{
	struct sock_fprog p;

	default_options();
	assert_int_equal(filter_build(&p, false), 0);
	for (long nr = 0; nr < LX_NR_MAX + 10; nr++) {
		uint32_t v = verdict(&p, AUDIT_ARCH_X86_64, nr, 0);

		if (lx_dispatch_traps(nr))
			assert_int_equal(v, TRACE(LX_FILTER_DATA_X86_64));
		else if (lx_dispatch_answer(nr) != 0)
			assert_int_equal(v, SECCOMP_RET_ERRNO |
			    (uint32_t)lx_dispatch_answer(nr));
		else
			assert_int_equal(v, ALLOW);
	}
	/*
	 * Plain calls run untouched, emulated ones stop, unknown ones and
	 * rseq get their fixed ENOSYS from the filter without a stop.
	 */
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_read, 0), ALLOW);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_getppid, 0),
	    ALLOW);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_getrandom, 0),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, 500, 0),
	    ENOSYS_ANSWER);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, 400, 0),
	    ENOSYS_ANSWER);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_rseq, 0),
	    ENOSYS_ANSWER);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_vserver, 0),
	    ENOSYS_ANSWER);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, 0x3fffffff, 0),
	    ENOSYS_ANSWER);
	free(p.filter);
}

static void
test_other_abis_always_trap(void **state)
{
	struct sock_fprog p;

	default_options();
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict(&p, AUDIT_ARCH_I386, 20, 0),
	    TRACE(LX_FILTER_DATA_I386));
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64,
	    LX_X32_SYSCALL_BIT | LX_NR_read, 0), TRACE(LX_FILTER_DATA_X32));
	free(p.filter);
}

static void
test_emulate_none_traps_only_unknown(void **state)
{
	struct sock_fprog p;

	default_options();
	lx_opt.emulate = 0;
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_getrandom, 0),
	    ALLOW);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_statx, 0),
	    ALLOW);
	/* rseq runs natively; missing rows still get lxrun's ENOSYS */
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_rseq, 0),
	    ALLOW);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_vserver, 0),
	    ENOSYS_ANSWER);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, 1000, 0),
	    ENOSYS_ANSWER);
	free(p.filter);
}

static void
test_trap_all(void **state)
{
	struct sock_fprog p;
	struct lx_trap_arg rules[16];
	int nrules;

	default_options();
	lx_opt.trap_all = true;
	nrules = lx_trap_args(rules, 16);
	assert_int_equal(filter_build(&p, false), 0);
	for (long nr = 0; nr < 600; nr++)
		assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, nr, 0),
		    TRACE(LX_FILTER_DATA_X86_64));
	/* one range, not one test per call */
	assert_true(p.len <= 10 + 5 * nrules);
	free(p.filter);
	lx_opt.trap_all = false;
}

static void
test_argument_rule(void **state)
{
	struct sock_fprog p;

	default_options();
	lx_trap_arg_add(LX_NR_fcntl, 1, 0x7777, LX_FAM_MEMFD);
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_fcntl, 0x7777),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_fcntl,
	    LX_F_GETFL), ALLOW);
	free(p.filter);
	/* a family switched off takes its rules with it */
	lx_opt.emulate = ~(1u << LX_FAM_MEMFD);
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_fcntl, 0x7777),
	    ALLOW);
	free(p.filter);
}

/* Someone who wants to see an answered call makes it stop again. */
static void
test_answer_yields_to_observers(void **state)
{
	struct sock_fprog p;

	default_options();
	lx_trap_arg_add(LX_NR_rseq, 1, 0x20, LX_FAM_MEMFD);
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_rseq, 0x20),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_rseq, 0),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict(&p, AUDIT_ARCH_X86_64, LX_NR_vserver, 0),
	    ENOSYS_ANSWER);
	free(p.filter);
}

static uint32_t
verdict_args(const struct sock_fprog *p, long nr, const uint64_t args[6])
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.arch = AUDIT_ARCH_X86_64;
	d.nr = (int)nr;
	memcpy(d.args, args, sizeof(d.args));
	return bpf_run(p, &d);
}

#define NOTIF		SECCOMP_RET_USER_NOTIF
#define MARK(v)		((uint64_t)NOTIFY_MARK << 32 | (uint32_t)(v))

/*
 * The calls a handler answers at once go to the listener, exactly while
 * their argument says so; a marked call, or --trap=all, takes a stop.
 */
static void
test_notify_rules(void **state)
{
	struct sock_fprog p;
	const uint64_t slice = 1u << 20;

	default_options();
	lx_opt.notify = true;
	assert_int_equal(filter_build(&p, true), 0);
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, 1, 0 }), NOTIF);
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, slice, 0 }), NOTIF);
	/* a longer one parks between slices: a stop */
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, slice + 1, 0 }), TRACE(LX_FILTER_DATA_X86_64));
	/* size_t: the high half counts */
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, 1ULL << 32 | 1, 0 }),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, 1, MARK(0) }), TRACE(LX_FILTER_DATA_X86_64));
	/* epoll_wait: timeout 0 only; an int, whatever its high half */
	assert_int_equal(verdict_args(&p, LX_NR_epoll_wait,
	    (uint64_t[6]){ 3, 0x1000, 4, 0 }), NOTIF);
	assert_int_equal(verdict_args(&p, LX_NR_epoll_pwait,
	    (uint64_t[6]){ 3, 0x1000, 4, 0x500000000ULL }), NOTIF);
	assert_int_equal(verdict_args(&p, LX_NR_epoll_wait,
	    (uint64_t[6]){ 3, 0x1000, 4, 0xffffffff }),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict_args(&p, LX_NR_epoll_wait,
	    (uint64_t[6]){ MARK(3), 0x1000, 4, 0 }),
	    TRACE(LX_FILTER_DATA_X86_64));
	/* the rest as in the plain filter; the exec stops (the listener) */
	assert_int_equal(verdict_args(&p, LX_NR_execve, (uint64_t[6]){ 0 }),
	    TRACE(LX_FILTER_DATA_X86_64));
	assert_int_equal(verdict_args(&p, LX_NR_getppid, (uint64_t[6]){ 0 }),
	    ALLOW);
	assert_int_equal(verdict(&p, AUDIT_ARCH_I386, LX_NR_getrandom, 1),
	    TRACE(LX_FILTER_DATA_I386));
	free(p.filter);
	assert_int_equal(filter_build(&p, false), 0);
	assert_int_equal(verdict_args(&p, LX_NR_getrandom,
	    (uint64_t[6]){ 0x1000, 1, 0 }), TRACE(LX_FILTER_DATA_X86_64));
	free(p.filter);
	lx_opt.trap_all = true;
	assert_int_equal(filter_build(&p, true), -ENOENT);
	lx_opt.trap_all = false;
	lx_opt.notify = false;
	assert_int_equal(filter_build(&p, true), -ENOENT);
	lx_opt.notify = true;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traps_exactly_what_dispatch_needs),
		cmocka_unit_test(test_other_abis_always_trap),
		cmocka_unit_test(test_emulate_none_traps_only_unknown),
		cmocka_unit_test(test_trap_all),
		cmocka_unit_test(test_argument_rule),
		cmocka_unit_test(test_notify_rules),
		/* last: its rule stays registered */
		cmocka_unit_test(test_answer_yields_to_observers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
