/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calls on an epoll fd that its stand-in, a pipe's read end, would answer
 * unlike Linux's eventpoll file (which has poll, llseek and ioctl and no
 * other method, and is opened O_RDWR).  They stop on the epoll fd's
 * number (the rule set in epoll_sys.c, kept by the fd-tracking facility)
 * and are answered here as fs/eventpoll.c and the VFS answer them:
 *
 * - read, readv, write, writev, and preadv2/pwritev2 at the current
 *   position: EINVAL (no read or write method); the pipe would read the
 *   marker byte, block, or fail with EBADF;
 * - lseek: 0 (noop_llseek), EINVAL for an unknown whence;
 * - ioctl: EPIOCSPARAMS/EPIOCGPARAMS (busy-poll parameters, kept per
 *   instance), EINVAL for FIONREAD and any request the VFS does not
 *   answer itself (the pipe says ENOTTY or counts its bytes);
 * - fcntl: F_GETFL shows O_RDWR; F_GETPIPE_SZ/F_SETPIPE_SZ: EBADF;
 * - fchmod, fchown: EOPNOTSUPP (an anonymous inode);
 * - fallocate: the VFS's argument checks, then ENODEV;
 * - posix_fadvise: 0 (or EINVAL), where a pipe gives ESPIPE;
 * - splice, tee, sendfile: EBADF or EINVAL (object_calls.c);
 * - vmsplice: EBADF (not a pipe).
 * Every hook lets calls on other files through: rules only add, so a
 * number keeps its rule after the epoll fd on it is closed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "epoll/epoll_int.h"
#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

#define LX_FIOCLEX		0x5451
#define LX_FIONCLEX		0x5450
#define LX_FIONBIO		0x5421
#define LX_FIOASYNC		0x5452
#define LX_FIOQSIZE		0x5460
#define LX_FS_IOC_GETFSSYSFSPATH 0x80811501
#define LX_EPIOCSPARAMS		0x40088a01
#define LX_EPIOCGPARAMS		0x80088a02
#define LX_NAPI_POLL_WEIGHT	64
#define LX_CAP_NET_ADMIN	12
#define LX_F_SETPIPE_SZ		1031
#define LX_F_GETPIPE_SZ		1032
#define LX_FALLOC_FL_KEEP_SIZE	0x01
#define LX_FALLOC_FL_PUNCH_HOLE	0x02
#define LX_FALLOC_FL_COLLAPSE	0x08
#define LX_FALLOC_FL_ZERO	0x10
#define LX_FALLOC_FL_INSERT	0x20
#define LX_FALLOC_FL_UNSHARE	0x40
#define LX_FALLOC_FL_WRITE_ZEROES 0x80
#define LX_FALLOC_FL_MODE_MASK	0xfa

static bool
is_epoll(struct lx_guest *g, int fd)
{
	return ep_of_fd(g, fd) != NULL;
}

static struct lx_action
einval_hook(struct lx_call *c, struct lx_guest *g)
{
	return is_epoll(g, (int)c->arg[0]) ? lx_return(-LX_EINVAL) :
	    lx_native();
}

/* preadv2/pwritev2 at offset -1 are readv/writev; else ESPIPE (native). */
static struct lx_action
rw2_hook(struct lx_call *c, struct lx_guest *g)
{
	if ((int64_t)c->arg[3] != -1 || !is_epoll(g, (int)c->arg[0]))
		return lx_native();
	return lx_return(-LX_EINVAL);
}

static struct lx_action
lseek_hook(struct lx_call *c, struct lx_guest *g)
{
	if (!is_epoll(g, (int)c->arg[0]))
		return lx_native();
	if ((uint32_t)c->arg[2] > LX_SEEK_HOLE)
		return lx_return(-LX_EINVAL);
	return lx_return(0);		/* noop_llseek: f_pos, always 0 */
}

/* CAP_NET_ADMIN in the thread's effective set (/proc/TID/status). */
static bool
has_net_admin(struct lx_guest *g)
{
	char path[64], line[256];
	unsigned long long eff = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", g->tid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> LX_CAP_NET_ADMIN) & 1;
}

