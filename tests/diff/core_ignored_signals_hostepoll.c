/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The host's own epoll (lxrun's epoll emulation switched off) also gets
 * no EINTR from a signal the program ignores: epoll_wait, epoll_pwait
 * and epoll_pwait2 wait 1 s while ten children die 50 ms apart, and must
 * time out after about 1 s (0.9 to 2.5 s) as natively.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

static void
check(const char *name, int which)
{
	struct timespec one = { 1, 0 };
	struct epoll_event ev;
	int ep = epoll_create1(0), r, e;
	double t0, d;

	for (int i = 1; i <= 10; i++)
		if (fork() == 0) {
			usleep((useconds_t)i * 50000);
			_exit(0);
		}
	t0 = now();
	if (which == 0)
		r = epoll_wait(ep, &ev, 1, 1000);
	else if (which == 1)
		r = epoll_pwait(ep, &ev, 1, 1000, NULL);
	else
		r = epoll_pwait2(ep, &ev, 1, &one, NULL);
	e = errno;
	d = now() - t0;
	while (wait(NULL) > 0)
		;
	printf("%s: %d %s, %s\n", name, r, r < 0 ? strerrorname_np(e) : "",
	    d >= 0.9 && d < 2.5 ? "after about 1 s" : "WRONG TIME");
	if (d < 0.9 || d >= 2.5)
		fprintf(stderr, "%s took %.3f s\n", name, d);
	close(ep);
}

int
main(void)
{
	check("epoll_wait(1000)", 0);
	check("epoll_pwait(1000)", 1);
	check("epoll_pwait2(1 s)", 2);
	return 0;
}
