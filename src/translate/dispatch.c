/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Dispatch: what lxrun does with each syscall number.  The table row's
 * status and the --emulate families decide; the seccomp filter is built
 * from lx_dispatch_traps and lx_trap_args so that the guest stops only
 * where a handler (or the trace) must see the call.
 */
#include <string.h>

#include "lxrun/linux_abi.h"
#include "lxrun/dispatch.h"
#include "lxrun/supervisor.h"

#define MAX_HOOKS	192
#define MAX_TRAP_NRS	128
#define MAX_TRAP_ARGS	16
#define MAX_NOTIF_RULES	8

static struct {
	long nr;
	enum lx_family family;
	lx_handler_fn *fn;
} hooks[MAX_HOOKS];
static int nhooks;

static struct {
	struct lx_trap_arg rule;
	enum lx_family family;
} trap_args[MAX_TRAP_ARGS];
static int ntrap_args;

/* LX_FAM_NONE: rules and hooks that serve every family (always on). */
static bool
family_on(enum lx_family f)
{
	return f == LX_FAM_NONE || (lx_opt.emulate & (1u << f)) != 0;
}

static struct {
	long nr;
	enum lx_family family;
} trap_nrs[MAX_TRAP_NRS];
static int ntrap_nrs;

void
lx_trap_nr_add(long nr, enum lx_family family)
{
	/* Registered at start-up: a full table is lxrun's own bug. */
	if (ntrap_nrs == MAX_TRAP_NRS)
		lx_die("too many trapped syscall numbers (MAX_TRAP_NRS)");
	trap_nrs[ntrap_nrs].nr = nr;
	trap_nrs[ntrap_nrs].family = family;
	ntrap_nrs++;
}

static bool
trap_nr_on(long nr)
{
	for (int i = 0; i < ntrap_nrs; i++)
		if (trap_nrs[i].nr == nr && family_on(trap_nrs[i].family))
			return true;
	return false;
}

void
lx_hook_add(long nr, enum lx_family family, lx_handler_fn *fn)
{
	if (nhooks == MAX_HOOKS)
		lx_die("too many syscall hooks (MAX_HOOKS)");
	hooks[nhooks].nr = nr;
	hooks[nhooks].family = family;
	hooks[nhooks].fn = fn;
	nhooks++;
}

void
lx_trap_arg_add(long nr, int argidx, uint64_t value, enum lx_family family)
{
	if (ntrap_args == MAX_TRAP_ARGS)
		lx_die("too many argument trap rules (MAX_TRAP_ARGS)");
	trap_args[ntrap_args].rule.nr = nr;
	trap_args[ntrap_args].rule.argidx = argidx;
	trap_args[ntrap_args].rule.value = value;
	trap_args[ntrap_args].family = family;
	ntrap_args++;
}

int
lx_trap_args(struct lx_trap_arg *out, int max)
{
	int n = 0;

	for (int i = 0; i < ntrap_args && n < max; i++)
		if (family_on(trap_args[i].family))
			out[n++] = trap_args[i].rule;
	return n;
}

static bool
row_emulated(const struct lx_sysent *e)
{
	return (e->status == LX_ST_EMULATED || e->status == LX_ST_PARTIAL) &&
	    e->handler != NULL && family_on(e->family);
}

static struct {
	struct lx_notif_rule rule;
	enum lx_family family;
} notif_rules[MAX_NOTIF_RULES];
static int nnotif_rules;

void
lx_notif_rule_add(const struct lx_notif_rule *rule, enum lx_family family)
{
	if (nnotif_rules == MAX_NOTIF_RULES)
		lx_die("too many notification rules (MAX_NOTIF_RULES)");
	notif_rules[nnotif_rules].rule = *rule;
	notif_rules[nnotif_rules].family = family;
	nnotif_rules++;
}

/*
 * An emulated row's handler is all that serves its calls (hooks are
 * asked only for rows that are not): so a rule holds whenever its row
 * is emulated.  --trap=all keeps every call on the ptrace path, as on a
 * NetBSD host.
 */
int
lx_notif_rules(struct lx_notif_rule *out, int max)
{
	int n = 0;

	if (lx_opt.trap_all || !lx_opt.notify)
		return 0;
	for (int i = 0; i < nnotif_rules && n < max; i++)
		if (family_on(notif_rules[i].family) &&
		    lx_sysent_known(notif_rules[i].rule.nr) &&
		    row_emulated(lx_sysent(notif_rules[i].rule.nr)))
			out[n++] = notif_rules[i].rule;
	return n;
}

/* Does a hook or an argument rule of a family in force want nr? */
static bool
observed(long nr)
{
	if (trap_nr_on(nr))
		return true;
	for (int i = 0; i < nhooks; i++)
		if (hooks[i].nr == nr && family_on(hooks[i].family))
			return true;
	for (int i = 0; i < ntrap_args; i++)
		if (trap_args[i].rule.nr == nr && family_on(trap_args[i].family))
			return true;
	return false;
}