struct lx_epoll_params {
	uint32_t busy_poll_usecs;
	uint16_t busy_poll_budget;
	uint8_t prefer_busy_poll;
	uint8_t pad;
};

static long
busy_poll_params(struct lx_call *c, struct lx_guest *g, struct ep_inst *ep)
{
	struct lx_epoll_params p;

	if ((uint32_t)c->arg[1] == LX_EPIOCGPARAMS) {
		memset(&p, 0, sizeof(p));
		p.busy_poll_usecs = ep->busy_poll_usecs;
		p.busy_poll_budget = ep->busy_poll_budget;
		p.prefer_busy_poll = ep->prefer_busy_poll;
		return lx_guest_write(g, c->arg[2], &p, sizeof(p)) < 0 ?
		    -LX_EFAULT : 0;
	}
	if (lx_guest_read(g, &p, c->arg[2], sizeof(p)) < 0)
		return -LX_EFAULT;
	if (p.pad != 0 || p.busy_poll_usecs > INT32_MAX ||
	    p.prefer_busy_poll > 1)
		return -LX_EINVAL;
	if (p.busy_poll_budget > LX_NAPI_POLL_WEIGHT && !has_net_admin(g))
		return -LX_EPERM;
	ep->busy_poll_usecs = p.busy_poll_usecs;
	ep->busy_poll_budget = p.busy_poll_budget;
	ep->prefer_busy_poll = p.prefer_busy_poll;
	return 0;
}

/* What the pipe answered, turned into what eventpoll would. */
static long
ioctl_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	(void)g;
	(void)c;
	/* pipe_ioctl knows nothing else; ep_eventpoll_ioctl says EINVAL */
	return ret == -LX_ENOTTY ? -LX_EINVAL : ret;
}

static struct lx_action
ioctl_hook(struct lx_call *c, struct lx_guest *g)
{
	uint32_t cmd = (uint32_t)c->arg[1];
	struct ep_inst *ep;

	switch (cmd) {
	case LX_FIOCLEX: case LX_FIONCLEX: case LX_FIONBIO: case LX_FIOASYNC:
	case LX_FIOQSIZE: case LX_FS_IOC_GETFSSYSFSPATH:
		return lx_native();	/* the VFS answers these for any file */
	}
	if ((ep = ep_of_fd(g, (int)c->arg[0])) == NULL)
		return lx_native();
	switch (cmd) {
	case LX_EPIOCSPARAMS: case LX_EPIOCGPARAMS:
		return lx_return(busy_poll_params(c, g, ep));
	case LX_FIONREAD:
		return lx_return(-LX_EINVAL);
	}
	/* the pipe's own requests would act on it: none reach it */
	if (((cmd >> 8) & 0xff) == 'W')
		return lx_return(-LX_EINVAL);
	return lx_native_then(ioctl_exit);
}

static long
getfl_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	(void)c;
	(void)g;
	/* eventpoll's file is O_RDWR; the pipe's read end says O_RDONLY */
	return ret >= 0 ? (ret & ~(long)LX_O_ACCMODE) | LX_O_RDWR : ret;
}

static struct lx_action
fcntl_hook(struct lx_call *c, struct lx_guest *g)
{
	switch (c->arg[1]) {
	case LX_F_GETFL:
		return is_epoll(g, (int)c->arg[0]) ? lx_native_then(getfl_exit) :
		    lx_native();
	case LX_F_GETPIPE_SZ: case LX_F_SETPIPE_SZ:
		return is_epoll(g, (int)c->arg[0]) ? lx_return(-LX_EBADF) :
		    lx_native();
	}
	return lx_native();	/* F_DUPFD*: the fd-tracking facility's */
}

static struct lx_action
fchmod_hook(struct lx_call *c, struct lx_guest *g)
{
	return is_epoll(g, (int)c->arg[0]) ? lx_return(-LX_ENOTSUP) :
	    lx_native();
}

