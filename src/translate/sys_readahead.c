/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * readahead(2) translated onto posix_fadvise(POSIX_FADV_WILLNEED), run in
 * the guest (it may wait on I/O submission).
 *
 * Linux (mm/readahead.c ksys_readahead): EBADF when the fd is not open,
 * is an O_PATH fd or was not opened for reading; EINVAL unless it is a
 * regular file or a block device (pipes, sockets, directories, character
 * devices); then vfs_fadvise(), which refuses a negative length (EINVAL)
 * but takes a negative offset without complaint and returns 0.  The host
 * fadvise refuses negative offsets, so that case is answered here.
 */
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/stat_convert.h"
#include "translate/readahead.h"

long
lx_readahead_check(const struct lx_fd_ident *id, int64_t offset,
    int64_t count)
{
	uint32_t type = id->mode & LX_S_IFMT;

	if ((id->flags & LX_O_PATH) == LX_O_PATH ||
	    (id->flags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EBADF;
	if (type != LX_S_IFREG && type != LX_S_IFBLK)
		return -LX_EINVAL;
	if (count < 0)
		return -LX_EINVAL;
	if (offset < 0)
		return 0;
	return 1;	/* go on to the host */
}

struct lx_action
lx_sys_readahead(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[0];
	int64_t offset = (int64_t)c->arg[1], count = (int64_t)c->arg[2];
	struct lx_fd_ident id;
	long r;

	if (fd < 0)
		return lx_return(-LX_EBADF);
	r = lx_guest_fd_ident(g, fd, &id);
	if (r < 0)
		return lx_return(-LX_EBADF);
	r = lx_readahead_check(&id, offset, count);
	if (r <= 0)
		return lx_return(r);
	/* A length of 0 means "to the end" for both: Linux does the same. */
	return lx_rewrite(LX_NR_fadvise64, (uint64_t)fd, (uint64_t)offset,
	    (uint64_t)count, LX_POSIX_FADV_WILLNEED, 0, 0, NULL);
}
