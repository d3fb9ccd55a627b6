/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The calls other than writes that a memfd's seals or hugetlbfs act on,
 * through an fd with rules (enforce.c): ftruncate, fallocate, mmap, the
 * dup family; fchmod through any fd (the watch); madvise(MADV_REMOVE)
 * through a mapping (a static rule: that advice is rare).  Each hook
 * refuses with Linux's errno, rewrites the call into what Linux does, or
 * lets it run; anything that is not one of our objects runs natively.
 */
#include <stdio.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "memfd_int.h"

#define SEALS_WRITES	(LX_F_SEAL_WRITE | LX_F_SEAL_FUTURE_WRITE)

/* The object behind the call's fd argument argidx, or NULL. */
static struct memfd_obj *
target(struct lx_call *c, struct lx_guest *g, int argidx,
    struct lx_fd_ident *id)
{
	if (memfd_nrules == 0)
		return NULL;
	return memfd_of_fd(g, (int)c->arg[argidx], id);
}

static struct lx_action
memfd_ftruncate(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;
	int64_t size, len = (int64_t)c->arg[1];

	o = target(c, g, 0, &id);
	if (o == NULL || len < 0 || !memfd_fd_writable(&id))
		return lx_native();
	/* hugetlbfs_setattr: whole huge pages, then the seals */
	if (o->hugetlb && memfd_huge_truncate_check(o->huge_shift,
	    (uint64_t)len) < 0)
		return lx_return(-LX_EINVAL);
	if (!(o->seals & (LX_F_SEAL_GROW | LX_F_SEAL_SHRINK)) ||
	    (size = memfd_guest_size(g, (int)c->arg[0])) < 0)
		return lx_native();
	if (memfd_truncate_check(o->seals, (uint64_t)size, (uint64_t)len) < 0)
		return lx_return(-LX_EPERM);
	return lx_native();
}

/* Huge pages a fallocate of [off, off + len) allocates. */
static uint64_t
huge_pages_in(unsigned shift, uint64_t off, uint64_t len)
{
	uint64_t huge = 1ULL << shift;
	uint64_t start = off & ~(huge - 1), end = (off + len + huge - 1) &
	    ~(huge - 1);

	return (end - start) >> shift;
}

static struct lx_action
memfd_fallocate(struct lx_call *c, struct lx_guest *g)
{
	const int known = LX_FALLOC_FL_KEEP_SIZE | LX_FALLOC_FL_PUNCH_HOLE;
	int mode = (int)c->arg[1];
	int64_t off = (int64_t)c->arg[2], len = (int64_t)c->arg[3], size = 0;
	struct lx_fd_ident id;
	struct memfd_obj *o;

	o = target(c, g, 0, &id);
	/* What the VFS refuses first stays the kernel's to refuse. */
	if (o == NULL || off < 0 || len <= 0 || off + len < off ||
	    (mode & ~known) || ((mode & LX_FALLOC_FL_PUNCH_HOLE) &&
	    !(mode & LX_FALLOC_FL_KEEP_SIZE)) || !memfd_fd_writable(&id))
		return lx_native();
	if ((o->seals & LX_F_SEAL_GROW) &&
	    (size = memfd_guest_size(g, (int)c->arg[0])) < 0)
		return lx_native();
	if (memfd_fallocate_check(o->seals, mode, (uint64_t)off,
	    (uint64_t)len, (uint64_t)size) < 0)
		return lx_return(-LX_EPERM);
	/* hugetlbfs allocates whole huge pages, from the host's pool */
	if (o->hugetlb && !(mode & LX_FALLOC_FL_PUNCH_HOLE) &&
	    huge_pages_in(o->huge_shift, (uint64_t)off, (uint64_t)len) >
	    memfd_huge_free(o->huge_shift))
		return lx_return(-LX_ENOSPC);
	return lx_native();
}

/*
 * Map the call's file with len bytes, through a read-only open file of
 * the same inode when readonly: a shared mapping of a write-sealed file
 * must not be able to become writable (Linux clears VM_MAYWRITE), and
 * then the host kernel refuses mprotect(PROT_WRITE) with EACCES itself.
 */
static struct lx_action
map_through(struct lx_call *c, struct lx_guest *g, uint64_t len,
    bool readonly)
{
	struct lx_action a = { .kind = LX_REWRITE };
	uint64_t path;
	char p[64];
	long rfd, r;

	if (!readonly) {
		a.rewrite.nr = c->nr;
		memcpy(a.rewrite.arg, c->arg, sizeof(a.rewrite.arg));
		a.rewrite.arg[1] = len;
		return a;
	}
	if ((path = lx_guest_scratch(g, 64)) == 0)
		return lx_native();
	snprintf(p, sizeof(p), "/proc/thread-self/fd/%d", (int)c->arg[4]);
	if (lx_guest_write(g, path, p, strlen(p) + 1) < 0)
		return lx_native();
	rfd = lx_guest_syscall(g, LX_NR_openat, (uint64_t)LX_AT_FDCWD, path,
	    LX_O_RDONLY | LX_O_CLOEXEC, 0, 0, 0);
	if (rfd < 0)
		return lx_native();
	r = lx_guest_syscall(g, LX_NR_mmap, c->arg[0], len, c->arg[2],
	    c->arg[3], (uint64_t)rfd, c->arg[5]);
	memfd_guest_close(g, (int)rfd);
	return lx_return(r);
}

