/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll_pwait and epoll_pwait2 install the signal mask atomically: a
 * signal blocked by the thread but unblocked by the call's mask runs its
 * handler (with the call's mask in force) and the call returns EINTR; a
 * signal the call's mask blocks stays pending; ready events win over a
 * pending signal; pwait2 keeps a timespec timeout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got, usr2_blocked_in_handler;

static void
on_sig(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_BLOCK, NULL, &cur);
	got = sig;
	usr2_blocked_in_handler = sigismember(&cur, SIGUSR2);
}

static void
kill_later(int sig, int ms)
{
	if (fork() == 0) {
		usleep(ms * 1000);
		kill(getppid(), sig);
		_exit(0);
	}
}

int
main(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 5 }, out[4];
	struct sigaction sa;
	struct timespec ts = { 0, 200000000 };
	sigset_t block, callmask, pend;
	int ep, p[2], n, st;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, NULL);
	/* The call's mask: SIGUSR1 let through, SIGUSR2 blocked. */
	sigemptyset(&callmask);
	sigaddset(&callmask, SIGUSR2);

	ep = epoll_create1(0);
	pipe(p);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);

	kill_later(SIGUSR1, 100);
	n = epoll_pwait(ep, out, 4, 5000, &callmask);
	printf("pwait, SIGUSR1 let in: n=%d errno=%s handler=%d "
	    "USR2 blocked in handler=%d\n", n,
	    n < 0 ? strerrorname_np(errno) : "-", got,
	    usr2_blocked_in_handler);
	wait(&st);

	got = 0;
	kill_later(SIGUSR2, 50);
	n = epoll_pwait(ep, out, 4, 300, &callmask);
	sigpending(&pend);
	printf("pwait, SIGUSR2 held: n=%d handler=%d pending=%d\n", n, got,
	    sigismember(&pend, SIGUSR2));
	wait(&st);

	write(p[1], "x", 1);
	n = epoll_pwait(ep, out, 4, 1000, &callmask);
	printf("pwait, event ready, USR2 pending: n=%d handler=%d\n", n,
	    got);

	read(p[0], out, 1);
	kill(getpid(), SIGUSR1);	/* pending, blocked */
	n = epoll_pwait(ep, out, 4, 0, &callmask);
	printf("pwait, timeout 0, USR1 pending: n=%d handler=%d\n", n, got);
	n = epoll_pwait(ep, out, 4, 1000, &callmask);
	printf("pwait, USR1 pending: n=%d errno=%s handler=%d\n", n,
	    n < 0 ? strerrorname_np(errno) : "-", got);

	got = 0;
	n = (int)syscall(SYS_epoll_pwait2, ep, out, 4, &ts, NULL, 8);
	printf("pwait2 200 ms timeout: n=%d\n", n);
	kill_later(SIGUSR1, 100);
	n = (int)syscall(SYS_epoll_pwait2, ep, out, 4, NULL, &callmask, 8);
	printf("pwait2, SIGUSR1 let in: n=%d errno=%s handler=%d\n", n,
	    n < 0 ? strerrorname_np(errno) : "-", got);
	wait(&st);
	/* SIGUSR2 is still pending and blocked: unblock it at the end. */
	got = 0;
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("after unblock: handler=%d\n", got);
	return 0;
}
