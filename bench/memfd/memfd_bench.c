/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memfd benchmark, one measurement per run:
 *   memfd_bench cycle N          N x (memfd_create, ftruncate, mmap, touch,
 *                                munmap, close): prints ns per cycle
 *   memfd_bench rw MIB CHUNK [SEALS]
 *                                write MIB MiB in CHUNK-byte writes to one
 *                                memfd, then read it back; prints MB/s for
 *                                each (SEALS: F_ADD_SEALS value applied
 *                                first, e.g. 2 = F_SEAL_SHRINK)
 * bench/memfd/run.sh runs it natively and under lxrun and prints ratios.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cycle(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		int fd = memfd_create("bench", MFD_CLOEXEC);
		char *m;

		if (fd < 0 || ftruncate(fd, 65536) < 0)
			return 1;
		m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    0);
		if (m == MAP_FAILED)
			return 1;
		m[0] = 1;
		munmap(m, 65536);
		close(fd);
	}
	printf("cycle_ns %.0f\n", (now() - t0) * 1e9 / (double)n);
	return 0;
}

static int
rw(long mib, long chunk, int seals)
{
	int fd = memfd_create("bench", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	long total = mib << 20, done;
	char *buf = malloc((size_t)chunk);
	double t0, t1, t2;

	if (fd < 0 || buf == NULL)
		return 1;
	memset(buf, 'b', (size_t)chunk);
	if (seals != 0 && fcntl(fd, F_ADD_SEALS, seals) < 0)
		return 1;
	/* first touch outside the timing: page allocation is not ours */
	for (done = 0; done < total; done += chunk)
		if (write(fd, buf, (size_t)chunk) != chunk)
			return 1;
	lseek(fd, 0, SEEK_SET);
	t0 = now();
	for (done = 0; done < total; done += chunk)
		if (write(fd, buf, (size_t)chunk) != chunk)
			return 1;
	t1 = now();
	lseek(fd, 0, SEEK_SET);
	for (done = 0; done < total; done += chunk)
		if (read(fd, buf, (size_t)chunk) != chunk)
			return 1;
	t2 = now();
	printf("write_MBps %.1f\nread_MBps %.1f\n",
	    (double)total / 1e6 / (t1 - t0), (double)total / 1e6 / (t2 - t1));
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "cycle") == 0)
		return cycle(atol(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "rw") == 0)
		return rw(atol(argv[2]), atol(argv[3]),
		    argc > 4 ? atoi(argv[4]) : 0);
	fprintf(stderr, "usage: memfd_bench cycle N | rw MIB CHUNK [SEALS]\n");
	return 2;
}
