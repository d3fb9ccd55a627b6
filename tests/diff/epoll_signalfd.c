/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A signalfd inside an epoll set: readiness is the waiting thread's own
 * pending signals (signalfd_poll looks at the caller), so it must follow
 * the guest, never the supervisor.  Covers: a signal already pending, a
 * signal that arrives while epoll_wait blocks (sent by a child), level
 * triggering until the signal is read, EPOLLET, and a signal outside the
 * signalfd's mask not making it ready.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

static int
wait_report(int ep, int timeout, const char *what)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, timeout);

	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [events %#x data %llu]", ev[i].events,
		    (unsigned long long)ev[i].data.u64);
	printf("\n");
	return n;
}

static void
drain(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		printf("read signal %u\n", si.ssi_signo);
	else
		printf("read nothing\n");
}

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t set;
	int sfd, ep;
	pid_t child;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR2);	/* the signalfd takes SIGUSR1 only */
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.u64 = 42;
	if (sfd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) < 0) {
		perror("setup");
		return 1;
	}
	wait_report(ep, 0, "nothing pending");
	raise(SIGUSR2);
	wait_report(ep, 0, "SIGUSR2 (not in the mask) pending");
	raise(SIGUSR1);
	wait_report(ep, 0, "SIGUSR1 pending");
	wait_report(ep, 0, "still pending (level-triggered)");
	drain(sfd);
	wait_report(ep, 0, "after read");

	fflush(stdout);
	if ((child = fork()) == 0) {
		usleep(100 * 1000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	wait_report(ep, 5000, "blocked until a child's SIGUSR1");
	waitpid(child, NULL, 0);
	drain(sfd);

	ev.events = EPOLLIN | EPOLLET;
	epoll_ctl(ep, EPOLL_CTL_MOD, sfd, &ev);
	raise(SIGUSR1);
	wait_report(ep, 0, "edge: first");
	wait_report(ep, 0, "edge: second");
	drain(sfd);
	return 0;
}
