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
 *
 * A rule is not one filter per fd for ever: every filter the kernel
 * keeps runs at every syscall of the process, and their total size is
 * capped, so a server that has used thousands of fd numbers for such
 * objects would pay at every call and then reach the cap.  A filter
 * stops a block of neighbouring fd numbers instead, aligned, whose size
 * doubles every FILTERS_PER_SIZE filters (1 fd for the first ones, then
 * 2, 4, ... up to 1 << MAX_BLOCK_SHIFT), and an fd a filter of the
 * process already stops needs none: the filters stay few (about 80 for
 * a million fd numbers) whatever the program does.  The families check
 * the fd of every call they stop (an fd number is reused after a close
 * anyway), so a neighbour's call only costs a stop, answered natively.
 *
 * A family may also need rules in another process, one that may be
 * running (a memfd sealed while a child holds it): that process goes to
 * checked mode at once, its running threads are stopped once, and the
 * first of its threads to make a syscall installs the rules (TSYNC) and
 * leaves checked mode (fdtrap_install_pid, fdtrap_flush).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/linux_abi.h"
#include "lxrun/dispatch.h"
#include "tracer.h"

#define MAX_FD_TRAPS 16
#define FILTERS_PER_SIZE 4	/* filters per block size */
#define MAX_BLOCK_SHIFT 16	/* blocks of at most 65,536 fds */

#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

/* One rule of a filter: each carries its own fds, so a batch may mix. */
struct trap_one {
	long nr;
	int argidx;
	uint32_t bits;
	int lo, hi;		/* the fds it stops, lo..hi */
};

/*
 *   ld arch; jne x86_64 -> allow
 *   per trap: ld nr; jne -> next; ld arg lo; jlt lo -> next;
 *             jle hi -> trace; (next)
 *        (bits: ld nr; jne -> next; ld arg lo; jset bits -> trace; no-op)
 *        (argidx -1: ld nr; jeq -> trace; three no-ops)
 *   allow; trace
 * Only the low 32 bits of the argument count: the kernel reads an fd (and
 * open flags) as an int; compared unsigned, a negative fd is above every
 * block.
 */
static int
fdtrap_build(struct sock_filter *f, const struct trap_one *t, int n)
{
	int k = 0, allow, trace;

	allow = 2 + 5 * n;
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
			    3);
			k++;
			for (int j = 0; j < 3; j++)
				f[k++] = (struct sock_filter)BPF_STMT(BPF_JMP |
				    BPF_JA, 0);
			continue;
		}
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)t[i].nr, 0, 3);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    (uint32_t)ARG_LO(t[i].argidx));
		if (t[i].bits != 0) {
			f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET |
			    BPF_K, t[i].bits, (uint8_t)(trace - k - 1), 0);
			k++;
			f[k++] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
			    0);
			continue;
		}
		/* arg >= lo, else next; arg > hi: next, else trace */
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
		    (uint32_t)t[i].lo, 0, 1);
		f[k] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
		    (uint32_t)t[i].hi, 0, (uint8_t)(trace - k - 1));
		k++;
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
	    SECCOMP_RET_TRACE | LX_FILTER_DATA_X86_64);
	return k;
}

static bool
traps_valid(const struct lx_fd_trap *traps, int n, int fd)
{
	if (n <= 0 || n > MAX_FD_TRAPS)
		return false;
	for (int i = 0; i < n; i++)
		if (traps[i].argidx < -1 || traps[i].argidx >= LX_NARGS ||
		    (traps[i].argidx >= 0 && traps[i].bits == 0 && fd < 0))
			return false;
	return true;
}

/* One filter, installed by the guest: 0, or -errno of its seccomp(). */
static int
fdtrap_seccomp(struct task *t, const struct trap_one *traps, int n)
{
	struct sock_filter f[4 + 5 * MAX_FD_TRAPS];
	struct {
		uint64_t len;		/* struct sock_fprog, padded */
		uint64_t filter;
	} prog;
	uint64_t buf;
	int len;
	long r;

	len = fdtrap_build(f, traps, n);
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
	if (r == 0)
		t->proc->nfilters++;
	return r > 0 ? -LX_EAGAIN : (int)r;
}

/* The block of fd numbers the process's next filter stops for fd. */
static void
block_of(const struct proc *p, int fd, int *lo, int *hi)
{
	int shift = p->nfilters / FILTERS_PER_SIZE;
	unsigned size;

	if (fd < 0) {
		*lo = *hi = fd;
		return;
	}
	if (shift > MAX_BLOCK_SHIFT)
		shift = MAX_BLOCK_SHIFT;
	size = 1u << shift;
	*lo = (int)((unsigned)fd & ~(size - 1));
	*hi = (int)((unsigned)*lo + size - 1);
}

