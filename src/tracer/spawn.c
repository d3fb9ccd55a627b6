/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start the guest: fork, stop, let the parent seize it, install the
 * seccomp filter, exec.  Failures in the child before exec come back to
 * the parent over a close-on-exec pipe as (stage, errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "tracer.h"

#define PTRACE_OPTIONS (PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | \
	PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | \
	PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

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
	/* Wait to be seized: nothing may run untraced past this point. */
	raise(SIGSTOP);
	if ((r = filter_install(prog)) < 0)
		child_fail(errfd, SPAWN_SECCOMP, -r);
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
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_OPTIONS) < 0) {
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
