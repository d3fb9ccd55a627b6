/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * close_range(2): validated as Linux does, then run as the host's
 * close_range in the guest (an emulated object's guest fd is a real fd,
 * so a real close is what keeps it right), and the registry is told.
 *
 * Linux (fs/file.c): all three arguments are unsigned int; flags outside
 * CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC or first > last: EINVAL; a range
 * past the open fds (last = ~0U) is fine and returns 0.
 */
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/close_range.h"
#include "translate/fds_closed.h"
#include "translate/stat_convert.h"

void
lx_fds_closed(int tid, unsigned first, unsigned last, int unshared)
{
	/*
	 * With CLOSE_RANGE_UNSHARE the other threads keep their fds, but
	 * the families recheck what they hold either way.
	 */
	(void)unshared;
	lx_hooks_fds_closed(tid, first, last);
}

long
lx_close_range_check(uint32_t first, uint32_t last, uint32_t flags)
{
	if (flags & ~LX_CLOSE_RANGE_VALID)
		return -LX_EINVAL;
	if (first > last)
		return -LX_EINVAL;
	return 0;
}

static long
cr_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	uint32_t flags = (uint32_t)c->arg[2];

	if (ret == 0 && !(flags & LX_CLOSE_RANGE_CLOEXEC))
		lx_fds_closed(c->tid, (uint32_t)c->arg[0],
		    (uint32_t)c->arg[1],
		    (flags & LX_CLOSE_RANGE_UNSHARE) != 0);
	return ret;
}

struct lx_action
lx_sys_close_range(struct lx_call *c, struct lx_guest *g)
{
	uint32_t first = (uint32_t)c->arg[0], last = (uint32_t)c->arg[1];
	uint32_t flags = (uint32_t)c->arg[2];
	long r;

	r = lx_close_range_check(first, last, flags);
	if (r < 0)
		return lx_return(r);
	return lx_rewrite(LX_NR_close_range, first, last, flags, 0, 0, 0,
	    cr_exit);
}
