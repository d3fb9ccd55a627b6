/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The supervisor's one event loop (DESIGN.md decision 4): tracee stops
 * (waitpid), lxrun's own signals (signalfd) and the host event queue of
 * the emulated objects.  Every ptrace request comes from this thread.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "crash.h"
#include "load.h"
#include "lxrun/linux_abi.h"
#include "loop.h"
#include "lxrun/host.h"
#include "lxrun/object.h"
#include "spawn.h"
#include "stopprof.h"
#include "tracer.h"

static pid_t main_pid;
static int main_status;
static bool main_done;
static bool main_execd;	/* past our own start-up (SIGSTOP/SIGCONT) */
static int nstopped;	/* threads in a stop for lxrun (spin, below) */
static int sigfd = -1;
static sigset_t sigfd_set;	/* the signals sigfd takes */
static struct hq *loop_hq;

/* Exit statuses reaped while injecting, handled at the next turn. */
static struct {
	pid_t pid;
	int status;
} deferred[64];
static int ndeferred;

void
loop_defer_status(pid_t pid, int status)
{
	if (ndeferred < (int)(sizeof(deferred) / sizeof(deferred[0]))) {
		deferred[ndeferred].pid = pid;
		deferred[ndeferred].status = status;
		ndeferred++;
	}
}

struct hq *
lx_loop_hq(void)
{
	if (loop_hq == NULL && (loop_hq = hq_create()) == NULL)
		lx_die("cannot create the host event queue: %s",
		    strerror(errno));
	return loop_hq;
}

/* Tgid (and parent) of a thread, from /proc; -1 if it is gone. */
static pid_t
tgid_of(pid_t tid, pid_t *ppid)
{
	char path[64], line[128];
	pid_t tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Tgid:", 5) == 0) {
			tgid = (pid_t)atoi(line + 5);
		} else if (strncmp(line, "PPid:", 5) == 0) {
			if (ppid != NULL)
				*ppid = (pid_t)atoi(line + 5);
			break;
		}
	fclose(f);
	return tgid;
}

/*
 * A task we have not seen: a new thread or child whose first stop came
 * before its creator's event.  Threads share the group's proc and mm.
 */
static struct task *
task_adopt(pid_t tid)
{
	pid_t ppid = -1, tgid = tgid_of(tid, &ppid);
	struct task *leader = tgid > 0 && tgid != tid ? task_find(tgid) : NULL;
	struct task *parent = ppid > 0 ? task_find(ppid) : NULL, *t;

	if (leader != NULL) {
		leader->proc->refs++;
		leader->mm->refs++;
		return task_new(tid, leader->proc, leader->mm);
	}
	t = task_new(tid, proc_new(tgid > 0 ? tgid : tid), mm_new());
	/* its filters are its parent's: so are its rules */
	if (parent != NULL)
		fdtrap_inherit(t->proc, parent->proc);
	return t;
}

/* Does a non-thread clone share the address space (CLONE_VM)? */
static bool
clone_shares_vm(struct task *parent)
{
	struct user_regs_struct r;
	uint64_t flags = 0;

	if (regs_get(parent->tid, &r) < 0)
		return false;
	if ((long)r.orig_rax == SYS_clone)
		flags = r.rdi;
	else if ((long)r.orig_rax == SYS_clone3)
		mem_read(parent, &flags, r.rdi, sizeof(flags));
	return (flags & CLONE_VM) != 0;
}

