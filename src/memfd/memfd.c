/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd_create(2) on POSIX shared memory (DESIGN.md decision 2).
 *
 * The object is a file under the host's shm directory, created and
 * unlinked inside the guest by injected syscalls, so the guest holds an
 * ordinary fd to a nameless tmpfs file (the lowest free number, as
 * Linux): read, write, mmap, fstat, fork, SCM_RIGHTS and reopening
 * through /proc/self/fd/N are all native.  What Linux adds to that file
 * (its name and its seals) lives here, in a registry keyed by the file's
 * identity (device and inode), so every fd and process that reaches the
 * file shares it.
 *
 * There is no supervisor end whose EOF says the object died, so entries
 * are swept: when the registry has doubled since the last sweep, every
 * traced process's fds and mappings are looked at and the entries no one
 * references are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "memfd_int.h"

#define HASH_SIZE	1024
#define SWEEP_MIN	64

static struct memfd_obj *hash[HASH_SIZE];
static struct memfd_obj *all;
static int sweep_at = SWEEP_MIN;
int memfd_count;
int memfd_nenforced;

static struct memfd_obj **
bucket(uint64_t dev, uint64_t ino)
{
	return &hash[(ino * 31 + dev) % HASH_SIZE];
}

struct memfd_obj *
memfd_find(uint64_t dev, uint64_t ino)
{
	for (struct memfd_obj *o = *bucket(dev, ino); o != NULL; o = o->next)
		if (o->dev == dev && o->ino == ino)
			return o;
	return NULL;
}

struct memfd_obj *
memfd_find_seq(uint64_t seq)
{
	for (struct memfd_obj *o = all; o != NULL; o = o->all_next)
		if (o->seq == seq)
			return o;
	return NULL;
}

struct memfd_obj *
memfd_of_fd(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	if (memfd_count == 0 || lx_guest_fd_ident(g, fd, id) < 0)
		return NULL;
	return memfd_find(id->dev, id->ino);
}

static void
obj_remove(struct memfd_obj *o)
{
	struct memfd_obj **pp;

	for (pp = bucket(o->dev, o->ino); *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	*o->all_prev = o->all_next;
	if (o->all_next != NULL)
		o->all_next->all_prev = o->all_prev;
	if (memfd_seals_enforced(o->seals))
		memfd_nenforced--;
	memfd_count--;
	free(o);
}

static void
obj_insert(struct memfd_obj *o)
{
	struct memfd_obj *old, **b;

	/* A dead entry whose inode number the host gave out again. */
	if ((old = memfd_find(o->dev, o->ino)) != NULL)
		obj_remove(old);
	b = bucket(o->dev, o->ino);
	o->next = *b;
	*b = o;
	o->all_next = all;
	o->all_prev = &all;
	if (all != NULL)
		all->all_prev = &o->all_next;
	all = o;
	if (memfd_seals_enforced(o->seals))
		memfd_nenforced++;
	memfd_count++;
}

/* ---- sweeping dead entries ---- */

static void
mark_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct memfd_obj *o = memfd_find(dev, ino);

	(void)fd;
	(void)arg;
	if (o != NULL)
		o->alive = true;
}

static void
mark_map(uint64_t dev, uint64_t ino, bool shared, void *arg)
{
	mark_fd(-1, dev, ino, arg);
}

/*
 * An object is alive while some traced process has an fd or a mapping
 * of its file.  (An fd in flight in an SCM_RIGHTS message is in no fd
 * table: see docs/semantics.md.)
 */
static void
sweep(void)
{
	struct memfd_obj *o, *next;
	int *pids, n;

	n = memfd_traced_pids(&pids);
	for (o = all; o != NULL; o = o->all_next)
		o->alive = false;
	for (int i = 0; i < n; i++) {
		memfd_proc_fds(pids[i], mark_fd, NULL);
		memfd_proc_maps(pids[i], mark_map, NULL);
	}
	for (o = all; o != NULL; o = next) {
		next = o->all_next;
		if (!o->alive)
			obj_remove(o);
	}
	sweep_at = 2 * memfd_count > SWEEP_MIN ? 2 * memfd_count : SWEEP_MIN;
}

