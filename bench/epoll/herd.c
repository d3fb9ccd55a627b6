/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two threads (or argv[2]) wait in epoll_wait(-1) on one instance for a
 * level-triggered pipe; the main thread writes one byte N (argv[1]) times,
 * each after the last was taken, and whichever waiter gets the event reads
 * it.  Under lxrun every parked waiter's ppoll sees the marker: the ones
 * that lose find nothing and park again.  bench/epoll/run.sh counts the
 * stops per byte (lxrun run under strace, a run with 0 bytes subtracted).
 * Prints how many bytes were taken and how many epoll_wait returns got an
 * event whose byte another waiter had taken (natively too, now and then).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

static int ep, p[2];
static atomic_int taken, lost, done;

static void *
waiter(void *arg)
{
	struct epoll_event ev;
	char b;

	(void)arg;
	for (;;) {
		int n = epoll_wait(ep, &ev, 1, -1);

		if (atomic_load(&done))
			return NULL;
		if (n == 1 && read(p[0], &b, 1) == 1)
			atomic_fetch_add(&taken, 1);
		else
			atomic_fetch_add(&lost, 1);
	}
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	int nth = argc > 2 ? atoi(argv[2]) : 2;
	struct epoll_event ev = { .events = EPOLLIN };
	pthread_t th[16];
	char b = 'x';

	if (nth < 1 || nth > 16 || pipe2(p, O_NONBLOCK) < 0 ||
	    (ep = epoll_create1(0)) < 0)
		return 1;
	ev.data.fd = p[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		return 1;
	for (int i = 0; i < nth; i++)
		pthread_create(&th[i], NULL, waiter, NULL);
	usleep(20000);
	for (int i = 0; i < n; i++) {
		if (write(p[1], &b, 1) != 1)
			return 1;
		while (atomic_load(&taken) <= i)
			usleep(100);
	}
	usleep(20000);
	atomic_store(&done, 1);
	for (int i = 0; i < nth; i++)
		if (write(p[1], &b, 1) != 1)
			return 1;
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	printf("herd: %d bytes taken, %d events whose byte was gone\n",
	    atomic_load(&taken), atomic_load(&lost));
	return 0;
}