static void
event_new_task(struct task *parent, int ev)
{
	unsigned long msg = 0;
	pid_t child, tgid;
	struct task *c;
	bool thread, share_vm;

	ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg);
	child = (pid_t)msg;
	tgid = tgid_of(child, NULL);
	thread = ev == PTRACE_EVENT_CLONE && tgid == parent->proc->pid;
	share_vm = thread || ev == PTRACE_EVENT_VFORK ||
	    (ev == PTRACE_EVENT_CLONE && clone_shares_vm(parent));
	if ((c = task_find(child)) == NULL) {
		struct proc *p;
		struct mm *m;

		if (thread) {
			p = parent->proc;
			p->refs++;
		} else {
			p = proc_new(child);
		}
		if (share_vm) {
			m = parent->mm;
			m->refs++;
		} else {
			m = mm_copy(parent->mm);
		}
		c = task_new(child, p, m);
	}
	fdtrap_inherit(c->proc, parent->proc);
	lx_trace_set_multi(true);
	lx_hooks_clone(parent->tid, parent->proc->pid, child, thread);
}

bool
loop_before_program(const struct task *t)
{
	return !main_execd && t->tid == main_pid;
}

/*
 * execve succeeded.  If a non-leader thread made it, the kernel now
 * reports it under the leader's tid: that thread's state moves there.
 * The address space is new: no scratch, and /proc/PID/mem must be
 * opened again.
 */
static struct task *
event_exec(struct task *t)
{
	unsigned long msg = 0;
	pid_t former;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
	former = (pid_t)msg;
	if (former != t->tid) {
		struct task *execing = task_find(former);

		if (execing != NULL) {
			pid_t tid = t->tid;

			/* the old leader is gone; the exec'ing thread is it now */
			lx_hooks_exit(tid);
			task_free(t);
			task_rekey(execing, tid);
			t = execing;
		}
	}
	scratch_release(t);	/* a vfork parent may still use that mm */
	/*
	 * An exec a handler rewrote (memfd runs its copy, the ELF loader
	 * its stub) succeeded: the registers its exit stop puts back are the
	 * new image's, not the old call's; the handler's on_exit still runs
	 * (and the loader's replaces them with the program's).
	 */
	if (t->wait == TW_EXIT_REWRITE) {
		struct user_regs_struct r;

		if (regs_get(t->tid, &r) == 0) {
			t->saved = r;
			t->have_saved = true;
		}
	}
	/* set-uid programs change credentials; the loader's stub does not */
	path_view_exec(t, t->wait == TW_EXIT_REWRITE &&
	    load_builds_at_exec(&t->action));
	mm_put(t->mm);
	t->mm = mm_new();
	if (t->proc->memfd >= 0) {
		close(t->proc->memfd);
		t->proc->memfd = -1;
	}
	lx_hooks_exec(t->proc->pid);
	return t;
}

static void
task_gone(struct task *t, int status)
{
	if (t->tracing)
		lx_trace_unfinished(t->rec, &t->call);
	if (lx_opt.trace)
		lx_trace_exit_status(t->tid, status);
	if (t->tid == main_pid) {
		main_status = status;
		main_done = true;
	}
	lx_hooks_exit(t->tid);
	task_free(t);
}

/*
 * A stop signal arrives as an emulated wait returns ERESTARTNOHAND: the
 * calls Linux ends with EINTR after a stop and SIGCONT (signal(7):
 * epoll_wait...) must not be restarted.  Only if the thread is still at
 * that return (rax, orig_rax and rip tell) is rax made EINTR.
 */
static void
stop_ends_wait(struct task *t)
{
	struct user_regs_struct r;

	if (t->restart.code != -LX_ERESTARTNOHAND ||
	    !lx_eintr_after_stop(t->restart.nr) || regs_get(t->tid, &r) < 0)
		return;
	if ((long)r.rax == -LX_ERESTARTNOHAND &&
	    (long)r.orig_rax == t->restart.nr && r.rip == t->restart.ip) {
		r.rax = (uint64_t)-LX_EINTR;
		regs_set(t->tid, &r);
		t->restart.valid = false;
	}
}

/* Does the thread's process run a handler for sig (SigCgt)? */
static bool
sig_caught(pid_t tid, int sig)
{
	char path[64], line[128];
	unsigned long long mask = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return true;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "SigCgt: %llx", &mask) == 1)
			break;
	fclose(f);
	return sig >= 1 && sig <= 64 && (mask >> (sig - 1)) & 1;
}

