/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 ABI: getrandom, close_range and ioprio constants. */
#ifndef LXRUN_LINUX_MISC_H
#define LXRUN_LINUX_MISC_H

#include <stdint.h>

/* getrandom(2) */
#define LX_GRND_NONBLOCK		0x0001U
#define LX_GRND_RANDOM			0x0002U
#define LX_GRND_INSECURE		0x0004U
#define LX_GRND_VALID \
	(LX_GRND_NONBLOCK | LX_GRND_RANDOM | LX_GRND_INSECURE)

/*
 * Largest count one read-like call moves (MAX_RW_COUNT = INT_MAX rounded
 * down to a page); getrandom() clamps its length to it.
 */
#define LX_MAX_RW_COUNT			0x7ffff000UL
/* One past the highest user address on x86-64 (4-level paging). */
#define LX_TASK_SIZE_MAX		0x00007ffffffff000ULL
#define LX_PAGE_SIZE			4096UL

/* close_range(2) */
#define LX_CLOSE_RANGE_UNSHARE		0x0002U
#define LX_CLOSE_RANGE_CLOEXEC		0x0004U
#define LX_CLOSE_RANGE_VALID \
	(LX_CLOSE_RANGE_UNSHARE | LX_CLOSE_RANGE_CLOEXEC)

/* ioprio_set(2) / ioprio_get(2): include/uapi/linux/ioprio.h */
#define LX_IOPRIO_WHO_PROCESS		1
#define LX_IOPRIO_WHO_PGRP		2
#define LX_IOPRIO_WHO_USER		3

#define LX_IOPRIO_CLASS_NONE		0
#define LX_IOPRIO_CLASS_RT		1
#define LX_IOPRIO_CLASS_BE		2
#define LX_IOPRIO_CLASS_IDLE		3
#define LX_IOPRIO_CLASS_INVALID		7

#define LX_IOPRIO_CLASS_SHIFT		13
#define LX_IOPRIO_CLASS_MASK		0x7
#define LX_IOPRIO_PRIO_MASK		((1U << LX_IOPRIO_CLASS_SHIFT) - 1)
#define LX_IOPRIO_LEVEL_MASK		0x7	/* levels 0 (high)..7 (low) */
#define LX_IOPRIO_NR_LEVELS		8
#define LX_IOPRIO_HINT_SHIFT		3	/* bits 3..12: hints */
#define LX_IOPRIO_HINT_MASK		0x3ff

#define LX_IOPRIO_PRIO_CLASS(p) \
	(((unsigned)(p) >> LX_IOPRIO_CLASS_SHIFT) & LX_IOPRIO_CLASS_MASK)
#define LX_IOPRIO_PRIO_DATA(p)		((unsigned)(p) & LX_IOPRIO_PRIO_MASK)
#define LX_IOPRIO_PRIO_LEVEL(p)		((unsigned)(p) & LX_IOPRIO_LEVEL_MASK)
#define LX_IOPRIO_PRIO_HINT(p) \
	(((unsigned)(p) >> LX_IOPRIO_HINT_SHIFT) & LX_IOPRIO_HINT_MASK)
#define LX_IOPRIO_PRIO_VALUE(class, data) \
	((((unsigned)(class) & LX_IOPRIO_CLASS_MASK) << \
	  LX_IOPRIO_CLASS_SHIFT) | ((unsigned)(data) & LX_IOPRIO_PRIO_MASK))
/* A task that never set one reads this (class NONE, level 0). */
#define LX_IOPRIO_DEFAULT \
	LX_IOPRIO_PRIO_VALUE(LX_IOPRIO_CLASS_NONE, 0)

/* Capabilities the ioprio checks use (bit numbers in CapEff). */
#define LX_CAP_SYS_NICE			23
#define LX_CAP_SYS_ADMIN		21

/* Scheduling policies (sched_getscheduler), for the nice-derived class. */
#define LX_SCHED_OTHER			0
#define LX_SCHED_FIFO			1
#define LX_SCHED_RR			2
#define LX_SCHED_BATCH			3
#define LX_SCHED_IDLE			5
#define LX_SCHED_DEADLINE		6

/* posix_fadvise advice (readahead's host analogue). */
#define LX_POSIX_FADV_WILLNEED		3

/* prctl(2) option that installs a seccomp filter or strict mode. */
#define LX_PR_SET_SECCOMP		22

#endif
