/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signals arriving while lxrun works inside a stopped thread: a 300 µs
 * interval timer (SIGALRM, handler without SA_RESTART) fires throughout a
 * loop of calls that lxrun serves with injected syscalls (epoll_create1
 * makes a pipe in the guest, memfd_create an shm file, the first emulated
 * call of a process maps scratch memory) and of waits it parks
 * (epoll_wait).  Nothing may fail in a way Linux would not: creation
 * always succeeds, a wait returns 0 or EINTR, no signal is lost for good
 * (the handler keeps running), and registers survive (the loop's own
 * state stays consistent).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void
on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

static int
storm(int rounds)
{
	struct epoll_event ev;
	int bad = 0;

	for (int i = 0; i < rounds; i++) {
		int ep = epoll_create1(EPOLL_CLOEXEC);
		int mfd = memfd_create("storm", MFD_CLOEXEC);
		int r;

		if (ep < 0 || mfd < 0) {
			printf("round %d: create failed: %s\n", i,
			    strerror(errno));
			bad++;
		}
		r = epoll_wait(ep, &ev, 1, 1);
		if (r != 0 && !(r < 0 && errno == EINTR)) {
			printf("round %d: epoll_wait %d %s\n", i, r,
			    strerror(errno));
			bad++;
		}
		close(mfd);
		close(ep);
	}
	return bad;
}

int
main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 300 }, { 0, 300 } };
	int bad, st;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	bad = storm(300);
	fflush(stdout);
	/* a fresh process: its first emulated call maps scratch memory */
	if ((pid = fork()) == 0) {
		setitimer(ITIMER_REAL, &it, NULL);
		_exit(storm(100) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("parent: %d bad rounds; child: %s; handler ran: %s\n", bad,
	    WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "failed",
	    ticks > 0 ? "yes" : "no");
	return bad != 0;
}
