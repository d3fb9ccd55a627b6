/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The status of an emulated object's file.  On Linux an epoll or inotify
 * fd is a file on the one anonymous inode every such fd shares (mode
 * 0600 and no file type, anon_inodefs's device and inode number); ours
 * are a pipe and a socket (S_IFIFO, S_IFSOCK|0777).  Whatever way the
 * status is asked for, lxrun answers with the host's own anonymous
 * inode's (host_anon_inode_stat):
 *
 * - newfstatat and statx always stop (their rows are translated), by fd
 *   or by a path that reaches the file (/proc/self/fd/N): the translators
 *   give their answer to lx_object_disguise_hstat before converting it;
 * - fstat(2) stops on the numbers of those fds (a per-fd rule of each
 *   family, kept by the fd-tracking facility) and is answered here.
 */
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"
#include "translate/stat_convert.h"

static bool
anon_object(uint64_t dev, uint64_t ino)
{
	struct lx_object *o;

	if (lx_object_count() == 0 ||
	    (o = lx_object_lookup(dev, ino, NULL)) == NULL)
		return false;
	return o->ops->link != NULL &&
	    strncmp(o->ops->link, "anon_inode:", 11) == 0;
}

bool
lx_object_disguise_hstat(struct host_stat *hs, uint32_t want, int sync)
{
	uint64_t dev = (uint64_t)makedev(hs->hs_dev_major, hs->hs_dev_minor);

	if (!anon_object(dev, hs->hs_ino))
		return false;
	return host_anon_inode_stat(want, sync, hs) == 0;
}

bool
lx_object_disguise_stat(const struct stat *st, struct lx_stat *out)
{
	struct host_stat hs;

	if (!anon_object((uint64_t)st->st_dev, (uint64_t)st->st_ino) ||
	    host_anon_inode_stat(HS_BASIC, HS_SYNC_AS_STAT, &hs) < 0)
		return false;
	lx_stat_from_hstat(out, &hs);
	return true;
}

/* fstat(2) of a number with an object's rule. */
static struct lx_action
object_fstat(struct lx_call *c, struct lx_guest *g)
{
	struct lx_stat lst;
	struct stat st;

	if (lx_object_count() == 0 ||
	    lx_guest_fd_stat(g, (int)c->arg[0], &st) < 0 ||
	    !lx_object_disguise_stat(&st, &lst))
		return lx_native();
	if (lx_guest_write(g, c->arg[1], &lst, sizeof(lst)) < 0)
		return lx_return(-LX_EFAULT);
	return lx_return(0);
}

/* fstatfs(2) of such a number: anon_inodefs, not pipefs or sockfs. */
static struct lx_action
object_fstatfs(struct lx_call *c, struct lx_guest *g)
{
	struct lx_statfs sf;
	struct stat st;

	if (lx_object_count() == 0 ||
	    lx_guest_fd_stat(g, (int)c->arg[0], &st) < 0 ||
	    !anon_object((uint64_t)st.st_dev, (uint64_t)st.st_ino) ||
	    host_anon_inode_statfs(&sf) < 0)
		return lx_native();
	if (lx_guest_write(g, c->arg[1], &sf, sizeof(sf)) < 0)
		return lx_return(-LX_EFAULT);
	return lx_return(0);
}

__attribute__((constructor)) static void
object_stat_init(void)
{
	lx_hook_add(LX_NR_fstat, LX_FAM_NONE, object_fstat);
	lx_hook_add(LX_NR_fstatfs, LX_FAM_NONE, object_fstatfs);
}
