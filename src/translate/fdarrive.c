/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fds that reach a process without a copy lxrun made (fdtrack.h): an
 * SCM_RIGHTS message received by recvmsg or recvmmsg, pidfd_getfd,
 * open_by_handle_at.  Once a family follows arrivals, these calls stop
 * in every traced process (one process-wide rule set); the call runs as
 * it is (rewritten into itself, so that its exit stop may inject) and at
 * its exit each new fd gets the sets that want it, before the guest sees
 * the call return.
 *
 * A recvmsg without room for control data cannot carry an fd and runs
 * without an exit stop.  These hooks only observe the call (a rewrite
 * into itself): a family that answers it (inotify's ENOTSOCK on its own
 * fd) still does, whatever the order they are asked in.  The stop is the
 * cost of the route: only programs that use one of lxrun's emulated
 * files with rules pay it.
 */
#include <stdbool.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "lxrun/linux_abi.h"

static const struct lx_fd_trap arrive_traps[] = {
	{ LX_NR_recvmsg, -1, 0 }, { LX_NR_recvmmsg, -1, 0 },
	{ LX_NR_pidfd_getfd, -1, 0 }, { LX_NR_open_by_handle_at, -1, 0 },
};

static struct lx_procset arrive_set = {
	.name = "arrivals",
	.traps = arrive_traps,
	.ntraps = (int)(sizeof(arrive_traps) / sizeof(arrive_traps[0])),
};

static bool following;

void
lx_fdtrack_follow_arrivals(struct lx_guest *g)
{
	const int *pids;
	int n;

	if (following)
		return;
	following = true;
	lx_procset_require(g, &arrive_set);
	/* The others must not take an fd unseen from here on. */
	n = lx_fdtrack_pids(&pids);
	for (int i = 0; i < n; i++)
		if (pids[i] != g->pid)
			lx_procset_add_pid(g, pids[i], &arrive_set);
}

/* The SCM_RIGHTS fds in one received message's control data. */
static void
arrived_cmsgs(struct lx_guest *g, uint64_t hdr_addr)
{
	struct lx_msghdr m;
	unsigned char buf[4096];
	uint64_t len, off = 0;

	if (lx_guest_read(g, &m, hdr_addr, sizeof(m)) < 0 ||
	    m.msg_control == 0)
		return;
	len = m.msg_controllen < sizeof(buf) ? m.msg_controllen : sizeof(buf);
	if (lx_guest_read(g, buf, m.msg_control, (size_t)len) < 0)
		return;
	while (off + sizeof(struct lx_cmsghdr) <= len) {
		struct lx_cmsghdr h;

		memcpy(&h, buf + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || off + h.cmsg_len > len)
			break;
		if (h.cmsg_level == LX_SOL_SOCKET &&
		    h.cmsg_type == LX_SCM_RIGHTS)
			for (uint64_t p = off + sizeof(h); p + 4 <= off +
			    h.cmsg_len; p += 4) {
				int fd;

				memcpy(&fd, buf + p, sizeof(fd));
				lx_fdtrack_arrived(g, fd);
			}
		off += LX_CMSG_ALIGN(h.cmsg_len);
	}
}

static long
recvmsg_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	if (ret >= 0)
		arrived_cmsgs(g, c->arg[1]);
	return ret;
}

static long
recvmmsg_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	for (long i = 0; i < ret; i++)
		arrived_cmsgs(g, c->arg[1] + (uint64_t)i *
		    sizeof(struct lx_mmsghdr));
	return ret;
}

long
lx_fdtrack_arrived_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	(void)c;
	if (ret >= 0)
		lx_fdtrack_arrived(g, (int)ret);
	return ret;
}

/* Could this msghdr receive an fd?  (a control buffer for one) */
static bool
may_carry_fds(struct lx_guest *g, uint64_t hdr_addr)
{
	struct lx_msghdr m;

	return lx_guest_read(g, &m, hdr_addr, sizeof(m)) == 0 &&
	    m.msg_control != 0 &&
	    m.msg_controllen >= sizeof(struct lx_cmsghdr) + sizeof(int);
}

static struct lx_action
recvmsg_hook(struct lx_call *c, struct lx_guest *g)
{
	if (!following || !may_carry_fds(g, c->arg[1]))
		return lx_native();
	return lx_same_call_then(c, recvmsg_exit);
}

static struct lx_action
recvmmsg_hook(struct lx_call *c, struct lx_guest *g)
{
	uint64_t n = c->arg[2] < LX_UIO_MAXIOV ? c->arg[2] : LX_UIO_MAXIOV;
	bool any = false;

	if (!following)
		return lx_native();
	for (uint64_t i = 0; i < n && !any; i++)
		any = may_carry_fds(g, c->arg[1] + i *
		    sizeof(struct lx_mmsghdr));
	return any ? lx_same_call_then(c, recvmmsg_exit) : lx_native();
}

/* pidfd_getfd and open_by_handle_at: the new fd gets its sets. */
static struct lx_action
getfd_hook(struct lx_call *c, struct lx_guest *g)
{
	(void)g;
	if (!following)
		return lx_native();
	return lx_same_call_then(c, lx_fdtrack_arrived_exit);
}

void
lx_fdarrive_hooks(enum lx_family fam)
{
	lx_hook_add(LX_NR_recvmsg, fam, recvmsg_hook);
	lx_hook_add(LX_NR_recvmmsg, fam, recvmmsg_hook);
	lx_hook_add(LX_NR_pidfd_getfd, fam, getfd_hook);
	lx_hook_add(LX_NR_open_by_handle_at, fam, getfd_hook);
}

__attribute__((constructor)) static void
fdarrive_init(void)
{
	lx_procset_register(&arrive_set);
}
