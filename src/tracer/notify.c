/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calls answered by seccomp user notification instead of a ptrace stop
 * (docs/perf-stop.md, "Notification").
 *
 * A call whose handler answers at once (lx_notif_rules: getrandom of a
 * slice at most, epoll_wait with timeout 0) gets SECCOMP_RET_USER_NOTIF
 * from lxrun's filter.  The thread waits in the kernel; lxrun receives
 * the call on the filter's listener, runs the same handler and sends
 * the answer.  That is cheaper than a ptrace stop (no signal-stop
 * machinery, no waitpid, no register calls), and with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6) each side wakes the
 * other on its own CPU: the gain --pin gives, without restricting the
 * program's CPUs.
 *
 * The listener is made by the program's first process as it installs
 * the filter (spawn.c, with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV:
 * once received, only a fatal signal ends the wait, so an answer is
 * never half given) and taken from it at its first stop, its exec.
 *
 * Two things differ from a ptrace stop and are mended here:
 *  - a call that needs a stop after all (a family's on_stop work, a
 *    handler that would inject): lxrun interrupts the thread
 *    (PTRACE_INTERRUPT) and answers ERESTARTNOINTR; at the interrupt's
 *    stop it marks the high half of an int argument the kernel ignores,
 *    and the restarted call, marked, is trapped by the filter
 *    (SECCOMP_RET_TRACE) and served at a seccomp stop as any other; the
 *    mark is taken off there.
 *  - a signal that comes before lxrun received the call ends the wait
 *    with ERESTARTSYS, which a handler without SA_RESTART turns into
 *    EINTR, where Linux's call never fails so: at the signal's delivery
 *    stop lxrun makes it ERESTARTNOINTR, so the call is made again after
 *    the handler, as if the signal had come just before it.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lxrun/dispatch.h"
#include "lxrun/linux_abi.h"
#include "spawn.h"
#include "tracer.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

static int listener = -1;
static bool adopted;

int
notify_fd(void)
{
	return listener;
}

/* No process uses the filter any more (POLLHUP): nothing will come. */
void
notify_close(void)
{
	if (listener >= 0)
		close(listener);
	listener = -1;
}

/* The listener the program's first process made (fd child_fd there). */
void
notify_adopt(pid_t pid, int child_fd)
{
	int pidfd;

	if (adopted)
		return;
	adopted = true;
	if (child_fd < 0)
		return;
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) >= 0) {
		listener = (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
		close(pidfd);
	}
	/*
	 * Without it the program's notified calls would fail with ENOSYS
	 * once its copy is closed by the exec: no run is better than that.
	 */
	if (listener < 0)
		lx_die("cannot take the seccomp listener of %d: %s", (int)pid,
		    strerror(errno));
}

/*
 * Same-CPU wake-ups (Linux 6.6; before it, they go where the scheduler
 * puts them) halve the cost of a call between two CPUs, but they pull
 * every thread that calls onto lxrun's CPU: two threads of a program
 * that compute between their calls then share one CPU (38% slower in
 * docs/perf-stop.md's test).  So they are on only while lxrun traces a
 * single thread, and only after this many notified calls (from the
 * first, a short program and lxrun kept to one CPU while both had work
 * of their own: a start-up took 0.3 ms longer).
 */
#define SYNC_AFTER	64

static void
count_served(void)
{
	static unsigned served;
	static bool sync_on;
	bool want;

	if (served < SYNC_AFTER)
		served++;
	want = served >= SYNC_AFTER && task_count() == 1;
	if (want != sync_on &&
	    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    want ? SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP : 0UL, 0) == 0)
		sync_on = want;
}

static const struct lx_notif_rule *
rule_of(long nr)
{
	static struct lx_notif_rule rules[8];
	static int n = -1;

	if (n < 0)
		n = lx_notif_rules(rules, 8);
	for (int i = 0; i < n; i++)
		if (rules[i].nr == nr)
			return &rules[i];
	return NULL;
}

static const size_t arg_reg[6] = {
	offsetof(struct user_regs_struct, rdi),
	offsetof(struct user_regs_struct, rsi),
	offsetof(struct user_regs_struct, rdx),
	offsetof(struct user_regs_struct, r10),
	offsetof(struct user_regs_struct, r8),
	offsetof(struct user_regs_struct, r9),
};

/* Send the call back to be made again, to stop at its seccomp stop. */
static void
take_a_stop(struct task *t, const struct seccomp_notif *req,
    struct seccomp_notif_resp *resp)
{
	const struct lx_notif_rule *rule = rule_of(req->data.nr);

	if (t != NULL && rule != NULL) {
		t->notif_redo = REDO_ARMED;
		t->notif_marker = rule->marker_arg;
		t->notif_orig = req->data.args[rule->marker_arg];
	}
	/* its stop comes before the restart, at the way out of the call */
	ptrace(PTRACE_INTERRUPT, (pid_t)req->pid, 0, 0);
	resp->error = -LX_ERESTARTNOINTR;
}

