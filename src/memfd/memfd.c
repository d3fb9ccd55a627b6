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
 * references are dropped (a sealed one only when two sweeps in a row
 * found none: it may be in flight in an SCM_RIGHTS message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "lxrun/fdtrack.h"
#include "memfd_int.h"

#define HASH_SIZE	1024
#define SWEEP_MIN	64

static struct memfd_obj *hash[HASH_SIZE];
static struct memfd_obj *all;
static int sweep_at = SWEEP_MIN;
int memfd_count;
int memfd_nwatch;
int memfd_nrules;

#define SEALS_DATA \
	(LX_F_SEAL_SHRINK | LX_F_SEAL_GROW | LX_F_SEAL_WRITE | \
	 LX_F_SEAL_FUTURE_WRITE)

bool
memfd_needs_watch(const struct memfd_obj *o)
{
	return o->hugetlb || memfd_seals_enforced(o->seals);
}

bool
memfd_needs_rules(const struct memfd_obj *o, bool fd_writable)
{
	return o->hugetlb || (fd_writable && (o->seals & SEALS_DATA));
}

/* Keep the counts that let hooks return at once while nothing needs them. */
static void
count(const struct memfd_obj *o, int d)
{
	if (memfd_needs_watch(o))
		memfd_nwatch += d;
	if (memfd_needs_rules(o, true))
		memfd_nrules += d;
}

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
memfd_find_ino(uint64_t ino)
{
	for (struct memfd_obj *o = all; o != NULL; o = o->all_next)
		if (o->ino == ino)
			return o;
	return NULL;
}

/* A stat of the fd first: its flags (fdinfo) only for one of ours. */
struct memfd_obj *
memfd_of_fd(struct lx_guest *g, int fd, struct lx_fd_ident *id)
{
	struct stat st;

	if (memfd_count == 0 || lx_guest_fd_stat(g, fd, &st) < 0 ||
	    memfd_find(st.st_dev, st.st_ino) == NULL ||
	    lx_guest_fd_ident(g, fd, id) < 0)
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
	count(o, -1);
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
	count(o, 1);
	memfd_count++;
}

int
memfd_add_exec_copy(const struct memfd_obj *o, uint64_t dev, uint64_t ino)
{
	struct memfd_obj *c = malloc(sizeof(*c));

	if (c == NULL)
		return -LX_ENOMEM;
	*c = *o;
	c->dev = dev;
	c->ino = ino;
	c->exec_copy = true;
	c->dead_sweeps = 0;
	obj_insert(c);
	return 0;
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
	const int *pids;
	int n;

	n = lx_fdtrack_pids(&pids);
	for (o = all; o != NULL; o = o->all_next)
		o->alive = false;
	for (int i = 0; i < n; i++) {
		lx_proc_fds(pids[i], mark_fd, NULL);
		memfd_proc_maps(pids[i], mark_map, NULL);
	}
	for (o = all; o != NULL; o = next) {
		next = o->all_next;
		if (o->alive)
			o->dead_sweeps = 0;
		else if (++o->dead_sweeps >= (memfd_needs_watch(o) ? 2 : 1))
			obj_remove(o);
	}
	sweep_at = 2 * memfd_count > SWEEP_MIN ? 2 * memfd_count : SWEEP_MIN;
}

/* ---- memfd_create ---- */

/*
 * The guest makes the file itself, with its own credentials, so that the
 * supervisor never applies a privileged call to a file it took from the
 * guest (docs/security.md): open(O_TMPFILE, 0600) in the shm directory,
 * which gives a file with no name, so there is nothing another user can
 * open and nothing to leave behind if lxrun dies, then fchmod to the mode
 * Linux gives (open applied the umask).  O_TMPFILE stays in the open
 * file's flags (F_GETFL), which Linux's memfd does not show: the file is
 * opened again through /proc/thread-self/fd (O_RDWR, as memfd_create) and
 * that open file takes the first one's number.
 */
static int
create_in_guest(struct lx_guest *g, const struct memfd_flags *mf,
    struct memfd_obj *o)
{
	uint64_t path = lx_guest_scratch(g, 64);
	uint64_t cloexec = mf->cloexec ? LX_O_CLOEXEC : 0;
	struct lx_fd_ident id;
	char p[64];
	long fd, again, r;

	if (path == 0 || lx_guest_write(g, path, MEMFD_SHM_DIR,
	    sizeof(MEMFD_SHM_DIR)) < 0)
		return -LX_ENOMEM;
	fd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    LX_O_RDWR | LX_O_TMPFILE | cloexec, 0600, 0, 0);
	if (fd < 0)
		return fd == -LX_EMFILE || fd == -LX_ENFILE ? (int)fd :
		    -LX_ENOMEM;
	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d", (int)fd);
	if (lx_guest_write(g, path, p, strlen(p) + 1) == 0 &&
	    (again = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD,
	    path, LX_O_RDWR | cloexec, 0, 0, 0)) >= 0) {
		r = lx_guest_syscall(g, LX_NR_dup3, (uint64_t)again,
		    (uint64_t)fd, cloexec, 0, 0, 0);
		memfd_guest_close(g, (int)again);
		if (r < 0) {
			memfd_guest_close(g, (int)fd);
			return -LX_ENOMEM;
		}
	}
	r = lx_guest_syscall(g, LX_NR_fchmod, (uint64_t)fd, mf->mode,
	    0, 0, 0, 0);
	/* What the guest now holds at fd must be that nameless file. */
	if (r == 0 && (r = lx_guest_fd_ident(g, (int)fd, &id)) == 0 &&
	    ((id.mode & LX_S_IFMT) != LX_S_IFREG || (id.mode & 07777) != mf->mode))
		r = -LX_EBADF;
	if (r < 0) {
		memfd_guest_close(g, (int)fd);
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
	unsigned huge_shift = 0;
	long r;
	int fd;

	if ((r = memfd_flags_parse((uint32_t)c->arg[1], memfd_noexec_scope(g),
	    &mf)) < 0)
		return lx_return(r);
	r = lx_guest_string(g, name, c->arg[0], sizeof(name));
	if (r == -LX_ENAMETOOLONG)
		return lx_return(-LX_EINVAL);
	if (r < 0)
		return lx_return(-LX_EFAULT);
	/* hugetlb_file_setup(): ENODEV for a size the host has no pool of */
	if (mf.hugetlb && (huge_shift = memfd_huge_shift(mf.huge_log)) == 0)
		return lx_return(-LX_ENODEV);
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return lx_return(-LX_ENOMEM);
	if ((fd = create_in_guest(g, &mf, o)) < 0) {
		free(o);
		return lx_return(fd);
	}
	o->seals = mf.seals;
	o->mode = mf.mode;
	o->hugetlb = mf.hugetlb;
	o->huge_shift = huge_shift;
	memcpy(o->name, name, sizeof(name));
	obj_insert(o);
	memfd_enforce_object(g, o);
	if (memfd_count >= sweep_at)
		sweep();
	return lx_return(fd);
}