/* vfs_fallocate's checks, in its order, on a file that is not regular. */
static struct lx_action
fallocate_hook(struct lx_call *c, struct lx_guest *g)
{
	int mode = (int)c->arg[1];
	int64_t off = (int64_t)c->arg[2], len = (int64_t)c->arg[3];

	if (!is_epoll(g, (int)c->arg[0]))
		return lx_native();
	if (off < 0 || len <= 0)
		return lx_return(-LX_EINVAL);
	if (mode & ~(LX_FALLOC_FL_MODE_MASK | LX_FALLOC_FL_KEEP_SIZE))
		return lx_return(-LX_ENOTSUP);
	switch (mode & LX_FALLOC_FL_MODE_MASK) {
	case 0: case LX_FALLOC_FL_UNSHARE: case LX_FALLOC_FL_ZERO:
		break;
	case LX_FALLOC_FL_PUNCH_HOLE:
		if (!(mode & LX_FALLOC_FL_KEEP_SIZE))
			return lx_return(-LX_ENOTSUP);
		break;
	case LX_FALLOC_FL_COLLAPSE: case LX_FALLOC_FL_INSERT:
	case LX_FALLOC_FL_WRITE_ZEROES:
		if (mode & LX_FALLOC_FL_KEEP_SIZE)
			return lx_return(-LX_ENOTSUP);
		break;
	default:
		return lx_return(-LX_ENOTSUP);
	}
	return lx_return(-LX_ENODEV);
}

/* generic_fadvise on an inode with no backing device. */
static struct lx_action
fadvise_hook(struct lx_call *c, struct lx_guest *g)
{
	if (!is_epoll(g, (int)c->arg[0]))
		return lx_native();
	if ((int64_t)c->arg[2] < 0 || c->arg[3] > 5)
		return lx_return(-LX_EINVAL);
	return lx_return(0);
}

static struct lx_action
splice_hook(struct lx_call *c, struct lx_guest *g)
{
	return lx_object_splice_answer(c, g, is_epoll, true);
}

static struct lx_action
vmsplice_hook(struct lx_call *c, struct lx_guest *g)
{
	return is_epoll(g, (int)c->arg[0]) ? lx_return(-LX_EBADF) :
	    lx_native();
}

void
ep_fdcalls_init(void)
{
	static const long einval[] = {
		LX_NR_read, LX_NR_readv, LX_NR_write, LX_NR_writev,
	};

	for (size_t i = 0; i < sizeof(einval) / sizeof(einval[0]); i++)
		lx_hook_add(einval[i], LX_FAM_EPOLL, einval_hook);
	lx_hook_add(LX_NR_preadv2, LX_FAM_EPOLL, rw2_hook);
	lx_hook_add(LX_NR_pwritev2, LX_FAM_EPOLL, rw2_hook);
	lx_hook_add(LX_NR_lseek, LX_FAM_EPOLL, lseek_hook);
	lx_hook_add(LX_NR_ioctl, LX_FAM_EPOLL, ioctl_hook);
	lx_hook_add(LX_NR_fcntl, LX_FAM_EPOLL, fcntl_hook);
	lx_hook_add(LX_NR_fchmod, LX_FAM_EPOLL, fchmod_hook);
	lx_hook_add(LX_NR_fchown, LX_FAM_EPOLL, fchmod_hook);
	lx_hook_add(LX_NR_fallocate, LX_FAM_EPOLL, fallocate_hook);
	lx_hook_add(LX_NR_fadvise64, LX_FAM_EPOLL, fadvise_hook);
	lx_hook_add(LX_NR_splice, LX_FAM_EPOLL, splice_hook);
	lx_hook_add(LX_NR_tee, LX_FAM_EPOLL, splice_hook);
	lx_hook_add(LX_NR_sendfile, LX_FAM_EPOLL, splice_hook);
	lx_hook_add(LX_NR_vmsplice, LX_FAM_EPOLL, vmsplice_hook);
}
