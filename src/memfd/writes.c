/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The write family on a memfd that a seal or hugetlbfs acts on: write,
 * pwrite64, writev, pwritev, pwritev2, and sendfile, splice and
 * copy_file_range into it.  The per-fd rules (enforce.c) make them stop;
 * the hook refuses them with Linux's errno, or shortens a write that
 * would grow a F_SEAL_GROW file to what Linux writes, or lets them run.
 */
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

/*
 * copy_file_range into a hugetlb file: from another file system EXDEV,
 * from hugetlbfs itself EINVAL (no write_iter for the splice fallback).
 */
static long
huge_copy_errno(struct lx_call *c, struct lx_guest *g)
{
	struct lx_fd_ident id;
	struct memfd_obj *src;

	if (lx_guest_fd_ident(g, (int)c->arg[0], &id) < 0)
		return -LX_EBADF;
	src = memfd_find(id.dev, id.ino);
	return src != NULL && src->hugetlb ? -LX_EINVAL : -LX_EXDEV;
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

	o = target(c, g, fdarg, &id);
	if (o == NULL || !memfd_fd_writable(&id))
		return lx_native();
	/* hugetlbfs has no write_iter: EINVAL before anything is looked at */
	if (o->hugetlb)
		return lx_return(c->nr == LX_NR_copy_file_range ?
		    huge_copy_errno(c, g) : -LX_EINVAL);
	if (!(o->seals & (SEALS_WRITES | LX_F_SEAL_GROW)) ||
	    !write_args_valid(c))
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

void
memfd_writes_init(void)
{
	static const long writes[] = { LX_NR_write, LX_NR_pwrite64,
		LX_NR_writev, LX_NR_pwritev, LX_NR_pwritev2, LX_NR_sendfile,
		LX_NR_splice, LX_NR_copy_file_range };

	for (int i = 0; i < (int)(sizeof(writes) / sizeof(writes[0])); i++)
		lx_hook_add(writes[i], LX_FAM_MEMFD, memfd_write);
}
