/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The seccomp-bpf filter the guest runs under, generated from the table:
 * SECCOMP_RET_TRACE for the syscalls lxrun must see, SECCOMP_RET_ERRNO for
 * those whose answer is a fixed errno that no one needs to see (rseq, the
 * numbers Linux does not implement: no stop for them), ALLOW for the rest.
 * Calls from another ABI (i386 int 0x80, x32) are always trapped and
 * numbers the table does not know trapped or answered, never silently
 * allowed; the RET_DATA part of a trap tells the tracer which ABI it was.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tracer.h"

#define NR_OFF	offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)

#define RET_TRACE(data)	(SECCOMP_RET_TRACE | (data))
#define ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i)	(ARG_LO(i) + 4)
#define MAX_NOTIF	8

/*
 * Layout:
 *   ld arch; jeq X86_64 ? next : [ret TRACE|I386]
 *   ld nr;   jge X32_BIT ? [ret TRACE|X32] : next
 *   for each notification rule (with_notify): jeq nr ? (marked ? ret
 *   TRACE : argument small ? ret USER_NOTIF : next) : next
 *   for each range [lo, hi] of one action: jge lo ? (jgt hi ? next :
 *   ret action) : ALLOW
 * Ranges keep the filter short: the unknown gap 337..423 and everything
 * past the table are one range each.
 */
struct range {
	long lo, hi;
	uint32_t action;	/* SECCOMP_RET_TRACE|data or SECCOMP_RET_ERRNO|e */
};

/*
 * What the filter's ranges do with an x86-64 nr, 0 <= nr <= LX_NR_MAX
 * (LX_NR_MAX: every number past the table, below the x32 bit).
 */
static uint32_t
nr_action(long nr)
{
	int e;

	if ((e = lx_dispatch_answer(nr)) != 0)
		return SECCOMP_RET_ERRNO | (uint32_t)e;
	if (lx_dispatch_traps(nr))
		return RET_TRACE(LX_FILTER_DATA_X86_64);
	return SECCOMP_RET_ALLOW;
}

static int
filter_ranges(struct range *out, int max)
{
	int n = 0;

	for (long nr = 0; nr <= LX_NR_MAX; nr++) {
		uint32_t act = nr_action(nr);

		if (act == SECCOMP_RET_ALLOW)
			continue;
		if (n > 0 && out[n - 1].hi == nr - 1 &&
		    out[n - 1].action == act) {
			out[n - 1].hi = nr;
			continue;
		}
		if (n == max)
			return -1;
		out[n].lo = out[n].hi = nr;
		out[n].action = act;
		n++;
	}
	/* LX_NR_MAX stands for everything past the table (below x32's bit). */
	if (n > 0 && out[n - 1].hi == LX_NR_MAX)
		out[n - 1].hi = 0x3fffffff;
	return n;
}

/*
 * A notification rule: nr's call is notified when its argument is small
 * (a 64-bit one's high half 0, its low half at most max) and not marked
 * (notify.c sends a call back to a ptrace stop so).  A in: nr; out: nr.
 */
static int
notif_block(struct sock_filter *f, const struct lx_notif_rule *r)
{
	int n = 0, len = r->wide ? 10 : 8;

	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    (uint32_t)r->nr, 0, (uint8_t)(len - 1));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    ARG_HI(r->marker_arg));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    NOTIFY_MARK, (uint8_t)(len - 5), 0);
	if (r->wide) {
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    ARG_HI(r->argidx));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    0, 0, 4);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    ARG_LO(r->argidx));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
	    r->max, 2, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_USER_NOTIF);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    RET_TRACE(LX_FILTER_DATA_X86_64));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF);
	return n;
}

int
filter_build(struct sock_fprog *prog, bool with_notify)
{
	static struct range r[LX_NR_MAX + 1];
	int nr = filter_ranges(r, LX_NR_MAX + 1);
	struct sock_filter *f;
	int n = 0;

	struct lx_trap_arg args[16];
	int nargs = lx_trap_args(args, 16);
	struct lx_notif_rule notif[MAX_NOTIF];
	int nnotif = with_notify ? lx_notif_rules(notif, MAX_NOTIF) : 0;

	if (nr < 0)
		return -E2BIG;
	if (with_notify && nnotif == 0)
		return -ENOENT;
	f = calloc((size_t)(10 + 3 * nr + 5 * nargs + 10 * nnotif),
	    sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARCH_OFF);
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    RET_TRACE(LX_FILTER_DATA_I386));
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, NR_OFF);
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
	    0x40000000, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    RET_TRACE(LX_FILTER_DATA_X32));
	for (int i = 0; i < nnotif; i++)
		n += notif_block(f + n, &notif[i]);
	/* the exec's stop is where lxrun takes the listener (notify.c) */
	if (nnotif > 0 && !lx_dispatch_traps(SYS_execve)) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    SYS_execve, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    RET_TRACE(LX_FILTER_DATA_X86_64));
	}
	/* Argument rules: trap nr only when one argument has one value. */
	for (int i = 0; i < nargs; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)args[i].nr, 0, 3);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args) + 8 * args[i].argidx);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)args[i].value, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    RET_TRACE(LX_FILTER_DATA_X86_64));
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    NR_OFF);
	}
	/*
	 * Ranges ascend, so nr < lo means no later range matches either:
	 * jump straight to ALLOW when that is within a BPF jump's reach.
	 */
	for (int i = 0; i < nr; i++) {
		int to_allow = 3 * (nr - i) - 1;


		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		    (uint32_t)r[i].lo, 0, to_allow <= 255 ? to_allow : 2);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
		    (uint32_t)r[i].hi, 1, 0);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    r[i].action);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	prog->len = (unsigned short)n;
	prog->filter = f;
	return 0;
}

/*
 * In the child, before exec.  Without CAP_SYS_ADMIN the kernel requires
 * no_new_privs (then set-uid programs do not gain privileges under lxrun,
 * as under strace --seccomp-bpf).
 */
int
filter_install(const struct sock_fprog *prog)
{
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) < 0)
		return -errno;
	return 0;
}

bool
filter_traps(const struct proc *p, long nr, const uint64_t arg[6])
{
	struct lx_trap_arg args[16];
	int nargs = lx_trap_args(args, 16);
	struct lx_notif_rule notif[MAX_NOTIF];
	uint32_t act;

	if (nr < 0 || nr >= 0x40000000)
		return true;
	/* a notified call is served without a stop, or sent to one */
	if (notify_fd() >= 0)
		for (int i = 0; i < lx_notif_rules(notif, MAX_NOTIF); i++)
			if (notif[i].nr == nr)
				return true;
	act = nr_action(nr < LX_NR_MAX ? nr : LX_NR_MAX);
	/* a trap stops; the filter's own answer never does */
	if (act != SECCOMP_RET_ALLOW)
		return (act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE;
	for (int i = 0; i < nargs; i++)
		if (args[i].nr == nr &&
		    (uint32_t)arg[args[i].argidx] == (uint32_t)args[i].value)
			return true;
	for (int i = 0; i < p->nrules; i++)
		if (p->rules[i].installed &&
		    fdtrap_rule_matches(&p->rules[i], nr, arg))
			return true;
	return false;
}