/*
 * hugetlbfs_file_mmap(): an offset that is not huge-page aligned is
 * EINVAL, the length is rounded up to huge pages, each of which must be
 * reserved from the host's pool (ENOMEM) unless MAP_NORESERVE, and a
 * writable mapping past the end makes the file that long.
 */
static struct lx_action
huge_mmap(struct lx_call *c, struct lx_guest *g, const struct memfd_obj *o,
    bool readonly)
{
	uint64_t huge = 1ULL << o->huge_shift, type = c->arg[3] & LX_MAP_TYPE;
	uint64_t pages, len, end;
	int64_t size;
	int r;

	if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE &&
	    type != LX_MAP_SHARED_VALIDATE)
		return lx_native();
	if ((c->arg[3] & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) &&
	    (c->arg[0] & (huge - 1)))
		return lx_return(-LX_EINVAL);
	r = memfd_huge_mmap_check(o->huge_shift, c->arg[1], c->arg[5],
	    c->arg[3], &pages);
	if (r < 0)
		return lx_return(r);
	if (pages > memfd_huge_free(o->huge_shift))
		return lx_return(-LX_ENOMEM);
	len = (c->arg[1] + huge - 1) & ~(huge - 1);
	end = c->arg[5] + len;
	if ((c->arg[2] & LX_PROT_WRITE) &&
	    (size = memfd_guest_size(g, (int)c->arg[4])) >= 0 &&
	    (uint64_t)size < end)
		lx_guest_syscall(g, LX_NR_ftruncate, c->arg[4], end, 0, 0, 0,
		    0);
	return map_through(c, g, len, readonly);
}

static struct lx_action
memfd_mmap(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;
	bool readonly = false;

	if (c->arg[3] & LX_MAP_ANONYMOUS)
		return lx_native();
	o = target(c, g, 4, &id);
	if (o == NULL || c->arg[1] == 0 || (c->arg[5] & (LX_PAGE_SIZE - 1)))
		return lx_native();
	/* do_mmap looks at the seals before the file's own mmap */
	switch (memfd_mmap_check(o->seals, c->arg[2], c->arg[3],
	    memfd_fd_writable(&id))) {
	case MEMFD_MMAP_EPERM:
		return lx_return(-LX_EPERM);
	case MEMFD_MMAP_READONLY:
		readonly = true;
		break;
	default:
		break;
	}
	if (o->hugetlb)
		return huge_mmap(c, g, o, readonly);
	return readonly ? map_through(c, g, c->arg[1], true) : lx_native();
}

/*
 * madvise(MADV_REMOVE) punches a hole through a shared mapping that may
 * write: F_SEAL_WRITE and F_SEAL_FUTURE_WRITE refuse it (shmem_fallocate)
 * even through a mapping made before the seal.
 */
static struct lx_action
memfd_madvise(struct lx_call *c, struct lx_guest *g)
{
	uint64_t dev, ino;
	struct memfd_obj *o;
	bool shared, maywrite;

	if (memfd_nrules == 0 || c->arg[2] != LX_MADV_REMOVE ||
	    (c->arg[0] & (LX_PAGE_SIZE - 1)) ||
	    memfd_proc_vma(g->pid, c->arg[0], &dev, &ino, &shared,
	    &maywrite) < 0)
		return lx_native();
	o = memfd_find(dev, ino);
	if (o == NULL || !shared || !maywrite || !(o->seals & SEALS_WRITES))
		return lx_native();
	return lx_return(-LX_EPERM);
}

static struct lx_action
memfd_fchmod(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *o;

	if (memfd_nwatch == 0 ||
	    (o = memfd_of_fd(g, (int)c->arg[0], &id)) == NULL ||
	    (id.flags & LX_O_PATH))
		return lx_native();
	if (memfd_chmod_check(o->seals, id.mode & 07777,
	    (uint32_t)c->arg[1] & 07777) < 0)
		return lx_return(-LX_EPERM);
	return lx_native();
}

void
memfd_datapath_init(void)
{
	lx_hook_add(LX_NR_ftruncate, LX_FAM_MEMFD, memfd_ftruncate);
	lx_hook_add(LX_NR_fallocate, LX_FAM_MEMFD, memfd_fallocate);
	lx_hook_add(LX_NR_mmap, LX_FAM_MEMFD, memfd_mmap);
	lx_trap_arg_add(LX_NR_madvise, 2, LX_MADV_REMOVE, LX_FAM_MEMFD);
	lx_hook_add(LX_NR_madvise, LX_FAM_MEMFD, memfd_madvise);
	lx_hook_add(LX_NR_fchmod, LX_FAM_MEMFD, memfd_fchmod);
}
