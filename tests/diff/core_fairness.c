/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stops are served fairly: while 8 threads make emulated calls in a tight
 * loop (each stops at once again), a ninth thread's epoll_wait with a
 * 20 ms timeout must still come back in about 20 ms.  Serving stops in
 * the order waitpid(-1) returns them (newest tracees first) starved it
 * for seconds.  The bound checked is loose (1 s): this is a test of
 * starvation, not of speed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

static void *
spinner(void *arg)
{
	char b;

	(void)arg;
	while (!atomic_load(&stop))
		getrandom(&b, 1, 0);
	return NULL;
}

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
	pthread_t th[8];
	struct epoll_event ev;
	int ep = epoll_create1(0);
	double worst = 0;

	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, spinner, NULL);
	usleep(100000);
	for (int i = 0; i < 20; i++) {
		double t0 = now(), d;

		epoll_wait(ep, &ev, 1, 20);
		d = now() - t0;
		if (d > worst)
			worst = d;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	printf("20 epoll_wait(20 ms) beside 8 busy threads: %s\n",
	    worst < 1.0 ? "each back within 1 s" : "STARVED");
	if (worst >= 1.0)
		fprintf(stderr, "worst wait %.3f s\n", worst);
	return 0;
}