int
lx_dispatch_answer(long nr)
{
	const struct lx_sysent *e = lx_sysent(nr);

	/*
	 * A trace, -c or --report shows these calls, --trap=filtered
	 * included: they are rare, and what a BSD layer lacks is the point.
	 */
	if (lx_opt.trap_all || lx_opt.trace || lx_opt.summary ||
	    lx_opt.report || e->answer == 0 || observed(nr))
		return 0;
	return e->status == LX_ST_MISSING || row_emulated(e) ? e->answer : 0;
}

bool
lx_dispatch_traps(long nr)
{
	const struct lx_sysent *e;

	if (lx_opt.trap_all)
		return true;
	if (lx_dispatch_answer(nr) != 0)
		return false;
	if (!lx_sysent_known(nr))
		return true;
	e = lx_sysent(nr);
	return e->status == LX_ST_MISSING || row_emulated(e) || trap_nr_on(nr);
}

/* A handler that only lets the call through did not serve it. */
static enum lx_served
served_by(const struct lx_action *a)
{
	return a->kind == LX_NATIVE && a->on_exit == NULL ?
	    LX_SERVED_NATIVE : LX_SERVED_EMULATED;
}

/* Run the exit functions of every hook that observed the call, in turn. */
static long
run_exit_chain(struct lx_call *c, struct lx_guest *g, long ret)
{
	for (int i = 0; i < c->exit_chain.n; i++)
		ret = c->exit_chain.fn[i](c, g, ret);
	return ret;
}

/* A rewrite of the call into itself (lx_same_call_then): an observer. */
static bool
same_call(const struct lx_call *c, const struct lx_action *a)
{
	if (a->kind != LX_REWRITE || a->rewrite.nr != c->nr)
		return false;
	for (int i = 0; i < LX_NARGS; i++)
		if (a->rewrite.arg[i] != c->arg[i])
			return false;
	return true;
}

/*
 * A hook rewrote the call into another after observers asked for their
 * exit functions (memfd put its copy at the fd of an exec that the ELF
 * loader then rewrites): the winner's exit function runs first, then
 * theirs, with its result, so that they can undo what they did.
 */
static void
chain_winner(struct lx_exit_chain *ch, struct lx_action *a)
{
	if (a->on_exit != NULL) {
		if (ch->n == 4)
			lx_die("too many exit functions for one call");
		memmove(&ch->fn[1], &ch->fn[0],
		    (size_t)ch->n * sizeof(ch->fn[0]));
		ch->fn[0] = a->on_exit;
		ch->n++;
	}
	a->on_exit = run_exit_chain;
}

/*
 * Hooks of several families may want the same call (an open of
 * /proc/self/fd/N that inotify must see and memfd may refuse): those that
 * only observe it (native with an exit function, or rewritten into
 * itself so that the exit may inject) all get their exit function run,
 * at an exit stop that may inject if any of them asked for one.  The
 * first that answers or rewrites the call into another wins; the
 * observers asked before it see its answer as the call's result.
 */
static struct lx_action
ask_hooks(struct lx_call *c, struct lx_guest *g, enum lx_served *served)
{
	struct lx_exit_chain *ch = &c->exit_chain;
	bool inject = false;
	struct lx_action a;

	ch->n = 0;
	for (int i = 0; i < nhooks; i++) {
		if (hooks[i].nr != c->nr || !family_on(hooks[i].family))
			continue;
		c->handler = hooks[i].fn;
		a = hooks[i].fn(c, g);
		if (a.kind != LX_NATIVE && !same_call(c, &a)) {
			*served = LX_SERVED_EMULATED;
			if (a.kind == LX_RETURN && ch->n > 0)
				a.value = run_exit_chain(c, g, a.value);
			else if (a.kind == LX_REWRITE && ch->n > 0)
				chain_winner(ch, &a);
			return a;
		}
		inject |= a.kind == LX_REWRITE;
		if (a.on_exit != NULL && ch->n < 4)
			ch->fn[ch->n++] = a.on_exit;
	}
	if (ch->n == 0 && !inject) {
		*served = LX_SERVED_NATIVE;
		return lx_native();
	}
	*served = LX_SERVED_EMULATED;
	a = inject ? lx_same_call_then(c, NULL) : lx_native();
	a.on_exit = ch->n == 0 ? NULL : ch->n == 1 ? ch->fn[0] :
	    run_exit_chain;
	return a;
}

struct lx_action
lx_dispatch(struct lx_call *c, struct lx_guest *g, enum lx_served *served)
{
	const struct lx_sysent *e = c->ent;
	struct lx_action a;

	lx_hooks_stop(c, g);
	if (!lx_sysent_known(c->nr) || e->status == LX_ST_MISSING) {
		*served = LX_SERVED_UNSUPPORTED;
		return lx_return(-LX_ENOSYS);
	}
	if (row_emulated(e)) {
		c->handler = e->handler;
		a = e->handler(c, g);
		*served = served_by(&a);
		return a;
	}
	return ask_hooks(c, g, served);
}
