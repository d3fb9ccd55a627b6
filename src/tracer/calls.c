/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One trapped syscall's way through the tracer: the seccomp stop, the
 * handler's action applied (answer, run natively, rewrite, park), and the
 * exit stop when one is needed.
 *
 * An answered call costs one stop: at the seccomp stop the number becomes
 * -1 and rax the answer, and the thread resumes with PTRACE_CONT, so no
 * exit stop follows.  Only calls that must be seen finishing (traced
 * calls, rewrites, parks, handlers with an exit function) resume with
 * PTRACE_SYSCALL.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <time.h>

#include "calls.h"
#include "loop.h"
#include "lxrun/linux_abi.h"
#include "lxrun/shortage.h"
#include "stopprof.h"
#include "tracer.h"

static bool
tracing_on(void)
{
	return lx_opt.trace || lx_opt.summary || lx_opt.report;
}

static int64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool
is_restart_code(long r)
{
	return r == -LX_ERESTARTSYS || r == -LX_ERESTARTNOINTR ||
	    r == -LX_ERESTARTNOHAND || r == -LX_ERESTART_RESTARTBLOCK;
}

const struct user_regs_struct *
task_saved(struct task *t)
{
	if (!t->have_saved) {
		if (regs_get(t->tid, &t->saved) < 0)
			return NULL;
		t->have_saved = true;
	}
	return &t->saved;
}

/*
 * Resume a thread with the request its wait state needs; a process in
 * checked mode (fdtrap.c) stops at every syscall entry and exit.
 */
int
task_resume(struct task *t, int sig)
{
	int req = t->wait == TW_RUNNING && !t->proc->checked ? PTRACE_CONT :
	    PTRACE_SYSCALL;

	if (t->wait == TW_RUNNING)
		inject_unsuspend(t);
	/*
	 * A group stop that came during lxrun's calls: the thread traps
	 * before its program runs again, and that trap says whether the
	 * group is still stopped (then it stays, PTRACE_LISTEN) or a
	 * SIGCONT came meanwhile.
	 */
	if (t->wait == TW_RUNNING && t->stop_owed) {
		t->stop_owed = false;
		ptrace(PTRACE_INTERRUPT, t->tid, 0, 0);
	}
	sp_mark(SP_OTHER);
	if (ptrace(req, t->tid, 0, sig) < 0)
		return -errno;
	sp_mark(SP_RESUME);
	loop_note_resume(t);
	return 0;
}

/* The call is over: trace it, free its scratch slot, forget it. */
static void
call_done(struct task *t, long ret)
{
	const char *shortage;

	/*
	 * The execs of lxrun's own PATH search (spawn.c) that failed are not
	 * the program's calls either: strace, which searches PATH itself,
	 * shows none.  The one that succeeds is the trace's first line.
	 */
	if (t->tracing && ret < 0 && t->call.nr == LX_NR_execve &&
	    loop_before_program(t))
		t->tracing = false;
	if (t->tracing) {
		struct lx_guest g;

		guest_init(&g, t);
		lx_trace_end(t->rec, &t->call, &g, ret, t->served,
		    t->start_rt_ns, lx_now_ns() - t->start_mono_ns);
		t->tracing = false;
	}
	/* a limit of lxrun's own made the call fail: name it, once */
	while ((shortage = lx_shortage_take()) != NULL) {
		lx_warn("%s", shortage);
		lx_trace_note(t->tid, shortage);
	}
	scratch_release(t);
	free(t->call.park_state);
	t->call.park_state = NULL;
	t->wait = TW_RUNNING;
	t->expect_entry = false;
	t->injected = 0;
}

/* Abandon the call without a result line: it will be made again. */
static void
call_abandon(struct task *t)
{
	t->tracing = false;
	call_done(t, 0);
}

/* Has the thread a signal pending that it does not block? */
static bool
signal_pending_unblocked(pid_t tid)
{
	unsigned long long pnd = 0, shd = 0, blk = 0, v;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return true;	/* gone: nothing will run anyway */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "SigPnd: %llx", &v) == 1)
			pnd = v;
		else if (sscanf(line, "ShdPnd: %llx", &v) == 1)
			shd = v;
		else if (sscanf(line, "SigBlk: %llx", &v) == 1)
			blk = v;
	}
	fclose(f);
	return ((pnd | shd) & ~blk) != 0;
}

/*
 * The call ends in a restart code: if the kernel makes it again, with no
 * handler run in between, it is the same wait, with the same deadline.
 */
