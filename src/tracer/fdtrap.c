/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Filters that grow at run time (DESIGN.md decision 1): trap a few
 * syscalls on one fd only, e.g. writes to a sealed memfd or reads of an
 * inotify fd.  The filter is built here and installed by the guest itself
 * (an injected seccomp() with TSYNC, so every thread gets it), so a
 * program that never uses such an object pays nothing on those calls.
 *
 * The guest may have lost the right to install one (a root program that
 * dropped CAP_SYS_ADMIN without setting no_new_privs gets EACCES), or the
 * kernel's limit on filter size may be reached (ENOMEM).  A rule is never
 * dropped for that: the process goes to checked mode, where every thread
 * stops at every syscall entry (PTRACE_SYSCALL) and lxrun applies the
 * rules it could not install itself, which is slower but exact; lxrun
 * says so on stderr and in the trace (docs/security.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "lxrun/linux_abi.h"
#include "lxrun/dispatch.h"
#include "tracer.h"

#define MAX_FD_TRAPS 16

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

/*
 *   ld arch; jne x86_64 -> allow
 *   per trap: ld nr; jne -> next; ld arg lo; jeq fd -> trace; (next)
 *        (argidx -1: ld nr; jeq -> trace; two no-ops)
 *   allow; trace
 * Only the low 32 bits of the argument count: the kernel reads an fd as
 * an int.
 */
static int
fdtrap_build(struct sock_filter *f, const struct lx_fd_trap *t, int n, int fd)
{
	int k = 0, allow, trace;

	allow = 2 + 4 * n;
	trace = allow + 1;
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    AUDIT_ARCH_X86_64, 0, (uint8_t)(allow - k - 1));
	k++;
	for (int i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr));
		if (t[i].argidx < 0) {
			f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ |
			    BPF_K, (uint32_t)t[i].nr, (uint8_t)(trace - k - 1),
			    2);
			k++;
			f[k++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
			    0);
			f[k++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
			    0);
			continue;
		}
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)t[i].nr, 0, 2);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    (uint32_t)ARG_LO(t[i].argidx));
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)fd, (uint8_t)(trace - k - 1), 0);
		k++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE | LX_FILTER_DATA_X86_64);
	return k;
}

/* One filter, installed by the guest: 0, or -errno of its seccomp(). */
static int
fdtrap_seccomp(struct task *t, const struct lx_fd_trap *traps, int n,
    int fd)
{
	struct sock_filter f[4 + 4 * MAX_FD_TRAPS];
	struct {
		uint64_t len;		/* struct sock_fprog, padded */
		uint64_t filter;
	} prog;
	uint64_t buf;
	int len;
	long r;

	if (n <= 0 || n > MAX_FD_TRAPS)
		return -LX_EINVAL;
	for (int i = 0; i < n; i++)
		if (traps[i].argidx < -1 || traps[i].argidx >= LX_NARGS ||
		    (traps[i].argidx >= 0 && fd < 0))
			return -LX_EINVAL;
	len = fdtrap_build(f, traps, n, fd);
	if ((buf = scratch_slot(t)) == 0)
		return -LX_EBUSY;
	prog.len = (uint64_t)len;
	prog.filter = buf + sizeof(prog);
	if (sizeof(prog) + sizeof(f) > LX_SCRATCH_MAX ||
	    mem_write(t, buf, &prog, sizeof(prog)) < 0 ||
	    mem_write(t, prog.filter, f, (size_t)len * sizeof(f[0])) < 0)
		return -LX_EFAULT;
	{
		uint64_t a[6] = { SECCOMP_SET_MODE_FILTER,
			SECCOMP_FILTER_FLAG_TSYNC, buf, 0, 0, 0 };

		r = inject_syscall(t, SYS_seccomp, a);
	}
	/* TSYNC returns the tid of a thread it could not sync. */
	return r > 0 ? -LX_EAGAIN : (int)r;
}

