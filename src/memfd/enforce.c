/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seal enforcement by per-fd trap rules (DESIGN.md decision 1).
 *
 * Nothing stops on a memfd until a seal forbids something.  Then the fds
 * of that object in the sealing process get a seccomp rule (injected,
 * TSYNC) for the calls the seals act on, and the hooks below check the
 * fd's file against the registry: refuse with Linux's errno, shorten a
 * write that would grow a F_SEAL_GROW file, or let the call run.
 *
 * Rules are per fd number and per process (and its later children), so
 * new numbers must be followed: dup, dup2, dup3 and fcntl(F_DUPFD*) are
 * in the rule set and give the copy its rules; processes that already
 * held the object when it was sealed get theirs at their next trapped
 * call (memfd_rules_catch_up); see docs/semantics.md for what escapes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "memfd_int.h"

/* Rule sets, installed at most once per (process, fd number). */
#define SET_FD		0x1	/* fchmod and the dup family */
#define SET_DATA	0x2	/* writes, truncation, mmap */

static const struct lx_fd_trap set_fd[] = {
	{ LX_NR_fchmod, 0 },
	{ LX_NR_dup, 0 },
	{ LX_NR_dup2, 0 },
	{ LX_NR_dup3, 0 },
	{ LX_NR_fcntl, 0 },
};

static const struct lx_fd_trap set_data[] = {
	{ LX_NR_write, 0 },
	{ LX_NR_pwrite64, 0 },
	{ LX_NR_writev, 0 },
	{ LX_NR_pwritev, 0 },
	{ LX_NR_pwritev2, 0 },
	{ LX_NR_ftruncate, 0 },
	{ LX_NR_fallocate, 0 },
	{ LX_NR_mmap, 4 },
	{ LX_NR_sendfile, 0 },
	{ LX_NR_splice, 2 },
	{ LX_NR_copy_file_range, 2 },
};

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define SEALS_DATA \
	(LX_F_SEAL_SHRINK | LX_F_SEAL_GROW | LX_F_SEAL_WRITE | \
	 LX_F_SEAL_FUTURE_WRITE)
#define SEALS_WRITES	(LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE)

/* What one traced process has had installed. */
struct mproc {
	int pid;
	bool catch_up;		/* look at its fds at the next stop */
	uint8_t *sets;		/* SET_* installed, by fd number */
	int nsets;
	struct mproc *next;
};

static struct mproc *procs;

