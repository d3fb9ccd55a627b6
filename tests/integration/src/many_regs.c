/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * many_regs N: N epoll instances, each with one end of a socket pair
 * registered.  Prints "ok N", or how many worked and which call failed
 * with which errno ("ok K, then epoll_ctl ENOSPC").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static int
failed(int i, const char *call)
{
	printf("ok %d, then %s %s\n", i, call, errno == ENOSPC ? "ENOSPC" :
	    errno == ENOMEM ? "ENOMEM" : errno == EMFILE ? "EMFILE" :
	    strerror(errno));
	return 0;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100, sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = sv[0] };
		int ep = epoll_create1(0);

		if (ep < 0)
			return failed(i, "epoll_create1");
		if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev) < 0)
			return failed(i, "epoll_ctl");
	}
	printf("ok %d\n", i);
	return 0;
}
