/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting: a thread blocked in epoll_wait is woken by another thread's
 * write; four threads wait on one instance at once; the timeout is kept;
 * epoll_wait returns EINTR on a signal even with SA_RESTART.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static int ep, p[2], q[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int woken;

static void *
waiter(void *arg)
{
	struct epoll_event out[4];
	int n = epoll_wait(ep, out, 4, 5000);

	pthread_mutex_lock(&mu);
	if (n == 1 && out[0].data.u64 == 7)
		woken++;
	pthread_mutex_unlock(&mu);
	return arg;
}

static void *
writer(void *arg)
{
	usleep(100000);
	write(p[1], "w", 1);
	return arg;
}

static void
on_usr1(int sig)
{
	(void)sig;
}

static void *
signaller(void *arg)
{
	usleep(100000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return NULL;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int
main(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = 7 }, out[4];
	struct sigaction sa;
	struct timespec t0;
	pthread_t t[4], w, self = pthread_self();
	int n;

	ep = epoll_create1(0);
	pipe(p);
	pipe(q);
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);

	pthread_create(&w, NULL, writer, NULL);
	n = epoll_wait(ep, out, 4, 5000);
	printf("woken by a thread's write: n=%d data=%llu\n", n,
	    (unsigned long long)out[0].data.u64);
	pthread_join(w, NULL);
	read(p[0], out, 1);

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, waiter, NULL);
	usleep(200000);
	write(p[1], "x", 1);	/* level-triggered: every waiter sees it */
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("waiters woken: %d\n", woken);
	read(p[0], out, 1);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = epoll_wait(ep, out, 4, 300);
	printf("timeout: n=%d, waited >= 300 ms: %d\n", n,
	    ms_since(&t0) >= 300);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&w, NULL, signaller, &self);
	n = epoll_wait(ep, out, 4, 5000);
	printf("signal with SA_RESTART: n=%d errno=%s\n", n,
	    n < 0 ? strerrorname_np(errno) : "-");
	pthread_join(w, NULL);
	return 0;
}
