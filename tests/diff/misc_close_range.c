/* SPDX-License-Identifier: BSD-2-Clause */
/* close_range(2): flags, ranges, last = ~0U, CLOEXEC and UNSHARE. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void
cr(const char *what, unsigned long a, unsigned long b, unsigned long f)
{
	long r = syscall(SYS_close_range, a, b, f);

	if (r < 0)
		printf("close_range(%s) = -1 %s\n", what,
		    strerrorname_np(errno));
	else
		printf("close_range(%s) = %ld\n", what, r);
}

static const char *
state(int fd)
{
	int r = fcntl(fd, F_GETFD);

	return r < 0 ? "closed" : r & FD_CLOEXEC ? "cloexec" : "open";
}

static int tfd;

static void *
thr(void *arg)
{
	/* Shares the fd table: unshare, then close in its own copy. */
	cr("UNSHARE in thread", (unsigned)tfd, (unsigned)tfd, 2);
	printf("  thread sees fd %s\n", state(tfd));
	return arg;
}

int
main(void)
{
	int a = open("/dev/null", O_RDONLY);	/* 3 */
	int b = dup2(a, 10), c = dup2(a, 11), d = dup2(a, 20);
	pthread_t t;

	cr("first > last", 10, 5, 0);
	cr("unknown flag 1", 5, 10, 1);
	cr("unknown flag 8", 5, 10, 8);
	cr("flags upper half", 100, 200, 1UL << 32);
	cr("first upper half", 0xffffffff00000064UL, 5, 0);
	cr("past open fds", 100, 200, 0);
	cr("CLOEXEC 10..11", 10, 11, 4);
	printf("  fd 10 %s, fd 11 %s, fd 20 %s\n", state(b), state(c),
	    state(d));
	cr("10..10", 10, 10, 0);
	printf("  fd 10 %s, fd 11 %s\n", state(b), state(c));
	tfd = dup2(a, 30);
	pthread_create(&t, NULL, thr, NULL);
	pthread_join(t, NULL);
	printf("  main sees fd 30 %s\n", state(tfd));
	cr("UNSHARE|CLOEXEC", 30, 30, 6);
	printf("  fd 30 %s\n", state(tfd));
	cr("last = ~0U", 11, ~0U, 0);
	printf("  fd 3 %s, fd 11 %s, fd 20 %s, fd 30 %s\n", state(a),
	    state(c), state(d), state(tfd));
	return 0;
}