static void
signal_stop(struct task *t, int sig)
{
	notify_signal_stop(t);
	/*
	 * A handler that runs ends a restart (EINTR, or a new call after
	 * SA_RESTART); an ignored or stopping signal leaves it to the kernel.
	 */
	if (t->restart.valid && t->restart.code != -LX_ERESTARTNOINTR &&
	    sig_caught(t->tid, sig))
		t->restart.valid = false;
	if (t->restart.valid && is_stop_signal(sig))
		stop_ends_wait(t);
	if (lx_opt.trace && main_execd) {
		unsigned char si[128];

		memset(si, 0, sizeof(si));
		ptrace(PTRACE_GETSIGINFO, t->tid, 0, si);
		lx_trace_signal(t->tid, sig, si);
	}
	if (main_execd && crash_is_fault(sig))
		crash_at_signal_stop(t, sig);
	if (signal_before_entry(t))
		t->wait = TW_RUNNING;
	task_resume(t, sig);
}

static void
handle_status(pid_t pid, int st)
{
	struct task *t = task_find(pid);
	int sig, ev;

	if (t == NULL) {
		if (!WIFSTOPPED(st))
			return;
		t = task_adopt(pid);
	}
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		task_gone(t, st);
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	t->attached = true;
	if (!t->in_stop) {
		t->in_stop = true;
		nstopped++;
	}
	sig = WSTOPSIG(st);
	ev = st >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		syscall_stop(t);
		return;
	}
	switch (ev) {
	case 0:
		signal_stop(t, sig);
		return;
	case PTRACE_EVENT_SECCOMP:
		seccomp_stop(t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		event_new_task(t, ev);
		break;
	case PTRACE_EVENT_EXEC:
		t = event_exec(t);
		main_execd = true;
		/*
		 * The ELF loader's stub is in place: build the program from
		 * here, one stop (the execve's exit) fewer per exec.
		 */
		if (t->wait == TW_EXIT_REWRITE &&
		    load_builds_at_exec(&t->action)) {
			exec_event_exit(t);
			return;
		}
		break;
	case PTRACE_EVENT_STOP:
		if (is_stop_signal(sig)) {
			/* group-stop: stay stopped, but keep reporting */
			t->in_group_stop = true;
			ptrace(PTRACE_LISTEN, t->tid, 0, 0);
			return;
		}
		t->in_group_stop = false;
		notify_event_stop(t);
		break;
	default:
		break;
	}
	task_resume(t, 0);
}

/*
 * Signals sent to lxrun go to the program (DESIGN: a user drives a daemon
 * under lxrun as it would natively: haproxy soft-stop with SIGUSR1, nginx
 * log reopen, ...).  A signal the terminal sent to the whole foreground
 * process group reached the guest already (it is in our group), so that
 * one is not sent twice.  Once the main program has exited, they go to
 * every process lxrun still traces: a signal is never swallowed.
 */
static void
forward_to_leader(struct task *t, void *arg)
{
	if (t->tid == t->proc->pid)
		kill(t->tid, *(int *)arg);
}

static bool detached;	/* -p: lxrun let go of everything */

static void
forward_signal(const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (sig == SIGCHLD)
		return;
	/* -p: the process is not lxrun's; these detach, as with strace */
	if (attach_mode()) {
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP ||
		    sig == SIGQUIT) {
			attach_detach_all();
			detached = true;
		}
		return;
	}
	/* SIGPIPE of lxrun's own writes (a closed trace pipe) is not one */
	if (sig == SIGPIPE && (si->ssi_pid == 0 ||
	    si->ssi_pid == (uint32_t)getpid()))
		return;
	if (main_done) {
		task_foreach(forward_to_leader, &sig);
		return;
	}
	if (si->ssi_code == SI_KERNEL && getpgid(main_pid) == getpgrp())
		return;
	kill(main_pid, sig);
}

