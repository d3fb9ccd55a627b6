/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The last few syscalls of each thread, for crash reports: a crash that
 * follows an emulated answer should show it.  Fed where calls are
 * counted for -c and --report (lx_trace_end), so it holds what lxrun saw
 * of the thread: every call with --trace, -c or --report, the calls
 * lxrun stops on otherwise.
 */
#include <string.h>

#include "trace/recent.h"

#define RECENT_THREADS 256	/* threads remembered, by tid */

static struct ring {
	int tid;
	unsigned next;		/* calls recorded so far */
	struct lx_recent e[LX_RECENT_N];
} rings[RECENT_THREADS];

static struct ring *
ring_of(int tid)
{
	return &rings[(unsigned)tid % RECENT_THREADS];
}

void
lx_recent_add(const struct lx_call *c, const char *name, long ret,
    enum lx_served served)
{
	struct ring *r = ring_of(c->tid);
	struct lx_recent *e;

	if (r->tid != c->tid) {
		/* another thread had this slot: its calls are not ours */
		memset(r, 0, sizeof(*r));
		r->tid = c->tid;
	}
	e = &r->e[r->next++ % LX_RECENT_N];
	snprintf(e->name, sizeof(e->name), "%s", name);
	memcpy(e->arg, c->arg, sizeof(e->arg));
	e->ret = ret;
	e->served = served;
}

int
lx_recent_get(int tid, struct lx_recent *out)
{
	const struct ring *r = ring_of(tid);
	unsigned n, first;

	if (r->tid != tid || r->next == 0)
		return 0;
	n = r->next < LX_RECENT_N ? r->next : LX_RECENT_N;
	first = r->next - n;
	for (unsigned i = 0; i < n; i++)
		out[i] = r->e[(first + i) % LX_RECENT_N];
	return (int)n;
}