/*
 * Does a filter of the process (installed, or about to be: pending)
 * already stop this trap for fd?  A bits test or a whole-call trap stops
 * it for every fd.
 */
static bool
trap_covered(const struct proc *p, long nr, int argidx, uint32_t bits,
    int fd)
{
	for (int i = 0; i < p->nrules; i++) {
		const struct fd_rule *r = &p->rules[i];

		if ((!r->installed && !r->pending) || r->nr != nr ||
		    r->argidx != argidx || r->bits != bits)
			continue;
		if (argidx < 0 || bits != 0 || (fd >= r->lo && fd <= r->hi))
			return true;
	}
	return false;
}

static void
rule_add(struct proc *p, const struct fd_rule *rule)
{
	if (p->nrules == p->crules) {
		int n = p->crules ? 2 * p->crules : 16;
		struct fd_rule *r = realloc(p->rules, (size_t)n * sizeof(*r));

		if (r == NULL)
			lx_die("out of memory");
		p->rules = r;
		p->crules = n;
	}
	p->rules[p->nrules++] = *rule;
	if (rule->pending)
		p->npending++;
}

/* A rule the kernel refused: the process stays in checked mode. */
static bool
has_refused(const struct proc *p)
{
	for (int i = 0; i < p->nrules; i++)
		if (!p->rules[i].installed && !p->rules[i].pending)
			return true;
	return false;
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
	/* pending ones too: the child's filters are the parent's */
	for (int i = 0; i < parent->nrules; i++)
		rule_add(child, &parent->rules[i]);
	child->nfilters = parent->nfilters;
	child->checked = parent->checked;
}

bool
fdtrap_rule_matches(const struct fd_rule *r, long nr, const uint64_t arg[6])
{
	if (r->nr != nr)
		return false;
	if (r->argidx < 0)
		return true;
	if (r->bits != 0)
		return ((uint32_t)arg[r->argidx] & r->bits) != 0;
	/* an installed filter stops its whole block, compared as BPF does */
	if (r->installed)
		return (uint32_t)arg[r->argidx] >= (uint32_t)r->lo &&
		    (uint32_t)arg[r->argidx] <= (uint32_t)r->hi;
	return (int)(uint32_t)arg[r->argidx] == r->fd;
}

bool
fdtrap_wants(const struct proc *p, long nr, const uint64_t arg[6])
{
	for (int i = 0; i < p->nrules; i++)
		if (!p->rules[i].installed &&
		    fdtrap_rule_matches(&p->rules[i], nr, arg))
			return true;
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
checked_mode(struct task *t, int err, bool already)
{
	char note[256];

	if (!t->proc->checked)
		task_foreach(interrupt_sibling, t);
	t->proc->checked = true;
	if (already)
		return;
	snprintf(note, sizeof(note), "pid %d cannot take another seccomp "
	    "rule (%s): lxrun checks its calls itself from now on, at every "
	    "syscall (slower)", (int)t->proc->pid,
	    err == LX_EACCES ? "it has neither CAP_SYS_ADMIN nor "
	    "no_new_privs" : err == LX_ENOMEM ? "the kernel's limit on "
	    "seccomp filter size" : "the kernel refused it");
	lx_warn("%s", note);
	lx_trace_note(t->tid, note);
}

int
fdtrap_install(struct task *t, const struct lx_fd_trap *traps, int n, int fd)
{
	struct trap_one one[MAX_FD_TRAPS];
	struct proc *p = t->proc;
	bool already = has_refused(p);
	int lo, hi, k = 0, r;

	if (!traps_valid(traps, n, fd))
		return -LX_EINVAL;
	block_of(p, fd, &lo, &hi);
	for (int i = 0; i < n; i++)
		if (!trap_covered(p, traps[i].nr, traps[i].argidx,
		    traps[i].bits, fd))
			one[k++] = (struct trap_one){ traps[i].nr,
			    traps[i].argidx, traps[i].bits, lo, hi };
	if (k == 0)
		return 0;
	if ((r = fdtrap_seccomp(t, one, k)) == -LX_ESRCH)
		return r;
	for (int i = 0; i < k; i++)
		rule_add(p, &(struct fd_rule){ .nr = one[i].nr,
		    .argidx = one[i].argidx, .fd = fd, .lo = lo, .hi = hi,
		    .bits = one[i].bits, .installed = r == 0 });
	if (r < 0)
		checked_mode(t, -r, already);
	return 0;
}

/* ---- the program's own filters ---- */

/* A filter of the program's own is in place from now on. */
static long
guest_filter_added(struct lx_call *c, struct lx_guest *g, long ret)
{
	struct task *t = g->priv;
	static bool said;

	if (ret == 0)
		t->proc->guest_filter = true;
	/*
	 * A filter chain has one listener, and lxrun's is above the
	 * program's (notify.c): say once what to do about it.
	 */
	if (ret == -LX_EBUSY && c->nr == LX_NR_seccomp &&
	    (c->arg[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER) &&
	    notify_fd() >= 0 && !said) {
		said = true;
		lx_warn("the program's own seccomp listener failed with "
		    "EBUSY: lxrun's takes the one place a filter chain has; "
		    "run lxrun with --no-notify");
	}
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

/* ---- rules for another process ---- */

struct proc_threads {
	pid_t pid;
	struct proc *proc;
	pid_t tids[64];
	int ntids;
};

static void
find_proc(struct task *t, void *arg)
{
	struct proc_threads *pt = arg;

	if (t->proc->pid == pt->pid)
		pt->proc = t->proc;
}

static void
interrupt_thread(struct task *t, void *arg)
{
	struct proc_threads *pt = arg;

	if (t->proc != pt->proc || t->wait != TW_RUNNING || t->in_group_stop)
		return;
	if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) == 0 &&
	    pt->ntids < (int)(sizeof(pt->tids) / sizeof(pt->tids[0])))
		pt->tids[pt->ntids++] = t->tid;
}

/* The thread's state letter in /proc/TID/stat ('R' running...), or 0. */
static char
thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2];
}

