/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The tracer's private state: one struct task per traced thread, one
 * struct mm per address space (for scratch memory), one struct proc per
 * thread group (for the pidfd and /proc/PID/mem).
 */
#ifndef LXRUN_TRACER_H
#define LXRUN_TRACER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "lxrun/lxrun.h"
#include "lxrun/trace.h"
#include "lxrun/supervisor.h"

/*
 * SECCOMP_RET_DATA values our filters return with SECCOMP_RET_TRACE: a
 * mark of our own, so that a RET_TRACE of the guest's own filter (which
 * natively, with no tracer, fails the call with ENOSYS) is told apart.
 */
#define LX_FILTER_MARK		0x7a00
#define LX_FILTER_DATA_X86_64	(LX_FILTER_MARK | 0)
#define LX_FILTER_DATA_I386	(LX_FILTER_MARK | 1)
#define LX_FILTER_DATA_X32	(LX_FILTER_MARK | 2)

/* What we ask of ptrace for every tracee. */
#define LX_PTRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | \
	PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | \
	PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

/*
 * An address space: where its scratch slots are.  Slots come in regions
 * of LX_SCRATCH_SLOTS, mapped into the guest one at a time as threads in
 * emulated calls need them (a parked thread keeps its slot, so the pool
 * grows with the number of threads waiting at once).
 */
struct scratch_region {
	uint64_t base;		/* mapping in the guest */
	uint64_t used[4];	/* bitmap of slots in use */
};

struct mm {
	int refs;
	struct scratch_region *rg;
	int nrg;
};

#define LX_SCRATCH_SLOTS 256	/* per region */
#define LX_SCRATCH_REGIONS 256	/* at most 65,536 threads at once */
#define LX_STASH_MAX 8		/* signals held back during one injection */
#define LX_SCRATCH_LEN (LX_SCRATCH_SLOTS * LX_SCRATCH_MAX)

/* A per-fd trap rule of a process (fdtrap.c). */
struct fd_rule {
	long nr;
	int argidx;
	int fd;			/* the fd it was asked for */
	int lo, hi;		/* the fds its installed filter stops (fdtrap.c:
				   neighbouring numbers share a filter) */
	uint32_t bits;		/* lx_fd_trap's bits test, 0 = fd test */
	bool pending;		/* asked for by another process: installed at
				   this one's next syscall entry */
	bool installed;		/* a seccomp filter stops it; else lxrun
				   checks it at the syscall-entry stop */
};

/* A thread group. */
struct proc {
	int refs;
	pid_t pid;
	int pidfd;		/* -1 until needed */
	int memfd;		/* /proc/PID/mem, -1 until needed */
	/*
	 * Per-fd rules, inherited as its seccomp filters are.  checked: a
	 * rule could not be installed, so every thread stops at every
	 * syscall entry (PTRACE_SYSCALL) and lxrun applies those rules;
	 * also while npending rules another process asked for wait to be
	 * installed at the next entry stop.
	 */
	bool checked;
	bool trace_only;	/* attached (-p): every call traced, none
				   emulated (attach.c) */
	struct fd_rule *rules;
	int nrules, crules;
	int nfilters;		/* filters fdtrap.c installed in it */
	/*
	 * The program installed seccomp filters of its own: lxrun's calls
	 * inside it (injections, rewrites, parks) must not go through them.
	 */
	bool guest_filter;
	int npending;
	/* In lxrun's pid namespace (the loader asks): 1 yes, -1 no, 0 ? */
	int8_t pidns;
};

/* What the tracer waits for from a thread. */
enum task_wait {
	TW_RUNNING = 0,		/* nothing pending */
	TW_EXIT_NATIVE,		/* exit stop of a native call (trace/on_exit) */
	TW_EXIT_REWRITE,	/* exit stop of a rewritten call */
	TW_EXIT_PARK,		/* exit stop of a park (ppoll) */
};

/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the signals that stop a group. */
static inline bool
is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU;
}

