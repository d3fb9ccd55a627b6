/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fdrules K N: move K inotify fds to K distinct fd numbers (each number
 * gets lxrun's per-fd rules), then time N raw getppid() calls, which
 * lxrun never needs to see: what every syscall of a program pays for the
 * filters its objects' fd numbers cost (issue 20, item 1).  Prints one
 * "BENCH" line with the filters the process carries.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/resource.h>
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

static int
seccomp_filters(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

int
main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 1000;
	long n = argc > 2 ? atol(argv[2]) : 1000000, first;
	struct rlimit rl;
	double t0, t1;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)k + 200 &&
	    rl.rlim_max >= (rlim_t)k + 200) {
		rl.rlim_cur = (rlim_t)k + 200;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (int i = 0; i < k; i++) {
		int fd = inotify_init1(IN_CLOEXEC);

		if (fd < 0 || dup2(fd, 100 + i) != 100 + i) {
			perror("fdrules");
			return 1;
		}
		close(fd);
		close(100 + i);
	}
	first = syscall(SYS_getppid);
	t0 = now();
	for (long i = 0; i < n; i++)
		if (syscall(SYS_getppid) != first)
			return 1;
	t1 = now();
	printf("BENCH fdrules k=%d n=%ld ns_per_call=%.1f filters=%d\n", k, n,
	    (t1 - t0) * 1e9 / (double)n, seccomp_filters());
	return 0;
}