/*
 * With no host queue yet (a program with no emulated object), only a
 * signal can wake the loop: one sigwaitinfo takes it, where poll and a
 * signalfd read would cost two syscalls on every stop.
 */
static void
wait_signal(void)
{
	struct signalfd_siginfo ssi;
	siginfo_t si;
	int sig;

	while ((sig = sigwaitinfo(&sigfd_set, &si)) < 0)
		if (errno != EINTR)
			lx_die("sigwaitinfo: %s", strerror(errno));
	memset(&ssi, 0, sizeof(ssi));
	ssi.ssi_signo = (uint32_t)sig;
	ssi.ssi_code = si.si_code;
	ssi.ssi_pid = (uint32_t)si.si_pid;
	forward_signal(&ssi);
}

/*
 * One read takes every signal queued (SIGCHLD, a standard signal, is
 * queued once however many stops it announces); a short read means the
 * signalfd is empty, so no second read is needed to learn it.
 */
static void
drain_signals(void)
{
	struct signalfd_siginfo si[16];
	ssize_t n;

	do {
		n = read(sigfd, si, sizeof(si));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			forward_signal(&si[i]);
	} while (n == (ssize_t)sizeof(si));
}

static void
dispatch_hq_events(void)
{
	struct hq_event ev[64];
	int n;

	if (loop_hq == NULL)
		return;
	while ((n = hq_wait(loop_hq, ev, 64, 0)) > 0)
		for (int i = 0; i < n; i++) {
			struct lx_source *src = ev[i].udata;

			if (src != NULL && src->fire != NULL)
				src->fire(src, &ev[i]);
		}
	sp_mark(SP_HQ);
}

/*
 * A status that cannot make a thread lxrun does not know yet, nor end
 * one: a syscall, seccomp or signal stop.
 */
static bool
status_is_plain_stop(int st)
{
	return WIFSTOPPED(st) && (WSTOPSIG(st) == (SIGTRAP | 0x80) ||
	    st >> 16 == 0 || st >> 16 == PTRACE_EVENT_SECCOMP);
}

/*
 * Take every status that is ready; false when no tracee is left.  All
 * ready statuses are collected first and then served in turn: serving
 * each as waitpid(-1) returns it would let a thread that stops again at
 * once (a loop of emulated calls) come back before older stops are ever
 * served, since waitpid returns the newest tracees first.  A batch holds
 * each stopped thread once, so every one is served once per round.
 *
 * Each waitpid costs a syscall on every stop, so none is made that
 * cannot find anything (docs/perf-stop.md):
 * - once the batch has a plain stop of every thread lxrun knows, no
 *   other status can be ready: a thread reports once until resumed, and
 *   a thread lxrun does not know yet exists only while its creator waits
 *   in a fork/clone event, which is not a plain stop;
 * - after a batch that ended on "nothing ready", the loop does not ask
 *   again: a stop made while the batch was served raises SIGCHLD after
 *   the signalfd was read, so the loop's poll returns at once for it.
 */
static bool
reap_ready(void)
{
	static struct {
		pid_t pid;
		int status;
	} batch[512];

	for (;;) {
		int n = 0, st;
		pid_t pid;
		bool more = true, all_in = false, plain = !attach_mode();

		while (ndeferred > 0) {
			ndeferred--;
			handle_status(deferred[ndeferred].pid,
			    deferred[ndeferred].status);
		}
		while (n < (int)(sizeof(batch) / sizeof(batch[0]))) {
			if (plain && n > 0 && n >= task_count()) {
				all_in = true;
				break;
			}
			pid = waitpid(-1, &st, __WALL | WNOHANG);
			sp_mark(SP_WAIT);
			if (pid > 0) {
				mem_gen++;	/* the guest ran */
				batch[n].pid = pid;
				batch[n].status = st;
				plain = plain && status_is_plain_stop(st) &&
				    task_find(pid) != NULL;
				n++;
				continue;
			}
			if (pid < 0 && errno == EINTR)
				continue;
			more = !(pid < 0 && errno == ECHILD);
			break;
		}
		for (int i = 0; i < n; i++)
			handle_status(batch[i].pid, batch[i].status);
		if (n == 0 && ndeferred == 0)
			return more;
		if ((all_in || n < (int)(sizeof(batch) / sizeof(batch[0]))) &&
		    ndeferred == 0)
			return all_in || more;
	}
}

