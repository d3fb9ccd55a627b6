/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The routes by which a process gets an fd of a memfd without making it
 * itself, and the calls that reach one by path: the watch (enforce.c)
 * makes them stop once some object needs rules.
 *
 * - opens for writing or with O_TRUNC (of /proc/PID/fd/N, /dev/fd/N, a
 *   link to one...), creat and openat2 run as they are (rewritten into
 *   themselves, so that their exit may inject); at the exit the new fd
 *   gets its rules (lx_fdtrack_arrived) before the guest sees it.  The
 *   fd-tracking facility follows SCM_RIGHTS, pidfd_getfd and
 *   open_by_handle_at itself.
 * - An open with O_TRUNC of an F_SEAL_SHRINK file that is not empty, and
 *   truncate() and chmod() by path, are looked at first: the path is
 *   opened O_PATH in the guest (its own view and rights), and if it names
 *   one of our objects, the seals answer as Linux's shmem_setattr would.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "lxrun/fdtrack.h"
#include "memfd_int.h"

void
memfd_guest_close(struct lx_guest *g, int fd)
{
	if (fd >= 0)
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
}

struct memfd_obj *
memfd_of_path(struct lx_guest *g, int dirfd, uint64_t upath, bool nofollow,
    int *opath)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;
	long fd;

	*opath = -1;
	fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)(int64_t)dirfd,
	    upath, LX_O_PATH | LX_O_CLOEXEC | (nofollow ? LX_O_NOFOLLOW : 0),
	    0, 0, 0);
	if (fd < 0)
		return NULL;
	*opath = (int)fd;
	if (lx_guest_fd_ident(g, (int)fd, &id) < 0 ||
	    (o = memfd_find(id.dev, id.ino)) == NULL)
		return NULL;
	return o;
}

/*
 * May the thread open (or truncate) the file behind its O_PATH fd with
 * these access bits (LX_R_OK|LX_W_OK), as the kernel checks before it
 * truncates?  The guest asks the kernel itself.
 */
static bool
may_access(struct lx_guest *g, int opath, int mode)
{
	uint64_t empty = lx_guest_scratch(g, 8);

	if (empty == 0 || lx_guest_write(g, empty, "", 1) < 0)
		return false;
	return lx_guest_syscall(g, LX_NR_faccessat2, (uint64_t)opath, empty,
	    (uint64_t)mode, LX_AT_EMPTY_PATH | LX_AT_EACCESS, 0, 0) == 0;
}

/* ---- new fds ---- */

/* Is any object sealed against shrinking?  (O_TRUNC must look then) */
static bool
any_shrink_sealed(void)
{
	return memfd_nrules > 0;
}

/*
 * open, openat, creat, openat2: an O_TRUNC of a F_SEAL_SHRINK file that
 * is not empty is EPERM once the open itself would be allowed (the
 * kernel checks access, then truncates: handle_truncate); the fd an open
 * gives gets its rules.
 */
static struct lx_action
memfd_open(struct lx_call *c, struct lx_guest *g)
{
	int dirfd = LX_AT_FDCWD, opath;
	uint64_t upath = c->arg[0], flags;
	struct memfd_obj *o;
	bool trunc_refused = false;

	if (memfd_nwatch == 0)
		return lx_native();
	switch (c->nr) {
	case LX_NR_open:
		flags = c->arg[1];
		break;
	case LX_NR_creat:
		flags = LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC;
		break;
	case LX_NR_openat:
		dirfd = (int)c->arg[0];
		upath = c->arg[1];
		flags = c->arg[2];
		break;
	default: {	/* openat2 */
		struct lx_open_how how;

		if (c->arg[3] < sizeof(how) ||
		    lx_guest_read(g, &how, c->arg[2], sizeof(how)) < 0)
			return lx_native();
		dirfd = (int)c->arg[0];
		upath = c->arg[1];
		flags = how.flags;
		break;
	}
	}
	if ((flags & LX_O_TRUNC) && !(flags & LX_O_PATH) &&
	    (flags & (LX_O_CREAT | LX_O_EXCL)) != (LX_O_CREAT | LX_O_EXCL) &&
	    any_shrink_sealed()) {
		o = memfd_of_path(g, dirfd, upath, (flags & LX_O_NOFOLLOW) != 0,
		    &opath);
		if (o != NULL && (o->seals & LX_F_SEAL_SHRINK) &&
		    memfd_guest_size(g, opath) > 0) {
			int acc = (flags & LX_O_ACCMODE) == LX_O_RDONLY ?
			    LX_R_OK : (flags & LX_O_ACCMODE) == LX_O_WRONLY ?
			    LX_W_OK : LX_R_OK | LX_W_OK;

			trunc_refused = may_access(g, opath, acc | LX_W_OK);
		}
		memfd_guest_close(g, opath);
		if (trunc_refused)
			return lx_return(-LX_EPERM);
	}
	if (memfd_nrules == 0 || lx_opt.trap_all)
		return lx_native();
	/* A reopen (of /proc/PID/fd/N, say): the facility gives it rules. */
	return lx_same_call_then(c, lx_fdtrack_arrived_exit);
}