/* ---- memfd_create ---- */

static void
guest_close(struct lx_guest *g, int fd)
{
	lx_guest_syscall(g, LX_NR_close, (uint64_t)fd, 0, 0, 0, 0, 0);
}

/*
 * The guest makes the file itself, with its own credentials, so that the
 * supervisor never applies a privileged call to a file it took from the
 * guest (docs/security.md): open(O_CREAT|O_EXCL, 0600) of a name no one
 * can guess, unlink at once, then fchmod to the mode Linux gives (open
 * applied the umask).  Until the unlink the name is open to its owner
 * only; a name someone else holds (EEXIST) is retried with a new one.
 * No O_NOFOLLOW: it would stay in F_GETFL (Linux's memfd shows
 * O_RDWR|O_LARGEFILE only), and O_EXCL already refuses a symlink planted
 * at the name.  O_TMPFILE would need no name but shows in F_GETFL too.
 */
static long
open_fresh(struct lx_guest *g, const struct memfd_flags *mf, uint64_t path,
    struct memfd_obj *o)
{
	char name[128];
	long fd = -LX_EEXIST, r;

	for (int tries = 0; tries < 64 && fd == -LX_EEXIST; tries++) {
		if (host_entropy(&o->seq, sizeof(o->seq)) < 0)
			return -LX_ENOMEM;
		snprintf(name, sizeof(name), "%s%d-%llu", MEMFD_SHM_PREFIX,
		    (int)getpid(), (unsigned long long)o->seq);
		if ((r = lx_guest_write(g, path, name, strlen(name) + 1)) < 0)
			return r;
		fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD,
		    path, LX_O_RDWR | LX_O_CREAT | LX_O_EXCL |
		    (mf->cloexec ? LX_O_CLOEXEC : 0), 0600, 0, 0);
	}
	return fd;
}

static int
create_in_guest(struct lx_guest *g, const struct memfd_flags *mf,
    struct memfd_obj *o)
{
	uint64_t path = lx_guest_scratch(g, 128);
	struct lx_fd_ident id;
	long fd, r;

	if (path == 0)
		return -LX_ENOMEM;
	if ((fd = open_fresh(g, mf, path, o)) < 0)
		return (int)fd;
	r = lx_guest_syscall(g, LX_NR_unlink, path, 0, 0, 0, 0, 0);
	if (r == 0)
		r = lx_guest_syscall(g, LX_NR_fchmod, (uint64_t)fd, mf->mode,
		    0, 0, 0, 0);
	/* What the guest now holds at fd must be that nameless file. */
	if (r == 0 && (r = lx_guest_fd_ident(g, (int)fd, &id)) == 0 &&
	    ((id.mode & LX_S_IFMT) != LX_S_IFREG || (id.mode & 07777) != mf->mode))
		r = -LX_EBADF;
	if (r < 0) {
		guest_close(g, (int)fd);
		return r == -LX_EBADF ? -LX_EBADF : -LX_ENOMEM;
	}
	o->dev = id.dev;
	o->ino = id.ino;
	return (int)fd;
}

struct lx_action
lx_sys_memfd_create(struct lx_call *c, struct lx_guest *g)
{
	struct memfd_flags mf;
	struct memfd_obj *o;
	char name[LX_MFD_NAME_MAX + 1];
	long r;
	int fd;

	memfd_rules_catch_up(g);
	if ((r = memfd_flags_parse((uint32_t)c->arg[1], memfd_noexec_scope(),
	    &mf)) < 0)
		return lx_return(r);
	r = lx_guest_string(g, name, c->arg[0], sizeof(name));
	if (r == -LX_ENAMETOOLONG)
		return lx_return(-LX_EINVAL);
	if (r < 0)
		return lx_return(-LX_EFAULT);
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return lx_return(-LX_ENOMEM);
	if ((fd = create_in_guest(g, &mf, o)) < 0) {
		free(o);
		return lx_return(fd);
	}
	/* hugetlb_file_setup() comes after the fd is reserved. */
	if (mf.hugetlb && !memfd_huge_size_ok(mf.huge_log)) {
		guest_close(g, fd);
		free(o);
		return lx_return(-LX_ENODEV);
	}
	o->seals = mf.seals;
	memcpy(o->name, name, sizeof(name));
	obj_insert(o);
	memfd_rules_new(g, fd, o);
	if (memfd_count >= sweep_at)
		sweep();
	return lx_return(fd);
}

