/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Dispatch: what lxrun does with each syscall number.  The table row's
 * status and the --emulate families decide; the seccomp filter is built
 * from lx_dispatch_traps so that the guest stops only where a handler
 * (or the trace) must see the call.
 */
#include "lxrun/linux_abi.h"
#include "lxrun/trace.h"

static bool
row_emulated(const struct lx_sysent *e)
{
	return (e->status == LX_ST_EMULATED || e->status == LX_ST_PARTIAL) &&
	    e->handler != NULL && (lx_opt.emulate & (1u << e->family)) != 0;
}

bool
lx_dispatch_traps(long nr)
{
	const struct lx_sysent *e;

	if (lx_opt.trap_all || !lx_sysent_known(nr))
		return true;
	e = lx_sysent(nr);
	return e->status == LX_ST_MISSING || row_emulated(e);
}

struct lx_action
lx_dispatch(struct lx_call *c, struct lx_guest *g, enum lx_served *served)
{
	const struct lx_sysent *e = c->ent;
	struct lx_action a;

	if (!lx_sysent_known(c->nr) || e->status == LX_ST_MISSING) {
		*served = LX_SERVED_UNSUPPORTED;
		return lx_return(-LX_ENOSYS);
	}
	if (!row_emulated(e)) {
		*served = LX_SERVED_NATIVE;
		return lx_native();
	}
	a = e->handler(c, g);
	/* A handler that only lets the call through did not serve it. */
	*served = a.kind == LX_NATIVE && a.on_exit == NULL ?
	    LX_SERVED_NATIVE : LX_SERVED_EMULATED;
	return a;
}
