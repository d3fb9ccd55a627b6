/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getppid N: N raw getppid() calls, a syscall lxrun never needs to see.
 * Times only the loop (CLOCK_MONOTONIC), checks every result equals the
 * first, prints one "BENCH" line; exit 1 if a result was wrong.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, bad = 0;
	long first = syscall(SYS_getppid);
	double t0, t1;

	t0 = now();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) != first)
			bad++;
	t1 = now();
	printf("BENCH getppid n=%ld secs=%.6f result=%s\n", n, t1 - t0,
	    bad ? "wrong" : "ok");
	return bad != 0;
}
