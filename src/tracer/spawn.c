/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start the guest: clone, let the parent seize it, install the seccomp
 * filter, exec.  Failures in the child before exec come back to
 * the parent over a close-on-exec pipe as (stage, errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "tracer.h"


/* The guest's own RLIMIT_NOFILE, as lxrun was started with it. */
static struct rlimit guest_nofile;
static bool nofile_raised;

/*
 * lxrun holds an fd per watched file and per registration: it takes its
 * hard limit for itself, and the guest gets the limit lxrun was given.
 */
void
spawn_raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &guest_nofile) < 0)
		return;
	r = guest_nofile;
	r.rlim_cur = r.rlim_max;
	nofile_raised = setrlimit(RLIMIT_NOFILE, &r) == 0;
}

static void
restore_fd_limit(void)
{
	if (nofile_raised)
		setrlimit(RLIMIT_NOFILE, &guest_nofile);
}

/* SIGPIPE as lxrun's caller left it: default or ignored (lxrun has no
 * handlers of its own to leave behind). */
static bool sigpipe_ignored;

void
spawn_keep_sigpipe(bool ignored)
{
	sigpipe_ignored = ignored;
}

/* -u USER: the credentials the program starts with (none: lxrun's). */
static struct {
	bool set;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
} run_as;

int
spawn_set_user(uid_t uid, gid_t gid, const gid_t *groups, int ngroups)
{
	size_t n = ngroups > 0 ? (size_t)ngroups : 0;

	free(run_as.groups);
	run_as.groups = NULL;
	if (n > 0) {
		if ((run_as.groups = calloc(n, sizeof(gid_t))) == NULL)
			return -ENOMEM;
		memcpy(run_as.groups, groups, n * sizeof(gid_t));
	}
	run_as.ngroups = n;
	run_as.uid = uid;
	run_as.gid = gid;
	run_as.set = true;
	return 0;
}

bool
spawn_keeps_creds(void)
{
	return !run_as.set;
}

/*
 * In the guest before exec, after the seccomp filter (installing it
 * needs root's CAP_SYS_ADMIN, as lxrun does not set no_new_privs): the
 * groups, then the gid, then the uid, which drops root's capabilities.
 * Real, effective and saved ids all change, as with strace -u.
 */
static int
take_user(void)
{
	if (!run_as.set)
		return 0;
	if (setgroups(run_as.ngroups, run_as.groups) < 0 ||
	    setresgid(run_as.gid, run_as.gid, run_as.gid) < 0 ||
	    setresuid(run_as.uid, run_as.uid, run_as.uid) < 0)
		return -errno;
	return 0;
}

/*
 * The child lxrun starts shares lxrun's memory (clone with CLONE_VM, as
 * posix_spawn does) until its exec: no page tables are copied and
 * neither side takes copy-on-write faults, which on a VM cost more than
 * the rest of the spawn.  So the child makes only raw system calls: no
 * errno, no libc state, nothing written outside its own stack but the
 * error pipe.  It waits on a futex word until lxrun has seized it (a
 * seize stops nothing), so it runs no stop of its own before the exec.
 */
struct child_args {
	char *const *paths;	/* execvp's candidates, in its order */
	char **argv;
	char **sh_argv;		/* ENOEXEC: /bin/sh PATH ARGS (execvp's fallback) */
	const struct sock_fprog *prog;
	const struct sock_fprog *notify_prog;	/* or NULL */
	int listener;		/* set by the child: its listener fd, or -1 */
	const sigset_t *mask;
	int errfd;
	pid_t parent;
	int go;			/* futex: 0 wait, 1 run, 2 give up */
};

#define CHILD_STACK	(64 * 1024)
static unsigned char child_stack[CHILD_STACK] __attribute__((aligned(64)));

#define CHILD_FN __attribute__((no_sanitize("address", "undefined"), \
	no_stack_protector, noinline))