static struct mproc *
mproc_find(int pid, bool create)
{
	struct mproc *p;

	for (p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	if (!create || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->pid = pid;
	p->next = procs;
	procs = p;
	return p;
}

static unsigned
sets_needed(uint32_t seals)
{
	unsigned s = 0;

	if (seals & LX_F_SEAL_EXEC)
		s |= SET_FD;
	if (seals & SEALS_DATA)
		s |= SET_FD | SET_DATA;
	return s;
}

static void
install(struct lx_guest *g, struct mproc *p, int fd, unsigned need)
{
	unsigned have;

	if (fd < 0)
		return;
	if (fd >= p->nsets) {
		int n = fd + 64;
		uint8_t *s = realloc(p->sets, (size_t)n);

		if (s == NULL)
			return;
		memset(s + p->nsets, 0, (size_t)(n - p->nsets));
		p->sets = s;
		p->nsets = n;
	}
	have = p->sets[fd];
	if ((need & SET_FD) && !(have & SET_FD) &&
	    lx_guest_trap_fd(g, set_fd, NELEM(set_fd), fd) == 0)
		p->sets[fd] |= SET_FD;
	if ((need & SET_DATA) && !(have & SET_DATA) &&
	    lx_guest_trap_fd(g, set_data, NELEM(set_data), fd) == 0)
		p->sets[fd] |= SET_DATA;
}

/* Rules for fd of object o in g's process, if its seals need any. */
static void
install_for(struct lx_guest *g, int fd, const struct memfd_obj *o)
{
	unsigned need = sets_needed(o->seals);
	struct mproc *p;

	if (need != 0 && (p = mproc_find(g->pid, true)) != NULL)
		install(g, p, fd, need);
}

struct ensure_ctx {
	struct lx_guest *g;
	int fds[256];
	struct memfd_obj *objs[256];
	int n;
};

static void
collect_fd(int fd, uint64_t dev, uint64_t ino, void *arg)
{
	struct ensure_ctx *e = arg;
	struct memfd_obj *o = memfd_find(dev, ino);

	if (o != NULL && sets_needed(o->seals) != 0 &&
	    e->n < NELEM(e->fds)) {
		e->fds[e->n] = fd;
		e->objs[e->n] = o;
		e->n++;
	}
}

void
memfd_rules_ensure(struct lx_guest *g)
{
	struct ensure_ctx e;

	/* Listed first, installed after: installing injects syscalls. */
	e.g = g;
	e.n = 0;
	memfd_proc_fds(g->tid, collect_fd, &e);
	for (int i = 0; i < e.n; i++)
		install_for(g, e.fds[i], e.objs[i]);
}

void
memfd_rules_mark_others(int pid)
{
	int *pids, n = memfd_traced_pids(&pids);
	struct mproc *p;

	for (int i = 0; i < n; i++)
		if (pids[i] != pid && (p = mproc_find(pids[i], true)) != NULL)
			p->catch_up = true;
}

void
memfd_rules_catch_up(struct lx_guest *g)
{
	struct mproc *p;

	if (memfd_nenforced == 0 || (p = mproc_find(g->pid, false)) == NULL ||
	    !p->catch_up)
		return;
	p->catch_up = false;
	memfd_rules_ensure(g);
}

void
memfd_proc_clone(int parent_tid, int child_tid, bool thread)
{
	struct mproc *pp, *cp;

	if (thread || (pp = mproc_find(parent_tid, false)) == NULL)
		return;
	/* The child inherits the parent's filters, so its rules too. */
	if ((cp = mproc_find(child_tid, true)) == NULL)
		return;
	cp->catch_up = pp->catch_up;
	if (pp->nsets > 0 && (cp->sets = malloc((size_t)pp->nsets)) != NULL) {
		memcpy(cp->sets, pp->sets, (size_t)pp->nsets);
		cp->nsets = pp->nsets;
	}
}

void
memfd_proc_exit(int tid)
{
	struct mproc **pp, *p;

	for (pp = &procs; (p = *pp) != NULL; pp = &p->next)
		if (p->pid == tid) {
			*pp = p->next;
			free(p->sets);
			free(p);
			return;
		}
}

long
memfd_guest_size(struct lx_guest *g, int fd)
{
	uint64_t buf = lx_guest_scratch(g, sizeof(struct lx_stat));
	struct lx_stat st;
	long r;

	if (buf == 0)
		return -LX_ENOMEM;
	r = lx_guest_syscall(g, LX_NR_fstat, (uint64_t)fd, buf, 0, 0, 0, 0);
	if (r < 0)
		return r;
	if ((r = lx_guest_read(g, &st, buf, sizeof(st))) < 0)
		return r;
	return st.st_size;
}

/* ---- the hooks ---- */

/*
 * The object behind c's fd argument when its seals act on this call,
 * through an fd the call could write with; NULL means "run natively".
 */
static struct memfd_obj *
sealed_target(struct lx_call *c, struct lx_guest *g, int argidx,
    uint32_t seals, struct lx_fd_ident *id)
{
	struct memfd_obj *o;

	if (memfd_nenforced == 0)
		return NULL;
	memfd_rules_catch_up(g);
	o = memfd_of_fd(g, (int)c->arg[argidx], id);
	if (o == NULL || !(o->seals & seals))
		return NULL;
	return o;
}

static bool
fd_writable(const struct lx_fd_ident *id)
{
	return !(id->flags & LX_O_PATH) &&
	    (id->flags & LX_O_ACCMODE) != LX_O_RDONLY;
}

struct iov {
	uint64_t base, len;
};

/* Total length of a guest iovec array; -1 if the kernel would refuse it. */
static int64_t
iov_total(struct lx_guest *g, uint64_t addr, uint64_t cnt)
{
	struct iov v[64];
	uint64_t total = 0;

	if (cnt > LX_UIO_MAXIOV)
		return -1;
	for (uint64_t i = 0; i < cnt; i += 64) {
		uint64_t k = cnt - i < 64 ? cnt - i : 64;

		if (lx_guest_read(g, v, addr + i * sizeof(v[0]),
		    k * sizeof(v[0])) < 0)
			return -1;
		for (uint64_t j = 0; j < k; j++) {
			if ((int64_t)v[j].len < 0 ||
			    total + v[j].len < total ||
			    (int64_t)(total + v[j].len) < 0)
				return -1;
			total += v[j].len;
		}
	}
	return (int64_t)total;
}

/* Rewrite a vectored write to its first want bytes (iovecs in scratch). */
static struct lx_action
shorten_iov(struct lx_call *c, struct lx_guest *g, uint64_t want)
{
	const int max = LX_SCRATCH_MAX / (int)sizeof(struct iov);
	uint64_t buf = lx_guest_scratch(g, LX_SCRATCH_MAX);
	struct iov v[LX_SCRATCH_MAX / sizeof(struct iov)];
	struct lx_action a = { .kind = LX_REWRITE };
	uint64_t cnt = c->arg[2] < (uint64_t)max ? c->arg[2] : (uint64_t)max;
	int k = 0;

	if (buf == 0 || lx_guest_read(g, v, c->arg[1], cnt * sizeof(v[0])) < 0)
		return lx_native();
	for (; k < (int)cnt && want > 0; k++) {
		if (v[k].len > want)
			v[k].len = want;
		want -= v[k].len;
	}
	if (lx_guest_write(g, buf, v, (size_t)k * sizeof(v[0])) < 0)
		return lx_native();
	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	a.rewrite.arg[1] = buf;
	a.rewrite.arg[2] = (uint64_t)k;
	return a;
}

static struct lx_action
shorten_scalar(struct lx_call *c, int argidx, uint64_t want)
{
	struct lx_action a = { .kind = LX_REWRITE };

	a.rewrite.nr = c->nr;
	memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
	a.rewrite.arg[argidx] = want;
	return a;
}

/* Where a write starts: -1 for "the kernel would refuse the offset". */
static int64_t
write_pos(struct lx_call *c, struct lx_guest *g,
    const struct lx_fd_ident *id, bool *append)
{
	int64_t off;

	*append = (id->flags & LX_O_APPEND) != 0;
	switch (c->nr) {
	case LX_NR_pwrite64:
	case LX_NR_pwritev:
		return (int64_t)c->arg[3];
	case LX_NR_pwritev2:
		if (c->arg[5] & LX_RWF_APPEND)
			*append = true;
		off = (int64_t)c->arg[3];
		return off == -1 ? (int64_t)id->pos : off;
	case LX_NR_splice:
	case LX_NR_copy_file_range:
		if (c->arg[3] == 0)
			return (int64_t)id->pos;
		if (lx_guest_read(g, &off, c->arg[3], sizeof(off)) < 0)
			return -1;
		/* explicit offsets do not append */
		*append = false;
		return off;
	default:
		return (int64_t)id->pos;
	}
}

/* Which argument holds the count, and the total for vectored calls. */
static int64_t
write_len(struct lx_call *c, struct lx_guest *g, int *countarg)
{
	*countarg = -1;
	switch (c->nr) {
	case LX_NR_write:
	case LX_NR_pwrite64:
		*countarg = 2;
		return (int64_t)c->arg[2] < 0 ? -1 : (int64_t)c->arg[2];
	case LX_NR_writev:
	case LX_NR_pwritev:
	case LX_NR_pwritev2:
		return iov_total(g, c->arg[1], c->arg[2]);
	case LX_NR_sendfile:
		*countarg = 3;
		return (int64_t)c->arg[3] < 0 ? -1 : (int64_t)c->arg[3];
	default:	/* splice, copy_file_range */
		*countarg = 4;
		return (int64_t)c->arg[4] < 0 ? -1 : (int64_t)c->arg[4];
	}
}

static bool
write_args_valid(struct lx_call *c)
{
	const uint64_t rwf = LX_RWF_HIPRI | LX_RWF_DSYNC | LX_RWF_SYNC |
	    LX_RWF_APPEND;

	switch (c->nr) {
	case LX_NR_pwrite64:
	case LX_NR_pwritev:
		return (int64_t)c->arg[3] >= 0;
	case LX_NR_pwritev2:
		return (int64_t)c->arg[3] >= -1 && !(c->arg[5] & ~rwf);
	default:
		return true;
	}
}

/* write, pwrite64, writev, pwritev, pwritev2, sendfile, splice, c_f_r */
static struct lx_action
memfd_write(struct lx_call *c, struct lx_guest *g)
{
	int fdarg = (c->nr == LX_NR_splice ||
	    c->nr == LX_NR_copy_file_range) ? 2 : 0;
	struct lx_fd_ident id;
	struct memfd_obj *o;
	int64_t len, pos, size;
	int countarg;
	bool append;
	long n;

	o = sealed_target(c, g, fdarg, SEALS_WRITES | LX_F_SEAL_GROW, &id);
	if (o == NULL || !fd_writable(&id) || !write_args_valid(c))
		return lx_native();
	if ((len = write_len(c, g, &countarg)) <= 0)
		return lx_native();	/* 0 bytes, or the kernel's error */
	if (o->seals & SEALS_WRITES)
		return lx_return(-LX_EPERM);
	if ((size = memfd_guest_size(g, (int)c->arg[fdarg])) < 0)
		return lx_native();
	if ((pos = write_pos(c, g, &id, &append)) < 0)
		return lx_native();
	if (append)
		pos = size;
	if (pos + len < pos)
		return lx_native();
	n = memfd_write_allowed(o->seals, (uint64_t)pos, (uint64_t)len,
	    (uint64_t)size);
	if (n < 0)
		return lx_return(n);
	if (n == len)
		return lx_native();
	return countarg >= 0 ? shorten_scalar(c, countarg, (uint64_t)n) :
	    shorten_iov(c, g, (uint64_t)n);
}

static struct lx_action
memfd_ftruncate(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;
	int64_t size, len = (int64_t)c->arg[1];

	o = sealed_target(c, g, 0, LX_F_SEAL_GROW | LX_F_SEAL_SHRINK, &id);
	if (o == NULL || len < 0 || !fd_writable(&id))
		return lx_native();
	if ((size = memfd_guest_size(g, (int)c->arg[0])) < 0)
		return lx_native();
	if (memfd_truncate_check(o->seals, (uint64_t)size, (uint64_t)len) < 0)
		return lx_return(-LX_EPERM);
	return lx_native();
}

static struct lx_action
memfd_fallocate(struct lx_call *c, struct lx_guest *g)
{
	const int known = LX_FALLOC_FL_KEEP_SIZE | LX_FALLOC_FL_PUNCH_HOLE;
	int mode = (int)c->arg[1];
	int64_t off = (int64_t)c->arg[2], len = (int64_t)c->arg[3], size = 0;
	struct lx_fd_ident id;
	struct memfd_obj *o;

	o = sealed_target(c, g, 0, LX_F_SEAL_GROW | SEALS_WRITES, &id);
	/* What the VFS refuses first stays the kernel's to refuse. */
	if (o == NULL || off < 0 || len <= 0 || off + len < off ||
	    (mode & ~known) || ((mode & LX_FALLOC_FL_PUNCH_HOLE) &&
	    !(mode & LX_FALLOC_FL_KEEP_SIZE)) || !fd_writable(&id))
		return lx_native();
	if ((o->seals & LX_F_SEAL_GROW) &&
	    (size = memfd_guest_size(g, (int)c->arg[0])) < 0)
		return lx_native();
	if (memfd_fallocate_check(o->seals, mode, (uint64_t)off,
	    (uint64_t)len, (uint64_t)size) < 0)
		return lx_return(-LX_EPERM);
	return lx_native();
}

/*
 * A shared mapping of a write-sealed file must not be able to become
 * writable (Linux clears VM_MAYWRITE): map it through a read-only open
 * file of the same inode, so the host kernel refuses mprotect(PROT_WRITE)
 * with EACCES on its own.
 */
static struct lx_action
mmap_readonly(struct lx_call *c, struct lx_guest *g)
{
	uint64_t path = lx_guest_scratch(g, 64);
	char p[64];
	long rfd, r;

	if (path == 0)
		return lx_native();
	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d", (int)c->arg[4]);
	if (lx_guest_write(g, path, p, strlen(p) + 1) < 0)
		return lx_native();
	rfd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    LX_O_RDONLY | LX_O_CLOEXEC, 0, 0, 0);
	if (rfd < 0)
		return lx_native();
	r = lx_guest_syscall(g, LX_NR_mmap, c->arg[0], c->arg[1], c->arg[2],
	    c->arg[3], (uint64_t)rfd, c->arg[5]);
	lx_guest_syscall(g, LX_NR_close, (uint64_t)rfd, 0, 0, 0, 0, 0);
	return lx_return(r);
}

static struct lx_action
memfd_mmap(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;

	if (c->arg[3] & LX_MAP_ANONYMOUS)
		return lx_native();
	o = sealed_target(c, g, 4, SEALS_WRITES, &id);
	if (o == NULL || c->arg[1] == 0 || (c->arg[5] & (LX_PAGE_SIZE - 1)))
		return lx_native();
	switch (memfd_mmap_check(o->seals, c->arg[2], c->arg[3],
	    fd_writable(&id))) {
	case MEMFD_MMAP_EPERM:
		return lx_return(-LX_EPERM);
	case MEMFD_MMAP_READONLY:
		return mmap_readonly(c, g);
	default:
		return lx_native();
	}
}

static struct lx_action
memfd_fchmod(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;

	o = sealed_target(c, g, 0, LX_F_SEAL_EXEC, &id);
	if (o == NULL || (id.flags & LX_O_PATH))
		return lx_native();
	if (memfd_chmod_check(o->seals, id.mode & 07777,
	    (uint32_t)c->arg[1] & 07777) < 0)
		return lx_return(-LX_EPERM);
	return lx_native();
}

/*
 * dup, dup2, dup3, fcntl(F_DUPFD*) of a sealed object's fd: make the copy
 * here (same arguments, all scalars) and give the new number its rules
 * before the guest can use it.
 */
struct lx_action
memfd_dupfd(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;
	long r;

	if (memfd_nenforced == 0)
		return lx_native();
	memfd_rules_catch_up(g);
	o = memfd_of_fd(g, (int)c->arg[0], &id);
	if (o == NULL || sets_needed(o->seals) == 0)
		return lx_native();
	r = lx_guest_syscall(g, c->nr, c->arg[0], c->arg[1], c->arg[2],
	    c->arg[3], c->arg[4], c->arg[5]);
	if (r >= 0)
		install_for(g, (int)r, o);
	return lx_return(r);
}

void
memfd_enforce_init(void)
{
	static const long writes[] = { LX_NR_write, LX_NR_pwrite64,
		LX_NR_writev, LX_NR_pwritev, LX_NR_pwritev2, LX_NR_sendfile,
		LX_NR_splice, LX_NR_copy_file_range };

	for (int i = 0; i < NELEM(writes); i++)
		lx_hook_add(writes[i], LX_FAM_MEMFD, memfd_write);
	lx_hook_add(LX_NR_ftruncate, LX_FAM_MEMFD, memfd_ftruncate);
	lx_hook_add(LX_NR_fallocate, LX_FAM_MEMFD, memfd_fallocate);
	lx_hook_add(LX_NR_mmap, LX_FAM_MEMFD, memfd_mmap);
	lx_hook_add(LX_NR_fchmod, LX_FAM_MEMFD, memfd_fchmod);
	lx_hook_add(LX_NR_dup, LX_FAM_MEMFD, memfd_dupfd);
	lx_hook_add(LX_NR_dup2, LX_FAM_MEMFD, memfd_dupfd);
	lx_hook_add(LX_NR_dup3, LX_FAM_MEMFD, memfd_dupfd);
}

void
memfd_rules_new(struct lx_guest *g, int fd, const struct memfd_obj *o)
{
	install_for(g, fd, o);
}
