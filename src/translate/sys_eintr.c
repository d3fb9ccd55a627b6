/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waits that a signal the program ignores must not end (family "eintr").
 *
 * Linux discards a signal whose disposition is to ignore it (SIG_IGN, or
 * the default for SIGCHLD, SIGURG, SIGWINCH, SIGCONT) when it is sent, so
 * it wakes nobody.  A ptraced thread's signals all go through its tracer,
 * so such a signal does wake it, and the calls that then fail with EINTR
 * instead of a restart code (signal(7) lists them) end where natively
 * they would have gone on waiting.  strace shows the same flaw.
 *
 * These calls run natively with an exit function: an EINTR that only
 * ignored signals caused becomes ERESTARTNOINTR, so the kernel discards
 * the signal and makes the call again, and the tracer keeps the call's
 * deadline across that restart (calls.c); the restarted call is rewritten
 * to wait only for the time that is left.  A signal with a handler, a
 * stop signal or one that kills keeps Linux's EINTR.
 */
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "lxrun/dispatch.h"

/* How a call gives its timeout. */
enum wait_timeout {
	WT_NONE,	/* waits until something happens */
	WT_TIMESPEC,	/* relative struct timespec *, NULL = forever */
	WT_MSEC,	/* int milliseconds, < 0 = forever */
};

struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

static long
woken_for_nothing(struct lx_call *c, struct lx_guest *g, long ret)
{
	(void)c;
	if (ret == -LX_EINTR && lx_guest_woken_by_ignored(g) == 1)
		return -LX_ERESTARTNOINTR;
	return ret;
}

/*
 * The first time, the call runs as it is (its own timeout is the whole
 * wait); after a restart, with the time left until the deadline.  A
 * timeout the kernel would refuse (bad pointer, negative) is left to it.
 */
static struct lx_action
wait_ignoring(struct lx_call *c, struct lx_guest *g, enum wait_timeout kind,
    int idx)
{
	struct lx_action a = lx_native_then(woken_for_nothing);
	struct lx_timespec ts;
	int64_t left;
	uint64_t buf;

	if (c->deadline_ns < 0) {
		if (kind == WT_TIMESPEC && c->arg[idx] != 0 &&
		    lx_guest_read(g, &ts, c->arg[idx], sizeof(ts)) == 0 &&
		    ts.tv_sec >= 0 && ts.tv_nsec >= 0 &&
		    ts.tv_nsec < 1000000000 && ts.tv_sec < INT64_MAX / 2000000000)
			c->deadline_ns = lx_now_ns() + ts.tv_sec * 1000000000 +
			    ts.tv_nsec;
		else if (kind == WT_MSEC && (int)c->arg[idx] >= 0)
			c->deadline_ns = lx_now_ns() +
			    (int64_t)(int)c->arg[idx] * 1000000;
		return a;
	}
	/* a restart: the same call, for what is left of its time */
	left = c->deadline_ns - lx_now_ns();
	if (left < 0)
		left = 0;
	a.kind = LX_REWRITE;
	a.rewrite.nr = c->nr;
	for (int i = 0; i < LX_NARGS; i++)
		a.rewrite.arg[i] = c->arg[i];
	if (kind == WT_MSEC) {
		a.rewrite.arg[idx] = (uint64_t)((left + 999999) / 1000000);
		return a;
	}
	ts.tv_sec = left / 1000000000;
	ts.tv_nsec = left % 1000000000;
	if ((buf = lx_guest_scratch(g, sizeof(ts))) == 0 ||
	    lx_guest_write(g, buf, &ts, sizeof(ts)) < 0)
		return lx_native_then(woken_for_nothing);
	a.rewrite.arg[idx] = buf;
	return a;
}

static struct lx_action
eintr_rt_sigtimedwait(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_TIMESPEC, 2);
}

static struct lx_action
eintr_semtimedop(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_TIMESPEC, 3);
}

static struct lx_action
eintr_semop(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_NONE, 0);
}

static struct lx_action
eintr_io_getevents(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_TIMESPEC, 4);
}

/* epoll_wait and epoll_pwait when lxrun's epoll is off (the host's). */
static struct lx_action
eintr_epoll_wait(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_MSEC, 3);
}

static struct lx_action
eintr_epoll_pwait2(struct lx_call *c, struct lx_guest *g)
{
	return wait_ignoring(c, g, WT_TIMESPEC, 3);
}

__attribute__((constructor)) static void
eintr_register(void)
{
	static const struct {
		long nr;
		lx_handler_fn *fn;
	} calls[] = {
		{ LX_NR_rt_sigtimedwait, eintr_rt_sigtimedwait },
		{ LX_NR_semtimedop, eintr_semtimedop },
		{ LX_NR_semop, eintr_semop },
		{ LX_NR_io_getevents, eintr_io_getevents },
		{ LX_NR_io_pgetevents, eintr_io_getevents },
		{ LX_NR_epoll_wait, eintr_epoll_wait },
		{ LX_NR_epoll_pwait, eintr_epoll_wait },
		{ LX_NR_epoll_pwait2, eintr_epoll_pwait2 },
	};

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		lx_trap_nr_add(calls[i].nr, LX_FAM_EINTR);
		lx_hook_add(calls[i].nr, LX_FAM_EINTR, calls[i].fn);
	}
}

bool
lx_eintr_after_stop(long nr)
{
	/* signal(7): these fail with EINTR after a stop and SIGCONT */
	return nr == LX_NR_epoll_wait || nr == LX_NR_epoll_pwait ||
	    nr == LX_NR_epoll_pwait2 || nr == LX_NR_rt_sigtimedwait ||
	    nr == LX_NR_semop || nr == LX_NR_semtimedop ||
	    nr == LX_NR_io_getevents || nr == LX_NR_io_pgetevents;
}
