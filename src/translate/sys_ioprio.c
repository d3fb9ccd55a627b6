/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ioprio_set(2) / ioprio_get(2), kept per thread in the supervisor (a BSD
 * host has no I/O priorities; NetBSD's compat layer answers ENOSYS).
 *
 * Linux 6.18 (block/ioprio.c, block/blk-ioc.c):
 *   - ioprio_check_cap() first: class RT needs CAP_SYS_ADMIN or
 *     CAP_SYS_NICE (EPERM); BE and IDLE take any data (level in bits 0-2,
 *     hints in bits 3-12); NONE only with level 0; classes 4-7 EINVAL;
 *   - then which: PROCESS (who = a thread id, 0 = caller), PGRP (every
 *     thread of the group, 0 = caller's), USER (every thread whose real
 *     uid is who; 0 = caller's for get, but uid 0 for set); anything
 *     else EINVAL; nobody: ESRCH;
 *   - set needs the target's real uid to be the caller's real or
 *     effective uid, or CAP_SYS_NICE (EPERM, stops a PGRP/USER walk);
 *     the value is stored truncated to 16 bits;
 *   - get PROCESS returns the raw value, 0 (NONE) for a thread that never
 *     set one; get PGRP/USER return the best (numerically smallest) of
 *     the members' effective priorities, where NONE becomes the class and
 *     level derived from the scheduler policy and nice value;
 *   - fork and clone copy a valid (RT/BE/IDLE) priority to the child, a
 *     NONE one is not copied (the child reads 0).
 *
 * The table holds the traced threads.  A thread is "seeded" once the
 * supervisor owns its value; until then its host value is the truth (it
 * may have inherited one from outside lxrun), and seeding reads it once.
 * Threads outside the traced set are left to the host syscall.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/ioprio.h"

struct ioprio_ent {
	int tid;
	bool seeded;
	uint16_t prio;
};

static struct ioprio_ent *tab;
static size_t ntab, captab;

static struct ioprio_ent *
ent_find(int tid)
{
	for (size_t i = 0; i < ntab; i++)
		if (tab[i].tid == tid)
			return &tab[i];
	return NULL;
}

static struct ioprio_ent *
ent_get(int tid)
{
	struct ioprio_ent *e = ent_find(tid);

	if (e != NULL)
		return e;
	if (ntab == captab) {
		size_t n = captab ? captab * 2 : 64;
		struct ioprio_ent *t = realloc(tab, n * sizeof(*t));

		if (t == NULL)
			return NULL;
		tab = t;
		captab = n;
	}
	e = &tab[ntab++];
	e->tid = tid;
	e->seeded = false;
	e->prio = LX_IOPRIO_DEFAULT;
	return e;
}

static bool
ioprio_valid(int prio)
{
	unsigned cl = LX_IOPRIO_PRIO_CLASS(prio);

	return cl > LX_IOPRIO_CLASS_NONE && cl <= LX_IOPRIO_CLASS_IDLE;
}

void
lx_ioprio_clone(int parent_tid, int child_tid, bool thread)
{
	struct ioprio_ent *p = ent_get(parent_tid), *c;
	bool seeded;
	uint16_t prio;

	(void)thread;	/* threads and processes inherit alike (no CLONE_IO) */
	if (p == NULL)
		return;
	seeded = p->seeded;
	prio = ioprio_valid(p->prio) ? p->prio : LX_IOPRIO_DEFAULT;
	if ((c = ent_get(child_tid)) == NULL)
		return;
	/* An unseeded parent's host value was inherited by the host. */
	c->seeded = seeded;
	c->prio = prio;
}

void
lx_ioprio_exit(int tid)
{
	struct ioprio_ent *e = ent_find(tid);

	if (e != NULL)
		*e = tab[--ntab];
}

bool
lx_ioprio_peek(int tid, bool *seeded, int *prio)
{
	struct ioprio_ent *e = ent_find(tid);

	if (e == NULL)
		return false;
	*seeded = e->seeded;
	*prio = e->prio;
	return true;
}

void
lx_ioprio_reset(void)
{
	free(tab);
	tab = NULL;
	ntab = captab = 0;
}

static void
ioprio_on_exec(int pid)
{
	(void)pid;	/* the I/O priority survives execve */
}

static void
ioprio_on_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	(void)parent_pid;
	lx_ioprio_clone(parent_tid, child_tid, thread);
}

static const struct lx_hooks ioprio_hooks = {
	.on_clone = ioprio_on_clone,
	.on_exec = ioprio_on_exec,
	.on_exit = lx_ioprio_exit,
};

__attribute__((constructor)) static void
ioprio_register(void)
{
	lx_hooks_register(&ioprio_hooks);
}

/* ---- host facts, from procfs (Linux and NetBSD both have it) ---- */

static int
proc_task_info(int tid, struct lx_task_info *ti)
{
	char path[64], buf[4096], *p;
	FILE *f;
	size_t n;
	int field;
	long v;

	memset(ti, 0, sizeof(*ti));
	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if ((f = fopen(path, "re")) == NULL)
		return -LX_ESRCH;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after "(comm)": 3 state, 5 pgrp, 19 nice, 41 policy. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -LX_ESRCH;
	p++;
	for (field = 3; *p != '\0' && field <= 41; field++) {
		while (*p == ' ')
			p++;
		v = strtol(p, NULL, 10);
		if (field == 5)
			ti->pgrp = (int)v;
		else if (field == 19)
			ti->nice = (int)v;
		else if (field == 41)
			ti->policy = (int)v;
		while (*p != ' ' && *p != '\0')
			p++;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	if ((f = fopen(path, "re")) == NULL)
		return -LX_ESRCH;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		unsigned r, e;
		unsigned long long cap;

		if (sscanf(buf, "Uid: %u %u", &r, &e) == 2) {
			ti->uid = r;
			ti->euid = e;
		} else if (sscanf(buf, "CapEff: %llx", &cap) == 1)
			ti->cap_eff = cap;
	}
	fclose(f);
	return 0;
}

int (*lx_ioprio_task_info)(int tid, struct lx_task_info *ti) =
    proc_task_info;

/* ---- Linux's rules ---- */

static bool
has_cap(uint64_t cap_eff, int cap)
{
	return (cap_eff >> cap) & 1;
}

long
lx_ioprio_check(int ioprio, uint64_t caller_cap_eff)
{
	switch (LX_IOPRIO_PRIO_CLASS(ioprio)) {
	case LX_IOPRIO_CLASS_RT:
		if (!has_cap(caller_cap_eff, LX_CAP_SYS_ADMIN) &&
		    !has_cap(caller_cap_eff, LX_CAP_SYS_NICE))
			return -LX_EPERM;
		return 0;
	case LX_IOPRIO_CLASS_BE:
	case LX_IOPRIO_CLASS_IDLE:
		return 0;
	case LX_IOPRIO_CLASS_NONE:
		return LX_IOPRIO_PRIO_LEVEL(ioprio) ? -LX_EINVAL : 0;
	default:
		return -LX_EINVAL;
	}
}

int
lx_ioprio_effective(int raw, const struct lx_task_info *ti)
{
	unsigned cl;

	if (LX_IOPRIO_PRIO_CLASS(raw) != LX_IOPRIO_CLASS_NONE)
		return raw;
	if (ti->policy == LX_SCHED_IDLE)
		cl = LX_IOPRIO_CLASS_IDLE;
	else if (ti->policy == LX_SCHED_FIFO || ti->policy == LX_SCHED_RR ||
	    ti->policy == LX_SCHED_DEADLINE)
		cl = LX_IOPRIO_CLASS_RT;
	else
		cl = LX_IOPRIO_CLASS_BE;
	return (int)LX_IOPRIO_PRIO_VALUE(cl, (ti->nice + 20) / 5);
}

int
lx_ioprio_best(int a, int b)
{
	return (uint16_t)a < (uint16_t)b ? (uint16_t)a : (uint16_t)b;
}

/* The supervisor takes over a thread's value, reading the host's once. */
static void
seed(struct lx_guest *g, struct ioprio_ent *e)
{
	long r;

	if (e->seeded)
		return;
	r = lx_guest_syscall(g, LX_NR_ioprio_get, LX_IOPRIO_WHO_PROCESS,
	    (uint64_t)e->tid, 0, 0, 0, 0);
	e->prio = r >= 0 ? (uint16_t)r : LX_IOPRIO_DEFAULT;
	e->seeded = true;
}

/* set_task_ioprio()'s permission rule. */
static bool
may_set(const struct lx_task_info *caller, const struct lx_task_info *t)
{
	return t->uid == caller->euid || t->uid == caller->uid ||
	    has_cap(caller->cap_eff, LX_CAP_SYS_NICE);
}

/* Does traced thread e belong to the PGRP/USER target? */
static bool
is_member(int which, int target, const struct lx_task_info *ti)
{
	if (which == LX_IOPRIO_WHO_PGRP)
		return ti->pgrp == target;
	return ti->uid == (uint32_t)target;
}

/*
 * who == 0 means the caller's own group / user.  Except, as Linux 6.18
 * has it, for ioprio_set(IOPRIO_WHO_USER, 0): the walk compares each
 * task's uid with make_kuid(0), so it targets uid 0's tasks, not the
 * caller's (ioprio_get compares with current_user()'s uid).
 */
static int
group_target(int which, int who, const struct lx_task_info *caller,
    bool is_set)
{
	if (who != 0)
		return who;
	if (which == LX_IOPRIO_WHO_PGRP)
		return caller->pgrp;
	return is_set ? 0 : (int)caller->uid;
}

/* An untraced thread: does it exist?  (kill(who, 0), run in the guest.) */
static bool
host_task_exists(struct lx_guest *g, int who)
{
	long r = lx_guest_syscall(g, LX_NR_kill, (uint64_t)who, 0, 0, 0, 0,
	    0);

	return r == 0 || r == -LX_EPERM;
}

static long
set_process(struct lx_call *c, struct lx_guest *g, int who, int ioprio,
    const struct lx_task_info *caller, bool *native)
{
	int tid = who == 0 ? c->tid : who;
	struct ioprio_ent *e = who == 0 ? ent_get(tid) : ent_find(tid);
	struct lx_task_info ti;

	if (who < 0)
		return -LX_ESRCH;
	if (e == NULL) {
		if (who != 0 && !host_task_exists(g, who))
			return -LX_ESRCH;
		*native = true;		/* outside the traced set */
		return 0;
	}
	if (lx_ioprio_task_info(tid, &ti) < 0)
		return -LX_ESRCH;
	if (!may_set(caller, &ti))
		return -LX_EPERM;
	e->seeded = true;
	e->prio = (uint16_t)ioprio;
	return 0;
}

static long
set_group(int which, int who, int ioprio, const struct lx_task_info *caller,
    bool *native)
{
	int target = group_target(which, who, caller, true);
	bool any = false;
	struct lx_task_info ti;

	if (which == LX_IOPRIO_WHO_PGRP && target < 0)
		return -LX_ESRCH;
	for (size_t i = 0; i < ntab; i++) {
		if (lx_ioprio_task_info(tab[i].tid, &ti) < 0 ||
		    !is_member(which, target, &ti))
			continue;
		any = true;
		if (!may_set(caller, &ti))
			return -LX_EPERM;
		tab[i].seeded = true;
		tab[i].prio = (uint16_t)ioprio;
	}
	if (!any)
		*native = true;		/* no traced member: the host's */
	return 0;
}

struct lx_action
lx_sys_ioprio_set(struct lx_call *c, struct lx_guest *g)
{
	int which = (int)c->arg[0], who = (int)c->arg[1];
	int ioprio = (int)c->arg[2];
	struct lx_task_info caller;
	bool native = false;
	long r;

	if (lx_ioprio_task_info(c->tid, &caller) < 0)
		return lx_native();	/* cannot tell: let the host judge */
	ent_get(c->tid);		/* the caller is traced */
	r = lx_ioprio_check(ioprio, caller.cap_eff);
	if (r < 0)
		return lx_return(r);
	switch (which) {
	case LX_IOPRIO_WHO_PROCESS:
		r = set_process(c, g, who, ioprio, &caller, &native);
		break;
	case LX_IOPRIO_WHO_PGRP:
	case LX_IOPRIO_WHO_USER:
		r = set_group(which, who, ioprio, &caller, &native);
		break;
	default:
		r = -LX_EINVAL;
	}
	return native ? lx_native() : lx_return(r);
}

static long
get_group(struct lx_guest *g, int which, int who,
    const struct lx_task_info *caller, bool *native)
{
	int target = group_target(which, who, caller, false);
	long best = -LX_ESRCH;
	struct lx_task_info ti;

	if (which == LX_IOPRIO_WHO_PGRP && target < 0)
		return -LX_ESRCH;
	for (size_t i = 0; i < ntab; i++) {
		int p;

		if (lx_ioprio_task_info(tab[i].tid, &ti) < 0 ||
		    !is_member(which, target, &ti))
			continue;
		seed(g, &tab[i]);
		p = lx_ioprio_effective(tab[i].prio, &ti);
		best = best < 0 ? p : lx_ioprio_best((int)best, p);
	}
	if (best < 0)
		*native = true;
	return best;
}

struct lx_action
lx_sys_ioprio_get(struct lx_call *c, struct lx_guest *g)
{
	int which = (int)c->arg[0], who = (int)c->arg[1];
	struct lx_task_info caller;
	struct ioprio_ent *e;
	bool native = false;
	long r;

	if (lx_ioprio_task_info(c->tid, &caller) < 0)
		return lx_native();
	ent_get(c->tid);
	switch (which) {
	case LX_IOPRIO_WHO_PROCESS:
		if (who < 0)
			return lx_return(-LX_ESRCH);
		e = ent_find(who == 0 ? c->tid : who);
		if (e == NULL)
			return lx_native();	/* untraced: the host's */
		seed(g, e);
		return lx_return(e->prio);
	case LX_IOPRIO_WHO_PGRP:
	case LX_IOPRIO_WHO_USER:
		r = get_group(g, which, who, &caller, &native);
		break;
	default:
		r = -LX_EINVAL;
	}
	return native ? lx_native() : lx_return(r);
}