/* ---- by path ---- */

/* truncate(path, len): F_SEAL_SHRINK, F_SEAL_GROW, hugetlbfs sizes. */
static struct lx_action
memfd_truncate(struct lx_call *c, struct lx_guest *g)
{
	int64_t len = (int64_t)c->arg[1], size;
	struct memfd_obj *o;
	long r = 0;
	int opath;

	if (memfd_nrules == 0 || len < 0)
		return lx_native();
	o = memfd_of_path(g, LX_AT_FDCWD, c->arg[0], false, &opath);
	if (o != NULL && (size = memfd_guest_size(g, opath)) >= 0 &&
	    may_access(g, opath, LX_W_OK)) {
		if (o->hugetlb)
			r = memfd_huge_truncate_check(o->huge_shift,
			    (uint64_t)len);
		if (r == 0)
			r = memfd_truncate_check(o->seals, (uint64_t)size,
			    (uint64_t)len);
	}
	memfd_guest_close(g, opath);
	return r < 0 ? lx_return(r) : lx_native();
}

/* chmod, fchmodat, fchmodat2: F_SEAL_EXEC keeps the exec bits. */
static struct lx_action
memfd_chmod(struct lx_call *c, struct lx_guest *g)
{
	int dirfd = LX_AT_FDCWD, opath = -1, fd;
	uint64_t upath = c->arg[0], mode = c->arg[1];
	struct lx_fd_ident id;
	struct memfd_obj *o = NULL;
	bool nofollow = false, refuse = false;

	if (memfd_nwatch == 0)
		return lx_native();
	if (c->nr != LX_NR_chmod) {
		dirfd = (int)c->arg[0];
		upath = c->arg[1];
		mode = c->arg[2];
	}
	if (c->nr == LX_NR_fchmodat2) {
		char first;

		if (c->arg[3] & ~(uint64_t)(LX_AT_SYMLINK_NOFOLLOW |
		    LX_AT_EMPTY_PATH))
			return lx_native();
		nofollow = (c->arg[3] & LX_AT_SYMLINK_NOFOLLOW) != 0;
		if ((c->arg[3] & LX_AT_EMPTY_PATH) &&
		    lx_guest_read(g, &first, upath, 1) == 0 && first == '\0') {
			o = memfd_of_fd(g, dirfd, &id);
			fd = dirfd;
			goto check;
		}
	}
	o = memfd_of_path(g, dirfd, upath, nofollow, &opath);
	fd = opath;
check:
	if (o != NULL && lx_guest_fd_ident(g, fd, &id) == 0 &&
	    memfd_chmod_check(o->seals, id.mode & 07777,
	    (uint32_t)mode & 07777) < 0)
		refuse = true;
	memfd_guest_close(g, opath);
	return refuse ? lx_return(-LX_EPERM) : lx_native();
}

void
memfd_arrive_init(void)
{
	lx_hook_add(LX_NR_open, LX_FAM_MEMFD, memfd_open);
	lx_hook_add(LX_NR_openat, LX_FAM_MEMFD, memfd_open);
	lx_hook_add(LX_NR_creat, LX_FAM_MEMFD, memfd_open);
	lx_hook_add(LX_NR_openat2, LX_FAM_MEMFD, memfd_open);
	lx_hook_add(LX_NR_truncate, LX_FAM_MEMFD, memfd_truncate);
	lx_hook_add(LX_NR_chmod, LX_FAM_MEMFD, memfd_chmod);
	lx_hook_add(LX_NR_fchmodat, LX_FAM_MEMFD, memfd_chmod);
	lx_hook_add(LX_NR_fchmodat2, LX_FAM_MEMFD, memfd_chmod);
}
