/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An ignored signal does not interrupt a wait on Linux (it is discarded
 * when sent), but it does wake a ptraced thread: lxrun restarts the
 * emulated wait, which must go on with the time that is left, not a
 * fresh full timeout.  40 children exit 50 ms apart (an ignored SIGCHLD
 * each) while the parent waits in epoll_wait(1000) on an idle instance:
 * it must come back with 0 after about 1 s (checked loosely: between 0.9
 * and 2.5 s), where fresh timeouts kept it waiting until the last child
 * had died and a second more.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct epoll_event ev;
	int ep = epoll_create1(0), n;
	double t0, d;

	for (int i = 1; i <= 40; i++)
		if (fork() == 0) {
			usleep((useconds_t)i * 50000);
			_exit(0);
		}
	t0 = now();
	n = epoll_wait(ep, &ev, 1, 1000);
	d = now() - t0;
	while (wait(NULL) > 0)
		;
	printf("epoll_wait(1000) while children die: %d, %s\n", n,
	    d >= 0.9 && d < 2.5 ? "after about 1 s" : "WRONG TIME");
	if (d < 0.9 || d >= 2.5)
		fprintf(stderr, "it took %.3f s\n", d);
	return 0;
}
