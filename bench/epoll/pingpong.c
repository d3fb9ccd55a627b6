/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll micro-benchmarks for bench/epoll/run.sh:
 *   pingpong N   N round trips over a socketpair between two processes,
 *                each side waiting in epoll_wait; prints us per round trip
 *                and the number of epoll_wait calls made (both sides)
 *   wait N       N epoll_wait(timeout 0) with one ready fd; us per call
 *   ctl N        N epoll_ctl(MOD); us per call
 *   open N       N open+close of /dev/null with an epoll instance made
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long
side(int fd, long n, int first)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	int ep = epoll_create1(0);
	long waits = 0;
	char c = 'p';

	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	if (first)
		write(fd, &c, 1);
	for (long i = 0; i < n; i++) {
		do
			waits++;
		while (epoll_wait(ep, out, 4, -1) < 1);
		read(fd, &c, 1);
		if (!first || i + 1 < n)
			write(fd, &c, 1);
	}
	return waits;
}

int
main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 10000;
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	double t0, t;
	int sv[2], ep, st;

	if (argc < 2)
		return 2;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (strcmp(argv[1], "pingpong") == 0) {
		long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		pid_t pid;

		t0 = now_us();
		if ((pid = fork()) == 0) {
			shared[0] = side(sv[1], n, 0);
			_exit(0);
		}
		shared[1] = side(sv[0], n, 1);
		waitpid(pid, &st, 0);
		t = now_us() - t0;
		printf("pingpong %ld round trips: %.2f us each, %ld epoll_wait\n",
		    n, n ? t / n : 0, shared[0] + shared[1]);
		return 0;
	}
	ep = epoll_create1(0);
	write(sv[1], "x", 1);
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	t0 = now_us();
	if (strcmp(argv[1], "wait") == 0) {
		for (long i = 0; i < n; i++)
			if (epoll_wait(ep, out, 4, 0) != 1)
				return 1;
	} else if (strcmp(argv[1], "open") == 0) {
		/* what an open costs a process that has an epoll instance */
		for (long i = 0; i < n; i++) {
			int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

			if (fd < 0 || close(fd) != 0)
				return 1;
		}
	} else {
		for (long i = 0; i < n; i++)
			if (epoll_ctl(ep, EPOLL_CTL_MOD, sv[0], &ev) != 0)
				return 1;
	}
	t = now_us() - t0;
	printf("%s %ld calls: %.3f us each\n", argv[1], n, t / n);
	return 0;
}
