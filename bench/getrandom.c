/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * getrandom N: N getrandom(buf, 8, 0) calls, which lxrun traps and answers
 * itself (one stop each).  Times only the loop, checks that each call
 * returned 8 and that the buffer changed, prints one "BENCH" line; exit 1
 * if a result was wrong.
 */
#define _GNU_SOURCE
#include <stdint.h>
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
	long n = argc > 1 ? atol(argv[1]) : 200000, bad = 0, same = 0;
	uint64_t buf = 0, prev = 0;
	double t0, t1;

	t0 = now();
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getrandom, &buf, sizeof(buf), 0) != 8)
			bad++;
		if (buf == prev)
			same++;
		prev = buf;
	}
	t1 = now();
	/* 64 random bits repeat by chance about never. */
	if (same > 1)
		bad++;
	printf("BENCH getrandom n=%ld secs=%.6f result=%s\n", n, t1 - t0,
	    bad ? "wrong" : "ok");
	return bad != 0;
}
