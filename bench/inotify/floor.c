/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The floor of any ptrace supervisor on bench/inotify's throughput case:
 * a tracer that stops exactly the calls lxrun must stop there (the
 * writer's openat and unlink while a watch exists, the reader's read of
 * its inotify fd) and does nothing but continue them (one seccomp stop,
 * waitpid, PTRACE_CONT).  Whatever lxrun costs above this is its own
 * work; what this costs above native is the price of the stops on the
 * machine, which no handler can win back.  FLOOR_SPIN_US=N: after each
 * PTRACE_CONT, poll waitpid(WNOHANG) for up to N µs before blocking, as
 * lxrun's loop does (--spin): the floor of a tracer that spins.
 *
 *   floor PROGRAM ARGS...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void
child(char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_unlink, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	raise(SIGSTOP);		/* seized while stopped */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("floor: seccomp");
		_exit(127);
	}
	execv(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The next status: polled for up to spin_ns first, then waited for. */
static pid_t
next_status(int *st, long long spin_ns)
{
	long long end = now_ns() + spin_ns;
	pid_t w;

	while (spin_ns > 0) {
		if ((w = waitpid(-1, st, __WALL | WNOHANG)) != 0)
			return w;
		if (now_ns() >= end)
			break;
	}
	return waitpid(-1, st, __WALL);
}

int
main(int argc, char **argv)
{
	const char *spin = getenv("FLOOR_SPIN_US");
	long long spin_ns = spin != NULL ? atoll(spin) * 1000 : 0;
	int st, code = 1;
	pid_t c, w;

	if (argc < 2) {
		fprintf(stderr, "usage: floor PROGRAM ARGS...\n");
		return 2;
	}
	if ((c = fork()) < 0)
		return 1;
	if (c == 0)
		child(argv + 1);
	if (waitpid(c, &st, WSTOPPED) < 0 ||
	    ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_TRACESECCOMP |
	    PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	    PTRACE_O_EXITKILL) < 0) {
		perror("floor: ptrace");
		kill(c, SIGKILL);
		return 1;
	}
	kill(c, SIGCONT);
	for (;;) {
		if ((w = next_status(&st, spin_ns)) < 0) {
			if (errno == EINTR)
				continue;
			break;		/* ECHILD: all gone */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == c)
				code = WIFEXITED(st) ? WEXITSTATUS(st) :
				    128 + WTERMSIG(st);
			continue;
		}
		/* Event stops (seccomp, fork, group stop) pass no signal. */
		st = (st >> 16) != 0 || WSTOPSIG(st) == SIGTRAP ? 0 :
		    WSTOPSIG(st);
		ptrace(PTRACE_CONT, w, 0, st);
	}
	return code;
}