struct task {
	pid_t tid;
	struct proc *proc;
	int pidfd;		/* PIDFD_THREAD pidfd, -1 until needed */
	struct mm *mm;
	int slot;		/* scratch slot (region * SLOTS + i), -1 none */
	enum task_wait wait;
	bool attached;		/* saw its first stop */
	bool in_stop;		/* stopped for lxrun: not on a CPU (loop.c) */
	bool in_group_stop;	/* PTRACE_LISTEN'ed */
	bool stop_owed;		/* its group stopped while lxrun ran calls in
				   it: it stops before its program runs */
	bool pass_next;		/* next seccomp stop of this call runs native */
	uint64_t pass_ip;	/* ... if it comes from this address */
	bool expect_entry;	/* rewound: an entry stop comes before exit */
	bool skipped_at_entry;	/* answered at a checked entry stop: the
				   seccomp stop of nr -1 that follows is ours */
	bool at_checked_entry;	/* serving a call from its entry stop */
	bool seccomp_suspended;	/* PTRACE_O_SUSPEND_SECCOMP is on */
	/*
	 * A call answered with a restart code: if the kernel makes it again
	 * (no handler ran), it goes on with the same deadline.
	 */
	struct {
		bool valid;
		long nr, code;
		uint64_t arg[LX_NARGS];
		uint64_t ip;
		int64_t deadline_ns;
	} restart;
	bool dead;		/* exited while we waited on it */
	int injected;		/* syscalls injected at this stop so far */
	int nstash;		/* signals held back during injection */
	/* their siginfo, aligned as a siginfo_t */
	unsigned char stash[LX_STASH_MAX][128] __attribute__((aligned(8)));

	/* The call being served. */
	struct lx_call call;
	struct lx_action action;
	enum lx_served served;
	struct user_regs_struct saved;	/* regs at the call's seccomp stop */
	bool have_saved;		/* fetched yet (see task_saved) */
	int8_t view;		/* same fs view as lxrun: 1 yes, -1 no, 0 ? */
	unsigned view_gen;	/* pathstat's generation when view was set */
	int64_t start_rt_ns, start_mono_ns;
	struct lx_trace_rec *rec;
	bool tracing;		/* this call is being traced (begin done) */
	/*
	 * Seccomp notification (notify.c): a call being served from one
	 * (no ptrace stop: nothing may inject), and a call sent back to
	 * take a ptrace stop instead, with the argument its mark is in.
	 */
	bool in_notif;
	bool notif_needs_stop;	/* a handler asked for what needs a stop */
	enum { REDO_NONE, REDO_ARMED, REDO_MARKED } notif_redo;
	int notif_marker;	/* the marked argument */
	uint64_t notif_orig;	/* its value before the mark */

	struct task *next;	/* hash chain */
};

/* task.c */
struct task *task_find(pid_t tid);
struct task *task_new(pid_t tid, struct proc *proc, struct mm *mm);
void task_free(struct task *t);
void task_rekey(struct task *t, pid_t tid);
int task_count(void);
void task_foreach(void (*fn)(struct task *t, void *arg), void *arg);
struct proc *proc_new(pid_t pid);
void proc_put(struct proc *p);
struct mm *mm_new(void);
struct mm *mm_copy(const struct mm *m);
void mm_put(struct mm *m);

/* regs.c: registers of a stopped thread (x86-64). */
int regs_get(pid_t tid, struct user_regs_struct *r);
int regs_rax(pid_t tid, long *rax);
struct lx_call;
/* -EPERM: the stop came from a RET_TRACE of the guest's own filter. */
int call_from_seccomp_stop(pid_t tid, struct lx_call *c, uint64_t *ip);
/* At a syscall-stop: 1 entry (c filled), 0 exit, -errno. */
int call_from_syscall_stop(pid_t tid, struct lx_call *c, uint64_t *ip);
/* The registers at the call's seccomp stop, fetched on first need. */
const struct user_regs_struct *task_saved(struct task *t);
int regs_set(pid_t tid, const struct user_regs_struct *r);
int regs_skip_call(pid_t tid, long value);
void regs_set_args(struct user_regs_struct *r, long nr, const uint64_t a[6]);

/* mem.c: guest memory. */
int mem_read(struct task *t, void *dst, uint64_t src, size_t n);
int mem_write(struct task *t, uint64_t dst, const void *src, size_t n);
long mem_read_string(struct task *t, char *dst, uint64_t src, size_t cap);
/* Bumped whenever guest memory may have changed under lxrun's eyes. */
extern unsigned mem_gen;

/* inject.c: syscalls run inside a stopped thread. */
long inject_syscall(struct task *t, long nr, const uint64_t a[6]);
uint64_t scratch_slot(struct task *t);
void scratch_release(struct task *t);
void inject_finish(struct task *t);
/*
 * Before lxrun's first call inside the thread at this stop: if the
 * program has filters of its own, get out of the trapped call's seccomp
 * check (skip it to its exit stop) and suspend seccomp, so that what
 * lxrun runs is not filtered; 0, or -LX_ESRCH.
 */
