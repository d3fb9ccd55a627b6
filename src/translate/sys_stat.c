/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * newfstatat(2) on the host's fstatat/fstat: the host fills a struct stat
 * in scratch memory, the exit function converts it into Linux's struct
 * stat at the guest's pointer (EFAULT there, after a successful lookup,
 * as cp_new_stat).  AT_EMPTY_PATH is what glibc's fstat() uses: an fd
 * is answered from the host layer's stat of the supervisor's copy of it
 * (the very open file), a path from the supervisor's lookup (path_stat),
 * both in one stop when the tracer can prove the guest would see the
 * same; otherwise the host's fstatat runs in the guest.
 */
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"
#include "translate/stat_convert.h"

/* Convert the host's answer and write it to the guest's buffer. */
static long
nfs_answer(struct lx_call *c, struct lx_guest *g, const struct stat *st)
{
	struct lx_stat lst;

	if (!lx_object_disguise_stat(st, &lst))
		lx_stat_from_host(&lst, st);
	if (lx_guest_write(g, c->arg[2], &lst, sizeof(lst)) < 0)
		return -LX_EFAULT;
	return 0;
}

/* Answer from the supervisor's fd of the file (closed here), or EAGAIN. */
static long
nfs_sup_fd(struct lx_call *c, struct lx_guest *g, int fd)
{
	struct host_stat hs;
	struct lx_stat lst;
	long r = host_stat_fd(fd, HS_BASIC, HS_SYNC_AS_STAT, &hs);

	close(fd);
	if (r < 0)
		return -LX_EAGAIN;	/* the guest's own fstat will tell */
	lx_object_disguise_hstat(&hs, HS_BASIC, HS_SYNC_AS_STAT);
	lx_stat_from_hstat(&lst, &hs);
	if (lx_guest_write(g, c->arg[2], &lst, sizeof(lst)) < 0)
		return -LX_EFAULT;
	return 0;
}

static long
nfs_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct stat st;

	if (ret < 0)
		return ret;
	if (lx_stat_result(c, g, &st) < 0)
		return -LX_EFAULT;
	return nfs_answer(c, g, &st);
}

struct lx_action
lx_sys_newfstatat(struct lx_call *c, struct lx_guest *g)
{
	int dfd = (int)c->arg[0];
	uint64_t path = c->arg[1];
	uint32_t flags = (uint32_t)c->arg[3];
	long route;

	route = lx_stat_route(g, dfd, path, flags, 0, 0);
	if (route < 0)
		return lx_return(route);
	if (route == LX_STAT_FD && g->ops->path_open != NULL) {
		/*
		 * glibc's fstat: the host layer's stat of the supervisor's
		 * copy of the fd, one stop, where the thread sees the ids as
		 * lxrun does (path_open's proofs); else the guest's own.
		 */
		int fd = g->ops->path_open(g, dfd, NULL, false);

		if (fd == -LX_EBADF)
			return lx_return(-LX_EBADF);
		if (fd >= 0) {
			long r = nfs_sup_fd(c, g, fd);

			if (r != -LX_EAGAIN)
				return lx_return(r);
		}
	} else if (route == LX_STAT_FD) {
		/* a tracer without path_open: its host fstat, one stop */
		struct stat st;
		long r = lx_guest_fd_stat(g, dfd, &st);

		return lx_return(r < 0 ? r : nfs_answer(c, g, &st));
	}
	if (route == LX_STAT_PATH) {
		/* a path the supervisor can look up as the guest would */
		struct stat st;
		long r = lx_stat_path_direct(g, dfd, path, flags, &st);

		if (r != -LX_EAGAIN)
			return lx_return(r < 0 ? r : nfs_answer(c, g, &st));
	}
	return lx_stat_rewrite(c, g, route, dfd, path, flags, nfs_exit);
}

/*
 * Answered at once when lxrun can look the path up itself, which is
 * the rule: such a call can be served from a seccomp notification
 * (src/tracer/notify.c); the others (another view, a rewrite) go to a
 * stop from there.  dirfd, an int, carries the tracer's mark.
 */
__attribute__((constructor)) static void
newfstatat_notify(void)
{
	static const struct lx_notif_rule rule = {
		.nr = LX_NR_newfstatat, .argidx = 0, .max = UINT32_MAX, .marker_arg = 0,
	};

	lx_notif_rule_add(&rule, LX_FAM_STAT);
}
