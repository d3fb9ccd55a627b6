/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rseq(2): neither NetBSD's compat_linux nor FreeBSD's Linuxulator has
 * restartable sequences (NetBSD has no slot, FreeBSD a stub), and both
 * answer ENOSYS.  lxrun answers the same, so that a run shows what the
 * program does there: glibc and others then work without rseq (sched_getcpu
 * falls back to getcpu).  --emulate without rseq lets the host's run.
 */
#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"

struct lx_action
lx_sys_rseq(struct lx_call *c, struct lx_guest *g)
{
	(void)c;
	(void)g;
	return lx_return(-LX_ENOSYS);
}
