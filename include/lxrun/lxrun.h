/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lxrun core types: one trapped syscall (struct lx_call), what a handler
 * answers (struct lx_action), and the narrow view of the guest a handler
 * gets (struct lx_guest).  Handlers never call ptrace and never print:
 * they read and write guest memory through lx_guest, inject syscalls into
 * the stopped guest thread through it, and return an action.
 *
 * Values are Linux's: results are longs in kernel encoding (>= 0 success,
 * -4095..-1 is -errno with LX_E* numbers from linux_abi.h).
 */
#ifndef LXRUN_LXRUN_H
#define LXRUN_LXRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lx_sysent;
struct lx_guest;
struct lx_fd_ident;
struct lx_fd_trap;
struct stat;

/* Number of syscall arguments on x86-64. */
#define LX_NARGS 6

/* Syscall ABIs a 64-bit Linux process can use. */
#define LX_ABI_X86_64	0
#define LX_ABI_I386	1	/* int 0x80: i386 numbers and registers */
#define LX_ABI_X32	2	/* nr | 0x40000000 */

struct lx_call;
struct lx_action;
/* A handler: one per emulated syscall, named after it. */
typedef struct lx_action lx_handler_fn(struct lx_call *c, struct lx_guest *g);

/* One syscall as the guest made it. */
struct lx_call {
	int tid;			/* thread that made the call */
	int pid;			/* its thread group (process) id */
	long nr;			/* syscall number (x86-64 ABI) */
	uint64_t arg[LX_NARGS];		/* rdi rsi rdx r10 r8 r9 */
	uint64_t ip;			/* address after the syscall insn */
	uint64_t sp;			/* guest stack pointer */
	const struct lx_sysent *ent;	/* table row, never NULL */
	uint8_t abi;			/* LX_ABI_*: how the call was made */

	/*
	 * Park state.  A handler that returned LX_PARK is called again with
	 * the same call when the wait ends: resumed is true and park_ret is
	 * what the wait returned (> 0 the fd is ready, 0 the deadline passed,
	 * -LX_EINTR a signal came).  deadline_ns is the handler's own: it is
	 * kept by the tracer across parks (absolute CLOCK_MONOTONIC, or -1).
	 */
	bool resumed;
	long park_ret;
	lx_handler_fn *handler;		/* dispatch's: who parked, to resume */
	int64_t deadline_ns;
	void *park_state;		/* handler's malloc'ed state, kept
					   across parks, freed by the tracer */
	uint64_t data;			/* handler's scalar, kept until exit */
	/* dispatch's: exit functions of several hooks that observe one call */
	struct lx_exit_chain {
		int n;
		long (*fn[4])(struct lx_call *, struct lx_guest *, long);
	} exit_chain;
};

/* What the tracer does with a call after the handler looked at it. */
enum lx_action_kind {
	LX_RETURN,	/* skip the syscall, guest sees value */
	LX_NATIVE,	/* let the guest's own syscall run */
	LX_REWRITE,	/* run rewrite.nr(rewrite.arg) instead, then on_exit */
	LX_PARK,	/* wait in the guest (ppoll on park.fd), then resume */
};

typedef long lx_exit_fn(struct lx_call *c, struct lx_guest *g, long ret);

#define LX_PARK_EXTRA 4

struct lx_action {
	enum lx_action_kind kind;
	long value;			/* LX_RETURN: result or -errno */
	struct {
		long nr;
		uint64_t arg[LX_NARGS];
	} rewrite;			/* LX_REWRITE */
	/*
	 * LX_NATIVE, LX_REWRITE: called at the exit stop with the raw result;
	 * what it returns is what the guest sees.  NULL: the result stands.
	 */
	lx_exit_fn *on_exit;
	struct {
		int fd;			/* guest fd number to wait on */
		short events;		/* POLLIN/POLLOUT (LX_POLL*) */
		uint64_t sigmask;	/* guest sigset pointer or 0 */
		uint64_t sigsetsize;
		/* more guest fds to wait on for POLLIN (e.g. signalfds) */
		int extra[LX_PARK_EXTRA];
		int nextra;
	} park;				/* LX_PARK; deadline is c->deadline_ns */
};