static CHILD_FN long
raw_call(long nr, long a, long b, long c, long d)
{
	register long r10 __asm__("r10") = d;
	long r;

	__asm__ volatile("syscall" : "=a"(r)
	    : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
	    : "rcx", "r11", "memory");
	return r;
}

static CHILD_FN __attribute__((noreturn)) void
child_fail(int fd, int stage, long err)
{
	int msg[2] = { stage, (int)-err };

	raw_call(SYS_write, fd, (long)msg, sizeof(msg), 0);
	for (;;)
		raw_call(SYS_exit_group, stage == SPAWN_EXEC ?
		    (err == -ENOENT ? 127 : 126) : 125, 0, 0, 0);
}

/* The kernel's struct sigaction, for SIGPIPE back as it was. */
struct child_kact {
	unsigned long handler, flags, restorer, mask;
};

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV	(1UL << 5)
#endif

/* seccomp(SET_MODE_FILTER), with no_new_privs if it must (not root). */
static CHILD_FN long
child_filter(const struct sock_fprog *prog, long flags)
{
	long r = raw_call(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
	    (long)prog, 0);

	if (r == -EACCES &&
	    (r = raw_call(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0)) == 0)
		r = raw_call(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
		    (long)prog, 0);
	return r;
}

static CHILD_FN int
child_start(void *arg)
{
	struct child_args *a = arg;
	struct child_kact pipe_act = {
		(unsigned long)(sigpipe_ignored ? SIG_IGN : SIG_DFL), 0, 0, 0 };
	long r;
	bool eacces = false;

	/* lxrun dying before the seize must not leave the child waiting */
	raw_call(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
	if (raw_call(SYS_getppid, 0, 0, 0, 0) != a->parent)
		raw_call(SYS_exit_group, 125, 0, 0, 0);
	raw_call(SYS_rt_sigprocmask, SIG_SETMASK, (long)a->mask, 0, 8);
	raw_call(SYS_rt_sigaction, SIGPIPE, (long)&pipe_act, 0, 8);
	if (nofile_raised)
		raw_call(SYS_prlimit64, 0, RLIMIT_NOFILE, (long)&guest_nofile, 0);
	/* Wait to be seized: nothing may run untraced past this point. */
	while (__atomic_load_n(&a->go, __ATOMIC_ACQUIRE) == 0)
		raw_call(SYS_futex, (long)&a->go, FUTEX_WAIT, 0, 0);
	if (__atomic_load_n(&a->go, __ATOMIC_ACQUIRE) != 1)
		raw_call(SYS_exit_group, 125, 0, 0, 0);
	/* from here PTRACE_O_EXITKILL does it, and the program sees 0 */
	raw_call(SYS_prctl, PR_SET_PDEATHSIG, 0, 0, 0);
	/*
	 * installing it needs root's CAP_SYS_ADMIN, or no_new_privs.  The
	 * filter with notifications needs Linux 5.19 and no listener of
	 * someone else's above lxrun (EBUSY); else the plain one serves.
	 */
	r = -EINVAL;
	if (a->notify_prog != NULL &&
	    (r = child_filter(a->notify_prog,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) >= 0)
		__atomic_store_n(&a->listener, (int)r, __ATOMIC_RELEASE);
	if (r < 0 && (r = child_filter(a->prog, 0)) < 0)
		child_fail(a->errfd, SPAWN_SECCOMP, r);
	/*
	 * -u: the memory is still root lxrun's; with fs.suid_dumpable=1 the
	 * uid change would leave it open to the user's other processes
	 * (process_vm_writev, /proc/PID/mem) until the exec.  The exec
	 * sets the program's own dumpable flag.
	 */
	if (run_as.set)
		raw_call(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0);
	/* -u: groups, gid, then uid, which drops root's capabilities */
	if (run_as.set &&
	    ((r = raw_call(SYS_setgroups, (long)run_as.ngroups,
	    (long)run_as.groups, 0, 0)) < 0 ||
	    (r = raw_call(SYS_setresgid, run_as.gid, run_as.gid, run_as.gid,
	    0)) < 0 ||
	    (r = raw_call(SYS_setresuid, run_as.uid, run_as.uid, run_as.uid,
	    0)) < 0))
		child_fail(a->errfd, SPAWN_CREDS, r);
	/* execvp's rules (glibc): these errors try the next directory */
	r = -ENOENT;
	for (char *const *p = a->paths; *p != NULL; p++) {
		r = raw_call(SYS_execve, (long)*p, (long)a->argv,
		    (long)environ, 0);
		if (r == -ENOEXEC) {
			a->sh_argv[1] = *p;
			r = raw_call(SYS_execve, (long)"/bin/sh",
			    (long)a->sh_argv, (long)environ, 0);
		}
		if (r == -EACCES)
			eacces = true;
		else if (r != -ENOENT && r != -ENOTDIR && r != -ESTALE &&
		    r != -ENODEV && r != -ETIMEDOUT)
			child_fail(a->errfd, SPAWN_EXEC, r);
	}
	child_fail(a->errfd, SPAWN_EXEC, eacces ? -EACCES : r);
}

/*
 * The files execvp would try for FILE, in its order: FILE itself if it
 * names a path, else each directory of PATH (glibc's default when PATH
 * is unset; an empty entry is the current directory).  NULL-terminated,
 * allocated; NULL if out of memory.
 */
static char **
exec_candidates(const char *file)
{
	const char *path = getenv("PATH");
	size_t n = 2, flen = strlen(file), k = 0;
	char **v;

	if (strchr(file, '/') != NULL || *file == '\0') {
		if ((v = calloc(2, sizeof(*v))) != NULL &&
		    (v[0] = strdup(file)) == NULL) {
			free(v);
			v = NULL;
		}
		return v;
	}
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (const char *c = path; *c != '\0'; c++)
		n += *c == ':';
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return NULL;
	for (const char *d = path;; ) {
		const char *e = strchr(d, ':');
		size_t dlen = e != NULL ? (size_t)(e - d) : strlen(d);
		char *c = malloc(dlen + flen + 2);

		if (c == NULL)
			return NULL;	/* lxrun dies of it: not freed */
		if (dlen == 0)
			memcpy(c, file, flen + 1);
		else {
			memcpy(c, d, dlen);
			c[dlen] = '/';
			memcpy(c + dlen + 1, file, flen + 1);
		}
		v[k++] = c;
		if (e == NULL)
			break;
		d = e + 1;
	}
	return v;
}

static struct child_args *spawned;

int
spawn_listener_fd(void)
{
	return spawned == NULL ? -1 :
	    __atomic_load_n(&spawned->listener, __ATOMIC_ACQUIRE);
}

pid_t
spawn_guest(char **argv, const struct sock_fprog *prog,
    const struct sock_fprog *notify_prog, const sigset_t *mask, int *errfd)
{
	/* the child reads these until it execs: they live as long as lxrun */
	static struct child_args a;
	size_t argc = 0;
	int p[2], st;
	pid_t pid;

	while (argv[argc] != NULL)
		argc++;
	a.argv = argv;
	a.prog = prog;
	a.notify_prog = notify_prog;
	a.listener = -1;
	spawned = &a;
	a.mask = mask;
	a.go = 0;
	a.parent = getpid();
	if ((a.paths = exec_candidates(argv[0])) == NULL ||
	    (a.sh_argv = calloc(argc + 2, sizeof(char *))) == NULL)
		return -ENOMEM;
	a.sh_argv[0] = (char *)"/bin/sh";
	for (size_t i = 1; i < argc; i++)
		a.sh_argv[i + 1] = argv[i];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	a.errfd = p[1];
	pid = clone(child_start, child_stack + CHILD_STACK, CLONE_VM | SIGCHLD,
	    &a);
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return -e;
	}
	close(p[1]);
	*errfd = p[0];
	if (ptrace(PTRACE_SEIZE, pid, 0, LX_PTRACE_OPTIONS) < 0) {
		int e = errno;

		__atomic_store_n(&a.go, 2, __ATOMIC_RELEASE);
		syscall(SYS_futex, &a.go, FUTEX_WAKE, 1, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		close(p[0]);
		return -e;
	}
	__atomic_store_n(&a.go, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &a.go, FUTEX_WAKE, 1, NULL);
	return pid;
}

/* After the guest's end or exec: did the child fail before exec? */
int
spawn_failure(int errfd, int *stage)
{
	int msg[2];

	if (read(errfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		return 0;
	*stage = msg[0];
	return msg[1];
}

/*
 * -D (strace's --daemonize=pgroup): the program keeps lxrun's own pid,
 * as the caller's child, and the tracer runs as a detached grandchild in
 * a process group of its own.  The shell then waits for the program
 * itself (its exit status, its job control), and whatever the program
 * leaves running is still served after the program exits, by a tracer
 * nobody waits for.  The original process becomes the guest once the
 * tracer has seized it (Yama's ptrace_scope=1 lets only the tracer it
 * names attach).  Returns the guest's pid in the tracer; in the guest it
 * does not return.
 */
pid_t
spawn_guest_detached(char **argv, const struct sock_fprog *prog,
    const sigset_t *mask, int *errfd)
{
	int to_guest[2], to_tracer[2], fail[2];
	pid_t guest = getpid(), mid, tracer;
	char b = 0;
	int r;

	if (pipe2(to_guest, O_CLOEXEC) < 0 || pipe2(to_tracer, O_CLOEXEC) < 0 ||
	    pipe2(fail, O_CLOEXEC) < 0)
		return -errno;
	if ((mid = fork()) < 0)
		return -errno;
	if (mid == 0) {
		/* the middle process: leave the tracer to init */
		if ((tracer = fork()) != 0)
			_exit(tracer < 0);
		close(to_guest[0]);
		close(to_tracer[1]);
		close(fail[1]);
		setpgid(0, 0);
		tracer = getpid();
		if (write(to_guest[1], &tracer, sizeof(tracer)) !=
		    (ssize_t)sizeof(tracer) || read(to_tracer[0], &b, 1) != 1)
			_exit(125);
		if (ptrace(PTRACE_SEIZE, guest, 0, LX_PTRACE_OPTIONS) < 0) {
			int e = errno;

			close(to_guest[1]);	/* the guest sees EOF */
			return -e;
		}
		if (write(to_guest[1], &b, 1) != 1)
			_exit(125);
		close(to_guest[1]);
		close(to_tracer[0]);
		*errfd = fail[0];
		return guest;
	}
	close(to_guest[1]);
	close(to_tracer[0]);
	close(fail[0]);
	waitpid(mid, NULL, 0);
	if (read(to_guest[0], &tracer, sizeof(tracer)) !=
	    (ssize_t)sizeof(tracer))
		goto no_tracer;
	prctl(PR_SET_PTRACER, (unsigned long)tracer, 0, 0, 0);
	if (write(to_tracer[1], &b, 1) != 1 || read(to_guest[0], &b, 1) != 1)
		goto no_tracer;
	prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	close(to_guest[0]);
	close(to_tracer[1]);
	sigprocmask(SIG_SETMASK, mask, NULL);
	signal(SIGPIPE, sigpipe_ignored ? SIG_IGN : SIG_DFL);
	restore_fd_limit();
	if ((r = filter_install(prog)) < 0) {
		fprintf(stderr, "lxrun: cannot install the seccomp filter: %s\n",
		    strerror(-r));
		_exit(125);
	}
	if ((r = take_user()) < 0) {
		fprintf(stderr, "lxrun: cannot take the user's credentials "
		    "(-u): %s\n", strerror(-r));
		_exit(125);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "lxrun: %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
no_tracer:
	fprintf(stderr, "lxrun: the tracer could not attach (ptrace "
	    "restricted here?)\n");
	_exit(125);
}
