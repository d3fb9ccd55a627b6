/* SPDX-License-Identifier: BSD-2-Clause */
/* ioprio_set/ioprio_get state, exposed for the unit tests. */
#ifndef LXRUN_TRANSLATE_IOPRIO_H
#define LXRUN_TRANSLATE_IOPRIO_H

#include <stdbool.h>
#include <stdint.h>

/* What the supervisor needs to know about a task (from the host). */
struct lx_task_info {
	int pgrp;
	uint32_t uid, euid;	/* real, effective */
	int nice;		/* -20..19 */
	int policy;		/* LX_SCHED_* */
	uint64_t cap_eff;	/* effective capability set */
};

/* ioprio_check_cap(): -LX_EINVAL, -LX_EPERM or 0. */
long lx_ioprio_check(int ioprio, uint64_t caller_cap_eff);
/* The priority the block layer uses for a task (NONE -> from nice). */
int lx_ioprio_effective(int raw, const struct lx_task_info *ti);
/* ioprio_best(): the higher priority of two (the smaller value). */
int lx_ioprio_best(int a, int b);

/* The per-thread table (the lx_hooks feed it). */
void lx_ioprio_clone(int parent_tid, int child_tid, bool thread);
void lx_ioprio_exit(int tid);
/* Test access: is tid known, seeded, and with which value. */
bool lx_ioprio_peek(int tid, bool *seeded, int *prio);
void lx_ioprio_reset(void);

/* Host facts about a task; 0 or -LX_ESRCH.  Tests may replace it. */
extern int (*lx_ioprio_task_info)(int tid, struct lx_task_info *ti);

#endif
