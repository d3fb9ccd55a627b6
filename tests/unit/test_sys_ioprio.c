/* SPDX-License-Identifier: BSD-2-Clause */
/* ioprio_set/get: validation, per-thread state, inheritance, groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fake_guest.h"
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/ioprio.h"

#define VAL(c, l)	((int)LX_IOPRIO_PRIO_VALUE((c), (l)))
#define ALLCAPS		0x1ffffffffffULL

/* Fake host facts: tids 100.. with their pgrp/uid/nice/policy/caps. */
static struct lx_task_info fake[8];
static int host_prio[8];		/* what the host ioprio_get says */

static int
fake_info(int tid, struct lx_task_info *ti)
{
	if (tid < 100 || tid >= 108)
		return -LX_ESRCH;
	*ti = fake[tid - 100];
	return 0;
}

static long
fake_syscall(struct fake_guest *fg, long nr, const uint64_t a[6])
{
	int t = (int)a[1];

	if (nr == LX_NR_ioprio_get && t >= 100 && t < 108)
		return host_prio[t - 100];
	if (nr == LX_NR_kill)	/* kill(who, 0): who is the first */
		return (int)a[0] >= 100 && (int)a[0] < 120 ? 0 : -LX_ESRCH;
	return -LX_ENOSYS;
}

static int
setup(void **state)
{
	lx_ioprio_reset();
	lx_ioprio_task_info = fake_info;
	for (int i = 0; i < 8; i++) {
		memset(&fake[i], 0, sizeof(fake[i]));
		fake[i].pgrp = 100;
		fake[i].cap_eff = ALLCAPS;
		host_prio[i] = 0;
	}
	return 0;
}

static struct lx_action
call(int tid, int set, int which, int who, int prio, struct fake_guest *fg)
{
	struct lx_call c = { .tid = tid, .pid = tid };

	fg_init(fg);
	fg->syscall = fake_syscall;
	fg->g.tid = tid;
	c.arg[0] = (uint64_t)which;
	c.arg[1] = (uint64_t)(uint32_t)who;
	c.arg[2] = (uint64_t)(uint32_t)prio;
	return set ? lx_sys_ioprio_set(&c, &fg->g) :
	    lx_sys_ioprio_get(&c, &fg->g);
}

static long
ret(struct lx_action a)
{
	assert_int_equal(a.kind, LX_RETURN);
	return a.value;
}

static long
set(int tid, int which, int who, int prio)
{
	struct fake_guest fg;

	return ret(call(tid, 1, which, who, prio, &fg));
}

static long
get(int tid, int which, int who)
{
	struct fake_guest fg;

	return ret(call(tid, 0, which, who, 0, &fg));
}

static void
test_check(void **state)
{
	assert_int_equal(lx_ioprio_check(VAL(1, 0), ALLCAPS), 0);
	assert_int_equal(lx_ioprio_check(VAL(1, 0), 0), -LX_EPERM);
	assert_int_equal(lx_ioprio_check(VAL(1, 0),
	    1ULL << LX_CAP_SYS_NICE), 0);
	assert_int_equal(lx_ioprio_check(VAL(1, 0),
	    1ULL << LX_CAP_SYS_ADMIN), 0);
	assert_int_equal(lx_ioprio_check(VAL(2, 7), 0), 0);
	assert_int_equal(lx_ioprio_check(VAL(2, 8), 0), 0);	/* a hint */
	assert_int_equal(lx_ioprio_check(VAL(3, 5), 0), 0);
	assert_int_equal(lx_ioprio_check(VAL(0, 0), 0), 0);
	assert_int_equal(lx_ioprio_check(VAL(0, 5), 0), -LX_EINVAL);
	assert_int_equal(lx_ioprio_check(VAL(0, 8), 0), 0);	/* hint only */
	for (int cl = 4; cl < 8; cl++)
		assert_int_equal(lx_ioprio_check(VAL(cl, 0), ALLCAPS),
		    -LX_EINVAL);
	assert_int_equal(lx_ioprio_check(-1, ALLCAPS), -LX_EINVAL);
}

static void
test_process(void **state)
{
	/* Fresh thread: class NONE, 0, read from the host once. */
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), 0);
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(2, 7)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), VAL(2, 7));
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 100), VAL(2, 7));
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(3, 0)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
	/* Stored as 16 bits, as ioc->ioprio. */
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0,
	    0x10000 | VAL(2, 3)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), VAL(2, 3));
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(0, 0)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), 0);
	/* Errors, in Linux's order. */
	assert_int_equal(set(100, 9, 0, VAL(2, 0)), -LX_EINVAL);
	assert_int_equal(set(100, 9, 0, VAL(5, 0)), -LX_EINVAL);
	assert_int_equal(get(100, 0, 0), -LX_EINVAL);
	assert_int_equal(get(100, 4, 0), -LX_EINVAL);
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, -3, VAL(2, 0)),
	    -LX_ESRCH);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, -3), -LX_ESRCH);
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 999999, VAL(2, 0)),
	    -LX_ESRCH);
	fake[0].cap_eff = 0;
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(1, 0)),
	    -LX_EPERM);
	assert_int_equal(set(100, 9, 0, VAL(1, 0)), -LX_EPERM);
}