void
notify_serve(void)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct lx_call next;
	struct task *t;
	long value;

	memset(&req, 0, sizeof(req));
	/* ENOENT: a signal took it back before lxrun got to it */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;
	mem_gen++;		/* the guest ran */
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	t = task_find((pid_t)req.pid);
	memset(&next, 0, sizeof(next));
	next.nr = req.data.nr;
	for (int i = 0; i < LX_NARGS; i++)
		next.arg[i] = req.data.args[i];
	next.ip = req.data.instruction_pointer;
	next.abi = LX_ABI_X86_64;
	if (t != NULL && (t->wait != TW_RUNNING || t->skipped_at_entry ||
	    t->injected > 0)) {
		/* lxrun's own call (a rewrite's, an injection's): it runs */
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	} else if (t == NULL || req.data.arch != AUDIT_ARCH_X86_64 ||
	    notif_call(t, &next, &value) < 0) {
		take_a_stop(t, &req, &resp);
	} else if (value < 0 && value >= -4095) {
		resp.error = (int32_t)value;
	} else {
		resp.val = value;
	}
	/* ENOENT: killed meanwhile (only a fatal signal ends the wait) */
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	count_served();
}

/* The stop PTRACE_INTERRUPT made: mark the call that will be made again. */
void
notify_event_stop(struct task *t)
{
	int m = t->notif_marker;
	uint64_t v;

	if (t->notif_redo != REDO_ARMED)
		return;
	v = (t->notif_orig & 0xffffffffULL) | (uint64_t)NOTIFY_MARK << 32;
	t->notif_redo = ptrace(PTRACE_POKEUSER, t->tid, arg_reg[m], v) == 0 ?
	    REDO_MARKED : REDO_NONE;
}

/*
 * A call lxrun makes in the guest (an injection, a rewrite) of a number
 * the filter notifies: marked, it stops instead, as lxrun's other calls
 * do, so that the thread waiting for it is never one lxrun must answer
 * while it waits for that thread (inject.c waits in waitpid).
 */
void
notify_mark_regs(struct user_regs_struct *r, long nr)
{
	const struct lx_notif_rule *rule;
	unsigned long long *reg;

	if (listener < 0 || (rule = rule_of(nr)) == NULL)
		return;
	reg = (unsigned long long *)((char *)r + arg_reg[rule->marker_arg]);
	*reg = (*reg & 0xffffffffULL) | (unsigned long long)NOTIFY_MARK << 32;
}

/*
 * A process in checked mode (fdtrap.c) stops at every entry: a call the
 * filter would notify is marked here, to be served at its seccomp stop
 * like the others of that process.
 */
void
notify_checked_entry(struct task *t, const struct lx_call *c)
{
	const struct lx_notif_rule *rule;
	uint64_t v;

	if (listener < 0 || (rule = rule_of(c->nr)) == NULL)
		return;
	t->notif_marker = rule->marker_arg;
	t->notif_orig = c->arg[rule->marker_arg];
	v = (t->notif_orig & 0xffffffffULL) | (uint64_t)NOTIFY_MARK << 32;
	if (ptrace(PTRACE_POKEUSER, t->tid, arg_reg[rule->marker_arg], v) == 0)
		t->notif_redo = REDO_MARKED;
}

/* The marked call's seccomp stop: take the mark off, serve it here. */
void
notify_seccomp_stop(struct task *t, struct lx_call *c)
{
	int m = t->notif_marker;

	if (!adopted && loop_before_program(t))
		notify_adopt(t->tid, spawn_listener_fd());
	if (t->notif_redo != REDO_MARKED)
		return;
	t->notif_redo = REDO_NONE;
	if (c->abi != LX_ABI_X86_64 || rule_of(c->nr) == NULL ||
	    c->arg[m] >> 32 != NOTIFY_MARK)
		return;
	c->arg[m] = t->notif_orig;
	ptrace(PTRACE_POKEUSER, t->tid, arg_reg[m], t->notif_orig);
}

/*
 * A signal delivered to a thread whose notified call it interrupted
 * before lxrun received it: restart the call whatever SA_RESTART says.
 */
void
notify_signal_stop(struct task *t)
{
	long nr, rax;

	if (listener < 0)
		return;
	errno = 0;
	nr = ptrace(PTRACE_PEEKUSER, t->tid,
	    offsetof(struct user_regs_struct, orig_rax), 0);
	if (errno != 0 || rule_of(nr) == NULL || regs_rax(t->tid, &rax) < 0 ||
	    rax != -LX_ERESTARTSYS)
		return;
	ptrace(PTRACE_POKEUSER, t->tid, offsetof(struct user_regs_struct, rax),
	    (long)-LX_ERESTARTNOINTR);
}
