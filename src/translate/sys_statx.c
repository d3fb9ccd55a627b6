/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx(2) on the host's fstatat/fstat.  The result is what a struct stat
 * can say: stx_mask is STATX_BASIC_STATS whatever was asked (Linux may
 * return more or less than asked too), no birth time (STATX_BTIME is not
 * claimed and stx_btime is 0), no mount id, and stx_attributes_mask 0
 * because the host tells nothing about attributes.  docs/semantics.md
 * lists these differences.
 */
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/stat_convert.h"

/* Convert the host's answer and write it to the guest's buffer. */
static long
stx_answer(struct lx_call *c, struct lx_guest *g, const struct stat *st)
{
	struct lx_statx sx;

	lx_statx_from_host(&sx, st);
	if (lx_guest_write(g, c->arg[4], &sx, sizeof(sx)) < 0)
		return -LX_EFAULT;
	return 0;
}

static long
stx_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct stat st;

	if (ret < 0)
		return ret;
	if (lx_stat_result(c, g, &st) < 0)
		return -LX_EFAULT;
	return stx_answer(c, g, &st);
}

struct lx_action
lx_sys_statx(struct lx_call *c, struct lx_guest *g)
{
	int dfd = (int)c->arg[0];
	uint64_t path = c->arg[1];
	uint32_t flags = (uint32_t)c->arg[2], mask = (uint32_t)c->arg[3];
	long route;

	route = lx_stat_route(g, dfd, path, flags, 1, mask);
	if (route < 0)
		return lx_return(route);
	/* AT_STATX_FORCE_SYNC / DONT_SYNC: the host stat is always current. */
	if (route == LX_STAT_FD) {
		/* an fd: the supervisor's host fstat, one stop */
		struct stat st;
		long r = lx_guest_fd_stat(g, dfd, &st);

		return lx_return(r < 0 ? r : stx_answer(c, g, &st));
	}
	if (route == LX_STAT_PATH) {
		/* a path the supervisor can look up as the guest would */
		struct stat st;
		long r = lx_stat_path_direct(g, dfd, path, flags, &st);

		if (r != -LX_EAGAIN)
			return lx_return(r < 0 ? r : stx_answer(c, g, &st));
	}
	return lx_stat_rewrite(c, g, route, dfd, path, flags, stx_exit);
}