int inject_prepare(struct task *t);
/* Seccomp back on before the thread runs its own code again. */
void inject_unsuspend(struct task *t);
bool inject_active(const struct task *t);

/* fdtrap.c */
int fdtrap_install(struct task *t, const struct lx_fd_trap *traps, int n,
    int fd);
/* A forked child has its parent's filters: it gets its rules too. */
void fdtrap_inherit(struct proc *child, const struct proc *parent);
/* At a checked entry stop: does an uninstalled rule want this call? */
bool fdtrap_wants(const struct proc *p, long nr, const uint64_t arg[6]);
/* Does rule r stop this call? */
bool fdtrap_rule_matches(const struct fd_rule *r, long nr,
    const uint64_t arg[6]);
/* Rules for another process, which may be running (lx_guest trap_fd_pid). */
int fdtrap_install_pid(pid_t pid, const struct lx_fd_trap *traps, int n,
    int fd);
/* At an entry stop of t: install its process's pending rules. */
void fdtrap_flush(struct task *t);

/* pathstat.c */
struct stat;
int path_open(struct task *t, int dirfd, const char *path, bool nofollow);
int path_stat(struct task *t, int dirfd, const char *path, bool nofollow,
    struct stat *st);
/*
 * t sees files as lxrun does without asking /proc: the child lxrun
 * started, before its first exec, with lxrun's own credentials.
 */
void path_view_is_ours(struct task *t);
/*
 * t made an exec: its view must be looked at again, unless the exec was
 * the ELF loader's (the kernel ran lxrun's stub, never a set-uid file)
 * and did not change what a lookup depends on (creds_kept_by_exec).
 */
void path_view_exec(struct task *t, bool loader);

/*
 * creds.c: may thread t, with its own credentials, access (R_OK...) the
 * file behind the supervisor's fd?  0, -LX_EACCES..., or -LX_EAGAIN when
 * the supervisor cannot take t's view (another user namespace or LSM).
 */
int creds_access_fd(struct task *t, int fd, int mode);
/* Same user namespace and LSM label as lxrun: its checks are t's. */
bool creds_same_checker(pid_t tid);
/*
 * tid, whose credentials were lxrun's before an exec of a file that is
 * neither set-uid nor set-gid nor has file capabilities, still has them:
 * the exec left the ids alone (lxrun's real, effective, saved and fs ids
 * are one, which is what exec makes them), no LSM label could change, and
 * the effective capabilities (which exec computes anew) are lxrun's.
 */
bool creds_kept_by_exec(pid_t tid);
/* Is capability cap in lxrun's own effective set? */
bool creds_have_cap(int cap);

/* attach.c: -p PID */
int attach_process(pid_t pid);
bool attach_mode(void);
void attach_detach_all(void);

/* guest.c */
void guest_init(struct lx_guest *g, struct task *t);
int guest_pull_fd(struct task *t, int fd);

/* seccomp.c */
struct sock_fprog;
/* with_notify: the calls notify.c can serve return SECCOMP_RET_USER_NOTIF */
int filter_build(struct sock_fprog *prog, bool with_notify);
int filter_install(const struct sock_fprog *prog);
/* Would the filters installed in p stop this call (seccomp stop)? */
bool filter_traps(const struct proc *p, long nr, const uint64_t arg[6]);

/*
 * notify.c: calls served by seccomp user notification.  The high half
 * of a marked int argument (the kernel ignores it) makes the filter
 * trap the call instead.
 */
#define NOTIFY_MARK	0x6c78726eU
void notify_adopt(pid_t pid, int child_fd);
int notify_fd(void);
void notify_close(void);
void notify_serve(void);
void notify_event_stop(struct task *t);
void notify_signal_stop(struct task *t);
void notify_seccomp_stop(struct task *t, struct lx_call *c);
void notify_checked_entry(struct task *t, const struct lx_call *c);
void notify_mark_regs(struct user_regs_struct *r, long nr);

/* calls.c: serve a notified call; -EAGAIN: it needs a ptrace stop */
int notif_call(struct task *t, const struct lx_call *next, long *value);

/* loop.c */
void loop_defer_status(pid_t pid, int status);
/* Is t the program lxrun started, still in lxrun's code before its exec? */
bool loop_before_program(const struct task *t);
int tracer_run(pid_t child, int *wstatus);
void tracer_kill_all(void);

/* util */
void lx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
