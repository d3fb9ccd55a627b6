/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More threads in emulated calls at once than one scratch region holds
 * (256): 300 threads wait in epoll_wait on one instance while the main
 * thread still makes new emulated objects (epoll_create1, memfd_create,
 * inotify_init1); then one write wakes them all.  Every call must succeed
 * as natively (once the pool was fixed at 256 slots, the 257th waiter got
 * ENOMEM and every emulated create failed while 256 were parked).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <unistd.h>

#define NWAITERS 300

static int ep, efd;
static atomic_int woken, failed, waiting;

static void *
waiter(void *arg)
{
	struct epoll_event ev;
	int n;

	(void)arg;
	atomic_fetch_add(&waiting, 1);
	n = epoll_wait(ep, &ev, 1, 20000);
	if (n == 1)
		atomic_fetch_add(&woken, 1);
	else
		atomic_fetch_add(&failed, 1);
	return NULL;
}

int
main(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	static pthread_t th[NWAITERS];
	pthread_attr_t attr;
	int ok = 1;

	ep = epoll_create1(0);
	efd = eventfd(0, 0);
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev);	/* level-triggered: all wake */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (int i = 0; i < NWAITERS; i++)
		if (pthread_create(&th[i], &attr, waiter, NULL) != 0)
			return 1;
	while (atomic_load(&waiting) < NWAITERS)
		usleep(10000);
	usleep(500000);		/* let them all park */
	for (int i = 0; i < 20; i++) {
		int a = epoll_create1(0), b = memfd_create("m", 0),
		    c = inotify_init1(0);

		if (a < 0 || b < 0 || c < 0)
			ok = 0;
		close(a);
		close(b);
		close(c);
	}
	printf("creates while %d threads wait: %s\n", NWAITERS,
	    ok ? "all succeeded" : "SOME FAILED");
	eventfd_write(efd, 1);
	for (int i = 0; i < NWAITERS; i++)
		pthread_join(th[i], NULL);
	printf("waiters woken: %d, failed: %d\n", atomic_load(&woken),
	    atomic_load(&failed));
	return 0;
}