/*
 * PTRACE_INTERRUPT has made every later return to user space stop, but
 * a thread running user code on another CPU can still enter one syscall
 * before the kick reaches it.  Wait (briefly) until each interrupted
 * thread is off its CPU: asleep in the kernel, or stopped.
 */
static void
settle(const struct proc_threads *pt)
{
	int64_t end = lx_now_ns() + 20 * 1000000;

	for (int i = 0; i < pt->ntids; i++)
		while (thread_state(pt->tids[i]) == 'R' && lx_now_ns() < end)
			sched_yield();
}

int
fdtrap_install_pid(pid_t pid, const struct lx_fd_trap *traps, int n, int fd)
{
	struct proc_threads pt = { .pid = pid };

	if (!traps_valid(traps, n, fd))
		return -LX_EINVAL;
	task_foreach(find_proc, &pt);
	if (pt.proc == NULL)
		return -LX_ESRCH;
	for (int i = 0; i < n; i++)
		if (!trap_covered(pt.proc, traps[i].nr, traps[i].argidx,
		    traps[i].bits, fd))
			rule_add(pt.proc, &(struct fd_rule){ .nr = traps[i].nr,
			    .argidx = traps[i].argidx, .fd = fd, .lo = fd,
			    .hi = fd, .bits = traps[i].bits, .pending = true });
	if (pt.proc->npending == 0)
		return 0;
	if (!pt.proc->checked) {
		pt.proc->checked = true;
		task_foreach(interrupt_thread, &pt);
		settle(&pt);
	}
	return 0;
}

/*
 * At an entry stop of t (its process in checked mode): install the
 * pending rules, as few filters as possible, and leave checked mode if
 * the kernel refused none.  The caller makes the thread's own call again.
 */
void
fdtrap_flush(struct task *t)
{
	struct proc *p = t->proc;
	bool already = has_refused(p);

	while (p->npending > 0) {
		struct trap_one batch[MAX_FD_TRAPS];
		int idx[MAX_FD_TRAPS], n = 0, r;

		for (int i = 0; i < p->nrules && n < MAX_FD_TRAPS; i++) {
			struct fd_rule *rl = &p->rules[i];

			if (!rl->pending)
				continue;
			block_of(p, rl->fd, &rl->lo, &rl->hi);
			batch[n] = (struct trap_one){ rl->nr, rl->argidx,
			    rl->bits, rl->lo, rl->hi };
			idx[n++] = i;
		}
		if ((r = fdtrap_seccomp(t, batch, n)) == -LX_ESRCH)
			return;
		for (int i = 0; i < n; i++) {
			p->rules[idx[i]].pending = false;
			p->rules[idx[i]].installed = r == 0;
		}
		p->npending -= n;
		if (r < 0) {
			checked_mode(t, -r, already);
			already = true;
		}
	}
	if (!has_refused(p))
		p->checked = false;
}