static void
rule_add(struct proc *p, long nr, int argidx, int fd, bool installed)
{
	if (p->nrules == p->crules) {
		int n = p->crules ? 2 * p->crules : 16;
		struct fd_rule *r = realloc(p->rules, (size_t)n * sizeof(*r));

		if (r == NULL)
			lx_die("out of memory");
		p->rules = r;
		p->crules = n;
	}
	p->rules[p->nrules++] = (struct fd_rule){ nr, argidx, fd, installed };
}

void
fdtrap_inherit(struct proc *child, const struct proc *parent)
{
	if (child == parent)
		return;
	child->guest_filter |= parent->guest_filter;
	child->trace_only |= parent->trace_only;
	child->checked |= parent->trace_only;
	if (child->nrules > 0)
		return;
	for (int i = 0; i < parent->nrules; i++)
		rule_add(child, parent->rules[i].nr, parent->rules[i].argidx,
		    parent->rules[i].fd, parent->rules[i].installed);
	child->checked = parent->checked;
}

bool
fdtrap_wants(const struct proc *p, long nr, const uint64_t arg[6])
{
	for (int i = 0; i < p->nrules; i++) {
		const struct fd_rule *r = &p->rules[i];

		if (!r->installed && r->nr == nr && (r->argidx < 0 ||
		    (int)(uint32_t)arg[r->argidx] == r->fd))
			return true;
	}
	return false;
}

/*
 * Threads of the process that run freely would make their next calls
 * unseen: stop them once (PTRACE_INTERRUPT), and every resume from now on
 * is PTRACE_SYSCALL.  Threads waiting in a call of ours stop at its exit
 * anyway and are left alone.
 */
static void
interrupt_sibling(struct task *t, void *arg)
{
	struct task *self = arg;

	if (t != self && t->proc == self->proc && t->wait == TW_RUNNING &&
	    !t->in_group_stop)
		ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
}

static void
checked_mode(struct task *t, int err)
{
	char note[256];

	if (t->proc->checked)
		return;
	t->proc->checked = true;
	snprintf(note, sizeof(note), "pid %d cannot take another seccomp "
	    "rule (%s): lxrun checks its calls itself from now on, at every "
	    "syscall (slower)", (int)t->proc->pid,
	    err == LX_EACCES ? "it has neither CAP_SYS_ADMIN nor "
	    "no_new_privs" : err == LX_ENOMEM ? "the kernel's limit on "
	    "seccomp filter size" : "the kernel refused it");
	lx_warn("%s", note);
	lx_trace_note(t->tid, note);
	task_foreach(interrupt_sibling, t);
}

int
fdtrap_install(struct task *t, const struct lx_fd_trap *traps, int n, int fd)
{
	int r = fdtrap_seccomp(t, traps, n, fd);

	if (r == -LX_ESRCH || r == -LX_EINVAL)
		return r;
	for (int i = 0; i < n; i++)
		rule_add(t->proc, traps[i].nr, traps[i].argidx, fd, r == 0);
	if (r < 0)
		checked_mode(t, -r);
	return 0;
}

/* ---- the program's own filters ---- */

/* A filter of the program's own is in place from now on. */
static long
guest_filter_added(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct task *t = g->priv;

	(void)c;
	if (ret == 0)
		t->proc->guest_filter = true;
	return ret;
}

static struct lx_action
hook_seccomp(struct lx_call *c, struct lx_guest *g)
{
	(void)g;
	/* SECCOMP_SET_MODE_STRICT (0), SECCOMP_SET_MODE_FILTER (1) */
	if (c->nr == LX_NR_seccomp ? c->arg[0] > 1 :
	    c->arg[0] != LX_PR_SET_SECCOMP)
		return lx_native();
	return lx_native_then(guest_filter_added);
}

__attribute__((constructor)) static void
fdtrap_init(void)
{
	lx_trap_nr_add(LX_NR_seccomp, LX_FAM_NONE);
	lx_hook_add(LX_NR_seccomp, LX_FAM_NONE, hook_seccomp);
	lx_trap_arg_add(LX_NR_prctl, 0, LX_PR_SET_SECCOMP, LX_FAM_NONE);
	lx_hook_add(LX_NR_prctl, LX_FAM_NONE, hook_seccomp);
}