/*
 * Every signal lxrun can catch is read from a signalfd and passed on,
 * but those that must act on lxrun itself: SIGKILL and SIGSTOP (cannot
 * be caught), SIGTSTP, SIGTTIN and SIGTTOU (lxrun stops, as job control
 * expects of the job it is in; the terminal stops the program too), and
 * the faults of lxrun's own code (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGTRAP, SIGSYS).  SIGCHLD is lxrun's own.
 */
int
loop_block_signals(sigset_t *old)
{
	static const int own[] = { SIGKILL, SIGSTOP, SIGTSTP, SIGTTIN,
	    SIGTTOU, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS };
	sigset_t set;

	sigfillset(&set);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		sigdelset(&set, own[i]);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	sigfd_set = set;
	sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return sigfd < 0 ? -errno : 0;
}

/*
 * Spinning.  A thread resumed from a stop usually stops again within a
 * few microseconds.  If the loop sleeps in poll meanwhile, the SIGCHLD
 * of that stop must wake an idle CPU, and PTRACE_CONT the guest's: on a
 * VM whose idle vCPUs halt, each is an exit to the hypervisor, and a
 * bare stop costs 44 µs there against 16 µs when the tracer polls
 * instead (docs/perf-stop.md, "Spinning").  So after resuming a thread
 * the loop polls its fds without sleeping for up to spin_ns, yielding
 * the CPU to whatever else is runnable on it, then sleeps as before.
 * Off when lxrun may use one CPU only (--pin): the guest needs it.  A
 * spin takes a CPU that the guest's other threads may need (two busy
 * threads ran 40% longer, bench/stopcost/threads.c): so the loop spins
 * only while fewer traced threads are off a stop than it has CPUs (a
 * thread blocked in a native call counts as running: it may wake), and
 * after a spin that timed out (the guest had work of its own) the next
 * 1, 2, 4 ... 64 resumes do not spin; a spin that finds a stop starts
 * over.
 */
#define SPIN_BACKOFF_MAX 64
static int64_t spin_ns;
static int spin_cpus;
static bool resumed;
static unsigned spin_skip, spin_backoff;

void
loop_note_gone(struct task *t)
{
	if (t->in_stop) {
		t->in_stop = false;
		nstopped--;
	}
}

void
loop_note_resume(struct task *t)
{
	resumed = true;
	loop_note_gone(t);	/* no longer in a stop: the same count */
}

static void
spin_setup(void)
{
	cpu_set_t set;
	int us = lx_opt.spin_us;

	spin_cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ?
	    CPU_COUNT(&set) : 1;
	if (us < 0)
		us = spin_cpus >= 2 ? 50 : 0;
	spin_ns = (int64_t)us * 1000;
}

/* Poll pfd without sleeping for a while after a resume: true if ready. */
static bool
spin(struct pollfd *pfd, int n)
{
	int64_t end;

	if (!resumed || spin_ns == 0)
		return false;
	resumed = false;
	if (task_count() - nstopped >= spin_cpus)
		return false;
	if (spin_skip > 0) {
		spin_skip--;
		return false;
	}
	end = lx_now_ns() + spin_ns;
	do {
		if (poll(pfd, (nfds_t)n, 0) > 0) {
			spin_backoff = 0;
			return true;
		}
		sched_yield();
	} while (lx_now_ns() < end);
	spin_backoff = spin_backoff == 0 ? 1 : spin_backoff * 2;
	if (spin_backoff > SPIN_BACKOFF_MAX)
		spin_backoff = SPIN_BACKOFF_MAX;
	spin_skip = spin_backoff;
	return false;
}

