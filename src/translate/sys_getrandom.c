/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getrandom(2) served from host entropy (getentropy-style, at most 256
 * bytes a call), written to the guest in chunks so that no buffer of the
 * guest's size is ever allocated.
 *
 * Linux's rules (drivers/char/random.c, lib/iov_iter.c):
 *   - flags outside GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE, or RANDOM
 *     together with INSECURE: EINVAL, before the buffer is looked at;
 *   - the length is clamped to MAX_RW_COUNT (0x7ffff000), and the range
 *     must lie in user space (access_ok) or EFAULT, even for length 0;
 *   - bytes are copied until the first unwritable byte: the count copied
 *     so far is returned, or EFAULT if it is 0.
 * The host pool is always initialised, so GRND_NONBLOCK never gives
 * EAGAIN and GRND_RANDOM reads the same pool (as Linux since 5.6).
 */
#include <stddef.h>
#include <string.h>

#include "lxrun/dispatch.h"
#include "lxrun/handlers.h"
#include "lxrun/host.h"
#include "lxrun/linux_abi.h"
#include "translate/getrandom.h"

#define GR_HOST_MAX	256		/* host_entropy() limit per call */

static int
gr_fill(unsigned char *buf, size_t n)
{
	while (n > 0) {
		size_t k = n < GR_HOST_MAX ? n : GR_HOST_MAX;
		int r = host_entropy(buf, k);

		if (r < 0)
			return r;
		buf += k;
		n -= k;
	}
	return 0;
}

/* Linux's access_ok(): the whole range below the top of user space. */
static int
gr_range_ok(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	return end >= addr && end <= LX_TASK_SIZE_MAX;
}

/*
 * A chunk the guest refused as a whole: find how much of it, from its
 * start, is writable.  Memory is mapped by pages, so write up to the next
 * page boundary, then page by page, and stop at the first failure.
 */
static size_t
gr_write_partial(struct lx_guest *g, uint64_t dst, const unsigned char *src,
    size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t a = dst + done;
		size_t k = LX_PAGE_SIZE - (size_t)(a % LX_PAGE_SIZE);

		if (k > n - done)
			k = n - done;
		if (lx_guest_write(g, a, src + done, k) < 0)
			break;
		done += k;
	}
	return done;
}

long
lx_getrandom_fill(struct lx_guest *g, uint64_t dst, uint64_t len,
    unsigned char *chunk, size_t chunksz)
{
	uint64_t done = 0;

	while (done < len) {
		size_t k = len - done < chunksz ? (size_t)(len - done) :
		    chunksz;
		int r = gr_fill(chunk, k);

		if (r < 0)
			return done > 0 ? (long)done : -LX_EIO;
		if (lx_guest_write(g, dst + done, chunk, k) < 0) {
			done += gr_write_partial(g, dst + done, chunk, k);
			break;
		}
		done += k;
	}
	/* Nothing a guest reads later may keep the bytes it was given. */
	memset(chunk, 0, chunksz);
	return done > 0 ? (long)done : -LX_EFAULT;
}

long
lx_getrandom_check(uint64_t buf, uint64_t *len, uint32_t flags)
{
	if (flags & ~LX_GRND_VALID)
		return -LX_EINVAL;
	if ((flags & (LX_GRND_RANDOM | LX_GRND_INSECURE)) ==
	    (LX_GRND_RANDOM | LX_GRND_INSECURE))
		return -LX_EINVAL;
	if (*len > LX_MAX_RW_COUNT)
		*len = LX_MAX_RW_COUNT;
	if (!gr_range_ok(buf, *len))
		return -LX_EFAULT;
	return 0;
}

/*
 * A large request is filled a slice at a time, and between slices the
 * thread passes through the guest (a park on no fd with no timeout), so
 * that the supervisor serves every other thread meanwhile instead of
 * stopping them all for the whole fill.  Linux itself looks for signals
 * between pages: one that comes between slices ends the call with what
 * was filled so far.
 */
#define GR_SLICE	(1u << 20)

struct lx_action
lx_sys_getrandom(struct lx_call *c, struct lx_guest *g)
{
	static unsigned char chunk[64 * 1024];
	uint64_t buf = c->arg[0], len = c->arg[1], done = c->data, k;
	uint32_t flags = (uint32_t)c->arg[2];	/* unsigned int */
	struct lx_action a;
	long r;

	if (c->resumed && c->park_ret < 0)
		return lx_return((long)done);
	if (!c->resumed) {
		r = lx_getrandom_check(buf, &len, flags);
		if (r < 0)
			return lx_return(r);
		if (len == 0)
			return lx_return(0);
	} else if (len > LX_MAX_RW_COUNT) {
		len = LX_MAX_RW_COUNT;
	}
	k = len - done < GR_SLICE ? len - done : GR_SLICE;
	r = lx_getrandom_fill(g, buf + done, k, chunk, sizeof(chunk));
	if (r < 0)
		return lx_return(done > 0 ? (long)done : r);
	done += (uint64_t)r;
	if ((uint64_t)r < k || done == len)
		return lx_return((long)done);
	c->data = done;
	c->deadline_ns = lx_now_ns();	/* a pass through the guest, no wait */
	a = lx_park(-1, 0, 0, 0);
	return a;
}

/*
 * A slice at most is answered at once, with no park: such a call can be
 * served from a seccomp notification (src/tracer/notify.c).  flags, an
 * unsigned int, carries the tracer's mark in its ignored high half.
 */
__attribute__((constructor)) static void
getrandom_notify(void)
{
	static const struct lx_notif_rule rule = {
		.nr = LX_NR_getrandom, .argidx = 1, .wide = true,
		.max = GR_SLICE, .marker_arg = 2,
	};

	lx_notif_rule_add(&rule, LX_FAM_GETRANDOM);
}