static inline struct lx_action
lx_return(long value)
{
	struct lx_action a = { .kind = LX_RETURN, .value = value };
	return a;
}

static inline struct lx_action
lx_native(void)
{
	struct lx_action a = { .kind = LX_NATIVE };
	return a;
}

static inline struct lx_action
lx_native_then(lx_exit_fn *on_exit)
{
	struct lx_action a = { .kind = LX_NATIVE, .on_exit = on_exit };
	return a;
}

/*
 * The call runs as the guest made it, but rewritten into itself: at its
 * exit stop on_exit may inject (install rules on an fd it gave), which a
 * plain native exit cannot.
 */
static inline struct lx_action
lx_same_call_then(const struct lx_call *c, lx_exit_fn *on_exit)
{
	struct lx_action a = { .kind = LX_REWRITE, .on_exit = on_exit };

	a.rewrite.nr = c->nr;
	for (int i = 0; i < LX_NARGS; i++)
		a.rewrite.arg[i] = c->arg[i];
	return a;
}

static inline struct lx_action
lx_park(int fd, short events, uint64_t sigmask, uint64_t sigsetsize)
{
	struct lx_action a = { .kind = LX_PARK };
	a.park.fd = fd;
	a.park.events = events;
	a.park.sigmask = sigmask;
	a.park.sigsetsize = sigsetsize;
	return a;
}

/*
 * The guest as a handler sees it: one stopped thread of one traced
 * process.  Every function returns 0 (or a count, or an fd) on success
 * and -LX_E* on failure; none of them blocks on the guest.
 */
