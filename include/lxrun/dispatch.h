/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Between the tracer and src/translate: which calls stop, and who serves
 * a call that stopped.  The tracer builds its seccomp filter from
 * lx_dispatch_traps and lx_trap_args and calls lx_dispatch at each stop;
 * the families (src/epoll, src/inotify, src/memfd) add their hooks and
 * trap rules at start-up.  Nothing here prints or calls ptrace.
 */
#ifndef LXRUN_DISPATCH_H
#define LXRUN_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lxrun/lxrun.h"
#include "lxrun/options.h"

/* How one call was served (the trace's "served" field). */
enum lx_served {
	LX_SERVED_NATIVE = 0,
	LX_SERVED_EMULATED,
	LX_SERVED_UNSUPPORTED,	/* ENOSYS: a missing row or an unknown number */
};

/*
 * Families that must see some native calls register hooks at start-up
 * (from a constructor): hook(nr, family, fn) makes dispatch ask fn first
 * whenever a trapped nr is stopped on and the family is emulated; fn returns
 * lx_native() for calls that are not its business.  Several hooks of one
 * nr compose: those that observe (lx_native_then, lx_same_call_then) all
 * get their exit function run; the first that answers or rewrites the
 * call into another wins, and the observers asked before it see its
 * answer as the call's result.  What makes nr stop is
 * separate: a static argument rule (trap nr when arg[argidx] == value,
 * e.g. fcntl F_ADD_SEALS), or a per-fd rule added at run time with
 * lx_guest_trap_fd().
 */
void lx_hook_add(long nr, enum lx_family family, lx_handler_fn *fn);
void lx_trap_arg_add(long nr, int argidx, uint64_t value,
    enum lx_family family);
/*
 * A static rule without an argument test: stop on every nr while family
 * is emulated (for rare calls whose interesting cases no argument value
 * tells apart, e.g. readlink of a /proc fd link).
 */
void lx_trap_nr_add(long nr, enum lx_family family);
/* The static argument rules in force (for the filter builder). */
struct lx_trap_arg {
	long nr;
	int argidx;
	uint64_t value;
};
int lx_trap_args(struct lx_trap_arg *out, int max);

/*
 * A call its row's handler answers at once, without injecting, parking
 * or an exit stop, when one argument is small: getrandom of at most a
 * slice, epoll_wait with timeout 0.  On Linux the tracer may serve such
 * calls by seccomp user notification instead of a ptrace stop
 * (src/tracer/notify.c).  argidx's value must be at most max (wide: all
 * 64 bits count, else only the low 32, as for an int);  marker_arg is
 * an int argument whose high half the kernel ignores: the tracer marks
 * it there to send one call back through a ptrace stop.
 */
struct lx_notif_rule {
	long nr;
	int argidx;
	bool wide;
	uint32_t max;
	int marker_arg;
};
void lx_notif_rule_add(const struct lx_notif_rule *rule,
    enum lx_family family);
/* The rules in force: their row emulated, no --trap=all, notify on. */
int lx_notif_rules(struct lx_notif_rule *out, int max);

/* True if lxrun must stop on nr (row status, --emulate, --trap). */
bool lx_dispatch_traps(long nr);
/*
 * The errno the filter itself may answer nr with (a row's fixed answer,
 * when no hook, rule or trace needs to see the call), else 0.
 */
int lx_dispatch_answer(long nr);
/* Ask the row's handler; sets *served. */
struct lx_action lx_dispatch(struct lx_call *c, struct lx_guest *g,
    enum lx_served *served);

/*
 * Does Linux end this blocking call with EINTR after a stop signal and
 * SIGCONT, where other calls restart (signal(7))?
 */
bool lx_eintr_after_stop(long nr);

#endif