int
tracer_run(pid_t child, int *wstatus)
{
	main_pid = child;
	if (attach_mode())
		main_execd = true;	/* no start-up of ours to hide */
	else {
		struct task *t = task_new(child, proc_new(child), mm_new());

		/* until its exec it runs lxrun's code with lxrun's rights */
		if (t != NULL && spawn_keeps_creds())
			path_view_is_ours(t);
	}
	/*
	 * The host queue's fd is level-triggered: it is read only when poll
	 * says it has events (or the loop has not polled yet), which saves
	 * an empty hq_wait on every stop; likewise the signalfd.
	 */
	bool hq_ready = true, sig_ready = false, notif_ready = false;
	/*
	 * Stops are looked for only after a signal (SIGCHLD) came: a
	 * notification alone, or host queue events, need no waitpid.
	 */
	bool wait_ready = true;

	spin_setup();
	for (;;) {
		struct pollfd pfd[3];
		int n = 1, hq_at = -1, notif_at = -1;

		if (sig_ready) {
			drain_signals();
			sp_mark(SP_SIGFD);
			if (detached)
				break;
		}
		if ((wait_ready || ndeferred > 0) && !reap_ready())
			break;
		if (notif_ready)
			notify_serve();
		if (hq_ready)
			dispatch_hq_events();
		if (ndeferred > 0) {
			hq_ready = sig_ready = notif_ready = false;
			wait_ready = true;
			continue;
		}
		if (loop_hq == NULL && notify_fd() < 0) {
			struct pollfd sp = { sigfd, POLLIN, 0 };

			if (spin(&sp, 1)) {
				hq_ready = notif_ready = false;
				sig_ready = wait_ready = true;
				continue;
			}
			sp_mark(SP_OTHER);
			wait_signal();
			sp_mark(SP_POLL);
			if (detached)
				break;
			hq_ready = sig_ready = notif_ready = false;
			wait_ready = true;
			continue;
		}
		pfd[0].fd = sigfd;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		if (loop_hq != NULL) {
			hq_at = n++;
			pfd[hq_at].fd = hq_fd(loop_hq);
			pfd[hq_at].events = POLLIN;
			pfd[hq_at].revents = 0;
		}
		if (notify_fd() >= 0) {
			notif_at = n++;
			pfd[notif_at].fd = notify_fd();
			pfd[notif_at].events = POLLIN;
			pfd[notif_at].revents = 0;
		}
		sp_mark(SP_OTHER);
		if (!spin(pfd, n) && poll(pfd, (nfds_t)n, -1) < 0 &&
		    errno != EINTR)
			lx_die("poll: %s", strerror(errno));
		sp_mark(SP_POLL);
		sig_ready = wait_ready = pfd[0].revents != 0;
		hq_ready = hq_at >= 0 && pfd[hq_at].revents != 0;
		notif_ready = notif_at >= 0 && (pfd[notif_at].revents & POLLIN);
		if (notif_at >= 0 && !notif_ready && pfd[notif_at].revents != 0)
			notify_close();
	}
	*wstatus = main_status;
	if (attach_mode()) {
		*wstatus = 0;
		return 0;
	}
	return main_done ? 0 : -ECHILD;
}

static void
kill_task(struct task *t, void *arg)
{
	kill(t->tid, SIGKILL);
}

/* lxrun is failing: no tracee may be left stopped or orphaned. */
void
tracer_kill_all(void)
{
	task_foreach(kill_task, NULL);
	if (main_pid > 0)
		kill(main_pid, SIGKILL);
}
