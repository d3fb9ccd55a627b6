/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Process and thread life events, fanned out to whoever registered: the
 * emulated families keep per-process state (fd tables, registrations) that
 * must follow clone, exec and exit.
 */
#include <stddef.h>

#include "lxrun/lxrun.h"
#include "lxrun/supervisor.h"

/* One slot per family is plenty; registration happens once at start-up. */
#define LX_HOOKS_MAX	16

static const struct lx_hooks *lx_hooks[LX_HOOKS_MAX];
static int lx_nhooks;

void
lx_hooks_register(const struct lx_hooks *h)
{
	int i;

	if (h == NULL)
		return;
	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i] == h)
			return;
	if (lx_nhooks == LX_HOOKS_MAX) {
		/* A programming error, not a guest's doing. */
		lx_die("too many hook sets registered");
	}
	lx_hooks[lx_nhooks++] = h;
}

void
lx_hooks_clone(int parent_tid, int parent_pid, int child_tid, bool thread)
{
	int i;

	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->on_clone != NULL)
			lx_hooks[i]->on_clone(parent_tid, parent_pid, child_tid,
			    thread);
}

void
lx_hooks_exec(int pid)
{
	int i;

	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->on_exec != NULL)
			lx_hooks[i]->on_exec(pid);
}

void
lx_hooks_exit(int tid)
{
	int i;

	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->on_exit != NULL)
			lx_hooks[i]->on_exit(tid);
}

void
lx_hooks_fds_closed(int tid, unsigned first, unsigned last)
{
	int i;

	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->on_fds_closed != NULL)
			lx_hooks[i]->on_fds_closed(tid, first, last);
}

bool
lx_hooks_need_stop(int pid)
{
	for (int i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->needs_stop != NULL &&
		    lx_hooks[i]->needs_stop(pid))
			return true;
	return false;
}

void
lx_hooks_stop(struct lx_call *c, struct lx_guest *g)
{
	int i;

	for (i = 0; i < lx_nhooks; i++)
		if (lx_hooks[i]->on_stop != NULL)
			lx_hooks[i]->on_stop(c, g);
}
