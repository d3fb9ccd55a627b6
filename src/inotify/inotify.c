/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inotify_init, inotify_init1, inotify_add_watch, inotify_rm_watch
 * (DESIGN.md decisions 2 and 6).
 *
 * The guest's inotify fd is one end of a SEQPACKET pair made inside the
 * guest; the supervisor keeps the other end and the instance (queue and
 * watches).  Each queued event is also sent as one record, so readiness,
 * blocking in poll/epoll/select, fork sharing, exec and SCM_RIGHTS are
 * the kernel's own.  What a socket cannot do as inotify does, reading
 * several whole events at once and EINVAL for a buffer too small, FIONREAD
 * of the whole queue, is done by trapping those calls on the inotify fd's
 * number (read.c).
 *
 * A watch is checked and resolved by the guest itself (an injected
 * openat(O_PATH) and faccessat2(R_OK) with the guest's cwd, root,
 * credentials and symlink rules) and then held by the supervisor, so the
 * guest's fd table, RLIMIT_NOFILE, close_range and dup2 never touch it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inotify/inotify.h"
#include "inotify/inotify_int.h"
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"

struct ino_limits ino_limits;

static void ino_release(struct lx_object *o);

const struct lx_object_ops ino_ops = {
	.kind = "inotify",
	.link = "anon_inode:inotify",
	.sup_filter = HQ_READ,
	.release = ino_release,
	.fdinfo = ino_fdinfo,
	.fdinfo_accmode = LX_O_RDONLY,
};

static long
read_limit(const char *name, long dflt)
{
	char path[128];
	long v = dflt;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/fs/inotify/%s", name);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &v) != 1 || v <= 0)
			v = dflt;
		fclose(f);
	}
	return v;
}

static void
read_limits(void)
{
	if (ino_limits.max_queued_events != 0)
		return;
	ino_limits.max_queued_events = read_limit("max_queued_events", 16384);
	ino_limits.max_user_instances = read_limit("max_user_instances", 128);
	ino_limits.max_user_watches = read_limit("max_user_watches", 8192);
}

/* One stat of the fd's /proc link: it is asked at every trapped call. */
struct ino_inst *
ino_inst_of(struct lx_guest *g, int fd)
{
	struct lx_object *o;
	struct stat st;

	if (ino_ninstances == 0 || lx_guest_fd_stat(g, fd, &st) < 0 ||
	    !S_ISSOCK(st.st_mode) ||
	    (o = lx_object_by_ino((uint64_t)st.st_ino)) == NULL ||
	    o->ops != &ino_ops || o->dev != (uint64_t)st.st_dev)
		return NULL;
	return (struct ino_inst *)(void *)o;
}

/*
 * The instance whose guest end the guest's fd is, proven on a copy of
 * that fd, which *copy keeps (a read drains the socket through it): one
 * pidfd_getfd and one fstat instead of a stat of the fd's /proc link
 * (a procfs walk, twice the price here) followed by the same pull.
 */
