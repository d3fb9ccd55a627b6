/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * waitid(2) translated onto the host's wait (wait6 on a BSD; on this Linux
 * host, waitid itself).  Only the guest can reap its own children, so the
 * host call runs in the guest thread (LX_REWRITE: it may block, the
 * supervisor must not), with siginfo and rusage going to scratch memory;
 * the exit function converts them into Linux's layouts at the guest's
 * pointers.
 *
 * What Linux does (kernel/exit.c, kernel_waitid and sys_waitid):
 *   - unknown option bits, or none of WEXITED|WSTOPPED|WCONTINUED: EINVAL;
 *   - P_PID needs id > 0, P_PGID and P_PIDFD id >= 0 (0 = own group),
 *     any other idtype: EINVAL; a bad pidfd: EBADF (left to the host);
 *   - when a child was found, rusage is written first, then siginfo; a bad
 *     pointer gives EFAULT *after* the child was reaped (it is gone);
 *   - with WNOHANG and nothing to report the result is 0 and only
 *     si_signo, si_errno, si_code, si_pid, si_uid, si_status are written
 *     (as zeros); rusage is left alone;
 *   - on any error (bad options or idtype, ECHILD, a bad pidfd) the same
 *     six zeros are written to a non-NULL infop, and a bad infop turns
 *     the error into EFAULT;
 *   - only those six siginfo fields are ever written.
 * lxrun's own stops are ptrace stops, which the host never reports to the
 * guest's waitid, so they stay invisible.
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "lxrun/handlers.h"
#include "lxrun/linux_abi.h"
#include "translate/stat_convert.h"
#include "translate/waitid.h"

/* Scratch layout: host siginfo, then host rusage. */
#define WI_SI_OFF	0
#define WI_RU_OFF	sizeof(siginfo_t)
#define WI_SCRATCH	(sizeof(siginfo_t) + sizeof(struct rusage))

long
lx_waitid_check(int32_t idtype, int32_t id, uint32_t options)
{
	if (options & ~(uint32_t)LX_WAITID_VALID_OPTIONS)
		return -LX_EINVAL;
	if (!(options & (LX_WEXITED | LX_WSTOPPED | LX_WCONTINUED)))
		return -LX_EINVAL;
	switch (idtype) {
	case LX_P_ALL:
		return 0;
	case LX_P_PID:
		return id > 0 ? 0 : -LX_EINVAL;
	case LX_P_PGID:
	case LX_P_PIDFD:
		return id >= 0 ? 0 : -LX_EINVAL;
	default:
		return -LX_EINVAL;
	}
}

/* Host wait options for Linux ones (identity on Linux, mapped on a BSD). */
static uint64_t
wi_host_options(uint32_t options)
{
	uint64_t o = 0;

	if (options & LX_WNOHANG)
		o |= WNOHANG;
	if (options & LX_WEXITED)
		o |= WEXITED;
	if (options & LX_WSTOPPED)
		o |= WSTOPPED;
	if (options & LX_WCONTINUED)
		o |= WCONTINUED;
	if (options & LX_WNOWAIT)
		o |= WNOWAIT;
	/* __WALL, __WCLONE, __WNOTHREAD: same bits on Linux (WALLSIG..). */
	o |= options & (LX___WALL | LX___WCLONE | LX___WNOTHREAD);
	return o;
}

/* Write Linux's six siginfo fields, all or up to a fault, as unsafe_put_user. */
static long
wi_put_siginfo(struct lx_guest *g, uint64_t infop, const struct lx_siginfo *si)
{
	const unsigned char *p = (const unsigned char *)si;

	if (lx_guest_write(g, infop, p, LX_WAITID_HEAD_END) == 0 &&
	    lx_guest_write(g, infop + LX_WAITID_CHLD_OFF,
	    p + LX_WAITID_CHLD_OFF,
	    LX_WAITID_CHLD_END - LX_WAITID_CHLD_OFF) == 0)
		return 0;
	/*
	 * The kernel stores field by field and stops at the first fault:
	 * do the same, so the fields before an unmapped page are written.
	 */
	for (size_t off = 0; off < LX_WAITID_CHLD_END; off += 4) {
		if (off == LX_WAITID_HEAD_END)
			continue;	/* the padding word is not written */
		if (lx_guest_write(g, infop + off, p + off, 4) < 0)
			break;
	}
	return -LX_EFAULT;
}

long
lx_waitid_copyout(struct lx_guest *g, uint64_t infop, uint64_t rup,
    const siginfo_t *hsi, const struct rusage *hru, long ret)
{
	/* A child was reported: si_pid is set (sys_waitid's err > 0). */
	bool child = ret >= 0 && hsi != NULL && hsi->si_pid != 0;
	struct lx_siginfo si;

	if (child && rup != 0) {
		struct lx_rusage ru;

		lx_rusage_from_host(&ru, hru);
		if (lx_guest_write(g, rup, &ru, sizeof(ru)) < 0)
			return -LX_EFAULT;
	}
	if (infop == 0)
		return ret;
	/*
	 * Whatever the result (nothing waitable under WNOHANG, ECHILD,
	 * EINVAL, EBADF), sys_waitid writes the six fields: zeros when no
	 * child was reported, and EFAULT replaces the error if it cannot.
	 */
	memset(&si, 0, sizeof(si));
	if (child)
		lx_siginfo_from_host_waitid(&si, hsi);
	if (wi_put_siginfo(g, infop, &si) < 0)
		return -LX_EFAULT;
	return ret;
}

static long
wi_exit(struct lx_call *c, struct lx_guest *g, long ret)
{
	uint64_t s = lx_stashed_scratch(c);
	siginfo_t hsi;
	struct rusage hru;

	if (ret < 0)
		return lx_waitid_copyout(g, c->arg[2], c->arg[4], NULL, NULL,
		    ret);
	if (lx_guest_read(g, &hsi, s + WI_SI_OFF, sizeof(hsi)) < 0 ||
	    lx_guest_read(g, &hru, s + WI_RU_OFF, sizeof(hru)) < 0)
		return -LX_EFAULT;	/* scratch vanished: cannot happen */
	return lx_waitid_copyout(g, c->arg[2], c->arg[4], &hsi, &hru, ret);
}

struct lx_action
lx_sys_waitid(struct lx_call *c, struct lx_guest *g)
{
	int32_t idtype = (int32_t)c->arg[0], id = (int32_t)c->arg[1];
	uint32_t options = (uint32_t)c->arg[3];
	uint64_t s;
	siginfo_t zero;
	long r;

	r = lx_waitid_check(idtype, id, options);
	if (r < 0)	/* siginfo is written (zeros) even so */
		return lx_return(lx_waitid_copyout(g, c->arg[2], 0, NULL,
		    NULL, r));
	s = lx_guest_scratch(g, WI_SCRATCH);
	if (s == 0)
		return lx_return(-LX_ENOMEM);
	/*
	 * The host leaves siginfo alone when WNOHANG finds nothing only on
	 * some systems: clear si_pid so the exit function can tell.
	 */
	memset(&zero, 0, sizeof(zero));
	if (lx_guest_write(g, s + WI_SI_OFF, &zero, sizeof(zero)) < 0)
		return lx_return(-LX_ENOMEM);
	lx_stash_scratch(c, s);
	return lx_rewrite(LX_NR_waitid, (uint64_t)idtype, (uint64_t)id,
	    s + WI_SI_OFF, wi_host_options(options), s + WI_RU_OFF, 0,
	    wi_exit);
}
