/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An epoll fd closed while another thread waits on it (issue 17): Linux
 * keeps the wait on the instance, so the waiter gets that instance's
 * events (not EBADF, and not an event of another instance that took the
 * fd number meanwhile), or times out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static int ep, timeout_ms;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
waiter(void *arg)
{
	struct epoll_event out[2];
	double t0 = now();
	int n = epoll_wait(ep, out, 2, timeout_ms);

	(void)arg;
	if (n < 0)
		printf("  waiter: %s\n", strerror(errno));
	else if (n == 0)
		printf("  waiter: timed out%s\n", now() - t0 > 0.8 * timeout_ms /
		    1000.0 ? "" : " early");
	else
		printf("  waiter: %d event(s), data %llu\n", n,
		    (unsigned long long)out[0].data.u64);
	return NULL;
}

static void
one_round(const char *what, bool wake)
{
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t t;
	int p[2], q[2], other;

	printf("%s\n", what);
	pipe(p);
	pipe(q);
	ep = epoll_create1(0);
	ev.data.u64 = 7;
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	pthread_create(&t, NULL, waiter, NULL);
	usleep(200 * 1000);
	close(ep);
	/* another instance at the same number, with an event ready */
	other = epoll_create1(0);
	ev.data.u64 = 99;
	write(q[1], "q", 1);
	epoll_ctl(other, EPOLL_CTL_ADD, q[0], &ev);
	printf("  same number: %s\n", other == ep ? "yes" : "no");
	usleep(100 * 1000);
	if (wake)
		write(p[1], "p", 1);
	pthread_join(t, NULL);
	close(other);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

int
main(void)
{
	timeout_ms = 3000;
	one_round("closed, then its pipe written", true);
	timeout_ms = 1000;
	one_round("closed, nothing written", false);
	return 0;
}
