/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * statx(2) on the host's file status (struct host_stat: a BSD stat with
 * file flags and birth time, and what a Linux host adds), converted by
 * lx_statx_from_hstat.  The request mask and the sync type go to the host
 * as they came, so stx_mask, the birth time, the mount id and the other
 * optional fields are what the host's file system gives for that request,
 * as on Linux.
 *
 * Where the status comes from, in Linux's order of checks (lx_stat_route):
 *  - an fd with an empty path: the supervisor's copy of the guest's fd
 *    (path_open with no path: the very open file, where the thread sees
 *    its owners' ids as lxrun does), stat'ed by the host layer: one stop;
 *  - a path: the supervisor's own lookup as the guest would make it
 *    (path_open, with path_stat's proofs), stat'ed the same way: one stop.
 *    Not when the file found is an automount point and the guest did not
 *    say AT_NO_AUTOMOUNT: its own lookup would mount something there;
 *  - otherwise (the cwd, a view the supervisor cannot share, no pidfds,
 *    a tracer without path_open): the host's stat runs in the guest, into
 *    scratch, and is converted at the exit stop.
 */
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"
#include "translate/stat_convert.h"

/* Room for the host's stat buffer (256 bytes on Linux). */
#define STX_HOSTBUF_MAX	512

/* Convert the host's answer and write it to the guest's buffer. */
static long
stx_answer(struct lx_call *c, struct lx_guest *g, const struct host_stat *hs)
{
	struct lx_statx sx;
	struct host_stat anon = *hs;

	if (lx_object_disguise_hstat(&anon, lx_hs_want((uint32_t)c->arg[3]),
	    lx_hs_sync((uint32_t)c->arg[2])))
		hs = &anon;
	lx_statx_from_hstat(&sx, hs);
	if (lx_guest_write(g, c->arg[4], &sx, sizeof(sx)) < 0)
		return -LX_EFAULT;
	return 0;
}

static long
stx_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	unsigned char buf[STX_HOSTBUF_MAX];
	struct host_stat hs;

	if (ret < 0)
		return ret;
	if (lx_guest_read(g, buf, lx_stashed_scratch(c),
	    host_stat_buf_size()) < 0)
		return -LX_EFAULT;
	host_stat_from_buf(buf, &hs);
	return stx_answer(c, g, &hs);
}

/*
 * Answer from the supervisor's fd of the file (closed here), or -LX_EAGAIN
 * when the guest must look itself.
 */
static long
stx_sup_fd(struct lx_call *c, struct lx_guest *g, int fd, bool by_path)
{
	uint32_t flags = (uint32_t)c->arg[2], mask = (uint32_t)c->arg[3];
	struct host_stat hs;
	long r;

	r = host_stat_fd(fd, lx_hs_want(mask), lx_hs_sync(flags), &hs);
	close(fd);
	if (r < 0)
		return -LX_EAGAIN;	/* the guest's own stat will tell */
	if (by_path && (hs.hs_props & HS_P_AUTOMOUNT) &&
	    !(flags & LX_AT_NO_AUTOMOUNT))
		return -LX_EAGAIN;
	return stx_answer(c, g, &hs);
}

/* The supervisor's lookup of the guest's path: an fd, -LX_E*, -LX_EAGAIN. */
static int
stx_path_open(struct lx_guest *g, int dfd, uint64_t path, uint32_t flags)
{
	char name[4096];
	long n = lx_guest_string(g, name, path, sizeof(name));

	if (n < 0)
		return (int)n;		/* EFAULT, ENAMETOOLONG: as getname */
	return lx_guest_path_open(g, dfd, name,
	    (flags & LX_AT_SYMLINK_NOFOLLOW) != 0);
}

/* The host's stat run by the guest into scratch; stx_exit converts it. */
static struct lx_action
stx_rewrite(struct lx_call *c, struct lx_guest *g, long route, int dfd,
    uint64_t path, uint32_t flags, uint32_t mask)
{
	static const char dot[2] = ".";
	size_t n = host_stat_buf_size();
	uint64_t s = lx_guest_scratch(g, n + sizeof(dot));
	uint64_t name = s + n;
	struct host_stat_call hc;
	int how = 0;

	if (s == 0 || n > STX_HOSTBUF_MAX)
		return lx_return(-LX_ENOMEM);
	switch (route) {
	case LX_STAT_FD:
		/* vfs_statx_fd: only the sync type counts */
		how = HS_STAT_FD;
		if (lx_guest_write(g, name, "", 1) < 0)
			return lx_return(-LX_ENOMEM);
		break;
	case LX_STAT_CWD:
		if (lx_guest_write(g, name, dot, sizeof(dot)) < 0)
			return lx_return(-LX_ENOMEM);
		path = name;
		/* FALLTHROUGH */
	default:
		/*
		 * A path: the guest's own pointer, so any length (and any
		 * fault) behaves as on Linux.
		 */
		if (flags & LX_AT_SYMLINK_NOFOLLOW)
			how |= HS_STAT_NOFOLLOW;
		if (flags & LX_AT_NO_AUTOMOUNT)
			how |= HS_STAT_NOAUTOMOUNT;
		break;
	}
	host_stat_call(&hc, dfd, path, name, how, lx_hs_want(mask),
	    lx_hs_sync(flags), s);
	lx_stash_scratch(c, s);
	return lx_rewrite(hc.nr, hc.arg[0], hc.arg[1], hc.arg[2], hc.arg[3],
	    hc.arg[4], hc.arg[5], stx_exit);
}

struct lx_action
lx_sys_statx(struct lx_call *c, struct lx_guest *g)
{
	int dfd = (int)c->arg[0];
	uint64_t path = c->arg[1];
	uint32_t flags = (uint32_t)c->arg[2], mask = (uint32_t)c->arg[3];
	long route, r;
	int fd;

	route = lx_stat_route(g, dfd, path, flags, 1, mask);
	if (route < 0)
		return lx_return(route);
	if (route == LX_STAT_FD) {
		fd = lx_guest_path_open(g, dfd, NULL, false);
		if (fd == -LX_EBADF)
			return lx_return(-LX_EBADF);
		if (fd >= 0 && (r = stx_sup_fd(c, g, fd, false)) != -LX_EAGAIN)
			return lx_return(r);
	} else if (route == LX_STAT_PATH) {
		fd = stx_path_open(g, dfd, path, flags);
		if (fd < 0 && fd != -LX_EAGAIN)
			return lx_return(fd);
		if (fd >= 0 && (r = stx_sup_fd(c, g, fd, true)) != -LX_EAGAIN)
			return lx_return(r);
	}
	return stx_rewrite(c, g, route, dfd, path, flags, mask);
}

/*
 * Answered at once when lxrun can look the path up itself, which is
 * the rule: such a call can be served from a seccomp notification
 * (src/tracer/notify.c); the others (another view, a rewrite) go to a
 * stop from there.  dirfd, an int, carries the tracer's mark.
 */
__attribute__((constructor)) static void
statx_notify(void)
{
	static const struct lx_notif_rule rule = {
		.nr = LX_NR_statx, .argidx = 0, .max = UINT32_MAX, .marker_arg = 0,
	};

	lx_notif_rule_add(&rule, LX_FAM_STAT);
}