struct lx_guest_ops {
	/* Copy n bytes from/to guest address; -LX_EFAULT if any is bad. */
	int (*read)(struct lx_guest *g, void *dst, uint64_t src, size_t n);
	int (*write)(struct lx_guest *g, uint64_t dst, const void *src,
	    size_t n);
	/*
	 * Read a NUL-terminated string of at most cap-1 bytes into dst.
	 * Returns its length, -LX_EFAULT, or -LX_ENAMETOOLONG when no NUL
	 * was found within cap bytes.
	 */
	long (*read_string)(struct lx_guest *g, char *dst, uint64_t src,
	    size_t cap);
	/*
	 * Run one syscall in the stopped guest thread, as that thread
	 * (its credentials, fd table, namespaces) and return its result.
	 * Arguments that point to memory must point into scratch().
	 */
	long (*syscall)(struct lx_guest *g, long nr, uint64_t a0, uint64_t a1,
	    uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
	/*
	 * Guest address of n bytes (n <= LX_SCRATCH_MAX) of writable memory
	 * that the guest does not use, valid until the handler returns (and,
	 * for LX_REWRITE and LX_PARK, until the call completes).  0 if none
	 * could be had.
	 */
	uint64_t (*scratch)(struct lx_guest *g, size_t n);
	/* A supervisor-side copy of the guest's fd (pidfd_getfd). */
	int (*pull_fd)(struct lx_guest *g, int guest_fd);
	/*
	 * What open file the guest's fd refers to (stat of /proc/TID/fd/N and
	 * its fdinfo), without taking a reference: -LX_EBADF if not open.
	 */
	int (*fd_ident)(struct lx_guest *g, int guest_fd,
	    struct lx_fd_ident *id);
	/*
	 * From now on, in every thread of this process and in its future
	 * children, stop on each syscall traps[i].nr whose argument
	 * traps[i].argidx is fd, or on every call of that number when
	 * argidx is -1 (one seccomp filter added in the guest with TSYNC;
	 * filters only add, so the rule outlives the fd and the hooks must
	 * let unrelated calls through).  A rule the guest cannot install is
	 * still enforced (checked mode, docs/security.md): 0 unless the
	 * arguments are bad or the thread is gone.
	 */
	int (*trap_fd)(struct lx_guest *g, const struct lx_fd_trap *traps,
	    int n, int fd);
	/*
	 * The host's fstat of the guest's fd, done by the supervisor without
	 * running anything in the guest (fstat needs no permission on the
	 * file): 0, or -LX_EBADF if the fd is not open.
	 */
	int (*fd_stat)(struct lx_guest *g, int guest_fd, struct stat *st);
	/*
	 * The host's fstatat of a path as the guest would see it (from its
	 * cwd or dirfd), done by the supervisor in one stop: 0 or -LX_E*, or
	 * -LX_EAGAIN when the supervisor cannot be sure to see what the
	 * guest sees (then run the host's fstatat in the guest instead).
	 */
	int (*path_stat)(struct lx_guest *g, int dirfd, const char *path,
	    bool nofollow, struct stat *st);
	/*
	 * The same lookup as path_stat, with the same proofs, but what it
	 * gives is the supervisor's own O_PATH fd of the file found (for the
	 * host layer to stat: host_stat_fd), which the caller closes; or
	 * -LX_E*, or -LX_EAGAIN as path_stat.  path NULL: the file open at
	 * the guest's dirfd (its pull_fd copy), given only where the thread
	 * sees files as the supervisor does (its user namespace maps the
	 * owners).  May be NULL (a tracer that has none): the handler then
	 * runs its stat in the guest.
	 */
	int (*path_open)(struct lx_guest *g, int dirfd, const char *path,
	    bool nofollow);
	/*
	 * Would the thread's own credentials be granted mode (LX_R_OK...) on
	 * the file behind the supervisor's fd sup_fd (one it pulled)?  0 or
	 * -LX_E*; -LX_EAGAIN when the supervisor cannot check with the
	 * thread's rights (another user namespace or LSM label).  The check
	 * is made on that very file, so no other thread can swap it.
	 */
	int (*sup_access)(struct lx_guest *g, int sup_fd, int mode);
	/*
	 * Is the thread's guest_fd the very open file the supervisor's sup_fd
	 * is (kcmp KCMP_FILE)?  1 yes, 0 no (or not open), -LX_E* if the host
	 * cannot tell.
	 */
	int (*same_file)(struct lx_guest *g, int sup_fd, int guest_fd);
	/*
	 * The thread came back from a blocking call with EINTR: were all
	 * the signals that woke it ones its process ignores (SIG_IGN, or the
	 * default of SIGCHLD, SIGURG, SIGWINCH, SIGCONT), which Linux would
	 * have discarded without waking it?  1 yes (or nothing pending), 0
	 * no, -LX_E* if the host cannot tell.
	 */
	int (*woken_by_ignored)(struct lx_guest *g);
	/*
	 * trap_fd for another traced process, pid, whose threads may be
	 * running: when this returns, none of them can make such a call
	 * unseen.  Its threads stop at every syscall entry (the hooks see
	 * the calls the rules want) until the first of them installs the
	 * rules at its next call.  0, or -LX_ESRCH if pid is not traced.
	 */
	int (*trap_fd_pid)(struct lx_guest *g, int pid,
	    const struct lx_fd_trap *traps, int n, int fd);
};

struct lx_fd_trap {
	long nr;
	int argidx;
	/*
	 * Nonzero: stop when arg[argidx] has any of these bits set (an open
	 * flags test, say O_WRONLY|O_RDWR|O_TRUNC); the fd is not compared.
	 */
	uint32_t bits;
};

/* Identity of an open file, as the guest's fd shows it. */
struct lx_fd_ident {
	uint64_t dev, ino;	/* of the inode behind the fd */
	uint32_t mode;		/* S_IF* | permission bits (Linux values) */
	uint32_t flags;		/* open flags: O_ACCMODE, O_NONBLOCK.. (LX_O_*) */
	bool cloexec;
	uint64_t pos;
};

#define LX_SCRATCH_MAX 2048

struct lx_guest {
	const struct lx_guest_ops *ops;
	int pid;			/* thread group id */
	int tid;
	void *priv;			/* tracer's */
};

/* Shorthands so handlers read well. */
#define lx_guest_read(g, d, s, n)	((g)->ops->read((g), (d), (s), (n)))
#define lx_guest_write(g, d, s, n)	((g)->ops->write((g), (d), (s), (n)))
#define lx_guest_string(g, d, s, n)	((g)->ops->read_string((g), (d), (s), (n)))
#define lx_guest_scratch(g, n)		((g)->ops->scratch((g), (n)))
#define lx_guest_pull_fd(g, fd)		((g)->ops->pull_fd((g), (fd)))
#define lx_guest_fd_ident(g, fd, id)	((g)->ops->fd_ident((g), (fd), (id)))
#define lx_guest_trap_fd(g, t, n, fd)	((g)->ops->trap_fd((g), (t), (n), (fd)))
#define lx_guest_fd_stat(g, fd, st)	((g)->ops->fd_stat((g), (fd), (st)))
#define lx_guest_path_stat(g, d, p, nf, st) \
	((g)->ops->path_stat((g), (d), (p), (nf), (st)))
#define lx_guest_path_open(g, d, p, nf) \
	((g)->ops->path_open != NULL ? \
	    (g)->ops->path_open((g), (d), (p), (nf)) : -LX_EAGAIN)
#define lx_guest_sup_access(g, fd, m)	((g)->ops->sup_access((g), (fd), (m)))
#define lx_guest_same_file(g, s, f)	((g)->ops->same_file((g), (s), (f)))
#define lx_guest_woken_by_ignored(g)	((g)->ops->woken_by_ignored((g)))
#define lx_guest_trap_fd_pid(g, p, t, n, fd) \
	((g)->ops->trap_fd_pid((g), (p), (t), (n), (fd)))
#define lx_guest_syscall(g, nr, a, b, c, d, e, f) \
	((g)->ops->syscall((g), (nr), (a), (b), (c), (d), (e), (f)))

/*
 * Emulation families, as --emulate names them.  A row whose family is
 * switched off runs natively.
 */
enum lx_family {
	LX_FAM_NONE = 0,
	LX_FAM_EPOLL,
	LX_FAM_INOTIFY,
	LX_FAM_MEMFD,
	LX_FAM_GETRANDOM,
	LX_FAM_WAITID,
	LX_FAM_STAT,
	LX_FAM_CLOSE_RANGE,
	LX_FAM_READAHEAD,
	LX_FAM_IOPRIO,
	LX_FAM_RSEQ,
	LX_FAM_EINTR,
	LX_FAM_COUNT
};

const char *lx_family_name(enum lx_family f);
int lx_family_by_name(const char *name);	/* -1 if unknown */

/* Process and thread life events, fanned out to the families. */
struct lx_hooks {
	/*
	 * A new thread or process: child shares parent's state as clone did.
	 * parent_pid is the creator's thread group.
	 */
	void (*on_clone)(int parent_tid, int parent_pid, int child_tid,
	    bool thread);
	void (*on_exec)(int pid);
	void (*on_exit)(int tid);
	/* close_range closed fds first..last of tid's table (last may be ~0U) */
	void (*on_fds_closed)(int tid, unsigned first, unsigned last);
	/*
	 * The thread stopped for a call, whatever family serves it: a family
	 * may act in the stopped thread first (inject: install the seccomp
	 * rules a process that ran on without them needs).  Called at every
	 * stop: it must return at once when it has nothing to do.
	 */
	void (*on_stop)(struct lx_call *c, struct lx_guest *g);
	/*
	 * Has on_stop work to do in a thread of process pid?  A call the
	 * tracer would serve without a ptrace stop (seccomp notification)
	 * takes a stop instead when one does.
	 */
	bool (*needs_stop)(int pid);
};
void lx_hooks_register(const struct lx_hooks *h);
void lx_hooks_clone(int parent_tid, int parent_pid, int child_tid,
    bool thread);
void lx_hooks_exec(int pid);
void lx_hooks_exit(int tid);
void lx_hooks_fds_closed(int tid, unsigned first, unsigned last);
void lx_hooks_stop(struct lx_call *c, struct lx_guest *g);
bool lx_hooks_need_stop(int pid);

/* Monotonic clock in ns, for deadlines. */
int64_t lx_now_ns(void);

#endif