struct ino_inst *
ino_inst_pull(struct lx_guest *g, int fd, int *copy)
{
	struct lx_object *o;
	struct stat st;
	int sfd;

	*copy = -1;
	if (ino_ninstances == 0 || (sfd = lx_guest_pull_fd(g, fd)) < 0)
		return NULL;
	if (fstat(sfd, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    (o = lx_object_by_ino((uint64_t)st.st_ino)) == NULL ||
	    o->ops != &ino_ops || o->dev != (uint64_t)st.st_dev) {
		close(sfd);
		return NULL;
	}
	*copy = sfd;
	return (struct ino_inst *)(void *)o;
}

/* --- init --------------------------------------------------------------- */

static long
init_common(struct lx_guest *g, int flags)
{
	struct ino_inst *inst;
	int fd, sup = -1;
	long r;

	read_limits();
	if (ino_ninstances >= ino_limits.max_user_instances)
		return -LX_EMFILE;
	if (ino_hq() == NULL)
		return -LX_ENOMEM;
	if ((inst = calloc(1, sizeof(*inst))) == NULL)
		return -LX_ENOMEM;
	if ((fd = lx_object_make_seqpacket(g, flags, &sup)) < 0) {
		free(inst);
		return fd;
	}
	inst->obj.ops = &ino_ops;
	inst->obj.sup_fd = sup;
	inst->nonblock = (flags & LX_IN_NONBLOCK) != 0;
	inq_init(&inst->q, (size_t)ino_limits.max_queued_events);
	inst->sock.fd = -1;
	if ((r = lx_object_register(&inst->obj, g, fd)) < 0) {
		close(sup);
		free(inst);
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
		return r;
	}
	inst->next = ino_instances;
	ino_instances = inst;
	ino_ninstances++;
	/* Opens stop from now on: fdinfo, and the events of watches to be. */
	ino_rules_need(g, INO_RULES_OPEN);
	if ((r = ino_rules_inofd(g, fd)) < 0) {
		/* The registry releases the instance when this close is seen. */
		lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
		return r;
	}
	return fd;
}

/*
 * -LX_ENOSYS: the supervisor cannot take fds from this thread's table (a
 * private one, on a kernel without PIDFD_THREAD): the host's inotify serves.
 */
static struct lx_action
init_answer(long r)
{
	return r == -LX_ENOSYS ? lx_native() : lx_return(r);
}

struct lx_action
lx_sys_inotify_init(struct lx_call *c, struct lx_guest *g)
{
	(void)c;
	return init_answer(init_common(g, 0));
}

struct lx_action
lx_sys_inotify_init1(struct lx_call *c, struct lx_guest *g)
{
	int flags = (int)c->arg[0];

	if (flags & ~(LX_IN_NONBLOCK | LX_IN_CLOEXEC))
		return lx_return(-LX_EINVAL);
	return init_answer(init_common(g, flags));
}

static void
ino_release(struct lx_object *o)
{
	struct ino_inst *inst = (struct ino_inst *)(void *)o, **pp;

	for (pp = &ino_instances; *pp != NULL; pp = &(*pp)->next)
		if (*pp == inst) {
			*pp = inst->next;
			break;
		}
	while (inst->watches != NULL)
		ino_watch_remove(inst->watches, false);
	if (inst->sock_full) {
		struct hq_event ch = hq_event((uintptr_t)inst->obj.sup_fd,
		    HQ_WRITE, HQ_DELETE, 0, 0, NULL);

		hq_change(ino_hq(), &ch, 1);
	}
	if (inst->obj.sup_fd >= 0)
		close(inst->obj.sup_fd);
	inq_fini(&inst->q);
	free(inst);
	ino_ninstances--;
	ino_reap();
}

/* --- add_watch / rm_watch ----------------------------------------------- */

/*
 * The guest's read permission on the file the supervisor took (sup), as
 * inotify_add_watch's path_permission(MAY_READ) asks it.  The check is
 * made on sup itself, with the thread's rights: checking the guest's fd
 * number instead would let another thread put a different file there
 * between the check and the pull (docs/security.md).  Where the
 * supervisor cannot take the thread's rights (another user namespace),
 * the guest checks its own fd and kcmp proves that fd is still sup's file
 * (docs/security.md says what remains).
 */
static long
may_watch(struct lx_guest *g, int sup, int fd)
{
	uint64_t empty;
	long r = lx_guest_sup_access(g, sup, LX_R_OK);

	if (r != -LX_EAGAIN)
		return r;
	empty = lx_guest_scratch(g, 8);
	if (empty == 0 || lx_guest_write(g, empty, "", 1) < 0)
		return -LX_ENOMEM;
	r = lx_guest_syscall(g, LX_NR_faccessat2, (uint64_t)fd, empty,
	    LX_R_OK, LX_AT_EMPTY_PATH | LX_AT_EACCESS, 0, 0);
	if (r == -LX_ENOSYS)
		r = 0;		/* before Linux 5.8: O_PATH checked */
	if (r == 0 && lx_guest_same_file(g, sup, fd) != 1)
		r = -LX_ENOENT;
	return r;
}

/*
 * Resolve path as the guest would: an O_PATH open in the guest (its cwd,
 * root, credentials, symlink rules; no open/close event for anyone), the
 * fd moves to the supervisor, and the guest's read permission is checked
 * on that file.  Returns the supervisor's fd or -errno.
 */
static int
resolve_path(struct lx_guest *g, uint64_t path, uint32_t mask)
{
	uint64_t flags = LX_O_PATH | LX_O_CLOEXEC;
	long fd, r;
	int sup;

	if (mask & LX_IN_DONT_FOLLOW)
		flags |= LX_O_NOFOLLOW;
	if (mask & LX_IN_ONLYDIR)
		flags |= LX_O_DIRECTORY;
	fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)(int64_t)LX_AT_FDCWD,
	    path, flags, 0, 0, 0);
	if (fd < 0)
		return (int)fd;
	sup = lx_guest_pull_fd(g, (int)fd);
	r = sup < 0 ? (sup == -LX_EBADF ? -LX_ENOENT : -LX_ENOMEM) :
	    may_watch(g, sup, (int)fd);
	lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
	if (r < 0 && sup >= 0)
		close(sup);
	return r < 0 ? (int)r : sup;
}