/* ---- fcntl(F_ADD_SEALS / F_GET_SEALS) ---- */

/* Any traced process with a shared mapping of o that may write. */
static bool
object_busy(const struct memfd_obj *o)
{
	const int *pids;
	int n = lx_fdtrack_pids(&pids);

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
	bool check_busy;
	long r;

	r = memfd_seals_add(o->seals, req, writable, id->mode, &check_busy);
	if (r < 0)
		return r;
	if (check_busy && object_busy(o))
		return -LX_EBUSY;
	count(o, -1);
	o->seals = (uint32_t)r;
	count(o, 1);
	/* the rules are in everywhere before the seal is seen to hold */
	memfd_enforce_object(g, o);
	return 0;
}

/*
 * Every fcntl that stops comes here: the seal commands (a static rule
 * traps them on every fd) and, on the fds of a sealed object, all
 * commands (copies are the fd-tracking facility's).  Anything that is not a
 * memfd of ours runs natively: the kernel gives EBADF for a bad fd,
 * EINVAL for a file that cannot be sealed, EPERM for a tmpfs file.
 */
static struct lx_action
memfd_fcntl(struct lx_call *c, struct lx_guest *g)
{
	int fd = (int)c->arg[0], cmd = (int)c->arg[1];
	struct lx_fd_ident id;
	struct memfd_obj *o;

	if (cmd != LX_F_ADD_SEALS && cmd != LX_F_GET_SEALS)
		return lx_native();
	if ((o = memfd_of_fd(g, fd, &id)) == NULL)
		return lx_native();
	/* fcntl on an O_PATH fd knows only a few commands: EBADF. */
	if (id.flags & LX_O_PATH)
		return lx_native();
	if (cmd == LX_F_GET_SEALS)
		return lx_return(o->seals);
	return lx_return(add_seals(g, o, &id, (uint32_t)c->arg[2]));
}

__attribute__((constructor)) static void
memfd_register(void)
{
	lx_trap_arg_add(LX_NR_fcntl, 1, LX_F_ADD_SEALS, LX_FAM_MEMFD);
	lx_trap_arg_add(LX_NR_fcntl, 1, LX_F_GET_SEALS, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_fcntl, LX_FAM_MEMFD, memfd_fcntl);
	memfd_enforce_init();
	memfd_writes_init();
	memfd_datapath_init();
	memfd_arrive_init();
	memfd_exec_init();
	memfd_readlink_init();
}
