/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * readlink of an emulated object's /proc fd link.  On Linux an epoll fd
 * reads "anon_inode:[eventpoll]" and an inotify fd "anon_inode:inotify";
 * ours are a pipe and a socket ("pipe:[N]", "socket:[N]").  readlink and
 * readlinkat are trapped while epoll or inotify is emulated (they are
 * rare); while no object exists the hook lets them run at once, and
 * otherwise it reads the link itself (an injected readlinkat with the
 * guest's own dirfd and path, so the guest's view of /proc resolves it)
 * and answers with Linux's string when the target is one of ours.  memfd
 * does the same for its shm files (src/memfd/readlink.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "lxrun/object.h"

#define LINK_MAX	512

/* "pipe:[N]" or "socket:[N]" -> the object whose inode is N, if any. */
static struct lx_object *
object_of_target(const char *t)
{
	const char *p = strchr(t, '[');
	unsigned long long ino;
	char *end;

	if ((strncmp(t, "pipe:[", 6) != 0 && strncmp(t, "socket:[", 8) != 0) ||
	    p == NULL)
		return NULL;
	ino = strtoull(p + 1, &end, 10);
	if (end[0] != ']' || end[1] != '\0')
		return NULL;
	return lx_object_by_ino(ino);
}

/*
 * Could this path name a /proc fd or map_files link (or /dev/fd/N), or a
 * process's exe link (a program run from a memfd)?
 */
static bool
maybe_fd_link(const char *path, bool relative_to_dirfd)
{
	size_t n = strlen(path);

	if (relative_to_dirfd && path[0] != '/')
		return true;
	return strstr(path, "fd/") != NULL ||
	    strstr(path, "map_files/") != NULL ||
	    (n >= 4 && strcmp(path + n - 4, "/exe") == 0);
}

long
lx_fdlink_target(struct lx_call *c, struct lx_guest *g, char *target,
    size_t len)
{
	bool at = c->nr == LX_NR_readlinkat;
	uint64_t upath = c->arg[at ? 1 : 0];
	uint64_t dirfd = at ? c->arg[0] : (uint64_t)LX_AT_FDCWD;
	char path[LX_SCRATCH_MAX - LINK_MAX];
	uint64_t s;
	long n, r;

	if ((int)c->arg[at ? 3 : 2] <= 0 || len > LINK_MAX)
		return -1;
	n = lx_guest_string(g, path, upath, sizeof(path));
	if (n < 0 || !maybe_fd_link(path, at && (int)dirfd != LX_AT_FDCWD))
		return -1;
	if ((s = lx_guest_scratch(g, LX_SCRATCH_MAX)) == 0 ||
	    lx_guest_write(g, s + LINK_MAX, path, (size_t)n + 1) < 0)
		return -1;
	r = lx_guest_syscall(g, LX_NR_readlinkat, dirfd, s + LINK_MAX, s,
	    len - 1, 0, 0);
	/* Errors, and links too long to be ours: the kernel answers. */
	if (r <= 0 || r >= (long)len - 1 ||
	    lx_guest_read(g, target, s, (size_t)r) < 0)
		return -1;
	target[r] = '\0';
	return r;
}

struct lx_action
lx_fdlink_answer(struct lx_call *c, struct lx_guest *g, const char *link)
{
	bool at = c->nr == LX_NR_readlinkat;
	uint64_t ubuf = c->arg[at ? 2 : 1];
	long n = (long)strlen(link), bufsiz = (int)c->arg[at ? 3 : 2];

	if (n > bufsiz)
		n = bufsiz;
	if (lx_guest_write(g, ubuf, link, (size_t)n) < 0)
		return lx_return(-LX_EFAULT);
	return lx_return(n);
}

static struct lx_action
object_readlink(struct lx_call *c, struct lx_guest *g)
{
	char target[LINK_MAX];
	struct lx_object *o;

	if (lx_object_count() == 0 ||
	    lx_fdlink_target(c, g, target, sizeof(target)) < 0)
		return lx_native();
	if ((o = object_of_target(target)) == NULL || o->ops->link == NULL)
		return lx_native();
	return lx_fdlink_answer(c, g, o->ops->link);
}

__attribute__((constructor)) static void
object_link_init(void)
{
	static const enum lx_family fams[] = { LX_FAM_EPOLL, LX_FAM_INOTIFY };

	/* trapped while either family is on; one hook serves both */
	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		lx_trap_nr_add(LX_NR_readlink, fams[i]);
		lx_trap_nr_add(LX_NR_readlinkat, fams[i]);
	}
	lx_hook_add(LX_NR_readlink, LX_FAM_NONE, object_readlink);
	lx_hook_add(LX_NR_readlinkat, LX_FAM_NONE, object_readlink);
}