static void
restart_remember(struct task *t, long code)
{
	t->restart.valid = true;
	t->restart.nr = t->call.nr;
	t->restart.code = code;
	memcpy(t->restart.arg, t->call.arg, sizeof(t->restart.arg));
	t->restart.ip = t->call.ip;
	t->restart.deadline_ns = t->call.deadline_ns;
}

/*
 * Put the guest's registers back as they were at the call, with rax the
 * answer.  A restart code asks the kernel to restart the original call
 * (or fail it with EINTR) as it would its own, so orig_rax must be the
 * original number then; otherwise -1 keeps the kernel's restart logic out.
 */
static int
finish_regs(struct task *t, long value)
{
	struct user_regs_struct r;

	if (task_saved(t) == NULL)
		return -LX_ESRCH;
	r = t->saved;
	r.rax = (uint64_t)value;
	r.orig_rax = is_restart_code(value) ? t->saved.orig_rax : (uint64_t)-1;
	if (is_restart_code(value)) {
		restart_remember(t, value);
		/*
		 * The kernel acts on a restart code only on the way to a
		 * signal; with none pending it would reach the program as
		 * errno 512..516.  Do what the kernel would have done.
		 */
		if (!signal_pending_unblocked(t->tid)) {
			if (value == -LX_ERESTARTNOINTR) {
				r.rax = t->saved.orig_rax;
				r.rip -= 2;
			} else {
				r.rax = (uint64_t)-LX_EINTR;
				t->restart.valid = false;
			}
			r.orig_rax = (uint64_t)-1;
		}
	}
	return regs_set(t->tid, &r);
}

/* Answer the call with value and let the thread go on. */
static void
apply_return(struct task *t, long value)
{
	/*
	 * A restart code only means something after the call ran and a
	 * signal came; at the entry nothing ran, so no signal interrupted it.
	 */
	if (t->injected == 0 && t->wait == TW_RUNNING && is_restart_code(value))
		value = -LX_EINTR;
	if (t->injected == 0 && !is_restart_code(value)) {
		/*
		 * Still at the call's entry: skip it.  Registers read for the
		 * handler go back whole; else only orig_rax and rax change.
		 */
		t->skipped_at_entry = t->at_checked_entry;
		struct user_regs_struct r;

		if (t->have_saved) {
			r = t->saved;
			r.orig_rax = (uint64_t)-1;
			r.rax = (uint64_t)value;
			regs_set(t->tid, &r);
		} else {
			regs_skip_call(t->tid, value);
		}
	} else {
		finish_regs(t, value);
	}
	sp_mark(SP_REGS);
	call_done(t, value);
	sp_mark(SP_DONE);
	task_resume(t, 0);
}

/* Where the injected/rewritten call starts: at its entry or rewound. */
static void
set_call_regs(struct task *t, long nr, const uint64_t a[6])
{
	struct user_regs_struct r;

	if (task_saved(t) == NULL || inject_prepare(t) < 0)
		return;
	r = t->saved;
	regs_set_args(&r, nr, a);
	t->expect_entry = t->injected > 0;
	if (t->expect_entry)
		r.rip -= 2;
	regs_set(t->tid, &r);
}

static void
apply_native(struct task *t, lx_exit_fn *on_exit)
{
	bool need_exit = t->tracing || on_exit != NULL;

	t->action.on_exit = on_exit;
	if (t->injected > 0) {
		/* Run the original call again; let its seccomp stop pass. */
		struct user_regs_struct r = t->saved;

		r.rip -= 2;
		r.rax = r.orig_rax;
		regs_set(t->tid, &r);
		t->pass_next = true;
		t->pass_ip = t->saved.rip;
		t->injected = 0;
		t->wait = TW_RUNNING;
		task_resume(t, 0);
		return;
	}
	t->wait = need_exit ? TW_EXIT_NATIVE : TW_RUNNING;
	if (!need_exit)
		call_done(t, 0);
	task_resume(t, 0);
}

static void
apply_rewrite(struct task *t)
{
	set_call_regs(t, t->action.rewrite.nr, t->action.rewrite.arg);
	t->wait = TW_EXIT_REWRITE;
	task_resume(t, 0);
}

/*
 * Park: the guest waits in its own ppoll on the fd the handler named,
 * with the caller's signal mask, until the fd is ready, the deadline
 * passes or a signal comes.  The pollfd and timespec live in the thread's
 * scratch slot, which stays reserved until the call is over.
 */