/* A seeded value comes from the host (inherited from outside lxrun). */
static void
test_seed(void **state)
{
	host_prio[1] = VAL(3, 0);
	assert_int_equal(get(101, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
	/* Later host changes no longer matter: the supervisor owns it. */
	host_prio[1] = VAL(2, 2);
	assert_int_equal(get(101, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
}

static void
test_untraced(void **state)
{
	struct fake_guest fg;

	/* Existing but untraced: the host syscall. */
	assert_int_equal(call(100, 0, LX_IOPRIO_WHO_PROCESS, 110, 0,
	    &fg).kind, LX_NATIVE);
	assert_int_equal(call(100, 1, LX_IOPRIO_WHO_PROCESS, 110, VAL(2, 1),
	    &fg).kind, LX_NATIVE);
}

static void
test_inherit(void **state)
{
	bool seeded;
	int p;

	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(3, 0)), 0);
	lx_ioprio_clone(100, 101, false);
	assert_int_equal(get(101, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
	lx_ioprio_clone(100, 102, true);
	assert_int_equal(get(102, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
	/* Per thread: the sibling's change stays its own. */
	assert_int_equal(set(102, LX_IOPRIO_WHO_PROCESS, 0, VAL(2, 1)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 0), VAL(3, 0));
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 102), VAL(2, 1));
	/* A NONE value is not copied: the child reads 0. */
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 0, VAL(0, 0) | 8), 0);
	lx_ioprio_clone(100, 103, false);
	assert_int_equal(get(103, LX_IOPRIO_WHO_PROCESS, 0), 0);
	/* An unseeded parent's child stays the host's. */
	lx_ioprio_clone(104, 105, false);
	assert_true(lx_ioprio_peek(105, &seeded, &p));
	assert_false(seeded);
	host_prio[5] = VAL(2, 6);
	assert_int_equal(get(105, LX_IOPRIO_WHO_PROCESS, 0), VAL(2, 6));
	/* Exit forgets it. */
	lx_ioprio_exit(105);
	assert_false(lx_ioprio_peek(105, &seeded, &p));
}

static void
test_groups(void **state)
{
	struct fake_guest fg;

	lx_ioprio_clone(100, 101, false);
	lx_ioprio_clone(100, 102, false);
	fake[2].pgrp = 102;
	/* Nobody set anything: NONE becomes BE (nice 0) level 4. */
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 0), VAL(2, 4));
	fake[1].nice = 19;
	fake[0].nice = 19;
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 0), VAL(2, 7));
	fake[1].policy = LX_SCHED_FIFO;
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 100), VAL(1, 7));
	fake[1].policy = LX_SCHED_IDLE;
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 100), VAL(2, 7));
	/* Set the whole group; the other group is untouched. */
	assert_int_equal(set(100, LX_IOPRIO_WHO_PGRP, 0, VAL(3, 0)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 101), VAL(3, 0));
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 102), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 0), VAL(3, 0));
	/* Best = numerically smallest. */
	assert_int_equal(set(101, LX_IOPRIO_WHO_PROCESS, 0, VAL(2, 5)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, 0), VAL(2, 5));
	assert_int_equal(get(100, LX_IOPRIO_WHO_PGRP, -1), -LX_ESRCH);
	/* A group without traced members goes to the host. */
	assert_int_equal(call(100, 0, LX_IOPRIO_WHO_PGRP, 4242, 0, &fg).kind,
	    LX_NATIVE);
	/* USER: by real uid; 0 = the caller's. */
	fake[2].uid = 54321;
	assert_int_equal(set(100, LX_IOPRIO_WHO_USER, 54321, VAL(2, 2)), 0);
	assert_int_equal(get(100, LX_IOPRIO_WHO_USER, 54321), VAL(2, 2));
	assert_int_equal(get(100, LX_IOPRIO_WHO_PROCESS, 102), VAL(2, 2));
	assert_int_equal(get(102, LX_IOPRIO_WHO_USER, 0), VAL(2, 2));
	/* set(USER, 0) targets uid 0 (Linux 6.18), get(USER, 0) the caller. */
	assert_int_equal(set(102, LX_IOPRIO_WHO_USER, 0, VAL(3, 1)), 0);
	assert_int_equal(get(102, LX_IOPRIO_WHO_PROCESS, 100), VAL(3, 1));
	assert_int_equal(get(102, LX_IOPRIO_WHO_PROCESS, 102), VAL(2, 2));
	/* EPERM: another user's thread, without CAP_SYS_NICE. */
	fake[0].cap_eff = 0;
	assert_int_equal(set(100, LX_IOPRIO_WHO_USER, 54321, VAL(2, 1)),
	    -LX_EPERM);
	assert_int_equal(set(100, LX_IOPRIO_WHO_PROCESS, 102, VAL(2, 1)),
	    -LX_EPERM);
}

static void
test_effective(void **state)
{
	struct lx_task_info ti = { .nice = -20, .policy = LX_SCHED_OTHER };

	assert_int_equal(lx_ioprio_effective(0, &ti), VAL(2, 0));
	ti.nice = 5;
	assert_int_equal(lx_ioprio_effective(0, &ti), VAL(2, 5));
	ti.policy = LX_SCHED_RR;
	assert_int_equal(lx_ioprio_effective(VAL(0, 0) | 8, &ti), VAL(1, 5));
	assert_int_equal(lx_ioprio_effective(VAL(3, 0), &ti), VAL(3, 0));
	assert_int_equal(lx_ioprio_best(VAL(1, 7), VAL(2, 0)), VAL(1, 7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_check, setup),
		cmocka_unit_test_setup(test_process, setup),
		cmocka_unit_test_setup(test_seed, setup),
		cmocka_unit_test_setup(test_untraced, setup),
		cmocka_unit_test_setup(test_inherit, setup),
		cmocka_unit_test_setup(test_groups, setup),
		cmocka_unit_test_setup(test_effective, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
