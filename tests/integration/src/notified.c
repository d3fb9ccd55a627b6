/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * notified N: N calls of each kind lxrun can answer from a seccomp
 * notification, each checked: getrandom of 16 bytes, epoll_wait with
 * timeout 0 on an instance with one ready fd, and a getrandom too long
 * to be answered at once (2 MiB: a ptrace stop).  Prints one line per
 * kind that failed, nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static unsigned char big[2 << 20];
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	unsigned char b[16];
	long n = argc > 1 ? atol(argv[1]) : 1, bad_r = 0, bad_e = 0;
	int p[2], ep;

	if (pipe(p) < 0 || write(p[1], "x", 1) != 1 ||
	    (ep = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("setup");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		if (syscall(SYS_getrandom, b, sizeof(b), 0) != (long)sizeof(b))
			bad_r++;
		if (syscall(SYS_epoll_wait, ep, out, 4, 0) != 1 ||
		    !(out[0].events & EPOLLIN))
			bad_e++;
	}
	if (bad_r > 0)
		printf("getrandom failed %ld times\n", bad_r);
	if (bad_e > 0)
		printf("epoll_wait failed %ld times\n", bad_e);
	if (syscall(SYS_getrandom, big, sizeof(big), 0) != (long)sizeof(big))
		printf("getrandom of 2 MiB failed\n");
	return 0;
}
