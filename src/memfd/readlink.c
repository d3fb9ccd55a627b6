/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * readlink of a memfd's /proc link.  On Linux, /proc/PID/fd/N of a memfd
 * reads "/memfd:NAME (deleted)"; our object is a shm file, whose link
 * reads "/dev/shm/.lxrun-memfd-SUP-SEQ (deleted)".  readlink and
 * readlinkat are trapped (they are rare); while no memfd exists the hook
 * lets them run at once, and otherwise it reads the link itself (an
 * injected readlinkat with the guest's own dirfd and path) only for
 * paths that may be a /proc fd link, and answers with Linux's string
 * when the target is one of ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lxrun/trace.h"
#include "memfd_int.h"

#define LINK_MAX	512

/* Could this path name a /proc fd or map_files link (or /dev/fd/N)? */
static bool
maybe_fd_link(const char *path, bool relative_to_dirfd)
{
	if (relative_to_dirfd && path[0] != '/')
		return true;
	return strstr(path, "fd/") != NULL ||
	    strstr(path, "map_files/") != NULL;
}

/* "/dev/shm/.lxrun-memfd-SUP-SEQ[ (deleted)]" -> our object, if any. */
static struct memfd_obj *
object_of_target(const char *t, bool *deleted)
{
	static const char suffix[] = " (deleted)";
	size_t plen = strlen(MEMFD_SHM_PREFIX), tl = strlen(t);
	unsigned long long seq;
	char *end;
	long sup;

	if (strncmp(t, MEMFD_SHM_PREFIX, plen) != 0)
		return NULL;
	sup = strtol(t + plen, &end, 10);
	if (sup != getpid() || *end != '-')
		return NULL;
	seq = strtoull(end + 1, &end, 10);
	*deleted = tl >= sizeof(suffix) - 1 &&
	    strcmp(t + tl - (sizeof(suffix) - 1), suffix) == 0;
	if (end != t + tl - (*deleted ? sizeof(suffix) - 1 : 0))
		return NULL;
	return memfd_find_seq(seq);
}

static struct lx_action
memfd_readlink(struct lx_call *c, struct lx_guest *g)
{
	bool at = c->nr == LX_NR_readlinkat, deleted;
	uint64_t upath = c->arg[at ? 1 : 0], ubuf = c->arg[at ? 2 : 1];
	int bufsiz = (int)c->arg[at ? 3 : 2];
	uint64_t dirfd = at ? c->arg[0] : (uint64_t)LX_AT_FDCWD;
	char path[LX_SCRATCH_MAX - LINK_MAX], target[LINK_MAX], out[300];
	struct memfd_obj *o;
	uint64_t s;
	long n, r;

	if (memfd_count == 0 || bufsiz <= 0)
		return lx_native();
	memfd_rules_catch_up(g);
	n = lx_guest_string(g, path, upath, sizeof(path));
	if (n < 0 || !maybe_fd_link(path, at && (int)dirfd != LX_AT_FDCWD))
		return lx_native();
	if ((s = lx_guest_scratch(g, LX_SCRATCH_MAX)) == 0 ||
	    lx_guest_write(g, s + LINK_MAX, path, (size_t)n + 1) < 0)
		return lx_native();
	r = lx_guest_syscall(g, LX_NR_readlinkat, dirfd, s + LINK_MAX, s,
	    LINK_MAX - 1, 0, 0);
	/* Errors, and links too long to be ours: the kernel answers. */
	if (r <= 0 || r >= LINK_MAX - 1 || lx_guest_read(g, target, s,
	    (size_t)r) < 0)
		return lx_native();
	target[r] = '\0';
	if ((o = object_of_target(target, &deleted)) == NULL)
		return lx_native();
	n = snprintf(out, sizeof(out), "/memfd:%s%s", o->name,
	    deleted ? " (deleted)" : "");
	if (n > bufsiz)
		n = bufsiz;
	if (lx_guest_write(g, ubuf, out, (size_t)n) < 0)
		return lx_return(-LX_EFAULT);
	return lx_return(n);
}

void
memfd_readlink_init(void)
{
	lx_trap_nr_add(LX_NR_readlink, LX_FAM_MEMFD);
	lx_trap_nr_add(LX_NR_readlinkat, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_readlink, LX_FAM_MEMFD, memfd_readlink);
	lx_hook_add(LX_NR_readlinkat, LX_FAM_MEMFD, memfd_readlink);
}
