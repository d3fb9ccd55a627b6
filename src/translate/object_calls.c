/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Answers shared by the families whose guest fd stands in for a file
 * without data methods (epoll, inotify): the splice family.  Their
 * stand-in (a pipe, a socket) would splice, or block; Linux checks both
 * fds and their modes and then finds no splice method.
 */
#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

#define LX_SPLICE_F_ALL 0xf

struct lx_action
lx_object_splice_answer(struct lx_call *c, struct lx_guest *g,
    bool (*is_obj)(struct lx_guest *g, int fd), bool obj_writable)
{
	int in, out;
	bool in_obj, out_obj;
	struct lx_fd_ident a, b;

	switch (c->nr) {
	case LX_NR_splice:
		in = (int)c->arg[0], out = (int)c->arg[2];
		if (c->arg[4] == 0 || (c->arg[5] & ~(uint64_t)LX_SPLICE_F_ALL))
			return lx_native();	/* 0, EINVAL before the fds */
		break;
	case LX_NR_tee:
		in = (int)c->arg[0], out = (int)c->arg[1];
		if ((c->arg[3] & ~(uint64_t)LX_SPLICE_F_ALL) || c->arg[2] == 0)
			return lx_native();
		break;
	default:	/* sendfile */
		out = (int)c->arg[0], in = (int)c->arg[1];
		break;
	}
	in_obj = is_obj(g, in);
	out_obj = is_obj(g, out);
	if (!in_obj && !out_obj)
		return lx_native();
	if (lx_guest_fd_ident(g, in, &a) < 0 ||
	    lx_guest_fd_ident(g, out, &b) < 0)
		return lx_native();	/* EBADF, the kernel's own */
	if (!in_obj && (a.flags & LX_O_ACCMODE) == LX_O_WRONLY)
		return lx_return(-LX_EBADF);
	if (c->nr == LX_NR_sendfile && in_obj && c->arg[2] != 0)
		return lx_return(-LX_ESPIPE);	/* no FMODE_PREAD */
	if ((out_obj && !obj_writable) ||
	    (!out_obj && (b.flags & LX_O_ACCMODE) == LX_O_RDONLY))
		return lx_return(-LX_EBADF);
	return lx_return(-LX_EINVAL);
}
