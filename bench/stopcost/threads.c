/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threads NT N WORK: NT threads, each making N getrandom(1) calls (served
 * from notifications under lxrun) with WORK iterations of arithmetic
 * between them; prints the wall seconds.  For bench/stopcost/threads.sh:
 * same-CPU wake-ups must not pull threads that have work of their own
 * onto one CPU.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long calls, work;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *
run(void *arg)
{
	volatile unsigned long x = 0;
	unsigned char b;

	(void)arg;
	for (long i = 0; i < calls; i++) {
		syscall(SYS_getrandom, &b, 1, 0);
		for (long k = 0; k < work; k++)
			x += (unsigned long)(k * k);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t th[64];
	int nt;
	double t0;

	if (argc != 4 || (nt = atoi(argv[1])) < 1 || nt > 64) {
		fprintf(stderr, "usage: threads NTHREADS CALLS WORK\n");
		return 2;
	}
	calls = atol(argv[2]);
	work = atol(argv[3]);
	t0 = now();
	for (int i = 0; i < nt; i++)
		if (pthread_create(&th[i], NULL, run, NULL) != 0)
			return 1;
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	printf("%.4f\n", now() - t0);
	return 0;
}
