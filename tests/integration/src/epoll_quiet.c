/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * epoll_quiet N: a pipe registered in an epoll instance gets N one-byte
 * writes, 2 ms apart, while the program does not wait on the instance;
 * then one epoll_wait must report the N bytes.  Natively nothing wakes;
 * under lxrun the supervisor must not be woken by each write either
 * (tests/integration/epoll_quiet.sh counts its calls).  Prints nothing
 * and exits 0 when the wait reported what Linux reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct timespec gap = { 0, 2000000 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 }, got[2];
	int n = argc > 1 ? atoi(argv[1]) : 1, p[2], ep, avail = -1, r;

	if (pipe(p) < 0 || (ep = epoll_create1(0)) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0) {
		perror("epoll_quiet");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (write(p[1], "x", 1) != 1) {
			perror("write");
			return 1;
		}
		nanosleep(&gap, NULL);
	}
	r = epoll_wait(ep, got, 2, 0);
	ioctl(p[0], FIONREAD, &avail);
	if (r != 1 || got[0].events != EPOLLIN || got[0].data.u64 != 7 ||
	    avail != n) {
		printf("epoll_wait %d events %x data %llu, %d bytes of %d\n", r,
		    r > 0 ? got[0].events : 0,
		    r > 0 ? (unsigned long long)got[0].data.u64 : 0ULL, avail,
		    n);
		return 1;
	}
	return 0;
}