/* ---- fcntl(F_ADD_SEALS / F_GET_SEALS) ---- */

/* Any traced process with a shared mapping of o that may write. */
static bool
object_busy(const struct memfd_obj *o)
{
	int *pids, n = memfd_traced_pids(&pids);

	for (int i = 0; i < n; i++)
		if (memfd_proc_shared_maywrite(pids[i], o->dev, o->ino))
			return true;
	return false;
}

static long
add_seals(struct lx_guest *g, struct memfd_obj *o,
    const struct lx_fd_ident *id, uint64_t req)
{
	bool writable = (id->flags & LX_O_ACCMODE) != LX_O_RDONLY;
	bool check_busy, was = memfd_seals_enforced(o->seals);
	long r;

	r = memfd_seals_add(o->seals, req, writable, id->mode, &check_busy);
	if (r < 0)
		return r;
	if (check_busy && object_busy(o))
		return -LX_EBUSY;
	o->seals = (uint32_t)r;
	if (!was && memfd_seals_enforced(o->seals)) {
		memfd_nenforced++;
		memfd_rules_ensure(g);
		memfd_rules_mark_others(g->pid);
	}
	return 0;
}

/*
 * Every fcntl that stops comes here: the seal commands (a static rule
 * traps them on every fd) and, on the fds of a sealed object, all
 * commands (so that F_DUPFD copies get rules).  Anything that is not a
 * memfd of ours runs natively: the kernel gives EBADF for a bad fd,
 * EINVAL for a file that cannot be sealed, EPERM for a tmpfs file.
 */
static struct lx_action
memfd_fcntl(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[0], cmd = (int)c->arg[1];
	struct lx_fd_ident id;
	struct memfd_obj *o;

	if (cmd == LX_F_DUPFD || cmd == LX_F_DUPFD_CLOEXEC)
		return memfd_dupfd(c, g);
	if (cmd != LX_F_ADD_SEALS && cmd != LX_F_GET_SEALS)
		return lx_native();
	memfd_rules_catch_up(g);
	if ((o = memfd_of_fd(g, fd, &id)) == NULL)
		return lx_native();
	/* fcntl on an O_PATH fd knows only a few commands: EBADF. */
	if (id.flags & LX_O_PATH)
		return lx_native();
	if (cmd == LX_F_GET_SEALS)
		return lx_return(o->seals);
	return lx_return(add_seals(g, o, &id, (uint32_t)c->arg[2]));
}

/* ---- life events ---- */

static void
on_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	(void)parent_pid;
	if (!thread)
		memfd_traced_dirty();
	memfd_proc_clone(parent_tid, child_tid, thread);
}

static void
on_exec(int pid)
{
	(void)pid;
	memfd_traced_dirty();
}

static void
on_exit_(int tid)
{
	memfd_traced_dirty();
	memfd_proc_exit(tid);
}

static const struct lx_hooks memfd_life = {
	.on_clone = on_clone,
	.on_exec = on_exec,
	.on_exit = on_exit_,
};

__attribute__((constructor)) static void
memfd_register(void)
{
	lx_trap_arg_add(LX_NR_fcntl, 1, LX_F_ADD_SEALS, LX_FAM_MEMFD);
	lx_trap_arg_add(LX_NR_fcntl, 1, LX_F_GET_SEALS, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_fcntl, LX_FAM_MEMFD, memfd_fcntl);
	lx_hooks_register(&memfd_life);
	memfd_enforce_init();
	memfd_readlink_init();
}
