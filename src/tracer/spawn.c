/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start the guest: fork, stop, let the parent seize it, install the
 * seccomp filter, exec.  Failures in the child before exec come back to
 * the parent over a close-on-exec pipe as (stage, errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

static void
child_fail(int fd, int stage, int err)
{
	int msg[2] = { stage, err };

	(void)!write(fd, msg, sizeof(msg));
	_exit(stage == SPAWN_EXEC ? (err == ENOENT ? 127 : 126) : 125);
}

static void
child_main(char **argv, const struct sock_fprog *prog, int errfd,
    const sigset_t *mask)
{
	int r;

	sigprocmask(SIG_SETMASK, mask, NULL);
	signal(SIGPIPE, SIG_DFL);
	restore_fd_limit();
	/* Wait to be seized: nothing may run untraced past this point. */
	raise(SIGSTOP);
	if ((r = filter_install(prog)) < 0)
		child_fail(errfd, SPAWN_SECCOMP, -r);
	if ((r = take_user()) < 0)
		child_fail(errfd, SPAWN_CREDS, -r);
	execvp(argv[0], argv);
	child_fail(errfd, SPAWN_EXEC, errno);
}

pid_t
spawn_guest(char **argv, const struct sock_fprog *prog, const sigset_t *mask,
    int *errfd)
{
	int p[2], st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0)
		return -errno;
	if (pid == 0) {
		close(p[0]);
		child_main(argv, prog, p[1], mask);
	}
	close(p[1]);
	*errfd = p[0];
	if (waitpid(pid, &st, WSTOPPED) < 0 || !WIFSTOPPED(st)) {
		close(p[0]);
		return -ECHILD;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, LX_PTRACE_OPTIONS) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		close(p[0]);
		return -e;
	}
	kill(pid, SIGCONT);
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
	signal(SIGPIPE, SIG_DFL);
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