static void
apply_park(struct task *t)
{
	struct lx_call *c = &t->call;
	struct {
		struct {
			int fd;
			short events, revents;
		} pfd[1 + LX_PARK_EXTRA];
		struct timespec ts;
	} p;
	uint64_t buf = scratch_slot(t), ts = 0;
	int n = 1 + t->action.park.nextra;
	uint64_t a[6];

	if (buf == 0) {
		apply_return(t, -LX_ENOMEM);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.pfd[0].fd = t->action.park.fd;
	p.pfd[0].events = t->action.park.events;
	for (int i = 1; i < n; i++) {
		p.pfd[i].fd = t->action.park.extra[i - 1];
		p.pfd[i].events = POLLIN;
	}
	if (c->deadline_ns >= 0) {
		int64_t left = c->deadline_ns - lx_now_ns();

		if (left < 0)
			left = 0;
		p.ts.tv_sec = left / 1000000000;
		p.ts.tv_nsec = left % 1000000000;
		ts = buf + offsetof(__typeof__(p), ts);
	}
	if (mem_write(t, buf, &p, sizeof(p)) < 0) {
		apply_return(t, -LX_EFAULT);
		return;
	}
	a[0] = buf;
	a[1] = (uint64_t)n;
	a[2] = ts;
	a[3] = t->action.park.sigmask;
	a[4] = t->action.park.sigsetsize;
	a[5] = 0;
	if (a[3] == 0)
		a[4] = 0;
	set_call_regs(t, SYS_ppoll, a);
	t->wait = TW_EXIT_PARK;
	task_resume(t, 0);
}

/*
 * Signals held back during injections must reach the guest.  An answer
 * can simply follow them.  A park is a blocking call the signal would
 * have interrupted: the handler is asked again as if its wait had been
 * interrupted, and its answer (EINTR, or a restart code that lets the
 * kernel restart it per SA_RESTART) stands.  Anything else still to run
 * is restarted from scratch after the handler, as if the signal had come
 * just before it.
 */
static bool
requeue_signals_first(struct task *t)
{
	struct lx_call *c = &t->call;
	struct lx_guest g;

	if (t->nstash == 0)
		return false;
	inject_finish(t);
	if (t->action.kind == LX_RETURN)
		return false;
	if (t->action.kind == LX_PARK && c->handler != NULL) {
		guest_init(&g, t);
		c->resumed = true;
		c->park_ret = -LX_EINTR;
		t->action = c->handler(c, &g);
		if (t->action.kind == LX_RETURN && t->nstash == 0)
			return false;
	}
	finish_regs(t, -LX_ERESTARTNOINTR);
	call_abandon(t);
	task_resume(t, 0);
	return true;
}

void
apply_action(struct task *t)
{
	if (t->dead)
		return;
	if (requeue_signals_first(t))
		return;
	switch (t->action.kind) {
	case LX_RETURN:
		apply_return(t, t->action.value);
		break;
	case LX_NATIVE:
		apply_native(t, t->action.on_exit);
		break;
	case LX_REWRITE:
		apply_rewrite(t);
		break;
	case LX_PARK:
		apply_park(t);
		break;
	}
}

/*
 * Serve the call the thread stopped in (next): dispatch and apply.
 * A RET_TRACE of the program's own filter fails the call with ENOSYS, as
 * it does with no tracer attached.
 */
enum call_kind {
	CALL_SERVE,	/* dispatch: emulate, translate, or let it run */
	CALL_FOREIGN,	/* a RET_TRACE of the program's own filter */
	CALL_OBSERVE,	/* an attached process's: trace it, let it run */
};

/*
 * Before the program runs, its process is lxrun's code (spawn.c: -u's id
 * changes, the PATH search, a failure report): only its exec is the
 * program's, as under strace.
 */
static void
trace_call_begin(struct task *t, struct lx_guest *g)
{
	struct lx_call *c = &t->call;

	t->tracing = tracing_on() &&
	    (c->nr == LX_NR_execve || !loop_before_program(t));
	if (t->tracing) {
		if (t->rec == NULL)
			t->rec = lx_trace_rec_new();
		t->start_rt_ns = realtime_ns();
		t->start_mono_ns = lx_now_ns();
		lx_trace_begin(t->rec, c, g);
	}
}

static void
call_begin(struct task *t, const struct lx_call *next, uint64_t ip,
    enum call_kind kind)
{
	struct lx_call *c = &t->call;
	struct lx_guest g;

	t->have_saved = false;
	if (t->pass_next && ip == t->pass_ip && next->nr == c->nr &&
	    next->abi == LX_ABI_X86_64) {
		t->pass_next = false;
		apply_native(t, t->action.on_exit);
		return;
	}
	t->pass_next = false;
	*c = *next;
	c->tid = t->tid;
	c->pid = t->proc->pid;
	c->deadline_ns = -1;
	/* The kernel making a call again that we answered with a restart. */
	if (t->restart.valid && t->restart.nr == c->nr && t->restart.ip == ip &&
	    memcmp(t->restart.arg, c->arg, sizeof(c->arg)) == 0)
		c->deadline_ns = t->restart.deadline_ns;
	t->restart.valid = false;
	c->ent = lx_sysent(c->abi == LX_ABI_X86_64 ? c->nr : -1);
	t->injected = 0;
	guest_init(&g, t);
	trace_call_begin(t, &g);
	if (kind == CALL_FOREIGN) {
		t->served = LX_SERVED_EMULATED;
		t->action = lx_return(-LX_ENOSYS);
	} else if (kind == CALL_OBSERVE) {
		t->served = LX_SERVED_NATIVE;
		t->action = lx_native();
	} else if (c->abi == LX_ABI_I386) {
		/* int 0x80 runs as natively; the trace shows it. */
		t->served = LX_SERVED_NATIVE;
		t->action = lx_native();
	} else if (c->abi == LX_ABI_X32) {
		t->served = LX_SERVED_UNSUPPORTED;
		t->action = lx_return(-LX_ENOSYS);
	} else {
		sp_mark(SP_BEGIN);
		t->action = lx_dispatch(c, &g, &t->served);
		sp_mark(SP_HANDLER);
	}
	apply_action(t);
}

/*
 * A call notify.c received: served here as at a seccomp stop, but the
 * thread is not stopped, so only an answer can be given.  Anything
 * else (a handler that would inject, park or rewrite, on_stop work of a
 * family) is abandoned before it acted: the call then takes a stop.
 */
int
notif_call(struct task *t, const struct lx_call *next, long *value)
{
	struct lx_call *c = &t->call;
	struct lx_guest g;

	/*
	 * A filter of the program's own may want the call too (its
	 * RET_TRACE means ENOSYS): at a stop, RET_DATA tells.
	 */
	/* pass_next: the call made again after injections, at its stop */
	if (t->dead || t->wait != TW_RUNNING || t->injected > 0 ||
	    t->pass_next || t->proc->checked || t->proc->guest_filter ||
	    lx_hooks_need_stop(t->proc->pid))
		return -EAGAIN;
	t->have_saved = false;
	*c = *next;
	c->tid = t->tid;
	c->pid = t->proc->pid;
	c->deadline_ns = -1;
	t->restart.valid = false;
	c->ent = lx_sysent(c->nr);
	guest_init(&g, t);
	trace_call_begin(t, &g);
	t->in_notif = true;
	t->notif_needs_stop = false;
	t->action = lx_dispatch(c, &g, &t->served);
	t->in_notif = false;
	if (t->notif_needs_stop || t->action.kind != LX_RETURN ||
	    is_restart_code(t->action.value)) {
		call_abandon(t);
		return -EAGAIN;
	}
	*value = t->action.value;
	call_done(t, *value);
	return 0;
}

void
seccomp_stop(struct task *t)
{
	struct lx_call next;
	uint64_t ip;
	int r;

	if (t->wait != TW_RUNNING || t->skipped_at_entry) {
		/*
		 * The rewritten call's own trap, or the number -1 of a call
		 * answered at its checked entry: it is ours, let it run.
		 */
		t->skipped_at_entry = false;
		task_resume(t, 0);
		return;
	}
	memset(&next, 0, sizeof(next));
	sp_count_stop();
	sp_mark(SP_OTHER);
	r = call_from_seccomp_stop(t->tid, &next, &ip);
	sp_mark(SP_INFO);
	if (r < 0 && r != -EPERM) {
		if (r == -ESRCH)
			return;		/* killed meanwhile: its exit comes */
		lx_die("cannot read a trapped call of %d: "
		    "PTRACE_GET_SYSCALL_INFO: %s (Linux 5.3 or later is needed)",
		    (int)t->tid, strerror(-r));
	}
	notify_seccomp_stop(t, &next);
	call_begin(t, &next, ip, r == -EPERM ? CALL_FOREIGN : CALL_SERVE);
}

/*
 * Rules another process asked for (fdtrap_install_pid) are installed at
 * this process's first syscall entry, by injection; then the thread makes
 * its own call again, which the new filter may stop.
 */
static void
checked_flush(struct task *t)
{
	struct user_regs_struct r;

	t->have_saved = false;
	t->injected = 0;
	if (task_saved(t) != NULL)
		fdtrap_flush(t);
	if (t->dead)
		return;
	if (t->nstash > 0)
		inject_finish(t);
	if (t->injected > 0) {
		r = t->saved;
		r.rip -= 2;
		r.rax = r.orig_rax;
		regs_set(t->tid, &r);
	}
	t->injected = 0;
	scratch_release(t);
	task_resume(t, 0);
}

/*
 * A syscall-entry stop of a process in checked mode: serve the call here
 * if a rule lxrun could not install wants it and no filter will stop it
 * (then the seccomp stop that follows serves it).
 */
static void
checked_entry(struct task *t)
{
	struct lx_call next;
	uint64_t ip;
	int r;

	memset(&next, 0, sizeof(next));
	r = call_from_syscall_stop(t->tid, &next, &ip);
	if (r == 1 && t->proc->trace_only) {
		if (tracing_on())
			call_begin(t, &next, ip, CALL_OBSERVE);
		else
			task_resume(t, 0);
		return;
	}
	if (r == 1 && next.abi == LX_ABI_X86_64 && t->proc->npending > 0) {
		checked_flush(t);
		return;
	}
	if (r == 1 && next.abi == LX_ABI_X86_64 &&
	    (fdtrap_wants(t->proc, next.nr, next.arg) || (t->pass_next &&
	    ip == t->pass_ip && next.nr == t->call.nr)) &&
	    !filter_traps(t->proc, next.nr, next.arg)) {
		t->at_checked_entry = true;
		call_begin(t, &next, ip, CALL_SERVE);
		t->at_checked_entry = false;
		return;
	}
	if (r == -ESRCH)
		return;
	if (r == 1 && next.abi == LX_ABI_X86_64 && t->wait == TW_RUNNING)
		notify_checked_entry(t, &next);
	task_resume(t, 0);
}

/* The exit stop of a rewritten call or a park. */
static void
rewrite_exit(struct task *t, long ret)
{
	struct lx_guest g;

	if (is_restart_code(ret)) {
		finish_regs(t, ret);
		call_abandon(t);
		task_resume(t, 0);
		return;
	}
	guest_init(&g, t);
	t->injected = 1;	/* we are at an exit stop now */
	if (t->action.on_exit != NULL)
		ret = t->action.on_exit(&t->call, &g, ret);
	t->action.kind = LX_RETURN;
	t->action.value = ret;
	apply_action(t);
}

/*
 * A rewritten exec succeeded and its exit function can run at the exec
 * event: it does, and the exit stop is not waited for (the exit itself
 * only sets rax to 0, which the registers put back say anyway).
 */
void
exec_event_exit(struct task *t)
{
	rewrite_exit(t, 0);
}

static void
park_exit(struct task *t, long ret)
{
	struct lx_call *c = &t->call;
	struct lx_guest g;

	guest_init(&g, t);
	t->injected = 1;
	c->resumed = true;
	c->park_ret = is_restart_code(ret) ? -LX_EINTR : ret;
	t->action = c->handler(c, &g);
	apply_action(t);
}

static void
native_exit(struct task *t, long ret)
{
	struct lx_guest g;
	long final = ret;

	if (t->action.on_exit != NULL && !is_restart_code(ret)) {
		guest_init(&g, t);
		final = t->action.on_exit(&t->call, &g, ret);
		if (final != ret)
			ptrace(PTRACE_POKEUSER, t->tid,
			    offsetof(struct user_regs_struct, rax), final);
		if (is_restart_code(final))
			restart_remember(t, final);
	}
	call_done(t, final);
	task_resume(t, 0);
}

/* A syscall-stop (SIGTRAP|0x80): entry of a rewound call, or an exit. */
void
syscall_stop(struct task *t)
{
	long rax;

	if (t->expect_entry) {
		t->expect_entry = false;
		task_resume(t, 0);
		return;
	}
	if (regs_rax(t->tid, &rax) < 0)
		return;
	switch (t->wait) {
	case TW_EXIT_NATIVE:
		native_exit(t, rax);
		break;
	case TW_EXIT_REWRITE:
		rewrite_exit(t, rax);
		break;
	case TW_EXIT_PARK:
		park_exit(t, rax);
		break;
	case TW_RUNNING:
		/* checked mode, or a stray stop (an interrupt race): go on */
		if (t->proc->checked)
			checked_entry(t);
		else
			task_resume(t, 0);
		break;
	}
}

/*
 * A signal arrived while a rewound call waits to enter: the guest's
 * registers hold our rewritten call.  Put the original back so that the
 * handler's frame saves it, and make it again after the handler.
 */
bool
signal_before_entry(struct task *t)
{
	struct user_regs_struct r;

	if (!t->expect_entry)
		return false;
	r = t->saved;
	r.rip -= 2;
	r.rax = r.orig_rax;
	regs_set(t->tid, &r);
	call_abandon(t);
	return true;
}