static struct ino_watch *
watch_by_inode(struct ino_inst *inst, uint64_t dev, uint64_t ino)
{
	struct ino_watch *w;

	for (w = inst->watches; w != NULL; w = w->next)
		if (w->dev == dev && w->ino == ino)
			return w;
	return NULL;
}

static struct ino_watch *
watch_by_wd(struct ino_inst *inst, int32_t wd)
{
	struct ino_watch *w;

	for (w = inst->watches; w != NULL; w = w->next)
		if (w->wd == wd)
			return w;
	return NULL;
}

/* The fd checks of add_watch and rm_watch, in Linux's order. */
static long
inst_check(struct lx_guest *g, int fd, struct ino_inst **inst)
{
	struct lx_fd_ident id;

	if (lx_guest_fd_ident(g, fd, &id) < 0)
		return -LX_EBADF;
	if ((*inst = ino_inst_of(g, fd)) == NULL)
		return -LX_EINVAL;
	return 0;
}

static long
add_watch(struct lx_guest *g, int fd, uint64_t path, uint32_t mask)
{
	const uint32_t flags = LX_IN_MASK_ADD | LX_IN_MASK_CREATE;
	struct ino_inst *inst;
	struct ino_watch *w;
	struct stat st;
	int sup, err;
	long r;

	/* Unknown bits, or nothing at all: before the fd is looked at. */
	if ((mask & ~LX_IN_ALL_BITS) || mask == 0)
		return -LX_EINVAL;
	{
		struct lx_fd_ident id;

		if (lx_guest_fd_ident(g, fd, &id) < 0)
			return -LX_EBADF;
	}
	if ((mask & flags) == flags)
		return -LX_EINVAL;
	if ((r = inst_check(g, fd, &inst)) < 0)
		return r;
	ino_sync();
	if ((sup = resolve_path(g, path, mask)) < 0)
		return sup;
	if (fstat(sup, &st) < 0) {
		close(sup);
		return -LX_ENOENT;
	}
	w = watch_by_inode(inst, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
	if (w != NULL) {
		close(sup);
		if (mask & LX_IN_MASK_CREATE)
			return -LX_EEXIST;
		ino_watch_set_mask(w, (mask & LX_IN_MASK_ADD) ?
		    (w->mask | (mask & ~flags)) : (mask & ~flags));
		ino_sync();
		ino_rules_catch_up(g);
		return w->wd;
	}
	if (ino_nwatches >= ino_limits.max_user_watches) {
		close(sup);
		return -LX_ENOSPC;
	}
	if ((w = ino_watch_new(inst, sup, &st, mask & ~flags, &err)) == NULL)
		return err;
	/* Take our own listing's notes now, before the guest's come. */
	ino_sync();
	/* From now on this process's calls that a watch sees stop. */
	ino_rules_need(g, INO_RULES_OPEN | INO_RULES_NS);
	ino_rules_catch_up(g);
	return w->wd;
}

struct lx_action
lx_sys_inotify_add_watch(struct lx_call *c, struct lx_guest *g)
{
	ino_rules_catch_up(g);
	return lx_return(add_watch(g, (int)c->arg[0], c->arg[1],
	    (uint32_t)c->arg[2]));
}

struct lx_action
lx_sys_inotify_rm_watch(struct lx_call *c, struct lx_guest *g)
{
	struct ino_inst *inst;
	struct ino_watch *w;
	long r;

	ino_rules_catch_up(g);
	if ((r = inst_check(g, (int)c->arg[0], &inst)) < 0)
		return lx_return(r);
	/* Events of operations already done come before the IN_IGNORED. */
	ino_sync();
	if ((w = watch_by_wd(inst, (int32_t)c->arg[1])) == NULL)
		return lx_return(-LX_EINVAL);
	ino_watch_remove(w, true);
	ino_flush(inst);
	ino_reap();
	return lx_return(0);
}
